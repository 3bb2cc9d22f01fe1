// The outbox a worker can read: each record by what was signed (recipient, reference,
// document, time) and its state in words true to the network; a record opens to its fields,
// signature, document, receipt, and a refusal's reason and remedy; "Send now" says what it did.
import { availableForms, builtIn } from './forms.js';
import { kept } from './keep.js';
import { PRACTICE } from './practice.js';
import { sendSoon, sending, onSending } from './sending.js';
import { errorWords, remedyOf, t } from './i18n.js';
import { $, el, when, jwsPayload, showProblem, focusMessage } from './ui.js';

let device;
/** The id of the record the record view shows. */
let shownId;

/**
 * Saves the shown record's evidence bundle, made on this device (no connection needed): a ZIP
 * file anyone can check with `offsign verify-bundle`, to hand to a customer or an auditor.
 */
async function saveBundle() {
  const bytes = await device.bundle(shownId);
  const name = `offsign-record-${shownId}.zip`;
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/zip' }));
  urls.push(url);
  el('a', { href: url, download: name }).click();
  $('bundle-done').hidden = false;
  $('bundle-done').textContent = t('bundle-saving', { name, kb: Math.ceil(bytes.length / 1024), page: `${location.origin}/verify/` });
}

/**
 * The document and the pad's image of record `row`: opened from the Device, which keeps them
 * sealed for the worker who signed; records signed before it kept them have theirs in the
 * app's own database of that time.
 */
async function recordFiles(row) {
  const open = (kind) => device.evidence(row.id, kind).catch(() => undefined);
  const [document, image] = await Promise.all([open('document'), open('signature-image')]);
  if (document || image) return { document, image };
  return kept(row.id).catch(() => ({}));
}

/** Object URLs of the record view (an image, a document), revoked when it is left. */
let urls = [];

/** Wires the outbox and the record view to `opened`, the app's Device. */
export function setUpOutbox(opened) {
  device = opened;
  $('filter').addEventListener('change', () => renderOutbox());
  $('search').addEventListener('input', () => renderOutbox());
  $('sync-now').addEventListener('click', () => sendNow().catch(showProblem));
  $('bundle-button').addEventListener('click', () => saveBundle().catch(showProblem));
  onSending(({ phase, done, total }) => {
    const bar = $('sync-progress');
    if (phase === 'progress' && total) {
      bar.hidden = false;
      bar.value = done / total;
    }
    if (phase === 'done' || phase === 'failed') bar.hidden = true;
    if (!$('outbox').hidden && phase !== 'progress') renderOutbox().catch(() => {});
  });
  const redraw = () => { if (!$('outbox').hidden) renderOutbox().catch(() => {}); };
  addEventListener('online', redraw);
  addEventListener('offline', redraw);
}

/**
 * The worker whose outbox is shown: the unlocked identity, else the first that signs; with the
 * identities it was enrolled again in place of on this device (one worker's history).
 */
async function owner() {
  const all = await device.identities();
  const signing = all.filter((i) => i.enrolled && !i.replacedBy);
  const current = signing.find((i) => i.kid === device.unlocked) ?? signing[0];
  if (!current) return null;
  const line = withReplaced(current, all);
  line.crew = signing.length > 1;
  return line;
}

/** `identity` and the identities of `all` it was enrolled again in place of: one worker's history on this device. */
export function withReplaced(identity, all) {
  const line = [identity];
  for (let i = 0; i < line.length; i++) line.push(...all.filter((other) => other.replacedBy === line[i].kid));
  return line;
}

/** Every record of the identities in `line` on this device, newest first. */
async function allRecords(line) {
  const rows = [];
  for (const identity of line) {
    for (let after = 0; ;) {
      const page = await device.records(identity.kid, { after, limit: 1000 });
      rows.push(...page);
      if (page.length < 1000) break;
      after = page.at(-1).seq;
    }
  }
  return rows.sort((a, b) => b.signedAt.localeCompare(a.signedAt));
}

/** What a record says was signed: its claims and document, read (not verified: the device
 * verified it twice when it signed) from its JWS; what the row itself says when it cannot be. */
function signedContent(row) {
  const payload = jwsPayload(row.jws) ?? {};
  return { claims: payload.claims ?? {}, doc: payload.doc ?? {}, payload };
}

/** A record's state in words, true to the network: waiting, sending, sent or refused. */
function stateWords(row) {
  if (row.state === 'accepted') return ['sent', t('row-sent')];
  if (row.state === 'rejected') return ['refused', t('row-refused')];
  if (!navigator.onLine) return ['waiting', t('row-offline')];
  return sending() ? ['sending', t('row-sending')] : ['waiting', t('row-waiting')];
}

/** Whether this browser sends the outbox after the app is closed (Background Sync). */
function sendsInBackground() {
  return 'serviceWorker' in navigator && 'SyncManager' in globalThis && Boolean(navigator.serviceWorker.controller);
}

/** Draws the outbox: a summary line, then the rows the filter and the search leave. */
export async function renderOutbox() {
  const line = await owner();
  if (!line) return;
  const rows = await allRecords(line);
  const waiting = rows.filter((r) => r.state === 'pending' || r.state === 'sending').length;
  const refused = rows.filter((r) => r.state === 'rejected').length;
  const parts = [waiting ? t('outbox-waiting', { count: waiting }) : t('outbox-nothing-waiting')];
  // On a shared device, whose records these are.
  if (line.crew) parts.unshift(t('outbox-whose', { name: line[0].label }));
  if (waiting) parts.push(sendsInBackground() ? t('outbox-background') : t('outbox-while-open'));
  if (refused) parts.push(t('outbox-refused', { count: refused }));
  $('outbox-summary').textContent = parts.join(' ');

  const filter = $('filter').value;
  const query = $('search').value.trim().toLowerCase();
  const shown = rows.filter((r) => !filter || r.state === filter || (filter === 'pending' && r.state === 'sending'))
    .map((r) => ({ row: r, ...signedContent(r) }))
    .filter(({ claims }) => !query || String(claims.reference ?? '').toLowerCase().includes(query));
  const items = shown.slice(0, 200).map(({ row, claims, doc }) => {
    const [state, words] = stateWords(row);
    const title = claims.recipient ? t('row-for', { name: claims.recipient }) : (doc.name ?? t('row-document'));
    const details = [claims.reference, doc.name, when(row.signedAt)].filter(Boolean).join(' · ');
    return el('li', { class: row.state, 'data-id': row.id, 'data-shown': state },
      el('a', { href: `#record=${row.id}` }, el('strong', {}, title), el('span', { class: 'row-details' }, details)),
      el('span', { class: `state ${state}` }, words));
  });
  const empty = rows.length
    ? el('li', { class: 'empty' }, query ? t('no-match', { query }) : t('list-empty'))
    : el('li', { class: 'empty' }, t('nothing-signed'));
  $('records').replaceChildren(...(items.length ? items : [empty]));
  if (shown.length > 200) $('records').append(el('li', { class: 'empty' }, t('older-not-shown', { count: shown.length - 200 })));
  const lastSync = (await device.diagnose()).find((c) => c.id === 'last_sync');
  $('last-sync').textContent = t('last-sent', { when: lastSync ? (lastSync.value.startsWith('never') ? t('never') : when(lastSync.value)) : t('unknown') });
}

/** "Send now": says in words what happened, whatever happened. */
async function sendNow() {
  const result = $('sync-result');
  if (PRACTICE) {
    result.textContent = t('practice-not-sent');
    focusMessage(result);
    return;
  }
  if (!navigator.onLine) {
    result.textContent = t('send-offline');
    return;
  }
  const line = await owner();
  const before = line ? (await allRecords(line)).filter((r) => r.state === 'pending' || r.state === 'sending').length : 0;
  result.textContent = before ? t('sending-count', { count: before }) : t('checking');
  try {
    const summary = await sendSoon();
    const said = [];
    if (summary.accepted) said.push(t('sent-count', { count: summary.accepted }));
    if (summary.duplicate) said.push(t('duplicate-count', { count: summary.duplicate }));
    if (summary.rejected) said.push(t('refused-count', { count: summary.rejected }));
    if (summary.renewed) said.push(t('renewed'));
    if (summary.formsUpdated) said.push(t('forms-updated'));
    result.textContent = said.length ? said.join(' ') : t('nothing-to-send');
  } catch (e) {
    result.textContent = t('not-sent', { why: remedyOf(e) });
  }
  focusMessage(result);
}

/** Claims a record holds beside its form's answers, shown in their own rows or not at all. */
const NOT_ANSWERS = new Set(['form', 'signatureImage', 'evidenceSealing', 'location', 'geo', 'handwrittenSignature']);

/**
 * A record's answers as [label, value] rows, in its form's order and with its labels when the
 * device holds that form (else the claim's own name): a ticked box says Yes, a choice its label.
 */
function answerRows(claims, form) {
  const fieldOf = (name) => form?.fields.find((f) => f.name === name);
  const order = (name) => { const i = form?.fields.findIndex((f) => f.name === name) ?? -1; return i < 0 ? Infinity : i; };
  return Object.entries(claims)
    .filter(([name, value]) => !NOT_ANSWERS.has(name) && value !== null && typeof value !== 'object')
    .sort(([a], [b]) => order(a) - order(b))
    .map(([name, value]) => {
      const field = fieldOf(name);
      const shown = typeof value === 'boolean' ? (value ? t('yes') : t('no'))
        : field?.type === 'choice' ? (field.options.find((o) => o.value === value)?.label ?? String(value)) : String(value);
      return [field?.label ?? name, shown];
    });
}

/** The record `id`'s own screen: what was signed, its signature and document, its receipt or refusal. */
export async function renderRecord(id) {
  for (const url of urls) URL.revokeObjectURL(url);
  urls = [];
  shownId = id;
  $('bundle-done').hidden = true;
  const line = await owner();
  const row = line && (await allRecords(line)).find((r) => r.id === id);
  const fields = $('record-fields');
  fields.replaceChildren();
  $('record-pad').hidden = true;
  $('record-document').replaceChildren();
  $('record-tech').replaceChildren();
  $('bundle-button').hidden = !row;
  if (!row) {
    $('record-title').textContent = t('record-not-found');
    $('record-state').textContent = t('record-not-here');
    fields.replaceChildren();
    return;
  }
  const { claims, doc, payload } = signedContent(row);
  const [state, words] = stateWords(row);
  const form = claims.form ? (await availableForms(device)).find((f) => f.id === claims.form.id) : builtIn();
  const answers = answerRows(claims, form);
  $('record-title').textContent = claims.recipient ? t('signed-for', { name: claims.recipient }) : (doc.name ?? t('record-title'));
  $('record-state').dataset.state = state;
  // A refusal in words: what the code means and what to do; the server's own message (ids,
  // serials) only in the line for support.
  const known = row.error && (errorWords(row.error.code) ?? errorWords('record_rejected'));
  $('record-state').replaceChildren(words, ...(known ? [': ', known.summary, ' ', el('strong', {}, known.remedy),
    el('small', { class: 'support-code' }, t('support-code-message', { code: row.error.code, message: row.error.message }))] : []));
  const receipt = row.receipt ? jwsPayload(row.receipt) : null;
  const rows = [
    ...answers,
    [t('field-document'), [doc.name, doc.type, doc.size != null ? t('bytes', { count: doc.size }) : null].filter(Boolean).join(', ')],
    [t('field-signed'), when(row.signedAt)],
    [t('field-location'), Number.isFinite(claims.location?.lat) && Number.isFinite(claims.location?.lon)
      ? `${claims.location.lat.toFixed(5)}, ${claims.location.lon.toFixed(5)} (±${claims.location.accuracyM} m)` : null],
    [t('field-received'), receipt ? when(receipt.receivedAt) : null],
  ].filter(([, value]) => value);
  fields.replaceChildren(...rows.flatMap(([name, value]) => [el('dt', {}, name), el('dd', {}, value)]));
  const tech = [[t('tech-id'), row.id], [t('tech-seq'), String(row.seq)], [t('tech-sha256'), doc.sha256], [t('tech-hash'), row.hash],
    [t('tech-certificate'), payload.cert], [t('tech-receipt'), row.receipt ?? t('tech-no-receipt')]];
  $('record-tech').replaceChildren(...tech.filter(([, v]) => v).flatMap(([name, value]) => [el('dt', {}, name), el('dd', { class: 'mono' }, value)]));

  const { image, document } = await recordFiles(row);
  if (image) {
    const url = URL.createObjectURL(new Blob([image], { type: 'image/png' }));
    urls.push(url);
    $('record-pad').querySelector('img').src = url;
    $('record-pad').hidden = false;
  }
  if (document) {
    // Shown as an image when it is one; any other file is only offered to save, never opened
    // as a page of this origin (an HTML or SVG file would be one).
    const image = /^image\/(png|jpeg|gif|webp|avif|heic)$/.test(String(document.type));
    const url = URL.createObjectURL(image ? document : new Blob([document], { type: 'application/octet-stream' }));
    urls.push(url);
    const preview = image
      ? [el('img', { src: url, alt: t('signed-photo', { name: doc.name ?? t('row-document') }), class: 'document-preview' })]
      : [];
    $('record-document').replaceChildren(...preview,
      el('p', {}, el('a', { href: url, download: doc.name ?? 'document' }, t('open-document', { name: doc.name ?? t('row-document') }))));
  }
}
