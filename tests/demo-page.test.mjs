// The run command's page, served by the real offsign-server: signs typed text and verifies it,
// under the server's Content-Security-Policy, with no request leaving the machine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium } from './support/browser.mjs';
import { startServer } from './support/server.mjs';

test('the demo page signs typed text and verifies it, twice, chained', async () => {
  const server = await startServer();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    page.on('request', (r) => { if (!r.url().startsWith(server.url)) problems.push(`request left the server: ${r.url()}`); });
    await page.goto(server.url + '/');
    await page.getByText('Ready to sign.').waitFor();

    await page.fill('#text', 'Consent form signed by the patient.');
    await page.click('#sign');
    await page.getByText('Signature verified.').waitFor();
    const jws = await page.inputValue('#jws');
    const [, payload] = jws.split('.');
    const record = JSON.parse(Buffer.from(payload, 'base64url').toString());
    assert.equal(record.seq, 1);
    assert.equal(await page.textContent('#record-id'), record.id);

    await page.click('#sign');
    await page.getByText('Signature verified, chained to the previous record.').waitFor();
    assert.equal(await page.textContent('#record-seq'), '2');
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
    await server.stop();
  }
});
