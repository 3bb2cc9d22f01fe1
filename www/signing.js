// The sign screen: the worker's form (chosen from the office's), what it requires checked next
// to each part before anything is signed; the signature pad, full screen or handed to the
// customer; and the result, which turns from "saved on this device" into "Sent ✓" as soon as
// the server has the record.
import { availableForms, builtIn, drawForm, problems, readAnswers } from './forms.js';
import { SignaturePad } from './pad.js';
import { PRACTICE, stagedFailure } from './practice.js';
import { sendSoon, onSending } from './sending.js';
import { remedyOf, t } from './i18n.js';
import { $, el, problem, markField, focusMessage, onSubmit, clearProblem, when } from './ui.js';

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

/** The forms to choose from, and the one on screen. */
let forms = [];
let current = { id: '', version: null, title: '', fields: [] };

/** Wires the sign screen to `opened`, the app's Device. */
export function setUpSigning(opened) {
  device = opened;
  pad = new SignaturePad($('pad'));
  const form = $('sign-form');
  current = builtIn();
  drawForm(current);
  $('form-choice').addEventListener('change', () => {
    choose(forms.find((f) => f.id === $('form-choice').value) ?? forms[0]);
    if (device.unlocked) localStorage.setItem(rememberKey(device.unlocked), current.id);
  });
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
  onSending(({ phase, error, summary }) => {
    if (phase === 'done' && summary?.formsUpdated && device.unlocked) showForms(device.unlocked).catch(() => {});
    if (!shown || $('signed').hidden) return;
    const final = ['accepted', 'rejected'].includes($('signed-state').dataset.state);
    if (phase === 'start' && navigator.onLine && !final) sayState('sending', t('state-sending'));
    if (phase === 'done' || phase === 'failed') showSentState(error).catch(() => {});
  });
  updatePreview();
}

/** Whether the screen is handed to the customer (navigation elsewhere is refused meanwhile). */
export function handedOff() {
  return handedOffBy !== null;
}

/** Where the form a worker chose last is remembered (each worker of a crew has their own). */
const rememberKey = (kid) => `offsign.form.${kid}`;

/**
 * Offers the forms this device holds to worker `kid`, with the one they chose last (else the
 * delivery receipt, else the first); the picker shows only when there is a choice. A form
 * being filled in stays as it is unless the office changed it.
 */
export async function showForms(kid) {
  forms = await availableForms(device);
  $('form-choice').replaceChildren(...forms.map((f) => el('option', { value: f.id }, f.title)));
  $('form-choice-box').hidden = forms.length < 2;
  const remembered = localStorage.getItem(rememberKey(kid));
  const chosen = forms.find((f) => f.id === remembered) ?? forms.find((f) => f.id === 'delivery-receipt') ?? forms[0];
  $('form-choice').value = chosen.id;
  choose(chosen);
}

/** Puts `form` on screen (unless it is there already, in the same version). */
function choose(form) {
  // (The title tells a language switch: the same form, drawn again in the new language.)
  if (form.id === current.id && form.version === current.version && form.title === current.title && $('form-fields').childElementCount > 1) return;
  current = form;
  drawForm(form);
  clearProblem();
  updatePreview();
}

/** The form's location field, if it has one. */
const locationField = () => current.fields.find((f) => f.type === 'location');

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

/** Marks each problem next to its part and says, by the Sign button, that nothing was signed. */
function showMissing(found) {
  const form = $('sign-form');
  for (const p of found) {
    if (p.field === 'pad') markField($('pad'), p.remedy);
    else if (p.field) markField(form.elements.namedItem(p.field), p.remedy);
  }
  const box = $('sign-problem');
  box.replaceChildren(el('span', { class: 'remedy' }, found.length === 1 && !found[0].field
    ? t('not-signed', { why: found[0].remedy })
    : t('not-signed-parts', { count: found.length })),
  el('small', { class: 'support-code' }, t('support-code', { code: 'form_incomplete' })));
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
    if (!navigator.geolocation) return resolve({ failed: t('no-geolocation') });
    setTimeout(() => resolve({ failed: t('no-position-15') }), 15_000);
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ where: { lat: p.coords.latitude, lon: p.coords.longitude, accuracyM: Math.round(p.coords.accuracy) } }),
      (e) => resolve({ failed: t(['no-position', 'location-denied', 'no-fix', 'no-position-10'][e.code] ?? 'no-position') }),
      { timeout: 10_000, maximumAge: 60_000 },
    );
  });
}

/** Signs what the form holds, if it is complete; says what is missing otherwise. */
export async function sign(form) {
  const staged = stagedFailure();
  if (staged) throw staged;
  const file = current.fields.some((f) => f.type === 'photo') ? form.file.files[0] : undefined;
  const fields = readAnswers(current);
  const found = await problems(device, current, fields, { file, drawn: !pad.empty });
  if (!found.length && !file && !Object.keys(fields).length && pad.empty) {
    found.push(problem('form_incomplete', t('nothing-to-sign')));
  }
  if (found.length) return showMissing(found);
  if (handedOverContent !== null && handedOverContent !== handedOverNow()) {
    // The customer signed for what the hand-off screen showed; the form changed since.
    pad.clear();
    handedOverContent = null;
    updatePreview();
    return showMissing([problem('form_incomplete', t('form-changed'), 'pad')]);
  }
  // What is signed is taken now, before any wait: a change made while the location is looked
  // up is not half in the record; the form stays out of reach until the record is saved.
  const signedOn = current;
  const claims = { ...fields, ...(signedOn.version === null ? {} : { form: { id: signedOn.id, version: signedOn.version } }) };
  const image = pad.empty ? undefined : await pad.png();
  $('handoff').disabled = true;
  form.inert = true;
  try {
    const where = locationField();
    if (where && form.elements.namedItem(where.name).checked) {
      const at = await position();
      if (at.failed) {
        throw problem('location_unavailable', where.required
          ? t('location-needed', { why: at.failed })
          : t('location-failed', { why: at.failed, label: where.label }), where.name);
      }
      claims[where.name] = at.where;
    }
    // A picked file goes to the Device's worker as it is: it is read, hashed and sealed there, a
    // slice at a time, so a large photo never holds up this page. The Device keeps the document
    // and the pad's image sealed beside the record (for the worker to see again, and to send to
    // the office once the record is accepted), and signs the image's digest as
    // claims.signatureImage.
    const signed = file
      ? await device.sign(file, { name: file.name, type: file.type || 'application/octet-stream', claims, signatureImage: image })
      : await device.sign(formDocument(signedOn, fields), { name: `${signedOn.id}.json`, type: 'application/json', claims, signatureImage: image });
    const record = signed.record;
    showSigned(record, fields, file);
    performance.mark('offsign-saved'); // for the benchmark: "saved on this device" is on screen
    form.reset();
    $('form-choice').value = current.id; // the form chosen stays chosen
    pad.clear();
    handedOverContent = null;
    updatePreview();
    // Sending goes on by itself: the worker can sign the next one meanwhile.
    follow().catch(() => {});
  } finally {
    form.inert = false;
    $('handoff').disabled = false;
  }
}

/** The document signed when no file is picked: the form and its answers, as JSON. */
function formDocument(form, answers) {
  const named = form.version === null ? { id: form.id, title: form.title } : { id: form.id, version: form.version, title: form.title };
  return new TextEncoder().encode(JSON.stringify({ form: named, answers }));
}

/** The result panel for a record just signed, with focus on its heading. */
function showSigned(record, fields, file) {
  shown = { kid: record.kid, seq: record.seq, id: record.id };
  $('signed-id').textContent = record.id;
  $('signed-time').textContent = when(record.signedAt);
  $('signed-what').textContent = describe(fields, file);
  $('signed-open').href = `#record=${record.id}`;
  sayState('pending', t('state-saved'));
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
  if (PRACTICE) return sayState('pending', t('practice-kept'));
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
  if (row.state === 'accepted') return sayState('accepted', t('state-sent'));
  if (row.state === 'rejected') return sayState('rejected', t('state-refused'));
  const later = inBackground
    ? t('later-background')
    : t('later-open');
  if (!navigator.onLine) return sayState('pending', t('state-offline', { later }));
  sayState('pending', error ? t('state-not-sent-because', { why: remedyOf(error), later }) : t('state-not-sent', { later }));
}

function updatePreview() {
  const form = $('sign-form');
  const file = form.file.files[0];
  const fields = readAnswers(current);
  const signer = firstText(fields);
  const where = locationField();
  $('pad-name').textContent = signer ? t('signed-by', { name: signer }) : $('pad-label').textContent;
  $('preview-text').textContent = JSON.stringify({
    document: file ? { name: file.name, type: file.type, size: file.size } : `the ${current.title} below`,
    ...fields,
    ...(where && form.elements.namedItem(where.name)?.checked ? { [where.name]: 'added when you sign' } : {}),
    handwrittenSignature: pad.empty ? 'none' : 'drawn (its digest is signed, the image is kept)',
  }, null, 2);
}

/** The first text answered: who signs, on most forms (the recipient, the person). */
function firstText(answers) {
  const field = current.fields.find((f) => f.type === 'text' && answers[f.name]);
  return field ? answers[field.name] : '';
}

// ---- the pad full screen, and handed to the customer ----

/** The pad over the whole screen (landscape on a phone, where the browser allows), or back. */
function setFullScreen(on) {
  document.body.classList.toggle('pad-full', on);
  $('pad-full').setAttribute('aria-pressed', String(on));
  $('pad-full').textContent = on ? t('pad-done') : t('pad-full');
  if (on && !document.fullscreenElement) {
    document.documentElement.requestFullscreen?.().then(
      () => screen.orientation?.lock?.('landscape').catch(() => {}),
      () => {},
    );
  } else if (!on && document.fullscreenElement) {
    document.exitFullscreen?.().catch(() => {});
  }
}

/** What is signed, in one line: "Delivery receipt · J. Smith · DN-118" (the form, or the
 * file, and its first two text answers). */
function describe(fields, file) {
  const texts = current.fields.filter((f) => f.type === 'text' && fields[f.name]).slice(0, 2).map((f) => fields[f.name]);
  return [file ? file.name : current.title, ...texts].join(' · ');
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
  $('handoff-summary').replaceChildren(el('p', {}, t('please-sign')), el('p', { class: 'handoff-what' }, describe(readAnswers(current), $('sign-form').file.files[0])));
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
  return JSON.stringify([current.id, readAnswers(current), file ? [file.name, file.size, file.lastModified] : null]);
}

/** Everything the customer must not reach while holding the device. */
function inertDuringHandOff() {
  const form = $('sign-form');
  return [document.querySelector('header'), $('tabs'), $('update'), $('practice-banner'), $('problem'), $('sign-title'),
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
    if (!form.pin.value) throw problem('form_incomplete', t('handback-pin'), 'pin');
    await device.unlock(handedOffBy, form.pin.value).catch((e) => { throw Object.assign(e, { field: 'pin' }); });
    handBack();
  });
}
