//! The signed messages a device sends besides records: renewal requests, enrollment
//! proofs, failure reports and its status.

use crate::error::{Error, ErrorCode, Result};
use crate::jws::{self, Jws};
use crate::keys::{Identity, PublicKey};
use crate::rows::ReportRow;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};


/// The JWS `typ` of a renewal request.
pub const RENEWAL_TYP: &str = "offsign-renewal+jws";
/// The JWS `typ` of a failure report.
pub const REPORT_TYP: &str = "offsign-report+jws";
/// The JWS `typ` of a device status.
pub const STATUS_TYP: &str = "offsign-status+jws";

/// A device asks for a new certificate for its key, signed by that key while its current
/// certificate is still valid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RenewalRequest {
    /// Format version, 1.
    pub v: u32,
    /// The serial of the current certificate.
    pub serial: String,
    /// When it was made (RFC 3339); the server refuses old requests.
    pub requested_at: String,
}

/// Signs a renewal request for certificate `serial`.
pub fn renewal_request(identity: &Identity, serial: &str, now: Timestamp) -> Result<String> {
    let request = RenewalRequest { v: 1, serial: serial.to_owned(), requested_at: now.to_string() };
    jws::sign(identity, RENEWAL_TYP, &crate::json::to_vec(&request))
}

/// Reads a renewal request without verifying it (the server needs its serial to find the key).
pub fn inspect_renewal_request(jws_text: &str) -> Result<RenewalRequest> {
    read::<RenewalRequest>(jws_text, RENEWAL_TYP, None)
}

/// Verifies a renewal request against the key of the certificate it names.
pub fn verify_renewal_request(jws_text: &str, key: &PublicKey) -> Result<RenewalRequest> {
    read::<RenewalRequest>(jws_text, RENEWAL_TYP, Some(key))
}

/// The JWS `typ` of an enrollment proof.
pub const ENROLLMENT_TYP: &str = "offsign-enroll+jws";

/// A device proves at enrollment that it holds the key it asks a certificate for: it signs
/// the code it redeems and the server's challenge with that key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EnrollmentProof {
    /// Format version, 1.
    pub v: u32,
    /// [`enrollment_code_hash`] of the code redeemed (the code itself is not repeated).
    pub code: String,
    /// The challenge from `GET /v1/enroll` (the server's time): the server refuses a proof
    /// made more than a few minutes ago.
    pub challenge: String,
    /// The key this one replaces on the same device (a forgotten PIN, an expired or superseded
    /// certificate), and where that key's chain ended: the server supersedes that key's
    /// certificate and links the two chains, so the worker's history has no gap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub continues: Option<Continuation>,
}

/// Where the chain of a replaced key ends, as the device that held it saw it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Continuation {
    /// The replaced key's id.
    pub kid: String,
    /// The `seq` of the last record it signed; 0 when it signed none.
    pub seq: u64,
    /// That record's hash; `None` when it signed none.
    pub hash: Option<String>,
}

/// The SHA-256 of an enrollment code, hex, after dropping everything but letters and digits
/// and upper-casing: `abcd efgh jkmn` and `ABCD-EFGH-JKMN` are one code. The server stores
/// codes only as this hash.
pub fn enrollment_code_hash(code: &str) -> String {
    use sha2::Digest;
    let normalized: String = code.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect();
    sha2::Sha256::digest(normalized.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Signs the proof that `identity` redeems `code` in answer to `challenge`, continuing the
/// chain `continues` of a key it replaces, if any.
pub fn enrollment_proof(identity: &Identity, code: &str, challenge: &str, continues: Option<Continuation>) -> Result<String> {
    let proof = EnrollmentProof { v: 1, code: enrollment_code_hash(code), challenge: challenge.to_owned(), continues };
    jws::sign(identity, ENROLLMENT_TYP, &crate::json::to_vec(&proof))
}

/// Verifies an enrollment proof against the key being enrolled.
pub fn verify_enrollment_proof(jws_text: &str, key: &PublicKey) -> Result<EnrollmentProof> {
    read::<EnrollmentProof>(jws_text, ENROLLMENT_TYP, Some(key))
}

/// A failure report as the device sends it, signed by one of its identities.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SignedReport {
    /// Format version, 1.
    pub v: u32,
    /// The serial of the signer's certificate.
    pub cert: String,
    /// The report.
    pub report: ReportRow,
}

/// Signs `report` with `identity`, whose certificate is `serial`.
pub fn sign_report(identity: &Identity, serial: &str, report: &ReportRow) -> Result<String> {
    let signed = SignedReport { v: 1, cert: serial.to_owned(), report: report.clone() };
    jws::sign(identity, REPORT_TYP, &crate::json::to_vec(&signed))
}

/// Reads a signed report without verifying it.
pub fn inspect_report(jws_text: &str) -> Result<SignedReport> {
    read::<SignedReport>(jws_text, REPORT_TYP, None)
}

/// Verifies a signed report against its signer's key.
pub fn verify_report(jws_text: &str, key: &PublicKey) -> Result<SignedReport> {
    read::<SignedReport>(jws_text, REPORT_TYP, Some(key))
}

pub(super) fn read<T: serde::de::DeserializeOwned>(jws_text: &str, typ: &str, key: Option<&PublicKey>) -> Result<T> {
    let parsed = Jws::parse(jws_text)?;
    if parsed.header.typ.as_deref() != Some(typ) {
        return Err(Error::new(ErrorCode::MalformedJws, format!("typ is not {typ}")));
    }
    if let Some(key) = key {
        parsed.verify(key)?;
    }
    // Reports are read by the server (through serde), not by the wasm core's `FromJson`.
    serde_json::from_slice(&parsed.payload)
        .map_err(|e| Error::new(ErrorCode::MalformedJws, format!("the payload is not a {typ} message: {e}")))
}


/// What a device says about itself at each sync, signed by the unlocked identity: what the
/// administrators' console lists as the device's last status.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeviceStatus {
    /// Format version, 1.
    pub v: u32,
    /// The serial of the signer's certificate.
    pub cert: String,
    /// When it was made (the device's trusted time, RFC 3339).
    pub sent_at: String,
    /// The app's version.
    pub app_version: String,
    /// The browser's user agent.
    pub user_agent: String,
    /// The health checks of `diagnose()`, without their remedies.
    pub checks: Vec<StatusCheck>,
    /// Records not yet accepted or refused by the server.
    pub pending: u32,
    /// When the oldest of them was signed.
    pub oldest_pending_at: Option<String>,
    /// Bytes of storage used, as the browser estimates it.
    pub storage_used: Option<f64>,
    /// Bytes of storage the browser allows.
    pub storage_quota: Option<f64>,
    /// The correction the device clock needed at the last sync (ms).
    pub clock_offset_ms: Option<i64>,
}

/// One health check in a [`DeviceStatus`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StatusCheck {
    /// The check's identifier, e.g. `certificate`.
    pub id: String,
    /// `ok`, `warn` or `fail`.
    pub status: String,
    /// What was found.
    pub value: String,
}

/// Signs `status` with `identity`.
pub fn sign_status(identity: &Identity, status: &DeviceStatus) -> Result<String> {
    jws::sign(identity, STATUS_TYP, &crate::json::to_vec(status))
}

/// Reads a signed device status without verifying it.
pub fn inspect_status(jws_text: &str) -> Result<DeviceStatus> {
    read::<DeviceStatus>(jws_text, STATUS_TYP, None)
}

/// Verifies a signed device status against its signer's key.
pub fn verify_status(jws_text: &str, key: &PublicKey) -> Result<DeviceStatus> {
    read::<DeviceStatus>(jws_text, STATUS_TYP, Some(key))
}
