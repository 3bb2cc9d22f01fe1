// Evidence end to end, in headless Chromium with a real profile on disk and the reference
// server as a real process: a photo and the pad's image signed offline are sealed into
// IndexedDB as the photo is read; the browser is SIGKILLed and started again; back online, a
// sync sends the record, then the photo and the image in 1 MiB chunks through a link that
// drops every few chunks (a chunk cut on the way, an answer lost after the server kept the
// chunk): the upload resumes where the server's copy ends, never from the start. The server
// opens each piece, checks it against the digest its record signed, and keeps the plain
// bytes; the device keeps the server's receipt, and its worker can still open the photo and,
// offline, make the record's evidence bundle, which passes every check of `offsign verify-bundle`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compactVerify, importJWK } from 'jose';
import { httpProxy, startChromium } from './support/browser.mjs';
import { offsign, scratch } from './support/cli.mjs';
import { startServer, sql } from './support/server.mjs';

const PIN = '482913';
const PHOTO_BYTES = 6 * 1024 * 1024 + 12_345;

/** A page of the app's origin (through `url`) with the package loaded and `window.device` open. */
async function devicePage(context, url) {
  const page = await context.newPage();
  await page.goto(`${url}/`);
  await page.evaluate(async () => {
    const { default: init, Device } = await import('/pkg/offsign.js');
    await init();
    window.device = await Device.open({ name: 'evidence' });
  });
  return page;
}

test('a photo and the pad signed offline survive SIGKILL; online, both reach the server through a link that keeps dropping, sealed, checked and receipted', { timeout: 300_000 }, async () => {
  const server = await startServer();
  // Each third PATCH is cut on the way (the server never gets it whole); each third after it
  // lands, but its answer is lost: the device hears the connection fail either way.
  let patches = 0;
  const proxy = await httpProxy(new URL(server.url).port, {
    intercept: (request) => {
      if (request.method !== 'PATCH') return undefined;
      patches += 1;
      if (patches % 3 === 1) return { cutBodyAt: Math.floor(request.length / 2), reset: true };
      if (patches % 3 === 2) return { holdResponse: true, reset: true };
      return undefined;
    },
  });
  const profile = mkdtempSync(path.join(tmpdir(), 'offsign-evidence-'));
  const photo = randomBytes(PHOTO_BYTES);
  const pad = randomBytes(4_000);
  let chrome = await startChromium(profile);
  try {
    const { code } = server.admin('enroll', '--worker', 'ann-field', '--days', '365');
    let page = await devicePage(chrome.context, proxy.url);
    const signed = await page.evaluate(async ({ code, pin, photo, pad }) => {
      const bytes = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
      const me = await window.device.createIdentity({ label: 'Ann Field', pin, kdf: { m: 8192, t: 1, p: 1 } });
      await window.device.enroll(me.kid, code);
      const [identity] = await window.device.identities();
      // Offline from here: the photo is a File, read and sealed a slice at a time.
      const file = new File([bytes(photo)], 'porch.jpg', { type: 'image/jpeg' });
      const { record } = await window.device.sign(file, { claims: { recipient: 'J. Smith' }, signatureImage: bytes(pad) });
      return { kid: me.kid, id: record.id, pinned: !!identity && identity.enrolled };
    }, { code, pin: PIN, photo: photo.toString('base64'), pad: pad.toString('base64') });
    assert.equal(signed.pinned, true);
    // What the browser stores is sealed: neither the photo nor the pad is in IndexedDB in the clear.
    const stored = await page.evaluate(async () => {
      const request = (r) => new Promise((resolve, reject) => { r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });
      const db = await request(indexedDB.open('evidence'));
      const tx = db.transaction(['evidence', 'evidencePieces']);
      const pieces = await request(tx.objectStore('evidencePieces').getAll());
      const rows = await request(tx.objectStore('evidence').getAll());
      db.close();
      return { rows, sizes: pieces.map((p) => p.length), head: Array.from(pieces[0].subarray(0, 64)) };
    });
    assert.deepEqual(stored.rows.map((r) => [r.kind, r.state, r.addressed]).sort(), [['document', 'pending', true], ['signature-image', 'pending', true]]);
    assert.equal(stored.sizes.reduce((a, b) => a + b, 0), PHOTO_BYTES + 16 * Math.ceil(PHOTO_BYTES / 65_536) + 4_000 + 16, 'sealed: 16 bytes per 64 KiB chunk');
    assert.notDeepEqual(stored.head, Array.from(photo.subarray(0, 64)), 'not the photo in the clear');

    await chrome.kill();
    chrome = await startChromium(profile);
    page = await devicePage(chrome.context, proxy.url);
    const synced = await page.evaluate(async () => window.device.sync());
    assert.deepEqual([synced.accepted, synced.evidenceStored], [1, 2], JSON.stringify(synced));

    // The server opened both pieces and keeps the plain bytes under their digests.
    const sha256 = (bytes) => createHash('sha256').update(bytes).digest();
    const rows = sql(server.db, `SELECT kind, sha256, size FROM evidence WHERE record_id = '${signed.id}' ORDER BY kind`);
    assert.deepEqual(rows, [
      ['document', sha256(photo).toString('base64url'), PHOTO_BYTES],
      ['signature-image', sha256(pad).toString('base64url'), pad.length],
    ]);
    const blob = (digest) => path.join(server.evidenceDir, 'blobs', 'sha256', digest.toString('hex').slice(0, 2), digest.toString('hex'));
    assert.ok(readFileSync(blob(sha256(photo))).equals(photo), 'the photo, byte for byte');
    assert.ok(readFileSync(blob(sha256(pad))).equals(pad));
    const jws = sql(server.db, `SELECT jws FROM records WHERE id = '${signed.id}'`)[0][0];
    const payload = JSON.parse(Buffer.from(jws.split('.')[1], 'base64url'));
    assert.deepEqual([payload.doc.sha256, payload.claims.signatureImage.sha256], rows.map(([, digest]) => digest), 'what the record signed');

    // Resumed, never restarted: each upload's offsets only go forward. (A chunk whose
    // connection dropped may go twice or three times: the device sends it again, and Chromium
    // itself retries a request cut on a reused connection.)
    const sent = proxy.requests.filter((r) => r.method === 'PATCH');
    assert.ok(patches >= 6, `the link dropped several times (${patches} PATCHes)`);
    for (const kind of ['document', 'signature-image']) {
      const offsets = sent.filter((r) => r.path.endsWith(`/${kind}`)).map((r) => Number(r.headers['upload-offset']));
      assert.deepEqual(offsets, [...offsets].sort((a, b) => a - b), `${kind}: offsets go forward only (${offsets})`);
      assert.ok(offsets.every((at) => offsets.filter((o) => o === at).length <= 3), `${kind}: a chunk at most three times (${offsets})`);
    }
    assert.ok(sent.some((r) => Number(r.headers['upload-offset']) > 1_000_000), 'the photo went in several chunks');

    // The device keeps the authority's receipts, and its worker still opens the photo.
    const after = await page.evaluate(async ({ kid, id, pin }) => {
      await window.device.unlock(kid, pin);
      const document = new Uint8Array(await (await window.device.evidence(id, 'document')).arrayBuffer());
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', document));
      const request = (r) => new Promise((resolve, reject) => { r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });
      const db = await request(indexedDB.open('evidence'));
      const rows = await request(db.transaction('evidence').objectStore('evidence').getAll());
      db.close();
      return { length: document.length, digest: btoa(String.fromCharCode(...digest)), rows: rows.map((r) => [r.kind, r.state, r.receipt]) };
    }, { ...signed, pin: PIN });
    assert.equal(after.length, PHOTO_BYTES);
    assert.equal(after.digest, sha256(photo).toString('base64'));
    const authorityJwk = (await (await fetch(`${server.url}/v1/authority`)).json()).jwk;
    const authority = await importJWK(authorityJwk, 'Ed25519');
    for (const [kind, state, receipt] of after.rows) {
      assert.equal(state, 'stored', kind);
      const { payload } = await compactVerify(receipt, authority);
      assert.equal(JSON.parse(new TextDecoder().decode(payload)).id, signed.id);
    }

    // The worker's own bundle, made on the device with no network: every check of the
    // command line passes against the organisation's authority.
    await chrome.context.setOffline(true);
    const zip = await page.evaluate(async (id) => {
      const bytes = await window.device.bundle(id);
      let text = '';
      for (let i = 0; i < bytes.length; i += 32_768) text += String.fromCharCode(...bytes.subarray(i, i + 32_768));
      return btoa(text);
    }, signed.id);
    const files = scratch();
    const bundleFile = files.write('bundle.zip', Buffer.from(zip, 'base64'));
    // A ZIP file any tool opens: Python's zipfile reads every entry and checks its CRC-32.
    const listed = spawnSync('python3', ['-c', 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(" ".join(z.namelist()))', bundleFile], { encoding: 'utf8' });
    assert.equal(listed.status, 0, listed.stderr);
    assert.match(listed.stdout, /^offsign-bundle\.json README\.txt record\.jws certificate\.jws revocation-list\.jws receipt\.jws document\/porch\.jpg signature-image\.png$/m);
    const checked = offsign('verify-bundle', bundleFile, '--authority', files.write('authority.jwk', JSON.stringify(authorityJwk)));
    const report = JSON.parse(checked.stdout);
    assert.deepEqual(report.checks.filter((c) => c.outcome !== 'pass'), [], checked.stdout);
    assert.equal(checked.status, 0);
    assert.equal(report.authority.pinned, true);
  } finally {
    await chrome.close();
    await proxy.close();
    await server.stop();
    rmSync(profile, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
  }
});
