// Errors the package's JavaScript makes itself, with the shape and the remedies of the wasm's:
// an `OffsignError` with `code`, `message` and `remedy` from the one error table.
import { ERROR_TABLE } from './error_table.js';

const REMEDIES = new Map(ERROR_TABLE.map(({ code, remedy }) => [code, remedy]));

/** An Error as the wasm gives it: `name` kept, `code` and `remedy` when there is a code. */
export function revive({ name, message, code, remedy }) {
  const error = name === 'TypeError' ? new TypeError(message) : name === 'RangeError' ? new RangeError(message) : new Error(message);
  if (error.name !== name) error.name = name;
  if (code !== undefined) Object.assign(error, { code, remedy });
  return error;
}

/** An OffsignError with code `code` of the error table and its remedy. */
export const offsignError = (code, message) => revive({ name: 'OffsignError', message, code, remedy: REMEDIES.get(code) });
