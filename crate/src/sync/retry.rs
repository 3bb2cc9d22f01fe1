//! How the client retries: exponential backoff with full jitter, and `Retry-After`.

use crate::time::Timestamp;


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
pub(super) fn parse_http_date(value: &str) -> Option<Timestamp> {
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

/// A uniform random value in [0, 1) for jitter.
pub(super) fn unit_random() -> f64 {
    let mut bytes = [0u8; 4];
    let _ = crate::random::fill(&mut bytes);
    f64::from(u32::from_le_bytes(bytes)) / 4_294_967_296.0
}

