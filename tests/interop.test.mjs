// Interop with the npm `jose` package (not our code): it verifies records from the native
// `offsign` command line, and `offsign verify` accepts records that jose signed, with both the
// fully-specified `alg: "Ed25519"` (RFC 9864) and the older `alg: "EdDSA"` (RFC 8037).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { compactVerify, importJWK, CompactSign, generateKeyPair, exportJWK, calculateJwkThumbprint } from 'jose';
import { offsign, scratch } from './support/cli.mjs';

test('jose verifies a chain of records signed by the offsign CLI', async () => {
  const tmp = scratch();
  const keys = JSON.parse(offsign('keygen').stdout);
  const keyFile = tmp.write('w.jwk', JSON.stringify(keys.private));
  const doc = tmp.write('inspection.txt', 'Boiler inspected, pressure 1.5 bar');
  const first = offsign('sign', '--key', keyFile, '--doc', doc, '--claims', '{"inspector":"B. Okafor"}');
  assert.equal(first.status, 0, first.stdout);
  const firstFile = tmp.write('1.jws', first.stdout);
  const second = offsign('sign', '--key', keyFile, '--doc', doc, '--prev', firstFile);

  const key = await importJWK(keys.public, 'Ed25519');
  const a = await compactVerify(first.stdout, key);
  const b = await compactVerify(second.stdout, key);
  assert.equal(a.protectedHeader.alg, 'Ed25519');
  assert.equal(a.protectedHeader.kid, await calculateJwkThumbprint(keys.public, 'sha256'));
  const p1 = JSON.parse(new TextDecoder().decode(a.payload));
  const p2 = JSON.parse(new TextDecoder().decode(b.payload));
  assert.equal(p1.claims.inspector, 'B. Okafor');
  assert.equal(p1.doc.sha256, createHash('sha256').update('Boiler inspected, pressure 1.5 bar').digest('base64url'));
  assert.equal(p2.prev, createHash('sha256').update(first.stdout).digest('base64url'), 'prev is SHA-256 of the JWS text');
  assert.equal(p2.seq, p1.seq + 1);
});

for (const alg of ['Ed25519', 'EdDSA']) {
  test(`offsign verify accepts a record signed by jose with alg ${alg}`, async () => {
    const tmp = scratch();
    const { publicKey, privateKey } = await generateKeyPair('Ed25519');
    const jwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(jwk, 'sha256');
    const payload = {
      v: 1, id: '01937a5e-0000-7000-8000-000000000001', seq: 1, prev: null, signedAt: '2026-11-25T08:00:00.000Z', kid, cert: null,
      doc: { sha256: createHash('sha256').update('x').digest('base64url') }, claims: { from: 'jose' },
    };
    const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg, kid }).sign(privateKey);
    const ok = offsign('verify', '--jwk', tmp.write('pub.jwk', JSON.stringify(jwk)), tmp.write('r.jws', jws));
    assert.equal(ok.status, 0, ok.stdout);
    assert.deepEqual(JSON.parse(ok.stdout), payload);

    const forged = { ...payload, claims: { from: 'mallory' } };
    const [h, , s] = jws.split('.');
    const forgedJws = `${h}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${s}`;
    const bad = offsign('verify', '--jwk', tmp.write('pub.jwk', JSON.stringify(jwk)), tmp.write('f.jws', forgedJws));
    assert.equal(bad.status, 1);
    assert.equal(JSON.parse(bad.stdout).code, 'bad_signature');
  });
}
