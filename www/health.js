// Health opens with one verdict ("Ready to sign" or "Needs attention: …") and folds the checks
// below it, each in words; Help is short how-to guides with the error table below them.
import { errorCodes } from '/pkg/offsign.js';
import { $, el, when } from './ui.js';

/** Names of the device's checks for people (`certificate:<name>` and the like keep the name). */
const CHECK_NAMES = {
  randomness: 'Secure random numbers', storage_writable: 'Saving on this device', storage_persistent: 'Kept when space runs low',
  storage_headroom: 'Free space', certificate: 'Certificate', revocation_list: 'List of revoked certificates', clock: 'Clock',
  identity: 'Identity', pending_records: 'Records waiting', pending_evidence: 'Documents waiting', rejected_records: 'Refused records', clock_offset: 'Clock against the server',
  last_sync: 'Last sent', version: 'App version', background_sync: 'Sending after the app is closed', offline_app: 'Opens without a connection',
};

/** What this browser can do in the background, as checks beside the device's. */
function browserChecks() {
  const backgroundSync = 'serviceWorker' in navigator && 'SyncManager' in window;
  return [{
    id: 'background_sync',
    status: backgroundSync ? 'ok' : 'warn',
    value: backgroundSync ? 'background sync available: records are sent even after the app is closed' : 'background sync: not in this browser',
    remedy: backgroundSync ? null : 'Records are sent while the app is open (at start, when the connection returns, every 5 minutes). Open the app when you have signal.',
  }, {
    id: 'offline_app',
    status: navigator.serviceWorker?.controller ? 'ok' : 'warn',
    value: navigator.serviceWorker?.controller ? 'ready: the app opens with no network' : 'not yet',
    remedy: navigator.serviceWorker?.controller ? null : 'Open the app once more while online so that it can work offline.',
  }];
}

/** A check's name: "Certificate (Sam Driver)". */
function checkName(id) {
  const [kind, who] = id.split(/:(.*)/s);
  return `${CHECK_NAMES[kind] ?? kind.replace(/_/g, ' ')}${who ? ` (${who})` : ''}`;
}

/** A check's value with its times for people. */
function checkValue(value) {
  return String(value).replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z/g, (iso) => when(iso));
}

/** Blocks the verdict: a failed check, or a warning that stops or endangers signing. */
const SERIOUS_WARNINGS = /^(certificate|revocation_list|clock|storage_headroom|rejected_records)/;

/** Draws Health: the verdict first, then every check folded below it. */
export async function renderHealth(device) {
  const checks = [...await device.diagnose(), ...browserChecks()];
  const failed = checks.filter((c) => c.status === 'fail');
  const serious = checks.filter((c) => c.status === 'warn' && SERIOUS_WARNINGS.test(c.id));
  const first = failed[0] ?? serious[0];
  const verdict = $('verdict');
  verdict.dataset.state = first ? (failed.length ? 'fail' : 'warn') : 'ok';
  verdict.replaceChildren(first
    ? el('span', {}, el('strong', {}, 'Needs attention: '), `${checkName(first.id)}: ${checkValue(first.value)}. `, first.remedy ?? '')
    : el('strong', {}, device.unlocked ? 'Ready to sign' : 'Ready to sign once unlocked'));
  const others = failed.length + serious.length - (first ? 1 : 0);
  if (others > 0) verdict.append(el('small', {}, ` And ${others} more below.`));
  $('health-details').open = Boolean(first);
  $('checks').replaceChildren(...checks.map((c) => el('li', { class: c.status },
    el('span', { class: 'state' }, c.status === 'ok' ? 'OK' : c.status === 'warn' ? 'Warning' : 'Problem'), ` ${checkName(c.id)}: ${checkValue(c.value)}`,
    ...(c.remedy ? [el('br'), el('small', {}, c.remedy)] : []))));
}

/** Fills Help's error table once (the guides are in the page). */
export function renderHelp(open) {
  if (!$('codes').childElementCount) {
    $('codes').append(...errorCodes().flatMap((c) => [
      el('dt', { id: `code-${c.code}` }, c.summary), el('dd', {}, el('strong', {}, c.remedy), el('small', { class: 'support-code' }, ` Code: ${c.code}`)),
    ]));
  }
  const guide = open && $(open);
  if (guide?.tagName === 'DETAILS') {
    guide.open = true;
    guide.querySelector('summary').focus();
    return true;
  }
  return false;
}
