// The field app's benchmarks (not tests): offline cold start on a slow phone (a crew's tablet:
// three workers, the office's three forms kept on the device), the app shell's
// transfer size on the first visit, and on the same slow phone a tap on "Sign" to "saved on
// this device" on screen (the pad; a 3 MB photo) and, online, to "Sent ✓", against a release
// offsign-server.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { ROOT, launchChromium } from '../support/browser.mjs';
import { startServer, sql } from '../support/server.mjs';
import { PHONE, PIN, drawSignature, enrollThroughTheApp } from '../support/app.mjs';

const BIN = path.join(ROOT, 'target/release/offsign-server');

/** One fresh profile: the first visit online (enroll, service worker installed), then a cold
 * start offline with the CPU slowed 4×; returns the first visit's bytes and the cold start. */
async function coldStart(browser, server, n) {
  const context = await browser.newContext({ viewport: PHONE });
  try {
    // Every response of the first visit, the page's and the service worker's precache alike.
    let transferred = 0;
    const counted = [];
    context.on('requestfinished', (request) => {
      counted.push(request.sizes().then((s) => { transferred += s.responseBodySize + s.responseHeadersSize; }));
    });
    const first = await context.newPage();
    await first.goto(server.url + '/');
    await first.waitForSelector('body[data-ready]');
    await first.evaluate(() => navigator.serviceWorker.ready);
    await Promise.all(counted);
    context.removeAllListeners('requestfinished');
    await enrollThroughTheApp(first, server, { name: `Bench ${n}` });
    // A crew's tablet: two more workers on the device (each enrollment fetches the office's
    // three forms, kept for offline use), so the cold start reads three identities and the forms.
    for (const mate of [1, 2]) {
      const { code } = server.admin('enroll', '--worker', `bench-${n}-mate-${mate}`);
      await first.evaluate(async ({ code, mate, pin }) => {
        const { Device } = await import('/pkg/offsign.js');
        const device = await Device.open();
        try {
          const { kid } = await device.createIdentity({ label: `Mate ${mate}`, pin });
          await device.enroll(kid, code);
        } finally {
          device.free();
        }
      }, { code, mate, pin: PIN });
    }
    const held = await first.evaluate(async () => {
      const { Device } = await import('/pkg/offsign.js');
      const device = await Device.open();
      try {
        return [(await device.identities()).length, (await device.forms()).length];
      } finally {
        device.free();
      }
    });
    if (held.join() !== '3,3') throw new Error(`the crew's tablet holds ${held} workers and forms, not 3 and 3`);
    await first.evaluate(() => navigator.serviceWorker.ready);
    await first.close();

    await context.setOffline(true);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    await page.goto(server.url + '/');
    await page.waitForSelector('body[data-ready]');
    const ms = await page.evaluate(() => performance.getEntriesByName('offsign-ready')[0].startTime);
    const fromWorker = await page.evaluate(() => !!navigator.serviceWorker.controller);
    if (!fromWorker) throw new Error('the cold start was not served by the service worker');
    return { transferred, ms, ...await tapToSaved(page, context, server, `bench-${n}`) };
  } finally {
    await context.close();
  }
}

/**
 * On the slow phone (still offline, CPU slowed 4×): unlocks, then times a tap on "Sign" to the
 * result on screen, measured in the page from the tap's event to the frame after the app's
 * "offsign-saved" mark (the form with the pad, then with a 3 MB photo); back online, a tap to
 * "Sent ✓" on screen.
 */
async function tapToSaved(page, context, server, worker) {
  await page.fill('#unlock-form input[name=pin]', PIN);
  await page.click('#unlock-form button[type=submit]');
  await page.waitForSelector('#sign:not([hidden])');
  await page.evaluate(() => {
    window.bench = {};
    document.getElementById('sign-button').addEventListener('click', (e) => { window.bench.tap = e.timeStamp; }, { capture: true });
    new MutationObserver(() => {
      if (document.getElementById('signed-state').dataset.state === 'accepted') requestAnimationFrame(() => { window.bench.sent ??= performance.now(); });
    }).observe(document.getElementById('signed-state'), { attributes: true });
  });
  const signOnce = async (prepare, until) => {
    await page.evaluate(() => { window.bench = { ...window.bench, tap: undefined, sent: undefined }; });
    await page.fill('input[name=recipient]', 'J. Smith');
    await prepare();
    await drawSignature(page);
    await page.click('#sign-button');
    await page.waitForSelector('#signed:not([hidden])');
    if (until === 'sent') await page.waitForFunction(() => window.bench.sent !== undefined, null, { timeout: 30_000 });
    const taken = await page.evaluate(async (which) => {
      if (which === 'sent') return window.bench.sent - window.bench.tap;
      await new Promise((resolve) => requestAnimationFrame(resolve));
      return performance.getEntriesByName('offsign-saved').at(-1).startTime - window.bench.tap;
    }, until);
    await page.click('#sign-another');
    return taken;
  };
  const padSavedMs = await signOnce(async () => {}, 'saved');
  const photo = { name: 'parcel.jpg', mimeType: 'image/jpeg', buffer: randomBytes(3 * 1024 * 1024) };
  const photoSavedMs = await signOnce(() => page.setInputFiles('input[name=file]', photo), 'saved');
  // Online again: the two records signed offline go first (the app's own send, then the service
  // worker's Background Sync a few seconds later); the measure starts when all is quiet.
  await context.setOffline(false);
  await page.waitForFunction(() => navigator.onLine);
  for (const end = Date.now() + 30_000; sql(server.db, `SELECT count(*) FROM records WHERE worker = '${worker}'`)[0][0] < 2 && Date.now() < end;) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 5_000));
  const sentMs = await signOnce(async () => {}, 'sent');
  return { padSavedMs, photoSavedMs, sentMs };
}

export async function run() {
  const server = await startServer([], { bin: BIN });
  const browser = await launchChromium();
  try {
    const runs = [];
    for (let n = 0; n < 5; n++) runs.push(await coldStart(browser, server, n));
    const median = (key) => runs.map((r) => r[key]).sort((a, b) => a - b);
    const ms = median('ms');
    return {
      coldStartMs: ms[2], coldStartRange: [ms[0], ms[4]], firstVisitBytes: runs[0].transferred,
      padSaved: median('padSavedMs'), photoSaved: median('photoSavedMs'), sent: median('sentMs'),
    };
  } finally {
    await browser.close();
    await server.stop();
  }
}
