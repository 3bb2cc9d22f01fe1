// Serves one offsign Device over a message port: the worker the package starts for a page
// (`device_worker.js`), or a MessageChannel inside a worker or service worker that opens a
// Device for itself. The Device's wasm instance, and with it every unlocked key, lives only
// in this realm; what crosses the port is what the Device's methods take and give.
//
// Every message is treated as hostile: only the methods named below are called, each reply
// carries only cloneable values, and an error crosses as { name, message, code, remedy, remedyWords }.
import initWasm, { Device } from './offsign_device.js';
import { ERROR_TABLE } from './error_table.js';
import { OffsignError } from './errors.js';

const REMEDIES = new Map(ERROR_TABLE.map(({ code, remedy }) => [code, remedy]));

/** An OffsignError made in JavaScript (the proxy's own failures), with its table remedy. */
export const offsignError = (code, message) => new OffsignError(code, message, REMEDIES.get(code));

/** The Device methods a proxy may call (no wasm-bindgen internals, no `free` twice). */
const METHODS = new Set([
  'createIdentity', 'identities', 'removeIdentity', 'unlock', 'lockoutRemaining', 'setCredentials', 'sign', 'signMany',
  'records', 'evidence', 'bundle', 'forms', 'checkAnswers', 'reports', 'addFeedback', 'enroll', 'sync', 'diagnose', 'exportBackup', 'importBackup',
]);

let wasmReady;

/** The Device's wasm, instantiated once per realm; a failed load is tried again next time. */
function loadWasm() {
  wasmReady ??= initWasm().catch((e) => {
    wasmReady = undefined;
    throw e;
  });
  return wasmReady;
}

/** An error as plain data; `code`, `remedy` and `remedyWords` only for an OffsignError. */
function errorData(e) {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e) };
  const data = { name: e.name, message: e.message };
  if (typeof e.code === 'string') Object.assign(data, { code: e.code, remedy: e.remedy });
  if (e.remedyWords) data.remedyWords = e.remedyWords;
  return data;
}

/** The ArrayBuffers of a reply that can move instead of being copied (bytes made for it). */
const movable = (value) => (value instanceof Uint8Array && value.byteOffset === 0 && value.byteLength === value.buffer.byteLength ? [value.buffer] : []);

/**
 * Answers requests `{ id, method, args }` on `port` with `{ id, value }` or `{ id, error }`,
 * each with `unlocked` (the key id unlocked after it, or undefined). `open` comes first;
 * `lock` answers too, `free` does not (it closes the port). Functions in an argument's options cross as `{ offsignCallback: n }` and are called
 * back as `{ id, callback: n, args }`; an idle lock is told as `{ idleLocked: kid }`.
 */
export function serve(port) {
  let device;
  let opening = false;
  // The wasm compiles while the first message is on its way; a failure is `open`'s answer.
  loadWasm().catch(() => {});
  // Every answer says what is unlocked after it; a broken instance (after a wasm trap) still
  // answers, with nothing unlocked.
  const unlocked = () => {
    try {
      return device?.unlocked;
    } catch {
      return undefined;
    }
  };
  const post = (message, transfer = []) => port.postMessage({ ...message, unlocked: unlocked() }, transfer);
  const withCallbacks = (id, arg) => {
    if (!arg || typeof arg !== 'object' || Array.isArray(arg) || ArrayBuffer.isView(arg) || arg instanceof ArrayBuffer) return arg;
    if (!Object.values(arg).some((value) => Number.isInteger(value?.offsignCallback))) return arg;
    const out = { ...arg };
    for (const [key, value] of Object.entries(arg)) {
      if (value && typeof value === 'object' && Number.isInteger(value.offsignCallback)) {
        out[key] = (...args) => post({ id, callback: value.offsignCallback, args });
      }
    }
    return out;
  };
  port.onmessage = async ({ data }) => {
    const { id, method, args } = data ?? {};
    if (!Number.isInteger(id)) return;
    try {
      let value;
      if (method === 'open') {
        if (device || opening) throw new TypeError('this port already serves a Device');
        opening = true;
        await loadWasm().catch((e) => {
          throw offsignError('device_unavailable', `the Device's wasm could not be loaded: ${e?.message ?? e}`);
        });
        device = await Device.open(...(Array.isArray(args) ? args.slice(0, 1) : []));
        device.onidlelock = (kid) => post({ idleLocked: kid });
      } else if (!device) {
        throw new TypeError('the Device is not open');
      } else if (method === 'lock') {
        device.lock();
      } else if (method === 'free') {
        device.free();
        device = undefined;
        if (typeof MessagePort !== 'undefined' && port instanceof MessagePort) port.close();
        return;
      } else if (!METHODS.has(method)) {
        throw new TypeError(`Device has no method ${typeof method === 'string' ? method.slice(0, 40) : `named by a ${typeof method}`}`);
      } else if (!Array.isArray(args)) {
        throw new TypeError(`${method}: the arguments are not an array`);
      } else {
        value = await device[method](...args.map((arg) => withCallbacks(id, arg)));
      }
      post({ id, value }, movable(value));
    } catch (e) {
      try {
        post({ id, error: errorData(e) });
      } catch {
        port.postMessage({ id, error: { name: 'Error', message: 'the device could not answer' } });
      }
    }
  };
}
