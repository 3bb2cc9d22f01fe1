//! The signing device: identities kept in a [`Store`], one of them unlocked at a time, and
//! signing that checks the policy and appends to the outbox in one transaction.
//!
//! Pure logic over the `Store` interface: the same code runs against IndexedDB in browsers
//! and against memory in native tests. Slow work (Argon2id) happens outside transactions.
//! Talking to the server (`enroll`, `sync`, reports, renewal) is in `sync/engine.rs`.

use crate::cert::{verify_certificate, PolicyCache, PolicyOptions};
use crate::error::{Error, ErrorCode, Result};
use crate::words::{Arg, Words, UNLOCK_THEN_BACKUP, WRONG_PIN_TRIES_LEFT};
use crate::keys::{Identity, PublicKey};
use crate::record::{sign_record, DocumentDigest, RecordRequest, SignedRecord};
use crate::rows::{IdentityRow, Lockout, RecordRow, RecordState, RemovedIdentity, ReportRow, ReportState, StoredCredentials};
use crate::store::{setting, Store};
use crate::sync::engine::{Engine, Host};
use crate::sync::{SyncOptions, SyncSummary, Transport};
use crate::time::{Clock, Timestamp};
use crate::vault::{seal, unseal, KdfParams};
#[cfg(feature = "evidence")]
pub(crate) mod evidence;
#[cfg(feature = "evidence")]
pub use evidence::StagedEvidence;
use std::cell::{Cell, RefCell};

/// The form `claims` name (`claims.form`) from the set the device holds: `None` when they name
/// none; `form_unknown` when that form or version is not held (or `form` is not
/// `{id, version}`).
pub(crate) fn form_named<'a>(held: Option<&'a crate::FormSet>, claims: &serde_json::Map<String, serde_json::Value>) -> Result<Option<&'a crate::Form>> {
    let Some((id, version)) = crate::named_form(claims)? else { return Ok(None) };
    match held.and_then(|set| set.find(id, version)) {
        Some(form) => Ok(Some(form)),
        None => Err(Error::new(ErrorCode::FormUnknown, format!("form {id:.64} version {version} is not on this device"))),
    }
}

/// One document to sign: its digest and the claims that go with it.
#[derive(Debug)]
pub struct SignInput {
    /// The document's digest, name, type and size.
    pub doc: DocumentDigest,
    /// Free-form claims (a JSON object).
    pub claims: serde_json::Map<String, serde_json::Value>,
    /// The document's bytes and its signature image, sealed as they were read
    /// ([`Device::stage_evidence`]), to keep with the record.
    #[cfg(feature = "evidence")]
    pub evidence: Vec<StagedEvidence>,
}

/// The result of signing a batch: the records, and the policy warnings that did not stop it.
#[derive(Clone, Debug)]
pub struct Signed {
    /// The new records, in chain order.
    pub records: Vec<SignedRecord>,
    /// `cert_expiring`, `revocation_list_stale`.
    pub warnings: Vec<Error>,
}

/// How a device behaves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceConfig {
    /// Lock the unlocked identity after this long without use (ms); default 5 minutes.
    pub idle_lock_ms: i64,
    /// Repeats of a failure within this long (ms) are counted in one report; default 10 minutes.
    pub report_window_ms: i64,
    /// The app's version, written into failure reports.
    pub app_version: String,
    /// The browser's user agent, written into failure reports.
    pub user_agent: String,
    /// Delete records the server accepted once they were signed this long ago (ms), at each
    /// sync; `None` (the default) keeps them. Their receipts go with them.
    pub retain_accepted_ms: Option<i64>,
    /// Signing warns `cert_expiring` when the certificate expires within this long (ms);
    /// default 14 days.
    pub expiring_within_ms: i64,
}

impl Default for DeviceConfig {
    fn default() -> Self {
        DeviceConfig {
            idle_lock_ms: 5 * 60_000,
            report_window_ms: 10 * 60_000,
            app_version: env!("CARGO_PKG_VERSION").to_owned(),
            user_agent: String::new(),
            retain_accepted_ms: None,
            expiring_within_ms: PolicyOptions::default().expiring_within_ms,
        }
    }
}


/// What only the browser knows, for [`Device::diagnose`].
#[derive(Clone, Debug)]
pub struct BrowserFacts {
    /// Whether secure randomness works.
    pub randomness: Result<()>,
    /// `navigator.storage.persisted()`, `None` where missing.
    pub persisted: Option<bool>,
    /// `navigator.storage.estimate()` as (usage, quota), where available.
    pub usage: Option<(f64, f64)>,
}

/// The longest feedback comment, in characters.
pub const MAX_COMMENT_CHARS: usize = 2000;

/// The most documents one `sign` call takes.
pub const MAX_BATCH: usize = 1000;

struct Session {
    identity: Identity,
    last_used: Timestamp,
}

/// What [`Device::lock_if_idle`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Idle {
    /// An identity is unlocked; it locks itself after `left_ms` more without use.
    Unlocked {
        /// Milliseconds before it locks itself.
        left_ms: i64,
    },
    /// The identity `kid` was idle too long and has just been locked.
    LockedNow {
        /// The key id of the identity that was locked.
        kid: String,
    },
    /// Nothing was unlocked.
    Locked,
}

/// A signing device over a store and a clock. Every failure of its operations is recorded as
/// a failure report in the store (see [`Device::reports`]).
pub struct Device<S, C> {
    store: S,
    clock: C,
    session: RefCell<Option<Session>>,
    /// How many times [`Device::lock`] ran: an unlock (or a new identity) that sees it change
    /// while it waited for the store finishes locked, so that a lock always wins over an
    /// unlock that was still running when it came.
    locks: Cell<u64>,
    /// The last credentials signed under, verified once.
    policy_cache: PolicyCache,
    /// The forms from the office as last read: the signed set and the authorities it was
    /// checked against, and what that check gave (read before every signature on a form, it
    /// is verified again only when either changed).
    forms_cache: RefCell<Option<(String, Vec<String>, Option<crate::FormSet>)>>,
    /// Failure reports the store could not take (a full disk), held until it can: stored at
    /// the next operation that succeeds, and before reports are listed.
    unsaved_reports: RefCell<Vec<ReportRow>>,
    /// What the browser said of itself before a sync, for the status that sync sends.
    browser: RefCell<Option<BrowserFacts>>,
    config: DeviceConfig,
}

/// At most this many failure reports wait in memory for the store; repeats of one are counted.
const MAX_UNSAVED_REPORTS: usize = 20;

impl<S: Store, C: Clock> Device<S, C> {
    /// A device over `store` and `clock`.
    pub fn new(store: S, clock: C, config: DeviceConfig) -> Self {
        Device {
            store,
            clock,
            session: RefCell::new(None),
            locks: Cell::new(0),
            policy_cache: PolicyCache::default(),
            forms_cache: RefCell::default(),
            unsaved_reports: RefCell::new(Vec::new()),
            browser: RefCell::new(None),
            config,
        }
    }

    /// Notes what only the browser knows (persistence, quota), for the status the next sync
    /// sends; without it the status says they are not known.
    pub fn note_browser(&self, facts: BrowserFacts) {
        *self.browser.borrow_mut() = Some(facts);
    }

    /// The offline policy this device signs under.
    fn policy(&self) -> PolicyOptions {
        PolicyOptions { expiring_within_ms: self.config.expiring_within_ms }
    }

    /// Passes `result` through, recording a failure report when it is an error. A report the
    /// store cannot take (a full disk) is held in memory and stored once an operation succeeds
    /// again; the error reaches the caller either way.
    async fn reported<T>(&self, operation: &str, kid: Option<&str>, result: Result<T>) -> Result<T> {
        match &result {
            Err(e) => drop(self.record_failure(operation, kid, e).await),
            Ok(_) => self.store_unsaved_reports().await,
        }
        result
    }

    /// Records a failure report; when the store refuses it, it waits in memory (see
    /// [`Device::reported`]) and the store's error is returned.
    async fn record_failure(&self, operation: &str, kid: Option<&str>, e: &Error) -> Result<ReportRow> {
        let report = self.failure_report(operation, kid, e)?;
        self.store.record_failure(report.clone(), self.config.report_window_ms).await.inspect_err(|_| self.hold_unsaved(report))
    }

    /// Keeps a report the store refused, counting a repeat into the one already held.
    fn hold_unsaved(&self, report: ReportRow) {
        let mut held = self.unsaved_reports.borrow_mut();
        if let Some(same) = held.iter_mut().find(|r| r.fingerprint == report.fingerprint) {
            same.count = same.count.saturating_add(report.count);
            same.last_at = report.last_at;
        } else if held.len() < MAX_UNSAVED_REPORTS {
            held.push(report);
        }
    }

    /// Stores the reports held in memory; those the store still refuses stay held.
    async fn store_unsaved_reports(&self) {
        let held = std::mem::take(&mut *self.unsaved_reports.borrow_mut());
        for report in held {
            if self.store.record_failure(report.clone(), self.config.report_window_ms).await.is_err() {
                self.hold_unsaved(report);
            }
        }
    }

    fn failure_report(&self, operation: &str, kid: Option<&str>, e: &Error) -> Result<ReportRow> {
        let now = self.clock.now()?;
        Ok(ReportRow {
            id: crate::random::uuid_v7(now)?,
            fingerprint: format!("{}|{operation}|{}", e.code(), kid.unwrap_or("")),
            code: e.code().as_str().to_owned(),
            message: e.message().to_owned(),
            remedy: e.remedy().to_owned(),
            operation: operation.to_owned(),
            kid: kid.map(str::to_owned),
            first_at: now.to_string(),
            last_at: now.to_string(),
            count: 1,
            app_version: self.config.app_version.clone(),
            user_agent: self.config.user_agent.clone(),
            comment: None,
            state: ReportState::Pending,
        })
    }

    /// Up to `limit` failure reports after report id `after` (`""` from the start), oldest
    /// first; reports held in memory are stored first, if the store takes them now.
    pub async fn reports(&self, after: &str, limit: u32) -> Result<Vec<ReportRow>> {
        self.store_unsaved_reports().await;
        self.store.reports(after, limit.min(1000)).await
    }

    /// Attaches the worker's comment to report `id` (feedback); it is sent with the next sync.
    pub async fn add_feedback(&self, id: &str, comment: &str) -> Result<ReportRow> {
        let comment = comment.trim();
        if comment.is_empty() || comment.chars().count() > MAX_COMMENT_CHARS {
            return Err(Error::new(ErrorCode::MalformedInput, format!("a comment has 1 to {MAX_COMMENT_CHARS} characters")));
        }
        self.store
            .update_report(id, |r| {
                r.comment = Some(comment.to_owned());
                r.state = ReportState::Pending;
                Ok(())
            })
            .await
    }

    /// Inspects the whole signing system: `browser` are the facts only the browser knows
    /// (randomness, persistence, quota); the rest comes from the store. Never fails: a part
    /// that cannot be inspected is itself a failed check.
    pub async fn diagnose(&self, browser: BrowserFacts) -> Vec<crate::health::Check> {
        let now = match self.clock.now() {
            Ok(now) => now,
            Err(e) => return vec![crate::health::Check::failed("clock", &e)],
        };
        let storage_writable = self.store.put_setting(setting::LAST_DIAGNOSIS, &now.to_string()).await;
        let facts = crate::health::Facts {
            now,
            randomness: browser.randomness,
            storage_writable,
            persisted: browser.persisted,
            usage: browser.usage,
            identities: self.store.identities().await.unwrap_or_default(),
            outbox: self.store.outbox_summary().await.unwrap_or_default(),
            last_sync: self.store.setting(setting::LAST_SYNC).await.ok().flatten(),
            server_offset_ms: self.store.setting(setting::SERVER_OFFSET).await.ok().flatten().and_then(|v| v.parse().ok()),
            policy: self.policy(),
            app_version: self.config.app_version.clone(),
        };
        crate::health::diagnose(&facts)
    }

    /// The unlocked worker's identity (its key still sealed), credentials, records and failure
    /// reports (and those of no identity) as one backup file sealed under `passphrase`.
    /// `identity_locked` while nothing is unlocked: whoever holds a shared tablet cannot take
    /// the workers' sealed keys away to guess their PINs where no lockout counts.
    pub async fn export_backup(&self, passphrase: &str, kdf: KdfParams) -> Result<Vec<u8>> {
        let result = self.try_export_backup(passphrase, kdf).await;
        self.reported("export_backup", self.unlocked().as_deref(), result).await
    }

    async fn try_export_backup(&self, passphrase: &str, kdf: KdfParams) -> Result<Vec<u8>> {
        let kid = self.unlocked().ok_or_else(|| {
            Error::new(ErrorCode::IdentityLocked, "a backup holds the unlocked worker's data: unlock first")
                .with_remedy(Words::plain(&UNLOCK_THEN_BACKUP), "Unlock with your PIN, then make the backup.")
        })?;
        let identities = vec![self.store.identity(&kid).await?];
        let records = self.store.records(&kid, 0, u32::MAX).await?;
        let reports = self.store.reports("", u32::MAX).await?.into_iter().filter(|r| r.kid.as_deref().is_none_or(|k| k == kid)).collect();
        let mut evidence = Vec::new();
        let mut carried: u64 = 0;
        // Only with its record: evidence still pending after its accepted record was deleted
        // (retainAcceptedDays) would make the backup one its own import refuses.
        let exported: std::collections::HashSet<&str> = records.iter().map(|r| r.id.as_str()).collect();
        for row in self.store.pending_evidence(None, u32::MAX).await?.into_iter().filter(|row| row.kid == kid && exported.contains(row.record_id.as_str())) {
            // Oldest first, up to what a backup carries; the rest stays on the device.
            carried = carried.saturating_add(row.sealed_len());
            if carried > crate::backup::MAX_EVIDENCE_IN_BACKUP {
                break;
            }
            let mut pieces = Vec::new();
            for index in 0..row.pieces() {
                pieces.push(crate::encoding::b64url(&self.store.evidence_piece(&row.staged, index).await?));
            }
            evidence.push(crate::backup::EvidenceCopy { row, pieces });
        }
        let contents = crate::backup::BackupContents { v: 1, created_at: self.clock.now()?.to_string(), identities, records, reports, evidence };
        crate::backup::seal_backup(&contents, passphrase, kdf)
    }

    /// Restores a backup file: checks the passphrase, the file and every record's signature
    /// and chain first, then merges it in one transaction without duplicates. Any failure
    /// changes nothing.
    pub async fn import_backup(&self, bytes: &[u8], passphrase: &str) -> Result<crate::backup::ImportSummary> {
        self.import_backup_reporting(bytes, passphrase, &mut |_, _| {}).await
    }

    /// [`Device::import_backup`], telling `progress(verified, total)` how far the check of the
    /// file's records got (see [`crate::open_backup_reporting`]).
    pub async fn import_backup_reporting(
        &self,
        bytes: &[u8],
        passphrase: &str,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<crate::backup::ImportSummary> {
        let result = match crate::backup::open_backup_reporting(bytes, passphrase, progress) {
            Ok(contents) => self.store.import(&contents).await,
            Err(e) => Err(e),
        };
        self.reported("import_backup", None, result).await
    }

    /// Creates, seals and stores a new identity; it is left unlocked.
    pub async fn create_identity(&self, label: &str, pin: &str, kdf: KdfParams) -> Result<IdentityRow> {
        let result = self.try_create_identity(label, pin, kdf).await;
        self.reported("create_identity", None, result).await
    }

    async fn try_create_identity(&self, label: &str, pin: &str, kdf: KdfParams) -> Result<IdentityRow> {
        if label.chars().count() > 200 {
            return Err(Error::new(ErrorCode::MalformedInput, "a label has at most 200 characters"));
        }
        let identity = Identity::generate()?;
        let now = self.clock.now()?;
        let row = IdentityRow {
            kid: identity.kid().to_owned(),
            label: label.to_owned(),
            sealed: seal(&identity, pin, kdf)?,
            public_jwk: identity.public_key().to_jwk(),
            credentials: None,
            chain: None,
            lockout: Lockout::default(),
            created_at: now.to_string(),
            replaced_by: None,
        };
        let locks_before = self.locks.get();
        self.store.add_identity(&row).await?;
        self.start_session(identity, now, locks_before);
        Ok(row)
    }

    /// All identities on the device.
    pub async fn identities(&self) -> Result<Vec<IdentityRow>> {
        let result = self.store.identities().await;
        self.reported("list_identities", None, result).await
    }

    /// Removes identity `kid` from this device (a worker who left the crew), with its records
    /// and their sealed evidence, in one transaction; locks it first if it is unlocked. While
    /// some of its records are not sent yet, only with `discard_unsent` (they are lost: the
    /// server never had them); otherwise `unsent_records`, and nothing changes.
    pub async fn remove_identity(&self, kid: &str, discard_unsent: bool) -> Result<RemovedIdentity> {
        if self.unlocked().as_deref() == Some(kid) {
            self.lock();
        }
        let result = self.store.remove_identity(kid, discard_unsent).await;
        self.reported("remove_identity", Some(kid), result).await
    }

    /// Unlocks identity `kid` with `pin`, locking any other. A wrong PIN is counted in the
    /// store (so a reload does not reset it); after five, each try waits longer.
    pub async fn unlock(&self, kid: &str, pin: &str) -> Result<()> {
        let result = self.try_unlock(kid, pin).await;
        self.reported("unlock", Some(kid), result).await
    }

    async fn try_unlock(&self, kid: &str, pin: &str) -> Result<()> {
        self.lock();
        let locks_before = self.locks.get();
        let now = self.clock.now()?;
        // The check and the count are one transaction: the try is counted as wrong before the
        // key is unsealed, and forgiven when the PIN is right, so unlocks at the same time (two
        // tabs, a script) each cost a try, and a try cut short by a closed tab still counts.
        let mut refused = None;
        let mut before = Lockout::default();
        let row = self
            .store
            .update_identity(kid, |r| {
                r.lockout = r.lockout.observe(now);
                before = r.lockout;
                match r.lockout.check() {
                    Err(e) => refused = Some(e),
                    Ok(()) => r.lockout = r.lockout.after_failure(now),
                }
                Ok(())
            })
            .await?;
        if let Some(locked_out) = refused {
            return Err(locked_out);
        }
        match unseal(&row.sealed, pin) {
            Ok(identity) => {
                self.store
                    .update_identity(kid, |r| {
                        r.lockout = Lockout::default();
                        Ok(())
                    })
                    .await?;
                self.start_session(identity, now, locks_before);
                Ok(())
            }
            Err(e) if e.code() == ErrorCode::WrongPin => {
                let free_left = crate::rows::FREE_PIN_TRIES.saturating_sub(row.lockout.failures);
                Err(if free_left > 0 {
                    e.with_remedy(
                        Words::new(&WRONG_PIN_TRIES_LEFT, vec![Arg::Count(free_left.into())]),
                        format!("Check your PIN and try again. {free_left} more {} before you must wait.", if free_left == 1 { "try" } else { "tries" }),
                    )
                } else {
                    row.lockout.check().err().unwrap_or(e)
                })
            }
            Err(e) => {
                // Not a guess (a damaged key): the try is given back.
                self.store
                    .update_identity(kid, |r| {
                        if r.lockout.failures == row.lockout.failures {
                            r.lockout = before;
                        }
                        Ok(())
                    })
                    .await?;
                Err(e)
            }
        }
    }

    /// How long identity `kid` must still wait before the next PIN try (ms, 0 when free). Each
    /// call is a look that lets the wait run down by the time since the last one (at most a
    /// minute): the app calls it every few seconds while it shows the wait. A clock set
    /// forward or back does not shorten the wait.
    pub async fn lockout_remaining(&self, kid: &str) -> Result<i64> {
        let now = self.clock.now()?;
        let row = self
            .store
            .update_identity(kid, |r| {
                if r.lockout.wait_ms > 0 {
                    r.lockout = r.lockout.observe(now);
                }
                Ok(())
            })
            .await;
        Ok(self.reported("lockout_remaining", Some(kid), row).await?.lockout.wait_ms)
    }

    /// Wipes the unlocked key from memory.
    pub fn lock(&self) {
        self.locks.set(self.locks.get() + 1);
        self.session.borrow_mut().take();
    }

    /// Starts `identity`'s session, unless [`Device::lock`] ran since `locks_before` (then the
    /// key is dropped: the lock came after the unlock began, and wins).
    fn start_session(&self, identity: Identity, now: Timestamp, locks_before: u64) {
        if self.locks.get() == locks_before {
            *self.session.borrow_mut() = Some(Session { identity, last_used: now });
        }
    }

    /// The key id of the unlocked identity, if one is unlocked and not idle too long. Asking
    /// is not a use and changes nothing: it does not put off the idle lock, nor lock an idle
    /// identity itself (that is [`Device::lock_if_idle`]'s, which tells the app).
    pub fn unlocked(&self) -> Option<String> {
        let session = self.session.borrow();
        let s = session.as_ref()?;
        let idle_ms = self.clock.now().ok()?.millis() - s.last_used.millis();
        (idle_ms <= self.config.idle_lock_ms).then(|| s.identity.kid().to_owned())
    }

    /// Locks the unlocked identity when it has been idle longer than the idle time, and says
    /// what it found. A clock that cannot be read locks it.
    pub fn lock_if_idle(&self) -> Idle {
        let mut session = self.session.borrow_mut();
        let Some(s) = session.as_ref() else { return Idle::Locked };
        let left = self.clock.now().map(|now| self.config.idle_lock_ms - (now.millis() - s.last_used.millis()));
        match left {
            Ok(left) if left >= 0 => Idle::Unlocked { left_ms: left },
            _ => Idle::LockedNow { kid: session.take().map(|s| s.identity.kid().to_owned()).unwrap_or_default() },
        }
    }

    /// Runs `f` with the unlocked identity and marks it used; locks it when it has been idle
    /// longer than the idle time.
    fn with_identity<T>(&self, now: Timestamp, f: impl FnOnce(&Identity) -> Result<T>) -> Result<T> {
        self.lock_if_idle();
        let mut session = self.session.borrow_mut();
        let s = session.as_mut().ok_or_else(|| Error::new(ErrorCode::IdentityLocked, "no identity is unlocked"))?;
        s.last_used = now;
        f(&s.identity)
    }

    /// Enrolls identity `kid` with a single-use `code` from the administrator: fetches the
    /// server's challenge (`GET /v1/enroll`), sends its public key, the code and a proof that
    /// it holds the key (the code and the challenge signed with it; so `kid` must be the
    /// unlocked identity, as it is right after `create_identity`) to `POST /v1/enroll`, checks
    /// that the certificate returned is for this key and signed by the authority that comes
    /// with it, and stores the credentials. Needs a connection; `enrollment_refused` for an
    /// unknown, used or expired code.
    ///
    /// With `replaces`, the new identity takes over from an identity on this device that can
    /// no longer sign (its PIN forgotten, its certificate expired or superseded): the proof
    /// names that key and where its chain ends, and the server supersedes its certificate and
    /// links the chains (`replaced_key_unknown` when that key is not the code's worker's).
    /// The replaced identity stays, so that its records still waiting are sent.
    pub async fn enroll(&self, transport: &impl Transport, kid: &str, code: &str, replaces: Option<&str>) -> Result<()> {
        Engine { host: self }.enroll(transport, kid, code, replaces).await
    }

    /// Sends every record the server has not answered for, in batches, and applies each
    /// verdict: accepted (the receipt is checked against the pinned authority, through the
    /// answer it signed, which names the receipt's hash, or by the receipt's own signature, and
    /// kept), duplicate (the first receipt, which must verify on its own), rejected (kept on
    /// the device, marked, and reported; only when the authority's answer says so). Then sends
    /// pending failure reports (signed by the unlocked identity, if any) and renews the
    /// unlocked identity's certificate when it expires soon. Network failures, 5xx and 429 are
    /// retried with backoff; when tries run out the records simply wait for the next sync.
    /// `progress(done, total)` follows the records.
    pub async fn sync(&self, transport: &impl Transport, options: SyncOptions, progress: &dyn Fn(u32, u32)) -> Result<SyncSummary> {
        Engine { host: self }.sync(transport, options, progress).await
    }

    /// Stores the credentials of identity `kid` after checking that the certificate is signed
    /// by the authority and is for this key.
    pub async fn set_credentials(&self, kid: &str, credentials: StoredCredentials) -> Result<()> {
        let result = self.try_set_credentials(kid, credentials).await;
        self.reported("set_credentials", Some(kid), result).await
    }

    async fn try_set_credentials(&self, kid: &str, credentials: StoredCredentials) -> Result<()> {
        let authority = PublicKey::from_jwk(&credentials.authority)?;
        let cert = verify_certificate(&credentials.certificate, &authority)?;
        if PublicKey::from_jwk(&cert.jwk)?.kid() != kid {
            return Err(Error::new(ErrorCode::CertUntrusted, "the certificate is for another key"));
        }
        if let Some(list) = &credentials.revocation_list {
            crate::cert::verify_revocation_list(list, &authority)?;
        }
        #[cfg(feature = "evidence")]
        if let Some(key) = &credentials.evidence_key {
            crate::evidence::verify_evidence_key(key, &authority)?;
        }
        self.store
            .update_identity(kid, |r| {
                r.credentials = Some(credentials);
                Ok(())
            })
            .await?;
        Ok(())
    }

    /// Signs documents with the unlocked identity: the policy check, the chain head read, the
    /// records appended and the head advanced happen in one store transaction, so either all
    /// of the batch is stored or none of it. The clock is read inside the transaction, after
    /// the chain head: another tab's signature that committed first is never "in the future".
    pub async fn sign(&self, inputs: Vec<SignInput>) -> Result<Signed> {
        let kid = self.unlocked();
        let result = self.try_sign(inputs).await;
        self.reported("sign", kid.as_deref(), result).await
    }

    async fn try_sign(&self, inputs: Vec<SignInput>) -> Result<Signed> {
        if inputs.is_empty() || inputs.len() > MAX_BATCH {
            return Err(Error::new(ErrorCode::MalformedInput, format!("sign takes 1 to {MAX_BATCH} documents")));
        }
        self.check_answers(&inputs).await?;
        let kid = self.with_identity(self.clock.now()?, |id| Ok(id.kid().to_owned()))?;
        let mut signed = Vec::with_capacity(inputs.len());
        let mut warnings = Vec::new();
        self.store
            .append(&kid, |row, add| {
                let now = self.clock.now()?;
                let stored = row.credentials.as_ref().ok_or_else(|| {
                    Error::new(ErrorCode::NotEnrolled, "this identity has no certificate yet")
                })?;
                let verdict = self.policy_cache.check(stored, &kid, now, self.policy())?;
                #[cfg(feature = "evidence")]
                let server_key = evidence::server_evidence_key(stored);
                warnings = verdict.warnings;
                #[cfg_attr(not(feature = "evidence"), allow(unused_mut))]
                let mut kept = Vec::new();
                for input in inputs {
                    #[cfg(feature = "evidence")]
                    let claims = evidence::with_sealing_claim(input.claims, &input.evidence);
                    #[cfg(not(feature = "evidence"))]
                    let claims = input.claims;
                    let record = self.with_identity(now, |identity| {
                        sign_record(
                            identity,
                            RecordRequest {
                                doc: input.doc,
                                claims,
                                chain: row.chain.as_ref(),
                                cert_serial: Some(&verdict.certificate.serial),
                                now,
                            },
                        )
                    })?;
                    row.chain = Some(record.chain_head());
                    add(&outbox_row(&record))?;
                    #[cfg(feature = "evidence")]
                    kept.extend(self.with_identity(now, |identity| evidence::evidence_rows(input.evidence, &record, identity, server_key.as_ref()))?);
                    signed.push(record);
                }
                Ok(kept)
            })
            .await?;
        Ok(Signed { records: signed, warnings })
    }

    /// The forms from the office this device holds (fetched at enrollment and sync, checked
    /// against the pinned authority each time they are read); `None` before the first fetch,
    /// or from a server without forms.
    pub async fn forms(&self) -> Result<Option<crate::FormSet>> {
        let result = self.held_forms().await;
        self.reported("forms", None, result).await
    }

    /// [`Device::forms`] without the report, verified only when the set or the pinned
    /// authorities changed since the last read.
    async fn held_forms(&self) -> Result<Option<crate::FormSet>> {
        let Some(signed) = self.store.setting(setting::FORMS).await? else { return Ok(None) };
        let authorities = crate::sync::engine::authorities(&self.store).await?;
        let kids: Vec<String> = authorities.iter().map(|a| a.kid().to_owned()).collect();
        if let Some((held, checked_with, set)) = &*self.forms_cache.borrow() {
            if *held == signed && *checked_with == kids {
                return Ok(set.clone());
            }
        }
        let set = crate::sync::engine::verified_by_any(&signed, &authorities);
        *self.forms_cache.borrow_mut() = Some((signed, kids, set.clone()));
        Ok(set)
    }

    /// Nothing is signed on a form the device does not hold, or with claims that do not answer
    /// it (the server would refuse the record: better the worker hears it now, next to the
    /// field): `form_unknown`, `form_answers_invalid` with each problem.
    async fn check_answers(&self, inputs: &[SignInput]) -> Result<()> {
        if !inputs.iter().any(|input| input.claims.contains_key("form")) {
            return Ok(());
        }
        let held = self.held_forms().await?;
        for input in inputs {
            let Some(form) = form_named(held.as_ref(), &input.claims)? else { continue };
            let refused = form.refusals(&input.claims);
            if !refused.is_empty() {
                return Err(Error::new(ErrorCode::FormAnswersInvalid, format!("{:.500}", refused.join("; "))));
            }
        }
        Ok(())
    }

    /// Up to `limit` outbox records of identity `kid` after sequence number `after`.
    pub async fn records(&self, kid: &str, after: u64, limit: u32) -> Result<Vec<RecordRow>> {
        let result = self.store.records(kid, after, limit.min(1000)).await;
        self.reported("list_records", Some(kid), result).await
    }
}

fn outbox_row(record: &SignedRecord) -> RecordRow {
    RecordRow {
        id: record.payload.id.clone(),
        kid: record.payload.kid.clone(),
        seq: record.payload.seq,
        signed_at: record.payload.signed_at.to_string(),
        jws: record.jws.clone(),
        hash: record.hash.clone(),
        doc_name: record.payload.doc.name.clone(),
        state: RecordState::Pending,
        attempts: 0,
        receipt: None,
        error: None,
    }
}

/// What tests of other modules take apart (the fields stay private to this module).
#[cfg(test)]
impl<S, C> Device<S, C> {
    /// The store, for a device over the same data with another clock.
    pub(crate) fn into_store(self) -> S {
        self.store
    }

    /// The configuration, to change.
    pub(crate) fn config_mut(&mut self) -> &mut DeviceConfig {
        &mut self.config
    }
}

/// The sync engine sees a device through this, and nothing else of it.
impl<S: Store, C: Clock> Host for Device<S, C> {
    type Store = S;
    type Clock = C;

    fn store(&self) -> &S {
        &self.store
    }

    fn clock(&self) -> &C {
        &self.clock
    }

    fn retain_accepted_ms(&self) -> Option<i64> {
        self.config.retain_accepted_ms
    }

    fn unlocked(&self) -> Option<String> {
        Device::unlocked(self)
    }

    fn with_identity<T>(&self, now: Timestamp, f: impl FnOnce(&Identity) -> Result<T>) -> Result<T> {
        Device::with_identity(self, now, f)
    }

    async fn set_credentials(&self, kid: &str, credentials: StoredCredentials) -> Result<()> {
        Device::set_credentials(self, kid, credentials).await
    }

    async fn reported<T>(&self, operation: &str, kid: Option<&str>, result: Result<T>) -> Result<T> {
        Device::reported(self, operation, kid, result).await
    }

    async fn record_failure(&self, operation: &str, kid: Option<&str>, e: &Error) -> Result<ReportRow> {
        Device::record_failure(self, operation, kid, e).await
    }

    async fn status(&self, serial: &str) -> Result<crate::sync::DeviceStatus> {
        let facts = self.browser.borrow_mut().take().unwrap_or(BrowserFacts { randomness: Ok(()), persisted: None, usage: None });
        let usage = facts.usage;
        let checks = self.diagnose(facts).await;
        let outbox = self.store.outbox_summary().await?;
        // A device status stays small whatever a check says (the server bounds it too).
        let cut = |text: &str, chars: usize| text.chars().take(chars).collect::<String>();
        Ok(crate::sync::DeviceStatus {
            v: 1,
            cert: serial.to_owned(),
            sent_at: self.clock.now()?.to_string(),
            app_version: cut(&self.config.app_version, 100),
            user_agent: cut(&self.config.user_agent, 400),
            checks: checks
                .iter()
                .take(40)
                .map(|c| crate::sync::StatusCheck { id: cut(&c.id, 100), status: c.status.as_str().to_owned(), value: cut(&c.value, 200) })
                .collect(),
            pending: outbox.pending,
            oldest_pending_at: outbox.oldest_pending,
            storage_used: usage.map(|(used, _)| used),
            storage_quota: usage.map(|(_, quota)| quota),
            clock_offset_ms: self.store.setting(setting::SERVER_OFFSET).await?.and_then(|v| v.parse().ok()),
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::cert::Authority;
    use crate::store::memory::MemoryStore;
    use crate::time::DAY_MS;
    use std::cell::Cell;
    use std::future::Future;
    use std::pin::pin;
    use std::task::{Context, Poll, Waker};

    /// Runs a future of the memory store, which never waits, to completion.
    pub(crate) fn run<F: Future>(future: F) -> F::Output {
        let mut future = pin!(future);
        match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
            Poll::Ready(out) => out,
            Poll::Pending => panic!("the memory store never waits"),
        }
    }

    pub(crate) const PIN: &str = "482913";

    pub(crate) fn config() -> DeviceConfig {
        DeviceConfig { app_version: "9.9.9".into(), user_agent: "test-agent".into(), ..DeviceConfig::default() }
    }

    pub(crate) fn t(s: &str) -> Timestamp {
        Timestamp::parse_rfc3339(s).unwrap()
    }

    /// A clock the test sets.
    #[derive(Default)]
    pub(crate) struct TestClock(Cell<i64>);

    impl TestClock {
        pub(crate) fn set(&self, at: &str) {
            self.0.set(t(at).millis());
        }

        /// Moves the clock `ms` milliseconds on.
        #[cfg(feature = "evidence")]
        pub(crate) fn advance(&self, ms: i64) {
            self.0.set(self.0.get() + ms);
        }
    }

    impl Clock for TestClock {
        fn now(&self) -> Result<Timestamp> {
            Timestamp::from_millis(self.0.get())
        }
    }

    pub(crate) type TestDevice<'c> = Device<MemoryStore, &'c TestClock>;

    pub(crate) fn doc(name: &str) -> SignInput {
        SignInput {
            doc: DocumentDigest::of_bytes(name.as_bytes(), Some(name.into()), None).unwrap(),
            claims: Default::default(),
            #[cfg(feature = "evidence")]
            evidence: Vec::new(),
        }
    }

    pub(crate) fn enrolled_device(clock: &TestClock) -> (TestDevice<'_>, IdentityRow, Authority) {
        clock.set("2026-11-25T08:00:00Z");
        let device = Device::new(MemoryStore::default(), clock, config());
        let now = t("2026-11-25T08:00:00Z");
        let row = run(device.create_identity("A. Jones", PIN, KdfParams::MIN)).unwrap();
        let authority = Authority::new(Identity::generate().unwrap(), "Test Authority");
        let certificate = authority
            .issue_certificate("s-1", "jones", &row.public_jwk, now.plus_millis(-DAY_MS), now.plus_millis(100 * DAY_MS))
            .unwrap();
        let revocation_list = Some(authority.issue_revocation_list(vec![], now, now.plus_millis(7 * DAY_MS)).unwrap());
        let creds = StoredCredentials { authority: authority.public_key().to_jwk(), certificate, revocation_list, evidence_key: None };
        run(device.set_credentials(&row.kid, creds)).unwrap();
        (device, row, authority)
    }

    #[test]
    fn sign_appends_a_chain_to_the_outbox() {
        let clock = TestClock::default();
        let (device, row, _) = enrolled_device(&clock);
        clock.set("2026-11-25T08:01:00Z");
        let first = run(device.sign(vec![doc("a")])).unwrap();
        let batch = run(device.sign(vec![doc("b"), doc("c"), doc("d")])).unwrap();
        assert!(first.warnings.is_empty());
        let stored = run(device.records(&row.kid, 0, 50)).unwrap();
        assert_eq!(stored.iter().map(|r| r.seq).collect::<Vec<_>>(), [1, 2, 3, 4]);
        assert!(stored.iter().all(|r| r.state == RecordState::Pending));
        let key = PublicKey::from_jwk(&row.public_jwk).unwrap();
        for pair in stored.windows(2) {
            crate::verify_record(&pair[1].jws, &key, Some(&pair[0].jws)).unwrap();
        }
        assert_eq!(stored[3].id, batch.records[2].payload.id);
        assert_eq!(run(device.identity_chain_seq(&row.kid)), Some(4));
        assert_eq!(run(device.records(&row.kid, 2, 1)).unwrap()[0].seq, 3, "pages continue after a seq");
    }

    #[test]
    fn an_idle_identity_locks_itself_and_says_when_it_will() {
        let clock = TestClock::default();
        let (device, row, _) = enrolled_device(&clock); // unlocked at 08:00:00, idle time 5 min
        assert_eq!(device.lock_if_idle(), Idle::Unlocked { left_ms: 5 * 60_000 });
        clock.set("2026-11-25T08:04:00Z");
        run(device.sign(vec![doc("a")])).unwrap();
        clock.set("2026-11-25T08:08:59Z");
        assert_eq!(device.lock_if_idle(), Idle::Unlocked { left_ms: 1000 }, "signing counts as use");
        clock.set("2026-11-25T08:09:01Z");
        assert_eq!(device.lock_if_idle(), Idle::LockedNow { kid: row.kid.clone() });
        assert_eq!(device.lock_if_idle(), Idle::Locked);
        clock.set("2026-11-25T08:09:02Z");
        assert_eq!(device.unlocked(), None, "stays locked");
        run(device.unlock(&row.kid, PIN)).unwrap();
        assert_eq!(device.unlocked().as_deref(), Some(row.kid.as_str()));
    }

    #[test]
    fn the_expiry_warning_window_is_a_setting_of_the_device() {
        let clock = TestClock::default();
        let (mut device, _, _) = enrolled_device(&clock); // the certificate has 100 days left
        assert!(run(device.sign(vec![doc("a")])).unwrap().warnings.is_empty(), "14 days by default");
        device.config.expiring_within_ms = 120 * DAY_MS;
        let warned = run(device.sign(vec![doc("b")])).unwrap();
        assert_eq!(warned.warnings.iter().map(Error::code).collect::<Vec<_>>(), [ErrorCode::CertExpiring]);
        let facts = BrowserFacts { randomness: Ok(()), persisted: Some(true), usage: None };
        let checks = run(device.diagnose(facts));
        let certificate = checks.iter().find(|c| c.id == "certificate:A. Jones").unwrap();
        assert_eq!(certificate.status, crate::Status::Warn, "health agrees with signing");
    }

    #[test]
    fn a_refused_signature_stores_nothing() {
        let clock = TestClock::default();
        let (device, row, _) = enrolled_device(&clock);
        clock.set("2027-06-01T00:00:00Z");
        assert_eq!(run(device.sign(vec![doc("a")])).unwrap_err().code(), ErrorCode::IdentityLocked, "idle lock");
        run(device.unlock(&row.kid, PIN)).unwrap();
        assert_eq!(run(device.sign(vec![doc("a"), doc("b")])).unwrap_err().code(), ErrorCode::CertExpired);
        assert!(run(device.records(&row.kid, 0, 50)).unwrap().is_empty());
        assert_eq!(run(device.identity_chain_seq(&row.kid)), None);
        assert_eq!(run(device.sign(vec![])).unwrap_err().code(), ErrorCode::MalformedInput);
    }

    #[test]
    fn unenrolled_identities_cannot_sign() {
        let clock = TestClock::default();
        clock.set("2026-11-25T08:00:00Z");
        let device = Device::new(MemoryStore::default(), &clock, config());
        run(device.create_identity("new", PIN, KdfParams::MIN)).unwrap();
        assert_eq!(run(device.sign(vec![doc("a")])).unwrap_err().code(), ErrorCode::NotEnrolled);
    }

    #[test]
    fn wrong_pins_are_counted_in_the_store_and_lock_out() {
        let clock = TestClock::default();
        let (device, row, _) = enrolled_device(&clock);
        clock.set("2026-11-25T09:00:00Z");
        let first = run(device.unlock(&row.kid, "000000")).unwrap_err();
        assert_eq!(first.code(), ErrorCode::WrongPin);
        assert_eq!(first.remedy(), "Check your PIN and try again. 4 more tries before you must wait.");
        let words = serde_json::to_value(first.remedy_words().unwrap()).unwrap();
        assert_eq!(words, serde_json::json!({"key": "wrong-pin-tries-left", "args": {"tries": 4}}), "the same in another language");
        assert!(device.unlocked().is_none(), "a failed unlock leaves nothing unlocked");
        for _ in 0..3 {
            run(device.unlock(&row.kid, "000000")).unwrap_err();
        }
        let fifth = run(device.unlock(&row.kid, "000000")).unwrap_err();
        assert_eq!(fifth.code(), ErrorCode::PinLockedOut);
        // Even the right PIN must wait now; the state is in the store, not in this object.
        let fresh = Device::new(device.store, &clock, config());
        assert_eq!(run(fresh.unlock(&row.kid, PIN)).unwrap_err().code(), ErrorCode::PinLockedOut);
        clock.set("2026-11-25T09:00:30Z");
        run(fresh.unlock(&row.kid, PIN)).unwrap();
        assert_eq!(fresh.unlocked().as_deref(), Some(row.kid.as_str()));
        assert_eq!(run(fresh.identities()).unwrap()[0].lockout, Lockout::default(), "the right PIN resets the count");
    }

    #[test]
    fn credentials_must_fit_the_key_and_authority() {
        let clock = TestClock::default();
        let (device, row, authority) = enrolled_device(&clock);
        let now = t("2026-11-25T08:00:00Z");
        let other = Identity::generate().unwrap();
        let certificate = authority
            .issue_certificate("s-2", "x", &other.public_key().to_jwk(), now, now.plus_millis(DAY_MS))
            .unwrap();
        let creds = StoredCredentials { authority: authority.public_key().to_jwk(), certificate, revocation_list: None, evidence_key: None };
        assert_eq!(run(device.set_credentials(&row.kid, creds)).unwrap_err().code(), ErrorCode::CertUntrusted);
        let missing = run(device.set_credentials("nope", run(device.identities()).unwrap()[0].credentials.clone().unwrap()));
        assert_eq!(missing.unwrap_err().code(), ErrorCode::CertUntrusted);
    }

    #[test]
    fn failures_become_deduplicated_reports_with_feedback() {
        let clock = TestClock::default();
        let (device, row, _) = enrolled_device(&clock);
        clock.set("2026-11-25T09:00:00Z");
        for _ in 0..3 {
            run(device.unlock(&row.kid, "000000")).unwrap_err();
        }
        clock.set("2026-11-25T09:20:00Z");
        run(device.unlock(&row.kid, "111111")).unwrap_err();
        let reports = run(device.reports("", 50)).unwrap();
        assert_eq!(reports.len(), 2, "three tries within 10 minutes are one report, a later one another");
        assert_eq!((reports[0].code.as_str(), reports[0].count, reports[0].operation.as_str()), ("wrong_pin", 3, "unlock"));
        assert_eq!(reports[0].kid.as_deref(), Some(row.kid.as_str()));
        assert_eq!((reports[0].first_at.as_str(), reports[0].last_at.as_str()), ("2026-11-25T09:00:00.000Z", "2026-11-25T09:00:00.000Z"));
        assert_eq!((reports[0].app_version.as_str(), reports[0].user_agent.as_str()), ("9.9.9", "test-agent"));
        assert_eq!(reports[1].count, 1);
        let text = serde_json::to_string(&reports).unwrap();
        assert!(!text.contains("000000") && !text.contains(PIN), "no PIN in reports");

        let commented = run(device.add_feedback(&reports[0].id, "  I typed my old PIN  ")).unwrap();
        assert_eq!(commented.comment.as_deref(), Some("I typed my old PIN"));
        assert_eq!(run(device.add_feedback(&reports[0].id, " ")).unwrap_err().code(), ErrorCode::MalformedInput);
        assert_eq!(run(device.add_feedback("nope", "hi")).unwrap_err().code(), ErrorCode::ReportNotFound);
        assert_eq!(run(device.reports(&reports[0].id, 50)).unwrap().len(), 1, "paging after an id");

        run(device.sign(vec![doc("x")])).unwrap_err();
        let sign_failure = run(device.reports(&reports[1].id, 50)).unwrap();
        assert_eq!((sign_failure[0].code.as_str(), sign_failure[0].operation.as_str()), ("identity_locked", "sign"));
    }

    #[test]
    fn reports_the_full_store_refused_are_stored_once_space_returns() {
        let clock = TestClock::default();
        let (device, row, _) = enrolled_device(&clock);
        clock.set("2026-11-25T09:00:00Z");
        run(device.unlock(&row.kid, PIN)).unwrap();
        device.store.full.set(true);
        for _ in 0..2 {
            assert_eq!(run(device.sign(vec![doc("a")])).unwrap_err().code(), ErrorCode::StorageFull);
        }
        assert_eq!(run(device.unlock(&row.kid, "000000")).unwrap_err().code(), ErrorCode::WrongPin);
        assert_eq!(device.unsaved_reports.borrow().len(), 2, "held in memory: sign (twice) and unlock");

        device.store.full.set(false);
        run(device.unlock(&row.kid, PIN)).unwrap();
        assert!(device.unsaved_reports.borrow().is_empty(), "stored by the next operation that succeeded");
        let reports = run(device.reports("", 50)).unwrap();
        let summary: Vec<_> = reports.iter().map(|r| (r.code.as_str(), r.operation.as_str(), r.count)).collect();
        assert_eq!(summary, [("storage_full", "sign", 2), ("wrong_pin", "unlock", 1)]);
        assert_eq!(reports[0].first_at, "2026-11-25T09:00:00.000Z");
        assert_eq!(run(device.sign(vec![doc("a")])).unwrap().records[0].payload.seq, 1);
    }

    #[test]
    fn diagnose_reads_the_store() {
        let clock = TestClock::default();
        let (device, _, _) = enrolled_device(&clock);
        clock.set("2026-11-25T08:04:00Z");
        run(device.sign(vec![doc("a")])).unwrap();
        clock.set("2026-11-26T09:04:00Z");
        let browser = BrowserFacts { randomness: Ok(()), persisted: Some(true), usage: Some((1e6, 1e9)) };
        let checks = run(device.diagnose(browser));
        let find = |id: &str| checks.iter().find(|c| c.id == id).unwrap();
        assert_eq!(find("pending_records").value, "1 waiting, oldest 25 h");
        assert_eq!(find("pending_records").status, crate::health::Status::Warn);
        assert_eq!(find("storage_writable").status, crate::health::Status::Ok);
        assert_eq!(find("certificate:A. Jones").value, "98 days left");
        assert_eq!(run(device.store.setting(setting::LAST_DIAGNOSIS)).unwrap().as_deref(), Some("2026-11-26T09:04:00.000Z"));
    }

    #[test]
    fn backup_round_trip_merges_without_duplicates() {
        let clock = TestClock::default();
        let (device, row, _) = enrolled_device(&clock);
        clock.set("2026-11-25T08:01:00Z");
        run(device.sign(vec![doc("a"), doc("b")])).unwrap();
        run(device.unlock(&row.kid, "000000")).unwrap_err();
        let locked = run(device.export_backup("correct horse battery", KdfParams::MIN)).unwrap_err();
        assert_eq!(locked.code(), ErrorCode::IdentityLocked, "no backup while every identity is locked");
        // A second worker on the same tablet: not in the first one's backup.
        let other = run(device.create_identity("B. Smith", "731946", KdfParams::MIN)).unwrap();
        run(device.unlock(&row.kid, PIN)).unwrap();
        let backup = run(device.export_backup("correct horse battery", KdfParams::MIN)).unwrap();
        let contents = crate::backup::open_backup(&backup, "correct horse battery").unwrap();
        assert_eq!(contents.identities.iter().map(|i| i.kid.as_str()).collect::<Vec<_>>(), [row.kid.as_str()]);
        assert!(!contents.identities.iter().any(|i| i.kid == other.kid));
        assert!(!String::from_utf8_lossy(&backup).contains(&row.kid), "contents are sealed");

        let fresh = Device::new(MemoryStore::default(), &clock, config());
        let wrong = run(fresh.import_backup(&backup, "wrong horse")).unwrap_err();
        assert_eq!(wrong.code(), ErrorCode::WrongPassphrase);
        let truncated = run(fresh.import_backup(&backup[..backup.len() / 2], "correct horse battery")).unwrap_err();
        assert_eq!(truncated.code(), ErrorCode::MalformedBackup);
        assert!(run(fresh.records(&row.kid, 0, 50)).unwrap().is_empty(), "failed imports change nothing");

        let summary = run(fresh.import_backup(&backup, "correct horse battery")).unwrap();
        assert_eq!(
            summary,
            // Reports: the wrong PIN and the refused locked export.
            crate::backup::ImportSummary { identities_added: 1, records_added: 2, records_skipped: 0, reports_added: 2, evidence_added: 0 }
        );
        let mut progress = Vec::new();
        let again = run(fresh.import_backup_reporting(&backup, "correct horse battery", &mut |verified, total| progress.push((verified, total)))).unwrap();
        assert_eq!((again.records_added, again.records_skipped, again.identities_added), (0, 2, 0), "no duplicates");
        assert_eq!(progress, [(2, 2)], "fewer records than a progress step: told once, at the end");
        assert_eq!(run(fresh.records(&row.kid, 0, 50)).unwrap().len(), 2);

        // The restored identity opens with the worker's PIN and continues the chain.
        run(fresh.unlock(&row.kid, PIN)).unwrap();
        let next = run(fresh.sign(vec![doc("c")])).unwrap();
        assert_eq!(next.records[0].payload.seq, 3);

        // The original device signs a different record 3: the histories diverged, and its
        // backup conflicts with the restored device's records and changes nothing there.
        run(device.unlock(&row.kid, PIN)).unwrap();
        run(device.sign(vec![doc("d")])).unwrap();
        let diverged = run(device.export_backup("pass phrase", KdfParams::MIN)).unwrap();
        let conflict = run(fresh.import_backup(&diverged, "pass phrase")).unwrap_err();
        assert_eq!(conflict.code(), ErrorCode::ChainBroken);
        let kept = run(fresh.records(&row.kid, 0, 50)).unwrap();
        assert_eq!(kept[2].id, next.records[0].payload.id, "the restored device's record 3 is untouched");

        // Another device's backup adds its identity beside the existing one.
        let (other, other_row, _) = enrolled_device(&clock);
        run(other.sign(vec![doc("z")])).unwrap();
        let foreign = run(other.export_backup("pass phrase", KdfParams::MIN)).unwrap();
        assert_eq!(run(fresh.import_backup(&foreign, "pass phrase")).unwrap().identities_added, 1);
        assert_eq!(run(fresh.records(&other_row.kid, 0, 50)).unwrap().len(), 1);
    }

    /// A backup file holding `contents` as they are, sealed like a real one.
    fn crafted(contents: &crate::backup::BackupContents) -> Vec<u8> {
        crate::backup::seal_backup(contents, "pass phrase", KdfParams::MIN).unwrap()
    }

    #[test]
    fn a_hostile_backup_cannot_stop_a_worker_from_signing_nor_make_the_device_work_for_it() {
        let clock = TestClock::default();
        let (device, row, _) = enrolled_device(&clock);
        clock.set("2026-11-25T08:01:00Z");
        run(device.sign(vec![doc("a")])).unwrap();
        let honest = run(device.export_backup("pass phrase", KdfParams::MIN)).unwrap();
        let contents = crate::backup::open_backup(&honest, "pass phrase").unwrap();

        // A head far ahead (seq 5, signed in 9999) with no record to prove it: imported as
        // far as the file's records prove, the worker keeps signing.
        let mut ahead = contents.clone();
        ahead.identities[0].chain = Some(crate::record::ChainHead { seq: 5, hash: "x".into(), signed_at: t("9999-12-31T00:00:00.000Z") });
        run(device.import_backup(&crafted(&ahead), "pass phrase")).unwrap();
        assert_eq!(run(device.identity_chain_seq(&row.kid)), Some(1), "the head stays where the records prove it");
        run(device.unlock(&row.kid, PIN)).unwrap();
        assert_eq!(run(device.sign(vec![doc("b")])).unwrap().records[0].payload.seq, 2);

        // A real record whose row claims another time (9999), with a head to match: the row
        // must say what the signed record says, so the file is refused whole.
        let mut retimed = contents.clone();
        retimed.records[0].signed_at = "9999-12-31T00:00:00.000Z".into();
        if let Some(head) = retimed.identities[0].chain.as_mut() {
            head.signed_at = t("9999-12-31T00:00:00.000Z");
        }
        assert_eq!(run(device.import_backup(&crafted(&retimed), "pass phrase")).unwrap_err().code(), ErrorCode::MalformedBackup);

        // A head at the last sequence number, and a sealed key asking for a GiB: refused whole.
        let mut wrapping = contents.clone();
        wrapping.identities[0].chain = Some(crate::record::ChainHead { seq: u64::MAX, hash: "x".into(), signed_at: t("2026-11-25T08:01:00.000Z") });
        let mut costly = contents.clone();
        costly.identities[0].sealed.kdf.params = KdfParams { m: 1024 * 1024, t: 64, p: 16 };
        for file in [wrapping, costly] {
            let fresh = Device::new(MemoryStore::default(), &clock, config());
            assert_eq!(run(fresh.import_backup(&crafted(&file), "pass phrase")).unwrap_err().code(), ErrorCode::MalformedBackup);
            assert!(run(fresh.identities()).unwrap().is_empty(), "nothing imported");
        }

        // A file whose own Argon2id parameters ask for a GiB and 64 passes: refused before any work.
        let mut file: serde_json::Value = serde_json::from_slice(&honest).unwrap();
        file["kdf"]["m"] = (1024 * 1024).into();
        file["kdf"]["t"] = 64.into();
        let started = std::time::Instant::now();
        let refused = run(device.import_backup(&serde_json::to_vec(&file).unwrap(), "pass phrase")).unwrap_err();
        assert_eq!(refused.code(), ErrorCode::MalformedBackup);
        assert!(started.elapsed() < std::time::Duration::from_millis(50), "answered in {:?}", started.elapsed());
    }

    impl TestDevice<'_> {
        async fn identity_chain_seq(&self, kid: &str) -> Option<u64> {
            self.store.identity(kid).await.unwrap().chain.map(|c| c.seq)
        }
    }
}
