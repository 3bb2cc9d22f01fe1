// The field app's catalogs (www/locales/*.ftl, Project Fluent): every language the app offers
// has every message of the English one, with the same arguments and markup, parses without an
// error, words every plural its language has, and words every code of the error table (its
// summary and its remedy). Every message the page and the app's code name exists in English.
// A catalog that lacks any of it fails here, not in a worker's hands.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './support/browser.mjs';

const { FluentBundle, FluentResource } = await import(path.join(ROOT, 'www/vendor/fluent.js'));
const { ERROR_TABLE, PHRASES } = await import(path.join(ROOT, 'pkg/error_table.js'));
const { LANGUAGES } = await import(path.join(ROOT, 'www/languages.js'));

const source = (lang) => readFileSync(path.join(ROOT, 'www/locales', `${lang}.ftl`), 'utf8');

/** A catalog read as the app reads it: its bundle, its messages by id, and its parse errors. */
function catalog(lang) {
  const resource = new FluentResource(source(lang));
  const bundle = new FluentBundle(lang, { useIsolating: false });
  const errors = bundle.addResource(resource).map(String);
  if (resource.body.some((entry) => !entry.id)) errors.push('an entry that does not parse');
  return { bundle, messages: new Map(resource.body.map((m) => [m.id, m])), errors };
}

/** The arguments a message uses, sorted. */
function argumentsOf(message) {
  const names = new Set();
  JSON.stringify(message, (key, value) => {
    if (value?.type === 'var') names.add(value.name);
    return value;
  });
  return [...names].sort();
}

/** The markup tags of message `id` in a catalog's source, in order. */
function markupOf(text, id) {
  const line = text.split('\n').find((l) => l.startsWith(`${id} = `)) ?? '';
  return line.match(/<\/?[a-z]+>/g) ?? [];
}

const english = catalog('en');
const uiIds = [...english.messages.keys()];

test('the languages offered are the catalogs shipped, English first', () => {
  const shipped = readdirSync(path.join(ROOT, 'www/locales')).filter((f) => f.endsWith('.ftl')).map((f) => f.slice(0, -4)).sort();
  assert.deepEqual(shipped, Object.keys(LANGUAGES).sort());
  assert.equal(Object.keys(LANGUAGES)[0], 'en');
  assert.deepEqual(english.errors, []);
  assert.ok(uiIds.length > 200, `the English catalog holds the app's words (${uiIds.length})`);
  assert.deepEqual(uiIds.filter((id) => id.startsWith('err-')), [], "English takes the error table's words from the table itself");
  assert.deepEqual(uiIds.filter((id) => id.startsWith('dev-')), [], "English takes the device's sentences from the device itself");
  assert.ok(PHRASES.length > 40 && PHRASES.some((p) => p.key === 'wrong-pin-tries-left'), `the device's phrases (${PHRASES.length})`);
});

for (const lang of Object.keys(LANGUAGES).filter((l) => l !== 'en')) {
  test(`${lang}: every message of the app, every code of the error table, every plural`, () => {
    const other = catalog(lang);
    assert.deepEqual(other.errors, [], 'it parses');
    const missing = uiIds.filter((id) => !other.messages.has(id));
    assert.deepEqual(missing, [], 'no message of the app is missing');
    const extra = [...other.messages.keys()].filter((id) => !english.messages.has(id) && !/^(err|dev)-/.test(id));
    assert.deepEqual(extra, [], 'no message the app does not have');
    const text = source(lang);
    const enText = source('en');
    for (const id of uiIds) {
      assert.deepEqual(argumentsOf(other.messages.get(id)), argumentsOf(english.messages.get(id)), `${id}: the same arguments`);
      assert.deepEqual(markupOf(text, id), markupOf(enText, id), `${id}: the same markup, in the same order`);
    }
    const codes = ERROR_TABLE.map((row) => row.code);
    const unworded = codes.filter((code) => !other.messages.get(`err-${code}`)?.value || !other.messages.get(`err-${code}`).attributes.remedy);
    assert.deepEqual(unworded, [], 'every code of the error table has its summary and remedy');
    const stale = [...other.messages.keys()].filter((id) => id.startsWith('err-') && !codes.includes(id.slice(4)));
    assert.deepEqual(stale, [], 'no code the table does not have');
    // Every sentence the device words with specifics, with exactly its arguments, for every
    // number and a time.
    const unphrased = PHRASES.filter((p) => !other.messages.get(`dev-${p.key}`)?.value).map((p) => p.key);
    assert.deepEqual(unphrased, [], "every phrase of the device's");
    const strange = [...other.messages.keys()].filter((id) => id.startsWith('dev-') && !PHRASES.some((p) => `dev-${p.key}` === id));
    assert.deepEqual(strange, [], 'no phrase the device does not have');
    for (const phrase of PHRASES) {
      const message = other.messages.get(`dev-${phrase.key}`);
      assert.deepEqual(argumentsOf(message), [...phrase.args].sort(), `dev-${phrase.key}: the device's arguments`);
      for (const n of [0, 1, 2, 3, 5, 11, 21, 100, 102, 12.5]) {
        const args = Object.fromEntries(phrase.args.map((name) => [name, ['date', 'at', 'now', 'last'].includes(name) ? '3 Nov 2026' : ['code', 'reason', 'version'].includes(name) ? 'x' : n]));
        const failures = [];
        assert.ok(other.bundle.formatPattern(message.value, args, failures).trim(), `dev-${phrase.key} says something`);
        assert.deepEqual(failures.map(String), [], `dev-${phrase.key} with ${n}`);
      }
    }
    // Why the server refused an enrollment code, for each refusal /v1/enroll answers with: that
    // code's own remedy (the catalog refers to it), not a general one.
    for (const reason of ['enrollment_code_unknown', 'enrollment_code_used', 'enrollment_code_expired', 'challenge_stale', 'proof_invalid', 'weak_key', 'replaced_key_unknown']) {
      const said = other.bundle.formatPattern(other.messages.get('dev-enrollment-refused').value, { reason });
      assert.equal(said, other.bundle.formatPattern(other.messages.get(`err-${reason}`).attributes.remedy), `enrollment refused: ${reason}`);
    }
    // Every plural this language has, for every message that counts.
    for (const [id, message] of other.messages) {
      if (!argumentsOf(message).includes('count') || id.startsWith('dev-')) continue; // the device's: above
      for (const count of [0, 1, 2, 3, 5, 11, 21, 100, 102, 1000000]) {
        const failures = [];
        const words = other.bundle.formatPattern(message.value, { count, name: 'Ann' }, failures);
        assert.deepEqual(failures.map(String), [], `${id} with ${count}`);
        assert.ok(words.trim(), `${id} with ${count} says something`);
      }
    }
  });
}

test('every message the page and the app name is in the English catalog', () => {
  const page = readFileSync(path.join(ROOT, 'www/index.html'), 'utf8');
  const named = [...page.matchAll(/data-i18n(?:-[a-z-]+)?="([^"]+)"/g)].map((m) => m[1]);
  for (const file of readdirSync(path.join(ROOT, 'www')).filter((f) => f.endsWith('.js') && f !== 'build.js')) {
    const code = readFileSync(path.join(ROOT, 'www', file), 'utf8');
    named.push(...[...code.matchAll(/\bt\('([a-z0-9-]+)'/g)].map((m) => m[1]));
  }
  assert.ok(named.length > 150, `found the names (${named.length})`);
  assert.deepEqual([...new Set(named.filter((id) => !english.messages.has(id)))], [], 'named but not in en.ftl');
});
