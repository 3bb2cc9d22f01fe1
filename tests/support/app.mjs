// The field app driven as a worker does it (first run, signing), for tests and benchmarks
// (playwright-core).

/** The PIN the tests' workers choose. */
export const PIN = '482913';

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

/** Signs what the sign form holds, waits for the confirmation, returns the record's id and
 * goes back to an empty form. */
export async function signAndWait(page) {
  await page.click('#sign-form button[type=submit]');
  await page.waitForSelector('#signed:not([hidden])');
  const id = await page.textContent('#signed-id');
  await page.click('#sign-another');
  return id;
}
