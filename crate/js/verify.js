// The `offsign/verify` entry: the primitives of `offsign/core` and `verifyBundle`, which checks
// an evidence bundle file offline (call the default export, `init()`, first). A wasm of its own
// (the core's, plus the bundle reader) so that `offsign/core`, which signs, keeps its size.
export * from './offsign_verify.js';
export { default, initSync } from './offsign_verify.js';
export { OffsignError, isOffsignError } from './errors.js';
