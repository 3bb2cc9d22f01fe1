// The field app driven as a worker does it (first run, signing), for tests and benchmarks
// (playwright-core; `drawInPage` also from any driver that can run a script).
import path from 'node:path';
import { ROOT } from './browser.mjs';

/** The PIN the tests' workers choose. */
export const PIN = '482913';

/** Where the app's tests save their screenshots (git-ignored). */
export const ARTIFACTS = path.join(ROOT, 'tests/artifacts');

/** The screen sizes the app is tried at. */
export const PHONE = { width: 360, height: 740 };
export const TABLET = { width: 800, height: 1280 };

/**
 * The app at `url` in a fresh profile of `browser` (or in `context`), loaded; page errors and
 * console errors (but failed loads while offline) are collected in `problems`.
 */
export async function openApp(browser, url, { viewport = PHONE, context, ...options } = {}) {
  context ??= await browser.newContext({ viewport, ...options });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error' && !/Failed to load resource|net::ERR_INTERNET_DISCONNECTED/.test(m.text())) problems.push(m.text()); });
  await page.goto(url + '/');
  await page.waitForSelector('body[data-ready]');
  return { context, page, problems };
}

/** Enrolls through the app's first-run screen with a code from the administrator's command. */
export async function enrollThroughTheApp(page, server, { days = 365, name = 'Ann Field' } = {}) {
  const { code } = server.admin('enroll', '--worker', name.toLowerCase().replace(/\W/g, '-'), '--days', String(days));
  await page.fill('input[name=code]', code);
  await page.fill('input[name=label]', name);
  await page.fill('input[name=pin]', PIN);
  await page.fill('input[name=pin2]', PIN);
  await page.click('#enroll-form button[type=submit]');
  await page.waitForSelector('#sign:not([hidden])');
}

/**
 * Draws a signature on the pad with pointer events sent by a script (runs in the page; passed
 * to page.evaluate or a WebDriver's executeScript): the same events a finger sends.
 */
export function drawInPage() {
  const pad = document.querySelector('#pad');
  const box = pad.getBoundingClientRect();
  const at = (x, y) => ({ clientX: box.left + box.width * x, clientY: box.top + box.height * y, pointerId: 1, pointerType: 'touch', isPrimary: true, bubbles: true });
  pad.dispatchEvent(new PointerEvent('pointerdown', { ...at(0.1, 0.6), buttons: 1 }));
  for (const [x, y] of [[0.2, 0.3], [0.35, 0.7], [0.5, 0.35], [0.7, 0.6], [0.85, 0.5]]) pad.dispatchEvent(new PointerEvent('pointermove', { ...at(x, y), buttons: 1 }));
  pad.dispatchEvent(new PointerEvent('pointerup', { ...at(0.85, 0.5), buttons: 0 }));
}

/** Draws a signature on the pad with the mouse, as a person would. */
export async function drawSignature(page) {
  // The mouse reaches only what is on screen: a pad below the fold would get no event.
  await page.locator('#pad').scrollIntoViewIfNeeded();
  const box = await page.locator('#pad').boundingBox();
  await page.mouse.move(box.x + 20, box.y + box.height * 0.6);
  await page.mouse.down();
  for (const [x, y] of [[0.2, 0.3], [0.35, 0.7], [0.5, 0.35], [0.7, 0.6]]) await page.mouse.move(box.x + box.width * x, box.y + box.height * y, { steps: 5 });
  await page.mouse.up();
}

/**
 * Signs what the sign form holds, completing what the default form requires (a recipient, a
 * signature) when the test left it out; waits for the confirmation, returns the record's id
 * and goes back to an empty form.
 */
export async function signAndWait(page, { recipient = 'A. Customer' } = {}) {
  if (!(await page.inputValue('input[name=recipient]'))) await page.fill('input[name=recipient]', recipient);
  if (await page.evaluate(() => document.querySelector('#preview-text').textContent.includes('"handwrittenSignature": "none"'))) await drawSignature(page);
  await page.click('#sign-form button[type=submit]');
  await page.waitForSelector('#signed:not([hidden])');
  const id = await page.textContent('#signed-id');
  await page.click('#sign-another');
  return id;
}
