//! `verifyBundle` of the `offsign/verify` entry: the primitives of the parent module, plus the
//! reading and checking of an evidence bundle file, for a verify page that works offline.
//! A separate entry so that `offsign/core`, which signs, keeps its size.

use super::primitives::public_jwk_arg;
use super::*;
use crate::PublicKey;

#[wasm_bindgen(typescript_custom_section)]
const VERIFY_TYPES: &str = r#"
/** Options of `verifyBundle`. */
export interface VerifyBundleOptions {
  /** The organisation's authority key, obtained from the organisation. Without it the checks use
   * the key the bundle names, and the report says it was not pinned. */
  authority?: PublicJwk;
}

/** One check of a bundle, as `offsign verify-bundle` prints it. */
export interface BundleCheck {
  /** `record_format`, `certificate`, `signature`, `valid_at_signing`, `not_revoked`, `receipt`,
   * `document`, `signature_image`, `stamped_copy` or `chain`. */
  check: string;
  /** `pass`; `fail` (the record is not what it claims on this point); `absent` (the bundle
   * lacks what the check needs: nothing is proven either way). */
  outcome: 'pass' | 'fail' | 'absent';
  /** Why, in words. */
  detail: string;
}

/** What a bundle file proves. */
export interface BundleReport {
  /** `valid` when every check passes, `invalid` when one fails, `incomplete` when none fails
   * but one lacks its part. `valid` proves the record only when `authority.pinned`: otherwise
   * the checks used the key the bundle names, under which a forger's bundle passes too. */
  verdict: 'valid' | 'invalid' | 'incomplete';
  /** The record's id. */
  record: string;
  /** The authority key the checks used. */
  authority: { kid: string; pinned: boolean; namedInBundle: boolean; note: string };
  /** When the bundle was made (RFC 3339). */
  madeAt: string;
  /** The signed document's file name, as the bundle names it. */
  documentName?: string | null;
  checks: BundleCheck[];
}
"#;

#[wasm_bindgen]
extern "C" {
    /// `VerifyBundleOptions | undefined` in TypeScript.
    #[wasm_bindgen(typescript_type = "VerifyBundleOptions")]
    pub type JsVerifyBundleOptions;
    /// `BundleReport` in TypeScript.
    #[wasm_bindgen(typescript_type = "BundleReport")]
    pub type JsBundleReport;
}

/// Checks an evidence bundle file (the `.zip` the app or the console saves) offline, as
/// `offsign verify-bundle` does: the record's format and strict signature, its certificate
/// against the authority, validity at signing, revocation, the server's receipt, the document
/// and the signature image against their digests, and the record's place in its chain.
/// Throws `malformed_bundle` when the file is not a bundle; a bundle that does not hold up
/// gets a report whose verdict is `invalid`.
///
/// @example
/// ```js
/// const report = verifyBundle(new Uint8Array(await file.arrayBuffer()), { authority });
/// if (report.verdict !== 'valid') console.log(report.checks.filter((c) => c.outcome !== 'pass'));
/// ```
#[wasm_bindgen(js_name = verifyBundle)]
pub fn verify_bundle_js(bytes: JsBytes, options: Option<JsVerifyBundleOptions>) -> JsResult<JsBundleReport> {
    let length = js_sys::Reflect::get(&bytes, &"byteLength".into()).ok().and_then(|n| n.as_f64()).unwrap_or(0.0);
    if length > crate::MAX_BUNDLE_FILE as f64 {
        return Err(js_error(crate::bundle_file::too_large_for_a_bundle(length as u64)));
    }
    let bytes = bytes_arg("bytes", &bytes).map_err(js_error)?;
    let options = options_arg("options", options.map(JsValue::from).unwrap_or_default(), &["authority"]).map_err(js_error)?;
    let authority = match js_sys::Reflect::get(&options, &"authority".into()).ok().filter(|a| !a.is_undefined() && !a.is_null()) {
        Some(jwk) => Some(PublicKey::from_jwk(&public_jwk_arg(jwk.unchecked_into())?).map_err(js_error)?),
        None => None,
    };
    let report = crate::check_bundle_file(std::io::Cursor::new(bytes), authority.as_ref()).map_err(js_error)?;
    Ok(to_js(&report))
}

/// The largest file `verifyBundle` reads, in bytes: check a `File`'s size against it before
/// reading the file into memory.
#[wasm_bindgen(js_name = maxBundleBytes)]
pub fn max_bundle_bytes() -> f64 {
    crate::MAX_BUNDLE_FILE as f64
}
