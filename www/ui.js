// Small helpers shared by the app's screens: elements, times, and how a problem is shown.
import { remedyOf, t } from './i18n.js';

/** The element with this id. */
export const $ = (id) => document.getElementById(id);

/** An element with text and attributes, e.g. el('li', { class: 'ok' }, 'text'). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  node.append(...children);
  return node;
}

/**
 * An error the app raises itself, shaped like the device's (`code`, `remedy`); `field` names
 * the form field it is about, so that the message goes next to it.
 */
export function problem(code, remedy, field) {
  return Object.assign(new Error(remedy), { code, remedy, field, translated: true });
}

/**
 * Fills `box` with a failure the way a field worker needs it: what to do, in words; the code
 * only in a small line for support.
 */
function describe(box, error) {
  box.replaceChildren(el('span', { class: 'remedy' }, remedyOf(error)));
  if (error?.code) box.append(el('small', { class: 'support-code' }, t('support-code', { code: error.code })));
  box.hidden = false;
}

/** Shows a failure that belongs to no form (starting up, sending) at the top of the page. */
export function showProblem(error) {
  describe($('problem'), error);
}

/** Hides the page's failure line and every form's. */
export function clearProblem() {
  $('problem').hidden = true;
  for (const box of document.querySelectorAll('.form-problem')) box.hidden = true;
  for (const box of document.querySelectorAll('.field-error')) box.hidden = true;
  for (const field of document.querySelectorAll('[aria-invalid]')) field.removeAttribute('aria-invalid');
}

/**
 * Shows a failure of `form` where the worker is looking: next to its field when it is about
 * one (the field marked invalid), and by the form's button; focus goes to the field, or to
 * the message.
 */
export function showFormProblem(form, error) {
  const field = error?.field && form.elements.namedItem(error.field);
  const box = form.querySelector('.form-problem');
  if (field) {
    markField(field, remedyOf(error));
    field.focus();
  }
  if (box) {
    describe(box, error);
    if (!field) focusMessage(box);
  } else {
    showProblem(error);
  }
}

/**
 * Runs `action(form)` when `form` is submitted, with its errors shown next to the field they
 * are about and by the form's button (unless `recover(error)` resolves true: it dealt with
 * it), the button disabled and the form busy meanwhile.
 */
export function onSubmit(form, action, recover = async () => false) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = event.submitter ?? form.querySelector('button[type=submit]');
    button.disabled = true;
    // A spinner on the button while it works: unlocking is one Argon2id step with no progress
    // to count, and the spinner turns because that work is the Device worker's, not the page's.
    form.setAttribute('aria-busy', 'true');
    clearProblem();
    try {
      await action(form);
    } catch (e) {
      if (!(await recover(e))) showFormProblem(form, e);
    } finally {
      button.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });
}

/** Marks `field` invalid with `words` in its own error line (the one it is described by). */
export function markField(field, words) {
  field.setAttribute('aria-invalid', 'true');
  const line = $(field.getAttribute('aria-describedby') ?? '');
  if (line) {
    line.textContent = words;
    line.hidden = false;
  }
}

/** Moves focus to a message (made focusable for it), so that a screen reader reads it. */
export function focusMessage(node) {
  node.tabIndex = -1;
  node.focus();
}

export { when } from './i18n.js';

/** The payload of a JWS (compact form) as an object; `null` when it cannot be read. */
export function jwsPayload(jws) {
  try {
    const part = String(jws).split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(part), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
}

