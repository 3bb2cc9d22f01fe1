// Sync end to end: the reference server as a real process on loopback with a real SQLite
// file, and a device in headless Chromium using Device.sync(). Enroll with an administrator's
// code, go offline, sign 20, come back online: 20 receipts on the device, 20 verified rows in
// the database. A request whose answer was lost is answered
// "duplicate" with the first receipts. A server killed mid-sync and restarted loses nothing
// and stores nothing twice (killed at known points inside a sync, through a loopback proxy).
// After a revocation (superseded), records signed later are refused with cert_revoked_at_signing. autoSync sends when the
// browser comes back online; after the field app signed offline and was closed, Background
// Sync wakes the app's own service worker, which sends the outbox. An app served from another
// origin syncs once the server allows that origin. Forms from the office reach the device at
// enrollment and at sync, and hold what is signed on them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compactVerify, importJWK } from 'jose';
import { ROOT, httpProxy, launchChromium, serveStatic } from './support/browser.mjs';
import { startServer, sql } from './support/server.mjs';
import { enrollThroughTheApp, signAndWait } from './support/app.mjs';

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

test('offline, sign 20, online, sync: receipts, renewal, lost answers, revocation', { timeout: 180_000 }, async () => {
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
    // The device said how it is, signed: what the browser knows (storage) and its checks.
    assert.equal(online.summary.statusSent, true);
    assert.deepEqual(sql(server.db, "SELECT worker, pending, app_version <> '', status_at IS NOT NULL FROM devices"), [['driver-17', 0, 1, 1]]);
    const [[statusJson]] = sql(server.db, 'SELECT status FROM device_statuses ORDER BY id DESC LIMIT 1');
    const status = JSON.parse(statusJson);
    assert.ok(status.storageQuota > 0 && status.storageUsed >= 0, statusJson);
    assert.match(status.userAgent, /Chrom/);
    assert.ok(status.checks.some((c) => c.id === 'randomness' && c.status === 'ok'), statusJson);

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

    // Superseded: the next record, signed after, is refused and stays on the device, marked
    // with the reason; the 23 signed before stay accepted.
    server.admin('revoke', '--worker', 'driver-17', '--reason', 'superseded');
    const revoked = await page.evaluate(async () => {
      await window.device.sign(new TextEncoder().encode('after revocation'), { name: 'late.txt' }).catch(() => null);
      const summary = await window.device.sync();
      return { summary, last: (await window.allRecords()).at(-1), reports: await window.device.reports() };
    });
    assert.equal(revoked.summary.rejected, 1);
    assert.deepEqual([revoked.last.state, revoked.last.error.code], ['rejected', 'cert_revoked_at_signing']);
    assert.ok(revoked.reports.some((r) => r.code === 'record_rejected'));
    assert.deepEqual(sql(server.db, 'SELECT count(*) FROM records'), [[23]], 'the 23 before stay accepted');
    assert.deepEqual(sql(server.db, 'SELECT count(*) FROM reports WHERE code = \'server_unreachable\''), [[1]], 'the offline failure was reported');
  } finally {
    await browser.close();
    await server.stop();
  }
});

test('a forgotten PIN: the office supersedes the key, the worker enrolls again on the same device, the records still waiting are accepted and the chains are linked; after key compromise they are refused', { timeout: 180_000 }, async () => {
  const server = await startServer();
  const browser = await launchChromium();
  try {
    for (const reason of ['superseded', 'keyCompromise']) {
      const { context, page, kid } = await enrolledPage(browser, server, 365);
      const worker = sql(server.db, `SELECT worker FROM certificates WHERE kid = '${kid}'`)[0][0];
      // Three records signed offline, then the PIN is forgotten: the identity is locked for good.
      await context.setOffline(true);
      await page.evaluate(async () => { await window.signMany(3, 'waiting'); await window.device.lock(); });
      await context.setOffline(false);
      server.admin('revoke', '--worker', worker, '--reason', reason);
      const { code, live } = server.admin('enroll', '--worker', worker);
      assert.deepEqual(live, [], 'revoked: no live certificate left to warn about');
      const after = await page.evaluate(async ({ code, old }) => {
        const fresh = await window.device.createIdentity({ label: 'Driver 17, new key', pin: '739214', kdf: { m: 8192, t: 1, p: 1 } });
        const refused = await window.device.enroll(fresh.kid, code, { replaces: fresh.kid }).catch((e) => e.code);
        await window.device.enroll(fresh.kid, code, { replaces: old });
        const summary = await window.device.sync();
        await window.device.sign(new TextEncoder().encode('with the new key'), { name: 'new.txt' });
        const next = await window.device.sync();
        const oldRecords = await window.device.records(old, { limit: 10 });
        const replacedBy = (await window.device.identities()).find((i) => i.kid === old).replacedBy;
        return { refused, fresh: fresh.kid, replacedBy, summary, next, old: oldRecords.map((r) => [r.state, r.error?.code ?? null]) };
      }, { code, old: kid });
      assert.equal(after.refused, 'malformed_input', 'an identity cannot replace itself');
      assert.equal(after.replacedBy, after.fresh, 'the device knows which identity took over');
      assert.equal(after.next.accepted, 1, 'the new key signs and is accepted');
      const link = sql(server.db, `SELECT continues_kid, continues_seq, continues_hash IS NOT NULL FROM certificates WHERE kid = '${after.fresh}'`);
      assert.deepEqual(link, [[kid, 3, 1]], 'the new certificate names the key it replaced and where its chain ended');
      if (reason === 'superseded') {
        assert.equal(after.summary.accepted, 3, 'the records signed before the revocation are accepted');
        assert.deepEqual(after.old, Array(3).fill(['accepted', null]));
        assert.deepEqual(sql(server.db, `SELECT count(*) FROM records WHERE kid = '${kid}'`), [[3]]);
        const linked = `SELECT c.continues_hash = r.hash FROM certificates c JOIN records r ON r.kid = c.continues_kid AND r.seq = c.continues_seq WHERE c.kid = '${after.fresh}'`;
        assert.deepEqual(sql(server.db, linked), [[1]], "the end the new key named is the old key's last record: one history, no broken link");
      } else {
        assert.equal(after.summary.rejected, 3, 'after key compromise, none is taken');
        assert.deepEqual(after.old, Array(3).fill(['rejected', 'key_compromised']));
        assert.deepEqual(sql(server.db, `SELECT count(*) FROM records WHERE kid = '${kid}'`), [[0]]);
      }
      await context.close();
    }
    // A worker with a live certificate: enroll says what will happen to it.
    const { kid } = await (async () => { const e = await enrolledPage(browser, server, 30); await e.context.close(); return e; })();
    const worker = sql(server.db, `SELECT worker FROM certificates WHERE kid = '${kid}'`)[0][0];
    const { live } = server.admin('enroll', '--worker', worker);
    assert.ok(live.some((certificate) => certificate.kid === kid && certificate.expiresAt), JSON.stringify(live));
  } finally {
    await browser.close();
    await server.stop();
  }
});

test('forms from the office: fetched at enrollment, in the worker\'s language, answers checked before signing, the next version at the next sync, and the record names its form', { timeout: 180_000 }, async () => {
  const server = await startServer();
  const browser = await launchChromium();
  try {
    const { context, page } = await enrolledPage(browser, server, 30);
    const receipt = { id: 'delivery-receipt', version: 1 };
    const held = await page.evaluate(async (form) => {
      const forms = await window.device.forms({ lang: 'es-MX' });
      const problems = await window.device.checkAnswers({ form, recipient: '', stray: 1 });
      const refused = await window.device.sign(new TextEncoder().encode('x'), { name: 'x.json', claims: { form, reference: 'DN-1' } }).catch((e) => [e.code, e.message]);
      const unknown = await window.device.sign(new TextEncoder().encode('x'), { name: 'x.json', claims: { form: { ...form, version: 9 } } }).catch((e) => e.code);
      const image = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='), (c) => c.charCodeAt(0));
      const { record } = await window.device.sign(new TextEncoder().encode('receipt'), { name: 'receipt.json', claims: { form, recipient: 'A. Jones' }, signatureImage: image });
      const summary = await window.device.sync();
      return { titles: forms.map((f) => [f.id, f.version, f.title]), field: forms[1].fields[0], problems, refused, unknown, id: record.id, summary };
    }, receipt);
    assert.deepEqual(held.titles, [['consent-form', 1, 'Formulario de consentimiento'], ['delivery-receipt', 1, 'Albarán de entrega'], ['inspection-checklist', 1, 'Lista de inspección']]);
    assert.deepEqual(held.field, { name: 'recipient', type: 'text', label: 'Destinatario', required: true, maxLength: 200 });
    assert.deepEqual(held.problems, [
      { field: 'recipient', problem: 'required' }, { field: 'signature', problem: 'required' }, { field: 'stray', problem: 'not_a_field' },
    ]);
    assert.deepEqual(held.refused, ['form_answers_invalid', 'recipient is required; signature is required'], 'nothing signed without what the form requires');
    assert.equal(held.unknown, 'form_unknown');
    assert.equal(held.summary.accepted, 1);
    assert.equal(held.summary.formsUpdated, false, 'unchanged since enrollment');
    const [[jws]] = sql(server.db, `SELECT jws FROM records WHERE id = '${held.id}'`);
    const { claims } = JSON.parse(Buffer.from(jws.split('.')[1], 'base64url'));
    assert.deepEqual(claims.form, receipt, 'the record names its form and version');

    // The office changes the form: the next sync brings version 2, and version 1 stays signable
    // only until then (the server still takes records signed on it).
    const changed = JSON.parse(readFileSync(path.join(ROOT, 'server/forms/delivery-receipt.json'), 'utf8'));
    changed.fields.push({ name: 'items', type: 'number', label: 'Items', min: 1, required: true });
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'offsign-form-')), 'form.json');
    writeFileSync(file, JSON.stringify(changed));
    assert.equal(server.admin('form', 'add', '--file', file).version, 2);
    const next = await page.evaluate(async () => {
      const summary = await window.device.sync();
      const receipt = (await window.device.forms()).find((f) => f.id === 'delivery-receipt');
      return { updated: summary.formsUpdated, version: receipt.version, last: receipt.fields.at(-1) };
    });
    assert.deepEqual(next, { updated: true, version: 2, last: { name: 'items', type: 'number', label: 'Items', required: true, min: 1 } });
    await context.close();
  } finally {
    await browser.close();
    await server.stop();
  }
});

test('a server killed in the middle of a sync and restarted loses nothing and stores nothing twice', { timeout: 300_000 }, async () => {
  // The device talks to the server through a loopback proxy (same origin: the page is loaded
  // through it too) that watches each POST /v1/records, so that the server is killed at a
  // known point inside a sync, never before or after it:
  //   1. 1,200 records, batches of 500: the 1st is answered; the 2nd reaches the server whole
  //      and is stored, and the server is killed as its answer starts (the device never sees
  //      it);
  //   2. restarted, the next sync's first batch is killed half-way through its body;
  //   3. restarted, the last sync sends what is left: the stored batch comes back "duplicate".
  let server = await startServer();
  let alive = true; // whether `server` runs (stop() waits for an exit that a killed one has had)
  const port = Number(new URL(server.url).port);
  const posts = []; // each POST /v1/records the server was sent: { request, action }
  let next; // what the proxy does with the next POST /v1/records
  const proxy = await httpProxy(port, {
    intercept: (request) => {
      if (request.method !== 'POST' || request.path !== '/v1/records') return undefined;
      const action = next?.(posts.length + 1, request);
      posts.push({ request, action });
      return action;
    },
  });
  const browser = await launchChromium();
  /** Starts a sync in the page; resolves to { promise, settled() } (settled: whether it ended). */
  const startSync = (page, maxTries) => {
    let done = false;
    const promise = page.evaluate((maxTries) => window.device.sync({ maxTries }).then((s) => ({ ok: s }), (e) => ({ code: e.code, message: e.message })), maxTries)
      .finally(() => { done = true; });
    return { promise, settled: () => done };
  };
  const stateCounts = (page) => page.evaluate(async () => {
    const counts = {};
    for (const r of await window.allRecords()) counts[r.state] = (counts[r.state] ?? 0) + 1;
    return counts;
  });
  const count = () => sql(server.db, 'SELECT count(*), count(DISTINCT id) FROM records')[0];
  const within = (promise, ms, what) => {
    let timer;
    const late = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms); });
    return Promise.race([promise, late]).finally(() => clearTimeout(timer));
  };
  try {
    const { page } = await enrolledPage(browser, { ...server, url: proxy.url }, 365);
    await page.evaluate(() => Promise.all([window.signMany(500, 'a'), window.signMany(500, 'b'), window.signMany(200, 'c')]).then(() => {}));

    // 1. Killed after storing the 2nd batch, before the device has its answer.
    let answered;
    const serverAnswered = new Promise((resolve) => { answered = resolve; });
    next = (n) => (n === 2 ? { holdResponse: true, onResponse: answered } : undefined);
    const first = startSync(page, 2);
    await within(serverAnswered, 120_000, 'the server answering the 2nd batch');
    const pendingAtFirstKill = !first.settled();
    await server.kill();
    alive = false;
    next = undefined;
    const firstCut = await first.promise;
    const storedAtFirstKill = count();
    const afterFirstCut = await stateCounts(page);
    assert.ok(pendingAtFirstKill, 'the sync was still waiting for the 2nd answer when the server died');
    assert.deepEqual(posts.slice(0, 2).map((p) => p.request.length > 0), [true, true]);
    assert.equal(firstCut.code, 'server_unreachable', JSON.stringify(firstCut));
    assert.deepEqual(storedAtFirstKill, [1000, 1000], 'both batches the server received are in the database');
    assert.equal(afterFirstCut.accepted, 500, `only the answered batch is settled on the device: ${JSON.stringify(afterFirstCut)}`);
    assert.equal((afterFirstCut.pending ?? 0) + (afterFirstCut.sending ?? 0), 700, JSON.stringify(afterFirstCut));

    // 2. Restarted, and killed again half-way through the body of the next batch.
    server = await startServer([], { db: server.db, addr: `127.0.0.1:${port}` });
    alive = true;
    let cut;
    const bodyHalfSent = new Promise((resolve) => { cut = resolve; });
    const resumedFrom = posts.length;
    next = (n, request) => (n === resumedFrom + 1 ? { cutBodyAt: Math.floor(request.length / 2), onCut: cut } : undefined);
    const second = startSync(page, 2);
    const halfSent = await within(bodyHalfSent, 120_000, 'half of the next batch reaching the server');
    const pendingAtSecondKill = !second.settled();
    await server.kill();
    alive = false;
    next = undefined;
    const secondCut = await second.promise;
    assert.ok(pendingAtSecondKill, 'the sync was still sending when the server died');
    assert.ok(halfSent.length > 100_000, `a whole batch's body (${halfSent.length} bytes), of which half was sent`);
    assert.equal(secondCut.code, 'server_unreachable', JSON.stringify(secondCut));
    assert.deepEqual(count(), [1000, 1000], 'half a batch stores nothing');
    assert.equal((await stateCounts(page)).accepted, 500);

    // 3. Restarted: the rest is sent; the batch stored in 1. is answered "duplicate".
    server = await startServer([], { db: server.db, addr: `127.0.0.1:${port}` });
    alive = true;
    const resumed = await page.evaluate(async () => {
      const summary = await window.device.sync();
      const records = await window.allRecords();
      return { summary, states: [...new Set(records.map((r) => r.state))], receipts: records.filter((r) => r.receipt).length };
    });
    assert.deepEqual([resumed.summary.accepted, resumed.summary.duplicate, resumed.summary.rejected], [200, 500, 0]);
    assert.deepEqual(resumed.states, ['accepted']);
    assert.equal(resumed.receipts, 1200);
    assert.deepEqual(sql(server.db, 'SELECT count(*), count(DISTINCT id), min(seq), max(seq), sum(chain_gap) FROM records'), [[1200, 1200, 1, 1200, 0]]);
  } finally {
    await browser.close();
    await proxy.close();
    if (alive) await server.stop();
  }
});

test('autoSync sends as soon as the browser is back online', { timeout: 120_000 }, async () => {
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

test('Background Sync wakes the app\'s service worker, which sends the outbox after the app is closed', { timeout: 180_000 }, async () => {
  // The field app as served by offsign-server (www/, and its own www/sw.js as the app
  // registers it): enroll, go offline, sign (the app then asks for Background Sync), close the
  // app, come back online. With no page of the app open, the service worker sends the outbox.
  const server = await startServer();
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ permissions: ['background-sync'] });
    const posts = []; // every POST /v1/records of this profile: who sent it, with how many pages open
    context.on('request', (request) => {
      if (request.method() !== 'POST' || new URL(request.url()).pathname !== '/v1/records') return;
      posts.push({ serviceWorker: request.serviceWorker()?.url() ?? null, pagesOpen: context.pages().length });
    });
    const page = await context.newPage();
    await page.goto(server.url + '/');
    await page.waitForSelector('body[data-ready]');
    await enrollThroughTheApp(page, server, { name: 'Driver Nine' });
    await page.waitForFunction(() => !!navigator.serviceWorker.controller);
    assert.equal(await page.evaluate(() => navigator.serviceWorker.controller.scriptURL), `${server.url}/sw.js`, 'the app\'s own service worker');

    await context.setOffline(true);
    const signed = [];
    for (const recipient of ['J. Smith', 'K. Jones', 'L. Brown']) {
      await page.fill('input[name=recipient]', recipient);
      signed.push(await signAndWait(page));
    }
    const offline = await page.evaluate(async () => ({
      onLine: navigator.onLine,
      tags: await (await navigator.serviceWorker.ready).sync.getTags(),
    }));
    assert.deepEqual(offline, { onLine: false, tags: ['offsign-sync'] }, 'signed offline: the app asked for Background Sync');
    assert.deepEqual(sql(server.db, 'SELECT count(*) FROM records'), [[0]]);

    // The app is closed; only its service worker is left.
    await page.close();
    assert.equal(context.pages().length, 0);
    const worker = context.serviceWorkers().find((w) => w.url() === `${server.url}/sw.js`);
    assert.ok(worker, 'the app\'s service worker is running');
    // The closed page's Device worker ends a moment after the page (it is a client too).
    const clientsLeft = () => worker.evaluate(async () => (await self.clients.matchAll({ includeUncontrolled: true, type: 'all' })).length);
    for (const end = Date.now() + 10_000; (await clientsLeft()) > 0 && Date.now() < end;) await new Promise((r) => setTimeout(r, 100));
    assert.equal(await clientsLeft(), 0, 'no page of the app is open, nor its Device worker');
    await new Promise((r) => setTimeout(r, 1_000));
    assert.deepEqual(sql(server.db, 'SELECT count(*) FROM records'), [[0]], 'nothing is sent while offline');
    assert.deepEqual(posts, []);

    await context.setOffline(false);
    const deadline = Date.now() + 60_000;
    while (sql(server.db, 'SELECT count(*) FROM records')[0][0] < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    assert.equal(context.pages().length, 0, 'still no page open');
    assert.deepEqual(sql(server.db, 'SELECT id FROM records ORDER BY seq').map(([id]) => id), signed, 'the server has the outbox');
    // (The browser's report of the request may reach this process after the row is stored.)
    for (const end = Date.now() + 10_000; !posts.length && Date.now() < end;) await new Promise((r) => setTimeout(r, 100));
    assert.ok(posts.length >= 1, 'the request was seen');
    assert.deepEqual(posts.filter((p) => p.serviceWorker !== `${server.url}/sw.js` || p.pagesOpen !== 0), [], `every POST /v1/records was the service worker's, with no page open: ${JSON.stringify(posts)}`);
    // The sync event ended well: Chromium drops a one-shot registration only then.
    let tags;
    for (const end = Date.now() + 30_000; Date.now() < end; await new Promise((r) => setTimeout(r, 250))) {
      tags = await worker.evaluate(() => self.registration.sync.getTags());
      if (!tags.length) break;
    }
    assert.deepEqual(tags, [], 'the sync event completed');

    // Opened again with no network (it cannot sync itself): the worker's sync kept the receipts.
    await context.setOffline(true);
    const again = await context.newPage();
    await again.goto(server.url + '/#outbox');
    await again.waitForSelector('body[data-ready]');
    await again.waitForSelector('#records li');
    const outbox = await again.$$eval('#records li', (items) => items.map((li) => [li.dataset.id, li.className]));
    assert.deepEqual(new Set(outbox.map(([id]) => id)), new Set(signed));
    assert.deepEqual(outbox.map(([, state]) => state), ['accepted', 'accepted', 'accepted']);
  } finally {
    await browser.close();
    await server.stop();
  }
});

test('two tabs syncing at once send each record once; accepted records go after the retention time', { timeout: 180_000 }, async () => {
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

test('an app served from another origin enrolls and syncs once the server allows that origin, and not before', { timeout: 120_000 }, async () => {
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
