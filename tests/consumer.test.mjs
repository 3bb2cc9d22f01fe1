// The npm package as a web developer gets it: `npm pack` of pkg/, installed from the tarball
// (not a link) into fresh apps that are built for production with Vite and with webpack 5 and
// run in headless Chromium against a real offsign-server: identity, enrollment, signature,
// verification, storage and sync, all asserted. A Vite app that imports only `offsign/core`
// bundles only the small wasm. The package also signs inside the webpack
// app's own service worker (the README's, woken by Background Sync, in the webpack and Vite apps). A TypeScript app compiles with `tsc --strict` against the types,
// and a file of deliberate type errors proves they are not `any`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, launchChromium } from './support/browser.mjs';
import { pack, freshApp as fresh, tool } from './support/consumer.mjs';
import { sql, startServer } from './support/server.mjs';
import { readmeBlocks } from './support/readme.mjs';

let packed;
let browser;

before(async () => {
  packed = pack();
  browser = await launchChromium();
});
after(async () => { await browser.close(); });

const freshApp = (name, sharedInto) => fresh(packed, name, { sharedInto });

/** Serves `dist` with a real offsign-server and runs the app's check in a fresh page. */
async function runBuiltApp(dist) {
  const server = await startServer([], { www: dist });
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const { code } = server.admin('enroll', '--worker', 'consumer');
    await page.goto(`${server.url}/?code=${code}`);
    const result = await (await page.waitForFunction(() => window.result, null, { timeout: 20_000 })).jsonValue();
    return { result, server, page, context };
  } catch (e) {
    await context.close();
    await server.stop();
    throw e;
  }
}

const packageVersion = () => JSON.parse(execFileSync('npm', ['pkg', 'get', 'version'], { cwd: path.join(ROOT, 'pkg'), encoding: 'utf8' }));

function assertChecked(result) {
  assert.deepEqual(result, { version: packageVersion(), verified: true, stored: 1, accepted: 1, state: 'accepted' });
}

test('a Vite app built for production signs, verifies, stores and syncs', async () => {
  const dir = freshApp('vite');
  execFileSync(tool('vite'), ['build', '--logLevel', 'error'], { cwd: dir });
  const { result, server, context } = await runBuiltApp(path.join(dir, 'dist'));
  try {
    assertChecked(result);
  } finally {
    await context.close();
    await server.stop();
  }
});

test('a Vite app that imports only offsign/core ships only the small wasm, and signs and verifies a chain', async () => {
  const dir = freshApp('vite-core');
  execFileSync(tool('vite'), ['build', '--logLevel', 'error'], { cwd: dir });
  const wasm = readdirSync(path.join(dir, 'dist/assets')).filter((f) => f.endsWith('.wasm'));
  assert.equal(wasm.length, 1, wasm.join());
  assert.deepEqual(readFileSync(path.join(dir, 'dist/assets', wasm[0])), readFileSync(path.join(ROOT, 'pkg/offsign_core_bg.wasm')));
  const { result, server, context } = await runBuiltApp(path.join(dir, 'dist'));
  try {
    assert.deepEqual(result, { version: packageVersion(), seq: 2, chained: true });
  } finally {
    await context.close();
    await server.stop();
  }
});

test("fresh Vite apps whose main.js is the package README's quick start, without and with a server, work on the first try", async () => {
  // The second quick start's free names, as an app would define them.
  const names = "const pin = '482913'; const code = new URLSearchParams(location.search).get('code'); const server = location.origin;\n"
    + "const pdfBytes = new TextEncoder().encode('%PDF-1.4 receipt'); const showToWorker = (text) => console.log(text);\n";
  const variants = [
    ['quick start without a server', '', 2, (printed) => {
      assert.match(printed[0] ?? '', /^1 eyJhbGciOiJFZDI1NTE5Iiw/, printed.join('\n'));
      assert.match(printed[1] ?? '', /Object|sha256/, 'the verified payload of the document');
    }],
    ['quick start with offsign-server', names, 1, (printed) => assert.deepEqual(printed, ['Signed and stored as #1.'])],
  ];
  for (const [block, prefix, lines, check] of variants) {
    const dir = fresh(packed, 'vite', { as: `vite-${block.replace(/\W+/g, '-')}` });
    writeFileSync(path.join(dir, 'main.js'), prefix + readmeBlocks().get(block));
    execFileSync(tool('vite'), ['build', '--logLevel', 'error'], { cwd: dir });
    const server = await startServer([], { www: path.join(dir, 'dist') });
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const printed = [];
      const errors = [];
      page.on('console', (message) => { if (message.type() === 'log') printed.push(message.text()); });
      page.on('pageerror', (error) => errors.push(String(error)));
      const { code } = server.admin('enroll', '--worker', 'vite-readme');
      await page.goto(`${server.url}/?code=${code}`);
      const until = Date.now() + 20_000;
      while (printed.length < lines && !errors.length && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
      assert.deepEqual(errors, [], block);
      check(printed);
    } finally {
      await context.close();
      await server.stop();
    }
  }
});

test("a webpack 5 app built for production does the same, and so does its own service worker, the README's, woken by Background Sync", async () => {
  const dir = freshApp('webpack', 'src');
  writeServiceWorker(dir);
  execFileSync(tool('webpack'), ['--config', 'webpack.config.js'], { cwd: dir });
  cpSync(path.join(dir, 'index.html'), path.join(dir, 'dist/index.html'));
  const { result, server, page, context } = await runBuiltApp(path.join(dir, 'dist'));
  try {
    assertChecked(result);
    await assertSignsInServiceWorker(page, server, {});
    await assertBackgroundSync(server, {});
  } finally {
    await context.close();
    await server.stop();
  }
});

/**
 * Writes the app's src/sw.js: the package README's service worker (it syncs on Background
 * Sync), then the tests' part that signs when the page asks (apps/shared/sw-signs.js).
 */
function writeServiceWorker(dir) {
  mkdirSync(path.join(dir, 'src'), { recursive: true });
  const tail = readFileSync(path.join(ROOT, 'tests/consumer/apps/shared/sw-signs.js'), 'utf8');
  writeFileSync(path.join(dir, 'src/sw.js'), `${readmeBlocks().get('a service worker that syncs')}\n${tail}`);
}

/**
 * A page signs offline and asks for Background Sync, and is closed; back online, the app's
 * /sw.js (registered with `options`) sends the record with no page open.
 */
async function assertBackgroundSync(server, options) {
  const context = await browser.newContext({ permissions: ['background-sync'] });
  const stored = () => sql(server.db, 'SELECT count(*) FROM records')[0][0];
  try {
    const page = await context.newPage();
    await page.goto(`${server.url}/healthz`);
    const { code } = server.admin('enroll', '--worker', 'consumer-background');
    await page.evaluate(async ({ code, options }) => {
      await navigator.serviceWorker.register('/sw.js', options);
      await navigator.serviceWorker.ready;
      const { Device } = await import('/pkg/offsign.js');
      window.device = await Device.open();              // the database the README's worker opens
      const me = await window.device.createIdentity({ label: 'Background', pin: '482913', kdf: { m: 8192, t: 1, p: 1 } });
      await window.device.enroll(me.kid, code);
    }, { code, options });
    const before = stored();
    await context.setOffline(true);
    const asked = await page.evaluate(async () => {
      await window.device.sign(new TextEncoder().encode('signed offline'), { name: 'offline.txt' });
      return window.device.requestBackgroundSync();
    });
    assert.equal(asked, true, 'the browser took the Background Sync request');
    await page.close();
    await context.setOffline(false);
    for (const end = Date.now() + 60_000; stored() === before && Date.now() < end;) await new Promise((r) => setTimeout(r, 250));
    assert.equal(stored(), before + 1, "the README's service worker sent the record, with the app closed");
  } finally {
    await context.close();
  }
}

/** Registers the app's /sw.js with `options` and asserts that it enrolls, signs and syncs. */
async function assertSignsInServiceWorker(page, server, options) {
  const { code } = server.admin('enroll', '--worker', 'consumer-sw');
  const fromWorker = await page.evaluate(async ({ code, options }) => {
    await navigator.serviceWorker.register('/sw.js', options);
    const registration = await navigator.serviceWorker.ready;
    const answer = new Promise((resolve) => navigator.serviceWorker.addEventListener('message', (e) => resolve(e.data)));
    registration.active.postMessage({ code });
    return answer;
  }, { code, options });
  assert.equal(fromWorker.error, undefined, fromWorker.error);
  assert.equal(fromWorker.accepted, 1);
}

test("a Vite app with the README's service worker config: the worker keeps its name, registers as a module, signs, and syncs on Background Sync", async () => {
  // The Vite app, with the same service worker as the webpack app, and the README's config.
  const dir = fresh(packed, 'vite', { as: 'vite-sw' });
  writeServiceWorker(dir);
  writeFileSync(path.join(dir, 'vite.config.js'), readmeBlocks().get('vite.config.js with a service worker'));
  // The config imports `vite`, as an app that has it installed does.
  symlinkSync(path.join(ROOT, 'tests/consumer/node_modules/vite'), path.join(dir, 'node_modules/vite'));
  execFileSync(tool('vite'), ['build', '--logLevel', 'error'], { cwd: dir });
  assert.ok(readdirSync(path.join(dir, 'dist')).includes('sw.js'), 'the service worker at a fixed name');
  const { result, server, page, context } = await runBuiltApp(path.join(dir, 'dist'));
  try {
    assertChecked(result);
    await assertSignsInServiceWorker(page, server, { type: 'module' });
    await assertBackgroundSync(server, { type: 'module' });
  } finally {
    await context.close();
    await server.stop();
  }
});

test("TypeScript: a strict consumer and the README's strict recipe compile, and deliberate type errors are caught", () => {
  const dir = freshApp('ts');
  // The package README's strict-TypeScript recipe, as printed, compiles with the app.
  writeFileSync(path.join(dir, 'readme.ts'), readmeBlocks().get('strict TypeScript'));
  execFileSync(tool('tsc'), ['-p', 'tsconfig.json'], { cwd: dir, encoding: 'utf8' });
  // Without the directives every marked line must fail: the types are not `any`.
  const loose = path.join(dir, 'type-errors.ts');
  const text = execFileSync('sed', ['/@ts-expect-error/d', loose], { encoding: 'utf8' });
  writeFileSync(loose, text);
  let output = '';
  try {
    execFileSync(tool('tsc'), ['-p', 'tsconfig.json'], { cwd: dir, encoding: 'utf8' });
  } catch (e) {
    output = e.stdout;
  }
  const errors = output.split('\n').filter((l) => l.includes('type-errors.ts('));
  const marked = readFileSync(path.join(ROOT, 'tests/consumer/apps/ts/type-errors.ts'), 'utf8').match(/^\/\/ @ts-expect-error/gm).length;
  assert.equal(errors.length, marked, output);
});
