// Runs inside one headless Chromium page with a profile on disk: the Device where the package
// puts it in a page (a dedicated worker, behind the proxy of `offsign`) next to the same wasm
// Device on the page's own thread (`offsign_device.js` loaded and opened in the page, as the
// package did before issue 14), in the same run: the page's long tasks while each unlocks with
// the default Argon2id cost, signs 1,000 documents with signMany and imports 10,000 records,
// and the latency of one sign() with its durable store (the proxy's cost is the difference).
import init, { Device as WorkerDevice } from '/pkg/offsign.js';
import { enrolledDevice } from '/tests/pages/enrolled-device.mjs';
import initPageDevice, { Device as PageDevice } from '/pkg/offsign_device.js';

const PIN = '482913';
const FAST_KDF = { m: 8192, t: 1, p: 1 };
const PASSPHRASE = 'correct horse battery staple';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Runs `work` and reports the page's long tasks meanwhile: { ms, count (over 50 ms), longest }. */
async function watched(work) {
  const tasks = [];
  const observer = new PerformanceObserver((list) => tasks.push(...list.getEntries().map((e) => e.duration)));
  observer.observe({ type: 'longtask' });
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  // Long-task entries arrive after their task: give the last one time to be reported.
  await new Promise((resolve) => setTimeout(resolve, 100));
  observer.disconnect();
  return { ms, count: tasks.length, longest: tasks.length ? Math.max(...tasks) : 0 };
}

export async function run() {
  await init();
  await initPageDevice();
  const tag = crypto.randomUUID();
  const doc = crypto.getRandomValues(new Uint8Array(256));
  const options = { name: 'receipt-118.pdf', type: 'application/pdf', claims: { recipient: 'J. Smith', ref: 'DN-118' } };
  const hosts = { page: PageDevice, worker: WorkerDevice };
  const devices = {};
  for (const [host, Device] of Object.entries(hosts)) devices[host] = await enrolledDevice(Device, `realm-${host}-${tag}`, { pin: PIN });

  // One sign() with its durable store, interleaved; the first 20 of each warm up.
  const signMs = { page: [], worker: [] };
  for (let i = 0; i < 520; i++) {
    for (const host of Object.keys(hosts)) {
      const started = performance.now();
      await devices[host].device.sign(doc, options);
      if (i >= 20) signMs[host].push(performance.now() - started);
    }
  }

  // A backup of 10,000 records to import (made once, by the worker's Device).
  const source = await enrolledDevice(WorkerDevice, `realm-source-${tag}`, { pin: PIN, kdf: FAST_KDF });
  for (let n = 0; n < 10_000; n += 1000) await source.device.signMany(Array.from({ length: 1000 }, () => ({ doc, ...options })));
  const backup = await source.device.exportBackup(PASSPHRASE, { kdf: FAST_KDF });

  const tasks = {};
  for (const [host, Device] of Object.entries(hosts)) {
    const { device, kid } = devices[host];
    device.lock();
    const unlock = await watched(() => device.unlock(kid, PIN));
    const batch = Array.from({ length: 1000 }, (_, i) => ({ doc, ...options, name: `receipt-${i}.pdf` }));
    const signMany = await watched(() => device.signMany(batch));
    const fresh = await Device.open({ name: `realm-import-${host}-${tag}` });
    const imported = await watched(() => fresh.importBackup(backup, PASSPHRASE));
    tasks[host] = { unlock, signMany, imported };
  }
  return { signP50: { page: median(signMs.page), worker: median(signMs.worker) }, tasks, backupBytes: backup.length };
}
