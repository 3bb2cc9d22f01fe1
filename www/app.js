// The field app: enroll once, then sign offline; each record is sent as soon as there is a
// connection. Plain ES modules over the offsign package; every failure is shown in words, next
// to what caused it, with its code only for support.
import { Device } from '/pkg/offsign.js';
import { BUILD, PACKAGE_VERSION } from './build.js';
import { renderHealth, renderHelp } from './health.js';
import { renderOutbox, renderRecord, setUpOutbox, withReplaced } from './outbox.js';
import { sendFor, sendWhileOpen } from './sending.js';
import { PRACTICE, PRACTICE_DATABASE, practiceEnroll, practiceEnrollScreen, setUpPractice } from './practice.js';
import { handedOff, setUpSigning, showForms, sign } from './signing.js';
import { LANGUAGES, language, preferredLanguage, t, useLanguage } from './i18n.js';
import { $, el, problem, onSubmit, showProblem, showFormProblem, clearProblem } from './ui.js';

/** Where the guided first run is marked as read (it shows on the sign screen until then). */
const FIRST_RUN_DONE = 'offsign.firstRunDone';
const SCREENS = ['enroll', 'unlock', 'sign', 'outbox', 'record', 'health', 'backup', 'help'];
/** The tab each screen belongs to. */
const TAB_OF = { unlock: 'sign', record: 'outbox' };
let device;

// ---- service worker: offline shell, and "Update available — reload" for a new build ----

async function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return;
  const registration = await navigator.serviceWorker.register('/sw.js', { type: 'module', updateViaCache: 'none' });
  const offerUpdate = () => { if (registration.waiting && navigator.serviceWorker.controller) $('update').hidden = false; };
  offerUpdate();
  registration.addEventListener('updatefound', () => {
    registration.installing?.addEventListener('statechange', offerUpdate);
  });
  $('reload').addEventListener('click', () => {
    navigator.serviceWorker.addEventListener('controllerchange', () => location.reload(), { once: true });
    registration.waiting?.postMessage('skip-waiting');
  });
  navigator.serviceWorker.addEventListener('message', (e) => { if (e.data?.synced && !$('outbox').hidden) renderOutbox(); });
}

// ---- screens ----

async function identities() {
  return device.identities();
}

/**
 * Shows one screen (`#outbox`, `#record=ID`, `#help-forgot`, …); the ones that need an
 * unlocked, enrolled identity send you there first. Focus moves to the screen's first field
 * or its heading.
 */
async function show(hash) {
  let [name, argument] = hash.split('=');
  if (name.startsWith('help-')) [name, argument] = ['help', name];
  const all = await identities();
  // An identity enrolled again in its place only sends what it signed: nobody signs with it.
  const enrolled = all.filter((i) => i.enrolled && !i.replacedBy);
  let replacing = null;
  const adding = name === 'add-worker';
  if (adding) name = 'enroll';
  if (name === 'enroll-again') {
    replacing = enrolled.find((i) => i.kid === (argument ?? $('who').value)) ?? null;
    name = replacing ? 'enroll' : 'unlock';
  }
  if (!enrolled.length && name !== 'backup') name = 'enroll';
  else if (name === 'sign' && !device.unlocked) name = 'unlock';
  if (!SCREENS.includes(name)) name = 'sign';
  for (const screen of SCREENS) $(screen).hidden = screen !== name;
  $('tabs').hidden = !enrolled.length;
  const tab = TAB_OF[name] ?? name;
  for (const a of $('tabs').querySelectorAll('a')) a.toggleAttribute('aria-current', a.hash === `#${tab}`);
  let focus = $(`${name}-title`);
  if (name === 'enroll') {
    const pending = all.find((i) => !i.enrolled);
    showReplacing(replacing);
    if (adding && !replacing) $('enroll-title').textContent = t('add-worker-title');
    askForNewIdentity(!pending, pending);
    // Enrollment signs with the key: a name chosen earlier needs its PIN again once locked.
    askForPin(Boolean(pending) && device.unlocked !== pending.kid);
    focus = $('enroll-form').code;
    if (PRACTICE) {
      practiceEnrollScreen();
      focus = $('enroll-form').label;
    }
  }
  if (name === 'unlock') {
    $('who').replaceChildren(...enrolled.map((i) => el('option', { value: i.kid }, i.label)));
    focus = $('unlock-form').pin;
    watchLockout($('who').value);
  }
  const signer = enrolled.find((i) => i.kid === device.unlocked)?.label;
  if (name === 'sign') {
    $('signer-name').textContent = signer ?? '';
    $('first-run').hidden = localStorage.getItem(FIRST_RUN_DONE) === 'true';
    await showForms(device.unlocked);
  }
  if (name === 'sign' && !$('signed').hidden) focus = $('signed-title');
  if (name === 'outbox') await renderOutbox();
  if (name === 'record') await renderRecord(argument ?? '');
  if (name === 'health') await renderHealth(device, signer);
  if (name === 'backup') await describeBackup();
  if (name === 'help' && renderHelp(argument)) focus = null;
  focus?.focus();
}

/**
 * Says, when the worker enrolls again in place of an identity (a forgotten PIN, an expired or
 * revoked certificate), what happens to it, and keeps its key id for the enrollment.
 */
function showReplacing(replacing) {
  const form = $('enroll-form');
  form.replaces.value = replacing?.kid ?? '';
  $('replacing-note').hidden = !replacing;
  $('enroll-title').textContent = replacing ? t('enroll-again-title', { name: replacing.label }) : t('enroll-title');
  if (!replacing) return;
  $('replacing-note').textContent = t('replacing-note', { name: replacing.label });
  if (!form.label.value) form.label.value = replacing.label;
}

/**
 * Shows (and requires) the name and PIN fields only while there is no identity to enroll;
 * once one was made (and, say, its code refused), says that only a code is needed now.
 */
function askForNewIdentity(ask, pending) {
  $('new-identity').hidden = !ask;
  $('new-identity').disabled = !ask;
  $('pending-note').hidden = ask || !pending;
  if (pending) $('pending-note').textContent = t('pending-note', { name: pending.label });
}

/** Shows (and requires) the PIN of the identity waiting for enrollment while it is locked. */
function askForPin(ask) {
  $('pending-pin').hidden = !ask;
  $('pending-pin').disabled = !ask;
}

/** A new identity's name and PIN, typed twice, as the enroll form holds them. */
function checkNewIdentity(form) {
  if (!form.label.value.trim()) throw problem('form_incomplete', t('type-name'), 'label');
  if (form.pin.value.length < 6) throw problem('pin_too_short', t('pin-short'), 'pin');
  if (form.pin.value !== form.pin2.value) throw problem('form_incomplete', t('pins-differ'), 'pin2');
}

async function enroll(form) {
  const pending = (await identities()).find((i) => !i.enrolled);
  let identity = pending;
  if (!codeFrom(form.code.value)) throw problem('form_incomplete', t('type-code'), 'code');
  if (identity && device.unlocked !== identity.kid) {
    if (!form.pendingPin.value) throw problem('form_incomplete', t('type-pin'), 'pendingPin');
    await device.unlock(identity.kid, form.pendingPin.value).catch((e) => { throw Object.assign(e, { field: 'pendingPin' }); });
    askForPin(false);
  }
  if (!identity) {
    checkNewIdentity(form);
    identity = await device.createIdentity({ label: form.label.value.trim(), pin: form.pin.value });
    askForNewIdentity(false, identity); // kept if the code is refused: then only a new code is needed
    $('persisted').hidden = false;
    $('persisted').textContent = identity.storagePersisted === true
      ? t('storage-kept')
      : t('storage-not-kept');
  }
  const replaces = form.replaces.value || undefined;
  await device.enroll(identity.kid, codeFrom(form.code.value), { replaces })
    .catch((e) => { throw Object.assign(e, { field: e.code?.startsWith('enrollment_') || e.code === 'replaced_key_unknown' ? 'code' : undefined }); });
  form.reset();
  showReplacing(null);
  location.hash = '#sign';
  await show('sign');
}

// ---- enrollment links and QR codes from the administrators' console ----

/** The enrollment code in a link (`…#enroll=CODE`) or a QR code (the link, or the code alone). */
function codeFrom(text) {
  const match = /(?:#enroll=)?([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})$/i.exec(String(text ?? '').trim());
  return match ? match[1].toUpperCase() : null;
}

/**
 * Opened from an enrollment link (`#enroll=CODE`): the code goes into the form, and out of the
 * address bar and the history (it works once, but nobody else needs to see it).
 */
function takeLinkCode() {
  if (!location.hash.startsWith('#enroll=')) return;
  const code = codeFrom(location.hash);
  history.replaceState(null, '', '#enroll');
  if (code) $('enroll-form').code.value = code;
}

/** Reads an enrollment QR code with the camera, where the browser can (`BarcodeDetector`). */
async function scanCode() {
  const video = $('camera');
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
  } catch (e) {
    throw problem('camera_unavailable', t('camera-closed', { why: e.name }), 'code');
  }
  try {
    video.srcObject = stream;
    video.hidden = false;
    await video.play();
    const detector = new BarcodeDetector({ formats: ['qr_code'] });
    for (const end = Date.now() + 60_000; Date.now() < end;) {
      const seen = await detector.detect(video).catch(() => []);
      const code = seen.map((found) => codeFrom(found.rawValue)).find(Boolean);
      if (code) {
        $('enroll-form').code.value = code;
        $('enroll-form').code.focus();
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw problem('camera_unavailable', t('no-qr'), 'code');
  } finally {
    for (const track of stream.getTracks()) track.stop();
    video.srcObject = null;
    video.hidden = true;
  }
}

async function sendFeedback(form) {
  const comment = form.comment.value.trim();
  if (!comment) throw problem('form_incomplete', t('write-comment'), 'comment');
  const reports = await device.reports({ limit: 1000 });
  const latest = reports.at(-1);
  if (!latest) throw problem('report_not_found', t('no-failure'), 'comment');
  await device.addFeedback(latest.id, comment);
  form.reset();
  $('feedback-done').hidden = false;
}

/** Says, before a backup is saved, what it will hold: the documents and images not yet sent, with their size. */
async function describeBackup() {
  const unlocked = (await identities()).find((i) => i.kid === device.unlocked);
  $('backup-whose').hidden = !unlocked;
  if (unlocked) $('backup-whose').textContent = t('backup-whose', { name: unlocked.label });
  const waiting = (await device.diagnose().catch(() => [])).find((c) => c.id === 'pending_evidence');
  $('backup-holds').textContent = waiting && waiting.value !== 'none waiting'
    ? t('backup-holds-files', { files: waiting.value }) : t('backup-holds');
}

/** Saves a backup file, the passphrase typed twice; says the file's name and where it went. */
async function exportBackup(form) {
  if (form.passphrase.value.length < 8) throw problem('pin_too_short', t('passphrase-short'), 'passphrase');
  if (form.passphrase.value !== form.passphrase2.value) throw problem('form_incomplete', t('passphrases-differ'), 'passphrase2');
  const bytes = await device.exportBackup(form.passphrase.value);
  const name = `offsign-backup-${new Date().toISOString().slice(0, 10)}.offsign`;
  const link = el('a', { href: URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' })), download: name });
  document.body.append(link);
  link.click();
  link.remove();
  form.reset();
  $('backup-done').hidden = false;
  $('backup-done').textContent = t('backup-saving', { name, kb: Math.ceil(bytes.length / 1024) });
  $('backup-done').tabIndex = -1;
  $('backup-done').focus();
}

async function importBackup(form) {
  const file = form.file.files[0];
  if (!file) throw problem('form_incomplete', t('pick-backup'), 'file');
  if (!form.passphrase.value) throw problem('form_incomplete', t('type-passphrase'), 'passphrase');
  const summary = await device.importBackup(new Uint8Array(await file.arrayBuffer()), form.passphrase.value)
    .catch((e) => { throw Object.assign(e, { field: e.code === 'wrong_passphrase' ? 'passphrase' : 'file' }); });
  form.reset();
  $('backup-done').hidden = false;
  $('backup-done').textContent = t('imported', { identities: summary.identitiesAdded, records: summary.recordsAdded, skipped: summary.recordsSkipped, files: summary.evidenceAdded });
}

/** The identity chosen on the Unlock screen, with those it was enrolled again in place of. */
async function chosenWorker() {
  const all = await identities();
  const chosen = all.find((i) => i.kid === $('who').value);
  return chosen ? withReplaced(chosen, all) : [];
}

/** How many records of the identities in `line` the server has not received. */
async function unsentOf(line) {
  let unsent = 0;
  for (const identity of line) {
    for (let after = 0; ;) {
      const page = await device.records(identity.kid, { after, limit: 1000 });
      unsent += page.filter((r) => r.state === 'pending' || r.state === 'sending').length;
      if (page.length < 1000) break;
      after = page.at(-1).seq;
    }
  }
  return unsent;
}

/** Says what removing the chosen worker deletes, and asks. */
async function askToRemove() {
  const line = await chosenWorker();
  if (!line.length) return;
  const [worker] = line;
  const unsent = await unsentOf(line);
  $('remove-says').hidden = false;
  $('remove-says').textContent = unsent
    ? t('remove-unsent', { name: worker.label, count: unsent })
    : t('remove-all-sent', { name: worker.label });
  $('remove-confirm').textContent = t('remove-confirm', { name: worker.label, count: unsent });
  $('remove-confirm').dataset.kid = worker.kid;
  $('remove-choice').hidden = false;
}

/** Removes the worker the confirmation names, with the identities they replaced. */
async function removeWorker() {
  const line = await chosenWorker();
  if (line[0]?.kid !== $('remove-confirm').dataset.kid) return;
  for (const identity of line) await device.removeIdentity(identity.kid, { discardUnsent: true });
  $('remove-choice').hidden = true;
  await show('unlock');
  // Said once the picker no longer offers them.
  $('remove-says').textContent = t('removed', { name: line[0].label });
}

let lockoutTimer;

/**
 * Shows how long the worker must wait before the next PIN try, counting down each second;
 * the device counts only time it sees pass (a clock moved forward does not end it), so the
 * app asks it again every few seconds while it is open. A newer watch replaces an older one,
 * whose late answers are dropped.
 */
function watchLockout(kid) {
  clearInterval(lockoutTimer);
  if (!kid) return;
  let left = 0;
  let asked = 0;
  const timer = setInterval(() => tick(), 1_000);
  lockoutTimer = timer;
  const tick = async () => {
    if (asked++ % 5 === 0) {
      const answer = await device.lockoutRemaining(kid).catch(() => 0);
      if (lockoutTimer !== timer) return;
      left = answer;
    } else {
      left -= 1000;
    }
    const seconds = Math.max(0, Math.ceil(left / 1000));
    $('lockout-wait').hidden = seconds <= 0;
    $('lockout-wait').textContent = seconds > 0 ? t('next-try', { wait: `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}` }) : '';
    if (seconds <= 0 && asked > 1) clearInterval(timer);
  };
  tick();
}

// ---- wiring ----

/** Runs a form's action on submit (see `onSubmit`); a locked identity goes to Unlock first. */
function submit(id, action) {
  onSubmit($(id), action, async (e) => {
    if (e.code !== 'identity_locked') return false;
    await show('unlock');
    return true;
  });
}

/**
 * The language switch in the header: the device's language until the worker picks another,
 * which is kept; the screen on show is drawn again in it.
 */
function setUpLanguageSwitch() {
  $('language').replaceChildren(...Object.entries(LANGUAGES).map(([tag, name]) => el('option', { value: tag, lang: tag }, name)));
  $('language').value = language;
  $('language').addEventListener('change', async () => {
    await useLanguage($('language').value, { remember: true }).catch(showProblem);
    $('language').value = language;
    showNetwork();
    await show(location.hash.slice(1));
  });
}

function showNetwork() {
  $('network').textContent = navigator.onLine ? t('online') : t('offline');
  $('network').className = `badge ${navigator.onLine ? 'online' : 'offline'}`;
}

async function main() {
  registerServiceWorker().catch(() => {}); // the app works without it, only not offline
  // The Device's wasm compiles in its worker while the page reads its language. The page
  // itself needs no wasm (practice mode loads the primitives' when it first stages a problem).
  const appVersion = `${PACKAGE_VERSION}+${BUILD}`;
  [device] = await Promise.all([Device.open(PRACTICE ? { name: PRACTICE_DATABASE, appVersion } : { appVersion }), useLanguage(preferredLanguage())]);
  if (PRACTICE) setUpPractice(device);
  setUpLanguageSwitch();
  device.onidlelock = () => { if (!$('sign').hidden) show('unlock'); };
  sendFor(device);
  setUpSigning(device);
  setUpOutbox(device);
  submit('enroll-form', PRACTICE ? async (form) => {
    await practiceEnroll(form, checkNewIdentity);
    form.reset();
    location.hash = '#sign';
    await show('sign');
  } : enroll);
  $('first-run-done').addEventListener('click', () => {
    localStorage.setItem(FIRST_RUN_DONE, 'true');
    $('first-run').hidden = true;
    $('sign-form').elements[0]?.focus();
  });
  submit('unlock-form', async (form) => {
    if (!form.pin.value) throw problem('form_incomplete', t('type-pin'), 'pin');
    try {
      await device.unlock(form.kid.value, form.pin.value);
    } catch (e) {
      if (e.code === 'pin_locked_out' || e.code === 'wrong_pin') watchLockout(form.kid.value);
      throw Object.assign(e, { field: 'pin' });
    }
    form.reset();
    const next = location.hash.slice(1);
    await show(next && next !== 'unlock' ? next : 'sign');
  });
  submit('sign-form', sign);
  submit('feedback-form', sendFeedback);
  submit('export-form', exportBackup);
  submit('import-form', async (form) => { await importBackup(form); await show(location.hash.slice(1) || 'sign'); });
  addEventListener('hashchange', () => {
    // Handed to the customer: the worker's screens stay out of reach (the Back button too).
    if (handedOff()) return history.replaceState(null, '', '#sign');
    clearProblem();
    takeLinkCode();
    show(location.hash.slice(1));
  });
  $('who').addEventListener('change', () => {
    watchLockout($('who').value);
    $('remove-choice').hidden = true;
    $('remove-says').hidden = true;
  });
  $('remove-ask').addEventListener('click', () => { clearProblem(); askToRemove().catch(showProblem); });
  $('remove-keep').addEventListener('click', () => { $('remove-choice').hidden = true; $('remove-says').hidden = true; });
  $('remove-confirm').addEventListener('click', () => { clearProblem(); removeWorker().catch(showProblem); });
  // Another worker of the crew takes the device: this one's key is wiped from memory first.
  $('switch-worker').addEventListener('click', () => {
    device.lock();
    show('unlock');
  });
  // Enroll again in place of the worker chosen on the Unlock screen.
  $('enroll-again').addEventListener('click', (e) => {
    e.preventDefault();
    location.hash = `#enroll-again=${$('who').value}`;
  });
  $('scan').hidden = !('BarcodeDetector' in globalThis && navigator.mediaDevices?.getUserMedia);
  $('scan').addEventListener('click', () => { clearProblem(); scanCode().catch((e) => showFormProblem($('enroll-form'), e)); });
  addEventListener('online', showNetwork);
  addEventListener('offline', showNetwork);
  showNetwork();
  if (!PRACTICE) sendWhileOpen(); // practice records are never sent
  takeLinkCode();
  await show(location.hash.slice(1) || 'sign');
  $('loading').hidden = true;
  document.body.dataset.ready = 'true';
  performance.mark('offsign-ready'); // for the cold-start benchmark
}

main().catch((e) => { $('loading').hidden = true; showProblem(e); });
