// Runs inside one headless Chromium page: Ed25519 sign/s and verify/s of offsign's wasm next to
// libsodium-wrappers (wasm), @noble/ed25519 (JS) and WebCrypto, plus unlock and first-signature
// times. Every implementation signs the same messages with its own copy of the same seed.
import init, { Identity } from '/pkg/offsign.js';
import * as offsign from '/pkg/offsign.js';
import sodiumModule from 'libsodium-wrappers';
import * as noble from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';

noble.hashes.sha512 = sha512;
const ROUND_MS = 120;
const ROUNDS = 21;

/** Operations per second of `op` over one round of ROUND_MS; awaits `op` when `isAsync`. */
async function round(op, isAsync) {
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < ROUND_MS) {
    for (let i = 0; i < 10; i++) isAsync ? await op() : op();
    n += 10;
    t = performance.now();
  }
  return (n * 1000) / (t - t0);
}

/**
 * Rates of several implementations of one operation, measured in short interleaved rounds so
 * that drift (JIT tier-up, a noisy host) hits all alike. The first round warms up and is
 * dropped. Returns each one's median rate and, for every other one, the median over rounds of
 * offsign's rate divided by its rate in the same round.
 */
async function compare(impls) {
  const samples = Object.fromEntries(Object.keys(impls).map((k) => [k, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, [op, isAsync]] of Object.entries(impls)) {
      const x = await round(op, isAsync);
      if (r > 0) samples[name].push(x);
    }
  }
  const rates = Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, median(xs)]));
  const ratios = Object.fromEntries(
    Object.keys(samples).filter((k) => k !== 'offsign' && samples.offsign)
      .map((k) => [k, median(samples.offsign.map((x, i) => x / samples[k][i]))]),
  );
  return { rates, ratios };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function run() {
  await init();
  const sodium = sodiumModule.default ?? sodiumModule;
  await sodium.ready;
  const seed = crypto.getRandomValues(new Uint8Array(32));
  const pkcs8 = new Uint8Array([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20, ...seed]);

  // offsign cannot import a raw seed (keys are born in wasm), so it signs with its own key;
  // verification keys are decoded once, as WebCrypto's CryptoKey is imported once.
  const ours = Identity.generate();
  const oursKey = offsign.VerifyingKey.fromJwk(ours.publicJwk);
  const sodiumKeys = sodium.crypto_sign_seed_keypair(seed);
  const noblePk = noble.getPublicKey(seed);
  const wcPriv = await crypto.subtle.importKey('pkcs8', pkcs8, { name: 'Ed25519' }, false, ['sign']);
  const wcPubRaw = new Uint8Array(await crypto.subtle.exportKey('raw', await crypto.subtle.importKey('raw', noblePk, { name: 'Ed25519' }, true, ['verify'])));
  const wcPub = await crypto.subtle.importKey('raw', wcPubRaw, { name: 'Ed25519' }, false, ['verify']);

  const results = [];
  for (const [label, size] of [['256 B', 256], ['64 KiB', 65536]]) {
    const msg = crypto.getRandomValues(new Uint8Array(Math.min(size, 65536)));
    const oursSig = ours.signBytes(msg);
    const sodiumSig = sodium.crypto_sign_detached(msg, sodiumKeys.privateKey);
    const nobleSig = noble.sign(msg, seed);
    const wcSig = new Uint8Array(await crypto.subtle.sign('Ed25519', wcPriv, msg));
    results.push({
      size: label,
      sign: await compare({
        offsign: [() => ours.signBytes(msg)],
        'libsodium-wrappers': [() => sodium.crypto_sign_detached(msg, sodiumKeys.privateKey)],
        '@noble/ed25519': [() => noble.sign(msg, seed)],
        WebCrypto: [() => crypto.subtle.sign('Ed25519', wcPriv, msg), true],
      }),
      verify: await compare({
        offsign: [() => oursKey.verify(msg, oursSig)],
        'libsodium-wrappers': [() => sodium.crypto_sign_verify_detached(sodiumSig, msg, sodiumKeys.publicKey)],
        '@noble/ed25519': [() => noble.verify(nobleSig, msg, noblePk)],
        WebCrypto: [() => crypto.subtle.verify('Ed25519', wcPub, wcSig, msg), true],
      }),
    });
  }

  // Records: sign under the full offline policy check with the self-check, as an app does.
  const ca = offsign.Authority.generate('bench');
  const now = Date.now();
  const credentials = {
    authority: ca.publicJwk,
    certificate: ca.issueCertificate('b-1', 'bench', ours.publicJwk, now - 1000, now + 86_400_000 * 30),
    revocationList: ca.issueRevocationList([], now, now + 86_400_000),
  };
  const doc = crypto.getRandomValues(new Uint8Array(256));
  const recordRate = (await compare({ record: [() => ours.sign(doc, { credentials })] })).rates.record;

  // Unlock with the default Argon2id parameters.
  const sealed = ours.seal('482913');
  const unlocks = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    Identity.unseal(sealed, '482913').lock();
    unlocks.push(performance.now() - t0);
  }
  return { results, recordRate, unlockMs: median(unlocks), kdf: sealed.kdf };
}
