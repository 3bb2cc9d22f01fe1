// `ErrorCode`, the union of every code, is generated from the error table (crate/build.rs).

/**
 * What offsign throws: a real `Error` (so `instanceof Error` holds) with a stable `code`,
 * a developer `message`, and a `remedy` to show the field worker. `instanceof OffsignError`
 * holds for every error offsign makes, in the wasm, the Device's worker or the proxy.
 */
export class OffsignError extends Error {
  /** An OffsignError with a code of the table (for apps that raise their own). */
  constructor(code: ErrorCode, message: string, remedy?: string);
  name: "OffsignError";
  /** The stable code (see `errorCodes()`). */
  code: ErrorCode;
  /** What the person using the app can do about it. */
  remedy: string;
  /** The remedy's phrase and specifics when it names some (a date, how many tries are left),
   * for an app that words it in its own language; absent when the remedy is the code's. */
  remedyWords?: Words;
}

/**
 * A sentence the Device wrote in English, as a phrase (`phrases()` of `offsign` lists them
 * all) with the value of each argument: a number, or a string (a time is RFC 3339 UTC).
 * @example
 * ```ts
 * // { key: "wrong-pin-tries-left", args: { tries: 4 } }
 * const text = e.remedyWords ? myCatalog.format(`dev-${e.remedyWords.key}`, e.remedyWords.args) : e.remedy;
 * ```
 */
export interface Words {
  key: string;
  args: Record<string, number | string>;
}

/** A phrase the Device words with specifics: its stable key and its arguments' names. */
export interface Phrase {
  key: string;
  args: string[];
}

/**
 * Whether `e` is an OffsignError: narrows a `catch (e)` (which is `unknown`) to one.
 * @example
 * ```ts
 * try { await device.unlock(kid, pin); } catch (e) { if (isOffsignError(e)) showToWorker(e.remedy); else throw e; }
 * ```
 */
export function isOffsignError(e: unknown): e is OffsignError;

/** A warning that did not stop the operation (e.g. `cert_expiring`). */
export interface Warning {
  code: ErrorCode;
  message: string;
  remedy: string;
  /** The remedy's phrase and specifics (e.g. the day a certificate ends), when it names some. */
  remedyWords?: Words;
}

/** One row of the error table. */
export interface ErrorInfo {
  code: ErrorCode;
  /** "error": the operation did not happen and someone must act; "warning": nothing is lost
   * (the operation went ahead, or is retried by itself, like `server_unreachable`). */
  severity: "error" | "warning";
  summary: string;
  remedy: string;
  /** Only the server answers with this code (a rejected record or report, a refused
   * request): it reaches the app in a record's `error` or a report, never as a throw. */
  fromServer: boolean;
  /** Only an app raises this code, for its own checks (the field app: a form not filled in,
   * no location, no camera); the package never does. */
  fromApp: boolean;
}

/** An Ed25519 public key as an OKP JSON Web Key (RFC 8037). The keys offsign gives carry
 * `alg: "Ed25519"` (RFC 9864, what records are signed with) and `kid`, so that a JOSE library
 * imports them as they are; on input other members are ignored, but an `alg` must be
 * `"Ed25519"` or `"EdDSA"`. */
export interface PublicJwk {
  kty: "OKP";
  crv: "Ed25519";
  /** The 32-byte public key, base64url. */
  x: string;
  alg?: "Ed25519" | "EdDSA";
  /** The key id: the RFC 7638 thumbprint, as in the `kid` header of the records it signs. */
  kid?: string;
}

/** Argon2id cost: memory `m` in KiB, `t` passes, `p` lanes. */
export interface KdfParams {
  m: number;
  t: number;
  p: number;
}

/** A seed sealed under a PIN (Argon2id + XChaCha20-Poly1305). Safe to store as is; give it
 * back as it was (`unseal` refuses members it does not know with `malformed_sealed_key`). */
export interface SealedKey {
  v: 1;
  kid: string;
  kdf: { alg: "argon2id"; m: number; t: number; p: number; salt: string };
  aead: "xchacha20poly1305";
  nonce: string;
  ciphertext: string;
}

/** Options of `Identity.seal`. */
export interface SealOptions {
  /** Argon2id cost; defaults to 48 MiB (m: 49152), 10 passes, 1 lane. */
  kdf?: KdfParams;
}

/** Where a device's chain stands: the last record's seq, hash and signedAt. */
export interface ChainHead {
  seq: number;
  hash: string;
  signedAt: string;
}

/** The authority key pinned at enrollment, the worker's certificate and the revocation list. */
export interface Credentials {
  authority: PublicJwk;
  /** The certificate, a JWS signed by the authority. */
  certificate: string;
  /** The latest revocation list, a JWS signed by the authority. */
  revocationList?: string;
  /** The server's evidence key (`GET /v1/evidence-key`, a JWS signed by the authority): what
   * the Device seals documents and signature images to. The Device fetches it itself. */
  evidenceKey?: string;
}

/** Why a certificate was revoked: RFC 5280's reason names. After `keyCompromise` or
 * `unspecified` every record under the certificate is refused (`key_compromised`); after the
 * others, records signed before the revocation are still accepted (`cert_revoked`). */
export type RevocationReason =
  | 'unspecified' | 'keyCompromise' | 'affiliationChanged' | 'superseded' | 'cessationOfOperation' | 'privilegeWithdrawn';

/** Options of `Identity.sign` and `Identity.signDigest`. */
export interface SignOptions {
  /** The credentials to run the offline policy check with. Required: no unchecked signatures. */
  credentials: Credentials;
  /** The chain head of this device; omit for its first record. */
  chain?: ChainHead;
  /** The document's file name. */
  name?: string;
  /** The document's media type. */
  type?: string;
  /** The document's size in bytes (`signDigest` only; `sign` measures it). */
  size?: number;
  /** Free-form claims: form fields, location, the digest of a handwritten signature image.
   * Plain JSON values only: `NaN`, infinities, binary data, `Map`, `Set` and `BigInt` are
   * refused with `malformed_input` rather than changed by `JSON.stringify`. */
  claims?: Record<string, unknown>;
  /** Warn `cert_expiring` this many days before expiry; defaults to 14. Records are signed at
   * the device's time (`Date.now()`): there is no option to move the policy's clock. */
  expiringWithinDays?: number;
}

/** The signed content of a record. */
export interface RecordPayload {
  v: 1;
  /** UUID v7. */
  id: string;
  /** Per-device sequence number, from 1. */
  seq: number;
  /** Hash of the previous record, null for the first. */
  prev: string | null;
  /** RFC 3339 UTC with milliseconds. */
  signedAt: string;
  /** The signer's key id (RFC 7638 thumbprint). */
  kid: string;
  /** The signer's certificate serial; null for a record signed without a certificate. */
  cert: string | null;
  doc: { sha256: string; name?: string; type?: string; size?: number };
  claims: Record<string, unknown>;
}

/** A freshly signed record. */
export interface SignedRecord {
  /** The record as a JWS compact serialization (`alg: "Ed25519"`). */
  jws: string;
  /** Its hash: the next record's `prev`. */
  hash: string;
  /** The decoded payload. */
  record: RecordPayload;
  /** The chain head after this record, to pass to the next `sign`. */
  chain: ChainHead;
  /** Policy warnings (`cert_expiring`, `revocation_list_stale`); the record was signed. */
  warnings: Warning[];
}

/** Options of `verifyRecord`. */
export interface VerifyOptions {
  /** The previous record's JWS: also check that this record follows it. */
  prev?: string;
}

/** A decoded, NOT verified, record. */
export interface InspectedRecord {
  verified: false;
  header: { alg: string; typ?: string; kid?: string };
  payload: RecordPayload;
}

/** The server's receipt for a record, as signed by the authority (`verifyReceipt`). */
export interface Receipt {
  v: 1;
  /** The authority's name. */
  iss: string;
  /** The record's id. */
  id: string;
  /** The record's hash: `recordHash` of its JWS. */
  hash: string;
  /** When the server received it (RFC 3339). */
  receivedAt: string;
}

/** A worker's certificate, as signed by the authority. */
export interface Certificate {
  v: 1;
  serial: string;
  sub: string;
  iss: string;
  jwk: PublicJwk;
  /** Valid from, seconds since the epoch (inclusive). */
  nbf: number;
  /** Valid until, seconds since the epoch (exclusive). */
  exp: number;
}

/** Options of `checkPolicy`. */
export interface PolicyOptions {
  /** Trusted time in ms since the epoch; defaults to `Date.now()`. */
  now?: number;
  /** Warn `cert_expiring` this many days before expiry; defaults to 14. */
  expiringWithinDays?: number;
}

/** A passed policy check. */
export interface PolicyVerdict {
  certificate: Certificate;
  warnings: Warning[];
}
