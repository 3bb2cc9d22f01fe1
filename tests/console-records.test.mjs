// The console's records, chain gaps, failure reports and overview, against a real
// offsign-server fed by a signer over the real API: searches find what an administrator looks
// for, a record's page checks it again, gaps name the missing numbers, the CSV export holds
// every match and nothing a spreadsheet would run, and a failure report with the worker's
// words is triaged (admins only, audited).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { b64, chain, client, codes, jws, jwsPayload, keyPair, reportRow, sha256, signedReport } from './support/client.mjs';
import { consoleClient } from './support/console.mjs';
import { startServer } from './support/server.mjs';
import { offsign, scratch } from './support/cli.mjs';
import { ROOT } from './support/browser.mjs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const server = await startServer();
after(() => server.stop());
const { request, account, login } = consoleClient(server);
const api = client(server);

await account('ann', 'a long password for ann');
await account('audrey', 'a long auditor password', 'auditor');
const admin = await login('ann', 'a long password for ann');
const auditor = await login('audrey', 'a long auditor password');

// A courier's chain of five records, signed a minute apart in the last five minutes (within
// the server's clock tolerance of the certificate just issued); the third and fourth never
// arrive.
const courier = await api.enrolledWorker('courier-7');
const base = Date.now();
const names = ['receipt-118.pdf', '=HYPERLINK("http://evil.example","click")', 'c.pdf', 'd.pdf', 'receipt-122.pdf'];
const records = await chain(courier, 5, (seq) => ({
  name: names[seq - 1],
  claims: seq === 1 ? { reference: 'ORDER-7', recipient: 'Mia Field' } : { reference: `order-${seq + 6}` },
  signedAt: new Date(base - (5 - seq) * 60_000).toISOString(),
}));
assert.deepEqual(codes(await api.send([records[0], records[1], records[4]])), ['accepted', 'accepted', 'accepted']);
const id = (jws) => jwsPayload(jws).id;

/** The record ids listed on a records page, in order. */
const listedIds = (html) => [...html.matchAll(/href="\/admin\/record\?id=([^"]+)"/g)].map((m) => decodeURIComponent(m[1]));

test('records are found by worker, by document name or reference (any case), by signing day, and by a gap before them', async () => {
  const page = async (query) => {
    const answer = await request('GET', `/admin/records?${query}`, { cookie: admin.cookie });
    assert.equal(answer.status, 200, answer.text);
    return listedIds(answer.text);
  };
  assert.deepEqual(await page('worker=courier-7'), [id(records[4]), id(records[1]), id(records[0])], 'newest signature first');
  assert.deepEqual(await page('q=order-7'), [id(records[0])], 'the reference, any case');
  assert.deepEqual(await page('q=RECEIPT-1'), [id(records[4]), id(records[0])], 'the document name');
  const day = jwsPayload(records[1]).signedAt.slice(0, 10);
  const next = new Date(Date.parse(day) + 86_400_000).toISOString().slice(0, 10);
  assert.ok((await page(`from=${day}&to=${day}`)).includes(id(records[1])), 'a day, both ends included');
  assert.deepEqual(await page(`from=${next}`), [], 'nothing signed tomorrow');
  assert.deepEqual(await page(`to=${day}&from=${day}&worker=courier-7&q=order-8`), [id(records[1])], 'all at once');
  assert.deepEqual(await page('gap=1'), [id(records[4])]);
  assert.deepEqual(await page('worker=someone-else'), []);
  const bad = await request('GET', '/admin/records?from=yesterday', { cookie: admin.cookie, json: true });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.code, 'malformed_request');
});

test("a record's evidence bundle downloads for a signed-in auditor, is audited, and the offsign CLI checks it offline against the pinned authority", async () => {
  const download = (cookie, recordId) => fetch(`${server.url}/admin/record/bundle?id=${encodeURIComponent(recordId)}`, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
  const answer = await download(auditor.cookie, id(records[1]));
  assert.equal(answer.status, 200);
  assert.equal(answer.headers.get('content-type'), 'application/zip');
  assert.equal(answer.headers.get('content-disposition'), `attachment; filename="offsign-record-${id(records[1])}.zip"`);
  const files = scratch();
  const zip = files.write('bundle.zip', Buffer.from(await answer.arrayBuffer()));
  const authority = files.write('authority.jwk', JSON.stringify((await (await fetch(`${server.url}/v1/authority`)).json()).jwk));
  const checked = offsign('verify-bundle', zip, '--authority', authority);
  const report = JSON.parse(checked.stdout);
  const outcome = Object.fromEntries(report.checks.map((c) => [c.check, c.outcome]));
  // The device has not sent the document: the record is sound, the bundle incomplete (it signs
  // no pad image, so none is missing).
  assert.deepEqual(outcome, {
    record_format: 'pass', certificate: 'pass', signature: 'pass', valid_at_signing: 'pass', not_revoked: 'pass', receipt: 'pass',
    document: 'absent', signature_image: 'pass', stamped_copy: 'pass', chain: 'pass',
  }, checked.stdout);
  assert.equal(checked.status, 2, 'exit 2: incomplete');
  assert.equal(report.authority.pinned, true);
  // A third JOSE implementation (jwcrypto, Python) verifies the record, certificate and receipt.
  const python = spawnSync('python3', [path.join(ROOT, 'tests/interop/jwcrypto_bundle.py'), zip, authority], { encoding: 'utf8' });
  assert.equal(python.status, 0, python.stdout + python.stderr);
  const third = JSON.parse(python.stdout);
  assert.deepEqual({ ...third, receipt: undefined }, { record: id(records[1]), certificate: courier.serial, receipt: undefined, kid: courier.kid });
  assert.ok(Date.parse(third.receipt) <= Date.now(), third.receipt);

  assert.notEqual((await download(undefined, id(records[1]))).status, 200, 'no session, no bundle');
  assert.equal((await download(admin.cookie, '01930000-0000-7000-8000-00000000dead')).status, 404);
  const audit = await request('GET', '/admin/audit', { cookie: admin.cookie });
  assert.match(audit.text, new RegExp(`bundle_downloaded[\\s\\S]*record ${id(records[1])}`));
});

test("a record's page checks its signature and receipt again and shows its claims and its place in the chain", async () => {
  const answer = await request('GET', `/admin/record?id=${id(records[4])}`, { cookie: auditor.cookie });
  assert.equal(answer.status, 200);
  assert.match(answer.text, /valid: signed by the certified key/);
  assert.match(answer.text, /signed by this server&#39;s authority|signed by this server's authority/);
  assert.match(answer.text, /Records before it are missing/);
  assert.match(answer.text, new RegExp(`Before: <a href="/admin/record\\?id=${id(records[1])}">#2`));
  const first = await request('GET', `/admin/record?id=${id(records[0])}`, { cookie: auditor.cookie });
  assert.match(first.text, /<dt>recipient<\/dt><dd>Mia Field<\/dd>/);
  assert.match(first.text, /<dt>reference<\/dt><dd>ORDER-7<\/dd>/);
  assert.match(first.text, new RegExp(b64(sha256('doc 1'))));
  assert.doesNotMatch(first.text, /missing/);
  assert.equal((await request('GET', '/admin/record?id=no-such-record', { cookie: auditor.cookie })).status, 404);
});

test('chain gaps name the device key, the missing numbers and the record after them; filling one shortens it', async () => {
  let gaps = await request('GET', '/admin/gaps', { cookie: admin.cookie });
  assert.match(gaps.text, /<td>3–4<\/td>/);
  assert.match(gaps.text, new RegExp(courier.kid));
  assert.deepEqual(codes(await api.send([records[3]])), ['accepted']);
  gaps = await request('GET', '/admin/gaps', { cookie: admin.cookie });
  assert.match(gaps.text, /<td>3<\/td>/);
  assert.deepEqual(codes(await api.send([records[2]])), ['accepted']);
  gaps = await request('GET', '/admin/gaps', { cookie: admin.cookie });
  assert.match(gaps.text, /No chain has a gap/);
});

test('the CSV export holds every record of a search, and a cell a spreadsheet would run as a formula is quoted', async () => {
  const answer = await fetch(`${server.url}/admin/records.csv?worker=courier-7`, { headers: { cookie: admin.cookie } });
  assert.equal(answer.status, 200);
  assert.equal(answer.headers.get('content-type'), 'text/csv; charset=utf-8');
  assert.match(answer.headers.get('content-disposition'), /attachment/);
  const lines = (await answer.text()).trim().split('\n');
  assert.equal(lines[0], 'record_id,worker,key_id,seq,signed_at,received_at,document,reference,after_gap');
  assert.equal(lines.length, 6, 'a header and the five records');
  const injected = lines.find((line) => line.includes('HYPERLINK'));
  assert.ok(injected.includes(`"'=HYPERLINK(""http://evil.example"",""click"")"`), injected);
  const none = await request('GET', '/admin/records.csv?worker=courier-7', { json: true });
  assert.equal(none.status, 401, 'no session, no export');
  assert.equal(none.json.code, 'login_required');
});

test("a failure report shows the worker's words and the remedy; an admin triages it (audited), an auditor and a forged form cannot", async () => {
  const row = reportRow({ code: 'wrong_pin', comment: 'The pad froze after two tries', appVersion: '0.2.0', userAgent: 'Field tablet', kid: courier.kid });
  const sent = await api.call('POST', '/v1/reports', { reports: [await signedReport(courier, row)] });
  assert.equal(sent.json.verdicts[0].verdict, 'stored', sent.text);
  const reports = await request('GET', '/admin/reports?code=wrong_pin', { cookie: auditor.cookie });
  assert.match(reports.text, /<q>The pad froze after two tries<\/q>/);
  assert.match(reports.text, /<dt>Remedy<\/dt><dd>Check your PIN and try again/, 'the remedy of its code');
  assert.match(reports.text, /Field tablet/);
  assert.doesNotMatch(reports.text, /action="\/admin\/triage"/, 'no triage form for an auditor');
  const form = { kid: courier.kid, id: row.id, state: 'acknowledged', note: 'new pads ordered' };
  const byAuditor = await request('POST', '/admin/triage', { form: { ...form, csrf: auditor.csrf }, cookie: auditor.cookie, json: true });
  assert.equal(byAuditor.json.code, 'role_refused');
  const forged = await request('POST', '/admin/triage', { form, cookie: admin.cookie, json: true });
  assert.equal(forged.status, 403);
  assert.equal(forged.json.code, 'csrf_refused');
  const unknown = await request('POST', '/admin/triage', { form: { ...form, id: 'no-such-report', csrf: admin.csrf }, cookie: admin.cookie, json: true });
  assert.equal(unknown.status, 400);
  const done = await request('POST', '/admin/triage', { form: { ...form, csrf: admin.csrf }, cookie: admin.cookie });
  assert.equal(done.status, 303);
  const acknowledged = await request('GET', '/admin/reports?state=acknowledged', { cookie: auditor.cookie });
  assert.match(acknowledged.text, /acknowledged by ann at [^:]+:\d\d:\d\d[^:]*: new pads ordered/);
  assert.doesNotMatch((await request('GET', '/admin/reports?state=open', { cookie: auditor.cookie })).text, /The pad froze/);
  const audit = await request('GET', '/admin/audit', { cookie: auditor.cookie });
  assert.match(audit.text, new RegExp(`<td>ann</td><td>triage</td><td>report ${row.id} of key ${courier.kid}: acknowledged \\(new pads ordered\\)</td>`));
});

test('the overview counts what needs attention, each a link to its list, and draws records and failures per day', async () => {
  const overview = await request('GET', '/admin', { cookie: auditor.cookie });
  assert.match(overview.text, /<a href="\/admin\/gaps"><strong>0<\/strong> open gaps/);
  assert.match(overview.text, /<a href="\/admin\/reports\?state=open"><strong>\d+<\/strong> open failure reports/);
  assert.match(overview.text, /<svg[^>]+role="img" aria-label="Records received per day: 5 in the last 28 days, most \(5\) on \d{4}-\d\d-\d\d"/);
  assert.match(overview.text, /aria-label="Failure reports received per day: [1-9]\d* in the last 28 days/);
  assert.match(overview.text, /<a href="\/admin\/reports\?code=wrong_pin"><code>wrong_pin<\/code><\/a>/);
  assert.match(overview.text, /<svg class="sparkline"[^>]+role="img" aria-label="wrong_pin: 1 in the last 28 days, most \(1\) on \d{4}-\d\d-\d\d"/, 'each code with its days');
  assert.doesNotMatch(overview.text, /Enroll a worker/, 'an auditor has no enrollment form');
  const expiring = await request('GET', '/admin/workers?expiring=400', { cookie: auditor.cookie });
  assert.match(expiring.text, /courier-7/, 'a one-year certificate expires within 400 days');
  assert.doesNotMatch((await request('GET', '/admin/workers?expiring=14', { cookie: auditor.cookie })).text, /courier-7/);
});

/** A device status as the Device sends it at a sync (`offsign-status+jws`). */
function deviceStatus(fields = {}) {
  return {
    v: 1, cert: courier.serial, sentAt: new Date().toISOString(), appVersion: '0.2.0', userAgent: 'Mozilla/5.0 Field tablet',
    checks: [{ id: 'randomness', status: 'ok', value: 'available' }, { id: 'storage', status: 'fail', value: 'not persisted, 97% full' }],
    pending: 2, oldestPendingAt: '2026-12-01T08:00:00.000Z', storageUsed: 97e6, storageQuota: 100e6, clockOffsetMs: -1200, ...fields,
  };
}
const sendStatus = async (signer, status) => api.call('POST', '/v1/status', { status: await jws(signer, 'offsign-status+jws', status) });

test('a device status signed by its key is listed with the device: last heard from, version, pending, failing checks marked, and its history', async () => {
  assert.equal((await sendStatus(courier, deviceStatus({ appVersion: '0.1.9', sentAt: new Date(Date.now() - 60_000).toISOString() }))).status, 204);
  const latest = await jws(courier, 'offsign-status+jws', deviceStatus());
  assert.equal((await api.call('POST', '/v1/status', { status: latest })).status, 204);
  // The same status again, or one made long ago, is no sign of life.
  const replayed = await api.call('POST', '/v1/status', { status: latest });
  assert.deepEqual([replayed.status, replayed.json.code], [403, 'request_stale']);
  const old = await sendStatus(courier, deviceStatus({ sentAt: new Date(Date.now() - 3_600_000).toISOString() }));
  assert.deepEqual([old.status, old.json.code], [403, 'request_stale']);
  const list = await request('GET', '/admin/devices?failing=1', { cookie: auditor.cookie });
  assert.match(list.text, /<tr class="attention">.*courier-7.*<td>0\.2\.0<\/td><td>2 \(oldest signed 2026-12-01T08:00:00\.000Z\)<\/td><td>1 failed, 0 warnings<\/td><td><strong>1 failed checks<\/strong>/s);
  assert.doesNotMatch((await request('GET', '/admin/devices?silent=1', { cookie: auditor.cookie })).text, /courier-7/, 'heard from just now');
  const page = await request('GET', `/admin/device?kid=${courier.kid}`, { cookie: auditor.cookie });
  assert.match(page.text, /Needs attention: 1 failed checks/);
  assert.match(page.text, /97\.0 MB of 100 MB \(97%\)/);
  assert.match(page.text, /<td>storage<\/td><td>fail<\/td><td>not persisted, 97% full<\/td>/);
  assert.match(page.text, /<td>0\.2\.0<\/td><td>2<\/td><td>1<\/td><td>0<\/td><\/tr><tr><td>[^<]+<\/td><td>0\.1\.9<\/td>/, 'the history, newest first');
  const worker = await request('GET', '/admin/worker?id=courier-7', { cookie: auditor.cookie });
  assert.match(worker.text, new RegExp(`/admin/device\\?kid=${courier.kid}`), "on the worker's page");
  const overview = await request('GET', '/admin', { cookie: auditor.cookie });
  assert.match(overview.text, /<a href="\/admin\/devices\?failing=1"><strong>1<\/strong> devices whose health checks fail/);
});

test('a status with a forged signature, an unknown certificate or out of bounds is refused and changes nothing', async () => {
  const stranger = await keyPair();
  const forged = await sendStatus({ ...stranger, kid: courier.kid }, deviceStatus({ appVersion: 'forged' }));
  assert.deepEqual([forged.status, forged.json.code], [403, 'bad_signature']);
  const unknown = await sendStatus(courier, deviceStatus({ cert: 'no-such-serial' }));
  assert.deepEqual([unknown.status, unknown.json.code], [403, 'cert_unknown']);
  const bogus = await sendStatus(courier, deviceStatus({ checks: [{ id: 'x', status: 'splendid', value: '' }] }));
  assert.equal(bogus.status, 400);
  const huge = await sendStatus(courier, deviceStatus({ userAgent: 'x'.repeat(10_000) }));
  assert.equal(huge.status, 400);
  const extra = await sendStatus(courier, { ...deviceStatus(), admin: true });
  assert.equal(extra.status, 400, 'no member the format does not have');
  const page = await request('GET', `/admin/device?kid=${courier.kid}`, { cookie: auditor.cookie });
  assert.doesNotMatch(page.text, /forged|splendid|xxxxxxxxxx/);
});

test("refused records of a certified signer are listed with the worker and the code's remedy, linked from the overview", async () => {
  const [fork] = await chain(courier, 2, (seq) => ({ doc: `another document ${seq}`, signedAt: new Date(base).toISOString() }));
  assert.deepEqual(codes(await api.send([fork])), ['chain_fork'], 'another record with seq 1 of this key');
  const overview = await request('GET', '/admin', { cookie: auditor.cookie });
  assert.match(overview.text, /<a href="\/admin\/refused\?code=chain_fork"><code>chain_fork<\/code><\/a>/);
  const refused = await request('GET', '/admin/refused?code=chain_fork', { cookie: auditor.cookie });
  assert.match(refused.text, new RegExp(`<td><a href="/admin/worker\\?id=courier-7">courier-7</a></td><td><a href="/admin/device\\?kid=${courier.kid}">`));
  assert.match(refused.text, new RegExp(`<code>${jwsPayload(fork).id}</code>`));
  assert.match(refused.text, /What the worker is told: /);
});
