// The `offsign/core` entry: the primitives, synchronous in the realm that imports them (call the
// default export, `init()`, before them), the error table, and the error class and guard.
export * from './offsign_core.js';
export { default, initSync } from './offsign_core.js';
export { OffsignError, errorCodes, isOffsignError } from './errors.js';
