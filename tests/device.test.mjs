// The Device (IndexedDB outbox) under crashes, in headless Chromium with a real profile on disk:
// a record whose sign() resolved survives closing the page and SIGKILL of the browser; a kill
// during a batch leaves all of it or none; two tabs signing at once make one unbroken chain.
// The PIN lockout holds (no backup while locked, concurrent unlocks, a clock moved forward),
// and a hostile backup file is refused before any work.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deviceWorker, serveStatic, launchChromium, startChromium } from './support/browser.mjs';

const PIN = '482913';
let server;
before(async () => { server = await serveStatic(); });
after(async () => { await server.close(); });

/** A page of the static server with the package loaded as `window.offsign`. */
async function offsignPage(context) {
  const page = await context.newPage();
  await page.goto(`${server.url}/tests/pages/blank.html`);
  await page.evaluate(async () => {
    const mod = await import('/pkg/offsign.js');
    await mod.default();
    window.offsign = mod;
  });
  return page;
}

/** Creates an enrolled identity in database `name`; returns its kid. */
function enroll(page, name) {
  return page.evaluate(async ({ name, pin }) => {
    const { Device, Authority } = window.offsign;
    const device = await Device.open({ name });
    const id = await device.createIdentity({ label: 'A. Jones', pin, kdf: { m: 8192, t: 1, p: 1 } });
    const ca = Authority.generate('Test Authority');
    const now = Date.now();
    await device.setCredentials(id.kid, {
      authority: ca.publicJwk,
      certificate: ca.issueCertificate('s-1', 'jones', id.publicJwk, now - 60_000, now + 30 * 86_400_000),
      revocationList: ca.issueRevocationList([], now, now + 86_400_000),
    });
    window.device = device;
    return id.kid;
  }, { name, pin: PIN });
}

/** All records of `kid` in database `name`, after unlocking, with the chain checked link by link. */
function readBack(page, name, kid) {
  return page.evaluate(async ({ name, kid }) => {
    const { Device, verifyRecord } = window.offsign;
    const device = await Device.open({ name });
    const [identity] = await device.identities();
    const records = [];
    for (let page; (page = await device.records(kid, { after: records.at(-1)?.seq ?? 0, limit: 1000 })).length;) {
      records.push(...page);
    }
    let chained = true;
    for (let i = 1; i < records.length; i++) {
      try { verifyRecord(records[i].jws, identity.publicJwk, { prev: records[i - 1].jws }); } catch { chained = false; }
    }
    return { seqs: records.map((r) => r.seq), head: identity.chain?.seq ?? 0, chained, states: [...new Set(records.map((r) => r.state))] };
  }, { name, kid });
}

function withProfile(fn) {
  return async () => {
    const profile = mkdtempSync(path.join(tmpdir(), 'offsign-profile-'));
    // Chromium's helper processes may still be exiting: retry the removal for a moment.
    try { await fn(profile); } finally { rmSync(profile, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 }); }
  };
}

test('a record survives closing the page right after sign() resolves', withProfile(async (profile) => {
  const chrome = await startChromium(profile);
  try {
    const page = await offsignPage(chrome.context);
    const kid = await enroll(page, 'close');
    await page.evaluate(() => window.device.sign(new TextEncoder().encode('receipt 1'), { name: 'r1.txt' }));
    await page.close();
    const again = await offsignPage(chrome.context);
    assert.deepEqual(await readBack(again, 'close', kid), { seqs: [1], head: 1, chained: true, states: ['pending'] });
  } finally {
    await chrome.close();
  }
}));

/**
 * Enrolls in database `name`, runs `work(page)`, SIGKILLs the browser, starts it again on the
 * same profile and returns what `readBack` finds.
 */
async function killAndReadBack(profile, name, work) {
  let chrome = await startChromium(profile);
  let kid;
  try {
    const page = await offsignPage(chrome.context);
    kid = await enroll(page, name);
    await work(page);
  } finally {
    await chrome.kill();
  }
  chrome = await startChromium(profile);
  try {
    return await readBack(await offsignPage(chrome.context), name, kid);
  } finally {
    await chrome.close();
  }
}

test('records survive SIGKILL of the browser right after sign() resolves', withProfile(async (profile) => {
  const found = await killAndReadBack(profile, 'kill', (page) => page.evaluate(async () => {
    for (let i = 0; i < 3; i++) await window.device.sign(new TextEncoder().encode(`receipt ${i}`));
  }));
  assert.deepEqual(found, { seqs: [1, 2, 3], head: 3, chained: true, states: ['pending'] });
}));

test('SIGKILL during batches leaves whole batches only', withProfile(async (profile) => {
  const { seqs, head, chained } = await killAndReadBack(profile, 'batch', async (page) => {
    // Batches of 50 in a loop that never finishes on its own; the kill lands somewhere in it.
    await page.evaluate(() => {
      const docs = Array.from({ length: 50 }, (_, i) => ({ doc: new TextEncoder().encode(`pallet ${i}`), name: `p${i}.txt` }));
      (async () => { for (;;) await window.device.signMany(docs); })();
    });
    await new Promise((r) => setTimeout(r, 1500));
  });
  assert.ok(seqs.length > 0, 'some batches committed before the kill');
  assert.equal(seqs.length % 50, 0, `only whole batches of 50, found ${seqs.length}`);
  assert.deepEqual(seqs, seqs.map((_, i) => i + 1));
  assert.equal(head, seqs.length, 'the chain head matches the last stored record');
  assert.equal(chained, true);
}));

test('two tabs signing at once make one unbroken chain', withProfile(async (profile) => {
  const chrome = await startChromium(profile);
  try {
    const first = await offsignPage(chrome.context);
    const kid = await enroll(first, 'tabs');
    const second = await offsignPage(chrome.context);
    await second.evaluate(async ({ kid, pin }) => {
      window.device = await window.offsign.Device.open({ name: 'tabs' });
      await window.device.unlock(kid, pin);
    }, { kid, pin: PIN });
    const burst = (page, tab) => page.evaluate(async (tab) => {
      await Promise.all(Array.from({ length: 15 }, (_, i) => window.device.sign(new TextEncoder().encode(`${tab}-${i}`))));
    }, tab);
    await Promise.all([burst(first, 'a'), burst(second, 'b')]);
    const result = await readBack(first, 'tabs', kid);
    assert.deepEqual(result.seqs, Array.from({ length: 30 }, (_, i) => i + 1));
    assert.equal(result.head, 30);
    assert.equal(result.chained, true);
  } finally {
    await chrome.close();
  }
}));

test('databases of schema v1 and v2 open with the current code: rows moved into pages, stores and indexes added', withProfile(async (profile) => {
  const chrome = await startChromium(profile);
  try {
    const page = await offsignPage(chrome.context);
    const kid = await enroll(page, 'source');
    const result = await page.evaluate(async ({ kid, pin }) => {
      await window.device.sign(new TextEncoder().encode('before the upgrade'));
      const request = (r) => new Promise((resolve, reject) => { r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });
      const source = await request(indexedDB.open('source'));
      const tx = source.transaction(['identities', 'pages']);
      const identities = await request(tx.objectStore('identities').getAll());
      const records = (await request(tx.objectStore('pages').getAll())).flatMap((p) => p.rows);
      source.close();
      /** A database at `version` with `identities` and one row per record, as that version kept them. */
      const legacyDatabase = async (name, version, rows) => {
        const open = indexedDB.open(name, version);
        open.onupgradeneeded = () => {
          const db = open.result;
          db.createObjectStore('identities', { keyPath: 'kid' });
          const store = db.createObjectStore('records', { keyPath: 'id' });
          store.createIndex('byKidSeq', ['kid', 'seq'], { unique: true });
          if (version === 2) {
            store.createIndex('byState', ['state', 'signedAt']);
            db.createObjectStore('settings', { keyPath: 'key' });
            db.createObjectStore('reports', { keyPath: 'id' }).createIndex('byFingerprint', ['fingerprint', 'id']);
          }
        };
        const legacy = await request(open);
        const write = legacy.transaction(['identities', 'records'], 'readwrite');
        identities.forEach((row) => write.objectStore('identities').put(row));
        rows.forEach((row) => write.objectStore('records').put(row));
        await new Promise((resolve) => { write.oncomplete = resolve; });
        legacy.close();
      };
      /** The schema and the raw rows of database `name`. */
      const schemaOf = async (name) => {
        const db = await request(indexedDB.open(name));
        const read = db.transaction(['records', 'pages', 'evidence']);
        const out = {
          version: db.version,
          stores: [...db.objectStoreNames].sort(),
          evidenceIndexes: [...read.objectStore('evidence').indexNames].sort(),
          recordIndexes: [...read.objectStore('records').indexNames].sort(),
          pageIndexes: [...read.objectStore('pages').indexNames].sort(),
          oldRows: await request(read.objectStore('records').count()),
          pages: await request(read.objectStore('pages').count()),
        };
        db.close();
        return out;
      };

      await legacyDatabase('legacy', 1, records);
      const device = await window.offsign.Device.open({ name: 'legacy' });
      const v1 = await schemaOf('legacy');
      await device.unlock(kid, '000000').catch(() => {});
      await device.unlock(kid, pin);
      const next = await device.sign(new TextEncoder().encode('after the upgrade'));

      // Version 2 with more rows than one move takes (2,000): pending, rejected and accepted ones.
      const many = Array.from({ length: 2500 }, (_, i) => ({
        ...records[0], id: `legacy-${i + 1}`, seq: i + 1,
        ...(i % 10 === 9 ? { state: 'rejected', error: { code: 'cert_revoked', message: 'revoked' } } : {}),
        ...(i % 10 === 8 ? { state: 'accepted', receipt: 'r.e.c' } : {}),
      }));
      await legacyDatabase('legacy2', 2, many);
      const second = await window.offsign.Device.open({ name: 'legacy2' });
      const moved = [];
      for (let page; (page = await second.records(kid, { after: moved.at(-1)?.seq ?? 0, limit: 1000 })).length;) moved.push(...page);
      const health = await second.diagnose();
      return {
        v1, v2: await schemaOf('legacy2'),
        seqs: (await device.records(kid)).map((r) => r.seq),
        nextPrevIsOldHash: next.record.prev === records[0].hash,
        reports: (await device.reports()).map((r) => r.code),
        movedSame: JSON.stringify(moved.map((r) => [r.id, r.seq, r.state])) === JSON.stringify(many.map((r) => [r.id, r.seq, r.state])),
        pending: health.find((c) => c.id === 'pending_records')?.value,
        rejected: health.find((c) => c.id === 'rejected_records')?.value,
      };
    }, { kid, pin: PIN });
    for (const schema of [result.v1, result.v2]) {
      assert.equal(schema.version, 4);
      assert.deepEqual(schema.stores, ['evidence', 'evidencePieces', 'identities', 'pages', 'records', 'reports', 'settings']);
      assert.deepEqual(schema.recordIndexes, ['byKidSeq', 'byState'], 'the old store is kept, indexed as in version 2');
      assert.deepEqual(schema.pageIndexes, ['byAccepted', 'byKidLast', 'byRejected', 'byUnsent']);
      assert.equal(schema.oldRows, 0, 'every row moved');
      assert.deepEqual(schema.evidenceIndexes, ['byPending', 'byStaged'], 'version 4 keeps evidence beside the records');
    }
    assert.equal(result.v2.pages, Math.ceil(2500 / 32), 'consecutive records share pages');
    assert.deepEqual(result.seqs, [1, 2]);
    assert.equal(result.nextPrevIsOldHash, true, 'the chain continues across the upgrade');
    assert.deepEqual(result.reports, ['wrong_pin']);
    assert.equal(result.movedSame, true, 'all 2,500 rows of version 2, in order, with their states');
    assert.match(result.pending, /^2000 waiting, oldest \d+ h$/, 'the outbox counts the 2,000 pending records');
    assert.equal(result.rejected, '250 refused by the server');
  } finally {
    await chrome.close();
  }
}));

test('a backup restores into a fresh browser profile; wrong passphrase and truncation change nothing', async () => {
  const profiles = [0, 1].map(() => mkdtempSync(path.join(tmpdir(), 'offsign-profile-')));
  try {
    let chrome = await startChromium(profiles[0]);
    let kid;
    let backup;
    try {
      const page = await offsignPage(chrome.context);
      kid = await enroll(page, 'backup');
      backup = await page.evaluate(async () => {
        await window.device.signMany([1, 2, 3].map((i) => ({ doc: new TextEncoder().encode(`receipt ${i}`), name: `r${i}.txt` })));
        const bytes = await window.device.exportBackup('correct horse battery staple', { kdf: { m: 8192, t: 1, p: 1 } });
        return Array.from(bytes);
      });
    } finally {
      await chrome.close();
    }
    chrome = await startChromium(profiles[1]);
    try {
      const page = await offsignPage(chrome.context);
      const r = await page.evaluate(async ({ backup, kid, pin }) => {
        const device = await window.offsign.Device.open({ name: 'restored' });
        const bytes = new Uint8Array(backup);
        const failure = (p) => p.then(() => 'resolved', (e) => e.code);
        const wrong = await failure(device.importBackup(bytes, 'wrong horse'));
        const truncated = await failure(device.importBackup(bytes.slice(0, bytes.length - 10), 'correct horse battery staple'));
        const afterFailures = (await device.identities()).length;
        const summary = await device.importBackup(bytes, 'correct horse battery staple');
        const again = await device.importBackup(bytes, 'correct horse battery staple');
        await device.unlock(kid, pin);
        const next = await device.sign(new TextEncoder().encode('after restore'));
        return { wrong, truncated, afterFailures, summary, again, seqs: (await device.records(kid)).map((r) => r.seq), nextSeq: next.record.seq };
      }, { backup, kid, pin: PIN });
      assert.equal(r.wrong, 'wrong_passphrase');
      assert.equal(r.truncated, 'malformed_backup');
      assert.equal(r.afterFailures, 0, 'failed imports change nothing');
      assert.deepEqual(r.summary, { identitiesAdded: 1, recordsAdded: 3, recordsSkipped: 0, reportsAdded: 0, evidenceAdded: 3 });
      assert.deepEqual(r.again, { identitiesAdded: 0, recordsAdded: 0, recordsSkipped: 3, reportsAdded: 0, evidenceAdded: 0 });
      assert.deepEqual(r.seqs, [1, 2, 3, 4]);
      assert.equal(r.nextSeq, 4, 'the restored identity continues its chain');
    } finally {
      await chrome.close();
    }
  } finally {
    for (const p of profiles) rmSync(p, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
  }
});

test('the PIN lockout holds: no backup while locked, concurrent unlocks counted each, no shortcut by moving the clock', async () => {
  const browser = await launchChromium();
  try {
    const page = await offsignPage(await browser.newContext());
    const kid = await enroll(page, 'lockout');
    const r = await page.evaluate(async ({ kid }) => {
      const device = window.device;
      const code = (p) => p.then(() => 'resolved', (e) => e.code);
      device.lock();
      const lockedExport = await code(device.exportBackup('a long passphrase', { kdf: { m: 8192, t: 1, p: 1 } }));
      for (let i = 0; i < 3; i++) await code(device.unlock(kid, '000000'));
      // Ten tries at once with two free tries left: two are guesses (the second starts the
      // wait and says so), the other eight wait without a guess.
      const together = await Promise.all(Array.from({ length: 10 }, (_, i) => code(device.unlock(kid, `00000${i}`))));
      const failures = (await device.identities())[0].lockout.failures;
      return { lockedExport, together, failures };
    }, { kid });
    // The clock of the Device's realm (its worker) a day forward: one look takes a minute off
    // the wait, not the day.
    const worker = await deviceWorker(page);
    const skewBy = (ms) => worker.evaluate((ms) => {
      self.realNow ??= Date.now;
      Date.now = () => self.realNow() + ms;
    }, ms);
    await skewBy(86_400_000);
    r.leftAfterJump = await page.evaluate(({ kid }) => window.device.lockoutRemaining(kid), { kid });
    await skewBy(0);
    assert.equal(r.lockedExport, 'identity_locked');
    assert.deepEqual(r.together.filter((c) => c === 'wrong_pin').length, 1, JSON.stringify(r.together));
    assert.deepEqual(r.together.filter((c) => c === 'pin_locked_out').length, 9);
    assert.equal(r.failures, 5, 'two guesses counted, not ten');
    assert.equal(r.leftAfterJump, 0, 'a 30 s wait: the first minute-long look ends it');
    // A longer wait (after more wrong PINs): a day of clock change still gains only a minute.
    const code = (kid, pin) => page.evaluate(({ kid, pin }) => window.device.unlock(kid, pin).then(() => 'resolved', (e) => e.code), { kid, pin });
    let skew = 86_400_000;
    await skewBy(skew);
    for (let i = 0; i < 4; i++) {
      await code(kid, '000000');
      skew += 3_600_000; // each wait skipped by moving the clock an hour: only a minute counts
      await skewBy(skew);
    }
    const waits = [];
    for (let i = 0; i < 3; i++) {
      skew += 86_400_000;
      await skewBy(skew);
      waits.push(await page.evaluate(({ kid }) => window.device.lockoutRemaining(kid), { kid }));
    }
    const long = { waits, tryAgain: await code(kid, '482913') };
    await skewBy(0);
    assert.equal(long.tryAgain, 'pin_locked_out', JSON.stringify(long));
    assert.ok(long.waits[0] > 0 && long.waits[1] === long.waits[0] - 60_000 && long.waits[2] === long.waits[1] - 60_000, JSON.stringify(long.waits));
  } finally {
    await browser.close();
  }
});

test('a hostile backup is refused fast: no Argon2id run for a GiB, no chain head beyond its records', async () => {
  const browser = await launchChromium();
  try {
    const page = await offsignPage(await browser.newContext());
    const kid = await enroll(page, 'hostile-backup');
    const r = await page.evaluate(async ({ kid, pin }) => {
      const device = window.device;
      await device.sign(new TextEncoder().encode('receipt 1'), { name: 'r1.txt' });
      const honest = await device.exportBackup('a long passphrase', { kdf: { m: 8192, t: 1, p: 1 } });
      const file = JSON.parse(new TextDecoder().decode(honest));
      const costly = new TextEncoder().encode(JSON.stringify({ ...file, kdf: { ...file.kdf, m: 1024 * 1024, t: 64, p: 16 } }));
      const started = performance.now();
      const code = await device.importBackup(costly, 'a long passphrase').then(() => 'resolved', (e) => e.code);
      const ms = performance.now() - started;
      await device.unlock(kid, pin);
      const seq = (await device.sign(new TextEncoder().encode('receipt 2'))).record.seq;
      return { code, ms, seq };
    }, { kid, pin: PIN });
    assert.equal(r.code, 'malformed_backup');
    assert.ok(r.ms < 50, `answered in ${r.ms} ms`);
    assert.equal(r.seq, 2);
  } finally {
    await browser.close();
  }
});

test('a full quota is storage_full, leaves the store intact, and signing resumes when space returns', async () => {
  const browser = await launchChromium();
  try {
    const context = await browser.newContext();
    const page = await offsignPage(context);
    const cdp = await context.newCDPSession(page);
    const quota = (bytes) => cdp.send('Storage.overrideQuotaForOrigin', { origin: server.url, quotaSize: bytes });
    await quota(2 * 1024 * 1024);
    const kid = await enroll(page, 'quota');
    const filled = await page.evaluate(async () => {
      const docs = Array.from({ length: 20 }, (_, i) => ({ doc: new Uint8Array([i]), claims: { notes: 'x'.repeat(30_000) } }));
      for (let batch = 0; batch < 500; batch++) {
        try { await window.device.signMany(docs); } catch (e) { return { batch, code: e.code, remedy: e.remedy }; }
      }
      return { batch: 500 };
    });
    assert.equal(filled.code, 'storage_full', `after ${filled.batch} batches`);
    assert.ok(filled.batch > 0);
    assert.match(filled.remedy, /free space/);
    const found = await readBack(page, 'quota', kid);
    assert.equal(found.seqs.length, filled.batch * 20, 'every committed batch whole, the failed one absent');
    assert.equal(found.head, found.seqs.length);
    assert.equal(found.chained, true);

    await quota(64 * 1024 * 1024);
    const next = await page.evaluate(async ({ kid, pin }) => {
      const device = await window.offsign.Device.open({ name: 'quota' });
      await device.unlock(kid, pin);
      return (await device.sign(new TextEncoder().encode('space again'))).record.seq;
    }, { kid, pin: PIN });
    assert.equal(next, found.seqs.length + 1);
  } finally {
    await browser.close();
  }
});
