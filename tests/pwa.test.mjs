// The field app (www/) served by a real offsign-server with a fresh SQLite file, driven in
// headless Chromium the way a worker uses it: one test per user story. Screenshots of the
// phone and tablet layouts are saved under tests/artifacts/ (git-ignored).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, deviceWorker, launchChromium } from './support/browser.mjs';
import { startServer, sql } from './support/server.mjs';
import { ARTIFACTS, PHONE, TABLET, drawSignature, enrollThroughTheApp, openApp as openAppIn, signAndWait, PIN } from './support/app.mjs';

let browser;

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launchChromium();
});
after(async () => { await browser.close(); });

/** A fresh browser profile on the app. */
const openApp = (server, options) => openAppIn(browser, server.url, options);

test('a worker\'s day: enroll, offline, the app loads from the service worker, sign three, back online, synced', { timeout: 180_000 }, async () => {
  const server = await startServer();
  try {
    const { context, page, problems } = await openApp(server);
    await page.screenshot({ path: path.join(ARTIFACTS, 'phone-enroll.png') });
    await enrollThroughTheApp(page, server);

    // Installable: a valid manifest and an active service worker that controls the page.
    const install = await page.evaluate(async () => {
      const manifest = await (await fetch(document.querySelector('link[rel=manifest]').href)).json();
      const registration = await navigator.serviceWorker.ready;
      return { manifest, active: registration.active?.state };
    });
    assert.equal(install.manifest.display, 'standalone');
    assert.equal(install.manifest.start_url, '/');
    assert.ok(install.manifest.icons.some((i) => i.sizes === '192x192'));
    assert.ok(install.manifest.icons.some((i) => i.sizes === '512x512' && i.purpose === 'maskable'));
    for (const icon of install.manifest.icons) assert.equal((await fetch(server.url + icon.src)).status, 200, icon.src);
    assert.equal(install.active, 'activated');

    // Offline from here on: the reload is served by the service worker.
    await context.setOffline(true);
    await page.reload();
    await page.waitForSelector('body[data-ready]');
    assert.equal(await page.evaluate(() => !!navigator.serviceWorker.controller), true);
    assert.equal(await page.textContent('#network'), 'Offline');
    await page.fill('#unlock-form input[name=pin]', PIN);
    await page.click('#unlock-form button[type=submit]');
    // Unlocking has no progress to count: the button's spinner turns while the worker derives.
    await page.waitForSelector('#unlock-form[aria-busy=true]');
    assert.ok(await page.evaluate(() => document.getAnimations().some((a) => a.animationName === 'busy' && a.playState === 'running')), 'the spinner turns during the unlock');
    await page.waitForSelector('#sign:not([hidden])');
    assert.equal(await page.getAttribute('#unlock-form', 'aria-busy'), null, 'and stops after it');

    const document = path.join(mkdtempSync(path.join(tmpdir(), 'offsign-doc-')), 'inspection-7.pdf');
    writeFileSync(document, '%PDF-1.4 inspection report 7');
    await page.setInputFiles('input[name=file]', document);
    const fromFile = await signAndWait(page);
    await page.fill('input[name=recipient]', 'J. Smith');
    await page.fill('input[name=reference]', 'DN-118');
    const fromForm = await signAndWait(page);
    await page.fill('input[name=recipient]', 'K. Jones');
    await drawSignature(page);
    await page.screenshot({ path: path.join(ARTIFACTS, 'phone-sign.png'), fullPage: true });
    const withPad = await signAndWait(page);

    await page.click('nav a[href="#outbox"]');
    await page.waitForSelector('#records li');
    const pending = await page.$$eval('#records li', (items) => items.map((li) => [li.dataset.id, li.className]));
    assert.deepEqual(pending.map(([, state]) => state), ['pending', 'pending', 'pending']);
    assert.deepEqual(new Set(pending.map(([id]) => id)), new Set([fromFile, fromForm, withPad]));
    await page.screenshot({ path: path.join(ARTIFACTS, 'phone-outbox-offline.png') });

    // Back online: the app syncs by itself ("online" event), receipts come back.
    await context.setOffline(false);
    await page.waitForFunction(() => [...document.querySelectorAll('#records li')].every((li) => li.className === 'accepted') && document.querySelectorAll('#records li').length === 3, null, { timeout: 20_000 });
    assert.equal(await page.textContent('#network'), 'Online');
    await page.screenshot({ path: path.join(ARTIFACTS, 'phone-outbox-synced.png') });
    const stored = sql(server.db, 'SELECT id, chain_gap FROM records ORDER BY seq');
    assert.deepEqual(stored.map(([id]) => id), [fromFile, fromForm, withPad]);
    const [[claims]] = sql(server.db, `SELECT jws FROM records WHERE id = '${withPad}'`);
    const payload = JSON.parse(Buffer.from(claims.split('.')[1], 'base64url'));
    assert.equal(payload.claims.recipient, 'K. Jones');
    assert.match(payload.claims.signatureImage.sha256, /^[A-Za-z0-9_-]{43}$/, 'the pad image digest is signed');
    assert.deepEqual(problems, []);
    await context.close();
  } finally {
    await server.stop();
  }
});

test('a refused enrollment code, then wrong PINs: remaining tries, then the lockout with its wait', { timeout: 180_000 }, async () => {
  const server = await startServer();
  try {
    const { context, page } = await openApp(server);
    await page.fill('input[name=code]', 'AAAA-BBBB-CCCC');
    await page.fill('input[name=label]', 'Ann Field');
    await page.fill('input[name=pin]', PIN);
    await page.fill('input[name=pin2]', PIN);
    await page.click('#enroll-form button[type=submit]');
    // Said in words by the button, next to the code field (marked), the code only for support.
    await page.waitForFunction(() => document.querySelector('#enroll-form .form-problem').textContent.includes('enrollment_refused'));
    assert.match(await page.textContent('#enroll-form .form-problem'), /^This code is not known\. .*Code for support: enrollment_refused$/);
    assert.match(await page.textContent('#code-error'), /^This code is not known\./);
    assert.equal(await page.getAttribute('input[name=code]', 'aria-invalid'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement.name), 'code', 'focus on the field to correct');
    // The identity is kept: only a good code is needed now, and the screen says so.
    assert.equal(await page.isHidden('#new-identity'), true);
    assert.match(await page.textContent('#pending-note'), /Your name \(Ann Field\) and PIN are saved on this device: only a valid enrollment code is needed now\./);
    assert.equal(await page.isHidden('#pending-pin'), true, 'still unlocked: no PIN asked');
    // After a reload the kept identity is locked, and enrollment signs with its key: its PIN.
    await page.reload();
    await page.waitForSelector('#pending-pin:not([hidden])');
    assert.equal(await page.isHidden('#new-identity'), true);
    await page.fill('input[name=code]', server.admin('enroll', '--worker', 'ann').code);
    await page.fill('input[name=pendingPin]', PIN);
    await page.click('#enroll-form button[type=submit]');
    await page.waitForSelector('#sign:not([hidden])');
    await page.reload();
    await page.waitForSelector('#unlock:not([hidden])');
    const messages = [];
    for (let i = 0; i < 6; i++) {
      await page.evaluate(() => { document.querySelector('#unlock-form .form-problem').textContent = ''; });
      await page.fill('#unlock-form input[name=pin]', '000000');
      await page.click('#unlock-form button[type=submit]');
      await page.waitForFunction(() => document.querySelector('#unlock-form .form-problem').textContent !== '');
      messages.push(await page.textContent('#unlock-form .form-problem'));
    }
    assert.match(messages[0], /4 more tries before you must wait\.Code for support: wrong_pin$/);
    assert.match(messages[4], /Wait 1 minute before the next try.*Code for support: pin_locked_out$/);
    assert.match(messages[5], /Code for support: pin_locked_out$/);
    assert.doesNotMatch(messages[5], /administrator/, 'nobody can reset a PIN: the words do not send the worker to someone who cannot');
    await page.waitForSelector('#lockout-wait:not([hidden])');
    const first = await page.textContent('#lockout-wait');
    assert.match(first, /^Next try in 0:[0-5]\d\. Keep the app open/, 'the wait');
    await page.waitForFunction((was) => document.querySelector('#lockout-wait').textContent !== was, first, { timeout: 3_000 });
    assert.ok(await page.textContent('#lockout-wait') < first, 'counting down by the second');
    await page.screenshot({ path: path.join(ARTIFACTS, 'phone-locked-out.png') });
    await context.close();
  } finally {
    await server.stop();
  }
});

test('an expired certificate refuses to sign and tells the worker what to do; enrolled again, the worker keeps signing and the server sees no gap', { timeout: 180_000 }, async () => {
  const server = await startServer();
  try {
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    await page.clock.install();
    await page.goto(server.url + '/');
    await page.waitForSelector('body[data-ready]');
    await enrollThroughTheApp(page, server, { days: 1 });
    const first = await signAndWait(page, { recipient: 'Before it expired' });
    // Three days later, in the page and in the worker its Device runs in.
    await page.clock.setSystemTime(Date.now() + 3 * 86_400_000);
    const worker = await deviceWorker(page);
    await worker.evaluate(() => { globalThis.realNow = Date.now; Date.now = () => globalThis.realNow() + 3 * 86_400_000; });
    await page.fill('input[name=recipient]', 'J. Smith');
    await drawSignature(page);
    await page.click('#sign-form button[type=submit]');
    await page.waitForSelector('#unlock:not([hidden])'); // idle for days: locked first
    await page.fill('#unlock-form input[name=pin]', PIN);
    await page.click('#unlock-form button[type=submit]');
    await page.waitForSelector('#sign:not([hidden])');
    await page.fill('input[name=recipient]', 'J. Smith');
    await drawSignature(page);
    await page.click('#sign-form button[type=submit]');
    // By the Sign button, where the thumb is; the code only for support.
    await page.waitForFunction(() => document.querySelector('#sign-problem').textContent.includes('cert_expired'));
    assert.match(await page.textContent('#sign-problem'), /^Your certificate expired on .*Ask your office for a new enrollment code and choose Enroll again: records you signed before are still sent\.Code for support: cert_expired$/);

    // The server's clock cannot move: the device's comes back before the new key signs.
    await page.clock.setSystemTime(Date.now());
    await worker.evaluate(() => { Date.now = globalThis.realNow; });
    const oldKid = sql(server.db, "SELECT kid FROM certificates WHERE worker = 'ann-field'")[0][0];
    const { code } = server.admin('enroll', '--worker', 'ann-field');
    await page.click('#switch-worker');
    await page.waitForSelector('#unlock:not([hidden])');
    await page.getByRole('link', { name: 'Enroll again with a new code' }).click();
    await page.waitForSelector('#enroll:not([hidden])');
    await page.fill('input[name=code]', code);
    await page.fill('input[name=pin]', PIN);
    await page.fill('input[name=pin2]', PIN);
    await page.click('#enroll-form button[type=submit]');
    await page.waitForSelector('#sign:not([hidden])');
    const next = await signAndWait(page, { recipient: 'With the new key' });
    for (let i = 0; i < 50 && sql(server.db, 'SELECT count(*) FROM records')[0][0] < 2; i++) await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(sql(server.db, 'SELECT id FROM records ORDER BY received_at').map(([id]) => id), [first, next]);
    assert.deepEqual(sql(server.db, "SELECT continues_kid, continues_seq FROM certificates WHERE continues_kid IS NOT NULL"), [[oldKid, 1]], 'the new key continues the old chain after its record 1');
    assert.deepEqual(sql(server.db, 'SELECT count(*) FROM records WHERE chain_gap = 1'), [[0]]);
    await context.close();
  } finally {
    await server.stop();
  }
});

test('a new build shows "Update available — reload", and reload switches to it', { timeout: 180_000 }, async () => {
  const www = mkdtempSync(path.join(tmpdir(), 'offsign-www-'));
  cpSync(path.join(ROOT, 'www'), www, { recursive: true });
  const server = await startServer([], { www });
  try {
    const { context, page } = await openApp(server);
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.reload();
    await page.waitForSelector('body[data-ready]');
    assert.equal(await page.isHidden('#update'), true);
    // The worst deploy: it keeps the files' old modification times (tar, cp -p, rsync -a).
    // The dates cannot tell the browser that anything changed; the server's content ETags do.
    const deploy = (file, change) => {
      const { atime, mtime } = statSync(path.join(www, file));
      writeFileSync(path.join(www, file), change(readFileSync(path.join(www, file), 'utf8')));
      utimesSync(path.join(www, file), atime, mtime);
    };
    deploy('app.js', (text) => `${text}\n// next build\n`);
    deploy('build.js', (text) => text.replace(/BUILD = '(\w+)'/, "BUILD = 'next-build'"));
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
    await page.waitForSelector('#update:not([hidden])');
    assert.match(await page.textContent('#update'), /Update available — reload/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'phone-update.png') });
    await Promise.all([page.waitForEvent('load'), page.click('#reload')]);
    await page.waitForSelector('body[data-ready]');
    const caches = await page.evaluate(() => caches.keys());
    assert.deepEqual(caches, ['offsign-app-next-build'], 'the old cache is gone');
    const cached = await page.evaluate(async () => (await (await caches.open('offsign-app-next-build')).match('/app.js'))?.text());
    assert.match(cached ?? '', /\/\/ next build/, 'the new cache holds the new files, not revalidated old ones');
    await context.close();
  } finally {
    await server.stop();
  }
});

test('backup: export to a file, import into a fresh browser profile, with the documents not yet sent', { timeout: 180_000 }, async () => {
  const server = await startServer();
  try {
    const { context, page } = await openApp(server);
    await enrollThroughTheApp(page, server);
    // Signed offline: the receipt's document and the pad's image wait on the device.
    await context.setOffline(true);
    await page.fill('input[name=recipient]', 'J. Smith');
    const signed = await signAndWait(page);
    await page.click('nav a[href="#backup"]');
    // What the file will hold is said first, with the size of what waits to be sent.
    await page.waitForFunction(() => document.querySelector('#backup-holds').textContent.length > 0);
    assert.match(await page.textContent('#backup-holds'), /the documents and signature images not yet sent to the office: 2 documents and images \(\d+\.\d MiB\) waiting to be sent\./);
    // The passphrase twice: two that differ are refused next to the second, nothing is saved.
    await page.fill('#export-form input[name=passphrase]', 'correct horse battery');
    await page.fill('#export-form input[name=passphrase2]', 'correct horse batery');
    let downloads = 0;
    page.on('download', () => { downloads++; });
    await page.click('#export-form button[type=submit]');
    await page.waitForSelector('#passphrase2-error:not([hidden])');
    assert.match(await page.textContent('#passphrase2-error'), /The two passphrases differ/);
    assert.equal(await page.evaluate(() => document.activeElement.name), 'passphrase2');
    assert.equal(downloads, 0);
    await page.fill('#export-form input[name=passphrase2]', 'correct horse battery');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-form button[type=submit]')]);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'offsign-backup-')), download.suggestedFilename());
    await download.saveAs(file);
    // Where it went, by name.
    await page.waitForSelector('#backup-done:not([hidden])');
    assert.match(await page.textContent('#backup-done'), new RegExp(`^Your browser is saving the backup as "${download.suggestedFilename()}" \\(\\d+ KB\\) where it puts downloads`));
    assert.match(download.suggestedFilename(), /^offsign-backup-\d{4}-\d\d-\d\d\.offsign$/);
    await context.close();

    const fresh = await openApp(server);
    assert.equal(await fresh.page.isVisible('#enroll'), true, 'a fresh profile starts at enrollment');
    await fresh.page.click('#restore');
    await fresh.page.waitForSelector('#backup:not([hidden])');
    await fresh.page.setInputFiles('#import-form input[name=file]', file);
    await fresh.page.fill('#import-form input[name=passphrase]', 'correct horse battery');
    await fresh.page.click('#import-form button[type=submit]');
    await fresh.page.waitForFunction(() => document.querySelector('#backup-done')?.textContent.includes('Imported'));
    assert.match(await fresh.page.textContent('#backup-done'), /^Imported 1 identities, 1 records \(0 were here already\) and 2 documents and images not yet sent\.$/);
    await fresh.page.click('nav a[href="#outbox"]');
    await fresh.page.waitForSelector(`#records li[data-id="${signed}"]`);
    await fresh.context.close();
  } finally {
    await server.stop();
  }
});

test('phone and tablet layouts: nothing wider than the screen, screenshots saved', { timeout: 180_000 }, async () => {
  const server = await startServer();
  try {
    const { context, page } = await openApp(server);
    await enrollThroughTheApp(page, server);
    await context.close();
    const overflow = {};
    for (const [name, viewport] of [['phone', PHONE], ['tablet', TABLET], ['tablet-landscape', { width: TABLET.height, height: TABLET.width }]]) {
      const ctx = await browser.newContext({ viewport });
      const p = await ctx.newPage();
      // Each profile is its own device: enroll it, then visit every screen.
      await p.goto(server.url + '/');
      await p.waitForSelector('body[data-ready]');
      await enrollThroughTheApp(p, server, { name: `Tab ${name}` });
      for (const screen of ['sign', 'outbox', 'health', 'backup', 'help']) {
        await p.evaluate((s) => { location.hash = `#${s}`; }, screen);
        await p.waitForSelector(`#${screen}:not([hidden])`);
        await p.screenshot({ path: path.join(ARTIFACTS, `${name}-${screen}.png`), fullPage: true });
        overflow[`${name}/${screen}`] = await p.evaluate(() => document.scrollingElement.scrollWidth - innerWidth);
      }
      await ctx.close();
    }
    assert.deepEqual(Object.entries(overflow).filter(([, px]) => px > 0), []);
  } finally {
    await server.stop();
  }
});
