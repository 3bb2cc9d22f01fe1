// The field app's benchmarks (not tests): offline cold start on a slow phone, and the app
// shell's transfer size on the first visit, against a release offsign-server.
import path from 'node:path';
import { ROOT, launchChromium } from '../support/browser.mjs';
import { startServer } from '../support/server.mjs';
import { enrollThroughTheApp } from '../support/app.mjs';

const BIN = path.join(ROOT, 'target/release/offsign-server');
const PHONE = { width: 360, height: 740 };

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
    return { transferred, ms };
  } finally {
    await context.close();
  }
}

export async function run() {
  const server = await startServer([], { bin: BIN });
  const browser = await launchChromium();
  try {
    const runs = [];
    for (let n = 0; n < 5; n++) runs.push(await coldStart(browser, server, n));
    const ms = runs.map((r) => r.ms).sort((a, b) => a - b);
    return { coldStartMs: ms[2], coldStartRange: [ms[0], ms[4]], firstVisitBytes: runs[0].transferred };
  } finally {
    await browser.close();
    await server.stop();
  }
}
