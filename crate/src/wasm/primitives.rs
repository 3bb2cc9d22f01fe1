//! The primitives' exports: keys and signing (`Identity`), an authority for tests and tools
//! (`Authority`), verification (`verifyRecord`, `VerifyingKey`, `verifyReceipt`), the policy
//! check, record inspection, and the error table. Not in the Device's build.

use super::*;
use crate::cert::{PolicyCache, RevocationReason};
use crate::{
    inspect_record, record_hash, sign_record, verify_receipt, verify_record, Authority, Identity, RecordRequest, SealedKey,
    StoredCredentials, PublicKey, Timestamp,
};

/// Argument `what` as an array of strings.
fn texts_arg(what: &str, value: &JsValue) -> Result<Vec<String>, Error> {
    let array = value.dyn_ref::<js_sys::Array>().ok_or_else(|| not_a(what, "an array of strings", value))?;
    array.iter().enumerate().map(|(i, item)| text_arg(&format!("{what}[{i}]"), &item)).collect()
}

/// Argument `what` as a finite number.
fn number_arg(what: &str, value: &JsValue) -> Result<f64, Error> {
    value.as_f64().filter(|x| x.is_finite()).ok_or_else(|| not_a(what, "a finite number", value))
}

/// Argument `what`, a time in milliseconds since the epoch.
fn millis_arg(what: &str, value: &JsNumber) -> JsResult<Timestamp> {
    Timestamp::from_js_millis(number_arg(what, value).map_err(js_error)?).map_err(js_error)
}

/// The options of `Identity.sign` and `signDigest`, checked for misspelt keys.
fn sign_options_arg(options: JsSignOptions) -> JsResult<JsValue> {
    const KEYS: &[&str] = &["credentials", "chain", "name", "type", "size", "claims", "expiringWithinDays", "now"];
    options_arg("options", options.into(), KEYS).map_err(js_error)
}

fn now_or(now: Option<f64>) -> JsResult<Timestamp> {
    Timestamp::from_js_millis(now.unwrap_or_else(js_sys::Date::now)).map_err(js_error)
}

struct SignOptionsArg {
    credentials: StoredCredentials,
    chain: Option<ChainHead>,
    name: Option<String>,
    media_type: Option<String>,
    size: Option<f64>,
    claims: serde_json::Map<String, Value>,
    expiring_within_days: Option<f64>,
}

impl FromJson for SignOptionsArg {
    fn from_json(value: Value) -> Result<Self, String> {
        let mut m = Members::of(value, "sign options")?;
        // The policy's clock is the device's: a caller that could set it could sign under an
        // expired or revoked certificate, or back-date a record.
        if m.optional::<Value>("now")?.is_some() {
            return Err("options.now is not accepted: records are signed at the device's time".into());
        }
        Ok(SignOptionsArg {
            credentials: m.required("credentials")?,
            chain: m.optional("chain")?,
            name: m.optional("name")?,
            media_type: m.optional("type")?,
            size: m.optional("size")?,
            claims: m.optional("claims")?.unwrap_or_default(),
            expiring_within_days: m.optional("expiringWithinDays")?,
        })
    }
}

/// The `{ prev? }` options of record verification.
struct VerifyOptionsArg {
    prev: Option<String>,
}

impl FromJson for VerifyOptionsArg {
    fn from_json(value: Value) -> Result<Self, String> {
        Ok(VerifyOptionsArg { prev: Members::of(value, "verify options")?.optional("prev")? })
    }
}

/// The `{ now?, expiringWithinDays? }` options of the policy check.
#[derive(Default)]
struct PolicyOptionsArg {
    now: Option<f64>,
    expiring_within_days: Option<f64>,
}

impl FromJson for PolicyOptionsArg {
    fn from_json(value: Value) -> Result<Self, String> {
        let mut m = Members::of(value, "policy options")?;
        Ok(PolicyOptionsArg { now: m.optional("now")?, expiring_within_days: m.optional("expiringWithinDays")? })
    }
}

/// An Ed25519 signing identity whose private key lives only in WebAssembly memory.
/// Persist it with `seal`; wipe it with `lock`.
#[wasm_bindgen(js_name = Identity)]
pub struct JsIdentity {
    inner: Option<Identity>,
    /// The credentials last signed under, verified once.
    policy: PolicyCache,
}

#[wasm_bindgen(js_class = Identity)]
impl JsIdentity {
    /// Generates a new identity from `crypto.getRandomValues`.
    ///
    /// @example
    /// ```js
    /// await init();
    /// const me = Identity.generate();
    /// const sealed = me.seal('482913');   // store this; Identity.unseal(sealed, pin) later
    /// ```
    pub fn generate() -> JsResult<JsIdentity> {
        Ok(JsIdentity { inner: Some(Identity::generate().map_err(js_error)?), policy: PolicyCache::default() })
    }

    /// Opens a sealed key with the worker's PIN. Throws `wrong_pin` when it does not fit.
    ///
    /// @example
    /// ```js
    /// const me = Identity.unseal(JSON.parse(localStorage.sealed), pin);   // throws code 'wrong_pin'
    /// ```
    pub fn unseal(sealed: JsSealedKey, pin: JsText) -> JsResult<JsIdentity> {
        let pin = Zeroizing::new(text_arg("pin", &pin).map_err(js_error)?);
        let sealed: SealedKey = from_js("sealed key", sealed.into())
            .map_err(|_| js_error(Error::new(ErrorCode::MalformedSealedKey, "not a sealed key object")))?;
        Ok(JsIdentity { inner: Some(crate::unseal(&sealed, &pin).map_err(js_error)?), policy: PolicyCache::default() })
    }

    fn identity(&self) -> JsResult<&Identity> {
        self.inner.as_ref().ok_or_else(|| js_error(Error::new(ErrorCode::IdentityLocked, "the identity was locked")))
    }

    /// The key id: the RFC 7638 thumbprint of the public key.
    #[wasm_bindgen(getter)]
    pub fn kid(&self) -> JsResult<String> {
        Ok(self.identity()?.kid().to_owned())
    }

    /// The public key as an OKP JWK.
    #[wasm_bindgen(getter, js_name = publicJwk)]
    pub fn public_jwk(&self) -> JsResult<JsPublicJwk> {
        Ok(jwk_js(self.identity()?.public_key()))
    }

    /// Whether `lock` has wiped the key.
    #[wasm_bindgen(getter)]
    pub fn locked(&self) -> bool {
        self.inner.is_none()
    }

    /// Seals the private key under `pin` (at least 6 characters) for storage.
    ///
    /// @example
    /// ```js
    /// localStorage.sealed = JSON.stringify(me.seal('482913'));
    /// ```
    pub fn seal(&self, pin: JsText, options: Option<JsSealOptions>) -> JsResult<JsSealedKey> {
        let options = options_arg("options", options.map(JsValue::from).unwrap_or_default(), &["kdf"]).map_err(js_error)?;
        let pin = Zeroizing::new(text_arg("pin", &pin).map_err(js_error)?);
        let options: Option<KdfOptionsArg> = from_js("options", options)?;
        let params = options.unwrap_or_default().kdf.unwrap_or(KdfParams::DEFAULT);
        let sealed = crate::seal(self.identity()?, &pin, params).map_err(js_error)?;
        Ok(to_js(&sealed))
    }

    /// Runs the offline policy check, then signs `doc` as a record chained to `options.chain`.
    /// The signature is verified once more before it is returned.
    ///
    /// @example
    /// ```js
    /// const first = me.sign(bytes, { credentials, name: 'receipt-118.pdf' });
    /// const second = me.sign(more, { credentials, chain: first.chain });
    /// ```
    pub fn sign(&self, doc: JsBytes, options: JsSignOptions) -> JsResult<JsSignedRecord> {
        let doc = bytes_arg("doc", &doc).map_err(js_error)?;
        let options: SignOptionsArg = from_js("options", sign_options_arg(options)?)?;
        let digest = DocumentDigest::of_bytes(&doc, options.name.clone(), options.media_type.clone()).map_err(js_error)?;
        self.sign_digest_with(digest, options)
    }

    /// Like `sign`, for a document hashed elsewhere: `sha256` is its 32-byte SHA-256.
    ///
    /// @example
    /// ```js
    /// const sha256 = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    /// const signed = me.signDigest(sha256, { credentials, name: 'scan.pdf', size: bytes.length });
    /// ```
    #[wasm_bindgen(js_name = signDigest)]
    pub fn sign_digest(&self, sha256: JsBytes, options: JsSignOptions) -> JsResult<JsSignedRecord> {
        let sha256 = bytes_arg("sha256", &sha256).map_err(js_error)?;
        let options: SignOptionsArg = from_js("options", sign_options_arg(options)?)?;
        let size = match options.size {
            None => None,
            Some(s) if s.is_finite() && s >= 0.0 && s.fract() == 0.0 && s <= 9_007_199_254_740_991.0 => Some(s as u64),
            Some(_) => return Err(bad_argument("size", "must be a whole number of bytes")),
        };
        let digest = DocumentDigest::of_sha256(&sha256, options.name.clone(), options.media_type.clone(), size)
            .map_err(js_error)?;
        self.sign_digest_with(digest, options)
    }

    fn sign_digest_with(&self, doc: DocumentDigest, options: SignOptionsArg) -> JsResult<JsSignedRecord> {
        let identity = self.identity()?;
        let now = now_or(None)?;
        let verdict = self
            .policy
            .check(&options.credentials, identity.kid(), now, policy_options(options.expiring_within_days)?)
            .map_err(js_error)?;
        let signed = sign_record(
            identity,
            RecordRequest {
                doc,
                claims: options.claims,
                chain: options.chain.as_ref(),
                cert_serial: Some(&verdict.certificate.serial),
                now,
            },
        )
        .map_err(js_error)?;
        Ok(to_js(&signed_out(&signed, &verdict.warnings)))
    }

    /// A plain Ed25519 signature over `message` (no record, no policy check). For callers that
    /// bring their own format; prefer `sign`.
    ///
    /// @example
    /// ```js
    /// const signature = me.signBytes(new TextEncoder().encode('hello'));   // 64 bytes
    /// ```
    #[wasm_bindgen(js_name = signBytes)]
    pub fn sign_bytes(&self, message: JsBytes) -> JsResult<Vec<u8>> {
        let message = bytes_arg("message", &message).map_err(js_error)?;
        // Verified before it is returned, like every signature: a faulty signature next to a
        // correct one over the same message would reveal the key.
        Ok(self.identity()?.sign_checked(&message).map_err(js_error)?.to_vec())
    }

    /// The proof of possession that `POST /v1/enroll` asks for: the enrollment `code` and the
    /// `challenge` from `GET /v1/enroll`, signed with this key (a JWS). `Device.enroll` makes
    /// it itself; this is for apps that enroll an `Identity` of their own.
    ///
    /// @example
    /// ```js
    /// const { challenge } = await (await fetch('/v1/enroll')).json();
    /// const proof = me.enrollmentProof(code, challenge);
    /// ```
    #[wasm_bindgen(js_name = enrollmentProof)]
    pub fn enrollment_proof(&self, code: JsText, challenge: JsText) -> JsResult<String> {
        let (code, challenge) = (text_arg("code", &code).map_err(js_error)?, text_arg("challenge", &challenge).map_err(js_error)?);
        crate::enrollment_proof(self.identity()?, &code, &challenge, None).map_err(js_error)
    }

    /// Wipes the private key from memory. Every later use throws `identity_locked`.
    ///
    /// @example
    /// ```js
    /// me.lock();   // me.locked === true; me.sign(…) throws code 'identity_locked'
    /// ```
    pub fn lock(&mut self) {
        self.inner = None;
    }
}

/// A certificate authority whose key lives in WebAssembly memory: for tests, demos and
/// self-hosted issuers. Production devices pin the key of the server's authority instead.
#[wasm_bindgen(js_name = Authority)]
pub struct JsAuthority {
    inner: Authority,
}

#[wasm_bindgen(js_class = Authority)]
impl JsAuthority {
    /// A new authority with a fresh key, writing `name` as `iss`.
    ///
    /// @example
    /// ```js
    /// const ca = Authority.generate('Demo Authority');
    /// ```
    pub fn generate(name: JsText) -> JsResult<JsAuthority> {
        let name = text_arg("name", &name).map_err(js_error)?;
        Ok(JsAuthority { inner: Authority::new(Identity::generate().map_err(js_error)?, name) })
    }

    /// The authority's public key, which devices pin.
    #[wasm_bindgen(getter, js_name = publicJwk)]
    pub fn public_jwk(&self) -> JsPublicJwk {
        jwk_js(self.inner.public_key())
    }

    /// Issues a certificate (JWS) binding worker `sub` to `jwk`, valid from `nbf` until `exp`
    /// (ms since the epoch; whole seconds are kept).
    ///
    /// @example
    /// ```js
    /// const ca = Authority.generate('Demo Authority');
    /// const certificate = ca.issueCertificate('s-1', 'a.jones', me.publicJwk, Date.now(), Date.now() + 90 * 86_400_000);
    /// ```
    #[wasm_bindgen(js_name = issueCertificate)]
    pub fn issue_certificate(&self, serial: JsText, sub: JsText, jwk: JsPublicJwk, nbf: JsNumber, exp: JsNumber) -> JsResult<String> {
        let (serial, sub) = (text_arg("serial", &serial).map_err(js_error)?, text_arg("sub", &sub).map_err(js_error)?);
        let jwk = public_jwk_arg(jwk)?;
        let (nbf, exp) = (millis_arg("nbf", &nbf)?, millis_arg("exp", &exp)?);
        self.inner.issue_certificate(&serial, &sub, &jwk, nbf, exp).map_err(js_error)
    }

    /// Issues a revocation list (JWS) of `revoked` serials, issued at `issued` and due for
    /// renewal at `due` (ms since the epoch): its `issuedAt` and `nextUpdate`, each serial
    /// revoked for `reason` (RFC 5280's name; default `unspecified`, which, like
    /// `keyCompromise`, makes a device refuse with `key_compromised` rather than `cert_revoked`).
    ///
    /// @example
    /// ```js
    /// const revocationList = ca.issueRevocationList(['s-7'], Date.now(), Date.now() + 86_400_000, 'superseded');
    /// ```
    #[wasm_bindgen(js_name = issueRevocationList)]
    pub fn issue_revocation_list(&self, revoked: JsTexts, issued: JsNumber, due: JsNumber, reason: Option<JsRevocationReason>) -> JsResult<String> {
        let revoked = texts_arg("revoked", &revoked).map_err(js_error)?;
        let (issued, due) = (millis_arg("issued", &issued)?, millis_arg("due", &due)?);
        let reason = from_js::<Option<RevocationReason>>("reason", reason.map_or(JsValue::UNDEFINED, JsValue::from))?;
        let reason = reason.unwrap_or(RevocationReason::Unspecified);
        let mut listed = Vec::with_capacity(revoked.len());
        for serial in revoked {
            listed.push((serial, reason));
        }
        self.inner.issue_revocation_list(listed, issued, due).map_err(js_error)
    }
}

/// Verifies a record strictly against the signer's public JWK (and, with `options.prev`, that
/// it follows that record). Returns the payload; throws `bad_signature`, `key_mismatch`,
/// `chain_broken` or a `malformed_*` code.
///
/// @example
/// ```js
/// const payload = verifyRecord(second.jws, me.publicJwk, { prev: first.jws });   // or throws
/// ```
#[wasm_bindgen(js_name = verifyRecord)]
pub fn verify_record_js(jws: JsText, signer: JsPublicJwk, options: Option<JsVerifyOptions>) -> JsResult<JsRecordPayload> {
    let jws = text_arg("jws", &jws).map_err(js_error)?;
    let key = PublicKey::from_jwk(&public_jwk_arg(signer)?).map_err(js_error)?;
    verify_record_with(&jws, &key, options)
}

fn verify_record_with(jws: &str, key: &PublicKey, options: Option<JsVerifyOptions>) -> JsResult<JsRecordPayload> {
    let options = options_arg("options", options.map(JsValue::from).unwrap_or_default(), &["prev"]).map_err(js_error)?;
    let prev = from_js::<Option<VerifyOptionsArg>>("options", options)?.and_then(|o| o.prev);
    Ok(to_js(&verify_record(jws, key, prev.as_deref()).map_err(js_error)?))
}

/// An Ed25519 public key decoded once, for verifying many signatures (like a WebCrypto
/// `CryptoKey`): from its second verification on it keeps 10 KB of tables that make each one
/// about a third faster, so keep one per signer. Verification is strict: canonical encodings
/// only, no small-order keys, no repeated JSON members.
#[wasm_bindgen(js_name = VerifyingKey)]
pub struct JsVerifyingKey {
    inner: PublicKey,
}

#[wasm_bindgen(js_class = VerifyingKey)]
impl JsVerifyingKey {
    /// From an OKP JWK; throws `malformed_jwk` when it is not a canonical Ed25519 key.
    ///
    /// @example
    /// ```js
    /// const key = VerifyingKey.fromJwk(worker.publicJwk);
    /// ```
    #[wasm_bindgen(js_name = fromJwk)]
    pub fn from_jwk(jwk: JsPublicJwk) -> JsResult<JsVerifyingKey> {
        let jwk = public_jwk_arg(jwk)?;
        Ok(JsVerifyingKey { inner: PublicKey::from_jwk(&jwk).map_err(js_error)? })
    }

    /// From the 32 raw bytes of the key.
    ///
    /// @example
    /// ```js
    /// const key = VerifyingKey.fromBytes(rawPublicKey);   // a Uint8Array of 32 bytes
    /// ```
    #[wasm_bindgen(js_name = fromBytes)]
    pub fn from_bytes(bytes: JsBytes) -> JsResult<JsVerifyingKey> {
        let bytes = bytes_arg("bytes", &bytes).map_err(js_error)?;
        Ok(JsVerifyingKey { inner: PublicKey::from_bytes(&bytes).map_err(js_error)? })
    }

    /// The key id (RFC 7638 thumbprint).
    #[wasm_bindgen(getter)]
    pub fn kid(&self) -> String {
        self.inner.kid().to_owned()
    }

    /// The key as an OKP JWK.
    #[wasm_bindgen(getter)]
    pub fn jwk(&self) -> JsPublicJwk {
        jwk_js(&self.inner)
    }

    /// `verifyRecord(jws, this.jwk, options)` for many records of one signer: the key is
    /// decoded once, and from the second record on each verification is a third faster.
    ///
    /// @example
    /// ```js
    /// const key = VerifyingKey.fromJwk(worker.publicJwk);
    /// for (const jws of records) key.verifyRecord(jws);   // throws on the first bad one
    /// ```
    #[wasm_bindgen(js_name = verifyRecord)]
    pub fn verify_record(&self, jws: JsText, options: Option<JsVerifyOptions>) -> JsResult<JsRecordPayload> {
        verify_record_with(&text_arg("jws", &jws).map_err(js_error)?, &self.inner, options)
    }

    /// Verifies a plain Ed25519 signature (64 bytes) over `message`; returns nothing when
    /// valid, throws `bad_signature` when not.
    ///
    /// @example
    /// ```js
    /// key.verify(new TextEncoder().encode('hello'), signature);   // throws code 'bad_signature'
    /// ```
    pub fn verify(&self, message: JsBytes, signature: JsBytes) -> JsResult<()> {
        let message = bytes_arg("message", &message).map_err(js_error)?;
        let signature = bytes_arg("signature", &signature).map_err(js_error)?;
        let signature: &[u8; 64] = signature
            .as_slice()
            .try_into()
            .map_err(|_| bad_argument("signature", format!("expected a Uint8Array of 64 bytes, got {} bytes", signature.len())))?;
        self.inner.verify(&message, signature).map_err(js_error)
    }
}

/// `key` as a JS [`JwkOut`].
fn jwk_js(key: &PublicKey) -> JsPublicJwk {
    to_js(&jwk_out(&key.to_jwk(), key.kid()))
}

/// Verifies a server's receipt for a record against the authority's public JWK (the one in the
/// credentials). Returns the receipt (the record's id and hash, when it arrived); throws
/// `bad_signature` when the authority did not sign it, `malformed_jws` when it does not parse.
/// Check that its `hash` is `recordHash` of your record.
///
/// @example
/// ```js
/// const receipt = verifyReceipt(outboxRecord.receipt, credentials.authority);
/// console.log(receipt.hash === outboxRecord.hash);
/// ```
#[wasm_bindgen(js_name = verifyReceipt)]
pub fn verify_receipt_js(jws: JsText, authority: JsPublicJwk) -> JsResult<JsReceipt> {
    let jws = text_arg("jws", &jws).map_err(js_error)?;
    let key = PublicKey::from_jwk(&public_jwk_arg(authority)?).map_err(js_error)?;
    Ok(to_js(&verify_receipt(&jws, &key).map_err(js_error)?))
}

/// Decodes a record WITHOUT verifying it (`verified: false`), for display and diagnosis.
///
/// @example
/// ```js
/// const { header, payload } = inspectRecord(jws);   // verified: false
/// ```
#[wasm_bindgen(js_name = inspectRecord)]
pub fn inspect_record_js(jws: JsText) -> JsResult<JsInspectedRecord> {
    let (header, payload) = inspect_record(&text_arg("jws", &jws).map_err(js_error)?).map_err(js_error)?;
    #[derive(Serialize)]
    struct Out {
        verified: bool,
        header: crate::Header,
        payload: crate::RecordPayload,
    }
    Ok(to_js(&Out { verified: false, header, payload }))
}

/// The hash that chains records (base64url SHA-256 of the JWS text).
///
/// @example
/// ```js
/// const prev = recordHash(first.jws);   // second.record.prev === prev
/// ```
#[wasm_bindgen(js_name = recordHash)]
pub fn record_hash_js(jws: JsText) -> JsResult<String> {
    Ok(record_hash(&text_arg("jws", &jws).map_err(js_error)?))
}

/// The offline policy check alone, for health screens: verifies the certificate of key `kid`
/// and the revocation list, returns warnings, throws the refusing codes.
///
/// @example
/// ```js
/// const { certificate, warnings } = checkPolicy(me.kid, credentials, { expiringWithinDays: 30 });
/// ```
#[wasm_bindgen(js_name = checkPolicy)]
pub fn check_policy_js(kid: JsText, credentials: JsCredentials, options: Option<JsPolicyOptions>) -> JsResult<JsPolicyVerdict> {
    let kid = text_arg("kid", &kid).map_err(js_error)?;
    let options = options_arg("options", options.map(JsValue::from).unwrap_or_default(), &["now", "expiringWithinDays"]).map_err(js_error)?;
    let creds: StoredCredentials = from_js("credentials", credentials.into())?;
    let options: PolicyOptionsArg = from_js::<Option<PolicyOptionsArg>>("options", options)?.unwrap_or_default();
    let verdict = creds
        .check_policy(&kid, now_or(options.now)?, policy_options(options.expiring_within_days)?)
        .map_err(js_error)?;
    #[derive(Serialize)]
    struct Out<'a> {
        certificate: &'a crate::Certificate,
        warnings: Vec<WarningOut<'a>>,
    }
    Ok(to_js(&Out { certificate: &verdict.certificate, warnings: warnings_out(&verdict.warnings) }))
}

/// Every error and warning code with its severity, summary and default remedy: the table
/// behind help pages.
///
/// @example
/// ```js
/// for (const { code, remedy } of errorCodes()) helpPage.append(`${code}: ${remedy}`);
/// ```
///
/// Only in the verify build's wasm, which `pkg-scripts/build` asks for the table: `offsign`
/// and `offsign/core` answer `errorCodes()` from that table in JavaScript (`errors.js`), so the
/// core's wasm carries no summaries (2.6 KB gzipped, which kept it over its 120,000 B budget).
#[cfg(feature = "verify")]
#[wasm_bindgen(js_name = errorCodes)]
pub fn error_codes() -> JsErrorInfos {
    use crate::Severity;
    #[derive(Serialize)]
    struct Info {
        code: &'static str,
        severity: &'static str,
        summary: &'static str,
        remedy: &'static str,
        #[serde(rename = "fromServer")]
        from_server: bool,
        #[serde(rename = "fromApp")]
        from_app: bool,
    }
    let rows: Vec<Info> = ErrorCode::ALL
        .iter()
        .map(|c| Info {
            code: c.as_str(),
            severity: if c.severity() == Severity::Error { "error" } else { "warning" },
            summary: c.summary(),
            remedy: c.default_remedy(),
            from_server: c.from_server(),
            from_app: c.from_app(),
        })
        .collect();
    to_js(&rows)
}

/// `errorCodes()` of the core's entries, which `errors.js` answers (see [`error_codes`]).
#[cfg(not(feature = "verify"))]
#[wasm_bindgen(typescript_custom_section)]
const ERROR_CODES_FN: &str = r#"
/**
 * Every error and warning code with its severity, summary and default remedy: the table
 * behind help pages.
 * @example
 * ```js
 * for (const { code, remedy } of errorCodes()) helpPage.append(`${code}: ${remedy}`);
 * ```
 */
export function errorCodes(): ErrorInfo[];
"#;

/// The version of the offsign core.
///
/// @example
/// ```js
/// console.log(version());   // e.g. "0.2.0"
/// ```
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

pub(super) fn public_jwk_arg(jwk: JsPublicJwk) -> JsResult<PublicJwk> {
    from_js("public JWK", jwk.into()).map_err(|_| js_error(Error::new(ErrorCode::MalformedJwk, "not an OKP JWK object")))
}
