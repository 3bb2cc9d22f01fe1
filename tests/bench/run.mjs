// Prints the benchmark table (markdown). Run through pkg-scripts/bench, which builds first.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { ROOT, serveStatic, launchChromium } from '../support/browser.mjs';

const fmt = (n) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));
const ratio = (x) => `${x.toFixed(2)}×`;

const native = JSON.parse(execFileSync(path.join(ROOT, 'target/release/examples/native_bench'), { encoding: 'utf8' }));
const server = await serveStatic();
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  await page.goto(`${server.url}/tests/bench/bench.html`);
  const bench = await page.evaluate(async () => (await import('/tests/bench/bench.mjs')).run());

  const firsts = [];
  for (let i = 0; i < 5; i++) {
    const context = await browser.newContext();
    const p = await context.newPage();
    await p.goto(`${server.url}/tests/bench/first-signature.html`);
    firsts.push(await p.waitForFunction(() => window.firstSignatureMs).then((h) => h.jsonValue()));
    await context.close();
  }
  firsts.sort((a, b) => a - b);

  const wasm = readFileSync(path.join(ROOT, 'pkg/offsign_bg.wasm'));
  const version = await page.evaluate(() => navigator.userAgent.match(/Chrome\/[\d.]+/)?.[0]);
  console.log(`\n### Ed25519 in one headless Chromium page (${version}), this machine\n`);
  console.log('Rates are medians of 20 interleaved 120 ms rounds; ratios are medians of the per-round ratios.\n');
  console.log('| operation | offsign (wasm) | libsodium-wrappers | @noble/ed25519 | WebCrypto | offsign ÷ libsodium | offsign ÷ WebCrypto | native offsign |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of bench.results) {
    for (const op of ['sign', 'verify']) {
      const { rates: x, ratios } = r[op];
      console.log(`| ${op} ${r.size} (ops/s) | ${fmt(x.offsign)} | ${fmt(x['libsodium-wrappers'])} | ${fmt(x['@noble/ed25519'])} | ${fmt(x.WebCrypto)} | ${ratio(ratios['libsodium-wrappers'])} | ${ratio(ratios.WebCrypto)} | ${fmt(native[r.size][op])} |`);
    }
  }
  console.log('\n| measure | value |\n|---|---:|');
  console.log(`| record sign incl. policy check + self-check (records/s, 256 B doc) | ${fmt(bench.recordRate)} |`);
  console.log(`| unlock, Argon2id m=${bench.kdf.m} KiB t=${bench.kdf.t} p=${bench.kdf.p} (median of 3) | ${Math.round(bench.unlockMs)} ms |`);
  console.log(`| script start to first signature (median of 5 fresh contexts) | ${Math.round(firsts[2])} ms |`);
  console.log(`| wasm size raw | ${wasm.length.toLocaleString('en-US')} B |`);
  console.log(`| wasm size gzip -9 | ${gzipSync(wasm, { level: 9 }).length.toLocaleString('en-US')} B |`);
} finally {
  await browser.close();
  await server.close();
}
