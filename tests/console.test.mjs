// The administrators' console of a real offsign-server, in headless Chromium and over HTTP:
// an account made from the command line sets its password through its one-time link, logs in
// through the form (a session cookie that scripts cannot read, sent only to /admin and only
// from the console's own pages), makes an enrollment code that a device then redeems, reads
// the audit log of who did what, and logs out. No page breaks the strict CSP.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, launchChromium } from './support/browser.mjs';
import { client, jwsPayload, keyPair } from './support/client.mjs';
import { consoleClient } from './support/console.mjs';
import { startServer } from './support/server.mjs';

const server = await startServer();
after(() => server.stop());
const { request, account, login } = consoleClient(server);

test('a new account sets its password once through its link; the link then answers that it was used', async () => {
  const { setupLink, token } = await account('link-admin', 'correct horse battery');
  const again = await request('GET', new URL(setupLink).pathname + new URL(setupLink).search);
  assert.equal(again.status, 404, 'a used link');
  assert.match(again.text, /expired or was used/);
  const reuse = await request('POST', '/admin/setup', { form: { token, password: 'another long password' } });
  assert.equal(reuse.status, 404);
  // A second link for the same account resets the password; a short one is refused first.
  const { setupLink: reset } = server.admin('admin', 'add', '--user', 'link-admin', '--base-url', server.url);
  const resetToken = new URL(reset).searchParams.get('token');
  const short = await request('POST', '/admin/setup', { form: { token: resetToken, password: 'short' } });
  assert.equal(short.status, 400);
  assert.match(short.text, /needs 12 to 256 characters/);
  assert.equal((await request('POST', '/admin/setup', { form: { token: resetToken, password: 'a new long password' } })).status, 303);
  assert.equal((await request('POST', '/admin/login', { form: { name: 'link-admin', password: 'correct horse battery' } })).status, 401, 'the old password no longer works');
  await login('link-admin', 'a new long password');
});

test('the session cookie is HttpOnly, SameSite=Strict, for /admin only, and ends at logout', async () => {
  await account('cookie-admin', 'a long cookie password');
  const { cookie, csrf, setCookie } = await login('cookie-admin', 'a long cookie password');
  assert.match(setCookie, /HttpOnly/);
  assert.match(setCookie, /SameSite=Strict/);
  assert.match(setCookie, /Path=\/admin/);
  assert.match(setCookie, /Max-Age=28800/);
  assert.doesNotMatch(setCookie, /Secure/, 'plain HTTP on loopback, no proxy saying HTTPS');
  const overview = await request('GET', '/admin', { cookie });
  assert.equal(overview.status, 200);
  assert.match(overview.text, /<h1>Overview<\/h1>/);
  const out = await request('POST', '/admin/logout', { form: { csrf }, cookie });
  assert.equal(out.status, 303);
  assert.equal(out.location, '/admin/login');
  assert.equal((await request('GET', '/admin', { cookie })).location, '/admin/login', 'the session has ended');
});

test('in Chromium: log in through the form, make an enrollment code a device redeems, find the worker and revoke it, read the audit log, log out; no CSP violation', { timeout: 120_000 }, async () => {
  await account('ann', 'a long password for ann');
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const violations = [];
    page.on('console', (message) => { if (/Content Security Policy/i.test(message.text())) violations.push(message.text()); });
    await page.goto(`${server.url}/admin`);
    assert.equal(new URL(page.url()).pathname, '/admin/login', 'no session: the login page');
    await page.getByLabel('Name').fill('ann');
    await page.getByLabel('Password').fill('a long password for ann');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${server.url}/admin`);
    assert.equal(await page.evaluate(() => document.cookie), '', 'the session cookie is not readable by scripts');
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Overview');

    await page.getByLabel('Worker id').fill('driver-42');
    await page.getByLabel('Certificate valid for (days)').fill('90');
    await page.getByRole('button', { name: 'Make an enrollment code' }).click();
    const code = (await page.locator('.code output').textContent()).trim();
    assert.match(code, /^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    // The code is a real one: a device enrolls with it.
    const key = await keyPair();
    const enrolled = await client(server).enroll(key, code);
    assert.equal(enrolled.status, 200, enrolled.text);

    // Workers: found by a search, with the certificate just issued, and revoked from there.
    await page.getByRole('link', { name: 'Workers' }).click();
    await page.getByLabel('Search by worker id').fill('DRIVER-4');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: 'driver-42' }).click();
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Worker driver-42');
    const serial = jwsPayload(enrolled.json.certificate).serial;
    assert.equal(await page.locator('tbody tr td code').first().textContent(), serial);
    assert.deepEqual(await page.locator('tbody tr td:nth-child(5)').allTextContents(), ['live']);
    // The reason must be chosen: the form does not go without one.
    await page.getByRole('button', { name: 'Revoke every certificate of driver-42' }).click();
    assert.match(page.url(), /\/admin\/worker\?id=driver-42$/);
    assert.equal(await page.locator('#reason-all').evaluate((select) => select.validity.valueMissing), true);
    await page.locator('#reason-all').selectOption('keyCompromise');
    await page.getByRole('button', { name: 'Revoke every certificate of driver-42' }).click();
    await page.waitForURL(/\/admin\/worker\?id=driver-42$/);
    assert.deepEqual(await page.locator('tbody tr td:nth-child(5)').allTextContents(), ['revoked (keyCompromise): every record refused']);
    assert.equal(await page.getByRole('button', { name: /^Revoke/ }).count(), 0, 'nothing left to revoke');
    const list = await client(server).call('GET', '/v1/revocations');
    assert.ok(jwsPayload(list.json.revocationList).revoked.includes(serial), 'the revocation list devices fetch names it');
    assert.equal(jwsPayload(list.json.revocationList).reasons[serial], 'keyCompromise', 'with its reason');

    await page.getByRole('link', { name: 'Audit log' }).click();
    const rows = await page.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].slice(1).map((td) => td.textContent)));
    assert.deepEqual(rows.slice(0, 3).map(([actor, action]) => [actor, action]), [['ann', 'revoke'], ['ann', 'enroll'], ['ann', 'login']]);
    assert.equal(rows[0][2], `worker driver-42: ${serial} (keyCompromise)`);
    assert.match(rows[1][2], /^worker driver-42, certificate for 90 days, code expires /);
    assert.ok(rows.some(([actor, action, detail]) => actor === 'command line' && action === 'account_added' && detail === 'ann (admin), password set by a new link'));
    assert.ok(!rows.some((row) => row.join(' ').includes(code)), 'the code itself is not in the log');

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(`${server.url}/admin/login`);
    await page.goto(`${server.url}/admin/audit`);
    assert.equal(new URL(page.url()).pathname, '/admin/login', 'logged out');
    assert.deepEqual(violations, []);
  } finally {
    await browser.close();
  }
});

test("an auditor sees a worker's certificates without a revoke button, and a revoke it posts anyway is refused", async () => {
  await account('audrey', 'a long auditor password', 'auditor');
  const { code } = server.admin('enroll', '--worker', 'driver-43');
  assert.equal((await client(server).enroll(await keyPair(), code)).status, 200);
  const { cookie, csrf } = await login('audrey', 'a long auditor password');
  const page = await request('GET', '/admin/worker?id=driver-43', { cookie });
  assert.equal(page.status, 200);
  assert.match(page.text, /<td>live<\/td>/);
  assert.doesNotMatch(page.text, /action="\/admin\/revoke"/, 'no revoke form for an auditor');
  const refused = await request('POST', '/admin/revoke', { form: { csrf, worker: 'driver-43', reason: 'superseded' }, cookie, json: true });
  assert.equal(refused.status, 403);
  assert.equal(refused.json.code, 'role_refused');
  assert.match((await request('GET', '/admin/worker?id=driver-43', { cookie })).text, /<td>live<\/td>/, 'still live');
});

test('logins sent at once cannot pass the lockout: at most five wrong passwords are tried, then the right one is locked out too', async () => {
  await account('racer', 'the right long password');
  // Waves of twelve at once until the account is locked: the server tries two passwords at a
  // time (the rest are `rate_limited`), and counts each try before checking it.
  const codes = [];
  for (let wave = 0; wave < 20 && !codes.includes('login_locked'); wave += 1) {
    const tries = await Promise.all(Array.from({ length: 12 }, (_, i) => request('POST', '/admin/login', { form: { name: 'racer', password: `wrong password ${i}` }, json: true })));
    codes.push(...tries.map((t) => t.json?.code));
  }
  assert.ok(codes.every((c) => ['login_refused', 'login_locked', 'rate_limited'].includes(c)), codes.join());
  assert.equal(codes.filter((c) => c === 'login_refused').length, 5, `wrong passwords tried: ${codes.join()}`);
  const right = await request('POST', '/admin/login', { form: { name: 'racer', password: 'the right long password' }, json: true });
  assert.equal(right.json?.code, 'login_locked', right.text);
  // A name without an account locks the same way: a lockout does not tell which names exist.
  const strangers = [];
  for (let i = 0; i < 6; i += 1) strangers.push((await request('POST', '/admin/login', { form: { name: 'no-such-admin', password: `guess ${i}` }, json: true })).json?.code);
  assert.deepEqual(strangers, ['login_refused', 'login_refused', 'login_refused', 'login_refused', 'login_refused', 'login_locked']);
  // The wrong passwords and the lock are in the audit log under the account; the stranger's
  // name (which may be a password typed in the wrong field) is not.
  await account('racer-watch', 'a long watching password', 'auditor');
  const { cookie } = await login('racer-watch', 'a long watching password');
  const log = (await request('GET', '/admin/audit', { cookie })).text;
  assert.equal([...log.matchAll(/<td>racer<\/td><td>login_refused<\/td>/g)].length, 4, 'four wrong passwords before the lock');
  assert.match(log, /<td>racer<\/td><td>account_locked<\/td><td>wrong password 5 of 5 in a row<\/td>/);
  assert.doesNotMatch(log, /no-such-admin/);
});

test('a revocation and an enrollment code made from the command line are in the audit log, each with its change', async () => {
  const { code } = server.admin('enroll', '--worker', 'driver-cli');
  assert.equal((await client(server).enroll(await keyPair(), code)).status, 200);
  server.admin('revoke', '--worker', 'driver-cli', '--reason', 'cessationOfOperation');
  await account('cli-watch', 'a long watching password', 'auditor');
  const { cookie } = await login('cli-watch', 'a long watching password');
  const log = (await request('GET', '/admin/audit', { cookie })).text;
  assert.match(log, /<td>command line<\/td><td>revoke<\/td><td>worker driver-cli: [0-9a-f-]+ \(cessationOfOperation\)<\/td>/);
  assert.match(log, /<td>command line<\/td><td>enroll<\/td><td>worker driver-cli, certificate for 365 days, code expires /);
});

test('a form posted from another site is refused; console answers are never cached; a new link ends the old password and sessions at once', async () => {
  await account('guarded', 'the first long password');
  const fromElsewhere = await request('POST', '/admin/login', { form: { name: 'guarded', password: 'the first long password' }, json: true, headers: { 'sec-fetch-site': 'cross-site' } });
  assert.equal(fromElsewhere.status, 403);
  assert.equal(fromElsewhere.json.code, 'csrf_refused');
  const { cookie } = await login('guarded', 'the first long password');
  assert.equal((await request('GET', '/admin', { cookie })).cacheControl, 'no-store');
  assert.equal((await request('GET', '/admin/login')).cacheControl, 'no-store');
  // The password leaked: a new link is made, and before it is used nothing of the old works.
  server.admin('admin', 'add', '--user', 'guarded', '--base-url', server.url);
  assert.equal((await request('GET', '/admin/api/me', { cookie })).status, 401, 'the session ended');
  const old = await request('POST', '/admin/login', { form: { name: 'guarded', password: 'the first long password' }, json: true });
  assert.equal(old.json.code, 'login_refused', 'the old password no longer works');
});

test('enrollment links point at --public-url when it is given; a URL with a path or another scheme is refused at start', async () => {
  const named = await startServer(['--public-url', 'https://sign.example.com/']);
  try {
    const { account: add, login: enter, request: ask } = consoleClient(named);
    await add('pub-admin', 'a long public password');
    const { cookie, csrf } = await enter('pub-admin', 'a long public password');
    const made = await ask('POST', '/admin/enroll', { form: { csrf, worker: 'driver-pub', days: '30', expires_hours: '24' }, cookie, json: true });
    assert.equal(made.json.link, `https://sign.example.com/#enroll=${made.json.code}`);
  } finally {
    await named.stop();
  }
  for (const bad of ['ftp://sign.example.com', 'https://sign.example.com/app', 'sign.example.com']) {
    await assert.rejects(startServer(['--public-url', bad], { captureStderr: true }), /public-url/, bad);
  }
});

test('forms: the console lists the forms in use with their fields; an admin adds a new version (its JSON checked), an auditor cannot', async () => {
  await account('fran', 'a long forms password', 'admin');
  await account('fred', 'a long auditor password', 'auditor');
  const admin = await login('fran', 'a long forms password');
  const listed = await request('GET', '/admin/forms', { cookie: admin.cookie });
  assert.equal(listed.status, 200);
  for (const title of ['Consent form', 'Delivery receipt', 'Inspection checklist']) assert.match(listed.text, new RegExp(`<td>${title}</td>`));
  assert.match(listed.text, /<td><code>condition<\/code><\/td><td>Overall condition<\/td><td>choice: Good \/ Needs repair \/ Unsafe: taken out of use<\/td><td>yes<\/td>/);
  assert.match(listed.text, /<textarea id="definition" name="definition"/);

  const receipt = JSON.parse(readFileSync(path.join(ROOT, 'server/forms/delivery-receipt.json'), 'utf8'));
  const changed = { ...receipt, fields: [...receipt.fields, { name: 'crates', type: 'number', label: { en: 'Crates', ar: 'الصناديق' }, min: 0, max: 500 }] };
  const added = await request('POST', '/admin/forms', { form: { csrf: admin.csrf, definition: JSON.stringify(changed) }, cookie: admin.cookie, json: true });
  assert.equal(added.status, 200, added.text);
  assert.deepEqual(added.json, { id: 'delivery-receipt', version: 2 });
  assert.match((await request('GET', '/admin/forms', { cookie: admin.cookie })).text, /<td><code>delivery-receipt<\/code><\/td><td>2<\/td><td>7<\/td>/);
  assert.deepEqual(server.admin('form', 'list').forms.find((f) => f.id === 'delivery-receipt').addedBy, 'fran');

  const malformed = await request('POST', '/admin/forms', { form: { csrf: admin.csrf, definition: JSON.stringify({ ...changed, fields: [] }) }, cookie: admin.cookie, json: true });
  assert.deepEqual([malformed.status, malformed.json.code], [422, 'malformed_form']);
  assert.match(malformed.json.message, /1 to 64 fields/);

  const auditor = await login('fred', 'a long auditor password');
  assert.doesNotMatch((await request('GET', '/admin/forms', { cookie: auditor.cookie })).text, /<textarea/, 'no add form for an auditor');
  const refused = await request('POST', '/admin/forms', { form: { csrf: auditor.csrf, definition: JSON.stringify(changed) }, cookie: auditor.cookie, json: true });
  assert.deepEqual([refused.status, refused.json.code], [403, 'role_refused']);
  assert.equal(server.admin('form', 'list').forms.find((f) => f.id === 'delivery-receipt').version, 2, 'nothing added');
});
