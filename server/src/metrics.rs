//! Monitoring: counters and a latency histogram kept in memory since start, gauges read from
//! the database when scraped, exposed for Prometheus by `prometheus-client` (OpenMetrics text)
//! at `GET /metrics`. Every name starts with `offsign_`.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::{counter::Counter, family::Family, gauge::Gauge, histogram::Histogram};
use prometheus_client::registry::Registry;
use std::time::Duration;

/// Upper bounds (seconds) of the request-latency histogram buckets.
const BUCKETS: [f64; 11] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// The media type of [`Metrics::render`]'s text.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct VerdictLabels {
    verdict: String,
    code: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CodeLabels {
    code: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    status: u16,
}

/// What the server counts while it runs, registered once for the exposition.
pub struct Metrics {
    registry: Registry,
    records: Family<VerdictLabels, Counter>,
    reports: Family<CodeLabels, Counter>,
    rate_limited: Counter,
    evidence: Family<OutcomeLabels, Counter>,
    requests: Family<RequestLabels, Histogram, fn() -> Histogram>,
    records_stored: Gauge,
    chain_gaps: Gauge,
    links_broken: Gauge,
    expiring_within_14_days: Gauge,
    devices_silent: Gauge,
}

/// Gauges read from the database when scraped.
pub struct Gauges {
    /// Records stored.
    pub records_stored: u64,
    /// Records stored with a gap before them in their chain.
    pub chain_gaps: u64,
    /// Keys enrolled in place of another whose chain does not link to them.
    pub links_broken: u64,
    /// Workers whose newest live certificate expires within 14 days.
    pub expiring_within_14_days: u64,
    /// Devices with a live certificate not heard from for
    /// [`crate::storage::SILENT_AFTER_MS`].
    pub devices_silent: u64,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::default();
        let records = Family::<VerdictLabels, Counter>::default();
        let reports = Family::<CodeLabels, Counter>::default();
        let rate_limited = Counter::default();
        let evidence = Family::<OutcomeLabels, Counter>::default();
        let requests = Family::<RequestLabels, Histogram, fn() -> Histogram>::new_with_constructor(|| Histogram::new(BUCKETS));
        let (records_stored, chain_gaps, links_broken, expiring_within_14_days, devices_silent): (Gauge, Gauge, Gauge, Gauge, Gauge) = Default::default();
        // Counters are exposed with the suffix `_total`.
        registry.register("offsign_records", "Records answered, by verdict and rejection code", records.clone());
        registry.register("offsign_failure_reports", "Failure reports stored, by error code", reports.clone());
        registry.register("offsign_rate_limited", "Requests refused with 429 by the rate limit", rate_limited.clone());
        registry.register(
            "offsign_evidence",
            "Whole evidence uploads: stored, or refused with digest_mismatch or malformed_evidence",
            evidence.clone(),
        );
        registry.register("offsign_records_stored", "Records stored", records_stored.clone());
        registry.register("offsign_chain_gaps", "Stored records whose predecessor in the chain had not arrived", chain_gaps.clone());
        registry.register(
            "offsign_chain_links_broken",
            "Keys enrolled in place of another whose old chain does not end where they said (another record there, or records after it)",
            links_broken.clone(),
        );
        registry.register(
            "offsign_certificates_expiring_14d",
            "Workers whose newest unrevoked certificate expires within 14 days",
            expiring_within_14_days.clone(),
        );
        registry.register(
            "offsign_devices_silent",
            "Devices with a live certificate not heard from (record, report or status) for 3 days",
            devices_silent.clone(),
        );
        registry.register("offsign_http_request_duration_seconds", "Request latency by route and status", requests.clone());
        Metrics { registry, records, reports, rate_limited, evidence, requests, records_stored, chain_gaps, links_broken, expiring_within_14_days, devices_silent }
    }
}

impl Metrics {
    /// Counts one record verdict.
    pub fn record(&self, verdict: &str, code: Option<&str>) {
        self.records.get_or_create(&VerdictLabels { verdict: verdict.to_owned(), code: code.unwrap_or("").to_owned() }).inc();
    }

    /// Counts one stored failure report.
    pub fn report(&self, code: &str) {
        // Codes come from devices: only the codes of the error table become labels, so a
        // device cannot grow the set of series.
        let code = if offsign::ErrorCode::parse(code).is_some() { code } else { "other" }.to_owned();
        self.reports.get_or_create(&CodeLabels { code }).inc();
    }

    /// Counts one whole evidence upload: `stored`, or the code it was refused with.
    pub fn evidence(&self, outcome: &str) {
        self.evidence.get_or_create(&OutcomeLabels { outcome: outcome.to_owned() }).inc();
    }

    /// Counts one request refused by the rate limit.
    pub fn rate_limited(&self) {
        self.rate_limited.inc();
    }

    /// Observes one request's latency.
    pub fn request(&self, route: &str, status: u16, elapsed: Duration) {
        self.requests.get_or_create(&RequestLabels { route: route.to_owned(), status }).observe(elapsed.as_secs_f64());
    }

    /// The OpenMetrics text exposition ([`CONTENT_TYPE`]), with `gauges` as read now.
    pub fn render(&self, gauges: &Gauges) -> String {
        let clamp = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        self.records_stored.set(clamp(gauges.records_stored));
        self.chain_gaps.set(clamp(gauges.chain_gaps));
        self.links_broken.set(clamp(gauges.links_broken));
        self.expiring_within_14_days.set(clamp(gauges.expiring_within_14_days));
        self.devices_silent.set(clamp(gauges.devices_silent));
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry).expect("writing to a String cannot fail");
        out
    }
}

/// The per-client rate limit: governor's GCRA keyed by address, `rate` requests a second with
/// bursts of `2 × rate`; `None` when off.
pub struct RateLimit(Option<governor::DefaultKeyedRateLimiter<std::net::IpAddr>>);

/// Past this many addresses tracked, those whose allowance is full again are forgotten, so a
/// flood from many addresses cannot grow the table without bound.
const MAX_TRACKED_CLIENTS: usize = 100_000;

impl RateLimit {
    /// A limit of `rate` requests per second per address; 0 turns it off.
    pub fn new(rate: u32) -> Self {
        RateLimit(std::num::NonZeroU32::new(rate).map(|rate| {
            let burst = rate.saturating_mul(std::num::NonZeroU32::MIN.saturating_add(1));
            governor::RateLimiter::keyed(governor::Quota::per_second(rate).allow_burst(burst))
        }))
    }

    /// Takes one request's allowance for `ip`; `Err(seconds)` to wait (at least 1) when it
    /// has none left.
    pub fn take(&self, ip: std::net::IpAddr) -> Result<(), u64> {
        let Some(limiter) = &self.0 else { return Ok(()) };
        if limiter.len() > MAX_TRACKED_CLIENTS {
            limiter.retain_recent();
        }
        limiter.check_key(&ip).map_err(|not_until| {
            let wait = not_until.wait_time_from(governor::clock::Clock::now(limiter.clock()));
            wait.as_secs_f64().ceil().max(1.0) as u64
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exposition_has_counters_gauges_and_cumulative_buckets() {
        let m = Metrics::default();
        m.record("accepted", None);
        m.record("rejected", Some("cert_revoked"));
        m.report("wrong_pin");
        m.report("evil\"} 1\nfake");
        m.request("/v1/records", 200, Duration::from_millis(30));
        m.evidence("digest_mismatch");
        let text = m.render(&Gauges { records_stored: 1, chain_gaps: 0, links_broken: 4, expiring_within_14_days: 2, devices_silent: 3 });
        assert!(text.contains("offsign_records_total{verdict=\"rejected\",code=\"cert_revoked\"} 1"), "{text}");
        assert!(text.contains("offsign_failure_reports_total{code=\"wrong_pin\"} 1"));
        assert!(text.contains("offsign_failure_reports_total{code=\"other\"} 1"), "device codes cannot inject lines or new series");
        assert!(text.contains("offsign_certificates_expiring_14d 2"));
        assert!(text.contains("offsign_chain_links_broken 4"), "{text}");
        assert!(text.contains("offsign_evidence_total{outcome=\"digest_mismatch\"} 1"), "{text}");
        assert!(text.contains("offsign_devices_silent 3"));
        assert!(text.contains("offsign_http_request_duration_seconds_bucket{le=\"0.025\",route=\"/v1/records\",status=\"200\"} 0"));
        assert!(text.contains("offsign_http_request_duration_seconds_bucket{le=\"0.05\",route=\"/v1/records\",status=\"200\"} 1"));
        assert!(text.contains("offsign_http_request_duration_seconds_count{route=\"/v1/records\",status=\"200\"} 1"));
        assert!(text.ends_with("# EOF\n"), "OpenMetrics text");
    }

    #[test]
    fn the_rate_limit_allows_a_burst_then_asks_to_wait() {
        let limit = RateLimit::new(5);
        let ip: std::net::IpAddr = "127.0.0.1".parse().unwrap();
        assert!((0..10).all(|_| limit.take(ip).is_ok()), "a burst of 2 × rate");
        assert_eq!(limit.take(ip), Err(1));
        assert!(limit.take("127.0.0.2".parse().unwrap()).is_ok(), "per address");
        assert!((0..100).all(|_| RateLimit::new(0).take(ip).is_ok()), "0 is off");
    }
}
