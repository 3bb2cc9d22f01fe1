// Every code of the `server` group of crate/src/error_table.rs (the codes only the server
// answers with) is one a real offsign-server process on 127.0.0.1 does answer with, as the
// table says: each is produced here through the HTTP API by a client made by hand (npm `jose`
// signs), with its status and `{code, message}` refusal body (or, for a record or report of a
// 200 batch, its verdict's code), and with nothing stored or issued for it. The last test reads
// the group from the table and checks that every code was seen.
//
// Where only time or a large database can bring a state about, the test writes it into the
// database the server reads, as tests/server-promises.test.mjs does: an expired enrollment code
// or certificate (`--expires-hours` and `--days` are at least 1), a damaged certificate row
// (internal_error), and more than 100,000 revoked serials (revocation_list_unavailable).
// One server serves every test: `--rate-limit 50` (bursts of 100: the tests' own requests from
// 127.0.0.1 stay far below it; the flood comes from 127.0.0.2) and a metrics token.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { offsign, scratch } from './support/cli.mjs';
import path from 'node:path';
import { ROOT } from './support/browser.mjs';
import { expireCertificate, sql, startServer } from './support/server.mjs';
import { consoleClient } from './support/console.mjs';
import {
  assertRefusal as assertCodeAndMessage, b64, client, codeHash, jws, jwsPayload, keyPair, record, renewalRequest, reportRow, sha256, signedReport,
} from './support/client.mjs';

/** The codes of group `group` (`device` or `server`) of the error table, in its order. */
function tableGroup(group) {
  const text = readFileSync(path.join(ROOT, 'crate/src/error_table.rs'), 'utf8');
  const start = text.search(new RegExp(`^\\s*${group}\\s*\\{`, 'm'));
  assert.ok(start >= 0, `the table has a ${group} group`);
  const body = text.slice(text.indexOf('{', start) + 1);
  const end = body.search(/^\s*\}/m); // the group's rows hold no line that is a lone brace
  return [...body.slice(0, end).matchAll(/^\s*[A-Z]\w* = "([a-z_]+)", (?:Error|Warning),/gm)].map((m) => m[1]);
}
const SERVER_CODES = tableGroup('server');
const DEVICE_CODES = tableGroup('device');

/**
 * Server codes no request can bring about against a real server in a test, with why (at most
 * 3). Empty: every one is produced below. (internal_error also answers a panic inside a
 * request's blocking task, which no request can cause; it is produced by the other path.)
 */
const EXCLUDED = {};

const METRICS_TOKEN = `codes-metrics-${randomUUID()}`;
// Its log (a line per request, some hundred for the flood) is kept, not shown.
const server = await startServer(['--rate-limit', '50', '--metrics-token', METRICS_TOKEN], { captureStderr: true });
after(() => server.stop());
const { call, enroll, enrollmentProof, enrolledWorker, send } = client(server);

const DAY_MS = 86_400_000;
const count = (tableName, where = 'true') => sql(server.db, `SELECT count(*) FROM ${tableName} WHERE ${where}`)[0][0];
const iso = (msFromNow) => new Date(Date.now() + msFromNow).toISOString();

/** Every code the server answered with, once asserted. */
const seen = new Set();

/** Asserts a refused request (`assertRefusal` of the support) and notes its code as seen. */
function assertRefusal(answer, status, code, what) {
  assertCodeAndMessage(answer, status, code, what);
  seen.add(code);
}

/** Asserts a rejected record or report of a batch: verdict `rejected`, this code, no receipt. */
function assertRejected(verdict, code, what) {
  assert.equal(verdict.verdict, 'rejected', `${what}: ${JSON.stringify(verdict)}`);
  assert.equal(verdict.code, code, `${what}: ${JSON.stringify(verdict)}`);
  assert.equal(verdict.receipt, undefined, `${what}: no receipt`);
  seen.add(code);
}

test('the error table has a server group to hold the server to', { timeout: 5_000 }, () => {
  assert.ok(SERVER_CODES.length >= 10, `server group: ${SERVER_CODES}`);
  assert.ok(DEVICE_CODES.length >= 10, `device group: ${DEVICE_CODES}`);
  assert.equal(new Set(SERVER_CODES).size, SERVER_CODES.length, 'no code twice');
  assert.deepEqual(SERVER_CODES.filter((c) => DEVICE_CODES.includes(c)), [], 'no code in both groups');
});

test('enrollment refusals: weak_key, proof_invalid, challenge_stale and unknown, used or expired codes are 403 {code, message} and issue nothing', { timeout: 30_000 }, async () => {
  const key = await keyPair();
  const stranger = await keyPair();
  const { code } = server.admin('enroll', '--worker', 'codes-enroll');
  const unused = () => sql(server.db, `SELECT used_at IS NULL FROM enrollment_codes WHERE code_hash = '${codeHash(code)}'`);
  assert.deepEqual(unused(), [[1]]);
  const weak = { kty: 'OKP', crv: 'Ed25519', x: b64(Buffer.from('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05', 'hex')) }; // order 8
  const certificates = count('certificates');

  const refusals = [
    ['a key of small order', { code, jwk: weak, proof: await enrollmentProof(key, code) }, 'weak_key'],
    ['a proof signed by another key', { code, jwk: key.jwk, proof: await enrollmentProof(stranger, code) }, 'proof_invalid'],
    ['a proof for another code', { code, jwk: key.jwk, proof: await enrollmentProof(key, 'AAAA-BBBB-CCCC') }, 'proof_invalid'],
    ['a proof of a challenge 11 minutes old', { code, jwk: key.jwk, proof: await enrollmentProof(key, code, iso(-11 * 60_000)) }, 'challenge_stale'],
    ['a proof of a challenge 11 minutes ahead', { code, jwk: key.jwk, proof: await enrollmentProof(key, code, iso(11 * 60_000)) }, 'challenge_stale'],
  ];
  for (const [what, body, expected] of refusals) {
    assertRefusal(await call('POST', '/v1/enroll', body), 403, expected, what);
    assert.equal(count('certificates'), certificates, `${what}: nothing issued`);
    assert.deepEqual(unused(), [[1]], `${what}: the code is not spent`);
  }

  // A code never printed, with a good proof for it.
  assertRefusal(await enroll(key, 'ZZZZ-YYYY-XXXX'), 403, 'enrollment_code_unknown', 'a code never printed');
  // A code past its expiry (the shortest is an hour: its time is moved into the past).
  const { code: old } = server.admin('enroll', '--worker', 'codes-enroll-expired', '--expires-hours', '1');
  sql(server.db, `UPDATE enrollment_codes SET expires_at = ${Date.now() - 60_000} WHERE code_hash = '${codeHash(old)}'`);
  assertRefusal(await enroll(key, old), 403, 'enrollment_code_expired', 'an expired code');
  assert.deepEqual(sql(server.db, `SELECT used_at IS NULL FROM enrollment_codes WHERE code_hash = '${codeHash(old)}'`), [[1]], 'the expired code is not spent');
  assert.equal(count('certificates'), certificates, 'nothing issued');

  // The code still works (a challenge 9 minutes old is fresh enough), once.
  const good = await call('POST', '/v1/enroll', { code, jwk: key.jwk, proof: await enrollmentProof(key, code, iso(-9 * 60_000)) });
  assert.equal(good.status, 200, good.text);
  assert.equal(count('certificates'), certificates + 1);
  assertRefusal(await enroll(stranger, code), 403, 'enrollment_code_used', 'the code again, by another key');
  assertRefusal(await enroll(key, code), 403, 'enrollment_code_used', 'the code again, by the same key');
  assert.equal(count('certificates'), certificates + 1, 'one code, one certificate');
});

test('a superseded key: records signed after the revocation are cert_revoked_at_signing, those before are accepted; an enrollment naming a key that is not the worker\'s is replaced_key_unknown (403) and keeps the code', { timeout: 30_000 }, async () => {
  const signer = await enrolledWorker('codes-superseded');
  const before = await record(signer, { seq: 1, signedAt: iso(-60_000) });
  server.admin('revoke', '--serial', signer.serial, '--reason', 'superseded');
  const later = await record(signer, { seq: 2, prev: b64(sha256(before)), signedAt: iso(60_000) });
  const verdicts = await send([before, later]);
  assert.equal(verdicts[0].verdict, 'accepted', 'signed before the revocation, sent after it');
  assertRejected(verdicts[1], 'cert_revoked_at_signing', 'signed after the revocation');

  // An enrollment that says it replaces a key of another worker.
  const other = await enrolledWorker('codes-other-worker');
  const { code } = server.admin('enroll', '--worker', 'codes-superseded');
  const fresh = await keyPair();
  const challenge = (await call('GET', '/v1/enroll')).json.challenge;
  const continues = { kid: other.kid, seq: 0, hash: null };
  const proof = await jws(fresh, 'offsign-enroll+jws', { v: 1, code: codeHash(code), challenge, continues });
  const certificates = count('certificates');
  assertRefusal(await call('POST', '/v1/enroll', { code, jwk: fresh.jwk, proof }), 403, 'replaced_key_unknown', "another worker's key");
  assert.equal(count('certificates'), certificates, 'nothing issued');
  const own = await jws(fresh, 'offsign-enroll+jws', { v: 1, code: codeHash(code), challenge, continues: { kid: signer.kid, seq: 1, hash: b64(sha256(before)) } });
  assert.equal((await call('POST', '/v1/enroll', { code, jwk: fresh.jwk, proof: own })).status, 200, 'the code was kept: the own key is taken');
});

test('forms: a record that names a form the server does not hold is form_unknown, one whose answers do not fit it form_answers_invalid; a form file offsign cannot ask is malformed_form at `form add`', { timeout: 30_000 }, async () => {
  const signer = await enrolledWorker('codes-forms');
  const answers = { form: { id: 'consent-form', version: 1 }, person: 'R. Moreno', procedure: 'A photo for the newsletter', informed: true, signatureImage: { sha256: 'x', type: 'image/png' } };
  const good = await record(signer, { seq: 1, claims: answers });
  const next = { prev: b64(sha256(good)) };
  const unknown = await record(signer, { seq: 2, ...next, claims: { ...answers, form: { id: 'consent-form', version: 7 } } });
  const unanswered = await record(signer, { seq: 2, ...next, claims: { ...answers, informed: false } });
  const verdicts = await send([good, unknown, unanswered]);
  assert.equal(verdicts[0].verdict, 'accepted', verdicts[0].message);
  assertRejected(verdicts[1], 'form_unknown', 'a version never added');
  assertRejected(verdicts[2], 'form_answers_invalid', 'a required box not ticked');
  assert.equal(verdicts[2].message, 'informed is not a valid checkbox answer');

  const bad = scratch().write('bad-form.json', JSON.stringify({ v: 1, id: 'visit', version: 1, title: 'Visit', fields: [{ name: 'geo', type: 'text', label: 'Where' }] }));
  assert.throws(() => server.admin('form', 'add', '--file', bad), (e) => /malformed_form: field geo: a name is a letter/.test(e.stderr));
  seen.add('malformed_form');
  const listed = server.admin('form', 'list').forms.map((f) => [f.id, f.version]);
  assert.deepEqual(listed, [['consent-form', 1], ['delivery-receipt', 1], ['inspection-checklist', 1]], 'nothing added');
});

test('record rejections: chain_fork, id_conflict, cert_unknown, signed_in_future, cert_not_yet_valid_at_signing and cert_expired_at_signing are per-record verdicts of a 200 answer, and store no record', { timeout: 30_000 }, async () => {
  const signer = await enrolledWorker('codes-records');
  const lapsed = await enrolledWorker('codes-records-expired', ['--days', '1']);
  expireCertificate(server.db, lapsed.serial);
  const stranger = await keyPair();
  const first = await record(signer, { seq: 1 });
  assert.deepEqual((await send([first])).map((v) => v.verdict), ['accepted']);
  const { id } = jwsPayload(first);
  const next = { seq: 2, prev: b64(sha256(first)) };
  const stored = () => sql(server.db, `SELECT kid, seq, hash FROM records WHERE kid IN ('${signer.kid}', '${lapsed.kid}', '${stranger.kid}') ORDER BY kid, seq`);
  const before = stored();
  assert.deepEqual(before, [[signer.kid, 1, b64(sha256(first))]]);

  // Certificates start 5 minutes before issue, and the server allows 5 minutes' clock skew.
  const cases = [
    ['another record at seq 1 (a fork)', await record(signer, { seq: 1, doc: 'a fork' }), 'chain_fork'],
    ['another record under the stored id', await record(signer, { ...next, id }), 'id_conflict'],
    ['a certificate never issued', await record({ ...stranger, serial: 'f'.repeat(32) }, { seq: 1 }), 'cert_unknown'],
    ['signed an hour ahead of the server', await record(signer, { ...next, signedAt: iso(3_600_000) }), 'signed_in_future'],
    ['signed an hour before the certificate began', await record(signer, { ...next, signedAt: iso(-3_600_000) }), 'cert_not_yet_valid_at_signing'],
    ['signed now, under a certificate that expired a day ago', await record(lapsed, { seq: 1 }), 'cert_expired_at_signing'],
  ];
  const answer = await call('POST', '/v1/records', { records: cases.map((c) => c[1]), nonce: 'codes-records' });
  assert.equal(answer.status, 200, answer.text);
  assert.equal(answer.json.verdicts.length, cases.length);
  cases.forEach(([what, , code], i) => {
    assert.equal(answer.json.verdicts[i].index, i, what);
    assertRejected(answer.json.verdicts[i], code, what);
  });
  assert.deepEqual(stored(), before, 'no record stored, the stored one untouched');
  assert.equal(count('records', `kid = '${stranger.kid}'`), 0);
});

test('report rejections: malformed_report for an unreadable report or an over-long field, rate_limited past a revoked key\'s 50 a day; neither is stored', { timeout: 30_000 }, async () => {
  const signer = await enrolledWorker('codes-reports');
  const post = async (reports) => {
    const answer = await call('POST', '/v1/reports', { reports, nonce: 'codes-reports' });
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.json.verdicts.length, reports.length);
    return answer.json.verdicts;
  };
  const stored = (who) => count('reports', `kid = '${who.kid}'`);

  const malformed = [
    ['not a JWS', 'not a jws'],
    ['lastAt of 100 characters (40 at most)', await signedReport(signer, reportRow({ id: 'codes-long', lastAt: 'x'.repeat(100) }))],
    ['an empty id', await signedReport(signer, reportRow({ id: '' }))],
  ];
  const verdicts = await post(malformed.map((m) => m[1]));
  malformed.forEach(([what], i) => assertRejected(verdicts[i], 'malformed_report', what));
  assert.equal(stored(signer), 0, 'nothing stored');

  // A revoked certificate's key may still store 50 new reports a day; the 51st is refused.
  const revoked = await enrolledWorker('codes-reports-revoked');
  server.admin('revoke', '--serial', revoked.serial, '--reason', 'keyCompromise');
  const many = await Promise.all(Array.from({ length: 51 }, () => signedReport(revoked, reportRow())));
  const allowance = await post(many);
  assert.deepEqual(allowance.slice(0, 50).map((v) => v.verdict), Array(50).fill('stored'));
  assertRejected(allowance[50], 'rate_limited', 'the 51st report of a revoked key in a day');
  assert.equal(stored(revoked), 50, 'the 51st is not stored');
});

test('renewal refusals: request_stale and cert_unknown are 403, and a damaged certificate row is 500 internal_error; none issues a certificate', { timeout: 30_000 }, async () => {
  const signer = await enrolledWorker('codes-renew');
  const damaged = await enrolledWorker('codes-renew-damaged');
  const stranger = await keyPair();
  // The database's row for the certificate no longer holds a key (a damaged database): the
  // server cannot check the request and answers with a fault of its own.
  sql(server.db, `UPDATE certificates SET jwk = 'not a key' WHERE serial = '${damaged.serial}'`);
  const certificates = count('certificates');
  const refusals = [
    ['a request made an hour ago', await renewalRequest(signer, { requestedAt: iso(-3_600_000) }), 403, 'request_stale'],
    ['a request made an hour ahead', await renewalRequest(signer, { requestedAt: iso(3_600_000) }), 403, 'request_stale'],
    ['a serial never issued', await renewalRequest(stranger, { serial: 'f'.repeat(32) }), 403, 'cert_unknown'],
    ['a certificate whose stored key is damaged', await renewalRequest(damaged), 500, 'internal_error'],
  ];
  for (const [what, request, status, code] of refusals) {
    assertRefusal(await call('POST', '/v1/renew', { request }), status, code, what);
    assert.equal(count('certificates'), certificates, `${what}: nothing issued`);
  }
  assert.deepEqual(sql(server.db, `SELECT count(*) FROM certificates WHERE serial IN ('${signer.serial}', '${damaged.serial}') AND revoked_at IS NULL`), [[2]], 'nothing superseded');
  // The server is not broken by it: a proper request renews.
  assert.equal((await call('POST', '/v1/renew', { request: await renewalRequest(signer) })).status, 200);
});

test('refused requests: malformed_request (400) for bad JSON, an unknown member, an empty or too long batch, a bad nonce; unsupported_media_type (415) for a body not declared JSON; nothing stored', { timeout: 30_000 }, async () => {
  const signer = await enrolledWorker('codes-requests');
  const good = await record(signer, { seq: 1 });
  const records = count('records');
  const reports = count('reports');
  const cases = [
    ['records: a body that is not JSON', '/v1/records', '{"records": [', 'application/json', 400, 'malformed_request'],
    ['records: an unknown member', '/v1/records', JSON.stringify({ records: [good], admin: true }), 'application/json', 400, 'malformed_request'],
    ['records: an empty batch', '/v1/records', JSON.stringify({ records: [] }), 'application/json', 400, 'malformed_request'],
    ['records: 501 in one batch', '/v1/records', JSON.stringify({ records: Array(501).fill(good) }), 'application/json', 400, 'malformed_request'],
    ['records: a nonce that is not base64url', '/v1/records', JSON.stringify({ records: [good], nonce: 'not base64url!' }), 'application/json', 400, 'malformed_request'],
    ['reports: an empty batch', '/v1/reports', JSON.stringify({ reports: [] }), 'application/json', 400, 'malformed_request'],
    ['enroll: an empty object', '/v1/enroll', '{}', 'application/json', 400, 'malformed_request'],
    ['records: text/plain', '/v1/records', JSON.stringify({ records: [good] }), 'text/plain', 415, 'unsupported_media_type'],
    ['reports: application/x-www-form-urlencoded', '/v1/reports', 'reports=x', 'application/x-www-form-urlencoded', 415, 'unsupported_media_type'],
    ['renew: text/plain', '/v1/renew', JSON.stringify({ request: 'x' }), 'text/plain', 415, 'unsupported_media_type'],
  ];
  for (const [what, route, body, type, status, code] of cases) {
    assertRefusal(await call('POST', route, body, type), status, code, what);
  }
  assert.equal(count('records'), records, 'no record stored');
  assert.equal(count('reports'), reports, 'no report stored');
  // The same record, asked for properly, is accepted: the refusals were about the request.
  assert.equal((await send([good]))[0].verdict, 'accepted');
});

test('/metrics with a token: 401 unauthorized with WWW-Authenticate: Bearer without it or with another, 200 with it', { timeout: 30_000 }, async () => {
  for (const [what, headers] of [['no token', {}], ['another token', { authorization: `Bearer wrong-${METRICS_TOKEN}` }], ['the token without "Bearer "', { authorization: METRICS_TOKEN }]]) {
    const answer = await call('GET', '/metrics', undefined, undefined, { headers });
    assertRefusal(answer, 401, 'unauthorized', what);
    assert.equal(answer.headers['www-authenticate'], 'Bearer', what);
    assert.ok(!answer.text.includes('offsign_'), `${what}: no metric`);
  }
  const ok = await call('GET', '/metrics', undefined, undefined, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  assert.equal(ok.status, 200, ok.text);
  assert.match(ok.text, /^offsign_rate_limited_total \d+$/m);
});

test('rate_limited: a client past its allowance gets 429 {code, message} with Retry-After, while other clients go on', { timeout: 30_000 }, async () => {
  // --rate-limit 50: bursts of 100 per address. 127.0.0.2 asks, 8 at a time, until refused.
  let refused;
  let sent = 0;
  const worker = async () => {
    while (!refused && sent < 1_000) {
      sent += 1;
      const answer = await call('GET', '/v1/authority', undefined, undefined, { localAddress: '127.0.0.2' });
      if (answer.status === 429) refused ??= answer;
      else assert.equal(answer.status, 200, answer.text);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  assert.ok(refused, `no 429 in ${sent} requests`);
  assert.ok(sent > 100, `the burst of 100 passed first (refused after ${sent})`);
  assertRefusal(refused, 429, 'rate_limited', 'past the allowance');
  assert.ok(Number(refused.headers['retry-after']) >= 1, `Retry-After: ${refused.headers['retry-after']}`);
  // Another client address is unaffected.
  assert.equal((await call('GET', '/v1/authority')).status, 200);
  const metrics = await call('GET', '/metrics', undefined, undefined, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  assert.ok(Number(metrics.text.match(/^offsign_rate_limited_total (\d+)$/m)?.[1]) >= 1, 'counted in offsign_rate_limited_total');
});

test('revocation_list_unavailable: past 100,000 live revoked serials the list is 503 {code, message}, the records batch is still answered without one, and it comes back once they are fewer', { timeout: 45_000 }, async () => {
  const listed = async () => {
    const answer = await call('GET', '/v1/revocations');
    assert.equal(answer.status, 200, answer.text.slice(0, 300));
    return jwsPayload(answer.json.revocationList).revoked.length;
  };
  // Revoked certificates as servers before revocation reasons left them (revoked_at set, no reason: unspecified),
  // written in bulk: 100,000 of them with those listed already, then one more.
  const bulk = (from, to) => sql(server.db, `WITH RECURSIVE n(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM n WHERE i < ${to})
    INSERT INTO certificates (serial, worker, kid, jwk, jws, nbf, exp, revoked_at)
    SELECT 'codes-bulk-' || (1000000 + i), 'codes-bulk', 'codes-bulk-kid', '{}', 'x', ${Date.now() - DAY_MS}, ${Date.now() + 365 * DAY_MS}, ${Date.now()} FROM n`);
  const already = await listed();
  const { code } = server.admin('enroll', '--worker', 'codes-list-down');
  const key = await keyPair();
  try {
    bulk(1, 100_000 - already);
    assert.equal(await listed(), 100_000, '100,000 serials still make a list');
    bulk(100_001 - already, 100_001 - already);
    assertRefusal(await call('GET', '/v1/revocations'), 503, 'revocation_list_unavailable', '100,001 serials');
    // A batch is stored and answered all the same, without the list.
    const answer = await call('POST', '/v1/records', { records: ['not a jws'] });
    assert.equal(answer.status, 200, answer.text.slice(0, 300));
    assert.equal(answer.json.verdicts[0].code, 'malformed_record');
    assert.equal(answer.json.revocationList, undefined, 'no list in the answer');
    // An enrollment cannot be answered without the list: it fails before the code is spent,
    // so the worker enrolls with the same code once the list is back.
    assertRefusal(await enroll(key, code), 503, 'revocation_list_unavailable', 'an enrollment while the list cannot be signed');
    assert.deepEqual(sql(server.db, `SELECT used_at IS NULL FROM enrollment_codes WHERE code_hash = '${codeHash(code)}'`), [[1]], 'the code is not spent');
  } finally {
    sql(server.db, "DELETE FROM certificates WHERE worker = 'codes-bulk'");
  }
  assert.equal(await listed(), already, 'the list is back');
  assert.equal((await enroll(key, code)).status, 200, 'the same code enrolls once the list is back');
});

test('the console: login_required without a session, login_refused, login_locked after five wrong passwords, csrf_refused without the form token, role_refused for an auditor', { timeout: 60_000 }, async () => {
  const { request, account, login } = consoleClient(server);
  assertRefusal(await request('GET', '/admin/api/me'), 401, 'login_required', 'no session');
  assertRefusal(await request('GET', '/admin/api/me', { cookie: 'offsign_console=0000' }), 401, 'login_required', 'an unknown session');
  await account('codes-admin', 'a long admin password');
  await account('codes-auditor', 'a long auditor password', 'auditor');
  assertRefusal(await request('POST', '/admin/login', { form: { name: 'codes-admin', password: 'wrong password!' }, json: true }), 401, 'login_refused', 'a wrong password');
  assertRefusal(await request('POST', '/admin/login', { form: { name: 'nobody', password: 'wrong password!' }, json: true }), 401, 'login_refused', 'an unknown name');
  const admin = await login('codes-admin', 'a long admin password');
  const form = { worker: 'codes-console', days: '30', expires_hours: '2' };
  assertRefusal(await request('POST', '/admin/enroll', { form, cookie: admin.cookie, json: true }), 403, 'csrf_refused', 'a change without the form token');
  assertRefusal(await request('POST', '/admin/enroll', { form: { ...form, csrf: 'f'.repeat(64) }, cookie: admin.cookie, json: true }), 403, 'csrf_refused', "another session's token");
  const auditor = await login('codes-auditor', 'a long auditor password');
  assertRefusal(await request('POST', '/admin/enroll', { form: { ...form, csrf: auditor.csrf }, cookie: auditor.cookie, json: true }), 403, 'role_refused', "an auditor's change");
  for (let i = 0; i < 5; i += 1) {
    assertRefusal(await request('POST', '/admin/login', { form: { name: 'codes-auditor', password: `wrong ${i} password` }, json: true }), 401, 'login_refused', `wrong password ${i + 1}`);
  }
  assertRefusal(await request('POST', '/admin/login', { form: { name: 'codes-auditor', password: 'a long auditor password' }, json: true }), 429, 'login_locked', 'the right password, while locked');
});

test('evidence uploads: record_unknown for a record the server does not hold, upload_offset_mismatch for a chunk sent twice, evidence_too_large past the limit, malformed_evidence for bytes not sealed to the server, digest_mismatch for sealed bytes that are not the signed ones; nothing is kept for any of them', { timeout: 30_000 }, async () => {
  const signer = await enrolledWorker('codes-evidence');
  const first = await record(signer, { seq: 1 });
  assert.deepEqual((await send([first])).map((v) => v.verdict), ['accepted']);
  const { id } = jwsPayload(first);
  // The sealed length of `plain` bytes (offsign::sealed_len): the header, the bytes, a tag per 64 KiB.
  const sealedLength = (plain) => 164 + plain + 16 * Math.max(1, Math.ceil(plain / 65536));
  const chunk = (path, offset, length, bytes) => call('PATCH', path, bytes, 'application/offset+octet-stream', {
    headers: { 'upload-offset': String(offset), 'upload-length': String(length), 'tus-resumable': '1.0.0' },
  });
  const unknown = await chunk(`/v1/evidence/${randomUUID()}/document`, 0, sealedLength(10), 'x'.repeat(10));
  assertRefusal(unknown, 404, 'record_unknown', 'evidence for a record never sent');
  const path = `/v1/evidence/${id}/document`;
  const length = sealedLength(100);
  const held = await chunk(path, 0, length, 'x'.repeat(100));
  assert.equal(held.status, 204, held.text);
  assert.equal(held.headers['upload-offset'], '100');
  const again = await chunk(path, 0, length, 'x'.repeat(100));
  assertRefusal(again, 409, 'upload_offset_mismatch', 'the same chunk sent twice');
  assert.equal(again.headers['upload-offset'], '100', 'the refusal says where to go on');
  const large = await chunk(path, 0, sealedLength(65 << 20), 'x');
  assertRefusal(large, 413, 'evidence_too_large', 'a piece over the default 64 MiB');
  // The rest of the upload arrives: the whole is not sealed evidence, and is dropped.
  const rest = await chunk(path, 100, length, 'x'.repeat(length - 100));
  assertRefusal(rest, 422, 'malformed_evidence', 'bytes that are not sealed to the server');
  const after = await call('GET', path);
  assert.equal(after.headers['upload-offset'], '0', 'the upload starts again from nothing');

  // Sealed to the server's key by the offsign command line, as a device seals: other bytes than
  // the record signed are digest_mismatch; the signed bytes ("doc 1") are kept and receipted.
  const files = scratch();
  const statement = files.write('evidence-key.jws', (await call('GET', '/v1/evidence-key')).json.evidenceKey);
  const authority = files.write('authority.jwk', JSON.stringify((await call('GET', '/v1/authority')).json.jwk));
  const sealed = (text) => {
    const out = `${files.dir}/${text}.sealed`;
    const sealing = offsign('seal-evidence', '--server-key', statement, '--authority', authority, '--record-id', id, '--kind', 'document', '--out', out, files.write(text, text));
    assert.equal(sealing.status, 0, sealing.stdout);
    return readFileSync(out);
  };
  const upload = (bytes) => call('PATCH', path, bytes, 'application/offset+octet-stream', {
    headers: { 'upload-offset': '0', 'upload-length': String(bytes.length), 'tus-resumable': '1.0.0' },
  });
  assertRefusal(await upload(sealed('doc 2')), 422, 'digest_mismatch', 'sealed bytes that are not the signed document');
  assert.equal(count('evidence'), 0, 'nothing kept');
  const kept = await upload(sealed('doc 1'));
  assert.equal(kept.status, 200, kept.text);
  assert.equal(kept.json.sha256, b64(sha256('doc 1')));
  assert.equal(count('evidence'), 1);
});

test('every code of the server group was answered by the real server, except those excluded with a reason; every code seen is in the table', { timeout: 5_000 }, () => {
  const excluded = Object.keys(EXCLUDED);
  assert.ok(excluded.length <= 3, `at most 3 excluded: ${excluded}`);
  for (const [code, why] of Object.entries(EXCLUDED)) {
    assert.ok(SERVER_CODES.includes(code), `excluded ${code} is a server code`);
    assert.ok(typeof why === 'string' && why.length > 20, `excluded ${code}: a reason`);
    assert.ok(!seen.has(code), `excluded ${code} was answered after all: take it out of EXCLUDED`);
  }
  const table = new Set([...SERVER_CODES, ...DEVICE_CODES]);
  assert.deepEqual([...seen].filter((c) => !table.has(c)), [], 'codes answered that the table lacks');
  assert.deepEqual(SERVER_CODES.filter((c) => !seen.has(c) && !(c in EXCLUDED)), [], 'server codes never answered');
});
