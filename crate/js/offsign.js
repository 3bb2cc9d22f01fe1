// The `offsign` entry: the primitives of `offsign/core`, synchronous in this realm (call the
// default export, `init()`, before them), and the `Device`, which a page runs in a worker of
// its own (see device.js).
export * from './offsign_core.js';
export { default, initSync } from './offsign_core.js';
export { Device } from './device.js';
