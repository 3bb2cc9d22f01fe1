// Webhooks of a real offsign-server, received by a small HTTP server in the test: an
// administrator adds them in the console (the secret shown once), and a new failure code, a
// record after a chain gap and a revocation made in the console each arrive signed as
// Standard Webhooks describes; a receiver that fails first gets the event again; the console
// lists every delivery with its result. Auditors cannot add one; odd URLs are refused.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { chain, client, codes, reportRow, signedReport } from './support/client.mjs';
import { consoleClient } from './support/console.mjs';
import { startServer } from './support/server.mjs';

const server = await startServer();
const { request, account, login } = consoleClient(server);
const api = client(server);

// The receiver: keeps what arrives; /flaky answers 500 to its first delivery.
const received = [];
let flakyCalls = 0;
const receiver = http.createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => { body += chunk; });
  req.on('end', () => {
    received.push({ path: req.url, headers: req.headers, body });
    if (req.url === '/flaky' && (flakyCalls += 1) === 1) return res.writeHead(500).end();
    res.writeHead(204).end();
  });
});
await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${receiver.address().port}`;
after(() => { receiver.close(); return server.stop(); });

await account('ann', 'a long password for ann');
await account('audrey', 'a long auditor password', 'auditor');
const admin = await login('ann', 'a long password for ann');
const auditor = await login('audrey', 'a long auditor password');

/** Checks a delivery as a Standard Webhooks receiver does; returns its parsed body. */
function verified({ headers, body }, secret) {
  const [id, timestamp, signature] = [headers['webhook-id'], headers['webhook-timestamp'], headers['webhook-signature']];
  assert.match(id, /^msg_[0-9a-f]{32}$/);
  assert.ok(Math.abs(Date.now() / 1000 - Number(timestamp)) < 300, 'within the 5-minute tolerance');
  const expected = createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64')).update(`${id}.${timestamp}.${body}`).digest();
  const [version, given] = signature.split(',');
  assert.equal(version, 'v1');
  assert.ok(timingSafeEqual(Buffer.from(given, 'base64'), expected), 'the signature checks out');
  assert.equal(headers['content-type'], 'application/json');
  return JSON.parse(body);
}

/** Waits until `predicate()` holds (deliveries are made within about a second). */
async function until(predicate, what, ms = 20_000) {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) assert.fail(`waited ${ms} ms for ${what}; received: ${JSON.stringify(received.map((r) => [r.path, r.body]))}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

test('events arrive signed: a new failure code once, a chain gap, a revocation; a receiver that failed gets the event again', { timeout: 60_000 }, async () => {
  const add = (url, events) => request('POST', '/admin/webhooks', {
    form: new URLSearchParams([['csrf', admin.csrf], ['url', url], ...events.map((e) => ['events', e])]), cookie: admin.cookie, json: true,
  });
  const all = await add(`${base}/in`, ['failure.new_code', 'failure.spike', 'device.silent', 'certificate.expiring', 'certificate.revoked', 'chain.gap']);
  assert.equal(all.status, 200, all.text);
  assert.match(all.json.secret, /^whsec_[A-Za-z0-9+/]{32}$/);
  const flaky = await add(`${base}/flaky`, ['certificate.revoked']);
  assert.equal(flaky.status, 200, flaky.text);

  const worker = await api.enrolledWorker('driver-88');
  const report = (fields) => signedReport(worker, reportRow({ code: 'storage_full', kid: worker.kid, ...fields }));
  await api.call('POST', '/v1/reports', { reports: [await report({ comment: 'the phone is full' })] });
  await api.call('POST', '/v1/reports', { reports: [await report({})] });
  const records = await chain(worker, 3);
  assert.deepEqual(codes(await api.send([records[0], records[2]])), ['accepted', 'accepted']);
  const revoked = await request('POST', '/admin/revoke', { form: { csrf: admin.csrf, worker: 'driver-88', reason: 'keyCompromise' }, cookie: admin.cookie });
  assert.equal(revoked.status, 303);

  const at = (path) => received.filter((r) => r.path === path);
  await until(() => at('/in').length >= 3 && at('/flaky').length >= 2, 'three events, and the flaky receiver twice');
  const events = at('/in').map((r) => verified(r, all.json.secret));
  assert.deepEqual(events.map((e) => e.type).sort(), ['certificate.revoked', 'chain.gap', 'failure.new_code'], 'the same failure code again is no news');
  const byType = Object.fromEntries(events.map((e) => [e.type, e.data]));
  assert.deepEqual([byType['failure.new_code'].code, byType['failure.new_code'].worker, byType['failure.new_code'].comment], ['storage_full', 'driver-88', 'the phone is full']);
  assert.deepEqual([byType['chain.gap'].worker, byType['chain.gap'].seq], ['driver-88', 3]);
  const told = byType['certificate.revoked'];
  assert.deepEqual([told.worker, told.serials, told.by, told.reason], ['driver-88', [worker.serial], 'ann', 'keyCompromise']);
  const [first, second] = at('/flaky').map((r) => verified(r, flaky.json.secret));
  assert.deepEqual(first, second, 'the same event again');
  assert.equal(at('/flaky')[0].headers['webhook-id'], at('/flaky')[1].headers['webhook-id'], 'with the same id, for receivers that deduplicate');

  const page = await request('GET', '/admin/webhooks', { cookie: auditor.cookie });
  assert.match(page.text, /<td>certificate\.revoked<\/td><td><code>msg_[0-9a-f]+<\/code><\/td><td>delivered<\/td><td>2<\/td><td>HTTP 204<\/td>/, 'delivered at the second attempt');
  assert.doesNotMatch(page.text, /whsec_/, 'secrets are shown once, when added');
  const audit = await request('GET', '/admin/audit', { cookie: auditor.cookie });
  assert.match(audit.text, new RegExp(`<td>ann</td><td>webhook_added</td><td>${base}/…: certificate\\.revoked</td>`));
  assert.doesNotMatch(audit.text, /\/flaky/, "a receiver's path may be its secret: not in the log");
  assert.doesNotMatch(page.text, /\/flaky/, 'nor shown to auditors');
  assert.doesNotMatch(audit.text, /whsec_/);
});

test('an auditor cannot add or remove a webhook; a URL that is not http(s), or has a password in it, is refused', async () => {
  const form = (csrf, url) => new URLSearchParams([['csrf', csrf], ['url', url], ['events', 'chain.gap']]);
  const byAuditor = await request('POST', '/admin/webhooks', { form: form(auditor.csrf, `${base}/x`), cookie: auditor.cookie, json: true });
  assert.equal(byAuditor.json.code, 'role_refused');
  for (const url of ['ftp://example.com/in', 'file:///etc/passwd', 'https://user:secret@example.com/in', 'not a url']) {
    const refused = await request('POST', '/admin/webhooks', { form: form(admin.csrf, url), cookie: admin.cookie, json: true });
    assert.equal(refused.status, 400, url);
  }
  const unknownEvent = await request('POST', '/admin/webhooks', { form: new URLSearchParams([['csrf', admin.csrf], ['url', `${base}/x`], ['events', 'everything']]), cookie: admin.cookie, json: true });
  assert.equal(unknownEvent.status, 400);
  const removeByAuditor = await request('POST', '/admin/webhooks/remove', { form: { csrf: auditor.csrf, id: '1' }, cookie: auditor.cookie, json: true });
  assert.equal(removeByAuditor.json.code, 'role_refused');
  const removed = await request('POST', '/admin/webhooks/remove', { form: { csrf: admin.csrf, id: '1' }, cookie: admin.cookie });
  assert.equal(removed.status, 303);
  assert.doesNotMatch((await request('GET', '/admin/webhooks', { cookie: admin.cookie })).text, new RegExp(`<code>${base}/in</code>`));
});

test('a device cannot make news: a resent report keeps its code, invented codes are told once as one, and gaps once an hour per device', { timeout: 60_000 }, async () => {
  const hook = await request('POST', '/admin/webhooks', {
    form: new URLSearchParams([['csrf', admin.csrf], ['url', `${base}/news`], ['events', 'failure.new_code'], ['events', 'chain.gap']]), cookie: admin.cookie, json: true,
  });
  assert.equal(hook.status, 200, hook.text);
  const noisy = await api.enrolledWorker('driver-noisy');
  const send = async (row) => api.call('POST', '/v1/reports', { reports: [await signedReport(noisy, row)] });
  const first = reportRow({ code: 'clock_skew', kid: noisy.kid });
  await send(first);
  for (const code of ['made_up_1', 'made_up_2', 'made_up_3']) await send({ ...first, code, count: 2 });
  for (const code of ['invented_a', 'invented_b', 'invented_c']) await send(reportRow({ code, kid: noisy.kid }));
  const records = await chain(noisy, 9);
  assert.deepEqual(codes(await api.send([records[0], records[2], records[4], records[6], records[8]])), Array(5).fill('accepted'));
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const news = received.filter((r) => r.path === '/news').map((r) => verified(r, hook.json.secret));
  assert.deepEqual(news.map((e) => [e.type, e.data.code ?? e.data.seq]).sort(), [['chain.gap', 3], ['failure.new_code', 'clock_skew'], ['failure.new_code', 'invented_a']]);
  const stored = await request('GET', '/admin/reports?code=clock_skew', { cookie: admin.cookie });
  assert.match(stored.text, /<code>clock_skew<\/code> during unlock/, 'the resent report kept its code');
});

test('a receiver that never answers delays only its own events', { timeout: 60_000 }, async () => {
  const hanging = http.createServer(() => { /* never answers: the server gives up after 10 s */ });
  await new Promise((resolve) => hanging.listen(0, '127.0.0.1', resolve));
  try {
    const add = async (url) => (await request('POST', '/admin/webhooks', {
      form: new URLSearchParams([['csrf', admin.csrf], ['url', url], ['events', 'certificate.revoked']]), cookie: admin.cookie, json: true,
    })).status;
    assert.equal(await add(`http://127.0.0.1:${hanging.address().port}/stuck`), 200);
    assert.equal(await add(`${base}/prompt`), 200);
    await api.enrolledWorker('driver-prompt');
    server.admin('revoke', '--worker', 'driver-prompt', '--reason', 'superseded');
    const started = Date.now();
    await until(() => received.some((r) => r.path === '/prompt'), 'the prompt receiver', 8_000);
    assert.ok(Date.now() - started < 8_000, 'well before the stuck receiver times out');
  } finally {
    hanging.closeAllConnections();
    hanging.close();
  }
});
