// Sync end to end: the reference server as a real process on loopback with a real SQLite
// file, and a device in headless Chromium using Device.sync(). Enroll with an administrator's
// code, go offline, sign 20, come back online: 20 receipts on the device, 20 verified rows in
// the database. A request whose answer was lost is answered
// "duplicate" with the first receipts. A server killed mid-sync and restarted loses nothing
// and stores nothing twice. After revocation, new records are refused with cert_revoked.
// autoSync sends when the browser comes back online; Background Sync runs a sync in the
// service worker. An app served from another origin syncs once the server allows that origin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compactVerify, importJWK } from 'jose';
import { launchChromium, serveStatic } from './support/browser.mjs';
import { startServer, sql } from './support/server.mjs';

/** A page of `server` with an enrolled, unlocked identity in `window.device`; returns its kid. */
async function enrolledPage(browser, server, days) {
  const { code } = server.admin('enroll', '--worker', 'driver-17', '--days', String(days));
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(server.url + '/');
  const kid = await page.evaluate(async (code) => {
    const { default: init, Device } = await import('/pkg/offsign.js');
    await init();
    window.deviceName = `sync-${Math.random()}`;
    const device = await Device.open({ name: window.deviceName });
    const me = await device.createIdentity({ label: 'Driver 17', pin: '482913', kdf: { m: 8192, t: 1, p: 1 } });
    await device.enroll(me.kid, code);
    window.device = device;
    window.signMany = (n, tag) => device.signMany(Array.from({ length: n }, (_, i) => ({ doc: new TextEncoder().encode(`${tag} ${i}`), name: `${tag}-${i}.txt` })));
    window.allRecords = async () => {
      const all = [];
      for (let after = 0; ; after = all.at(-1).seq) {
        const page = await device.records(me.kid, { after, limit: 1000 });
        if (!page.length) return all;
        all.push(...page);
      }
    };
    return me.kid;
  }, code);
  return { context, page, kid };
}

test('offline, sign 20, online, sync: receipts, renewal, lost answers, revocation', async () => {
  const server = await startServer();
  const browser = await launchChromium();
  try {
    const { context, page } = await enrolledPage(browser, server, 365);
    await context.setOffline(true);
    const offline = await page.evaluate(async () => {
      await window.signMany(20, 'receipt');
      const failed = await window.device.sync({ maxTries: 1 }).catch((e) => e.code);
      return { failed, states: (await window.allRecords()).map((r) => r.state) };
    });
    assert.equal(offline.failed, 'server_unreachable');
    assert.deepEqual(offline.states, Array(20).fill('pending'));

    await context.setOffline(false);
    const online = await page.evaluate(async () => {
      const progress = [];
      const summary = await window.device.sync({ onProgress: (done, total) => progress.push([done, total]) });
      const [identity] = await window.device.identities();
      return { summary, progress, records: await window.allRecords(), identity };
    });
    assert.deepEqual([online.summary.accepted, online.summary.rejected, online.summary.renewed], [20, 0, false]);
    assert.deepEqual(online.progress, [[0, 20], [20, 20]]);
    assert.ok(Math.abs(online.summary.serverOffsetMs) < 5_000, 'same machine: next to no offset');
    const authorityJwk = (await (await fetch(`${server.url}/v1/authority`)).json()).jwk;
    const authority = await importJWK(authorityJwk, 'Ed25519');
    for (const record of online.records) {
      assert.equal(record.state, 'accepted');
      const receipt = JSON.parse(new TextDecoder().decode((await compactVerify(record.receipt, authority)).payload));
      assert.deepEqual([receipt.id, receipt.hash], [record.id, record.hash]);
    }
    assert.deepEqual(sql(server.db, 'SELECT count(*), min(seq), max(seq), sum(chain_gap) FROM records'), [[20, 1, 20, 0]]);

    // The server stores a batch but its answer is lost: the device sends it again at the next
    // sync and is told "duplicate", with the receipts issued the first time.
    const lost = await page.evaluate(async () => {
      const { records } = await window.signMany(3, 'lost');
      const response = await fetch('/v1/records', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ records: records.map((r) => r.jws) }) });
      const first = (await response.json()).verdicts.map((v) => v.receipt);
      const summary = await window.device.sync();
      const kept = (await window.allRecords()).slice(-3).map((r) => r.receipt);
      return { summary, same: JSON.stringify(first) === JSON.stringify(kept) };
    });
    assert.deepEqual([lost.summary.accepted, lost.summary.duplicate], [0, 3]);
    assert.ok(lost.same, 'the first receipts are kept');
    assert.deepEqual(sql(server.db, 'SELECT count(*) FROM records'), [[23]]);

    // Revoked: the next record is refused and stays on the device, marked with the reason.
    server.admin('revoke', '--worker', 'driver-17');
    const revoked = await page.evaluate(async () => {
      await window.device.sign(new TextEncoder().encode('after revocation'), { name: 'late.txt' }).catch(() => null);
      const summary = await window.device.sync();
      return { summary, last: (await window.allRecords()).at(-1), reports: await window.device.reports() };
    });
    assert.equal(revoked.summary.rejected, 1);
    assert.deepEqual([revoked.last.state, revoked.last.error.code], ['rejected', 'cert_revoked']);
    assert.ok(revoked.reports.some((r) => r.code === 'record_rejected'));
    assert.deepEqual(sql(server.db, 'SELECT count(*) FROM records'), [[23]], 'the 23 before stay accepted');
    assert.deepEqual(sql(server.db, 'SELECT count(*) FROM reports WHERE code = \'server_unreachable\''), [[1]], 'the offline failure was reported');
  } finally {
    await browser.close();
    await server.stop();
  }
});

test('a server killed in the middle of a sync and restarted loses nothing and stores nothing twice', async () => {
  let server = await startServer();
  const browser = await launchChromium();
  try {
    const { page } = await enrolledPage(browser, server, 365);
    await page.evaluate(() => Promise.all([window.signMany(500, 'a'), window.signMany(500, 'b'), window.signMany(200, 'c')]).then(() => {}));
    const syncing = page.evaluate(() => window.device.sync({ maxTries: 2 }).then((s) => ({ ok: s }), (e) => ({ code: e.code })));
    // Kill it as soon as the first batch is in the database (or the sync is over).
    for (let i = 0; i < 200 && sql(server.db, 'SELECT count(*) FROM records')[0][0] === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await server.kill();
    const cut = await syncing;
    const port = new URL(server.url).port;
    server = await startServer([], { db: server.db, addr: `127.0.0.1:${port}` });
    const resumed = await page.evaluate(async () => {
      const summary = await window.device.sync();
      return { summary, states: [...new Set((await window.allRecords()).map((r) => r.state))] };
    });
    assert.ok(cut.code === 'server_unreachable' || cut.ok, JSON.stringify(cut));
    assert.deepEqual(resumed.states, ['accepted']);
    assert.deepEqual(sql(server.db, 'SELECT count(*), count(DISTINCT id), min(seq), max(seq), sum(chain_gap) FROM records'), [[1200, 1200, 1, 1200, 0]]);
  } finally {
    await browser.close();
    await server.stop();
  }
});

test('autoSync sends as soon as the browser is back online', async () => {
  const server = await startServer();
  const browser = await launchChromium();
  try {
    const { context, page } = await enrolledPage(browser, server, 365);
    await context.setOffline(true);
    await page.evaluate(async () => {
      window.synced = [];
      window.failed = [];
      window.stopAutoSync = window.device.autoSync({
        intervalMinutes: 60, maxTries: 1,
        onSynced: (summary) => window.synced.push(summary), onError: (e) => window.failed.push(e.code),
      });
      await window.signMany(5, 'auto');
    });
    await page.waitForFunction(() => window.failed.length === 1); // the run at start, offline
    await context.setOffline(false); // fires "online"
    await page.waitForFunction(() => window.synced.some((s) => s.accepted === 5), null, { timeout: 15_000 });
    const result = await page.evaluate(async () => {
      window.stopAutoSync();
      return { failed: window.failed, states: [...new Set((await window.allRecords()).map((r) => r.state))] };
    });
    assert.deepEqual(result.failed, ['server_unreachable']);
    assert.deepEqual(result.states, ['accepted']);
    assert.deepEqual(sql(server.db, 'SELECT count(*) FROM records'), [[5]]);
  } finally {
    await browser.close();
    await server.stop();
  }
});

test('Background Sync wakes the service worker, which sends the outbox', async () => {
  // An app of its own, served by offsign-server: a page and a module service worker that
  // syncs on the "offsign-sync" event.
  const www = mkdtempSync(path.join(tmpdir(), 'offsign-bgsync-'));
  writeFileSync(path.join(www, 'index.html'), '<!doctype html><title>bg sync</title>');
  writeFileSync(path.join(www, 'sw.js'), `
    import init, { Device } from '/pkg/offsign.js';
    const ready = init();
    self.addEventListener('install', () => self.skipWaiting());
    self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
    self.addEventListener('sync', (event) => {
      if (event.tag !== 'offsign-sync') return;
      event.waitUntil(ready.then(async () => {
        const summary = await (await Device.open({ name: 'bg' })).sync();
        for (const client of await self.clients.matchAll({ includeUncontrolled: true })) client.postMessage(summary);
      }));
    });
  `);
  const server = await startServer([], { www });
  const browser = await launchChromium();
  try {
    const { code } = server.admin('enroll', '--worker', 'driver-9');
    const context = await browser.newContext({ permissions: ['background-sync'] });
    const page = await context.newPage();
    await page.goto(server.url + '/');
    const result = await page.evaluate(async (code) => {
      await navigator.serviceWorker.register('/sw.js', { type: 'module' });
      await navigator.serviceWorker.ready;
      const fromWorker = new Promise((resolve) => navigator.serviceWorker.addEventListener('message', (e) => resolve(e.data)));
      const { default: init, Device } = await import('/pkg/offsign.js');
      await init();
      const device = await Device.open({ name: 'bg' });
      const me = await device.createIdentity({ label: 'Driver 9', pin: '482913', kdf: { m: 8192, t: 1, p: 1 } });
      await device.enroll(me.kid, code);
      await device.signMany([1, 2, 3].map((i) => ({ doc: new TextEncoder().encode(`bg ${i}`), name: `bg-${i}.txt` })));
      const registered = await device.requestBackgroundSync();
      const summary = await fromWorker;
      const states = (await device.records(me.kid)).map((r) => r.state);
      return { registered, summary, states };
    }, code);
    assert.equal(result.registered, true);
    assert.equal(result.summary.accepted, 3);
    assert.deepEqual(result.states, ['accepted', 'accepted', 'accepted']);
    assert.deepEqual(sql(server.db, 'SELECT count(*) FROM records'), [[3]]);
  } finally {
    await browser.close();
    await server.stop();
  }
});

test('two tabs syncing at once send each record once; accepted records go after the retention time', async () => {
  const server = await startServer();
  const browser = await launchChromium();
  try {
    const { context, page } = await enrolledPage(browser, server, 365);
    await page.evaluate(() => Promise.all([window.signMany(300, 'tab'), window.signMany(300, 'tab2')]).then(() => {}));
    const name = await page.evaluate(() => window.deviceName);
    const other = await context.newPage();
    await other.goto(server.url + '/');
    await other.evaluate(async (name) => {
      const { default: init, Device } = await import('/pkg/offsign.js');
      await init();
      window.device = await Device.open({ name, retainAcceptedDays: 0 });
    }, name);
    const [a, b] = await Promise.all([page.evaluate(() => window.device.sync()), other.evaluate(() => window.device.sync())]);
    assert.equal(a.accepted + b.accepted, 600);
    assert.equal(a.duplicate + b.duplicate, 0, 'one sync at a time (Web Locks): nothing was sent twice');
    const after = await page.evaluate(async () => ({
      left: (await window.allRecords()).length,
      next: (await window.device.sign(new TextEncoder().encode('next'), { name: 'next.txt' })).record.seq,
    }));
    assert.deepEqual(after, { left: 0, next: 601 }, 'accepted records deleted (retainAcceptedDays: 0), the chain goes on');
    assert.deepEqual(sql(server.db, 'SELECT count(*) FROM records'), [[600]]);
  } finally {
    await browser.close();
    await server.stop();
  }
});

test('an app served from another origin enrolls and syncs once the server allows that origin, and not before', async () => {
  const app = await serveStatic();
  const open = await startServer(['--allow-origin', app.url]);
  const closed = await startServer();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`${app.url}/tests/pages/blank.html`);
    const codes = { open: open.admin('enroll', '--worker', 'elsewhere').code, closed: closed.admin('enroll', '--worker', 'elsewhere').code };
    const r = await page.evaluate(async ({ openUrl, closedUrl, codes }) => {
      const { default: init, Device } = await import('/pkg/offsign.js');
      await init();
      const device = await Device.open({ name: `cors-${Math.random()}` });
      const me = await device.createIdentity({ label: 'Elsewhere', pin: '482913', kdf: { m: 8192, t: 1, p: 1 } });
      const refused = await device.enroll(me.kid, codes.closed, { server: closedUrl }).then(() => 'enrolled', (e) => e.code);
      await device.enroll(me.kid, codes.open, { server: openUrl });
      await device.sign(new TextEncoder().encode('signed on another origin'), { name: 'elsewhere.txt' });
      const summary = await device.sync({ server: openUrl });
      const [record] = await device.records(me.kid);
      return { refused, accepted: summary.accepted, state: record.state };
    }, { openUrl: open.url, closedUrl: closed.url, codes });
    assert.deepEqual(r, { refused: 'server_unreachable', accepted: 1, state: 'accepted' });
    assert.deepEqual(sql(open.db, 'SELECT count(*) FROM records'), [[1]]);
  } finally {
    await browser.close();
    await open.stop();
    await closed.stop();
    await app.close();
  }
});
