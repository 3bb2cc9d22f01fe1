// Calls every export of an offsign entry with hostile arguments, one position at a time (the
// others valid), and says what each call came to. Used in a browser page for `offsign`
// (the Device included) and in Node for `offsign/core`; tests/hostile-args.test.mjs asserts.
//
// The exports are found by reflection (functions, classes, their static and prototype methods
// and setters): one the tables below do not name makes the run fail, so a new export cannot
// go untested.

const FAST = { m: 8192, t: 1, p: 1 };

/** Values no argument of offsign should take, by name; `foreign` is an object of another class of the package. */
function junk(foreign) {
  const throwing = new Proxy({}, { get() { throw new Error('a trap of a hostile Proxy'); }, ownKeys() { throw new Error('a trap of a hostile Proxy'); } });
  const getter = Object.defineProperty({}, 'name', { enumerable: true, get() { throw new Error('a getter that throws'); } });
  return [
    ['undefined', undefined], ['null', null], ['0', 0], ['-1', -1], ['NaN', Number.NaN], ['Infinity', Number.POSITIVE_INFINITY],
    ['1e300', 1e300], ['true', true], ['""', ''], ['"x"', 'x'], ['4 MB string', 'x'.repeat(4 << 20)],
    ['{}', {}], ['[]', []], ['[1, 2]', [1, 2]], ['{ length: 1e9 }', { length: 1e9 }], ['empty Uint8Array', new Uint8Array(0)],
    ['ArrayBuffer(8)', new ArrayBuffer(8)], ['Int32Array', new Int32Array(4)], ['Date', new Date()], ['Map', new Map([[1, 2]])],
    ['Symbol', Symbol('junk')], ['BigInt', 10n], ['function', () => 1], ['null-prototype object', Object.create(null)],
    ['hostile Proxy', throwing], ['throwing getter', getter], ['cycle', (() => { const o = {}; o.self = o; return o; })()],
    ['deep nesting', JSON.parse(`${'['.repeat(5000)}${']'.repeat(5000)}`)],
    ['unknown option', { nmae: 'x', claim: {} }], ['another class of the package', foreign],
  ];
}

/** What a call came to: `ok`, an OffsignError's code, or `OTHER name: message` (a defect). */
async function outcome(call) {
  try {
    await call();
    return 'ok';
  } catch (e) {
    const isOffsign = e instanceof Error && e.name === 'OffsignError' && typeof e.code === 'string' && typeof e.remedy === 'string';
    return isOffsign ? e.code : `OTHER ${e?.name}: ${String(e?.message).slice(0, 200)}`;
  }
}

/**
 * Every export of module `mod` (an entry of the package, its wasm loaded), called with each
 * junk value in each argument position; `withDevice` includes the Device (a browser only).
 * Returns { calls, defects, unnamed, stillWorks }.
 */
export async function callEverything(mod, { withDevice }) {
  const { Identity, Authority, VerifyingKey } = mod;
  const ca = Authority.generate('Hostile Argument Authority');
  const id = Identity.generate();
  const now = Date.now();
  const credentials = {
    authority: ca.publicJwk,
    certificate: ca.issueCertificate('h-1', 'worker', id.publicJwk, now - 60_000, now + 86_400_000),
    revocationList: ca.issueRevocationList([], now, now + 86_400_000),
  };
  const doc = new TextEncoder().encode('a document');
  const signed = id.sign(doc, { credentials, name: 'a.txt' });
  const sealed = id.seal('482913', { kdf: FAST });
  const signature = id.signBytes(doc);
  const key = VerifyingKey.fromJwk(id.publicJwk);
  const foreign = Authority.generate('Foreign Authority');

  // Each export: [name, call taking the arguments, valid arguments]. Objects made for a call
  // (a victim identity) are made anew each time, so that one call cannot spoil the next.
  const calls = [
    ['Identity.generate', (...a) => Identity.generate(...a), []],
    ['Identity.unseal', (...a) => Identity.unseal(...a), [sealed, '482913']],
    ['Identity#seal', (...a) => Identity.generate().seal(...a), ['482913', { kdf: FAST }]],
    ['Identity#sign', (...a) => id.sign(...a), [doc, { credentials }]],
    ['Identity#signDigest', (...a) => id.signDigest(...a), [new Uint8Array(32), { credentials, size: 1 }]],
    ['Identity#signBytes', (...a) => id.signBytes(...a), [doc]],
    ['Identity#enrollmentProof', (...a) => id.enrollmentProof(...a), ['AAAA-BBBB-CCCC', 'a challenge']],
    ['Identity#lock', (...a) => Identity.generate().lock(...a), []],
    ['Authority.generate', (...a) => Authority.generate(...a), ['name']],
    ['Authority#issueCertificate', (...a) => ca.issueCertificate(...a), ['s', 'w', id.publicJwk, now, now + 1000]],
    ['Authority#issueRevocationList', (...a) => ca.issueRevocationList(...a), [['s'], now, now + 1000]],
    ['VerifyingKey.fromJwk', (...a) => VerifyingKey.fromJwk(...a), [id.publicJwk]],
    ['VerifyingKey.fromBytes', (...a) => VerifyingKey.fromBytes(...a), [new Uint8Array(32).fill(9)]],
    ['VerifyingKey#verifyRecord', (...a) => key.verifyRecord(...a), [signed.jws, {}]],
    ['VerifyingKey#verify', (...a) => key.verify(...a), [doc, signature]],
    ['verifyRecord', (...a) => mod.verifyRecord(...a), [signed.jws, id.publicJwk, { prev: signed.jws }]],
    ['verifyReceipt', (...a) => mod.verifyReceipt(...a), [signed.jws, ca.publicJwk]],
    ['inspectRecord', (...a) => mod.inspectRecord(...a), [signed.jws]],
    ['recordHash', (...a) => mod.recordHash(...a), [signed.jws]],
    ['checkPolicy', (...a) => mod.checkPolicy(...a), [id.kid, credentials, { now }]],
    ['errorCodes', (...a) => mod.errorCodes(...a), []],
    ['version', (...a) => mod.version(...a), []],
    ['isOffsignError', (...a) => { if (typeof mod.isOffsignError(...a) !== 'boolean') throw new Error('not a boolean'); }, [new Error('x')]],
    ['OffsignError', (...a) => new mod.OffsignError(...a), ['malformed_input', 'message']],
  ];
  if (mod.phrases) calls.push(['phrases', (...a) => mod.phrases(...a), []]); // `offsign`: the Device's phrases
  if (mod.verifyBundle) {
    // `offsign/verify`: an empty ZIP (its end record alone) is a ZIP, but not a bundle.
    const emptyZip = new Uint8Array(22);
    emptyZip.set([0x50, 0x4b, 0x05, 0x06]);
    calls.push(
      ['verifyBundle', (...a) => mod.verifyBundle(...a), [emptyZip, { authority: ca.publicJwk }]],
      ['maxBundleBytes', (...a) => mod.maxBundleBytes(...a), []],
    );
  }
  if (withDevice) {
    const { Device } = mod;
    const device = await Device.open({ name: `hostile-args-${Math.random()}` });
    const me = await device.createIdentity({ label: 'Victim', pin: '482913', kdf: FAST });
    await device.setCredentials(me.kid, {
      authority: ca.publicJwk,
      certificate: ca.issueCertificate('h-2', 'victim', me.publicJwk, now - 60_000, now + 86_400_000),
      revocationList: ca.issueRevocationList([], now, now + 86_400_000),
    });
    const server = { server: location.origin, maxTries: 1 };
    calls.push(
      ['Device.open', async (...a) => (await Device.open(...a)).free(), [{ name: 'hostile-args-other' }]],
      ['Device#createIdentity', (...a) => device.createIdentity(...a), [{ label: 'x', pin: '482913', kdf: FAST }]],
      ['Device#identities', (...a) => device.identities(...a), []],
      ['Device#unlock', (...a) => device.unlock(...a), [me.kid, '482913']],
      ['Device#lockoutRemaining', (...a) => device.lockoutRemaining(...a), [me.kid]],
      ['Device#removeIdentity', (...a) => device.removeIdentity(...a), ['no-such-kid', { discardUnsent: false }]],
      ['Device#setCredentials', (...a) => device.setCredentials(...a), [me.kid, credentials]],
      ['Device#sign', (...a) => device.sign(...a), [doc, { name: 'a.txt', claims: { a: 1 } }]],
      ['Device#signMany', (...a) => device.signMany(...a), [[{ doc, name: 'b.txt' }]]],
      ['Device#records', (...a) => device.records(...a), [me.kid, { limit: 5 }]],
      ['Device#evidence', (...a) => device.evidence(...a), ['no-such-record', 'document']],
      ['Device#bundle', (...a) => device.bundle(...a), ['no-such-record']],
      ['Device#forms', (...a) => device.forms(...a), [{ lang: 'es' }]],
      ['Device#checkAnswers', (...a) => device.checkAnswers(...a), [{ form: { id: 'delivery-receipt', version: 1 } }]],
      ['Device#reports', (...a) => device.reports(...a), [{ limit: 5 }]],
      ['Device#addFeedback', (...a) => device.addFeedback(...a), ['no-such-report', 'a comment']],
      ['Device#enroll', (...a) => device.enroll(...a), [me.kid, 'AAAA-BBBB-CCCC', server]],
      ['Device#sync', (...a) => device.sync(...a), [server]],
      ['Device#diagnose', (...a) => device.diagnose(...a), []],
      ['Device#exportBackup', (...a) => device.exportBackup(...a), ['a backup passphrase', { kdf: FAST }]],
      ['Device#importBackup', (...a) => device.importBackup(...a), [new Uint8Array(100), 'a backup passphrase', { onProgress() {} }]],
      ['Device#autoSync', (...a) => device.autoSync(...a)(), [{ ...server, intervalMinutes: 60 }]],
      ['Device#requestBackgroundSync', (...a) => device.requestBackgroundSync(...a), []],
      ['Device#onidlelock', (handler) => { device.onidlelock = handler; }, [() => {}]],
      ['Device#lock', (...a) => device.lock(...a), []],
    );
  }

  // Exports with nothing to pass, or not offsign's to check, each with why.
  const unnamed = new Set();
  const named = new Set([
    ...calls.map(([name]) => name),
    'Device#unlocked', 'Device#free', // a getter; ends the Device
    'Identity#kid', 'Identity#publicJwk', 'Identity#locked', 'Authority#publicJwk', 'VerifyingKey#kid', 'VerifyingKey#jwk', // getters
    'Identity#free', 'Authority#free', 'VerifyingKey#free', // wasm-bindgen's own: frees the object
    'default', 'initSync', // wasm-bindgen's loaders: once loaded they hand back the instance
  ]);


  // Every export found by reflection must be named above.
  for (const [name, value] of Object.entries(mod)) {
    if (typeof value !== 'function') continue;
    const isClass = /^[A-Z]/.test(name);
    if (!isClass) {
      if (!named.has(name)) unnamed.add(name);
      continue;
    }
    if (!named.has(name) && !calls.some(([n]) => n.startsWith(`${name}.`))) unnamed.add(name);
    for (const member of Object.getOwnPropertyNames(value)) {
      if (['length', 'name', 'prototype', '__wrap'].includes(member) || member.startsWith('__')) continue;
      if (!named.has(`${name}.${member}`)) unnamed.add(`${name}.${member}`);
    }
    for (const member of Object.getOwnPropertyNames(value.prototype ?? {})) {
      if (member === 'constructor' || member.startsWith('__')) continue;
      if (!named.has(`${name}#${member}`)) unnamed.add(`${name}#${member}`);
    }
  }

  const results = [];
  for (const [name, call, valid] of calls) {
    // The valid call first, then each position (and one past the last) with each junk value.
    results.push({ name, position: -1, value: 'valid', outcome: await outcome(() => call(...valid)) });
    for (let position = 0; position <= valid.length; position += 1) {
      for (const [label, value] of junk(foreign)) {
        const args = [...valid];
        args[position] = value;
        results.push({ name, position, value: label, outcome: await outcome(() => call(...args)) });
      }
    }
  }

  // The instance still signs and verifies: nothing above broke it.
  const after = Identity.generate();
  const again = after.sign(doc, {
    credentials: { ...credentials, certificate: ca.issueCertificate('h-3', 'after', after.publicJwk, now - 60_000, now + 86_400_000) },
  });
  const stillWorks = { core: mod.verifyRecord(again.jws, after.publicJwk).seq === 1 };
  if (withDevice) {
    const device = await mod.Device.open({ name: `hostile-args-after-${Math.random()}` });
    const made = await device.createIdentity({ label: 'After', pin: '482913', kdf: FAST });
    await device.setCredentials(made.kid, {
      authority: ca.publicJwk,
      certificate: ca.issueCertificate('h-4', 'after', made.publicJwk, now - 60_000, now + 86_400_000),
      revocationList: ca.issueRevocationList([], now, now + 86_400_000),
    });
    stillWorks.device = (await device.sign(doc)).record.seq === 1;
    device.free();
  }
  return {
    calls: results.length,
    exports: calls.length,
    valid: results.filter((r) => r.position === -1).map((r) => [r.name, r.outcome]),
    defects: results.filter((r) => r.outcome.startsWith('OTHER')),
    codes: [...new Set(results.map((r) => r.outcome))].sort(),
    unnamed: [...unnamed],
    stillWorks,
  };
}
