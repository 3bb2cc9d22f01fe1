// Evidence benchmark (not a test). The server: a 20 MB photo, sealed as a device seals it (the
// offsign command line, not timed), uploaded to a release offsign-server on loopback in tus
// chunks of 1 to 3 MiB as a device on a fast link sends them, then the whole opened with the server's key, hashed against the record's digest
// and moved into the blob store. Next to it, in the same run, a plain HTTP PUT of the same
// sealed bytes to a Node server that streams them to a file and fsyncs it once: what any upload
// costs on this machine. The device: the same photo signed as a File in headless Chromium with
// a profile on disk (read, hashed, sealed and stored in IndexedDB, with the record), next to
// WebCrypto hashing the same bytes; and the storage the browser reports it took. The verify page:
// a bundle of a 10 MB document checked in headless Chromium, next to the command line.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes, generateKeyPairSync, sign as edSign } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync, fsyncSync, openSync, closeSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, startChromium } from '../support/browser.mjs';
import { startServer } from '../support/server.mjs';
import { consoleClient } from '../support/console.mjs';

const SERVER = path.join(ROOT, 'target/release/offsign-server');
const CLI = path.join(ROOT, 'target/release/offsign');
const PHOTO_BYTES = 20_000_000;
/** The sealed header, a stored piece (16 sealed 64 KiB chunks) and the pieces a PATCH carries at most. */
const HEADER = 164;
const PIECE = 16 * (65_536 + 16);
const MAX_PIECES_PER_PATCH = 3;
const ROUNDS = 5;
const b64 = (bytes) => Buffer.from(bytes).toString('base64url');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A key enrolled on `server` and a JWS signer for it (node:crypto Ed25519). */
async function enrolled(server) {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' });
  const kid = b64(createHash('sha256').update(JSON.stringify({ crv: 'Ed25519', kty: 'OKP', x: jwk.x })).digest());
  const jws = (typ, payload) => {
    const input = `${b64(JSON.stringify({ alg: 'Ed25519', typ, kid }))}.${b64(JSON.stringify(payload))}`;
    return `${input}.${b64(edSign(null, Buffer.from(input), privateKey))}`;
  };
  const { code } = server.admin('enroll', '--worker', 'bench-evidence');
  const { challenge } = await (await fetch(`${server.url}/v1/enroll`)).json();
  const codeHash = createHash('sha256').update(code.replace(/[^0-9a-z]/gi, '').toUpperCase()).digest('hex');
  const proof = jws('offsign-enroll+jws', { v: 1, code: codeHash, challenge });
  const answer = await (await fetch(`${server.url}/v1/enroll`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, jwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, proof }),
  })).json();
  const serial = JSON.parse(Buffer.from(answer.certificate.split('.')[1], 'base64url')).serial;
  return { kid, serial, jws };
}

/**
 * Uploads `sealed` as a device on a fast link does (crate/src/sync/engine/uploads.rs): the
 * header with the first stored piece, then one piece more per PATCH up to three. The
 * milliseconds it took, from the first byte to the receipt.
 */
async function upload(url, sealed) {
  const started = performance.now();
  let pieces = 1;
  for (let offset = 0; offset < sealed.length; pieces = Math.min(pieces + 1, MAX_PIECES_PER_PATCH)) {
    const end = Math.min(sealed.length, (offset === 0 ? HEADER : offset) + pieces * PIECE);
    const chunk = sealed.subarray(offset, end);
    const response = await fetch(url, {
      method: 'PATCH', body: chunk,
      headers: { 'content-type': 'application/offset+octet-stream', 'upload-offset': String(offset), 'upload-length': String(sealed.length), 'tus-resumable': '1.0.0' },
    });
    await response.arrayBuffer();
    offset = end;
    const last = offset === sealed.length;
    if (response.status !== (last ? 200 : 204)) throw new Error(`chunk at ${offset}: HTTP ${response.status}`);
  }
  return performance.now() - started;
}

/** A Node server that takes a PUT to a file and fsyncs it: the plain upload to compare with. */
function plainPutServer(folder) {
  let n = 0;
  const server = http.createServer((request, response) => {
    const file = path.join(folder, `put-${n++}`);
    const out = createWriteStream(file);
    request.pipe(out);
    out.on('finish', () => {
      const fd = openSync(file, 'r+');
      fsyncSync(fd);
      closeSync(fd);
      response.writeHead(201).end();
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** The device side: signing the photo as a File, against hashing it alone, and what it takes on disk. */
async function onTheDevice(server) {
  const profile = mkdtempSync(path.join(tmpdir(), 'offsign-bench-profile-'));
  const chrome = await startChromium(profile);
  try {
    const page = await chrome.context.newPage();
    await page.goto(`${server.url}/`);
    const { code } = server.admin('enroll', '--worker', 'bench-device');
    return await page.evaluate(async ({ code, size, rounds }) => {
      const { default: init, Device } = await import('/pkg/offsign.js');
      await init();
      const device = await Device.open({ name: 'bench-evidence' });
      const me = await device.createIdentity({ label: 'Bench', pin: '482913', kdf: { m: 8192, t: 1, p: 1 } });
      await device.enroll(me.kid, code);
      const signMs = [];
      const hashMs = [];
      const grown = [];
      for (let round = 0; round < rounds; round++) {
        const bytes = new Uint8Array(size);
        for (let i = 0; i < size; i += 65_536) crypto.getRandomValues(bytes.subarray(i, Math.min(size, i + 65_536)));
        const file = new File([bytes], 'photo.jpg', { type: 'image/jpeg' });
        const before = (await navigator.storage.estimate()).usage;
        let started = performance.now();
        await device.sign(file);
        signMs.push(performance.now() - started);
        grown.push((await navigator.storage.estimate()).usage - before);
        started = performance.now();
        await crypto.subtle.digest('SHA-256', bytes);
        hashMs.push(performance.now() - started);
      }
      const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      return { signMs: median(signMs), hashMs: median(hashMs), storedPerPlain: median(grown) / size };
    }, { code, size: PHOTO_BYTES, rounds: ROUNDS });
  } finally {
    await chrome.close();
    rmSync(profile, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
  }
}

const BUNDLE_DOCUMENT_BYTES = 10_000_000;

/**
 * The verify page with a bundle of a 10 MB document: from the click on Verify to the report on
 * screen (the file read, the ZIP, every check), next to WebCrypto hashing the same bytes in the
 * same page and the native command line checking the same file.
 */
async function onTheVerifyPage(server, signer, folder, authority, statement) {
  const document = randomBytes(BUNDLE_DOCUMENT_BYTES);
  const id = crypto.randomUUID();
  const record = signer.jws('offsign-record+jws', {
    v: 1, id, seq: ROUNDS + 1, prev: signer.prev, signedAt: new Date().toISOString(), kid: signer.kid, cert: signer.serial,
    doc: { sha256: b64(createHash('sha256').update(document).digest()), name: 'scan.jpg', type: 'image/jpeg', size: document.length }, claims: {},
  });
  const sent = await (await fetch(`${server.url}/v1/records`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ records: [record] }) })).json();
  if (sent.verdicts[0].verdict !== 'accepted') throw new Error(JSON.stringify(sent.verdicts[0]));
  writeFileSync(path.join(folder, 'scan.jpg'), document);
  execFileSync(CLI, ['seal-evidence', '--server-key', statement, '--authority', authority, '--record-id', id, '--kind', 'document', '--out', path.join(folder, 'scan.sealed'), path.join(folder, 'scan.jpg')]);
  await upload(`${server.url}/v1/evidence/${id}/document`, readFileSync(path.join(folder, 'scan.sealed')));
  const { account, login } = consoleClient(server);
  await account('bench', 'a long bench password', 'auditor');
  const { cookie } = await login('bench', 'a long bench password');
  const bundle = path.join(folder, 'bundle.zip');
  writeFileSync(bundle, Buffer.from(await (await fetch(`${server.url}/admin/record/bundle?id=${id}`, { headers: { cookie } })).arrayBuffer()));
  const cliMs = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    execFileSync(CLI, ['verify-bundle', bundle, '--authority', authority]);
    cliMs.push(performance.now() - started);
  }
  const profile = mkdtempSync(path.join(tmpdir(), 'offsign-bench-verify-'));
  const chrome = await startChromium(profile);
  try {
    const page = await chrome.context.newPage();
    await page.goto(`${server.url}/verify/`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.setInputFiles('#bundle-file', bundle);
    const pageMs = [];
    for (let round = 0; round < ROUNDS; round++) {
      const started = performance.now();
      await page.click('#verify-form button[type=submit]');
      await page.waitForSelector('#report:not([hidden])[data-verdict="valid"]', { timeout: 60_000 });
      pageMs.push(performance.now() - started);
    }
    const hashMs = await page.evaluate(async ({ size, rounds }) => {
      const bytes = new Uint8Array(size);
      for (let i = 0; i < size; i += 65_536) crypto.getRandomValues(bytes.subarray(i, Math.min(size, i + 65_536)));
      const times = [];
      for (let round = 0; round < rounds; round++) {
        const started = performance.now();
        await crypto.subtle.digest('SHA-256', bytes);
        times.push(performance.now() - started);
      }
      return times;
    }, { size: BUNDLE_DOCUMENT_BYTES, rounds: ROUNDS });
    const { size } = (await import('node:fs')).statSync(bundle);
    return { bundleBytes: size, pageMs: median(pageMs), cliMs: median(cliMs), hashMs: median(hashMs) };
  } finally {
    await chrome.close();
    rmSync(profile, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
  }
}

export async function run() {
  const folder = mkdtempSync(path.join(tmpdir(), 'offsign-bench-evidence-'));
  const server = await startServer(['--rate-limit', '0'], { bin: SERVER, captureStderr: true });
  const plain = await plainPutServer(folder);
  try {
    const signer = await enrolled(server);
    const authority = path.join(folder, 'authority.jwk');
    writeFileSync(authority, JSON.stringify((await (await fetch(`${server.url}/v1/authority`)).json()).jwk));
    const statement = path.join(folder, 'evidence-key.jws');
    writeFileSync(statement, (await (await fetch(`${server.url}/v1/evidence-key`)).json()).evidenceKey);
    const evidenceMs = [];
    const putMs = [];
    let sealedBytes = 0;
    let prev = null;
    for (let round = 0; round < ROUNDS; round++) {
      const photo = randomBytes(PHOTO_BYTES);
      const id = crypto.randomUUID();
      const record = signer.jws('offsign-record+jws', {
        v: 1, id, seq: round + 1, prev, signedAt: new Date().toISOString(), kid: signer.kid, cert: signer.serial,
        doc: { sha256: b64(createHash('sha256').update(photo).digest()), name: 'photo.jpg', type: 'image/jpeg', size: photo.length }, claims: {},
      });
      prev = b64(createHash('sha256').update(record).digest());
      const sent = await (await fetch(`${server.url}/v1/records`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ records: [record] }) })).json();
      if (sent.verdicts[0].verdict !== 'accepted') throw new Error(JSON.stringify(sent.verdicts[0]));
      const photoFile = path.join(folder, 'photo.jpg');
      const sealedFile = path.join(folder, 'photo.sealed');
      writeFileSync(photoFile, photo);
      execFileSync(CLI, ['seal-evidence', '--server-key', statement, '--authority', authority, '--record-id', id, '--kind', 'document', '--out', sealedFile, photoFile]);
      const sealed = readFileSync(sealedFile);
      sealedBytes = sealed.length;
      // Alternate which goes first, so neither always meets a warm or a cold disk cache.
      const put = async () => {
        const started = performance.now();
        const response = await fetch(`http://127.0.0.1:${plain.address().port}/photo`, { method: 'PUT', body: sealed });
        if (response.status !== 201) throw new Error(`PUT: HTTP ${response.status}`);
        putMs.push(performance.now() - started);
      };
      const evidence = async () => evidenceMs.push(await upload(`${server.url}/v1/evidence/${id}/document`, sealed));
      if (round % 2) { await put(); await evidence(); } else { await evidence(); await put(); }
    }
    const mbps = (ms) => PHOTO_BYTES / 1e6 / (ms / 1000);
    const device = await onTheDevice(server);
    const verify = await onTheVerifyPage(server, { ...signer, prev }, folder, authority, statement);
    return {
      deviceSignMBps: mbps(device.signMs),
      deviceHashMBps: mbps(device.hashMs),
      deviceStoredPerPlain: device.storedPerPlain,
      evidenceMBps: mbps(median(evidenceMs)),
      putMBps: mbps(median(putMs)),
      overhead: sealedBytes / PHOTO_BYTES,
      verify,
      photoBytes: PHOTO_BYTES,
      rounds: ROUNDS,
    };
  } finally {
    plain.close();
    await server.stop();
    rmSync(folder, { recursive: true, force: true });
  }
}

// Run alone: node tests/bench/evidence.mjs
if (import.meta.url === `file://${process.argv[1]}`) console.log(await run());
