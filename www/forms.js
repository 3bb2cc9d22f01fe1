// The forms a worker fills in: those the office sent (`Device.forms`, kept on the device for
// offline use), or the app's own delivery receipt when the device holds none (a server older
// than forms). A form is drawn as fields on the sign screen, read back as the record's claims,
// and checked next to each field before anything is signed: what is missing here, the rest by
// the device (`checkAnswers`, the same check `sign` makes).
import { t } from './i18n.js';
import { $, el, problem } from './ui.js';

/** The app's own form, in the language in use: signed without `claims.form`, as before
 * forms came from the office. */
export function builtIn() {
  return {
    id: 'delivery-receipt',
    version: null,
    title: t('receipt-title'),
    fields: [
      { name: 'recipient', type: 'text', label: t('receipt-recipient'), required: true, maxLength: 200 },
      { name: 'reference', type: 'text', label: t('receipt-reference'), required: false, maxLength: 100 },
      { name: 'notes', type: 'text', label: t('receipt-notes'), required: false, maxLength: 2000 },
      { name: 'photo', type: 'photo', label: t('receipt-photo'), required: false },
      { name: 'location', type: 'location', label: t('receipt-location'), required: false },
      { name: 'signature', type: 'signature', label: t('receipt-signature'), required: true },
    ],
  };
}

/** Text answers longer than this get a box of several lines. */
const ONE_LINE = 200;

/** The forms `device` holds, labels in the page's language; the app's own when it holds none. */
export async function availableForms(device) {
  const forms = await device.forms({ lang: document.documentElement.lang || 'en' }).catch(() => []);
  return forms.length ? forms : [builtIn()];
}

/** The id of a field's message line (prefixed: a form's field names are the office's). */
const errorId = (name) => `field-${name}-error`;

/** One field as the worker meets it: its label, the input, its hint and its message line. */
function drawField(field) {
  const described = [errorId(field.name)];
  const hint = field.help ? el('small', { id: `field-${field.name}-help`, class: 'hint' }, field.help) : null;
  if (hint) described.push(hint.id);
  const common = { name: field.name, 'aria-describedby': described.join(' ') };
  const mark = field.required ? [' ', el('span', { class: 'required-mark', 'data-requires': field.name }, t('required'))] : [];
  const withHintAndMessage = (label) => [label, hint, el('p', { id: errorId(field.name), class: 'field-error', hidden: '' })].filter(Boolean);
  let input;
  switch (field.type) {
    case 'text':
      input = field.maxLength > ONE_LINE
        ? el('textarea', { ...common, rows: '2', maxlength: String(field.maxLength) })
        : el('input', { ...common, autocomplete: 'off', enterkeyhint: 'next', maxlength: String(field.maxLength) });
      break;
    case 'number':
      input = el('input', { ...common, type: 'number', inputmode: 'decimal', step: 'any', enterkeyhint: 'next' });
      if (field.min !== undefined) input.min = String(field.min);
      if (field.max !== undefined) input.max = String(field.max);
      break;
    case 'date':
      input = el('input', { ...common, type: 'date' });
      break;
    case 'choice':
      input = el('select', common, el('option', { value: '' }, t('choose-none')), ...field.options.map((o) => el('option', { value: o.value }, o.label)));
      break;
    case 'checkbox':
    case 'location': {
      const box = el('input', { ...common, type: 'checkbox' });
      // A required location is ticked for good; a required checkbox is the worker's to tick.
      if (field.type === 'location' && field.required) Object.assign(box, { checked: true, disabled: true, defaultChecked: true });
      return withHintAndMessage(el('label', { class: 'inline' }, box, ` ${field.label}`, ...mark));
    }
    default:
      return [];
  }
  return withHintAndMessage(el('label', {}, field.label, ...mark, input));
}

/**
 * Draws `form` on the sign screen: its title, its fields in order, and the photo and the pad
 * shown only when it asks for them, marked when it requires them.
 */
export function drawForm(form) {
  const photo = form.fields.find((f) => f.type === 'photo');
  const signature = form.fields.find((f) => f.type === 'signature');
  $('form-title').textContent = form.title;
  $('form-fields').replaceChildren($('form-title'), ...form.fields.flatMap(drawField));
  $('photo-field').hidden = !photo;
  $('sign-form').file.disabled = !photo;
  $('photo-label').textContent = photo?.label ?? '';
  $('pad-box').hidden = !signature;
  $('pad-label').textContent = signature?.label ?? '';
  $('photo-required').hidden = !photo?.required;
  $('photo-required').dataset.requires = photo?.name ?? '';
  $('signature-required').hidden = !signature?.required;
  $('signature-required').dataset.requires = signature?.name ?? '';
  $('handoff').hidden = !signature;
}

/** The answers in the form now, as claims (the location is added when signing). */
export function readAnswers(form) {
  const elements = $('sign-form').elements;
  const answers = {};
  for (const field of form.fields) {
    const input = elements.namedItem(field.name);
    if (!input) continue;
    if (field.type === 'checkbox') answers[field.name] = input.checked;
    else if (field.type === 'number' && input.value !== '') answers[field.name] = Number(input.value);
    else if (['text', 'date', 'choice'].includes(field.type) && input.value.trim()) answers[field.name] = input.value.trim();
  }
  return answers;
}

/** What a required field lacks, in the words the worker reads next to it. */
function lacking(field) {
  if (field.type === 'photo') return problem('form_incomplete', t('need-photo'), 'file');
  if (field.type === 'signature') return problem('form_incomplete', t('need-signature'), 'pad');
  if (field.type === 'checkbox') return problem('form_incomplete', t('need-tick', { label: field.label }), field.name);
  if (field.type === 'choice') return problem('form_incomplete', t('need-choice', { label: field.label }), field.name);
  return problem('form_incomplete', t('need-answer', { label: field.label }), field.name);
}

/**
 * What keeps `form` from being signed with `answers`, a picked `file` and the pad (`drawn`):
 * one problem per field, in the form's order, each naming its field. A form from the office is
 * checked by the device (`checkAnswers`, as `sign` will); the photo and the location, which
 * are not answers yet, here; the app's own form only for what it requires.
 */
export async function problems(device, form, answers, { file, drawn }) {
  const found = new Map();
  for (const field of form.fields.filter((f) => f.required)) {
    const given = field.type === 'photo' ? Boolean(file)
      : field.type === 'signature' ? drawn
        : field.type === 'location' ? true
          : field.type === 'checkbox' ? answers[field.name] === true : answers[field.name] !== undefined;
    if (!given && (form.version === null || field.type === 'photo')) found.set(field.name, lacking(field));
  }
  if (form.version !== null) {
    const claims = { ...answers, form: { id: form.id, version: form.version }, ...(drawn ? { signatureImage: 'drawn' } : {}) };
    for (const { field: name, problem: what } of await device.checkAnswers(claims)) {
      const field = form.fields.find((f) => f.name === name);
      // A stray answer cannot come from these fields; the location is added when signing.
      if (!field || field.type === 'location') continue;
      found.set(name, what === 'required' || field.type === 'checkbox' ? lacking(field) : problem('form_answers_invalid', describeLimits(field), name));
    }
  }
  return form.fields.filter((f) => found.has(f.name)).map((f) => found.get(f.name));
}

/** Why an answer does not fit `field`, with what would. */
function describeLimits(field) {
  if (field.type === 'number') {
    return t('bad-number', { label: field.label, min: field.min ?? 'none', max: field.max ?? 'none' });
  }
  if (field.type === 'date') return t('bad-date', { label: field.label });
  if (field.type === 'text') return t('bad-text', { label: field.label, max: field.maxLength });
  return t('bad-answer', { label: field.label });
}
