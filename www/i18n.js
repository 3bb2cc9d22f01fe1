// The app in the worker's language. Every word a worker reads is a message of a Fluent
// catalog, www/locales/LANG.ftl (Project Fluent: arguments, and plurals by the language's own
// rules); the error table's words in languages other than English are there too, as
// `err-CODE` with a `.remedy`, while English takes them from the table itself. The language
// follows the device unless the worker chose one in the app; a catalog is fetched the first
// time its language is used (only English comes with the app shell) and kept for offline use
// by the service worker. Arabic is laid out right to left; dates and numbers follow the
// language too.
import { FluentBundle, FluentResource } from './vendor/fluent.js';
import { ERROR_TABLE } from '/pkg/error_table.js';
import { LANGUAGES, RIGHT_TO_LEFT } from './languages.js';

export { LANGUAGES };
/** Where the worker's choice is kept (absent: the device's language). */
const CHOSEN = 'offsign.language';

let english;
let current;
/** The language in use. */
export let language = 'en';

/** The locale numbers and dates are written in: Arabic with Western digits, as its catalog
 * writes them. */
const localeOf = (lang) => (lang === 'ar' ? 'ar-u-nu-latn' : lang);

/** A catalog's bundle, its file fetched (from the service worker's cache when offline). */
async function load(lang) {
  const response = await fetch(`/locales/${lang}.ftl`);
  if (!response.ok) throw new Error(`no catalog for ${lang} (HTTP ${response.status})`);
  const bundle = new FluentBundle(localeOf(lang), { useIsolating: false });
  const errors = bundle.addResource(new FluentResource(await response.text()));
  if (errors.length) throw errors[0];
  return bundle;
}

/** The language the worker chose, else the first of the device's the app speaks, else English. */
export function preferredLanguage() {
  const chosen = localStorage.getItem(CHOSEN);
  if (chosen && LANGUAGES[chosen]) return chosen;
  const device = (navigator.languages?.length ? navigator.languages : [navigator.language ?? 'en']).map((tag) => tag.split('-')[0].toLowerCase());
  return device.find((lang) => LANGUAGES[lang]) ?? 'en';
}

/**
 * Speaks `lang` from now on (`remember`: the worker chose it, so it outlasts the device's
 * setting): loads its catalog, lays the page out in its direction and translates every
 * marked element. A catalog that cannot be had leaves the app in English, and says why.
 */
export async function useLanguage(lang, { remember = false } = {}) {
  english ??= await load('en');
  try {
    current = lang === 'en' ? english : await load(lang);
    language = lang;
  } catch (e) {
    current = english;
    language = 'en';
    if (remember) throw e;
  }
  if (remember) localStorage.setItem(CHOSEN, language);
  document.documentElement.lang = language;
  document.documentElement.dir = RIGHT_TO_LEFT.has(language) ? 'rtl' : 'ltr';
  translate(document);
  return language;
}

/** Message `id` with `args`, in the language in use (English where its catalog lacks it). */
export function t(id, args) {
  for (const bundle of [current, english]) {
    const message = bundle?.getMessage(id);
    if (message?.value) return bundle.formatPattern(message.value, args);
  }
  return id;
}

/** What error `code` means and what to do, in the language in use: `{ summary, remedy }`. */
export function errorWords(code) {
  const message = language === 'en' ? null : current.getMessage(`err-${code}`);
  if (message?.value && message.attributes.remedy) {
    return { summary: current.formatPattern(message.value), remedy: current.formatPattern(message.attributes.remedy) };
  }
  const row = ERROR_TABLE.find((r) => r.code === code);
  return row ? { summary: row.summary, remedy: row.remedy } : null;
}

/**
 * What to do about `error` (a device's or the app's, or a health check), in words the worker
 * reads: in English the device's own remedy; in another language the remedy's phrase with
 * its specifics (`remedyWords`: how many tries are left, the day a certificate ends) from the
 * catalog, else the table's remedy for its code, translated; the app's own problems are
 * worded in the language in use already.
 */
export function remedyOf(error) {
  if (language !== 'en' && !error?.translated) {
    const words = wordsOf(error?.remedyWords) ?? (error?.code ? errorWords(error.code)?.remedy : null);
    if (words) return words;
  }
  return error?.remedy ?? String(error?.message ?? error);
}

/**
 * A sentence the device wrote (`{ key, args }`, e.g. a health check's `valueWords`) in the
 * language in use, from the catalog's `dev-KEY`; null in English (the device's own English
 * says it) and where the catalog lacks it. A time argument is written for people: `date` as a
 * day, any other as a day and time.
 */
export function wordsOf(words) {
  const message = language === 'en' || typeof words?.key !== 'string' ? null : current.getMessage(`dev-${words.key}`);
  if (!message?.value) return null;
  const args = Object.create(null);
  for (const [name, value] of Object.entries(words.args ?? {})) {
    if (typeof value !== 'string' && typeof value !== 'number') continue;
    const time = typeof value === 'string' && ISO_TIME.test(value);
    args[name] = !time ? value : name === 'date' ? day(value) : when(value);
  }
  // Words that do not fit the catalog (an argument missing, from a device of another version)
  // fall back to the table's remedy or the device's English, never to an error of their own.
  const problems = [];
  const text = current.formatPattern(message.value, args, problems);
  return problems.length ? null : text;
}

/** An RFC 3339 UTC time as the device writes it. */
const TIME = String.raw`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z`;
const ISO_TIME = new RegExp(`^${TIME}$`);

/** `text` (the device's English) with each time in it written for people. */
export function timesForPeople(text) {
  return String(text).replace(new RegExp(TIME, 'g'), (iso) => when(iso));
}

/** A day for people, in the language in use: "3 nov 2026". */
function day(iso) {
  return new Date(iso).toLocaleDateString(localeOf(language), { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
}

/** A time for people, in the language in use: "26 Nov, 14:05". */
export function when(iso) {
  return iso ? new Date(iso).toLocaleString(localeOf(language), { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }) : '';
}

/** Translates every marked element under `root`: `data-i18n` (its text, with the inline
 * markup the message keeps), `data-i18n-aria-label`, `data-i18n-alt`. */
function translate(root) {
  for (const node of root.querySelectorAll('[data-i18n]')) render(node, t(node.dataset.i18n));
  for (const node of root.querySelectorAll('[data-i18n-aria-label]')) node.setAttribute('aria-label', t(node.dataset.i18nAriaLabel));
  for (const node of root.querySelectorAll('[data-i18n-alt]')) node.setAttribute('alt', t(node.dataset.i18nAlt));
}

/** The inline elements a message may hold. */
const INLINE = new Set(['strong', 'em', 'a', 'code']);

/**
 * Puts `message` in `node`: text, and the inline elements `<strong>`, `<em>`, `<code>` and
 * `<a>` it names (never as HTML: any other markup stays text). Each `<a>` is the node's own
 * link of that rank, kept with its address, id and listeners.
 */
function render(node, message) {
  node.i18nLinks ??= [...node.querySelectorAll('a')];
  const links = [...node.i18nLinks];
  const parts = [];
  let open = null;
  for (const piece of message.split(/(<\/?[a-z]+>)/)) {
    const tag = /^<(\/?)([a-z]+)>$/.exec(piece);
    if (tag && INLINE.has(tag[2]) && !tag[1] && !open) {
      open = tag[2] === 'a' ? (links.shift() ?? document.createElement('span')) : document.createElement(tag[2]);
      open.textContent = '';
    } else if (tag && open && tag[1] && (open.localName === tag[2] || (tag[2] === 'a' && open.localName === 'span'))) {
      parts.push(open);
      open = null;
    } else if (open) {
      open.append(piece);
    } else if (piece) {
      parts.push(piece);
    }
  }
  if (open) parts.push(open);
  node.replaceChildren(...parts);
}
