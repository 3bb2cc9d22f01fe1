// The JS API of the built package (pkg/) in headless Chromium, against an independent JOSE
// implementation: certificates are issued by `jose` in Node, records signed in the browser are
// verified by `jose`, and key ids are compared with jose's RFC 7638 thumbprints.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPair, exportJWK, compactVerify, importJWK, calculateJwkThumbprint } from 'jose';
import { openOffsignPage, ENGINES } from './support/browser.mjs';
import { joseSign as signWithJose } from './support/jose.mjs';

const DAY = 86_400_000;
const FAST_KDF = { kdf: { m: 8192, t: 1, p: 1 } };
for (const engine of ENGINES) describe(`JS API in ${engine}`, () => {
  let ctx;
  let authority;

  before(async () => {
    ctx = await openOffsignPage(engine);
    const { publicKey, privateKey } = await generateKeyPair('Ed25519');
    authority = { jwk: await exportJWK(publicKey), privateKey };
    await ctx.page.evaluate(() => {
      window.caught = (f) => {
        try { f(); return null; } catch (e) {
          return { isError: e instanceof Error, name: e.name, code: e.code, message: e.message, remedy: e.remedy };
        }
      };
    });
  });

  after(async () => {
    assert.deepEqual(ctx.errors, [], 'no uncaught page errors');
    await ctx.close();
  });

  /** Signs a JSON payload as a compact JWS with jose, as an authority on another stack would. */
  function joseSign(payload, typ, key = authority.privateKey) {
    return signWithJose(payload, typ, key);
  }

  function certificate(workerJwk, { serial = 's-1', nbf = Date.now() - DAY, exp = Date.now() + 90 * DAY, key } = {}) {
    const payload = { v: 1, serial, sub: 'worker-1', iss: 'jose test authority', jwk: workerJwk, nbf: Math.floor(nbf / 1000), exp: Math.floor(exp / 1000) };
    return joseSign(payload, 'offsign-cert+jws', key);
  }

  function revocationList(revoked = [], { nextUpdate = Date.now() + DAY, reasons } = {}) {
    const payload = { v: 1, iss: 'jose test authority', issuedAt: Math.floor(Date.now() / 1000) - 60, nextUpdate: Math.floor(nextUpdate / 1000), revoked, ...(reasons && { reasons }) };
    return joseSign(payload, 'offsign-crl+jws');
  }

  test('identity: key id is the RFC 7638 thumbprint; seal, unseal, wrong PIN', async () => {
    const r = await ctx.page.evaluate((kdf) => {
      const { Identity } = window.offsign;
      const id = Identity.generate();
      const sealed = id.seal('482913', kdf);
      const back = Identity.unseal(sealed, '482913');
      return {
        kid: id.kid, jwk: id.publicJwk, sealed, reopenedKid: back.kid,
        wrongPin: window.caught(() => Identity.unseal(sealed, '000000')),
        shortPin: window.caught(() => id.seal('12345', kdf)),
        notSealed: window.caught(() => Identity.unseal({ hello: 1 }, '482913')),
      };
    }, FAST_KDF);
    assert.equal(r.kid, await calculateJwkThumbprint(r.jwk, 'sha256'));
    assert.deepEqual(Object.keys(r.jwk).sort(), ['alg', 'crv', 'kid', 'kty', 'x'], 'alg and kid, for JOSE libraries');
    assert.equal(r.jwk.alg, 'Ed25519');
    assert.equal(r.jwk.kid, r.kid);
    assert.equal(r.reopenedKid, r.kid);
    assert.equal(r.sealed.kdf.alg, 'argon2id');
    assert.ok(!JSON.stringify(r.sealed).includes('"d"'), 'a sealed key holds no plain private key');
    assert.deepEqual(
      { isError: r.wrongPin.isError, name: r.wrongPin.name, code: r.wrongPin.code },
      { isError: true, name: 'OffsignError', code: 'wrong_pin' },
    );
    assert.match(r.wrongPin.remedy, /PIN/);
    assert.equal(r.shortPin.code, 'pin_too_short');
    assert.equal(r.notSealed.code, 'malformed_sealed_key');
  });

  test('records signed in the browser verify with jose and chain', async () => {
    const workerJwk = await ctx.page.evaluate(() => {
      window.worker = window.offsign.Identity.generate();
      return window.worker.publicJwk;
    });
    const credentials = { authority: authority.jwk, certificate: await certificate(workerJwk), revocationList: await revocationList(['s-0']) };
    const r = await ctx.page.evaluate((credentials) => {
      const { verifyRecord, recordHash } = window.offsign;
      const doc = new TextEncoder().encode('Delivery receipt 118: 3 pallets');
      const claims = { recipient: 'A. Jones', reference: 'PO-118', geo: { lat: 51.5, lon: -0.12 } };
      const first = window.worker.sign(doc, { credentials, name: 'receipt-118.txt', type: 'text/plain', claims });
      const second = window.worker.sign(doc, { credentials, chain: first.chain });
      const signer = window.offsign.VerifyingKey.fromJwk(window.worker.publicJwk);
      const stranger = window.offsign.VerifyingKey.fromJwk(window.offsign.Identity.generate().publicJwk);
      const at = first.jws.lastIndexOf('.') + 10;   // a signature character with all 6 bits in use
      const tamperedFirst = first.jws.slice(0, at) + (first.jws[at] === 'A' ? 'B' : 'A') + first.jws.slice(at + 1);
      return {
        first, second,
        // One VerifyingKey for many records: the first uses dalek's multiplication, the later
        // ones the key's split tables; the verdicts must match verifyRecord's.
        withKey: [first, second, first, second].map((rec) => JSON.stringify(signer.verifyRecord(rec.jws))),
        withKeyChained: signer.verifyRecord(second.jws, { prev: first.jws }).seq,
        withKeyRefused: [
          window.caught(() => signer.verifyRecord(tamperedFirst))?.code,
          window.caught(() => signer.verifyRecord(first.jws, { prev: second.jws }))?.code,
          window.caught(() => stranger.verifyRecord(first.jws))?.code,
        ],
        checked: verifyRecord(second.jws, window.worker.publicJwk, { prev: first.jws }),
        firstHash: recordHash(first.jws),
        broken: window.caught(() => verifyRecord(first.jws, window.worker.publicJwk, { prev: second.jws })),
      };
    }, credentials);

    const key = await importJWK(workerJwk, 'Ed25519');
    const { payload, protectedHeader } = await compactVerify(r.first.jws, key);
    assert.equal(protectedHeader.alg, 'Ed25519');
    assert.equal(protectedHeader.typ, 'offsign-record+jws');
    const record = JSON.parse(new TextDecoder().decode(payload));
    assert.deepEqual(record, r.first.record);
    assert.equal(record.seq, 1);
    assert.equal(record.prev, null);
    assert.equal(record.cert, 's-1');
    assert.equal(record.doc.name, 'receipt-118.txt');
    assert.equal(record.doc.size, 31);
    assert.deepEqual(record.claims.geo, { lat: 51.5, lon: -0.12 });
    assert.deepEqual(r.first.warnings, []);
    await compactVerify(r.second.jws, key);
    assert.equal(r.second.record.prev, r.first.hash);
    assert.equal(r.firstHash, r.first.hash);
    assert.equal(r.checked.seq, 2);
    assert.equal(r.broken.code, 'chain_broken');
    assert.deepEqual(r.withKey.map((p) => JSON.parse(p)), [r.first.record, r.second.record, r.first.record, r.second.record]);
    assert.equal(r.withKeyChained, 2);
    assert.deepEqual(r.withKeyRefused, ['bad_signature', 'chain_broken', 'key_mismatch']);

    const tampered = r.first.jws.slice(0, -4) + (r.first.jws.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    await assert.rejects(compactVerify(tampered, key));
  });

  test('offsign/core: the primitives without the Device; its records verify with the full package and jose', async () => {
    const core = await ctx.page.evaluate(async () => {
      const mod = await import('/pkg/core.js');
      await mod.default();
      window.core = mod;
      window.coreWorker = mod.Identity.generate();
      return { exports: Object.keys(mod), jwk: window.coreWorker.publicJwk, codes: mod.errorCodes().length, fullCodes: window.offsign.errorCodes().length };
    });
    for (const name of ['Identity', 'VerifyingKey', 'Authority', 'verifyRecord', 'inspectRecord', 'checkPolicy', 'errorCodes']) {
      assert.ok(core.exports.includes(name), `offsign/core exports ${name}`);
    }
    assert.ok(!core.exports.includes('Device'), 'the Device is only in the full entry');
    assert.equal(core.codes, core.fullCodes, 'one error table');
    const credentials = { authority: authority.jwk, certificate: await certificate(core.jwk), revocationList: await revocationList() };
    const revoked = { ...credentials, revocationList: await revocationList(['s-1']) };
    const r = await ctx.page.evaluate(({ credentials, revoked }) => {
      const doc = new TextEncoder().encode('Inspection report 7');
      const signed = window.coreWorker.sign(doc, { credentials, name: 'report-7.txt' });
      return {
        signed,
        byFull: window.offsign.verifyRecord(signed.jws, window.coreWorker.publicJwk),
        byCore: window.core.verifyRecord(signed.jws, window.coreWorker.publicJwk),
        refused: window.caught(() => window.coreWorker.sign(doc, { credentials: revoked })),
      };
    }, { credentials, revoked });
    assert.equal(r.byFull.seq, 1);
    assert.deepEqual(r.byCore, r.byFull);
    const { payload } = await compactVerify(r.signed.jws, await importJWK(core.jwk, 'Ed25519'));
    assert.deepEqual(JSON.parse(new TextDecoder().decode(payload)), r.signed.record);
    assert.equal(r.refused.code, 'key_compromised', 'a list without reasons (from a server before them): taken as compromised');
    assert.equal(r.refused.isError, true);
  });

  test('bytes come as a Uint8Array or an ArrayBuffer; anything else is refused, never signed as empty', async () => {
    const workerJwk = await ctx.page.evaluate(() => {
      window.bytesWorker = window.offsign.Identity.generate();
      return window.bytesWorker.publicJwk;
    });
    const credentials = { authority: authority.jwk, certificate: await certificate(workerJwk), revocationList: await revocationList() };
    const r = await ctx.page.evaluate((credentials) => {
      const { VerifyingKey } = window.offsign;
      const worker = window.bytesWorker;
      const bytes = new TextEncoder().encode('Consent form 12, signed on paper too');
      const fromArray = worker.sign(bytes, { credentials });
      const fromBuffer = worker.sign(bytes.buffer, { credentials });
      const signature = worker.signBytes(bytes.buffer);
      const key = VerifyingKey.fromJwk(worker.publicJwk);
      return {
        sameDigest: fromBuffer.record.doc.sha256 === fromArray.record.doc.sha256,
        size: fromBuffer.record.doc.size,
        verifies: window.caught(() => key.verify(bytes, signature)),
        text: window.caught(() => worker.sign('Consent form 12', { credentials })),
        numbers: window.caught(() => worker.signBytes([1, 2, 3])),
        view: window.caught(() => key.verify(new DataView(bytes.buffer), signature)),
      };
    }, credentials);
    assert.equal(r.sameDigest, true);
    assert.equal(r.size, 36);
    assert.equal(r.verifies, null, 'a signature over the ArrayBuffer is one over its bytes');
    for (const refused of [r.text, r.numbers, r.view]) assert.equal(refused?.code, 'malformed_input');
  });

  test('options are plain JSON: what JSON would change is refused, and a refused call leaves the identity usable', async () => {
    const r = await ctx.page.evaluate(() => {
      const id = window.offsign.Identity.generate();
      const credentials = { authority: id.publicJwk, certificate: 'x' };
      const cyclic = { a: 1 };
      cyclic.self = cyclic;
      const sign = (options) => window.caught(() => id.sign(new Uint8Array(1), options));
      const refused = {
        nan: sign({ credentials, claims: { weight: NaN } }),
        infinity: sign({ credentials, claims: { weight: -Infinity } }),
        bytes: sign({ credentials, claims: { photo: new Uint8Array(2) } }),
        map: sign({ credentials, claims: { fields: new Map([['a', 1]]) } }),
        set: sign({ credentials, claims: { tags: new Set(['a']) } }),
        bigint: sign({ credentials, claims: { n: 1n } }),
        cyclic: sign({ credentials, claims: { cyclic } }),
      };
      // Options that are not an object, or have a key no option has, are refused by name.
      const misnamed = {
        fn: sign(() => 1),
        sealFn: window.caught(() => id.seal('482913', () => 1)),
        misspelt: sign({ credentials, claim: { a: 1 } }),
      };
      id.lock();
      return { refused, misnamed, locked: id.locked };
    });
    for (const [what, e] of Object.entries(r.refused)) {
      assert.equal(e?.code, 'malformed_input', what);
      assert.match(e.message, /plain JSON/, what);
    }
    assert.equal(r.misnamed.fn.message, 'options must be an object, not function');
    assert.equal(r.misnamed.sealFn.message, 'options must be an object, not function');
    assert.match(r.misnamed.misspelt.message, /^options\.claim is not an option \(the options are credentials, .*claims/);
    assert.equal(r.locked, true, 'no refused call left the identity borrowed');
  });

  test('verifyReceipt: a receipt signed by the authority verifies; another signer, another typ or tampering do not', async () => {
    const receipt = { v: 1, iss: 'jose test authority', id: '0193-rec', hash: 'abc', receivedAt: '2026-11-26T08:00:00.000Z' };
    const signed = await joseSign(receipt, 'offsign-receipt+jws');
    const stranger = (await generateKeyPair('Ed25519')).privateKey;
    const forged = await joseSign(receipt, 'offsign-receipt+jws', stranger);
    const wrongTyp = await joseSign(receipt, 'offsign-record+jws');
    const r = await ctx.page.evaluate(({ signed, forged, wrongTyp, authorityJwk }) => {
      const { verifyReceipt } = window.offsign;
      const [h, p, sig] = signed.split('.');
      const tampered = [h, p.slice(0, -2) + (p.endsWith('AA') ? 'BB' : 'AA'), sig].join('.');
      return {
        ok: verifyReceipt(signed, authorityJwk),
        forged: window.caught(() => verifyReceipt(forged, authorityJwk)),
        wrongTyp: window.caught(() => verifyReceipt(wrongTyp, authorityJwk)),
        tampered: window.caught(() => verifyReceipt(tampered, authorityJwk)),
      };
    }, { signed, forged, wrongTyp, authorityJwk: authority.jwk });
    assert.deepEqual(r.ok, receipt);
    assert.equal(r.forged.code, 'bad_signature');
    assert.equal(r.wrongTyp.code, 'malformed_jws');
    assert.ok(['bad_signature', 'malformed_jws'].includes(r.tampered.code), r.tampered.code);
  });

  test('the policy refuses or warns with codes and remedies a worker can act on', async () => {
    const strangerJwk = await ctx.page.evaluate(() => window.offsign.Identity.generate().publicJwk);
    const other = await generateKeyPair('Ed25519');
    const now = Date.now();
    const forStranger = { authority: authority.jwk, certificate: await certificate(strangerJwk), revocationList: await revocationList() };
    const foreign = await ctx.page.evaluate((credentials) => {
      // A certificate for another key must not let this identity sign.
      return window.caught(() => window.offsign.Identity.generate().sign(new Uint8Array(1), { credentials }));
    }, forStranger);
    assert.equal(foreign.code, 'cert_untrusted');

    // Sign as the certified worker: the key pair lives in the page, so make certificates for it.
    const pageJwk = await ctx.page.evaluate(() => { window.policyWorker = window.offsign.Identity.generate(); return window.policyWorker.publicJwk; });
    const forWorker = async (certOptions = {}, revoked = [], listOptions = {}) => ({
      authority: authority.jwk,
      certificate: await certificate(pageJwk, certOptions),
      revocationList: await revocationList(revoked, listOptions),
    });
    const matrix = {
      expired: await forWorker({ nbf: Date.UTC(2025, 0, 1), exp: Date.UTC(2026, 0, 3) }),
      notYet: await forWorker({ nbf: now + DAY, exp: now + 100 * DAY }),
      revoked: await forWorker({ serial: 's-9' }, ['s-9'], { reasons: { 's-9': 'superseded' } }),
      compromised: await forWorker({ serial: 's-9' }, ['s-9'], { reasons: { 's-9': 'keyCompromise' } }),
      expiring: await forWorker({ exp: now + 3 * DAY }),
      stale: await forWorker({}, [], { nextUpdate: now - 1000 }),
      untrusted: await forWorker({ key: other.privateKey }),
      fine: await forWorker(),
    };
    const v = await ctx.page.evaluate((matrix) => {
      const w = window.policyWorker;
      const doc = new Uint8Array([1, 2, 3]);
      const sign = (credentials, extra = {}) => window.caught(() => { window.lastSigned = w.sign(doc, { credentials, ...extra }); });
      const warn = (credentials) => w.sign(doc, { credentials }).warnings.map((x) => x.code);
      const first = w.sign(doc, { credentials: matrix.fine });
      return {
        expired: sign(matrix.expired), notYet: sign(matrix.notYet), revoked: sign(matrix.revoked), compromised: sign(matrix.compromised), untrusted: sign(matrix.untrusted),
        expiring: warn(matrix.expiring), stale: warn(matrix.stale),
        skew: (() => {
          // The device clock set back (the test's hook: the page's Date.now), not an option.
          const realNow = Date.now;
          Date.now = () => Date.parse(first.record.signedAt) - 1;
          try { return sign(matrix.fine, { chain: first.chain }); } finally { Date.now = realNow; }
        })(),
        nowOption: sign(matrix.fine, { chain: first.chain, now: Date.now() }),
        check: window.offsign.checkPolicy(w.kid, matrix.expiring, {}).warnings.map((x) => x.code),
        expiringSoonWindow: window.offsign.checkPolicy(w.kid, matrix.fine, { expiringWithinDays: 365 }).warnings.map((x) => x.code),
      };
    }, matrix);
    assert.equal(v.expired.code, 'cert_expired');
    assert.equal(v.expired.remedy, 'Your certificate expired on 3 Jan 2026. Ask your office for a new enrollment code and choose Enroll again: records you signed before are still sent.');
    assert.equal(v.notYet.code, 'cert_not_yet_valid');
    assert.equal(v.revoked.code, 'cert_revoked');
    assert.match(v.revoked.remedy, /Records you signed before it was revoked are still sent/);
    assert.equal(v.compromised.code, 'key_compromised');
    assert.equal(v.untrusted.code, 'cert_untrusted');
    assert.deepEqual(v.expiring, ['cert_expiring']);
    assert.deepEqual(v.stale, ['revocation_list_stale']);
    assert.equal(v.skew.code, 'clock_skew');
    assert.equal(v.nowOption.code, 'malformed_input', 'a caller cannot move the policy clock');
    assert.deepEqual(v.check, ['cert_expiring']);
    assert.deepEqual(v.expiringSoonWindow, ['cert_expiring']);
  });

  test('locking wipes the key; malformed input gets codes, never a crash', async () => {
    const r = await ctx.page.evaluate(() => {
      const { Identity, verifyRecord, inspectRecord } = window.offsign;
      const id = Identity.generate();
      const jwk = id.publicJwk;
      id.lock();
      return {
        locked: id.locked,
        afterLock: window.caught(() => id.signBytes(new Uint8Array(1))),
        garbage: window.caught(() => verifyRecord('garbage', jwk)),
        badJwk: window.caught(() => verifyRecord('a.b.c', { kty: 'EC', crv: 'P-256', x: 'AA' })),
        noCredentials: window.caught(() => Identity.generate().sign(new Uint8Array(1), {})),
        badDigest: window.caught(() => Identity.generate().signDigest(new Uint8Array(31), {})),
        hugeJws: window.caught(() => inspectRecord('a'.repeat(2 * 1024 * 1024))),
        badTime: window.caught(() => window.offsign.checkPolicy('k', { authority: jwk, certificate: 'x' }, { now: NaN })),
      };
    });
    assert.equal(r.locked, true);
    assert.equal(r.afterLock.code, 'identity_locked');
    assert.equal(r.garbage.code, 'malformed_jws');
    assert.equal(r.badJwk.code, 'malformed_jwk');
    assert.equal(r.noCredentials.code, 'malformed_input');
    assert.equal(r.badDigest.code, 'malformed_input');
    assert.equal(r.hugeJws.code, 'malformed_jws');
    assert.equal(r.badTime.code, 'malformed_input');
    for (const e of Object.values(r).filter((x) => x && typeof x === 'object')) {
      assert.equal(e.isError, true);
      assert.ok(e.remedy.length > 10, `remedy for ${e.code}`);
    }
  });

  test('VerifyingKey: decoded once, verifies plain signatures strictly', async () => {
    const r = await ctx.page.evaluate(() => {
      const { Identity, VerifyingKey } = window.offsign;
      const id = Identity.generate();
      const key = VerifyingKey.fromJwk(id.publicJwk);
      const message = new TextEncoder().encode('pallet 7 of 12');
      const signature = id.signBytes(message);
      const tampered = signature.slice();
      tampered[40] ^= 1;
      return {
        sameKid: key.kid === id.kid,
        sameJwk: JSON.stringify(key.jwk) === JSON.stringify(id.publicJwk),
        valid: window.caught(() => key.verify(message, signature)),
        tampered: window.caught(() => key.verify(message, tampered)),
        otherMessage: window.caught(() => key.verify(new TextEncoder().encode('pallet 8 of 12'), signature)),
        shortSignature: window.caught(() => key.verify(message, signature.slice(0, 63))),
        shortKey: window.caught(() => VerifyingKey.fromBytes(new Uint8Array(31))),
        signatureLength: signature.length,
      };
    });
    assert.equal(r.sameKid, true);
    assert.equal(r.sameJwk, true);
    assert.equal(r.valid, null, 'a valid signature throws nothing');
    assert.equal(r.tampered.code, 'bad_signature');
    assert.equal(r.otherMessage.code, 'bad_signature');
    assert.equal(r.shortSignature.code, 'malformed_input');
    assert.equal(r.shortKey.code, 'malformed_jwk');
    assert.equal(r.signatureLength, 64);
  });

  test('Device: create, diagnose, sign to the outbox, failure reports with feedback', async () => {
    const r = await ctx.page.evaluate(async () => {
      const { Device, Authority } = window.offsign;
      const device = await Device.open({ name: `api-${Math.random()}`, appVersion: 'test-1.0' });
      const created = await device.createIdentity({ label: 'Jones', pin: '482913', kdf: { m: 8192, t: 1, p: 1 } });
      const before = await device.diagnose();
      const ca = Authority.generate('CA');
      const now = Date.now();
      await device.setCredentials(created.kid, {
        authority: ca.publicJwk,
        certificate: ca.issueCertificate('s-1', 'jones', created.publicJwk, now - 1000, now + 10 * 86_400_000),
        revocationList: ca.issueRevocationList([], now, now + 86_400_000),
      });
      const signed = await device.sign(new TextEncoder().encode('form'), { name: 'form.txt', claims: { ok: true } });
      const after = await device.diagnose();
      const fromBuffer = await device.sign(new TextEncoder().encode('form').buffer);
      const refused = (promise) => promise.then(() => 'resolved', (e) => e.code);
      const many = await device.signMany([{ doc: new TextEncoder().encode('form').buffer, name: 'a.txt' }, { doc: new Uint8Array([1]) }]);
      const batches = {
        fromBuffer: many.records[0].record.doc.sha256 === signed.record.doc.sha256 && many.records[0].record.doc.name === 'a.txt',
        notArray: await refused(device.signMany({ doc: new Uint8Array(1) })),
        noDoc: await refused(device.signMany([{ doc: new Uint8Array(1) }, { name: 'x' }])),
        textDoc: await refused(device.signMany([{ doc: 'form' }])),
        badClaims: await refused(device.signMany([{ doc: new Uint8Array(1), claims: [1] }])),
        stored: (await device.records(created.kid)).length,
      };
      const openRefused = await Promise.all([{ expiringWithinDays: 3651 }, { retainAcceptedDays: 36501 }, { retainAcceptedDays: -1 }]
        .map((o) => Device.open({ name: `api-bad-${Math.random()}`, ...o }).then(() => 'resolved', (e) => `${e.code}: ${e.message}`)));
      const openWithin = await Device.open({ name: `api-ok-${Math.random()}`, expiringWithinDays: 3650, retainAcceptedDays: 36500 }).then(() => 'opened');
      const wrong = await device.unlock(created.kid, '000000').catch((e) => ({ code: e.code, isError: e instanceof Error }));
      const [report] = await device.reports();
      const commented = await device.addFeedback(report.id, 'typed the old PIN');
      const byId = (checks) => Object.fromEntries(checks.map((c) => [c.id, c]));
      const pages = {
        first: (await device.records(created.kid, { limit: 1 })).length,
        past: (await device.records(created.kid, { after: 4 })).length,
        badRecords: await refused(device.records(created.kid, { limit: 'ten' })),
        badReports: await refused(device.reports({ after: 7 })),
        sameDoc: fromBuffer.record.doc.sha256 === signed.record.doc.sha256,
        text: await refused(device.sign('form')),
        backgroundSync: await device.requestBackgroundSync(),
      };
      return { created, before: byId(before), after: byId(after), signed, wrong, report, commented, unlocked: device.unlocked, pages, batches, openRefused, openWithin };
    });
    assert.deepEqual(r.pages, { first: 1, past: 0, badRecords: 'malformed_input', badReports: 'malformed_input', sameDoc: true, text: 'malformed_input', backgroundSync: false }, 'no service worker here: false, not a promise that never settles');
    assert.deepEqual(r.batches, { fromBuffer: true, notArray: 'malformed_input', noDoc: 'malformed_input', textDoc: 'malformed_input', badClaims: 'malformed_input', stored: 4 },
      'signMany reads ArrayBuffers as bytes; a bad batch is refused whole and stores nothing');
    assert.deepEqual(r.openRefused, [
      'malformed_input: expiringWithinDays: must be a number of days from 0 to 3650',
      'malformed_input: retainAcceptedDays: must be a number of days from 0 to 36500',
      'malformed_input: retainAcceptedDays: must be a number of days from 0 to 36500',
    ]);
    assert.equal(r.openWithin, 'opened', 'the bounds themselves are allowed');
    assert.ok(r.created.storagePersisted === null || typeof r.created.storagePersisted === 'boolean');
    assert.equal(r.created.enrolled, false);
    assert.equal(r.before.randomness.status, 'ok');
    assert.equal(r.before.storage_writable.status, 'ok');
    assert.equal(r.before['certificate:Jones'].status, 'warn');
    assert.equal(r.before['certificate:Jones'].value, 'not enrolled');
    assert.equal(r.before.version.value, 'test-1.0');
    assert.match(r.before.storage_headroom.value, /MiB used of/);
    assert.equal(r.after['certificate:Jones'].status, 'warn', 'expires within 14 days');
    assert.equal(r.after['certificate:Jones'].value, '9 days left');
    assert.equal(r.after.pending_records.value, '1 waiting, oldest 0 h');
    assert.equal(r.after.pending_evidence.value, '1 document or image (0.0 MiB) waiting to be sent', 'the sealed document counts');
    assert.equal(r.after.last_sync.status, 'warn');
    assert.deepEqual(r.signed.warnings.map((w) => w.code), ['cert_expiring']);
    assert.deepEqual(r.wrong, { code: 'wrong_pin', isError: true });
    assert.equal(r.unlocked, undefined, 'a failed unlock leaves nothing unlocked');
    assert.equal(r.report.code, 'wrong_pin');
    assert.equal(r.report.operation, 'unlock');
    assert.equal(r.report.appVersion, 'test-1.0');
    assert.match(r.report.userAgent, /Mozilla/);
    assert.equal(r.commented.comment, 'typed the old PIN');
  });

  test('Device: locks itself when idle and tells the app; gives way to other tabs and reopens', async () => {
    const r = await ctx.page.evaluate(async () => {
      const { Device } = window.offsign;
      const name = `idle-${Math.random()}`;
      const device = await Device.open({ name, idleLockMinutes: 0.005 }); // 300 ms
      const idleLocked = new Promise((resolve) => { device.onidlelock = resolve; });
      const { kid } = await device.createIdentity({ label: 'Idle', pin: '482913', kdf: { m: 8192, t: 1, p: 1 } });
      const unlockedAtFirst = device.unlocked;
      const lockedKid = await idleLocked; // never settles (test timeout) if the timer does not fire

      // Another tab deletes the database: our open connections must not block it, and our
      // next call reopens the (now empty) database instead of failing.
      const settle = (req) => new Promise((resolve) => {
        req.onsuccess = () => { req.result?.close?.(); resolve('done'); };
        req.onblocked = () => resolve('blocked');
        req.onerror = () => resolve(`error ${req.error?.name}`);
      });
      const deleted = await settle(indexedDB.deleteDatabase(name));
      const afterDelete = await device.identities();
      // A newer version of the app upgrades it in another tab: not blocked either, and this
      // (older) page gets a clear error telling the worker to reload.
      const upgraded = await settle(indexedDB.open(name, 99));
      const stale = await device.identities().then(() => null, (e) => ({ code: e.code, remedy: e.remedy }));
      return { kid, unlockedAtFirst, lockedKid, deleted, afterDelete, upgraded, stale };
    });
    assert.equal(r.unlockedAtFirst, r.kid, 'a new identity starts unlocked');
    assert.equal(r.lockedKid, r.kid, 'onidlelock names the identity that locked');
    assert.equal(r.deleted, 'done');
    assert.deepEqual(r.afterDelete, []);
    assert.equal(r.upgraded, 'done');
    assert.equal(r.stale.code, 'storage_unavailable');
    assert.match(r.stale.remedy, /newer version of this app/);
  });

  test('errorCodes() is the whole table, for help pages', async () => {
    const codes = await ctx.page.evaluate(() => window.offsign.errorCodes());
    assert.ok(codes.length >= 20);
    const byCode = Object.fromEntries(codes.map((c) => [c.code, c]));
    assert.equal(byCode.cert_expiring.severity, 'warning');
    assert.equal(byCode.cert_expired.severity, 'error');
    for (const c of codes) assert.match(c.remedy, /\.$/);
  });

  test('the JS Authority issues certificates the policy accepts', async () => {
    const r = await ctx.page.evaluate(() => {
      const { Authority, Identity, checkPolicy } = window.offsign;
      const ca = Authority.generate('Demo Authority');
      const w = Identity.generate();
      const now = Date.now();
      const certificate = ca.issueCertificate('d-1', 'demo', w.publicJwk, now - 1000, now + 30 * 86_400_000);
      const revocationList = ca.issueRevocationList([], now, now + 86_400_000);
      return { certificate, authority: ca.publicJwk, verdict: checkPolicy(w.kid, { authority: ca.publicJwk, certificate, revocationList }) };
    });
    assert.equal(r.verdict.certificate.serial, 'd-1');
    const { protectedHeader } = await compactVerify(r.certificate, await importJWK(r.authority, 'Ed25519'));
    assert.equal(protectedHeader.typ, 'offsign-cert+jws');
  });
});
