//! Monitoring: counters kept in memory since start, gauges read from the database, and the
//! Prometheus text format for `GET /metrics`. Every name starts with `offsign_`.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds (seconds) of the request-latency histogram buckets.
const BUCKETS: [f64; 11] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// One latency histogram.
#[derive(Default, Clone)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// What the server counts while it runs.
#[derive(Default)]
pub struct Metrics {
    inner: Mutex<Counters>,
}

#[derive(Default)]
struct Counters {
    /// (verdict, code) → records.
    records: BTreeMap<(String, String), u64>,
    /// code → failure reports stored.
    reports: BTreeMap<String, u64>,
    /// (route, status) → latency histogram.
    requests: BTreeMap<(String, u16), Histogram>,
    /// Requests refused by the rate limit.
    rate_limited: u64,
}

/// Gauges read from the database when scraped.
pub struct Gauges {
    /// Records stored.
    pub records_stored: u64,
    /// Records stored with a gap before them in their chain.
    pub chain_gaps: u64,
    /// Workers whose newest live certificate expires within 14 days.
    pub expiring_within_14_days: u64,
}

impl Metrics {
    fn counters(&self) -> std::sync::MutexGuard<'_, Counters> {
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Counts one record verdict.
    pub fn record(&self, verdict: &str, code: Option<&str>) {
        *self.counters().records.entry((verdict.to_owned(), code.unwrap_or("").to_owned())).or_default() += 1;
    }

    /// Counts one stored failure report.
    pub fn report(&self, code: &str) {
        // Codes come from devices: only the codes of the error table become labels, so a
        // device cannot grow the set of series.
        let code = if offsign::ErrorCode::parse(code).is_some() { code } else { "other" }.to_owned();
        *self.counters().reports.entry(code).or_default() += 1;
    }

    /// Counts one request refused by the rate limit.
    pub fn rate_limited(&self) {
        self.counters().rate_limited += 1;
    }

    /// Observes one request's latency.
    pub fn request(&self, route: &str, status: u16, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        let mut counters = self.counters();
        let h = counters.requests.entry((route.to_owned(), status)).or_default();
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                h.counts[i] += 1;
            }
        }
        h.count += 1;
        h.sum += seconds;
    }

    /// The Prometheus text exposition.
    pub fn render(&self, gauges: &Gauges) -> String {
        use std::fmt::Write;
        let c = self.counters();
        let mut out = String::new();
        let _ = writeln!(out, "# HELP offsign_records_total Records answered, by verdict and rejection code.");
        let _ = writeln!(out, "# TYPE offsign_records_total counter");
        for ((verdict, code), n) in &c.records {
            let _ = writeln!(out, "offsign_records_total{{verdict=\"{verdict}\",code=\"{code}\"}} {n}");
        }
        let _ = writeln!(out, "# HELP offsign_failure_reports_total Failure reports stored, by error code.");
        let _ = writeln!(out, "# TYPE offsign_failure_reports_total counter");
        for (code, n) in &c.reports {
            let _ = writeln!(out, "offsign_failure_reports_total{{code=\"{code}\"}} {n}");
        }
        let _ = writeln!(out, "# HELP offsign_rate_limited_total Requests refused with 429 by the rate limit.");
        let _ = writeln!(out, "# TYPE offsign_rate_limited_total counter");
        let _ = writeln!(out, "offsign_rate_limited_total {}", c.rate_limited);
        let gauges_list = [
            ("offsign_records_stored", "Records stored.", gauges.records_stored),
            ("offsign_chain_gaps", "Stored records whose predecessor in the chain had not arrived.", gauges.chain_gaps),
            (
                "offsign_certificates_expiring_14d",
                "Workers whose newest unrevoked certificate expires within 14 days.",
                gauges.expiring_within_14_days,
            ),
        ];
        for (name, help, value) in gauges_list {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}");
        }
        let name = "offsign_http_request_duration_seconds";
        let _ = writeln!(out, "# HELP {name} Request latency by route and status.\n# TYPE {name} histogram");
        for ((route, status), h) in &c.requests {
            let labels = format!("route=\"{route}\",status=\"{status}\"");
            for (bound, count) in BUCKETS.iter().zip(h.counts) {
                let _ = writeln!(out, "{name}_bucket{{{labels},le=\"{bound}\"}} {count}");
            }
            let _ = writeln!(out, "{name}_bucket{{{labels},le=\"+Inf\"}} {}", h.count);
            let _ = writeln!(out, "{name}_sum{{{labels}}} {}", h.sum);
            let _ = writeln!(out, "{name}_count{{{labels}}} {}", h.count);
        }
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
        let text = m.render(&Gauges { records_stored: 1, chain_gaps: 0, expiring_within_14_days: 2 });
        assert!(text.contains("offsign_records_total{verdict=\"rejected\",code=\"cert_revoked\"} 1"), "{text}");
        assert!(text.contains("offsign_failure_reports_total{code=\"wrong_pin\"} 1"));
        assert!(text.contains("offsign_failure_reports_total{code=\"other\"} 1"), "device codes cannot inject lines or new series");
        assert!(text.contains("offsign_certificates_expiring_14d 2"));
        assert!(text.contains("offsign_http_request_duration_seconds_bucket{route=\"/v1/records\",status=\"200\",le=\"0.025\"} 0"));
        assert!(text.contains("offsign_http_request_duration_seconds_bucket{route=\"/v1/records\",status=\"200\",le=\"0.05\"} 1"));
        assert!(text.contains("offsign_http_request_duration_seconds_count{route=\"/v1/records\",status=\"200\"} 1"));
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
