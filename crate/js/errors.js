// The error every offsign call throws or rejects with, for every entry, and the error table
// (`errorCodes()`, from the table the build wrote). The wasm makes plain Errors named
// `OffsignError` (with `code` and `remedy`), and the Device's answers cross from its worker as
// data: `instanceof OffsignError` and `isOffsignError` recognise them all by their shape,
// whichever module or realm made them.

import { ERROR_TABLE } from './error_table.js';

/** Every error and warning code with its severity, summary and default remedy (a copy each
 * call): the table behind help pages. */
export const errorCodes = () => ERROR_TABLE.map((row) => ({ ...row }));

/** Whether `value` is an OffsignError: an Error named `OffsignError` with a string `code`. */
export function isOffsignError(value) {
  try {
    return typeof value === 'object' && value !== null && value.name === 'OffsignError'
      && typeof value.code === 'string' && typeof value.message === 'string';
  } catch {
    return false; // a Proxy or a getter that throws is not an OffsignError
  }
}

/**
 * An offsign failure: `code` from the error table (stable), `message` for developers, `remedy`
 * for the person using the app.
 */
export class OffsignError extends Error {
  /** An OffsignError with `code`, `message` and `remedy` (strings). */
  constructor(code, message, remedy = '') {
    if (typeof code !== 'string' || typeof message !== 'string' || typeof remedy !== 'string') {
      throw new OffsignError('malformed_input', 'new OffsignError(code, message, remedy?): each is a string');
    }
    super(message);
    this.name = 'OffsignError';
    this.code = code;
    this.remedy = remedy;
  }

  /** `instanceof` by shape, so that it holds for the wasm's errors too. */
  static [Symbol.hasInstance](value) {
    return isOffsignError(value);
  }
}

/** An Error as the wasm gives it, from its data: an OffsignError when it has a code (and its
 * remedy's phrase and arguments, `remedyWords`, when the remedy names specifics). */
export function revive({ name, message, code, remedy, remedyWords }) {
  if (name === 'OffsignError' && code !== undefined) {
    const error = new OffsignError(code, message, remedy);
    const words = wordsFrom(remedyWords);
    if (words) error.remedyWords = words;
    return error;
  }
  const error = name === 'TypeError' ? new TypeError(message) : name === 'RangeError' ? new RangeError(message) : new Error(message);
  if (error.name !== name) error.name = name;
  if (code !== undefined) Object.assign(error, { code, remedy });
  return error;
}

/** `{ key, args }` copied from `value` (which crossed from another realm): a string key and
 * arguments that are strings or numbers; undefined when it is not that. */
function wordsFrom(value) {
  if (typeof value?.key !== 'string' || typeof value.args !== 'object' || value.args === null) return undefined;
  const args = Object.create(null);
  for (const [name, arg] of Object.entries(value.args)) if (typeof arg === 'string' || typeof arg === 'number') args[name] = arg;
  return { key: value.key, args };
}
