// A hostile client against a real offsign-server process on loopback: every request is made
// by hand (npm `jose` signs, not offsign), so nothing the client sends is held to offsign's own
// rules. Each case asserts the server's answer AND what its database holds afterwards: forged,
// altered, replayed, forked, gap-substituted, future-dated and junk records; weak-key and
// proof-less enrollment; renewal replay; one worker's report aimed at another's; oversized,
// deeply nested and wrong-typed bodies; a flood of junk batches (the database grows by a
// bounded amount); stalled connections (the server still answers /healthz at once, keeps 64
// per address, and cuts off a request head that does not come within 10 s and a body within
// 20 s).
// A summary table of the cases is printed at the end.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import net from 'node:net';
import { compactVerify, importJWK } from 'jose';
import { isPostgres, startServer, sql } from './support/server.mjs';
import { b64, chain, client, codes, keyPair, record, renewalRequest, reportRow, sha256, signedReport } from './support/client.mjs';

const server = await startServer(['--rate-limit', '0']);
after(() => server.stop());
const { call, enrollmentProof, enrolledWorker, send } = client(server);

/** Rows of the summary table: [case, answer, database afterwards]. */
const table = [];
after(() => {
  console.log(['| case | answer | database afterwards |', '|---|---|---|', ...table.map((r) => `| ${r.join(' | ')} |`)].join('\n'));
});

const count = (tableName, where = 'true') => sql(server.db, `SELECT count(*) FROM ${tableName} WHERE ${where}`)[0][0];

test('enrollment: weak keys, missing or foreign proofs and stale challenges get no certificate, and the code survives them', { timeout: 120_000 }, async () => {
  const { code } = server.admin('enroll', '--worker', 'hostile-enroll');
  const key = await keyPair();
  const stranger = await keyPair();
  const identity = b64(Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 1 : 0)));
  const order8 = '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05';
  const weak = (x) => ({ kty: 'OKP', crv: 'Ed25519', x });
  const stale = new Date(Date.now() - 3_600_000).toISOString();
  const before = count('certificates');
  const cases = [
    ['small-order key (identity point)', { code, jwk: weak(identity), proof: await enrollmentProof(key, code) }, 403, 'weak_key'],
    ['small-order key (order 8)', { code, jwk: weak(b64(Buffer.from(order8, 'hex'))), proof: await enrollmentProof(key, code) }, 403, 'weak_key'],
    ['no proof of possession', { code, jwk: key.jwk }, 400, 'malformed_request'],
    ['proof signed by another key', { code, jwk: key.jwk, proof: await enrollmentProof(stranger, code) }, 403, 'proof_invalid'],
    ['proof for another code', { code, jwk: key.jwk, proof: await enrollmentProof(key, 'AAAA-BBBB-CCCC') }, 403, 'proof_invalid'],
    ['proof of an hour-old challenge', { code, jwk: key.jwk, proof: await enrollmentProof(key, code, stale) }, 403, 'challenge_stale'],
  ];
  for (const [name, body, status, expected] of cases) {
    const answer = await call('POST', '/v1/enroll', body);
    assert.equal(answer.status, status, `${name}: ${answer.text}`);
    assert.equal(answer.json.code, expected, name);
    assert.equal(count('certificates'), before, `${name}: nothing issued`);
    table.push([`enroll: ${name}`, `${status} ${expected}`, 'no certificate, code unused']);
  }
  const good = await call('POST', '/v1/enroll', { code, jwk: key.jwk, proof: await enrollmentProof(key, code) });
  assert.equal(good.status, 200, good.text);
  assert.equal(count('certificates'), before + 1);
});

test('records: forged, altered, foreign, future-dated, forked, replayed and gap-substituted records change nothing they should not', { timeout: 120_000 }, async () => {
  const signer = await enrolledWorker('hostile-records');
  const real = await chain(signer, 5);
  const stranger = await keyPair();
  const at = (i) => `kid = '${signer.kid}' AND seq = ${i}`;

  const [h, p, s] = real[0].split('.');
  const flipped = s[10] === 'A' ? 'B' : 'A';
  const forged = `${h}.${p}.${s.slice(0, 10)}${flipped}${s.slice(11)}`;
  const payload = JSON.parse(Buffer.from(p, 'base64url'));
  const altered = `${h}.${b64(JSON.stringify({ ...payload, claims: { amount: 1e6 } }))}.${s}`;
  const foreign = await record({ ...stranger, serial: signer.serial }, { seq: 1 });
  const future = await record(signer, { seq: 1, signedAt: new Date(Date.now() + 3_600_000).toISOString() });
  const verdicts = await send([forged, altered, foreign, future, 'not a jws']);
  assert.deepEqual(codes(verdicts), ['bad_signature', 'bad_signature', 'key_mismatch', 'signed_in_future', 'malformed_record']);
  assert.equal(count('records', `kid = '${signer.kid}'`), 0);
  table.push(['forged signature, altered payload, foreign key, future-dated, junk', codes(verdicts).join(', '), 'nothing stored; only the future-dated (authenticated) one kept as a rejection']);
  assert.equal(count('rejections', `kid = '${signer.kid}'`), 1);

  // Records 1, 2, 4, 5 arrive; a substitute for 3 with the right prev is refused; the real 3 fills the gap.
  assert.deepEqual(codes(await send([real[0], real[1], real[3], real[4]])), ['accepted', 'accepted', 'accepted', 'accepted']);
  assert.deepEqual(sql(server.db, `SELECT seq, chain_gap FROM records WHERE kid = '${signer.kid}' ORDER BY seq`), [[1, 0], [2, 0], [4, 1], [5, 0]]);
  const substitute = await record(signer, { seq: 3, prev: b64(sha256(real[1])), doc: 'a different delivery' });
  assert.deepEqual(codes(await send([substitute])), ['chain_broken']);
  assert.equal(count('records', at(3)), 0);
  table.push(['gap-substituted (seq 3 with the right prev, another document)', 'chain_broken', 'gap stays open']);
  assert.deepEqual(codes(await send([real[2]])), ['accepted']);
  assert.equal(sql(server.db, `SELECT hash FROM records WHERE ${at(3)}`)[0][0], b64(sha256(real[2])));

  const fork = await record(signer, { seq: 4, prev: b64(sha256(real[2])), doc: 'a fork' });
  assert.deepEqual(codes(await send([fork])), ['chain_fork']);
  table.push(['forked (another seq 4)', 'chain_fork', 'stored chain unchanged']);

  const receipts = sql(server.db, `SELECT receipt FROM records WHERE kid = '${signer.kid}' ORDER BY seq`).map((r) => r[0]);
  const replay = await send(real);
  assert.deepEqual(codes(replay), Array(5).fill('duplicate'));
  assert.deepEqual(replay.map((v) => v.receipt), receipts, 'the receipts issued the first time');
  assert.equal(count('records', `kid = '${signer.kid}'`), 5);
  table.push(['replayed (the whole chain again)', 'duplicate ×5, first receipts', '5 records, no new row']);

  const conflict = await record(signer, { seq: 6, prev: b64(sha256(real[4])), id: payload.id });
  assert.deepEqual(codes(await send([conflict])), ['id_conflict']);
  assert.equal(count('records', `kid = '${signer.kid}'`), 5);
  table.push(['another record under a stored id', 'id_conflict', 'unchanged']);
});

test('the answers a device acts on are signed by the authority: verdicts and server time, records and reports', { timeout: 120_000 }, async () => {
  const signer = await enrolledWorker('hostile-answers');
  const authority = await importJWK((await call('GET', '/v1/authority')).json.jwk, 'Ed25519');
  const [first] = await chain(signer, 1);
  const records = await call('POST', '/v1/records', { records: [first, await record(signer, { seq: 1, doc: 'a fork' }), 'junk'], nonce: 'n-records' });
  const { payload, protectedHeader } = await compactVerify(records.json.answer, authority);
  assert.equal(protectedHeader.typ, 'offsign-answer+jws');
  const signed = JSON.parse(new TextDecoder().decode(payload));
  assert.equal(signed.serverTime, records.json.serverTime);
  assert.equal(signed.nonce, 'n-records', 'the answer to this request, not to another');
  // Each receipt by its SHA-256: one signature vouches for the batch's receipts.
  const vouched = records.json.verdicts.map(({ receipt, ...rest }) => (receipt ? { ...rest, receiptHash: b64(sha256(receipt)) } : rest));
  assert.deepEqual(signed.verdicts, vouched, 'the verdicts, each receipt replaced by its hash');
  assert.equal(signed.verdicts.filter((v) => v.receiptHash).length, 1, 'the accepted record\'s receipt is named');
  assert.deepEqual(codes(signed.verdicts), ['accepted', 'chain_fork', 'malformed_record']);
  const reports = await call('POST', '/v1/reports', { reports: [await signedReport(signer, reportRow({ id: 'r-signed' }))], nonce: 'n-reports' });
  const answer = JSON.parse(new TextDecoder().decode((await compactVerify(reports.json.answer, authority)).payload));
  assert.deepEqual(answer.verdicts, [{ index: 0, id: 'r-signed', verdict: 'stored' }]);
  assert.equal(answer.nonce, 'n-reports');
  const time = await call('GET', '/v1/revocations?nonce=n-time');
  const timeAnswer = JSON.parse(new TextDecoder().decode((await compactVerify(time.json.answer, authority)).payload));
  assert.deepEqual([timeAnswer.nonce, timeAnswer.serverTime], ['n-time', time.json.serverTime]);
  for (const bad of ['', 'x'.repeat(65), 'not base64url!']) {
    assert.equal((await call('POST', '/v1/records', { records: ['junk'], nonce: bad })).status, 400, `nonce ${JSON.stringify(bad)}`);
  }
  table.push(['answers to records, reports and the time', 'signed by the authority with the request\'s nonce (offsign-answer+jws)', 'a device acts on nothing else']);
});

test('a flood of junk batches from strangers grows the database by a bounded amount', { timeout: 120_000 }, async () => {
  const stranger = await keyPair();
  // Records as large as a batch allows, with an id and kid of 5 KB each, naming no certificate
  // the server issued: before, each was kept as a rejection with its id and kid.
  const junk = await record({ ...stranger, serial: 'no-such-certificate' }, { seq: 1, id: 'i'.repeat(5_000), kid: 'k'.repeat(5_000) });
  const size = () => {
    if (isPostgres(server.db)) return sql(server.db, 'SELECT pg_database_size(current_database())')[0][0];
    sql(server.db, 'PRAGMA wal_checkpoint(TRUNCATE)');
    return statSync(server.db).size;
  };
  const before = size();
  const batches = 20;
  for (let i = 0; i < batches; i++) {
    const verdicts = await send(Array(500).fill(junk));
    assert.ok(verdicts.every((v) => v.code === 'key_mismatch' || v.code === 'cert_unknown'), JSON.stringify(verdicts[0]));
  }
  const grown = size() - before;
  const sent = batches * 500 * junk.length;
  assert.ok(grown <= 64 * 1024, `the database grew by ${grown} B for ${sent} B of junk`);
  assert.equal(count('rejections', `kid LIKE 'kkk%'`), 0);
  table.push([`flood: ${batches * 500} junk records (${Math.round(sent / 1e6)} MB)`, 'cert_unknown each', `database +${grown} B (bound 64 KiB): counters only`]);
});

test('renewal: a replayed request gets the same certificate, and the old one is superseded', { timeout: 120_000 }, async () => {
  const signer = await enrolledWorker('hostile-renew');
  const request = await renewalRequest(signer);
  const first = await call('POST', '/v1/renew', { request });
  assert.equal(first.status, 200, first.text);
  for (let i = 0; i < 3; i++) {
    const again = await call('POST', '/v1/renew', { request });
    assert.equal(again.json.certificate, first.json.certificate);
  }
  assert.equal(count('certificates', `worker = 'hostile-renew'`), 2, 'one renewal, one new certificate');
  assert.deepEqual(sql(server.db, `SELECT revocation_reason FROM certificates WHERE serial = '${signer.serial}'`), [['renewed']]);
  table.push(['renewal request replayed 3×', 'the same certificate', '2 certificates for the worker, the first superseded']);
});

test("reports: one worker's report cannot replace another's, and every field is bounded", { timeout: 120_000 }, async () => {
  const alice = await enrolledWorker('hostile-report-a');
  const mallory = await enrolledWorker('hostile-report-b');
  const report = (comment, extra = {}) => reportRow({ id: 'same-report-id', comment, ...extra });
  const ok = await call('POST', '/v1/reports', { reports: [await signedReport(alice, report('mine'))] });
  assert.equal(ok.json.verdicts[0].verdict, 'stored', ok.text);
  const other = await call('POST', '/v1/reports', { reports: [await signedReport(mallory, report('overwritten'))] });
  assert.equal(other.json.verdicts[0].verdict, 'stored');
  assert.deepEqual(sql(server.db, `SELECT comment FROM reports WHERE kid = '${alice.kid}'`), [['mine']]);
  table.push(["a report under another worker's report id", 'stored as its own', "the first worker's report unchanged"]);
  const huge = await call('POST', '/v1/reports', { reports: [await signedReport(mallory, report('x', { id: 'huge', lastAt: 'x'.repeat(100_000) }))] });
  assert.equal(huge.json.verdicts[0].code, 'malformed_report');
  assert.equal(count('reports', `id = 'huge'`), 0);
  table.push(['a report with a 100 KB field', 'malformed_report', 'not stored']);
});

test('what no database keeps as it is, a chain position past 2^53 − 1 or a NUL character in kept text, is refused as malformed and leaves the next batch free', { timeout: 60_000 }, async () => {
  const signer = await enrolledWorker('hostile-unkeepable');
  const unkeepable = [
    await record(signer, { seq: 2 ** 60 }),
    await record(signer, { seq: 2 ** 53 }),
    await record(signer, { seq: 1, name: 'a\u0000b.pdf' }),
    await record(signer, { seq: 1, claims: { reference: 'ORDER\u00007' } }),
    await record(signer, { seq: 1, id: 'x\u0000y' }),
  ];
  assert.deepEqual(codes(await send(unkeepable)), Array(5).fill('malformed_record'));
  assert.deepEqual(codes(await send(await chain(signer, 2))), ['accepted', 'accepted'], 'the device goes on');
  const reports = await call('POST', '/v1/reports', {
    reports: [await signedReport(signer, reportRow({ id: 'nul', message: 'a\u0000b' })), await signedReport(signer, reportRow({ id: 'plain' }))],
  });
  assert.equal(reports.status, 200, reports.text);
  assert.deepEqual(reports.json.verdicts.map((v) => v.code ?? v.verdict), ['malformed_report', 'stored']);
  assert.equal(count('reports', `kid = '${signer.kid}'`), 1);
  table.push(['records with seq 2^60, 2^53, or a NUL in a name, reference or id; a report with a NUL', 'malformed_record, malformed_report', 'none stored; the next batch stored']);
});

test('oversized, deeply nested, wrong-typed and mislabelled bodies are refused whole, and the server stays up', { timeout: 120_000 }, async () => {
  const before = count('records');
  const deep = '['.repeat(100_000) + ']'.repeat(100_000);
  const cases = [
    ['9 MB body', 'POST', '/v1/records', JSON.stringify({ records: ['x'.repeat(9 << 20)] }), 'application/json', 413],
    ['100,000 nested arrays', 'POST', '/v1/records', `{"records": ${deep}}`, 'application/json', 400],
    ['records is a string', 'POST', '/v1/records', '{"records": "x"}', 'application/json', 400],
    ['records holds numbers', 'POST', '/v1/records', '{"records": [1, 2]}', 'application/json', 400],
    ['an unknown member', 'POST', '/v1/records', '{"records": [], "admin": true}', 'application/json', 400],
    ['not JSON', 'POST', '/v1/reports', '{"reports": [', 'application/json', 400],
    ['text/plain', 'POST', '/v1/enroll', '{}', 'text/plain', 415],
    ['a renewal with a number', 'POST', '/v1/renew', '{"request": 7}', 'application/json', 400],
  ];
  for (const [name, method, path, body, type, status] of cases) {
    // Through node:http: fetch drops a 413 that arrives while the 9 MB still go out.
    const answer = await call(method, path, body, type, { localAddress: '127.0.0.1' });
    assert.equal(answer.status, status, `${name}: ${answer.text.slice(0, 200)}`);
    if (status !== 413) assert.match(answer.json?.code ?? '', /^[a-z_]+$/, `${name}: a code`);
    table.push([`body: ${name}`, String(status), 'nothing stored']);
  }
  assert.equal(count('records'), before);
  assert.equal((await call('GET', '/healthz')).status, 200);
});

test('stalled connections do not keep /healthz from answering, and are cut off', { timeout: 60_000 }, async () => {
  // An attacker at 127.0.0.2 opens 200 connections and sends half a request on each (a head
  // that never ends, or a body that never comes); the server keeps 64 per address.
  const sockets = [];
  for (let i = 0; i < 200; i++) {
    const socket = net.connect({ port: new URL(server.url).port, host: '127.0.0.1', localAddress: '127.0.0.2' });
    socket.on('error', () => {});
    socket.write(i % 2 ? 'POST /v1/records HTTP/1.1\r\nHost: x\r\n' : 'POST /v1/records HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 1000000\r\n\r\n{"rec');
    sockets.push(socket);
  }
  // When the server cuts each off: a head must arrive within 10 s (the connection is closed),
  // a body within 20 s (the request is answered 400); past 64, at once.
  const endedAfter = sockets.map((socket) => {
    const opened = performance.now();
    return new Promise((resolve) => {
      const done = () => resolve(performance.now() - opened);
      socket.once('close', done);
      socket.once('data', done);
    });
  });
  await new Promise((r) => setTimeout(r, 500));
  const started = performance.now();
  const health = await call('GET', '/healthz'); // from 127.0.0.1
  const took = performance.now() - started;
  assert.equal(health.status, 200);
  assert.ok(took < 2_000, `/healthz took ${took} ms beside 200 stalled connections`);
  const ended = await Promise.all(endedAfter);
  for (const s of sockets) s.destroy();
  const atOnce = ended.filter((ms) => ms < 2_000).length;
  const heads = ended.filter((ms, i) => i % 2 && ms >= 2_000);
  const bodies = ended.filter((ms, i) => i % 2 === 0 && ms >= 2_000);
  assert.equal(atOnce, 200 - 64, 'all but 64 from one address refused at once');
  assert.ok(heads.length && heads.every((ms) => ms > 9_000 && ms < 15_000), `stalled heads cut after ${heads.map(Math.round)} ms`);
  assert.ok(bodies.length && bodies.every((ms) => ms > 19_000 && ms < 25_000), `stalled bodies cut after ${bodies.map(Math.round)} ms`);
  table.push(['200 stalled connections from one address (heads or bodies never finished)',
    `/healthz 200 in ${Math.round(took)} ms from another; 136 refused at once, heads cut after 10 s, bodies after 20 s`, 'unchanged']);
});
