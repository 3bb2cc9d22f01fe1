// Profiles a browser draining 10,000 records with Device.sync() (a tool, not a test): prints
// the drain's time and where the page's main thread spent it, by function (self time, then
// inclusive time of the offsign frames). "(idle)" is waiting: the network, the server, and
// IndexedDB working in the browser's own process. Function names need a package built with
// its name section, e.g. after pkg-scripts/build and cargo build --release -p offsign-server:
//   wasm-bindgen --target web --out-dir pkg --out-name offsign target/wasm32-unknown-unknown/wasm/offsign.wasm
//   node tests/bench/profile-drain.mjs
// (pkg-scripts/build again afterwards: the package ships without names.)
import { outboxOf10000 } from './server.mjs';

/** The `count` largest entries of `times` (µs by name), as lines of milliseconds. */
const top = (times, count) => [...times].sort((a, b) => b[1] - a[1]).slice(0, count)
  .map(([name, us]) => `${(us / 1000).toFixed(0).padStart(7)} ms ${name.slice(0, 140)}`).join('\n');

const { page, close } = await outboxOf10000();
try {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  const drained = await page.evaluate(async () => {
    const t0 = performance.now();
    const summary = await window.drainDevice.sync();
    return { ms: performance.now() - t0, accepted: summary.accepted };
  });
  const { profile } = await cdp.send('Profiler.stop');
  console.log(`drained ${drained.accepted} records in ${Math.round(drained.ms)} ms`);

  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parents = new Map(profile.nodes.flatMap((n) => (n.children ?? []).map((c) => [c, n.id])));
  const sampled = new Map(); // µs by node
  profile.samples.forEach((id, i) => sampled.set(id, (sampled.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const self = new Map();
  const inclusive = new Map();
  for (const [id, us] of sampled) {
    const frame = nodes.get(id).callFrame;
    const name = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').pop()}`;
    self.set(name, (self.get(name) ?? 0) + us);
    const counted = new Set(); // a recursive function counts once per sample
    for (let at = id; at !== undefined; at = parents.get(at)) {
      const fn = nodes.get(at).callFrame.functionName;
      if (fn.startsWith('offsign') && !counted.has(fn)) {
        counted.add(fn);
        inclusive.set(fn, (inclusive.get(fn) ?? 0) + us);
      }
    }
  }
  console.log(`--- self time\n${top(self, 30)}\n--- inclusive time of offsign functions\n${top(inclusive, 30)}`);
} finally {
  await close();
}
