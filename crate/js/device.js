// The Device an app holds: a thin proxy to a Device served by `device_host.js`. In a page the
// Device runs in a dedicated worker this module starts (the page never holds its wasm memory
// or a key, and unlocking or a large import never freezes the screen); in a worker or a
// service worker, which a page's scripts cannot reach, it runs in that same realm over a
// MessageChannel. Either way the API, the types and the errors are the ones of the wasm Device.
import { offsignError, serve } from './device_host.js';
import { revive } from './errors.js';

const inPage = typeof window !== 'undefined' && globalThis === window;

// What the proxy uses to reach its port, taken when this module loads: a script that arrives
// later and patches `Worker`, `postMessage`, `terminate` or the `data` getter of message events
// gets neither the worker nor the messages (nor can it keep `lock()` from arriving).
// (`new Worker(new URL(…))` below stays written out: that is the form Vite and webpack bundle.)
const uncurry = (f) => (f ? Function.prototype.call.bind(f) : undefined);
const ChannelClass = globalThis.MessageChannel;
const ErrorEventClass = globalThis.ErrorEvent;
const postToWorker = uncurry(globalThis.Worker?.prototype.postMessage);
const terminateWorker = uncurry(globalThis.Worker?.prototype.terminate);
const postToPort = uncurry(globalThis.MessagePort?.prototype.postMessage);
const startPort = uncurry(globalThis.MessagePort?.prototype.start);
const closePort = uncurry(globalThis.MessagePort?.prototype.close);
const listen = uncurry(EventTarget.prototype.addEventListener);
const dataOf = uncurry(Object.getOwnPropertyDescriptor(MessageEvent.prototype, 'data').get);
const messageOf = uncurry(ErrorEventClass && Object.getOwnPropertyDescriptor(ErrorEventClass.prototype, 'message')?.get);
const hasOwn = Object.hasOwn;

/** `promise` settled, or `fallback` after `ms` (a browser may hold `persist()` behind a prompt). */
const within = (promise, ms, fallback) => Promise.race([promise, new Promise((resolve) => setTimeout(resolve, ms, fallback))]);

/**
 * A signing device: identities kept in IndexedDB, one unlocked at a time, records signed and
 * stored in one transaction. Open it with `Device.open()`.
 */
export class Device {
  #port;
  #opened = false;
  #pending = new Map();
  #nextId = 0;
  #unlocked;
  #lockCall = -1;
  #onIdleLock = null;
  #stoppers = new Set();

  /** Use `Device.open()`. */
  constructor(port, token) {
    if (token !== OPENING) throw new TypeError('use Device.open()');
    this.#port = port;
    // Only the browser's own events: a script can dispatch a MessageEvent, not a trusted one.
    listen(port, 'message', (event) => { if (event.isTrusted) this.#receive(dataOf(event)); });
    // A worker that cannot start (its script or wasm not served) fails the open; once open,
    // every call is answered by the host, errors included.
    listen(port, 'error', (event) => {
      if (!event.isTrusted || this.#opened) return;
      // A worker refused by a CSP fires a plain Event, a script that failed an ErrorEvent.
      const message = ErrorEventClass && event instanceof ErrorEventClass ? messageOf?.(event) : undefined;
      this.#failAll('device_unavailable', `the device worker failed to start${message ? `: ${message}` : ''}`);
    });
    listen(port, 'messageerror', (event) => {
      if (event.isTrusted) this.#failAll('device_unavailable', 'a reply from the device worker could not be read');
    });
    if (!inPage) startPort(port);
  }

  /** Opens (or creates) the device's database. */
  static async open(options) {
    let port;
    if (inPage) {
      port = new Worker(new URL('./device_worker.js', import.meta.url), { type: 'module', name: 'offsign-device' });
    } else {
      const channel = new ChannelClass();
      serve(channel.port1);
      port = channel.port2;
    }
    const device = new Device(port, OPENING);
    try {
      await device.#call('open', [options]);
      device.#opened = true;
    } catch (e) {
      device.free();
      throw e;
    }
    return device;
  }

  #receive(data) {
    if (!data || typeof data !== 'object') return;
    // Own members only: what a script sets on Object.prototype changes nothing here.
    const own = (key) => (hasOwn(data, key) ? data[key] : undefined);
    // What the Device says is unlocked, except in answers to calls made before the last
    // `lock()`, which may have left before the lock arrived.
    if (hasOwn(data, 'unlocked') && !(own('id') < this.#lockCall)) this.#unlocked = own('unlocked');
    if (own('idleLocked') !== undefined) {
      this.#onIdleLock?.(own('idleLocked'));
      return;
    }
    const pending = this.#pending.get(own('id'));
    if (!pending) return;
    if (own('callback') !== undefined) {
      pending.callbacks[own('callback')]?.(...(own('args') ?? []));
    } else {
      this.#pending.delete(own('id'));
      const error = own('error');
      const field = (key) => (hasOwn(error, key) ? String(error[key]) : undefined);
      if (error) {
        const remedyWords = hasOwn(error, 'remedyWords') ? error.remedyWords : undefined;
        pending.reject(revive({ name: field('name'), message: field('message'), code: field('code'), remedy: field('remedy'), remedyWords }));
      } else {
        pending.resolve(own('value'));
      }
    }
  }

  /** Rejects every call still waiting for an answer with OffsignError `code`. */
  #failAll(code, message) {
    for (const { reject } of this.#pending.values()) reject(offsignError(code, message));
    this.#pending.clear();
  }

  #call(method, args) {
    if (!this.#port) return Promise.reject(offsignError('device_closed', `${method}: this Device was freed`));
    const id = this.#nextId++;
    const callbacks = [];
    const transfer = [];
    const prepare = (arg) => {
      // Large bytes move to the worker as a copy of their own (one memcpy) rather than
      // through structured cloning, which took 50 ms of the page's thread for a 12 MB backup;
      // small ones are cloned, which is cheaper than a copy and a transfer.
      if ((arg instanceof ArrayBuffer || arg instanceof Uint8Array) && arg.byteLength >= 1 << 20) {
        const copy = arg.slice(0);
        transfer.push(copy instanceof ArrayBuffer ? copy : copy.buffer);
        return copy;
      }
      // Bytes and arrays go as they are: only an options object can carry callbacks (and
      // Object.values of a document would walk every byte of it).
      if (!arg || typeof arg !== 'object' || Array.isArray(arg) || ArrayBuffer.isView(arg) || arg instanceof ArrayBuffer) return arg;
      if (!Object.values(arg).some((v) => typeof v === 'function')) return arg;
      const out = { ...arg };
      for (const [key, value] of Object.entries(arg)) {
        if (typeof value === 'function') out[key] = { offsignCallback: callbacks.push(value) - 1 };
      }
      return out;
    };
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, callbacks });
      try {
        // (Inside the try: reading an argument can throw, from a getter or a Proxy's trap.)
        (inPage ? postToWorker : postToPort)(this.#port, { id, method, args: args.map(prepare) }, transfer);
      } catch (e) {
        this.#pending.delete(id);
        reject(offsignError('malformed_input', `${method}: an argument cannot be sent to the device (${e.message})`));
      }
    });
  }

  /** Creates an identity sealed under `pin`, stores it, and leaves it unlocked; asks the browser to keep this app's storage and says whether it agreed as `storagePersisted`. */
  async createIdentity(options) {
    const created = await this.#call('createIdentity', [options]);
    const persist = globalThis.navigator?.storage?.persist;
    const asked = typeof persist === 'function' ? Promise.resolve().then(() => persist.call(navigator.storage)).catch(() => null) : null;
    const agreed = asked ? await within(asked, 3000, null) : null;
    return { ...created, storagePersisted: typeof agreed === 'boolean' ? agreed : null };
  }
  /** Every identity on this device, oldest first. */
  identities() { return this.#call('identities', []); }
  /** Removes identity `kid` with its records (`unsent_records` while some are not sent, unless `options.discardUnsent`). */
  removeIdentity(kid, options) { return this.#call('removeIdentity', [kid, options]); }
  /** Unlocks identity `kid` with `pin` (locking any other). */
  unlock(kid, pin) { return this.#call('unlock', [kid, pin]); }
  /** How long identity `kid` must still wait before the next PIN try (ms; 0 when free). */
  lockoutRemaining(kid) { return this.#call('lockoutRemaining', [kid]); }
  /** Stores the certificate and revocation list of identity `kid`. */
  setCredentials(kid, credentials) { return this.#call('setCredentials', [kid, credentials]); }
  /** Signs one document with the unlocked identity and stores the record. */
  sign(doc, options) { return this.#call('sign', [doc, options]); }
  /** Signs several documents in one transaction. */
  signMany(docs) { return this.#call('signMany', [docs]); }
  /** The forms from the office this device holds, in language `options.lang`. */
  forms(options) { return this.#call('forms', [options]); }
  /** What keeps `claims` from answering the form they name (each field's problem). */
  checkAnswers(claims) { return this.#call('checkAnswers', [claims]); }
  /** A page of identity `kid`'s records. */
  records(kid, options) { return this.#call('records', [kid, options]); }
  /** The document or signature image (`kind`) of record `recordId`, opened for its unlocked worker, as a Blob. */
  evidence(recordId, kind) { return this.#call('evidence', [recordId, kind]); }
  /** The evidence bundle (a ZIP file) of record `recordId`, made on this device for its unlocked worker. */
  bundle(recordId) { return this.#call('bundle', [recordId]); }
  /** Failure reports, newest first. */
  reports(options) { return this.#call('reports', [options]); }
  /** Adds the worker's comment to failure report `id`. */
  addFeedback(id, comment) { return this.#call('addFeedback', [id, comment]); }
  /** Enrolls identity `kid` with the administrator's single-use `code`. */
  enroll(kid, code, options) { return this.#call('enroll', [kid, code, options]); }
  /** Sends the outbox and failure reports, applies the verdicts, renews a certificate due. */
  sync(options) { return this.#call('sync', [options]); }
  /** Inspects the whole signing system. */
  diagnose() { return this.#call('diagnose', []); }
  /** Everything on this device, sealed under `passphrase`. */
  exportBackup(passphrase, options) { return this.#call('exportBackup', [passphrase, options]); }
  /** Restores a backup made by `exportBackup`; `options.onProgress(verified, total)` hears how far the check got. */
  importBackup(bytes, passphrase, options) { return this.#call('importBackup', [bytes, passphrase, options]); }

  /** Wipes the unlocked key from memory. */
  lock() {
    this.#unlocked = undefined;
    this.#lockCall = this.#nextId;
    this.#call('lock', []).catch(() => {});
  }

  /** The key id of the unlocked identity, or `undefined`. */
  get unlocked() { return this.#unlocked; }

  /** Called with the key id when the unlocked identity locks itself after the idle time. */
  set onidlelock(handler) {
    if (handler !== null && handler !== undefined && typeof handler !== 'function') {
      throw offsignError('malformed_input', `onidlelock must be a function or null, not ${typeof handler}`);
    }
    this.#onIdleLock = handler ?? null;
  }

  /**
   * Syncs by itself: now, whenever the browser comes back online, and every
   * `intervalMinutes` (default 5) while this page or worker lives. Returns a function that
   * stops it.
   */
  autoSync(options) {
    const { intervalMinutes = 5, onSynced, onError, ...syncOptions } = autoSyncOptions(options);
    if (!(typeof intervalMinutes === 'number' && intervalMinutes >= 0.05 && intervalMinutes <= 1440)) {
      throw offsignError('malformed_input', 'options.intervalMinutes: must be a number of minutes from 0.05 to 1440');
    }
    // An exception in the app's own callbacks is not this loop's to report.
    const run = () => this.sync(syncOptions).then((summary) => onSynced?.(summary), (error) => onError?.(error)).catch(() => {});
    globalThis.addEventListener?.('online', run);
    const timer = setInterval(run, intervalMinutes * 60_000);
    const stop = () => {
      globalThis.removeEventListener?.('online', run);
      clearInterval(timer);
      this.#stoppers.delete(stop);
    };
    this.#stoppers.add(stop);
    run();
    return stop;
  }

  /**
   * Asks the browser to wake the service worker for a sync (tag `offsign-sync`) when a
   * connection is there, even after the app is closed (Background Sync; Chromium only).
   * Resolves to whether the browser took the request.
   */
  async requestBackgroundSync() {
    try {
      // In a service worker its own registration; in a page the active one (`ready` never
      // settles on a page without a service worker: ask first).
      let registration = globalThis.registration;
      const container = globalThis.navigator?.serviceWorker;
      if (!registration && container && (await container.getRegistration())) registration = await container.ready;
      if (!registration?.sync) return false;
      await registration.sync.register('offsign-sync');
      return true;
    } catch {
      return false;
    }
  }

  /** Stops the Device: its worker ends, and every key it held with it. */
  free() {
    if (!this.#port) return;
    for (const stop of [...this.#stoppers]) stop();
    this.#failAll('device_closed', 'this Device was freed while the call was running');
    if (inPage) {
      terminateWorker(this.#port);
    } else {
      postToPort(this.#port, { id: -1, method: 'free', args: [] });
      closePort(this.#port);
    }
    this.#port = undefined;
    this.#unlocked = undefined;
  }
}

const OPENING = Symbol('opening');

const AUTO_SYNC_OPTIONS = ['intervalMinutes', 'onSynced', 'onError', 'server', 'maxTries', 'onProgress'];

/** `autoSync`'s options as a plain copy, checked as the wasm checks sync's (its own keys too). */
function autoSyncOptions(options) {
  if (options === undefined || options === null) return {};
  let copy;
  try {
    copy = typeof options === 'object' && !Array.isArray(options) ? { ...options } : undefined;
  } catch (e) {
    throw offsignError('malformed_input', `options: cannot be read (${e?.message})`);
  }
  if (!copy) throw offsignError('malformed_input', `options must be an object, not ${Array.isArray(options) ? 'an array' : typeof options}`);
  for (const key of Object.keys(copy)) {
    if (!AUTO_SYNC_OPTIONS.includes(key)) {
      throw offsignError('malformed_input', `options.${key.slice(0, 40)} is not an option (the options are ${AUTO_SYNC_OPTIONS.join(', ')})`);
    }
  }
  for (const key of ['onSynced', 'onError']) {
    if (copy[key] != null && typeof copy[key] !== 'function') throw offsignError('malformed_input', `options.${key} must be a function, not ${typeof copy[key]}`);
  }
  return copy;
}
