// The promise table (tests/PROMISES.md) stays true: every test it names exists where it says,
// and every section of the README that promises behaviour has at least one row.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './support/browser.mjs';

/** README sections that describe rather than promise. */
const DESCRIPTIVE = ['Status', 'Benchmark', 'Layout', 'Tests', 'License'];

/** The table's rows: { section, promise, tests: [{ file, name }] }. */
function rows() {
  const table = readFileSync(path.join(ROOT, 'tests/PROMISES.md'), 'utf8');
  return table.split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| README section') && !line.startsWith('|---'))
    .map((line) => {
      const [section, promise, tests] = line.split(' | ').map((cell) => cell.replace(/^\| |\s*\|$/g, '').trim());
      const refs = [...tests.matchAll(/`([^`›]+?) › ([^`]+)`/g)].map(([, file, name]) => ({ file: file.trim(), name: name.trim() }));
      return { section, promise, tests: refs };
    });
}

/** Whether `file` defines a test called `name`: a Rust or Python function, or a node test title. */
function defines(file, name) {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  if (file.endsWith('.rs')) return new RegExp(`\\bfn ${name}\\(`).test(text);
  if (file.endsWith('.py')) return new RegExp(`\\bdef ${name}\\(`).test(text);
  return text.includes(name);
}

test('every test the promise table names exists', { timeout: 10_000 }, () => {
  const all = rows();
  assert.ok(all.length >= 40, `the table has ${all.length} rows`);
  for (const row of all) {
    assert.ok(row.tests.length > 0, `"${row.promise}" names no test`);
    for (const { file, name } of row.tests) {
      assert.ok(existsSync(path.join(ROOT, file)), `${file} (for "${row.promise}") does not exist`);
      assert.ok(defines(file, name), `${file} has no test "${name}" (for "${row.promise}")`);
    }
  }
});

test('the app and the verify page say only codes of the error table', { timeout: 10_000 }, () => {
  const table = new Set([...readFileSync(path.join(ROOT, 'crate/src/error_table.rs'), 'utf8').matchAll(/^\s+[A-Z]\w* = "([a-z_]+)",/gm)].map(([, code]) => code));
  assert.ok(table.size >= 30, `${table.size} codes read from the table`);
  const www = path.join(ROOT, 'www');
  const used = readdirSync(www, { recursive: true }).filter((f) => f.endsWith('.js'))
    .flatMap((f) => [...readFileSync(path.join(www, f), 'utf8').matchAll(/\b(?:problem|refusal)\('([a-z_]+)'|\bcode: '([a-z_]+)'/g)].map(([, a, b]) => `${f}: ${a ?? b}`));
  assert.ok(used.length > 0, 'the app throws errors of its own');
  assert.deepEqual(used.filter((u) => !table.has(u.split(': ')[1])), []);
});

test('every README section that promises behaviour has a row in the promise table', { timeout: 10_000 }, () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const sections = [...readme.matchAll(/^## (.+)$/gm)].map(([, title]) => title.trim()).filter((t) => !DESCRIPTIVE.includes(t));
  const covered = new Set(rows().map((r) => r.section));
  assert.deepEqual(sections.filter((s) => !covered.has(s)), []);
  assert.deepEqual([...covered].filter((s) => !sections.includes(s)), [], 'every row names a README section');
});
