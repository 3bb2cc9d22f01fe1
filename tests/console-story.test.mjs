// The console's whole story, in headless Chromium with a real server and the real field app:
// an administrator logs in and makes an enrollment code, shown with a link and a QR code; the
// field app opens the link straight into enrollment; offline, the worker signs, mistypes the
// PIN once and says so in the feedback form; back online the app syncs; the console shows the
// device (last heard from, version, status), the record and the failure report with the
// worker's words; the administrator revokes the worker; the app's next sync learns it and
// refuses to sign with cert_revoked; a webhook receiver got the failure and the revocation,
// signed. Every console page passes axe-core's checks, and is kept as a screenshot at desktop
// and tablet sizes (tests/artifacts/console-*.png). The app's Scan button reads a QR code
// where the browser has BarcodeDetector.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './support/browser.mjs';
import { accessibilityProblems } from './support/axe.mjs';
import { consoleClient } from './support/console.mjs';
import { startServer } from './support/server.mjs';
import { PIN, drawSignature, signAndWait } from './support/app.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ARTIFACTS = path.join(ROOT, 'tests/artifacts');
const DESKTOP = { width: 1280, height: 900 };
const TABLET = { width: 800, height: 1280 };
const PHONE = { width: 360, height: 740 };

let server;
let browser;
const received = [];
let receiver;
before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await startServer();
  browser = await launchChromium();
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => { received.push({ headers: req.headers, body }); res.writeHead(200).end(); });
  });
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
});
after(async () => {
  await browser?.close();
  receiver?.close();
  await server?.stop();
});

/** Checks the console page `page` is on with axe-core and keeps it at desktop and tablet sizes. */
async function checkPage(page, name) {
  assert.deepEqual(await accessibilityProblems(page), [], `${name}: accessibility`);
  for (const [size, viewport] of [['desktop', DESKTOP], ['tablet', TABLET]]) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: path.join(ARTIFACTS, `console-${name}-${size}.png`), fullPage: true });
  }
  await page.setViewportSize(DESKTOP);
}

test('enroll from the console by link, sign offline, fail once, sync; the console shows it all; revoke; the app refuses; webhooks told', { timeout: 240_000 }, async () => {
  const { request, account, login } = consoleClient(server);
  await account('ann', 'a long password for ann');
  const api = await login('ann', 'a long password for ann');
  const hook = await request('POST', '/admin/webhooks', {
    form: new URLSearchParams([['csrf', api.csrf], ['url', `http://127.0.0.1:${receiver.address().port}/offsign`], ['events', 'failure.new_code'], ['events', 'certificate.revoked']]),
    cookie: api.cookie, json: true,
  });
  assert.equal(hook.status, 200, hook.text);

  // The administrator, at a desk.
  const desk = await (await browser.newContext({ viewport: DESKTOP })).newPage();
  const violations = [];
  desk.on('console', (message) => { if (/Content Security Policy/i.test(message.text())) violations.push(message.text()); });
  await desk.goto(`${server.url}/admin/login`);
  await checkPage(desk, 'login');
  await desk.getByLabel('Name').fill('ann');
  await desk.getByLabel('Password').fill('a long password for ann');
  await desk.getByRole('button', { name: 'Log in' }).click();
  await desk.waitForURL(`${server.url}/admin`);
  await desk.getByLabel('Worker id').fill('sam-driver');
  await desk.getByRole('button', { name: 'Make an enrollment code' }).click();
  const code = (await desk.locator('.code output').textContent()).trim();
  const link = await desk.locator('a[href*="#enroll="]').getAttribute('href');
  assert.equal(link, `${server.url}/#enroll=${code}`);
  assert.equal(await desk.getByRole('img', { name: 'QR code of the enrollment link' }).count(), 1);
  await checkPage(desk, 'enrollment-code');

  // The worker's phone opens the link: straight into enrollment, the code filled in, and gone
  // from the address bar.
  const phone = await browser.newContext({ viewport: PHONE });
  const app = await phone.newPage();
  await app.goto(link);
  await app.waitForSelector('#enroll:not([hidden])');
  assert.equal(await app.inputValue('input[name=code]'), code);
  assert.equal(new URL(app.url()).hash, '#enroll');
  await app.fill('input[name=label]', 'Sam Driver');
  await app.fill('input[name=pin]', PIN);
  await app.fill('input[name=pin2]', PIN);
  await app.click('#enroll-form button[type=submit]');
  await app.waitForSelector('#sign:not([hidden])');
  await app.waitForFunction(() => navigator.serviceWorker.controller !== null);

  // Offline: a signature, a wrong PIN, and the worker's words about it.
  await phone.setOffline(true);
  await app.fill('input[name=recipient]', 'Mia Field');
  await app.fill('input[name=reference]', 'ORDER-55');
  const recordId = await signAndWait(app);
  await app.reload();
  await app.waitForSelector('#unlock:not([hidden])');
  await app.fill('#unlock-form input[name=pin]', '000000');
  await app.click('#unlock-form button[type=submit]');
  await app.waitForFunction(() => document.querySelector('#unlock-form .form-problem').textContent.includes('wrong_pin'));
  await app.fill('#unlock-form input[name=pin]', PIN);
  await app.click('#unlock-form button[type=submit]');
  await app.waitForSelector('#sign:not([hidden])');
  await app.goto(`${server.url}/#health`);
  await app.waitForSelector('#health:not([hidden])');
  await app.fill('#feedback-form textarea[name=comment]', 'I typed my old PIN');
  await app.click('#feedback-form button[type=submit]');
  await app.waitForSelector('#feedback-done:not([hidden])');

  // Back online: the app syncs.
  await phone.setOffline(false);
  await app.goto(`${server.url}/#outbox`);
  await app.waitForSelector('#outbox:not([hidden])');
  await app.click('#sync-now');
  await app.waitForSelector('#records li.accepted[data-shown=sent]');

  // The console shows the device, the record and the failure with the worker's words.
  await desk.getByRole('link', { name: 'Devices' }).click();
  const deviceRow = desk.locator('tbody tr', { hasText: 'sam-driver' });
  assert.match(await deviceRow.textContent(), /0\.2\.0/, 'the app version of the status');
  await checkPage(desk, 'devices');
  await deviceRow.getByRole('link').first().click();
  assert.match(await desk.locator('main').textContent(), /Last status, received/);
  await checkPage(desk, 'device');
  await desk.getByRole('link', { name: 'Records', exact: true }).click();
  await desk.getByLabel('Document name or reference begins with').fill('order-55');
  await desk.getByRole('button', { name: 'Search' }).click();
  await desk.getByRole('link', { name: /^\d{4}-/ }).first().click();
  assert.match(desk.url(), new RegExp(`id=${recordId}`));
  assert.match(await desk.locator('main').textContent(), /valid: signed by the certified key/);
  await checkPage(desk, 'record');
  await desk.getByRole('link', { name: 'Records', exact: true }).click();
  await checkPage(desk, 'records');
  await desk.getByRole('link', { name: 'Failure reports' }).click();
  const report = desk.locator('article', { hasText: 'wrong_pin' });
  assert.match(await report.textContent(), /I typed my old PIN/);
  await checkPage(desk, 'reports');
  await desk.getByRole('link', { name: 'Overview' }).click();
  await checkPage(desk, 'overview');
  for (const [name, title] of [['gaps', 'Chain gaps'], ['forms', 'Forms'], ['webhooks', 'Webhooks'], ['audit', 'Audit log'], ['workers', 'Workers']]) {
    await desk.getByRole('link', { name: title, exact: true }).click();
    await checkPage(desk, name);
  }

  // Revoked in the console: the app's next sync learns it and refuses to sign.
  await desk.getByRole('link', { name: 'sam-driver' }).click();
  await checkPage(desk, 'worker');
  await desk.locator('#reason-all').selectOption('superseded');
  await desk.getByRole('button', { name: 'Revoke every certificate of sam-driver' }).click();
  await desk.waitForURL(/\/admin\/worker\?id=sam-driver$/);
  await app.evaluate(() => { document.querySelector('#sync-result').textContent = ''; });
  await app.click('#sync-now');
  await app.waitForFunction(() => document.querySelector('#sync-result').textContent !== '' && !/…$/.test(document.querySelector('#sync-result').textContent));
  await app.goto(`${server.url}/#sign`);
  await app.waitForSelector('#sign:not([hidden])');
  await app.fill('input[name=recipient]', 'Too late');
  await drawSignature(app);
  await app.click('#sign-form button[type=submit]');
  await app.waitForFunction(() => document.querySelector('#sign-problem').textContent.includes('cert_revoked'));

  // The webhook receiver got the failure and the revocation, signed with the secret.
  const secret = Buffer.from(hook.json.secret.slice('whsec_'.length), 'base64');
  for (let i = 0; i < 100 && received.length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 200));
  const events = received.map(({ headers, body }) => {
    const expected = createHmac('sha256', secret).update(`${headers['webhook-id']}.${headers['webhook-timestamp']}.${body}`).digest('base64');
    assert.equal(headers['webhook-signature'], `v1,${expected}`);
    return JSON.parse(body);
  });
  assert.deepEqual(events.map((e) => e.type).sort(), ['certificate.revoked', 'failure.new_code']);
  assert.equal(events.find((e) => e.type === 'failure.new_code').data.code, 'wrong_pin');
  assert.deepEqual(violations, [], 'no page broke the CSP');
  await phone.close();
});

test("the app's Scan button reads the enrollment QR code with the camera where the browser has BarcodeDetector", { timeout: 120_000 }, async () => {
  const context = await browser.newContext({ viewport: PHONE });
  // Chromium on Linux has no BarcodeDetector and this machine no camera: both are stood in
  // for, as a phone's would answer (a camera stream, a detector that sees the console's link).
  await context.addInitScript(() => {
    globalThis.BarcodeDetector = class {
      constructor(options) { globalThis.detectorFormats = options.formats; }
      async detect(video) {
        if (!(video instanceof HTMLVideoElement) || !video.srcObject) return [];
        globalThis.looks = (globalThis.looks ?? 0) + 1;
        return globalThis.looks < 3 ? [] : [{ rawValue: `${location.origin}/#enroll=ABCD-EFGH-JKMN`, format: 'qr_code' }];
      }
    };
    navigator.mediaDevices.getUserMedia = async () => {
      const canvas = document.createElement('canvas');
      canvas.getContext('2d').fillRect(0, 0, 10, 10);
      globalThis.cameraStream = canvas.captureStream(5);
      return globalThis.cameraStream;
    };
  });
  const app = await context.newPage();
  await app.goto(`${server.url}/`);
  await app.waitForSelector('#enroll:not([hidden])');
  await app.getByRole('button', { name: 'Scan the QR code' }).click();
  await app.waitForFunction(() => document.querySelector('input[name=code]').value !== '');
  assert.equal(await app.inputValue('input[name=code]'), 'ABCD-EFGH-JKMN');
  assert.deepEqual(await app.evaluate(() => globalThis.detectorFormats), ['qr_code']);
  assert.equal(await app.evaluate(() => globalThis.cameraStream.getTracks().every((t) => t.readyState === 'ended')), true, 'the camera is turned off');
  assert.equal(await app.isHidden('#camera'), true);
  await context.close();
});

test('the console works from the keyboard alone: log in, move through the navigation, search, and see where the focus is', { timeout: 60_000 }, async () => {
  const { account } = consoleClient(server);
  await account('kim', 'a long keyboard password');
  const page = await (await browser.newContext({ viewport: DESKTOP })).newPage();
  await page.goto(`${server.url}/admin/login`);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.name), 'name', 'the first stop is the name');
  await page.keyboard.type('kim');
  await page.keyboard.press('Tab');
  await page.keyboard.type('a long keyboard password');
  await page.keyboard.press('Enter');
  await page.waitForURL(`${server.url}/admin`);
  // Through the navigation by Tab: each link named, and marked where the focus is.
  const stops = [];
  for (let i = 0; i < 10; i++) {
    await page.keyboard.press('Tab');
    stops.push(await page.evaluate(() => ({ text: document.activeElement.textContent.trim(), outline: getComputedStyle(document.activeElement).outlineStyle })));
  }
  assert.deepEqual(stops.map((s) => s.text), ['Overview', 'Workers', 'Devices', 'Records', 'Failure reports', 'Chain gaps', 'Forms', 'Webhooks', 'Audit log', 'Log out']);
  assert.ok(stops.every((s) => s.outline !== 'none'), 'a visible focus ring on each');
  // To the records by keyboard, then a search typed and sent with Enter.
  await page.keyboard.press('Shift+Tab'); // Audit log
  for (let i = 0; i < 5; i++) await page.keyboard.press('Shift+Tab'); // back to Records
  assert.equal(await page.evaluate(() => document.activeElement.textContent.trim()), 'Records');
  await page.keyboard.press('Enter');
  await page.waitForURL(`${server.url}/admin/records`);
  await page.keyboard.press('Tab'); // past the navigation to the first field
  while (await page.evaluate(() => document.activeElement.name !== 'worker')) await page.keyboard.press('Tab');
  await page.keyboard.type('sam-driver');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/admin\/records\?worker=sam-driver/);
});
