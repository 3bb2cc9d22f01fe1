// The worker's daily flow in the field app (www/), against a real offsign-server, in headless
// Chromium at phone and tablet sizes: a record signed online is sent at once and the screen
// says "Sent ✓"; closed right after signing, the record still arrives (Background Sync, with
// the page's own request cut on the way), with its document and pad image; the form refuses, next to the cause, to sign what
// it requires and lacks; Enter never signs; a failing location is said; the pad goes full
// screen and to the customer, who cannot leave it; the outbox is readable and opens each
// record; every screen from the keyboard alone. Screenshots go to tests/artifacts/field-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, httpProxy, launchChromium } from './support/browser.mjs';
import { startServer, sql } from './support/server.mjs';
import { offsign, scratch } from './support/cli.mjs';
import { ARTIFACTS, PHONE, TABLET, PIN, drawSignature, enrollThroughTheApp, openApp, signAndWait } from './support/app.mjs';
import { accessibilityProblems } from './support/axe.mjs';

let browser;

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launchChromium();
});
after(async () => { await browser.close(); });

/** A fresh profile on the app at `url`, enrolled. */
async function enrolledApp(server, { url = server.url, name = 'Ann Field', ...options } = {}) {
  const opened = await openApp(browser, url, options);
  await enrollThroughTheApp(opened.page, server, { name });
  return opened;
}

/** The server's records, as [id, recipient, reference]. */
function storedRecords(server) {
  return sql(server.db, 'SELECT id, jws FROM records ORDER BY seq').map(([id, jws]) => {
    const { claims } = JSON.parse(Buffer.from(jws.split('.')[1], 'base64url'));
    return [id, claims.recipient ?? null, claims.reference ?? null];
  });
}

/** The records on the device of `page` (through the app's Device). */
function deviceRecords(page) {
  return page.evaluate(async () => {
    const { Device } = await import('/pkg/offsign.js');
    const device = await Device.open();
    try {
      const [identity] = (await device.identities()).filter((i) => i.enrolled);
      return (await device.records(identity.kid, { limit: 1000 })).map((r) => r.state);
    } finally {
      device.free();
    }
  });
}

test('signed online: the result turns to "Sent ✓" at once, and the server has the record', { timeout: 120_000 }, async () => {
  const server = await startServer();
  try {
    const { context, page, problems } = await enrolledApp(server);
    await page.fill('input[name=recipient]', 'J. Smith');
    await page.fill('input[name=reference]', 'DN-118');
    await drawSignature(page);
    const tapped = Date.now();
    await page.click('#sign-button');
    await page.waitForSelector('#signed:not([hidden])');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'signed-title', 'focus on the result');
    assert.match(await page.textContent('#signed-what'), /^Delivery receipt · J\. Smith · DN-118$/);
    await page.waitForFunction(() => document.querySelector('#signed-state').dataset.state === 'accepted', null, { timeout: 10_000 });
    const seconds = (Date.now() - tapped) / 1000;
    assert.match(await page.textContent('#signed-state'), /^Sent ✓ — the server has it; its receipt is kept on this device\.$/);
    assert.deepEqual(storedRecords(server).map(([, r, ref]) => [r, ref]), [['J. Smith', 'DN-118']]);
    assert.ok(seconds < 10, `sent within seconds (${seconds} s), not at the next timer`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'field-phone-sent.png') });
    assert.deepEqual(problems, []);
    await context.close();
  } finally {
    await server.stop();
  }
});

test('signed online and the app closed at once: Background Sync delivers the record and its evidence with no page open, while the first request of the page was cut', { timeout: 180_000 }, async () => {
  const server = await startServer();
  // The page's first POST /v1/records loses its body on the way: the server never gets it,
  // and the page is closed before it could try again.
  let cut = 0;
  const proxy = await httpProxy(new URL(server.url).port, {
    intercept: (request) => (request.method === 'POST' && request.path === '/v1/records' && cut++ === 0 ? { cutBodyAt: 10 } : undefined),
  });
  try {
    const { context, page } = await enrolledApp(server, { url: proxy.url, permissions: ['background-sync'] });
    await page.waitForFunction(() => !!navigator.serviceWorker.controller);
    const posts = [];
    context.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/v1/records') posts.push(request.serviceWorker()?.url() ?? 'page');
    });
    await page.fill('input[name=recipient]', 'K. Jones');
    await drawSignature(page);
    await page.click('#sign-button');
    await page.waitForSelector('#signed:not([hidden])');
    const id = await page.textContent('#signed-id');
    for (const end = Date.now() + 10_000; !cut && Date.now() < end;) await new Promise((r) => setTimeout(r, 50));
    assert.equal(cut, 1, "the page's own send was under way, and cut");
    await page.close();
    assert.equal(context.pages().length, 0, 'the app is closed');
    for (const end = Date.now() + 60_000; !storedRecords(server).length && Date.now() < end;) await new Promise((r) => setTimeout(r, 250));
    assert.deepEqual(storedRecords(server).map(([stored]) => stored), [id], 'the server has the record');
    // And its evidence, sent by the same sync with the worker's key locked away: the receipt's
    // JSON document and the pad's image, sealed to the server's key pinned at enrollment.
    const evidence = () => sql(server.db, `SELECT kind FROM evidence WHERE record_id = '${id}' ORDER BY kind`).flat();
    for (const end = Date.now() + 30_000; evidence().length < 2 && Date.now() < end;) await new Promise((r) => setTimeout(r, 250));
    assert.deepEqual(evidence(), ['document', 'signature-image'], 'the evidence reached the server too');
    assert.equal(context.pages().length, 0, 'with no page of the app open');
    assert.ok(posts.includes(`${proxy.url}/sw.js`), `sent by the app's service worker: ${JSON.stringify(posts)}`);
    await context.close();
  } finally {
    await proxy.close();
    await server.stop();
  }
});

test('the form refuses, next to the cause, what it requires and lacks; Enter never signs; a failing location is said', { timeout: 120_000 }, async () => {
  const server = await startServer();
  try {
    const { context, page } = await enrolledApp(server);
    // An empty form: the recipient and the signature are marked, focus on the first.
    await page.click('#sign-button');
    await page.waitForSelector('#sign-problem:not([hidden])');
    assert.match(await page.textContent('#sign-problem'), /^Not signed: 2 parts of the form need you \(marked above\)\.Code for support: form_incomplete$/);
    assert.equal(await page.textContent('#field-recipient-error'), 'Fill in: Recipient.');
    assert.equal(await page.textContent('#pad-error'), 'The customer has not signed yet: ask them to sign on the pad.');
    assert.equal(await page.getAttribute('input[name=recipient]', 'aria-invalid'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement.name), 'recipient');
    // The messages are next to their fields and the button (within a screen's height of it).
    const near = await page.evaluate(() => {
      const top = (id) => document.getElementById(id).getBoundingClientRect().top;
      return { recipient: top('field-recipient-error') - document.querySelector('input[name=recipient]').getBoundingClientRect().bottom, button: top('sign-button') - document.getElementById('sign-problem').getBoundingClientRect().bottom };
    });
    assert.ok(near.recipient >= -1 && near.recipient < 30, `the recipient's message is under its field (${near.recipient} px)`);
    assert.ok(near.button >= 0 && near.button < 30, `the form's message is just above the Sign button (${near.button} px)`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'field-phone-incomplete.png'), fullPage: true });

    // A recipient but no signature: only the pad is marked.
    await page.fill('input[name=recipient]', 'J. Smith');
    await page.click('#sign-button');
    await page.waitForFunction(() => !document.querySelector('#pad-error').hidden && document.querySelector('#field-recipient-error').hidden);
    assert.match(await page.textContent('#sign-problem'), /^Not signed: 1 part of the form needs you/);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'pad-error', 'focus on the message by the pad');

    // Enter in the Reference field moves on and signs nothing, even with the form complete.
    await drawSignature(page);
    await page.fill('input[name=reference]', 'DN-7');
    await page.focus('input[name=reference]');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.name), 'notes', 'Enter moved to the next field');
    await page.focus('input[name=recipient]');
    await page.keyboard.press('Enter');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await page.isHidden('#signed'), true, 'nothing was signed');
    assert.deepEqual(await deviceRecords(page), []);

    // "Add my location" ticked, and the browser refuses it: said by the box, nothing signed.
    await page.check('input[name=location]');
    await page.click('#sign-button');
    await page.waitForSelector('#field-location-error:not([hidden])', { timeout: 60_000 });
    assert.match(await page.textContent('#field-location-error'), /^Your location could not be found \((this app may not use your location|no position within 15 seconds)\)\. Try again outdoors, or untick "Add my location" to sign without it\.$/);
    assert.match(await page.textContent('#sign-problem'), /Code for support: location_unavailable$/);
    assert.deepEqual(await deviceRecords(page), []);
    assert.deepEqual(storedRecords(server), []);

    // Allowed, it is signed with the position.
    await context.grantPermissions(['geolocation']);
    await context.setGeolocation({ latitude: 51.5072, longitude: -0.1276, accuracy: 12 });
    await page.click('#sign-button');
    await page.waitForSelector('#signed:not([hidden])');
    await page.waitForFunction(() => document.querySelector('#signed-state').dataset.state === 'accepted', null, { timeout: 10_000 });
    const [[jws]] = sql(server.db, 'SELECT jws FROM records');
    const { claims } = JSON.parse(Buffer.from(jws.split('.')[1], 'base64url'));
    assert.deepEqual(claims.location, { lat: 51.5072, lon: -0.1276, accuracyM: 12 });
    assert.equal(claims.reference, 'DN-7');
    await context.close();
  } finally {
    await server.stop();
  }
});

test('the office requires a photo and the location: the next version of its form reaches the app at sync, both are marked, nothing is signed without them', { timeout: 120_000 }, async () => {
  const server = await startServer();
  try {
    const { context, page } = await enrolledApp(server);
    const receipt = JSON.parse(readFileSync(path.join(ROOT, 'server/forms/delivery-receipt.json'), 'utf8'));
    for (const field of receipt.fields) if (['photo', 'location'].includes(field.type)) field.required = true;
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'offsign-form-')), 'receipt.json');
    writeFileSync(file, JSON.stringify(receipt));
    assert.equal(server.admin('form', 'add', '--file', file).version, 2);
    await page.click('a[href="#outbox"]');
    await page.click('#sync-now');
    await page.waitForFunction(() => /New forms from the office are ready to sign\./.test(document.querySelector('#sync-result').textContent));
    await page.click('a[href="#sign"]');
    await page.waitForFunction(() => document.querySelector('.required-mark[data-requires=location]:not([hidden])'));
    const marks = await page.$$eval('.required-mark', (all) => all.filter((m) => !m.hidden).map((m) => m.dataset.requires));
    assert.deepEqual(marks.sort(), ['location', 'photo', 'recipient', 'signature']);
    assert.deepEqual(await page.$eval('input[name=location]', (box) => [box.checked, box.disabled]), [true, true], 'the location cannot be unticked');
    await page.fill('input[name=recipient]', 'J. Smith');
    await drawSignature(page);
    await page.click('#sign-button');
    await page.waitForSelector('#file-error:not([hidden])');
    assert.equal(await page.textContent('#file-error'), 'Take a photo or pick the document: this form needs one.');
    const photo = path.join(mkdtempSync(path.join(tmpdir(), 'offsign-photo-')), 'parcel.png');
    writeFileSync(photo, Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64'));
    await page.setInputFiles('input[name=file]', photo);
    await page.click('#sign-button');
    await page.waitForSelector('#field-location-error:not([hidden])', { timeout: 60_000 });
    assert.match(await page.textContent('#field-location-error'), /^Your location could not be found \((this app may not use your location|no position within 15 seconds)\), and this form needs it\. Allow location for this app, and try again outdoors\.$/);
    assert.deepEqual(await deviceRecords(page), []);
    await context.close();
  } finally {
    await server.stop();
  }
});

test('the app in Arabic: the device\'s language, laid out right to left, the office\'s form and a real failure\'s remedy in Arabic; the switch brings English back and is kept', { timeout: 120_000 }, async () => {
  const { FluentBundle, FluentResource } = await import(path.join(ROOT, 'www/vendor/fluent.js'));
  // As the app formats Arabic: Western digits, as its catalog writes them.
  const arabic = new FluentBundle('ar-u-nu-latn', { useIsolating: false });
  arabic.addResource(new FluentResource(readFileSync(path.join(ROOT, 'www/locales/ar.ftl'), 'utf8')));
  const say = (id, args) => arabic.formatPattern(arabic.getMessage(id).value, args);
  const server = await startServer();
  try {
    const { context, page, problems } = await openApp(browser, server.url, { locale: 'ar-EG' });
    assert.deepEqual(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir]), ['ar', 'rtl']);
    assert.equal(await page.textContent('#enroll-title'), say('enroll-title'));
    assert.equal(await page.inputValue('#language'), 'ar');
    await enrollThroughTheApp(page, server, { name: 'Ann Field' });
    assert.equal(await page.textContent('#form-title'), 'إيصال التسليم', "the office's form, in Arabic");
    assert.equal(await page.textContent('#sign-button'), say('sign-button'));
    // Laid out right to left: the Sign button's text starts at the right.
    const align = await page.$eval('#sign-title', (h) => getComputedStyle(h).direction);
    assert.equal(align, 'rtl');

    // Health words what the device found in Arabic too: the days the certificate has left.
    await page.click('nav a[href="#health"]');
    await page.waitForSelector('#checks li', { state: 'attached' });
    const certificate = (await page.locator('#checks li').allTextContents()).find((c) => c.includes('Ann Field'));
    assert.ok([364, 365].some((days) => certificate.includes(say('dev-days-left', { days }))), certificate);
    await page.click('nav a[href="#sign"]');

    // A real failure: a wrong PIN. Its remedy, in Arabic, says how many tries are left, as
    // the device's English does (not only the error table's general remedy).
    await page.click('#switch-worker');
    await page.waitForSelector('#unlock:not([hidden])');
    await page.fill('#unlock-form input[name=pin]', '000000');
    await page.click('#unlock-form button[type=submit]');
    await page.waitForSelector('#unlock-form .form-problem:not([hidden])');
    const remedy = say('dev-wrong-pin-tries-left', { tries: 4 });
    assert.match(remedy, /4/);
    assert.equal(await page.textContent('#unlock-form .form-problem .remedy'), remedy);
    assert.equal(await page.textContent('#unlock-form .form-problem .support-code'), say('support-code', { code: 'wrong_pin' }));
    assert.equal(await page.textContent('#unlock-pin-error'), remedy, 'next to the PIN too');
    assert.deepEqual(await accessibilityProblems(page), [], 'the Arabic screen passes the accessibility check');
    await page.screenshot({ path: path.join(ARTIFACTS, 'field-phone-arabic.png') });

    // The switch: English, left to right, and kept across a reload.
    await page.locator('#language').selectOption('en');
    await page.waitForFunction(() => document.documentElement.dir === 'ltr');
    assert.equal(await page.textContent('#unlock-title'), 'Unlock');
    await page.reload();
    await page.waitForSelector('body[data-ready]');
    assert.deepEqual(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir]), ['en', 'ltr'], 'the choice is kept');
    assert.deepEqual(problems, []);
    await context.close();
  } finally {
    await server.stop();
  }
});

test('practice mode: a practice identity signs the whole flow and meets each staged failure with its remedy, every screen says practice, and nothing reaches the server', { timeout: 180_000 }, async () => {
  const server = await startServer();
  try {
    const { context, page, problems } = await openApp(browser, server.url);
    await page.getByRole('link', { name: 'Practice first' }).click();
    await page.waitForURL(/\?practice/);
    await page.waitForSelector('body[data-ready]');
    // From here on (the real app's page, which asked the server for nothing but the time, is gone).
    const requests = [];
    context.on('request', (request) => { if (new URL(request.url()).pathname.startsWith('/v1/')) requests.push(request.url()); });
    assert.equal(await page.textContent('#enroll-title'), 'Practice: choose a name and a PIN');
    assert.equal(await page.isVisible('input[name=code]'), false, 'no code in practice');
    await page.fill('input[name=label]', 'Pat Trainee');
    await page.fill('input[name=pin]', PIN);
    await page.fill('input[name=pin2]', PIN);
    await page.click('#enroll-form button[type=submit]');
    await page.waitForSelector('#sign:not([hidden])');
    assert.equal(await page.isVisible('#form-choice'), false, "the app's own form alone: no picker");
    // The guided first run, until the worker has read it.
    assert.equal(await page.isVisible('#first-run'), true);
    await page.click('#first-run-done');
    assert.equal(await page.isVisible('#first-run'), false);

    // A practice signature goes through the whole flow, and stays on the device.
    const practiced = await signAndWait(page, { recipient: 'Sample customer' });
    // Each staged failure: the device's own refusal (or, for a full disk, the one it would
    // raise), with its code and its remedy; nothing is signed.
    const remedies = Object.fromEntries((await page.evaluate(async () => (await import('/pkg/error_table.js')).ERROR_TABLE)).map((c) => [c.code, c.remedy]));
    for (const [stage, code] of [['expired', 'cert_expired'], ['revoked', 'cert_revoked'], ['clock', 'cert_not_yet_valid'], ['storage', 'storage_full']]) {
      await page.locator('#practice-stage').selectOption(stage);
      await page.waitForTimeout(300);
      await page.fill('input[name=recipient]', `Staged: ${stage}`);
      if (await page.evaluate(() => document.querySelector('#preview-text').textContent.includes('"handwrittenSignature": "none"'))) await drawSignature(page);
      await page.click('#sign-button');
      await page.waitForFunction((c) => document.querySelector('#sign-problem').textContent.includes(c), `Code for support: ${code}`);
      const shown = await page.textContent('#sign-problem .remedy');
      assert.ok(shown.length > 20, `${stage}: a remedy is shown (${shown})`);
      if (code === 'storage_full') assert.equal(shown, remedies.storage_full);
      await page.screenshot({ path: path.join(ARTIFACTS, `field-phone-practice-${stage}.png`) });
    }
    // Offline, practice still stages its problems: the primitives' wasm it loaded on first use
    // (the real app never needs it in the page) is kept by the service worker.
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.waitForFunction(async () => Boolean(await caches.match('/pkg/offsign_core_bg.wasm')), null, { timeout: 10_000 });
    await context.setOffline(true);
    await page.reload();
    await page.waitForSelector('body[data-ready]');
    await page.waitForSelector('#unlock:not([hidden])');
    await page.fill('#unlock-form input[name=pin]', PIN);
    await page.click('#unlock-form button[type=submit]');
    await page.waitForSelector('#sign:not([hidden])');
    await page.locator('#practice-stage').selectOption('revoked');
    await page.waitForTimeout(300);
    await page.fill('input[name=recipient]', 'Staged offline');
    if (await page.evaluate(() => document.querySelector('#preview-text').textContent.includes('"handwrittenSignature": "none"'))) await drawSignature(page);
    await page.click('#sign-button');
    await page.waitForFunction(() => document.querySelector('#sign-problem').textContent.includes('Code for support: cert_revoked'));
    await context.setOffline(false);
    await page.evaluate(() => scrollTo(0, 0));
    await page.screenshot({ path: path.join(ARTIFACTS, 'field-phone-practice.png') });
    await page.locator('#practice-stage').selectOption('');
    assert.equal(await page.isVisible('#practice-banner'), true);
    assert.deepEqual(await accessibilityProblems(page), [], 'the practice screen passes the accessibility check');
    for (const screen of ['outbox', 'health', 'help']) {
      await page.click(`nav a[href="#${screen}"]`);
      await page.waitForSelector(`#${screen}:not([hidden])`);
      assert.equal(await page.isVisible('#practice-banner'), true, `${screen} says it is practice`);
    }
    await page.click('nav a[href="#outbox"]');
    await page.waitForSelector(`#records li[data-id="${practiced}"]`);
    await page.click('#sync-now');
    assert.equal(await page.textContent('#sync-result'), 'Practice: nothing is sent to the office. Leave practice to send real records.');

    // Nothing reached the server, and the real app is as it was: not set up.
    assert.deepEqual(requests, [], 'no request to the API from practice');
    for (const table of ['records', 'reports', 'devices', 'device_statuses', 'certificates']) assert.deepEqual(sql(server.db, `SELECT count(*) FROM ${table}`), [[0]], table);
    await page.click('#practice-banner a');
    await page.waitForSelector('#enroll:not([hidden])');
    assert.equal(await page.isVisible('#practice-banner'), false);
    assert.equal(await page.isVisible('input[name=code]'), true);
    assert.deepEqual(problems, []);
    await context.close();
  } finally {
    await server.stop();
  }
});

test('the pad full screen, and handed to the customer: only the summary and the pad, back only through the worker', { timeout: 120_000 }, async () => {
  const server = await startServer();
  try {
    const { context, page } = await enrolledApp(server);
    // On a phone the pad is large enough to sign on, and sharp (drawn at the screen's density).
    const pad = await page.$eval('#pad', (c) => ({ width: c.getBoundingClientRect().width, height: c.getBoundingClientRect().height, pixels: c.width }));
    assert.ok(pad.width >= 320 && pad.height >= 150, `pad ${pad.width}×${pad.height}`);
    // A drawing survives the box changing and changing back (full screen and out) unchanged.
    const inked = () => page.$eval('#pad', (c) => c.getContext('2d').getImageData(0, 0, c.width, c.height).data.filter((v, i) => i % 4 === 3 && v > 0).length);
    await drawSignature(page);
    const before = await inked();
    await page.click('#pad-full');
    await page.click('#pad-full');
    await page.waitForTimeout(100);
    assert.equal(await inked(), before, 'the same drawing after full screen and back');
    await page.click('#pad-clear');
    await page.click('#pad-full');
    const full = await page.$eval('#pad', (c) => c.getBoundingClientRect().height);
    assert.ok(full > 400, `full screen: the pad fills the screen (${full} px high)`);
    await drawSignature(page);
    await page.screenshot({ path: path.join(ARTIFACTS, 'field-phone-pad-full.png') });
    await page.click('#pad-full');
    assert.equal(await page.textContent('#preview-text').then((t) => t.includes('"handwrittenSignature": "drawn')), true, 'the drawing is kept');
    await page.click('#pad-clear');

    await page.fill('input[name=recipient]', 'J. Smith');
    await page.fill('input[name=reference]', 'DN-42');
    assert.equal(await page.textContent('#pad-name'), 'Signed by J. Smith', "the signer's name under the line");
    await page.click('#handoff');
    assert.match(await page.textContent('#handoff-summary'), /Please sign for:Delivery receipt · J\. Smith · DN-42/);
    for (const hidden of ['nav', 'header', '#sign-button', 'input[name=recipient]']) assert.equal(await page.isVisible(hidden), false, `${hidden} is out of sight`);
    assert.equal(await page.evaluate(() => document.querySelector('nav').inert && document.querySelector('#sign-button').inert), true, 'and out of reach');
    // Neither a link nor the Back button leaves it.
    await page.evaluate(() => { location.hash = '#outbox'; });
    await page.waitForFunction(() => location.hash === '#sign');
    assert.equal(await page.isVisible('#pad'), true);
    assert.equal(await page.isHidden('#outbox'), true);
    await drawSignature(page);
    await page.screenshot({ path: path.join(ARTIFACTS, 'field-phone-handoff.png') });
    // A tap is not enough: it asks for the worker's PIN; a wrong one keeps the customer's view.
    await page.click('#handback-hold');
    await page.waitForSelector('#handback-form:not([hidden])');
    await page.fill('#handback-form input[name=pin]', '000000');
    await page.click('#handback-form button[type=submit]');
    await page.waitForSelector('#handback-pin-error:not([hidden])');
    assert.equal(await page.evaluate(() => document.body.classList.contains('handoff')), true, 'still with the customer');
    await page.fill('#handback-form input[name=pin]', PIN);
    await page.click('#handback-form button[type=submit]');
    await page.waitForFunction(() => !document.body.classList.contains('handoff'));
    assert.equal(await page.isVisible('nav'), true);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'sign-button', 'the worker is back at the Sign button');
    // The other way back: a long press.
    await page.click('#handoff');
    const hold = await page.locator('#handback-hold').boundingBox();
    await page.mouse.move(hold.x + 10, hold.y + 10);
    await page.mouse.down();
    await new Promise((r) => setTimeout(r, 1_300));
    await page.mouse.up();
    await page.waitForFunction(() => !document.body.classList.contains('handoff'));
    assert.equal(await page.isHidden('#handback-form'), true, 'the view is back after a long press');
    // But the key was locked while the customer held the device: signing asks for the PIN.
    await page.click('#sign-button');
    await page.waitForSelector('#unlock:not([hidden])');
    await page.fill('#unlock-form input[name=pin]', PIN);
    await page.click('#unlock-form button[type=submit]');
    await page.waitForSelector('#sign:not([hidden])');
    assert.equal(await page.inputValue('input[name=reference]'), 'DN-42', 'the form as it was');
    // Changed after the customer signed: refused, the customer signs again.
    await page.fill('input[name=reference]', 'DN-43');
    await page.click('#sign-button');
    await page.waitForSelector('#pad-error:not([hidden])');
    assert.match(await page.textContent('#pad-error'), /^The form changed after the customer signed/);
    assert.match(await page.textContent('#preview-text'), /"handwrittenSignature": "none"/, 'their signature is gone');
    await page.click('#handoff');
    await drawSignature(page);
    await page.click('#handback-hold');
    await page.fill('#handback-form input[name=pin]', PIN);
    await page.click('#handback-form button[type=submit]');
    await page.waitForFunction(() => !document.body.classList.contains('handoff'));
    await page.click('#sign-button');
    await page.waitForSelector('#signed:not([hidden])');
    const [[jws]] = await (async () => {
      for (let i = 0; i < 40 && !sql(server.db, 'SELECT count(*) FROM records')[0][0]; i++) await new Promise((r) => setTimeout(r, 250));
      return sql(server.db, 'SELECT jws FROM records');
    })();
    assert.match(JSON.parse(Buffer.from(jws.split('.')[1], 'base64url')).claims.signatureImage.sha256, /^[\w-]{43}$/, "the customer's drawing was signed");
    await context.close();
  } finally {
    await server.stop();
  }
});

test('the outbox reads as what was signed; a row opens with its receipt and saves its evidence bundle; search by reference; "Send now" says what it did', { timeout: 180_000 }, async () => {
  const server = await startServer();
  try {
    const { context, page } = await enrolledApp(server, { viewport: TABLET });
    const sent = [];
    for (const [recipient, reference] of [['J. Smith', 'DN-118'], ['K. Jones', 'DN-119']]) {
      await page.fill('input[name=recipient]', recipient);
      await page.fill('input[name=reference]', reference);
      sent.push(await signAndWait(page));
    }
    await page.waitForFunction(() => true);
    for (let i = 0; i < 40 && storedRecords(server).length < 2; i++) await new Promise((r) => setTimeout(r, 250));
    // Offline: a third one waits, and says so in words.
    await context.setOffline(true);
    await page.fill('input[name=recipient]', 'L. Brown');
    await page.fill('input[name=reference]', 'PU-5');
    await drawSignature(page);
    await page.click('#sign-button');
    await page.waitForSelector('#signed:not([hidden])');
    assert.match(await page.textContent('#signed-state'), /^Saved on this device\. No connection now\. It is sent when the connection returns/);
    await page.click('nav a[href="#outbox"]');
    await page.waitForSelector('#records li');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'outbox-title');
    const rows = await page.$$eval('#records li', (items) => items.map((li) => li.innerText.replace(/\s+/g, ' ').trim()));
    assert.equal(rows.length, 3);
    assert.match(rows[0], /^For L\. Brown PU-5 · delivery-receipt\.json · .+ Waiting for a connection$/i);
    assert.match(rows[1], /^For K\. Jones DN-119 · delivery-receipt\.json · .+ Sent ✓$/i);
    assert.match(await page.textContent('#outbox-summary'), /^1 record waiting to be sent\. This browser sends them in the background when a connection returns, even if you close the app\.$/);
    await page.click('#sync-now');
    await page.waitForFunction(() => document.querySelector('#sync-result').textContent !== '');
    assert.equal(await page.textContent('#sync-result'), 'No connection: the records wait on this device and are sent when the connection returns.');
    assert.equal(await page.isHidden('#sync-progress'), true, 'no empty bar');
    await page.screenshot({ path: path.join(ARTIFACTS, 'field-tablet-outbox-offline.png'), fullPage: true });

    // Search by reference.
    await page.fill('#search', 'dn-11');
    await page.waitForFunction(() => document.querySelectorAll('#records li[data-id]').length === 2);
    await page.fill('#search', 'PU');
    await page.waitForFunction(() => document.querySelectorAll('#records li[data-id]').length === 1);
    await page.fill('#search', 'nothing-like-it');
    await page.waitForFunction(() => /No record with a reference containing/.test(document.querySelector('#records').textContent));
    await page.fill('#search', '');

    // Back online: "Send now" sends it and says so; then there is nothing to send, and it says that.
    await context.setOffline(false);
    await page.evaluate(() => { document.querySelector('#sync-result').textContent = ''; });
    await page.click('#sync-now');
    await page.waitForFunction(() => /^(Sent 1 record\.|Nothing to send)/.test(document.querySelector('#sync-result').textContent));
    await page.waitForFunction(() => document.querySelectorAll('#records li[data-shown=sent]').length === 3);
    await page.evaluate(() => { document.querySelector('#sync-result').textContent = ''; });
    await page.click('#sync-now');
    await page.waitForFunction(() => document.querySelector('#sync-result').textContent.startsWith('Nothing to send'));
    assert.equal(await page.textContent('#outbox-summary'), 'Nothing waiting: the server has every record.');

    // A row opens: the fields, the signature, the receipt; the technical part folded.
    await page.click(`#records li[data-id="${sent[0]}"] a`);
    await page.waitForSelector('#record:not([hidden])');
    // The screen shows at once; its contents follow once the device has read the record.
    await page.waitForFunction(() => document.querySelector('#record-title').textContent !== 'Record');
    assert.equal(await page.textContent('#record-title'), 'Signed for J. Smith');
    // Focus follows once the screen is whole (its signature image read from the device).
    await page.waitForFunction(() => document.activeElement?.id === 'record-title', null, { timeout: 10_000 });
    const fields = await page.$$eval('#record-fields dt', (dts) => Object.fromEntries(dts.map((dt) => [dt.textContent, dt.nextElementSibling.textContent])));
    assert.equal(fields.Recipient, 'J. Smith');
    assert.equal(fields.Reference, 'DN-118');
    assert.ok(fields['Received by the server'], 'the receipt says when the server received it');
    assert.match(await page.textContent('#record-state'), /^Sent ✓/);
    assert.equal(await page.isVisible('#record-pad img'), true, 'the handwritten signature is shown');
    assert.ok(await page.$eval('#record-pad img', (img) => img.complete && img.naturalWidth > 0), 'and loads');
    assert.match(await page.textContent('#record-tech'), /Receipt/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'field-tablet-record-open.png'), fullPage: true });

    // Its evidence bundle, made on the device: every check of the command line passes.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#bundle-button')]);
    assert.equal(download.suggestedFilename(), `offsign-record-${sent[0]}.zip`);
    const files = scratch();
    const zip = path.join(files.dir, download.suggestedFilename());
    await download.saveAs(zip);
    await page.waitForSelector('#bundle-done:not([hidden])');
    assert.match(await page.textContent('#bundle-done'), /anyone can check it, without a connection, on the verify page \(http:\/\/127\.0\.0\.1:\d+\/verify\/\) or with "offsign verify-bundle"/);
    const authority = files.write('authority.jwk', JSON.stringify((await (await fetch(`${server.url}/v1/authority`)).json()).jwk));
    const checked = offsign('verify-bundle', zip, '--authority', authority);
    assert.deepEqual(JSON.parse(checked.stdout).checks.filter((c) => c.outcome !== 'pass'), [], checked.stdout);
    assert.equal(checked.status, 0);

    // A photo signed: its record shows the photo and offers the file.
    await page.click('nav a[href="#sign"]');
    await page.waitForSelector('#sign:not([hidden])');
    await page.click('#sign-another'); // the last result stays on screen until then
    const photo = path.join(mkdtempSync(path.join(tmpdir(), 'offsign-photo-')), 'parcel.png');
    writeFileSync(photo, Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64'));
    await page.setInputFiles('input[name=file]', photo);
    await page.fill('input[name=recipient]', 'M. Green');
    const withPhoto = await signAndWait(page);
    await page.evaluate((id) => { location.hash = `#record=${id}`; }, withPhoto);
    await page.waitForSelector('#record-document img.document-preview');
    assert.ok(await page.$eval('#record-document img', (img) => img.complete && img.naturalWidth === 1), 'the photo is shown');
    assert.equal(await page.getAttribute('#record-document a', 'download'), 'parcel.png');
    assert.match(await page.textContent('#record-fields'), /parcel\.png, image\/png, 70 bytes/);
    await context.close();
  } finally {
    await server.stop();
  }
});

test('a forgotten PIN: the office supersedes the key, the worker enrolls again from the Unlock screen with a new PIN, the record still waiting is sent, and the outbox shows one history', { timeout: 180_000 }, async () => {
  const server = await startServer();
  try {
    const { context, page, problems } = await enrolledApp(server, { name: 'Pia Field' });
    const oldKid = sql(server.db, "SELECT kid FROM certificates WHERE worker = 'pia-field'")[0][0];
    await context.setOffline(true);
    await page.fill('input[name=recipient]', 'Signed before the PIN was lost');
    const before = await signAndWait(page);
    // Closed and opened again: the key is locked, and its PIN is gone from the worker's head.
    await page.reload();
    await page.waitForSelector('body[data-ready]');
    await page.waitForSelector('#unlock:not([hidden])');
    await context.setOffline(false);
    server.admin('revoke', '--worker', 'pia-field', '--reason', 'superseded');
    const { code } = server.admin('enroll', '--worker', 'pia-field');

    await page.getByRole('link', { name: 'Enroll again with a new code' }).click();
    await page.waitForSelector('#enroll:not([hidden])');
    assert.equal(await page.textContent('#enroll-title'), 'Enroll again: Pia Field');
    assert.match(await page.textContent('#replacing-note'), /records still waiting under Pia Field's old key are sent as before/);
    assert.equal(await page.inputValue('input[name=label]'), 'Pia Field', 'the name is kept');
    await page.fill('input[name=code]', code);
    await page.fill('input[name=pin]', '739214');
    await page.fill('input[name=pin2]', '739214');
    await page.click('#enroll-form button[type=submit]');
    await page.waitForSelector('#sign:not([hidden])');
    await page.fill('input[name=recipient]', 'Signed with the new key');
    const after = await signAndWait(page);

    await page.click('nav a[href="#outbox"]');
    for (const id of [before, after]) await page.waitForSelector(`#records li[data-id="${id}"][data-shown=sent]`, { timeout: 20_000 });
    assert.deepEqual(storedRecords(server).map(([id, recipient]) => [id, recipient]).sort(), [[before, 'Signed before the PIN was lost'], [after, 'Signed with the new key']].sort());
    const link = sql(server.db, "SELECT continues_kid, continues_seq FROM certificates WHERE worker = 'pia-field' AND continues_kid IS NOT NULL");
    assert.deepEqual(link, [[oldKid, 1]], "the new key's certificate continues the old key's chain after its record 1");
    await page.screenshot({ path: path.join(ARTIFACTS, 'field-phone-enrolled-again.png'), fullPage: true });

    // Locked again: the Unlock screen offers the worker once, with the new key.
    await page.click('nav a[href="#sign"]');
    await page.reload();
    await page.waitForSelector('#unlock:not([hidden])');
    assert.deepEqual(await page.locator('#who option').allTextContents(), ['Pia Field']);
    await page.fill('#unlock-form input[name=pin]', '739214');
    await page.click('#unlock-form button[type=submit]');
    await page.waitForSelector('#sign:not([hidden])');
    assert.deepEqual(problems, []);
    await context.close();
  } finally {
    await server.stop();
  }
});

test('a crew on one tablet: a second worker is added, the two take turns offline under their own keys and PINs, each with their own form, each sees their own outbox, and after sync the server holds two unbroken chains with the right form ids', { timeout: 180_000 }, async () => {
  const server = await startServer();
  try {
    const { context, page, problems } = await enrolledApp(server, { name: 'Ann Crew', viewport: TABLET });
    assert.equal(await page.textContent('#signer-name'), 'Ann Crew');
    await page.click('#switch-worker');
    await page.waitForSelector('#unlock:not([hidden])');
    await page.getByRole('link', { name: 'Add a worker' }).click();
    await page.waitForSelector('#enroll:not([hidden])');
    assert.equal(await page.textContent('#enroll-title'), 'Add a worker to this device');
    const { code } = server.admin('enroll', '--worker', 'bo-crew');
    await page.fill('input[name=code]', code);
    await page.fill('input[name=label]', 'Bo Crew');
    await page.fill('input[name=pin]', '739214');
    await page.fill('input[name=pin2]', '739214');
    await page.click('#enroll-form button[type=submit]');
    await page.waitForSelector('#sign:not([hidden])');
    assert.equal(await page.textContent('#signer-name'), 'Bo Crew');

    await context.setOffline(true);
    const turn = async (label, pin) => {
      await page.click('#switch-worker');
      await page.waitForSelector('#unlock:not([hidden])');
      assert.deepEqual((await page.locator('#who option').allTextContents()).sort(), ['Ann Crew', 'Bo Crew']);
      await page.locator('#who').selectOption({ label });
      await page.fill('#unlock-form input[name=pin]', pin);
      await page.click('#unlock-form button[type=submit]');
      await page.waitForSelector('#sign:not([hidden])');
      assert.equal(await page.textContent('#signer-name'), label);
    };
    const signed = { 'Bo Crew': [], 'Ann Crew': [] };
    signed['Bo Crew'].push(await signAndWait(page, { recipient: 'Bo, first' }));
    await turn('Ann Crew', PIN);
    // Ann inspects: she picks the inspection checklist, offline, and the form holds her to it.
    assert.equal(await page.inputValue('#form-choice'), 'delivery-receipt');
    await page.locator('#form-choice').selectOption({ label: 'Inspection checklist' });
    await page.fill('input[name=site]', 'Pump house 3');
    await page.fill('input[name=defects]', '1000');
    await drawSignature(page);
    await page.click('#sign-button');
    await page.waitForSelector('#field-defects-error:not([hidden])');
    assert.equal(await page.textContent('#field-defects-error'), 'Defects found: a number at least 0 and at most 999.');
    const marked = await page.$$eval('[aria-invalid=true]', (all) => all.map((f) => f.name));
    assert.deepEqual(marked, ['inspectedOn', 'condition', 'defects'], 'each missing or wrong answer is marked, in the form\'s order');
    await page.locator('#form-fields').screenshot({ path: path.join(ARTIFACTS, 'field-tablet-inspection-form.png') });
    await page.fill('input[name=inspectedOn]', '2026-12-04');
    await page.locator('select[name=condition]').selectOption('needs-repair');
    await page.fill('input[name=defects]', '2');
    await page.check('input[name=safetyEquipment]');
    await page.click('#sign-button');
    await page.waitForSelector('#signed:not([hidden])');
    assert.equal(await page.textContent('#signed-what'), 'Inspection checklist · Pump house 3');
    signed['Ann Crew'].push(await page.textContent('#signed-id'));
    await page.click('#sign-another');
    await turn('Bo Crew', '739214');
    assert.equal(await page.inputValue('#form-choice'), 'delivery-receipt', "Bo's form is his own, not the one Ann chose");
    signed['Bo Crew'].push(await signAndWait(page, { recipient: 'Bo, second' }));
    // Removing Ann now would lose her unsent record: the app says so and asks.
    const removal = async (label) => {
      await page.click('#switch-worker');
      await page.waitForSelector('#unlock:not([hidden])');
      await page.locator('#who').selectOption({ label });
      if (!(await page.locator('#remove-worker').evaluate((details) => details.open))) await page.click('#remove-worker summary');
      await page.click('#remove-ask');
      await page.waitForSelector('#remove-choice:not([hidden])');
      return page.textContent('#remove-says');
    };
    assert.match(await removal('Ann Crew'), /^Ann Crew has 1 record not sent yet\. .+ the office never had it, and it is lost\.$/);
    assert.equal(await page.textContent('#remove-confirm'), 'Remove Ann Crew and 1 unsent record');
    await page.click('#remove-keep');
    await page.locator('#who').selectOption({ label: 'Bo Crew' });
    await page.fill('#unlock-form input[name=pin]', '739214');
    await page.click('#unlock-form button[type=submit]');
    await page.waitForSelector('#sign:not([hidden])');
    await page.click('nav a[href="#outbox"]');
    await page.waitForSelector('#records li');
    assert.deepEqual((await page.locator('#records li').evaluateAll((lis) => lis.map((li) => li.dataset.id))).sort(), [...signed['Bo Crew']].sort(), "Bo's outbox holds Bo's records");
    assert.match(await page.textContent('#outbox-summary'), /^Bo Crew's records\. 2 records waiting to be sent\./);
    // Bo's own Health (his key's checks, not Ann's) and his own backup.
    await page.click('nav a[href="#health"]');
    await page.waitForSelector('#checks li', { state: 'attached' });
    assert.equal(await page.textContent('#health-whose'), "Checks of Bo Crew's key and of this device.");
    const checks = await page.locator('#checks li').allTextContents();
    assert.ok(checks.some((c) => c.includes('Certificate (Bo Crew)')), checks.join('\n'));
    assert.ok(!checks.some((c) => c.includes('Ann Crew')), "Ann's checks are hers");
    await page.click('nav a[href="#backup"]');
    await page.waitForSelector('#backup:not([hidden])');
    assert.match(await page.textContent('#backup-whose'), /^A backup holds one worker: Bo Crew,/);
    await page.click('nav a[href="#outbox"]');
    await page.waitForSelector('#records li');

    await context.setOffline(false);
    for (const id of signed['Bo Crew']) await page.waitForSelector(`#records li[data-id="${id}"][data-shown=sent]`, { timeout: 20_000 });
    // One sync sends every worker's records, Ann's too.
    for (let i = 0; i < 50 && sql(server.db, 'SELECT count(*) FROM records')[0][0] < 3; i++) await new Promise((resolve) => setTimeout(resolve, 200));
    const chain = (worker) => sql(server.db, `SELECT seq, id FROM records WHERE worker = '${worker}' ORDER BY seq`);
    assert.deepEqual(chain('bo-crew'), [[1, signed['Bo Crew'][0]], [2, signed['Bo Crew'][1]]], "Bo's chain: 1, 2");
    assert.deepEqual(chain('ann-crew'), [[1, signed['Ann Crew'][0]]], "Ann's chain: 1");
    assert.deepEqual(sql(server.db, 'SELECT count(*) FROM records WHERE chain_gap = 1'), [[0]], 'no gap in either chain');
    const claimsOf = (id) => JSON.parse(Buffer.from(sql(server.db, `SELECT jws FROM records WHERE id = '${id}'`)[0][0].split('.')[1], 'base64url')).claims;
    assert.deepEqual(signed['Bo Crew'].map((id) => claimsOf(id).form), Array(2).fill({ id: 'delivery-receipt', version: 1 }));
    const inspection = claimsOf(signed['Ann Crew'][0]);
    assert.deepEqual({ ...inspection, signatureImage: undefined, evidenceSealing: undefined }, {
      form: { id: 'inspection-checklist', version: 1 }, site: 'Pump house 3', inspectedOn: '2026-12-04', safetyEquipment: true,
      condition: 'needs-repair', defects: 2, signatureImage: undefined, evidenceSealing: undefined,
    });
    await page.screenshot({ path: path.join(ARTIFACTS, 'field-tablet-crew-outbox.png'), fullPage: true });
    // Everything sent: Ann leaves the crew, and the device forgets her.
    await page.click('nav a[href="#sign"]');
    assert.match(await removal('Ann Crew'), /^Everything Ann Crew signed here has reached the office\./);
    await page.click('#remove-confirm');
    await page.waitForFunction(() => document.querySelector('#remove-says').textContent === 'Ann Crew was removed from this device.');
    assert.deepEqual(await page.locator('#who option').allTextContents(), ['Bo Crew']);
    assert.deepEqual(await page.evaluate(async () => {
      const { Device } = await import('/pkg/offsign.js');
      const device = await Device.open();
      try { return (await device.identities()).map((i) => i.label); } finally { device.free(); }
    }), ['Bo Crew']);
    assert.deepEqual(problems, []);
    await context.close();
  } finally {
    await server.stop();
  }
});

test('a refused record: the outbox says so, and the record says why and what to do', { timeout: 120_000 }, async () => {
  const server = await startServer();
  try {
    const { context, page } = await enrolledApp(server, { name: 'Rae Field' });
    // Revoked as compromised while the device is offline: it signs (it cannot know), the
    // server refuses, and the record's remedy says that what this key signed is refused.
    await context.setOffline(true);
    server.admin('revoke', '--worker', 'rae-field', '--reason', 'keyCompromise');
    await page.fill('input[name=recipient]', 'J. Smith');
    await page.fill('input[name=reference]', 'DN-500');
    const id = await signAndWait(page);
    await context.setOffline(false);
    await page.click('nav a[href="#outbox"]');
    await page.waitForSelector(`#records li[data-id="${id}"][data-shown=refused]`, { timeout: 20_000 });
    assert.match(await page.textContent('#outbox-summary'), /1 record refused by the server: open it to see why\./);
    await page.click(`#records li[data-id="${id}"] a`);
    await page.waitForSelector('#record:not([hidden])');
    const state = await page.textContent('#record-state');
    assert.match(state, /^Refused: .+\. .+Code for support: key_compromised \(.+\)$/, state);
    const remedy = await page.evaluate(async () => (await import('/pkg/error_table.js')).ERROR_TABLE.find((c) => c.code === 'key_compromised').remedy);
    assert.match(remedy, /refused by the server, also those still waiting on this device/);
    assert.ok(state.includes(remedy), "the code's remedy is there, in words");
    assert.equal(await page.evaluate(() => document.scrollingElement.scrollWidth - innerWidth), 0, 'a long serial does not widen the page');
    await page.screenshot({ path: path.join(ARTIFACTS, 'field-phone-record-refused.png'), fullPage: true });
    await context.close();
  } finally {
    await server.stop();
  }
});

test('every screen from the keyboard alone: focus on each screen\'s heading or first field; Health opens with a verdict; Help has the guides', { timeout: 120_000 }, async () => {
  const server = await startServer();
  try {
    const { context, page } = await enrolledApp(server);
    await page.reload();
    await page.waitForSelector('#unlock:not([hidden])');
    assert.equal(await page.evaluate(() => document.activeElement.name), 'pin', 'Unlock: the PIN field');
    await page.keyboard.type(PIN);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#sign:not([hidden])');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'sign-title', 'after unlocking: the heading of the sign screen, not <body>');
    const visits = {};
    for (const [tab, heading] of [['#outbox', 'outbox-title'], ['#health', 'health-title'], ['#backup', 'backup-title'], ['#help', 'help-title'], ['#sign', 'sign-title']]) {
      // Back from the screen's heading to the tab's link (the navigation comes before it), then Enter.
      let reached = false;
      for (let i = 0; i < 12 && !reached; i++) {
        await page.keyboard.press('Shift+Tab');
        reached = await page.evaluate((hash) => document.activeElement?.getAttribute('href') === hash, tab);
      }
      assert.ok(reached, `${tab} reached with Tab`);
      await page.keyboard.press('Enter');
      await page.waitForFunction((id) => document.activeElement?.id === id, heading, { timeout: 5_000 });
      visits[tab] = await page.evaluate(() => document.activeElement.id);
      if (tab === '#health') {
        assert.match(await page.textContent('#verdict'), /^Ready to sign$/);
        assert.equal(await page.$eval('#health-details', (d) => d.open), false, 'the checks folded below the verdict');
        assert.match(await page.textContent('#checks'), /Certificate \(Ann Field\): /, 'each check named for people');
        await page.screenshot({ path: path.join(ARTIFACTS, 'field-phone-health.png'), fullPage: true });
      }
      if (tab === '#help') {
        const guides = await page.$$eval('#help details summary', (all) => all.map((s) => s.textContent));
        assert.deepEqual(guides, ['Your first day', 'Signing with no signal', 'A record the server refused', 'A new phone', 'A forgotten PIN']);
        await page.keyboard.press('Tab');
        assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Your first day', 'the guides come next');
        await page.keyboard.press('Enter');
        assert.equal(await page.$eval('#help-first-day', (d) => d.open), true, 'opened from the keyboard');
        assert.ok(await page.$$eval('#codes dt', (all) => all.length) > 50, 'the error table below the guides');
        await page.screenshot({ path: path.join(ARTIFACTS, 'field-phone-help.png'), fullPage: true });
      }
    }
    assert.deepEqual(Object.values(visits), ['outbox-title', 'health-title', 'backup-title', 'help-title', 'sign-title']);
    // "Forgot your PIN?" from the unlock screen opens its guide.
    await page.evaluate(() => { location.hash = '#help-forgot'; });
    await page.waitForFunction(() => document.querySelector('#help-forgot').open && document.activeElement === document.querySelector('#help-forgot summary'));
    // A form's problem from the keyboard: focus lands on the field to correct.
    await page.evaluate(() => { location.hash = '#sign'; });
    await page.waitForSelector('#sign:not([hidden])');
    await page.focus('#sign-button');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#field-recipient-error:not([hidden])');
    assert.equal(await page.evaluate(() => document.activeElement.name), 'recipient');
    await context.close();
  } finally {
    await server.stop();
  }
});

test('every screen at phone and tablet sizes: axe-core finds nothing, nothing is wider than the screen, also with text at 200%; screenshots', { timeout: 240_000 }, async () => {
  const server = await startServer();
  try {
    const overflow = {};
    const problems = {};
    /** Checks the screen shown now: axe-core, and the width at normal and at double text size. */
    const check = async (page, key, screenshot) => {
      const found = await accessibilityProblems(page);
      if (found.length) problems[key] = found;
      if (screenshot) await page.screenshot({ path: path.join(ARTIFACTS, `field-${screenshot}.png`), fullPage: true });
      overflow[key] = await page.evaluate(() => document.scrollingElement.scrollWidth - innerWidth);
      await page.evaluate(() => { document.documentElement.style.fontSize = '200%'; });
      overflow[`${key} at 200%`] = await page.evaluate(() => document.scrollingElement.scrollWidth - innerWidth);
      await page.evaluate(() => { document.documentElement.style.fontSize = ''; });
    };
    for (const [size, viewport] of [['phone', PHONE], ['tablet', TABLET]]) {
      const { context, page } = await openApp(browser, server.url, { viewport });
      await check(page, `${size}/enroll`, `${size}-enroll`);
      await enrollThroughTheApp(page, server, { name: `Shot ${size}` });
      await page.fill('input[name=recipient]', 'J. Smith');
      await page.fill('input[name=reference]', 'DN-118');
      await drawSignature(page);
      await check(page, `${size}/sign`, `${size}-sign`);
      const id = await signAndWait(page);
      for (const screen of ['outbox', `record=${id}`, 'health', 'backup', 'help']) {
        await page.evaluate((s) => { location.hash = `#${s}`; }, screen);
        const section = screen.split('=')[0];
        await page.waitForSelector(`#${section}:not([hidden])`);
        await page.waitForTimeout(200);
        await check(page, `${size}/${section}`, `${size}-${section}`);
      }
      // Locked: the Unlock screen with its crew choices open, and the two ways to enroll from it.
      await page.click('nav a[href="#sign"]');
      await page.click('#switch-worker');
      await page.waitForSelector('#unlock:not([hidden])');
      await page.click('#remove-worker summary');
      await page.click('#remove-ask');
      await page.waitForSelector('#remove-choice:not([hidden])');
      await check(page, `${size}/unlock`, `${size}-unlock`);
      for (const way of ['add-worker', 'enroll-again']) {
        await page.getByRole('link', { name: way === 'add-worker' ? 'Add a worker' : 'Enroll again with a new code' }).click();
        await page.waitForSelector('#enroll:not([hidden])');
        await check(page, `${size}/${way}`, null);
        await page.goBack();
        await page.waitForSelector('#unlock:not([hidden])');
      }
      await context.close();
    }
    assert.deepEqual(problems, {}, 'axe-core');
    assert.deepEqual(Object.entries(overflow).filter(([, px]) => px > 0), [], 'wider than the screen');
    assert.ok(Object.keys(overflow).length >= 2 * 2 * 10, 'every screen was checked');
  } finally {
    await server.stop();
  }
});
