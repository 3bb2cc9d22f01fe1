// The sign screen: what the form requires, checked next to each part before anything is
// signed; the signature pad, full screen or handed to the customer; and the result, which
// turns from "saved on this device" into "Sent ✓" as soon as the server has the record.
import { DELIVERY_RECEIPT } from './forms.js';
import { SignaturePad } from './pad.js';
import { sendSoon, onSending } from './sending.js';
import { $, el, problem, markField, focusMessage, onSubmit, clearProblem, when, count } from './ui.js';

let device;
let pad;
/** The record the result panel shows: `{ kid, seq, id }`. */
let shown = null;
/** Whether the browser took a Background Sync request for the record shown. */
let inBackground = false;
/** The identity that handed the device to the customer (it takes it back). */
let handedOffBy = null;
/** What the customer was shown to sign for (`handedOverNow()` then), until it is signed. */
let handedOverContent = null;

const NEED = DELIVERY_RECEIPT.require;

/** Wires the sign screen to `opened`, the app's Device. */
export function setUpSigning(opened) {
  device = opened;
  pad = new SignaturePad($('pad'));
  const form = $('sign-form');
  for (const mark of document.querySelectorAll('.required-mark')) mark.hidden = !NEED[mark.dataset.requires];
  requireLocation();
  $('pad').addEventListener('pointerup', () => { $('pad-error').hidden = true; updatePreview(); });
  $('pad-undo').addEventListener('click', () => { pad.undo(); updatePreview(); });
  $('pad-clear').addEventListener('click', () => { pad.clear(); handedOverContent = null; updatePreview(); });
  $('pad-full').addEventListener('click', () => setFullScreen(!document.body.classList.contains('pad-full')));
  $('handoff').addEventListener('click', handOff);
  wireHandBack();
  form.addEventListener('input', updatePreview);
  form.addEventListener('keydown', nextFieldOnEnter);
  $('sign-another').addEventListener('click', () => {
    $('signed').hidden = true;
    shown = null;
    form.hidden = false;
    form.elements[0].focus();
  });
  onSending(({ phase, error }) => {
    if (!shown || $('signed').hidden) return;
    const final = ['accepted', 'rejected'].includes($('signed-state').dataset.state);
    if (phase === 'start' && navigator.onLine && !final) sayState('sending', 'Saved on this device. Sending…');
    if (phase === 'done' || phase === 'failed') showSentState(error).catch(() => {});
  });
  updatePreview();
}

/** Whether the screen is handed to the customer (navigation elsewhere is refused meanwhile). */
export function handedOff() {
  return handedOffBy !== null;
}

/** A required location is ticked for good. */
function requireLocation() {
  const box = $('sign-form').location;
  box.checked ||= NEED.location;
  box.disabled = NEED.location;
}

/**
 * Enter in a field moves to the next field and never signs (a phone's keyboard has Enter where
 * the thumb is); only the Sign button signs. Enter in the notes still starts a new line.
 */
function nextFieldOnEnter(event) {
  const target = event.target;
  if (event.key !== 'Enter' || !(target instanceof HTMLInputElement) || target.type === 'file') return;
  event.preventDefault();
  const fields = [...$('sign-form').elements].filter((f) => !f.disabled && !f.hidden && f.type !== 'fieldset' && f.offsetParent !== null);
  fields[fields.indexOf(target) + 1]?.focus();
}

/** The form's fields that were filled in, in the form's order. */
function formFields(form) {
  const fields = {};
  for (const name of DELIVERY_RECEIPT.fields) {
    const value = form[name].value.trim();
    if (value) fields[name] = value;
  }
  return fields;
}

/** What keeps the form from being signed: one problem per part, each naming its field. */
function missing(form) {
  const found = [];
  const file = form.file.files[0];
  const fields = formFields(form);
  if (NEED.photo && !file) found.push(problem('form_incomplete', 'Take a photo or pick the document: this form needs one.', 'file'));
  if (NEED.recipient && !fields.recipient) found.push(problem('form_incomplete', "Write the recipient's name.", 'recipient'));
  if (NEED.signature && pad.empty) found.push(problem('form_incomplete', 'The customer has not signed yet: ask them to sign on the pad.', 'pad'));
  if (!found.length && !file && !Object.keys(fields).length && pad.empty) {
    found.push(problem('form_incomplete', 'Nothing to sign yet: take a photo, fill in the form or sign on the pad.'));
  }
  return found;
}

/** Marks each problem next to its part and says, by the Sign button, that nothing was signed. */
function showMissing(found) {
  const form = $('sign-form');
  for (const p of found) {
    if (p.field === 'pad') markField($('pad'), p.remedy);
    else if (p.field) markField(form.elements.namedItem(p.field), p.remedy);
  }
  const box = $('sign-problem');
  box.replaceChildren(el('span', { class: 'remedy' }, found.length === 1 && !found[0].field
    ? `Not signed. ${found[0].remedy}`
    : `Not signed: ${count(found.length, 'part')} of the form ${found.length === 1 ? 'needs' : 'need'} you (marked above).`),
  el('small', { class: 'support-code' }, 'Code for support: form_incomplete'));
  box.hidden = false;
  const first = found.find((p) => p.field && p.field !== 'pad');
  if (first) form.elements.namedItem(first.field).focus();
  else if (found[0].field === 'pad') focusMessage($('pad-error'));
  else focusMessage(box);
}

/** Where the worker is, if the browser can tell within 15 s (no network needed): `{ where }`
 * or `{ failed }` with the reason in words. The browser's own timeout does not run while it
 * asks the worker for permission, so an unanswered question ends here too. */
function position() {
  return new Promise((resolve) => {
    if (!navigator.geolocation) return resolve({ failed: 'this browser cannot tell where it is' });
    setTimeout(() => resolve({ failed: 'no position within 15 seconds' }), 15_000);
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ where: { lat: p.coords.latitude, lon: p.coords.longitude, accuracyM: Math.round(p.coords.accuracy) } }),
      (e) => resolve({ failed: ['', 'this app may not use your location', 'the device has no position fix', 'no position within 10 seconds'][e.code] || 'no position' }),
      { timeout: 10_000, maximumAge: 60_000 },
    );
  });
}

/** Signs what the form holds, if it is complete; says what is missing otherwise. */
export async function sign(form) {
  const found = missing(form);
  if (found.length) return showMissing(found);
  if (handedOverContent !== null && handedOverContent !== handedOverNow()) {
    // The customer signed for what the hand-off screen showed; the form changed since.
    pad.clear();
    handedOverContent = null;
    updatePreview();
    return showMissing([problem('form_incomplete', 'The form changed after the customer signed: hand the device to them again to sign what it says now.', 'pad')]);
  }
  // What is signed is taken now, before any wait: a change made while the location is looked
  // up is not half in the record; the form stays out of reach until the record is saved.
  const fields = formFields(form);
  const claims = { ...fields };
  const file = form.file.files[0];
  const image = pad.empty ? undefined : await pad.png();
  $('handoff').disabled = true;
  form.inert = true;
  try {
    if (form.location.checked) {
      const at = await position();
      if (at.failed) {
        throw problem('location_unavailable', NEED.location
          ? `Your location could not be found (${at.failed}), and this form needs it. Allow location for this app, and try again outdoors.`
          : `Your location could not be found (${at.failed}). Try again outdoors, or untick "Add my location" to sign without it.`, 'location');
      }
      claims.location = at.where;
    }
    // A picked file goes to the Device's worker as it is: it is read, hashed and sealed there, a
    // slice at a time, so a large photo never holds up this page. The Device keeps the document
    // and the pad's image sealed beside the record (for the worker to see again, and to send to
    // the office once the record is accepted), and signs the image's digest as
    // claims.signatureImage.
    const signed = file
      ? await device.sign(file, { name: file.name, type: file.type || 'application/octet-stream', claims, signatureImage: image })
      : await device.sign(new TextEncoder().encode(JSON.stringify({ receipt: fields })), { name: DELIVERY_RECEIPT.documentName, type: 'application/json', claims, signatureImage: image });
    const record = signed.record;
    showSigned(record, fields, file);
    performance.mark('offsign-saved'); // for the benchmark: "saved on this device" is on screen
    form.reset();
    pad.clear();
    handedOverContent = null;
    requireLocation();
    updatePreview();
    // Sending goes on by itself: the worker can sign the next one meanwhile.
    follow().catch(() => {});
  } finally {
    form.inert = false;
    $('handoff').disabled = false;
  }
}

/** The result panel for a record just signed, with focus on its heading. */
function showSigned(record, fields, file) {
  shown = { kid: record.kid, seq: record.seq, id: record.id };
  $('signed-id').textContent = record.id;
  $('signed-time').textContent = when(record.signedAt);
  $('signed-what').textContent = describe(fields, file);
  $('signed-open').href = `#record=${record.id}`;
  sayState('pending', 'Saved on this device.');
  $('sign-form').hidden = true;
  $('signed').hidden = false;
  $('signed-title').focus();
}

/** The result's line about sending. */
function sayState(state, words) {
  $('signed-state').dataset.state = state;
  $('signed-state').textContent = words;
}

/**
 * Asks the browser to send the record after the app is closed where it can (Background Sync):
 * closing the app right after signing loses nothing. Then hands it to the sender at once when
 * online (the `onSending` listener says how that went); offline, says when it will go.
 */
async function follow() {
  inBackground = await device.requestBackgroundSync().catch(() => false);
  if (navigator.onLine) sendSoon().catch(() => {});
  else await showSentState();
}

/** Reads the shown record's state and says it: sent, refused, or waiting and why. */
async function showSentState(error) {
  if (!shown) return;
  const { kid, seq, id } = shown;
  const [row] = await device.records(kid, { after: seq - 1, limit: 1 });
  if (shown?.id !== id || row?.id !== id) return;
  if (row.state === 'accepted') return sayState('accepted', 'Sent ✓ — the server has it; its receipt is kept on this device.');
  if (row.state === 'rejected') return sayState('rejected', 'Refused by the server. Open it in the outbox to see why; it stays on this device.');
  const later = inBackground
    ? 'It is sent when the connection returns, even if you close the app.'
    : 'It is sent when the connection returns while the app is open, or the next time you open it.';
  if (!navigator.onLine) return sayState('pending', `Saved on this device. No connection now. ${later}`);
  sayState('pending', `Saved on this device, not sent yet${error?.remedy ? `: ${error.remedy}` : '.'} ${later}`);
}

function updatePreview() {
  const form = $('sign-form');
  const file = form.file.files[0];
  const fields = formFields(form);
  $('pad-name').textContent = fields.recipient ? `Signed by ${fields.recipient}` : 'Signature of the recipient';
  $('preview-text').textContent = JSON.stringify({
    document: file ? { name: file.name, type: file.type, size: file.size } : 'the delivery receipt below',
    ...fields,
    location: form.location.checked ? 'added when you sign' : undefined,
    handwrittenSignature: pad.empty ? 'none' : 'drawn (its digest is signed, the image is kept)',
  }, null, 2);
}

// ---- the pad full screen, and handed to the customer ----

/** The pad over the whole screen (landscape on a phone, where the browser allows), or back. */
function setFullScreen(on) {
  document.body.classList.toggle('pad-full', on);
  $('pad-full').setAttribute('aria-pressed', String(on));
  $('pad-full').textContent = on ? 'Done' : 'Full screen';
  if (on && !document.fullscreenElement) {
    document.documentElement.requestFullscreen?.().then(
      () => screen.orientation?.lock?.('landscape').catch(() => {}),
      () => {},
    );
  } else if (!on && document.fullscreenElement) {
    document.exitFullscreen?.().catch(() => {});
  }
}

/** What is signed, in one line: "Delivery receipt · DN-118 · for J. Smith". */
function describe(fields, file) {
  return [file ? file.name : 'Delivery receipt', fields.reference, fields.recipient && `for ${fields.recipient}`].filter(Boolean).join(' · ');
}

/**
 * Hands the device to the customer: only the summary of what they sign and the pad are left
 * (everything else is hidden and inert), until the worker takes it back with a long press or
 * their PIN.
 */
function handOff() {
  clearProblem();
  handedOffBy = device.unlocked ?? null;
  if (!handedOffBy) {
    location.hash = '#unlock'; // locked meanwhile: the worker unlocks first
    return;
  }
  handedOverContent = handedOverNow();
  // The key is locked while the customer holds the device: nothing can be signed, nor the
  // session taken over, until the worker's PIN unlocks it again.
  device.lock();
  $('handoff-summary').replaceChildren(el('p', {}, 'Please sign for:'), el('p', { class: 'handoff-what' }, describe(formFields($('sign-form')), $('sign-form').file.files[0])));
  $('handoff-summary').hidden = false;
  document.body.classList.add('handoff');
  for (const node of inertDuringHandOff()) node.inert = true;
  $('handback').hidden = false;
  $('handback-form').hidden = true;
  resetHold();
  setFullScreen(true);
  focusMessage($('handoff-summary'));
}

/** Everything signed that the customer was shown, to tell whether the form changed since. */
function handedOverNow() {
  const form = $('sign-form');
  const file = form.file.files[0];
  return JSON.stringify([formFields(form), file ? [file.name, file.size, file.lastModified] : null]);
}

/** Everything the customer must not reach while holding the device. */
function inertDuringHandOff() {
  const form = $('sign-form');
  return [document.querySelector('header'), $('tabs'), $('update'), $('problem'), $('sign-title'),
    ...[...form.children].filter((child) => child !== $('pad-box')), $('pad-full')];
}

/** The worker has the device again: the form as it was, the drawing kept. */
function handBack() {
  handedOffBy = null;
  document.body.classList.remove('handoff');
  for (const node of inertDuringHandOff()) node.inert = false;
  $('handoff-summary').hidden = true;
  $('handback').hidden = true;
  $('handback-form').reset();
  setFullScreen(false);
  $('sign-button').focus();
}

/** Forgets a long press that already gave the device back. */
let resetHold = () => {};

/**
 * The two ways back: hold the button for a second (the view comes back, the key stays locked:
 * signing asks for the PIN), or type the worker's PIN (unlocked again, straight back to Sign).
 */
function wireHandBack() {
  const hold = $('handback-hold');
  let timer;
  let taken = false;
  resetHold = () => { taken = false; };
  const release = () => { clearTimeout(timer); hold.classList.remove('holding'); };
  hold.addEventListener('pointerdown', () => {
    taken = false;
    hold.classList.add('holding');
    timer = setTimeout(() => { taken = true; release(); handBack(); }, 1_000);
  });
  for (const type of ['pointerup', 'pointerleave', 'pointercancel']) hold.addEventListener(type, release);
  hold.addEventListener('contextmenu', (e) => e.preventDefault()); // a long press is not a menu
  hold.addEventListener('click', () => {
    if (taken) return;
    $('handback-form').hidden = false;
    $('handback-form').pin.focus();
  });
  onSubmit($('handback-form'), async (form) => {
    if (!form.pin.value) throw problem('form_incomplete', "Type the worker's PIN, or hold the button for a second.", 'pin');
    await device.unlock(handedOffBy, form.pin.value).catch((e) => { throw Object.assign(e, { field: 'pin' }); });
    handBack();
  });
}
