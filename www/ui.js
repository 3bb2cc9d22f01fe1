// Small helpers shared by the app's screens.

/** The element with this id. */
export const $ = (id) => document.getElementById(id);

/** An element with text and attributes, e.g. el('li', { class: 'ok' }, 'text'). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  node.append(...children);
  return node;
}

/** Shows a failure the way a field worker needs it: what to do first, the code for support. */
export function showProblem(error) {
  const box = $('problem');
  box.hidden = false;
  box.textContent = error?.remedy ? `${error.remedy} (${error.code})` : String(error?.message ?? error);
}

export function clearProblem() {
  $('problem').hidden = true;
}

/** A time for people: "26 Nov, 14:05". */
export function when(iso) {
  return iso ? new Date(iso).toLocaleString(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }) : '';
}

/** base64url of the SHA-256 of `bytes`. */
export async function sha256(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return btoa(String.fromCharCode(...digest)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
