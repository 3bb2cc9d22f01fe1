//! What an administrator changes, from the command line or the console: enrollment codes and
//! revocations. Each change is stored with its line of the audit log in one transaction, so
//! that the log holds every change and nothing that did not happen.

use crate::clock::now;
use crate::storage::{AuditEntry, Batch, CertificateRow, EnrollmentCode, Event, EventKind, RevokeTarget, Storage, StoredForm};
use offsign::Timestamp;

/// Who the audit log says made a change from the command line.
pub const COMMAND_LINE: &str = "command line";
/// Who the audit log says superseded a key: the worker's device, enrolling a new key in its place.
pub const ENROLLMENT: &str = "enrollment";

/// An enrollment code: 12 characters from an alphabet without look-alikes (0/O, 1/I/L, U),
/// about 59 bits, shown in groups of four.
fn new_code() -> Result<String, String> {
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTVWXYZ23456789";
    let mut code = String::new();
    while code.len() < 14 {
        let mut byte = [0u8; 1];
        getrandom::getrandom(&mut byte).map_err(|e| format!("no randomness: {e}"))?;
        // Rejection sampling keeps every character equally likely.
        if usize::from(byte[0]) < 256 - 256 % ALPHABET.len() {
            if code.len() == 4 || code.len() == 9 {
                code.push('-');
            }
            code.push(ALPHABET[usize::from(byte[0]) % ALPHABET.len()] as char);
        }
    }
    Ok(code)
}

/// Makes and stores a single-use enrollment code for `worker` (1 to 256 bytes), audited as
/// `actor`'s: its certificate will be valid `days` (1 to 3650), the code `expires_hours`
/// (1 to 8760). Returns the code (shown once; only its hash is kept) and when it expires; a
/// refusal says why.
pub fn issue_enrollment_code<S: Storage>(storage: &S, actor: &str, worker: &str, days: u32, expires_hours: u32) -> Result<(String, Timestamp), String> {
    if worker.trim().is_empty() || worker.len() > 256 {
        return Err("the worker id must be 1 to 256 bytes".into());
    }
    if !(1..=3650).contains(&days) || !(1..=8760).contains(&expires_hours) {
        return Err("days must be 1 to 3650, and the code's hours 1 to 8760".into());
    }
    let code = new_code()?;
    let now = now();
    let expires_at = now.plus_millis(i64::from(expires_hours) * 3_600_000);
    let entry = EnrollmentCode { worker: worker.to_owned(), days, expires_at: expires_at.millis(), used_at: None };
    let line = AuditEntry {
        at: now.millis(),
        actor: actor.to_owned(),
        action: "enroll".into(),
        detail: format!("worker {worker}, certificate for {days} days, code expires {expires_at}"),
    };
    storage
        .batch(|b| {
            b.add_enrollment_code(&offsign::enrollment_code_hash(&code), &entry)?;
            b.audit(&line)
        })
        .map_err(|e| e.to_string())?;
    Ok((code, expires_at))
}

/// The worker's certificates that are live now (not revoked, renewed or expired), newest first.
pub fn live_certificates(storage: &impl Storage, worker: &str) -> Result<Vec<CertificateRow>, String> {
    let now = now().millis();
    let all = storage.worker_certificates(worker).map_err(|e| e.to_string())?;
    Ok(all.into_iter().filter(|c| c.revoked_at.is_none() && now < c.exp).collect())
}

/// What happens to a worker's live certificates when a new enrollment code is redeemed, for the
/// administrator who issues it.
pub fn live_certificates_warning(worker: &str, live: &[CertificateRow]) -> String {
    let serials: Vec<String> = live.iter().map(|c| format!("{} (until {})", c.serial, time(c.exp))).collect();
    format!(
        "{worker} already has {} live certificate(s): {}. If this code is for the same device (Enroll again after a forgotten PIN \
         or an expired certificate), the app names the old key and it is superseded when the code is redeemed: records signed \
         under it before then are still accepted. If it is for another device, the old certificate stays valid: revoke it with \
         `offsign-server revoke --serial SERIAL --reason superseded` (or --reason keyCompromise for a lost or stolen device, \
         which refuses every record under it).",
        live.len(),
        serials.join(", ")
    )
}

/// A time in ms as RFC 3339, or empty when out of range.
pub fn time(ms: i64) -> String {
    Timestamp::from_millis(ms).map(|t| t.to_string()).unwrap_or_default()
}

/// The largest form file `add_form` reads.
pub const MAX_FORM_FILE: u64 = 1 << 20;

/// Why `add_form` added nothing.
#[derive(Debug)]
pub enum FormRefused {
    /// The form is not one offsign can ask, or one too many (`malformed_form`): why.
    Malformed(String),
    /// The database failed.
    Storage(crate::storage::StorageError),
}

impl std::fmt::Display for FormRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FormRefused::Malformed(why) => write!(f, "malformed_form: {why}"),
            FormRefused::Storage(e) => write!(f, "{e}"),
        }
    }
}

/// Adds the form in `json` as the next version of its id (the version the file gives is
/// replaced), audited as `actor`'s; the form as stored. `malformed_form` with why when it is not
/// one offsign can ask, or would make more forms than a device takes.
pub fn add_form(storage: &impl Storage, actor: &str, json: &[u8]) -> Result<offsign::Form, FormRefused> {
    let mut form = offsign::Form::parse(json).map_err(|e| FormRefused::Malformed(e.message().to_owned()))?;
    let in_use = storage.forms_in_use().map_err(FormRefused::Storage)?;
    if !in_use.iter().any(|f| f.id == form.id) && in_use.len() >= offsign::MAX_FORMS {
        return Err(FormRefused::Malformed(format!("{} forms are in use already, the most a device takes", offsign::MAX_FORMS)));
    }
    let now = now().millis();
    storage
        .batch(|b| {
            form.version = b.newest_form_version(&form.id)? + 1;
            let definition = serde_json::to_string(&form).map_err(|e| crate::storage::StorageError(e.to_string()))?;
            b.add_form(&StoredForm { id: form.id.clone(), version: form.version, definition, added_at: now, added_by: actor.to_owned() })?;
            let detail = format!("form {} version {}", form.id, form.version);
            b.audit(&AuditEntry { at: now, actor: actor.to_owned(), action: "form_added".into(), detail })
        })
        .map_err(FormRefused::Storage)?;
    Ok(form)
}

/// Revokes `target` for `reason` as [`Batch::revoke`] does, audited as `actor`'s (with the
/// serials revoked and the reason) and told to the webhooks (`certificate.revoked`), in `batch`.
/// `worker` names the worker for the log.
pub fn revoke(
    batch: &mut dyn Batch,
    actor: &str,
    target: &RevokeTarget,
    reason: offsign::RevocationReason,
    worker: &str,
) -> crate::storage::Result<Vec<String>> {
    let now = now().millis();
    let revoked = batch.revoke(target, reason, now)?;
    // Nothing revoked is no change: nothing is logged or told.
    if !revoked.is_empty() {
        let detail = format!("worker {worker}: {} ({})", revoked.join(", "), reason.as_str());
        batch.audit(&AuditEntry { at: now, actor: actor.to_owned(), action: "revoke".into(), detail })?;
        let data = serde_json::json!({ "worker": worker, "serials": revoked, "by": actor, "reason": reason.as_str() });
        batch.event(&Event { kind: EventKind::CertificateRevoked, notice: None, data, at: now })?;
    }
    Ok(revoked)
}
