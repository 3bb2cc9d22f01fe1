// The field app: enroll once, then sign offline; the outbox is sent when the network returns.
// Plain ES modules over the offsign package; every failure is shown with its remedy.
import init, { Device, errorCodes } from '/pkg/offsign.js';
import { BUILD, PACKAGE_VERSION } from './build.js';
import { $, el, showProblem, clearProblem, when, sha256 } from './ui.js';
import { SignaturePad } from './pad.js';

const SCREENS = ['enroll', 'unlock', 'sign', 'outbox', 'health', 'backup', 'help'];
let device;
let pad;

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
  navigator.serviceWorker.addEventListener('message', (e) => { if (e.data?.synced) renderOutbox(); });
}

// ---- screens ----

async function identities() {
  return device.identities();
}

/** Shows one screen; the ones that need an unlocked, enrolled identity send you there first. */
async function show(name) {
  const all = await identities();
  const enrolled = all.filter((i) => i.enrolled);
  if (!enrolled.length && name !== 'backup') name = 'enroll';
  else if (name === 'sign' && !device.unlocked) name = 'unlock';
  if (!SCREENS.includes(name)) name = 'sign';
  for (const screen of SCREENS) $(screen).hidden = screen !== name;
  $('tabs').hidden = !enrolled.length;
  for (const a of $('tabs').querySelectorAll('a')) a.toggleAttribute('aria-current', a.hash === `#${name}` || (name === 'unlock' && a.hash === '#sign'));
  if (name === 'enroll') {
    const pending = all.find((i) => !i.enrolled);
    askForNewIdentity(!pending);
    // Enrollment signs with the key: a name chosen earlier needs its PIN again once locked.
    askForPin(Boolean(pending) && device.unlocked !== pending.kid);
  }
  if (name === 'unlock') {
    $('who').replaceChildren(...enrolled.map((i) => el('option', { value: i.kid }, i.label)));
    $('unlock-form').pin.focus();
  }
  if (name === 'outbox') await renderOutbox();
  if (name === 'health') await renderHealth();
  if (name === 'help') renderHelp();
}

/** Shows (and requires) the name and PIN fields only while there is no identity to enroll. */
function askForNewIdentity(ask) {
  $('new-identity').hidden = !ask;
  $('new-identity').disabled = !ask;
}

/** Shows (and requires) the PIN of the identity waiting for enrollment while it is locked. */
function askForPin(ask) {
  $('pending-pin').hidden = !ask;
  $('pending-pin').disabled = !ask;
}

async function enroll(form) {
  const pending = (await identities()).find((i) => !i.enrolled);
  let identity = pending;
  if (identity && device.unlocked !== identity.kid) {
    await device.unlock(identity.kid, form.pendingPin.value);
    askForPin(false);
  }
  if (!identity) {
    if (form.pin.value !== form.pin2.value) throw Object.assign(new Error('PINs differ'), { code: 'malformed_input', remedy: 'The two PINs differ. Type the same PIN twice.' });
    identity = await device.createIdentity({ label: form.label.value.trim(), pin: form.pin.value });
    askForNewIdentity(false); // kept if the code is refused: then only a new code is needed
    $('persisted').hidden = false;
    $('persisted').textContent = identity.storagePersisted === true
      ? 'This browser will keep your signatures even when space runs low.'
      : 'This browser may clear stored data when space runs low: sync often.';
  }
  await device.enroll(identity.kid, form.code.value);
  form.reset();
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
    throw Object.assign(new Error(`camera: ${e.name}`), { code: 'malformed_input', remedy: 'The camera could not be opened. Allow the camera for this app, or type the code.' });
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
    throw Object.assign(new Error('no code seen'), { code: 'malformed_input', remedy: 'No enrollment QR code was seen. Hold the code steady in view, or type it.' });
  } finally {
    for (const track of stream.getTracks()) track.stop();
    video.srcObject = null;
    video.hidden = true;
  }
}

/** Where the worker is, if they allowed it and the GPS answers within 10 s (no network needed). */
function position() {
  return new Promise((resolve) => {
    if (!navigator.geolocation) return resolve(undefined);
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ lat: p.coords.latitude, lon: p.coords.longitude, accuracyM: Math.round(p.coords.accuracy) }),
      () => resolve(undefined), { timeout: 10_000, maximumAge: 60_000 },
    );
  });
}

/** The form's fields that were filled in. */
function formFields(form) {
  const fields = {};
  for (const name of ['recipient', 'reference', 'notes']) {
    const value = form[name].value.trim();
    if (value) fields[name] = value;
  }
  return fields;
}

async function sign(form) {
  const file = form.file.files[0];
  const fields = formFields(form);
  if (!file && !Object.keys(fields).length && pad.empty) {
    throw Object.assign(new Error('empty'), { code: 'malformed_input', remedy: 'Pick a file, fill in the form or sign on the pad first.' });
  }
  const claims = { ...fields };
  if (form.location.checked) {
    const where = await position();
    if (where) claims.location = where;
  }
  const image = pad.empty ? undefined : await pad.png();
  if (image) claims.signatureImage = { sha256: await sha256(image), type: 'image/png' };
  const doc = file ? new Uint8Array(await file.arrayBuffer()) : new TextEncoder().encode(JSON.stringify({ receipt: fields }));
  const options = file ? { name: file.name, type: file.type || 'application/octet-stream', claims } : { name: 'delivery-receipt.json', type: 'application/json', claims };
  const { record } = await device.sign(doc, options);
  if (image) await keepImage(record.id, image);
  $('signed-id').textContent = record.id;
  $('signed-time').textContent = when(record.signedAt);
  $('signed').hidden = false;
  form.hidden = true;
  form.reset();
  pad.clear();
  if (!navigator.onLine) device.requestBackgroundSync().catch(() => false);
}

/** Keeps the handwritten-signature image with its record (the record holds its digest). */
async function keepImage(recordId, png) {
  const db = await new Promise((resolve, reject) => {
    const open = indexedDB.open('offsign-app', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('images');
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  await new Promise((resolve, reject) => {
    const tx = db.transaction('images', 'readwrite');
    tx.objectStore('images').put(png, recordId);
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
  });
  db.close();
}

function updatePreview() {
  const form = $('sign-form');
  const file = form.file.files[0];
  $('preview-text').textContent = JSON.stringify({
    document: file ? { name: file.name, type: file.type, size: file.size } : 'the delivery receipt below',
    ...formFields(form),
    location: form.location.checked ? 'added when you sign' : undefined,
    handwrittenSignature: pad.empty ? 'none' : 'drawn (its digest is signed, the image is kept)',
  }, null, 2);
}

async function renderOutbox() {
  const [identity] = (await identities()).filter((i) => i.enrolled);
  if (!identity) return;
  const newest = identity.chain?.seq ?? 0;
  const page = await device.records(identity.kid, { after: Math.max(0, newest - 200), limit: 200 });
  const filter = $('filter').value;
  // The server's code is in the error table: its remedy says what the worker can do.
  const remedies = new Map(errorCodes().map((c) => [c.code, c.remedy]));
  const items = page.reverse().filter((r) => !filter || r.state === filter).map((r) => {
    const remedy = remedies.get(r.error?.code) ?? remedies.get('record_rejected');
    const detail = r.state === 'accepted' ? 'receipt kept'
      : r.state === 'rejected' ? `refused by the server (${r.error?.code}: ${r.error?.message}). ${remedy}` : 'will be sent when online';
    return el('li', { class: r.state, 'data-id': r.id },
      el('strong', {}, r.docName ?? 'document'), ` · ${when(r.signedAt)} · `,
      el('span', { class: 'state' }, r.state), el('small', {}, ` ${detail}`));
  });
  $('records').replaceChildren(...items);
  const lastSync = (await device.diagnose()).find((c) => c.id === 'last_sync');
  $('last-sync').textContent = `Last successful sync: ${lastSync ? (lastSync.value.startsWith('never') ? lastSync.value : when(lastSync.value)) : 'unknown'}`;
}

async function syncNow() {
  const bar = $('sync-progress');
  bar.hidden = false;
  bar.value = 0;
  try {
    await device.sync({ onProgress: (done, total) => { bar.value = total ? done / total : 1; } });
  } finally {
    bar.hidden = true;
    await renderOutbox();
  }
}

/** What this browser can do in the background, for the health list. */
function browserChecks() {
  const backgroundSync = 'serviceWorker' in navigator && 'SyncManager' in window;
  return [{
    id: 'background_sync',
    status: backgroundSync ? 'ok' : 'warn',
    value: backgroundSync ? 'available: records are sent even after the app is closed' : 'not in this browser',
    remedy: backgroundSync ? null : 'Records are sent while the app is open (at start, when the connection returns, every 5 minutes). Open the app when you have signal.',
  }, {
    id: 'offline_app',
    status: navigator.serviceWorker?.controller ? 'ok' : 'warn',
    value: navigator.serviceWorker?.controller ? 'ready: the app opens with no network' : 'not yet',
    remedy: navigator.serviceWorker?.controller ? null : 'Open the app once more while online so that it can work offline.',
  }];
}

async function renderHealth() {
  const checks = [...await device.diagnose(), ...browserChecks()];
  $('checks').replaceChildren(...checks.map((c) => el('li', { class: c.status },
    el('span', { class: 'state' }, c.status), ` ${c.id.replace(/_/g, ' ')}: ${c.value}`,
    ...(c.remedy ? [el('br'), el('small', {}, c.remedy)] : []))));
}

async function sendFeedback(form) {
  const reports = await device.reports({ limit: 1000 });
  const latest = reports.at(-1);
  if (!latest) throw Object.assign(new Error('no report'), { code: 'report_not_found', remedy: 'No failure has been recorded on this device, so there is nothing to attach your words to.' });
  await device.addFeedback(latest.id, form.comment.value.trim());
  form.reset();
  $('feedback-done').hidden = false;
}

async function exportBackup(form) {
  const bytes = await device.exportBackup(form.passphrase.value);
  const link = el('a', { href: URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' })), download: `offsign-backup-${new Date().toISOString().slice(0, 10)}.offsign` });
  document.body.append(link);
  link.click();
  link.remove();
  form.reset();
  $('backup-done').hidden = false;
  $('backup-done').textContent = 'Backup saved. Keep the file and its passphrase apart.';
}

async function importBackup(form) {
  const bytes = new Uint8Array(await form.file.files[0].arrayBuffer());
  const summary = await device.importBackup(bytes, form.passphrase.value);
  form.reset();
  $('backup-done').hidden = false;
  $('backup-done').textContent = `Imported ${summary.identitiesAdded} identities and ${summary.recordsAdded} records (${summary.recordsSkipped} were here already).`;
}

function renderHelp() {
  if ($('codes').childElementCount) return;
  $('codes').append(...errorCodes().flatMap((c) => [
    el('dt', { id: `code-${c.code}` }, c.code), el('dd', {}, `${c.summary} `, el('strong', {}, c.remedy)),
  ]));
}

let lockoutTimer;

/**
 * Shows how long the worker must wait before the next PIN try, and lets the wait run: the
 * device counts only time it sees pass (a clock moved forward does not end it), so the app
 * looks every few seconds while it is open.
 */
function watchLockout(kid) {
  clearInterval(lockoutTimer);
  const look = async () => {
    const left = await device.lockoutRemaining(kid).catch(() => 0);
    $('lockout-wait').hidden = left <= 0;
    const seconds = Math.ceil(left / 1000);
    $('lockout-wait').textContent = left > 0 ? `Next try in ${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}. Keep the app open: the wait counts while it is.` : '';
    if (left <= 0) clearInterval(lockoutTimer);
  };
  lockoutTimer = setInterval(look, 5_000);
  look();
}

// ---- wiring ----

/** Runs a form's action with its errors shown, the button disabled meanwhile. */
function onSubmit(id, action) {
  $(id).addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = event.submitter ?? $(id).querySelector('button[type=submit]');
    button.disabled = true;
    // A spinner on the button while it works: unlocking is one Argon2id step with no progress
    // to count, and the spinner turns because that work is the Device worker's, not the page's.
    $(id).setAttribute('aria-busy', 'true');
    clearProblem();
    try {
      await action(event.target);
    } catch (e) {
      showProblem(e);
      if (e.code === 'identity_locked') await show('unlock');
    } finally {
      button.disabled = false;
      $(id).removeAttribute('aria-busy');
    }
  });
}

function showNetwork() {
  $('network').textContent = navigator.onLine ? 'Online' : 'Offline';
  $('network').className = `badge ${navigator.onLine ? 'online' : 'offline'}`;
}

async function main() {
  registerServiceWorker().catch(() => {}); // the app works without it, only not offline
  // The primitives' wasm (for the help page) loads in the page while the Device's compiles in
  // its worker.
  [device] = await Promise.all([Device.open({ appVersion: `${PACKAGE_VERSION}+${BUILD}` }), init()]);
  device.onidlelock = () => { if (!$('sign').hidden) show('unlock'); };
  pad = new SignaturePad($('pad'));
  $('pad').addEventListener('pointerup', updatePreview);
  $('pad-undo').addEventListener('click', () => { pad.undo(); updatePreview(); });
  $('pad-clear').addEventListener('click', () => { pad.clear(); updatePreview(); });
  $('sign-form').addEventListener('input', updatePreview);
  $('sign-another').addEventListener('click', () => { $('signed').hidden = true; $('sign-form').hidden = false; });
  $('filter').addEventListener('change', renderOutbox);
  $('sync-now').addEventListener('click', () => syncNow().catch(showProblem));
  onSubmit('enroll-form', enroll);
  onSubmit('unlock-form', async (form) => {
    try {
      await device.unlock(form.kid.value, form.pin.value);
    } catch (e) {
      if (e.code === 'pin_locked_out') watchLockout(form.kid.value);
      throw e;
    }
    form.reset();
    await show('sign');
  });
  onSubmit('sign-form', sign);
  onSubmit('feedback-form', sendFeedback);
  onSubmit('export-form', exportBackup);
  onSubmit('import-form', async (form) => { await importBackup(form); await show(location.hash.slice(1) || 'sign'); });
  addEventListener('hashchange', () => { clearProblem(); takeLinkCode(); show(location.hash.slice(1)); });
  $('scan').hidden = !('BarcodeDetector' in globalThis && navigator.mediaDevices?.getUserMedia);
  $('scan').addEventListener('click', () => { clearProblem(); scanCode().catch(showProblem); });
  addEventListener('online', showNetwork);
  addEventListener('offline', showNetwork);
  showNetwork();
  updatePreview();
  // Failures are recorded as reports by the device; where the browser can, it retries after
  // the app is closed (Background Sync).
  device.autoSync({
    onSynced: () => { if (!$('outbox').hidden) renderOutbox(); },
    onError: () => { device.requestBackgroundSync().catch(() => false); },
  });
  takeLinkCode();
  await show(location.hash.slice(1) || 'sign');
  $('loading').hidden = true;
  document.body.dataset.ready = 'true';
  performance.mark('offsign-ready'); // for the cold-start benchmark
}

main().catch((e) => { $('loading').hidden = true; showProblem(e); });
