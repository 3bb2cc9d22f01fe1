// The code blocks of the package README that tests run as printed: each follows a line
// `<!-- tested: NAME -->` in pkg-scripts/npm/README.md.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './browser.mjs';

/** The tested blocks of the package README, by name. */
export function readmeBlocks() {
  const readme = readFileSync(path.join(ROOT, 'pkg-scripts/npm/README.md'), 'utf8');
  return new Map([...readme.matchAll(/<!-- tested: (.+?) -->\n```(?:js|ts|python)\n([\s\S]*?)```/g)].map((m) => [m[1], m[2]]));
}
