// The package README's code blocks, run as printed: every block after a
// `<!-- tested: NAME -->` line in pkg-scripts/npm/README.md is taken from the file, its
// `import … from 'offsign'` turned into a dynamic import of the built package, and run in
// Chromium with the free names it uses (`pin`, `code`, `server`, `pdfBytes`,
// `showToWorker`) given; what it prints or shows is asserted. A snippet that stops working
// fails here; a tested block this file does not run fails too.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, launchChromium, openOffsignPage } from './support/browser.mjs';
import { startServer } from './support/server.mjs';

const README = readFileSync(path.join(ROOT, 'pkg-scripts/npm/README.md'), 'utf8');

/** The tested blocks of the README, by name. */
const blocks = new Map([...README.matchAll(/<!-- tested: (.+?) -->\n```(?:js|ts)\n([\s\S]*?)```/g)].map((m) => [m[1], m[2]]));
const ran = new Set();
after(() => assert.deepEqual([...blocks.keys()].filter((name) => !ran.has(name)), [], 'tested blocks of the README that no test ran'));

/**
 * Block `name` as the body of an async function of `inputs`, with its imports of the package
 * made dynamic, and `console.log` collected into `printed`.
 */
function runnable(name) {
  const source = blocks.get(name);
  assert.ok(source, `the README has a tested block "${name}"`);
  ran.add(name);
  const body = source.replace(/^import (?:(\w+), )?\{([^}]*)\} from '(offsign(?:\/core)?)';$/gm, (_, init, names, entry) => {
    const file = entry === 'offsign' ? '/pkg/offsign.js' : '/pkg/core.js';
    return `const { ${init ? `default: ${init}, ` : ''}${names} } = await import('${file}');`;
  });
  assert.doesNotMatch(body, /^import /m, `${name}: every import is of the package`);
  return `async ({ pin, code, server, pdfBytes }) => {
    const printed = [];
    const shown = [];
    const console = { log: (...args) => printed.push(args) };
    const showToWorker = (text) => shown.push(text);
    pdfBytes = pdfBytes && new TextEncoder().encode(pdfBytes);
    try {
      ${body}
    } catch (e) {
      return { thrown: \`\${e?.name}: \${e?.code ?? ''} \${e?.message}\`, printed, shown };
    }
    return { printed, shown };
  }`;
}

/** Runs block `name` in `page` with `inputs`. */
const run = (page, name, inputs = {}) => page.evaluate(`(${runnable(name)})(${JSON.stringify(inputs)})`);

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

test('README: verifying a record with jose, in Node, as printed: one key, and a key set found by kid', { timeout: 60_000 }, async () => {
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
});
