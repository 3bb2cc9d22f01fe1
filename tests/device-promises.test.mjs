// README promises of the device store, proved through the JS API of the built package in
// headless Chromium with real IndexedDB: one identity unlocked at a time; storage failures
// become failure reports (without secrets) and leave nothing of the failed operation; a backup
// import checks the signatures and chain links inside the (correctly sealed) file; and every
// code of the error table reaches a JS caller as an OffsignError { code, message, remedy } (or,
// for warnings and failure reports, as { code, message, remedy } data). The last test checks
// that the codes observed by this file's tests are the whole table but a short, explained list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { generateKeyPair, exportJWK } from 'jose';
import { deviceWorker, openOffsignPage } from './support/browser.mjs';
import { joseSign } from './support/jose.mjs';

const PIN = '482913';
const PIN_B = '731946';
const PASSPHRASE = 'correct horse battery staple';

/** Every code this file saw cross the JS boundary; the last test compares it with the table. */
const observed = new Set();

/**
 * Codes no device-side JS call can produce, each with why. Everything else in the table must
 * be observed by a test of this file.
 */
const EXCLUDED = {
  self_check_failed: 'needs a fresh signature that fails its own verification twice (a memory or CPU fault); no input reaches it (keys.rs forces it in a unit test)',
  malformed_bundle: 'raised where an evidence bundle file is read (the offsign command line, crate/tests/cli.rs), not by the Device',
  form_answers_invalid: 'needs forms an authority signed, which only a server hands out: sync-server.test.mjs ("forms from the office") sees it cross JS from sign, and checkAnswers name each field',
};

/** Helpers installed in the page as `window.t` (run by page.evaluate, so self-contained). */
function pageHelpers() {
  const { Authority } = window.offsign;
  const DAY = 86_400_000;
  const enc = (s) => new TextEncoder().encode(s);
  const b64u = (bytes) => {
    let s = '';
    for (const b of bytes) s += String.fromCharCode(b);
    return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  };
  const request = (r) => new Promise((resolve, reject) => { r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });
  window.t = {
    DAY,
    FAST: { m: 8192, t: 1, p: 1 },
    enc,
    b64u,
    /** Bytes as standard base64, and back: to carry a file between pages through Node. */
    toBase64(bytes) {
      let s = '';
      for (let i = 0; i < bytes.length; i += 32_768) s += String.fromCharCode(...bytes.subarray(i, i + 32_768));
      return btoa(s);
    },
    fromBase64: (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0)),
    /** `obj` as base64url JSON, a JWS part. */
    part: (obj) => b64u(enc(JSON.stringify(obj))),
    /** `part` decoded back to JSON. */
    unpart: (text) => JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)))),
    /** The JWS with one signature character changed (the 10th: all of its 6 bits are used). */
    flipSignature(jws) {
      const at = jws.lastIndexOf('.') + 10;
      return jws.slice(0, at) + (jws[at] === 'A' ? 'B' : 'A') + jws.slice(at + 1);
    },
    /** What a promise (or a function, sync or async) came to, as plain data. */
    async outcome(work) {
      try {
        return { value: await (typeof work === 'function' ? work() : work) };
      } catch (e) {
        return { error: { isError: e instanceof Error, name: e?.name, code: e?.code, message: e?.message, remedy: e?.remedy, remedyWords: e?.remedyWords } };
      }
    },
    /** Creates an identity on `device` (left unlocked) and gives it credentials from `ca`. */
    async enrolled(device, label, pin, { ca = Authority.generate('Test Authority'), serial = 's-1', nbf = Date.now() - DAY, exp = Date.now() + 90 * DAY } = {}) {
      const id = await device.createIdentity({ label, pin, kdf: window.t.FAST });
      const now = Date.now();
      await device.setCredentials(id.kid, {
        authority: ca.publicJwk,
        certificate: ca.issueCertificate(serial, label, id.publicJwk, nbf, exp),
        revocationList: ca.issueRevocationList([], now, now + DAY),
      });
      return { kid: id.kid, publicJwk: id.publicJwk, ca };
    },
    /** `n` documents whose claims carry 30,000 characters of (compressible) text each. */
    bulkyDocs(n) {
      return Array.from({ length: n }, (_, i) => ({ doc: enc(`pallet ${i}`), name: `p${i}.txt`, claims: { notes: `${i} `.padEnd(30_000, 'checked, sealed, loaded; ') } }));
    },
    /** Every outbox record of `kid`, paging through `records()`. */
    async allRecords(device, kid) {
      const all = [];
      for (let page; (page = await device.records(kid, { after: all.at(-1)?.seq ?? 0, limit: 1000 })).length;) all.push(...page);
      return all;
    },
    /** The raw rows of the database, as another script of this origin sees them. */
    raw: {
      async all(name, store) {
        const db = await request(indexedDB.open(name));
        try { return await request(db.transaction(store).objectStore(store).getAll()); } finally { db.close(); }
      },
      async write(name, store, { clear = false, put = [] }) {
        const db = await request(indexedDB.open(name));
        try {
          const tx = db.transaction(store, 'readwrite');
          const done = new Promise((resolve, reject) => { tx.oncomplete = resolve; tx.onabort = () => reject(tx.error); });
          if (clear) tx.objectStore(store).clear();
          for (const row of put) tx.objectStore(store).put(row);
          await done;
        } finally { db.close(); }
      },
      /** Every stored record row: the device keeps them in pages of consecutive records. */
      async records(name) {
        return (await this.all(name, 'pages')).flatMap((page) => page.rows);
      },
      /**
       * Replaces every stored record with `rows`, paged as the device pages them: runs of one
       * identity's consecutive seqs, at most 32, with the fields its indexes read.
       */
      async writeRecords(name, rows) {
        const pages = [];
        for (const row of [...rows].sort((x, y) => (x.kid === y.kid ? x.seq - y.seq : x.kid < y.kid ? -1 : 1))) {
          const last = pages.at(-1)?.rows;
          if (last && last.length < 32 && last[0].kid === row.kid && last.at(-1).seq + 1 === row.seq) last.push(row);
          else pages.push({ rows: [row] });
        }
        const withState = (page, ...states) => page.rows.filter((r) => states.includes(r.state));
        const put = pages.map((page) => ({
          key: [page.rows[0].kid, page.rows[0].seq], kid: page.rows[0].kid, last: page.rows.at(-1).seq, rows: page.rows,
          unsent: withState(page, 'pending', 'sending').map((r) => [r.signedAt, r.kid, r.seq]),
          rejected: withState(page, 'rejected').map((r) => r.seq),
          accepted: withState(page, 'accepted').map((r) => r.signedAt),
        }));
        await this.write(name, 'pages', { clear: true, put });
      },
      /** A JSON snapshot of the identities and the records. */
      async snapshot(name) {
        const byKey = (key) => (a, b) => (a[key] < b[key] ? -1 : 1);
        return JSON.stringify({
          identities: (await this.all(name, 'identities')).sort(byKey('kid')),
          records: (await this.records(name)).sort(byKey('id')),
        });
      },
    },
    /** Settles an IDBRequest that has no result we need (delete, open for upgrade). */
    settle: (req) => new Promise((resolve) => {
      req.onsuccess = () => { req.result?.close?.(); resolve('done'); };
      req.onblocked = () => resolve('blocked');
      req.onerror = () => resolve(`error ${req.error?.name}`);
    }),
  };
}

/** Runs `fn` with a fresh Chromium page holding the package and the helpers; always closes it. */
async function withPage(fn) {
  const ctx = await openOffsignPage('chromium');
  try {
    await ctx.page.evaluate(pageHelpers);
    await fn(ctx);
    assert.deepEqual(ctx.errors.map(String), [], 'no uncaught page errors');
  } finally {
    await ctx.close();
  }
}

/** Asserts that `outcome` (from `t.outcome`) is an OffsignError with `code`; records the code. */
function expectError(outcome, code, what = code) {
  assert.ok(outcome?.error, `${what}: expected ${code}, got ${JSON.stringify(outcome)?.slice(0, 300)}`);
  const e = outcome.error;
  assert.equal(e.code, code, `${what}: ${e.message}`);
  assert.equal(e.isError, true, `${what}: instanceof Error`);
  assert.equal(e.name, 'OffsignError', what);
  assert.ok(typeof e.message === 'string' && e.message.length > 0, `${what}: a message`);
  assert.ok(typeof e.remedy === 'string' && e.remedy.length > 10 && e.remedy.endsWith('.'), `${what}: a remedy (${e.remedy})`);
  observed.add(code);
  return e;
}

/** Asserts that `warnings` are exactly `codes`, each with a message and a remedy; records them. */
function expectWarnings(warnings, codes) {
  assert.deepEqual(warnings.map((w) => w.code).sort(), [...codes].sort());
  for (const w of warnings) {
    assert.ok(w.message.length > 0 && w.remedy.endsWith('.'), JSON.stringify(w));
    observed.add(w.code);
  }
}

/** The failure report of `code` during `operation` in `reports`, checked whole; records the code. */
function expectReport(reports, { code, operation, kid = null, count = 1, appVersion }) {
  const found = reports.filter((r) => r.code === code && r.operation === operation && r.kid === kid);
  assert.equal(found.length, 1, `one ${code} report of ${operation}: ${JSON.stringify(reports.map((r) => [r.code, r.operation, r.kid, r.count]))}`);
  const [r] = found;
  assert.equal(r.count, count, `${code} during ${operation} counted`);
  assert.equal(r.fingerprint, `${code}|${operation}|${kid ?? ''}`);
  assert.ok(r.message.length > 0 && r.remedy.endsWith('.'), JSON.stringify(r));
  assert.match(r.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'a UUID v7');
  assert.match(r.userAgent, /HeadlessChrome/);
  if (appVersion) assert.equal(r.appVersion, appVersion);
  assert.equal(r.state, 'pending', 'queued for sync');
  assert.ok(!Number.isNaN(Date.parse(r.firstAt)) && r.firstAt <= r.lastAt);
  observed.add(code);
  return r;
}

/** Asserts that none of `secrets` appears anywhere in `value` (serialized). */
function assertNoSecrets(value, secrets) {
  const text = JSON.stringify(value);
  for (const secret of secrets) assert.ok(!text.includes(secret), `no secret (${secret.slice(0, 12)}…) in ${text.slice(0, 200)}…`);
}

test('one identity unlocked at a time: unlocking B locks A, signing follows the unlocked one, a failed unlock leaves none', { timeout: 120_000 }, () => withPage(async ({ page }) => {
  const r = await page.evaluate(async ({ pin, pinB, passphrase }) => {
    const { Device, verifyRecord } = window.offsign;
    const device = await Device.open({ name: 'shared-tablet' });
    const a = await t.enrolled(device, 'A. Jones', pin);
    const afterCreateA = device.unlocked;
    const b = await t.enrolled(device, 'B. Smith', pinB, { ca: a.ca });
    const afterCreateB = device.unlocked;
    await device.unlock(a.kid, pin);
    const afterUnlockA = device.unlocked;
    const signedA = await device.sign(t.enc('delivery 1'), { name: 'd1.txt' });
    await device.unlock(b.kid, pinB);
    const afterUnlockB = device.unlocked;
    const signedB = await device.sign(t.enc('delivery 2'), { name: 'd2.txt' });
    const checks = {
      bByB: await t.outcome(() => verifyRecord(signedB.jws, b.publicJwk).kid),
      bByA: await t.outcome(() => verifyRecord(signedB.jws, a.publicJwk)),
    };
    const records = { a: (await device.records(a.kid)).map((x) => x.seq), b: (await device.records(b.kid)).map((x) => x.seq) };
    // A wrong PIN for A while B is unlocked: the unlock locks first, so nothing stays unlocked.
    const wrongA = await t.outcome(device.unlock(a.kid, '000000'));
    const afterWrongA = device.unlocked;
    const signWhileNone = await t.outcome(device.sign(t.enc('delivery 3')));
    // A backup holds the unlocked worker only: B's, made while B is unlocked, restores B alone.
    await device.unlock(b.kid, pinB);
    const backup = await device.exportBackup(passphrase, { kdf: t.FAST });
    const restoredDevice = await Device.open({ name: 'restored' });
    const summary = await restoredDevice.importBackup(backup, passphrase);
    const restored = (await restoredDevice.identities()).map((i) => i.kid);
    // The unlocked key lives in this Device object only: another tab on the same database has none.
    const otherTab = (await Device.open({ name: 'shared-tablet' })).unlocked;
    device.lock();
    const afterLock = device.unlocked;
    const reports = await device.reports();
    return {
      a: a.kid, b: b.kid, afterCreateA, afterCreateB, afterUnlockA, afterUnlockB, afterWrongA, afterLock, otherTab,
      signedA: { kid: signedA.record.kid, seq: signedA.record.seq, header: t.unpart(signedA.jws.split('.')[0]).kid },
      signedB: { kid: signedB.record.kid, seq: signedB.record.seq, header: t.unpart(signedB.jws.split('.')[0]).kid },
      checks, records, wrongA, signWhileNone, summary, restored, reports,
    };
  }, { pin: PIN, pinB: PIN_B, passphrase: PASSPHRASE });
  assert.notEqual(r.a, r.b);
  assert.equal(r.afterCreateA, r.a, 'a new identity starts unlocked');
  assert.equal(r.afterCreateB, r.b, 'creating B locks A');
  assert.equal(r.afterUnlockA, r.a);
  assert.deepEqual(r.signedA, { kid: r.a, seq: 1, header: r.a });
  assert.equal(r.afterUnlockB, r.b, 'unlocking B locks A');
  assert.deepEqual(r.signedB, { kid: r.b, seq: 1, header: r.b }, 'signed as B, on B\'s own chain');
  assert.deepEqual(r.checks.bByB, { value: r.b });
  expectError(r.checks.bByA, 'key_mismatch', 'B\'s record checked against A\'s key');
  assert.deepEqual(r.records, { a: [1], b: [1] });
  expectError(r.wrongA, 'wrong_pin');
  assert.equal(r.afterWrongA, undefined, 'a failed unlock of A also locked B');
  expectError(r.signWhileNone, 'identity_locked');
  assert.deepEqual(r.summary, { identitiesAdded: 1, recordsAdded: 1, recordsSkipped: 0, reportsAdded: 1, evidenceAdded: 1 });
  assert.deepEqual(r.restored, [r.b], 'B\'s backup holds B, not A');
  assert.equal(r.otherTab, undefined);
  assert.equal(r.afterLock, undefined);
  expectReport(r.reports, { code: 'wrong_pin', operation: 'unlock', kid: r.a });
  expectReport(r.reports, { code: 'identity_locked', operation: 'sign', kid: null });
  assertNoSecrets(r.reports, [PIN, PIN_B, '000000', PASSPHRASE]);
}));

// The failing operations here are bigger than the room left, and their data compresses; the
// next test fills the disk for good.
test('a File or a Blob is a document: read and hashed a slice at a time, named by the file unless the options say otherwise, in sign and signMany', { timeout: 120_000 }, () => withPage(async ({ page }) => {
  const r = await page.evaluate(async ({ pin }) => {
    const { verifyRecord } = window.offsign;
    const device = await window.offsign.Device.open({ name: `blob-${Math.random()}` });
    const me = await t.enrolled(device, 'Blob Signer', pin);
    // 3 MiB and 5 bytes: four slices, the last one short.
    const bytes = new Uint8Array(3 * 1024 * 1024 + 5).map((_, i) => (i * 31 + 7) & 0xff);
    const hex = async (data) => [...new Uint8Array(await crypto.subtle.digest('SHA-256', data))].map((b) => b.toString(16).padStart(2, '0')).join('');
    const sha256Of = (record) => [...Uint8Array.from(atob(record.doc.sha256.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0))].map((b) => b.toString(16).padStart(2, '0')).join('');
    const file = new File([bytes], 'scan-118.pdf', { type: 'application/pdf' });
    const fromFile = await device.sign(file, { claims: { page: 1 } });
    const renamed = await device.sign(file, { name: 'renamed.pdf', type: 'application/octet-stream' });
    const fromBlob = await device.sign(new Blob(['a note']));
    const fromBytes = await device.sign(bytes, { name: 'scan-118.pdf', type: 'application/pdf' });
    const batch = await device.signMany([{ doc: file }, { doc: new TextEncoder().encode('bytes beside a file'), name: 'b.txt' }]);
    return {
      expected: await hex(bytes),
      file: { sha256: sha256Of(fromFile.record), doc: fromFile.record.doc, claims: fromFile.record.claims },
      renamed: renamed.record.doc,
      blob: { doc: fromBlob.record.doc, expected: await hex(new TextEncoder().encode('a note')), sha256: sha256Of(fromBlob.record) },
      sameAsBytes: fromBytes.record.doc.sha256 === fromFile.record.doc.sha256,
      batch: batch.records.map((x) => x.record.doc.name),
      verified: verifyRecord(fromFile.jws, me.publicJwk).doc.size,
    };
  }, { pin: PIN });
  assert.equal(r.file.sha256, r.expected, 'the digest of the whole file, read in slices');
  assert.deepEqual({ ...r.file.doc, sha256: undefined }, { sha256: undefined, name: 'scan-118.pdf', type: 'application/pdf', size: 3 * 1024 * 1024 + 5 });
  // The device adds the commitment to the content key its sealed copy of the file is under.
  assert.deepEqual({ ...r.file.claims, evidenceSealing: undefined }, { page: 1, evidenceSealing: undefined });
  assert.match(r.file.claims.evidenceSealing.document, /^[A-Za-z0-9_-]{43}$/);
  assert.deepEqual([r.renamed.name, r.renamed.type], ['renamed.pdf', 'application/octet-stream'], 'the options win over the file');
  assert.equal(r.blob.sha256, r.blob.expected);
  assert.ok(r.blob.doc.name == null, 'a Blob has no name');
  assert.equal(r.blob.doc.size, 6);
  assert.equal(r.sameAsBytes, true, 'a file and its bytes make the same digest');
  assert.deepEqual(r.batch, ['scan-118.pdf', 'b.txt']);
  assert.equal(r.verified, 3 * 1024 * 1024 + 5);
}));

test('storage_full while signing and while importing is a failure report without secrets, and nothing of the failed operation remains', { timeout: 240_000 }, () => withPage(async ({ browser, page, server }) => {
  // The quota is set before this origin first opens IndexedDB: a lower override set after the
  // origin's storage was in use went unenforced in this Chromium (156).
  const cdp = await page.context().newCDPSession(page);
  const quota = (bytes) => cdp.send('Storage.overrideQuotaForOrigin', { origin: server.url, quotaSize: bytes });
  await quota(2 * 1024 * 1024);
  // A backup of 60 records of bulky claims (~2.4 MB of JWS, more than the whole quota), made by
  // a device of another origin (localhost, in another context: its own, plentiful quota),
  // handed over as base64.
  const other = await browser.newPage();
  let big;
  try {
    await other.goto(`${server.url.replace('127.0.0.1', 'localhost')}/tests/pages/blank.html`);
    await other.evaluate(async () => {
      const mod = await import('/pkg/offsign.js');
      await mod.default();
      window.offsign = mod;
    });
    await other.evaluate(pageHelpers);
    big = await other.evaluate(async ({ pin, passphrase }) => {
      const device = await window.offsign.Device.open({ name: 'big' });
      const c = await t.enrolled(device, 'C. Big', pin);
      await device.signMany(t.bulkyDocs(60));
      return { kid: c.kid, backup: t.toBase64(await device.exportBackup(passphrase, { kdf: t.FAST })) };
    }, { pin: PIN, passphrase: PASSPHRASE });
  } finally {
    await other.close();
  }
  const bigBytes = Buffer.from(big.backup, 'base64').length;
  assert.ok(bigBytes > 2_500_000, `a big backup: ${bigBytes} bytes`);
  await page.evaluate((backup) => { window.bigBackup = t.fromBase64(backup); }, big.backup);

  const r = await page.evaluate(async ({ pin, passphrase, bigKid }) => {
    const { Device } = window.offsign;
    const device = window.fullDevice = await Device.open({ name: 'full', appVersion: 'promises-1' });
    const a = await t.enrolled(device, 'A. Jones', pin);
    await device.signMany([1, 2, 3].map((i) => ({ doc: t.enc(`receipt ${i}`), name: `r${i}.txt` })));
    const before = await t.raw.snapshot('full');
    window.bigBatch = t.bulkyDocs(60);
    const signFull = await t.outcome(device.signMany(window.bigBatch));
    const afterSign = await t.raw.snapshot('full');
    const importFull = await t.outcome(device.importBackup(window.bigBackup, passphrase));
    const afterImport = await t.raw.snapshot('full');
    const records = await t.allRecords(device, a.kid);
    const [rawIdentity] = await t.raw.all('full', 'identities');
    return {
      kid: a.kid, signFull, importFull, unchangedBySign: afterSign === before, unchangedByImport: afterImport === before,
      seqs: records.map((x) => x.seq), head: (await device.identities())[0].chain?.seq,
      bigRecords: (await device.records(bigKid)).length, identities: (await device.identities()).map((i) => i.kid),
      reports: await device.reports(),
      sealed: [rawIdentity.sealed.ciphertext, rawIdentity.sealed.kdf.salt, rawIdentity.sealed.nonce],
    };
  }, { pin: PIN, passphrase: PASSPHRASE, bigKid: big.kid });
  const signFull = expectError(r.signFull, 'storage_full', 'a batch bigger than the room left');
  assert.match(signFull.message, /QuotaExceededError/);
  assert.match(signFull.remedy, /free space/);
  expectError(r.importFull, 'storage_full', 'a backup bigger than the room left');
  assert.equal(r.unchangedBySign, true, 'the refused batch left no record and did not move the chain head');
  assert.equal(r.unchangedByImport, true, 'the refused import left no identity and no record');
  assert.deepEqual(r.seqs, [1, 2, 3]);
  assert.equal(r.head, 3);
  assert.equal(r.bigRecords, 0);
  assert.deepEqual(r.identities, [r.kid]);
  const signReport = expectReport(r.reports, { code: 'storage_full', operation: 'sign', kid: r.kid, appVersion: 'promises-1' });
  assert.equal(signReport.message, signFull.message);
  assert.equal(signReport.remedy, signFull.remedy);
  expectReport(r.reports, { code: 'storage_full', operation: 'import_backup', kid: null, appVersion: 'promises-1' });
  assert.equal(r.reports.length, 2, JSON.stringify(r.reports.map((x) => x.code)));
  assertNoSecrets(r.reports, [PIN, PASSPHRASE, ...r.sealed]);

  // Space again: the same batch signs on the same chain, and the same backup imports whole.
  await quota(64 * 1024 * 1024);
  const after = await page.evaluate(async ({ passphrase, kid, bigKid }) => {
    const device = window.fullDevice;
    const batch = await device.signMany(window.bigBatch);
    const summary = await device.importBackup(window.bigBackup, passphrase);
    return { seqs: batch.records.map((x) => x.record.seq), stored: (await t.allRecords(device, kid)).length, summary, bigRecords: (await t.allRecords(device, bigKid)).length };
  }, { passphrase: PASSPHRASE, kid: r.kid, bigKid: big.kid });
  assert.deepEqual(after.seqs, Array.from({ length: 60 }, (_, i) => i + 4));
  assert.equal(after.stored, 63);
  assert.deepEqual(after.summary, { identitiesAdded: 1, recordsAdded: 60, recordsSkipped: 0, reportsAdded: 0, evidenceAdded: 60 }, 'the documents not yet sent come too');
  assert.equal(after.bigRecords, 60);
}));

// The disk fills up from outside the Device (another database of the origin takes every byte
// the quota leaves): then every write the Device tries is refused, even the few bytes that count
// a PIN try, and it must say so each time and keep its failure reports until space returns.
// (Filling it with the Device's own refused batch is no way to get there: whether Chromium
// still counts an aborted transaction's bytes is decided per browser session.)
test('a disk that stays full: every write is storage_full with its remedy, and the failure reports wait in memory until space returns', { timeout: 180_000 }, () => withPage(async ({ page, server }) => {
  const cdp = await page.context().newCDPSession(page);
  const quota = (bytes) => cdp.send('Storage.overrideQuotaForOrigin', { origin: server.url, quotaSize: bytes });
  await quota(2 * 1024 * 1024);
  const kid = await page.evaluate(async ({ pin }) => {
    const device = window.fullDevice = await window.offsign.Device.open({ name: 'stays-full' });
    return (await t.enrolled(device, 'A. Jones', pin)).kid;
  }, { pin: PIN });
  // Another database takes what is left: random bytes (nothing to compress), in ever smaller
  // pieces until not even 64 bytes fit.
  const filled = await page.evaluate(async () => {
    const db = await new Promise((resolve, reject) => {
      const open = indexedDB.open('filler', 1);
      open.onupgradeneeded = () => open.result.createObjectStore('bytes', { autoIncrement: true });
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const put = (size) => new Promise((resolve) => {
      const tx = db.transaction('bytes', 'readwrite');
      tx.objectStore('bytes').put(crypto.getRandomValues(new Uint8Array(size)));
      tx.oncomplete = () => resolve(true);
      tx.onabort = () => resolve(false);
    });
    let written = 0;
    for (let size = 65_536; size >= 64; size /= 2) {
      // At most 32 MiB of each size: a quota that is not enforced fails the test, not hangs it.
      for (let n = 0; n < (32 << 20) / size && await put(size); n++) written += size;
    }
    db.close();
    return written;
  });
  assert.ok(filled > 1024 * 1024, `the filler took the room left (${filled} bytes)`);
  const usage = await cdp.send('Storage.getUsageAndQuota', { origin: server.url });
  const r = await page.evaluate(async ({ pin, kid }) => {
    const device = window.fullDevice;
    const signFull = await t.outcome(device.sign(t.enc('while full'), { name: 'full.txt' }));
    const unlockFull = await t.outcome(device.unlock(kid, pin));
    return { signFull, unlockFull, unlockedWhileFull: device.unlocked ?? null, reportsWhileFull: (await device.reports()).map((x) => x.code) };
  }, { pin: PIN, kid });
  const sign = expectError(r.signFull, 'storage_full', `a signature on a full disk (usage ${usage.usage} of ${usage.quota})`);
  assert.match(sign.remedy, /free space/);
  const unlock = expectError(r.unlockFull, 'storage_full', 'an unlock whose try cannot be counted');
  assert.match(unlock.remedy, /free space/);
  assert.equal(r.unlockedWhileFull, null, 'no unlock without counting the try');
  assert.deepEqual(r.reportsWhileFull, [], 'nothing could be stored');

  await quota(64 * 1024 * 1024);
  const after = await page.evaluate(async ({ pin, kid }) => {
    const device = window.fullDevice;
    await device.unlock(kid, pin);
    return { unlocked: device.unlocked, reports: await device.reports(), signed: (await device.sign(t.enc('after'), { name: 'after.txt' })).record.seq };
  }, { pin: PIN, kid });
  assert.equal(after.unlocked, kid);
  expectReport(after.reports, { code: 'storage_full', operation: 'sign', kid });
  expectReport(after.reports, { code: 'storage_full', operation: 'unlock', kid });
  assert.equal(after.signed, 1, 'the chain starts where it stood: the refused signature left nothing');
}));

test('backup import checks each record\'s signature and each chain link inside the sealed file, and a refused file changes nothing', { timeout: 180_000 }, () => withPage(async ({ page }) => {
  // The hostile files are sealed by the package itself: their rows are planted in the source
  // device's IndexedDB (as any script of the origin could) and exported; export seals what is stored.
  const r = await page.evaluate(async ({ pin, pinB, passphrase }) => {
    const { Device, Identity, verifyRecord } = window.offsign;
    const src = await Device.open({ name: 'source' });
    const a = await t.enrolled(src, 'A. Jones', pin);
    await src.signMany([1, 2, 3].map((i) => ({ doc: t.enc(`receipt ${i}`), name: `r${i}.txt` })));
    const honest = await src.exportBackup(passphrase, { kdf: t.FAST });
    const [identityRow] = await t.raw.all('source', 'identities');
    const rows = (await t.raw.records('source')).sort((x, y) => x.seq - y.seq);
    const headOf = (row) => ({ seq: row.seq, hash: row.hash, signedAt: row.signedAt });
    const { recordHash } = window.offsign;
    /** A backup of A holding exactly `records` with chain head `head`, sealed by exportBackup. */
    const fileWith = async (records, head) => {
      await t.raw.writeRecords('source', records);
      await t.raw.write('source', 'identities', { put: [{ ...identityRow, chain: head }] });
      return src.exportBackup(passphrase, { kdf: t.FAST });
    };
    const rowOf = (template, signed, docName) => ({ ...template, id: signed.record.id, seq: signed.record.seq, signedAt: signed.record.signedAt, jws: signed.jws, hash: signed.hash, docName });

    // (a1) record 3's signature bytes changed; its row, hash and the head say what the JWS says.
    const flipped = { ...rows[2], jws: t.flipSignature(rows[2].jws) };
    flipped.hash = recordHash(flipped.jws);
    const badSignature = await fileWith([rows[0], rows[1], flipped], headOf(flipped));
    // (a2) record 3's payload changed (another document name), its signature kept.
    const [h, p, s] = rows[2].jws.split('.');
    const altered = { ...rows[2], jws: [h, t.part({ ...t.unpart(p), doc: { ...t.unpart(p).doc, name: 'r3-forged.txt' } }), s].join('.'), docName: 'r3-forged.txt' };
    altered.hash = recordHash(altered.jws);
    const alteredPayload = await fileWith([rows[0], rows[1], altered], headOf(altered));
    // (b) records 1 and 2 each validly signed by A's key, but record 2 follows a record 1 of a
    // fork: its prev is not record 1's hash.
    const key = Identity.unseal(identityRow.sealed, pin);
    const fork1 = key.sign(t.enc('fork 1'), { credentials: identityRow.credentials, name: 'f1.txt' });
    const fork2 = key.sign(t.enc('fork 2'), { credentials: identityRow.credentials, chain: fork1.chain, name: 'f2.txt' });
    key.lock();
    const forkRow2 = rowOf(rows[1], fork2, 'f2.txt');
    const brokenLink = await fileWith([rows[0], forkRow2], headOf(forkRow2));
    // Controls: a gap (record 2 deleted after acceptance) is allowed; the whole fork chain is a
    // valid file that conflicts with the records restored from the honest one.
    const gap = await fileWith([rows[0], rows[2]], headOf(rows[2]));
    const fork = await fileWith([rowOf(rows[0], fork1, 'f1.txt'), forkRow2], headOf(forkRow2));

    // The independent verifier agrees on what is wrong.
    const verdicts = {
      flipped: await t.outcome(() => verifyRecord(flipped.jws, a.publicJwk, { prev: rows[1].jws })),
      altered: await t.outcome(() => verifyRecord(altered.jws, a.publicJwk, { prev: rows[1].jws })),
      link: await t.outcome(() => verifyRecord(fork2.jws, a.publicJwk, { prev: rows[0].jws })),
      forkItself: await t.outcome(() => verifyRecord(fork2.jws, a.publicJwk, { prev: fork1.jws }).seq),
    };

    // The target: another worker's device with a record of its own.
    const dst = await Device.open({ name: 'target' });
    const b = await t.enrolled(dst, 'B. Smith', pinB);
    await dst.sign(t.enc('b 1'));
    const before = await t.raw.snapshot('target');
    const refused = {
      wrongPassphrase: await t.outcome(dst.importBackup(honest, 'not the passphrase')),
      badSignature: await t.outcome(dst.importBackup(badSignature, passphrase)),
      alteredPayload: await t.outcome(dst.importBackup(alteredPayload, passphrase)),
      brokenLink: await t.outcome(dst.importBackup(brokenLink, passphrase)),
    };
    const unchanged = (await t.raw.snapshot('target')) === before;
    const gapSummary = await dst.importBackup(gap, passphrase);
    const honestSummary = await dst.importBackup(honest, passphrase);
    const restored = await t.raw.snapshot('target');
    const conflict = await t.outcome(dst.importBackup(fork, passphrase));
    const unchangedByConflict = (await t.raw.snapshot('target')) === restored;
    const seqs = (await dst.records(a.kid)).map((x) => [x.seq, x.hash]);
    await dst.unlock(a.kid, pin);
    const next = await dst.sign(t.enc('after restore'));
    return {
      a: a.kid, b: b.kid, verdicts, refused, unchanged, gapSummary, honestSummary, conflict, unchangedByConflict,
      seqs, original: rows.map((x) => [x.seq, x.hash]),
      nextSeq: next.record.seq, nextPrev: next.record.prev, reports: await dst.reports(),
    };
  }, { pin: PIN, pinB: PIN_B, passphrase: PASSPHRASE });

  expectError(r.verdicts.flipped, 'bad_signature', 'flipped signature');
  expectError(r.verdicts.altered, 'bad_signature', 'altered payload');
  expectError(r.verdicts.link, 'chain_broken', 'fork record after record 1');
  assert.deepEqual(r.verdicts.forkItself, { value: 2 }, 'each fork record is validly signed');

  expectError(r.refused.wrongPassphrase, 'wrong_passphrase');
  for (const [what, reason] of [['badSignature', /record 3 of .* does not verify: bad_signature/], ['alteredPayload', /record 3 of .* does not verify: bad_signature/], ['brokenLink', /record 2 of .* does not verify: chain_broken/]]) {
    const e = expectError(r.refused[what], 'malformed_backup', what);
    assert.match(e.message, reason, what);
  }
  assert.equal(r.unchanged, true, 'refused files changed no identity and no record');
  assert.deepEqual(r.gapSummary, { identitiesAdded: 1, recordsAdded: 2, recordsSkipped: 0, reportsAdded: 0, evidenceAdded: 2 }, 'a gap between records is no broken link');
  assert.deepEqual(r.honestSummary, { identitiesAdded: 0, recordsAdded: 1, recordsSkipped: 2, reportsAdded: 0, evidenceAdded: 1 });
  assert.deepEqual(r.seqs, r.original, 'the honest records, in order');
  expectError(r.conflict, 'chain_broken', 'a valid file whose records differ from the stored ones');
  assert.equal(r.unchangedByConflict, true);
  assert.equal(r.nextSeq, 4);
  assert.equal(r.nextPrev, r.original[2][1], 'the restored chain continues');
  expectReport(r.reports, { code: 'malformed_backup', operation: 'import_backup', count: 3 });
  expectReport(r.reports, { code: 'wrong_passphrase', operation: 'import_backup' });
  expectReport(r.reports, { code: 'chain_broken', operation: 'import_backup' });
  assertNoSecrets(r.reports, [PIN, PIN_B, PASSPHRASE]);
}));

test('identity_not_found: an unknown key id is refused with a code, a message and a remedy, and reported', { timeout: 120_000 }, () => withPage(async ({ page }) => {
  const r = await page.evaluate(async ({ pin }) => {
    const device = await window.offsign.Device.open({ name: 'unknown-kid' });
    const a = await t.enrolled(device, 'A. Jones', pin);
    const unlock = await t.outcome(device.unlock('no-such-kid', pin));
    const afterUnlock = device.unlocked;
    const lockout = await t.outcome(device.lockoutRemaining('no-such-kid'));
    await device.unlock(a.kid, pin);
    const enroll = await t.outcome(device.enroll('no-such-kid', 'K7QM-3XPA-9DHT', { server: 'http://127.0.0.1:9' }));
    return { kid: a.kid, unlock, afterUnlock, lockout, enroll, identities: (await device.identities()).map((i) => i.kid), reports: await device.reports() };
  }, { pin: PIN });
  for (const what of ['unlock', 'lockout', 'enroll']) {
    const e = expectError(r[what], 'identity_not_found', what);
    assert.match(e.message, /no identity no-such-kid on this device/);
  }
  assert.equal(r.afterUnlock, undefined, 'unlock locks first, even for an unknown key id');
  assert.deepEqual(r.identities, [r.kid], 'nothing added');
  expectReport(r.reports, { code: 'identity_not_found', operation: 'unlock', kid: 'no-such-kid' });
  expectReport(r.reports, { code: 'identity_not_found', operation: 'lockout_remaining', kid: 'no-such-kid' });
  expectReport(r.reports, { code: 'identity_not_found', operation: 'enroll', kid: 'no-such-kid' });
  assertNoSecrets(r.reports, [PIN]);
}));

test('unsent_records: removing a worker whose records are not sent is refused and changes nothing, unless asked to discard them', { timeout: 120_000 }, () => withPage(async ({ page }) => {
  const r = await page.evaluate(async ({ pin }) => {
    const device = await window.offsign.Device.open({ name: 'remove-worker' });
    const a = await t.enrolled(device, 'A. Jones', pin);
    await device.sign(new TextEncoder().encode('not sent yet'), { name: 'a.txt' });
    const refused = await t.outcome(device.removeIdentity(a.kid));
    const kept = (await device.records(a.kid)).length;
    const badOption = await t.outcome(device.removeIdentity(a.kid, { discardUnsent: 'yes' }));
    const removed = await device.removeIdentity(a.kid, { discardUnsent: true });
    return { kid: a.kid, refused, kept, badOption, removed, unlocked: device.unlocked ?? null, identities: (await device.identities()).length, reports: await device.reports() };
  }, { pin: PIN });
  assert.match(expectError(r.refused, 'unsent_records').message, /has unsent records \(1\); nothing was removed/);
  assert.equal(r.kept, 1);
  expectError(r.badOption, 'malformed_input');
  assert.deepEqual(r.removed, { records: 1, unsent: 1, rejected: 0 });
  assert.deepEqual([r.unlocked, r.identities], [null, 0], 'locked first, then gone');
  expectReport(r.reports, { code: 'unsent_records', operation: 'remove_identity', kid: r.kid });
}));

test('form_unknown: nothing is signed on a form the device does not hold, and no form is held before a server sent one', { timeout: 120_000 }, () => withPage(async ({ page }) => {
  const r = await page.evaluate(async ({ pin }) => {
    const device = await window.offsign.Device.open({ name: 'no-forms' });
    const a = await t.enrolled(device, 'A. Jones', pin);
    const form = { id: 'delivery-receipt', version: 1 };
    const signed = await t.outcome(device.sign(t.enc('receipt'), { name: 'r.json', claims: { form, recipient: 'B' } }));
    const shapeless = await t.outcome(device.sign(t.enc('receipt'), { name: 'r.json', claims: { form: 'delivery-receipt' } }));
    const checked = await t.outcome(device.checkAnswers({ form }));
    const badLang = await t.outcome(device.forms({ lang: 7 }));
    return { kid: a.kid, signed, shapeless, checked, badLang, forms: await device.forms(), records: (await device.records(a.kid)).length, reports: await device.reports() };
  }, { pin: PIN });
  assert.match(expectError(r.signed, 'form_unknown').message, /form delivery-receipt version 1 is not on this device/);
  assert.match(expectError(r.shapeless, 'form_unknown').message, /claims.form is not \{id, version\}/);
  expectError(r.checked, 'form_unknown');
  expectError(r.badLang, 'malformed_input');
  assert.deepEqual([r.forms, r.records], [[], 0], 'none held, nothing signed');
  expectReport(r.reports, { code: 'form_unknown', operation: 'sign', kid: r.kid, count: 2 });
}));

test('randomness_unavailable: without crypto.getRandomValues no key is made, nothing is stored, and health says so', { timeout: 120_000 }, () => withPage(async ({ page }) => {
  // A fresh page and a fresh device worker: no key has been generated yet. getrandom keeps the
  // `crypto` object after its first use but calls getRandomValues each time, so the refusal
  // also holds after a success. The page's primitives and the Device (in its own worker) each
  // lose randomness in their own realm.
  const blockIn = (realm) => realm.evaluate(() => {
    crypto.getRandomValues = () => { throw new DOMException('blocked by the test', 'NotSupportedError'); };
  });
  const unblockIn = (realm) => realm.evaluate(() => { delete crypto.getRandomValues; });
  await blockIn(page);
  const generate = await page.evaluate(async () => {
    const outcome = await t.outcome(() => window.offsign.Identity.generate());
    window.noRandomness = await window.offsign.Device.open({ name: 'no-randomness' });
    return outcome;
  });
  const worker = await deviceWorker(page);
  await blockIn(worker);
  const blocked = await page.evaluate(async ({ pin }) => {
    const device = window.noRandomness;
    const create = await t.outcome(device.createIdentity({ label: 'A. Jones', pin, kdf: t.FAST }));
    const stored = (await device.identities()).length;
    const health = (await device.diagnose()).find((c) => c.id === 'randomness');
    return { create, stored, health };
  }, { pin: PIN });
  await unblockIn(page);
  await unblockIn(worker);
  const back = await page.evaluate(async ({ pin }) => ({
    createdKid: (await window.noRandomness.createIdentity({ label: 'A. Jones', pin, kdf: t.FAST })).kid,
    afterwards: window.offsign.Identity.generate().kid.length,
  }), { pin: PIN });
  await blockIn(page);
  await blockIn(worker);
  const again = await page.evaluate(async () => ({
    again: await t.outcome(() => window.offsign.Identity.generate()),
    seal: await t.outcome(window.noRandomness.exportBackup('a long passphrase', { kdf: t.FAST })),
  }));
  await unblockIn(page);
  await unblockIn(worker);
  const r = { generate, ...blocked, ...back, ...again, identities: await page.evaluate(async () => (await window.noRandomness.identities()).length) };
  for (const what of ['generate', 'create', 'again', 'seal']) {
    const e = expectError(r[what], 'randomness_unavailable', what);
    assert.match(e.message, /secure randomness failed/);
  }
  assert.equal(r.stored, 0, 'no identity stored without a key');
  assert.equal(r.health.status, 'fail');
  assert.ok(r.health.remedy?.length > 10, JSON.stringify(r.health));
  assert.equal(r.afterwards, 43, 'randomness back: keys again');
  assert.equal(r.identities, 1);
}));

test('PIN, identity and input codes reach JS: pin_too_short, pin_locked_out, malformed_sealed_key, not_enrolled, report_not_found, malformed_input', { timeout: 120_000 }, () => withPage(async ({ page }) => {
  const r = await page.evaluate(async ({ pin }) => {
    const { Device } = window.offsign;
    const device = await Device.open({ name: 'codes' });
    const shortPin = await t.outcome(device.createIdentity({ label: 'Short', pin: '12345', kdf: t.FAST }));
    const noPin = await t.outcome(device.createIdentity({ label: 'No PIN' }));
    const afterRefusals = (await device.identities()).length;
    const id = await device.createIdentity({ label: 'New', pin, kdf: t.FAST });
    const notEnrolled = await t.outcome(device.sign(t.enc('form')));
    const textDoc = await t.outcome(device.sign('form'));
    const badOpen = await t.outcome(Device.open({ name: 'codes', idleLockMinutes: -1 }));
    const noReport = await t.outcome(device.addFeedback('no-such-report', 'it failed'));
    const tries = [];
    for (let i = 0; i < 5; i++) tries.push(await t.outcome(device.unlock(id.kid, '000000')));
    const rightPinLocked = await t.outcome(device.unlock(id.kid, pin));
    // A second identity whose stored sealed key is of an unknown version.
    const other = await device.createIdentity({ label: 'Damaged', pin, kdf: t.FAST });
    const row = (await t.raw.all('codes', 'identities')).find((x) => x.kid === other.kid);
    await t.raw.write('codes', 'identities', { put: [{ ...row, sealed: { ...row.sealed, v: 2 } }] });
    const damaged = await t.outcome(device.unlock(other.kid, pin));
    const damagedLockout = (await device.identities()).find((i) => i.kid === other.kid).lockout.failures;
    return {
      kid: id.kid, other: other.kid, shortPin, noPin, afterRefusals, notEnrolled, textDoc, badOpen, noReport,
      tries, rightPinLocked, damaged, damagedLockout, reports: await device.reports(),
    };
  }, { pin: PIN });
  expectError(r.shortPin, 'pin_too_short');
  expectError(r.noPin, 'malformed_input', 'createIdentity without a PIN');
  assert.equal(r.afterRefusals, 0, 'refused identities are not stored');
  expectError(r.notEnrolled, 'not_enrolled');
  expectError(r.textDoc, 'malformed_input', 'a string as the document');
  expectError(r.badOpen, 'malformed_input', 'idleLockMinutes -1');
  expectError(r.noReport, 'report_not_found');
  r.tries.slice(0, 4).forEach((o, i) => assert.match(expectError(o, 'wrong_pin', `try ${i + 1}`).remedy, new RegExp(`${4 - i} more tr`)));
  assert.match(expectError(r.tries[4], 'pin_locked_out', 'the fifth wrong PIN').remedy, /Wait 1 minute/);
  // The same specifics for an app that words them in its own language, across the worker.
  assert.deepEqual(r.tries.map((o) => o.error.remedyWords), [
    ...[4, 3, 2, 1].map((tries) => ({ key: 'wrong-pin-tries-left', args: { tries } })), { key: 'pin-wait-minutes', args: { minutes: 1 } },
  ]);
  assert.equal(r.shortPin.error.remedyWords, undefined, "the table's remedy needs no words of its own");
  expectError(r.rightPinLocked, 'pin_locked_out', 'even the right PIN waits');
  expectError(r.damaged, 'malformed_sealed_key');
  assert.equal(r.damagedLockout, 0, 'a damaged key is not a guess: the try is given back');
  expectReport(r.reports, { code: 'pin_too_short', operation: 'create_identity' });
  expectReport(r.reports, { code: 'not_enrolled', operation: 'sign', kid: r.kid });
  expectReport(r.reports, { code: 'wrong_pin', operation: 'unlock', kid: r.kid, count: 4 });
  expectReport(r.reports, { code: 'pin_locked_out', operation: 'unlock', kid: r.kid, count: 2 });
  expectReport(r.reports, { code: 'malformed_sealed_key', operation: 'unlock', kid: r.other });
  assertNoSecrets(r.reports, [PIN, '000000', '12345']);
}));

test('certificate policy codes reach JS from the device: set_credentials refusals, sign refusals, warnings and clock_skew', { timeout: 120_000 }, () => withPage(async ({ page }) => {
  const jose = await generateKeyPair('Ed25519');
  const joseJwk = await exportJWK(jose.publicKey);
  const { kid, publicJwk } = await page.evaluate(async ({ pin }) => {
    window.policyDevice = await window.offsign.Device.open({ name: 'policy' });
    const id = await window.policyDevice.createIdentity({ label: 'A. Jones', pin, kdf: t.FAST });
    return { kid: id.kid, publicJwk: id.publicJwk };
  }, { pin: PIN });
  const now = Math.floor(Date.now() / 1000);
  const certificate = (fields) => joseSign({ v: 1, serial: 'j-1', sub: 'jones', iss: 'jose authority', jwk: publicJwk, nbf: now - 86_400, exp: now + 90 * 86_400, ...fields }, 'offsign-cert+jws', jose.privateKey);
  const crafted = {
    backwards: await certificate({ nbf: now + 60, exp: now - 60 }),
    fine: await certificate({}),
    backwardsList: await joseSign({ v: 1, iss: 'jose authority', issuedAt: now, nextUpdate: now - 86_400, revoked: [] }, 'offsign-crl+jws', jose.privateKey),
  };
  const r = await page.evaluate(async ({ kid, publicJwk, joseJwk, crafted }) => {
    const { Authority, Identity } = window.offsign;
    const device = window.policyDevice;
    const ca = Authority.generate('CA');
    const rogue = Authority.generate('Rogue');
    const { DAY } = t;
    const now = Date.now();
    const list = (revoked = [], due = now + DAY, reason = undefined) => ca.issueRevocationList(revoked, now - DAY, due, reason);
    const cert = (serial, nbf, exp, by = ca, jwk = publicJwk) => by.issueCertificate(serial, 'jones', jwk, nbf, exp);
    const set = (credentials) => t.outcome(device.setCredentials(kid, credentials));
    const normal = [now - DAY, now + 90 * DAY];
    const refusedCredentials = {
      otherAuthority: await set({ authority: ca.publicJwk, certificate: cert('s-1', ...normal, rogue), revocationList: list() }),
      otherKey: await set({ authority: ca.publicJwk, certificate: cert('s-1', ...normal, ca, Identity.generate().publicJwk), revocationList: list() }),
      notACertificate: await set({ authority: ca.publicJwk, certificate: 'not.a.certificate' }),
      backwards: await set({ authority: joseJwk, certificate: crafted.backwards }),
      rogueList: await set({ authority: ca.publicJwk, certificate: cert('s-1', ...normal), revocationList: rogue.issueRevocationList([], now, now + DAY) }),
      backwardsList: await set({ authority: joseJwk, certificate: crafted.fine, revocationList: crafted.backwardsList }),
    };
    const enrolledAfterRefusals = (await device.identities())[0].enrolled;
    const signWith = async (credentials) => {
      await device.setCredentials(kid, credentials);
      return t.outcome(device.sign(t.enc('form'), { name: 'form.txt' }));
    };
    const signs = {
      expired: await signWith({ authority: ca.publicJwk, certificate: cert('s-2', now - 90 * DAY, now - DAY), revocationList: list() }),
      notYetValid: await signWith({ authority: ca.publicJwk, certificate: cert('s-3', now + DAY, now + 90 * DAY), revocationList: list() }),
      revoked: await signWith({ authority: ca.publicJwk, certificate: cert('s-4', ...normal), revocationList: list(['s-4'], now + DAY, 'superseded') }),
      compromised: await signWith({ authority: ca.publicJwk, certificate: cert('s-6', ...normal), revocationList: list(['s-6'], now + DAY, 'keyCompromise') }),
      warned: await signWith({ authority: ca.publicJwk, certificate: cert('s-5', now - DAY, now + 3 * DAY), revocationList: list([], now - 1000) }),
      jose: await signWith({ authority: joseJwk, certificate: crafted.fine }),
    };
    const storedBeforeSkew = (await device.records(kid)).length;
    return { refusedCredentials, enrolledAfterRefusals, signs, storedBeforeSkew };
  }, { kid, publicJwk, joseJwk, crafted });
  // The clock of the Device's realm (its worker) a minute behind the last signature.
  const worker = await deviceWorker(page);
  await worker.evaluate(() => { self.realNow = Date.now; Date.now = () => self.realNow() - 60_000; });
  Object.assign(r, await page.evaluate(async () => ({ skew: await t.outcome(window.policyDevice.sign(t.enc('form'), { name: 'form.txt' })) })));
  await worker.evaluate(() => { Date.now = self.realNow; });
  Object.assign(r, await page.evaluate(async ({ kid }) => ({
    stored: (await window.policyDevice.records(kid)).map((x) => x.seq), reports: await window.policyDevice.reports(),
  }), { kid }));
  const c = r.refusedCredentials;
  assert.match(expectError(c.otherAuthority, 'cert_untrusted', 'a certificate from another authority').message, /not signed by the pinned authority/);
  assert.match(expectError(c.otherKey, 'cert_untrusted', 'a certificate for another key').message, /another key/);
  expectError(c.notACertificate, 'malformed_certificate', 'not a JWS');
  assert.match(expectError(c.backwards, 'malformed_certificate', 'signed, but ends before it begins').message, /nbf must be before exp/);
  expectError(c.rogueList, 'revocation_list_untrusted');
  assert.match(expectError(c.backwardsList, 'malformed_revocation_list', 'signed, but due before issued').message, /issuedAt/);
  assert.equal(r.enrolledAfterRefusals, false, 'refused credentials are not stored');
  assert.match(expectError(r.signs.expired, 'cert_expired').remedy, /Your certificate expired on/);
  expectError(r.signs.notYetValid, 'cert_not_yet_valid');
  assert.match(expectError(r.signs.revoked, 'cert_revoked').remedy, /choose Enroll again/);
  assert.match(expectError(r.signs.compromised, 'key_compromised').remedy, /sign those documents again with the new key/);
  expectWarnings(r.signs.warned.value.warnings, ['cert_expiring', 'revocation_list_stale']);
  assert.equal(r.signs.warned.value.record.cert, 's-5');
  assert.equal(r.signs.jose.value.record.cert, 'j-1', 'an authority on another stack (jose) is trusted alike');
  expectError(r.skew, 'clock_skew', 'the clock a minute behind the last signature');
  assert.equal(r.storedBeforeSkew, 2);
  assert.deepEqual(r.stored, [1, 2], 'refused signatures stored nothing');
  for (const code of ['cert_untrusted', 'malformed_certificate']) expectReport(r.reports, { code, operation: 'set_credentials', kid, count: 2 });
  for (const code of ['revocation_list_untrusted', 'malformed_revocation_list']) expectReport(r.reports, { code, operation: 'set_credentials', kid });
  for (const code of ['cert_expired', 'cert_not_yet_valid', 'cert_revoked', 'key_compromised', 'clock_skew']) expectReport(r.reports, { code, operation: 'sign', kid });
}));

test('verification codes reach JS: bad_signature, key_mismatch, chain_broken, unsupported_algorithm, malformed_jws, malformed_jwk, malformed_record', { timeout: 120_000 }, () => withPage(async ({ page }) => {
  const r = await page.evaluate(async ({ pin }) => {
    const { Device, Identity, VerifyingKey, verifyRecord, inspectRecord } = window.offsign;
    const device = await Device.open({ name: 'verify' });
    const a = await t.enrolled(device, 'A. Jones', pin);
    const { records: [first, second] } = await device.signMany([{ doc: t.enc('one') }, { doc: t.enc('two') }]);
    const stranger = Identity.generate().publicJwk;
    const [h, p, s] = first.jws.split('.');
    const es256 = [t.part({ ...t.unpart(h), alg: 'ES256' }), p, s].join('.');
    // A valid Ed25519 JWS by A's own key whose payload is no record.
    const signer = Identity.unseal((await t.raw.all('verify', 'identities'))[0].sealed, pin);
    const head = t.part({ alg: 'Ed25519', typ: 'offsign-record+jws', kid: a.kid });
    const body = t.part({ hello: 'world' });
    const notARecord = `${head}.${body}.${t.b64u(signer.signBytes(t.enc(`${head}.${body}`)))}`;
    signer.lock();
    const check = (jws, jwk, options) => t.outcome(() => verifyRecord(jws, jwk, options));
    return {
      ok: await check(second.jws, a.publicJwk, { prev: first.jws }),
      badSignature: await check(t.flipSignature(first.jws), a.publicJwk),
      keyMismatch: await check(first.jws, stranger),
      chainBroken: await check(first.jws, a.publicJwk, { prev: second.jws }),
      unsupported: await check(es256, a.publicJwk),
      garbage: await check('garbage', a.publicJwk),
      inspectGarbage: await t.outcome(() => inspectRecord('a.b')),
      badJwk: await check(first.jws, { kty: 'EC', crv: 'P-256', x: 'AA' }),
      shortKey: await t.outcome(() => VerifyingKey.fromBytes(new Uint8Array(31))),
      notARecord: await check(notARecord, a.publicJwk),
      badPrev: await check(second.jws, a.publicJwk, { prev: 42 }),
    };
  }, { pin: PIN });
  assert.equal(r.ok.value.seq, 2);
  expectError(r.badSignature, 'bad_signature');
  expectError(r.keyMismatch, 'key_mismatch');
  expectError(r.chainBroken, 'chain_broken');
  expectError(r.unsupported, 'unsupported_algorithm');
  expectError(r.garbage, 'malformed_jws');
  expectError(r.inspectGarbage, 'malformed_jws', 'inspectRecord');
  expectError(r.badJwk, 'malformed_jwk');
  expectError(r.shortKey, 'malformed_jwk', 'a 31-byte key');
  expectError(r.notARecord, 'malformed_record', 'a signed payload that is no record');
  expectError(r.badPrev, 'malformed_input', 'prev that is no string');
}));

test('a damaged stored row is storage_unavailable, reported, and does not stop the other identities', { timeout: 120_000 }, () => withPage(async ({ page }) => {
  const r = await page.evaluate(async ({ pin }) => {
    const device = await window.offsign.Device.open({ name: 'damaged' });
    const a = await t.enrolled(device, 'A. Jones', pin);
    // Another script of the origin writes an identity row without a sealed key.
    await t.raw.write('damaged', 'identities', { put: [{ kid: 'broken-row', label: 'half written' }] });
    const list = await t.outcome(device.identities());
    const brokenUnlock = await t.outcome(device.unlock('broken-row', pin));
    await device.unlock(a.kid, pin);
    const signed = await device.sign(t.enc('still signing'));
    return { kid: a.kid, list, brokenUnlock, seq: signed.record.seq, reports: await device.reports() };
  }, { pin: PIN });
  assert.match(expectError(r.list, 'storage_unavailable', 'listing identities').message, /a stored row is damaged/);
  expectError(r.brokenUnlock, 'storage_unavailable', 'unlocking the damaged identity');
  assert.equal(r.seq, 1, 'the intact identity still unlocks and signs');
  expectReport(r.reports, { code: 'storage_unavailable', operation: 'list_identities' });
  expectReport(r.reports, { code: 'storage_unavailable', operation: 'unlock', kid: 'broken-row' });
}));

test('sync and enrollment codes reach JS: server_unreachable (nothing listening), server_refused (a server without the API), enrollment_refused, answer_untrusted, record_rejected, evidence_refused, evidence_not_found and record_not_found (a scripted server)', { timeout: 120_000 }, () => withPage(async ({ page, server }) => {
  // A port with nothing listening.
  const closed = await new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => { const { port } = probe.address(); probe.close(() => resolve(port)); });
  });
  // The scripted server answers on this page's origin; the static server behind it has no API
  // and answers 404 to everything else. Its authority is a jose key in Node.
  const jose = await generateKeyPair('Ed25519');
  const joseJwk = await exportJWK(jose.publicKey);
  let rejectRecords = false;
  let forgeReceipts = false;
  let acceptRecords = false;
  let evidenceKey;
  /** Sealed bytes the scripted server took, by upload path. */
  const uploads = {};
  const requests = [];
  await page.route(`${server.url}/v1/**`, async (route) => {
    const request = route.request();
    const path = new URL(request.url()).pathname;
    requests.push(`${request.method()} ${path}`);
    const json = (status, body) => route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });
    if (path === '/v1/enroll' && request.method() === 'GET') return json(200, { challenge: 'scripted-challenge' });
    if (path === '/v1/enroll') return json(403, { code: 'enrollment_code_unknown', message: 'no such code' });
    // Accepted, the answer signed by the authority; each receipt signed by it too, or (forged)
    // by another key.
    const accept = async (receiptKey) => {
      const { records, nonce } = JSON.parse(request.postData());
      const verdicts = await Promise.all(records.map(async (jws, index) => {
        const hash = createHash('sha256').update(jws).digest('base64url');
        const id = JSON.parse(Buffer.from(jws.split('.')[1], 'base64url')).id;
        const receipt = await joseSign({ v: 1, iss: 'scripted', id, hash, receivedAt: new Date().toISOString() }, 'offsign-receipt+jws', receiptKey);
        return { index, hash, verdict: 'accepted', receipt };
      }));
      const serverTime = new Date().toISOString();
      const answer = await joseSign({ v: 1, serverTime, verdicts: verdicts.map(({ receipt, ...v }) => v), nonce }, 'offsign-answer+jws', jose.privateKey);
      return json(200, { verdicts, serverTime, answer });
    };
    if (path === '/v1/records' && forgeReceipts) return accept((await generateKeyPair('Ed25519')).privateKey);
    if (path === '/v1/records' && acceptRecords) return accept(jose.privateKey);
    if (path === '/v1/evidence-key' && evidenceKey) return json(200, { evidenceKey });
    if (path.startsWith('/v1/evidence/') && request.method() === 'GET') return json(200, { offset: uploads[path]?.length ?? 0 });
    if (path.startsWith('/v1/evidence/') && request.method() === 'PATCH') {
      // Takes every chunk at its offset; the whole does not match its record (as offsign-server
      // says when the bytes are not what the record signed).
      const headers = request.headers();
      const held = uploads[path] ?? Buffer.alloc(0);
      if (Number(headers['upload-offset']) !== held.length) return json(409, { code: 'upload_offset_mismatch', message: 'elsewhere' });
      uploads[path] = Buffer.concat([held, request.postDataBuffer()]);
      if (uploads[path].length < Number(headers['upload-length'])) return route.fulfill({ status: 204 });
      return json(422, { code: 'digest_mismatch', message: 'the document does not match the digest its record signed' });
    }
    if (path === '/v1/records' && rejectRecords) {
      const { records, nonce } = JSON.parse(request.postData());
      const verdicts = records.map((jws, index) => ({
        index, hash: createHash('sha256').update(jws).digest('base64url'), verdict: 'rejected', code: 'cert_revoked', message: 'certificate j-1 is revoked',
      }));
      const serverTime = new Date().toISOString();
      const answer = await joseSign({ v: 1, serverTime, verdicts, nonce }, 'offsign-answer+jws', jose.privateKey);
      return json(200, { verdicts, serverTime, answer });
    }
    return route.continue();
  });

  const created = await page.evaluate(async ({ pin, server }) => {
    const device = window.syncDevice = await window.offsign.Device.open({ name: 'sync' });
    const id = await device.createIdentity({ label: 'A. Jones', pin, kdf: t.FAST });
    const refused = await t.outcome(device.enroll(id.kid, 'K7QM-3XPA-9DHT', { server }));
    return { kid: id.kid, publicJwk: id.publicJwk, refused, enrolled: (await device.identities())[0].enrolled };
  }, { pin: PIN, server: server.url });
  assert.match(expectError(created.refused, 'enrollment_refused').remedy, /This code is not known/);
  assert.equal(created.enrolled, false, 'a refused code stores nothing');

  const now = Math.floor(Date.now() / 1000);
  const credentials = {
    authority: joseJwk,
    certificate: await joseSign({ v: 1, serial: 'j-1', sub: 'jones', iss: 'scripted', jwk: created.publicJwk, nbf: now - 60, exp: now + 90 * 86_400 }, 'offsign-cert+jws', jose.privateKey),
    revocationList: await joseSign({ v: 1, iss: 'scripted', issuedAt: now - 60, nextUpdate: now + 86_400, revoked: [] }, 'offsign-crl+jws', jose.privateKey),
  };
  const offline = await page.evaluate(async ({ kid, credentials, closed, server }) => {
    const device = window.syncDevice;
    await device.setCredentials(kid, credentials);
    await device.signMany([{ doc: t.enc('one') }, { doc: t.enc('two') }]);
    const unreachable = await t.outcome(device.sync({ server: `http://127.0.0.1:${closed}`, maxTries: 1 }));
    const refused = await t.outcome(device.sync({ server, maxTries: 1 }));
    return { unreachable, refused, states: (await device.records(kid)).map((x) => x.state) };
  }, { kid: created.kid, credentials, closed, server: server.url });
  expectError(offline.unreachable, 'server_unreachable');
  const refused = expectError(offline.refused, 'server_refused');
  assert.match(refused.message, /HTTP 404 from \/v1\/records/);
  assert.match(refused.remedy, /No offsign server answers at the server address/, 'a 404 is a wrong address, not an old app');
  assert.deepEqual(offline.states, ['pending', 'pending'], 'nothing lost: the records wait for the next sync');

  forgeReceipts = true;
  const forged = await page.evaluate(async ({ kid, server }) => {
    const device = window.syncDevice;
    const summary = await device.sync({ server, maxTries: 1 });
    return { summary, states: (await device.records(kid)).map((x) => x.state), reports: await device.reports() };
  }, { kid: created.kid, server: server.url });
  forgeReceipts = false;
  assert.equal(forged.summary.accepted, 0, JSON.stringify(forged.summary));
  assert.deepEqual(forged.states, ['pending', 'pending'], 'receipts the authority did not sign prove nothing');
  assert.match(expectReport(forged.reports, { code: 'answer_untrusted', operation: 'sync', kid: created.kid }).message, /2 verdicts of a batch did not verify/);

  rejectRecords = true;
  const rejected = await page.evaluate(async ({ kid, server }) => {
    const device = window.syncDevice;
    const summary = await device.sync({ server, maxTries: 1 });
    return { summary, records: (await device.records(kid)).map((x) => ({ state: x.state, error: x.error })), reports: await device.reports() };
  }, { kid: created.kid, server: server.url });
  assert.equal(rejected.summary.rejected, 2, JSON.stringify(rejected.summary));
  assert.deepEqual(rejected.records, [1, 2].map(() => ({ state: 'rejected', error: { code: 'cert_revoked', message: 'certificate j-1 is revoked' } })));
  const report = expectReport(rejected.reports, { code: 'record_rejected', operation: 'sync', kid: created.kid, count: 2 });
  assert.match(report.message, /refused: cert_revoked/);
  expectReport(rejected.reports, { code: 'enrollment_refused', operation: 'enroll', kid: created.kid });

  // The server's evidence key arrives signed by the authority; a record is accepted; its
  // document and pad image, sealed on the device, go up in chunks and are refused.
  rejectRecords = false;
  acceptRecords = true;
  const x25519 = generateKeyPairSync('x25519').publicKey.export({ format: 'jwk' });
  evidenceKey = await joseSign({ v: 1, iss: 'scripted', jwk: { kty: 'OKP', crv: 'X25519', x: x25519.x }, issuedAt: now }, 'offsign-evidence-key+jws', jose.privateKey);
  const evidence = await page.evaluate(async ({ kid, server }) => {
    const device = window.syncDevice;
    const { record } = await device.sign(t.enc('three'), { type: 'text/plain', signatureImage: t.enc('a drawn line') });
    const summary = await device.sync({ server, maxTries: 1 });
    const [first] = await device.records(kid);
    return {
      id: record.id,
      summary,
      document: await (await device.evidence(record.id, 'document')).text(),
      image: await (await device.evidence(record.id, 'signature-image')).text(),
      none: await t.outcome(device.evidence(first.id, 'signature-image')),
      noRecord: await t.outcome(device.bundle('no-such-record')),
      reports: await device.reports(),
    };
  }, { kid: created.kid, server: server.url });
  assert.equal(evidence.summary.accepted, 1, JSON.stringify(evidence.summary));
  assert.equal(evidence.summary.evidenceStored, 0);
  const sent = uploads[`/v1/evidence/${evidence.id}/document`];
  assert.equal(sent?.length, 164 + 5 + 16, 'the whole sealed document went up: header, bytes, tag');
  assert.ok(!sent.includes('three') && !uploads[`/v1/evidence/${evidence.id}/signature-image`].includes('a drawn line'), 'sealed on the wire');
  assert.deepEqual([evidence.document, evidence.image], ['three', 'a drawn line'], 'refused by the server, still readable by its worker');
  assert.match(expectReport(evidence.reports, { code: 'evidence_refused', operation: 'sync', kid: created.kid, count: 2 }).message, /digest_mismatch/);
  expectError(evidence.none, 'evidence_not_found');
  expectError(evidence.noRecord, 'record_not_found');
  expectReport(rejected.reports, { code: 'server_unreachable', operation: 'sync' });
  expectReport(rejected.reports, { code: 'server_refused', operation: 'sync' });
  assertNoSecrets(rejected.reports, [PIN]);
  assert.ok(requests.includes('POST /v1/records') && requests.includes('GET /v1/enroll'), requests.join(', '));
}));

test("the Device proxy's own failures are OffsignErrors: a call after free() is device_closed, a worker or wasm the server does not serve is device_unavailable", { timeout: 120_000 }, () => withPage(async ({ page }) => {
  const freed = await page.evaluate(async () => {
    const device = await window.offsign.Device.open({ name: `freed-${Math.random()}` });
    const running = window.t.outcome(device.identities());
    device.free();
    return { running: await running, after: await window.t.outcome(device.identities()), unlocked: device.unlocked ?? null };
  });
  assert.match(expectError(freed.running, 'device_closed', 'a call still running when free() came').message, /freed/);
  assert.match(expectError(freed.after, 'device_closed', 'a call after free()').message, /^identities: /);
  assert.equal(freed.unlocked, null);

  // A server that does not serve the worker's script, then one that does not serve its wasm:
  // Device.open() fails with the code, and opens again once they are served.
  for (const missing of ['device_worker.js', 'offsign_device_bg.wasm']) {
    await page.route(`**/pkg/${missing}`, (route) => route.fulfill({ status: 404, body: 'not here' }));
    const open = () => window.t.outcome(window.offsign.Device.open({ name: 'unserved' }).then((d) => { d.free(); return 'opened'; }));
    const refused = await page.evaluate(open);
    expectError(refused, 'device_unavailable', `Device.open() without ${missing}`);
    await page.unroute(`**/pkg/${missing}`);
    assert.deepEqual(await page.evaluate(open), { value: 'opened' }, `served again: ${missing}`);
  }
}));

test('every code of the error table crossed the JS boundary in this file, but a short explained list', { timeout: 60_000 }, () => withPage(async ({ page }) => {
  const table = await page.evaluate(() => window.offsign.errorCodes());
  const codes = table.map((c) => c.code);
  assert.equal(new Set(codes).size, codes.length);
  for (const [code, why] of Object.entries(EXCLUDED)) {
    assert.ok(codes.includes(code), `excluded ${code} is in the table`);
    assert.ok(why.length > 20, `a reason for excluding ${code}`);
    assert.ok(!observed.has(code), `${code} was produced: it is not excluded`);
  }
  assert.deepEqual([...observed].filter((c) => !codes.includes(c)), [], 'only codes of the table were seen');
  // Codes only the server answers with are asserted against the real server
  // (server-promises.test.mjs); the ones that reach JS here were observed above.
  const fromServer = new Set(table.filter((c) => c.fromServer).map((c) => c.code));
  assert.ok(fromServer.has('chain_fork') && !fromServer.has('wrong_pin'), 'the table says which codes only the server answers with');
  const fromApp = new Set(table.filter((c) => c.fromApp).map((c) => c.code));
  assert.ok(fromApp.has('form_incomplete') && !fromApp.has('wrong_pin'), 'the table says which codes only an app raises (field-app.test.mjs)');
  const missing = codes.filter((c) => !observed.has(c) && !(c in EXCLUDED) && !fromServer.has(c) && !fromApp.has(c));
  assert.deepEqual(missing, [], `codes no test of this file produced (the earlier tests must run first): ${missing.join(', ')}`);
  assert.ok(Object.keys(EXCLUDED).length <= 3, 'the exclusion list stays short');
}));
