// The documents the npm package ships beside its README: API.md (TypeDoc, from the entry's
// declarations) documents every export, with the examples of the doc comments; PROTOCOL.md
// (from the server's OpenAPI document) has every request; and the tarball holds both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './support/browser.mjs';

const pkg = (name) => readFileSync(path.join(ROOT, 'pkg', name), 'utf8');

test('API.md has a section for every export of offsign, and an example for every function and method', () => {
  const api = pkg('API.md');
  const exported = [...pkg('offsign.d.ts').matchAll(/^export (?:declare )?(?:class|function|interface|type) (\w+)/gm)]
    .map((m) => m[1]).filter((name) => name !== 'InitOutput');
  assert.ok(exported.length > 40, exported.join(', '));
  const missing = exported.filter((name) => !new RegExp(`^### ${name}(\\(\\))?$`, 'm').test(api));
  assert.deepEqual(missing, [], 'exports without a section in API.md');
  // Every function and method has an example, but wasm-bindgen's loaders and `free`.
  const calls = [...api.matchAll(/^#{3,5} (\w+)\(\)$/gm)];
  const withoutExample = calls.filter((m, i) => !['free', 'default', 'initSync'].includes(m[1])
    && !/^#+ Example$/m.test(api.slice(m.index, calls[i + 1]?.index ?? api.length))).map((m) => m[1]);
  assert.ok(calls.length > 40, `${calls.length} functions and methods`);
  assert.deepEqual(withoutExample, [], 'functions and methods without an example');
  assert.match(api, /await device\.sign\(file, \{ claims/, "Device.sign's example");
});

test('PROTOCOL.md has every request of the OpenAPI document, and the package ships both documents', () => {
  const protocol = pkg('PROTOCOL.md');
  const openapi = JSON.parse(readFileSync(path.join(ROOT, 'server/api/openapi.json'), 'utf8'));
  for (const [route, methods] of Object.entries(openapi.paths)) {
    for (const method of Object.keys(methods)) assert.match(protocol, new RegExp(`^## ${method.toUpperCase()} ${route}$`, 'm'));
  }
  for (const schema of Object.keys(openapi.components.schemas)) assert.match(protocol, new RegExp(`^### ${schema}$`, 'm'));
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--silent'], { cwd: path.join(ROOT, 'pkg'), encoding: 'utf8' }));
  const files = packed.files.map((f) => f.path);
  for (const name of ['README.md', 'CHANGELOG.md', 'API.md', 'PROTOCOL.md']) assert.ok(files.includes(name), `${name} is in the tarball`);
});

test("the CHANGELOG has a section for the package's version, so what a tarball ships is not listed as unreleased", () => {
  const { version } = JSON.parse(pkg('package.json'));
  const changelog = pkg('CHANGELOG.md');
  const section = changelog.match(new RegExp(`^## \\[${version.replace(/\./g, '\\.')}\\][^\\n]*\\n([\\s\\S]*?)(?=^## \\[)`, 'm'));
  assert.ok(section, `CHANGELOG.md has "## [${version}]"`);
  assert.ok(section[1].split('\n').filter((l) => l.startsWith('- ')).length >= 5, 'and its entries');
});
