// Profiles a browser draining 10,000 records with Device.sync() (a tool, not a test): prints
// the drain's time and where the page's main thread spent it, by function (self time, then
// inclusive time of the offsign frames). "(idle)" is waiting: the network, the server, and
// IndexedDB working in the browser's own process. Function names need a package built with
// its name section, e.g. after pkg-scripts/build and cargo build --release -p offsign-server:
//   wasm-bindgen --target web --out-dir pkg --out-name offsign target/wasm32-unknown-unknown/wasm/offsign.wasm
//   node tests/bench/profile-drain.mjs
// (pkg-scripts/build again afterwards: the package ships without names.)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT, CHROMIUM_ARGS } from '../support/browser.mjs';
import { startServer } from '../support/server.mjs';
const BIN = path.join(ROOT, 'target/release/offsign-server');
const server = await startServer(['--rate-limit', '0'], { bin: BIN });
const profile = mkdtempSync(path.join(tmpdir(), 'offsign-drain-'));
const browser = await chromium.launchPersistentContext(profile, { executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
try {
  const { code } = server.admin('enroll', '--worker', 'drain');
  const page = await browser.newPage();
  await page.goto(server.url + '/');
  await page.evaluate(async (code) => {
    const { default: init, Device } = await import('/pkg/offsign.js');
    await init();
    const device = window.d = await Device.open({ name: 'drain' });
    const me = await device.createIdentity({ label: 'Drain', pin: '482913', kdf: { m: 8192, t: 1, p: 1 } });
    await device.enroll(me.kid, code);
    for (let i = 0; i < 20; i++) {
      await device.signMany(Array.from({ length: 500 }, (_, j) => ({ doc: new TextEncoder().encode(`doc ${i}-${j}`), name: `receipt-${j}.pdf` })));
    }
  }, code);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  const r = await page.evaluate(async () => { const t0 = performance.now(); const s = await window.d.sync(); return { ms: performance.now() - t0, accepted: s.accepted }; });
  const { profile: prof } = await cdp.send('Profiler.stop');
  console.log(JSON.stringify(r));
  const self = new Map(); const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const dt = prof.timeDeltas; const counts = new Map();
  prof.samples.forEach((id, i) => counts.set(id, (counts.get(id) ?? 0) + (dt[i] ?? 0)));
  for (const [id, us] of counts) { const n = byId.get(id); const name = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}`; self.set(name, (self.get(name) ?? 0) + us); }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  for (const [name, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 45)) console.log((us / 1000).toFixed(0).padStart(7), 'ms', name.slice(0, 120));
  console.log('total', (total / 1000).toFixed(0));
  // inclusive time for some frames
  const parent = new Map(); for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const incl = new Map();
  for (const [id, us] of counts) { const seen = new Set(); let cur = id; while (cur !== undefined) { const n = byId.get(cur); const name = n.callFrame.functionName; if (!seen.has(name)) { incl.set(name, (incl.get(name) ?? 0) + us); seen.add(name); } cur = parent.get(cur); } }
  console.log('--- inclusive');
  for (const [name, us] of [...incl].filter(([n]) => /offsign|sync|verify|put_records|unsent|to_js|from_js|json|serde|fetch|apply|receipt|parse/i.test(n)).sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log((us / 1000).toFixed(0).padStart(7), 'ms', name.slice(0, 140));
} finally {
  await browser.close(); rmSync(profile, { recursive: true, force: true }); await server.stop();
}
