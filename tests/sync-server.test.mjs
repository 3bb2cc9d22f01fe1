// The reference server as a real process on loopback with a real SQLite file, and a device in
// headless Chromium: enroll with an administrator's code, sign 20 records offline, send them,
// get 20 receipts; a resend is 20 duplicates, nothing stored twice; after the worker is
// revoked, a new record is refused with cert_revoked and the earlier ones stay accepted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { compactVerify, importJWK } from 'jose';
import { launchChromium } from './support/browser.mjs';
import { startServer } from './support/server.mjs';

/** Runs one SQL query on the server's database file (Python's sqlite3), returns the rows. */
function sql(db, query) {
  const script = 'import json, sqlite3, sys; c = sqlite3.connect(sys.argv[1]); print(json.dumps(c.execute(sys.argv[2]).fetchall()))';
  return JSON.parse(execFileSync('python3', ['-c', script, db, query], { encoding: 'utf8' }));
}

test('enroll, sign 20 offline, sync: receipts, duplicates on resend, revocation', async () => {
  const server = await startServer();
  const browser = await launchChromium();
  try {
    const { code } = server.admin('enroll', '--worker', 'driver-17', '--days', '30');
    const page = await browser.newPage();
    await page.goto(server.url + '/');
    const sent = await page.evaluate(async (code) => {
      const { default: init, Device } = await import('/pkg/offsign.js');
      await init();
      const post = async (path, body) => {
        const response = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        return { status: response.status, body: await response.json() };
      };
      const device = await Device.open({ name: `sync-${Math.random()}` });
      const me = await device.createIdentity({ label: 'Driver 17', pin: '482913', kdf: { m: 8192, t: 1, p: 1 } });
      const enrolled = await post('/v1/enroll', { code, jwk: me.publicJwk });
      const reused = await post('/v1/enroll', { code, jwk: me.publicJwk });
      await device.setCredentials(me.kid, enrolled.body);
      const docs = Array.from({ length: 20 }, (_, i) => ({ doc: new TextEncoder().encode(`receipt ${i}`), name: `receipt-${i}.txt` }));
      const { records } = await device.signMany(docs);
      const jws = records.map((r) => r.jws);
      const first = await post('/v1/records', { records: jws });
      const again = await post('/v1/records', { records: jws });
      window.device = device;
      return { kid: me.kid, enrolled, reused, jws, first, again };
    }, code);

    assert.equal(sent.enrolled.status, 200);
    assert.equal(sent.enrolled.body.worker, 'driver-17');
    assert.deepEqual([sent.reused.status, sent.reused.body.code], [403, 'enrollment_code_used']);
    assert.equal(sent.first.status, 200);
    assert.deepEqual(sent.first.body.verdicts.map((v) => v.verdict), Array(20).fill('accepted'));
    const authority = await importJWK(sent.enrolled.body.authority, 'Ed25519');
    for (const [i, verdict] of sent.first.body.verdicts.entries()) {
      const { payload, protectedHeader } = await compactVerify(verdict.receipt, authority);
      const receipt = JSON.parse(new TextDecoder().decode(payload));
      assert.equal(protectedHeader.typ, 'offsign-receipt+jws');
      assert.equal(receipt.hash, verdict.hash);
      assert.equal(receipt.id, JSON.parse(Buffer.from(sent.jws[i].split('.')[1], 'base64url')).id);
    }
    assert.deepEqual(sent.again.body.verdicts.map((v) => v.verdict), Array(20).fill('duplicate'));
    assert.deepEqual(sent.again.body.verdicts.map((v) => v.receipt), sent.first.body.verdicts.map((v) => v.receipt));
    assert.deepEqual(sql(server.db, 'SELECT count(*), min(seq), max(seq), sum(chain_gap) FROM records'), [[20, 1, 20, 0]]);

    // Revoked: the next record is refused; the 20 stay accepted; the list names the serial.
    const { revoked } = server.admin('revoke', '--worker', 'driver-17');
    const after = await page.evaluate(async () => {
      const { record, jws } = await window.device.sign(new TextEncoder().encode('after revocation'), { name: 'late.txt' });
      const response = await fetch('/v1/records', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ records: [jws] }) });
      return { seq: record.seq, body: await response.json() };
    });
    assert.equal(after.seq, 21);
    assert.deepEqual([after.body.verdicts[0].verdict, after.body.verdicts[0].code], ['rejected', 'cert_revoked']);
    const list = JSON.parse(new TextDecoder().decode((await compactVerify(after.body.revocationList, authority)).payload));
    assert.deepEqual(list.revoked, revoked);
    assert.deepEqual(sql(server.db, 'SELECT count(*) FROM records'), [[20]]);
    assert.deepEqual(sql(server.db, "SELECT code FROM rejections"), [['cert_revoked']]);
  } finally {
    await browser.close();
    await server.stop();
  }
});
