//! What the device keeps: the rows (identities with their sealed keys, credentials, chain
//! heads and PIN lockouts; records in the outbox; failure reports), plain data read from JSON
//! and written with serde. The rules for changing them live in [`crate::store`].

use crate::error::{Error, ErrorCode, Result};
use crate::words::{Arg, Words, PIN_WAIT_MINUTES};
use crate::evidence_size::{sealed_len, EVIDENCE_HEADER_LEN, EVIDENCE_PIECE};
use crate::keys::PublicJwk;
use crate::record::ChainHead;
use crate::time::Timestamp;
use crate::vault::SealedKey;
use crate::json::{deserialize_from_json, FromJson, Members};
use serde::Serialize;
use serde_json::Value;

/// Wrong PINs allowed before each further try must wait.
pub const FREE_PIN_TRIES: u32 = 5;
/// The first wait after the free tries; it doubles with every further wrong PIN.
const FIRST_WAIT_MS: i64 = 30_000;
/// The longest wait between tries.
const MAX_WAIT_MS: i64 = 3_600_000;

pub use crate::cert::StoredCredentials;

/// How much of the time between two looks at a running wait counts (ms). A wait is measured
/// in time the device saw pass: setting the clock forward gains at most this much per look,
/// setting it back gains nothing, and time while the app is closed counts at most this much.
/// The app looks while it shows the wait ([`crate::Device::lockout_remaining`]).
pub const MAX_OBSERVED_STEP_MS: i64 = 60_000;

/// Wrong-PIN state, persisted so that reloading the app does not reset it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Lockout {
    /// Wrong PINs since the last right one (a try under way counts as wrong until it succeeds).
    pub failures: u32,
    /// How long the next try must still wait (ms), 0 when free.
    pub wait_ms: i64,
    /// When the wait was last looked at (device clock, ms).
    pub seen_at: i64,
}

impl Lockout {
    /// The state after a look at `now`: the time since the last look, at most
    /// [`MAX_OBSERVED_STEP_MS`] and never negative, comes off the wait.
    pub fn observe(&self, now: Timestamp) -> Lockout {
        let step = now.millis().saturating_sub(self.seen_at).clamp(0, MAX_OBSERVED_STEP_MS);
        Lockout { failures: self.failures, wait_ms: self.wait_ms.saturating_sub(step).max(0), seen_at: now.millis() }
    }

    /// Refuses with `pin_locked_out` while a wait is running (look with [`Lockout::observe`] first).
    pub fn check(&self) -> Result<()> {
        if self.wait_ms <= 0 {
            return Ok(());
        }
        let minutes = (self.wait_ms + 59_999) / 60_000;
        Err(Error::new(ErrorCode::PinLockedOut, format!("{} wrong PINs; next try in {} ms", self.failures, self.wait_ms))
            .with_remedy(
                Words::new(&PIN_WAIT_MINUTES, vec![Arg::Count(minutes)]),
                format!(
                    "Too many wrong PINs. Wait {minutes} minute{} before the next try (keep the app open: the wait counts while it is). Nobody can reset a PIN: if it is forgotten, ask your office for a new enrollment code and choose Enroll again (the records waiting on this device are still sent), or restore a backup.",
                    if minutes == 1 { "" } else { "s" }
                ),
            ))
    }

    /// The state after one more wrong PIN at `now`: after [`FREE_PIN_TRIES`], each further
    /// try waits twice as long as the one before, from 30 s up to an hour.
    pub fn after_failure(&self, now: Timestamp) -> Lockout {
        let failures = self.failures.saturating_add(1);
        let wait_ms = match failures.checked_sub(FREE_PIN_TRIES) {
            None => 0,
            Some(extra) => (FIRST_WAIT_MS << extra.min(10)).min(MAX_WAIT_MS),
        };
        Lockout { failures, wait_ms, seen_at: now.millis() }
    }
}

/// A worker's identity as stored: the sealed key, its credentials and its chain head.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentityRow {
    /// The key id (primary key).
    pub kid: String,
    /// A name to tell identities apart on a shared device.
    pub label: String,
    /// The seed sealed under the worker's PIN.
    pub sealed: SealedKey,
    /// The public key.
    pub public_jwk: PublicJwk,
    /// The certificate and revocation list, once enrolled.
    pub credentials: Option<StoredCredentials>,
    /// The last record signed by this identity on this device.
    pub chain: Option<ChainHead>,
    /// Wrong-PIN state.
    pub lockout: Lockout,
    /// When it was created (RFC 3339).
    pub created_at: String,
    /// The identity enrolled in its place on this device (a forgotten PIN, an expired or
    /// superseded certificate), once one was: this one only sends what it signed before.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replaced_by: Option<String>,
}

/// What removing an identity from the device deleted with it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RemovedIdentity {
    /// Its records on the device.
    pub records: u32,
    /// Of those, the ones the server had not answered for (`pending` or `sending`).
    pub unsent: u32,
    /// Of those, the ones the server refused.
    pub rejected: u32,
}

impl RemovedIdentity {
    /// The counts of `records`.
    pub fn of<'a>(records: impl IntoIterator<Item = &'a RecordRow>) -> RemovedIdentity {
        let mut removed = RemovedIdentity::default();
        for record in records {
            removed.records += 1;
            removed.unsent += u32::from(matches!(record.state, RecordState::Pending | RecordState::Sending));
            removed.rejected += u32::from(record.state == RecordState::Rejected);
        }
        removed
    }
}

/// Where a record is on its way to the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RecordState {
    /// Signed and stored; not yet sent.
    Pending,
    /// In a request to the server whose answer has not arrived.
    Sending,
    /// The server verified and stored it (a receipt is kept).
    Accepted,
    /// The server refused it (the reason is kept).
    Rejected,
}

/// A signed record in the outbox.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordRow {
    /// The record id (primary key).
    pub id: String,
    /// The signer's key id.
    pub kid: String,
    /// The signer's sequence number.
    pub seq: u64,
    /// When it was signed (RFC 3339).
    pub signed_at: String,
    /// The record JWS.
    pub jws: String,
    /// Its hash (the next record's `prev`).
    pub hash: String,
    /// The document name, for lists.
    pub doc_name: Option<String>,
    /// Where it is on its way to the server.
    pub state: RecordState,
    /// Delivery attempts so far.
    pub attempts: u32,
    /// The server's receipt (JWS), once accepted.
    pub receipt: Option<String>,
    /// Why the server refused it.
    pub error: Option<RecordError>,
}

/// The server's reason for refusing a record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RecordError {
    /// The server's verdict code, e.g. `cert_revoked`.
    pub code: String,
    /// The server's message.
    pub message: String,
}

/// Whether a failure report has reached the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ReportState {
    /// Stored, waiting for the next sync.
    Pending,
    /// The server has it.
    Sent,
}

/// A failure, as recorded for support: what went wrong, where, how often. Never holds
/// secrets: messages are written without them, and the context is the operation and key id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportRow {
    /// A UUID v7 (primary key).
    pub id: String,
    /// `code|operation|kid`: repeats of the same failure share it.
    pub fingerprint: String,
    /// The error code.
    pub code: String,
    /// The developer message of the latest occurrence.
    pub message: String,
    /// The remedy shown to the worker.
    pub remedy: String,
    /// What the device was doing: `unlock`, `sign`, `set_credentials`, …
    pub operation: String,
    /// The identity concerned, if any.
    pub kid: Option<String>,
    /// The first occurrence (RFC 3339).
    pub first_at: String,
    /// The latest occurrence (RFC 3339).
    pub last_at: String,
    /// Occurrences within the report window.
    pub count: u32,
    /// The app's version.
    pub app_version: String,
    /// The browser's user agent.
    pub user_agent: String,
    /// The worker's own words, added as feedback.
    pub comment: Option<String>,
    /// Whether the server has it.
    pub state: ReportState,
}

/// Where a piece of evidence is on its way to the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EvidenceState {
    /// Sealed and stored on the device; not yet stored by the server.
    Pending,
    /// The server checked it against its record and keeps it (its receipt is kept).
    Stored,
    /// The server refused it (`digest_mismatch`, `malformed_evidence`, `evidence_too_large`),
    /// or refused its record (the record's code): it stays on the device, readable by its
    /// worker, and is neither sent again nor carried by backups.
    Refused,
}

/// A record's document or handwritten signature image, sealed (`crate::EvidenceSealer`) and
/// kept on the device: the header here, the sealed bytes in pieces of
/// [`EVIDENCE_PIECE`] bytes stored apart under `staged` (they are written while the document
/// is read, before the record exists).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EvidenceRow {
    /// `{record id}/{kind}` (primary key).
    pub key: String,
    /// The record's id.
    pub record_id: String,
    /// The signer's key id.
    pub kid: String,
    /// The record's sequence number in the signer's chain.
    pub seq: u64,
    /// When the record was signed (RFC 3339).
    pub signed_at: String,
    /// `document` or `signature-image`.
    pub kind: String,
    /// The media type of the plain bytes.
    pub media_type: String,
    /// The id the sealed pieces are stored under.
    pub staged: String,
    /// The sealed header (base64url).
    pub header: String,
    /// The plain length in bytes.
    pub plain_len: u64,
    /// The SHA-256 of the plain bytes (base64url): the digest the record signs.
    pub sha256: String,
    /// Whether the header is sealed to the server's evidence key; `false` when the device had
    /// none yet when it signed (both stanzas go to the worker until a sync re-addresses it).
    pub addressed: bool,
    /// Where it is on its way to the server.
    pub state: EvidenceState,
    /// `signed_at` while pending, absent after: the outbox index of evidence. (Left out of
    /// the row, not written as `null`, when absent: WebKit keeps a row whose key path holds an
    /// explicit `undefined` in the index.)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pending: Option<String>,
    /// The server's evidence receipt (JWS), once stored.
    pub receipt: Option<String>,
    /// Why the server refused it.
    pub error: Option<RecordError>,
    /// The token each chunk of its upload carries (see `crate::evidence`); absent in rows
    /// signed before there were tokens, whose records commit to no content key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upload_token: Option<String>,
}

impl EvidenceRow {
    /// The bytes of the whole sealed piece: the header and every chunk.
    pub fn sealed_len(&self) -> u64 {
        sealed_len(self.plain_len)
    }

    /// The sealed header, decoded; `None` when the stored text is not one (damaged storage, or
    /// a hostile backup).
    pub fn header_bytes(&self) -> Option<Vec<u8>> {
        crate::encoding::b64url_decode(&self.header).filter(|h| h.len() == EVIDENCE_HEADER_LEN)
    }

    /// How many stored pieces hold its chunks.
    pub fn pieces(&self) -> u32 {
        (self.sealed_len() - EVIDENCE_HEADER_LEN as u64).div_ceil(EVIDENCE_PIECE as u64) as u32
    }
}

impl FromJson for EvidenceState {
    fn from_json(value: Value) -> Result<Self, String> {
        match String::from_json(value)?.as_str() {
            "pending" => Ok(EvidenceState::Pending),
            "stored" => Ok(EvidenceState::Stored),
            "refused" => Ok(EvidenceState::Refused),
            other => Err(format!("unknown evidence state `{other:.20}`")),
        }
    }
}

impl FromJson for EvidenceRow {
    fn from_json(value: Value) -> Result<Self, String> {
        let mut m = Members::of(value, "an evidence row")?;
        Ok(EvidenceRow {
            key: m.required("key")?,
            record_id: m.required("recordId")?,
            kid: m.required("kid")?,
            seq: m.required("seq")?,
            signed_at: m.required("signedAt")?,
            kind: m.required("kind")?,
            media_type: m.required("mediaType")?,
            staged: m.required("staged")?,
            header: m.required("header")?,
            plain_len: m.required("plainLen")?,
            sha256: m.required("sha256")?,
            addressed: m.required("addressed")?,
            state: m.required("state")?,
            pending: m.optional("pending")?,
            receipt: m.optional("receipt")?,
            error: m.optional("error")?,
            upload_token: m.optional("uploadToken")?,
        })
    }
}

impl FromJson for Lockout {
    fn from_json(value: Value) -> Result<Self, String> {
        let mut m = Members::of(value, "a lockout")?;
        let failures = m.required("failures")?;
        // Rows of schema 2 said until when to wait by the clock: a running wait is restarted
        // at its first step, measured from the first look.
        let old_wait: Option<i64> = m.optional("waitUntil")?;
        let wait_ms = m.optional("waitMs")?.unwrap_or(if old_wait.unwrap_or(0) > 0 { FIRST_WAIT_MS } else { 0 });
        Ok(Lockout { failures, wait_ms, seen_at: m.optional("seenAt")?.unwrap_or(i64::MAX) })
    }
}

impl FromJson for IdentityRow {
    fn from_json(value: Value) -> Result<Self, String> {
        let mut m = Members::of(value, "an identity row")?;
        Ok(IdentityRow {
            kid: m.required("kid")?,
            label: m.required("label")?,
            sealed: m.required("sealed")?,
            public_jwk: m.required("publicJwk")?,
            credentials: m.optional("credentials")?,
            chain: m.optional("chain")?,
            lockout: m.required("lockout")?,
            created_at: m.required("createdAt")?,
            replaced_by: m.optional("replacedBy")?,
        })
    }
}

impl FromJson for RecordState {
    fn from_json(value: Value) -> Result<Self, String> {
        match String::from_json(value)?.as_str() {
            "pending" => Ok(RecordState::Pending),
            "sending" => Ok(RecordState::Sending),
            "accepted" => Ok(RecordState::Accepted),
            "rejected" => Ok(RecordState::Rejected),
            other => Err(format!("unknown record state `{other:.20}`")),
        }
    }
}

impl FromJson for RecordRow {
    fn from_json(value: Value) -> Result<Self, String> {
        let mut m = Members::of(value, "a record row")?;
        Ok(RecordRow {
            id: m.required("id")?,
            kid: m.required("kid")?,
            seq: m.required("seq")?,
            signed_at: m.required("signedAt")?,
            jws: m.required("jws")?,
            hash: m.required("hash")?,
            doc_name: m.optional("docName")?,
            state: m.required("state")?,
            attempts: m.required("attempts")?,
            receipt: m.optional("receipt")?,
            error: m.optional("error")?,
        })
    }
}

impl FromJson for RecordError {
    fn from_json(value: Value) -> Result<Self, String> {
        let mut m = Members::of(value, "a record error")?;
        Ok(RecordError { code: m.required("code")?, message: m.required("message")? })
    }
}

impl FromJson for ReportState {
    fn from_json(value: Value) -> Result<Self, String> {
        match String::from_json(value)?.as_str() {
            "pending" => Ok(ReportState::Pending),
            "sent" => Ok(ReportState::Sent),
            other => Err(format!("unknown report state `{other:.20}`")),
        }
    }
}

impl FromJson for ReportRow {
    fn from_json(value: Value) -> Result<Self, String> {
        let mut m = Members::of(value, "a report row")?;
        Ok(ReportRow {
            id: m.required("id")?,
            fingerprint: m.required("fingerprint")?,
            code: m.required("code")?,
            message: m.required("message")?,
            remedy: m.required("remedy")?,
            operation: m.required("operation")?,
            kid: m.optional("kid")?,
            first_at: m.required("firstAt")?,
            last_at: m.required("lastAt")?,
            count: m.required("count")?,
            app_version: m.required("appVersion")?,
            user_agent: m.required("userAgent")?,
            comment: m.optional("comment")?,
            state: m.required("state")?,
        })
    }
}
deserialize_from_json!(Lockout, IdentityRow, RecordState, RecordRow, RecordError, ReportState, ReportRow, EvidenceState, EvidenceRow);

impl ReportRow {
    /// Whether `self` (the newest report with the same fingerprint) absorbs another occurrence
    /// at `now`: it is unsent and its last occurrence is within `window_ms`.
    pub fn absorbs(&self, now: Timestamp, window_ms: i64) -> bool {
        self.state == ReportState::Pending
            && Timestamp::parse_rfc3339(&self.last_at).is_ok_and(|last| now.millis() - last.millis() <= window_ms)
    }

    /// Counts the occurrences of the same failure that `newer` stands for (one, or more when
    /// it waited in memory for a full store).
    pub fn absorb(&mut self, newer: &ReportRow) {
        self.count = self.count.saturating_add(newer.count);
        self.last_at = newer.last_at.clone();
        self.message = newer.message.clone();
        self.remedy = newer.remedy.clone();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(ms: i64) -> Timestamp {
        Timestamp::from_millis(ms).unwrap()
    }

    #[test]
    fn five_free_tries_then_doubling_waits_up_to_an_hour() {
        let mut lockout = Lockout::default();
        for _ in 0..4 {
            lockout = lockout.after_failure(t(1_000));
            assert!(lockout.observe(t(1_000)).check().is_ok());
        }
        lockout = lockout.after_failure(t(1_000));
        assert_eq!((lockout.failures, lockout.wait_ms), (5, 30_000));
        let e = lockout.observe(t(30_999)).check().unwrap_err();
        assert_eq!(e.code(), ErrorCode::PinLockedOut);
        assert!(e.remedy().starts_with("Too many wrong PINs. Wait 1 minute before the next try"), "{}", e.remedy());
        lockout = lockout.observe(t(31_000));
        assert!(lockout.check().is_ok());
        lockout = lockout.after_failure(t(31_000));
        assert_eq!(lockout.wait_ms, 60_000);
        for _ in 0..20 {
            lockout = lockout.after_failure(t(0));
        }
        assert_eq!(lockout.wait_ms, MAX_WAIT_MS, "capped at an hour");
        assert!(lockout.check().unwrap_err().remedy().contains("Wait 60 minutes"));
    }

    #[test]
    fn a_wait_counts_only_time_the_device_saw_pass() {
        let mut lockout = Lockout::default();
        for _ in 0..10 {
            lockout = lockout.after_failure(t(0));
        }
        assert_eq!(lockout.wait_ms, 960_000, "16 minutes");
        // The clock set a day forward: one look gains a minute, not the day.
        lockout = lockout.observe(t(86_400_000));
        assert_eq!(lockout.wait_ms, 900_000);
        // Set back: nothing.
        lockout = lockout.observe(t(0));
        assert_eq!(lockout.wait_ms, 900_000);
        // Looked at every 10 s, as the app does while it shows the wait: it runs out in real time.
        for i in 1..=90 {
            lockout = lockout.observe(t(i * 10_000));
        }
        assert_eq!(lockout.wait_ms, 0);
        assert!(lockout.check().is_ok());
    }

    #[test]
    fn a_lockout_of_schema_2_is_read_and_its_running_wait_restarted() {
        let old: Lockout = crate::json::parse(br#"{"failures": 6, "waitUntil": 1800000000000}"#).unwrap();
        assert_eq!(old, Lockout { failures: 6, wait_ms: FIRST_WAIT_MS, seen_at: i64::MAX });
        assert_eq!(old.observe(t(1_000)).wait_ms, FIRST_WAIT_MS, "the first look starts the count");
        let free: Lockout = crate::json::parse(br#"{"failures": 2, "waitUntil": 0}"#).unwrap();
        assert_eq!(free.wait_ms, 0);
    }
}
