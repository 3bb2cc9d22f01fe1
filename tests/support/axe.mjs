// axe-core's accessibility checks on a page, for the console's and the field app's tests.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './browser.mjs';

const AXE = readFileSync(path.join(ROOT, 'tests/node_modules/axe-core/axe.min.js'), 'utf8');

/** axe-core's violations on `page` (WCAG 2 A and AA rules), as "rule: target" lines. */
export async function accessibilityProblems(page) {
  await page.evaluate(AXE); // through the DevTools protocol: the page's CSP allows no inline script
  const result = await page.evaluate(() => globalThis.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }));
  return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
}
