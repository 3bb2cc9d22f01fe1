//! What the device keeps, and the rules for changing it, independent of where it is kept.
//!
//! The rows are plain data (serde), stored by an implementation of [`Store`]: IndexedDB in
//! browsers (`idb` module), memory in native tests. Every change that must be all-or-nothing
//! is one call on the store: [`Store::append`] reads an identity's chain head, lets the caller
//! sign, and writes the records and the new head in one transaction.

use crate::error::{Error, ErrorCode, Result};
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
            .with_remedy(format!(
                "Too many wrong PINs. Wait {minutes} minute{} before the next try (keep the app open: the wait counts while it is), or ask your administrator.",
                if minutes == 1 { "" } else { "s" }
            )))
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
deserialize_from_json!(Lockout, IdentityRow, RecordState, RecordRow, RecordError, ReportState, ReportRow);

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

/// The device's storage, one implementation per platform. Each method is atomic.
///
/// Futures need not be `Send`: browsers run them on one thread.
#[allow(async_fn_in_trait)]
pub trait Store {
    /// Adds a new identity; `malformed_input` when its key id is already stored.
    async fn add_identity(&self, row: &IdentityRow) -> Result<()>;

    /// One identity, or `identity_not_found`.
    async fn identity(&self, kid: &str) -> Result<IdentityRow>;

    /// All identities, oldest first.
    async fn identities(&self) -> Result<Vec<IdentityRow>>;

    /// Reads identity `kid`, lets `change` modify it, and writes it back, atomically.
    async fn update_identity(&self, kid: &str, change: impl FnOnce(&mut IdentityRow) -> Result<()>) -> Result<IdentityRow>;

    /// Reads identity `kid` and lets `sign` make records from it, advancing its chain head and
    /// handing each record to `add` as soon as it is made (so that storage works while the next
    /// one is signed); then writes the identity back. One transaction: when `sign` or any
    /// write fails, nothing is stored.
    async fn append(&self, kid: &str, sign: impl FnOnce(&mut IdentityRow, &mut dyn FnMut(&RecordRow) -> Result<()>) -> Result<()>) -> Result<()>;

    /// Up to `limit` records of identity `kid` with `seq > after`, in chain order.
    async fn records(&self, kid: &str, after: u64, limit: u32) -> Result<Vec<RecordRow>>;

    /// Stores a failure report; when the newest report with its fingerprint absorbs it (see
    /// [`ReportRow::absorbs`]), counts it there instead. Returns the stored report.
    async fn record_failure(&self, report: ReportRow, window_ms: i64) -> Result<ReportRow>;

    /// Up to `limit` reports with ids after `after` (oldest first; ids sort by time).
    async fn reports(&self, after: &str, limit: u32) -> Result<Vec<ReportRow>>;

    /// Reads report `id`, lets `change` modify it, and writes it back, atomically;
    /// `report_not_found` when there is none.
    async fn update_report(&self, id: &str, change: impl FnOnce(&mut ReportRow) -> Result<()>) -> Result<ReportRow>;

    /// Merges a checked backup in one transaction: identities, records and reports that are not
    /// stored are added; a record already stored under the same id (or seq) must have the same
    /// hash, else `chain_broken` and nothing changes. A stored identity's chain head moves
    /// forward to the backup's when the backup's chain is longer.
    async fn import(&self, contents: &crate::backup::BackupContents) -> Result<crate::backup::ImportSummary>;

    /// How many records are pending (and since when) and how many were rejected.
    async fn outbox_summary(&self) -> Result<crate::health::OutboxSummary>;

    /// Up to `limit` records the server has not answered for: pending, or sending (a request
    /// that was cut off), oldest first.
    async fn unsent(&self, limit: u32) -> Result<Vec<RecordRow>>;

    /// Deletes up to `limit` accepted records signed before `before` (RFC 3339), oldest
    /// first, in one transaction; returns how many.
    async fn prune_accepted(&self, before: &str, limit: u32) -> Result<u32>;

    /// Writes back records read with [`Store::unsent`] whose delivery state changed, in one
    /// transaction. Only the sync engine changes stored records, one sync at a time.
    async fn put_records(&self, rows: &[RecordRow]) -> Result<()>;

    /// Stores a setting.
    async fn put_setting(&self, key: &str, value: &str) -> Result<()>;

    /// A stored setting.
    async fn setting(&self, key: &str) -> Result<Option<String>>;
}

/// Oldest first, and in chain order within one signing time (a batch shares its time).
#[cfg(any(test, all(target_arch = "wasm32", feature = "device")))]
pub(crate) fn sort_for_sending(rows: &mut [RecordRow]) {
    rows.sort_by(|a, b| (&a.signed_at, &a.kid, a.seq).cmp(&(&b.signed_at, &b.kid, b.seq)));
}

/// `chain_broken`: a backup's record differs from the stored one with the same id or seq.
#[cfg(any(test, all(target_arch = "wasm32", feature = "device")))]
pub(crate) fn import_conflict(record: &RecordRow) -> Error {
    Error::new(
        ErrorCode::ChainBroken,
        format!("the backup's record {} of {:.20} differs from the one on this device", record.seq, record.kid),
    )
    .with_remedy("This backup does not belong with the records on this device. Nothing was imported; ask your administrator.")
}

/// Moves a stored identity's chain head forward to the backup's when that one is further and
/// proven by the backup's own records ([`crate::BackupContents::proves_head`]).
#[cfg(any(test, all(target_arch = "wasm32", feature = "device")))]
pub(crate) fn merge_head(stored: &mut IdentityRow, incoming: &IdentityRow, contents: &crate::backup::BackupContents) {
    let stored_seq = stored.chain.as_ref().map_or(0, |c| c.seq);
    if incoming.chain.as_ref().is_some_and(|c| c.seq > stored_seq) && contents.proves_head(incoming) {
        stored.chain = incoming.chain.clone();
    }
}

/// `report_not_found` for `id`.
pub fn report_not_found(id: &str) -> Error {
    Error::new(ErrorCode::ReportNotFound, format!("no failure report {id:.60} on this device"))
}

/// `identity_not_found` for `kid`.
pub fn identity_not_found(kid: &str) -> Error {
    Error::new(ErrorCode::IdentityNotFound, format!("no identity {kid:.60} on this device"))
}

#[cfg(test)]
pub(crate) mod memory {
    //! An in-memory [`Store`] for native tests, with the same atomicity as IndexedDB.

    use super::*;
    use std::cell::RefCell;
    use std::collections::BTreeMap;

    /// Rows in maps behind a `RefCell`; each method works on a copy and commits at the end.
    #[derive(Default)]
    pub(crate) struct MemoryStore {
        identities: RefCell<Vec<IdentityRow>>,
        records: RefCell<BTreeMap<(String, u64), RecordRow>>,
        reports: RefCell<BTreeMap<String, ReportRow>>,
        settings: RefCell<BTreeMap<String, String>>,
        /// A full disk: appending records and recording failures are `storage_full`.
        pub(crate) full: std::cell::Cell<bool>,
    }

    impl MemoryStore {
        fn room(&self) -> Result<()> {
            match self.full.get() {
                true => Err(Error::new(ErrorCode::StorageFull, "the test store is full")),
                false => Ok(()),
            }
        }
    }

    impl Store for MemoryStore {
        async fn add_identity(&self, row: &IdentityRow) -> Result<()> {
            let mut ids = self.identities.borrow_mut();
            if ids.iter().any(|r| r.kid == row.kid) {
                return Err(Error::new(ErrorCode::MalformedInput, "this identity is already stored"));
            }
            ids.push(row.clone());
            Ok(())
        }

        async fn identity(&self, kid: &str) -> Result<IdentityRow> {
            self.identities.borrow().iter().find(|r| r.kid == kid).cloned().ok_or_else(|| identity_not_found(kid))
        }

        async fn identities(&self) -> Result<Vec<IdentityRow>> {
            Ok(self.identities.borrow().clone())
        }

        async fn update_identity(&self, kid: &str, change: impl FnOnce(&mut IdentityRow) -> Result<()>) -> Result<IdentityRow> {
            let mut row = self.identity(kid).await?;
            change(&mut row)?;
            self.commit_identity(&row);
            Ok(row)
        }

        async fn append(&self, kid: &str, sign: impl FnOnce(&mut IdentityRow, &mut dyn FnMut(&RecordRow) -> Result<()>) -> Result<()>) -> Result<()> {
            self.room()?;
            let mut row = self.identity(kid).await?;
            let mut new = Vec::new();
            sign(&mut row, &mut |record| {
                new.push(record.clone());
                Ok(())
            })?;
            let mut records = self.records.borrow_mut();
            for r in new {
                records.insert((r.kid.clone(), r.seq), r);
            }
            self.commit_identity(&row);
            Ok(())
        }

        async fn records(&self, kid: &str, after: u64, limit: u32) -> Result<Vec<RecordRow>> {
            let records = self.records.borrow();
            let range = records.range((kid.to_owned(), after.saturating_add(1))..=(kid.to_owned(), u64::MAX));
            Ok(range.take(limit as usize).map(|(_, r)| r.clone()).collect())
        }

        async fn record_failure(&self, report: ReportRow, window_ms: i64) -> Result<ReportRow> {
            self.room()?;
            let mut reports = self.reports.borrow_mut();
            let now = Timestamp::parse_rfc3339(&report.last_at)?;
            let newest = reports.values_mut().filter(|r| r.fingerprint == report.fingerprint).max_by(|a, b| a.id.cmp(&b.id));
            if let Some(existing) = newest.filter(|r| r.absorbs(now, window_ms)) {
                existing.absorb(&report);
                return Ok(existing.clone());
            }
            reports.insert(report.id.clone(), report.clone());
            Ok(report)
        }

        async fn reports(&self, after: &str, limit: u32) -> Result<Vec<ReportRow>> {
            let reports = self.reports.borrow();
            let later = reports.range::<str, _>((std::ops::Bound::Excluded(after), std::ops::Bound::Unbounded));
            Ok(later.take(limit as usize).map(|(_, r)| r.clone()).collect())
        }

        async fn update_report(&self, id: &str, change: impl FnOnce(&mut ReportRow) -> Result<()>) -> Result<ReportRow> {
            let mut reports = self.reports.borrow_mut();
            let mut row = reports.get(id).cloned().ok_or_else(|| report_not_found(id))?;
            change(&mut row)?;
            reports.insert(id.to_owned(), row.clone());
            Ok(row)
        }

        async fn import(&self, contents: &crate::backup::BackupContents) -> Result<crate::backup::ImportSummary> {
            let mut summary = crate::backup::ImportSummary::default();
            let mut records = self.records.borrow().clone();
            for r in &contents.records {
                match records.get(&(r.kid.clone(), r.seq)) {
                    Some(existing) if existing.hash == r.hash && existing.id == r.id => summary.records_skipped += 1,
                    Some(_) => return Err(super::import_conflict(r)),
                    None => {
                        records.insert((r.kid.clone(), r.seq), r.clone());
                        summary.records_added += 1;
                    }
                }
            }
            let mut identities = self.identities.borrow().clone();
            for incoming in &contents.identities {
                match identities.iter_mut().find(|i| i.kid == incoming.kid) {
                    Some(existing) => super::merge_head(existing, incoming, contents),
                    None => {
                        identities.push(incoming.clone());
                        summary.identities_added += 1;
                    }
                }
            }
            let mut reports = self.reports.borrow_mut();
            for report in &contents.reports {
                if !reports.contains_key(&report.id) {
                    reports.insert(report.id.clone(), report.clone());
                    summary.reports_added += 1;
                }
            }
            *self.records.borrow_mut() = records;
            *self.identities.borrow_mut() = identities;
            Ok(summary)
        }

        async fn unsent(&self, limit: u32) -> Result<Vec<RecordRow>> {
            let mut rows: Vec<RecordRow> = self
                .records
                .borrow()
                .values()
                .filter(|r| matches!(r.state, RecordState::Pending | RecordState::Sending))
                .cloned()
                .collect();
            sort_for_sending(&mut rows);
            rows.truncate(limit as usize);
            Ok(rows)
        }

        async fn prune_accepted(&self, before: &str, limit: u32) -> Result<u32> {
            let mut records = self.records.borrow_mut();
            let mut old: Vec<(String, (String, u64))> = records
                .iter()
                .filter(|(_, r)| r.state == RecordState::Accepted && r.signed_at.as_str() < before)
                .map(|(key, r)| (r.signed_at.clone(), key.clone()))
                .collect();
            old.sort();
            old.truncate(limit as usize);
            for (_, key) in &old {
                records.remove(key);
            }
            Ok(old.len() as u32)
        }

        async fn put_records(&self, rows: &[RecordRow]) -> Result<()> {
            let mut records = self.records.borrow_mut();
            for row in rows {
                records.insert((row.kid.clone(), row.seq), row.clone());
            }
            Ok(())
        }

        async fn outbox_summary(&self) -> Result<crate::health::OutboxSummary> {
            let records = self.records.borrow();
            let pending: Vec<&RecordRow> =
                records.values().filter(|r| matches!(r.state, RecordState::Pending | RecordState::Sending)).collect();
            Ok(crate::health::OutboxSummary {
                pending: pending.len() as u32,
                oldest_pending: pending.iter().map(|r| r.signed_at.clone()).min(),
                rejected: records.values().filter(|r| r.state == RecordState::Rejected).count() as u32,
            })
        }

        async fn put_setting(&self, key: &str, value: &str) -> Result<()> {
            self.settings.borrow_mut().insert(key.to_owned(), value.to_owned());
            Ok(())
        }

        async fn setting(&self, key: &str) -> Result<Option<String>> {
            Ok(self.settings.borrow().get(key).cloned())
        }
    }

    impl MemoryStore {
        fn commit_identity(&self, row: &IdentityRow) {
            let mut ids = self.identities.borrow_mut();
            if let Some(slot) = ids.iter_mut().find(|r| r.kid == row.kid) {
                *slot = row.clone();
            }
        }
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
