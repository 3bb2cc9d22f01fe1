//! What the device and the server say to each other: the wire types of `/v1`, the signed
//! messages a device sends besides records (renewal requests, failure reports), and the retry
//! policy of the client.

use crate::error::{Error, ErrorCode, Result};
use crate::jws::{self, Jws};
use crate::keys::{Identity, PublicKey};
use crate::store::ReportRow;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// Records per `POST /v1/records`.
pub const MAX_SYNC_BATCH: usize = 500;
/// The JWS `typ` of a renewal request.
pub const RENEWAL_TYP: &str = "offsign-renewal+jws";
/// The JWS `typ` of a failure report.
pub const REPORT_TYP: &str = "offsign-report+jws";

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
    jws::sign(identity, RENEWAL_TYP, &serde_json::to_vec(&request).expect("a request serializes"))
}

/// Reads a renewal request without verifying it (the server needs its serial to find the key).
pub fn inspect_renewal_request(jws_text: &str) -> Result<RenewalRequest> {
    read::<RenewalRequest>(jws_text, RENEWAL_TYP, None)
}

/// Verifies a renewal request against the key of the certificate it names.
pub fn verify_renewal_request(jws_text: &str, key: &PublicKey) -> Result<RenewalRequest> {
    read::<RenewalRequest>(jws_text, RENEWAL_TYP, Some(key))
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
    jws::sign(identity, REPORT_TYP, &serde_json::to_vec(&signed).expect("a report serializes"))
}

/// Reads a signed report without verifying it.
pub fn inspect_report(jws_text: &str) -> Result<SignedReport> {
    read::<SignedReport>(jws_text, REPORT_TYP, None)
}

/// Verifies a signed report against its signer's key.
pub fn verify_report(jws_text: &str, key: &PublicKey) -> Result<SignedReport> {
    read::<SignedReport>(jws_text, REPORT_TYP, Some(key))
}

fn read<T: serde::de::DeserializeOwned>(jws_text: &str, typ: &str, key: Option<&PublicKey>) -> Result<T> {
    let parsed = Jws::parse(jws_text)?;
    if parsed.header.typ.as_deref() != Some(typ) {
        return Err(Error::new(ErrorCode::MalformedJws, format!("typ is not {typ}")));
    }
    if let Some(key) = key {
        parsed.verify(key)?;
    }
    parsed.payload_json(ErrorCode::MalformedJws)
}

/// How the client retries when the server cannot answer (network down, 5xx, 429): exponential
/// backoff with full jitter, capped, and never sooner than the server's `Retry-After`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    /// The first delay's ceiling (ms).
    pub base_ms: u64,
    /// No delay's ceiling exceeds this (ms).
    pub cap_ms: u64,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff { base_ms: 1_000, cap_ms: 5 * 60_000 }
    }
}

impl Backoff {
    /// The delay before retry number `attempt` (1 for the first retry): a uniformly random
    /// time up to `min(cap, base · 2^(attempt−1))` ("full jitter"), raised to `retry_after_ms`
    /// when the server asked for that. `random` is a uniform value in [0, 1).
    pub fn delay_ms(&self, attempt: u32, retry_after_ms: Option<u64>, random: f64) -> u64 {
        let ceiling = self.base_ms.saturating_mul(1u64 << attempt.saturating_sub(1).min(30)).min(self.cap_ms);
        let jittered = (ceiling as f64 * random.clamp(0.0, 1.0)) as u64;
        jittered.max(retry_after_ms.unwrap_or(0).min(self.cap_ms.max(3_600_000)))
    }
}

/// A `Retry-After` header value in milliseconds: delay-seconds, or an HTTP date after `now`.
pub fn parse_retry_after(value: &str, now: Timestamp) -> Option<u64> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(seconds.saturating_mul(1000));
    }
    let at = parse_http_date(value)?;
    Some(at.millis().saturating_sub(now.millis()).max(0) as u64)
}

/// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`).
fn parse_http_date(value: &str) -> Option<Timestamp> {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let mut parts = value.split_whitespace().skip(1);
    let day: u32 = parts.next()?.parse().ok()?;
    let month_name = parts.next()?;
    let month = MONTHS.iter().position(|m| *m == month_name)? + 1;
    let year: u32 = parts.next()?.parse().ok()?;
    let time = parts.next()?;
    (parts.next()? == "GMT").then_some(())?;
    Timestamp::parse_rfc3339(&format!("{year:04}-{month:02}-{day:02}T{time}Z")).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::ReportState;

    fn t(s: &str) -> Timestamp {
        Timestamp::parse_rfc3339(s).unwrap()
    }

    #[test]
    fn renewal_requests_and_reports_verify_only_with_the_signers_key() {
        let me = Identity::generate().unwrap();
        let other = Identity::generate().unwrap();
        let request = renewal_request(&me, "s-1", t("2026-11-25T08:00:00Z")).unwrap();
        assert_eq!(inspect_renewal_request(&request).unwrap().serial, "s-1");
        assert_eq!(verify_renewal_request(&request, me.public_key()).unwrap().requested_at, "2026-11-25T08:00:00.000Z");
        assert_eq!(verify_renewal_request(&request, other.public_key()).unwrap_err().code(), ErrorCode::BadSignature);

        let report = ReportRow {
            id: "r".into(),
            fingerprint: "wrong_pin|unlock|k".into(),
            code: "wrong_pin".into(),
            message: "m".into(),
            remedy: "r".into(),
            operation: "unlock".into(),
            kid: Some("k".into()),
            first_at: "2026-11-25T08:00:00.000Z".into(),
            last_at: "2026-11-25T08:00:00.000Z".into(),
            count: 2,
            app_version: "1".into(),
            user_agent: "ua".into(),
            comment: None,
            state: ReportState::Pending,
        };
        let signed = sign_report(&me, "s-1", &report).unwrap();
        assert_eq!(verify_report(&signed, me.public_key()).unwrap().report, report);
        assert_eq!(inspect_report(&signed).unwrap().cert, "s-1");
        assert_eq!(verify_report(&signed, other.public_key()).unwrap_err().code(), ErrorCode::BadSignature);
        assert_eq!(inspect_report(&request).unwrap_err().code(), ErrorCode::MalformedJws, "a renewal request is no report");
    }

    #[test]
    fn backoff_grows_with_full_jitter_under_a_cap_and_honours_retry_after() {
        let b = Backoff { base_ms: 1_000, cap_ms: 60_000 };
        assert_eq!(b.delay_ms(1, None, 0.999_999), 999);
        assert_eq!(b.delay_ms(3, None, 0.5), 2_000);
        assert_eq!(b.delay_ms(20, None, 0.999_999), 59_999, "capped");
        assert_eq!(b.delay_ms(1, None, 0.0), 0, "full jitter reaches zero");
        assert_eq!(b.delay_ms(1, Some(30_000), 0.1), 30_000, "never before Retry-After");
        assert_eq!(parse_retry_after("120", t("2026-11-25T08:00:00Z")), Some(120_000));
        assert_eq!(parse_retry_after("Wed, 25 Nov 2026 08:01:30 GMT", t("2026-11-25T08:00:00Z")), Some(90_000));
        assert_eq!(parse_retry_after("soon", t("2026-11-25T08:00:00Z")), None);
    }
}
