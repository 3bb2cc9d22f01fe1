// The field app's offline story in the two other engines, against a real offsign-server:
// Firefox ESR (puppeteer-core over WebDriver BiDi, offline emulated) and WebKitGTK
// (selenium-webdriver and WebKitWebDriver under Xvfb; offline means the server is stopped).
// Enroll, load the app again with no network, sign, outbox pending, network back, synced, the
// document and the pad's image uploaded after the record and shown again from the device.
// In Firefox the browser reaches the server through a loopback proxy that logs each request,
// so the test checks that the page was offline while it loaded and signed: navigator.onLine is
// false, the page's own request to the server fails while the same request from outside the
// browser succeeds, and the server was sent nothing but the browser's service-worker update
// check. Neither engine has Background Sync: the health screen says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { httpProxy, launchFirefox, launchWebKit } from './support/browser.mjs';
import { startServer, sql } from './support/server.mjs';
import { drawInPage } from './support/app.mjs';

const PIN = '482913';

/**
 * The same steps, whatever drives the browser: `ui` offers goto, fill, click, until(js), run(js).
 * `whileOffline(stage)` checks the offline state once the app has loaded offline ('loaded')
 * and once it has signed ('signed'), just before the network comes back.
 */
async function workerDay(ui, server, goOffline, goOnline, whileOffline = async () => {}) {
  const { code } = server.admin('enroll', '--worker', 'field-7');
  await ui.goto(server.url + '/');
  await ui.until('document.body.dataset.ready');
  await ui.fill('input[name=code]', code);
  await ui.fill('input[name=label]', 'Field Seven');
  await ui.fill('input[name=pin]', PIN);
  await ui.fill('input[name=pin2]', PIN);
  await ui.click('#enroll-form button[type=submit]');
  await ui.until("!document.querySelector('#sign').hidden");
  await ui.until('navigator.serviceWorker.controller');

  await goOffline();
  await ui.goto(server.url + '/');
  await ui.until('document.body.dataset.ready');
  assert.equal(await ui.run('return !!navigator.serviceWorker.controller'), true, 'served by the service worker');
  await whileOffline('loaded');
  await ui.fill('#unlock-form input[name=pin]', PIN);
  await ui.click('#unlock-form button[type=submit]');
  await ui.until("!document.querySelector('#sign').hidden");
  await ui.fill('input[name=recipient]', 'J. Smith');
  await ui.fill('input[name=reference]', 'DN-7');
  await ui.run(`(${drawInPage})()`);
  await ui.click('#sign-form button[type=submit]');
  await ui.until("!document.querySelector('#signed').hidden");
  const id = await ui.run("return document.querySelector('#signed-id').textContent");
  // No Background Sync in this engine: the record goes when the app is open with a connection.
  // (Firefox knows it is offline; WebKit, with the server stopped, learns it by trying.)
  await ui.until("document.querySelector('#signed-state').textContent.endsWith('It is sent when the connection returns while the app is open, or the next time you open it.')", 90_000);
  assert.match(await ui.run("return document.querySelector('#signed-state').textContent"), /^Saved on this device(\. No connection now|, not sent yet: .+)\. It is sent/);
  await ui.run("location.hash = '#outbox'");
  await ui.until("document.querySelector('#records li.pending')");
  assert.match(await ui.run("return document.querySelector('#records li.pending').innerText"), /For J\. Smith[\s\S]*DN-7[\s\S]*(Waiting|Sending)/i);
  assert.match(await ui.run("return document.querySelector('#outbox-summary').textContent"),
    /^1 record waiting to be sent\. This browser sends them only while the app is open: open it when you have a connection\.$/);
  await whileOffline('signed');

  await goOnline();
  await ui.click('#sync-now');
  await ui.until("document.querySelector('#records li.accepted')", 60_000);
  assert.deepEqual(sql(server.db(), 'SELECT id FROM records'), [[id]]);
  // The document (the receipt as JSON) and the pad's image followed the record, sealed in this
  // engine's IndexedDB, and still open for the worker.
  const kinds = () => sql(server.db(), `SELECT kind FROM evidence WHERE record_id = '${id}' ORDER BY kind`).flat();
  for (const end = Date.now() + 20_000; kinds().length < 2 && Date.now() < end;) await new Promise((r) => setTimeout(r, 250));
  assert.deepEqual(kinds(), ['document', 'signature-image']);
  await ui.run(`location.hash = '#record=${id}'`);
  await ui.until("document.querySelector('#record-pad img')?.complete && document.querySelector('#record-pad img').naturalWidth > 0");
  await ui.run("location.hash = '#health'");
  await ui.until("document.querySelector('#checks li')");
  return ui.run("return document.querySelector('#checks').textContent");
}

test('Firefox ESR: offline after the first visit, sign, back online, synced; signed online and closed at once, sent at the next start', { timeout: 180_000 }, async () => {
  const server = await startServer();
  // Set to cut the next POST /v1/records on its way (its body never reaches the server).
  let cutNext = false;
  let cuts = 0;
  const proxy = await httpProxy(new URL(server.url).port, {
    intercept: (request) => {
      if (!(cutNext && request.method === 'POST' && request.path === '/v1/records')) return undefined;
      cutNext = false;
      return { cutBodyAt: 10, onCut: () => { cuts++; } };
    },
  });
  const browser = await launchFirefox();
  try {
    let page = await browser.newPage();
    const ui = {
      goto: (url) => page.goto(url),
      fill: (selector, text) => page.locator(selector).fill(text),
      click: (selector) => page.locator(selector).click(),
      until: (js, timeout = 30_000) => page.waitForFunction(js, { timeout }).catch((e) => { throw new Error(`waiting for ${js}: ${e.message}`); }),
      run: (js) => page.evaluate(`(() => { ${js} })()`),
    };
    let offlineFrom; // proxy.requests.length when the browser went offline
    const whileOffline = async (stage) => {
      const inPage = await page.evaluate(async () => ({
        onLine: navigator.onLine,
        api: await fetch('/v1/authority', { cache: 'no-store' }).then((r) => `HTTP ${r.status}`, (e) => e.name),
      }));
      const direct = await fetch(`${server.url}/v1/authority`).then((r) => `HTTP ${r.status}`, (e) => e.name);
      assert.deepEqual({ ...inPage, direct }, { onLine: false, api: 'TypeError', direct: 'HTTP 200' },
        `${stage}: the page is offline (its request fails) while the server answers`);
      // While offline the server may only get the browser's own update check of the service
      // worker (its script and imports, sent with "Service-Worker: script", never by a page).
      const seen = proxy.requests.slice(offlineFrom);
      assert.deepEqual(seen.filter((r) => !(r.method === 'GET' && r.headers['service-worker'] === 'script')), [],
        `${stage}: nothing from the page reached the server while offline: ${JSON.stringify(seen.map((r) => [r.method, r.path, r.headers['sec-fetch-dest']]))}`);
    };
    const health = await workerDay(ui, { ...server, url: proxy.url, db: () => server.db },
      async () => { await page.setOfflineMode(true); offlineFrom = proxy.requests.length; },
      () => page.setOfflineMode(false), whileOffline);
    assert.ok(offlineFrom > 0, 'the first visit went through the proxy');
    assert.ok(proxy.requests.slice(offlineFrom).some((r) => r.method === 'POST' && r.path === '/v1/records'), 'the sync, once online, went through it too');
    assert.match(health, /background sync: not in this browser/);

    // Online, signed, and the app closed while its send is under way (cut on the way): with no
    // Background Sync here, the record waits on the device and goes at the next start.
    cutNext = true;
    await page.locator('nav a[href="#sign"]').click();
    await page.locator('#sign-another').click().catch(() => {});
    await page.locator('input[name=recipient]').fill('K. Jones');
    await page.evaluate(drawInPage);
    await page.locator('#sign-button').click();
    await page.waitForFunction(() => !document.querySelector('#signed').hidden);
    const late = await page.evaluate(() => document.querySelector('#signed-id').textContent);
    for (const end = Date.now() + 10_000; !cuts && Date.now() < end;) await new Promise((r) => setTimeout(r, 50));
    assert.equal(cuts, 1, "the app's own send was under way, and cut");
    const blank = await browser.newPage();
    await page.close();
    await new Promise((r) => setTimeout(r, 1_000));
    assert.deepEqual(sql(server.db, `SELECT count(*) FROM records WHERE id = '${late}'`), [[0]], 'not delivered while the app is closed');
    page = await blank;
    await page.goto(proxy.url + '/#outbox');
    await page.waitForFunction(() => document.body.dataset.ready);
    for (const end = Date.now() + 30_000; !sql(server.db, `SELECT count(*) FROM records WHERE id = '${late}'`)[0][0] && Date.now() < end;) await new Promise((r) => setTimeout(r, 250));
    assert.deepEqual(sql(server.db, `SELECT count(*) FROM records WHERE id = '${late}'`), [[1]], 'sent at the next start');
  } finally {
    await browser.close();
    await proxy.close();
    await server.stop();
  }
});

test('WebKitGTK: offline (server stopped) after the first visit, sign, server back, synced', { timeout: 180_000 }, async () => {
  let server = await startServer();
  const webkit = await launchWebKit();
  const { driver } = webkit;
  try {
    const ui = {
      goto: (url) => driver.get(url),
      fill: (selector, text) => driver.executeScript((s, t) => {
        const input = document.querySelector(s);
        input.value = t;
        input.dispatchEvent(new Event('input', { bubbles: true }));
      }, selector, text),
      click: (selector) => driver.executeScript((s) => document.querySelector(s).click(), selector),
      // WebKitGTK runs the wasm (Argon2id at unlock and enrollment) several times slower than
      // Chromium, and slower still on a loaded machine: generous waits, each named when it
      // runs out.
      until: (js, timeout = 60_000) => driver.wait(() => driver.executeScript(`return !!(${js})`), timeout, `waiting for ${js}`),
      run: (js) => driver.executeScript(js),
    };
    const { db, url } = server;
    const port = new URL(url).port;
    const health = await workerDay(ui, { ...server, db: () => db },
      () => server.stop(),
      async () => { server = await startServer([], { db, addr: `127.0.0.1:${port}` }); });
    assert.match(health, /background sync: not in this browser/);
  } finally {
    await webkit.close();
    await server.stop();
  }
});
