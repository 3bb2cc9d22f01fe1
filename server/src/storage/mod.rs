//! What the server keeps, behind the [`Storage`] interface, in a [`Database`]: SQLite by
//! default (one file, WAL, schema migrations run at open), or PostgreSQL for several server
//! instances on one database. The queries are written once for both (`sql`).
//!
//! Every method is one transaction. The server calls them from blocking threads.

mod postgresql;
pub(crate) mod sql;
pub mod sqlite;

use sql::{args, Row, Sql, ToArg};
use std::path::Path;
use std::sync::Mutex;

/// A storage failure: the database could not be read or written.
#[derive(Debug)]
pub struct StorageError(pub String);

impl std::fmt::Display for StorageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "storage: {}", self.0)
    }
}

impl std::error::Error for StorageError {}

impl From<std::io::Error> for StorageError {
    fn from(e: std::io::Error) -> Self {
        StorageError(e.to_string())
    }
}

/// Storage results.
pub type Result<T> = std::result::Result<T, StorageError>;

/// A single-use enrollment code, stored by the SHA-256 of the code (never the code itself).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnrollmentCode {
    /// The worker the certificate will be issued to.
    pub worker: String,
    /// Validity of the certificate to issue, in days.
    pub days: u32,
    /// The code is refused from this time (ms since the epoch).
    pub expires_at: i64,
    /// When it was redeemed, if it was.
    pub used_at: Option<i64>,
}

/// An issued certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateRow {
    /// Its serial (unique).
    pub serial: String,
    /// The worker id (`sub`).
    pub worker: String,
    /// The key id of the certified key.
    pub kid: String,
    /// The certified public key (JWK JSON).
    pub jwk: String,
    /// The certificate JWS.
    pub jws: String,
    /// Valid from (ms, inclusive).
    pub nbf: i64,
    /// Valid until (ms, exclusive).
    pub exp: i64,
    /// When it was revoked or renewed, if it was (ms).
    pub revoked_at: Option<i64>,
    /// Why it ended: an RFC 5280 reason name ([`offsign::RevocationReason`]) for a revocation
    /// (see [`CertificateRow::revocation`]), or [`RENEWED`] when a renewal replaced it (it can
    /// no longer be renewed, is not on the revocation list, and records under it are accepted
    /// until it expires). `None` while it is live.
    pub revocation_reason: Option<String>,
    /// The serial of the certificate that replaced it, after a renewal.
    pub superseded_by: Option<String>,
    /// The key this certificate's key replaced on the same device, and where that key's chain
    /// ended (from the enrollment's proof): the worker's history goes on from there.
    pub continues: Option<offsign::Continuation>,
}

impl CertificateRow {
    /// A live certificate for `jwk`, issued now by `authority` to `worker`, valid in
    /// `[nbf, exp)`: its JWS and its row.
    pub fn issue(
        authority: &offsign::Authority,
        serial: &str,
        worker: &str,
        jwk: &offsign::PublicJwk,
        nbf: offsign::Timestamp,
        exp: offsign::Timestamp,
    ) -> offsign::Result<CertificateRow> {
        let kid = offsign::PublicKey::from_jwk(jwk)?.kid().to_owned();
        Ok(CertificateRow {
            serial: serial.to_owned(),
            worker: worker.to_owned(),
            kid,
            jwk: serde_json::to_string(jwk).expect("a JWK serializes"),
            jws: authority.issue_certificate(serial, worker, jwk, nbf, exp)?,
            nbf: nbf.millis(),
            exp: exp.millis(),
            revoked_at: None,
            revocation_reason: None,
            superseded_by: None,
            continues: None,
        })
    }

    /// Why it was revoked, if it was (a renewal is no revocation). A revocation stored
    /// without a reason, from before reasons were kept, reads as `unspecified`.
    pub fn revocation(&self) -> Option<offsign::RevocationReason> {
        match (self.revoked_at, self.revocation_reason.as_deref()) {
            (None, _) | (Some(_), Some(RENEWED)) => None,
            (Some(_), stored) => Some(stored_reason(stored)),
        }
    }

    /// Whether a renewal replaced it (and nothing revoked it since).
    pub fn renewed(&self) -> bool {
        self.revoked_at.is_some() && self.revocation_reason.as_deref() == Some(RENEWED)
    }
}

/// [`CertificateRow::revocation_reason`] of a certificate a renewal replaced.
pub const RENEWED: &str = "renewed";

/// The reason of a revocation as stored: one without, or with a word this server does not
/// know, reads as `unspecified` (which taints every record, the safe reading).
fn stored_reason(stored: Option<&str>) -> offsign::RevocationReason {
    stored.and_then(offsign::RevocationReason::parse).unwrap_or(offsign::RevocationReason::Unspecified)
}

/// How many rejections of authenticated records are kept for monitoring; older ones are
/// dropped. Records from unknown or unverifiable signers are only counted (per day and code).
pub const MAX_REJECTIONS_KEPT: i64 = 100_000;

/// A record the server accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredRecord {
    /// The record id (unique).
    pub id: String,
    /// The signer's key id.
    pub kid: String,
    /// The signer's sequence number (unique per key).
    pub seq: u64,
    /// The record's hash.
    pub hash: String,
    /// The serial of the certificate it was signed under.
    pub cert_serial: String,
    /// When it was signed, as the device said (RFC 3339).
    pub signed_at: String,
    /// When it arrived (ms).
    pub received_at: i64,
    /// The record JWS.
    pub jws: String,
    /// The receipt the server signed for it.
    pub receipt: String,
    /// Whether the record before it in the chain was missing when it arrived.
    pub chain_gap: bool,
    /// The signer's worker id (from the certificate), for searches.
    pub worker: String,
    /// The signed document's name (at most [`MAX_SEARCHED_CHARS`]), for searches.
    pub doc_name: String,
    /// The record's `reference` claim, if it is text (at most [`MAX_SEARCHED_CHARS`]), for
    /// searches.
    pub reference: String,
}

/// How much of a document name or reference is kept for searches (the record keeps it all).
pub const MAX_SEARCHED_CHARS: usize = 200;

impl StoredRecord {
    /// The searched fields of a record: its document's name and its `reference` claim, cut
    /// to [`MAX_SEARCHED_CHARS`].
    pub fn searched_fields(payload: &offsign::RecordPayload) -> (String, String) {
        let cut = |text: &str| text.chars().take(MAX_SEARCHED_CHARS).collect::<String>();
        let reference = payload.claims.get("reference").and_then(|v| v.as_str()).map(cut).unwrap_or_default();
        (payload.doc.name.as_deref().map(cut).unwrap_or_default(), reference)
    }
}

/// A record of a certified signer that the server refused, kept for monitoring (at most
/// [`MAX_REJECTIONS_KEPT`]). Only records whose signature verified are kept this way, so
/// nothing in it was chosen by a stranger.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    /// The record id (its first 64 characters).
    pub id: String,
    /// The signer's key id.
    pub kid: String,
    /// Why (a verdict code such as `bad_signature`).
    pub code: String,
    /// When it arrived (ms).
    pub received_at: i64,
}

/// A failure report a device sent, as stored: the device's report and who signed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredReport {
    /// The report as the device sent it.
    pub report: offsign::ReportRow,
    /// The signer's key id.
    pub kid: String,
    /// The signer's worker id.
    pub worker: String,
    /// The signer's certificate serial.
    pub cert_serial: String,
    /// When it arrived (ms).
    pub received_at: i64,
}

/// Reads and writes inside one transaction: a batch of records, or a change made in the
/// console together with its audit line.
pub trait Batch {
    /// Reads ahead, in a few queries, what the checks of a batch of records then ask one at a
    /// time (one round trip each to PostgreSQL, all while the batch holds the write lock): the
    /// records stored under `ids`, those at the chain positions `positions` (key id, sequence
    /// number), and the certificates `serials`. Those reads are then answered from it, and
    /// from the records the batch stores meanwhile; the batch changes no certificate.
    fn read_ahead(&mut self, ids: &[&str], positions: &[(&str, u64)], serials: &[&str]) -> Result<()>;
    /// The stored record with this id.
    fn record_by_id(&mut self, id: &str) -> Result<Option<StoredRecord>>;
    /// The stored record of key `kid` at `seq`.
    fn record_at(&mut self, kid: &str, seq: u64) -> Result<Option<StoredRecord>>;
    /// The certificate with this serial.
    fn certificate(&mut self, serial: &str) -> Result<Option<CertificateRow>>;
    /// Version `version` of form `id` (its definition's JSON), if it was ever added.
    fn form(&mut self, id: &str, version: u32) -> Result<Option<String>>;
    /// The newest version of form `id`; 0 when there is none.
    fn newest_form_version(&mut self, id: &str) -> Result<u32>;
    /// Adds a version of a form; a version is never changed afterwards.
    fn add_form(&mut self, form: &StoredForm) -> Result<()>;
    /// Stores an accepted record.
    fn insert_record(&mut self, record: &StoredRecord) -> Result<()>;
    /// Keeps a rejection of an authenticated record, dropping the oldest past
    /// [`MAX_REJECTIONS_KEPT`].
    fn insert_rejection(&mut self, rejection: &Rejection) -> Result<()>;
    /// Counts `count` rejections of records from unknown or unverifiable signers, keeping
    /// nothing they chose: one counter per day and code.
    fn count_rejections(&mut self, code: &str, received_at: i64, count: u64) -> Result<()>;
    /// Revokes for `reason` the certificate `serial` (with those it renewed), every
    /// certificate of one key, or every certificate of a worker (with the unused enrollment
    /// codes that would issue more), at `now`; returns the serials newly revoked. Live and
    /// renewed certificates are revoked; a revoked one only when `reason` taints records
    /// signed before (a key found compromised after it was superseded), keeping its earlier
    /// revocation time.
    fn revoke(&mut self, target: &RevokeTarget, reason: offsign::RevocationReason, now: i64) -> Result<Vec<String>>;
    /// Stores an enrollment code by its hash.
    fn add_enrollment_code(&mut self, code_hash: &str, code: &EnrollmentCode) -> Result<()>;
    /// Writes a line of the audit log (in the transaction of the change it describes).
    fn audit(&mut self, entry: &AuditEntry) -> Result<()>;
    /// [`Storage::add_account`] in this transaction.
    fn add_account(&mut self, name: &str, role: Role, setup_hash: &str, expires_at: i64, now: i64) -> Result<Account>;
    /// Notes that the device holding key `kid` (worker `worker`) was heard from at `at` (ms).
    fn seen(&mut self, kid: &str, worker: &str, at: i64) -> Result<()>;
    /// Queues `event` for every webhook that takes its kind; an event with a notice key is
    /// queued once (the next with the same kind and key is dropped).
    fn event(&mut self, event: &Event) -> Result<()>;
    /// Sets the triage of report `id` of key `kid`; whether there is such a report.
    fn triage(&mut self, kid: &str, id: &str, triage: &Triage) -> Result<bool>;
}

/// What [`Storage::renew`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Renewal {
    /// The new certificate was stored and the current one marked superseded by it.
    Issued(CertificateRow),
    /// The current certificate had been renewed already (a replayed request, or an answer
    /// the device never got): the certificate that superseded it, followed to the newest.
    Existing(CertificateRow),
}

/// What a console account may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Sees everything and acts: enrolls, revokes, triages, manages accounts.
    Admin,
    /// Sees everything and changes nothing.
    Auditor,
}

impl Role {
    /// The word stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Auditor => "auditor",
        }
    }

    /// The role named `text`.
    pub fn parse(text: &str) -> Option<Role> {
        [Role::Admin, Role::Auditor].into_iter().find(|r| r.as_str() == text)
    }
}

/// A console account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    /// The login name.
    pub name: String,
    /// What it may do.
    pub role: Role,
    /// The Argon2id PHC string of its password; `None` until its setup link is used.
    pub password_hash: Option<String>,
    /// Wrong passwords since the last good one.
    pub failed_logins: u32,
    /// No login is tried before this time (ms), after too many wrong passwords.
    pub locked_until: Option<i64>,
}

/// A signed-in session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// The account.
    pub name: String,
    /// Its role.
    pub role: Role,
    /// The token every change must carry (in a form field or a header).
    pub csrf: String,
}

/// One line of the audit log: who did what, when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    /// When (ms since the epoch).
    pub at: i64,
    /// The account that did it.
    pub actor: String,
    /// What, in a word or two (`enroll`, `login`, `account_added`, …).
    pub action: String,
    /// The details (a worker, a serial), never a secret.
    pub detail: String,
}

/// A worker as the console lists it: from its certificates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkerSummary {
    /// The worker id.
    pub worker: String,
    /// Certificates issued to it (renewals included).
    pub certificates: u64,
    /// Of those, the ones neither revoked, superseded nor expired.
    pub live: u64,
    /// When its newest certificate expires (ms).
    pub newest_exp: i64,
}

/// Where a failure report stands with the people who analyse failures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TriageState {
    /// Nobody has dealt with it yet (also a resolved report that happened again).
    Open,
    /// Someone is on it.
    Acknowledged,
    /// Its cause is dealt with.
    Resolved,
}

impl TriageState {
    /// Every state, in the order a case moves through them.
    pub const ALL: [TriageState; 3] = [TriageState::Open, TriageState::Acknowledged, TriageState::Resolved];

    /// The word stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            TriageState::Open => "open",
            TriageState::Acknowledged => "acknowledged",
            TriageState::Resolved => "resolved",
        }
    }

    /// The state a stored word names.
    pub fn parse(text: &str) -> Option<TriageState> {
        TriageState::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// A report's triage: its state, a note, who set it and when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Triage {
    /// The state.
    pub state: TriageState,
    /// What was found or done.
    pub note: String,
    /// The console account that set it (`None` while untouched).
    pub by: Option<String>,
    /// When (ms; `None` while untouched).
    pub at: Option<i64>,
}

/// A search of stored records: the console's records list and its CSV export. An empty
/// field does not narrow the search.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecordSearch {
    /// Only this worker's records.
    pub worker: String,
    /// Only records whose document name or reference begins with this (case-insensitive).
    pub text: String,
    /// Signed at or after this time (RFC 3339, or a day `YYYY-MM-DD`).
    pub from: String,
    /// Signed before this time (RFC 3339, or a day: before it).
    pub to: String,
    /// Only the records that arrived after a gap in their chain.
    pub after_gap: bool,
}

/// Where a list sorted newest first goes on: the last row shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    /// The last row's sort time (RFC 3339 for records, ms for reports).
    pub at: String,
    /// The last row's key (a record id; `kid` and report id joined by a space for reports).
    pub key: String,
}

/// A stored record as lists show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordSummary {
    /// The record id.
    pub id: String,
    /// The signer's key id.
    pub kid: String,
    /// Its place in the signer's chain.
    pub seq: u64,
    /// The signer's worker id.
    pub worker: String,
    /// When it was signed, as the device said (RFC 3339).
    pub signed_at: String,
    /// When it arrived (ms).
    pub received_at: i64,
    /// The document's name.
    pub doc_name: String,
    /// The `reference` claim.
    pub reference: String,
    /// Whether the record before it was missing when it arrived.
    pub chain_gap: bool,
}

/// Sequence numbers missing from a signer's chain, before a stored record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainGap {
    /// The signer's key id.
    pub kid: String,
    /// The signer's worker id.
    pub worker: String,
    /// The first missing sequence number.
    pub first_missing: u64,
    /// The last missing one (the stored record after the gap has the next).
    pub last_missing: u64,
    /// The id of the record after the gap; empty when the gap is at the end of a key's chain,
    /// which a key enrolled in its place names (`continued_by`).
    pub next_id: String,
    /// The key id that took over from this one, when the gap is at the end of the replaced
    /// key's chain: its device said the chain ended at `last_missing`, and those records have
    /// not all arrived.
    pub continued_by: Option<String>,
    /// The chains do not link: the replaced key's chain holds another record at the end its
    /// successor named (`last_missing`), or records past it. A copy of the old key signed
    /// elsewhere, or a device misstated where its chain ended: someone must look.
    pub broken_link: bool,
    /// Since when they are known missing: the arrival of the record after the gap (ms).
    pub since: i64,
}

/// Failure reports of one code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportGroup {
    /// The error code.
    pub code: String,
    /// Reports (one per device and failure).
    pub reports: u64,
    /// Occurrences counted in them.
    pub occurrences: u64,
    /// Reports still open.
    pub open: u64,
    /// The latest arrival (ms).
    pub latest: i64,
}

/// A search of failure reports (empty fields do not narrow it).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReportSearch {
    /// Only this code.
    pub code: String,
    /// Only this worker's.
    pub worker: String,
    /// Only reports in this triage state.
    pub state: Option<TriageState>,
}

/// A stored failure report with its triage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportEntry {
    /// The report and its signer.
    pub stored: StoredReport,
    /// Where it stands.
    pub triage: Triage,
}

/// A device not heard from for this long (ms) is silent: the console highlights it, and
/// `offsign_devices_silent` counts it while its key has a live certificate.
pub const SILENT_AFTER_MS: i64 = 3 * offsign::DAY_MS;

/// How many statuses of each device are kept (its history); older ones are dropped.
pub const STATUSES_KEPT: u32 = 50;

/// A device (one key: a worker's identity on one phone or tablet) as the console lists it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeviceRow {
    /// The key id.
    pub kid: String,
    /// Its worker.
    pub worker: String,
    /// First heard from (ms).
    pub first_seen: i64,
    /// Last heard from (ms): a record, a report or a status.
    pub last_seen: i64,
    /// From its last status: the app's version.
    pub app_version: String,
    /// The browser's user agent.
    pub user_agent: String,
    /// Health checks that failed.
    pub failing: u32,
    /// Health checks that warned.
    pub warnings: u32,
    /// Records waiting on the device.
    pub pending: u32,
    /// When the oldest of them was signed.
    pub oldest_pending_at: Option<String>,
    /// When its last status arrived (ms), if one did.
    pub status_at: Option<i64>,
}

/// A search of devices (empty fields do not narrow it).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeviceSearch {
    /// Only this worker's.
    pub worker: String,
    /// Only devices last heard from before this time (ms).
    pub silent_since: Option<i64>,
    /// Only devices whose last status has a failed check.
    pub failing: bool,
}

/// What a webhook can be told of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// A failure report with a code never reported before.
    FailureNewCode,
    /// A code reported more often than usual within an hour.
    FailureSpike,
    /// A device with a live certificate not heard from for [`SILENT_AFTER_MS`].
    DeviceSilent,
    /// A worker's newest live certificate expires within 14 days.
    CertificateExpiring,
    /// A certificate was revoked.
    CertificateRevoked,
    /// A record arrived whose predecessors in its chain are missing.
    ChainGap,
}

impl EventKind {
    /// Every kind, in the order the console lists them.
    pub const ALL: [EventKind; 6] = [
        EventKind::FailureNewCode,
        EventKind::FailureSpike,
        EventKind::DeviceSilent,
        EventKind::CertificateExpiring,
        EventKind::CertificateRevoked,
        EventKind::ChainGap,
    ];

    /// The event type as webhooks receive it.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::FailureNewCode => "failure.new_code",
            EventKind::FailureSpike => "failure.spike",
            EventKind::DeviceSilent => "device.silent",
            EventKind::CertificateExpiring => "certificate.expiring",
            EventKind::CertificateRevoked => "certificate.revoked",
            EventKind::ChainGap => "chain.gap",
        }
    }

    /// The kind a type names.
    pub fn parse(text: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// Something to tell the webhooks.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// Its kind.
    pub kind: EventKind,
    /// Said once per kind and key (a device silent since a time, a certificate): `None` for
    /// events that are each news.
    pub notice: Option<String>,
    /// What happened, as the webhook's `data`.
    pub data: serde_json::Value,
    /// When (ms).
    pub at: i64,
}

/// A receiver of events.
#[derive(Clone, PartialEq, Eq)]
pub struct Webhook {
    /// Its id.
    pub id: i64,
    /// Where deliveries are posted (http or https).
    pub url: String,
    /// The event kinds it takes.
    pub events: Vec<EventKind>,
    /// Its signing secret, `whsec_` and base64 (Standard Webhooks).
    pub secret: zeroize::Zeroizing<String>,
    /// When it was added (ms), and by whom.
    pub created_at: i64,
    /// The console account that added it.
    pub created_by: String,
}

/// Never the secret (nor the URL's path, which some receivers treat as one).
impl std::fmt::Debug for Webhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhook").field("id", &self.id).field("url", &url_origin(&self.url)).field("events", &self.events).finish_non_exhaustive()
    }
}

/// The scheme and host of a URL (`https://hooks.example.com`): what the console shows of a
/// webhook's address to everyone but administrators, and what its audit lines say, since
/// some receivers (chat services) take the path as their secret.
pub fn url_origin(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    format!("{scheme}://{host}")
}

/// One event on its way to one webhook.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    /// Its id.
    pub id: i64,
    /// The webhook's id.
    pub webhook: i64,
    /// The event's id (`webhook-id`), the same for every webhook it goes to.
    pub event_id: String,
    /// The event type.
    pub event: String,
    /// The JSON body posted.
    pub payload: String,
    /// When it was queued (ms).
    pub created_at: i64,
    /// Attempts made.
    pub attempts: u32,
    /// `pending`, `delivered` or `failed` (given up).
    pub state: String,
    /// The HTTP status of the last attempt, if one answered.
    pub last_status: Option<u16>,
    /// Why the last attempt failed, if it did without an answer.
    pub last_error: Option<String>,
}

/// The server's storage.
pub trait Storage: Send + Sync + 'static {
    /// Workers whose id contains `search` (case-insensitive), after `after` in id order, at
    /// most `limit`; `now` (ms) tells live certificates from expired ones. With
    /// `expiring_within` (ms), only the workers [`Storage::workers_expiring`] counts.
    fn workers(&self, search: &str, after: &str, limit: u32, now: i64, expiring_within: Option<i64>) -> Result<Vec<WorkerSummary>>;
    /// Stored records matching `search`, newest signature first, after `after`; at most `limit`.
    fn records(&self, search: &RecordSearch, after: Option<&Cursor>, limit: u32) -> Result<Vec<RecordSummary>>;
    /// The stored record with this id.
    fn record(&self, id: &str) -> Result<Option<StoredRecord>>;
    /// The nearest stored records before and after `seq` in the chain of `kid`.
    fn chain_neighbours(&self, kid: &str, seq: u64) -> Result<(Option<RecordSummary>, Option<RecordSummary>)>;
    /// Gaps still open in the signers' chains, the oldest first; at most `limit`. Besides
    /// records missing before a stored one, the end of a replaced key's chain that has not
    /// all arrived: the certificate of the key that took over says where it ended.
    fn open_gaps(&self, limit: u32) -> Result<Vec<ChainGap>>;
    /// Records that arrived per day (days since the epoch) from day `since`.
    fn records_per_day(&self, since: i64) -> Result<Vec<(i64, u64)>>;
    /// Failure reports that arrived per day and code from day `since`.
    fn reports_per_day(&self, since: i64) -> Result<Vec<(i64, String, u64)>>;
    /// Refused records per code from day `since`: kept rejections and counted ones.
    fn rejections_per_code(&self, since: i64) -> Result<Vec<(String, u64)>>;
    /// The refusals kept (of records whose signature verified; see [`MAX_REJECTIONS_KEPT`]),
    /// of `code` (empty: any), the newest first, each with its signer's worker; at most `limit`.
    fn refusals(&self, code: &str, limit: u32) -> Result<Vec<(Rejection, String)>>;
    /// Failure reports grouped by code, the most recent first (the 200 most recent codes).
    fn report_groups(&self) -> Result<Vec<ReportGroup>>;
    /// Failure reports matching `search`, the latest arrival first, after `after`.
    fn failure_reports(&self, search: &ReportSearch, after: Option<&Cursor>, limit: u32) -> Result<Vec<ReportEntry>>;
    /// Workers whose newest live certificate expires in `(now, now + within]` (ms).
    fn workers_expiring(&self, now: i64, within: i64) -> Result<u64>;
    /// Stores a device's status (its JSON `status`, made at `sent_at`, and what is listed of
    /// it) as its newest, keeping the last [`STATUSES_KEPT`] of its history; the device was seen
    /// at `device.last_seen`. `false`, storing nothing, when a status made at `sent_at` or later
    /// is stored already (a replayed status cannot make a lost device look alive).
    fn store_status(&self, device: &DeviceRow, sent_at: &str, status: &str) -> Result<bool>;
    /// Devices matching `search`, the longest silent first, after `after`; at most `limit`.
    fn devices(&self, search: &DeviceSearch, after: Option<&Cursor>, limit: u32) -> Result<Vec<DeviceRow>>;
    /// [`Batch::event`] in a transaction of its own.
    fn event(&self, event: &Event) -> Result<()> {
        self.batch(|b| b.event(event))
    }
    /// Adds a webhook; returns its id.
    fn add_webhook(&self, webhook: &Webhook, audit: &AuditEntry) -> Result<i64>;
    /// Removes webhook `id` (its pending deliveries are dropped); whether it existed.
    fn remove_webhook(&self, id: i64, at: i64, audit: &AuditEntry) -> Result<bool>;
    /// The webhooks not removed, and their secrets.
    fn webhooks(&self) -> Result<Vec<Webhook>>;
    /// Deliveries due at `now`, oldest first, at most `limit`, with their webhook's URL and secret.
    fn due_deliveries(&self, now: i64, limit: u32) -> Result<Vec<(Delivery, Webhook)>>;
    /// Records the outcome of an attempt of delivery `id`: delivered, or tried again at
    /// `retry_at`, or given up when `retry_at` is `None`.
    /// Takes delivery `id` for an attempt, when it is still due at `now`: no other instance
    /// attempts it before `until` (ms), when it is due again should this one not record the
    /// attempt. Whether it was taken.
    fn claim_delivery(&self, id: i64, now: i64, until: i64) -> Result<bool>;
    fn delivery_attempted(&self, id: i64, at: i64, status: Option<u16>, error: Option<&str>, delivered: bool, retry_at: Option<i64>) -> Result<()>;
    /// The latest deliveries, newest first.
    fn deliveries(&self, limit: u32) -> Result<Vec<Delivery>>;
    /// Events the periodic scan finds at `now`: devices gone silent, certificates expiring
    /// within 14 days, failure codes reported more than `spike` times in the last hour (those
    /// already told left out). Drops finished deliveries and notices older than 30 days.
    fn scan_events(&self, now: i64, spike: u64) -> Result<Vec<Event>>;
    /// The device with key `kid`, and its status history (arrival in ms, status JSON), newest first.
    fn device(&self, kid: &str, history: u32) -> Result<Option<(DeviceRow, Vec<(i64, String)>)>>;
    /// Every certificate of `worker`, newest first.
    fn worker_certificates(&self, worker: &str) -> Result<Vec<CertificateRow>>;
    /// Adds account `name` with `role` (or, when it exists, keeps it and its role, and ends
    /// its password and sessions), and a one-time setup link (by its token's hash) valid until
    /// `expires_at`: it sets (or resets) the password.
    fn add_account(&self, name: &str, role: Role, setup_hash: &str, expires_at: i64, now: i64) -> Result<Account> {
        self.batch(|b| b.add_account(name, role, setup_hash, expires_at, now))
    }
    /// The account `name`.
    fn account(&self, name: &str) -> Result<Option<Account>>;
    /// The account a setup link is for, while it is valid at `now`.
    fn setup_account(&self, setup_hash: &str, now: i64) -> Result<Option<String>>;
    /// Uses a setup link: sets the account's password hash, clears its lockout, ends its
    /// sessions and the link. `None` when the link is unknown or expired.
    fn redeem_setup(&self, setup_hash: &str, password_hash: &str, now: i64) -> Result<Option<String>>;
    /// Counts a login try of `name` before its password is checked (so that tries sent at
    /// once cannot all pass a check made before any is counted): the `lock_after`-th try in a
    /// row locks the account for `lock_ms`. `false` when it is locked now (no try is counted).
    /// A name without an account is counted and locked alike.
    fn reserve_login(&self, name: &str, now: i64, lock_after: u32, lock_ms: i64) -> Result<bool>;
    /// A good password: the count of tries starts again and any lock ends.
    fn login_succeeded(&self, name: &str) -> Result<()>;
    /// Stores a session (by its token's hash) until `expires_at`, and drops the sessions that
    /// have ended by `now`.
    fn add_session(&self, token_hash: &str, name: &str, csrf: &str, expires_at: i64, now: i64) -> Result<()>;
    /// The session with this token's hash, while valid at `now`.
    fn session(&self, token_hash: &str, now: i64) -> Result<Option<Session>>;
    /// Ends a session.
    fn end_session(&self, token_hash: &str) -> Result<()>;
    /// Writes a line of the audit log.
    fn audit(&self, entry: &AuditEntry) -> Result<()> {
        self.batch(|b| b.audit(entry))
    }
    /// The newest `limit` lines of the audit log, newest first.
    fn audit_log(&self, limit: u32) -> Result<Vec<AuditEntry>>;
    /// The newest version of every form, by id.
    fn forms_in_use(&self) -> Result<Vec<StoredForm>>;
    /// A setting (e.g. the sealed authority key).
    fn setting(&self, key: &str) -> Result<Option<String>>;
    /// The setting `key`, set to `value` when it has none: whichever of several instances
    /// sets it first, all read the same.
    fn first_setting(&self, key: &str, value: &str) -> Result<String>;
    /// Stores a new enrollment code by its hash.
    fn add_enrollment_code(&self, code_hash: &str, code: &EnrollmentCode) -> Result<()> {
        self.batch(|b| b.add_enrollment_code(code_hash, code))
    }
    /// Redeems a code: reads it, lets `issue` decide from it and the worker's certificates
    /// (it returns the certificate to store, or a refusal), and on success marks the code used,
    /// stores the certificate and runs `then` with it (what else the enrollment changes), all
    /// in one transaction. `None` when no such code exists.
    fn redeem_code<E>(
        &self,
        code_hash: &str,
        now: i64,
        issue: impl FnOnce(&EnrollmentCode, &[CertificateRow]) -> std::result::Result<CertificateRow, E>,
        then: impl FnOnce(&mut dyn Batch, &CertificateRow) -> Result<()>,
    ) -> Result<Option<std::result::Result<CertificateRow, E>>>;
    /// Stores a certificate.
    fn add_certificate(&self, cert: &CertificateRow) -> Result<()>;
    /// Renews certificate `current` in one transaction: when it was superseded already, the
    /// newest certificate that superseded it; when it was revoked meanwhile, itself (as
    /// `Existing`, revoked); otherwise `issue()` is stored and `current` is marked superseded
    /// by it at `now`.
    fn renew(&self, current: &str, now: i64, issue: impl FnOnce() -> Result<CertificateRow>) -> Result<Renewal>;
    /// The certificate with this serial.
    fn certificate(&self, serial: &str) -> Result<Option<CertificateRow>>;
    /// The evidence held for record `record_id`, by kind.
    fn evidence(&self, record_id: &str) -> Result<Vec<EvidenceRow>>;
    /// Keeps `row` unless that record's evidence of that kind is held already; returns the row
    /// held (the first one stored: a piece uploaded twice keeps its first receipt).
    fn add_evidence(&self, row: &EvidenceRow) -> Result<EvidenceRow>;
    /// Stores failure reports in one transaction, each with its signer's allowance: a report
    /// sent again by the same signer (same key and id) replaces the earlier copy (its count or
    /// comment may have grown); a new one is stored only while fewer than its allowance of
    /// that key's reports arrived since `since` (ms). Another signer's report with the same id
    /// is another report. Returns, per report, whether it was stored.
    fn store_reports(&self, reports: &[(StoredReport, u64)], since: i64) -> Result<Vec<bool>>;
    /// How many reports of key `kid` arrived since `since` (ms).
    fn reports_since(&self, kid: &str, since: i64) -> Result<u64>;
    /// [`Batch::revoke`] in a transaction of its own.
    fn revoke(&self, target: &RevokeTarget, reason: offsign::RevocationReason, now: i64) -> Result<Vec<String>> {
        self.batch(|b| b.revoke(target, reason, now))
    }
    /// The serials for the revocation list, with their reasons: revoked (not merely renewed)
    /// certificates that expire after `not_expired_before` (ms). An expired certificate needs
    /// no listing.
    fn revoked_serials(&self, not_expired_before: i64) -> Result<Vec<(String, offsign::RevocationReason)>>;
    /// Runs `work` in one transaction; it commits when `work` returns `Ok`.
    fn batch<T>(&self, work: impl FnOnce(&mut dyn Batch) -> Result<T>) -> Result<T>;
    /// [`Storage::batch`] for a batch of records signed by the keys `kids`, which stores
    /// records, rejections, counters, notices and sightings only: on PostgreSQL it runs beside
    /// batches of other keys (one at a time per key, and never beside other writes).
    fn records_batch<T>(&self, kids: &[&str], work: impl FnOnce(&mut dyn Batch) -> Result<T>) -> Result<T>;
    /// Which of `ids` are ids of stored records.
    fn stored_ids(&self, ids: &[&str]) -> Result<std::collections::HashSet<String>>;
    /// How many records are stored.
    fn record_count(&self) -> Result<u64>;
    /// Whether the database answers, as cheaply as it can say so (a read of its header).
    fn ping(&self) -> Result<()>;
    /// The gauges of `/metrics` at `now` (ms).
    fn gauges(&self, now: i64) -> Result<crate::metrics::Gauges>;
}

/// What [`sqlite::backup`] wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupSummary {
    /// The size of the backup file.
    pub bytes: u64,
    /// The records it holds.
    pub records: u64,
    /// Its schema version (`PRAGMA user_version`).
    pub schema_version: u32,
}

/// A piece of evidence the server holds for a record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvidenceRow {
    /// The record's id.
    pub record_id: String,
    /// `document` or `signature-image`.
    pub kind: String,
    /// The SHA-256 of the bytes, base64url (as the record signed it).
    pub sha256: String,
    /// The bytes' length.
    pub size: u64,
    /// When they were stored (ms).
    pub stored_at: i64,
    /// The evidence receipt the server signed.
    pub receipt: String,
}

/// A version of a form, as kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredForm {
    /// The form's id.
    pub id: String,
    /// Its version.
    pub version: u32,
    /// Its definition ([`offsign::Form`] as JSON).
    pub definition: String,
    /// When it was added (ms).
    pub added_at: i64,
    /// Who added it: an account, the command line, or `offsign` for the forms shipped with it.
    pub added_by: String,
}

/// What `revoke` revokes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RevokeTarget {
    /// One certificate.
    Serial(String),
    /// Every certificate of one of a worker's keys.
    Key {
        /// The worker.
        worker: String,
        /// The key id.
        kid: String,
    },
    /// Every certificate of a worker.
    Worker(String),
}


/// Whether any of `texts` holds a NUL character, which PostgreSQL's text cannot keep: what a
/// device sends to be kept is refused with its code where it comes in (a batch failing in the
/// database would fail again at every retry).
pub fn holds_nul<'a>(texts: impl IntoIterator<Item = &'a str>) -> bool {
    texts.into_iter().any(|text| text.contains('\0'))
}

/// The forms shipped with offsign: a delivery receipt, an inspection checklist, a consent form.
pub const SHIPPED_FORMS: [&str; 3] = [
    include_str!("../../forms/delivery-receipt.json"),
    include_str!("../../forms/inspection-checklist.json"),
    include_str!("../../forms/consent-form.json"),
];

/// Who the forms shipped with offsign were added by.
pub const SHIPPED_BY: &str = "offsign";

/// The shipped forms, as version 1 each: part of the schema (SQLite's 8th migration, the
/// PostgreSQL schema's first).
fn add_shipped_forms(sql: &mut dyn Sql) -> Result<()> {
    for json in SHIPPED_FORMS {
        let form = offsign::Form::parse(json.as_bytes()).map_err(|e| StorageError(format!("a shipped form: {e}")))?;
        let definition = serde_json::to_string(&form).map_err(|e| StorageError(e.to_string()))?;
        sql.execute(
            "INSERT INTO forms (id, version, definition, added_at, added_by) VALUES (?1, ?2, ?3, 0, ?4)",
            args![form.id, form.version, definition, SHIPPED_BY],
        )?;
    }
    Ok(())
}

/// The refusal to open a database that a newer server has migrated.
fn newer_schema(found: u32) -> StorageError {
    StorageError(format!("the database has schema version {found}, newer than this server ({SCHEMA_VERSION}): upgrade the server"))
}

/// The schema version this server writes and reads.
pub const SCHEMA_VERSION: u32 = sqlite::SCHEMA_VERSION;

/// The server's database: a SQLite file (the default: one process, nothing to install) or a
/// PostgreSQL database (several instances on one database). Every query is written once
/// (`sql`); what differs is how a connection is had and a write is serialised.
pub struct Database {
    backend: Backend,
}

enum Backend {
    /// One connection, held by one request at a time.
    Sqlite(Mutex<rusqlite::Connection>),
    /// A pool of connections, shared by the instances' requests.
    Postgres(postgresql::Pool),
}

/// Where the database is (`--db`): a SQLite file, or a PostgreSQL database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// The SQLite file at this path (created when missing).
    Sqlite(std::path::PathBuf),
    /// The PostgreSQL database at this `postgres://` or `postgresql://` URL.
    Postgres(String),
}

impl Location {
    /// A `postgres://` or `postgresql://` URL, else a SQLite file's path.
    pub fn parse(value: &str) -> Location {
        if postgresql::is_url(value) {
            Location::Postgres(value.to_owned())
        } else {
            Location::Sqlite(value.into())
        }
    }
}

impl std::fmt::Display for Location {
    /// The path, or the URL without its password (for logs and messages).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::Sqlite(path) => write!(f, "{}", path.display()),
            Location::Postgres(url) => f.write_str(&postgresql::redacted(url)),
        }
    }
}

impl Database {
    /// Opens the database at `location` and brings its schema up to date.
    pub fn open(location: &Location) -> Result<Database> {
        match location {
            Location::Sqlite(path) => Database::sqlite(path),
            Location::Postgres(url) => Database::postgres(url),
        }
    }

    /// The schema version of the database at `location`, read without migrating it (0 for an
    /// empty one).
    pub fn schema_version_of(location: &Location) -> Result<u32> {
        match location {
            Location::Sqlite(path) => sqlite::schema_version_of(path),
            Location::Postgres(url) => postgresql::schema_version_of(url),
        }
    }

    /// Opens (creating) the SQLite database file at `path` and brings its schema up to date.
    pub fn sqlite(path: &Path) -> Result<Database> {
        Ok(Database { backend: Backend::Sqlite(Mutex::new(sqlite::open(path)?)) })
    }

    /// Connects to the PostgreSQL database at `url` and brings its schema up to date (one
    /// instance at a time, when several start together).
    pub fn postgres(url: &str) -> Result<Database> {
        Ok(Database { backend: Backend::Postgres(postgresql::open(url)?) })
    }

    /// The schema version of this database.
    pub fn schema_version(&self) -> Result<u32> {
        match &self.backend {
            Backend::Sqlite(connection) => Ok(sqlite::user_version(&lock(connection))?),
            Backend::Postgres(pool) => postgresql::schema_version(pool),
        }
    }

    /// `work` on a connection, each statement a transaction of its own: reads, and writes of
    /// one statement.
    fn read<T>(&self, work: impl FnOnce(&mut dyn Sql) -> Result<T>) -> Result<T> {
        match &self.backend {
            Backend::Sqlite(connection) => work(&mut sqlite::SqliteSql(&lock(connection))),
            Backend::Postgres(pool) => postgresql::read(pool, work),
        }
    }

    /// `work` in one transaction, which commits when it returns `Ok`. Writes are serialised
    /// as SQLite's are, across every instance on a PostgreSQL database too: what one reads
    /// to decide (is this code used? is this certificate revoked?) holds until it commits.
    fn write<T>(&self, work: impl FnOnce(&mut dyn Sql) -> Result<T>) -> Result<T> {
        self.write_as(Writer::All, work)
    }

    /// [`Database::write`], serialised with the writes `writer` must not run beside.
    fn write_as<T>(&self, writer: Writer<'_>, work: impl FnOnce(&mut dyn Sql) -> Result<T>) -> Result<T> {
        match &self.backend {
            Backend::Sqlite(connection) => {
                let mut connection = lock(connection);
                let tx = connection.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
                let out = work(&mut sqlite::SqliteSql(&tx))?;
                tx.commit()?;
                Ok(out)
            }
            Backend::Postgres(pool) => postgresql::write(pool, writer, work),
        }
    }
}

/// The most keys a batch of records locks one by one (PostgreSQL's lock table is shared and
/// bounded); past it, the batch takes the write lock alone.
const MAX_KEYS_LOCKED: usize = 8;

/// Which writes a write transaction must not run beside (on PostgreSQL; SQLite runs one at a time).
#[derive(Clone, Copy)]
enum Writer<'k> {
    /// Any other.
    All,
    /// Other writes, except batches of records of other keys than these: what such a batch
    /// reads to decide (this id, these chain positions) belongs to its keys.
    Keys(&'k [&'k str]),
}

fn lock(connection: &Mutex<rusqlite::Connection>) -> std::sync::MutexGuard<'_, rusqlite::Connection> {
    // A panic while holding the lock cannot leave a half-done transaction (SQLite rolls
    // it back), so a poisoned lock is still usable.
    connection.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn select_account(sql: &mut dyn Sql, name: &str) -> Result<Option<Account>> {
    let found = sql.row("SELECT name, role, password_hash, failed_logins, locked_until FROM accounts WHERE name = ?1", args![name], |row| {
        Ok((row.get::<String>(0)?, row.get::<String>(1)?, row.get(2)?, row.get::<u32>(3)?, row.get(4)?))
    })?;
    Ok(found.and_then(|(name, role, password_hash, failed_logins, locked_until)| {
        Some(Account { name, role: Role::parse(&role)?, password_hash, failed_logins, locked_until })
    }))
}

fn certificate_from(row: &Row) -> Result<CertificateRow> {
    Ok(CertificateRow {
        serial: row.get(0)?,
        worker: row.get(1)?,
        kid: row.get(2)?,
        jwk: row.get(3)?,
        jws: row.get(4)?,
        nbf: row.get(5)?,
        exp: row.get(6)?,
        revoked_at: row.get(7)?,
        revocation_reason: row.get(8)?,
        superseded_by: row.get(9)?,
        continues: match row.get::<Option<String>>(10)? {
            Some(kid) => Some(offsign::Continuation { kid, seq: row.get(11)?, hash: row.get(12)? }),
            None => None,
        },
    })
}

const CERTIFICATE_COLUMNS: &str =
    "serial, worker, kid, jwk, jws, nbf, exp, revoked_at, revocation_reason, superseded_by, continues_kid, continues_seq, continues_hash";
const RECORD_COLUMNS: &str = "id, kid, seq, hash, cert_serial, signed_at, received_at, jws, receipt, chain_gap, worker, doc_name, reference";

fn record_from(row: &Row) -> Result<StoredRecord> {
    Ok(StoredRecord {
        id: row.get(0)?,
        kid: row.get(1)?,
        seq: row.get(2)?,
        hash: row.get(3)?,
        cert_serial: row.get(4)?,
        signed_at: row.get(5)?,
        received_at: row.get(6)?,
        jws: row.get(7)?,
        receipt: row.get(8)?,
        chain_gap: row.get(9)?,
        worker: row.get(10)?,
        doc_name: row.get(11)?,
        reference: row.get(12)?,
    })
}

const SUMMARY_COLUMNS: &str = "id, kid, seq, worker, signed_at, received_at, doc_name, reference, chain_gap";

fn summary_from(row: &Row) -> Result<RecordSummary> {
    Ok(RecordSummary {
        id: row.get(0)?,
        kid: row.get(1)?,
        seq: row.get(2)?,
        worker: row.get(3)?,
        signed_at: row.get(4)?,
        received_at: row.get(5)?,
        doc_name: row.get(6)?,
        reference: row.get(7)?,
        chain_gap: row.get(8)?,
    })
}

const DEVICE_COLUMNS: &str =
    "kid, worker, first_seen, last_seen, app_version, user_agent, failing, warnings, pending, oldest_pending_at, status_at";

fn device_from(row: &Row) -> Result<DeviceRow> {
    Ok(DeviceRow {
        kid: row.get(0)?,
        worker: row.get(1)?,
        first_seen: row.get(2)?,
        last_seen: row.get(3)?,
        app_version: row.get(4)?,
        user_agent: row.get(5)?,
        failing: row.get(6)?,
        warnings: row.get(7)?,
        pending: row.get(8)?,
        oldest_pending_at: row.get(9)?,
        status_at: row.get(10)?,
    })
}

/// A condition on devices `d`: its key has a certificate neither revoked nor expired at `?2`
/// (a renewal's superseded certificate has a live successor for the same key).
const HAS_LIVE_CERTIFICATE: &str = "EXISTS (SELECT 1 FROM certificates c WHERE c.kid = d.kid AND c.revoked_at IS NULL AND c.exp > ?2)";

/// A condition on certificates `c` that continue a replaced key's chain: the chains do not link
/// (the replaced key's chain holds another record at the end `c` named, or records past it).
const BROKEN_LINK: &str = "EXISTS (SELECT 1 FROM records r WHERE r.kid = c.continues_kid
    AND (r.seq > c.continues_seq OR (r.seq = c.continues_seq AND c.continues_hash IS NOT NULL AND r.hash IS DISTINCT FROM c.continues_hash)))";

const DELIVERY_COLUMNS: &str = "d.id, d.webhook, d.event_id, d.event, d.payload, d.created_at, d.attempts, d.state, d.last_status, d.last_error";

fn delivery_from(row: &Row) -> Result<Delivery> {
    Ok(Delivery {
        id: row.get(0)?,
        webhook: row.get(1)?,
        event_id: row.get(2)?,
        event: row.get(3)?,
        payload: row.get(4)?,
        created_at: row.get(5)?,
        attempts: row.get(6)?,
        state: row.get(7)?,
        last_status: row.get(8)?,
        last_error: row.get(9)?,
    })
}

/// A webhook read from `row`, its columns from `at` on (id, url, events, secret, created_at,
/// created_by).
fn webhook_at(row: &Row, at: usize) -> Result<Webhook> {
    Ok(Webhook {
        id: row.get(at)?,
        url: row.get(at + 1)?,
        events: row.get::<String>(at + 2)?.split(',').filter_map(EventKind::parse).collect(),
        secret: zeroize::Zeroizing::new(row.get(at + 3)?),
        created_at: row.get(at + 4)?,
        created_by: row.get(at + 5)?,
    })
}

const REPORT_COLUMNS: &str = "id, kid, worker, cert_serial, code, operation, message, first_at, last_at, count, app_version,
   user_agent, comment, received_at, triage, triage_note, triaged_by, triaged_at";

fn report_from(row: &Row) -> Result<ReportEntry> {
    let code: String = row.get(4)?;
    let kid: String = row.get(1)?;
    let report = offsign::ReportRow {
        id: row.get(0)?,
        fingerprint: String::new(),
        remedy: offsign::ErrorCode::parse(&code).map(|c| c.default_remedy().to_owned()).unwrap_or_default(),
        code,
        operation: row.get(5)?,
        message: row.get(6)?,
        kid: Some(kid.clone()),
        first_at: row.get(7)?,
        last_at: row.get(8)?,
        count: row.get(9)?,
        app_version: row.get(10)?,
        user_agent: row.get(11)?,
        comment: row.get(12)?,
        state: offsign::ReportState::Sent,
    };
    let state: String = row.get(14)?;
    Ok(ReportEntry {
        stored: StoredReport { report, kid, worker: row.get(2)?, cert_serial: row.get(3)?, received_at: row.get(13)? },
        triage: Triage { state: TriageState::parse(&state).unwrap_or(TriageState::Open), note: row.get(15)?, by: row.get(16)?, at: row.get(17)? },
    })
}

/// A query's conditions and their values, built from a search's non-empty fields (so that
/// the planner sees only what narrows, and picks the index for it).
#[derive(Default)]
struct Conditions {
    sql: Vec<String>,
    values: Vec<Box<dyn ToArg>>,
}

impl Conditions {
    /// Adds `condition`, in which `?` stands for each of `values` in turn.
    fn add(&mut self, condition: &str, values: Vec<Box<dyn ToArg>>) {
        let mut numbered = String::new();
        for (i, part) in condition.split('?').enumerate() {
            if i > 0 {
                numbered.push_str(&format!("?{}", self.values.len() + i));
            }
            numbered.push_str(part);
        }
        self.sql.push(numbered);
        self.values.extend(values);
    }

    /// Runs `select`, `WHERE …` (or nothing), then `ORDER BY {order} LIMIT limit` on
    /// `sql`, each row read by `read`.
    fn rows<T>(mut self, sql: &mut dyn Sql, select: &str, order: &str, limit: u32, read: fn(&Row) -> Result<T>) -> Result<Vec<T>> {
        let filter = if self.sql.is_empty() { String::new() } else { format!(" WHERE {}", self.sql.join(" AND ")) };
        let mut tail = Conditions { sql: Vec::new(), values: std::mem::take(&mut self.values) };
        tail.add(&format!("ORDER BY {order} LIMIT ?"), vec![Box::new(limit)]);
        let values: Vec<&dyn ToArg> = tail.values.iter().map(|v| v as &dyn ToArg).collect();
        sql.rows(&format!("{select}{filter} {}", tail.sql.concat()), &values, read)
    }
}

/// Whether a failure report with `code` is stored already.
fn known_code(sql: &mut dyn Sql, code: &str) -> Result<bool> {
    Ok(sql.row("SELECT 1 FROM reports WHERE code = ?1 LIMIT 1", args![code], |_| Ok(()))?.is_some())
}

/// [`Batch::event`] on `sql`.
fn queue_event(sql: &mut dyn Sql, event: &Event) -> Result<()> {
    let kind = event.kind.as_str();
    let hooks = sql.rows("SELECT id, events FROM webhooks WHERE removed_at IS NULL", args![], |row| Ok((row.get::<i64>(0)?, row.get::<String>(1)?)))?;
    let hooks: Vec<i64> = hooks.into_iter().filter(|(_, events)| events.split(',').any(|e| e == kind)).map(|(id, _)| id).collect();
    if hooks.is_empty() {
        return Ok(());
    }
    if let Some(key) = &event.notice {
        let fresh = sql.execute("INSERT INTO webhook_notices (kind, key, at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING", args![kind, key, event.at])?;
        if fresh == 0 {
            return Ok(());
        }
    }
    let mut random = [0u8; 16];
    getrandom::getrandom(&mut random).map_err(|e| StorageError(format!("no randomness: {e}")))?;
    let event_id = format!("msg_{}", crate::hex::hex(&random));
    let timestamp = offsign::Timestamp::from_millis(event.at).map(|t| t.to_string()).unwrap_or_default();
    let payload = serde_json::json!({ "type": kind, "timestamp": timestamp, "data": event.data }).to_string();
    for hook in hooks {
        sql.execute(
            "INSERT INTO webhook_deliveries (webhook, event_id, event, payload, created_at, next_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
            args![hook, event_id, kind, payload, event.at],
        )?;
    }
    Ok(())
}

/// The later of a device's stored `last_seen` and the one an upsert brings.
const LATER_SEEN: &str = "CASE WHEN excluded.last_seen > devices.last_seen THEN excluded.last_seen ELSE devices.last_seen END";

/// [`Batch::seen`] on `sql`.
fn mark_seen(sql: &mut dyn Sql, kid: &str, worker: &str, at: i64) -> Result<()> {
    sql.execute(
        &format!(
            "INSERT INTO devices (kid, worker, first_seen, last_seen) VALUES (?1, ?2, ?3, ?3)
             ON CONFLICT (kid) DO UPDATE SET last_seen = {LATER_SEEN}"
        ),
        args![kid, worker, at],
    )?;
    Ok(())
}

/// A condition on certificates `c`: the newest live certificate of its worker, expiring in
/// `(?1, ?1 + ?2]` (ms).
const NEWEST_EXPIRING: &str = "revoked_at IS NULL AND exp > ?1 AND exp <= ?1 + ?2
    AND NOT EXISTS (SELECT 1 FROM certificates d WHERE d.worker = c.worker AND d.revoked_at IS NULL AND d.exp > c.exp)";

/// Workers whose newest live certificate expires in `(now, now + within]` (ms).
fn count_expiring(sql: &mut dyn Sql, now: i64, within: i64) -> Result<u64> {
    sql.count(&format!("SELECT count(DISTINCT worker) FROM certificates c WHERE {NEWEST_EXPIRING}"), args![now, within])
}

/// The stored record with this id.
fn select_record(sql: &mut dyn Sql, id: &str) -> Result<Option<StoredRecord>> {
    sql.row(&format!("SELECT {RECORD_COLUMNS} FROM records WHERE id = ?1"), args![id], record_from)
}

fn select_evidence(sql: &mut dyn Sql, record_id: &str) -> Result<Vec<EvidenceRow>> {
    sql.rows("SELECT record_id, kind, sha256, size, stored_at, receipt FROM evidence WHERE record_id = ?1 ORDER BY kind", args![record_id], |row| {
        Ok(EvidenceRow {
            record_id: row.get(0)?,
            kind: row.get(1)?,
            sha256: row.get(2)?,
            size: row.get(3)?,
            stored_at: row.get(4)?,
            receipt: row.get(5)?,
        })
    })
}

fn select_certificate(sql: &mut dyn Sql, serial: &str) -> Result<Option<CertificateRow>> {
    sql.row(&format!("SELECT {CERTIFICATE_COLUMNS} FROM certificates WHERE serial = ?1"), args![serial], certificate_from)
}

fn insert_certificate(sql: &mut dyn Sql, cert: &CertificateRow) -> Result<()> {
    sql.execute(
        &format!("INSERT INTO certificates ({CERTIFICATE_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"),
        args![
            cert.serial,
            cert.worker,
            cert.kid,
            cert.jwk,
            cert.jws,
            cert.nbf,
            cert.exp,
            cert.revoked_at,
            cert.revocation_reason,
            cert.superseded_by,
            cert.continues.as_ref().map(|c| &c.kid),
            cert.continues.as_ref().map(|c| c.seq),
            cert.continues.as_ref().and_then(|c| c.hash.as_ref()),
        ],
    )?;
    Ok(())
}

/// A write transaction as a [`Batch`]: what [`Batch::read_ahead`] read, and the records it
/// stores, written together (one statement per hundred, not a round trip each) before the
/// transaction does anything else with the database, and at its end ([`SqlBatch::run`]).
struct SqlBatch<'a>(&'a mut dyn Sql, ReadAhead, Vec<StoredRecord>);

impl<'a> SqlBatch<'a> {
    /// `work` as a batch of the transaction `sql`, and what it stored written before the
    /// transaction goes on.
    fn run<T>(sql: &'a mut dyn Sql, work: impl FnOnce(&mut dyn Batch) -> Result<T>) -> Result<T> {
        let mut batch = SqlBatch(sql, ReadAhead::default(), Vec::new());
        let out = work(&mut batch)?;
        batch.sql()?;
        Ok(out)
    }

    /// The transaction, once the records the batch stored are written.
    fn sql(&mut self) -> Result<&mut dyn Sql> {
        for chunk in self.2.chunks(RECORDS_PER_INSERT) {
            let rows = (0..chunk.len()).map(|i| format!("({})", placeholders(13 * i + 1, 13))).collect::<Vec<_>>().join(", ");
            let values: Vec<&dyn ToArg> = chunk
                .iter()
                .flat_map(|r| -> [&dyn ToArg; 13] {
                    [&r.id, &r.kid, &r.seq, &r.hash, &r.cert_serial, &r.signed_at, &r.received_at, &r.jws, &r.receipt, &r.chain_gap, &r.worker, &r.doc_name, &r.reference]
                })
                .collect();
            self.0.execute(
                &format!("INSERT INTO records ({RECORD_COLUMNS}) VALUES {rows}"),
                &values,
            )?;
        }
        self.2.clear();
        Ok(&mut *self.0)
    }
}

/// Records written by one statement (13 arguments each: 1,300, well inside SQLite's and
/// PostgreSQL's limits).
const RECORDS_PER_INSERT: usize = 100;

/// What a batch read ahead: which ids, chain positions and serials were asked, and what of
/// them is stored (records the batch stores itself are added as it does).
#[derive(Default)]
struct ReadAhead {
    ids: std::collections::HashSet<String>,
    positions: std::collections::HashSet<(String, u64)>,
    serials: std::collections::HashSet<String>,
    records: std::collections::HashMap<String, StoredRecord>,
    at: std::collections::HashMap<(String, u64), String>,
    certificates: std::collections::HashMap<String, CertificateRow>,
}

impl ReadAhead {
    fn keep(&mut self, record: StoredRecord) {
        self.at.insert((record.kid.clone(), record.seq), record.id.clone());
        self.records.insert(record.id.clone(), record);
    }
}

/// At most this many values in one `IN (…)` (SQLite's default limit on a statement's
/// arguments is 32,766; PostgreSQL's 65,535).
const IN_CHUNK: usize = 500;

/// `?{first}, ?{first + 1}, …` for `count` arguments.
fn placeholders(first: usize, count: usize) -> String {
    (first..first + count).map(|i| format!("?{i}")).collect::<Vec<_>>().join(",")
}

impl Batch for SqlBatch<'_> {
    fn read_ahead(&mut self, ids: &[&str], positions: &[(&str, u64)], serials: &[&str]) -> Result<()> {
        for chunk in ids.chunks(IN_CHUNK) {
            let values: Vec<&dyn ToArg> = chunk.iter().map(|id| id as &dyn ToArg).collect();
            let sql = format!("SELECT {RECORD_COLUMNS} FROM records WHERE id IN ({})", placeholders(1, chunk.len()));
            for record in self.sql()?.rows(&sql, &values, record_from)? {
                self.1.keep(record);
            }
        }
        self.1.ids.extend(ids.iter().map(|id| id.to_string()));
        for chunk in positions.chunks(IN_CHUNK / 2) {
            let pairs = (0..chunk.len()).map(|i| format!("({})", placeholders(2 * i + 1, 2))).collect::<Vec<_>>().join(", ");
            let values: Vec<&dyn ToArg> = chunk.iter().flat_map(|(kid, seq)| -> [&dyn ToArg; 2] { [kid, seq] }).collect();
            let sql = format!("SELECT {RECORD_COLUMNS} FROM records WHERE (kid, seq) IN (VALUES {pairs})");
            for record in self.sql()?.rows(&sql, &values, record_from)? {
                self.1.keep(record);
            }
        }
        self.1.positions.extend(positions.iter().map(|(kid, seq)| (kid.to_string(), *seq)));
        for chunk in serials.chunks(IN_CHUNK) {
            let values: Vec<&dyn ToArg> = chunk.iter().map(|serial| serial as &dyn ToArg).collect();
            let sql = format!("SELECT {CERTIFICATE_COLUMNS} FROM certificates WHERE serial IN ({})", placeholders(1, chunk.len()));
            for cert in self.sql()?.rows(&sql, &values, certificate_from)? {
                self.1.certificates.insert(cert.serial.clone(), cert);
            }
        }
        self.1.serials.extend(serials.iter().map(|serial| serial.to_string()));
        Ok(())
    }

    fn record_by_id(&mut self, id: &str) -> Result<Option<StoredRecord>> {
        if self.1.ids.contains(id) || self.1.records.contains_key(id) {
            return Ok(self.1.records.get(id).cloned());
        }
        select_record(self.sql()?, id)
    }

    fn record_at(&mut self, kid: &str, seq: u64) -> Result<Option<StoredRecord>> {
        let position = (kid.to_owned(), seq);
        if self.1.positions.contains(&position) || self.1.at.contains_key(&position) {
            return Ok(self.1.at.get(&position).and_then(|id| self.1.records.get(id)).cloned());
        }
        self.sql()?.row(&format!("SELECT {RECORD_COLUMNS} FROM records WHERE kid = ?1 AND seq = ?2"), args![kid, seq], record_from)
    }

    fn certificate(&mut self, serial: &str) -> Result<Option<CertificateRow>> {
        if self.1.serials.contains(serial) {
            return Ok(self.1.certificates.get(serial).cloned());
        }
        select_certificate(self.sql()?, serial)
    }

    fn form(&mut self, id: &str, version: u32) -> Result<Option<String>> {
        self.sql()?.row("SELECT definition FROM forms WHERE id = ?1 AND version = ?2", args![id, version], |row| row.get(0))
    }

    fn newest_form_version(&mut self, id: &str) -> Result<u32> {
        let newest: Option<u32> = self.sql()?.one("SELECT max(version) FROM forms WHERE id = ?1", args![id], |row| row.get(0))?;
        Ok(newest.unwrap_or(0))
    }

    fn add_form(&mut self, form: &StoredForm) -> Result<()> {
        self.sql()?.execute(
            "INSERT INTO forms (id, version, definition, added_at, added_by) VALUES (?1, ?2, ?3, ?4, ?5)",
            args![form.id, form.version, form.definition, form.added_at, form.added_by],
        )?;
        Ok(())
    }

    fn insert_record(&mut self, r: &StoredRecord) -> Result<()> {
        self.1.keep(r.clone());
        self.2.push(r.clone());
        Ok(())
    }

    fn insert_rejection(&mut self, r: &Rejection) -> Result<()> {
        let newest: i64 = self.sql()?.one(
            "INSERT INTO rejections (id, kid, code, received_at) VALUES (?1, ?2, ?3, ?4) RETURNING rowid",
            args![r.id, r.kid, r.code, r.received_at],
            |row| row.get(0),
        )?;
        self.sql()?.execute("DELETE FROM rejections WHERE rowid <= ?1", args![newest - MAX_REJECTIONS_KEPT])?;
        Ok(())
    }

    fn count_rejections(&mut self, code: &str, received_at: i64, count: u64) -> Result<()> {
        self.sql()?.execute(
            "INSERT INTO rejection_counts (day, code, count) VALUES (?1, ?2, ?3)
             ON CONFLICT (day, code) DO UPDATE SET count = rejection_counts.count + excluded.count",
            args![received_at.div_euclid(offsign::DAY_MS), code, count],
        )?;
        Ok(())
    }

    fn revoke(&mut self, target: &RevokeTarget, reason: offsign::RevocationReason, now: i64) -> Result<Vec<String>> {
        // A serial, with the certificates it renewed (the same key, still good for records
        // until they expire); one key's; or all of a worker's.
        let (condition, first, second) = match target {
            RevokeTarget::Serial(serial) => (
                "serial IN (WITH RECURSIVE earlier(serial) AS (SELECT serial FROM certificates WHERE serial = ?1 UNION SELECT c.serial FROM certificates c
                   JOIN earlier e ON c.superseded_by = e.serial) SELECT serial FROM earlier) AND ?2 IS NOT NULL",
                serial,
                serial,
            ),
            RevokeTarget::Key { worker, kid } => ("worker = ?1 AND kid = ?2", worker, kid),
            RevokeTarget::Worker(worker) => ("worker = ?1 AND ?2 IS NOT NULL", worker, worker),
        };
        // Live certificates, and renewed ones (those still let records signed before the
        // renewal in); revoked ones only to taint what they signed before.
        let taints = !reason.keeps_earlier_records();
        let revocable = format!(
            "{condition} AND (revoked_at IS NULL OR revocation_reason = '{RENEWED}'
               OR (?3 = 1 AND revocation_reason NOT IN ('unspecified', 'keyCompromise')))"
        );
        let serials =
            self.sql()?.rows(&format!("SELECT serial FROM certificates WHERE {revocable} ORDER BY serial"), args![first, second, taints], |row| row.get(0))?;
        // A renewed certificate took records until now: a revocation that keeps earlier
        // records keeps those too. A revoked one keeps its earlier time.
        self.sql()?.execute(
            &format!(
                "UPDATE certificates SET revocation_reason = ?5,
                   revoked_at = CASE WHEN revocation_reason = '{RENEWED}' OR revoked_at IS NULL OR revoked_at > ?4 THEN ?4 ELSE revoked_at END
                 WHERE {revocable}"
            ),
            args![first, second, taints, now, reason.as_str()],
        )?;
        if let RevokeTarget::Worker(worker) = target {
            self.sql()?.execute(
                "UPDATE enrollment_codes SET expires_at = CASE WHEN expires_at < ?2 THEN expires_at ELSE ?2 END WHERE worker = ?1 AND used_at IS NULL",
                args![worker, now],
            )?;
        }
        Ok(serials)
    }

    fn add_account(&mut self, name: &str, role: Role, setup_hash: &str, expires_at: i64, now: i64) -> Result<Account> {
        let tx = self.sql()?;
        // A new link for an account that exists is a reset: its password and sessions end now,
        // not when the link is used (the old password may be what leaked).
        tx.execute("UPDATE accounts SET password_hash = NULL WHERE name = ?1", args![name])?;
        tx.execute("DELETE FROM sessions WHERE name = ?1", args![name])?;
        tx.execute("INSERT INTO accounts (name, role, created_at) VALUES (?1, ?2, ?3) ON CONFLICT (name) DO NOTHING", args![name, role.as_str(), now])?;
        tx.execute("DELETE FROM account_setups WHERE name = ?1 OR expires_at <= ?2", args![name, now])?;
        tx.execute("INSERT INTO account_setups (token_hash, name, expires_at) VALUES (?1, ?2, ?3)", args![setup_hash, name, expires_at])?;
        select_account(tx, name)?.ok_or_else(|| StorageError("the account just added is missing".into()))
    }

    fn add_enrollment_code(&mut self, code_hash: &str, code: &EnrollmentCode) -> Result<()> {
        self.sql()?.execute(
            "INSERT INTO enrollment_codes (code_hash, worker, days, expires_at, used_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            args![code_hash, code.worker, code.days, code.expires_at, code.used_at],
        )?;
        Ok(())
    }

    fn audit(&mut self, entry: &AuditEntry) -> Result<()> {
        self.sql()?.execute("INSERT INTO audit_log (at, actor, action, detail) VALUES (?1, ?2, ?3, ?4)", args![entry.at, entry.actor, entry.action, entry.detail])?;
        Ok(())
    }

    fn seen(&mut self, kid: &str, worker: &str, at: i64) -> Result<()> {
        mark_seen(self.sql()?, kid, worker, at)
    }

    fn event(&mut self, event: &Event) -> Result<()> {
        queue_event(self.sql()?, event)
    }

    fn triage(&mut self, kid: &str, id: &str, triage: &Triage) -> Result<bool> {
        let changed = self.sql()?.execute(
            "UPDATE reports SET triage = ?3, triage_note = ?4, triaged_by = ?5, triaged_at = ?6 WHERE kid = ?1 AND id = ?2",
            args![kid, id, triage.state.as_str(), triage.note, triage.by, triage.at],
        )?;
        Ok(changed == 1)
    }
}

impl Storage for Database {
    fn records(&self, search: &RecordSearch, after: Option<&Cursor>, limit: u32) -> Result<Vec<RecordSummary>> {
        self.read(|sql| {
            let mut conditions = Conditions::default();
            if !search.worker.is_empty() {
                conditions.add("worker = ?", vec![Box::new(search.worker.clone())]);
            }
            if !search.text.is_empty() {
                // A prefix, any case, read from the two indexes: a search for text inside the
                // names would read every row.
                let escaped = format!("{}%", search.text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
                let (reference, prefix) = sql.dialect().folded("reference", &escaped);
                let (doc_name, _) = sql.dialect().folded("doc_name", &escaped);
                conditions.add(
                    &format!("({reference} LIKE ? ESCAPE '\\' OR {doc_name} LIKE ? ESCAPE '\\')"),
                    vec![Box::new(prefix.clone()), Box::new(prefix)],
                );
            }
            if !search.from.is_empty() {
                conditions.add("signed_at >= ?", vec![Box::new(search.from.clone())]);
            }
            if !search.to.is_empty() {
                conditions.add("signed_at < ?", vec![Box::new(search.to.clone())]);
            }
            if search.after_gap {
                conditions.add("chain_gap = 1", vec![]);
            }
            if let Some(after) = after {
                conditions.add("(signed_at, id) < (?, ?)", vec![Box::new(after.at.clone()), Box::new(after.key.clone())]);
            }
            conditions.rows(sql, &format!("SELECT {SUMMARY_COLUMNS} FROM records"), "signed_at DESC, id DESC", limit, summary_from)
        })
    }

    fn record(&self, id: &str) -> Result<Option<StoredRecord>> {
        self.read(|sql| select_record(sql, id))
    }

    fn chain_neighbours(&self, kid: &str, seq: u64) -> Result<(Option<RecordSummary>, Option<RecordSummary>)> {
        self.read(|sql| {
            let before = format!("SELECT {SUMMARY_COLUMNS} FROM records WHERE kid = ?1 AND seq < ?2 ORDER BY seq DESC LIMIT 1");
            let after = format!("SELECT {SUMMARY_COLUMNS} FROM records WHERE kid = ?1 AND seq > ?2 ORDER BY seq LIMIT 1");
            Ok((sql.row(&before, args![kid, seq], summary_from)?, sql.row(&after, args![kid, seq], summary_from)?))
        })
    }

    fn open_gaps(&self, limit: u32) -> Result<Vec<ChainGap>> {
        self.read(|sql| {
            let after_gap = sql.dialect().indexed_by("records_after_gap");
            let mut gaps = sql.rows(
                &format!(
                    "SELECT r.kid, r.worker, r.seq, r.id, r.received_at,
                       (SELECT max(p.seq) FROM records p WHERE p.kid = r.kid AND p.seq < r.seq)
                     FROM (SELECT kid, worker, seq, id, received_at FROM records{after_gap} WHERE chain_gap = 1) r
                     WHERE NOT EXISTS (SELECT 1 FROM records p WHERE p.kid = r.kid AND p.seq = r.seq - 1)
                     ORDER BY r.received_at, r.kid, r.seq LIMIT ?1"
                ),
                args![limit],
                |row| {
                    let seq: u64 = row.get(2)?;
                    let before: Option<u64> = row.get(5)?;
                    Ok(ChainGap {
                        kid: row.get(0)?,
                        worker: row.get(1)?,
                        first_missing: before.map_or(1, |b| b + 1),
                        last_missing: seq - 1,
                        next_id: row.get(3)?,
                        since: row.get(4)?,
                        continued_by: None,
                        broken_link: false,
                    })
                },
            )?;
            // The end of each replaced key's chain, as the key enrolled in its place named it: not
            // arrived yet, or arrived and not linking (another record at that number, one past it).
            let continuing = sql.dialect().indexed_by("certificates_continuing");
            let ends = sql.rows(
                &format!(
                    "SELECT kid, worker, seq, successor, nbf, stored, broken FROM (
                       SELECT c.continues_kid AS kid, c.worker, c.continues_seq AS seq, c.kid AS successor, c.nbf,
                         (SELECT max(r.seq) FROM records r WHERE r.kid = c.continues_kid) AS stored, {BROKEN_LINK} AS broken
                       FROM certificates c{continuing}
                       WHERE c.continues_kid IS NOT NULL) ends
                     WHERE broken OR seq > coalesce(stored, 0)
                     ORDER BY nbf LIMIT ?1"
                ),
                args![limit],
                |row| {
                    let (end, stored, broken) = (row.get::<u64>(2)?, row.get::<Option<u64>>(5)?, row.get::<bool>(6)?);
                    Ok(ChainGap {
                        kid: row.get(0)?,
                        worker: row.get(1)?,
                        first_missing: if broken { end } else { stored.map_or(1, |s| s + 1) },
                        last_missing: end,
                        next_id: String::new(),
                        since: row.get(4)?,
                        continued_by: Some(row.get(3)?),
                        broken_link: broken,
                    })
                },
            )?;
            gaps.extend(ends);
            gaps.sort_by_key(|g| g.since);
            gaps.truncate(limit as usize);
            Ok(gaps)
        })
    }

    fn records_per_day(&self, since: i64) -> Result<Vec<(i64, u64)>> {
        self.read(|sql| {
            sql.rows(
                "SELECT received_at / 86400000, count(*) FROM records WHERE received_at >= ?1 * 86400000 GROUP BY 1 ORDER BY 1",
                args![since],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
        })
    }

    fn reports_per_day(&self, since: i64) -> Result<Vec<(i64, String, u64)>> {
        self.read(|sql| {
            sql.rows(
                "SELECT received_at / 86400000, code, count(*) FROM reports WHERE received_at >= ?1 * 86400000 GROUP BY 1, 2 ORDER BY 1, 2",
                args![since],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
        })
    }

    fn rejections_per_code(&self, since: i64) -> Result<Vec<(String, u64)>> {
        self.read(|sql| {
            sql.rows(
                "SELECT code, CAST(sum(n) AS BIGINT) FROM (
                   SELECT code, count(*) AS n FROM rejections WHERE received_at >= ?1 * 86400000 GROUP BY code
                   UNION ALL SELECT code, CAST(sum(count) AS BIGINT) FROM rejection_counts WHERE day >= ?1 GROUP BY code) counted
                 GROUP BY code ORDER BY 2 DESC, code",
                args![since],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
        })
    }

    fn refusals(&self, code: &str, limit: u32) -> Result<Vec<(Rejection, String)>> {
        self.read(|sql| {
            sql.rows(
                "SELECT r.id, r.kid, r.code, r.received_at, coalesce((SELECT c.worker FROM certificates c WHERE c.kid = r.kid LIMIT 1), '')
                 FROM rejections r WHERE ?1 = '' OR r.code = ?1 ORDER BY r.rowid DESC LIMIT ?2",
                args![code, limit],
                |row| Ok((Rejection { id: row.get(0)?, kid: row.get(1)?, code: row.get(2)?, received_at: row.get(3)? }, row.get(4)?)),
            )
        })
    }

    fn report_groups(&self) -> Result<Vec<ReportGroup>> {
        self.read(|sql| {
            sql.rows(
                "SELECT code, count(*), CAST(sum(count) AS BIGINT), count(*) FILTER (WHERE triage = 'open'), max(received_at)
                 FROM reports GROUP BY code ORDER BY 5 DESC, code LIMIT 200",
                args![],
                |row| Ok(ReportGroup { code: row.get(0)?, reports: row.get(1)?, occurrences: row.get(2)?, open: row.get(3)?, latest: row.get(4)? }),
            )
        })
    }

    fn failure_reports(&self, search: &ReportSearch, after: Option<&Cursor>, limit: u32) -> Result<Vec<ReportEntry>> {
        let mut conditions = Conditions::default();
        if !search.code.is_empty() {
            conditions.add("code = ?", vec![Box::new(search.code.clone())]);
        }
        if !search.worker.is_empty() {
            conditions.add("worker = ?", vec![Box::new(search.worker.clone())]);
        }
        if let Some(state) = search.state {
            conditions.add("triage = ?", vec![Box::new(state.as_str())]);
        }
        if let Some(after) = after {
            let at: i64 = after.at.parse().unwrap_or(i64::MAX);
            let (kid, id) = after.key.split_once(' ').unwrap_or((&after.key, ""));
            conditions.add("(received_at, kid, id) < (?, ?, ?)", vec![Box::new(at), Box::new(kid.to_owned()), Box::new(id.to_owned())]);
        }
        self.read(|sql| conditions.rows(sql, &format!("SELECT {REPORT_COLUMNS} FROM reports"), "received_at DESC, kid DESC, id DESC", limit, report_from))
    }

    fn workers_expiring(&self, now: i64, within: i64) -> Result<u64> {
        self.read(|sql| count_expiring(sql, now, within))
    }

    fn add_webhook(&self, webhook: &Webhook, audit: &AuditEntry) -> Result<i64> {
        self.write(|sql| {
            let events = webhook.events.iter().map(|e| e.as_str()).collect::<Vec<_>>().join(",");
            let id = sql.one(
                "INSERT INTO webhooks (url, events, secret, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
                args![webhook.url, events, webhook.secret.as_str(), webhook.created_at, webhook.created_by],
                |row| row.get(0),
            )?;
            SqlBatch::run(sql, |b| b.audit(audit))?;
            Ok(id)
        })
    }

    fn remove_webhook(&self, id: i64, at: i64, audit: &AuditEntry) -> Result<bool> {
        self.write(|sql| {
            let removed = sql.execute("UPDATE webhooks SET removed_at = ?2 WHERE id = ?1 AND removed_at IS NULL", args![id, at])? == 1;
            if removed {
                sql.execute(
                    "UPDATE webhook_deliveries SET state = 'failed', last_error = 'the webhook was removed', finished_at = ?2 WHERE webhook = ?1 AND state = 'pending'",
                    args![id, at],
                )?;
                SqlBatch::run(sql, |b| b.audit(audit))?;
            }
            Ok(removed)
        })
    }

    fn webhooks(&self) -> Result<Vec<Webhook>> {
        self.read(|sql| {
            sql.rows("SELECT id, url, events, secret, created_at, created_by FROM webhooks WHERE removed_at IS NULL ORDER BY id", args![], |row| webhook_at(row, 0))
        })
    }

    fn due_deliveries(&self, now: i64, limit: u32) -> Result<Vec<(Delivery, Webhook)>> {
        self.read(|sql| {
            sql.rows(
                &format!(
                    "SELECT {DELIVERY_COLUMNS}, w.id, w.url, w.events, w.secret, w.created_at, w.created_by
                     FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook
                     WHERE d.state = 'pending' AND d.next_at <= ?1 ORDER BY d.next_at, d.id LIMIT ?2"
                ),
                args![now, limit],
                |row| Ok((delivery_from(row)?, webhook_at(row, 10)?)),
            )
        })
    }

    fn claim_delivery(&self, id: i64, now: i64, until: i64) -> Result<bool> {
        // One statement: of instances claiming one delivery at once, one changes the row and the
        // others, waiting for its lock, find it no longer due.
        let claimed = self.read(|sql| {
            sql.execute("UPDATE webhook_deliveries SET next_at = ?3 WHERE id = ?1 AND state = 'pending' AND next_at <= ?2", args![id, now, until])
        })?;
        Ok(claimed == 1)
    }

    fn delivery_attempted(&self, id: i64, at: i64, status: Option<u16>, error: Option<&str>, delivered: bool, retry_at: Option<i64>) -> Result<()> {
        let state = if delivered { "delivered" } else if retry_at.is_some() { "pending" } else { "failed" };
        self.read(|sql| {
            sql.execute(
                "UPDATE webhook_deliveries SET attempts = attempts + 1, state = ?2, last_status = ?3, last_error = ?4,
                   next_at = coalesce(?5, next_at), finished_at = CASE WHEN ?2 = 'pending' THEN NULL ELSE ?6 END
                 WHERE id = ?1",
                args![id, state, status, error, retry_at, at],
            )
        })?;
        Ok(())
    }

    fn deliveries(&self, limit: u32) -> Result<Vec<Delivery>> {
        self.read(|sql| sql.rows(&format!("SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries d ORDER BY d.id DESC LIMIT ?1"), args![limit], delivery_from))
    }

    fn scan_events(&self, now: i64, spike: u64) -> Result<Vec<Event>> {
        self.read(|sql| {
            // Housekeeping first: finished deliveries and notices are kept for 30 days.
            sql.execute("DELETE FROM webhook_deliveries WHERE state <> 'pending' AND finished_at < ?1", args![now - 30 * offsign::DAY_MS])?;
            sql.execute("DELETE FROM webhook_notices WHERE at < ?1", args![now - 30 * offsign::DAY_MS])?;
            let mut events = Vec::new();
            let silent = sql.rows(
                &format!(
                    "SELECT kid, worker, last_seen FROM devices d WHERE last_seen < ?1 AND {HAS_LIVE_CERTIFICATE}
                       AND NOT EXISTS (SELECT 1 FROM webhook_notices n WHERE n.kind = 'device.silent' AND n.key = d.kid || ' ' || d.last_seen)
                     ORDER BY last_seen LIMIT 1000"
                ),
                args![now - SILENT_AFTER_MS, now],
                |row| Ok((row.get::<String>(0)?, row.get::<String>(1)?, row.get::<i64>(2)?)),
            )?;
            for (kid, worker, last_seen) in silent {
                let data = serde_json::json!({ "kid": kid, "worker": worker, "lastSeen": offsign::Timestamp::from_millis(last_seen).map(|t| t.to_string()).ok() });
                events.push(Event { kind: EventKind::DeviceSilent, notice: Some(format!("{kid} {last_seen}")), data, at: now });
            }
            let expiring = sql.rows(
                &format!(
                    "SELECT serial, worker, exp FROM certificates c WHERE {NEWEST_EXPIRING}
                       AND NOT EXISTS (SELECT 1 FROM webhook_notices n WHERE n.kind = 'certificate.expiring' AND n.key = c.serial)
                     LIMIT 1000"
                ),
                args![now, 14 * offsign::DAY_MS],
                |row| Ok((row.get::<String>(0)?, row.get::<String>(1)?, row.get::<i64>(2)?)),
            )?;
            for (serial, worker, exp) in expiring {
                let data = serde_json::json!({ "serial": serial, "worker": worker, "expiresAt": offsign::Timestamp::from_millis(exp).map(|t| t.to_string()).ok() });
                events.push(Event { kind: EventKind::CertificateExpiring, notice: Some(serial), data, at: now });
            }
            let spikes = sql.rows(
                "SELECT code, count(*) FROM reports WHERE received_at > ?1 GROUP BY code HAVING count(*) > ?2",
                args![now - 3_600_000, spike],
                |row| Ok((row.get::<String>(0)?, row.get::<i64>(1)?)),
            )?;
            for (code, count) in spikes {
                let data = serde_json::json!({ "code": code, "reportsInTheLastHour": count });
                // Once an hour per code at most.
                events.push(Event { kind: EventKind::FailureSpike, notice: Some(format!("{code} {}", now / 3_600_000)), data, at: now });
            }
            Ok(events)
        })
    }

    fn store_status(&self, device: &DeviceRow, sent_at: &str, status: &str) -> Result<bool> {
        self.write(|sql| {
            let newer = sql.row("SELECT 1 FROM devices WHERE kid = ?1 AND status_sent_at >= ?2", args![device.kid, sent_at], |_| Ok(()))?.is_none();
            if !newer {
                return Ok(false);
            }
            sql.execute(
                &format!(
                    "INSERT INTO devices (kid, worker, first_seen, last_seen, app_version, user_agent, failing, warnings, pending,
                       oldest_pending_at, status_at, status_sent_at)
                     VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?3, ?10)
                     ON CONFLICT (kid) DO UPDATE SET worker = excluded.worker, last_seen = {LATER_SEEN},
                       app_version = excluded.app_version, user_agent = excluded.user_agent, failing = excluded.failing,
                       warnings = excluded.warnings, pending = excluded.pending, oldest_pending_at = excluded.oldest_pending_at,
                       status_at = excluded.status_at, status_sent_at = excluded.status_sent_at"
                ),
                args![
                    device.kid,
                    device.worker,
                    device.last_seen,
                    device.app_version,
                    device.user_agent,
                    device.failing,
                    device.warnings,
                    device.pending,
                    device.oldest_pending_at,
                    sent_at
                ],
            )?;
            sql.execute("INSERT INTO device_statuses (kid, received_at, status) VALUES (?1, ?2, ?3)", args![device.kid, device.last_seen, status])?;
            sql.execute(
                "DELETE FROM device_statuses WHERE kid = ?1 AND id <= (SELECT id FROM device_statuses WHERE kid = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2)",
                args![device.kid, STATUSES_KEPT],
            )?;
            Ok(true)
        })
    }

    fn devices(&self, search: &DeviceSearch, after: Option<&Cursor>, limit: u32) -> Result<Vec<DeviceRow>> {
        let mut conditions = Conditions::default();
        if !search.worker.is_empty() {
            conditions.add("worker = ?", vec![Box::new(search.worker.clone())]);
        }
        if let Some(since) = search.silent_since {
            conditions.add("last_seen < ?", vec![Box::new(since)]);
        }
        if search.failing {
            conditions.add("failing > 0", vec![]);
        }
        if let Some(after) = after {
            let at: i64 = after.at.parse().unwrap_or(i64::MIN);
            conditions.add("(last_seen, kid) > (?, ?)", vec![Box::new(at), Box::new(after.key.clone())]);
        }
        self.read(|sql| conditions.rows(sql, &format!("SELECT {DEVICE_COLUMNS} FROM devices"), "last_seen, kid", limit, device_from))
    }

    fn device(&self, kid: &str, history: u32) -> Result<Option<(DeviceRow, Vec<(i64, String)>)>> {
        self.read(|sql| {
            let Some(device) = sql.row(&format!("SELECT {DEVICE_COLUMNS} FROM devices WHERE kid = ?1"), args![kid], device_from)? else { return Ok(None) };
            let statuses = sql.rows("SELECT received_at, status FROM device_statuses WHERE kid = ?1 ORDER BY id DESC LIMIT ?2", args![kid, history], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })?;
            Ok(Some((device, statuses)))
        })
    }

    fn workers(&self, search: &str, after: &str, limit: u32, now: i64, expiring_within: Option<i64>) -> Result<Vec<WorkerSummary>> {
        self.read(|sql| {
            let found = sql.dialect().position("lower(worker)", "lower(?1)");
            sql.rows(
                &format!(
                    "SELECT worker, count(*), count(*) FILTER (WHERE revoked_at IS NULL AND exp > ?4), max(exp) FROM certificates
                     WHERE worker > ?2 AND {found} > 0
                     GROUP BY worker
                     HAVING ?5 IS NULL OR (max(CASE WHEN revoked_at IS NULL THEN exp END) > ?4
                                           AND max(CASE WHEN revoked_at IS NULL THEN exp END) <= ?4 + ?5)
                     ORDER BY worker LIMIT ?3"
                ),
                args![search, after, limit, now, expiring_within],
                |row| Ok(WorkerSummary { worker: row.get(0)?, certificates: row.get(1)?, live: row.get(2)?, newest_exp: row.get(3)? }),
            )
        })
    }

    fn worker_certificates(&self, worker: &str) -> Result<Vec<CertificateRow>> {
        self.read(|sql| sql.rows(&format!("SELECT {CERTIFICATE_COLUMNS} FROM certificates WHERE worker = ?1 ORDER BY nbf DESC, serial"), args![worker], certificate_from))
    }

    fn account(&self, name: &str) -> Result<Option<Account>> {
        self.read(|sql| select_account(sql, name))
    }

    fn setup_account(&self, setup_hash: &str, now: i64) -> Result<Option<String>> {
        self.read(|sql| sql.row("SELECT name FROM account_setups WHERE token_hash = ?1 AND expires_at > ?2", args![setup_hash, now], |row| row.get(0)))
    }

    fn redeem_setup(&self, setup_hash: &str, password_hash: &str, now: i64) -> Result<Option<String>> {
        self.write(|sql| {
            let name: Option<String> =
                sql.row("SELECT name FROM account_setups WHERE token_hash = ?1 AND expires_at > ?2", args![setup_hash, now], |row| row.get(0))?;
            if let Some(name) = &name {
                sql.execute("UPDATE accounts SET password_hash = ?2, failed_logins = 0, locked_until = NULL WHERE name = ?1", args![name, password_hash])?;
                sql.execute("DELETE FROM sessions WHERE name = ?1", args![name])?;
                sql.execute("DELETE FROM account_setups WHERE name = ?1", args![name])?;
            }
            Ok(name)
        })
    }

    fn reserve_login(&self, name: &str, now: i64, lock_after: u32, lock_ms: i64) -> Result<bool> {
        self.write(|sql| {
            // A lock that has run out, or tries that stopped for as long as a lock lasts, start the
            // count again at this try (the same for accounts and for names without one).
            let restart = "locked_until IS NOT NULL OR coalesce(last_try, 0) <= ?2 - ?4";
            let count = |sql: &mut dyn Sql, table: &str, name: &str| {
                sql.execute(
                    &format!(
                        "UPDATE {table} SET
                           failed_logins = CASE WHEN {restart} THEN 1 ELSE failed_logins + 1 END,
                           locked_until = CASE WHEN (CASE WHEN {restart} THEN 1 ELSE failed_logins + 1 END) >= ?3
                                               THEN ?2 + ?4 ELSE NULL END,
                           last_try = ?2
                         WHERE name = ?1 AND (locked_until IS NULL OR locked_until <= ?2)"
                    ),
                    args![name, now, lock_after, lock_ms],
                )
            };
            if count(sql, "accounts", name)? == 1 {
                return Ok(true);
            }
            if sql.row("SELECT 1 FROM accounts WHERE name = ?1", args![name], |_| Ok(()))?.is_some() {
                return Ok(false);
            }
            // A name without an account is counted and locked the same way, so that a lockout
            // does not tell which names have accounts. It is kept as its SHA-256 (it may be a
            // password typed in the wrong field), and its row goes once its tries are old.
            let hashed = crate::hex::hex(&<sha2::Sha256 as sha2::Digest>::digest(name.as_bytes()));
            sql.execute("DELETE FROM unknown_logins WHERE last_try <= ?1", args![now - lock_ms])?;
            sql.execute("INSERT INTO unknown_logins (name, last_try) VALUES (?1, 0) ON CONFLICT DO NOTHING", args![hashed])?;
            Ok(count(sql, "unknown_logins", &hashed)? == 1)
        })
    }

    fn login_succeeded(&self, name: &str) -> Result<()> {
        self.read(|sql| sql.execute("UPDATE accounts SET failed_logins = 0, locked_until = NULL WHERE name = ?1", args![name]))?;
        Ok(())
    }

    fn add_session(&self, token_hash: &str, name: &str, csrf: &str, expires_at: i64, now: i64) -> Result<()> {
        self.write(|sql| {
            sql.execute("DELETE FROM sessions WHERE expires_at <= ?1", args![now])?;
            sql.execute("INSERT INTO sessions (token_hash, name, csrf, expires_at) VALUES (?1, ?2, ?3, ?4)", args![token_hash, name, csrf, expires_at])?;
            Ok(())
        })
    }

    fn session(&self, token_hash: &str, now: i64) -> Result<Option<Session>> {
        let found = self.read(|sql| {
            sql.row(
                "SELECT s.name, a.role, s.csrf FROM sessions s JOIN accounts a ON a.name = s.name
                 WHERE s.token_hash = ?1 AND s.expires_at > ?2",
                args![token_hash, now],
                |row| Ok((row.get::<String>(0)?, row.get::<String>(1)?, row.get::<String>(2)?)),
            )
        })?;
        Ok(found.and_then(|(name, role, csrf)| Some(Session { name, role: Role::parse(&role)?, csrf })))
    }

    fn end_session(&self, token_hash: &str) -> Result<()> {
        self.read(|sql| sql.execute("DELETE FROM sessions WHERE token_hash = ?1", args![token_hash]))?;
        Ok(())
    }

    fn audit_log(&self, limit: u32) -> Result<Vec<AuditEntry>> {
        self.read(|sql| {
            sql.rows("SELECT at, actor, action, detail FROM audit_log ORDER BY id DESC LIMIT ?1", args![limit], |row| {
                Ok(AuditEntry { at: row.get(0)?, actor: row.get(1)?, action: row.get(2)?, detail: row.get(3)? })
            })
        })
    }

    fn forms_in_use(&self) -> Result<Vec<StoredForm>> {
        self.read(|sql| {
            sql.rows(
                "SELECT f.id, f.version, f.definition, f.added_at, f.added_by FROM forms f
                 WHERE f.version = (SELECT max(n.version) FROM forms n WHERE n.id = f.id) ORDER BY f.id",
                args![],
                |row| Ok(StoredForm { id: row.get(0)?, version: row.get(1)?, definition: row.get(2)?, added_at: row.get(3)?, added_by: row.get(4)? }),
            )
        })
    }

    fn setting(&self, key: &str) -> Result<Option<String>> {
        self.read(|sql| sql.row("SELECT value FROM settings WHERE key = ?1", args![key], |row| row.get(0)))
    }

    fn first_setting(&self, key: &str, value: &str) -> Result<String> {
        self.write(|sql| {
            sql.execute("INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO NOTHING", args![key, value])?;
            sql.one("SELECT value FROM settings WHERE key = ?1", args![key], |row| row.get(0))
        })
    }

    fn redeem_code<E>(
        &self,
        code_hash: &str,
        now: i64,
        issue: impl FnOnce(&EnrollmentCode, &[CertificateRow]) -> std::result::Result<CertificateRow, E>,
        then: impl FnOnce(&mut dyn Batch, &CertificateRow) -> Result<()>,
    ) -> Result<Option<std::result::Result<CertificateRow, E>>> {
        self.write(|sql| {
            let code = sql.row("SELECT worker, days, expires_at, used_at FROM enrollment_codes WHERE code_hash = ?1", args![code_hash], |row| {
                Ok(EnrollmentCode { worker: row.get(0)?, days: row.get(1)?, expires_at: row.get(2)?, used_at: row.get(3)? })
            })?;
            let Some(code) = code else { return Ok(None) };
            let theirs = sql.rows(&format!("SELECT {CERTIFICATE_COLUMNS} FROM certificates WHERE worker = ?1"), args![code.worker], certificate_from)?;
            let cert = match issue(&code, &theirs) {
                Ok(cert) => cert,
                Err(refused) => return Ok(Some(Err(refused))),
            };
            insert_certificate(sql, &cert)?;
            sql.execute("UPDATE enrollment_codes SET used_at = ?1, serial = ?2 WHERE code_hash = ?3", args![now, cert.serial, code_hash])?;
            SqlBatch::run(sql, |batch| then(batch, &cert))?;
            Ok(Some(Ok(cert)))
        })
    }

    fn add_certificate(&self, cert: &CertificateRow) -> Result<()> {
        self.read(|sql| insert_certificate(sql, cert))
    }

    fn renew(&self, current: &str, now: i64, issue: impl FnOnce() -> Result<CertificateRow>) -> Result<Renewal> {
        self.write(|sql| {
            let mut newest = select_certificate(sql, current)?.ok_or_else(|| StorageError(format!("no certificate {current}")))?;
            if newest.revoked_at.is_some() && newest.superseded_by.is_none() {
                // Revoked since the caller looked: no renewal.
                return Ok(Renewal::Existing(newest));
            }
            if newest.superseded_by.is_some() {
                // A chain of renewals is short (one a year or so); the bound only guards a loop.
                for _ in 0..1_000 {
                    let Some(next) = newest.superseded_by.clone() else { break };
                    newest = select_certificate(sql, &next)?.ok_or_else(|| StorageError(format!("no certificate {next}")))?;
                }
                return Ok(Renewal::Existing(newest));
            }
            let renewed = issue()?;
            insert_certificate(sql, &renewed)?;
            sql.execute(
                "UPDATE certificates SET superseded_by = ?1, revoked_at = ?2, revocation_reason = ?3 WHERE serial = ?4 AND revoked_at IS NULL",
                args![renewed.serial, now, RENEWED, current],
            )?;
            Ok(Renewal::Issued(renewed))
        })
    }

    fn certificate(&self, serial: &str) -> Result<Option<CertificateRow>> {
        self.read(|sql| select_certificate(sql, serial))
    }

    fn evidence(&self, record_id: &str) -> Result<Vec<EvidenceRow>> {
        self.read(|sql| select_evidence(sql, record_id))
    }

    fn add_evidence(&self, row: &EvidenceRow) -> Result<EvidenceRow> {
        let held = self.write(|sql| {
            sql.execute(
                "INSERT INTO evidence (record_id, kind, sha256, size, stored_at, receipt) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
                args![row.record_id, row.kind, row.sha256, row.size, row.stored_at, row.receipt],
            )?;
            Ok(select_evidence(sql, &row.record_id)?.into_iter().find(|held| held.kind == row.kind))
        })?;
        held.ok_or_else(|| StorageError(format!("the evidence of {} was not kept", row.record_id)))
    }

    fn store_reports(&self, reports: &[(StoredReport, u64)], since: i64) -> Result<Vec<bool>> {
        self.write(|sql| {
            let mut kept = Vec::with_capacity(reports.len());
            for (stored, allowance) in reports {
                let r = &stored.report;
                let known = sql.count("SELECT count(*) FROM reports WHERE kid = ?1 AND id = ?2", args![stored.kid, r.id])?;
                let today = sql.count("SELECT count(*) FROM reports WHERE kid = ?1 AND received_at >= ?2", args![stored.kid, since])?;
                if known == 0 && today >= *allowance {
                    kept.push(false);
                    continue;
                }
                // A code is news once, and only a report's first copy can bring it (a resent
                // report keeps the code it was stored with); codes not in the error table are
                // one notice, "other", so that a device cannot invent news.
                let news_code = if offsign::ErrorCode::parse(&r.code).is_some() { r.code.as_str() } else { "other" };
                let new_code = known == 0 && !known_code(sql, &r.code)?;
                sql.execute(
                    "INSERT INTO reports (id, kid, worker, cert_serial, code, operation, message, first_at, last_at,
                       count, app_version, user_agent, comment, received_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
                     ON CONFLICT (kid, id) DO UPDATE SET worker = excluded.worker, cert_serial = excluded.cert_serial,
                       message = excluded.message,
                       first_at = excluded.first_at, last_at = excluded.last_at, count = excluded.count,
                       app_version = excluded.app_version, user_agent = excluded.user_agent, comment = excluded.comment,
                       received_at = excluded.received_at,
                       triage = CASE WHEN reports.triage = 'resolved' AND excluded.count > reports.count THEN 'open' ELSE reports.triage END",
                    args![
                        r.id,
                        stored.kid,
                        stored.worker,
                        stored.cert_serial,
                        r.code,
                        r.operation,
                        r.message,
                        r.first_at,
                        r.last_at,
                        r.count,
                        r.app_version,
                        r.user_agent,
                        r.comment,
                        stored.received_at
                    ],
                )?;
                mark_seen(sql, &stored.kid, &stored.worker, stored.received_at)?;
                if new_code {
                    let data = serde_json::json!({
                        "code": r.code, "worker": stored.worker, "kid": stored.kid, "operation": r.operation,
                        "message": r.message, "comment": r.comment, "appVersion": r.app_version,
                    });
                    queue_event(sql, &Event { kind: EventKind::FailureNewCode, notice: Some(news_code.to_owned()), data, at: stored.received_at })?;
                }
                kept.push(true);
            }
            Ok(kept)
        })
    }

    fn reports_since(&self, kid: &str, since: i64) -> Result<u64> {
        self.read(|sql| sql.count("SELECT count(*) FROM reports WHERE kid = ?1 AND received_at >= ?2", args![kid, since]))
    }

    fn revoked_serials(&self, not_expired_before: i64) -> Result<Vec<(String, offsign::RevocationReason)>> {
        self.read(|sql| {
            sql.rows(
                &format!(
                    "SELECT serial, revocation_reason FROM certificates
                     WHERE revoked_at IS NOT NULL AND revocation_reason IS DISTINCT FROM '{RENEWED}' AND exp > ?1 ORDER BY serial"
                ),
                args![not_expired_before],
                |row| Ok((row.get(0)?, stored_reason(row.get::<Option<String>>(1)?.as_deref()))),
            )
        })
    }

    fn records_batch<T>(&self, kids: &[&str], work: impl FnOnce(&mut dyn Batch) -> Result<T>) -> Result<T> {
        let distinct: std::collections::HashSet<&str> = kids.iter().copied().collect();
        // A device's batch names its key, two after an enrollment in place of another; a batch
        // naming many (a stranger's) runs alone rather than take a lock for each.
        let writer = if distinct.len() <= MAX_KEYS_LOCKED { Writer::Keys(kids) } else { Writer::All };
        self.write_as(writer, |sql| SqlBatch::run(sql, work))
    }

    fn batch<T>(&self, work: impl FnOnce(&mut dyn Batch) -> Result<T>) -> Result<T> {
        self.write(|sql| SqlBatch::run(sql, work))
    }

    fn stored_ids(&self, ids: &[&str]) -> Result<std::collections::HashSet<String>> {
        self.read(|sql| {
            let mut found = std::collections::HashSet::new();
            for chunk in ids.chunks(IN_CHUNK) {
                let values: Vec<&dyn ToArg> = chunk.iter().map(|id| id as &dyn ToArg).collect();
                let sql_text = format!("SELECT id FROM records WHERE id IN ({})", placeholders(1, chunk.len()));
                found.extend(sql.rows(&sql_text, &values, |row| row.get::<String>(0))?);
            }
            Ok(found)
        })
    }

    fn record_count(&self) -> Result<u64> {
        self.read(|sql| sql.count("SELECT count(*) FROM records", args![]))
    }

    fn ping(&self) -> Result<()> {
        self.schema_version().map(drop)
    }

    fn gauges(&self, now: i64) -> Result<crate::metrics::Gauges> {
        self.read(|sql| {
            let (records_stored, chain_gaps) = sql.one(
                "SELECT count(*), (SELECT count(*) FROM records WHERE chain_gap = 1) FROM records",
                args![],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )?;
            let expiring_within_14_days = count_expiring(sql, now, 14 * offsign::DAY_MS)?;
            let devices_silent =
                sql.count(&format!("SELECT count(*) FROM devices d WHERE last_seen < ?1 AND {HAS_LIVE_CERTIFICATE}"), args![now - SILENT_AFTER_MS, now])?;
            let continuing = sql.dialect().indexed_by("certificates_continuing");
            let links_broken =
                sql.count(&format!("SELECT count(*) FROM certificates c{continuing} WHERE c.continues_kid IS NOT NULL AND {BROKEN_LINK}"), args![])?;
            Ok(crate::metrics::Gauges { records_stored, chain_gaps, links_broken, expiring_within_14_days, devices_silent })
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use offsign::RevocationReason::*;

    pub(crate) fn temp_db(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("offsign-storage-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("offsign.db")
    }

    /// A new, empty database for the test `name`: a SQLite file, or when
    /// `OFFSIGN_TEST_POSTGRES` names a PostgreSQL server (`postgres://USER@HOST:PORT`), a
    /// database of its own there, so that every behaviour below is checked on both.
    pub(crate) fn test_db(name: &str) -> Database {
        match std::env::var("OFFSIGN_TEST_POSTGRES") {
            Ok(server) if !server.is_empty() => Database::postgres(&postgresql::tests::fresh_database(&server, name)).unwrap(),
            Ok(_) => Database::sqlite(&temp_db(name)).unwrap(),
            Err(_) => Database::sqlite(&temp_db(name)).unwrap(),
        }
    }

    pub(crate) fn cert(serial: &str, worker: &str) -> CertificateRow {
        CertificateRow {
            serial: serial.into(),
            worker: worker.into(),
            kid: format!("k-{serial}"),
            jwk: "{}".into(),
            jws: "j".into(),
            nbf: 0,
            exp: 10,
            revoked_at: None,
            revocation_reason: None,
            superseded_by: None,
            continues: None,
        }
    }

    #[test]
    fn the_shipped_forms_come_with_the_schema_and_every_version_of_a_form_is_kept() {
        let db = test_db("forms");
        let shipped = db.forms_in_use().unwrap();
        assert_eq!(shipped.iter().map(|f| (f.id.as_str(), f.version, f.added_by.as_str())).collect::<Vec<_>>(), [
            ("consent-form", 1, SHIPPED_BY),
            ("delivery-receipt", 1, SHIPPED_BY),
            ("inspection-checklist", 1, SHIPPED_BY),
        ]);
        for form in &shipped {
            offsign::Form::parse(form.definition.as_bytes()).unwrap();
        }
        let v2 = StoredForm { version: 2, definition: "{}".into(), added_at: 5, added_by: "ann".into(), ..shipped[1].clone() };
        db.batch(|b| {
            assert_eq!(b.newest_form_version("delivery-receipt")?, 1);
            assert_eq!(b.newest_form_version("no-such-form")?, 0);
            b.add_form(&v2)
        })
        .unwrap();
        assert!(db.batch(|b| b.add_form(&v2)).is_err(), "a version is added once");
        let in_use = db.forms_in_use().unwrap();
        assert_eq!(in_use.iter().map(|f| (f.id.as_str(), f.version)).collect::<Vec<_>>(), [("consent-form", 1), ("delivery-receipt", 2), ("inspection-checklist", 1)]);
        db.batch(|b| {
            assert_eq!(b.form("delivery-receipt", 1)?.as_deref(), Some(shipped[1].definition.as_str()), "the old version stays");
            assert_eq!(b.form("delivery-receipt", 2)?.as_deref(), Some("{}"));
            assert_eq!(b.form("delivery-receipt", 3)?, None);
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn a_code_is_redeemed_once_and_a_refusal_changes_nothing() {
        let db = test_db("redeem");
        let code = EnrollmentCode { worker: "w-1".into(), days: 365, expires_at: 1000, used_at: None };
        db.add_enrollment_code("h", &code).unwrap();
        let refused: Option<std::result::Result<CertificateRow, &str>> = db.redeem_code("h", 5, |_, _| Err("no"), |_, _| unreachable!()).unwrap();
        assert_eq!(refused, Some(Err("no")));
        let issued = db.redeem_code::<()>("h", 5, |c, _| Ok(cert("s-1", &c.worker)), |_, _| Ok(())).unwrap().unwrap().unwrap();
        assert_eq!(issued.worker, "w-1");
        let again = db.redeem_code::<&str>("h", 6, |c, _| if c.used_at.is_some() { Err("used") } else { Ok(cert("s-2", "w")) }, |_, _| Ok(()));
        assert_eq!(again.unwrap(), Some(Err("used")));
        assert!(db.redeem_code::<()>("unknown", 6, |_, _| unreachable!(), |_, _| unreachable!()).unwrap().is_none());
    }

    #[test]
    fn revoking_a_worker_revokes_all_its_certificates_once() {
        let db = test_db("revoke");
        for (s, w) in [("s-1", "w-1"), ("s-2", "w-1"), ("s-3", "w-2")] {
            db.add_certificate(&cert(s, w)).unwrap();
        }
        assert_eq!(db.revoke(&RevokeTarget::Worker("w-1".into()), Superseded, 7).unwrap(), ["s-1", "s-2"]);
        assert!(db.revoke(&RevokeTarget::Worker("w-1".into()), Superseded, 8).unwrap().is_empty(), "already revoked");
        assert_eq!(db.revoke(&RevokeTarget::Serial("s-3".into()), CessationOfOperation, 9).unwrap(), ["s-3"]);
        assert_eq!(db.revoked_serials(0).unwrap(), [("s-1".into(), Superseded), ("s-2".into(), Superseded), ("s-3".into(), CessationOfOperation)]);
        // A key found compromised after it was superseded taints what it signed before; its
        // revocation keeps the first time. The other way round changes nothing.
        assert_eq!(db.revoke(&RevokeTarget::Key { worker: "w-1".into(), kid: "k-s-1".into() }, KeyCompromise, 10).unwrap(), ["s-1"]);
        let s1 = db.certificate("s-1").unwrap().unwrap();
        assert_eq!((s1.revoked_at, s1.revocation()), (Some(7), Some(KeyCompromise)));
        assert!(db.revoke(&RevokeTarget::Serial("s-1".into()), Superseded, 11).unwrap().is_empty(), "a compromise stays one");
        assert!(db.revoke(&RevokeTarget::Key { worker: "w-2".into(), kid: "k-s-1".into() }, KeyCompromise, 10).unwrap().is_empty(), "another worker's");
        assert_eq!(db.certificate("s-1").unwrap().unwrap().revoked_at, Some(7));
        assert!(db.revoked_serials(10).unwrap().is_empty(), "expired certificates leave the list");
    }

    #[test]
    fn a_renewal_supersedes_once_and_a_revocation_of_the_worker_covers_superseded_certificates_and_unused_codes() {
        let db = test_db("renew");
        db.add_certificate(&CertificateRow { exp: 100, ..cert("s-1", "w-1") }).unwrap();
        let issued = db.renew("s-1", 5, || Ok(CertificateRow { exp: 100, ..cert("s-2", "w-1") })).unwrap();
        assert_eq!(issued, Renewal::Issued(CertificateRow { exp: 100, ..cert("s-2", "w-1") }));
        let old = db.certificate("s-1").unwrap().unwrap();
        assert_eq!((old.revoked_at, old.revocation_reason.as_deref(), old.superseded_by.as_deref()), (Some(5), Some(RENEWED), Some("s-2")));
        assert!(old.renewed() && old.revocation().is_none());
        let replay = db.renew("s-1", 6, || panic!("a second certificate for one renewal")).unwrap();
        assert!(matches!(replay, Renewal::Existing(c) if c.serial == "s-2"));
        db.renew("s-2", 7, || Ok(CertificateRow { exp: 100, ..cert("s-3", "w-1") })).unwrap();
        assert!(matches!(db.renew("s-1", 8, || panic!()).unwrap(), Renewal::Existing(c) if c.serial == "s-3"), "followed to the newest");
        assert!(db.revoked_serials(0).unwrap().is_empty(), "a superseded certificate is not on the list");

        db.add_enrollment_code("h", &EnrollmentCode { worker: "w-1".into(), days: 1, expires_at: 1_000, used_at: None }).unwrap();
        assert_eq!(db.revoke(&RevokeTarget::Worker("w-1".into()), Superseded, 9).unwrap(), ["s-1", "s-2", "s-3"]);
        let old = db.certificate("s-1").unwrap().unwrap();
        // It took records until now (a device may never have had the renewal): those stay good.
        assert_eq!((old.revoked_at, old.revocation()), (Some(9), Some(Superseded)), "now a revocation, from now");
        assert_eq!(db.revoked_serials(0).unwrap().len(), 3);
        let code = db.redeem_code::<()>("h", 10, |c, _| {
            assert!(c.expires_at <= 9, "the worker's unused code expired with the revocation");
            Err(())
        }, |_, _| unreachable!());
        assert_eq!(code.unwrap(), Some(Err(())));
    }

    #[test]
    fn rejections_of_strangers_are_counters_and_kept_rejections_are_capped() {
        let db = test_db("rejections");
        db.batch(|b| {
            for _ in 0..999 {
                b.count_rejections("bad_signature", 5, 1)?;
            }
            b.count_rejections("bad_signature", 6, 1)?;
            b.count_rejections("malformed_record", offsign::DAY_MS + 5, 1)
        })
        .unwrap();
        let counters: Vec<(i64, String, i64)> = db
            .read(|sql| sql.rows("SELECT day, code, count FROM rejection_counts ORDER BY day", args![], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))))
            .unwrap();
        assert_eq!(counters, [(0, "bad_signature".to_owned(), 1_000), (1, "malformed_record".to_owned(), 1)]);

        let rejection = |id: &str| Rejection { id: id.into(), kid: "k".into(), code: "chain_fork".into(), received_at: 1 };
        db.batch(|b| b.insert_rejection(&rejection("oldest"))).unwrap();
        // As if MAX_REJECTIONS_KEPT rejections had come since.
        db.read(|sql| {
            sql.execute("INSERT INTO rejections (rowid, id, kid, code, received_at) VALUES (?1, 'x', 'k', 'c', 1)", args![MAX_REJECTIONS_KEPT])?;
            if sql.dialect() == sql::Dialect::Postgres {
                // SQLite numbers on from the largest rowid; PostgreSQL's identity from its sequence.
                sql.execute("SELECT setval(pg_get_serial_sequence('rejections', 'rowid'), ?1)", args![MAX_REJECTIONS_KEPT])?;
            }
            Ok(())
        })
        .unwrap();
        db.batch(|b| b.insert_rejection(&rejection("newest"))).unwrap();
        let ids: Vec<String> = db.read(|sql| sql.rows("SELECT id FROM rejections ORDER BY rowid", args![], |r| r.get(0))).unwrap();
        assert_eq!(ids, ["x", "newest"], "the oldest is dropped past the cap");
    }

    #[test]
    fn the_expiring_gauge_counts_workers_whose_newest_live_certificate_expires_soon() {
        let db = test_db("gauges");
        let day = 86_400_000;
        let at = |serial: &str, worker: &str, exp: i64| CertificateRow { exp, ..cert(serial, worker) };
        db.add_certificate(&at("s-1", "soon", 10 * day)).unwrap();
        db.add_certificate(&at("s-2", "renewed", 10 * day)).unwrap();
        db.add_certificate(&at("s-3", "renewed", 300 * day)).unwrap();
        db.add_certificate(&at("s-4", "revoked", 10 * day)).unwrap();
        db.add_certificate(&at("s-5", "expired", -day)).unwrap();
        db.revoke(&RevokeTarget::Worker("revoked".into()), KeyCompromise, 0).unwrap();
        assert_eq!(db.gauges(0).unwrap().expiring_within_14_days, 1);
    }

    #[test]
    fn a_failed_batch_stores_nothing() {
        let db = test_db("batch");
        db.add_certificate(&cert("s-1", "w-1")).unwrap();
        let record = StoredRecord {
            id: "r-1".into(),
            kid: "k".into(),
            seq: 1,
            hash: "h".into(),
            cert_serial: "s-1".into(),
            signed_at: "2026-11-25T08:00:00.000Z".into(),
            received_at: 1,
            jws: "j".into(),
            receipt: "r".into(),
            chain_gap: false,
            worker: "w-1".into(),
            doc_name: "d".into(),
            reference: String::new(),
        };
        let failed = db.batch(|b| {
            b.insert_record(&record)?;
            b.insert_record(&StoredRecord { id: "r-2".into(), ..record.clone() }) // same (kid, seq)
        });
        assert!(failed.is_err());
        assert_eq!(db.record_count().unwrap(), 0);
        db.batch(|b| b.insert_record(&record)).unwrap();
        assert_eq!(db.batch(|b| b.record_at("k", 1)).unwrap(), Some(record));
    }

    #[test]
    fn what_a_batch_read_ahead_answers_as_the_database_does_and_follows_what_it_stores() {
        let db = test_db("read-ahead");
        db.add_certificate(&cert("s-1", "w-1")).unwrap();
        let first = stored("k", 1, "2026-11-25T08:00:00.000Z", "a.pdf", "", false);
        db.batch(|b| b.insert_record(&first)).unwrap();
        let second = stored("k", 2, "2026-11-25T09:00:00.000Z", "b.pdf", "", false);
        db.batch(|b| {
            b.read_ahead(&[first.id.as_str(), second.id.as_str()], &[("k", 1), ("k", 2), ("k", 3)], &["s-1", "s-9"])?;
            assert_eq!(b.record_by_id(&first.id)?, Some(first.clone()), "read ahead and stored");
            assert_eq!((b.record_by_id(&second.id)?, b.record_at("k", 2)?), (None, None), "read ahead and not stored");
            assert_eq!(b.certificate("s-1")?.map(|c| c.worker), Some("w-1".into()));
            assert_eq!(b.certificate("s-9")?, None);
            b.insert_record(&second)?;
            assert_eq!(b.record_by_id(&second.id)?, Some(second.clone()), "what the batch stores is seen");
            assert_eq!(b.record_at("k", 2)?, Some(second.clone()));
            // Not read ahead: asked of the database.
            assert_eq!(b.record_at("k", 7)?, None);
            assert_eq!(b.record_by_id("elsewhere")?, None);
            Ok(())
        })
        .unwrap();
        assert_eq!(db.record(&second.id).unwrap(), Some(second));
    }

    /// A record of key `kid` at `seq`, signed at `signed_at`, with a document name and a
    /// reference, stored without a JWS (the console lists read only the columns).
    pub(crate) fn stored(kid: &str, seq: u64, signed_at: &str, doc_name: &str, reference: &str, chain_gap: bool) -> StoredRecord {
        StoredRecord {
            id: format!("{kid}-{seq}"),
            kid: kid.into(),
            seq,
            hash: format!("h-{kid}-{seq}"),
            cert_serial: "s-1".into(),
            signed_at: signed_at.into(),
            received_at: seq as i64 * 1_000,
            jws: "j".into(),
            receipt: "r".into(),
            chain_gap,
            worker: "w-1".into(),
            doc_name: doc_name.into(),
            reference: reference.into(),
        }
    }

    #[test]
    fn records_are_searched_by_worker_text_and_time_and_paged_by_key() {
        let db = test_db("search");
        db.add_certificate(&cert("s-1", "w-1")).unwrap();
        db.batch(|b| {
            b.insert_record(&stored("k", 1, "2026-11-01T08:00:00.000Z", "receipt-118.pdf", "ORDER-7", false))?;
            b.insert_record(&stored("k", 2, "2026-11-02T08:00:00.000Z", "photo.jpg", "order-8", false))?;
            b.insert_record(&stored("k", 5, "2026-11-03T08:00:00.000Z", "receipt-119.pdf", "", true))?;
            b.insert_record(&stored("k", 6, "2026-11-03T08:00:00.000Z", "receipt-120.pdf", "", false))
        })
        .unwrap();
        let ids = |search: &RecordSearch, after: Option<&Cursor>, limit| -> Vec<String> {
            db.records(search, after, limit).unwrap().into_iter().map(|r| r.id).collect()
        };
        assert_eq!(ids(&RecordSearch::default(), None, 10), ["k-6", "k-5", "k-2", "k-1"], "newest signature first");
        assert_eq!(ids(&RecordSearch { text: "Order".into(), ..Default::default() }, None, 10), ["k-2", "k-1"], "reference, any case");
        assert_eq!(ids(&RecordSearch { text: "RECEIPT-11".into(), ..Default::default() }, None, 10), ["k-5", "k-1"], "document name");
        assert!(ids(&RecordSearch { text: "%".into(), ..Default::default() }, None, 10).is_empty(), "a wildcard typed is a character");
        assert!(ids(&RecordSearch { text: "118".into(), ..Default::default() }, None, 10).is_empty(), "a prefix, not any part");
        let november_2 = RecordSearch { from: "2026-11-02T00:00:00.000Z".into(), to: "2026-11-03T00:00:00.000Z".into(), ..Default::default() };
        assert_eq!(ids(&november_2, None, 10), ["k-2"]);
        assert_eq!(ids(&RecordSearch { after_gap: true, ..Default::default() }, None, 10), ["k-5"]);
        assert!(ids(&RecordSearch { worker: "w-2".into(), ..Default::default() }, None, 10).is_empty());
        // Two records signed at the same millisecond are both listed, one per page.
        let first = db.records(&RecordSearch::default(), None, 1).unwrap().remove(0);
        let cursor = Cursor { at: first.signed_at, key: first.id };
        assert_eq!(ids(&RecordSearch::default(), Some(&cursor), 2), ["k-5", "k-2"]);
        // The gap: seq 3 and 4 are missing before seq 5; seq 5's neighbours are 2 and 6.
        let gaps = db.open_gaps(10).unwrap();
        assert_eq!(gaps.len(), 1);
        assert_eq!((gaps[0].first_missing, gaps[0].last_missing, gaps[0].next_id.as_str(), gaps[0].since), (3, 4, "k-5", 5_000));
        let (before, after) = db.chain_neighbours("k", 5).unwrap();
        assert_eq!((before.unwrap().seq, after.unwrap().seq), (2, 6));
        // A key enrolled in place of "k" says its chain ended at seq 8: 7 and 8 have not come.
        let next = CertificateRow { kid: "k-new".into(), nbf: 9_000, continues: Some(offsign::Continuation { kid: "k".into(), seq: 8, hash: None }), ..cert("s-2", "w-1") };
        db.add_certificate(&next).unwrap();
        let gaps = db.open_gaps(10).unwrap();
        assert_eq!(gaps.len(), 2);
        assert_eq!((gaps[1].first_missing, gaps[1].last_missing, gaps[1].continued_by.as_deref(), gaps[1].since), (7, 8, Some("k-new"), 9_000));
        db.batch(|b| b.insert_record(&stored("k", 8, "2026-11-04T09:00:00.000Z", "last.pdf", "", true))).unwrap();
        assert_eq!(db.open_gaps(10).unwrap().len(), 2, "seq 7 is now missing before seq 8");
        assert!(db.open_gaps(10).unwrap().iter().all(|g| g.continued_by.is_none()), "the end has arrived");
        // The successor named the end's hash: another record there, or one past it, breaks the link.
        let successor = |serial: &str, nbf: i64, seq: u64, hash: Option<&str>| CertificateRow {
            nbf,
            continues: Some(offsign::Continuation { kid: "k".into(), seq, hash: hash.map(str::to_owned) }),
            ..cert(serial, "w-1")
        };
        let linked = successor("s-3", 9_500, 8, Some("h-k-8"));
        db.add_certificate(&linked).unwrap();
        assert!(db.open_gaps(10).unwrap().iter().all(|g| !g.broken_link), "seq 8 is the record named");
        let forked = successor("s-4", 9_600, 8, Some("h-other"));
        db.add_certificate(&forked).unwrap();
        let broken: Vec<_> = db.open_gaps(10).unwrap().into_iter().filter(|g| g.broken_link).collect();
        assert_eq!(broken.len(), 1, "{broken:?}");
        assert_eq!((broken[0].first_missing, broken[0].last_missing, broken[0].continued_by.as_deref()), (8, 8, Some("k-s-4")));
        let early = successor("s-5", 9_700, 6, None);
        db.add_certificate(&early).unwrap();
        let broken: Vec<_> = db.open_gaps(10).unwrap().into_iter().filter(|g| g.broken_link).map(|g| g.continued_by.unwrap()).collect();
        assert_eq!(broken, ["k-s-4", "k-s-5"], "the old key signed past the end its successor named");
        assert_eq!(db.gauges(0).unwrap().links_broken, 2, "what monitoring alerts on");
        for serial in ["s-3", "s-4", "s-5"] {
            db.read(|sql| sql.execute("DELETE FROM certificates WHERE serial = ?1", args![serial])).unwrap();
        }
        db.batch(|b| b.insert_record(&stored("k", 7, "2026-11-04T08:00:00.000Z", "7.pdf", "", true))).unwrap();
        // Filling the last missing record leaves seq 3 missing, now before seq 4.
        db.batch(|b| b.insert_record(&stored("k", 4, "2026-11-02T09:00:00.000Z", "late.pdf", "", true))).unwrap();
        let gaps = db.open_gaps(10).unwrap();
        assert_eq!(gaps.iter().map(|g| (g.first_missing, g.last_missing)).collect::<Vec<_>>(), [(3, 3)]);
        assert_eq!(db.records_per_day(0).unwrap(), [(0, 7)]);
    }

    #[test]
    fn a_triage_survives_a_resent_report_and_a_resolved_report_that_happens_again_reopens() {
        let db = test_db("triage");
        let row = offsign::ReportRow {
            id: "r-1".into(),
            fingerprint: "f".into(),
            code: "wrong_pin".into(),
            message: "m".into(),
            remedy: String::new(),
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
        let report = StoredReport { report: row.clone(), kid: "k".into(), worker: "w".into(), cert_serial: "s".into(), received_at: 1 };
        db.store_reports(&[(report.clone(), 10)], 0).unwrap();
        let acknowledged = Triage { state: TriageState::Acknowledged, note: "looking".into(), by: Some("ann".into()), at: Some(2) };
        assert!(db.batch(|b| b.triage("k", "r-1", &acknowledged)).unwrap());
        assert!(!db.batch(|b| b.triage("other", "r-1", &acknowledged)).unwrap(), "a report is its signer's");
        let commented = StoredReport { report: offsign::ReportRow { comment: Some("the PIN pad froze".into()), ..row.clone() }, ..report.clone() };
        db.store_reports(&[(commented, 10)], 0).unwrap();
        let listed = db.failure_reports(&ReportSearch::default(), None, 10).unwrap();
        assert_eq!((listed[0].triage.clone(), listed[0].stored.report.comment.as_deref()), (acknowledged, Some("the PIN pad froze")));
        assert_eq!(listed[0].stored.report.remedy, offsign::ErrorCode::WrongPin.default_remedy(), "the remedy the worker was shown");
        let resolved = Triage { state: TriageState::Resolved, note: "new pads".into(), by: Some("ann".into()), at: Some(3) };
        db.batch(|b| b.triage("k", "r-1", &resolved)).unwrap();
        db.store_reports(&[(report.clone(), 10)], 0).unwrap();
        let open = ReportSearch { state: Some(TriageState::Open), ..Default::default() };
        assert!(db.failure_reports(&open, None, 10).unwrap().is_empty(), "the same count again is not a new failure");
        let again = StoredReport { report: offsign::ReportRow { count: 2, ..row }, ..report };
        db.store_reports(&[(again, 10)], 0).unwrap();
        let reopened = db.failure_reports(&open, None, 10).unwrap();
        assert_eq!((reopened.len(), reopened[0].triage.note.as_str()), (1, "new pads"), "reopened, its note kept");
        let groups = db.report_groups().unwrap();
        assert_eq!((groups[0].code.as_str(), groups[0].reports, groups[0].occurrences, groups[0].open), ("wrong_pin", 1, 2, 1));
    }

    #[test]
    fn a_device_is_silent_after_three_days_while_its_key_is_certified_and_keeps_its_last_statuses() {
        let db = test_db("devices");
        let day = offsign::DAY_MS;
        let now = 100 * day;
        let live = CertificateRow { kid: "k-live".into(), exp: now + day, ..cert("s-1", "w-1") };
        let revoked = CertificateRow { kid: "k-gone".into(), exp: now + day, ..cert("s-2", "w-2") };
        db.add_certificate(&live).unwrap();
        db.add_certificate(&revoked).unwrap();
        db.revoke(&RevokeTarget::Serial("s-2".into()), KeyCompromise, now - 10 * day).unwrap();
        db.batch(|b| {
            b.seen("k-live", "w-1", now - 4 * day)?;
            b.seen("k-gone", "w-2", now - 4 * day)?;
            b.seen("k-live", "w-1", now - 5 * day) // an older contact does not move it back
        })
        .unwrap();
        assert_eq!(db.gauges(now).unwrap().devices_silent, 1, "the revoked key's device is expected to be silent");
        let silent = DeviceSearch { silent_since: Some(now - SILENT_AFTER_MS), ..Default::default() };
        assert_eq!(db.devices(&silent, None, 10).unwrap().iter().map(|d| d.kid.as_str()).collect::<Vec<_>>(), ["k-gone", "k-live"]);
        for i in 0..(STATUSES_KEPT as i64 + 5) {
            let device = DeviceRow { kid: "k-live".into(), worker: "w-1".into(), last_seen: now + i, failing: 1, ..Default::default() };
            assert!(db.store_status(&device, &format!("2026-12-01T00:00:{:02}.000Z", i), &format!("{{\"n\":{i}}}")).unwrap());
        }
        let replayed = DeviceRow { kid: "k-live".into(), worker: "w-1".into(), last_seen: now + 10_000, ..Default::default() };
        assert!(!db.store_status(&replayed, "2026-12-01T00:00:03.000Z", "{}").unwrap(), "an older status is not news");
        assert_eq!(db.gauges(now).unwrap().devices_silent, 0, "a status is a contact");
        let (device, history) = db.device("k-live", 1_000).unwrap().unwrap();
        assert_eq!((device.first_seen, device.last_seen, device.failing), (now - 4 * day, now + STATUSES_KEPT as i64 + 4, 1));
        assert_eq!(history.len(), STATUSES_KEPT as usize, "the oldest statuses go");
        assert_eq!(history[0].1, format!("{{\"n\":{}}}", STATUSES_KEPT + 4), "newest first");
        let failing = DeviceSearch { failing: true, ..Default::default() };
        assert_eq!(db.devices(&failing, None, 10).unwrap().len(), 1);
    }

    #[test]
    fn the_scan_finds_silent_devices_expiring_certificates_and_spikes_and_each_is_told_once() {
        let db = test_db("scan");
        let day = offsign::DAY_MS;
        let now = 100 * day;
        db.add_certificate(&CertificateRow { kid: "k-1".into(), exp: now + 10 * day, ..cert("s-1", "w-1") }).unwrap();
        db.batch(|b| b.seen("k-1", "w-1", now - 4 * day)).unwrap();
        let hook = Webhook { id: 0, url: "http://127.0.0.1:1/".into(), events: EventKind::ALL.to_vec(), secret: zeroize::Zeroizing::new("whsec_AAAA".into()), created_at: now, created_by: "ann".into() };
        let line = AuditEntry { at: now, actor: "ann".into(), action: "webhook_added".into(), detail: String::new() };
        db.add_webhook(&hook, &line).unwrap();
        let report = |i: u32| StoredReport {
            report: offsign::ReportRow {
                id: format!("r-{i}"), fingerprint: String::new(), code: "storage_full".into(), message: String::new(), remedy: String::new(),
                operation: "sign".into(), kid: None, first_at: String::new(), last_at: String::new(), count: 1, app_version: String::new(),
                user_agent: String::new(), comment: None, state: offsign::ReportState::Pending,
            },
            kid: "k-2".into(), worker: "w-2".into(), cert_serial: "s-2".into(), received_at: now - 1_000,
        };
        db.store_reports(&(0..3).map(|i| (report(i), 100)).collect::<Vec<_>>(), 0).unwrap();
        let kinds = |events: &[Event]| events.iter().map(|e| e.kind).collect::<Vec<_>>();
        let found = db.scan_events(now, 2).unwrap();
        assert_eq!(kinds(&found), [EventKind::DeviceSilent, EventKind::CertificateExpiring, EventKind::FailureSpike]);
        for event in &found {
            db.event(event).unwrap();
            db.event(event).unwrap(); // a second scan finds the same: it is not news
        }
        let queued: Vec<String> = db.deliveries(100).unwrap().into_iter().map(|d| d.event).collect();
        assert_eq!(queued, ["failure.spike", "certificate.expiring", "device.silent", "failure.new_code"], "each once, newest first");
        assert_eq!(db.due_deliveries(now, 100).unwrap().len(), 4);
        // Of instances claiming one delivery, one gets it; it is due again once the claim ran
        // out without an attempt recorded, and not after one was.
        let id = db.due_deliveries(now, 1).unwrap()[0].0.id;
        assert!(db.claim_delivery(id, now, now + 30_000).unwrap());
        assert!(!db.claim_delivery(id, now + 1, now + 30_001).unwrap(), "taken");
        assert_eq!(db.due_deliveries(now, 100).unwrap().len(), 3);
        assert!(db.claim_delivery(id, now + 30_000, now + 60_000).unwrap(), "its claim ran out");
        db.delivery_attempted(id, now + 30_001, Some(200), None, true, None).unwrap();
        assert!(!db.claim_delivery(id, now + 90_000, now + 120_000).unwrap(), "delivered");
    }
}
