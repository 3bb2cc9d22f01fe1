// Every export of the package, called with hostile arguments (tests/pages/hostile-args.mjs):
// `offsign` in Chromium (the Device through its worker included), `offsign/core` and
// `offsign/verify` in Node.
// Whatever a caller passes, the answer is a value or an OffsignError (most often
// `malformed_input`, naming the argument), never a TypeError from the glue or a trap of the
// wasm; the exports found by reflection are all called; and the instance still signs and
// verifies afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, openOffsignPage } from './support/browser.mjs';
import { callEverything } from './pages/hostile-args.mjs';

/** Asserts the report of `callEverything`. */
function assertReport(report, what, minimumExports) {
  assert.deepEqual(report.unnamed, [], `${what}: exports the test does not call`);
  assert.ok(report.exports >= minimumExports, `${what}: ${report.exports} exports called`);
  assert.deepEqual(report.defects.slice(0, 10), [], `${what}: calls that did not end in a value or an OffsignError (${report.defects.length})`);
  assert.ok(report.codes.includes('malformed_input'), `${what}: ${report.codes.join(', ')}`);
  for (const [name, outcome] of report.valid) {
    assert.ok(!outcome.startsWith('OTHER'), `${what}: the valid call of ${name}: ${outcome}`);
  }
  for (const [part, works] of Object.entries(report.stillWorks)) assert.equal(works, true, `${what}: ${part} still works`);
  console.log(`${what}: ${report.calls} calls of ${report.exports} exports; outcomes: ${report.codes.join(', ')}`);
}

test('offsign in Chromium: every export, the Device included, answers hostile arguments with a value or an OffsignError', { timeout: 600_000 }, async () => {
  const ctx = await openOffsignPage('chromium');
  try {
    const report = await ctx.page.evaluate(async () => {
      const { callEverything: run } = await import('/tests/pages/hostile-args.mjs');
      return run(window.offsign, { withDevice: true });
    });
    assertReport(report, 'offsign', 40);
    assert.deepEqual(ctx.errors.map(String), [], 'no uncaught page errors');
  } finally {
    await ctx.close();
  }
});

test('offsign/core in Node: every export answers hostile arguments with a value or an OffsignError', { timeout: 300_000 }, async () => {
  const core = await import(pathToFileURL(path.join(ROOT, 'pkg/core.js')).href);
  core.initSync({ module: readFileSync(path.join(ROOT, 'pkg/offsign_core_bg.wasm')) });
  assertReport(await callEverything(core, { withDevice: false }), 'offsign/core', 20);
});

test('offsign/verify in Node: every export, verifyBundle included, answers hostile arguments with a value or an OffsignError', { timeout: 300_000 }, async () => {
  const verify = await import(pathToFileURL(path.join(ROOT, 'pkg/verify.js')).href);
  verify.initSync({ module: readFileSync(path.join(ROOT, 'pkg/offsign_verify_bg.wasm')) });
  assertReport(await callEverything(verify, { withDevice: false }), 'offsign/verify', 22);
});
