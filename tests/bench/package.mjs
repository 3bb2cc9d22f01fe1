// The npm package's sizes (not a test): the packed tarball, installed, each entry's wasm
// gzipped, and what it adds to a production Vite app (the consumer test apps of `offsign` and
// of `offsign/core`, next to the same app without offsign).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { ROOT } from '../support/browser.mjs';
import { pack, freshApp, tool } from '../support/consumer.mjs';

/** Total bytes of the files under `dir`, raw and gzipped one by one (as a server sends them). */
function weigh(dir) {
  let raw = 0;
  let gzip = 0;
  for (const entry of readdirSync(dir, { recursive: true })) {
    const file = path.join(dir, entry);
    if (!statSync(file).isFile()) continue;
    const bytes = readFileSync(file);
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { raw, gzip };
}

/** The size of `file` after `gzip -9`, the measure of the wasm size budget (the gzip tool's
 * output is about 1% smaller than zlib's at level 9). */
export const gzip9 = (file) => execFileSync('gzip', ['-9', '-c', file]).length;

export function run() {
  const packed = pack();
  const [dry] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--silent'], { cwd: path.join(ROOT, 'pkg'), encoding: 'utf8' }));
  const withOffsign = freshApp(packed, 'vite');
  execFileSync(tool('vite'), ['build', '--logLevel', 'error'], { cwd: withOffsign });
  const withCore = freshApp(packed, 'vite-core');
  execFileSync(tool('vite'), ['build', '--logLevel', 'error'], { cwd: withCore });
  const without = freshApp(packed, 'vite', { as: 'vite-without' });
  writeFileSync(path.join(without, 'main.js'), "document.body.textContent = 'hello';\n");
  execFileSync(tool('vite'), ['build', '--logLevel', 'error'], { cwd: without });
  return {
    tarball: statSync(packed.tarball).size,
    installed: dry.unpackedSize,
    wasmGzip: gzip9(path.join(ROOT, 'pkg/offsign_device_bg.wasm')),
    coreWasmGzip: gzip9(path.join(ROOT, 'pkg/offsign_core_bg.wasm')),
    viteWith: weigh(path.join(withOffsign, 'dist')),
    viteWithCore: weigh(path.join(withCore, 'dist')),
    viteWithout: weigh(path.join(without, 'dist')),
  };
}
