// The `offsign` entry: the primitives of `offsign/core`, synchronous in this realm (call the
// default export, `init()`, before them), the `Device`, which a page runs in a worker of its
// own (see device.js), the phrases it words with specifics, and the error class and guard.
import { PHRASES } from './error_table.js';

export * from './offsign_core.js';
export { default, initSync } from './offsign_core.js';
export { Device } from './device.js';
export { OffsignError, errorCodes, isOffsignError } from './errors.js';
/** Every phrase the Device words with specifics (`phrases()` of its wasm, listed at build time:
 * the Device's wasm is not loaded in this realm). */
export const phrases = () => PHRASES;
