// A client of the administrators' console of a real offsign-server (`/admin`): forms posted
// as a browser posts them, redirects not followed, the session cookie carried by hand.
import assert from 'node:assert/strict';

/**
 * Console requests to `server` (from startServer):
 * - `request(method, path, { form, cookie, json, headers })` resolves to `{ status, location,
 *   setCookie, cacheControl, text, json }` (`json` asks for a JSON answer with `Accept`);
 * - `account(user, password, role)`: `offsign-server admin add`, then the setup link's form;
 * - `login(user, password)`: resolves to `{ cookie, csrf, setCookie }`.
 */
export function consoleClient(server) {
  async function request(method, path, { form, cookie, json = false, headers: extra = {} } = {}) {
    const headers = { ...extra };
    if (cookie) headers.cookie = cookie;
    if (json) headers.accept = 'application/json';
    let body;
    if (form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(form).toString();
    }
    const response = await fetch(server.url + path, { method, headers, body, redirect: 'manual' });
    const text = await response.text();
    let parsed = null;
    try { parsed = JSON.parse(text); } catch { /* a page */ }
    return {
      status: response.status, location: response.headers.get('location'), setCookie: response.headers.getSetCookie(),
      cacheControl: response.headers.get('cache-control'), text, json: parsed,
    };
  }

  async function account(user, password, role = 'admin') {
    const { setupLink } = server.admin('admin', 'add', '--user', user, '--role', role, '--base-url', server.url);
    const token = new URL(setupLink).searchParams.get('token');
    const set = await request('POST', '/admin/setup', { form: { token, password } });
    assert.equal(set.status, 303, set.text);
    return { setupLink, token };
  }

  async function login(user, password) {
    const answer = await request('POST', '/admin/login', { form: { name: user, password } });
    assert.equal(answer.status, 303, answer.text);
    const setCookie = answer.setCookie.find((c) => c.startsWith('offsign_console='));
    const cookie = setCookie.split(';')[0];
    const me = await request('GET', '/admin/api/me', { cookie });
    assert.equal(me.status, 200, me.text);
    return { cookie, csrf: me.json.csrf, setCookie };
  }

  return { request, account, login };
}
