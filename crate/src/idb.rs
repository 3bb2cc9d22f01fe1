//! The IndexedDB [`Store`] (through rexie): the schema, its versions, and the mapping of
//! browser storage failures to `storage_full` / `storage_unavailable`.
//!
//! Rows are stored as plain objects (serde-wasm-bindgen), bytes as strings, never Blobs.
//! Only IndexedDB requests are awaited inside a transaction, so it never closes early.

use crate::error::{Error, ErrorCode, Result};
use crate::backup::{BackupContents, ImportSummary};
use crate::store::{identity_not_found, import_conflict, merge_head, report_not_found, IdentityRow, RecordRow, ReportRow, Store};
use crate::health::OutboxSummary;
use crate::time::Timestamp;
use rexie::{Index, KeyRange, ObjectStore, Rexie, TransactionMode};
use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::JsValue;

/// The schema version this code writes. Opening an older database upgrades it:
/// - 1: `identities` (by kid), `records` (by id, index `byKidSeq`);
/// - 2: adds `reports` (by id, index `byFingerprint`), `settings` (by key) and the
///   `byState` index of `records`.
pub const SCHEMA_VERSION: u32 = 2;
const IDENTITIES: &str = "identities";
const RECORDS: &str = "records";
const REPORTS: &str = "reports";
const SETTINGS: &str = "settings";
/// Records by delivery state, oldest first: `[state, signedAt]`.
const BY_STATE: &str = "byState";
/// Records of one identity in chain order: `[kid, seq]`.
const BY_KID_SEQ: &str = "byKidSeq";
/// Reports of one failure, oldest first: `[fingerprint, id]`.
const BY_FINGERPRINT: &str = "byFingerprint";

/// An offsign database in IndexedDB.
pub struct IdbStore {
    db: Rexie,
}

impl IdbStore {
    /// Opens (creating or upgrading) the database `name`.
    pub async fn open(name: &str) -> Result<Self> {
        let db = Rexie::builder(name)
            .version(SCHEMA_VERSION)
            .add_object_store(ObjectStore::new(IDENTITIES).key_path("kid"))
            .add_object_store(
                ObjectStore::new(RECORDS)
                    .key_path("id")
                    .add_index(Index::new_array(BY_KID_SEQ, ["kid", "seq"]).unique(true))
                    .add_index(Index::new_array(BY_STATE, ["state", "signedAt"])),
            )
            .add_object_store(ObjectStore::new(SETTINGS).key_path("key"))
            .add_object_store(
                ObjectStore::new(REPORTS).key_path("id").add_index(Index::new_array(BY_FINGERPRINT, ["fingerprint", "id"])),
            )
            .build()
            .await
            .map_err(|e| storage_error("opening the database", e))?;
        Ok(IdbStore { db })
    }

    fn transaction(&self, stores: &[&str], mode: TransactionMode) -> Result<rexie::Transaction> {
        self.db.transaction(stores, mode).map_err(|e| storage_error("starting a transaction", e))
    }
}

/// Maps a rexie failure: a full quota is `storage_full`, anything else `storage_unavailable`.
fn storage_error(doing: &str, e: rexie::Error) -> Error {
    // The DOMException's name is only reachable through the error's debug text.
    let detail = format!("{e:?}");
    let code = if detail.contains("QuotaExceededError") { ErrorCode::StorageFull } else { ErrorCode::StorageUnavailable };
    Error::new(code, format!("IndexedDB failed while {doing}: {detail:.300}"))
}

fn to_js<T: Serialize>(row: &T) -> Result<JsValue> {
    row.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| Error::new(ErrorCode::StorageUnavailable, format!("a row did not convert: {e}")))
}

fn from_js<T: DeserializeOwned>(value: JsValue) -> Result<T> {
    serde_wasm_bindgen::from_value(value)
        .map_err(|e| Error::new(ErrorCode::StorageUnavailable, format!("a stored row is damaged: {e}")))
}

/// Waits for a read-write transaction to commit; an abort is an error.
async fn commit(tx: rexie::Transaction) -> Result<()> {
    let result = tx.done().await.map_err(|e| storage_error("committing", e))?;
    if result.is_committed() {
        Ok(())
    } else {
        Err(Error::new(ErrorCode::StorageUnavailable, "the transaction was aborted"))
    }
}

impl Store for IdbStore {
    async fn add_identity(&self, row: &IdentityRow) -> Result<()> {
        let tx = self.transaction(&[IDENTITIES], TransactionMode::ReadWrite)?;
        let store = tx.store(IDENTITIES).map_err(|e| storage_error("opening identities", e))?;
        store.add(&to_js(row)?, None).await.map_err(|e| storage_error("adding an identity", e))?;
        commit(tx).await
    }

    async fn identity(&self, kid: &str) -> Result<IdentityRow> {
        let tx = self.transaction(&[IDENTITIES], TransactionMode::ReadOnly)?;
        let store = tx.store(IDENTITIES).map_err(|e| storage_error("opening identities", e))?;
        let value = store.get(kid.into()).await.map_err(|e| storage_error("reading an identity", e))?;
        from_js(value.ok_or_else(|| identity_not_found(kid))?)
    }

    async fn identities(&self) -> Result<Vec<IdentityRow>> {
        let tx = self.transaction(&[IDENTITIES], TransactionMode::ReadOnly)?;
        let store = tx.store(IDENTITIES).map_err(|e| storage_error("opening identities", e))?;
        let values = store.get_all(None, None).await.map_err(|e| storage_error("listing identities", e))?;
        let mut rows: Vec<IdentityRow> = values.into_iter().map(from_js).collect::<Result<_>>()?;
        rows.sort_by(|a, b| a.created_at.cmp(&b.created_at));
        Ok(rows)
    }

    async fn update_identity(&self, kid: &str, change: impl FnOnce(&mut IdentityRow) -> Result<()>) -> Result<IdentityRow> {
        let tx = self.transaction(&[IDENTITIES], TransactionMode::ReadWrite)?;
        let store = tx.store(IDENTITIES).map_err(|e| storage_error("opening identities", e))?;
        let value = store.get(kid.into()).await.map_err(|e| storage_error("reading an identity", e))?;
        let mut row: IdentityRow = from_js(value.ok_or_else(|| identity_not_found(kid))?)?;
        if let Err(e) = change(&mut row) {
            let _ = tx.abort().await;
            return Err(e);
        }
        store.put(&to_js(&row)?, None).await.map_err(|e| storage_error("updating an identity", e))?;
        commit(tx).await?;
        Ok(row)
    }

    async fn append(&self, kid: &str, sign: impl FnOnce(&mut IdentityRow) -> Result<Vec<RecordRow>>) -> Result<Vec<RecordRow>> {
        let tx = self.transaction(&[IDENTITIES, RECORDS], TransactionMode::ReadWrite)?;
        let identities = tx.store(IDENTITIES).map_err(|e| storage_error("opening identities", e))?;
        let records = tx.store(RECORDS).map_err(|e| storage_error("opening records", e))?;
        let value = identities.get(kid.into()).await.map_err(|e| storage_error("reading an identity", e))?;
        let mut row: IdentityRow = from_js(value.ok_or_else(|| identity_not_found(kid))?)?;
        let new = match sign(&mut row) {
            Ok(new) => new,
            Err(e) => {
                let _ = tx.abort().await;
                return Err(e);
            }
        };
        for record in &new {
            if let Err(e) = records.add(&to_js(record)?, None).await {
                let _ = tx.abort().await;
                return Err(storage_error("adding a record", e));
            }
        }
        identities.put(&to_js(&row)?, None).await.map_err(|e| storage_error("advancing the chain head", e))?;
        commit(tx).await?;
        Ok(new)
    }

    async fn records(&self, kid: &str, after: u64, limit: u32) -> Result<Vec<RecordRow>> {
        let tx = self.transaction(&[RECORDS], TransactionMode::ReadOnly)?;
        let store = tx.store(RECORDS).map_err(|e| storage_error("opening records", e))?;
        let index = store.index(BY_KID_SEQ).map_err(|e| storage_error("opening the chain index", e))?;
        let key = |seq: f64| -> JsValue { js_sys::Array::of2(&kid.into(), &seq.into()).into() };
        let range = KeyRange::bound(&key(after as f64 + 1.0), &key(f64::MAX), Some(false), Some(false))
            .map_err(|e| storage_error("building a key range", e.into()))?;
        let values = index.get_all(Some(range), Some(limit)).await.map_err(|e| storage_error("reading records", e))?;
        values.into_iter().map(from_js).collect()
    }

    async fn record_failure(&self, report: ReportRow, window_ms: i64) -> Result<ReportRow> {
        let now = Timestamp::parse_rfc3339(&report.last_at)?;
        let tx = self.transaction(&[REPORTS], TransactionMode::ReadWrite)?;
        let store = tx.store(REPORTS).map_err(|e| storage_error("opening reports", e))?;
        let index = store.index(BY_FINGERPRINT).map_err(|e| storage_error("opening the report index", e))?;
        let key = |id: &str| -> JsValue { js_sys::Array::of2(&report.fingerprint.as_str().into(), &id.into()).into() };
        // Ids are UUID v7 (hex, time-ordered): "" sorts before and "g" after every one of them.
        let range = KeyRange::bound(&key(""), &key("g"), Some(false), Some(false))
            .map_err(|e| storage_error("building a key range", e.into()))?;
        let newest = index
            .scan(Some(range), Some(1), None, Some(rexie::Direction::Prev))
            .await
            .map_err(|e| storage_error("reading reports", e))?;
        let stored = match newest.into_iter().next() {
            Some((_, value)) => {
                let mut existing: ReportRow = from_js(value)?;
                if existing.absorbs(now, window_ms) {
                    existing.absorb(&report);
                    existing
                } else {
                    report
                }
            }
            None => report,
        };
        store.put(&to_js(&stored)?, None).await.map_err(|e| storage_error("storing a report", e))?;
        commit(tx).await?;
        Ok(stored)
    }

    async fn reports(&self, after: &str, limit: u32) -> Result<Vec<ReportRow>> {
        let tx = self.transaction(&[REPORTS], TransactionMode::ReadOnly)?;
        let store = tx.store(REPORTS).map_err(|e| storage_error("opening reports", e))?;
        let range = KeyRange::lower_bound(&after.into(), Some(true)).map_err(|e| storage_error("building a key range", e.into()))?;
        let values = store.get_all(Some(range), Some(limit)).await.map_err(|e| storage_error("reading reports", e))?;
        values.into_iter().map(from_js).collect()
    }

    async fn update_report(&self, id: &str, change: impl FnOnce(&mut ReportRow) -> Result<()>) -> Result<ReportRow> {
        let tx = self.transaction(&[REPORTS], TransactionMode::ReadWrite)?;
        let store = tx.store(REPORTS).map_err(|e| storage_error("opening reports", e))?;
        let value = store.get(id.into()).await.map_err(|e| storage_error("reading a report", e))?;
        let mut row: ReportRow = from_js(value.ok_or_else(|| report_not_found(id))?)?;
        if let Err(e) = change(&mut row) {
            let _ = tx.abort().await;
            return Err(e);
        }
        store.put(&to_js(&row)?, None).await.map_err(|e| storage_error("updating a report", e))?;
        commit(tx).await?;
        Ok(row)
    }

    async fn outbox_summary(&self) -> Result<OutboxSummary> {
        let tx = self.transaction(&[RECORDS], TransactionMode::ReadOnly)?;
        let store = tx.store(RECORDS).map_err(|e| storage_error("opening records", e))?;
        let index = store.index(BY_STATE).map_err(|e| storage_error("opening the state index", e))?;
        // signedAt strings start with a digit: "" sorts before and "~" after all of them.
        let in_state = |state: &str| -> Result<KeyRange> {
            let key = |at: &str| -> JsValue { js_sys::Array::of2(&state.into(), &at.into()).into() };
            KeyRange::bound(&key(""), &key("~"), Some(false), Some(false)).map_err(|e| storage_error("building a key range", e.into()))
        };
        let pending = index.count(Some(in_state("pending")?)).await.map_err(|e| storage_error("counting records", e))?;
        let oldest = index.get_all(Some(in_state("pending")?), Some(1)).await.map_err(|e| storage_error("reading records", e))?;
        let rejected = index.count(Some(in_state("rejected")?)).await.map_err(|e| storage_error("counting records", e))?;
        let oldest_pending = match oldest.into_iter().next() {
            Some(value) => Some(from_js::<RecordRow>(value)?.signed_at),
            None => None,
        };
        Ok(OutboxSummary { pending, oldest_pending, rejected })
    }

    async fn put_setting(&self, key: &str, value: &str) -> Result<()> {
        #[derive(Serialize)]
        struct Setting<'a> {
            key: &'a str,
            value: &'a str,
        }
        let tx = self.transaction(&[SETTINGS], TransactionMode::ReadWrite)?;
        let store = tx.store(SETTINGS).map_err(|e| storage_error("opening settings", e))?;
        store.put(&to_js(&Setting { key, value })?, None).await.map_err(|e| storage_error("writing a setting", e))?;
        commit(tx).await
    }

    async fn setting(&self, key: &str) -> Result<Option<String>> {
        #[derive(serde::Deserialize)]
        struct Setting {
            value: String,
        }
        let tx = self.transaction(&[SETTINGS], TransactionMode::ReadOnly)?;
        let store = tx.store(SETTINGS).map_err(|e| storage_error("opening settings", e))?;
        let value = store.get(key.into()).await.map_err(|e| storage_error("reading a setting", e))?;
        value.map(|v| from_js::<Setting>(v).map(|s| s.value)).transpose()
    }

    async fn import(&self, contents: &BackupContents) -> Result<ImportSummary> {
        let tx = self.transaction(&[IDENTITIES, RECORDS, REPORTS], TransactionMode::ReadWrite)?;
        let result = import_in(&tx, contents).await;
        if result.is_err() {
            let _ = tx.abort().await;
            return result;
        }
        commit(tx).await?;
        result
    }
}

/// The body of [`IdbStore::import`], inside its transaction.
async fn import_in(tx: &rexie::Transaction, contents: &BackupContents) -> Result<ImportSummary> {
    let mut summary = ImportSummary::default();
    let identities = tx.store(IDENTITIES).map_err(|e| storage_error("opening identities", e))?;
    let records = tx.store(RECORDS).map_err(|e| storage_error("opening records", e))?;
    let reports = tx.store(REPORTS).map_err(|e| storage_error("opening reports", e))?;
    let chain = records.index(BY_KID_SEQ).map_err(|e| storage_error("opening the chain index", e))?;
    for record in &contents.records {
        let key: JsValue = js_sys::Array::of2(&record.kid.as_str().into(), &(record.seq as f64).into()).into();
        match chain.get(key).await.map_err(|e| storage_error("reading a record", e))? {
            Some(value) => {
                let existing: RecordRow = from_js(value)?;
                if existing.hash != record.hash || existing.id != record.id {
                    return Err(import_conflict(record));
                }
                summary.records_skipped += 1;
            }
            None => {
                records.add(&to_js(record)?, None).await.map_err(|e| storage_error("adding a record", e))?;
                summary.records_added += 1;
            }
        }
    }
    for incoming in &contents.identities {
        match identities.get(incoming.kid.as_str().into()).await.map_err(|e| storage_error("reading an identity", e))? {
            Some(value) => {
                let mut stored: IdentityRow = from_js(value)?;
                merge_head(&mut stored, incoming);
                identities.put(&to_js(&stored)?, None).await.map_err(|e| storage_error("updating an identity", e))?;
            }
            None => {
                identities.add(&to_js(incoming)?, None).await.map_err(|e| storage_error("adding an identity", e))?;
                summary.identities_added += 1;
            }
        }
    }
    for report in &contents.reports {
        if !reports.key_exists(report.id.as_str().into()).await.map_err(|e| storage_error("reading a report", e))? {
            reports.add(&to_js(report)?, None).await.map_err(|e| storage_error("adding a report", e))?;
            summary.reports_added += 1;
        }
    }
    Ok(summary)
}
