//! `diagnose()`: the signing system inspects itself and says, check by check, what is fine,
//! what needs attention and what to do. Pure: the browser layer gathers the facts.

use crate::cert::PolicyOptions;
use crate::error::{Error, ErrorCode};
use crate::rows::IdentityRow;
use crate::time::{Timestamp, DAY_MS};
use serde::Serialize;

/// How a check came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Nothing to do.
    Ok,
    /// Works, but act soon.
    Warn,
    /// Broken: signing or keeping records is at risk now.
    Fail,
}

impl Status {
    /// The word written in JSON: `ok`, `warn` or `fail`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warn => "warn",
            Status::Fail => "fail",
        }
    }
}

/// One line of the diagnosis.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Check {
    /// A stable identifier, e.g. `certificate`.
    pub id: String,
    /// How it came out.
    pub status: Status,
    /// What was found, for people: "120 days left".
    pub value: String,
    /// What to do, when the status is not ok.
    pub remedy: Option<String>,
}

/// The outbox at a glance.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OutboxSummary {
    /// Records not yet accepted or rejected by the server.
    pub pending: u32,
    /// When the oldest of them was signed.
    pub oldest_pending: Option<String>,
    /// Records the server refused.
    pub rejected: u32,
    /// Documents and signature images kept sealed for the server, not yet stored by it.
    pub evidence_pending: u32,
    /// Their sealed bytes on this device.
    pub evidence_pending_bytes: u64,
}

/// What the browser layer found out.
#[derive(Clone, Debug)]
pub struct Facts {
    /// The (trusted) time now.
    pub now: Timestamp,
    /// Whether secure randomness works.
    pub randomness: Result<(), Error>,
    /// Whether a write to the database succeeded.
    pub storage_writable: Result<(), Error>,
    /// `navigator.storage.persisted()`, or `None` where the browser lacks the API.
    pub persisted: Option<bool>,
    /// `navigator.storage.estimate()` as (usage, quota) bytes, where available.
    pub usage: Option<(f64, f64)>,
    /// The identities on the device.
    pub identities: Vec<IdentityRow>,
    /// The outbox.
    pub outbox: OutboxSummary,
    /// The last successful sync, if any.
    pub last_sync: Option<String>,
    /// Server time minus device time (ms) at the last sync, if any.
    pub server_offset_ms: Option<i64>,
    /// The policy signing applies (when `cert_expiring` starts).
    pub policy: PolicyOptions,
    /// The app's version.
    pub app_version: String,
}

fn check(id: &str, status: Status, value: impl Into<String>, remedy: Option<&str>) -> Check {
    Check { id: id.to_owned(), status, value: value.into(), remedy: remedy.map(str::to_owned) }
}

fn from_result(id: &str, result: &Result<(), Error>, ok: &str) -> Check {
    match result {
        Ok(()) => check(id, Status::Ok, ok, None),
        Err(e) => check(id, Status::Fail, format!("{}: {}", e.code(), e.message()), Some(e.remedy())),
    }
}

/// Evaluates the facts into the list of checks, in a fixed order.
pub fn diagnose(facts: &Facts) -> Vec<Check> {
    let mut checks = vec![
        from_result("randomness", &facts.randomness, "available"),
        from_result("storage_writable", &facts.storage_writable, "writable"),
        match facts.persisted {
            Some(true) => check("storage_persistent", Status::Ok, "granted", None),
            Some(false) => check(
                "storage_persistent",
                Status::Warn,
                "not granted: the browser may clear this app's data when space runs low",
                Some("Install the app (Add to Home screen) and open it from there, then check again."),
            ),
            None => check(
                "storage_persistent",
                Status::Warn,
                "this browser cannot promise to keep the data",
                Some("Sync often so that signed records reach the server soon."),
            ),
        },
        storage_headroom(facts.usage),
    ];
    if facts.identities.is_empty() {
        checks.push(check("identity", Status::Warn, "no identity on this device", Some("Set up this device with the code from your administrator.")));
    }
    for identity in &facts.identities {
        checks.extend(identity_checks(identity, facts.now, facts.policy));
    }
    checks.push(outbox_check(&facts.outbox, facts.now));
    checks.push(evidence_check(&facts.outbox));
    checks.push(if facts.outbox.rejected == 0 {
        check("rejected_records", Status::Ok, "none", None)
    } else {
        check(
            "rejected_records",
            Status::Warn,
            format!("{} refused by the server", facts.outbox.rejected),
            Some("Open the outbox to see why each was refused, and ask your administrator."),
        )
    });
    checks.push(clock_offset_check(facts.server_offset_ms));
    checks.push(match (&facts.last_sync, facts.outbox.pending) {
        (Some(at), _) => check("last_sync", Status::Ok, at.clone(), None),
        (None, 0) => check("last_sync", Status::Ok, "never (nothing to send)", None),
        (None, _) => check("last_sync", Status::Warn, "never", Some("Connect to the internet so that signed records are sent.")),
    });
    checks.push(check("version", Status::Ok, facts.app_version.clone(), None));
    checks
}

fn storage_headroom(usage: Option<(f64, f64)>) -> Check {
    const MIB: f64 = 1024.0 * 1024.0;
    let Some((used, quota)) = usage.filter(|(_, q)| *q > 0.0) else {
        return check("storage_headroom", Status::Warn, "unknown in this browser", None);
    };
    let value = format!("{:.1} MiB used of {:.0} MiB", used / MIB, quota / MIB);
    if quota - used < 5.0 * MIB {
        check("storage_headroom", Status::Fail, value, Some(ErrorCode::StorageFull.default_remedy()))
    } else if used / quota > 0.8 {
        check("storage_headroom", Status::Warn, value, Some(ErrorCode::StorageFull.default_remedy()))
    } else {
        check("storage_headroom", Status::Ok, value, None)
    }
}

/// The certificate, revocation list and clock of one identity.
fn identity_checks(identity: &IdentityRow, now: Timestamp, policy: PolicyOptions) -> Vec<Check> {
    let prefix = |what: &str| format!("{what}:{}", identity.label);
    let mut checks = Vec::new();
    match &identity.credentials {
        None => checks.push(check(
            &prefix("certificate"),
            Status::Warn,
            "not enrolled",
            Some(ErrorCode::NotEnrolled.default_remedy()),
        )),
        Some(stored) => {
            match stored.check_policy(&identity.kid, now, policy) {
                Err(e) => checks.push(check(&prefix("certificate"), Status::Fail, e.code().as_str(), Some(e.remedy()))),
                Ok(v) => {
                    let days_left = (v.certificate.exp.millis() - now.millis()) / DAY_MS;
                    let expiring = v.warnings.iter().find(|w| w.code() == ErrorCode::CertExpiring);
                    checks.push(match expiring {
                        Some(w) => check(&prefix("certificate"), Status::Warn, format!("{days_left} days left"), Some(w.remedy())),
                        None => check(&prefix("certificate"), Status::Ok, format!("{days_left} days left"), None),
                    });
                    let stale = v.warnings.iter().find(|w| w.code() == ErrorCode::RevocationListStale);
                    checks.push(match stale {
                        Some(w) => check(&prefix("revocation_list"), Status::Warn, w.message(), Some(w.remedy())),
                        None => check(&prefix("revocation_list"), Status::Ok, "up to date", None),
                    });
                }
            }
        }
    }
    let last = identity.chain.as_ref().map(|c| c.signed_at);
    checks.push(match last {
        Some(last) if now < last => check(
            &prefix("clock"),
            Status::Fail,
            format!("device time {now} is before the last signature {last}"),
            Some(ErrorCode::ClockSkew.default_remedy()),
        ),
        _ => check(&prefix("clock"), Status::Ok, now.to_string(), None),
    });
    checks
}

/// How far the device clock is from the server's, as learned at the last sync (signatures
/// already use the corrected time).
fn clock_offset_check(offset_ms: Option<i64>) -> Check {
    const TOLERATED_MS: i64 = 5 * 60_000;
    match offset_ms {
        None => check("clock_offset", Status::Ok, "not measured yet (measured at each sync)", None),
        Some(ms) if ms.abs() <= TOLERATED_MS => check("clock_offset", Status::Ok, format!("within {} s of the server", (ms.abs() + 999) / 1000), None),
        Some(ms) => check(
            "clock_offset",
            Status::Warn,
            format!("the device clock is {} minutes {} the server's; signatures use the server's time", ms.abs() / 60_000, if ms > 0 { "behind" } else { "ahead of" }),
            Some("Set the device to automatic date and time."),
        ),
    }
}

/// The documents and images waiting for the server, and the room they take on the device (the
/// storage checks count it in the browser's usage).
fn evidence_check(outbox: &OutboxSummary) -> Check {
    match outbox.evidence_pending {
        0 => check("pending_evidence", Status::Ok, "none waiting", None),
        n => {
            let files = if n == 1 { "1 document or image" } else { "documents and images" };
            let count = if n == 1 { String::new() } else { format!("{n} ") };
            let size = outbox.evidence_pending_bytes as f64 / (1024.0 * 1024.0);
            check("pending_evidence", Status::Ok, format!("{count}{files} ({size:.1} MiB) waiting to be sent"), None)
        }
    }
}

fn outbox_check(outbox: &OutboxSummary, now: Timestamp) -> Check {
    let oldest = outbox.oldest_pending.as_deref().and_then(|t| Timestamp::parse_rfc3339(t).ok());
    match oldest {
        None => check("pending_records", Status::Ok, "none waiting", None),
        Some(oldest) => {
            let hours = (now.millis() - oldest.millis()).max(0) / 3_600_000;
            let value = format!("{} waiting, oldest {hours} h", outbox.pending);
            if hours >= 24 {
                check("pending_records", Status::Warn, value, Some("Connect to the internet so that signed records are sent."))
            } else {
                check("pending_records", Status::Ok, value, None)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cert::Authority;
    use crate::keys::Identity;
    use crate::rows::{Lockout, StoredCredentials};
    use crate::vault::{seal, KdfParams};

    fn t(s: &str) -> Timestamp {
        Timestamp::parse_rfc3339(s).unwrap()
    }

    fn facts(now: &str, identities: Vec<IdentityRow>) -> Facts {
        Facts {
            now: t(now),
            randomness: Ok(()),
            storage_writable: Ok(()),
            persisted: Some(true),
            usage: Some((10.0 * 1024.0 * 1024.0, 1024.0 * 1024.0 * 1024.0)),
            identities,
            outbox: OutboxSummary::default(),
            last_sync: None,
            server_offset_ms: None,
            policy: PolicyOptions::default(),
            app_version: "1.2.3".into(),
        }
    }

    fn enrolled(exp: &str) -> IdentityRow {
        let id = Identity::generate().unwrap();
        let authority = Authority::new(Identity::generate().unwrap(), "CA");
        let jwk = id.public_key().to_jwk();
        let certificate = authority.issue_certificate("s-1", "w", &jwk, t("2026-01-01T00:00:00Z"), t(exp)).unwrap();
        let list = authority.issue_revocation_list(vec![], t("2026-11-01T00:00:00Z"), t("2026-11-30T00:00:00Z")).unwrap();
        IdentityRow {
            kid: id.kid().into(),
            label: "Jones".into(),
            sealed: seal(&id, "482913", KdfParams::MIN).unwrap(),
            public_jwk: jwk,
            credentials: Some(StoredCredentials { authority: authority.public_key().to_jwk(), certificate, revocation_list: Some(list), evidence_key: None }),
            chain: None,
            lockout: Lockout::default(),
            created_at: "2026-11-01T00:00:00.000Z".into(),
            replaced_by: None,
        }
    }

    fn status_of<'a>(checks: &'a [Check], id: &str) -> (&'a str, Status) {
        let c = checks.iter().find(|c| c.id == id).unwrap_or_else(|| panic!("no check {id}"));
        (c.value.as_str(), c.status)
    }

    #[test]
    fn a_healthy_device_is_all_ok() {
        let checks = diagnose(&facts("2026-11-10T00:00:00Z", vec![enrolled("2027-02-08T00:00:00Z")]));
        assert!(checks.iter().all(|c| c.status == Status::Ok && c.remedy.is_none()), "{checks:#?}");
        assert_eq!(status_of(&checks, "certificate:Jones"), ("90 days left", Status::Ok));
        assert_eq!(status_of(&checks, "version"), ("1.2.3", Status::Ok));
    }

    #[test]
    fn problems_come_with_remedies() {
        let mut f = facts("2026-11-25T00:00:00Z", vec![enrolled("2026-12-01T00:00:00Z")]);
        f.randomness = Err(Error::new(ErrorCode::RandomnessUnavailable, "no crypto"));
        f.persisted = Some(false);
        f.usage = Some((1000.0 * 1024.0 * 1024.0, 1002.0 * 1024.0 * 1024.0));
        f.outbox = OutboxSummary { pending: 3, oldest_pending: Some("2026-11-23T00:00:00.000Z".into()), rejected: 1, evidence_pending: 4, evidence_pending_bytes: 6 << 20 };
        f.identities[0].chain = Some(crate::ChainHead { seq: 1, hash: "h".into(), signed_at: Timestamp::parse_rfc3339("2026-11-26T00:00:00.000Z").unwrap() });
        let checks = diagnose(&f);
        assert_eq!(status_of(&checks, "randomness").1, Status::Fail);
        assert_eq!(status_of(&checks, "storage_persistent").1, Status::Warn);
        assert_eq!(status_of(&checks, "storage_headroom"), ("1000.0 MiB used of 1002 MiB", Status::Fail));
        assert_eq!(status_of(&checks, "certificate:Jones"), ("6 days left", Status::Warn));
        assert_eq!(status_of(&checks, "clock:Jones").1, Status::Fail);
        assert_eq!(status_of(&checks, "pending_records"), ("3 waiting, oldest 48 h", Status::Warn));
        assert_eq!(status_of(&checks, "pending_evidence"), ("4 documents and images (6.0 MiB) waiting to be sent", Status::Ok));
        assert_eq!(status_of(&checks, "rejected_records").1, Status::Warn);
        assert_eq!(status_of(&checks, "last_sync"), ("never", Status::Warn));
        assert_eq!(status_of(&checks, "clock_offset").1, Status::Ok);
        f.server_offset_ms = Some(-3_600_000);
        let skewed = diagnose(&f);
        assert_eq!(status_of(&skewed, "clock_offset"), ("the device clock is 60 minutes ahead of the server's; signatures use the server's time", Status::Warn));
        assert!(checks.iter().filter(|c| c.status != Status::Ok).all(|c| c.remedy.as_ref().is_some_and(|r| r.ends_with('.'))));

        let expired = diagnose(&facts("2026-12-02T00:00:00Z", vec![enrolled("2026-12-01T00:00:00Z")]));
        assert_eq!(status_of(&expired, "certificate:Jones"), ("cert_expired", Status::Fail));
        let none = diagnose(&facts("2026-12-02T00:00:00Z", vec![]));
        assert_eq!(status_of(&none, "identity").1, Status::Warn);
    }
}
