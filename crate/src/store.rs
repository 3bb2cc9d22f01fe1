//! What the device keeps, and the rules for changing it, independent of where it is kept.
//!
//! The rows are plain data (serde), stored by an implementation of [`Store`]: IndexedDB in
//! browsers (`idb` module), memory in native tests. Every change that must be all-or-nothing
//! is one call on the store: [`Store::append`] reads an identity's chain head, lets the caller
//! sign, and writes the records and the new head in one transaction.

use crate::backup::{BackupContents, ImportSummary};
use crate::error::{Error, ErrorCode, Result};
#[cfg(any(test, all(target_arch = "wasm32", feature = "device")))]
use crate::words::{Words, BACKUP_NOT_THESE_RECORDS, SIGN_AGAIN};
use crate::health::OutboxSummary;
use crate::rows::{EvidenceRow, IdentityRow, RecordRow, RemovedIdentity, ReportRow};

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

    /// Deletes identity `kid` with its records and their sealed evidence, in one transaction,
    /// and says what went. While some of its records are not sent yet, only with
    /// `discard_unsent`: otherwise `unsent_records`, and nothing changes.
    async fn remove_identity(&self, kid: &str, discard_unsent: bool) -> Result<RemovedIdentity>;

    /// Reads identity `kid` and lets `sign` make records from it, advancing its chain head and
    /// handing each record to `add` as soon as it is made (so that storage works while the next
    /// one is signed); then writes the identity back. One transaction: when `sign` or any
    /// write fails, nothing is stored.
    /// `sign` returns the rows of the evidence it sealed for the records, written in the same
    /// transaction once every piece each row needs is found stored (`storage_unavailable`
    /// otherwise, and nothing is stored).
    async fn append(&self, kid: &str, sign: impl FnOnce(&mut IdentityRow, &mut dyn FnMut(&RecordRow) -> Result<()>) -> Result<Vec<EvidenceRow>>) -> Result<()>;

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
    async fn import(&self, contents: &BackupContents) -> Result<ImportSummary>;

    /// How many records are pending (and since when) and how many were rejected.
    async fn outbox_summary(&self) -> Result<OutboxSummary>;

    /// Up to `limit` records the server has not answered for: pending, or sending (a request
    /// that was cut off), oldest first; only those signed at `since` (RFC 3339) or later when
    /// it is given.
    async fn unsent(&self, since: Option<&str>, limit: u32) -> Result<Vec<RecordRow>>;

    /// Deletes up to `limit` accepted records signed before `before` (RFC 3339), oldest
    /// first, in one transaction; returns how many.
    async fn prune_accepted(&self, before: &str, limit: u32) -> Result<u32>;

    /// Writes back records read with [`Store::unsent`] whose delivery state changed, in one
    /// transaction. Only the sync engine changes stored records, one sync at a time.
    async fn put_records(&self, rows: &[RecordRow]) -> Result<()>;

    /// Stores a setting (the names the device uses are its constants in `store::setting`).
    async fn put_setting(&self, key: &str, value: &str) -> Result<()>;

    /// A stored setting (see [`Store::put_setting`]).
    async fn setting(&self, key: &str) -> Result<Option<String>>;

    /// Stores piece `index` (of [`crate::EVIDENCE_PIECE`] sealed bytes, the last one fewer) of
    /// the evidence staged under `staged`, durably. Pieces are written while a document is
    /// read, before its record exists; [`Store::append`] writes the row that claims them.
    async fn stage_evidence(&self, staged: &str, index: u32, piece: &[u8]) -> Result<()>;

    /// Piece `index` of the evidence staged under `staged`; `storage_unavailable` when it is
    /// not stored (deleted, or damaged storage).
    async fn evidence_piece(&self, staged: &str, index: u32) -> Result<Vec<u8>>;

    /// The evidence rows of record `record_id`.
    async fn evidence(&self, record_id: &str) -> Result<Vec<EvidenceRow>>;

    /// Up to `limit` evidence rows the server has not stored or refused yet, oldest first
    /// (by `pending`, then key), after the row at `after` (`(pending, key)`) when given: a
    /// page of them.
    async fn pending_evidence(&self, after: Option<(&str, &str)>, limit: u32) -> Result<Vec<EvidenceRow>>;

    /// Writes back an evidence row whose state or header changed.
    async fn put_evidence(&self, row: &EvidenceRow) -> Result<()>;

    /// Deletes the rows and pieces of evidence the server stores whose records were signed
    /// before `before` (RFC 3339), and pieces staged before `staged_before` (a UUID v7 prefix)
    /// that no row claims (a signature that never committed); how many rows went.
    async fn prune_evidence(&self, before: &str, staged_before: &str) -> Result<u32>;
}

/// The names of the device's settings, in one place for the modules that read and write them.
pub mod setting {
    /// The time of the last diagnosis (its write probes the storage).
    pub const LAST_DIAGNOSIS: &str = "lastDiagnosis";
    /// The time of the last successful sync (RFC 3339).
    pub const LAST_SYNC: &str = "lastSync";
    /// The correction (ms) the device clock needs to read the server's time, learned at a
    /// sync (`crate::sync` learns it, the clock applies it).
    pub const SERVER_OFFSET: &str = "serverOffsetMs";
    /// Followed by `:` and an authority's key id: the latest server time (ms) that authority
    /// signed; the clock follows only later ones.
    pub const SERVER_TIME_SEEN: &str = "serverTimeSeenMs";
    /// The forms in use, as the authority signed them (`offsign-forms+jws`).
    pub const FORMS: &str = "forms";
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
    .with_remedy(Words::plain(&BACKUP_NOT_THESE_RECORDS), "This backup does not belong with the records on this device. Nothing was imported; ask your administrator.")
}

/// Moves a stored identity's chain head forward to the backup's when that one is further and
/// proven by the backup's own records ([`crate::BackupContents::proves_head`]).
#[cfg(any(test, all(target_arch = "wasm32", feature = "device")))]
pub(crate) fn merge_head(stored: &mut IdentityRow, incoming: &IdentityRow, contents: &BackupContents) {
    let stored_seq = stored.chain.as_ref().map_or(0, |c| c.seq);
    if incoming.chain.as_ref().is_some_and(|c| c.seq > stored_seq) && contents.proves_head(incoming) {
        stored.chain = incoming.chain.clone();
    }
}

/// `report_not_found` for `id`.
pub fn report_not_found(id: &str) -> Error {
    Error::new(ErrorCode::ReportNotFound, format!("no failure report {id:.60} on this device"))
}

/// `storage_unavailable`: piece `index` of the evidence staged under `staged` is not stored.
#[cfg(any(test, all(target_arch = "wasm32", feature = "device")))]
pub(crate) fn missing_piece(staged: &str, index: u32) -> Error {
    Error::new(ErrorCode::StorageUnavailable, format!("piece {index} of the evidence {staged:.40} is missing from this device"))
}

/// `storage_unavailable`: the sealed pieces of `row`'s document or image are no longer stored
/// when its record is about to be.
#[cfg(any(test, all(target_arch = "wasm32", feature = "device")))]
pub(crate) fn pieces_gone(row: &EvidenceRow) -> Error {
    Error::new(ErrorCode::StorageUnavailable, format!("the sealed copy of the {} to sign is no longer stored on this device", row.kind))
        .with_remedy(Words::plain(&SIGN_AGAIN), "Nothing was signed. Sign the document again.")
}

/// `malformed_backup`: a backup's evidence would be stored under an id this device already
/// stores other evidence under.
#[cfg(any(test, all(target_arch = "wasm32", feature = "device")))]
pub(crate) fn staged_collision() -> Error {
    Error::new(ErrorCode::MalformedBackup, "the backup's evidence collides with evidence on this device")
}

/// `unsent_records`: identity `kid` still has `removed.unsent` records the server has not had.
#[cfg(any(test, all(target_arch = "wasm32", feature = "device")))]
pub(crate) fn unsent_records(kid: &str, removed: &RemovedIdentity) -> Error {
    Error::new(ErrorCode::UnsentRecords, format!("identity {kid:.60} has unsent records ({}); nothing was removed", removed.unsent))
}

/// `identity_not_found` for `kid`.
pub fn identity_not_found(kid: &str) -> Error {
    Error::new(ErrorCode::IdentityNotFound, format!("no identity {kid:.60} on this device"))
}

#[cfg(test)]
pub(crate) mod memory {
    //! An in-memory [`Store`] for native tests, with the same atomicity as IndexedDB.

    use super::*;
    use crate::rows::RecordState;
    use crate::time::Timestamp;
    use std::cell::RefCell;
    use std::collections::BTreeMap;

    /// Rows in maps behind a `RefCell`; each method works on a copy and commits at the end.
    #[derive(Default)]
    pub(crate) struct MemoryStore {
        identities: RefCell<Vec<IdentityRow>>,
        records: RefCell<BTreeMap<(String, u64), RecordRow>>,
        reports: RefCell<BTreeMap<String, ReportRow>>,
        settings: RefCell<BTreeMap<String, String>>,
        evidence: RefCell<BTreeMap<String, EvidenceRow>>,
        pub(crate) pieces: RefCell<BTreeMap<(String, u32), Vec<u8>>>,
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

        async fn remove_identity(&self, kid: &str, discard_unsent: bool) -> Result<RemovedIdentity> {
            self.identity(kid).await?;
            let removed = RemovedIdentity::of(self.records.borrow().values().filter(|r| r.kid == kid));
            if removed.unsent > 0 && !discard_unsent {
                return Err(unsent_records(kid, &removed));
            }
            self.records.borrow_mut().retain(|(of, _), _| of != kid);
            let mut evidence = self.evidence.borrow_mut();
            let staged: Vec<String> = evidence.values().filter(|e| e.kid == kid).map(|e| e.staged.clone()).collect();
            evidence.retain(|_, e| e.kid != kid);
            self.pieces.borrow_mut().retain(|(of, _), _| !staged.contains(of));
            self.identities.borrow_mut().retain(|r| r.kid != kid);
            Ok(removed)
        }

        async fn append(&self, kid: &str, sign: impl FnOnce(&mut IdentityRow, &mut dyn FnMut(&RecordRow) -> Result<()>) -> Result<Vec<EvidenceRow>>) -> Result<()> {
            self.room()?;
            let mut row = self.identity(kid).await?;
            let mut new = Vec::new();
            let evidence = sign(&mut row, &mut |record| {
                new.push(record.clone());
                Ok(())
            })?;
            for e in &evidence {
                if (0..e.pieces()).any(|index| !self.pieces.borrow().contains_key(&(e.staged.clone(), index))) {
                    return Err(super::pieces_gone(e));
                }
            }
            let mut records = self.records.borrow_mut();
            for r in new {
                records.insert((r.kid.clone(), r.seq), r);
            }
            for e in evidence {
                self.evidence.borrow_mut().insert(e.key.clone(), e);
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

        async fn import(&self, contents: &BackupContents) -> Result<ImportSummary> {
            let mut summary = ImportSummary::default();
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
            let mut reports = self.reports.borrow().clone();
            for report in &contents.reports {
                if !reports.contains_key(&report.id) {
                    reports.insert(report.id.clone(), report.clone());
                    summary.reports_added += 1;
                }
            }
            let (mut evidence, mut pieces) = (self.evidence.borrow().clone(), self.pieces.borrow().clone());
            for copy in &contents.evidence {
                if !evidence.contains_key(&copy.row.key) {
                    if evidence.values().any(|e| e.staged == copy.row.staged) || pieces.keys().any(|(staged, _)| *staged == copy.row.staged) {
                        return Err(super::staged_collision());
                    }
                    evidence.insert(copy.row.key.clone(), copy.row.clone());
                    for (index, piece) in copy.pieces.iter().enumerate() {
                        let bytes = crate::encoding::b64url_decode(piece).ok_or_else(|| Error::new(ErrorCode::MalformedBackup, "a piece of evidence is not base64url"))?;
                        pieces.insert((copy.row.staged.clone(), index as u32), bytes);
                    }
                    summary.evidence_added += 1;
                }
            }
            *self.reports.borrow_mut() = reports;
            *self.evidence.borrow_mut() = evidence;
            *self.pieces.borrow_mut() = pieces;
            *self.records.borrow_mut() = records;
            *self.identities.borrow_mut() = identities;
            Ok(summary)
        }

        async fn unsent(&self, since: Option<&str>, limit: u32) -> Result<Vec<RecordRow>> {
            let mut rows: Vec<RecordRow> = self
                .records
                .borrow()
                .values()
                .filter(|r| matches!(r.state, RecordState::Pending | RecordState::Sending))
                .filter(|r| since.is_none_or(|since| r.signed_at.as_str() >= since))
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

        async fn outbox_summary(&self) -> Result<OutboxSummary> {
            let records = self.records.borrow();
            let pending: Vec<&RecordRow> =
                records.values().filter(|r| matches!(r.state, RecordState::Pending | RecordState::Sending)).collect();
            Ok(OutboxSummary {
                pending: pending.len() as u32,
                oldest_pending: pending.iter().map(|r| r.signed_at.clone()).min(),
                rejected: records.values().filter(|r| r.state == RecordState::Rejected).count() as u32,
                evidence_pending: self.evidence.borrow().values().filter(|e| e.pending.is_some()).count() as u32,
                evidence_pending_bytes: self.evidence.borrow().values().filter(|e| e.pending.is_some()).map(EvidenceRow::sealed_len).sum(),
            })
        }

        async fn put_setting(&self, key: &str, value: &str) -> Result<()> {
            self.settings.borrow_mut().insert(key.to_owned(), value.to_owned());
            Ok(())
        }

        async fn setting(&self, key: &str) -> Result<Option<String>> {
            Ok(self.settings.borrow().get(key).cloned())
        }

        async fn stage_evidence(&self, staged: &str, index: u32, piece: &[u8]) -> Result<()> {
            self.room()?;
            self.pieces.borrow_mut().insert((staged.to_owned(), index), piece.to_vec());
            Ok(())
        }

        async fn evidence_piece(&self, staged: &str, index: u32) -> Result<Vec<u8>> {
            self.pieces.borrow().get(&(staged.to_owned(), index)).cloned().ok_or_else(|| super::missing_piece(staged, index))
        }

        async fn evidence(&self, record_id: &str) -> Result<Vec<EvidenceRow>> {
            Ok(self.evidence.borrow().values().filter(|e| e.record_id == record_id).cloned().collect())
        }

        async fn pending_evidence(&self, after: Option<(&str, &str)>, limit: u32) -> Result<Vec<EvidenceRow>> {
            let mut rows: Vec<EvidenceRow> = self
                .evidence
                .borrow()
                .values()
                .filter(|e| e.pending.as_deref().is_some_and(|pending| after.is_none_or(|after| (pending, e.key.as_str()) > after)))
                .cloned()
                .collect();
            rows.sort_by(|a, b| (&a.pending, &a.key).cmp(&(&b.pending, &b.key)));
            rows.truncate(limit as usize);
            Ok(rows)
        }

        async fn put_evidence(&self, row: &EvidenceRow) -> Result<()> {
            self.evidence.borrow_mut().insert(row.key.clone(), row.clone());
            Ok(())
        }

        async fn prune_evidence(&self, before: &str, staged_before: &str) -> Result<u32> {
            let mut evidence = self.evidence.borrow_mut();
            let gone: Vec<String> = evidence
                .values()
                .filter(|e| e.state == crate::rows::EvidenceState::Stored && e.signed_at.as_str() < before)
                .map(|e| e.key.clone())
                .collect();
            let mut freed = Vec::new();
            for key in &gone {
                freed.extend(evidence.remove(key).map(|e| e.staged));
            }
            let claimed: Vec<String> = evidence.values().map(|e| e.staged.clone()).collect();
            self.pieces.borrow_mut().retain(|(staged, _), _| !freed.contains(staged) && (claimed.contains(staged) || staged.as_str() >= staged_before));
            Ok(gone.len() as u32)
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
