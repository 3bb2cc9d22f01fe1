//! The JS API: a thin layer that converts arguments, calls the core and maps errors to
//! `OffsignError` objects (`instanceof Error`, with `code`, `message`, `remedy`).
//! Types are declared in `types.d.ts`.
//!
//! This module holds what every build shares (arguments, results, errors); `primitives` the
//! exports of keys, records, certificates and verification (all of the `offsign/core` entry),
//! `device` the `Device` (IndexedDB, sync) that the full `offsign` entry runs in a worker, and
//! `verify` the `offsign/verify` entry's bundle check.

use crate::{ChainHead, DocumentDigest, Error, ErrorCode, KdfParams, PolicyOptions, PublicJwk, DAY_MS};
use crate::json::{FromJson, Members};
use serde::Serialize;
use serde_json::Value;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = include_str!("../types.d.ts");
#[wasm_bindgen(typescript_custom_section)]
const ERROR_CODES: &str = include_str!(concat!(env!("OUT_DIR"), "/error_codes.d.ts"));

#[wasm_bindgen]
extern "C" {
    /// `SealedKey` in TypeScript.
    #[wasm_bindgen(typescript_type = "SealedKey")]
    pub type JsSealedKey;
    /// `SealOptions | undefined` in TypeScript.
    #[wasm_bindgen(typescript_type = "SealOptions")]
    pub type JsSealOptions;
    /// `PublicJwk` in TypeScript.
    #[wasm_bindgen(typescript_type = "PublicJwk")]
    pub type JsPublicJwk;
    /// `SignOptions` in TypeScript.
    #[wasm_bindgen(typescript_type = "SignOptions")]
    pub type JsSignOptions;
    /// `SignedRecord` in TypeScript.
    #[wasm_bindgen(typescript_type = "SignedRecord")]
    pub type JsSignedRecord;
    /// `VerifyOptions | undefined` in TypeScript.
    #[wasm_bindgen(typescript_type = "VerifyOptions")]
    pub type JsVerifyOptions;
    /// `RecordPayload` in TypeScript.
    #[wasm_bindgen(typescript_type = "RecordPayload")]
    pub type JsRecordPayload;
    /// `Receipt` in TypeScript.
    #[wasm_bindgen(typescript_type = "Receipt")]
    pub type JsReceipt;
    /// `InspectedRecord` in TypeScript.
    #[wasm_bindgen(typescript_type = "InspectedRecord")]
    pub type JsInspectedRecord;
    /// `Credentials` in TypeScript.
    #[wasm_bindgen(typescript_type = "Credentials")]
    pub type JsCredentials;
    /// `PolicyOptions | undefined` in TypeScript.
    #[wasm_bindgen(typescript_type = "PolicyOptions")]
    pub type JsPolicyOptions;
    /// `PolicyVerdict` in TypeScript.
    #[wasm_bindgen(typescript_type = "PolicyVerdict")]
    pub type JsPolicyVerdict;
    /// `Uint8Array | ArrayBuffer` in TypeScript: bytes, read with [`bytes_arg`].
    #[wasm_bindgen(typescript_type = "Uint8Array | ArrayBuffer")]
    pub type JsBytes;
    /// `ErrorInfo[]` in TypeScript.
    #[wasm_bindgen(typescript_type = "ErrorInfo[]")]
    pub type JsErrorInfos;
    /// `Phrase[]` in TypeScript.
    #[cfg(feature = "device")]
    #[wasm_bindgen(typescript_type = "Phrase[]")]
    pub type JsPhrases;
    /// `string` in TypeScript, read with [`text_arg`] (the glue would read any value as one).
    #[wasm_bindgen(typescript_type = "string")]
    pub type JsText;
    /// `RevocationReason` in TypeScript.
    #[wasm_bindgen(typescript_type = "RevocationReason")]
    pub type JsRevocationReason;
    /// `string[]` in TypeScript, read with [`texts_arg`].
    #[wasm_bindgen(typescript_type = "string[]")]
    pub type JsTexts;
    /// `number` in TypeScript, read with [`number_arg`].
    #[wasm_bindgen(typescript_type = "number")]
    pub type JsNumber;
    /// `Object.keys(value)`, with what a hostile `Proxy`'s trap throws caught (js-sys's does not
    /// catch, and an exception must not unwind through the wasm).
    #[wasm_bindgen(catch, js_namespace = Object, js_name = keys)]
    fn own_keys(value: &JsValue) -> Result<js_sys::Array, JsValue>;
}

type JsResult<T> = Result<T, JsValue>;

/// Converts a core error into a thrown `OffsignError`.
fn js_error(e: Error) -> JsValue {
    let err = js_sys::Error::new(e.message());
    err.set_name("OffsignError");
    let obj: &JsValue = err.as_ref();
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(obj, &"code".into(), &e.code().as_str().into());
    let _ = js_sys::Reflect::set(obj, &"remedy".into(), &e.remedy().into());
    if let Some(words) = e.remedy_words() {
        let _ = js_sys::Reflect::set(obj, &"remedyWords".into(), &to_js::<_, JsValue>(words));
    }
    err.into()
}

fn bad_argument(what: &str, e: impl std::fmt::Display) -> JsValue {
    js_error(malformed(what, e))
}

/// `malformed_input`: argument `what` and what is wrong with it.
fn malformed(what: &str, e: impl std::fmt::Display) -> Error {
    Error::new(ErrorCode::MalformedInput, format!("{what}: {e}"))
}

/// Reads a plain JS value into `T` by way of `JSON.stringify` (`undefined` reads as `null`).
///
/// The bridge is JSON rather than serde-wasm-bindgen: every format is read from JSON anyway
/// (`json.rs`), and a second path from JS values would double that code in the download.
/// What JSON would not carry faithfully is refused, never changed: `NaN` and infinities
/// (JSON writes `null`), binary data, `Map` and `Set` (JSON writes `{}`), and what it cannot
/// write at all (BigInt, cycles, a lone function). Members are read as JSON reads them: own
/// enumerable properties, after `toJSON`.
fn from_js<T: FromJson>(what: &str, value: JsValue) -> JsResult<T> {
    read_js(what, value).map_err(js_error)
}

/// [`from_js`] with the core's error, for work that rejects a promise.
fn read_js<T: FromJson>(what: &str, value: JsValue) -> Result<T, Error> {
    T::from_json(js_to_json(what, value)?).map_err(|e| malformed(what, e))
}

/// The untyped half of [`from_js`], out of line so that its many instances stay small.
#[inline(never)]
fn js_to_json(what: &str, value: JsValue) -> Result<Value, Error> {
    if value.is_undefined() {
        return Ok(Value::Null);
    }
    let text = FAITHFUL_JSON.with(|(unfaithful, replacer)| {
        unfaithful.set(false);
        let text = js_sys::JSON::stringify_with_replacer(&value, replacer.as_ref()).ok().and_then(|text| text.as_string());
        text.filter(|_| !unfaithful.get())
    });
    match text {
        Some(json) => crate::json::parse_value(json.as_bytes()).map_err(|e| malformed(what, e)),
        None => Err(malformed(what, "must be plain JSON data (no NaN or Infinity, binary data, Map, Set, BigInt or cycles)")),
    }
}

/// A `JSON.stringify` replacer: `(key, value) => value`.
type Replacer = dyn Fn(JsValue, JsValue) -> JsValue;

thread_local! {
    /// `from_js`'s replacer for `JSON.stringify`, made once: it passes every value through and
    /// sets the flag on any that JSON would not carry faithfully.
    static FAITHFUL_JSON: (Rc<Cell<bool>>, Closure<Replacer>) = {
        let unfaithful = Rc::new(Cell::new(false));
        let seen = unfaithful.clone();
        let replacer = Closure::new(move |_key: JsValue, value: JsValue| {
            let lossy = value.as_f64().is_some_and(|x| !x.is_finite())
                || (value.is_object()
                    && (value.is_instance_of::<js_sys::ArrayBuffer>()
                        || js_sys::ArrayBuffer::is_view(&value)
                        || value.is_instance_of::<js_sys::Map>()
                        || value.is_instance_of::<js_sys::Set>()));
            seen.set(seen.get() || lossy);
            value
        });
        (unfaithful, replacer)
    };
}

/// The bytes of a `Uint8Array` or an `ArrayBuffer`; anything else is `malformed_input`. (Left
/// to the generated glue, an `ArrayBuffer` arrives as zero bytes, and an empty document would
/// be signed without a word.)
fn bytes_arg(what: &str, value: &JsValue) -> Result<Vec<u8>, Error> {
    if let Some(array) = value.dyn_ref::<js_sys::Uint8Array>() {
        Ok(array.to_vec())
    } else if value.is_instance_of::<js_sys::ArrayBuffer>() {
        Ok(js_sys::Uint8Array::new(value).to_vec())
    } else {
        Err(Error::new(ErrorCode::MalformedInput, format!("{what} must be a Uint8Array or an ArrayBuffer")))
    }
}

// Every argument of every export is read by one of the functions below (or `from_js`, or
// `bytes_arg`) before the core sees it: whatever a caller passes, the answer is an
// `OffsignError` naming the argument, never a `TypeError` from the glue or a trap in the wasm.

/// Argument `what` as a string; anything else is `malformed_input`.
fn text_arg(what: &str, value: &JsValue) -> Result<String, Error> {
    value.as_string().ok_or_else(|| not_a(what, "a string", value))
}

/// The error for argument `what`, which is not `expected`.
#[inline(never)]
fn not_a(what: &str, expected: &str, value: &JsValue) -> Error {
    let kind = if value.is_null() {
        "null".to_owned()
    } else if js_sys::Array::is_array(value) {
        "an array".to_owned()
    } else if value.as_f64().is_some_and(f64::is_nan) {
        "NaN".to_owned()
    } else {
        value.js_typeof().as_string().unwrap_or_default()
    };
    Error::new(ErrorCode::MalformedInput, format!("{what} must be {expected}, not {kind}"))
}

/// Options argument `what`: absent (`undefined` or `null`, read as `undefined`) or an object
/// whose own keys are all in `allowed` (a misspelt option is refused, not ignored).
fn options_arg(what: &str, value: JsValue, allowed: &[&str]) -> Result<JsValue, Error> {
    if value.is_undefined() || value.is_null() {
        return Ok(JsValue::UNDEFINED);
    }
    if !value.is_object() || js_sys::Array::is_array(&value) {
        return Err(not_a(what, "an object", &value));
    }
    let keys = own_keys(&value).map_err(|_| Error::new(ErrorCode::MalformedInput, format!("{what}: its members cannot be read")))?;
    for key in keys.iter() {
        let key = key.as_string().unwrap_or_default();
        if !allowed.contains(&key.as_str()) {
            let known = allowed.join(", ");
            return Err(Error::new(ErrorCode::MalformedInput, format!("{what}.{key:.40} is not an option (the options are {known})")));
        }
    }
    Ok(value)
}

/// Writes `value` as plain JS objects and arrays, numbers as numbers (by way of `JSON.parse`).
fn to_js<T: Serialize + ?Sized, U: JsCast>(value: &T) -> U {
    let json = crate::json::to_string(value);
    js_sys::JSON::parse(&json).unwrap_or_else(|_| unreachable!("JSON.parse reads what serde_json writes")).unchecked_into()
}

/// Option `what`, a number of days from 0 to `max`, in milliseconds; `None` when not given.
fn days_ms(what: &str, days: Option<f64>, max: u32) -> JsResult<Option<i64>> {
    match days {
        None => Ok(None),
        Some(d) if d.is_finite() && (0.0..=f64::from(max)).contains(&d) => Ok(Some((d * DAY_MS as f64) as i64)),
        Some(_) => Err(bad_argument(what, format!("must be a number of days from 0 to {max}"))),
    }
}

/// The policy options for `expiringWithinDays` (0 to 3650; 14 when not given).
fn policy_options(days: Option<f64>) -> JsResult<PolicyOptions> {
    Ok(days_ms("expiringWithinDays", days, 3650)?
        .map_or_else(PolicyOptions::default, |expiring_within_ms| PolicyOptions { expiring_within_ms }))
}

/// The `{ kdf? }` options of sealing and backups.
#[derive(Default)]
struct KdfOptionsArg {
    kdf: Option<KdfParams>,
}

impl FromJson for KdfOptionsArg {
    fn from_json(value: Value) -> Result<Self, String> {
        Ok(KdfOptionsArg { kdf: Members::of(value, "options")?.optional("kdf")? })
    }
}

#[derive(Serialize)]
struct WarningOut<'a> {
    code: &'a str,
    message: &'a str,
    remedy: &'a str,
    #[serde(rename = "remedyWords", skip_serializing_if = "Option::is_none")]
    remedy_words: Option<&'a crate::Words>,
}

fn warnings_out(warnings: &[Error]) -> Vec<WarningOut<'_>> {
    warnings
        .iter()
        .map(|w| WarningOut { code: w.code().as_str(), message: w.message(), remedy: w.remedy(), remedy_words: w.remedy_words() })
        .collect()
}

/// A `SignedRecord` for JS.
#[derive(Serialize)]
struct SignedOut<'a> {
    jws: &'a str,
    hash: &'a str,
    record: &'a crate::RecordPayload,
    chain: ChainHead,
    warnings: Vec<WarningOut<'a>>,
}

fn signed_out<'a>(signed: &'a crate::SignedRecord, warnings: &'a [Error]) -> SignedOut<'a> {
    SignedOut {
        jws: &signed.jws,
        hash: &signed.hash,
        record: &signed.payload,
        chain: signed.chain_head(),
        warnings: warnings_out(warnings),
    }
}

/// A public key as the JS API gives it: the OKP JWK with `alg` (RFC 9864's fully specified
/// `"Ed25519"`, which records are signed with) and `kid` (the RFC 7638 thumbprint, the records'
/// `kid` header), so that a JOSE library imports it as it is and finds it in a key set.
#[derive(Serialize)]
struct JwkOut<'a> {
    kty: &'a str,
    crv: &'a str,
    x: &'a str,
    alg: &'static str,
    kid: &'a str,
}

/// [`JwkOut`] of key `kid`, `jwk`.
fn jwk_out<'a>(jwk: &'a PublicJwk, kid: &'a str) -> JwkOut<'a> {
    JwkOut { kty: &jwk.kty, crv: &jwk.crv, x: &jwk.x, alg: "Ed25519", kid }
}

// The primitives' own exports (Identity, Authority, verifyRecord, errorCodes, …): in the
// core and verify builds. The Device's build leaves them out, as nothing calls them there (the
// package's Device proxy uses only `Device`; the page has the core wasm for the primitives):
// 13.7 KB gzipped less for every worker that downloads it.
#[cfg(not(feature = "device"))]
mod primitives;
#[cfg(feature = "device")]
mod device;
#[cfg(feature = "verify")]
mod verify;
