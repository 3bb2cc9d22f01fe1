// The npm package as a web developer gets it: `npm pack` of pkg/, installed from the tarball
// (not a link) into fresh apps that are built for production with Vite and with webpack 5 and
// run in headless Chromium against a real offsign-server: identity, enrollment, signature,
// verification, storage and sync, all asserted. A Vite app that imports only `offsign/core`
// bundles only the small wasm. The package also signs inside the webpack
// app's own service worker. A TypeScript app compiles with `tsc --strict` against the types,
// and a file of deliberate type errors proves they are not `any`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, launchChromium } from './support/browser.mjs';
import { pack, freshApp as fresh, tool } from './support/consumer.mjs';
import { startServer } from './support/server.mjs';

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

test('a webpack 5 app built for production does the same, and so does its own service worker', async () => {
  const dir = freshApp('webpack', 'src');
  execFileSync(tool('webpack'), ['--config', 'webpack.config.js'], { cwd: dir });
  cpSync(path.join(dir, 'index.html'), path.join(dir, 'dist/index.html'));
  const { result, server, page, context } = await runBuiltApp(path.join(dir, 'dist'));
  try {
    assertChecked(result);
    const { code } = server.admin('enroll', '--worker', 'consumer-sw');
    const fromWorker = await page.evaluate(async (code) => {
      await navigator.serviceWorker.register('/sw.js');
      const registration = await navigator.serviceWorker.ready;
      const answer = new Promise((resolve) => navigator.serviceWorker.addEventListener('message', (e) => resolve(e.data)));
      registration.active.postMessage({ code });
      return answer;
    }, code);
    assert.equal(fromWorker.error, undefined, fromWorker.error);
    assert.equal(fromWorker.accepted, 1);
  } finally {
    await context.close();
    await server.stop();
  }
});

test('TypeScript: a strict consumer compiles, and deliberate type errors are caught', () => {
  const dir = freshApp('ts');
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
