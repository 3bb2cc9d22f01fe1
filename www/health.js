// Health opens with one verdict ("Ready to sign" or "Needs attention: …") and folds the checks
// below it, each in words; Help is short how-to guides with the error table below them.
import { ERROR_TABLE } from '/pkg/error_table.js';
import { errorWords, language, remedyOf, t, timesForPeople, wordsOf } from './i18n.js';
import { $, el } from './ui.js';

/** Names of the device's checks for people (`certificate:<name>` and the like keep the name). */
const CHECK_NAMES = [
  'randomness', 'storage_writable', 'storage_persistent', 'storage_headroom', 'certificate', 'revocation_list', 'clock', 'identity',
  'pending_records', 'pending_evidence', 'rejected_records', 'clock_offset', 'last_sync', 'version', 'background_sync', 'offline_app',
];

/** What this browser can do in the background, as checks beside the device's. */
function browserChecks() {
  const backgroundSync = 'serviceWorker' in navigator && 'SyncManager' in window;
  return [{
    id: 'background_sync',
    status: backgroundSync ? 'ok' : 'warn',
    value: backgroundSync ? t('background-sync-yes') : t('background-sync-no'),
    remedy: backgroundSync ? null : t('background-sync-remedy'),
  }, {
    id: 'offline_app',
    status: navigator.serviceWorker?.controller ? 'ok' : 'warn',
    value: navigator.serviceWorker?.controller ? t('offline-ready') : t('offline-not-yet'),
    remedy: navigator.serviceWorker?.controller ? null : t('offline-remedy'),
  }];
}

/** A check's name: "Certificate (Sam Driver)". */
function checkName(id) {
  const [kind, who] = id.split(/:(.*)/s);
  const name = CHECK_NAMES.includes(kind) ? t(`check-${kind}`) : kind.replace(/_/g, ' ');
  return who ? t('check-of', { check: name, who }) : name;
}

/** A check's value for people: in the language in use, with its times written for them. */
function checkValue(check) {
  return wordsOf(check.valueWords) ?? timesForPeople(check.value);
}

/** Blocks the verdict: a failed check, or a warning that stops or endangers signing. */
const SERIOUS_WARNINGS = /^(certificate|revocation_list|clock|storage_headroom|rejected_records)/;

/**
 * Draws Health: the verdict first, then every check folded below it. With a worker unlocked
 * (`worker`, their name), the checks of their own key and of the device, not the crew's other
 * keys.
 */
export async function renderHealth(device, worker) {
  const mine = (c) => !worker || !c.id.includes(':') || c.id.split(/:(.*)/s)[1] === worker;
  const checks = [...(await device.diagnose()).filter(mine), ...browserChecks()];
  $('health-whose').hidden = !worker;
  if (worker) $('health-whose').textContent = t('health-whose', { name: worker });
  const failed = checks.filter((c) => c.status === 'fail');
  const serious = checks.filter((c) => c.status === 'warn' && SERIOUS_WARNINGS.test(c.id));
  const first = failed[0] ?? serious[0];
  const verdict = $('verdict');
  verdict.dataset.state = first ? (failed.length ? 'fail' : 'warn') : 'ok';
  verdict.replaceChildren(first
    ? el('span', {}, el('strong', {}, t('needs-attention')), ' ', `${checkName(first.id)}: ${checkValue(first)}. `, first.remedy ? remedyOf(first) : '')
    : el('strong', {}, device.unlocked ? t('ready') : t('ready-once-unlocked')));
  const others = failed.length + serious.length - (first ? 1 : 0);
  if (others > 0) verdict.append(' ', el('small', {}, t('more-below', { count: others })));
  $('health-details').open = Boolean(first);
  $('checks').replaceChildren(...checks.map((c) => el('li', { class: c.status },
    el('span', { class: 'state' }, t(`status-${c.status === 'ok' || c.status === 'warn' ? c.status : 'fail'}`)), ` ${checkName(c.id)}: ${checkValue(c)}`,
    ...(c.remedy ? [el('br'), el('small', {}, remedyOf(c))] : []))));
}

/** Fills Help's error table once (the guides are in the page). */
export function renderHelp(open) {
  // Drawn again in each language (the switch empties it).
  if ($('codes').dataset.language !== language) {
    $('codes').dataset.language = language;
    $('codes').replaceChildren(...ERROR_TABLE.flatMap(({ code }) => {
      const words = errorWords(code);
      return [el('dt', { id: `code-${code}` }, words.summary), el('dd', {}, el('strong', {}, words.remedy), ' ', el('small', { class: 'support-code' }, t('code', { code })))];
    }));
  }
  const guide = open && $(open);
  if (guide?.tagName === 'DETAILS') {
    guide.open = true;
    guide.querySelector('summary').focus();
    return true;
  }
  return false;
}
