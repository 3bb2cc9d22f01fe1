// The verifier's kit as a stranger meets it: an evidence bundle made by the organisation's
// console is checked on the verify page (/verify/) in a fresh Chromium profile that has never
// seen the app, once online, then with the server gone (the page and its wasm come from the
// page's own service worker) and nothing uploaded; and with the offsign command line. A sound
// bundle passes every check (its stamped copy of the PDF begins with the signed bytes); an
// altered document, a foreign authority, a certificate revoked before the record was signed and
// a forged receipt each fail their own check, with its reason.
// The forgeries are written with Python's zipfile, not offsign's writer.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { b64, client, codes, jws, jwsPayload, keyPair, record, sha256 } from './support/client.mjs';
import { consoleClient } from './support/console.mjs';
import { offsign, scratch } from './support/cli.mjs';
import { ROOT, startChromium } from './support/browser.mjs';
import { ARTIFACTS, PHONE } from './support/app.mjs';
import { startServer } from './support/server.mjs';

const server = await startServer();
let serverStopped = false;
after(() => { if (!serverStopped) server.stop(); });
const api = client(server);
const { request, account, login } = consoleClient(server);
await account('aud', 'a long auditor password', 'auditor');
const auditor = await login('aud', 'a long auditor password');
const files = scratch();

// A courier signs a delivery receipt with the pad; the record, the document and the image
// reach the server (sealed to its evidence key by the command line, as a device seals them).
const courier = await api.enrolledWorker('courier-v');
/** A one-page PDF with `padding` random bytes in a stream of its own, written here by hand. */
function pdf(text, padding) {
  const content = `BT /F1 24 Tf 72 700 Td (${text}) Tj ET`;
  const objects = [
    Buffer.from('<< /Type /Catalog /Pages 2 0 R >>'), Buffer.from('<< /Type /Pages /Kids [3 0 R] /Count 1 >>'),
    Buffer.from('<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>'),
    Buffer.from(`<< /Length ${content.length} >>\nstream\n${content}\nendstream`), Buffer.from('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'),
    Buffer.concat([Buffer.from(`<< /Length ${padding} >>\nstream\n`), randomBytes(padding), Buffer.from('\nendstream')]),
  ];
  const parts = [Buffer.from('%PDF-1.7\n')];
  const offsets = [];
  let length = parts[0].length;
  objects.forEach((body, i) => {
    offsets.push(length);
    const object = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), body, Buffer.from('\nendobj\n')]);
    parts.push(object);
    length += object.length;
  });
  const table = [`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`, ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`)].join('');
  parts.push(Buffer.from(`${table}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${length}\n%%EOF\n`));
  return Buffer.concat(parts);
}
const documentBytes = pdf('Delivery receipt 7', 200_000);
const padImage = Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), randomBytes(3_000)]);
const signatureImage = { sha256: b64(sha256(padImage)), type: 'image/png' };
const first = await record(courier, { seq: 1, doc: documentBytes, name: 'receipt-7.pdf', type: 'application/pdf', claims: { signatureImage } });
assert.deepEqual(codes(await api.send([first])), ['accepted']);
const recordId = jwsPayload(first).id;
const evidenceKey = files.write('evidence-key.jws', (await api.call('GET', '/v1/evidence-key')).json.evidenceKey);
const authorityJwk = (await api.call('GET', '/v1/authority')).json.jwk;
const authorityFile = files.write('authority.jwk', JSON.stringify(authorityJwk));
for (const [kind, bytes] of [['document', documentBytes], ['signature-image', padImage]]) {
  const sealedPath = path.join(files.dir, `${kind}.sealed`);
  const sealing = offsign('seal-evidence', '--server-key', evidenceKey, '--authority', authorityFile, '--record-id', recordId, '--kind', kind,
    '--out', sealedPath, files.write(kind, bytes));
  assert.equal(sealing.status, 0, sealing.stdout);
  const sealed = readFileSync(sealedPath);
  const upload = await api.call('PATCH', `/v1/evidence/${recordId}/${kind}`, sealed, 'application/offset+octet-stream', {
    headers: { 'upload-offset': '0', 'upload-length': String(sealed.length), 'tus-resumable': '1.0.0' },
  });
  assert.equal(upload.status, 200, upload.text);
}

/** The console's bundle of record `id`, saved as `name`. */
async function consoleBundle(id, name) {
  const answer = await fetch(`${server.url}/admin/record/bundle?id=${encodeURIComponent(id)}`, { headers: { cookie: auditor.cookie } });
  assert.equal(answer.status, 200);
  return files.write(name, Buffer.from(await answer.arrayBuffer()));
}
const sound = await consoleBundle(recordId, 'sound.zip');

/** A copy of bundle `source` with entries replaced (`name: bytes`) or left out (`name: null`). */
function rezip(source, name, changes) {
  const args = Object.entries(changes).map(([entry, bytes]) => `${entry}=${bytes === null ? '' : files.write(`${name}-${entry.replace(/\//g, '_')}`, bytes)}`);
  const out = path.join(files.dir, name);
  const python = spawnSync('python3', [path.join(ROOT, 'tests/support/rezip.py'), source, out, ...args], { encoding: 'utf8' });
  assert.equal(python.status, 0, python.stderr);
  return out;
}

// The forgeries.
const altered = Buffer.from(documentBytes);
altered[100_000] ^= 1;
const alteredDocument = rezip(sound, 'altered-document.zip', { 'document/receipt-7.pdf': altered });
const stranger = await keyPair();
const soundReceipt = spawnSync('python3', ['-c', 'import sys,zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read("receipt.jws").decode())', sound], { encoding: 'utf8' }).stdout;
const forgedReceipt = rezip(sound, 'forged-receipt.zip', {
  'receipt.jws': await jws(stranger, JSON.parse(Buffer.from(soundReceipt.split('.')[0], 'base64url')).typ, jwsPayload(soundReceipt)),
});
const foreignAuthority = files.write('foreign.jwk', JSON.stringify(stranger.jwk));
// The courier's certificate is revoked; the bundle of the record signed before still holds up.
// A second record, signed after the revocation (the server refuses it), is packed with the
// authority's own signed word that the certificate was revoked.
server.admin('revoke', '--worker', 'courier-v', '--reason', 'superseded');
await new Promise((resolve) => setTimeout(resolve, 1_100));
const afterRevocation = await consoleBundle(recordId, 'after-revocation.zip');
const status = (await api.call('GET', `/v1/certificates/${courier.serial}`)).json;
const second = await record(courier, { seq: 2, prev: b64(sha256(first)), doc: documentBytes, name: 'receipt-7.pdf', type: 'application/pdf' });
assert.deepEqual(codes(await api.send([second])), ['cert_revoked_at_signing']);
const revokedBeforeSigning = rezip(sound, 'revoked-before-signing.zip', {
  'record.jws': second, 'previous-record.jws': first, 'certificate-status.jws': status.status,
  'receipt.jws': null, 'signature-image.png': null,
});

/** What each case should show: the verdict and the check that fails. */
const CASES = [
  { name: 'sound', file: sound, verdict: 'valid', stamped: true },
  { name: 'revoked after signing', file: afterRevocation, verdict: 'valid' },
  { name: 'altered document', file: alteredDocument, verdict: 'invalid', failing: 'document', reason: /digest|differ|not the/i },
  { name: 'foreign authority', file: sound, authority: foreignAuthority, verdict: 'invalid', failing: 'certificate', reason: /not signed by this authority/ },
  { name: 'revoked before signing', file: revokedBeforeSigning, verdict: 'invalid', failing: 'not_revoked', reason: /revoked/ },
  { name: 'forged receipt', file: forgedReceipt, verdict: 'invalid', failing: 'receipt', reason: /not signed by this authority/ },
];

test('the command line: the sound bundle passes every check; each forgery fails its own check, with a reason of its own', () => {
  const reasons = new Set();
  for (const c of CASES) {
    const run = offsign('verify-bundle', c.file, '--authority', c.authority ?? authorityFile);
    const report = JSON.parse(run.stdout);
    assert.equal(report.verdict, c.verdict, `${c.name}: ${run.stdout}`);
    assert.equal(run.status, c.verdict === 'valid' ? 0 : 1, c.name);
    if (c.failing) {
      const failed = report.checks.find((check) => check.check === c.failing);
      assert.equal(failed.outcome, 'fail', `${c.name}: ${run.stdout}`);
      assert.match(failed.detail, c.reason, c.name);
      reasons.add(`${c.failing}: ${failed.detail}`);
    } else {
      assert.deepEqual(report.checks.filter((check) => check.outcome !== 'pass'), [], c.name);
    }
    if (c.stamped) {
      assert.match(report.checks.find((check) => check.check === 'stamped_copy').detail, new RegExp(`first ${documentBytes.length} bytes are the signed document`));
    }
  }
  assert.equal(reasons.size, 4, [...reasons].join('\n'));
});

test('the verify page, in a fresh profile: online it pins the server\'s key; with the server gone it opens from its own cache and checks every bundle, uploading nothing', { timeout: 180_000 }, async () => {
  const profile = mkdtempSync(path.join(tmpdir(), 'offsign-verify-'));
  const chrome = await startChromium(profile);
  try {
    const page = await chrome.context.newPage();
    await page.setViewportSize(PHONE);
    const problems = [];
    page.on('pageerror', (e) => problems.push(e.message));
    const verifyPage = `${server.url}/verify/`;
    await page.goto(verifyPage);
    await page.waitForSelector('body[data-ready="true"]');
    assert.equal(await page.textContent('#offline-ready'), 'Works offline');
    const fetched = await page.textContent('#authority-fetched');
    assert.match(fetched, /was fetched from http:\/\/127\.0\.0\.1/);
    /** Verifies `file` on the page with `authority` pasted (or none); the report as shown. */
    const verifyOnPage = async (file, authority) => {
      await page.fill('#authority-jwk', authority ? readFileSync(authority, 'utf8') : '');
      await page.setInputFiles('#bundle-file', file);
      const sent = [];
      const onRequest = (r) => sent.push(`${r.method()} ${r.url()}`);
      page.on('request', onRequest);
      await page.click('#verify-form button[type=submit]');
      await page.waitForFunction(() => !document.getElementById('report').hidden || !document.getElementById('verify-problem').hidden);
      page.off('request', onRequest);
      assert.deepEqual(sent, [], 'verifying sends nothing anywhere');
      return page.evaluate(() => ({
        verdict: document.getElementById('report').hidden ? null : document.getElementById('report').dataset.verdict,
        problem: document.getElementById('verify-problem').hidden ? null : document.getElementById('verify-problem').dataset.code,
        authority: document.getElementById('report-authority').textContent,
        checks: Object.fromEntries([...document.querySelectorAll('#checks li')].map((li) => [li.dataset.check, { outcome: li.dataset.outcome, text: li.textContent }])),
      }));
    };

    // Online: the server's own key is fetched, shown and pinned.
    const online = await verifyOnPage(sound);
    assert.equal(online.verdict, 'valid');
    assert.match(online.authority, /the key of http:\/\/127\.0\.0\.1:\d+, the server that served this page, the key the bundle names\. It is the organisation's only if/);
    assert.ok(fetched.includes(online.authority.split(',')[0]), `${fetched} names the key used: ${online.authority}`);

    // The server goes away; the page reloads from its service worker's cache.
    await server.stop();
    serverStopped = true;
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    assert.match(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL), /\/verify\/sw\.js$/, "the page's own worker serves it");
    assert.equal(await page.isHidden('#authority-fetched'), true, 'no server, no fetched key');
    const unpinned = await verifyOnPage(sound);
    assert.equal(unpinned.verdict, 'valid');
    assert.match(unpinned.authority, /NOT pinned/);
    const reasons = new Set();
    for (const c of CASES) {
      const shown = await verifyOnPage(c.file, c.authority ?? authorityFile);
      assert.equal(shown.verdict, c.verdict, `${c.name}: ${JSON.stringify(shown)}`);
      assert.match(shown.authority, /, given by you/, c.name);
      assert.equal(Object.keys(shown.checks).length, 10, c.name);
      if (c.failing) {
        assert.equal(shown.checks[c.failing].outcome, 'fail', `${c.name}: ${JSON.stringify(shown.checks)}`);
        assert.match(shown.checks[c.failing].text, c.reason, c.name);
        reasons.add(shown.checks[c.failing].text);
        if (c.name === 'altered document') {
          mkdirSync(ARTIFACTS, { recursive: true });
          await page.screenshot({ path: path.join(ARTIFACTS, 'verify-phone-altered.png'), fullPage: true });
        }
      } else {
        assert.deepEqual(Object.values(shown.checks).filter((check) => check.outcome !== 'pass'), [], c.name);
      }
    }
    assert.equal(reasons.size, 4);
    // A file that is not a bundle, and a key that is not a JWK: a code, not a report.
    assert.equal((await verifyOnPage(files.write('not-a-bundle.zip', '%PDF-1.7 not a zip'), authorityFile)).problem, 'malformed_bundle');
    assert.equal((await verifyOnPage(sound, files.write('bad.jwk', 'not json'))).problem, 'malformed_jwk');
    assert.deepEqual(problems, []);
  } finally {
    await chrome.close();
  }
});
