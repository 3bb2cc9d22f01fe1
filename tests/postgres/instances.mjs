// Several offsign-server instances on one PostgreSQL database (`OFFSIGN_TEST_POSTGRES`, a
// throwaway server that pkg-scripts/test starts with pkg-scripts/postgres): whichever instance
// a device reaches, a record is stored once, a duplicate is answered with the first receipt,
// a chain stays whole, and an instance killed mid-batch loses nothing the other cannot finish.
// Run by the test tier of PostgreSQL, not by `node --test tests/` (it needs the server).
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { startServer } from '../support/server.mjs';
import { chain, client, codes } from '../support/client.mjs';

const SERVER = process.env.OFFSIGN_TEST_POSTGRES;

/** A new, empty database on the test server: its URL. */
function freshDatabase() {
  assert.ok(SERVER, 'OFFSIGN_TEST_POSTGRES names the PostgreSQL server of this test (pkg-scripts/postgres start DIR)');
  const name = `offsign_instances_${randomUUID().replaceAll('-', '')}`;
  execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', `${SERVER}/postgres`, '-c', `CREATE DATABASE ${name}`]);
  return `${SERVER}/${name}`;
}

/** The rows of `query` on database `url`, each an array of its columns as text. */
function rows(url, query) {
  const out = execFileSync('psql', ['-X', '-q', '-A', '-t', '-F', '\t', '-v', 'ON_ERROR_STOP=1', url, '-c', query], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line !== '').map((line) => line.split('\t'));
}

/** `n` instances on database `url`, started at once, each with its own evidence folder. */
function instances(url, n) {
  const env = { OFFSIGN_AUTHORITY_SECRET: 'the secret every instance of this test is given', OFFSIGN_RATE_LIMIT: '100000' };
  return Promise.all(Array.from({ length: n }, () =>
    startServer(['--evidence-dir', path.join(mkdtempSync(path.join(tmpdir(), 'offsign-instance-')), 'evidence')], { db: url, env })));
}

/** Every record of `url`'s database is stored once, and each key's chain holds 1…n whole. */
function assertWhole(url, expected) {
  const [[total, distinct]] = rows(url, 'SELECT count(*), count(DISTINCT id) FROM records');
  assert.deepEqual([Number(total), Number(distinct)], [expected.records, expected.records], 'every record stored exactly once');
  const chains = rows(url, 'SELECT kid, count(*), min(seq), max(seq), sum(chain_gap) FROM records GROUP BY kid ORDER BY kid');
  assert.equal(chains.length, expected.chains);
  for (const [kid, count, first, last, gaps] of chains) {
    assert.deepEqual([Number(first), Number(last), Number(gaps)], [1, Number(count), 0], `the chain of ${kid} is whole`);
  }
}

test('two instances started together on an empty database create one schema and share one authority key', { timeout: 120_000 }, async () => {
  const url = freshDatabase();
  const [a, b] = await instances(url, 2);
  try {
    const [keyA, keyB] = await Promise.all([a, b].map(async (s) => (await client(s).call('GET', '/v1/authority')).json));
    assert.deepEqual(keyA, keyB, 'one authority: a certificate from one instance is good at the other');
    assert.deepEqual(rows(url, 'SELECT version FROM offsign_schema'), [['8']]);
    assert.deepEqual(rows(url, "SELECT count(*) FROM settings WHERE key = 'authority_key'"), [['1']]);
    for (const s of [a, b]) {
      const ready = await client(s).call('GET', '/readyz');
      assert.equal(ready.status, 200, ready.text);
    }
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});

test('devices syncing through two instances, in turn and at the same moment: each record stored once, a duplicate answered with the first receipt, every chain whole', { timeout: 300_000 }, async () => {
  const url = freshDatabase();
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

test('an instance SIGKILLed in the middle of a batch: the device sends it again to the other, which stores what was not stored, once', { timeout: 300_000 }, async () => {
  const url = freshDatabase();
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
    const [[stored]] = rows(url, 'SELECT count(*) FROM records');
    assert.ok([250, 500].includes(Number(stored)), `a batch is one transaction: ${stored} stored (the answer: ${lost.status ?? lost.error})`);
    // The device never had its answer: it sends everything from 251 on again, to B.
    const verdicts = await client(b).send(records.slice(250));
    const expected = Number(stored) === 500 ? 'duplicate' : 'accepted';
    assert.deepEqual(new Set(codes(verdicts)), new Set([expected]));
    assertWhole(url, { records: 500, chains: 1 });
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});
