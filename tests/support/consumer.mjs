// Fresh consumer apps for the npm package: `npm pack` of pkg/, and app templates from
// tests/consumer/apps installed with that tarball (not a link), built with the bundlers of
// tests/consumer/node_modules.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from './browser.mjs';

const CONSUMER = path.join(ROOT, 'tests/consumer');

/** A consumer tool from tests/consumer/node_modules/.bin (vite, webpack, tsc). */
export const tool = (name) => path.join(CONSUMER, 'node_modules/.bin', name);

/** Packs pkg/ into a fresh folder; returns { work, tarball } (the folder and the .tgz path). */
export function pack() {
  const work = mkdtempSync(path.join(tmpdir(), 'offsign-consumer-'));
  const name = execFileSync('npm', ['pack', '--pack-destination', work, '--silent'], { cwd: path.join(ROOT, 'pkg'), encoding: 'utf8' }).trim();
  return { work, tarball: path.join(work, name) };
}

/** A copy of app template `name` in `work` with the shared check (into `sharedInto`) and
 * offsign installed from `tarball`; `as` names the copy. Returns its folder. */
export function freshApp({ work, tarball }, name, { sharedInto = '.', as = name } = {}) {
  const dir = path.join(work, as);
  cpSync(path.join(CONSUMER, 'apps', name), dir, { recursive: true });
  cpSync(path.join(CONSUMER, 'apps/shared/check.js'), path.join(dir, sharedInto, 'check.js'));
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `${as}-consumer`, private: true, type: 'module' }));
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', tarball], { cwd: dir });
  return dir;
}
