// The `offsign` entry: the primitives of `offsign/core`, synchronous in this realm (call the
// default export, `init()`, before them), the `Device`, which a page runs in a worker of its
// own (see device.js), and the error class and guard.
export * from './offsign_core.js';
export { default, initSync } from './offsign_core.js';
export { Device } from './device.js';
export { OffsignError, isOffsignError } from './errors.js';
