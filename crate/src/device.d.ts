/** Options of `Device.open`. */
export interface DeviceOptions {
  /** The IndexedDB database name; defaults to "offsign". */
  name?: string;
  /** Lock the unlocked identity after this many minutes without use; defaults to 5. */
  idleLockMinutes?: number;
  /** Your app's version, written into failure reports; defaults to offsign's version. */
  appVersion?: string;
  /** Delete records the server accepted (with their receipts) once they were signed this
   * many days ago, at each sync. By default they are kept. */
  retainAcceptedDays?: number;
  /** Signing warns `cert_expiring` (and health says so) when the certificate expires within
   * this many days; defaults to 14. */
  expiringWithinDays?: number;
}

/** Options of `Device.createIdentity`. */
export interface CreateIdentityOptions {
  /** A name to tell identities apart on a shared device. */
  label: string;
  /** The worker's PIN or passphrase (at least 6 characters). */
  pin: string;
  /** Argon2id cost; defaults to the sealing default. */
  kdf?: KdfParams;
}

/** An identity stored on the device (its sealed key is not exposed). */
export interface IdentityInfo {
  kid: string;
  label: string;
  publicJwk: PublicJwk;
  /** Whether it holds a certificate and can sign. */
  enrolled: boolean;
  /** The last record signed with it on this device. */
  chain: ChainHead | null;
  /**
   * Wrong PINs since the last right one; how long (ms) the next try must still wait (0: free),
   * counted in time this device saw pass (see `Device.lockoutRemaining`); when it last looked.
   */
  lockout: { failures: number; waitMs: number; seenAt: number };
  createdAt: string;
  /** The identity enrolled in its place (`Device.enroll` with `replaces`), if one was: this
   * one no longer signs, and only sends what it signed before. */
  replacedBy: string | null;
}

/** One document of `Device.signMany`. */
export interface DocumentInput {
  /** The document: its bytes, or a `Blob` or `File` (read, hashed and sealed a slice at a
   * time, kept with the record, and sent to the server once it accepted the record; a
   * `File`'s name and type are the record's unless `name` and `type` say otherwise). */
  doc: Uint8Array | ArrayBuffer | Blob;
  name?: string;
  type?: string;
  /** Free-form claims, plain JSON values only (as in `SignOptions.claims`). */
  claims?: Record<string, unknown>;
  /** The handwritten signature's image (the pad's PNG): kept sealed with the record, and its
   * digest signed as `claims.signatureImage` ({ sha256, type: 'image/png' }). The record also
   * signs `claims.evidenceSealing`, which names the key each sealed copy is under. */
  signatureImage?: Uint8Array | ArrayBuffer;
}

/** Options of `Device.sign`. */
export interface DocumentOptions {
  name?: string;
  type?: string;
  /** Free-form claims, plain JSON values only (as in `SignOptions.claims`). */
  claims?: Record<string, unknown>;
  /** The handwritten signature's image (the pad's PNG): kept sealed with the record, and its
   * digest signed as `claims.signatureImage` ({ sha256, type: 'image/png' }). The record also
   * signs `claims.evidenceSealing`, which names the key each sealed copy is under. */
  signatureImage?: Uint8Array | ArrayBuffer;
}

/** The result of `Device.signMany`: records in chain order, and policy warnings. */
export interface SignedBatch {
  records: SignedRecord[];
  warnings: Warning[];
}

/** A record in the device's outbox. */
export interface OutboxRecord {
  id: string;
  kid: string;
  seq: number;
  signedAt: string;
  jws: string;
  hash: string;
  docName: string | null;
  /** pending: not answered yet (sent or not); accepted: the server has it (see `receipt`);
   * rejected: the server refused it (see `error`); sending: written by earlier versions
   * while a request was out, and sent again like pending. */
  state: "pending" | "sending" | "accepted" | "rejected";
  /** Requests that carried it. */
  attempts: number;
  /** The server's receipt (a JWS signed by the authority over id, hash and arrival time). */
  receipt: string | null;
  /** Why the server refused it: its verdict code (e.g. "cert_revoked") and message. */
  error: { code: string; message: string } | null;
}

/** Options of `Device.records`. */
export interface RecordsOptions {
  /** Only records with a larger seq (for paging); defaults to 0. */
  after?: number;
  /** At most this many (1 to 1000); defaults to 50. */
  limit?: number;
}

/** A failure recorded on the device: repeats within 10 minutes are counted, not duplicated. */
export interface FailureReport {
  /** UUID v7; reports sort by it in time order. */
  id: string;
  /** `code|operation|kid`: repeats of the same failure share it. */
  fingerprint: string;
  code: ErrorCode;
  message: string;
  remedy: string;
  /** What the device was doing: "unlock", "sign", "set_credentials", … */
  operation: string;
  kid: string | null;
  firstAt: string;
  lastAt: string;
  count: number;
  appVersion: string;
  userAgent: string;
  /** The worker's feedback, if any. */
  comment: string | null;
  state: "pending" | "sent";
}

/** Options of `Device.reports`. */
export interface ReportsOptions {
  /** Only reports after this id (for paging). */
  after?: string;
  /** At most this many (1 to 1000); defaults to 50. */
  limit?: number;
}

/** The result of `Device.createIdentity`. */
export interface CreatedIdentity extends IdentityInfo {
  /** Whether the browser agreed to keep this app's storage; null when it cannot say. */
  storagePersisted: boolean | null;
}

/** One line of `Device.diagnose()`. */
export interface HealthCheck {
  /** A stable id: "randomness", "storage_writable", "storage_persistent", "storage_headroom",
   * "certificate:<label>", "revocation_list:<label>", "clock:<label>", "identity",
   * "pending_records", "rejected_records", "clock_offset", "last_sync", "version". */
  id: string;
  status: "ok" | "warn" | "fail";
  /** What was found, for people, in English. */
  value: string;
  /** The same as a phrase with its specifics, for other languages. */
  valueWords: Words;
  /** What to do, when the status is not ok, in English. */
  remedy: string | null;
  /** The error code whose remedy `remedy` is (as the table words it), when it is one. */
  code: ErrorCode | null;
  /** The remedy as a phrase with its specifics, when it is not a code's table remedy. */
  remedyWords: Words | null;
}

/** Options of `Device.sync`. */
export interface SyncOptions {
  /** The server's origin, e.g. "https://sync.example.com"; defaults to this page's origin. */
  server?: string;
  /** Tries per request on network errors, 5xx and 429 (1 to 20); defaults to 5. */
  maxTries?: number;
  /** Called with (records settled, records to send) as batches are answered. */
  onProgress?: (done: number, total: number) => void;
}

/** Options of `Device.autoSync`: those of `sync`, and when to run and whom to tell. */
export interface AutoSyncOptions extends SyncOptions {
  /** Minutes between runs while the page or worker lives (0.05 to 1440); defaults to 5. */
  intervalMinutes?: number;
  /** Called after each successful run. */
  onSynced?: (summary: SyncSummary) => void;
  /** Called with the OffsignError of each failed run (e.g. `server_unreachable`). */
  onError?: (error: OffsignError) => void;
}

/** What `Device.sync` did. */
export interface SyncSummary {
  /** Records the server accepted now (each with a receipt). */
  accepted: number;
  /** Records the server had already; the first receipt is kept. */
  duplicate: number;
  /** Records the server refused; they stay on the device with state "rejected". */
  rejected: number;
  /** Failure reports the server stored. */
  reportsSent: number;
  /** Whether the server took the device's status (sent at each sync while an identity is unlocked). */
  statusSent: boolean;
  /** Whether the unlocked identity's certificate was renewed. */
  renewed: boolean;
  /** Server time minus device time (ms), now used to correct the device clock. */
  serverOffsetMs: number | null;
  /** Documents and signature images the server stored now, each checked against its record. */
  evidenceStored: number;
  /** Whether the server had forms this device did not hold yet (kept now: `Device.forms`). */
  formsUpdated: boolean;
}

/** A form from the office, in one language (`Device.forms`). */
export interface FormInfo {
  /** The form format's version, 1. */
  v: number;
  /** Its id, kept across versions: sign with `claims.form = { id, version }`. */
  id: string;
  /** Its version (a change at the office is the next one). */
  version: number;
  /** Its title. */
  title: string;
  /** Its fields, in the order they are asked. */
  fields: FormField[];
}

/** One field of a form: its answer is the claim under `name` (a photo is the document, a
 * signature `signatureImage`, a location `{ lat, lon, accuracyM }`). */
export interface FormField {
  name: string;
  type: 'text' | 'number' | 'date' | 'choice' | 'checkbox' | 'photo' | 'signature' | 'location';
  /** What the worker reads. */
  label: string;
  /** Whether the form cannot be signed without it (a required checkbox must be ticked). */
  required: boolean;
  /** A hint under the field. */
  help?: string;
  /** A choice field's options: the record holds `value`. */
  options?: { value: string; label: string }[];
  /** A number field's limits. */
  min?: number;
  max?: number;
  /** The longest answer a text field takes (characters); text fields only. */
  maxLength?: number;
}

/** What keeps one field's answer from fitting its form (`Device.checkAnswers`). */
export interface FieldProblem {
  /** The field's name (or a claim the form does not ask for). */
  field: string;
  /** `required`: no answer; `invalid`: not of the field's kind or outside its limits; `not_a_field`: the form has no such field. */
  problem: 'required' | 'invalid' | 'not_a_field';
}

/** Options of `Device.importBackup`. */
export interface ImportOptions {
  /** Called as the file's records are checked (every 500, and at the end): show a progress bar. */
  onProgress?: (verified: number, total: number) => void;
}

/** What `Device.removeIdentity` deleted with the identity. */
export interface RemovedIdentity {
  /** Its records on the device. */
  records: number;
  /** Of those, the ones the server had not received (lost, unless sent from a backup). */
  unsent: number;
  /** Of those, the ones the server refused. */
  rejected: number;
}

/** What `Device.importBackup` changed. */
export interface ImportSummary {
  identitiesAdded: number;
  recordsAdded: number;
  /** Records already on the device (same id and hash). */
  recordsSkipped: number;
  reportsAdded: number;
  /** Documents and signature images (sealed, not yet sent) that were not on the device. */
  evidenceAdded: number;
}

/**
 * What the proxy of a `Device` (the package's `device.js`) adds in JavaScript: these need no
 * key and no store, and run in the realm of the app (a page, a worker, a service worker).
 */
export interface Device {
  /**
   * Syncs by itself: now, whenever the browser comes back online, and every
   * `intervalMinutes` (default 5) while this page or worker lives: the fallback where
   * Background Sync is missing (Firefox, Safari). `onSynced(summary)` and `onError(error)`
   * hear of each run; failures are recorded as failure reports too. Returns a function that
   * stops it.
   *
   * @example
   * ```js
   * const stop = device.autoSync({ intervalMinutes: 5, onError: (e) => banner.show(e.remedy) });
   * ```
   */
  autoSync(options?: AutoSyncOptions | null): () => void;
  /**
   * Asks the browser to wake the service worker for a sync when a connection is there, even
   * after the app is closed (Background Sync; Chromium only). The service worker must call
   * `device.sync()` on its `sync` event with tag `"offsign-sync"`. Resolves to whether the
   * browser took the request (`false`: no Background Sync here, or no service worker
   * registered for this page; use `autoSync`).
   *
   * @example
   * ```js
   * if (!(await device.requestBackgroundSync())) device.autoSync();
   * ```
   */
  requestBackgroundSync(): Promise<boolean>;
}
