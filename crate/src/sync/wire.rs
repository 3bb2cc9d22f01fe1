//! What the device and the server say to each other over `/v1`, as the client reads it:
//! the transport, the answers, the signed answers bound to a request's nonce, and the
//! settings that keep what the server said about time.

use crate::error::{Error, ErrorCode, Result};
use crate::jws::Jws;
use crate::keys::PublicKey;
use crate::time::{Timestamp, DAY_MS};
use crate::json::{FromJson, Members};
use super::retry::Backoff;
use serde::Serialize;
use serde_json::Value;


/// Items per `POST /v1/records` or `POST /v1/reports`: the most a device sends and a server
/// accepts in one request.
pub const MAX_SYNC_BATCH: usize = 500;

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
        crate::json::parse(self.body.as_bytes())
            .map_err(|e| Error::new(ErrorCode::ServerRefused, format!("the server's answer is not understood: {e}")))
    }
}

/// How the client reaches the server: `fetch` in browsers, anything in tests.
#[allow(async_fn_in_trait)]
pub trait Transport {
    /// POSTs the JSON `body` to `path` (e.g. `/v1/records`) on the server. `Err` means no
    /// answer arrived (offline, connection cut, timeout), with a reason for the report.
    async fn post(&self, path: &str, body: String) -> std::result::Result<HttpResponse, String>;
    /// GETs `path` on the server, like [`Transport::post`].
    async fn get(&self, path: &str) -> std::result::Result<HttpResponse, String>;
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
    /// Whether the unlocked identity's certificate was renewed.
    pub renewed: bool,
    /// The correction the device clock needs to read the server's time (ms), learned from
    /// the last answer; it is kept and applied from then on.
    pub server_offset_ms: Option<i64>,
}

/// The setting that keeps the correction (ms) the device clock needs to read the server's
/// time: the clock a device is built with applies it.
pub const SERVER_OFFSET_SETTING: &str = "serverOffsetMs";
/// The device setting (followed by `:` and the authority's key id) that holds the latest server
/// time that authority signed (ms): the clock follows only later ones.
pub(super) const SERVER_TIME_SEEN_SETTING: &str = "serverTimeSeenMs";

/// The server's answers (see `server/src/api.rs`); members the client does not use are ignored.
pub(super) struct RecordsAnswer {
    pub(super) verdicts: Vec<WireVerdict>,
    pub(super) revocation_list: Option<String>,
    /// The authority's signed answer ([`SignedAnswer`]); only what it says is acted on.
    pub(super) answer: Option<String>,
}

impl FromJson for RecordsAnswer {
    fn from_json(value: Value) -> std::result::Result<Self, String> {
        let mut m = Members::of(value, "the answer")?;
        Ok(RecordsAnswer { verdicts: m.required("verdicts")?, revocation_list: m.optional("revocationList")?, answer: m.optional("answer")? })
    }
}

pub(super) struct WireVerdict {
    pub(super) index: usize,
    pub(super) hash: String,
    pub(super) verdict: String,
    pub(super) code: Option<String>,
    pub(super) message: Option<String>,
    pub(super) receipt: Option<String>,
}

impl FromJson for WireVerdict {
    fn from_json(value: Value) -> std::result::Result<Self, String> {
        let mut m = Members::of(value, "a verdict")?;
        Ok(WireVerdict {
            index: m.required("index")?,
            hash: m.required("hash")?,
            verdict: m.required("verdict")?,
            code: m.optional("code")?,
            message: m.optional("message")?,
            receipt: m.optional("receipt")?,
        })
    }
}

/// `GET /v1/enroll`: what the enrollment proof signs.
pub(super) struct EnrollmentChallenge {
    pub(super) challenge: String,
}

impl FromJson for EnrollmentChallenge {
    fn from_json(value: Value) -> std::result::Result<Self, String> {
        Ok(EnrollmentChallenge { challenge: Members::of(value, "the challenge")?.required("challenge")? })
    }
}

pub(super) struct RevocationsAnswer {
    pub(super) revocation_list: String,
    /// The signed answer with the server time, for the request's nonce.
    pub(super) answer: Option<String>,
}

impl FromJson for RevocationsAnswer {
    fn from_json(value: Value) -> std::result::Result<Self, String> {
        let mut m = Members::of(value, "the answer")?;
        Ok(RevocationsAnswer { revocation_list: m.required("revocationList")?, answer: m.optional("answer")? })
    }
}

pub(super) struct ReportsAnswer {
    /// The authority's signed answer; reports are marked sent only from it.
    pub(super) answer: Option<String>,
}

impl FromJson for ReportsAnswer {
    fn from_json(value: Value) -> std::result::Result<Self, String> {
        Ok(ReportsAnswer { answer: Members::of(value, "the answer")?.optional("answer")? })
    }
}

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

pub(super) struct ReportVerdict {
    pub(super) index: usize,
    pub(super) id: Option<String>,
    pub(super) verdict: String,
}

impl FromJson for ReportVerdict {
    fn from_json(value: Value) -> std::result::Result<Self, String> {
        let mut m = Members::of(value, "a verdict")?;
        Ok(ReportVerdict { index: m.required("index")?, id: m.optional("id")?, verdict: m.required("verdict")? })
    }
}

