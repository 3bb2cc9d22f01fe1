// Test support: a static file server on 127.0.0.1 for the repository (pkg/, www/, tests/pages/)
// and Debian's Chromium driven by playwright-core. Never downloads a browser.
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import puppeteer from 'puppeteer-core';

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

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
];

/** Launches Debian's headless Chromium. */
export function launchChromium(options = {}) {
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS, ...options });
}

/** Launches Debian's Firefox ESR, headless, driven by puppeteer-core over WebDriver BiDi. */
export function launchFirefox() {
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: process.env.FIREFOX ?? '/usr/bin/firefox-esr',
    headless: true,
    extraPrefsFirefox: { 'dom.storageManager.prompt.testing': true, 'dom.storageManager.prompt.testing.allow': true },
  });
}

/** The engines the JS API is tested in; `OFFSIGN_ENGINES=chromium` narrows the list. */
export const ENGINES = (process.env.OFFSIGN_ENGINES ?? 'chromium,firefox').split(',');

/**
 * Opens a blank page of the static server in `engine` (chromium or firefox) with the offsign
 * package imported as `window.offsign`. Returns { browser, page, server, errors, close }; the
 * page offers `goto` and `evaluate(fn, arg)` in both engines.
 */
export async function openOffsignPage(engine = 'chromium') {
  const server = await serveStatic();
  const browser = engine === 'firefox' ? await launchFirefox() : await launchChromium();
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  await page.goto(`${server.url}/tests/pages/blank.html`);
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
