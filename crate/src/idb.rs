//! The IndexedDB [`Store`]: the schema, its versions, and the mapping of browser storage
//! failures to `storage_full` / `storage_unavailable`.
//!
//! rexie declares the schema and upgrades it. Reads and writes run on a connection of our
//! own through web-sys, because rexie can set neither `durability: "strict"` (appending signed
//! records, importing a backup must survive a power cut) nor read why a transaction aborted
//! (`QuotaExceededError` must become `storage_full`), and awaits requests one by one where
//! the pages of a batch are read at once.
//!
//! Rows are stored as plain objects (serde-wasm-bindgen), bytes as strings, never Blobs.
//! Records are kept in pages of consecutive records of one identity (`record_pages`): one
//! write per page rather than per record. Only IndexedDB requests are awaited inside a
//! transaction, so it never closes early.

use crate::error::{Error, ErrorCode, Result};
use crate::words::{Words, NEWER_VERSION_OPEN};
use crate::backup::{BackupContents, ImportSummary};
use crate::record_pages::{Page, PAGE_ROWS};
use crate::rows::{EvidenceRow, EvidenceState, IdentityRow, RecordRow, RecordState, RemovedIdentity, ReportRow};
use crate::store::{identity_not_found, import_conflict, merge_head, missing_piece, report_not_found, unsent_records, Store};
use crate::health::OutboxSummary;
use crate::time::Timestamp;
use rexie::{Index, ObjectStore, Rexie};
use crate::json::FromJson;
use serde::Serialize;
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;
use wasm_bindgen::JsValue;

/// The schema version this code writes. Opening an older database upgrades it:
/// - 1: `identities` (by kid), `records` (by id, index `byKidSeq`);
/// - 2: adds `reports` (by id, index `byFingerprint`), `settings` (by key) and the
///   `byState` index of `records`;
/// - 3: adds `pages` (by `[kid, first seq]`, indexes `byKidLast`, `byUnsent`, `byRejected`,
///   `byAccepted`); opening moves the rows of `records` into pages, which leaves it empty;
/// - 4: adds `evidence` (by `recordId/kind`, indexes `byPending`, `byStaged`) and
///   `evidencePieces` (sealed bytes as `Uint8Array`s, by `[staged, index]`).
pub const SCHEMA_VERSION: u32 = 4;
const IDENTITIES: &str = "identities";
/// Records one row each, as versions 1 and 2 kept them; empty once opened by this code.
const RECORDS: &str = "records";
const PAGES: &str = "pages";
const REPORTS: &str = "reports";
const SETTINGS: &str = "settings";
const EVIDENCE: &str = "evidence";
/// Sealed evidence, a `Uint8Array` per piece under the out-of-line key `[staged, index]`.
const EVIDENCE_PIECES: &str = "evidencePieces";
/// Evidence not yet stored or refused by the server, oldest first: `pending` (its signing time).
const BY_PENDING: &str = "byPending";
/// Evidence rows by the id their pieces are staged under.
const BY_STAGED: &str = "byStaged";
/// Records by delivery state, oldest first: `[state, signedAt]` (version 2, unused since).
const BY_STATE: &str = "byState";
/// Records of one identity in chain order: `[kid, seq]` (versions 1 and 2).
const BY_KID_SEQ: &str = "byKidSeq";
/// Pages of one identity in chain order: `[kid, last seq]`.
const BY_KID_LAST: &str = "byKidLast";
/// Unsent records in the order of sending: `[signedAt, kid, seq]`, one entry per record.
const BY_UNSENT: &str = "byUnsent";
/// Rejected records: their seqs, one entry per record (for counting).
const BY_REJECTED: &str = "byRejected";
/// Accepted records: their signing times (for pruning).
const BY_ACCEPTED: &str = "byAccepted";
/// How many old rows one transaction moves into pages at open.
const MOVE_AT_ONCE: u32 = 2_000;
/// Reports of one failure, oldest first: `[fingerprint, id]`.
const BY_FINGERPRINT: &str = "byFingerprint";

/// An offsign database in IndexedDB.
///
/// The browser may close a connection: Safari does when it likes, and every browser does when
/// another tab upgrades or deletes the database (the connection closes then, so that tab is
/// not blocked). The next operation reopens the database and tries once more.
pub struct IdbStore {
    name: String,
    connection: Rc<Connection>,
}

/// The connection to one database; `None` once closed.
#[derive(Default)]
struct Connection {
    db: RefCell<Option<web_sys::IdbDatabase>>,
}

impl Connection {
    fn close(&self) {
        if let Some(db) = self.db.take() {
            db.close();
        }
    }
}

impl IdbStore {
    /// Opens (creating or upgrading) the database `name`.
    pub async fn open(name: &str) -> Result<Self> {
        let store = IdbStore { name: name.to_owned(), connection: Rc::default() };
        store.reopen().await?;
        store.move_rows_into_pages().await?;
        Ok(store)
    }

    /// Moves the records a version 1 or 2 database kept one per row into pages, a few
    /// thousand per transaction: each move is whole (another tab opening the database at the
    /// same time moves the next rows, or none).
    async fn move_rows_into_pages(&self) -> Result<()> {
        // Looked at first in a read-only transaction: a strict one would wait for the disk at
        // every open.
        let tx = self.read_transaction(&[RECORDS]).await?;
        let count = raw::store(&tx, RECORDS)?.count().map_err(|e| raw_error("counting records", e))?;
        if raw::request(&count).await.map_err(|e| raw_error("counting records", e))?.as_f64() == Some(0.0) {
            return Ok(());
        }
        while self.write(&[RECORDS, PAGES], Durability::Strict, "moving records into pages", |tx| async move { move_rows_in(&tx).await }).await? == MOVE_AT_ONCE {}
        Ok(())
    }

    /// Closes whatever is open, has rexie create or upgrade the schema, and opens the
    /// connection anew.
    async fn reopen(&self) -> Result<()> {
        self.connection.close();
        let schema = Rexie::builder(&self.name)
            .version(SCHEMA_VERSION)
            .add_object_store(ObjectStore::new(IDENTITIES).key_path("kid"))
            .add_object_store(
                ObjectStore::new(RECORDS)
                    .key_path("id")
                    .add_index(Index::new_array(BY_KID_SEQ, ["kid", "seq"]).unique(true))
                    .add_index(Index::new_array(BY_STATE, ["state", "signedAt"])),
            )
            .add_object_store(
                ObjectStore::new(PAGES)
                    .key_path("key")
                    .add_index(Index::new_array(BY_KID_LAST, ["kid", "last"]).unique(true))
                    .add_index(Index::new(BY_UNSENT, "unsent").multi_entry(true))
                    .add_index(Index::new(BY_REJECTED, "rejected").multi_entry(true))
                    .add_index(Index::new(BY_ACCEPTED, "accepted").multi_entry(true)),
            )
            .add_object_store(ObjectStore::new(SETTINGS).key_path("key"))
            .add_object_store(
                ObjectStore::new(EVIDENCE).key_path("key").add_index(Index::new(BY_PENDING, "pending")).add_index(Index::new(BY_STAGED, "staged")),
            )
            .add_object_store(ObjectStore::new(EVIDENCE_PIECES))
            .add_object_store(
                ObjectStore::new(REPORTS).key_path("id").add_index(Index::new_array(BY_FINGERPRINT, ["fingerprint", "id"])),
            )
            .build()
            .await
            .map_err(|e| storage_error("opening the database", e))?;
        schema.close();
        let db = raw::open(&self.name, Rc::downgrade(&self.connection)).await.map_err(|e| raw_error("opening the database", e))?;
        *self.connection.db.borrow_mut() = Some(db);
        Ok(())
    }

    /// Starts a transaction with `start`; when the connection is closed, or starting fails,
    /// reopens the database and starts it once more.
    async fn begin<T>(&self, start: impl Fn(&web_sys::IdbDatabase) -> Result<T>) -> Result<T> {
        let attempt = || match &*self.connection.db.borrow() {
            Some(db) => start(db),
            None => Err(Error::new(ErrorCode::StorageUnavailable, "the database connection was closed")),
        };
        match attempt() {
            Ok(started) => Ok(started),
            Err(_) => {
                self.reopen().await?;
                attempt()
            }
        }
    }

    /// A read-only transaction, whose requests can be issued at once.
    async fn read_transaction(&self, stores: &[&str]) -> Result<web_sys::IdbTransaction> {
        self.begin(|db| raw::read_transaction(db, stores).map_err(|e| raw_error("starting a transaction", e))).await
    }

    /// Runs `body` in a read-write transaction on `stores` and waits until it has committed
    /// (with `Durability::Strict`, until it is on disk). When `body` fails, the transaction is
    /// aborted and nothing of it is stored; when the transaction aborts (a full quota), its
    /// reason is the error.
    async fn write<T, F: std::future::Future<Output = Result<T>>>(
        &self,
        stores: &[&str],
        durability: Durability,
        doing: &str,
        body: impl FnOnce(web_sys::IdbTransaction) -> F,
    ) -> Result<T> {
        let tx = self.begin(|db| raw::transaction(db, stores, durability).map_err(|e| raw_error("starting a transaction", e))).await?;
        let ended = raw::Ending::watch(&tx);
        let result = body(tx.clone()).await;
        raw::finish(&tx, ended, result).await.map_err(|e| raw_error(doing, e))?
    }
}

/// How durable a read-write transaction must be when it completes.
#[derive(Clone, Copy)]
enum Durability {
    /// On disk: signed records, imported backups, moved rows.
    Strict,
    /// As the browser likes: what a crash may lose without harm (a delivery state only means
    /// a resend), and what the device kept in rexie's transactions before.
    Default,
}

/// The key `[kid, seq]` (of a page, or of the `byKidLast` index).
fn kid_seq(kid: &str, seq: f64) -> JsValue {
    js_sys::Array::of2(&kid.into(), &seq.into()).into()
}

/// The `byKidLast` range of identity `kid`'s pages that end at `from` or later (and hold
/// its records from `from` on).
fn pages_from(kid: &str, from: u64) -> Result<JsValue> {
    let range = web_sys::IdbKeyRange::bound(&kid_seq(kid, from as f64), &kid_seq(kid, f64::MAX)).map_err(|e| raw_error("building a key range", e))?;
    Ok(range.into())
}

/// The rows (or pages) in the array `values`, read.
fn rows_of<T: FromJson>(values: JsValue) -> Result<Vec<T>> {
    js_sys::Array::from(&values).iter().map(from_js).collect()
}

/// Queues the adds of `rows` as pages (see [`Page::paginate`]) to `store`.
fn add_pages(store: &web_sys::IdbObjectStore, rows: Vec<RecordRow>) -> Result<()> {
    Page::paginate(rows).iter().try_for_each(|page| raw::queue_add(store, &to_js(page)?))
}

/// Distinct page keys, in their first order. (A list, not a hash set: a few dozen pages at a
/// time, and less code in the wasm.)
fn distinct_keys(keys: JsValue) -> Vec<JsValue> {
    let mut seen: Vec<(Option<String>, Option<u64>)> = Vec::new();
    let mut distinct = Vec::new();
    for key in js_sys::Array::from(&keys).iter() {
        let parts = js_sys::Array::from(&key);
        let id = (parts.get(0).as_string(), parts.get(1).as_f64().map(f64::to_bits));
        if !seen.contains(&id) {
            seen.push(id);
            distinct.push(key);
        }
    }
    distinct
}

/// Reads the pages under `keys`, the requests issued at once.
async fn read_pages(store: &web_sys::IdbObjectStore, keys: &[JsValue]) -> Result<Vec<Page>> {
    let requests: Vec<web_sys::IdbRequest> = keys.iter().map(|key| store.get(key).map_err(|e| raw_error("reading records", e))).collect::<Result<_>>()?;
    let mut read = Vec::with_capacity(requests.len());
    for request in &requests {
        let value = raw::request(request).await.map_err(|e| raw_error("reading records", e))?;
        if !value.is_undefined() {
            read.push(from_js(value)?);
        }
    }
    Ok(read)
}

/// Maps a failure to create or upgrade the schema: a full quota is `storage_full`, anything else
/// `storage_unavailable`.
fn storage_error(doing: &str, e: rexie::Error) -> Error {
    // The DOMException's name is only reachable through the error's debug text.
    let detail = format!("{e:?}");
    let code = if detail.contains("QuotaExceededError") { ErrorCode::StorageFull } else { ErrorCode::StorageUnavailable };
    let error = Error::new(code, format!("IndexedDB failed while {doing}: {detail:.300}"));
    if detail.contains("VersionError") {
        // Another tab or window runs a newer version of the app, which upgraded the database.
        error.with_remedy(Words::plain(&NEWER_VERSION_OPEN), "A newer version of this app is open in another tab or window. Reload this page to use it.")
    } else {
        error
    }
}

fn to_js<T: Serialize>(row: &T) -> Result<JsValue> {
    row.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| Error::new(ErrorCode::StorageUnavailable, format!("a row did not convert: {e}")))
}

/// Reads a stored row: serde-wasm-bindgen makes it a JSON value, the row type takes it apart.
fn from_js<T: FromJson>(value: JsValue) -> Result<T> {
    serde_wasm_bindgen::from_value::<serde_json::Value>(value)
        .map_err(|e| e.to_string())
        .and_then(T::from_json)
        .map_err(damaged)
}

fn damaged(why: String) -> Error {
    Error::new(ErrorCode::StorageUnavailable, format!("a stored row is damaged: {why}"))
}

impl Store for IdbStore {
    async fn add_identity(&self, row: &IdentityRow) -> Result<()> {
        self.write(&[IDENTITIES], Durability::Default, "adding an identity", |tx| async move {
            raw::queue_add(&raw::store(&tx, IDENTITIES)?, &to_js(row)?)
        })
        .await
    }

    async fn identity(&self, kid: &str) -> Result<IdentityRow> {
        let tx = self.read_transaction(&[IDENTITIES]).await?;
        let value = raw::get(&raw::store(&tx, IDENTITIES)?, &kid.into()).await?;
        from_js(value.ok_or_else(|| identity_not_found(kid))?)
    }

    async fn identities(&self) -> Result<Vec<IdentityRow>> {
        let tx = self.read_transaction(&[IDENTITIES]).await?;
        let all = raw::store(&tx, IDENTITIES)?.get_all().map_err(|e| raw_error("listing identities", e))?;
        let mut rows: Vec<IdentityRow> = rows_of(raw::request(&all).await.map_err(|e| raw_error("listing identities", e))?)?;
        rows.sort_by(|a, b| a.created_at.cmp(&b.created_at));
        Ok(rows)
    }

    async fn update_identity(&self, kid: &str, change: impl FnOnce(&mut IdentityRow) -> Result<()>) -> Result<IdentityRow> {
        self.write(&[IDENTITIES], Durability::Default, "updating an identity", |tx| async move {
            let store = raw::store(&tx, IDENTITIES)?;
            let mut row: IdentityRow = from_js(raw::get(&store, &kid.into()).await?.ok_or_else(|| identity_not_found(kid))?)?;
            change(&mut row)?;
            raw::queue_put(&store, &to_js(&row)?)?;
            Ok(row)
        })
        .await
    }

    async fn remove_identity(&self, kid: &str, discard_unsent: bool) -> Result<RemovedIdentity> {
        self.write(&[IDENTITIES, PAGES, EVIDENCE, EVIDENCE_PIECES], Durability::Strict, "removing an identity", |tx| async move {
            remove_identity_in(&tx, kid, discard_unsent).await
        })
        .await
    }

    async fn append(&self, kid: &str, sign: impl FnOnce(&mut IdentityRow, &mut dyn FnMut(&RecordRow) -> Result<()>) -> Result<Vec<EvidenceRow>>) -> Result<()> {
        self.write(&[IDENTITIES, PAGES, EVIDENCE, EVIDENCE_PIECES], Durability::Strict, "appending records", |tx| async move { append_in(&tx, kid, sign).await }).await
    }

    async fn records(&self, kid: &str, after: u64, limit: u32) -> Result<Vec<RecordRow>> {
        let tx = self.read_transaction(&[PAGES]).await?;
        let chain = raw::store(&tx, PAGES)?.index(BY_KID_LAST).map_err(|e| raw_error("opening the chain index", e))?;
        let chain = &chain;
        let read = |range: JsValue, count: Option<u32>| async move {
            let request = match count {
                Some(count) => chain.get_all_with_key_and_limit(&range, count),
                None => chain.get_all_with_key(&range),
            };
            rows_of::<Page>(raw::request(&request.map_err(|e| raw_error("reading records", e))?).await.map_err(|e| raw_error("reading records", e))?)
        };
        let mut rows = Vec::new();
        let mut from = after.saturating_add(1);
        while rows.len() < limit as usize {
            // The pages that hold the next `remaining` seqs when there is no gap among them: those
            // ending before `upper` (a page spans fewer than PAGE_ROWS seqs).
            let upper = from.saturating_add(u64::from(limit) - rows.len() as u64).saturating_add(PAGE_ROWS as u64);
            let bounded = web_sys::IdbKeyRange::bound(&kid_seq(kid, from as f64), &kid_seq(kid, upper as f64)).map_err(|e| raw_error("building a key range", e))?;
            let mut pages = read(bounded.into(), None).await?;
            if pages.is_empty() {
                // Past a gap wider than that (pruned records), the next page, if there is one.
                pages = read(pages_from(kid, upper)?, Some(1)).await?;
                if pages.is_empty() {
                    break;
                }
            }
            for page in pages {
                from = page.last().saturating_add(1);
                rows.extend(page.rows.into_iter().filter(|r| r.seq > after));
            }
        }
        rows.truncate(limit as usize);
        Ok(rows)
    }

    async fn record_failure(&self, report: ReportRow, window_ms: i64) -> Result<ReportRow> {
        let now = Timestamp::parse_rfc3339(&report.last_at)?;
        self.write(&[REPORTS], Durability::Default, "storing a report", |tx| async move {
            let store = raw::store(&tx, REPORTS)?;
            let index = store.index(BY_FINGERPRINT).map_err(|e| raw_error("opening the report index", e))?;
            let key = |id: &str| -> JsValue { js_sys::Array::of2(&report.fingerprint.as_str().into(), &id.into()).into() };
            // Ids are UUID v7 (hex, time-ordered): "" sorts before and "g" after every one of them.
            let range = web_sys::IdbKeyRange::bound(&key(""), &key("g")).map_err(|e| raw_error("building a key range", e))?;
            let newest = index
                .open_cursor_with_range_and_direction(&range, web_sys::IdbCursorDirection::Prev)
                .map_err(|e| raw_error("reading reports", e))?;
            let newest = raw::request(&newest).await.map_err(|e| raw_error("reading reports", e))?;
            let stored = match wasm_bindgen::JsCast::dyn_ref::<web_sys::IdbCursorWithValue>(&newest) {
                Some(cursor) => {
                    let mut existing: ReportRow = from_js(cursor.value().map_err(|e| raw_error("reading reports", e))?)?;
                    if existing.absorbs(now, window_ms) {
                        existing.absorb(&report);
                        existing
                    } else {
                        report
                    }
                }
                None => report,
            };
            raw::queue_put(&store, &to_js(&stored)?)?;
            Ok(stored)
        })
        .await
    }

    async fn reports(&self, after: &str, limit: u32) -> Result<Vec<ReportRow>> {
        let tx = self.read_transaction(&[REPORTS]).await?;
        let range = web_sys::IdbKeyRange::lower_bound_with_open(&after.into(), true).map_err(|e| raw_error("building a key range", e))?;
        let all = raw::store(&tx, REPORTS)?.get_all_with_key_and_limit(&range, limit).map_err(|e| raw_error("reading reports", e))?;
        rows_of(raw::request(&all).await.map_err(|e| raw_error("reading reports", e))?)
    }

    async fn update_report(&self, id: &str, change: impl FnOnce(&mut ReportRow) -> Result<()>) -> Result<ReportRow> {
        self.write(&[REPORTS], Durability::Default, "updating a report", |tx| async move {
            let store = raw::store(&tx, REPORTS)?;
            let mut row: ReportRow = from_js(raw::get(&store, &id.into()).await?.ok_or_else(|| report_not_found(id))?)?;
            change(&mut row)?;
            raw::queue_put(&store, &to_js(&row)?)?;
            Ok(row)
        })
        .await
    }

    async fn outbox_summary(&self) -> Result<OutboxSummary> {
        let tx = self.read_transaction(&[PAGES, EVIDENCE]).await?;
        let store = raw::store(&tx, PAGES)?;
        let index = |name| store.index(name).map_err(|e| raw_error("opening an outbox index", e));
        let (unsent, rejected) = (index(BY_UNSENT)?, index(BY_REJECTED)?);
        let count = |index: &web_sys::IdbIndex| index.count().map_err(|e| raw_error("counting records", e));
        let (pending, rejected) = (count(&unsent)?, count(&rejected)?);
        let oldest = unsent.get_all_keys_with_key_and_limit(&JsValue::UNDEFINED, 1).map_err(|e| raw_error("reading records", e))?;
        let counted = |request| async move {
            let count = raw::request(&request).await.map_err(|e| raw_error("counting records", e))?;
            Ok::<_, Error>(count.as_f64().unwrap_or(0.0) as u32)
        };
        let (pending, rejected) = (counted(pending).await?, counted(rejected).await?);
        let oldest = raw::request(&oldest).await.map_err(|e| raw_error("reading records", e))?;
        let oldest_pending = read_pages(&store, &distinct_keys(oldest))
            .await?
            .into_iter()
            .flat_map(|page| page.rows)
            .filter(|r| matches!(r.state, RecordState::Pending | RecordState::Sending))
            .map(|r| r.signed_at)
            .min();
        // Asked only now: a request is awaited before the next one's answer can arrive.
        let waiting = raw::store(&tx, EVIDENCE)?.index(BY_PENDING).map_err(|e| raw_error("opening the evidence index", e))?;
        let waiting = waiting.get_all().map_err(|e| raw_error("reading evidence", e))?;
        let waiting: Vec<EvidenceRow> = rows_of(raw::request(&waiting).await.map_err(|e| raw_error("reading evidence", e))?)?;
        let evidence_pending_bytes = waiting.iter().map(EvidenceRow::sealed_len).sum();
        Ok(OutboxSummary { pending, oldest_pending, rejected, evidence_pending: waiting.len() as u32, evidence_pending_bytes })
    }

    async fn unsent(&self, since: Option<&str>, limit: u32) -> Result<Vec<RecordRow>> {
        let tx = self.read_transaction(&[PAGES]).await?;
        let store = raw::store(&tx, PAGES)?;
        let index = store.index(BY_UNSENT).map_err(|e| raw_error("opening the outbox index", e))?;
        // `[since]` sorts before every `[since, kid, seq]`.
        let range = match since {
            Some(since) => web_sys::IdbKeyRange::lower_bound(&js_sys::Array::of1(&since.into())).map_err(|e| raw_error("building a key range", e))?.into(),
            None => JsValue::UNDEFINED,
        };
        let keys = index.get_all_keys_with_key_and_limit(&range, limit).map_err(|e| raw_error("reading records", e))?;
        let keys = raw::request(&keys).await.map_err(|e| raw_error("reading records", e))?;
        let since = since.unwrap_or("");
        let mut rows: Vec<RecordRow> = read_pages(&store, &distinct_keys(keys))
            .await?
            .into_iter()
            .flat_map(|page| page.rows)
            .filter(|r| matches!(r.state, RecordState::Pending | RecordState::Sending) && r.signed_at.as_str() >= since)
            .collect();
        crate::store::sort_for_sending(&mut rows);
        rows.truncate(limit as usize);
        Ok(rows)
    }

    async fn prune_accepted(&self, before: &str, limit: u32) -> Result<u32> {
        self.write(&[PAGES], Durability::Default, "deleting records", |tx| async move { prune_in(&tx, before, limit).await }).await
    }

    async fn put_records(&self, rows: &[RecordRow]) -> Result<()> {
        // The pages of the batch are read at once and written back queued. Delivery states need
        // no strict durability: a state lost in a crash only means a resend, which the server
        // answers with "duplicate".
        self.write(&[PAGES], Durability::Default, "updating records", |tx| async move { put_records_in(&tx, rows).await }).await
    }

    async fn put_setting(&self, key: &str, value: &str) -> Result<()> {
        #[derive(Serialize)]
        struct Setting<'a> {
            key: &'a str,
            value: &'a str,
        }
        self.write(&[SETTINGS], Durability::Default, "writing a setting", |tx| async move {
            raw::queue_put(&raw::store(&tx, SETTINGS)?, &to_js(&Setting { key, value })?)
        })
        .await
    }

    async fn setting(&self, key: &str) -> Result<Option<String>> {
        let tx = self.read_transaction(&[SETTINGS]).await?;
        let value = raw::get(&raw::store(&tx, SETTINGS)?, &key.into()).await?;
        let read = |v| match from_js::<serde_json::Value>(v)?.get_mut("value").map(serde_json::Value::take) {
            Some(serde_json::Value::String(value)) => Ok(value),
            _ => Err(damaged("a setting without a value".into())),
        };
        value.map(read).transpose()
    }

    async fn import(&self, contents: &BackupContents) -> Result<ImportSummary> {
        self.write(&[IDENTITIES, PAGES, REPORTS, EVIDENCE, EVIDENCE_PIECES], Durability::Strict, "importing a backup", |tx| async move { import_in(&tx, contents).await }).await
    }

    async fn stage_evidence(&self, staged: &str, index: u32, piece: &[u8]) -> Result<()> {
        // Strict: the record that claims these bytes commits strictly after them, and must not
        // outlive them in a power cut.
        self.write(&[EVIDENCE_PIECES], Durability::Strict, "storing evidence", |tx| async move {
            let bytes = js_sys::Uint8Array::from(piece);
            raw::store(&tx, EVIDENCE_PIECES)?.put_with_key(&bytes, &piece_key(staged, index)).map(|_| ()).map_err(|e| raw_error("storing evidence", e))
        })
        .await
    }

    async fn evidence_piece(&self, staged: &str, index: u32) -> Result<Vec<u8>> {
        let tx = self.read_transaction(&[EVIDENCE_PIECES]).await?;
        let value = raw::get(&raw::store(&tx, EVIDENCE_PIECES)?, &piece_key(staged, index)).await?.ok_or_else(|| missing_piece(staged, index))?;
        let bytes: js_sys::Uint8Array = wasm_bindgen::JsCast::dyn_into(value).map_err(|_| damaged("a piece of evidence that is not bytes".into()))?;
        Ok(bytes.to_vec())
    }

    async fn evidence(&self, record_id: &str) -> Result<Vec<EvidenceRow>> {
        let tx = self.read_transaction(&[EVIDENCE]).await?;
        // `id/…` keys: '0' is the character after '/'.
        let range = web_sys::IdbKeyRange::bound(&format!("{record_id}/").into(), &format!("{record_id}0").into()).map_err(|e| raw_error("building a key range", e))?;
        let all = raw::store(&tx, EVIDENCE)?.get_all_with_key(&range).map_err(|e| raw_error("reading evidence", e))?;
        let rows: Vec<EvidenceRow> = rows_of(raw::request(&all).await.map_err(|e| raw_error("reading evidence", e))?)?;
        Ok(rows.into_iter().filter(|row| row.record_id == record_id).collect())
    }

    async fn pending_evidence(&self, after: Option<(&str, &str)>, limit: u32) -> Result<Vec<EvidenceRow>> {
        let tx = self.read_transaction(&[EVIDENCE]).await?;
        let index = raw::store(&tx, EVIDENCE)?.index(BY_PENDING).map_err(|e| raw_error("opening the evidence index", e))?;
        let read = |range: &JsValue, limit: u32| index.get_all_with_key_and_limit(range, limit).map_err(|e| raw_error("reading evidence", e));
        let range_error = |e| raw_error("building a key range", e);
        let Some((pending, key)) = after else {
            return rows_of(raw::request(&read(&JsValue::UNDEFINED, limit)?).await.map_err(|e| raw_error("reading evidence", e))?);
        };
        // The index orders rows of one `pending` by key: those after `key` of the same
        // `pending` (rows signed in one batch share it), then the later ones.
        let same = web_sys::IdbKeyRange::only(&pending.into()).map_err(range_error)?;
        let same: Vec<EvidenceRow> = rows_of(raw::request(&read(&same, u32::MAX)?).await.map_err(|e| raw_error("reading evidence", e))?)?;
        let mut rows: Vec<EvidenceRow> = same.into_iter().filter(|row| row.key.as_str() > key).take(limit as usize).collect();
        let left = limit.saturating_sub(rows.len() as u32);
        if left > 0 {
            let later = web_sys::IdbKeyRange::lower_bound_with_open(&pending.into(), true).map_err(range_error)?;
            rows.extend(rows_of::<EvidenceRow>(raw::request(&read(&later, left)?).await.map_err(|e| raw_error("reading evidence", e))?)?);
        }
        Ok(rows)
    }

    async fn put_evidence(&self, row: &EvidenceRow) -> Result<()> {
        self.write(&[EVIDENCE], Durability::Default, "updating evidence", |tx| async move { raw::queue_put(&raw::store(&tx, EVIDENCE)?, &to_js(row)?) }).await
    }

    async fn prune_evidence(&self, before: &str, staged_before: &str) -> Result<u32> {
        self.write(&[EVIDENCE, EVIDENCE_PIECES], Durability::Default, "deleting evidence", |tx| async move { prune_evidence_in(&tx, before, staged_before).await }).await
    }
}

/// The key of piece `index` of the evidence staged under `staged`.
fn piece_key(staged: &str, index: u32) -> JsValue {
    js_sys::Array::of2(&staged.into(), &index.into()).into()
}

/// The body of [`IdbStore::remove_identity`], inside its transaction: an error aborts it.
async fn remove_identity_in(tx: &web_sys::IdbTransaction, kid: &str, discard_unsent: bool) -> Result<RemovedIdentity> {
    let identities = raw::store(tx, IDENTITIES)?;
    if raw::get(&identities, &kid.into()).await?.is_none() {
        return Err(identity_not_found(kid));
    }
    let pages = raw::store(tx, PAGES)?;
    let chain = pages.index(BY_KID_LAST).map_err(|e| raw_error("opening the chain index", e))?;
    let all = pages_from(kid, 0)?;
    let found = chain.get_all_with_key(&all).map_err(|e| raw_error("reading records", e))?;
    let found: Vec<Page> = rows_of(raw::request(&found).await.map_err(|e| raw_error("reading records", e))?)?;
    let removed = RemovedIdentity::of(found.iter().flat_map(|page| &page.rows));
    if removed.unsent > 0 && !discard_unsent {
        return Err(unsent_records(kid, &removed));
    }
    let keys = chain.get_all_keys_with_key(&all).map_err(|e| raw_error("reading records", e))?;
    for key in js_sys::Array::from(&raw::request(&keys).await.map_err(|e| raw_error("reading records", e))?).iter() {
        pages.delete(&key).map_err(|e| raw_error("deleting records", e))?;
    }
    // Evidence rows are few (two per record at most) and small: read whole.
    let rows = raw::store(tx, EVIDENCE)?;
    let pieces = raw::store(tx, EVIDENCE_PIECES)?;
    let every = rows.get_all().map_err(|e| raw_error("reading evidence", e))?;
    for row in rows_of::<EvidenceRow>(raw::request(&every).await.map_err(|e| raw_error("reading evidence", e))?)? {
        if row.kid == kid {
            rows.delete(&row.key.as_str().into()).map_err(|e| raw_error("deleting evidence", e))?;
            delete_pieces(&pieces, &row.staged)?;
        }
    }
    identities.delete(&kid.into()).map_err(|e| raw_error("deleting an identity", e))?;
    Ok(removed)
}

/// Deletes the sealed pieces staged under `staged`.
fn delete_pieces(pieces: &web_sys::IdbObjectStore, staged: &str) -> Result<()> {
    let range = web_sys::IdbKeyRange::bound(&piece_key(staged, 0), &piece_key(staged, u32::MAX)).map_err(|e| raw_error("building a key range", e))?;
    pieces.delete(&range).map(|_| ()).map_err(|e| raw_error("deleting evidence", e))
}

/// The body of [`IdbStore::prune_evidence`], inside its transaction.
async fn prune_evidence_in(tx: &web_sys::IdbTransaction, before: &str, staged_before: &str) -> Result<u32> {
    let rows = raw::store(tx, EVIDENCE)?;
    let pieces = raw::store(tx, EVIDENCE_PIECES)?;
    let drop_pieces = |staged: &str| delete_pieces(&pieces, staged);
    let mut pruned = 0;
    if !before.is_empty() {
        // Evidence rows are few (two per record at most) and small: read whole.
        let all = rows.get_all().map_err(|e| raw_error("reading evidence", e))?;
        for row in rows_of::<EvidenceRow>(raw::request(&all).await.map_err(|e| raw_error("reading evidence", e))?)? {
            if row.state == EvidenceState::Stored && row.signed_at.as_str() < before {
                rows.delete(&row.key.as_str().into()).map_err(|e| raw_error("deleting evidence", e))?;
                drop_pieces(&row.staged)?;
                pruned += 1;
            }
        }
    }
    // `[staged_before]` sorts after every `[staged, index]` of an earlier staged id.
    let range = web_sys::IdbKeyRange::upper_bound_with_open(&js_sys::Array::of1(&staged_before.into()), true).map_err(|e| raw_error("building a key range", e))?;
    let keys = pieces.get_all_keys_with_key(&range).map_err(|e| raw_error("reading evidence", e))?;
    let keys = raw::request(&keys).await.map_err(|e| raw_error("reading evidence", e))?;
    let mut staged_ids: Vec<String> = js_sys::Array::from(&keys).iter().filter_map(|key| js_sys::Array::from(&key).get(0).as_string()).collect();
    staged_ids.dedup();
    let claims = rows.index(BY_STAGED).map_err(|e| raw_error("opening the evidence index", e))?;
    for staged in staged_ids {
        let count = claims.count_with_key(&staged.as_str().into()).map_err(|e| raw_error("reading evidence", e))?;
        if raw::request(&count).await.map_err(|e| raw_error("reading evidence", e))?.as_f64() == Some(0.0) {
            drop_pieces(&staged)?;
        }
    }
    Ok(pruned)
}

/// The body of [`IdbStore::append`], inside its transaction.
async fn append_in(
    tx: &web_sys::IdbTransaction,
    kid: &str,
    sign: impl FnOnce(&mut IdentityRow, &mut dyn FnMut(&RecordRow) -> Result<()>) -> Result<Vec<EvidenceRow>>,
) -> Result<()> {
    let identities = raw::store(tx, IDENTITIES)?;
    let pages = raw::store(tx, PAGES)?;
    let value = raw::get(&identities, &kid.into()).await?;
    let mut row: IdentityRow = from_js(value.ok_or_else(|| identity_not_found(kid))?)?;
    // Pages are queued as they fill, not awaited one by one: a failed write aborts the
    // transaction, and the abort is what `raw::finish` reports. A page that could not even be
    // queued fails the whole append, whatever `sign` makes of the error.
    let mut refused = None;
    let mut page: Vec<RecordRow> = Vec::with_capacity(PAGE_ROWS);
    let signed = sign(&mut row, &mut |record| {
        page.push(record.clone());
        let queued = if page.len() == PAGE_ROWS { add_pages(&pages, std::mem::take(&mut page)) } else { Ok(()) };
        if let Err(e) = &queued {
            refused.get_or_insert_with(|| e.clone());
        }
        queued
    });
    if let Some(e) = refused {
        return Err(e);
    }
    let evidence = signed?;
    add_pages(&pages, page)?;
    let evidence_store = raw::store(tx, EVIDENCE)?;
    let pieces = raw::store(tx, EVIDENCE_PIECES)?;
    for e in &evidence {
        // Every piece the row needs, still there: a sweep of unclaimed pieces (another tab's
        // sync) cannot have taken them while the document was read.
        let range = web_sys::IdbKeyRange::bound(&piece_key(&e.staged, 0), &piece_key(&e.staged, e.pieces().saturating_sub(1))).map_err(|e| raw_error("building a key range", e))?;
        let count = pieces.count_with_key(&range).map_err(|e| raw_error("reading evidence", e))?;
        let count = raw::request(&count).await.map_err(|e| raw_error("reading evidence", e))?.as_f64().unwrap_or(0.0);
        if count != f64::from(e.pieces()) {
            return Err(crate::store::pieces_gone(e));
        }
        raw::queue_add(&evidence_store, &to_js(e)?)?;
    }
    raw::queue_put(&identities, &to_js(&row)?)
}

/// Moves up to [`MOVE_AT_ONCE`] rows of the old `records` store into pages, inside the
/// transaction; how many it moved.
async fn move_rows_in(tx: &web_sys::IdbTransaction) -> Result<u32> {
    let records = raw::store(tx, RECORDS)?;
    let pages = raw::store(tx, PAGES)?;
    let chain = records.index(BY_KID_SEQ).map_err(|e| raw_error("opening the chain index", e))?;
    let read = chain.get_all_with_key_and_limit(&JsValue::UNDEFINED, MOVE_AT_ONCE).map_err(|e| raw_error("reading records", e))?;
    let rows: Vec<RecordRow> = rows_of(raw::request(&read).await.map_err(|e| raw_error("reading records", e))?)?;
    for row in &rows {
        records.delete(&row.id.as_str().into()).map_err(|e| raw_error("moving a record", e))?;
    }
    let moved = rows.len() as u32;
    // The rows come in chain order: a page begun in one move is not continued by the next.
    add_pages(&pages, rows)?;
    Ok(moved)
}

/// The body of [`IdbStore::put_records`], inside its transaction: each record replaces its
/// namesake in its page, and each changed page is written once.
async fn put_records_in(tx: &web_sys::IdbTransaction, rows: &[RecordRow]) -> Result<()> {
    let store = raw::store(tx, PAGES)?;
    let chain = store.index(BY_KID_LAST).map_err(|e| raw_error("opening the chain index", e))?;
    // The pages that may hold each identity's records (a page spans fewer than PAGE_ROWS
    // seqs), read at once. A batch holds one identity's records, nearly always.
    let mut kids: Vec<(&str, u64, u64)> = Vec::new();
    for row in rows {
        match kids.iter_mut().find(|(kid, ..)| *kid == row.kid) {
            Some((_, low, high)) => (*low, *high) = ((*low).min(row.seq), (*high).max(row.seq)),
            None => kids.push((&row.kid, row.seq, row.seq)),
        }
    }
    let mut reads = Vec::new();
    for (kid, low, high) in &kids {
        let range = web_sys::IdbKeyRange::bound(&kid_seq(kid, *low as f64), &kid_seq(kid, high.saturating_add(PAGE_ROWS as u64) as f64))
            .map_err(|e| raw_error("building a key range", e))?;
        reads.push(chain.get_all_with_key(&range).map_err(|e| raw_error("reading records", e))?);
    }
    let mut placed = vec![false; rows.len()];
    for read in &reads {
        for mut page in rows_of::<Page>(raw::request(read).await.map_err(|e| raw_error("reading records", e))?)? {
            let (first, last) = (page.first(), page.last());
            let mut touched = false;
            for (row, placed) in rows.iter().zip(&mut placed) {
                if row.kid == page.kid() && (first..=last).contains(&row.seq) {
                    page.rows[(row.seq - first) as usize] = row.clone();
                    (*placed, touched) = (true, true);
                }
            }
            if touched {
                raw::queue_put(&store, &to_js(&page)?)?;
            }
        }
    }
    // A record in no page (which only the engine's own bookkeeping could cause) is kept anyway.
    let homeless: Vec<RecordRow> = rows.iter().zip(&placed).filter(|(_, placed)| !**placed).map(|(row, _)| row.clone()).collect();
    add_pages(&store, homeless)
}

/// The body of [`IdbStore::prune_accepted`], inside its transaction: a page that loses
/// records is written again as the runs that are left.
async fn prune_in(tx: &web_sys::IdbTransaction, before: &str, limit: u32) -> Result<u32> {
    let store = raw::store(tx, PAGES)?;
    let index = store.index(BY_ACCEPTED).map_err(|e| raw_error("opening the accepted index", e))?;
    let range = web_sys::IdbKeyRange::upper_bound_with_open(&before.into(), true).map_err(|e| raw_error("building a key range", e))?;
    let keys = index.get_all_keys_with_key_and_limit(&range, limit).map_err(|e| raw_error("reading records", e))?;
    let keys = distinct_keys(raw::request(&keys).await.map_err(|e| raw_error("reading records", e))?);
    let mut pruned = 0;
    for (key, page) in keys.iter().zip(read_pages(&store, &keys).await?) {
        let (gone, kept): (Vec<RecordRow>, Vec<RecordRow>) = page.rows.into_iter().partition(|r| {
            let old = r.state == RecordState::Accepted && r.signed_at.as_str() < before && pruned < limit;
            pruned += u32::from(old);
            old
        });
        if !gone.is_empty() {
            store.delete(key).map_err(|e| raw_error("deleting records", e))?;
            add_pages(&store, kept)?;
        }
    }
    Ok(pruned)
}

/// The body of [`IdbStore::import`], inside its transaction.
async fn import_in(tx: &web_sys::IdbTransaction, contents: &BackupContents) -> Result<ImportSummary> {
    let mut summary = ImportSummary::default();
    let identities = raw::store(tx, IDENTITIES)?;
    let pages = raw::store(tx, PAGES)?;
    let reports = raw::store(tx, REPORTS)?;
    let chain = pages.index(BY_KID_LAST).map_err(|e| raw_error("opening the chain index", e))?;
    // What is stored already, one request per identity rather than one per record.
    let mut stored: HashMap<(&str, u64), RecordRow> = HashMap::new();
    let kids: BTreeSet<&str> = contents.records.iter().map(|r| r.kid.as_str()).collect();
    for kid in kids {
        let found = raw::request(&chain.get_all_with_key(&pages_from(kid, 0)?).map_err(|e| raw_error("reading records", e))?)
            .await
            .map_err(|e| raw_error("reading records", e))?;
        for row in rows_of::<Page>(found)?.into_iter().flat_map(|page| page.rows) {
            stored.insert((kid, row.seq), row);
        }
    }
    let mut added = Vec::new();
    for record in &contents.records {
        match stored.get(&(record.kid.as_str(), record.seq)) {
            Some(existing) => {
                if existing.hash != record.hash || existing.id != record.id {
                    return Err(import_conflict(record));
                }
                summary.records_skipped += 1;
            }
            None => {
                added.push(record.clone());
                summary.records_added += 1;
            }
        }
    }
    // The added records fill the gaps between stored pages: runs of their own.
    add_pages(&pages, added)?;
    for incoming in &contents.identities {
        match raw::get(&identities, &incoming.kid.as_str().into()).await? {
            Some(value) => {
                let mut stored: IdentityRow = from_js(value)?;
                merge_head(&mut stored, incoming, contents);
                raw::queue_put(&identities, &to_js(&stored)?)?;
            }
            None => {
                raw::queue_add(&identities, &to_js(incoming)?)?;
                summary.identities_added += 1;
            }
        }
    }
    for report in &contents.reports {
        if raw::get(&reports, &report.id.as_str().into()).await?.is_none() {
            raw::queue_add(&reports, &to_js(report)?)?;
            summary.reports_added += 1;
        }
    }
    let evidence = raw::store(tx, EVIDENCE)?;
    let pieces = raw::store(tx, EVIDENCE_PIECES)?;
    let claims = evidence.index(BY_STAGED).map_err(|e| raw_error("opening the evidence index", e))?;
    for copy in &contents.evidence {
        if raw::get(&evidence, &copy.row.key.as_str().into()).await?.is_none() {
            // Pieces are stored under the backup's staged id: one this device uses already
            // (for a row, or for a document being signed) would mix two documents' bytes.
            let claimed = claims.count_with_key(&copy.row.staged.as_str().into()).map_err(|e| raw_error("reading evidence", e))?;
            let claimed = raw::request(&claimed).await.map_err(|e| raw_error("reading evidence", e))?.as_f64().unwrap_or(1.0);
            let range = web_sys::IdbKeyRange::bound(&piece_key(&copy.row.staged, 0), &piece_key(&copy.row.staged, u32::MAX)).map_err(|e| raw_error("building a key range", e))?;
            let stored = pieces.count_with_key(&range).map_err(|e| raw_error("reading evidence", e))?;
            let stored = raw::request(&stored).await.map_err(|e| raw_error("reading evidence", e))?.as_f64().unwrap_or(1.0);
            if claimed != 0.0 || stored != 0.0 {
                return Err(crate::store::staged_collision());
            }
            raw::queue_add(&evidence, &to_js(&copy.row)?)?;
            for (index, piece) in copy.pieces.iter().enumerate() {
                let bytes = crate::encoding::b64url_decode(piece).ok_or_else(|| Error::new(ErrorCode::MalformedBackup, "a piece of evidence is not base64url"))?;
                let bytes = js_sys::Uint8Array::from(bytes.as_slice());
                pieces.put_with_key(&bytes, &piece_key(&copy.row.staged, index as u32)).map_err(|e| raw_error("importing evidence", e))?;
            }
            summary.evidence_added += 1;
        }
    }
    Ok(summary)
}

/// Maps a raw IndexedDB failure (a `DOMException` or other value) like [`storage_error`].
fn raw_error(doing: &str, e: JsValue) -> Error {
    let name = wasm_bindgen::JsCast::dyn_ref::<web_sys::DomException>(&e).map(|d| d.name());
    let code = if name.as_deref() == Some("QuotaExceededError") { ErrorCode::StorageFull } else { ErrorCode::StorageUnavailable };
    let detail = name.or_else(|| e.as_string()).unwrap_or_else(|| format!("{e:?}"));
    Error::new(code, format!("IndexedDB failed while {doing}: {detail:.300}"))
}

/// Promises over web-sys IndexedDB, for the strict transactions.
mod raw {
    use super::{raw_error, Connection, Durability};
    use crate::error::Result;
    use std::rc::Weak;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use web_sys::{Event, IdbDatabase, IdbObjectStore, IdbRequest, IdbTransaction};

    #[wasm_bindgen]
    extern "C" {
        /// An `IDBDatabase`, seen through the one method web-sys offers only behind its
        /// unstable-APIs flag.
        type DatabaseWithOptions;

        /// `db.transaction(stores, mode, options)`.
        #[wasm_bindgen(method, catch, js_name = transaction)]
        fn transaction_with_options(
            this: &DatabaseWithOptions,
            stores: &js_sys::Array,
            mode: &str,
            options: &JsValue,
        ) -> std::result::Result<IdbTransaction, JsValue>;
    }

    /// A promise and its two settle functions.
    fn deferred() -> (js_sys::Promise, js_sys::Function, js_sys::Function) {
        let mut settle = None;
        let promise = js_sys::Promise::new(&mut |resolve, reject| settle = Some((resolve, reject)));
        let (resolve, reject) = settle.expect("the Promise executor runs at once");
        (promise, resolve, reject)
    }

    /// Awaits an IndexedDB request: its result, or its error.
    pub(super) async fn request(req: &IdbRequest) -> std::result::Result<JsValue, JsValue> {
        let (promise, resolve, reject) = deferred();
        let (ok, failed) = (req.clone(), req.clone());
        let on_success = Closure::<dyn FnMut(Event)>::new(move |_| {
            let _ = resolve.call1(&JsValue::UNDEFINED, &ok.result().unwrap_or(JsValue::UNDEFINED));
        });
        let on_error = Closure::<dyn FnMut(Event)>::new(move |_| {
            let error = failed.error().ok().flatten().map(JsValue::from).unwrap_or(JsValue::NULL);
            let _ = reject.call1(&JsValue::UNDEFINED, &error);
        });
        req.set_onsuccess(Some(on_success.as_ref().unchecked_ref()));
        req.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let out = wasm_bindgen_futures::JsFuture::from(promise).await;
        req.set_onsuccess(None);
        req.set_onerror(None);
        out
    }

    /// Opens another connection to database `name` at its current version. When another tab
    /// needs the database (an upgrade, a deletion) or the browser closes this connection,
    /// `connection` is closed whole, so the other tab is not blocked.
    pub(super) async fn open(name: &str, connection: Weak<Connection>) -> std::result::Result<IdbDatabase, JsValue> {
        let factory: web_sys::IdbFactory = js_sys::Reflect::get(&js_sys::global(), &"indexedDB".into())?.dyn_into()?;
        let open = factory.open(name)?;
        let db: IdbDatabase = request(&open).await?.dyn_into()?;
        let this = db.clone();
        let on_lost = Closure::<dyn FnMut(Event)>::new(move |_| {
            this.close();
            if let Some(connection) = connection.upgrade() {
                // Only if it is still the current one: a reopened connection stays open.
                let current = connection.db.borrow().as_ref().is_some_and(|db| db == &this);
                if current {
                    connection.close();
                }
            }
        });
        db.set_onversionchange(Some(on_lost.as_ref().unchecked_ref()));
        db.set_onclose(Some(on_lost.as_ref().unchecked_ref()));
        on_lost.forget(); // lives as long as the connection
        Ok(db)
    }

    /// A read-only transaction.
    pub(super) fn read_transaction(db: &IdbDatabase, stores: &[&str]) -> std::result::Result<IdbTransaction, JsValue> {
        let names: js_sys::Array = stores.iter().map(|s| JsValue::from(*s)).collect();
        db.transaction_with_str_sequence(&names)
    }

    /// A read-write transaction; with `Durability::Strict` it completes only once the data is
    /// on disk.
    pub(super) fn transaction(db: &IdbDatabase, stores: &[&str], durability: Durability) -> std::result::Result<IdbTransaction, JsValue> {
        let names: js_sys::Array = stores.iter().map(|s| JsValue::from(*s)).collect();
        let options = js_sys::Object::new();
        let durability = match durability {
            Durability::Strict => "strict",
            Durability::Default => "default",
        };
        js_sys::Reflect::set(&options, &"durability".into(), &durability.into())?;
        db.unchecked_ref::<DatabaseWithOptions>().transaction_with_options(&names, "readwrite", &options)
    }

    /// The end of a transaction, watched from its start: complete, or abort with its error.
    pub(super) struct Ending {
        promise: js_sys::Promise,
        _handlers: [Closure<dyn FnMut(Event)>; 2],
    }

    impl Ending {
        pub(super) fn watch(tx: &IdbTransaction) -> Ending {
            let (promise, resolve, reject) = deferred();
            let aborted = tx.clone();
            let on_complete = Closure::<dyn FnMut(Event)>::new(move |_| {
                let _ = resolve.call0(&JsValue::UNDEFINED);
            });
            let on_abort = Closure::<dyn FnMut(Event)>::new(move |_| {
                let error = aborted.error().map(JsValue::from).unwrap_or(JsValue::NULL);
                let _ = reject.call1(&JsValue::UNDEFINED, &error);
            });
            tx.set_oncomplete(Some(on_complete.as_ref().unchecked_ref()));
            tx.set_onabort(Some(on_abort.as_ref().unchecked_ref()));
            Ending { promise, _handlers: [on_complete, on_abort] }
        }
    }

    /// Ends the transaction: on `Ok` waits for it to complete (durably), on `Err` aborts it.
    /// The outer error is the transaction's own failure (an abort, e.g. a full quota).
    pub(super) async fn finish<T>(
        tx: &IdbTransaction,
        ending: Ending,
        result: Result<T>,
    ) -> std::result::Result<Result<T>, JsValue> {
        if result.is_err() {
            let _ = tx.abort();
        }
        let ended = wasm_bindgen_futures::JsFuture::from(ending.promise.clone()).await;
        match (result, ended) {
            (Err(e), _) => Ok(Err(e)),
            (Ok(value), Ok(_)) => Ok(Ok(value)),
            (Ok(_), Err(abort)) => Err(abort),
        }
    }

    pub(super) fn store(tx: &IdbTransaction, name: &str) -> Result<IdbObjectStore> {
        tx.object_store(name).map_err(|e| raw_error("opening a store", e))
    }

    pub(super) async fn get(store: &IdbObjectStore, key: &JsValue) -> Result<Option<JsValue>> {
        let req = store.get(key).map_err(|e| raw_error("reading", e))?;
        let value = request(&req).await.map_err(|e| raw_error("reading", e))?;
        Ok(Some(value).filter(|v| !v.is_undefined()))
    }

    /// Queues an add without waiting for it: if it fails, the transaction aborts.
    pub(super) fn queue_add(store: &IdbObjectStore, value: &JsValue) -> Result<()> {
        store.add(value).map(|_| ()).map_err(|e| raw_error("adding", e))
    }

    /// Queues a put without waiting for it: if it fails, the transaction aborts.
    pub(super) fn queue_put(store: &IdbObjectStore, value: &JsValue) -> Result<()> {
        store.put(value).map(|_| ()).map_err(|e| raw_error("writing", e))
    }
}
