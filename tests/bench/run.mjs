// Prints the benchmark table (markdown). Run through pkg-scripts/bench, which builds first.
import { execFileSync } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gzip9 } from './package.mjs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT, serveStatic, launchChromium, CHROMIUM_ARGS } from '../support/browser.mjs';

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

  // The store runs in a profile on disk: an incognito context keeps IndexedDB in memory.
  const profile = mkdtempSync(path.join(tmpdir(), 'offsign-bench-'));
  const disk = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS,
  });
  let store;
  try {
    const p = await disk.newPage();
    await p.goto(`${server.url}/tests/pages/blank.html`);
    store = await p.evaluate(async () => (await import('/tests/bench/store.mjs')).run());
  } finally {
    await disk.close();
    rmSync(profile, { recursive: true, force: true });
  }

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
  const wasmFiles = ['offsign_device_bg.wasm', 'offsign_core_bg.wasm'].map((f) => path.join(ROOT, 'pkg', f));
  const bytes = (sizes) => sizes.map((n) => `${n.toLocaleString('en-US')} B`).join(' / ');
  console.log(`| wasm size raw: the Device's (offsign) / offsign/core | ${bytes(wasmFiles.map((f) => readFileSync(f).length))} |`);
  console.log(`| wasm size gzip -9: the Device's (offsign) / offsign/core | ${bytes(wasmFiles.map(gzip9))} |`);

  const ms = (x) => `${x.toFixed(2)} ms`;
  console.log(`\n### The device store: IndexedDB on disk, same Chromium, 1,000 signatures of a 256 B document\n`);
  console.log('The floor is offsign\'s own transaction (read the identity, add the records, write the identity back, durably) in plain JavaScript with nothing signed or checked.\n');
  console.log('| measure | offsign | floor: same transaction, nothing signed | bare strict put of the same row | offsign ÷ bare |\n|---|---:|---:|---:|---:|');
  console.log(`| sign-and-store latency p50 | ${ms(store.sign.p50)} | ${ms(store.floor.p50)} | ${ms(store.bare.p50)} | ${ratio(store.sign.p50 / store.bare.p50)} |`);
  console.log(`| sign-and-store latency p99 | ${ms(store.sign.p99)} | ${ms(store.floor.p99)} | ${ms(store.bare.p99)} | ${ratio(store.sign.p99 / store.bare.p99)} |`);
  console.log(`| signMany(), batches of 100 (documents/s, median of 20) | ${fmt(store.signManyDocsPerSecond)} | ${fmt(store.floorManyDocsPerSecond)} | | |`);
  console.log('\n| measure | value |\n|---|---:|');
  console.log(`| first page of 50 from an outbox of ${store.records.toLocaleString('en-US')} records (median of 21) | ${ms(store.firstPageMs)} |`);
  console.log(`| page of 50 from the middle of it (median of 21) | ${ms(store.middlePageMs)} |`);
  console.log(`| import a backup of ${store.imported.toLocaleString('en-US')} records into an empty database, each verified (${Math.round(store.backupBytes / 1024).toLocaleString('en-US')} KiB) | ${Math.round(store.importMs).toLocaleString('en-US')} ms |`);

  // The Device in its worker (the package's proxy) next to the same wasm Device on the page's
  // thread, in one profile on disk; then the first stored signature on fresh profiles.
  const realmProfile = mkdtempSync(path.join(tmpdir(), 'offsign-bench-'));
  const realmContext = await chromium.launchPersistentContext(realmProfile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS,
  });
  let realm;
  try {
    const p = await realmContext.newPage();
    await p.goto(`${server.url}/tests/pages/blank.html`);
    realm = await p.evaluate(async () => (await import('/tests/bench/realm.mjs')).run());
  } finally {
    await realmContext.close();
    rmSync(realmProfile, { recursive: true, force: true });
  }
  const firstDevice = { page: [], worker: [] };
  for (let i = 0; i < 5; i++) {
    for (const host of ['page', 'worker']) {
      const context = await browser.newContext();
      const p = await context.newPage();
      await p.goto(`${server.url}/tests/bench/first-device-signature.html?host=${host}`);
      firstDevice[host].push(await p.waitForFunction(() => window.firstSignatureMs, null, { timeout: 60_000 }).then((h) => h.jsonValue()));
      await context.close();
    }
  }
  const mid = (xs) => [...xs].sort((a, b) => a - b)[2];
  console.log('\n### The Device in its worker, next to the same Device on the page\'s thread\n');
  console.log('Same run, same profile on disk. "page" is the wasm Device opened on the page\'s thread (how the package ran it before issue 14), "worker" the package\'s Device: a proxy in the page, the Device in a dedicated worker. Long tasks are the page\'s (PerformanceObserver), over 50 ms.\n');
  console.log('| measure | page | worker |\n|---|---:|---:|');
  const task = (t) => `${t.count} (longest ${Math.round(t.longest)} ms) in ${Math.round(t.ms).toLocaleString('en-US')} ms`;
  console.log(`| long tasks during unlock, default Argon2id | ${task(realm.tasks.page.unlock)} | ${task(realm.tasks.worker.unlock)} |`);
  console.log(`| long tasks during signMany of 1,000 | ${task(realm.tasks.page.signMany)} | ${task(realm.tasks.worker.signMany)} |`);
  console.log(`| long tasks during the import of 10,000 records (${Math.round(realm.backupBytes / 1024).toLocaleString('en-US')} KiB) | ${task(realm.tasks.page.imported)} | ${task(realm.tasks.worker.imported)} |`);
  console.log(`| sign-and-store latency p50 (500 interleaved; target: worker ≤ page + 0.3 ms) | ${ms(realm.signP50.page)} | ${ms(realm.signP50.worker)} (+${ms(realm.signP50.worker - realm.signP50.page)}) |`);
  console.log(`| script start to the first stored signature, fresh profile (median of 5; target: worker ≤ 1.2× page) | ${Math.round(mid(firstDevice.page))} ms | ${Math.round(mid(firstDevice.worker))} ms (${ratio(mid(firstDevice.worker) / mid(firstDevice.page))}) |`);

  const sync = await (await import('./server.mjs')).run();
  console.log('\n### Sync: a release offsign-server on loopback with its SQLite file (WAL, synchronous=FULL)\n');
  console.log('24,000 records from 4 workers in batches of 500, signed beforehand; the load generator shares the 2 cores.\n');
  console.log('| measure | 1 client | 2 clients |\n|---|---:|---:|');
  console.log(`| records verified and stored per second | ${fmt(sync.one.perSecond)} | ${fmt(sync.two.perSecond)} |`);
  console.log(`| batch latency p50 | ${Math.round(sync.one.p50)} ms | ${Math.round(sync.two.p50)} ms |`);
  console.log(`| batch latency p99 | ${Math.round(sync.one.p99)} ms | ${Math.round(sync.two.p99)} ms |`);
  console.log('\n| measure | value |\n|---|---:|');
  console.log(`| strict one-by-one verification, native, 1 core (signatures/s) | ${fmt(native.batch500.single)} |`);
  console.log(`| ed25519-dalek batch verification of the same 500, native, 1 core (signatures/s) | ${fmt(native.batch500.batch)} |`);
  console.log(`| a browser draining an outbox of ${sync.drain.accepted.toLocaleString('en-US')} records with Device.sync() | ${(sync.drain.ms / 1000).toFixed(2)} s |`);
  const drainRate = sync.drain.accepted / (sync.drain.ms / 1000);
  console.log(`| the drain's rate against one client's ingestion above (records/s; target ≥ 0.40×) | ${fmt(drainRate)}: ${ratio(drainRate / sync.one.perSecond)} |`);

  const instances = await import('./instances.mjs');
  console.log('\n### Ingestion on SQLite and on PostgreSQL, one and two instances\n');
  console.log('24,000 records from 4 workers in batches of 500, signed beforehand, sent by 2 clients at once (one per instance with two); PostgreSQL 15 on loopback with fsync and synchronous commit, SQLite with synchronous=FULL. CPU from /proc over the ingestion; the load generator shares the 2 cores.\n');
  console.log(instances.table(await instances.run()));

  const evidence = await (await import('./evidence.mjs')).run();
  console.log('\n### Evidence: a sealed 20 MB photo uploaded in 1–3 MiB chunks, as a device on a fast link sends them, to a release offsign-server on loopback\n');
  console.log(`Median of ${evidence.rounds}, same run. The upload writes each chunk, then opens the whole with the server's key, hashes it against the record's digest and moves it into the blob store (synced once); the plain PUT streams the same bytes to a file a Node server fsyncs once. The device signs the photo as a File in headless Chromium (read, hashed, sealed and stored in IndexedDB with its record), next to WebCrypto hashing the same bytes.\n`);
  console.log('| measure | value |\n|---|---:|');
  console.log(`| evidence upload, plain bytes per second (target ≥ 0.8× the plain PUT) | ${evidence.evidenceMBps.toFixed(0)} MB/s: ${ratio(evidence.evidenceMBps / evidence.putMBps)} |`);
  console.log(`| plain HTTP PUT of the same bytes | ${evidence.putMBps.toFixed(0)} MB/s |`);
  console.log(`| sealed size / plain size (target ≤ 1.01×) | ${evidence.overhead.toFixed(5)}× |`);
  console.log(`| device: storage the browser reports for a signed photo / plain size (target ≤ 1.01×) | ${evidence.deviceStoredPerPlain.toFixed(3)}× |`);
  console.log(`| device: signing a photo File, read, sealed and stored (plain MB/s) | ${evidence.deviceSignMBps.toFixed(0)} MB/s: ${ratio(evidence.deviceSignMBps / evidence.deviceHashMBps)} of WebCrypto hashing it (${evidence.deviceHashMBps.toFixed(0)} MB/s) |`);
  const { verify } = evidence;
  console.log(`| verify page: a ${(verify.bundleBytes / 1e6).toFixed(1)} MB bundle (10 MB document) from the click on Verify to the report | ${Math.round(verify.pageMs)} ms: ${ratio(verify.hashMs / verify.pageMs)} of WebCrypto hashing the document (${Math.round(verify.hashMs)} ms); the native command line ${Math.round(verify.cliMs)} ms (${ratio(verify.cliMs / verify.pageMs)}) |`);

  const app = await (await import('./app.mjs')).run();
  console.log('\n### The field app on a slow phone: cold start, and a tap on "Sign" to the result on screen\n');
  console.log('| measure | value |\n|---|---:|');
  console.log(`| navigation to "ready to sign", offline from the service worker, CPU slowed 4×, 360×740, three workers and three forms on the device (median of 5 fresh profiles; range; target ≤ 1.5 s) | ${Math.round(app.coldStartMs)} ms (${app.coldStartRange.map(Math.round).join('–')}) |`);
  console.log(`| first visit: everything transferred, page and service-worker precache (gzip/Brotli) | ${Math.round(app.firstVisitBytes / 1024).toLocaleString('en-US')} KiB |`);
  const taps = (sorted) => `${Math.round(sorted[2])} ms (${Math.round(sorted[0])}–${Math.round(sorted[4])})`;
  console.log(`| tap on "Sign" to "saved on this device" on screen, the form with the pad, offline (target ≤ 150 ms) | ${taps(app.padSaved)} |`);
  console.log(`| the same with a 3 MB photo, hashed in the Device's worker (target ≤ 400 ms) | ${taps(app.photoSaved)} |`);
  console.log(`| online: tap on "Sign" to "Sent ✓" on screen, server on loopback (target ≤ 1 s) | ${taps(app.sent)} |`);

  const consoleBench = await import('./console.mjs');
  console.log('\n### The administrators\' console on a large database\n');
  console.log(consoleBench.tables(await consoleBench.run()));

  const size = (await import('./package.mjs')).run();
  const kib = (n) => `${Math.round(n / 1024).toLocaleString('en-US')} KiB`;
  console.log('\n### The npm package\n');
  console.log('| measure | value |\n|---|---:|');
  console.log(`| packed tarball (npm pack) | ${kib(size.tarball)} |`);
  console.log(`| installed (unpacked) | ${kib(size.installed)} |`);
  console.log(`| offsign_device_bg.wasm (the Device of \`offsign\`, in its worker), gzip -9 | ${kib(size.wasmGzip)} |`);
  console.log(`| offsign_core_bg.wasm (\`offsign/core\`), gzip -9 | ${kib(size.coreWasmGzip)} |`);
  console.log(`| Vite production build of the consumer app, with offsign (raw / gzip) | ${kib(size.viteWith.raw)} / ${kib(size.viteWith.gzip)} |`);
  console.log(`| a Vite app that signs and verifies with offsign/core only (raw / gzip) | ${kib(size.viteWithCore.raw)} / ${kib(size.viteWithCore.gzip)} |`);
  console.log(`| the same app without offsign (raw / gzip) | ${kib(size.viteWithout.raw)} / ${kib(size.viteWithout.gzip)} |`);
} finally {
  await browser.close();
  await server.close();
}
