//! The SQLite database: one file in WAL mode, its schema migrations run at open (`PRAGMA
//! user_version` counts those applied), and its online backup.

use super::sql::{Arg, Dialect, Row, Sql, ToArg, Value};
use super::{BackupSummary, Result, StorageError, StoredRecord};
use rusqlite::{params, Connection};
use std::path::Path;

impl From<rusqlite::Error> for StorageError {
    fn from(e: rusqlite::Error) -> Self {
        StorageError(e.to_string())
    }
}

/// The migrations, in order; `PRAGMA user_version` is the number applied.
const MIGRATIONS: &[&str] = &[
    // 1: the authority, enrollment, certificates, records and rejections.
    "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
     CREATE TABLE enrollment_codes (
       code_hash TEXT PRIMARY KEY, worker TEXT NOT NULL, days INTEGER NOT NULL,
       expires_at INTEGER NOT NULL, used_at INTEGER, serial TEXT);
     CREATE TABLE certificates (
       serial TEXT PRIMARY KEY, worker TEXT NOT NULL, kid TEXT NOT NULL, jwk TEXT NOT NULL, jws TEXT NOT NULL,
       nbf INTEGER NOT NULL, exp INTEGER NOT NULL, revoked_at INTEGER);
     CREATE INDEX certificates_by_worker ON certificates (worker);
     CREATE TABLE records (
       id TEXT PRIMARY KEY, kid TEXT NOT NULL, seq INTEGER NOT NULL, hash TEXT NOT NULL,
       cert_serial TEXT NOT NULL REFERENCES certificates (serial), signed_at TEXT NOT NULL,
       received_at INTEGER NOT NULL, jws TEXT NOT NULL, receipt TEXT NOT NULL,
       chain_gap INTEGER NOT NULL, UNIQUE (kid, seq));
     CREATE TABLE rejections (
       rowid INTEGER PRIMARY KEY, id TEXT, kid TEXT, code TEXT NOT NULL, received_at INTEGER NOT NULL);",
    // 2: failure reports from devices.
    "CREATE TABLE reports (
       id TEXT PRIMARY KEY, kid TEXT NOT NULL, worker TEXT NOT NULL, cert_serial TEXT NOT NULL,
       code TEXT NOT NULL, operation TEXT NOT NULL, message TEXT NOT NULL, first_at TEXT NOT NULL,
       last_at TEXT NOT NULL, count INTEGER NOT NULL, app_version TEXT NOT NULL,
       user_agent TEXT NOT NULL, comment TEXT, received_at INTEGER NOT NULL);
     CREATE INDEX reports_by_code ON reports (code);",
    // 3: reports belong to their signer (one worker's report id cannot replace another's);
    // rejections of unauthenticated records become counters (so do those of schema 2 whose
    // code says their signature was never checked, or not checked first); renewals supersede.
    "CREATE TABLE reports_by_signer (
       kid TEXT NOT NULL, id TEXT NOT NULL, worker TEXT NOT NULL, cert_serial TEXT NOT NULL,
       code TEXT NOT NULL, operation TEXT NOT NULL, message TEXT NOT NULL, first_at TEXT NOT NULL,
       last_at TEXT NOT NULL, count INTEGER NOT NULL, app_version TEXT NOT NULL,
       user_agent TEXT NOT NULL, comment TEXT, received_at INTEGER NOT NULL, PRIMARY KEY (kid, id));
     INSERT INTO reports_by_signer SELECT kid, id, worker, cert_serial, code, operation, message, first_at, last_at,
       count, app_version, user_agent, comment, received_at FROM reports;
     DROP TABLE reports;
     ALTER TABLE reports_by_signer RENAME TO reports;
     CREATE INDEX reports_by_code ON reports (code);
     CREATE INDEX reports_by_signer_and_time ON reports (kid, received_at);
     CREATE TABLE rejection_counts (
       day INTEGER NOT NULL, code TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (day, code));
     INSERT INTO rejection_counts (day, code, count)
       SELECT received_at / 86400000, code, count(*) FROM rejections
       WHERE id IS NULL OR kid IS NULL OR code IN ('malformed', 'cert_unknown', 'key_mismatch', 'bad_signature', 'id_conflict')
       GROUP BY 1, 2;
     DELETE FROM rejections
       WHERE id IS NULL OR kid IS NULL OR code IN ('malformed', 'cert_unknown', 'key_mismatch', 'bad_signature', 'id_conflict');
     UPDATE rejections SET id = substr(id, 1, 64), kid = substr(kid, 1, 64);
     DELETE FROM rejections WHERE rowid <= (SELECT max(rowid) FROM rejections) - 100000;
     ALTER TABLE certificates ADD COLUMN revocation_reason TEXT;
     ALTER TABLE certificates ADD COLUMN superseded_by TEXT;",
    // 4: the console's accounts, their one-time setup links and sessions (each by the SHA-256
    // of its token, never the token), and the audit log of what was done in the console.
    "CREATE TABLE accounts (
       name TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT, failed_logins INTEGER NOT NULL DEFAULT 0,
       locked_until INTEGER, created_at INTEGER NOT NULL);
     CREATE TABLE account_setups (
       token_hash TEXT PRIMARY KEY, name TEXT NOT NULL REFERENCES accounts (name), expires_at INTEGER NOT NULL);
     CREATE TABLE sessions (
       token_hash TEXT PRIMARY KEY, name TEXT NOT NULL REFERENCES accounts (name), csrf TEXT NOT NULL,
       expires_at INTEGER NOT NULL);
     CREATE TABLE audit_log (
       id INTEGER PRIMARY KEY, at INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL);",
    // 5: what the console searches and sorts by, the triage of failure reports, and login
    // tries of names that have no account (counted as an account's are), and the devices: when
    // each was last heard from, its last status and their history; webhooks, their deliveries
    // and the notices already sent (an event said once). The
    // records' document names and references are read from their JWS by
    // `backfill_searched_fields`.
    "ALTER TABLE records ADD COLUMN worker TEXT NOT NULL DEFAULT '';
     ALTER TABLE records ADD COLUMN doc_name TEXT NOT NULL DEFAULT '';
     ALTER TABLE records ADD COLUMN reference TEXT NOT NULL DEFAULT '';
     UPDATE records SET worker = coalesce((SELECT worker FROM certificates c WHERE c.serial = records.cert_serial), '');
     CREATE INDEX records_by_signing ON records (signed_at, id);
     CREATE INDEX records_by_worker ON records (worker, signed_at, id);
     CREATE INDEX records_by_arrival ON records (received_at);
     CREATE INDEX records_after_gap ON records (kid, seq) WHERE chain_gap = 1;
     CREATE INDEX records_by_reference ON records (reference COLLATE NOCASE);
     CREATE INDEX records_by_doc_name ON records (doc_name COLLATE NOCASE);
     ALTER TABLE reports ADD COLUMN triage TEXT NOT NULL DEFAULT 'open';
     ALTER TABLE reports ADD COLUMN triage_note TEXT NOT NULL DEFAULT '';
     ALTER TABLE reports ADD COLUMN triaged_by TEXT;
     ALTER TABLE reports ADD COLUMN triaged_at INTEGER;
     DROP INDEX reports_by_code;
     CREATE INDEX reports_by_code ON reports (code, received_at);
     CREATE INDEX reports_grouped ON reports (code, count, triage, received_at);
     CREATE INDEX reports_by_arrival ON reports (received_at);
     CREATE INDEX reports_by_worker ON reports (worker, received_at);
     ALTER TABLE accounts ADD COLUMN last_try INTEGER;
     CREATE TABLE unknown_logins (
       name TEXT PRIMARY KEY, failed_logins INTEGER NOT NULL DEFAULT 0, locked_until INTEGER, last_try INTEGER NOT NULL);
     CREATE INDEX unknown_logins_by_time ON unknown_logins (last_try);
     CREATE TABLE devices (
       kid TEXT PRIMARY KEY, worker TEXT NOT NULL, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,
       app_version TEXT NOT NULL DEFAULT '', user_agent TEXT NOT NULL DEFAULT '', failing INTEGER NOT NULL DEFAULT 0,
       warnings INTEGER NOT NULL DEFAULT 0, pending INTEGER NOT NULL DEFAULT 0, oldest_pending_at TEXT, status_at INTEGER,
       status_sent_at TEXT);
     CREATE INDEX devices_by_last_seen ON devices (last_seen, kid);
     CREATE INDEX devices_by_worker ON devices (worker, last_seen);
     INSERT INTO devices (kid, worker, first_seen, last_seen)
       SELECT kid, max(worker), min(received_at), max(received_at) FROM records GROUP BY kid;
     CREATE TABLE device_statuses (
       id INTEGER PRIMARY KEY, kid TEXT NOT NULL, received_at INTEGER NOT NULL, status TEXT NOT NULL);
     CREATE INDEX device_statuses_by_kid ON device_statuses (kid, id);
     CREATE TABLE webhooks (
       id INTEGER PRIMARY KEY, url TEXT NOT NULL, events TEXT NOT NULL, secret TEXT NOT NULL, created_at INTEGER NOT NULL,
       created_by TEXT NOT NULL, removed_at INTEGER);
     CREATE TABLE webhook_deliveries (
       id INTEGER PRIMARY KEY, webhook INTEGER NOT NULL REFERENCES webhooks (id), event_id TEXT NOT NULL, event TEXT NOT NULL,
       payload TEXT NOT NULL, created_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL,
       state TEXT NOT NULL DEFAULT 'pending', last_status INTEGER, last_error TEXT, finished_at INTEGER);
     CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_at) WHERE state = 'pending';
     CREATE TABLE webhook_notices (kind TEXT NOT NULL, key TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (kind, key));",
    // 6: the evidence the server holds for its records: each piece's digest (its name in the
    // blob store), size and the receipt signed for it.
    "CREATE TABLE evidence (
       record_id TEXT NOT NULL REFERENCES records (id), kind TEXT NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL,
       stored_at INTEGER NOT NULL, receipt TEXT NOT NULL, PRIMARY KEY (record_id, kind));",
    // 7: revocations keep their RFC 5280 reason (those made before had none: `unspecified`;
    // a renewal's mark, which was `superseded`, is now `renewed`), and a certificate names the
    // key it replaced on its device and where that key's chain ended.
    "UPDATE certificates SET revocation_reason = 'renewed' WHERE revocation_reason = 'superseded';
     UPDATE certificates SET revocation_reason = 'unspecified' WHERE revoked_at IS NOT NULL AND revocation_reason IS NULL;
     ALTER TABLE certificates ADD COLUMN continues_kid TEXT;
     ALTER TABLE certificates ADD COLUMN continues_seq INTEGER;
     ALTER TABLE certificates ADD COLUMN continues_hash TEXT;
     CREATE INDEX certificates_by_kid ON certificates (kid);
     CREATE INDEX certificates_continuing ON certificates (continues_kid) WHERE continues_kid IS NOT NULL;",
    // 8: forms from the office, every version kept (a record names the one it answered); the
    // three shipped with offsign are added by the backfill.
    "CREATE TABLE forms (
       id TEXT NOT NULL, version INTEGER NOT NULL, definition TEXT NOT NULL, added_at INTEGER NOT NULL, added_by TEXT NOT NULL,
       PRIMARY KEY (id, version));",
];

/// Data a migration's SQL cannot compute, filled in by code in the same transaction: the
/// schema version it completes, and the step.
const BACKFILLS: &[(usize, fn(&Connection) -> Result<()>)] =
    &[(5, backfill_searched_fields), (8, |connection| super::add_shipped_forms(&mut SqliteSql(connection)))];

/// Schema 5: each stored record's document name and reference, read from its JWS.
fn backfill_searched_fields(connection: &Connection) -> Result<()> {
    let mut read = connection.prepare("SELECT id, jws FROM records")?;
    let mut write = connection.prepare("UPDATE records SET doc_name = ?2, reference = ?3 WHERE id = ?1")?;
    let mut rows = read.query([])?;
    while let Some(row) = rows.next()? {
        let (id, jws): (String, String) = (row.get(0)?, row.get(1)?);
        if let Ok((_, payload)) = offsign::inspect_record(&jws) {
            let (doc_name, reference) = StoredRecord::searched_fields(&payload);
            write.execute(params![id, doc_name, reference])?;
        }
    }
    Ok(())
}

/// The schema version this server writes.
pub(super) const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// Opens (creating) the database file and brings its schema up to date.
pub(super) fn open(path: &Path) -> Result<Connection> {
    let mut connection = Connection::open(path)?;
    connection.pragma_update(None, "journal_mode", "WAL")?;
    connection.pragma_update(None, "synchronous", "FULL")?;
    connection.pragma_update(None, "foreign_keys", "ON")?;
    connection.busy_timeout(std::time::Duration::from_secs(5))?;
    let applied = user_version(&connection)? as usize;
    if applied > MIGRATIONS.len() {
        return Err(super::newer_schema(applied as u32));
    }
    for (version, sql) in MIGRATIONS.iter().enumerate().skip(applied) {
        let tx = connection.transaction()?;
        tx.execute_batch(sql)?;
        for (_, backfill) in BACKFILLS.iter().filter(|(completes, _)| *completes == version + 1) {
            backfill(&tx)?;
        }
        tx.pragma_update(None, "user_version", version + 1)?;
        tx.commit()?;
    }
    Ok(connection)
}

/// The schema version of `connection`'s database: the number of migrations applied.
pub(super) fn user_version(connection: &Connection) -> rusqlite::Result<u32> {
    connection.pragma_query_value(None, "user_version", |row| row.get(0))
}

/// The schema version of the database file at `path` (0 for an empty one), read without
/// migrating it.
pub fn schema_version_of(path: &Path) -> Result<u32> {
    Ok(user_version(&Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?)?)
}

/// Copies the database file `source`, consistent as of one moment, to the new file
/// `target` while a server goes on using it (SQLite's `VACUUM INTO`: one read transaction on
/// a read-only connection, so writers are not held up, and nothing is created or migrated).
/// The copy is written to a file of its own beside `target` (mode 0600: it holds password
/// hashes and webhook secrets), checked (`PRAGMA integrity_check`), and only then linked to
/// `target`, which fails when `target` exists: a copy cut short is never taken for a
/// backup, and no file is overwritten.
pub fn backup(source: &Path, target: &Path) -> Result<BackupSummary> {
    use std::os::unix::fs::OpenOptionsExt;
    if !source.is_file() {
        return Err(StorageError(format!("no database at {}: name it with --db or OFFSIGN_DB", source.display())));
    }
    if target.exists() {
        return Err(StorageError(format!("{} exists: a backup is written to a new file", target.display())));
    }
    let mut partial = target.as_os_str().to_owned();
    partial.push(format!(".{}.partial", std::process::id()));
    let partial = std::path::PathBuf::from(partial);
    // Created here, empty and private (VACUUM INTO writes into an empty file): this run's own.
    std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(&partial)?;
    let written = (|| {
        let database = Connection::open_with_flags(source, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        database.busy_timeout(std::time::Duration::from_secs(5))?;
        database.execute("VACUUM INTO ?1", [partial.to_str().ok_or_else(|| StorageError("the backup's path is not UTF-8".into()))?])?;
        let copy = Connection::open_with_flags(&partial, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        let check: String = copy.query_row("PRAGMA integrity_check", [], |row| row.get(0))?;
        if check != "ok" {
            return Err(StorageError(format!("the copy does not pass SQLite's integrity check: {check:.200}")));
        }
        let summary = BackupSummary {
            bytes: std::fs::metadata(&partial)?.len(),
            records: copy.query_row("SELECT count(*) FROM records", [], |row| row.get::<_, i64>(0))? as u64,
            schema_version: user_version(&copy)?,
        };
        std::fs::File::open(&partial)?.sync_all()?;
        std::fs::hard_link(&partial, target).map_err(|e| StorageError(format!("{}: {e}", target.display())))?;
        if let Some(folder) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::File::open(folder)?.sync_all()?;
        }
        Ok(summary)
    })();
    let _ = std::fs::remove_file(&partial);
    written
}

/// A SQLite connection (or a transaction on it, which is one) as the storage's [`Sql`].
pub(super) struct SqliteSql<'c>(pub(super) &'c Connection);

impl rusqlite::ToSql for Arg<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match *self {
            Arg::Int(Some(v)) => ValueRef::Integer(v),
            Arg::Text(Some(v)) => ValueRef::Text(v.as_bytes()),
            Arg::Int(None) | Arg::Text(None) => ValueRef::Null,
        }))
    }
}

impl SqliteSql<'_> {
    fn bound<'s>(&'s self, sql: &str, args: &[&dyn ToArg]) -> Result<rusqlite::CachedStatement<'s>> {
        let mut statement = self.0.prepare_cached(sql)?;
        for (i, arg) in args.iter().enumerate() {
            statement.raw_bind_parameter(i + 1, arg.arg())?;
        }
        Ok(statement)
    }
}

impl Sql for SqliteSql<'_> {
    fn execute(&mut self, sql: &str, args: &[&dyn ToArg]) -> Result<u64> {
        Ok(self.bound(sql, args)?.raw_execute()? as u64)
    }

    fn query(&mut self, sql: &str, args: &[&dyn ToArg]) -> Result<Vec<Row>> {
        use rusqlite::types::ValueRef;
        let mut statement = self.bound(sql, args)?;
        let columns = statement.column_count();
        let mut rows = statement.raw_query();
        let mut read = Vec::new();
        while let Some(row) = rows.next()? {
            let values = (0..columns)
                .map(|i| match row.get_ref(i)? {
                    ValueRef::Null => Ok(Value::Null),
                    ValueRef::Integer(v) => Ok(Value::Int(v)),
                    ValueRef::Text(v) => Ok(Value::Text(String::from_utf8_lossy(v).into_owned())),
                    other => Err(StorageError(format!("column {i} holds a {:?}, which the storage never writes", other.data_type()))),
                })
                .collect::<Result<_>>()?;
            read.push(Row(values));
        }
        Ok(read)
    }

    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::tests::{cert, stored, temp_db};
    use crate::storage::*;
    use offsign::RevocationReason::*;

    fn lock(db: &Database) -> std::sync::MutexGuard<'_, Connection> {
        match &db.backend {
            Backend::Sqlite(connection) => crate::storage::lock(connection),
            Backend::Postgres(_) => unreachable!("a SQLite test opened SQLite"),
        }
    }

    #[test]
    fn schema_7_keeps_the_meaning_of_earlier_revocations_and_renewals() {
        let path = temp_db("schema-7");
        {
            let connection = Connection::open(&path).unwrap();
            for sql in &MIGRATIONS[..6] {
                connection.execute_batch(sql).unwrap();
            }
            connection.pragma_update(None, "user_version", 6).unwrap();
            let insert = "INSERT INTO certificates (serial, worker, kid, jwk, jws, nbf, exp, revoked_at, revocation_reason, superseded_by)
                          VALUES (?1, 'w-1', ?1, '{}', 'j', 0, 100, ?2, ?3, ?4)";
            for (serial, revoked_at, reason, by) in [("live", None, None, None), ("revoked", Some(5), None, None), ("renewed", Some(6), Some("superseded"), Some("live"))] {
                connection.execute(insert, params![serial, revoked_at, reason, by]).unwrap();
            }
        }
        let db = Database::sqlite(&path).unwrap();
        let read = |serial: &str| db.certificate(serial).unwrap().unwrap();
        assert_eq!((read("live").revocation(), read("live").renewed()), (None, false));
        assert_eq!(read("revoked").revocation(), Some(Unspecified), "a revocation without a reason refuses every record, as it did");
        assert_eq!((read("renewed").revocation(), read("renewed").renewed()), (None, true), "a renewal is no revocation");
        assert_eq!(db.revoked_serials(0).unwrap(), [("revoked".to_owned(), Unspecified)]);
        assert_eq!(read("live").continues, None);
    }

    #[test]
    fn migrations_run_once_and_data_survives_reopening() {
        let path = temp_db("reopen");
        let db = Database::sqlite(&path).unwrap();
        db.first_setting("authority", "sealed").unwrap();
        db.add_certificate(&cert("s-1", "w-1")).unwrap();
        drop(db);
        let db = Database::sqlite(&path).unwrap();
        assert_eq!(db.setting("authority").unwrap().as_deref(), Some("sealed"));
        assert_eq!(db.certificate("s-1").unwrap().unwrap().worker, "w-1");
        let version: usize = lock(&db).pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!(version, MIGRATIONS.len());
        let mode: String = lock(&db).pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal");
    }

    #[test]
    fn databases_of_schema_1_and_2_are_migrated_and_keep_their_data() {
        let path = temp_db("v1");
        {
            let connection = Connection::open(&path).unwrap();
            connection.execute_batch(MIGRATIONS[0]).unwrap();
            connection.pragma_update(None, "user_version", 1).unwrap();
            connection.execute("INSERT INTO settings (key, value) VALUES ('authority_key', 'sealed')", []).unwrap();
        }
        // Schema 2 rows of refusals: a stranger's (anything it liked as id and kid), a signer's.
        {
            let connection = Connection::open(&path).unwrap();
            connection.execute_batch(MIGRATIONS[1]).unwrap();
            connection.pragma_update(None, "user_version", 2).unwrap();
            connection
                .execute("INSERT INTO rejections (id, kid, code, received_at) VALUES (?1, ?1, 'bad_signature', 5), ('r', 'k', 'chain_fork', 5)", ["x".repeat(100_000)])
                .unwrap();
            connection
                .execute_batch(
                    "INSERT INTO reports VALUES ('old-report', 'k-old', 'w', 's', 'wrong_pin', 'unlock', 'm', 'a', 'b', 2, '1', 'ua', 'kept', 7)",
                )
                .unwrap();
        }
        let db = Database::sqlite(&path).unwrap();
        assert_eq!(db.setting("authority_key").unwrap().as_deref(), Some("sealed"));
        let kept: Vec<(String, String)> =
            lock(&db).prepare("SELECT id, code FROM rejections").unwrap().query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(|r| r.unwrap()).collect();
        assert_eq!(kept, [("r".to_owned(), "chain_fork".to_owned())], "the stranger's row is gone");
        let counted: (i64, String, i64) = lock(&db).query_row("SELECT day, code, count FROM rejection_counts", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap();
        assert_eq!(counted, (0, "bad_signature".to_owned(), 1), "and counted");
        assert_eq!(db.reports_since("k-old", 0).unwrap(), 1, "a schema 2 report moved to its signer");
        let device_report = offsign::ReportRow {
            id: "r-1".into(),
            fingerprint: "wrong_pin|unlock|k".into(),
            code: "wrong_pin".into(),
            message: "m".into(),
            remedy: "r".into(),
            operation: "unlock".into(),
            kid: Some("k".into()),
            first_at: "a".into(),
            last_at: "b".into(),
            count: 1,
            app_version: "1".into(),
            user_agent: "ua".into(),
            comment: None,
            state: offsign::ReportState::Pending,
        };
        let report = StoredReport { report: device_report.clone(), kid: "k".into(), worker: "w".into(), cert_serial: "s".into(), received_at: 1 };
        assert_eq!(db.store_reports(&[(report.clone(), 10)], 0).unwrap(), [true]);
        let grown = offsign::ReportRow { count: 3, comment: Some("again".into()), ..device_report };
        let full = [(StoredReport { report: grown, ..report.clone() }, 1), (StoredReport { report: offsign::ReportRow { id: "r-2".into(), ..report.report.clone() }, ..report }, 1)];
        assert_eq!(db.store_reports(&full, 0).unwrap(), [true, false], "a resent report replaces its copy; a new one past the allowance is refused");
        let row: (u32, String, i64) = lock(&db)
            .query_row("SELECT count, comment, (SELECT count(*) FROM reports WHERE kid = 'k') FROM reports WHERE id = 'r-1'", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .unwrap();
        assert_eq!(row, (3, "again".to_owned(), 1), "a resent report replaces its copy");
    }

    #[test]
    fn a_newer_schema_is_refused_with_a_reason() {
        let path = temp_db("newer");
        drop(Database::sqlite(&path).unwrap());
        Connection::open(&path).unwrap().pragma_update(None, "user_version", 99).unwrap();
        let e = Database::sqlite(&path).err().unwrap();
        assert!(e.0.contains("upgrade the server"), "{e}");
    }

    #[test]
    fn a_backup_is_a_checked_copy_of_one_moment_made_while_the_database_is_in_use() {
        use std::os::unix::fs::PermissionsExt;
        let path = temp_db("backup");
        let db = Database::sqlite(&path).unwrap();
        db.add_certificate(&cert("s-1", "w-1")).unwrap();
        db.batch(|b| b.insert_record(&stored("k", 1, "2026-11-01T08:00:00.000Z", "a.pdf", "", false))).unwrap();
        let target = path.with_file_name("backup.db");
        let copy = sqlite::backup(&path, &target).unwrap();
        assert_eq!((copy.records, copy.schema_version as usize), (1, MIGRATIONS.len()));
        assert_eq!(copy.bytes, std::fs::metadata(&target).unwrap().len());
        assert_eq!(std::fs::metadata(&target).unwrap().permissions().mode() & 0o777, 0o600, "private: it holds password hashes");
        // The database goes on; the copy stays as it was, and opens as a database of this server.
        db.batch(|b| b.insert_record(&stored("k", 2, "2026-11-01T09:00:00.000Z", "b.pdf", "", false))).unwrap();
        assert_eq!(Database::sqlite(&target).unwrap().record_count().unwrap(), 1);
        // A file that exists is never overwritten; a database that is not there is not made.
        let e = sqlite::backup(&path, &target).unwrap_err();
        assert!(e.0.contains("exists"), "{e}");
        assert_eq!(Database::sqlite(&target).unwrap().record_count().unwrap(), 1);
        let missing = path.with_file_name("no-such.db");
        assert!(sqlite::backup(&missing, &path.with_file_name("other.db")).unwrap_err().0.contains("no database at"));
        assert!(!missing.exists() && !path.with_file_name("other.db").exists());
        // Another run's file under way is left alone, and this run leaves none of its own.
        let theirs = path.with_file_name("later.db.1.partial");
        std::fs::write(&theirs, b"").unwrap();
        sqlite::backup(&path, &path.with_file_name("later.db")).unwrap();
        assert!(theirs.exists(), "another run's partial file is not this run's to remove");
        let partials = std::fs::read_dir(path.parent().unwrap()).unwrap().filter(|f| f.as_ref().unwrap().file_name().to_string_lossy().ends_with(".partial")).count();
        assert_eq!(partials, 1);
    }

    #[test]
    fn a_schema_4_database_gets_its_records_searchable() {
        let path = temp_db("v4");
        let who = offsign::Identity::generate().unwrap();
        let doc = offsign::DocumentDigest::of_bytes(b"doc", Some("receipt-118.pdf".into()), None).unwrap();
        let claims = serde_json::json!({ "reference": "ORDER-7" }).as_object().unwrap().clone();
        let now = offsign::Timestamp::parse_rfc3339("2026-11-25T08:00:00Z").unwrap();
        let request = offsign::RecordRequest { doc, claims, chain: None, cert_serial: Some("s-1"), now };
        let jws = offsign::sign_record(&who, request).unwrap().jws;
        {
            let connection = Connection::open(&path).unwrap();
            for sql in &MIGRATIONS[..4] {
                connection.execute_batch(sql).unwrap();
            }
            connection.pragma_update(None, "user_version", 4).unwrap();
            connection
                .execute(
                    "INSERT INTO certificates VALUES ('s-1', 'w-1', 'k', '{}', 'j', 0, 10, NULL, NULL, NULL)",
                    [],
                )
                .unwrap();
            connection
                .execute(
                    "INSERT INTO records (id, kid, seq, hash, cert_serial, signed_at, received_at, jws, receipt, chain_gap)
                     VALUES ('r-1', 'k', 1, 'h', 's-1', '2026-11-25T08:00:00.000Z', 1, ?1, 'r', 0)",
                    [&jws],
                )
                .unwrap();
        }
        let db = Database::sqlite(&path).unwrap();
        let found = db.records(&RecordSearch { worker: "w-1".into(), text: "order-7".into(), ..Default::default() }, None, 10).unwrap();
        assert_eq!(found.iter().map(|r| (r.doc_name.as_str(), r.reference.as_str())).collect::<Vec<_>>(), [("receipt-118.pdf", "ORDER-7")]);
    }
}
