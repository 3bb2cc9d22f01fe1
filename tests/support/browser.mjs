// Test support: a static file server on 127.0.0.1 for the repository (pkg/, www/, tests/pages/),
// a loopback HTTP/1.1 proxy that logs (and can cut or hold) what a browser sends a server, and
// Debian's Chromium driven by playwright-core. Never downloads a browser.
import http from 'node:http';
import net from 'node:net';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import puppeteer from 'puppeteer-core';
import { Builder } from 'selenium-webdriver';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.json': 'application/json', '.css': 'text/css', '.ts': 'text/plain',
};

/** Serves files under ROOT on an ephemeral loopback port; resolves to { url, close }. */
export async function serveStatic() {
  const server = http.createServer(async (req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const file = path.normalize(path.join(ROOT, urlPath));
    if (!file.startsWith(ROOT + path.sep)) { res.writeHead(403).end(); return; }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': MIME[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

/**
 * A TCP proxy on an ephemeral loopback port to `127.0.0.1:targetPort` (the target may die and
 * come back on the same port: each new connection dials it again; one it refuses is closed).
 * It reads the HTTP/1.1 requests going through (a head, then a body of Content-Length bytes)
 * and logs each, in order, as { method, path, headers (lower-case names), length, at } in
 * `requests`. `intercept(request)`, called at each request head, may say what to do with it:
 *   { cutBodyAt: n, onCut(request) }  forward the head and the first n bytes of the body only,
 *       and call onCut once they are written to the target (the rest is never sent; the
 *       connection hangs until one end closes it);
 *   { holdResponse: true, onResponse(request) }  forward the whole request but no byte of its
 *       answer; onResponse is called when the answer's first bytes arrive (the target has
 *       answered; the client never learns it).
 * With `reset: true` besides either, both connections are closed at that moment, as when a
 * link drops: the client sees the connection fail instead of waiting.
 * Resolves to { url, port, requests, close }.
 */
export async function httpProxy(targetPort, { intercept = () => undefined } = {}) {
  const requests = [];
  const sockets = new Set();
  const proxy = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.on('close', () => { sockets.delete(client); upstream.destroy(); });
    upstream.on('close', () => { sockets.delete(upstream); client.destroy(); });
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    let head = Buffer.alloc(0); // bytes of a request head not yet complete
    let bodyLeft = 0; // bytes of the current request's body still to come
    let cutLeft = Infinity; // bytes of the current body that may still be forwarded
    let current; // { request, action } of the last request seen on this connection
    let stalled = false; // a cut request: nothing more goes upstream
    client.on('data', (chunk) => {
      while (chunk.length && !stalled) {
        if (bodyLeft > 0) {
          const part = chunk.subarray(0, Math.min(bodyLeft, chunk.length));
          chunk = chunk.subarray(part.length);
          bodyLeft -= part.length;
          const allowed = part.subarray(0, Math.min(part.length, cutLeft));
          cutLeft -= allowed.length;
          if (allowed.length < part.length || (cutLeft === 0 && bodyLeft > 0)) {
            stalled = true;
            const { onCut, reset } = current.action;
            upstream.write(allowed, () => {
              onCut?.(current.request);
              if (reset) { client.destroy(); upstream.destroy(); }
            });
          } else {
            upstream.write(allowed);
          }
          continue;
        }
        head = Buffer.concat([head, chunk]);
        chunk = Buffer.alloc(0);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) break;
        const text = head.subarray(0, end).toString('latin1');
        chunk = head.subarray(end + 4);
        const headBytes = head.subarray(0, end + 4);
        head = Buffer.alloc(0);
        const [requestLine, ...fields] = text.split('\r\n');
        const [method, requestPath] = requestLine.split(' ');
        const headers = Object.fromEntries(fields.map((f) => [f.slice(0, f.indexOf(':')).trim().toLowerCase(), f.slice(f.indexOf(':') + 1).trim()]));
        const length = Number(headers['content-length'] ?? 0);
        const request = { method, path: requestPath, headers, length, at: Date.now() };
        requests.push(request);
        const action = intercept(request) ?? {};
        current = { request, action };
        bodyLeft = length;
        cutLeft = action.cutBodyAt ?? Infinity;
        upstream.write(headBytes);
        if (length === 0 && action.cutBodyAt === 0) {
          stalled = true;
          action.onCut?.(request);
        }
      }
    });
    upstream.on('data', (chunk) => {
      if (current?.action.holdResponse) {
        if (!current.held) { current.held = true; current.action.onResponse?.(current.request); }
        if (current.action.reset) { client.destroy(); upstream.destroy(); }
        return;
      }
      client.write(chunk);
    });
  });
  await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () => new Promise((r) => { for (const s of sockets) s.destroy(); proxy.close(r); }),
  };
}

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
];

/**
 * The engine a user agent names: Chromium says `Chrome/`, Firefox `Firefox/`, and WebKit
 * (Safari, WebKitGTK) `AppleWebKit/` without either (as crate/tests/common/engine.rs reads it).
 */
export function engineOf(userAgent) {
  if (userAgent.includes('Firefox/')) return 'firefox';
  if (userAgent.includes('Chrome/')) return 'chromium';
  if (userAgent.includes('AppleWebKit/')) return 'webkit';
  return 'unknown';
}

/** Throws unless `userAgent` is `engine`'s: no variable can swap the browser a test names. */
export function assertEngine(userAgent, engine) {
  if (engineOf(userAgent) !== engine) throw new Error(`expected ${engine}, but the browser says ${userAgent}`);
}

/** Launches Debian's headless Chromium, and checks that it is Chromium. */
export async function launchChromium(options = {}) {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS, ...options });
  const { userAgent } = await (await browser.newBrowserCDPSession()).send('Browser.getVersion');
  assertEngine(userAgent, 'chromium');
  return browser;
}

/**
 * Launches Debian's Firefox ESR, headless, driven by puppeteer-core over WebDriver BiDi, and
 * checks that it is Firefox.
 */
export async function launchFirefox() {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: process.env.FIREFOX ?? '/usr/bin/firefox-esr',
    headless: true,
    extraPrefsFirefox: { 'dom.storageManager.prompt.testing': true, 'dom.storageManager.prompt.testing.allow': true },
  });
  assertEngine(await browser.userAgent(), 'firefox');
  return browser;
}

let webkitLaunches = 0;

/**
 * Launches WebKitGTK's MiniBrowser on an Xvfb display of its own, driven by WebKitWebDriver
 * through selenium-webdriver, and checks that it is WebKit. Resolves to { driver, close }.
 */
export async function launchWebKit() {
  webkitLaunches += 1;
  const display = `:${90 + ((process.pid * 7 + webkitLaunches) % 200)}`;
  const xvfb = spawn('Xvfb', [display, '-screen', '0', '1280x1024x24'], { stdio: 'ignore' });
  const driverPort = 4400 + ((process.pid * 7 + webkitLaunches) % 500);
  const webdriver = spawn('/usr/bin/WebKitWebDriver', [`--port=${driverPort}`], { env: { ...process.env, DISPLAY: display }, stdio: 'ignore' });
  let driver;
  const close = async () => {
    await driver?.quit().catch(() => {});
    webdriver.kill();
    xvfb.kill();
  };
  try {
    // Wait for the display and the driver (a fixed pause was too short on a busy machine).
    const ready = Date.now() + 20_000;
    const socket = `/tmp/.X11-unix/X${display.slice(1)}`;
    while (!existsSync(socket) || !(await fetch(`http://127.0.0.1:${driverPort}/status`).then((r) => r.ok, () => false))) {
      if (Date.now() > ready) throw new Error('WebKitWebDriver did not start within 20 s');
      await new Promise((r) => setTimeout(r, 200));
    }
    driver = await new Builder().usingServer(`http://127.0.0.1:${driverPort}`).withCapabilities({
      browserName: 'MiniBrowser',
      'webkitgtk:browserOptions': { binary: '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser', args: ['--automation'] },
    }).build();
    assertEngine(await driver.executeScript('return navigator.userAgent'), 'webkit');
    return { driver, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/**
 * A selenium-driven WebKit window with the part of a playwright page the tests use: `goto`
 * and `evaluate(fn, arg)` (async functions too; a rejection is thrown here).
 */
function webkitPage(driver) {
  return {
    goto: (url) => driver.get(url),
    evaluate: async (fn, arg) => {
      const outcome = await driver.executeAsyncScript(`const done = arguments[arguments.length - 1];
        Promise.resolve().then(() => (${fn})(${JSON.stringify(arg ?? null)}))
          .then((value) => done({ value }), (e) => done({ error: String(e && e.stack || e) }));`);
      if (outcome?.error) throw new Error(outcome.error);
      return outcome?.value;
    },
  };
}

/**
 * The realm a page's Device lives in: the newest of the page's dedicated workers running the
 * package's `device_worker.js`, for tests that change that realm's own environment (its clock,
 * its randomness) with `evaluate(fn, arg)`. Playwright pages (Chromium) only.
 */
export async function deviceWorker(page) {
  for (let tries = 0; tries < 200; tries++) {
    const workers = page.workers().filter((w) => w.url().endsWith('/device_worker.js'));
    if (workers.length) return workers.at(-1);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('no device worker in this page: open a Device first');
}

/**
 * The engines the JS API is tested in; `OFFSIGN_ENGINES=chromium` narrows the list, and an
 * engine it cannot launch is an error, not a skip.
 */
export const ENGINES = (process.env.OFFSIGN_ENGINES ?? 'chromium,firefox').split(',');
for (const engine of ENGINES) {
  if (!['chromium', 'firefox', 'webkit'].includes(engine)) throw new Error(`OFFSIGN_ENGINES: no launcher for "${engine}" (chromium, firefox, webkit)`);
}

/** ENGINES and WebKitGTK, for the tiers that run there too; `OFFSIGN_ENGINES` still narrows. */
export const ENGINES_AND_WEBKIT = process.env.OFFSIGN_ENGINES ? ENGINES : [...ENGINES, 'webkit'];

/**
 * Opens a blank page of the static server in `engine` (chromium, firefox or webkit) with the
 * offsign package imported as `window.offsign`. Returns { browser, page, server, errors,
 * close }; the page offers `goto` and `evaluate(fn, arg)` in every engine (WebKit's collects no
 * page errors).
 */
export async function openOffsignPage(engine = 'chromium') {
  const server = await serveStatic();
  let browser;
  let page;
  const errors = [];
  if (engine === 'webkit') {
    const webkit = await launchWebKit();
    await webkit.driver.manage().setTimeouts({ script: 280_000 });
    browser = { close: webkit.close };
    page = webkitPage(webkit.driver);
  } else {
    browser = engine === 'firefox' ? await launchFirefox() : await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (e) => errors.push(e));
  }
  await page.goto(`${server.url}/tests/pages/blank.html`);
  assertEngine(await page.evaluate(() => navigator.userAgent), engine);
  await page.evaluate(async () => {
    const mod = await import('/pkg/offsign.js');
    await mod.default();
    window.offsign = mod;
  });
  return {
    browser, page, server, errors,
    close: async () => { await browser.close(); await server.close(); },
  };
}

/**
 * Starts Chromium on `profile`, in its own process group, and connects over CDP. `kill()`
 * SIGKILLs the whole group, as when the system kills the browser: no clean shutdown anywhere.
 */
export async function startChromium(profile) {
  const child = spawn(process.env.CHROMIUM ?? '/usr/bin/chromium', [
    '--headless=new', ...CHROMIUM_ARGS, `--user-data-dir=${profile}`, '--remote-debugging-port=0', 'about:blank',
  ], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  const endpoint = await new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`chromium did not start: ${err}`)), 20_000);
    child.stderr.on('data', (d) => {
      err += d;
      const m = err.match(/DevTools listening on (ws:\/\/\S+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
  });
  const browser = await chromium.connectOverCDP(endpoint);
  assertEngine((await (await browser.newBrowserCDPSession()).send('Browser.getVersion')).userAgent, 'chromium');
  const exited = new Promise((r) => child.once('exit', r));
  const killGroup = async () => {
    try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
    await exited;
    // Give the kernel a moment to reap the group's other processes.
    await new Promise((r) => setTimeout(r, 200));
  };
  return {
    context: browser.contexts()[0],
    kill: killGroup,
    close: async () => { await browser.close().catch(() => {}); await killGroup(); },
  };
}
