//! `diagnose()`: the signing system inspects itself and says, check by check, what is fine,
//! what needs attention and what to do. Pure: the browser layer gathers the facts.

use crate::cert::PolicyOptions;
use crate::error::{Error, ErrorCode};
use crate::rows::IdentityRow;
use crate::time::{Timestamp, DAY_MS};
use crate::words::*;
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

/// One line of the diagnosis. What was found and what to do are each in English and as
/// [`Words`], for an app that speaks the worker's language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Check {
    /// A stable identifier, e.g. `certificate`.
    pub id: String,
    /// How it came out.
    pub status: Status,
    /// What was found, for people: "120 days left".
    pub value: String,
    /// The same as a phrase with its specifics.
    pub value_words: Words,
    /// What to do, when the status is not ok.
    pub remedy: Option<String>,
    /// The error code whose remedy `remedy` is, when it is one (its words are the table's).
    pub code: Option<ErrorCode>,
    /// The remedy as a phrase with its specifics, when it is not a code's remedy as the table
    /// words it.
    pub remedy_words: Option<Words>,
}

/// What a check says to do: nothing, an error's remedy, or one of the health checks' own.
enum Remedy<'a> {
    None,
    Of(&'a Error),
    Code(ErrorCode),
    Own(&'static Phrase, &'static str),
}

impl Check {
    fn new(id: &str, status: Status, value: impl Into<String>, value_words: Words, remedy: Remedy) -> Check {
        let (remedy, code, remedy_words) = match remedy {
            Remedy::None => (None, None, None),
            Remedy::Of(e) => (Some(e.remedy().to_owned()), e.remedy_words().is_none().then_some(e.code()), e.remedy_words().cloned()),
            Remedy::Code(code) => (Some(code.default_remedy().to_owned()), Some(code), None),
            Remedy::Own(phrase, english) => (Some(english.to_owned()), None, Some(Words::plain(phrase))),
        };
        Check { id: id.to_owned(), status, value: value.into(), value_words, remedy, code, remedy_words }
    }

    /// A check that failed with `error`: its code as the value, its remedy.
    pub(crate) fn failed(id: &str, error: &Error) -> Check {
        let code = error.code().as_str();
        Check::new(id, Status::Fail, format!("{code}: {}", error.message()), Words::new(&FAILED_WITH, vec![Arg::Text(code.to_owned())]), Remedy::Of(error))
    }
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

fn from_result(id: &str, result: &Result<(), Error>, ok: &'static Phrase, english: &str) -> Check {
    match result {
        Ok(()) => Check::new(id, Status::Ok, english, Words::plain(ok), Remedy::None),
        Err(e) => Check::failed(id, e),
    }
}

/// Evaluates the facts into the list of checks, in a fixed order.
pub fn diagnose(facts: &Facts) -> Vec<Check> {
    let mut checks = vec![
        from_result("randomness", &facts.randomness, &RANDOMNESS_AVAILABLE, "available"),
        from_result("storage_writable", &facts.storage_writable, &STORAGE_WRITABLE, "writable"),
        match facts.persisted {
            Some(true) => Check::new("storage_persistent", Status::Ok, "granted", Words::plain(&PERSISTENCE_GRANTED), Remedy::None),
            Some(false) => Check::new(
                "storage_persistent",
                Status::Warn,
                "not granted: the browser may clear this app's data when space runs low",
                Words::plain(&PERSISTENCE_NOT_GRANTED),
                Remedy::Own(&INSTALL_THE_APP, "Install the app (Add to Home screen) and open it from there, then check again."),
            ),
            None => Check::new(
                "storage_persistent",
                Status::Warn,
                "this browser cannot promise to keep the data",
                Words::plain(&PERSISTENCE_UNSUPPORTED),
                Remedy::Own(&SYNC_OFTEN, "Sync often so that signed records reach the server soon."),
            ),
        },
        storage_headroom(facts.usage),
    ];
    if facts.identities.is_empty() {
        checks.push(Check::new(
            "identity",
            Status::Warn,
            "no identity on this device",
            Words::plain(&NO_IDENTITY),
            Remedy::Own(&SET_UP_THIS_DEVICE, "Set up this device with the code from your administrator."),
        ));
    }
    for identity in &facts.identities {
        checks.extend(identity_checks(identity, facts.now, facts.policy));
    }
    checks.push(outbox_check(&facts.outbox, facts.now));
    checks.push(evidence_check(&facts.outbox));
    checks.push(match facts.outbox.rejected {
        0 => Check::new("rejected_records", Status::Ok, "none", Words::plain(&NONE), Remedy::None),
        n => Check::new(
            "rejected_records",
            Status::Warn,
            format!("{n} refused by the server"),
            Words::new(&REFUSED_BY_SERVER, vec![Arg::Count(n.into())]),
            Remedy::Own(&OPEN_THE_OUTBOX, "Open the outbox to see why each was refused, and ask your administrator."),
        ),
    });
    checks.push(clock_offset_check(facts.server_offset_ms));
    checks.push(match (&facts.last_sync, facts.outbox.pending) {
        (Some(at), _) => Check::new("last_sync", Status::Ok, at.clone(), Words::new(&LAST_SYNC_AT, vec![Arg::Time(at.clone())]), Remedy::None),
        (None, 0) => Check::new("last_sync", Status::Ok, "never (nothing to send)", Words::plain(&NEVER_NOTHING_TO_SEND), Remedy::None),
        (None, _) => Check::new("last_sync", Status::Warn, "never", Words::plain(&NEVER), Remedy::Own(&CONNECT_TO_SEND, CONNECT_TO_SEND_ENGLISH)),
    });
    let version = &facts.app_version;
    checks.push(Check::new("version", Status::Ok, version.clone(), Words::new(&VERSION, vec![Arg::Text(version.clone())]), Remedy::None));
    checks
}

const CONNECT_TO_SEND_ENGLISH: &str = "Connect to the internet so that signed records are sent.";

/// `bytes` in tenths of a mebibyte, rounded.
fn mib_tenths(bytes: f64) -> i64 {
    (bytes / (1024.0 * 1024.0) * 10.0).round() as i64
}

fn storage_headroom(usage: Option<(f64, f64)>) -> Check {
    const MIB: f64 = 1024.0 * 1024.0;
    let Some((used, quota)) = usage.filter(|(_, q)| *q > 0.0) else {
        return Check::new("storage_headroom", Status::Warn, "unknown in this browser", Words::plain(&STORAGE_USE_UNKNOWN), Remedy::None);
    };
    let (used_tenths, quota_mib) = (mib_tenths(used), (quota / MIB).round() as i64);
    let value = format!("{:.1} MiB used of {quota_mib} MiB", used_tenths as f64 / 10.0);
    let words = Words::new(&STORAGE_USED, vec![Arg::Tenths(used_tenths), Arg::Count(quota_mib)]);
    let (status, remedy) = if quota - used < 5.0 * MIB {
        (Status::Fail, Remedy::Code(ErrorCode::StorageFull))
    } else if used / quota > 0.8 {
        (Status::Warn, Remedy::Code(ErrorCode::StorageFull))
    } else {
        (Status::Ok, Remedy::None)
    };
    Check::new("storage_headroom", status, value, words, remedy)
}

/// The certificate, revocation list and clock of one identity.
fn identity_checks(identity: &IdentityRow, now: Timestamp, policy: PolicyOptions) -> Vec<Check> {
    let prefix = |what: &str| format!("{what}:{}", identity.label);
    let mut checks = Vec::new();
    match &identity.credentials {
        None => checks.push(Check::new(&prefix("certificate"), Status::Warn, "not enrolled", Words::plain(&NOT_ENROLLED), Remedy::Code(ErrorCode::NotEnrolled))),
        Some(stored) => match stored.check_policy(&identity.kid, now, policy) {
            Err(e) => checks.push(Check::new(
                &prefix("certificate"),
                Status::Fail,
                e.code().as_str(),
                Words::new(&FAILED_WITH, vec![Arg::Text(e.code().as_str().to_owned())]),
                Remedy::Of(&e),
            )),
            Ok(v) => {
                let days_left = (v.certificate.exp.millis() - now.millis()) / DAY_MS;
                let (value, words) = (format!("{days_left} days left"), Words::new(&DAYS_LEFT, vec![Arg::Count(days_left)]));
                checks.push(match v.warnings.iter().find(|w| w.code() == ErrorCode::CertExpiring) {
                    Some(w) => Check::new(&prefix("certificate"), Status::Warn, value, words, Remedy::Of(w)),
                    None => Check::new(&prefix("certificate"), Status::Ok, value, words, Remedy::None),
                });
                let list = &prefix("revocation_list");
                checks.push(match v.warnings.iter().find(|w| w.code() == ErrorCode::RevocationListStale) {
                    Some(w) => Check::new(list, Status::Warn, w.message(), Words::plain(&LIST_STALE), Remedy::Of(w)),
                    None => Check::new(list, Status::Ok, "up to date", Words::plain(&UP_TO_DATE), Remedy::None),
                });
            }
        },
    }
    let last = identity.chain.as_ref().map(|c| c.signed_at);
    checks.push(match last {
        Some(last) if now < last => Check::new(
            &prefix("clock"),
            Status::Fail,
            format!("device time {now} is before the last signature {last}"),
            Words::new(&CLOCK_BEFORE_LAST_SIGNATURE, vec![now.arg(), last.arg()]),
            Remedy::Code(ErrorCode::ClockSkew),
        ),
        _ => Check::new(&prefix("clock"), Status::Ok, now.to_string(), Words::new(&TIME_NOW, vec![now.arg()]), Remedy::None),
    });
    checks
}

/// How far the device clock is from the server's, as learned at the last sync (signatures
/// already use the corrected time).
fn clock_offset_check(offset_ms: Option<i64>) -> Check {
    const TOLERATED_MS: i64 = 5 * 60_000;
    let id = "clock_offset";
    match offset_ms {
        None => Check::new(id, Status::Ok, "not measured yet (measured at each sync)", Words::plain(&OFFSET_NOT_MEASURED), Remedy::None),
        Some(ms) if ms.abs() <= TOLERATED_MS => {
            let seconds = (ms.abs() + 999) / 1000;
            Check::new(id, Status::Ok, format!("within {seconds} s of the server"), Words::new(&OFFSET_WITHIN, vec![Arg::Count(seconds)]), Remedy::None)
        }
        Some(ms) => {
            let minutes = ms.abs() / 60_000;
            let (phrase, side) = if ms > 0 { (&CLOCK_BEHIND, "behind") } else { (&CLOCK_AHEAD, "ahead of") };
            Check::new(
                id,
                Status::Warn,
                format!("the device clock is {minutes} minutes {side} the server's; signatures use the server's time"),
                Words::new(phrase, vec![Arg::Count(minutes)]),
                Remedy::Own(&AUTOMATIC_TIME, "Set the device to automatic date and time."),
            )
        }
    }
}

/// The documents and images waiting for the server, and the room they take on the device (the
/// storage checks count it in the browser's usage).
fn evidence_check(outbox: &OutboxSummary) -> Check {
    match outbox.evidence_pending {
        0 => Check::new("pending_evidence", Status::Ok, "none waiting", Words::plain(&NONE_WAITING), Remedy::None),
        n => {
            let files = if n == 1 { "1 document or image" } else { "documents and images" };
            let count = if n == 1 { String::new() } else { format!("{n} ") };
            let size = mib_tenths(outbox.evidence_pending_bytes as f64);
            let words = Words::new(&EVIDENCE_WAITING, vec![Arg::Count(n.into()), Arg::Tenths(size)]);
            Check::new("pending_evidence", Status::Ok, format!("{count}{files} ({:.1} MiB) waiting to be sent", size as f64 / 10.0), words, Remedy::None)
        }
    }
}

fn outbox_check(outbox: &OutboxSummary, now: Timestamp) -> Check {
    let oldest = outbox.oldest_pending.as_deref().and_then(|t| Timestamp::parse_rfc3339(t).ok());
    match oldest {
        None => Check::new("pending_records", Status::Ok, "none waiting", Words::plain(&NONE_WAITING), Remedy::None),
        Some(oldest) => {
            let hours = (now.millis() - oldest.millis()).max(0) / 3_600_000;
            let value = format!("{} waiting, oldest {hours} h", outbox.pending);
            let words = Words::new(&RECORDS_WAITING, vec![Arg::Count(outbox.pending.into()), Arg::Count(hours)]);
            if hours >= 24 {
                Check::new("pending_records", Status::Warn, value, words, Remedy::Own(&CONNECT_TO_SEND, CONNECT_TO_SEND_ENGLISH))
            } else {
                Check::new("pending_records", Status::Ok, value, words, Remedy::None)
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
        // Each remedy can be worded in another language: as its code's (the table's words) or
        // as a phrase with its specifics, never both; values are phrases with their specifics.
        for c in checks.iter().filter(|c| c.remedy.is_some()) {
            assert!(c.code.is_some() != c.remedy_words.is_some(), "{c:?}");
            if let Some(code) = c.code {
                assert_eq!(c.remedy.as_deref(), Some(code.default_remedy()), "{c:?}");
            }
        }
        let json = |id: &str| serde_json::to_value(checks.iter().find(|c| c.id == id).unwrap()).unwrap();
        assert_eq!(json("storage_headroom")["valueWords"], serde_json::json!({"key": "storage-used", "args": {"used": 1000.0, "quota": 1002}}));
        assert_eq!(json("storage_headroom")["code"], "storage_full");
        assert_eq!(json("certificate:Jones")["valueWords"], serde_json::json!({"key": "days-left", "args": {"days": 6}}));
        assert_eq!(json("certificate:Jones")["remedyWords"], serde_json::json!({"key": "cert-expires-on", "args": {"date": "2026-12-01T00:00:00.000Z"}}));
        assert_eq!(json("pending_records")["valueWords"], serde_json::json!({"key": "records-waiting", "args": {"count": 3, "hours": 48}}));
        assert_eq!(json("storage_persistent")["remedyWords"], serde_json::json!({"key": "install-the-app", "args": {}}));

        let expired = diagnose(&facts("2026-12-02T00:00:00Z", vec![enrolled("2026-12-01T00:00:00Z")]));
        assert_eq!(status_of(&expired, "certificate:Jones"), ("cert_expired", Status::Fail));
        let none = diagnose(&facts("2026-12-02T00:00:00Z", vec![]));
        assert_eq!(status_of(&none, "identity").1, Status::Warn);
    }
}
