// Several offsign-server instances on one PostgreSQL database (`OFFSIGN_TEST_POSTGRES`, a
// throwaway server that pkg-scripts/test starts with pkg-scripts/postgres): whichever instance
// a device reaches, a record is stored once, a duplicate is answered with the first receipt,
// a chain stays whole, and an instance killed mid-batch loses nothing the other cannot finish.
// Run by the test tier of PostgreSQL, not by `node --test tests/` (it needs the server).
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { SERVER_BIN, freshPostgres, sql, startServer } from '../support/server.mjs';
import { randomUUID } from 'node:crypto';
import { chain, client, codes, keyPair, record } from '../support/client.mjs';

/** `n` instances on database `url`, started at once, each with its own evidence folder. */
function instances(url, n) {
  return Promise.all(Array.from({ length: n }, () =>
    startServer(['--evidence-dir', path.join(mkdtempSync(path.join(tmpdir(), 'offsign-instance-')), 'evidence')], { db: url, env: { OFFSIGN_RATE_LIMIT: '100000' } })));
}

/** Every record of `url`'s database is stored once, and each key's chain holds 1…n whole. */
function assertWhole(url, expected) {
  assert.deepEqual(sql(url, 'SELECT count(*), count(DISTINCT id) FROM records'), [[expected.records, expected.records]], 'every record stored exactly once');
  const chains = sql(url, 'SELECT kid, count(*), min(seq), max(seq), sum(chain_gap) FROM records GROUP BY kid ORDER BY kid');
  assert.equal(chains.length, expected.chains);
  for (const [kid, count, first, last, gaps] of chains) {
    assert.deepEqual([first, last, gaps], [1, count, 0], `the chain of ${kid} is whole`);
  }
}

test('two instances started together on an empty database create one schema and share one authority key', { timeout: 120_000 }, async () => {
  const url = freshPostgres();
  const [a, b] = await instances(url, 2);
  try {
    const [keyA, keyB] = await Promise.all([a, b].map(async (s) => (await client(s).call('GET', '/v1/authority')).json));
    assert.deepEqual(keyA, keyB, 'one authority: a certificate from one instance is good at the other');
    assert.deepEqual(sql(url, 'SELECT version FROM offsign_schema'), [[8]]);
    assert.deepEqual(sql(url, "SELECT count(*) FROM settings WHERE key = 'authority_key'"), [[1]]);
    for (const s of [a, b]) {
      const ready = await client(s).call('GET', '/readyz');
      assert.equal(ready.status, 200, ready.text);
    }
    // `migrate` finds the schema done; `backup` is SQLite's, and says what to use instead.
    assert.deepEqual(a.admin('migrate'), { schemaVersion: 8, upgradedFrom: 8 });
    const backup = spawnSync(SERVER_BIN, ['--db', url, 'backup', '--to', path.join(tmpdir(), `never-${process.pid}.db`)], { encoding: 'utf8' });
    assert.notEqual(backup.status, 0);
    assert.match(backup.stderr, /pg_dump/);
    // On PostgreSQL an instance is told its secret and evidence folder: nothing beside a file.
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('OFFSIGN_')));
    const noSecret = spawnSync(SERVER_BIN, ['--db', url, '--addr', '127.0.0.1:0', '--evidence-dir', path.join(tmpdir(), 'unused')], { encoding: 'utf8', env });
    assert.notEqual(noSecret.status, 0);
    assert.match(noSecret.stderr, /give every instance the same OFFSIGN_AUTHORITY_SECRET/);
    const noFolder = spawnSync(SERVER_BIN, ['--db', url, '--addr', '127.0.0.1:0'], { encoding: 'utf8', env: { ...env, OFFSIGN_AUTHORITY_SECRET: 'the secret every instance of this test is given' } });
    assert.notEqual(noFolder.status, 0);
    assert.match(noFolder.stderr, /name this instance's evidence folder with --evidence-dir/);
    // A URL's password is never shown, here in the error of a database that does not answer.
    const unreachable = spawnSync(SERVER_BIN, ['--db', 'postgres://offsign:pw-never-shown@127.0.0.1:1/offsign?password=pw-never-shown', 'migrate'], { encoding: 'utf8' });
    assert.notEqual(unreachable.status, 0);
    assert.match(unreachable.stderr, /postgres:\/\/offsign@127\.0\.0\.1:1\/offsign/);
    assert.ok(!unreachable.stderr.includes('pw-never-shown'), unreachable.stderr);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});

test('devices syncing through two instances, in turn and at the same moment: each record stored once, a duplicate answered with the first receipt, every chain whole', { timeout: 300_000 }, async () => {
  const url = freshPostgres();
  const [a, b] = await instances(url, 2);
  try {
    const [toA, toB] = [client(a), client(b)];
    // Enrolled at either instance: the certificates are the database's.
    const workers = [await toA.enrolledWorker('instances-ann'), await toB.enrolledWorker('instances-bo'), await toA.enrolledWorker('instances-cy')];
    const chains = await Promise.all(workers.map((w) => chain(w, 40)));

    // In turn: batches of 5 to A, B, A, …
    for (const [i, records] of chains.entries()) {
      for (let start = 0; start < 20; start += 5) {
        const verdicts = await ((start / 5) % 2 ? toB : toA).send(records.slice(start, start + 5));
        assert.deepEqual(codes(verdicts), Array(5).fill('accepted'), `worker ${i}, records ${start + 1}…${start + 5}`);
      }
    }
    // At the same moment: the same batch to both instances, for every worker at once.
    for (let start = 20; start < 40; start += 10) {
      const answers = await Promise.all(chains.flatMap((records) => [toA.send(records.slice(start, start + 10)), toB.send(records.slice(start, start + 10))]));
      for (let w = 0; w < workers.length; w += 1) {
        const [fromA, fromB] = [answers[2 * w], answers[2 * w + 1]];
        for (let r = 0; r < 10; r += 1) {
          const pair = [codes(fromA)[r], codes(fromB)[r]].sort();
          assert.deepEqual(pair, ['accepted', 'duplicate'], `worker ${w}, record ${start + r + 1}: accepted once, whichever instance came first`);
          assert.ok(fromA[r].receipt && fromA[r].receipt === fromB[r].receipt, 'the duplicate carries the receipt of the acceptance');
        }
      }
    }
    // A fork of an accepted record sent to the other instance is caught there.
    const fork = (await chain(workers[0], 1))[0];
    assert.deepEqual(codes(await toB.send([fork])), ['chain_fork']);
    assertWhole(url, { records: 120, chains: 3 });
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});

test('batches of different keys at the same moment run side by side: one id under two keys is stored once, and a batch naming many keys changes nothing of theirs', { timeout: 300_000 }, async () => {
  const url = freshPostgres();
  const [a, b] = await instances(url, 2);
  try {
    const [toA, toB] = [client(a), client(b)];
    const [ann, bo] = [await toA.enrolledWorker('instances-side-ann'), await toB.enrolledWorker('instances-side-bo')];
    const shared = randomUUID();
    const [fromAnn, fromBo] = [await record(ann, { seq: 1, id: shared }), await record(bo, { seq: 1, id: shared })];
    // Twelve strangers' records in one batch: more keys than a batch locks one by one.
    const strangers = await Promise.all(Array.from({ length: 12 }, async () => record({ ...(await keyPair()), serial: 'no-such-certificate' }, { seq: 1 })));
    const [annAnswer, boAnswer, strangersAnswer] = await Promise.all([
      toA.call('POST', '/v1/records', { records: [fromAnn] }),
      toB.call('POST', '/v1/records', { records: [fromBo] }),
      toA.call('POST', '/v1/records', { records: strangers }),
    ]);
    assert.equal(strangersAnswer.status, 200, strangersAnswer.text);
    assert.deepEqual(new Set(codes(strangersAnswer.json.verdicts)), new Set(['cert_unknown']));
    // The second to write the shared id finds it taken: a verdict when it looked after the
    // first committed, else a retryable 503; sent again, it is refused as id_conflict.
    const verdict = async (answer, toServer, signed) => {
      if (answer.status === 503) {
        assert.equal(answer.json.code, 'storage_unavailable', answer.text);
        return codes(await toServer.send([signed]))[0];
      }
      assert.equal(answer.status, 200, answer.text);
      return codes(answer.json.verdicts)[0];
    };
    const outcomes = [await verdict(annAnswer, toA, fromAnn), await verdict(boAnswer, toB, fromBo)].sort();
    assert.deepEqual(outcomes, ['accepted', 'id_conflict'], 'one record under the id, whichever key came first');
    assert.deepEqual(sql(url, `SELECT count(*) FROM records WHERE id = '${shared}'`), [[1]]);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});

test('an instance SIGKILLed in the middle of a batch: the device sends it again to the other, which stores what was not stored, once', { timeout: 300_000 }, async () => {
  const url = freshPostgres();
  const [a, b] = await instances(url, 2);
  try {
    const worker = await client(a).enrolledWorker('instances-killed');
    const records = await chain(worker, 500);
    // The first half goes whole; the second is cut when A dies, stored or not as one.
    assert.deepEqual(new Set(codes(await client(a).send(records.slice(0, 250)))), new Set(['accepted']));
    const cut = client(a).call('POST', '/v1/records', { records: records.slice(250) }).catch((e) => ({ error: e }));
    await new Promise((r) => setTimeout(r, 30));
    await a.kill();
    const lost = await cut;
    const [[stored]] = sql(url, 'SELECT count(*) FROM records');
    assert.ok([250, 500].includes(stored), `a batch is one transaction: ${stored} stored (the answer: ${lost.status ?? lost.error})`);
    // The device never had its answer: it sends everything from 251 on again, to B.
    const verdicts = await client(b).send(records.slice(250));
    const expected = stored === 500 ? 'duplicate' : 'accepted';
    assert.deepEqual(new Set(codes(verdicts)), new Set([expected]));
    assertWhole(url, { records: 500, chains: 1 });
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});
