// The package README's code blocks, run as printed: every block after a
// `<!-- tested: NAME -->` line in pkg-scripts/npm/README.md is taken from the file, its
// `import … from 'offsign'` turned into a dynamic import of the built package, and run in
// Chromium with the free names it uses (`pin`, `code`, `server`, `pdfBytes`,
// `showToWorker`) given; what it prints or shows is asserted. A snippet that stops working
// fails here; a tested block this file does not run fails too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, launchChromium, openOffsignPage } from './support/browser.mjs';
import { startServer } from './support/server.mjs';
import { readmeBlocks } from './support/readme.mjs';

const blocks = readmeBlocks();
/** Tested blocks that another file runs, with which. */
const ELSEWHERE = {
  'vite.config.js with a service worker': 'consumer.test.mjs builds a Vite app with it',
  'strict TypeScript': 'consumer.test.mjs compiles it with tsc --strict in the TypeScript app',
  'a service worker that syncs': "consumer.test.mjs bundles it as the webpack and Vite apps' service worker, woken by Background Sync",
  // (and both quick starts are also the main.js of fresh Vite apps there)
};
const ran = new Set(Object.keys(ELSEWHERE));

/**
 * Block `name` as the body of an async function of `inputs`, with its imports of the package
 * made dynamic, and `console.log` collected into `printed`; `prelude` runs first (it may
 * define the names the block uses, and `observe()`, whose result is returned as `observed`).
 */
function runnable(name, prelude = '') {
  const source = blocks.get(name);
  assert.ok(source, `the README has a tested block "${name}"`);
  ran.add(name);
  // The package's entries, and jose's browser build from the tests' node_modules.
  const files = { offsign: '/pkg/offsign.js', 'offsign/core': '/pkg/core.js', jose: '/tests/node_modules/jose/dist/webapi/index.js' };
  const body = source.replace(/^import (?:(\w+), )?\{([^}]*)\} from '(offsign(?:\/core)?|jose)';$/gm, (_, init, names, entry) => {
    const file = files[entry];
    return `const { ${init ? `default: ${init}, ` : ''}${names} } = await import('${file}');`;
  });
  assert.doesNotMatch(body, /^import /m, `${name}: every import is of the package`);
  return `async ({ pin, code, server, pdfBytes }) => {
    const printed = [];
    const shown = [];
    const console = { log: (...args) => printed.push(args) };
    const showToWorker = (text) => shown.push(text);
    pdfBytes = pdfBytes && new TextEncoder().encode(pdfBytes);
    let observe;
    ${prelude}
    try {
      ${body}
    } catch (e) {
      return { thrown: \`\${e?.name}: \${e?.code ?? ''} \${e?.message}\`, printed, shown };
    }
    return { printed, shown, observed: await observe?.() };
  }`;
}

/** Runs block `name` in `page` with `inputs`, after `prelude`. */
const run = (page, name, inputs = {}, prelude = '') => page.evaluate(`(${runnable(name, prelude)})(${JSON.stringify(inputs)})`);

test('README: the quick start without a server signs, stores and verifies a record, as printed', { timeout: 120_000 }, async () => {
  const ctx = await openOffsignPage('chromium');
  try {
    const r = await run(ctx.page, 'quick start without a server');
    assert.equal(r.thrown, undefined, r.thrown);
    const [[seq, jws], [doc]] = r.printed;
    assert.equal(seq, 1);
    assert.match(jws, /^eyJhbGciOiJFZDI1NTE5Iiw/, 'the comment shows how the JWS begins');
    assert.deepEqual(Object.keys(doc).sort(), ['name', 'sha256', 'size', 'type'], 'the comment names the members of doc');
    assert.equal(doc.name, 'receipt-118.txt');
  } finally {
    await ctx.close();
  }
});

test('README: the spinner recipe turns while the Device unlocks (real Argon2id cost) and stops after', { timeout: 120_000 }, async () => {
  const ctx = await openOffsignPage('chromium');
  try {
    // The page of an app: a button with the README's CSS, an identity sealed at the default
    // cost, and a frame loop that notes what the page shows while the block runs.
    const prelude = `
      const style = document.createElement('style');
      style.textContent = '@keyframes spin { to { transform: rotate(360deg); } } [aria-busy="true"]::after { content: ""; display: inline-block; width: 1em; height: 1em; border: 2px solid; border-right-color: transparent; border-radius: 50%; animation: spin 0.8s linear infinite; }';
      document.head.append(style);
      const button = document.body.appendChild(document.createElement('button'));
      button.textContent = 'Unlock';
      const device = await window.offsign.Device.open({ name: 'spinner-' + Math.random() });
      const { kid } = await device.createIdentity({ label: 'Spinner', pin });
      device.lock();
      const frames = [];
      let looping = true;
      const loop = () => {
        frames.push({ busy: button.getAttribute('aria-busy') === 'true', spinning: document.getAnimations().some((a) => a.playState === 'running') });
        if (looping) requestAnimationFrame(loop);
      };
      requestAnimationFrame(loop);
      observe = async () => {
        await new Promise((resolve) => requestAnimationFrame(resolve));
        looping = false;
        return { busyFrames: frames.filter((f) => f.busy && f.spinning).length, last: frames.at(-1), unlocked: device.unlocked === kid };
      };`;
    const r = await run(ctx.page, 'a spinner while unlocking', { pin: '482913' }, prelude);
    assert.equal(r.thrown, undefined, r.thrown);
    assert.ok(r.observed.busyFrames >= 5, `the page drew ${r.observed.busyFrames} frames with the spinner turning during the unlock`);
    assert.deepEqual(r.observed.last, { busy: false, spinning: false }, 'and it stopped after');
    assert.equal(r.observed.unlocked, true);
  } finally {
    await ctx.close();
  }
});

test('README: the quick start with offsign-server enrolls, signs and syncs, survives a mistyped code, and a wrong address gets a remedy about the address', { timeout: 180_000 }, async () => {
  const server = await startServer();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    // The app's own origin: the server serves the package too.
    await page.goto(`${server.url}/healthz`);
    const { code } = server.admin('enroll', '--worker', 'a.jones');
    const inputs = { pin: '482913', server: server.url, pdfBytes: '%PDF-1.4 receipt 118' };

    const wrongAddress = await run(page, 'quick start with offsign-server', { ...inputs, code, server: `${server.url}/not-the-api` });
    assert.equal(wrongAddress.thrown, undefined, wrongAddress.thrown);
    assert.match(wrongAddress.shown.join(' '), /No offsign server answers at the server address/, 'the remedy is about the address');

    // The next visit: the identity is stored but not enrolled; a mistyped code is refused.
    const mistyped = await run(page, 'quick start with offsign-server', { ...inputs, code: 'AAAA-BBBB-CCCC' });
    assert.equal(mistyped.thrown, undefined, mistyped.thrown);
    assert.match(mistyped.shown.join(' '), /new enrollment code|administrator/i, mistyped.shown.join(' '));

    // And the one after that, with the right code: enrolled, signed, sent.
    const enrolled = await run(page, 'quick start with offsign-server', { ...inputs, code });
    assert.equal(enrolled.thrown, undefined, enrolled.thrown);
    assert.deepEqual(enrolled.shown, ['Signed and stored as #1.']);
    const accepted = await page.evaluate(async () => {
      const { Device } = await import('/pkg/offsign.js');
      const device = await Device.open();
      const [me] = await device.identities();
      for (let i = 0; i < 100; i += 1) {
        const [record] = await device.records(me.kid);
        if (record?.state === 'accepted') return true;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return false;
    });
    assert.equal(accepted, true, 'autoSync sent the record and the server accepted it');
  } finally {
    await browser.close();
    await server.stop();
  }
});

test('README: verifying a record with jose in Node and in Chromium, and with cryptography in Python, as printed: one key, a key set found by kid, and a tampered record refused', { timeout: 60_000 }, async () => {
  const core = await import(pathToFileURL(path.join(ROOT, 'pkg/core.js')).href);
  core.initSync({ module: readFileSync(path.join(ROOT, 'pkg/offsign_core_bg.wasm')) });
  const ca = core.Authority.generate('Snippet Authority');
  const worker = core.Identity.generate();
  const now = Date.now();
  const credentials = { authority: ca.publicJwk, certificate: ca.issueCertificate('s-1', 'w', worker.publicJwk, now - 60_000, now + 86_400_000) };
  const { jws } = worker.sign(new TextEncoder().encode('verified elsewhere'), { credentials, name: 'receipt-118.pdf' });
  const inputs = { jws, publicJwk: worker.publicJwk, anotherWorkersJwk: core.Identity.generate().publicJwk };
  ran.add('verify with jose');
  // Beside the tests' node_modules, where `jose` resolves.
  mkdirSync(path.join(ROOT, 'tests/artifacts'), { recursive: true });
  const dir = mkdtempSync(path.join(ROOT, 'tests/artifacts/snippet-'));
  const file = path.join(dir, 'verify-with-jose.mjs');
  writeFileSync(file, `const { jws, publicJwk, anotherWorkersJwk } = JSON.parse(process.argv[2]);\n${blocks.get('verify with jose')}`);
  const printed = execFileSync(process.execPath, [file, JSON.stringify(inputs)], { encoding: 'utf8' });
  assert.equal(printed.trim(), '1 receipt-118.pdf');

  // The same block in a browser (jose on WebCrypto's Ed25519).
  const ctx = await openOffsignPage('chromium');
  try {
    const inBrowser = await ctx.page.evaluate(`(async ({ jws, publicJwk, anotherWorkersJwk }) => {
      const run = ${runnable('verify with jose')};
      return run({});
    })(${JSON.stringify(inputs)})`);
    assert.equal(inBrowser.thrown, undefined, inBrowser.thrown);
    assert.deepEqual(inBrowser.printed, [[1, 'receipt-118.pdf']]);
  } finally {
    await ctx.close();
  }

  // The Python recipe, with the same record (pyca/cryptography, installed by the set-up).
  ran.add('verify in Python');
  const python = `import json, sys\njws = sys.argv[1]\npublic_jwk = json.loads(sys.argv[2])\n${blocks.get('verify in Python')}`;
  const fromPython = execFileSync('python3', ['-c', python, jws, JSON.stringify(worker.publicJwk)], { encoding: 'utf8' });
  assert.equal(fromPython.trim(), '1 receipt-118.pdf');
  const tampered = jws.slice(0, -5) + (jws.at(-5) === 'A' ? 'B' : 'A') + jws.slice(-4);
  assert.throws(() => execFileSync('python3', ['-c', python, tampered, JSON.stringify(worker.publicJwk)], { stdio: 'pipe' }), /InvalidSignature/);
});

test('every tested block of the package README was run by a test above or by the file ELSEWHERE names', () => {
  assert.ok(blocks.size >= 7, [...blocks.keys()].join(', '));
  assert.deepEqual([...blocks.keys()].filter((name) => !ran.has(name)), [], 'tested blocks of the README that no test ran');
});
