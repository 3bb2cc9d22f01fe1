//! What the device and the server say to each other over `/v1`: every request and answer
//! (the server writes and reads them with serde, the client with [`FromJson`]; the fake
//! servers of the tests use them too), the batch limit, the transport, the signed answers
//! bound to a request's nonce, and the settings that keep what the server said about time.
//! Rejection and refusal codes are [`ErrorCode`]s: the one table.

use crate::error::{Error, ErrorCode, Result};
use crate::words::{Words, NOT_AN_OFFSIGN_SERVER};
use crate::jws::Jws;
use crate::keys::{PublicJwk, PublicKey};
use crate::time::{Timestamp, DAY_MS};
use crate::json::{deserialize_from_json, FromJson, Members};
use super::retry::Backoff;
use serde::Serialize;
use serde_json::Value;


/// Items per `POST /v1/records` or `POST /v1/reports`: the most a device sends and a server
/// accepts in one request.
pub const MAX_SYNC_BATCH: usize = 500;

/// The request header that carries an evidence upload's token (`PATCH /v1/evidence/…`): the
/// proof, chunk by chunk, that the sender holds the content key the record committed to.
pub const UPLOAD_TOKEN_HEADER: &str = "offsign-upload-token";

/// One HTTP answer, as the client engine needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// The `Retry-After` header, if any.
    pub retry_after: Option<String>,
    /// The body (JSON).
    pub body: String,
}

impl HttpResponse {
    /// The body as `T`; `server_refused` when it is not what the server should have said.
    pub(super) fn json<T: FromJson>(&self) -> Result<T> {
        crate::json::parse(self.body.as_bytes()).map_err(|e| {
            Error::new(ErrorCode::ServerRefused, format!("the server's answer is not understood (is this an offsign server?): {e}"))
                .with_remedy(Words::plain(&NOT_AN_OFFSIGN_SERVER), NOT_OFFSIGN)
        })
    }

    /// `server_refused` for this answer to `what` (e.g. `POST /v1/records`), which is not a
    /// success. A 404 or 405 says that no offsign API is at this address, and so does the remedy.
    pub(super) fn refused(&self, what: &str) -> Error {
        let error = Error::new(ErrorCode::ServerRefused, format!("HTTP {} from {what}: {:.300}", self.status, self.body));
        if matches!(self.status, 404 | 405) {
            error.with_remedy(Words::plain(&NOT_AN_OFFSIGN_SERVER), NOT_OFFSIGN)
        } else {
            error
        }
    }
}

/// The remedy when the address the app syncs with does not answer as an offsign server: a
/// wrong `server` option (or none, on an origin that only serves the app), not an old app.
const NOT_OFFSIGN: &str =
    "No offsign server answers at the server address this app uses. Check the address (the app's server setting), or ask your administrator.";

/// How the client reaches the server: `fetch` in browsers, anything in tests.
#[allow(async_fn_in_trait)]
pub trait Transport {
    /// POSTs the JSON `body` to `path` (e.g. `/v1/records`) on the server. `Err` means no
    /// answer arrived (offline, connection cut, timeout), with a reason for the report.
    async fn post(&self, path: &str, body: String) -> std::result::Result<HttpResponse, String>;
    /// GETs `path` on the server, like [`Transport::post`].
    async fn get(&self, path: &str) -> std::result::Result<HttpResponse, String>;
    /// PATCHes `bytes` to `path`, at byte `offset` of an upload of `length` bytes in all (tus:
    /// `Upload-Offset`, `Upload-Length`, `application/offset+octet-stream`), with the upload's
    /// `token` (`Offsign-Upload-Token`) when it has one, like [`Transport::post`].
    async fn patch(&self, path: &str, offset: u64, length: u64, token: Option<&str>, bytes: Vec<u8>) -> std::result::Result<HttpResponse, String>;
    /// Waits `ms` milliseconds before a retry.
    async fn sleep(&self, ms: u64);
}

/// How a sync behaves.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SyncOptions {
    /// Tries per request before giving up until the next sync (network errors, 5xx, 429).
    pub max_tries: u32,
    /// Delays between tries.
    pub backoff: Backoff,
    /// Renew the unlocked identity's certificate when it expires within this long (ms), or
    /// within half its lifetime when that is shorter.
    pub renew_within_ms: i64,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions { max_tries: 5, backoff: Backoff::default(), renew_within_ms: 30 * DAY_MS }
    }
}

/// What a sync did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncSummary {
    /// Records the server accepted now.
    pub accepted: u32,
    /// Records the server had already (accepted before; the first receipt is kept).
    pub duplicate: u32,
    /// Records the server refused; they stay on the device, marked rejected.
    pub rejected: u32,
    /// Failure reports the server stored.
    pub reports_sent: u32,
    /// Whether the server took the device's status (sent when an identity is unlocked).
    pub status_sent: bool,
    /// Whether the unlocked identity's certificate was renewed.
    pub renewed: bool,
    /// The correction the device clock needs to read the server's time (ms), learned from
    /// the last answer; it is kept and applied from then on.
    pub server_offset_ms: Option<i64>,
    /// Documents and signature images the server stored now (checked against their records).
    pub evidence_stored: u32,
    /// Whether the server had forms the device did not hold yet (they are kept now).
    pub forms_updated: bool,
}

// Requests. The server refuses members it does not know (`malformed_request`).

/// `POST /v1/enroll`: a key, the enrollment code, and the proof that the key's holder asked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EnrollRequest {
    /// The enrollment code the administrator gave the worker.
    pub code: String,
    /// The key to certify.
    pub jwk: PublicJwk,
    /// [`crate::enrollment_proof`]: the code and a fresh challenge, signed with `jwk`.
    pub proof: String,
}

impl FromJson for EnrollRequest {
    fn from_json(value: Value) -> std::result::Result<Self, String> {
        let mut m = Members::of(value, "the request")?;
        let request = EnrollRequest { code: m.required("code")?, jwk: m.required("jwk")?, proof: m.required("proof")? };
        m.deny_unknown().map(|()| request)
    }
}

/// `POST /v1/renew`: a renewal request ([`crate::renewal_request`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RenewRequest {
    /// The renewal request JWS, signed by the key of the certificate it names.
    pub request: String,
}

impl FromJson for RenewRequest {
    fn from_json(value: Value) -> std::result::Result<Self, String> {
        let mut m = Members::of(value, "the request")?;
        let request = RenewRequest { request: m.required("request")? };
        m.deny_unknown().map(|()| request)
    }
}

/// `POST /v1/status`: a device status ([`crate::sign_status`]), signed by the unlocked identity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StatusRequest {
    /// The device status JWS.
    pub status: String,
}

impl FromJson for StatusRequest {
    fn from_json(value: Value) -> std::result::Result<Self, String> {
        let mut m = Members::of(value, "the request")?;
        let request = StatusRequest { status: m.required("status")? };
        m.deny_unknown().map(|()| request)
    }
}

/// `POST /v1/records` (`items` are record JWSs) and `POST /v1/reports` (signed failure
/// reports): 1 to [`MAX_SYNC_BATCH`] items and the device's fresh nonce, which the signed
/// answer repeats.
/// (No `Serialize`: the items' member name depends on the endpoint; see [`BatchRequest::to_json`].)
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchRequest {
    /// The JWSs, named `records` or `reports` on the wire.
    pub items: Vec<String>,
    /// 1 to 64 characters of base64url.
    pub nonce: Option<String>,
}

impl BatchRequest {
    /// The JSON body for `member` (`records` or `reports`).
    pub fn to_json(&self, member: &str) -> String {
        serde_json::json!({ member: self.items, "nonce": self.nonce }).to_string()
    }

    /// Reads a body whose items are in `member`; other members are refused.
    pub fn from_json(body: &[u8], member: &str) -> std::result::Result<BatchRequest, String> {
        let mut m = Members::of(crate::json::parse::<Value>(body)?, "the request")?;
        let request = BatchRequest { items: m.required(member)?, nonce: m.optional("nonce")? };
        m.deny_unknown().map(|()| request)
    }
}

// Answers. The client ignores members it does not use, so a newer server may add some.

/// `GET /v1/enroll`: what the enrollment proof signs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EnrollmentChallenge {
    /// The server's time as it issued the challenge (RFC 3339).
    pub challenge: String,
}

impl FromJson for EnrollmentChallenge {
    fn from_json(value: Value) -> std::result::Result<Self, String> {
        Ok(EnrollmentChallenge { challenge: Members::of(value, "the challenge")?.required("challenge")? })
    }
}

/// `POST /v1/enroll` and `POST /v1/renew`: what an enrolled device stores.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Enrolled {
    /// The worker's name as the administrator entered it.
    pub worker: String,
    /// The authority key to pin.
    pub authority: PublicJwk,
    /// The worker's certificate (JWS).
    pub certificate: String,
    /// The current revocation list (JWS).
    pub revocation_list: String,
    /// The server's time (RFC 3339).
    pub server_time: String,
}

impl FromJson for Enrolled {
    fn from_json(value: Value) -> std::result::Result<Self, String> {
        let mut m = Members::of(value, "the answer")?;
        Ok(Enrolled {
            worker: m.required("worker")?,
            authority: m.required("authority")?,
            certificate: m.required("certificate")?,
            revocation_list: m.required("revocationList")?,
            server_time: m.required("serverTime")?,
        })
    }
}

impl From<Enrolled> for crate::cert::StoredCredentials {
    fn from(enrolled: Enrolled) -> Self {
        crate::cert::StoredCredentials {
            authority: enrolled.authority,
            certificate: enrolled.certificate,
            revocation_list: Some(enrolled.revocation_list),
            evidence_key: None,
        }
    }
}

/// What the server did with one record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum VerdictKind {
    /// Verified and stored; the receipt proves it.
    Accepted,
    /// Stored before (same id and hash); the receipt is the one issued then.
    Duplicate,
    /// Refused; `code` says why. Nothing was stored.
    Rejected,
}

impl VerdictKind {
    /// Its name on the wire and in metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            VerdictKind::Accepted => "accepted",
            VerdictKind::Duplicate => "duplicate",
            VerdictKind::Rejected => "rejected",
        }
    }
}

impl FromJson for VerdictKind {
    fn from_json(value: Value) -> std::result::Result<Self, String> {
        match String::from_json(value)?.as_str() {
            "accepted" => Ok(VerdictKind::Accepted),
            "duplicate" => Ok(VerdictKind::Duplicate),
            "rejected" => Ok(VerdictKind::Rejected),
            other => Err(format!("unknown verdict `{other:.20}`")),
        }
    }
}

/// The server's answer for one record of a batch, in the batch's order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordVerdict {
    /// The record's position in the batch.
    pub index: usize,
    /// The record id, when it could be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The record's hash.
    pub hash: String,
    /// Accepted, duplicate or rejected.
    pub verdict: VerdictKind,
    /// Why it was rejected: an [`ErrorCode`] string (a newer server's code is kept as sent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// A sentence for developers about the rejection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The receipt JWS, signed by the authority, when accepted or duplicate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receipt: Option<String>,
    /// In the signed answer, in the receipt's place: its hash (base64url SHA-256 of the JWS),
    /// which the authority's signature over the answer covers ([`RecordVerdict::for_answer`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receipt_hash: Option<String>,
    /// The record before it in the signer's chain was missing when it arrived: stored, but
    /// flagged.
    pub chain_gap: bool,
}

impl RecordVerdict {
    /// A rejection with its code and a sentence for developers.
    pub fn rejected(index: usize, id: Option<String>, hash: String, code: ErrorCode, message: String) -> Self {
        RecordVerdict {
            index,
            id,
            hash,
            verdict: VerdictKind::Rejected,
            code: Some(code.as_str().to_owned()),
            message: Some(message),
            receipt: None,
            receipt_hash: None,
            chain_gap: false,
        }
    }

    /// This verdict as the signed answer carries it: the receipt replaced by its hash, so that
    /// one signature per batch vouches for every receipt in it (a device then need not verify
    /// each receipt's own signature, which was most of a sync's work).
    pub fn for_answer(&self) -> RecordVerdict {
        RecordVerdict { receipt: None, receipt_hash: self.receipt.as_deref().map(crate::record::record_hash), ..self.clone() }
    }
}

impl FromJson for RecordVerdict {
    fn from_json(value: Value) -> std::result::Result<Self, String> {
        let mut m = Members::of(value, "a verdict")?;
        Ok(RecordVerdict {
            index: m.required("index")?,
            id: m.optional("id")?,
            hash: m.required("hash")?,
            verdict: m.required("verdict")?,
            code: m.optional("code")?,
            message: m.optional("message")?,
            receipt: m.optional("receipt")?,
            receipt_hash: m.optional("receiptHash")?,
            chain_gap: m.optional("chainGap")?.unwrap_or(false),
        })
    }
}

/// `POST /v1/records`: a verdict per record, in order, and what every contact brings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordsAnswer {
    /// Each verdict with its receipt.
    pub verdicts: Vec<RecordVerdict>,
    /// The authority's signed answer (a JWS of type [`crate::ANSWER_TYP`]) over the verdicts
    /// with their receipts' hashes in place of the receipts ([`RecordVerdict::for_answer`]),
    /// the time and the nonce: what the device acts on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
    /// The current revocation list; missing when it cannot be signed now (`GET
    /// /v1/revocations` says why).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revocation_list: Option<String>,
    /// The server's time (RFC 3339).
    pub server_time: String,
}

impl FromJson for RecordsAnswer {
    fn from_json(value: Value) -> std::result::Result<Self, String> {
        let mut m = Members::of(value, "the answer")?;
        Ok(RecordsAnswer {
            verdicts: m.required("verdicts")?,
            answer: m.optional("answer")?,
            revocation_list: m.optional("revocationList")?,
            server_time: m.required("serverTime")?,
        })
    }
}

/// `GET /v1/revocations`: the list, and the server time in an answer signed for the nonce.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RevocationsAnswer {
    /// The revocation list (JWS).
    pub revocation_list: String,
    /// The server's time (RFC 3339).
    pub server_time: String,
    /// The signed answer with the server time, for the request's nonce; missing when it
    /// cannot be signed now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
}

impl FromJson for RevocationsAnswer {
    fn from_json(value: Value) -> std::result::Result<Self, String> {
        let mut m = Members::of(value, "the answer")?;
        Ok(RevocationsAnswer { revocation_list: m.required("revocationList")?, server_time: m.required("serverTime")?, answer: m.optional("answer")? })
    }
}

/// What the server did with one failure report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ReportVerdictKind {
    /// Stored (or stored before: the device may stop sending it).
    Stored,
    /// Refused; `code` says why.
    Rejected,
}

impl FromJson for ReportVerdictKind {
    fn from_json(value: Value) -> std::result::Result<Self, String> {
        match String::from_json(value)?.as_str() {
            "stored" => Ok(ReportVerdictKind::Stored),
            "rejected" => Ok(ReportVerdictKind::Rejected),
            other => Err(format!("unknown verdict `{other:.20}`")),
        }
    }
}

/// The server's answer for one failure report, in the request's order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReportVerdict {
    /// The report's position in the request.
    pub index: usize,
    /// The report's id, when it could be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Stored or rejected.
    pub verdict: ReportVerdictKind,
    /// Why it was rejected: an [`ErrorCode`] string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

impl FromJson for ReportVerdict {
    fn from_json(value: Value) -> std::result::Result<Self, String> {
        let mut m = Members::of(value, "a verdict")?;
        Ok(ReportVerdict { index: m.required("index")?, id: m.optional("id")?, verdict: m.required("verdict")?, code: m.optional("code")? })
    }
}

/// `POST /v1/reports`: a verdict per report, and the answer the authority signed over them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportsAnswer {
    /// Each report's verdict.
    pub verdicts: Vec<ReportVerdict>,
    /// The server's time (RFC 3339).
    pub server_time: String,
    /// The authority's signed answer; reports are marked sent only from it. Missing when it
    /// cannot be signed now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
}

impl FromJson for ReportsAnswer {
    fn from_json(value: Value) -> std::result::Result<Self, String> {
        let mut m = Members::of(value, "the answer")?;
        Ok(ReportsAnswer { verdicts: m.required("verdicts")?, server_time: m.required("serverTime")?, answer: m.optional("answer")? })
    }
}

/// A refused request (4xx, 5xx): a table code and a sentence for developers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Refusal {
    /// Why: an [`ErrorCode`] string (a newer server's code is kept as sent).
    pub code: String,
    /// A sentence for developers.
    pub message: String,
}

impl Refusal {
    /// A refusal with a table code.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Refusal { code: code.as_str().to_owned(), message: message.into() }
    }
}

impl FromJson for Refusal {
    fn from_json(value: Value) -> std::result::Result<Self, String> {
        let mut m = Members::of(value, "the refusal")?;
        Ok(Refusal { code: m.required("code")?, message: m.optional("message")?.unwrap_or_default() })
    }
}

deserialize_from_json!(EnrollRequest, RenewRequest, StatusRequest);

/// A server's answer as the authority signed it ([`crate::Authority::sign_answer`]).
pub(super) struct SignedAnswer<T> {
    pub(super) server_time: Timestamp,
    pub(super) verdicts: Vec<T>,
    pub(super) nonce: Option<String>,
}

impl<T: FromJson> FromJson for SignedAnswer<T> {
    fn from_json(value: Value) -> std::result::Result<Self, String> {
        let mut m = Members::of(value, "a signed answer")?;
        let v: u32 = m.required("v")?;
        let server_time: String = m.required("serverTime")?;
        let server_time = Timestamp::parse_rfc3339(&server_time).map_err(|e| e.message().to_owned())?;
        let answer = SignedAnswer { server_time, verdicts: m.required("verdicts")?, nonce: m.optional("nonce")? };
        if v != 1 {
            return Err("unknown answer version".into());
        }
        m.deny_unknown().map(|()| answer)
    }
}

/// `jws` as the answer `authority` signed for the request that sent `nonce`, or `None` when
/// it is not that: then nothing in it is acted on. The nonce makes the answer to one request
/// useless as the answer to another (a replay).
pub(super) fn signed_answer<T: FromJson>(jws: Option<&str>, authority: &PublicKey, nonce: &str) -> Option<SignedAnswer<T>> {
    let parsed = Jws::parse(jws?).ok()?;
    if parsed.header.typ.as_deref() != Some(crate::cert::ANSWER_TYP) || parsed.verify(authority).is_err() {
        return None;
    }
    parsed.payload_json::<SignedAnswer<T>>(ErrorCode::MalformedJws).ok().filter(|a| a.nonce.as_deref() == Some(nonce))
}

/// A fresh nonce for a request: 16 random bytes, base64url.
pub(super) fn new_nonce() -> Result<String> {
    let mut bytes = [0u8; 16];
    crate::random::fill(&mut bytes)?;
    Ok(crate::encoding::b64url(&bytes))
}
