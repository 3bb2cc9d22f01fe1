// What README.md promises of the server ("The server (`offsign-server`)"), held to it on a real
// offsign-server process on 127.0.0.1, by a client made by hand (npm `jose` signs):
// - `id_conflict`: another record under a stored id is refused, the stored one untouched;
// - `POST /v1/renew` refusals: cert_unknown, cert_expired, cert_revoked, bad_signature,
//   request_stale (403) and unreadable requests (400), each as {code, message};
// - failure reports of keys whose certificate expired or was revoked are stored, 50 new ones a
//   day (a live certificate's key: 1,000), `rate_limited` past that;
// - `GET /healthz`: 503 while the database does not answer, 200 again once it does;
// - `--rate-limit`: 429 with Retry-After, counted in `offsign_rate_limited_total`;
// - the environment variables the README names: OFFSIGN_DB, OFFSIGN_AUTHORITY_SECRET,
//   OFFSIGN_ALLOW_ORIGINS, OFFSIGN_TRUSTED_PROXIES; and, beside them, the secret file's mode
//   and the refusal of a database from a newer server;
// - "Logs hold no secrets": a whole flow with the server's stdout and stderr captured.
//
// Expired certificates: `enroll --days` is at least 1, so no certificate expires while a test
// runs; the tests enroll with `--days 1` and then move the certificate's validity row a day
// into the past in the database (`expire`), which is where the server reads it (the
// certificate JWS the device holds is not consulted by the server).
// A database that does not answer: `lockDatabase` (tests/support/server.mjs) holds SQLite's
// WAL read locks from another process, so the server's queries fail as they would in production.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { exportJWK } from 'jose';
import { ROOT } from './support/browser.mjs';
import { SERVER_BIN, expireCertificate, isPostgres, lockDatabase, sql, startServer } from './support/server.mjs';
import {
  assertRefusal, b64, chain, client, codes, jws, jwsPayload, keyPair, record, renewalRequest, reportRow, sha256, signedReport,
} from './support/client.mjs';

const server = await startServer(['--rate-limit', '0']);
after(() => server.stop());
const { call, enrollmentProof, enrolledWorker, send } = client(server);

const DAY_MS = 86_400_000;
const count = (tableName, where = 'true') => sql(server.db, `SELECT count(*) FROM ${tableName} WHERE ${where}`)[0][0];
const tempDir = () => mkdtempSync(path.join(tmpdir(), 'offsign-promises-'));

/** Starts a server that must refuse to start: resolves to its error (exit status and output). */
async function refusedStart(options) {
  let started;
  try {
    started = await startServer([], { ...options, captureStderr: true });
  } catch (e) {
    return e.message;
  }
  await started.stop();
  assert.fail('the server started');
}

/** `n` requests at once (each `request()`), and how long they took in all (seconds). */
async function atOnce(n, request) {
  const started = performance.now();
  const answers = await Promise.all(Array.from({ length: n }, (_, i) => request(i)));
  return { answers, seconds: (performance.now() - started) / 1000 };
}

/** `offsign_rate_limited_total` from `GET /metrics` of server `s`, asked from `localAddress`. */
async function rateLimitedTotal(s, localAddress) {
  const answer = await client(s).call('GET', '/metrics', undefined, undefined, { localAddress });
  assert.equal(answer.status, 200, answer.text);
  const m = answer.text.match(/^offsign_rate_limited_total (\d+)$/m);
  assert.ok(m, answer.text);
  return Number(m[1]);
}

test('id_conflict: a record under a stored id with another content is refused, and the stored record stays as it was', { timeout: 60_000 }, async () => {
  const signer = await enrolledWorker('promises-ids');
  const other = await enrolledWorker('promises-ids-other');
  const stranger = await keyPair();
  const [first] = await chain(signer, 1);
  assert.deepEqual(codes(await send([first])), ['accepted']);
  const { id } = jwsPayload(first);
  const stored = () => sql(server.db, `SELECT id, kid, seq, hash, cert_serial, signed_at, received_at, jws, receipt, chain_gap FROM records WHERE id = '${id}'`);
  const before = stored();
  assert.equal(before.length, 1);
  assert.deepEqual([before[0][3], before[0][7]], [b64(sha256(first)), first]);

  const attempts = [
    ['the same signer and seq, another document', await record(signer, { seq: 1, id, doc: 'another document' })],
    ['the same signer, the next seq chained to it', await record(signer, { seq: 2, id, prev: b64(sha256(first)) })],
    ["another worker's record", await record(other, { seq: 1, id })],
    ['a key never certified', await record({ ...stranger, serial: 'no-such-certificate' }, { seq: 1, id })],
  ];
  for (const [what, attempt] of attempts) {
    assert.notEqual(b64(sha256(attempt)), before[0][3], `${what}: another content`);
    const [verdict] = await send([attempt]);
    assert.deepEqual([verdict.verdict, verdict.code, verdict.id], ['rejected', 'id_conflict', id], `${what}: ${JSON.stringify(verdict)}`);
    assert.equal(verdict.receipt, undefined, what);
    assert.deepEqual(stored(), before, `${what}: the stored record is untouched`);
  }

  // Within one batch: the first record under a new id is accepted, the second is refused.
  const fresh = randomUUID();
  const second = await record(signer, { seq: 2, prev: b64(sha256(first)), id: fresh });
  const third = await record(signer, { seq: 3, prev: b64(sha256(second)), id: fresh });
  assert.deepEqual(codes(await send([second, third])), ['accepted', 'id_conflict']);
  assert.deepEqual(sql(server.db, `SELECT jws FROM records WHERE id = '${fresh}'`), [[second]]);

  // The stored record still answers as itself: a duplicate, with the receipt issued the first time.
  const again = await send([first]);
  assert.deepEqual(codes(again), ['duplicate']);
  assert.equal(again[0].receipt, before[0][8]);
  assert.deepEqual(stored(), before);
  assert.equal(count('records', `kid = '${signer.kid}'`), 2);
  assert.equal(count('records', `kid IN ('${other.kid}', '${stranger.kid}')`), 0);
});

test('renewal refusals: cert_unknown, cert_expired, cert_revoked, bad_signature, request_stale (403) and unreadable requests (400), as {code, message}, issue nothing', { timeout: 60_000 }, async () => {
  const live = await enrolledWorker('promises-renew-live');
  const expired = await enrolledWorker('promises-renew-expired', ['--days', '1']);
  expireCertificate(server.db, expired.serial);
  const revoked = await enrolledWorker('promises-renew-revoked');
  server.admin('revoke', '--serial', revoked.serial, '--reason', 'superseded');
  const stranger = await keyPair();
  const now = () => new Date().toISOString();
  const before = count('certificates');

  const refusals = [
    ['a key never certified, for a serial never issued', await renewalRequest(stranger, { serial: 'f'.repeat(32) }), 403, 'cert_unknown'],
    ['a certified key, for a serial never issued', await renewalRequest(live, { serial: '0'.repeat(32) }), 403, 'cert_unknown'],
    ['a certificate that expired a day ago', await renewalRequest(expired), 403, 'cert_expired'],
    ['a revoked certificate', await renewalRequest(revoked), 403, 'cert_revoked'],
    ['a live certificate, the request signed by another key', await renewalRequest({ ...stranger, serial: live.serial }), 403, 'bad_signature'],
    ['a request made an hour ago', await renewalRequest(live, { requestedAt: new Date(Date.now() - 3_600_000).toISOString() }), 403, 'request_stale'],
    ['a request made an hour ahead', await renewalRequest(live, { requestedAt: new Date(Date.now() + 3_600_000).toISOString() }), 403, 'request_stale'],
    ['not a JWS', 'not a jws', 400, 'malformed_request'],
    ['a JWS of another type (an enrollment proof)', await jws(live, 'offsign-enroll+jws', { v: 1, serial: live.serial, requestedAt: now() }), 400, 'malformed_request'],
    ['a payload without the serial', await jws(live, 'offsign-renewal+jws', { v: 1, requestedAt: now() }), 400, 'malformed_request'],
    ['a payload with a member too many', await jws(live, 'offsign-renewal+jws', { v: 1, serial: live.serial, requestedAt: now(), worker: 'someone-else' }), 400, 'malformed_request'],
    ['requestedAt that is not a time', await jws(live, 'offsign-renewal+jws', { v: 1, serial: live.serial, requestedAt: 'yesterday' }), 400, 'malformed_request'],
  ];
  for (const [what, request, status, code] of refusals) {
    assertRefusal(await call('POST', '/v1/renew', { request }), status, code, what);
  }
  const bodies = [
    ['a body that is not JSON', '{"request": ', 400, 'malformed_request'],
    ['an empty object', '{}', 400, 'malformed_request'],
    ['a member too many', JSON.stringify({ request: await renewalRequest(live), admin: true }), 400, 'malformed_request'],
  ];
  for (const [what, body, status, code] of bodies) {
    assertRefusal(await call('POST', '/v1/renew', body), status, code, what);
  }
  assertRefusal(await call('POST', '/v1/renew', JSON.stringify({ request: await renewalRequest(live) }), 'text/plain'), 415, 'unsupported_media_type', 'text/plain');
  assert.equal(count('certificates'), before, 'nothing issued');
  assert.deepEqual(sql(server.db, `SELECT revoked_at IS NULL FROM certificates WHERE serial IN ('${live.serial}', '${expired.serial}') ORDER BY serial = '${live.serial}'`), [[1], [1]], 'nothing superseded');

  // The same live certificate renews when asked properly: the refusals were about what was wrong.
  const renewed = await call('POST', '/v1/renew', { request: await renewalRequest(live) });
  assert.equal(renewed.status, 200, renewed.text);
  assert.equal(count('certificates'), before + 1);
});

test('reports: keys whose certificate expired or was revoked still store theirs, 50 new a day (rate_limited past that); a live key 1,000', { timeout: 120_000 }, async () => {
  const revoked = await enrolledWorker('promises-reports-revoked');
  server.admin('revoke', '--serial', revoked.serial, '--reason', 'superseded');
  const expired = await enrolledWorker('promises-reports-expired', ['--days', '1']);
  expireCertificate(server.db, expired.serial);
  const live = await enrolledWorker('promises-reports-live');
  const post = async (reports) => {
    const answer = await call('POST', '/v1/reports', { reports });
    assert.equal(answer.status, 200, answer.text);
    return answer.json.verdicts;
  };
  const sign = (who, n, fields = {}) => Promise.all(Array.from({ length: n }, () => signedReport(who, reportRow(fields))));
  const stored = (who) => count('reports', `kid = '${who.kid}'`);

  for (const [who, state] of [[revoked, 'revoked'], [expired, 'expired']]) {
    const firstRow = reportRow({ code: state === 'revoked' ? 'cert_revoked' : 'cert_expired' });
    assert.deepEqual(codes(await post([await signedReport(who, firstRow)])), ['stored'], `${state}: stored`);
    assert.deepEqual(sql(server.db, `SELECT cert_serial, code FROM reports WHERE kid = '${who.kid}'`), [[who.serial, firstRow.code]]);
    const verdicts = await post(await sign(who, 50));
    assert.deepEqual(codes(verdicts), [...Array(49).fill('stored'), 'rate_limited'], `${state}: 50 new reports, then rate_limited`);
    assert.equal(verdicts[49].verdict, 'rejected');
    assert.equal(stored(who), 50, state);
    assert.deepEqual(codes(await post(await sign(who, 1))), ['rate_limited'], `${state}: the 52nd`);
    // A report sent again (its count grew) is not a new one.
    assert.deepEqual(codes(await post([await signedReport(who, { ...firstRow, count: 7 })])), ['stored'], `${state}: an update`);
    assert.deepEqual(sql(server.db, `SELECT count FROM reports WHERE kid = '${who.kid}' AND id = '${firstRow.id}'`), [[7]]);
    assert.equal(stored(who), 50, state);
    // A day: once those reports arrived more than a day ago, new ones are stored again.
    sql(server.db, `UPDATE reports SET received_at = received_at - ${DAY_MS + 60_000} WHERE kid = '${who.kid}'`);
    assert.deepEqual(codes(await post(await sign(who, 1))), ['stored'], `${state}: the next day`);
  }

  // A live certificate's key: 1,000 new reports a day.
  for (const n of [500, 500]) assert.deepEqual(codes(await post(await sign(live, n))), Array(n).fill('stored'));
  assert.equal(stored(live), 1_000);
  assert.deepEqual(codes(await post(await sign(live, 1))), ['rate_limited'], 'the 1,001st');
  assert.equal(stored(live), 1_000);
});

test('offsign-server backup --to: a checked copy while the server runs, which a server started on it (the secret beside it) serves with the same authority and records; it says what it leaves out; an existing file is refused', { timeout: 120_000 }, async (t) => {
  // A SQLite database of its own, whichever database the other tests run on (PostgreSQL's
  // backups are pg_dump's: tests/postgres/instances.mjs sees this command refuse one).
  const server = await startServer(['--rate-limit', '0'], { db: path.join(tempDir(), 'offsign.db') });
  t.after(() => server.stop());
  const { call, enrolledWorker, send } = client(server);
  const count = (tableName) => sql(server.db, `SELECT count(*) FROM ${tableName}`)[0][0];
  const signer = await enrolledWorker('promises-backup');
  const records = await chain(signer, 30);
  assert.deepEqual(codes(await send(records.slice(0, 20))), Array(20).fill('accepted'));
  const target = path.join(tempDir(), 'copy.db');
  const run = (...args) => spawnSync(SERVER_BIN, ['--db', server.db, ...args], { encoding: 'utf8' });
  const made = run('backup', '--to', target);
  assert.equal(made.status, 0, made.stderr);
  const secretText = readFileSync(`${server.db}.authority-secret`, 'utf8').trim();
  assert.ok(!made.stdout.includes(secretText) && !made.stderr.includes(secretText), 'where the secret is, never the secret');
  assert.equal(statSync(target).mode & 0o777, 0o600, 'private: it holds password hashes and webhook secrets');
  const backup = JSON.parse(made.stdout);
  const stored = count('records');
  assert.deepEqual(backup, { backup: target, bytes: statSync(target).size, records: stored, schemaVersion: backup.schemaVersion });
  assert.ok(backup.schemaVersion >= 8, 'the schema version of the copy');
  assert.ok(made.stderr.includes(`${server.db}.authority-secret`) && made.stderr.includes(`${server.db}.evidence`), made.stderr);
  // The server goes on; the copy is of its moment.
  assert.deepEqual(codes(await send(records.slice(20))), Array(10).fill('accepted'));
  // Restored: the copy with the secret beside it is the same organisation, as of the backup.
  copyFileSync(`${server.db}.authority-secret`, `${target}.authority-secret`);
  chmodSync(`${target}.authority-secret`, 0o600);
  const restored = await startServer(['--rate-limit', '0'], { db: target });
  try {
    const [original, copy] = await Promise.all([call('GET', '/v1/authority'), client(restored).call('GET', '/v1/authority')]);
    assert.deepEqual(copy.json, original.json, 'the same authority key');
    assert.deepEqual((await client(restored).call('GET', '/healthz')).json, { status: 'ok', records: stored });
  } finally {
    await restored.stop();
  }
  // A database that is not there is not made, and no secret either.
  const elsewhere = path.join(tempDir(), 'typo.db');
  const typo = spawnSync(SERVER_BIN, ['--db', elsewhere, 'backup', '--to', path.join(tempDir(), 'x.db')], { encoding: 'utf8' });
  assert.notEqual(typo.status, 0);
  assert.match(typo.stderr, /no database at/);
  assert.deepEqual([existsSync(elsewhere), existsSync(`${elsewhere}.authority-secret`)], [false, false]);
  const again = run('backup', '--to', target);
  assert.notEqual(again.status, 0);
  assert.match(again.stderr, /exists: a backup is written to a new file/);
  assert.equal(sql(target, 'SELECT count(*) FROM records')[0][0], stored, 'the existing file is left as it was');
});

test('SIGTERM: /readyz says "draining" while the server goes on serving for --drain-seconds (a batch sent then is stored whole and answered), then it exits 0; `migrate` brings a database to this schema', { timeout: 120_000 }, async () => {
  const dir = tempDir();
  const db = path.join(dir, 'offsign.db');
  const refused = spawnSync(SERVER_BIN, ['--db', db, 'migrate'], { encoding: 'utf8' });
  assert.notEqual(refused.status, 0);
  assert.match(refused.stderr, /no database at/);
  assert.equal(existsSync(db), false, 'a database named wrong is not made');
  writeFileSync(db, ''); // an empty file is an empty SQLite database: schema version 0
  const migrated = JSON.parse(execFileSync(SERVER_BIN, ['--db', db, 'migrate'], { encoding: 'utf8' }));
  assert.equal(migrated.upgradedFrom, 0, 'from nothing');
  assert.ok(migrated.schemaVersion >= 8);
  assert.deepEqual(JSON.parse(execFileSync(SERVER_BIN, ['--db', db, 'migrate'], { encoding: 'utf8' })), { schemaVersion: migrated.schemaVersion, upgradedFrom: migrated.schemaVersion }, 'nothing to do twice');

  const s = await startServer(['--rate-limit', '0', '--drain-seconds', '3'], { db });
  const c = client(s);
  assert.deepEqual((await c.call('GET', '/readyz')).json, { status: 'ready' });
  const signer = await c.enrolledWorker('promises-drain');
  const records = await chain(signer, 300);
  const exit = s.terminate();
  await new Promise((resolve) => setTimeout(resolve, 300));
  const draining = await c.call('GET', '/readyz');
  assert.deepEqual([draining.status, draining.json], [503, { status: 'draining' }]);
  // Still served while draining: a large batch is verified and stored whole, and answered.
  const verdicts = await c.send(records);
  assert.deepEqual(codes(verdicts), Array(300).fill('accepted'));
  assert.equal(await exit, 0, 'a clean exit once the drain time is over');
  assert.equal(sql(db, `SELECT count(*) FROM records WHERE kid = '${signer.kid}'`)[0][0], 300);
});

test('the shipped systemd unit (server/deploy/offsign-server.service): systemd-analyze has nothing to say of it, every variable it sets is one the server reads, and with them the server starts and is ready', { timeout: 60_000 }, async () => {
  const unit = readFileSync(path.join(ROOT, 'server/deploy/offsign-server.service'), 'utf8');
  const dir = tempDir();
  const checked = path.join(dir, 'offsign-server.service');
  writeFileSync(checked, unit.replace(/^ExecStart=.*$/m, `ExecStart=${SERVER_BIN}`));
  const verify = spawnSync('systemd-analyze', ['verify', checked], { encoding: 'utf8' });
  assert.deepEqual([verify.status, verify.stderr.trim()], [0, ''], 'no warning');
  const env = Object.fromEntries([...unit.matchAll(/^Environment=(\w+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
  assert.ok(Object.keys(env).length >= 8, JSON.stringify(env));
  const help = execFileSync(SERVER_BIN, ['--help'], { encoding: 'utf8' });
  // (`[env: NAME]` alone for those whose value may hold a password.)
  for (const name of Object.keys(env)) assert.match(help, new RegExp(`\\[env: ${name}[=\\]]`), `${name} is read by the server`);
  // Its environment, with the paths and addresses of this machine's test.
  const local = { OFFSIGN_DB: path.join(dir, 'offsign.db'), OFFSIGN_ADDR: '127.0.0.1:0', OFFSIGN_METRICS_ADDR: '127.0.0.1:0' };
  const s = await startServer([], { env: { ...env, ...local }, captureStderr: true });
  try {
    assert.deepEqual((await client(s).call('GET', '/readyz')).json, { status: 'ready' });
  } finally {
    await s.stop();
  }
});

test('/healthz and /readyz: 503 while the database does not answer, 200 {"status":"ok","records":N} again once it does', { timeout: 90_000 }, async () => {
  const records = count('records');
  const up = await call('GET', '/healthz');
  assert.equal(up.status, 200, up.text);
  assert.deepEqual(up.json, { status: 'ok', records });

  const lock = await lockDatabase(server.db);
  let down;
  let notReady;
  let authority;
  try {
    [down, notReady] = await Promise.all([call('GET', '/healthz'), call('GET', '/readyz')]);
    authority = await call('GET', '/v1/authority'); // the process itself still answers
  } finally {
    await lock.release();
  }
  assertRefusal(down, 503, 'storage_unavailable', '/healthz with the database locked');
  assertRefusal(notReady, 503, 'storage_unavailable', '/readyz with the database locked');
  assert.equal(authority.status, 200);

  const back = await call('GET', '/healthz');
  assert.equal(back.status, 200, back.text);
  assert.deepEqual(back.json, { status: 'ok', records });
});

test('--rate-limit: past it a client gets 429 with Retry-After, counted in offsign_rate_limited_total; other clients go on, and X-Forwarded-For from an untrusted peer changes nothing', { timeout: 60_000 }, async () => {
  const limited = await startServer(['--rate-limit', '1']); // 1 a second, bursts of 2
  try {
    const { call: callLimited } = client(limited);
    const get = (localAddress, headers = {}) => callLimited('GET', '/v1/authority', undefined, undefined, { localAddress, headers });
    // /metrics is rate limited too: it is read from addresses of its own (127.0.0.10, .11, .12).
    assert.equal(await rateLimitedTotal(limited, '127.0.0.10'), 0);

    // 127.0.0.2 sends 10 requests at once: the burst of 2 passes, then one a second at most.
    const flood = await atOnce(10, () => get('127.0.0.2'));
    const passed = flood.answers.filter((a) => a.status === 200);
    const refused = flood.answers.filter((a) => a.status === 429);
    assert.equal(passed.length + refused.length, 10, flood.answers.map((a) => a.status).join());
    assert.ok(passed.length >= 2, 'the burst passes');
    assert.ok(passed.length <= 2 + Math.floor(flood.seconds), `${passed.length} passed in ${flood.seconds} s`);
    assert.ok(refused.length >= 1);
    const waits = refused.map((a) => {
      assertRefusal(a, 429, 'rate_limited', '429');
      assert.match(a.headers['retry-after'] ?? '', /^[1-9]\d*$/, 'Retry-After in whole seconds');
      return Number(a.headers['retry-after']);
    });
    // Another client is not held back by it.
    assert.equal((await get('127.0.0.3')).status, 200);
    assert.equal(await rateLimitedTotal(limited, '127.0.0.11'), refused.length, 'every 429 counted');

    // Retry-After tells the truth: after that long, the client is served again.
    await new Promise((r) => setTimeout(r, Math.max(...waits) * 1000));
    assert.equal((await get('127.0.0.2')).status, 200, 'served after Retry-After');

    // X-Forwarded-For from a peer that is not a trusted proxy is ignored: 10 "clients" are one.
    const spoofed = await atOnce(10, (i) => get('127.0.0.4', { 'x-forwarded-for': `198.51.100.${i + 1}`, 'x-forwarded-proto': 'https' }));
    const spoofedPassed = spoofed.answers.filter((a) => a.status === 200).length;
    const spoofedRefused = spoofed.answers.filter((a) => a.status === 429).length;
    assert.ok(spoofedPassed <= 2 + Math.floor(spoofed.seconds), `${spoofedPassed} passed in ${spoofed.seconds} s: the header was believed`);
    assert.ok(spoofed.answers.every((a) => a.headers['strict-transport-security'] === undefined), 'no HSTS on the word of an untrusted peer');
    assert.equal(await rateLimitedTotal(limited, '127.0.0.12'), refused.length + spoofedRefused);
  } finally {
    await limited.stop();
  }
});

test('OFFSIGN_LOG_FORMAT=json writes one JSON object per line: each request with its id (the X-Request-Id answered), route and status', { timeout: 60_000 }, async () => {
  const s = await startServer([], { env: { OFFSIGN_LOG_FORMAT: 'json' }, captureStderr: true });
  try {
    const answer = await fetch(`${s.url}/v1/authority?nonce=not-logged`, { headers: { 'x-request-id': 'chosen-by-the-client' } });
    assert.equal(answer.status, 200);
    const id = answer.headers.get('x-request-id');
    assert.match(id, /^[0-9a-f-]{36}$/, 'the server\'s own id, not the client\'s');
    await new Promise((r) => setTimeout(r, 200)); // the line is written as the answer ends
    const lines = s.logs().stderr.split('\n').filter(Boolean).map((line) => JSON.parse(line));
    const request = lines.find((l) => l.span?.id === id && l.fields?.status !== undefined);
    assert.ok(request, JSON.stringify(lines));
    assert.deepEqual([request.level, request.span.method, request.span.route, request.fields.status], ['INFO', 'GET', '/v1/authority', 200]);
    assert.ok(!s.logs().stderr.includes('not-logged') && !s.logs().stderr.includes('chosen-by-the-client'), 'no query string, no client header');
  } finally {
    await s.stop();
  }
});

test('OFFSIGN_DB names the database of the server and of its admin commands; the secret file beside it is 0600, and refused when others can read it', { timeout: 60_000 }, async () => {
  const cwd = tempDir();
  const db = path.join(tempDir(), 'from-env.db');
  const env = { OFFSIGN_DB: db };
  const s = await startServer([], { env, cwd, captureStderr: true });
  const secretFile = `${db}.authority-secret`;
  try {
    assert.ok(existsSync(db), 'the database is where OFFSIGN_DB says');
    assert.equal(statSync(secretFile).mode & 0o777, 0o600);
    assert.ok(s.logs().stderr.includes(`database ${db},`), s.logs().stderr);
    // `admin` runs `offsign-server enroll` with OFFSIGN_DB and no --db, from the same folder:
    // the server knows the code it printed.
    const worker = await client(s).enrolledWorker('promises-env-db');
    assert.deepEqual(sql(db, `SELECT worker FROM certificates WHERE serial = '${worker.serial}'`), [['promises-env-db']]);
    assert.ok(!existsSync(path.join(cwd, 'offsign.db')), 'no ./offsign.db');
  } finally {
    await s.stop();
  }
  const { stdout, stderr } = s.logs();
  assert.ok(!(stdout + stderr).includes(readFileSync(secretFile, 'utf8').trim()), 'the secret is not logged');

  chmodSync(secretFile, 0o644);
  const refused = await refusedStart({ env, cwd });
  assert.match(refused, /exited with 1/);
  assert.match(refused, /can be read by others: run chmod 600/);
});

test('a database from a newer server is refused at start, and left as it was', { timeout: 60_000 }, async () => {
  const db = path.join(tempDir(), 'offsign.db');
  const s = await startServer([], { db });
  const version = sql(db, 'PRAGMA user_version')[0][0];
  await s.stop();
  assert.ok(version >= 1, 'migrations ran at start');
  sql(db, `PRAGMA user_version = ${version + 1}`);
  const refused = await refusedStart({ db });
  assert.match(refused, /exited with 1/);
  assert.match(refused, new RegExp(`schema version ${version + 1}, newer than this server \\(${version}\\)`));
  assert.deepEqual(sql(db, 'PRAGMA user_version'), [[version + 1]]);
});

test('OFFSIGN_AUTHORITY_SECRET seals the authority key (no secret file) and opens it again; a wrong one, or one of fewer than 16 characters, is refused', { timeout: 120_000 }, async () => {
  const db = path.join(tempDir(), 'offsign.db');
  const secret = `a passphrase ${randomUUID()}`;
  const first = await startServer([], { db, env: { OFFSIGN_AUTHORITY_SECRET: secret }, captureStderr: true });
  let jwk;
  try {
    jwk = (await client(first).call('GET', '/v1/authority')).json.jwk;
    assert.match(first.logs().stderr, /authority key sealed under \$OFFSIGN_AUTHORITY_SECRET/);
    assert.ok(!first.logs().stderr.includes(secret));
    assert.ok(!existsSync(`${db}.authority-secret`), 'no secret file');
    const sealed = sql(db, "SELECT value FROM settings WHERE key = 'authority_key'");
    assert.equal(sealed.length, 1);
    assert.ok(!sealed[0][0].includes(secret), 'the secret is not in the database');
  } finally {
    await first.stop();
  }
  const again = await startServer([], { db, env: { OFFSIGN_AUTHORITY_SECRET: secret } });
  try {
    assert.deepEqual((await client(again).call('GET', '/v1/authority')).json.jwk, jwk, 'the same authority key');
  } finally {
    await again.stop();
  }
  const wrongSecret = `another passphrase ${randomUUID()}`;
  const wrong = await refusedStart({ db, env: { OFFSIGN_AUTHORITY_SECRET: wrongSecret } });
  assert.match(wrong, /does not open the authority key/);
  assert.ok(!wrong.includes(wrongSecret));

  // 15 characters (16 bytes: characters are counted, not bytes): refused before any key is made.
  const fresh = path.join(tempDir(), 'offsign.db');
  const shortSecret = `é${'s'.repeat(14)}`;
  const short = await refusedStart({ db: fresh, env: { OFFSIGN_AUTHORITY_SECRET: shortSecret } });
  assert.match(short, /OFFSIGN_AUTHORITY_SECRET must hold at least 16 characters/);
  assert.ok(!short.includes(shortSecret));
  assert.ok(!existsSync(fresh), 'refused before the database is made');
  assert.ok(!existsSync(`${fresh}.authority-secret`));
  // 16 characters: accepted.
  const sixteen = await startServer([], { db: fresh, env: { OFFSIGN_AUTHORITY_SECRET: `é${'s'.repeat(15)}` } });
  try {
    assert.equal((await client(sixteen).call('GET', '/v1/authority')).status, 200);
    assert.deepEqual(sql(fresh, "SELECT count(*) FROM settings WHERE key = 'authority_key'"), [[1]]);
  } finally {
    await sixteen.stop();
  }
});

test('OFFSIGN_ALLOW_ORIGINS (comma-separated) lets those origins call the API, Retry-After readable; other origins get no grant', { timeout: 60_000 }, async () => {
  const origins = ['https://app.example.com', 'https://field.example.org:8443'];
  const s = await startServer([], { env: { OFFSIGN_ALLOW_ORIGINS: origins.join(',') } });
  try {
    const { call: callCors } = client(s);
    const preflight = (origin) => callCors('OPTIONS', '/v1/records', undefined, undefined, {
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    for (const origin of origins) {
      const pre = await preflight(origin);
      assert.ok(pre.status === 200 || pre.status === 204, `${origin}: ${pre.status}`);
      assert.equal(pre.headers['access-control-allow-origin'], origin);
      assert.match(pre.headers['access-control-allow-methods'] ?? '', /POST/);
      assert.match(pre.headers['access-control-allow-headers'] ?? '', /content-type/i);
      const answer = await callCors('POST', '/v1/records', { records: ['junk'] }, 'application/json', { headers: { origin } });
      assert.equal(answer.status, 200, answer.text);
      assert.equal(answer.headers['access-control-allow-origin'], origin);
      assert.match(answer.headers['access-control-expose-headers'] ?? '', /retry-after/i);
    }
    for (const origin of ['https://evil.example', 'https://app.example.com.evil.example', 'http://app.example.com']) {
      assert.equal((await preflight(origin)).headers['access-control-allow-origin'], undefined, origin);
      assert.equal((await callCors('GET', '/v1/authority', undefined, undefined, { headers: { origin } })).headers['access-control-allow-origin'], undefined, origin);
    }
  } finally {
    await s.stop();
  }
  // A server without it grants no other origin.
  assert.equal((await call('GET', '/v1/authority', undefined, undefined, { headers: { origin: origins[0] } })).headers['access-control-allow-origin'], undefined);
});

test('OFFSIGN_TRUSTED_PROXIES (comma-separated): behind a trusted proxy the limit counts each forwarded client, read from the right, and HSTS follows X-Forwarded-Proto', { timeout: 60_000 }, async () => {
  // The proxy is 127.0.0.1; 10.0.0.0/8 are further trusted hops. OFFSIGN_RATE_LIMIT: 1 a second, bursts of 2.
  const s = await startServer([], { env: { OFFSIGN_TRUSTED_PROXIES: '10.0.0.0/8,127.0.0.1', OFFSIGN_RATE_LIMIT: '1' } });
  try {
    const { call: callProxied } = client(s);
    const get = (forwardedFor, headers = {}) => callProxied('GET', '/v1/authority', undefined, undefined, { headers: { 'x-forwarded-for': forwardedFor, ...headers } });
    // Client 198.51.100.7 as the proxy saw it, through a trusted 10.x hop, and with an address
    // of its own choosing written on the left: one client, one allowance.
    const forms = ['198.51.100.7', '198.51.100.7, 10.1.2.3', '203.0.113.66, 198.51.100.7', '203.0.113.67, 198.51.100.7, 10.9.9.9'];
    const burst = await atOnce(12, (i) => get(forms[i % forms.length]));
    const passed = burst.answers.filter((a) => a.status === 200).length;
    assert.ok(burst.answers.every((a) => a.status === 200 || a.status === 429));
    assert.ok(passed >= 2, 'the burst passes');
    assert.ok(passed <= 2 + Math.floor(burst.seconds), `${passed} of 12 passed in ${burst.seconds} s: not counted as one client`);
    // Other clients behind the same proxy each have their own allowance (a fresh burst of 2).
    for (const other of ['198.51.100.8', '198.51.100.9, 10.200.0.1']) {
      const both = await Promise.all([get(other), get(other)]);
      assert.deepEqual(both.map((a) => a.status), [200, 200], other);
    }
    const https = await get('198.51.100.10', { 'x-forwarded-proto': 'https' });
    assert.equal(https.headers['strict-transport-security'], 'max-age=31536000');
    const http = await get('198.51.100.11', { 'x-forwarded-proto': 'http' });
    assert.equal(http.status, 200);
    assert.equal(http.headers['strict-transport-security'], undefined);
  } finally {
    await s.stop();
  }
});

test('logs hold no secrets: enrollment, records, a report, a renewal and a database failure: nothing the server writes (stdout, stderr, RUST_LOG=trace) holds one', { timeout: 120_000 }, async () => {
  // The server has no log framework (no tracing, no RUST_LOG): its logs are what it writes to
  // stdout and stderr. RUST_LOG and RUST_BACKTRACE are set in case that changes.
  const authoritySecret = `authority secret ${randomUUID()}`;
  const metricsToken = `metrics-token-${randomUUID()}`;
  const s = await startServer(['--rate-limit', '0'], {
    env: { RUST_LOG: 'trace', RUST_BACKTRACE: 'full', OFFSIGN_AUTHORITY_SECRET: authoritySecret, OFFSIGN_METRICS_TOKEN: metricsToken },
    captureStderr: true,
  });
  const secrets = [['the authority secret', authoritySecret], ['the metrics token', metricsToken]];
  const secret = (what, value) => { secrets.push([what, value]); return value; };
  const secretJws = (what, text) => {
    const [, payload, signature] = text.split('.');
    secrets.push([what, text], [`${what} (payload)`, payload], [`${what} (signature)`, signature]);
    return text;
  };
  try {
    const c = client(s);
    const key = await keyPair();
    const d = (await exportJWK(key.privateKey)).d;
    secret('the private key (JWK d)', d);
    secret('the private key (hex)', Buffer.from(d, 'base64url').toString('hex'));
    secret('the private key (base64)', Buffer.from(d, 'base64url').toString('base64'));

    const { code } = s.admin('enroll', '--worker', 'promises-logs');
    secret('the enrollment code', code);
    secret('the enrollment code (letters only)', code.replace(/-/g, ''));
    secret('the enrollment code (lower case)', code.toLowerCase());
    const typo = `${code[0] === 'A' ? 'B' : 'A'}${code.slice(1)}`;
    secret('a mistyped enrollment code', typo);
    assertRefusal(await c.enroll(key, typo), 403, 'enrollment_code_unknown', 'a mistyped code');
    const proof = secretJws('the enrollment proof', await enrollmentProof(key, code));
    const enrolled = await c.call('POST', '/v1/enroll', { code, jwk: key.jwk, proof });
    assert.equal(enrolled.status, 200, enrolled.text);
    assertRefusal(await c.enroll(key, code), 403, 'enrollment_code_used', 'the code again');
    secretJws('the certificate', enrolled.json.certificate);
    const signer = { ...key, serial: jwsPayload(enrolled.json.certificate).serial };

    const name = secret('a document name', `receipt-118-${randomUUID()}.pdf`);
    const claims = { recipient: secret('a claim', `A. Jones ${randomUUID()}`), note: secret('another claim', `left at the door ${randomUUID()}`) };
    secret('the claims (JSON)', JSON.stringify(claims));
    const records = await chain(signer, 3, (seq) => ({ name, type: 'application/pdf', claims, doc: `delivery ${seq}` }));
    records.forEach((r, i) => secretJws(`record ${i + 1}`, r));
    const [h, p] = (await record(signer, { seq: 9, prev: b64(sha256('record 8')), name, claims })).split('.');
    const tampered = secretJws('a record with a signature not its own', `${h}.${p}.${records[1].split('.')[2]}`);
    const answer = await c.call('POST', '/v1/records', { records: [...records, tampered, records[0]], nonce: 'logs-nonce' });
    assert.equal(answer.status, 200, answer.text);
    assert.deepEqual(codes(answer.json.verdicts), ['accepted', 'accepted', 'accepted', 'bad_signature', 'duplicate']);
    answer.json.verdicts.slice(0, 3).forEach((v, i) => secretJws(`receipt ${i + 1}`, v.receipt));

    const row = reportRow({ message: secret('a report message', `the PIN was wrong ${randomUUID()}`), comment: secret('a report comment', `my own words ${randomUUID()}`) });
    const report = secretJws('the failure report', await signedReport(signer, row));
    const reports = await c.call('POST', '/v1/reports', { reports: [report] });
    assert.deepEqual(codes(reports.json.verdicts), ['stored'], reports.text);

    const request = secretJws('the renewal request', await renewalRequest(signer));
    const renewed = await c.call('POST', '/v1/renew', { request });
    assert.equal(renewed.status, 200, renewed.text);
    secretJws('the renewed certificate', renewed.json.certificate);

    assert.equal((await c.call('GET', '/metrics', undefined, undefined, { headers: { authorization: `Bearer ${metricsToken}` } })).status, 200);
    const guess = secret('a wrong metrics token', `a-guessed-token-${randomUUID()}`);
    assert.equal((await c.call('GET', '/metrics', undefined, undefined, { headers: { authorization: `Bearer ${guess}` } })).status, 401);

    // A batch that arrives while the database does not answer: the server logs the failure.
    const late = secretJws('a record sent while the database was down', await record(signer, { seq: 4, prev: b64(sha256(records[2])), name, claims }));
    const lock = await lockDatabase(s.db);
    let down;
    try {
      down = await c.call('POST', '/v1/records', { records: [late] });
    } finally {
      await lock.release();
    }
    assertRefusal(down, 503, 'storage_unavailable', 'a batch with the database locked');
  } finally {
    await s.stop();
  }
  const { stdout, stderr } = s.logs();
  // What the server did write: the capture works and the failure was logged.
  assert.match(stdout, /listening on http:\/\/127\.0\.0\.1:\d+/);
  assert.match(stderr, /authority key sealed under \$OFFSIGN_AUTHORITY_SECRET/);
  assert.match(stderr, isPostgres(s.db) ? /storage: no PostgreSQL connection/ : /storage: locking protocol/);
  // One line per request, with its id, method, route, status and latency.
  const requestLines = stderr.split('\n').filter((line) => /request\{id=[0-9a-f-]{36} method=POST route=\/v1\/records\}/.test(line));
  assert.ok(requestLines.some((line) => /status=200/.test(line) && /latency=\d+ ms/.test(line)), stderr);
  assert.ok(requestLines.some((line) => /records batch stored accepted=3 duplicate=1 rejected=1/.test(line)), stderr);
  const logs = stdout + stderr;
  for (const [what, value] of secrets) {
    assert.ok(value.length >= 12, `${what} is long enough to search for`);
    assert.ok(!logs.includes(value), `${what} is in the logs:\n${logs}`);
  }
});
