// Runs inside one headless Chromium page with a profile on disk (IndexedDB is on disk, as on a
// phone): the Device's sign-and-store latency next to a bare durable IndexedDB put of the same
// row measured in the same page, signMany() throughput, paging an outbox of 10,000 records,
// and importing those 10,000 records from a backup into an empty database. Beside offsign's
// figures, the floor: the same transactions in plain JavaScript with nothing signed.
import init, { Device } from '/pkg/offsign.js';
import { enrolledDevice } from '/tests/pages/enrolled-device.mjs';

const PIN = '482913';
const FAST_KDF = { m: 8192, t: 1, p: 1 };

const percentile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const median = (xs) => percentile(xs, 0.5);

/** Resolves to an IndexedDB request's result. */
const done = (request) => new Promise((resolve, reject) => {
  request.onsuccess = () => resolve(request.result);
  request.onerror = () => reject(request.error);
});

/** A one-store database of its own, for the bare put. */
function openBareDb(name) {
  const open = indexedDB.open(name, 1);
  open.onupgradeneeded = () => open.result.createObjectStore('records', { keyPath: 'id' });
  return done(open);
}

/** A database shaped like offsign's identities and record pages, for the floor. */
function openFloorDb(name) {
  const open = indexedDB.open(name, 1);
  open.onupgradeneeded = () => {
    open.result.createObjectStore('identities', { keyPath: 'kid' });
    const pages = open.result.createObjectStore('pages', { keyPath: 'key' });
    pages.createIndex('byKidLast', ['kid', 'last'], { unique: true });
    for (const index of ['unsent', 'rejected', 'accepted']) {
      pages.createIndex(`by${index[0].toUpperCase()}${index.slice(1)}`, index, { multiEntry: true });
    }
  };
  return done(open);
}

/** The stored rows of identity `kid` and of its first record, read from the device's database. */
async function storedRows(name, kid) {
  const db = await done(indexedDB.open(name));
  const tx = db.transaction(['identities', 'pages'], 'readonly');
  const identity = await done(tx.objectStore('identities').get(kid));
  const record = (await done(tx.objectStore('pages').get([kid, 1]))).rows[0];
  db.close();
  return { identity, record };
}

/**
 * offsign's append transaction without the signing: read the identity, add `n` copies of the
 * record in pages of 32 as offsign keeps them, write the identity back, durably.
 */
function floorAppend(db, { identity, record }, n, tag) {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(['identities', 'pages'], 'readwrite', { durability: 'strict' });
    tx.objectStore('identities').get(identity.kid).onsuccess = () => {
      for (let first = 0; first < n; first += 32) {
        const rows = Array.from({ length: Math.min(32, n - first) }, (_, i) => ({ ...record, id: `${tag}-${first + i}`, kid: tag, seq: first + i + 1 }));
        tx.objectStore('pages').add({
          key: [tag, first + 1], kid: tag, last: first + rows.length, rows,
          unsent: rows.map((r) => [r.signedAt, r.kid, r.seq]), rejected: [], accepted: [],
        });
      }
      tx.objectStore('identities').put(identity);
    };
    tx.oncomplete = resolve;
    tx.onabort = () => reject(tx.error);
  });
}

/** One durable put in its own transaction, resolved when the transaction commits. */
function strictPut(db, row) {
  return new Promise((resolve, reject) => {
    const tx = db.transaction('records', 'readwrite', { durability: 'strict' });
    tx.objectStore('records').put(row);
    tx.oncomplete = resolve;
    tx.onabort = () => reject(tx.error);
  });
}

/** Milliseconds `op` takes, awaited. */
async function timed(op) {
  const t0 = performance.now();
  await op();
  return performance.now() - t0;
}

/** A fresh database with one enrolled, unlocked identity; resolves to { device, kid }. */
const enrolled = (name) => enrolledDevice(Device, name, { pin: PIN, kdf: FAST_KDF });

export async function run() {
  await init();
  const tag = crypto.randomUUID();
  const { device, kid } = await enrolled(`bench-${tag}`);
  const doc = crypto.getRandomValues(new Uint8Array(256));
  const options = { name: 'receipt-118.pdf', type: 'application/pdf', claims: { recipient: 'J. Smith', ref: 'DN-118' } };

  // Sign-and-store next to a bare strict put of the same row, interleaved so that disk and
  // host noise hit both alike. The first 20 of each warm up and are dropped.
  const bare = await openBareDb(`bench-bare-${tag}`);
  const floor = await openFloorDb(`bench-floor-${tag}`);
  await device.sign(doc, options);
  const [row] = await device.records(kid, { limit: 1 });
  const rows = await storedRows(`bench-${tag}`, kid);
  const signMs = [];
  const putMs = [];
  const floorMs = [];
  for (let i = 0; i < 1020; i++) {
    const s = await timed(() => device.sign(doc, options));
    const p = await timed(() => strictPut(bare, { ...row, id: `${tag}-${i}` }));
    const f = await timed(() => floorAppend(floor, rows, 1, `one-${i}`));
    if (i >= 20) { signMs.push(s); putMs.push(p); floorMs.push(f); }
  }

  // signMany(): batches of 100 documents, each batch one transaction.
  const batch = Array.from({ length: 100 }, (_, i) => ({ doc, ...options, name: `receipt-${i}.pdf` }));
  const batchMs = [];
  const floorBatchMs = [];
  for (let i = 0; i < 21; i++) {
    const ms = await timed(() => device.signMany(batch));
    const f = await timed(() => floorAppend(floor, rows, 100, `batch-${i}`));
    if (i > 0) { batchMs.push(ms); floorBatchMs.push(f); }
  }

  // Fill the outbox to 10,000 records, then page it.
  const stored = (await device.identities()).find((x) => x.kid === kid).chain.seq;
  for (let n = stored; n < 10_000; n += 500) {
    await device.signMany(Array.from({ length: Math.min(500, 10_000 - n) }, () => ({ doc, ...options })));
  }
  const firstPageMs = [];
  const middlePageMs = [];
  for (let i = 0; i < 21; i++) {
    firstPageMs.push(await timed(() => device.records(kid, { limit: 50 })));
    middlePageMs.push(await timed(() => device.records(kid, { after: 5_000, limit: 50 })));
  }
  const total = (await device.identities()).find((x) => x.kid === kid).chain.seq;

  // Backup of the whole outbox, imported into an empty database (every record verified).
  const backup = await device.exportBackup('correct horse battery staple', { kdf: FAST_KDF });
  const fresh = await Device.open({ name: `bench-import-${tag}` });
  let summary;
  const importMs = await timed(async () => { summary = await fresh.importBackup(backup, 'correct horse battery staple'); });

  return {
    sign: { p50: median(signMs), p99: percentile(signMs, 0.99) },
    bare: { p50: median(putMs), p99: percentile(putMs, 0.99) },
    floor: { p50: median(floorMs), p99: percentile(floorMs, 0.99) },
    signManyDocsPerSecond: 100_000 / median(batchMs),
    floorManyDocsPerSecond: 100_000 / median(floorBatchMs),
    records: total,
    firstPageMs: median(firstPageMs),
    middlePageMs: median(middlePageMs),
    importMs,
    imported: summary.recordsAdded,
    backupBytes: backup.length,
  };
}
