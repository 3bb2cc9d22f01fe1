//! The client engine on the device: enroll, sync (records, reports, renewal, revocation
//! list and server time).

use crate::error::{Error, ErrorCode, Result};
use crate::words::{Arg, Words, ENROLLMENT_REFUSED, ENROLL_NEEDS_CONNECTION, UNLOCK_THEN_ENROLL};
use crate::keys::{Identity, PublicKey};
use crate::rows::{RecordError, RecordRow, RecordState, ReportRow, ReportState, StoredCredentials};
use crate::store::Store;
use crate::time::{Clock, Timestamp};
use super::messages::*;
use super::retry::*;
use super::wire::*;
use serde_json::Value;
use std::collections::{HashMap, HashSet, VecDeque};
mod forms;
#[cfg(feature = "evidence")]
mod uploads;

pub(crate) use forms::{authorities, verified_by_any};

/// Batches of the outbox read from the store at a time while a sync sends it.
const READ_AHEAD: usize = 4;

/// A batch the server answered, with the nonce of its request and the device's time when the
/// answer arrived.
struct Sent {
    batch: Vec<RecordRow>,
    nonce: String,
    answer: HttpResponse,
    arrived: Timestamp,
}

/// A batch whose answer has been judged: its rows as they are to be written, the rejections
/// to report, and how many records the answer settled.
struct Judged {
    rows: Vec<RecordRow>,
    rejected: Vec<(String, u64, RecordError)>,
    settled: u32,
    /// Verdicts on the batch's records that could not be verified: how many, and the first
    /// one's key id.
    untrusted: Option<(String, u32)>,
}

/// What a sync's answers brought, kept once at its end: the newest revocation list, and the
/// server's time an authority signed (with that authority's key id and the device's time when
/// the answer arrived).
#[derive(Default)]
struct Contact {
    list: Option<String>,
    time: Option<(Timestamp, String, Timestamp)>,
}

/// What the engine needs of a device, and all it sees of one: the store and clock it works
/// over, how long accepted records are kept, the unlocked identity to sign requests and
/// reports with (the key stays inside the device: the engine passes it a closure), where
/// fresh credentials go, and where failures are reported. `crate::Device` is the one host.
#[allow(async_fn_in_trait)]
pub(crate) trait Host {
    /// Where records, reports, identities and settings live.
    type Store: Store;
    /// The device's time, which follows the server's once a sync learned it.
    type Clock: Clock;

    /// The device's store.
    fn store(&self) -> &Self::Store;
    /// The device's clock.
    fn clock(&self) -> &Self::Clock;
    /// How long (ms) accepted records stay on the device after a sync; `None`: for ever.
    fn retain_accepted_ms(&self) -> Option<i64>;
    /// The key id of the unlocked identity, if one is.
    fn unlocked(&self) -> Option<String>;
    /// Runs `f` with the unlocked identity (at `now`, which counts as its use).
    fn with_identity<T>(&self, now: Timestamp, f: impl FnOnce(&Identity) -> Result<T>) -> Result<T>;
    /// Checks and stores fresh credentials of identity `kid`.
    async fn set_credentials(&self, kid: &str, credentials: StoredCredentials) -> Result<()>;
    /// Passes `result` through, recording a failure report when it is an error.
    async fn reported<T>(&self, operation: &str, kid: Option<&str>, result: Result<T>) -> Result<T>;
    /// Records a failure report for `e`.
    async fn record_failure(&self, operation: &str, kid: Option<&str>, e: &Error) -> Result<ReportRow>;
    /// The device's status now, to sign under certificate `serial`.
    async fn status(&self, serial: &str) -> Result<super::DeviceStatus>;
}

/// Enrollment and sync over a [`Host`].
pub(crate) struct Engine<'h, H> {
    /// The device the engine works for.
    pub host: &'h H,
}

impl<H: Host> Engine<'_, H> {
    /// [`crate::Device::enroll`]: enrollment, with its failure reported.
    pub(crate) async fn enroll(&self, transport: &impl Transport, kid: &str, code: &str, replaces: Option<&str>) -> Result<()> {
        let result = self.try_enroll(transport, kid, code, replaces).await;
        self.host.reported("enroll", Some(kid), result).await
    }

    async fn try_enroll(&self, transport: &impl Transport, kid: &str, code: &str, replaces: Option<&str>) -> Result<()> {
        let identity = self.host.store().identity(kid).await?;
        if self.host.unlocked().as_deref() != Some(kid) {
            return Err(Error::new(ErrorCode::IdentityLocked, "enrollment signs with the key: unlock this identity first")
                .with_remedy(Words::plain(&UNLOCK_THEN_ENROLL), "Unlock with your PIN, then enroll again."));
        }
        let continues = match replaces {
            Some(old) if old == kid => return Err(Error::new(ErrorCode::MalformedInput, "an identity cannot replace itself")),
            Some(old) => {
                let chain = self.host.store().identity(old).await?.chain;
                Some(Continuation {
                    kid: old.to_owned(),
                    seq: chain.as_ref().map_or(0, |head| head.seq),
                    hash: chain.map(|head| head.hash),
                })
            }
            None => None,
        };
        let unreachable = |reason: String| {
            Error::new(ErrorCode::ServerUnreachable, format!("no answer from /v1/enroll: {reason:.200}"))
                .with_remedy(Words::plain(&ENROLL_NEEDS_CONNECTION), "Enrollment needs a connection. Connect to the internet and try again.")
        };
        let challenge = transport.get("/v1/enroll").await.map_err(unreachable)?;
        if challenge.status == 429 || challenge.status >= 500 {
            return Err(unreachable(format!("HTTP {}", challenge.status)));
        }
        if !(200..300).contains(&challenge.status) {
            return Err(challenge.refused("GET /v1/enroll"));
        }
        let challenge: EnrollmentChallenge = challenge.json()?;
        let now = self.host.clock().now()?;
        let proof = self.host.with_identity(now, |identity| enrollment_proof(identity, code, &challenge.challenge, continues))?;
        let body = crate::json::to_string(&EnrollRequest { code: code.to_owned(), jwk: identity.public_jwk.clone(), proof });
        let response = transport.post("/v1/enroll", body).await.map_err(unreachable)?;
        if response.status == 403 {
            // The server's code says what the worker can do; the device's code stays one.
            let code = response.json::<Refusal>().map(|refusal| refusal.code).unwrap_or_default();
            let reason = ErrorCode::parse(&code).filter(|c| c.from_server()).unwrap_or(ErrorCode::EnrollmentCodeUnknown);
            return Err(Error::new(ErrorCode::EnrollmentRefused, format!("the server refused the code: {code:.60}"))
                .with_remedy(Words::new(&ENROLLMENT_REFUSED, vec![Arg::Text(reason.as_str().to_owned())]), reason.default_remedy()));
        }
        if response.status == 429 || response.status >= 500 {
            return Err(Error::new(ErrorCode::ServerUnreachable, format!("HTTP {} from /v1/enroll", response.status)));
        }
        if !(200..300).contains(&response.status) {
            return Err(response.refused("POST /v1/enroll"));
        }
        let enrolled: Enrolled = response.json()?;
        self.host.set_credentials(kid, enrolled.into()).await?;
        if let Some(old) = replaces {
            self.host.store().update_identity(old, |row| {
                row.replaced_by = Some(kid.to_owned());
                Ok(())
            }).await?;
        }
        // The key documents are sealed to; without it they wait, sealed to the worker alone,
        // and a later sync fetches it.
        #[cfg(feature = "evidence")]
        {
            let pinned = self.pin_evidence_keys(transport, SyncOptions { max_tries: 1, ..SyncOptions::default() }).await;
            let _ = self.host.reported("pin_evidence_key", Some(kid), pinned).await;
        }
        // The forms the worker fills in, kept for offline use; without them the app's own.
        let fetched = self.refresh_forms(transport, SyncOptions { max_tries: 1, ..SyncOptions::default() }).await;
        let _ = self.host.reported("refresh_forms", Some(kid), fetched).await;
        Ok(())
    }

    /// [`crate::Device::sync`]: sync, with its failure reported.
    pub(crate) async fn sync(&self, transport: &impl Transport, options: SyncOptions, progress: &dyn Fn(u32, u32)) -> Result<SyncSummary> {
        let result = self.try_sync(transport, options, progress).await;
        self.host.reported("sync", None, result).await
    }

    async fn try_sync(&self, transport: &impl Transport, options: SyncOptions, progress: &dyn Fn(u32, u32)) -> Result<SyncSummary> {
        let mut summary = SyncSummary::default();
        let authorities: HashMap<String, PublicKey> = self
            .host
            .store()
            .identities()
            .await?
            .into_iter()
            .filter_map(|row| Some((row.kid, PublicKey::from_jwk(&row.credentials?.authority).ok()?)))
            .collect();
        let applied_offset = super::clock::applied_offset(self.host.store()).await?;
        // What the answers bring (the newest revocation list, the server's time) is kept once,
        // after the batches: per batch it cost several transactions. It is kept even when a
        // later batch fails.
        let mut contact = Contact::default();
        let sent = self.send_outbox(transport, options, progress, &authorities, &mut summary, &mut contact).await;
        self.learn_from_contact(contact, applied_offset, &mut summary).await?;
        if !sent? {
            // Nothing to send: still fetch the revocation list and the time.
            let nonce = new_nonce()?;
            let answer = self.get_with_retries(transport, &format!("/v1/revocations?nonce={nonce}"), options).await?;
            let fresh: RevocationsAnswer = answer.json()?;
            let mut contact = Contact { list: Some(fresh.revocation_list), time: None };
            for authority in authorities.values() {
                if let Some(answer) = signed_answer::<Value>(fresh.answer.as_deref(), authority, &nonce) {
                    contact.time = Some((answer.server_time, authority.kid().to_owned(), self.host.clock().now()?));
                    break;
                }
            }
            self.learn_from_contact(contact, applied_offset, &mut summary).await?;
        }
        // Records are what matters: a failure past this point is reported, not thrown.
        #[cfg(feature = "evidence")]
        {
            let pinned = self.pin_evidence_keys(transport, options).await;
            let _ = self.host.reported("pin_evidence_key", None, pinned).await;
            let uploaded = self.upload_evidence(transport, options, &authorities, &mut summary).await;
            let _ = self.host.reported("upload_evidence", None, uploaded).await;
        }
        let reports = self.send_reports(transport, options, &mut summary).await;
        let _ = self.host.reported("send_reports", self.host.unlocked().as_deref(), reports).await;
        let status = self.send_status(transport, options, &mut summary).await;
        let _ = self.host.reported("send_status", self.host.unlocked().as_deref(), status).await;
        let renewal = self.renew_if_due(transport, options, &mut summary).await;
        let _ = self.host.reported("renew", self.host.unlocked().as_deref(), renewal).await;
        let forms = self.refresh_forms(transport, options).await;
        summary.forms_updated = self.host.reported("refresh_forms", None, forms).await.unwrap_or(false);
        if let Some(retain) = self.host.retain_accepted_ms() {
            let before = self.host.clock().now()?.plus_millis(-retain).to_string();
            while self.host.store().prune_accepted(&before, 1_000).await? == 1_000 {}
        }
        self.prune_evidence().await?;
        self.host.store().put_setting(crate::store::setting::LAST_SYNC, &self.host.clock().now()?.to_string()).await?;
        Ok(summary)
    }

    /// Deletes evidence the server stores once its record is as old as accepted records are
    /// kept, and pieces of signatures that never committed (staged a day ago or more).
    async fn prune_evidence(&self) -> Result<()> {
        let now = self.host.clock().now()?;
        let before = self.host.retain_accepted_ms().map(|retain| now.plus_millis(-retain).to_string()).unwrap_or_default();
        let staged_before = crate::random::uuid_v7_prefix(now.plus_millis(-crate::time::DAY_MS));
        self.host.store().prune_evidence(&before, &staged_before).await?;
        Ok(())
    }

    /// Sends the outbox in batches and applies each verdict ([`judge_verdicts`]); notes
    /// in `contact` what the answers bring. Whether the server answered at all.
    ///
    /// Three batches are in hand at once: while the next one is on the wire, the answer to the
    /// last one is judged (its receipts verified), and the rows of the one before are written.
    /// The device, the server and IndexedDB work at the same time. A record stays `pending`
    /// until its row is written, so a sync cut off anywhere sends it again (and the server
    /// answers "duplicate" with the first receipt).
    async fn send_outbox(
        &self,
        transport: &impl Transport,
        options: SyncOptions,
        progress: &dyn Fn(u32, u32),
        authorities: &HashMap<String, PublicKey>,
        summary: &mut SyncSummary,
        contact: &mut Contact,
    ) -> Result<bool> {
        let total = self.host.store().outbox_summary().await?.pending;
        let mut done = 0;
        progress(done, total);
        // Records read but not sent yet, oldest first: the outbox is read a few batches at a
        // time, during a round, rather than once per batch.
        let mut queue: VecDeque<RecordRow> = VecDeque::new();
        // Where the next read of the outbox begins: the signing time of the last record read.
        let mut since: Option<String> = None;
        // The batch whose answer has arrived, to judge; the judged batch, to write.
        let mut answered: Option<Sent> = None;
        let mut judged: Option<Judged> = None;
        let mut heard = false;
        loop {
            if queue.is_empty() {
                let taken = in_hand(&[], &queue, &answered, &judged, since.as_deref());
                queue.extend(self.read_unsent(taken, &mut since).await?);
            }
            let mut batch: Vec<RecordRow> = queue.drain(..queue.len().min(MAX_SYNC_BATCH)).collect();
            // When what is left would not fill the next batch, more is read during this round.
            let taken = (queue.len() < MAX_SYNC_BATCH).then(|| in_hand(&batch, &queue, &answered, &judged, since.as_deref()));
            // Polled in this order: the request leaves (at the first poll), the outbox is read
            // and the writes are queued, then the answer is judged while all are under way.
            let send = async {
                if batch.is_empty() {
                    return Ok(None);
                }
                let nonce = new_nonce()?;
                let body = BatchRequest { items: batch.iter().map(|r| r.jws.clone()).collect(), nonce: Some(nonce.clone()) }.to_json("records");
                let answer = self.post_with_retries(transport, "/v1/records", body, options).await?;
                Ok::<_, Error>(Some((nonce, answer, self.host.clock().now()?)))
            };
            let read = async {
                match taken {
                    Some(taken) => self.read_unsent(taken, &mut since).await.map(Some),
                    None => Ok(None),
                }
            };
            let write = async {
                match judged.take() {
                    Some(judged) => self.write_judged(judged).await.map(Some),
                    None => Ok(None),
                }
            };
            let judge = async { answered.take().map(|sent| self.judge_answer(sent, authorities, summary, contact)).transpose() };
            let (sent, read, written, fresh) = futures_util::future::join4(send, read, write, judge).await;
            queue.extend(read?.into_iter().flatten());
            if let Some(settled) = written? {
                done += settled;
                progress(done, total.max(done));
            }
            judged = fresh?;
            if judged.as_ref().is_some_and(|j| j.settled == 0) {
                // The server answered for none of them: they wait for the next sync.
                self.write_judged(judged.take().expect("checked")).await?;
                return Ok(true);
            }
            match sent {
                Ok(Some((nonce, answer, arrived))) => {
                    heard = true;
                    answered = Some(Sent { batch, nonce, answer, arrived });
                }
                Ok(None) => {
                    if let Some(last) = judged.take() {
                        done += self.write_judged(last).await?;
                        progress(done, total.max(done));
                    }
                    return Ok(heard);
                }
                Err(e) => {
                    if let Some(last) = judged.take() {
                        self.write_judged(last).await?;
                    }
                    // The records wait for the next sync, the try counted.
                    batch.iter_mut().for_each(|r| r.attempts = r.attempts.saturating_add(1));
                    self.host.store().put_records(&batch).await?;
                    return Err(e);
                }
            }
        }
    }

    /// The oldest unsent records signed at `since` or later but those in hand, a few batches'
    /// worth; `since` moves to the last one read. (A record signed meanwhile with an earlier
    /// time, after a clock correction, waits for the next sync.)
    async fn read_unsent(&self, (taken, at_since): (HashSet<String>, usize), since: &mut Option<String>) -> Result<Vec<RecordRow>> {
        let unsent = self.host.store().unsent(since.as_deref(), (READ_AHEAD * MAX_SYNC_BATCH + at_since) as u32).await?;
        if let Some(last) = unsent.last() {
            *since = Some(last.signed_at.clone());
        }
        Ok(unsent.into_iter().filter(|r| !taken.contains(&r.id)).collect())
    }

    /// Judges the server's answer to one batch ([`judge_verdicts`]) and notes what it
    /// brings.
    fn judge_answer(&self, sent: Sent, authorities: &HashMap<String, PublicKey>, summary: &mut SyncSummary, contact: &mut Contact) -> Result<Judged> {
        let answer: RecordsAnswer = sent.answer.json()?;
        // The answer as each authority of the batch's identities signed it (one, nearly always).
        let mut signed: HashMap<&str, Option<SignedAnswer<RecordVerdict>>> = HashMap::new();
        for (kid, authority) in authorities {
            if sent.batch.iter().any(|r| &r.kid == kid) {
                signed.insert(kid.as_str(), signed_answer(answer.answer.as_deref(), authority, &sent.nonce));
            }
        }
        let judged = judge_verdicts(&sent.batch, &answer.verdicts, &signed, authorities, summary);
        if let Some(time) = signed.iter().find_map(|(kid, a)| Some((a.as_ref()?.server_time, authorities.get(*kid)?.kid().to_owned(), sent.arrived))) {
            contact.time = Some(time);
        }
        if answer.revocation_list.is_some() {
            contact.list = answer.revocation_list;
        }
        Ok(judged)
    }

    /// Writes a judged batch's rows and reports its rejections; how many records it settled.
    async fn write_judged(&self, judged: Judged) -> Result<u32> {
        self.host.store().put_records(&judged.rows).await?;
        for (kid, seq, error) in judged.rejected {
            let report = Error::new(ErrorCode::RecordRejected, format!("record {seq} refused: {} ({})", error.code, error.message));
            let _ = self.host.record_failure("sync", Some(&kid), &report).await;
        }
        if let Some((kid, count)) = judged.untrusted {
            // Not an error of the sync (the rest of the answer stands), but one to see: a
            // changed server key or an altered answer would otherwise leave records pending
            // without a word.
            let report = Error::new(ErrorCode::AnswerUntrusted, format!("{count} verdicts of a batch did not verify; those records stay pending"));
            let _ = self.host.record_failure("sync", Some(&kid), &report).await;
        }
        Ok(judged.settled)
    }

    /// POSTs `body`, retrying what may succeed later; a 2xx answer, or the error to report.
    async fn post_with_retries(&self, transport: &impl Transport, path: &str, body: String, options: SyncOptions) -> Result<HttpResponse> {
        self.with_retries(transport, path, options, || transport.post(path, body.clone())).await
    }

    /// GETs `path`, retrying like [`Device::post_with_retries`].
    async fn get_with_retries(&self, transport: &impl Transport, path: &str, options: SyncOptions) -> Result<HttpResponse> {
        self.with_retries(transport, path, options, || transport.get(path)).await
    }

    async fn with_retries<F: std::future::Future<Output = std::result::Result<HttpResponse, String>>>(
        &self,
        transport: &impl Transport,
        path: &str,
        options: SyncOptions,
        request: impl Fn() -> F,
    ) -> Result<HttpResponse> {
        let response = self.answered_with_retries(transport, path, options, request).await?;
        if (200..300).contains(&response.status) {
            Ok(response)
        } else {
            Err(response.refused(path))
        }
    }

    /// The first answer to `request` that is not worth another try (a success or a refusal),
    /// with `max_tries` and backoff; `server_unreachable` when every try failed.
    async fn answered_with_retries<F: std::future::Future<Output = std::result::Result<HttpResponse, String>>>(
        &self,
        transport: &impl Transport,
        path: &str,
        options: SyncOptions,
        request: impl Fn() -> F,
    ) -> Result<HttpResponse> {
        let mut last = String::new();
        for attempt in 1..=options.max_tries.max(1) {
            let retry_after = match request().await {
                Ok(response) if response.status == 429 || response.status >= 500 => {
                    last = format!("HTTP {} from {path}", response.status);
                    response.retry_after.as_deref().and_then(|v| parse_retry_after(v, self.host.clock().now().ok()?))
                }
                Ok(response) => return Ok(response),
                Err(reason) => {
                    last = format!("no answer from {path}: {reason:.200}");
                    None
                }
            };
            if attempt < options.max_tries {
                transport.sleep(options.backoff.delay_ms(attempt, retry_after, unit_random())).await;
            }
        }
        Err(Error::new(ErrorCode::ServerUnreachable, format!("{} tries failed; last: {last}", options.max_tries)))
    }

    /// Keeps what the answers of a sync brought: a newer revocation list for every identity
    /// that trusts its authority, and the correction of the device clock. The time comes only
    /// from an answer signed for its request (with the key id of the authority that signed
    /// it), and only when it is later than the last time that authority gave.
    async fn learn_from_contact(&self, contact: Contact, applied_offset: i64, summary: &mut SyncSummary) -> Result<()> {
        if let Some(list) = &contact.list {
            self.keep_revocation_list(list).await?;
        }
        if let Some((server_time, authority, arrived)) = contact.time {
            let learned = super::clock::learn_server_time(self.host.store(), self.host.clock(), applied_offset, server_time, &authority, arrived).await?;
            if let Some(offset) = learned {
                summary.server_offset_ms = Some(offset);
            }
        }
        Ok(())
    }

    /// Stores `list` for every identity whose authority signed it, when it is newer than the
    /// one it has.
    async fn keep_revocation_list(&self, list: &str) -> Result<()> {
        for row in self.host.store().identities().await? {
            let Some(credentials) = &row.credentials else { continue };
            let Ok(authority) = PublicKey::from_jwk(&credentials.authority) else { continue };
            let Ok(fresh) = crate::cert::verify_revocation_list(list, &authority) else { continue };
            let stored_issued = credentials
                .revocation_list
                .as_deref()
                .and_then(|l| crate::cert::verify_revocation_list(l, &authority).ok())
                .map(|l| l.issued_at);
            if stored_issued.is_none_or(|stored| fresh.issued_at >= stored) {
                self.host.store()
                    .update_identity(&row.kid, |r| {
                        if let Some(c) = r.credentials.as_mut() {
                            c.revocation_list = Some(list.to_owned());
                        }
                        Ok(())
                    })
                    .await?;
            }
        }
        Ok(())
    }

    /// The unlocked identity's key id, stored credentials and certificate; `None` when nothing
    /// is unlocked or it is not enrolled yet (reports and renewal then wait).
    async fn unlocked_enrollment(&self) -> Result<Option<(String, StoredCredentials, crate::cert::Certificate)>> {
        let Some(kid) = self.host.unlocked() else { return Ok(None) };
        let Some(credentials) = self.host.store().identity(&kid).await?.credentials else { return Ok(None) };
        let cert = crate::cert::inspect_certificate(&credentials.certificate)?;
        Ok(Some((kid, credentials, cert)))
    }

    /// Sends pending failure reports, signed by the unlocked identity; without one unlocked
    /// (or enrolled) they wait.
    async fn send_reports(&self, transport: &impl Transport, options: SyncOptions, summary: &mut SyncSummary) -> Result<()> {
        let now = self.host.clock().now()?;
        let Some((_, credentials, cert)) = self.unlocked_enrollment().await? else { return Ok(()) };
        let authority = PublicKey::from_jwk(&credentials.authority)?;
        let serial = cert.serial;
        let mut after = String::new();
        loop {
            let page = self.host.store().reports(&after, 200).await?;
            let Some(last) = page.last() else { break };
            after = last.id.clone();
            let pending: Vec<ReportRow> = page.into_iter().filter(|r| r.state == ReportState::Pending).collect();
            if pending.is_empty() {
                continue;
            }
            let signed = pending
                .iter()
                .map(|r| self.host.with_identity(now, |identity| sign_report(identity, &serial, r)))
                .collect::<Result<Vec<_>>>()?;
            let nonce = new_nonce()?;
            let body = BatchRequest { items: signed, nonce: Some(nonce.clone()) }.to_json("reports");
            let answer = self.post_with_retries(transport, "/v1/reports", body, options).await?;
            let answer: ReportsAnswer = answer.json()?;
            // Only the authority's word, for this request, that a report is stored lets the
            // device stop sending it.
            let Some(signed) = signed_answer::<ReportVerdict>(answer.answer.as_deref(), &authority, &nonce) else { continue };
            for verdict in signed.verdicts.iter().filter(|v| v.verdict == ReportVerdictKind::Stored) {
                if let Some(report) = pending.get(verdict.index).filter(|r| verdict.id.as_deref() == Some(r.id.as_str())) {
                    // Only if unchanged since it was sent: a newer count or comment goes next time.
                    let sent = report.clone();
                    self.host.store()
                        .update_report(&report.id, |r| {
                            if *r == sent {
                                r.state = ReportState::Sent;
                            }
                            Ok(())
                        })
                        .await?;
                    summary.reports_sent += 1;
                }
            }
        }
        Ok(())
    }

    /// Sends the device's status, signed by the unlocked identity (without one unlocked, or
    /// enrolled, it waits for the next sync). A server that does not take statuses (an older
    /// version) is no failure.
    async fn send_status(&self, transport: &impl Transport, options: SyncOptions, summary: &mut SyncSummary) -> Result<()> {
        let Some((_, _, cert)) = self.unlocked_enrollment().await? else { return Ok(()) };
        let status = self.host.status(&cert.serial).await?;
        let now = self.host.clock().now()?;
        let signed = self.host.with_identity(now, |identity| sign_status(identity, &status))?;
        let body = crate::json::to_string(&StatusRequest { status: signed });
        let answer = self.post_with_retries(transport, "/v1/status", body, options).await?;
        summary.status_sent = (200..300).contains(&answer.status);
        Ok(())
    }

    /// Renews the unlocked identity's certificate when it expires within the renewal window.
    async fn renew_if_due(&self, transport: &impl Transport, options: SyncOptions, summary: &mut SyncSummary) -> Result<()> {
        let now = self.host.clock().now()?;
        let Some((kid, credentials, cert)) = self.unlocked_enrollment().await? else { return Ok(()) };
        // Due within the window, or at half its life for certificates shorter than twice it.
        let (nbf, exp) = (cert.nbf.millis(), cert.exp.millis());
        if exp - now.millis() > options.renew_within_ms.min((exp - nbf) / 2) {
            return Ok(());
        }
        let request = self.host.with_identity(now, |identity| renewal_request(identity, &cert.serial, now))?;
        let answer = self.post_with_retries(transport, "/v1/renew", crate::json::to_string(&RenewRequest { request }), options).await?;
        let renewed: StoredCredentials = answer.json::<Enrolled>()?.into();
        if renewed.authority != credentials.authority {
            return Err(Error::new(ErrorCode::CertUntrusted, "the renewed certificate comes from another authority"));
        }
        let fresh = StoredCredentials {
            authority: renewed.authority,
            certificate: renewed.certificate,
            revocation_list: renewed.revocation_list.or(credentials.revocation_list),
            evidence_key: credentials.evidence_key,
        };
        self.host.set_credentials(&kid, fresh).await?;
        summary.renewed = true;
        Ok(())
    }
}

/// A record's new state, receipt and error.
type Outcome = (RecordState, Option<String>, Option<RecordError>);

/// Marks each record of `batch` from its verdict; how many were settled is in the result. An
/// acceptance needs a receipt signed by the record's authority; a rejection must be in the
/// answer that authority signed (`signed`, by key id): anything else leaves the record to
/// be sent again.
fn judge_verdicts(
    batch: &[RecordRow],
    verdicts: &[RecordVerdict],
    signed: &HashMap<&str, Option<SignedAnswer<RecordVerdict>>>,
    authorities: &HashMap<String, PublicKey>,
    summary: &mut SyncSummary,
) -> Judged {
    // What each record of the batch becomes, by its position.
    let mut outcome: Vec<Option<Outcome>> = vec![None; batch.len()];
    let mut rejected = Vec::new();
    // Per identity: whether the first receipt its authority's answer vouched for also verified
    // on its own (see below).
    let mut spot_checked: Vec<(&str, bool)> = Vec::new();
    let mut untrusted: Option<(String, u32)> = None;
    let mut distrust = |record: &RecordRow| untrusted.get_or_insert_with(|| (record.kid.clone(), 0)).1 += 1;
    for verdict in verdicts {
        let Some(record) = batch.get(verdict.index).filter(|r| r.hash == verdict.hash) else { continue };
        if outcome[verdict.index].is_some() {
            continue; // a second verdict for a settled record (the verdict list is not signed)
        }
        match verdict.verdict {
            VerdictKind::Accepted | VerdictKind::Duplicate => {
                let authority = authorities.get(&record.kid);
                // A fresh receipt (issued for this request, under the key that signed the
                // answer) named in the signed answer is taken on the answer's word, once the
                // first such receipt of the batch has verified on its own: a server whose
                // receipts do not verify is caught at once. A duplicate's receipt was issued
                // earlier, perhaps under another key or from a damaged row: it always proves
                // itself, as does one the answer does not name (an older server, a receipt
                // swapped on the way).
                let vouched = match verdict.verdict {
                    VerdictKind::Accepted => signed_twin(signed, record, verdict).and_then(|v| v.receipt_hash.as_deref()),
                    _ => None,
                };
                let receipt_ok = verdict.receipt.as_deref().zip(authority).is_some_and(|(receipt, authority)| {
                    let named = vouched.is_some_and(|hash| hash == crate::record::record_hash(receipt));
                    let read = if !named {
                        crate::cert::verify_receipt(receipt, authority)
                    } else {
                        match spot_checked.iter().find(|(kid, _)| *kid == record.kid) {
                            Some((_, true)) => crate::cert::read_vouched_receipt(receipt),
                            Some((_, false)) => crate::cert::verify_receipt(receipt, authority),
                            None => {
                                let first = crate::cert::verify_receipt(receipt, authority);
                                spot_checked.push((record.kid.as_str(), first.is_ok()));
                                first
                            }
                        }
                    };
                    read.is_ok_and(|r| r.id == record.id && r.hash == record.hash)
                });
                if !receipt_ok {
                    distrust(record);
                    continue; // not proof of anything: the record stays unsent
                }
                if verdict.verdict == VerdictKind::Accepted {
                    summary.accepted += 1;
                } else {
                    summary.duplicate += 1;
                }
                outcome[verdict.index] = Some((RecordState::Accepted, verdict.receipt.clone(), None));
            }
            VerdictKind::Rejected => {
                let authentic = signed_twin(signed, record, verdict).is_some_and(|v| v.code == verdict.code && v.message == verdict.message);
                if !authentic {
                    distrust(record);
                    continue; // a refusal the authority did not sign: sent again next time
                }
                summary.rejected += 1;
                let error = RecordError {
                    code: verdict.code.clone().unwrap_or_else(|| "rejected".into()).chars().take(64).collect(),
                    message: verdict.message.clone().unwrap_or_default().chars().take(500).collect(),
                };
                rejected.push((record.kid.clone(), record.seq, error.clone()));
                outcome[verdict.index] = Some((RecordState::Rejected, None, Some(error)));
            }
        }
    }
    let settled = outcome.iter().flatten().count() as u32;
    let answered: Vec<RecordRow> = batch
        .iter()
        .zip(outcome)
        .map(|(r, outcome)| {
            let mut r = r.clone();
            r.attempts = r.attempts.saturating_add(1);
            match outcome {
                Some((state, receipt, error)) => (r.state, r.receipt, r.error) = (state, receipt, error),
                None => r.state = RecordState::Pending,
            }
            r
        })
        .collect();
    Judged { rows: answered, rejected, settled, untrusted }
}

/// The records a sync has in hand (unsent still, but not to be read again): their ids, and
/// how many of them were signed at `since` (where the next read begins).
fn in_hand(batch: &[RecordRow], queue: &VecDeque<RecordRow>, answered: &Option<Sent>, judged: &Option<Judged>, since: Option<&str>) -> (HashSet<String>, usize) {
    let answered = answered.iter().flat_map(|sent| &sent.batch);
    let judged = judged.iter().flat_map(|j| &j.rows);
    let rows = || batch.iter().chain(queue).chain(answered.clone()).chain(judged.clone());
    (rows().map(|r| r.id.clone()).collect(), rows().filter(|r| Some(r.signed_at.as_str()) == since).count())
}

/// The entry for `verdict` in the answer that `record`'s authority signed for this request:
/// the same index, record hash and verdict, if there is one.
fn signed_twin<'a>(signed: &'a HashMap<&str, Option<SignedAnswer<RecordVerdict>>>, record: &RecordRow, verdict: &RecordVerdict) -> Option<&'a RecordVerdict> {
    let answer = signed.get(record.kid.as_str())?.as_ref()?;
    // In the batch's order, so nearly always at the verdict's own index.
    let at = answer.verdicts.get(verdict.index).filter(|v| v.index == verdict.index);
    let same = at.or_else(|| answer.verdicts.iter().find(|v| v.index == verdict.index))?;
    (same.hash == verdict.hash && same.verdict == verdict.verdict).then_some(same)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::Identity;
    use crate::time::DAY_MS;
    use crate::cert::Authority;
    use crate::device::tests::{doc, enrolled_device, run, TestClock};
    use crate::record::inspect_record;
    #[cfg(feature = "evidence")]
    use crate::rows::EvidenceState;
    #[cfg(feature = "evidence")]
    use crate::evidence_size::{EVIDENCE_HEADER_LEN, EVIDENCE_PIECE};
    use std::cell::RefCell;
    use std::collections::VecDeque;

    /// What the fake server does with the next request.
    enum Next {
        /// No answer (offline, connection cut).
        Drop,
        /// An error status with an optional Retry-After.
        Status(u16, Option<&'static str>),
        /// Answers like offsign-server.
        Serve,
    }

    /// An in-process stand-in for offsign-server: it answers from a script, then serves.
    struct FakeServer<'a> {
        authority: &'a Authority,
        script: RefCell<VecDeque<Next>>,
        /// Refuse records with this seq (as the real server refuses a revoked certificate).
        refuse_seq: Option<u64>,
        /// Swap each receipt for one signed with this key after the authority signed the
        /// answer (an attacker on the way, who cannot sign as the authority).
        forger: Option<Authority>,
        /// Send no signed answer (as an older server, or one whose authority cannot sign now).
        unsigned: bool,
        /// Issue receipts with this key, yet vouch for them in the authority's answer (a server
        /// whose receipts do not verify: a damaged key or row).
        receipt_signer: Option<Authority>,
        /// Answer "duplicate" instead of "accepted".
        duplicates: bool,
        /// Sign answers with this key instead (a network attacker's rejections and time).
        answer_forger: Option<Authority>,
        /// Send every verdict twice in the (unsigned) verdict list.
        repeated_verdicts: bool,
        /// The time in the signed answer, when not `server_time`.
        answer_time: Option<&'static str>,
        /// Answer with the nonce of another request (a replayed answer).
        replayed_nonce: Option<&'static str>,
        sleeps: RefCell<Vec<u64>>,
        paths: RefCell<Vec<String>>,
        /// Records received, resends included.
        received: RefCell<usize>,
        /// Device statuses received.
        statuses: RefCell<Vec<DeviceStatus>>,
        server_time: &'static str,
        /// The worker's key, for renewals.
        worker: Option<crate::keys::PublicJwk>,
        #[cfg(feature = "evidence")]
        /// Evidence uploads under way, by `id/kind`.
        uploads: RefCell<HashMap<String, Vec<u8>>>,
        #[cfg(feature = "evidence")]
        /// Evidence held (the plain bytes), by `id/kind`.
        held: RefCell<HashMap<String, Vec<u8>>>,
        /// What each accepted record signed: `id/kind` → digest.
        digests: RefCell<HashMap<String, String>>,
        #[cfg(feature = "evidence")]
        /// Cut the connection after every this many PATCHes (the server keeps the chunk, the
        /// device hears nothing), as a link that drops does.
        cut_every: Option<usize>,
        #[cfg(feature = "evidence")]
        patches: RefCell<usize>,
        /// The record whose document the server holds another digest for (the upload does
        /// not match).
        tampered: Option<String>,
        /// The record whose document uploads never finish: every GET says offset 0, every
        /// PATCH "go on" (a hostile or broken server).
        #[cfg(feature = "evidence")]
        stalled: Option<String>,
        /// Answer a PATCH whose body is longer than this with a proxy's 413 page (a body limit
        /// on the way).
        #[cfg(feature = "evidence")]
        proxy_limit: Option<usize>,
        /// The body length of each PATCH, in order.
        #[cfg(feature = "evidence")]
        patch_lengths: RefCell<Vec<usize>>,
        /// What accepted records committed to (`claims.evidenceSealing`): `id/kind` → commitment.
        #[cfg(feature = "evidence")]
        commitments: RefCell<HashMap<String, String>>,
        /// A link on which each PATCH takes 2 seconds of this clock.
        #[cfg(feature = "evidence")]
        slow_link: Option<&'a TestClock>,
        /// Fail once when an upload is whole, keeping it unchecked (a full disk on the server).
        #[cfg(feature = "evidence")]
        fault_when_whole: std::cell::Cell<bool>,
        /// The forms in use; none: `GET /v1/forms` is 404 (a server older than forms).
        forms: RefCell<Vec<crate::Form>>,
        /// Who signs the set of forms, and when (default: the authority, at the server time).
        forms_signer: Option<Authority>,
        forms_issued: Option<&'static str>,
    }

    impl<'a> FakeServer<'a> {
        fn new(authority: &'a Authority, script: Vec<Next>) -> Self {
            FakeServer {
                authority,
                script: RefCell::new(script.into()),
                refuse_seq: None,
                forger: None,
                unsigned: false,
                receipt_signer: None,
                duplicates: false,
                answer_forger: None,
                repeated_verdicts: false,
                answer_time: None,
                replayed_nonce: None,
                sleeps: RefCell::default(),
                paths: RefCell::default(),
                received: RefCell::default(),
                statuses: RefCell::default(),
                server_time: "2026-11-25T08:01:05.000Z",
                worker: None,
                #[cfg(feature = "evidence")]
                uploads: RefCell::default(),
                #[cfg(feature = "evidence")]
                held: RefCell::default(),
                digests: RefCell::default(),
                #[cfg(feature = "evidence")]
                cut_every: None,
                #[cfg(feature = "evidence")]
                patches: RefCell::default(),
                tampered: None,
                #[cfg(feature = "evidence")]
                stalled: None,
                #[cfg(feature = "evidence")]
                proxy_limit: None,
                #[cfg(feature = "evidence")]
                patch_lengths: RefCell::default(),
                #[cfg(feature = "evidence")]
                commitments: RefCell::default(),
                #[cfg(feature = "evidence")]
                slow_link: None,
                #[cfg(feature = "evidence")]
                fault_when_whole: std::cell::Cell::new(false),
                forms: RefCell::default(),
                forms_signer: None,
                forms_issued: None,
            }
        }

        #[cfg(feature = "evidence")]
        /// `GET /v1/evidence/{id}/{kind}` as offsign-server answers it.
        fn evidence_status(&self, key: &str) -> HttpResponse {
            if self.stalled.as_ref().is_some_and(|id| key.starts_with(id.as_str())) {
                return HttpResponse { status: 200, retry_after: None, body: r#"{"offset":0}"#.into() };
            }
            let body = match (self.held.borrow().get(key), self.digests.borrow().get(key)) {
                (_, None) => return HttpResponse { status: 404, retry_after: None, body: r#"{"code":"record_unknown"}"#.into() },
                (Some(plain), Some(_)) => self.evidence_receipt(key, plain),
                (None, Some(_)) => serde_json::json!({ "offset": self.uploads.borrow().get(key).map_or(0, Vec::len) }).to_string(),
            };
            HttpResponse { status: 200, retry_after: None, body }
        }

        #[cfg(feature = "evidence")]
        fn evidence_receipt(&self, key: &str, plain: &[u8]) -> String {
            let (id, kind) = key.split_once('/').unwrap();
            let now = Timestamp::parse_rfc3339(self.server_time).unwrap();
            let digest = crate::encoding::b64url(&<sha2::Sha256 as sha2::Digest>::digest(plain));
            let receipt = self.receipt_signer.as_ref().unwrap_or(self.authority).issue_evidence_receipt(id, kind, &digest, plain.len() as u64, now).unwrap();
            serde_json::json!({ "receipt": receipt }).to_string()
        }

        #[cfg(feature = "evidence")]
        /// `PATCH /v1/evidence/{id}/{kind}` as offsign-server answers it.
        fn evidence_append(&self, key: &str, offset: u64, length: u64, token: Option<&str>, bytes: &[u8]) -> HttpResponse {
            let answer = |status: u16, body: String| HttpResponse { status, retry_after: None, body };
            if self.stalled.as_ref().is_some_and(|id| key.starts_with(id.as_str())) {
                return answer(204, String::new());
            }
            if self.proxy_limit.is_some_and(|limit| bytes.len() > limit) {
                return answer(413, "<html><body>413 Request Entity Too Large</body></html>".into());
            }
            if self.held.borrow().contains_key(key) {
                return self.evidence_status(key);
            }
            // As offsign-server: the header (the first chunk's, or the one held) must open to
            // the key the record named, and the chunk carry the token of that key.
            if let Some(committed) = self.commitments.borrow().get(key) {
                let (id, kind) = key.split_once('/').unwrap();
                let kind = crate::EvidenceKind::parse(kind).unwrap();
                let held = self.uploads.borrow().get(key).cloned().unwrap_or_default();
                let header = if offset == 0 { bytes.get(..EVIDENCE_HEADER_LEN) } else { held.get(..EVIDENCE_HEADER_LEN) };
                let proofs = header.and_then(|header| crate::header_proofs(header, &self.authority.evidence_secret(), id, kind).ok());
                if !proofs.is_some_and(|p| &p.commitment == committed && Some(p.upload_token.as_str()) == token) {
                    return answer(422, r#"{"code":"malformed_evidence"}"#.into());
                }
            }
            let Some(digest) = self.digests.borrow().get(key).cloned() else { return answer(404, r#"{"code":"record_unknown"}"#.into()) };
            let mut uploads = self.uploads.borrow_mut();
            let upload = uploads.entry(key.to_owned()).or_default();
            if upload.len() as u64 != offset {
                return answer(409, r#"{"code":"upload_offset_mismatch"}"#.into());
            }
            upload.extend_from_slice(bytes);
            if (upload.len() as u64) < length {
                return answer(204, String::new());
            }
            if self.fault_when_whole.replace(false) {
                return answer(500, r#"{"code":"internal_error"}"#.into());
            }
            let sealed = uploads.remove(key).unwrap();
            let (id, kind) = key.split_once('/').unwrap();
            let plain = crate::evidence::open_evidence(&sealed, &self.authority.evidence_secret(), id, crate::EvidenceKind::parse(kind).unwrap());
            match plain {
                Ok(plain) if crate::encoding::b64url(&<sha2::Sha256 as sha2::Digest>::digest(&plain)) == digest => {
                    self.held.borrow_mut().insert(key.to_owned(), plain.to_vec());
                    answer(200, self.evidence_receipt(key, &plain))
                }
                Ok(_) => answer(422, r#"{"code":"digest_mismatch","message":"does not match"}"#.into()),
                Err(_) => answer(422, r#"{"code":"malformed_evidence","message":"does not open"}"#.into()),
            }
        }

        /// Signs an answer for the request that sent `nonce`, as this server does (or as its
        /// forger would).
        fn sign_answer(&self, verdicts: serde_json::Value, nonce: Option<&str>) -> String {
            let time = Timestamp::parse_rfc3339(self.answer_time.unwrap_or(self.server_time)).unwrap();
            let nonce = self.replayed_nonce.or(nonce);
            self.answer_forger.as_ref().unwrap_or(self.authority).sign_answer(time, verdicts, nonce).unwrap()
        }

        /// `GET /v1/forms[?have=TAG]`, as the server answers it.
        fn forms_answer(&self, path: &str) -> HttpResponse {
            let forms = self.forms.borrow().clone();
            if forms.is_empty() {
                return HttpResponse { status: 404, retry_after: None, body: r#"{"code":"not_found"}"#.into() };
            }
            let tag = crate::forms_tag(&forms);
            let body = if path.strip_prefix("/v1/forms?have=") == Some(tag.as_str()) {
                r#"{"unchanged":true}"#.to_owned()
            } else {
                let issued = Timestamp::parse_rfc3339(self.forms_issued.unwrap_or(self.server_time)).unwrap();
                serde_json::json!({ "forms": self.forms_signer.as_ref().unwrap_or(self.authority).issue_forms(forms, issued).unwrap() }).to_string()
            };
            HttpResponse { status: 200, retry_after: None, body }
        }

        fn serve(&self, path: &str, body: &str) -> String {
            let now = Timestamp::parse_rfc3339(self.server_time).unwrap();
            let list = self.authority.issue_revocation_list(vec![], now, now.plus_millis(7 * DAY_MS)).unwrap();
            match path {
                "/v1/records" => {
                    let request = BatchRequest::from_json(body.as_bytes(), "records").unwrap();
                    *self.received.borrow_mut() += request.items.len();
                    // Each verdict, with the receipt a forger swaps in on the way, if any.
                    let (verdicts, swapped): (Vec<RecordVerdict>, Vec<Option<String>>) = request
                        .items
                        .iter()
                        .enumerate()
                        .map(|(index, jws)| {
                            let (_, payload) = inspect_record(jws).unwrap();
                            let hash = crate::record_hash(jws);
                            if Some(payload.seq) == self.refuse_seq {
                                return (RecordVerdict::rejected(index, None, hash, ErrorCode::CertRevoked, "revoked".into()), None);
                            }
                            let mut digests = self.digests.borrow_mut();
                            let sha256 = if self.tampered.as_ref() == Some(&payload.id) { "tampered".into() } else { payload.doc.sha256.clone() };
                            digests.insert(format!("{}/document", payload.id), sha256);
                            if let Some(image) = payload.claims.get("signatureImage").and_then(|i| i["sha256"].as_str()) {
                                digests.insert(format!("{}/signature-image", payload.id), image.to_owned());
                            }
                            #[cfg(feature = "evidence")]
                            if let Some(sealing) = payload.claims.get(crate::EVIDENCE_SEALING_CLAIM).and_then(|s| s.as_object()) {
                                for (kind, commitment) in sealing {
                                    self.commitments.borrow_mut().insert(format!("{}/{kind}", payload.id), commitment.as_str().unwrap_or_default().to_owned());
                                }
                            }
                            let receipt = self.receipt_signer.as_ref().unwrap_or(self.authority).issue_receipt(&payload.id, &hash, now).unwrap();
                            let forged = self.forger.as_ref().map(|forger| forger.issue_receipt(&payload.id, &hash, now).unwrap());
                            let verdict = if self.duplicates { VerdictKind::Duplicate } else { VerdictKind::Accepted };
                            (RecordVerdict { index, id: None, hash, verdict, code: None, message: None, receipt: Some(receipt), receipt_hash: None, chain_gap: false }, forged)
                        })
                        .unzip();
                    let vouched: Vec<RecordVerdict> = verdicts.iter().map(RecordVerdict::for_answer).collect();
                    let signed = self.sign_answer(serde_json::to_value(vouched).unwrap(), request.nonce.as_deref());
                    let answer = (!self.unsigned).then_some(signed);
                    let verdicts: Vec<RecordVerdict> = verdicts.into_iter().zip(swapped).map(|(v, forged)| RecordVerdict { receipt: forged.or(v.receipt.clone()), ..v }).collect();
                    let copies = if self.repeated_verdicts { 2 } else { 1 };
                    let verdicts = verdicts.iter().flat_map(|v| std::iter::repeat_n(v.clone(), copies)).collect();
                    let server_time = self.server_time.to_owned();
                    serde_json::to_string(&RecordsAnswer { verdicts, answer, revocation_list: Some(list), server_time }).unwrap()
                }
                "/v1/reports" => {
                    let request = BatchRequest::from_json(body.as_bytes(), "reports").unwrap();
                    let verdicts: Vec<ReportVerdict> = request
                        .items
                        .iter()
                        .enumerate()
                        .map(|(index, jws)| {
                            let id = inspect_report(jws).unwrap().report.id;
                            ReportVerdict { index, id: Some(id), verdict: ReportVerdictKind::Stored, code: None }
                        })
                        .collect();
                    let signed = self.sign_answer(serde_json::to_value(&verdicts).unwrap(), request.nonce.as_deref());
                    serde_json::to_string(&ReportsAnswer { verdicts, server_time: self.server_time.to_owned(), answer: Some(signed) }).unwrap()
                }
                "/v1/renew" => {
                    let RenewRequest { request: jws } = crate::json::parse(body.as_bytes()).unwrap();
                    let request = inspect_renewal_request(&jws).unwrap();
                    let jwk = self.worker.as_ref().unwrap();
                    verify_renewal_request(&jws, &crate::keys::PublicKey::from_jwk(jwk).unwrap()).unwrap();
                    let serial = format!("{}-renewed", request.serial);
                    let certificate = self.authority.issue_certificate(&serial, "jones", jwk, now, now.plus_millis(100 * DAY_MS)).unwrap();
                    let authority = self.authority.public_key().to_jwk();
                    serde_json::to_string(&Enrolled { worker: "jones".into(), authority, certificate, revocation_list: list, server_time: self.server_time.into() }).unwrap()
                }
                "/v1/status" => {
                    let StatusRequest { status } = crate::json::parse(body.as_bytes()).unwrap();
                    let read = match &self.worker {
                        Some(jwk) => verify_status(&status, &crate::keys::PublicKey::from_jwk(jwk).unwrap()),
                        None => inspect_status(&status),
                    };
                    self.statuses.borrow_mut().push(read.unwrap());
                    "{}".into()
                }
                other => panic!("unexpected path {other}"),
            }
        }
    }

    impl Transport for FakeServer<'_> {
        async fn post(&self, path: &str, body: String) -> std::result::Result<HttpResponse, String> {
            self.paths.borrow_mut().push(path.to_owned());
            match self.script.borrow_mut().pop_front().unwrap_or(Next::Serve) {
                Next::Drop => Err("connection reset".into()),
                Next::Status(status, retry_after) => {
                    Ok(HttpResponse { status, retry_after: retry_after.map(str::to_owned), body: "{}".into() })
                }
                Next::Serve => Ok(HttpResponse { status: 200, retry_after: None, body: self.serve(path, &body) }),
            }
        }

        async fn get(&self, path: &str) -> std::result::Result<HttpResponse, String> {
            self.paths.borrow_mut().push(path.to_owned());
            #[cfg(feature = "evidence")]
            if path == "/v1/evidence-key" {
                let statement = self.authority.issue_evidence_key(Timestamp::parse_rfc3339(self.server_time).unwrap()).unwrap();
                return Ok(HttpResponse { status: 200, retry_after: None, body: serde_json::json!({ "evidenceKey": statement }).to_string() });
            }
            #[cfg(feature = "evidence")]
            if let Some(key) = path.strip_prefix("/v1/evidence/") {
                return Ok(self.evidence_status(key));
            }
            if path.starts_with("/v1/forms") {
                return Ok(self.forms_answer(path));
            }
            self.paths.borrow_mut().pop();
            let (path, nonce) = path.split_once("?nonce=").unwrap();
            assert_eq!(path, "/v1/revocations");
            self.paths.borrow_mut().push(path.to_owned());
            let now = Timestamp::parse_rfc3339(self.server_time).unwrap();
            let list = self.authority.issue_revocation_list(vec![], now, now.plus_millis(7 * DAY_MS)).unwrap();
            let answer = self.sign_answer(serde_json::json!([]), Some(nonce));
            let body = serde_json::to_string(&RevocationsAnswer { revocation_list: list, server_time: self.server_time.into(), answer: Some(answer) }).unwrap();
            Ok(HttpResponse { status: 200, retry_after: None, body })
        }

        #[cfg(not(feature = "evidence"))]
        async fn patch(&self, path: &str, _: u64, _: u64, _: Option<&str>, _: Vec<u8>) -> std::result::Result<HttpResponse, String> {
            unreachable!("no evidence without the feature: {path}")
        }

        #[cfg(feature = "evidence")]
        async fn patch(&self, path: &str, offset: u64, length: u64, token: Option<&str>, bytes: Vec<u8>) -> std::result::Result<HttpResponse, String> {
            self.paths.borrow_mut().push(format!("PATCH {path}"));
            self.patch_lengths.borrow_mut().push(bytes.len());
            if let Some(clock) = self.slow_link {
                clock.advance(2_000);
            }
            let answer = self.evidence_append(path.strip_prefix("/v1/evidence/").unwrap(), offset, length, token, &bytes);
            *self.patches.borrow_mut() += 1;
            match self.cut_every {
                Some(every) if *self.patches.borrow() % every == 0 => Err("connection reset".into()),
                _ => Ok(answer),
            }
        }

        async fn sleep(&self, ms: u64) {
            self.sleeps.borrow_mut().push(ms);
        }
    }

    fn no_progress(_: u32, _: u32) {}

    #[cfg(feature = "evidence")]
    /// A document (and a pad image) to sign, read and sealed as a device reads a file: in
    /// parts of 300,000 bytes.
    fn with_evidence(device: &crate::device::tests::TestDevice<'_>, bytes: &[u8], image: Option<&[u8]>) -> crate::SignInput {
        use crate::EvidenceKind;
        let stage = |kind, media_type, bytes: &[u8]| {
            let mut staged = device.stage_evidence(kind, media_type, bytes.len() as u64).unwrap();
            for part in bytes.chunks(300_000) {
                run(device.feed_evidence(&mut staged, part)).unwrap();
            }
            let sha256 = run(device.finish_evidence(&mut staged)).unwrap();
            (staged, sha256)
        };
        let (document, sha256) = stage(EvidenceKind::Document, "image/jpeg", bytes);
        let doc = crate::DocumentDigest::of_sha256(&sha256, Some("photo.jpg".into()), Some("image/jpeg".into()), Some(bytes.len() as u64)).unwrap();
        let mut input = crate::SignInput { doc, claims: Default::default(), evidence: vec![document] };
        if let Some(image) = image {
            let (staged, sha256) = stage(EvidenceKind::SignatureImage, "image/png", image);
            input.claims.insert("signatureImage".into(), serde_json::json!({ "sha256": crate::encoding::b64url(&sha256), "type": "image/png" }));
            input.evidence.push(staged);
        }
        input
    }

    #[cfg(feature = "evidence")]
    /// The id of a record signed with `bytes` (and `image`) as its evidence.
    #[cfg(feature = "evidence")]
    fn signed_with_evidence(device: &crate::device::tests::TestDevice<'_>, bytes: &[u8], image: Option<&[u8]>) -> String {
        run(device.sign(vec![with_evidence(device, bytes, image)])).unwrap().records[0].payload.id.clone()
    }

    #[cfg(feature = "evidence")]
    /// Bytes that do not repeat (a photo, as far as sealing can tell).
    fn photo(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect()
    }

    #[test]
    #[cfg(feature = "evidence")]
    fn evidence_of_accepted_records_is_uploaded_through_a_link_that_keeps_dropping_and_kept_with_its_receipt() {
        let clock = TestClock::default();
        let (device, _, authority) = enrolled_device(&clock);
        let mut server = FakeServer::new(&authority, vec![]);
        run(device.sync(&server, SyncOptions::default(), &no_progress)).unwrap();
        clock.set("2026-11-25T08:01:00Z");
        // 2.5 MiB: three stored pieces, a header and three PATCHes of up to 1 MiB.
        let (bytes, image) = (photo(2_621_440 + 7), photo(9_000));
        let signed = run(device.sign(vec![with_evidence(&device, &bytes, Some(&image))])).unwrap();
        let id = signed.records[0].payload.id.clone();
        let rows = run(device.store().evidence(&id)).unwrap();
        assert_eq!(rows.len(), 2);
        assert!(rows.iter().all(|e| e.addressed && e.state == EvidenceState::Pending), "sealed to the server's key pinned at the first sync");
        // Every second request is cut after the server took its bytes: the device hears nothing.
        server.cut_every = Some(2);
        let summary = run(device.sync(&server, SyncOptions::default(), &no_progress)).unwrap();
        assert_eq!((summary.accepted, summary.evidence_stored), (1, 2), "{summary:?}");
        assert_eq!(server.held.borrow()[&format!("{id}/document")], bytes, "the server opened and checked the photo");
        assert_eq!(server.held.borrow()[&format!("{id}/signature-image")], image);
        let patches = server.paths.borrow().iter().filter(|p| p.starts_with("PATCH")).count();
        assert!(patches <= 6, "resumed where the server's copy ended, never from the start: {patches} PATCHes");
        for stored in run(device.store().evidence(&id)).unwrap() {
            assert_eq!((stored.state, stored.pending.as_deref()), (EvidenceState::Stored, None));
            let receipt = crate::cert::verify_evidence_receipt(stored.receipt.as_deref().unwrap(), authority.public_key()).unwrap();
            assert_eq!((receipt.id.as_str(), receipt.sha256.as_str()), (id.as_str(), stored.sha256.as_str()));
        }
        // Kept on the device (records are kept for ever by default), readable by its worker.
        let mut read = Vec::new();
        run(device.open_evidence(&id, crate::EvidenceKind::Document, &mut |plain| read.extend_from_slice(&plain))).unwrap();
        assert_eq!(read, bytes);
        let again = run(device.sync(&server, SyncOptions::default(), &no_progress)).unwrap();
        assert_eq!(again.evidence_stored, 0, "nothing is sent twice");
    }

    #[test]
    #[cfg(feature = "evidence")]
    fn evidence_sealed_before_the_server_key_was_known_is_readdressed_by_its_unlocked_worker() {
        let clock = TestClock::default();
        let (device, row, authority) = enrolled_device(&clock);
        let bytes = photo(70_000);
        let signed = run(device.sign(vec![with_evidence(&device, &bytes, None)])).unwrap();
        let id = signed.records[0].payload.id.clone();
        assert!(!run(device.store().evidence(&id)).unwrap()[0].addressed, "no server key yet: sealed to the worker alone");
        let server = FakeServer::new(&authority, vec![]);
        device.lock();
        let locked = run(device.sync(&server, SyncOptions::default(), &no_progress)).unwrap();
        assert_eq!((locked.accepted, locked.evidence_stored), (1, 0), "the worker's key is needed to readdress it");
        assert!(server.uploads.borrow().is_empty() && server.held.borrow().is_empty(), "nothing the server cannot open is sent");
        run(device.unlock(&row.kid, crate::device::tests::PIN)).unwrap();
        assert_eq!(run(device.sync(&server, SyncOptions::default(), &no_progress)).unwrap().evidence_stored, 1);
        assert_eq!(server.held.borrow()[&format!("{id}/document")], bytes);
    }

    #[test]
    #[cfg(feature = "evidence")]
    fn evidence_that_must_wait_for_its_worker_does_not_hold_back_evidence_that_can_go() {
        let clock = TestClock::default();
        let (device, row, authority) = enrolled_device(&clock);
        // Five pieces signed before the device had the server's key (more than a page of
        // pending rows, in tests 3), then one after: the first five wait for their worker.
        let waiting: Vec<String> = (0..5).map(|i| signed_with_evidence(&device, &photo(1_000 + i), None)).collect();
        let server = FakeServer::new(&authority, vec![]);
        device.lock();
        assert_eq!(run(device.sync(&server, SyncOptions::default(), &no_progress)).unwrap().evidence_stored, 0, "the server's key is pinned now");
        run(device.unlock(&row.kid, crate::device::tests::PIN)).unwrap();
        let ready = signed_with_evidence(&device, &photo(2_000), None);
        device.lock();
        let summary = run(device.sync(&server, SyncOptions::default(), &no_progress)).unwrap();
        assert_eq!(summary.evidence_stored, 1, "{summary:?}");
        assert!(server.held.borrow().contains_key(&format!("{ready}/document")), "sent past the rows that wait");
        assert!(waiting.iter().all(|id| !server.held.borrow().contains_key(&format!("{id}/document"))));
        run(device.unlock(&row.kid, crate::device::tests::PIN)).unwrap();
        assert_eq!(run(device.sync(&server, SyncOptions::default(), &no_progress)).unwrap().evidence_stored, 5, "and they go once their worker is back");
    }

    #[test]
    #[cfg(feature = "evidence")]
    fn refused_evidence_and_the_evidence_of_refused_records_stay_on_the_device_and_are_not_sent_again() {
        let clock = TestClock::default();
        let (device, row, authority) = enrolled_device(&clock);
        let mut server = FakeServer::new(&authority, vec![]);
        run(device.sync(&server, SyncOptions::default(), &no_progress)).unwrap();
        server.refuse_seq = Some(2);
        let first = signed_with_evidence(&device, &photo(1000), None);
        let refused_record = signed_with_evidence(&device, &photo(1000), None);
        // The server's copy of what the first record signed is another digest: the upload does not match.
        server.tampered = Some(first.clone());
        let summary = run(device.sync(&server, SyncOptions::default(), &no_progress)).unwrap();
        assert_eq!((summary.accepted, summary.rejected, summary.evidence_stored), (1, 1, 0), "{summary:?}");
        let mismatch = &run(device.store().evidence(&first)).unwrap()[0];
        assert_eq!((mismatch.state, mismatch.error.as_ref().map(|e| e.code.as_str())), (EvidenceState::Refused, Some("digest_mismatch")));
        let never_sent = &run(device.store().evidence(&refused_record)).unwrap()[0];
        assert_eq!((never_sent.state, never_sent.error.as_ref().map(|e| e.code.as_str())), (EvidenceState::Refused, Some("cert_revoked")));
        assert!(!server.paths.borrow().iter().any(|p| p.contains(&refused_record)), "the evidence of a refused record is not sent");
        let reports = run(device.reports("", 50)).unwrap();
        assert!(reports.iter().any(|r| r.code == "evidence_refused" && r.kid.as_deref() == Some(row.kid.as_str())), "{reports:?}");
        let patches = server.paths.borrow().len();
        run(device.sync(&server, SyncOptions::default(), &no_progress)).unwrap();
        assert!(!server.paths.borrow()[patches..].iter().any(|p| p.contains("/v1/evidence/")), "not sent again");
        let mut read = Vec::new();
        run(device.open_evidence(&first, crate::EvidenceKind::Document, &mut |plain| read.extend_from_slice(&plain))).unwrap();
        assert_eq!(read, photo(1000), "still readable by its worker");
    }

    #[test]
    #[cfg(feature = "evidence")]
    fn evidence_not_yet_sent_travels_in_the_backup_checked_and_opens_after_a_restore() {
        let clock = TestClock::default();
        let (device, row, _) = enrolled_device(&clock);
        let (bytes, image) = (photo(1_200_000), photo(3_000));
        let id = signed_with_evidence(&device, &bytes, Some(&image));
        let backup = run(device.export_backup("correct horse battery", crate::KdfParams::MIN)).unwrap();
        let contents = crate::backup::open_backup(&backup, "correct horse battery").unwrap();
        assert_eq!(contents.evidence.len(), 2, "the photo and the pad, not yet at the server");
        assert!(!String::from_utf8_lossy(&backup).contains("signature-image"), "sealed under the passphrase");

        let fresh = crate::Device::new(crate::store::memory::MemoryStore::default(), &clock, crate::device::tests::config());
        // A backup whose evidence is not what its record signed, or lacks a piece, imports nothing.
        let reseal = |contents: &crate::BackupContents| crate::backup::seal_backup(contents, "pass phrase", crate::KdfParams::MIN).unwrap();
        let mut swapped = contents.clone();
        swapped.evidence[0].row.sha256 = swapped.evidence[1].row.sha256.clone();
        let mut short = contents.clone();
        short.evidence.iter_mut().find(|e| e.row.kind == "document").unwrap().pieces.pop();
        let mut stray = contents.clone();
        stray.evidence[0].row.record_id = "another-record".into();
        for forged in [swapped, short, stray] {
            assert_eq!(run(fresh.import_backup(&reseal(&forged), "pass phrase")).unwrap_err().code(), ErrorCode::MalformedBackup);
        }
        assert!(fresh.store().pieces.borrow().is_empty(), "nothing of a refused backup is kept");

        let summary = run(fresh.import_backup(&backup, "correct horse battery")).unwrap();
        assert_eq!((summary.records_added, summary.evidence_added), (1, 2));
        run(fresh.unlock(&row.kid, crate::device::tests::PIN)).unwrap();
        let mut read = Vec::new();
        run(fresh.open_evidence(&id, crate::EvidenceKind::Document, &mut |plain| read.extend_from_slice(&plain))).unwrap();
        assert_eq!(read, bytes, "the restored device opens the photo");
        assert_eq!(run(fresh.import_backup(&backup, "correct horse battery")).unwrap().evidence_added, 0, "no duplicates");

        // A later backup whose new evidence names the pieces of evidence already on the device.
        run(device.unlock(&row.kid, crate::device::tests::PIN)).unwrap();
        let later = signed_with_evidence(&device, &photo(500), None);
        let mut borrowing = crate::backup::open_backup(&run(device.export_backup("pass phrase", crate::KdfParams::MIN)).unwrap(), "pass phrase").unwrap();
        borrowing.evidence.retain(|e| e.row.record_id == later);
        borrowing.evidence[0].row.staged = contents.evidence[0].row.staged.clone();
        let refused = run(fresh.import_backup(&reseal(&borrowing), "pass phrase")).unwrap_err();
        assert_eq!(refused.code(), ErrorCode::MalformedBackup, "another piece's bytes are never replaced");
        let mut again = Vec::new();
        run(fresh.open_evidence(&id, crate::EvidenceKind::Document, &mut |plain| again.extend_from_slice(&plain))).unwrap();
        assert_eq!(again, bytes, "and the photo is untouched");
    }

    #[test]
    #[cfg(feature = "evidence")]
    fn a_server_that_never_lets_an_upload_finish_runs_out_of_requests_and_the_next_piece_still_goes() {
        let clock = TestClock::default();
        let (device, row, authority) = enrolled_device(&clock);
        let mut server = FakeServer::new(&authority, vec![]);
        run(device.sync(&server, SyncOptions::default(), &no_progress)).unwrap();
        let stuck = signed_with_evidence(&device, &photo(150_000), None);
        let next = signed_with_evidence(&device, &photo(2_000), None);
        server.stalled = Some(stuck.clone());
        let summary = run(device.sync(&server, SyncOptions::default(), &no_progress)).unwrap();
        assert_eq!(summary.evidence_stored, 1, "the piece after the stuck one still goes");
        assert_eq!(server.held.borrow()[&format!("{next}/document")], photo(2_000));
        let asked = server.paths.borrow().iter().filter(|p| p.contains(&stuck)).count();
        assert!(asked <= 3 * (1 + 2) + 5, "a bounded number of requests, not for ever: {asked}");
        let reports = run(device.reports("", 50)).unwrap();
        let report = reports.iter().find(|r| r.operation == "upload_evidence").expect("reported");
        assert_eq!((report.code.as_str(), report.kid.as_deref()), ("server_refused", Some(row.kid.as_str())));
        assert_eq!(run(device.store().evidence(&stuck)).unwrap()[0].state, EvidenceState::Pending, "it waits for a server that takes it");
    }

    #[test]
    #[cfg(feature = "evidence")]
    fn a_proxy_body_limit_is_no_verdict_and_an_unchecked_whole_upload_is_checked_again() {
        let clock = TestClock::default();
        let (device, _, authority) = enrolled_device(&clock);
        let mut server = FakeServer::new(&authority, vec![]);
        run(device.sync(&server, SyncOptions::default(), &no_progress)).unwrap();
        let id = signed_with_evidence(&device, &photo(80_000), None);
        server.proxy_limit = Some(0);
        let limited = run(device.sync(&server, SyncOptions { max_tries: 2, ..SyncOptions::default() }, &no_progress)).unwrap();
        assert_eq!(limited.evidence_stored, 0);
        assert_eq!(run(device.store().evidence(&id)).unwrap()[0].state, EvidenceState::Pending, "a 413 without the server's code refuses nothing");
        server.proxy_limit = None;
        // The server fails once as the upload becomes whole, and keeps it unchecked.
        server.fault_when_whole.set(true);
        let summary = run(device.sync(&server, SyncOptions::default(), &no_progress)).unwrap();
        assert_eq!(summary.evidence_stored, 1, "the device asks again and the whole is checked");
        assert_eq!(server.held.borrow()[&format!("{id}/document")], photo(80_000));
    }

    #[test]
    #[cfg(feature = "evidence")]
    fn on_a_fast_link_patches_grow_to_three_pieces_and_never_again_past_a_body_a_proxy_refused() {
        let clock = TestClock::default();
        let (device, _, authority) = enrolled_device(&clock);
        let mut server = FakeServer::new(&authority, vec![]);
        run(device.sync(&server, SyncOptions::default(), &no_progress)).unwrap();
        // Nine stored pieces. The test clock stands still: every answer is quick.
        let bytes = photo(9 * 1_048_576 - 100);
        let id = signed_with_evidence(&device, &bytes, None);
        let piece = EVIDENCE_PIECE;
        // A proxy on the way takes bodies of 2.5 MiB at most.
        server.proxy_limit = Some(5 << 19);
        let summary = run(device.sync(&server, SyncOptions::default(), &no_progress)).unwrap();
        assert_eq!(summary.evidence_stored, 1, "{summary:?}");
        assert_eq!(server.held.borrow()[&format!("{id}/document")], bytes);
        let lengths = server.patch_lengths.borrow().clone();
        // The header rides with the first piece; then one piece more each time, up to three,
        // which the proxy refuses; one piece again, then never more than two.
        assert_eq!(lengths[..4], [EVIDENCE_HEADER_LEN + piece, 2 * piece, 3 * piece, piece], "{lengths:?}");
        assert!(lengths[4..].iter().all(|&length| length <= 2 * piece), "{lengths:?}");
        assert_eq!(lengths.iter().filter(|&&length| length > 5 << 19).count(), 1, "one body refused, once: {lengths:?}");
        assert!(lengths.len() <= 8, "nine pieces in fewer requests: {lengths:?}");

        // On a slow link (2 s a PATCH) every PATCH carries one piece, so that a cut loses little.
        server.slow_link = Some(&clock);
        let slow = signed_with_evidence(&device, &photo(4 * 1_048_576), None);
        server.patch_lengths.borrow_mut().clear();
        assert_eq!(run(device.sync(&server, SyncOptions::default(), &no_progress)).unwrap().evidence_stored, 1);
        assert!(server.held.borrow().contains_key(&format!("{slow}/document")));
        assert!(server.patch_lengths.borrow().iter().all(|&length| length <= EVIDENCE_HEADER_LEN + piece), "{:?}", server.patch_lengths.borrow());
    }

    #[test]
    #[cfg(feature = "evidence")]
    fn the_device_makes_a_bundle_offline_that_passes_every_check_of_a_verifier() {
        let clock = TestClock::default();
        let (device, _, authority) = enrolled_device(&clock);
        let server = FakeServer::new(&authority, vec![]);
        run(device.sync(&server, SyncOptions::default(), &no_progress)).unwrap();
        let (bytes, image) = (photo(200_000), photo(1_500));
        run(device.sign(vec![with_evidence(&device, b"the first", None)])).unwrap();
        let id = signed_with_evidence(&device, &bytes, Some(&image));
        run(device.sync(&server, SyncOptions::default(), &no_progress)).unwrap();
        let file = run(device.bundle(&id)).unwrap();
        let read = crate::read_bundle(std::io::Cursor::new(&file)).unwrap();
        assert_eq!((read.bundle.document.as_deref(), read.bundle.signature_image.as_deref()), (Some(&bytes[..]), Some(&image[..])));
        let report = crate::verify_bundle(&read.bundle, authority.public_key());
        assert!(report.iter().all(|c| c.outcome == crate::Outcome::Pass), "{report:#?}");
        assert_eq!(run(device.bundle("no-such-record")).unwrap_err().code(), ErrorCode::RecordNotFound);
        device.lock();
        assert_eq!(run(device.bundle(&id)).unwrap_err().code(), ErrorCode::IdentityLocked);
    }

    #[test]
    #[cfg(feature = "evidence")]
    fn a_forged_evidence_receipt_leaves_the_evidence_pending() {
        let clock = TestClock::default();
        let (device, _, authority) = enrolled_device(&clock);
        let mut server = FakeServer::new(&authority, vec![]);
        run(device.sync(&server, SyncOptions::default(), &no_progress)).unwrap();
        let id = signed_with_evidence(&device, &photo(500), None);
        let forger = Authority::new(Identity::generate().unwrap(), "Forger");
        server.receipt_signer = Some(forger);
        // Records' receipts are forged too: the record stays pending, and so does its evidence.
        run(device.sync(&server, SyncOptions::default(), &no_progress)).unwrap();
        let row = &run(device.store().evidence(&id)).unwrap()[0];
        assert_eq!((row.state, row.receipt.as_deref()), (EvidenceState::Pending, None));
    }

    #[test]
    #[cfg(feature = "evidence")]
    fn evidence_opens_only_for_its_unlocked_worker_and_pieces_no_record_claims_are_swept() {
        let clock = TestClock::default();
        let (device, _, authority) = enrolled_device(&clock);
        let signed = run(device.sign(vec![with_evidence(&device, &photo(100), None)])).unwrap();
        let id = signed.records[0].payload.id.clone();
        let mut sink = |_: zeroize::Zeroizing<Vec<u8>>| {};
        let missing = run(device.open_evidence(&id, crate::EvidenceKind::SignatureImage, &mut sink)).unwrap_err();
        assert_eq!(missing.code(), ErrorCode::EvidenceNotFound);
        device.lock();
        assert_eq!(run(device.open_evidence(&id, crate::EvidenceKind::Document, &mut sink)).unwrap_err().code(), ErrorCode::IdentityLocked);
        // A document read and sealed whose signature never committed (the tab closed).
        let mut abandoned = device.stage_evidence(crate::EvidenceKind::Document, "", 10).unwrap();
        run(device.feed_evidence(&mut abandoned, b"0123456789")).unwrap();
        run(device.finish_evidence(&mut abandoned)).unwrap();
        let too_long = run(device.feed_evidence(&mut device.stage_evidence(crate::EvidenceKind::Document, "", 3).unwrap(), b"four"));
        assert_eq!(too_long.unwrap_err().code(), ErrorCode::MalformedInput, "a file that grew while it was read");
        assert_eq!(device.store().pieces.borrow().len(), 2);
        clock.set("2026-11-26T08:00:01Z");
        let server = FakeServer::new(&authority, vec![]);
        run(device.sync(&server, SyncOptions::default(), &no_progress)).unwrap();
        assert_eq!(device.store().pieces.borrow().len(), 1, "a day later the unclaimed piece is gone, the record's stays");
    }

    #[test]
    fn sync_sends_the_outbox_keeps_verified_receipts_and_learns_time_and_list() {
        let clock = TestClock::default();
        let (device, row, authority) = enrolled_device(&clock);
        clock.set("2026-11-25T08:01:00Z");
        run(device.sign(vec![doc("a"), doc("b"), doc("c")])).unwrap();
        let server = FakeServer::new(&authority, vec![]);
        let seen = RefCell::new(Vec::new());
        let summary = run(device.sync(&server, SyncOptions::default(), &|done, total| seen.borrow_mut().push((done, total)))).unwrap();
        assert_eq!((summary.accepted, summary.rejected), (3, 0));
        assert_eq!(summary.server_offset_ms, Some(5_000));
        assert_eq!(*seen.borrow(), [(0, 3), (3, 3)]);
        let records = run(device.records(&row.kid, 0, 10)).unwrap();
        assert!(records.iter().all(|r| r.state == RecordState::Accepted && r.attempts == 1));
        for r in &records {
            let receipt = crate::cert::verify_receipt(r.receipt.as_deref().unwrap(), authority.public_key()).unwrap();
            assert_eq!((receipt.id.as_str(), receipt.hash.as_str()), (r.id.as_str(), r.hash.as_str()));
        }
        assert_eq!(run(device.store().setting(crate::store::setting::SERVER_OFFSET)).unwrap().as_deref(), Some("5000"));
        assert_eq!(run(device.store().setting(crate::store::setting::LAST_SYNC)).unwrap().as_deref(), Some("2026-11-25T08:01:00.000Z"));
        let stored_list = run(device.store().identity(&row.kid)).unwrap().credentials.unwrap().revocation_list.unwrap();
        let list = crate::cert::verify_revocation_list(&stored_list, authority.public_key()).unwrap();
        assert_eq!(list.issued_at.seconds(), Timestamp::parse_rfc3339(server.server_time).unwrap().seconds(), "the fresh list is kept");
        let again = run(device.sync(&server, SyncOptions::default(), &no_progress)).unwrap();
        assert_eq!(again.accepted, 0, "nothing left to send");
        assert_eq!(
            *server.paths.borrow(),
            if cfg!(feature = "evidence") {
                &["/v1/records", "/v1/evidence-key", "/v1/status", "/v1/forms", "/v1/revocations", "/v1/status", "/v1/forms"][..]
            } else {
                &["/v1/records", "/v1/status", "/v1/forms", "/v1/revocations", "/v1/status", "/v1/forms"][..]
            },
            "with nothing to send, the list and time still come; the unlocked device's status and the forms each time; the evidence key once"
        );
        assert!(summary.status_sent && again.status_sent);
        // The status: after the records went, signed under the certificate, with the checks.
        let statuses = server.statuses.borrow();
        let status = &statuses[0];
        let serial = crate::cert::inspect_certificate(&run(device.store().identity(&row.kid)).unwrap().credentials.unwrap().certificate).unwrap().serial;
        assert_eq!((status.cert.as_str(), status.pending, status.oldest_pending_at.as_deref()), (serial.as_str(), 0, None));
        assert_eq!(status.clock_offset_ms, Some(5_000));
        assert!(status.checks.iter().any(|c| c.id == "randomness" && c.status == "ok"), "{:?}", status.checks);
    }

    #[test]
    fn the_clock_correction_is_the_total_a_correcting_clock_needs() {
        let base = TestClock::default();
        let (enrolled, _, authority) = enrolled_device(&base); // the time is learned from what its authority signed
        base.set("2026-11-25T08:01:00Z"); // the server says 08:01:05
        // The browser's clock: the device's own time plus the correction a sync tells it.
        let clock = crate::ServerClock::new(|| base.now().unwrap().millis() as f64);
        let device = crate::Device::new(enrolled.into_store(), &clock, crate::device::tests::config());
        let kid = run(device.identities()).unwrap()[0].kid.clone();
        run(device.unlock(&kid, crate::device::tests::PIN)).unwrap();
        // A minute apart, the device clock 5 s behind the server's each time; the first sync
        // sends three batches, each answered with the time.
        for (minute, server_time) in [(1, "2026-11-25T08:01:05.000Z"), (2, "2026-11-25T08:02:05.000Z"), (3, "2026-11-25T08:03:05.000Z")] {
            base.set(&format!("2026-11-25T08:0{minute}:00Z"));
            if minute == 1 {
                for part in 0..3 {
                    run(device.sign((0..MAX_SYNC_BATCH).map(|i| doc(&format!("{part}-{i}"))).collect())).unwrap();
                }
            }
            let mut server = FakeServer::new(&authority, vec![]);
            server.server_time = server_time;
            let summary = run(device.sync(&server, SyncOptions::default(), &no_progress)).unwrap();
            assert_eq!(summary.server_offset_ms, Some(5_000), "the same correction every time, not a growing one");
            assert_eq!(clock.now().unwrap(), Timestamp::parse_rfc3339(server_time).unwrap(), "the clock reads the server's time");
        }
        let reopened = crate::ServerClock::new(|| base.now().unwrap().millis() as f64);
        run(reopened.restore(device.store()));
        assert_eq!(reopened.now().unwrap(), Timestamp::parse_rfc3339("2026-11-25T08:03:05.000Z").unwrap(), "the correction outlives the page");
    }

    #[test]
    fn an_outbox_larger_than_a_read_is_sent_once_each_in_order() {
        // Records are read a few batches at a time from where the last read ended; a batch
        // signed at one instant straddles those reads, and none is sent twice or left behind.
        let clock = TestClock::default();
        let (device, row, authority) = enrolled_device(&clock);
        let mut signed = 0;
        for (at, count) in [("2026-11-25T08:01:00Z", 2_300), ("2026-11-25T08:02:00Z", MAX_SYNC_BATCH), ("2026-11-25T08:03:00Z", 1_000), ("2026-11-25T08:04:00Z", 7)] {
            clock.set(at);
            let mut left = count;
            while left > 0 {
                let n = left.min(MAX_SYNC_BATCH);
                run(device.sign((0..n).map(|i| doc(&format!("{at}-{left}-{i}"))).collect())).unwrap();
                left -= n;
                signed += n;
            }
        }
        assert!(signed > READ_AHEAD * MAX_SYNC_BATCH + 2 * MAX_SYNC_BATCH, "more than two reads");
        let server = FakeServer::new(&authority, vec![]);
        let summary = run(device.sync(&server, SyncOptions::default(), &no_progress)).unwrap();
        assert_eq!((summary.accepted as usize, *server.received.borrow()), (signed, signed), "each record sent once");
        let mut records = Vec::new();
        while let Some(page) = Some(run(device.records(&row.kid, records.len() as u64, 1_000)).unwrap()).filter(|p| !p.is_empty()) {
            records.extend(page);
        }
        assert_eq!(records.len(), signed);
        assert!(records.iter().all(|r| r.state == RecordState::Accepted), "none left behind");
    }

    #[test]
    fn accepted_records_are_kept_as_long_as_the_setting_says() {
        let clock = TestClock::default();
        let (mut device, row, authority) = enrolled_device(&clock);
        device.config_mut().retain_accepted_ms = Some(DAY_MS);
        run(device.sign(vec![doc("old")])).unwrap();
        clock.set("2026-11-26T09:00:00Z");
        run(device.unlock(&row.kid, crate::device::tests::PIN)).unwrap();
        run(device.sign(vec![doc("new")])).unwrap();
        let server = FakeServer::new(&authority, vec![]);
        assert_eq!(run(device.sync(&server, SyncOptions::default(), &no_progress)).unwrap().accepted, 2);
        let kept = run(device.records(&row.kid, 0, 10)).unwrap();
        assert_eq!(kept.iter().map(|r| r.seq).collect::<Vec<_>>(), [2], "the day-old accepted record is gone");
        assert_eq!(run(device.sign(vec![doc("next")])).unwrap().records[0].payload.seq, 3, "the chain goes on");
        let backup = run(device.export_backup("a long passphrase", crate::KdfParams::MIN)).unwrap();
        let elsewhere = crate::Device::new(crate::store::memory::MemoryStore::default(), &clock, crate::device::tests::config());
        let imported = run(elsewhere.import_backup(&backup, "a long passphrase")).unwrap();
        assert_eq!(imported.records_added, 2, "a backup with deleted accepted records still imports");
    }

    #[test]
    fn failures_are_retried_with_backoff_then_wait_for_the_next_sync() {
        let clock = TestClock::default();
        let (device, row, authority) = enrolled_device(&clock);
        run(device.sign(vec![doc("a")])).unwrap();
        let options = SyncOptions { max_tries: 3, ..SyncOptions::default() };

        let flaky = FakeServer::new(&authority, vec![Next::Drop, Next::Status(429, Some("30"))]);
        assert_eq!(run(device.sync(&flaky, options, &no_progress)).unwrap().accepted, 1);
        let sleeps = flaky.sleeps.borrow().clone();
        assert_eq!(sleeps.len(), 2);
        assert!(sleeps[0] < 1_000, "full jitter under the first ceiling: {sleeps:?}");
        assert_eq!(sleeps[1], 30_000, "Retry-After is honoured");

        run(device.sign(vec![doc("b")])).unwrap();
        let down = FakeServer::new(&authority, vec![Next::Status(503, None), Next::Drop, Next::Status(502, None)]);
        let e = run(device.sync(&down, options, &no_progress)).unwrap_err();
        assert_eq!(e.code(), ErrorCode::ServerUnreachable);
        let records = run(device.records(&row.kid, 0, 10)).unwrap();
        assert_eq!((records[1].state, records[1].attempts), (RecordState::Pending, 1), "waits, counted");
        let reports = run(device.reports("", 10)).unwrap();
        assert!(reports.iter().any(|r| r.code == "server_unreachable" && r.operation == "sync"));

        let refusing = FakeServer::new(&authority, vec![Next::Status(400, None)]);
        assert_eq!(run(device.sync(&refusing, options, &no_progress)).unwrap_err().code(), ErrorCode::ServerRefused);
        assert_eq!(refusing.paths.borrow().len(), 1, "a 400 is not retried");
        let back = FakeServer::new(&authority, vec![]);
        assert_eq!(run(device.sync(&back, options, &no_progress)).unwrap().accepted, 1, "sent when the server is back");
    }

    /// A form with one required text field and a required signature.
    fn test_form(version: u32) -> crate::Form {
        crate::Form::parse(format!(r#"{{"v": 1, "id": "receipt", "version": {version}, "title": "Receipt", "fields": [
            {{"name": "recipient", "type": "text", "label": "Recipient", "required": true}},
            {{"name": "signature", "type": "signature", "label": "Signature", "required": true}}]}}"#).as_bytes()).unwrap()
    }

    /// Claims answering form `receipt` version `version`.
    fn answers(version: u32, recipient: &str) -> serde_json::Map<String, Value> {
        let claims = serde_json::json!({ "form": {"id": "receipt", "version": version}, "recipient": recipient, "signatureImage": {"sha256": "x"} });
        claims.as_object().unwrap().clone()
    }

    #[test]
    fn forms_come_at_sync_only_when_changed_signed_by_the_pinned_authority_and_hold_what_is_signed() {
        let clock = TestClock::default();
        let (device, row, authority) = enrolled_device(&clock);
        let signed_on = |claims| run(device.sign(vec![crate::SignInput { claims, ..doc("d") }]));
        // Before the device holds the form, nothing is signed on it.
        assert_eq!(signed_on(answers(1, "A. Jones")).unwrap_err().code(), ErrorCode::FormUnknown);

        let server = FakeServer::new(&authority, vec![]);
        server.forms.borrow_mut().push(test_form(1));
        assert!(run(device.sync(&server, SyncOptions::default(), &no_progress)).unwrap().forms_updated);
        let held = run(device.forms()).unwrap().unwrap();
        assert_eq!(held.forms, [test_form(1)]);
        // The next sync names what it holds and is told it is unchanged: nothing fetched again.
        assert!(!run(device.sync(&server, SyncOptions::default(), &no_progress)).unwrap().forms_updated);
        assert_eq!(server.paths.borrow().last().unwrap(), &format!("/v1/forms?have={}", held.tag()));

        // Signed on it: the answers are held to the form before anything is stored.
        let refused = signed_on(answers(1, "")).unwrap_err();
        assert_eq!((refused.code(), refused.message()), (ErrorCode::FormAnswersInvalid, "recipient is required"));
        let mut stray = answers(1, "A. Jones");
        stray.insert("colour".into(), "red".into());
        assert_eq!(signed_on(stray).unwrap_err().message(), "colour is not a field of the form");
        assert_eq!(signed_on(answers(2, "A. Jones")).unwrap_err().code(), ErrorCode::FormUnknown, "a version not held");
        assert!(run(device.records(&row.kid, 0, 10)).unwrap().is_empty(), "nothing was signed");
        signed_on(answers(1, "A. Jones")).unwrap();

        // Forms a stranger signed are not kept (and the failure is reported); nor is an older
        // set replayed after a newer one.
        let forger = Authority::new(Identity::generate().unwrap(), "forger");
        let forged = FakeServer { forms_signer: Some(forger), ..FakeServer::new(&authority, vec![]) };
        forged.forms.borrow_mut().push(test_form(2));
        assert!(!run(device.sync(&forged, SyncOptions::default(), &no_progress)).unwrap().forms_updated);
        assert!(run(device.reports("", 50)).unwrap().iter().any(|r| r.code == "answer_untrusted" && r.operation == "refresh_forms"));
        let replayed = FakeServer { forms_issued: Some("2026-01-01T00:00:00.000Z"), ..FakeServer::new(&authority, vec![]) };
        replayed.forms.borrow_mut().push(test_form(3));
        assert!(!run(device.sync(&replayed, SyncOptions::default(), &no_progress)).unwrap().forms_updated);
        assert_eq!(run(device.forms()).unwrap().unwrap().forms, [test_form(1)]);

        // A form swapped in storage (not the authority's) is not used.
        run(device.store().put_setting(crate::store::setting::FORMS, "a.b.c")).unwrap();
        assert_eq!(run(device.forms()).unwrap(), None);
    }

    #[test]
    fn rejections_stay_visible_and_forged_receipts_prove_nothing() {
        let clock = TestClock::default();
        let (device, row, authority) = enrolled_device(&clock);
        run(device.sign(vec![doc("a"), doc("b")])).unwrap();
        let mut server = FakeServer::new(&authority, vec![]);
        server.refuse_seq = Some(2);
        server.forger = Some(Authority::new(Identity::generate().unwrap(), "Impostor"));
        let summary = run(device.sync(&server, SyncOptions::default(), &no_progress)).unwrap();
        assert_eq!((summary.accepted, summary.rejected), (0, 1));
        let records = run(device.records(&row.kid, 0, 10)).unwrap();
        assert_eq!(records[0].state, RecordState::Pending, "a receipt the authority did not sign is no receipt");
        assert_eq!(records[1].state, RecordState::Rejected);
        assert_eq!(records[1].error, Some(RecordError { code: "cert_revoked".into(), message: "revoked".into() }));
        let reports = run(device.reports("", 10)).unwrap();
        let report = reports.iter().find(|r| r.code == "record_rejected").unwrap();
        assert!(report.message.contains("cert_revoked"), "{}", report.message);
    }

    #[test]
    fn without_a_signed_answer_each_receipt_must_prove_itself() {
        // An older server, or one whose authority cannot sign answers now: receipts are
        // verified one by one, so real ones count and swapped ones do not.
        let clock = TestClock::default();
        let (device, row, authority) = enrolled_device(&clock);
        run(device.sign(vec![doc("a"), doc("b")])).unwrap();
        let mut swapped = FakeServer::new(&authority, vec![]);
        swapped.unsigned = true;
        swapped.forger = Some(Authority::new(Identity::generate().unwrap(), "Impostor"));
        let summary = run(device.sync(&swapped, SyncOptions::default(), &no_progress)).unwrap();
        assert_eq!(summary.accepted, 0, "a receipt that neither an answer nor its own signature vouches for");
        let reports = run(device.reports("", 10)).unwrap();
        let untrusted = reports.iter().find(|r| r.code == "answer_untrusted").expect("reported");
        assert_eq!((untrusted.kid.as_deref(), untrusted.message.as_str()), (Some(row.kid.as_str()), "2 verdicts of a batch did not verify; those records stay pending"));
        let mut plain = FakeServer::new(&authority, vec![]);
        plain.unsigned = true;
        let summary = run(device.sync(&plain, SyncOptions::default(), &no_progress)).unwrap();
        assert_eq!(summary.accepted, 2);
        let records = run(device.records(&row.kid, 0, 10)).unwrap();
        assert!(records.iter().all(|r| r.state == RecordState::Accepted && r.receipt.is_some()));
    }

    #[test]
    fn receipts_the_answer_vouches_for_are_spot_checked_and_old_ones_verify_themselves() {
        // A server whose receipts do not verify (a damaged key or row) though its signed
        // answer names them: the first receipt of the batch is checked on its own, fails, and
        // then every receipt must prove itself.
        let clock = TestClock::default();
        let (device, row, authority) = enrolled_device(&clock);
        run(device.sign(vec![doc("a"), doc("b"), doc("c")])).unwrap();
        let mut damaged = FakeServer::new(&authority, vec![]);
        damaged.receipt_signer = Some(Authority::new(Identity::generate().unwrap(), "Test Authority"));
        assert_eq!(run(device.sync(&damaged, SyncOptions::default(), &no_progress)).unwrap().accepted, 0);
        // A duplicate's receipt was issued before this request: the answer naming it is not
        // enough, it must verify under the pinned key.
        damaged.duplicates = true;
        assert_eq!(run(device.sync(&damaged, SyncOptions::default(), &no_progress)).unwrap().duplicate, 0);
        let records = run(device.records(&row.kid, 0, 10)).unwrap();
        assert!(records.iter().all(|r| r.state == RecordState::Pending && r.receipt.is_none()));
        let mut sound = FakeServer::new(&authority, vec![]);
        sound.duplicates = true;
        assert_eq!(run(device.sync(&sound, SyncOptions::default(), &no_progress)).unwrap().duplicate, 3, "real duplicates verify");
    }

    #[test]
    fn a_verdict_repeated_in_the_answer_counts_once() {
        let clock = TestClock::default();
        let (device, row, authority) = enrolled_device(&clock);
        run(device.sign(vec![doc("a"), doc("b"), doc("c")])).unwrap();
        let mut server = FakeServer::new(&authority, vec![]);
        server.repeated_verdicts = true;
        let summary = run(device.sync(&server, SyncOptions::default(), &no_progress)).unwrap();
        assert_eq!((summary.accepted, summary.duplicate), (3, 0));
        let records = run(device.records(&row.kid, 0, 10)).unwrap();
        assert!(records.iter().all(|r| r.state == RecordState::Accepted && r.attempts == 1));
    }

    #[test]
    fn unsigned_or_forged_rejections_and_times_change_nothing_and_an_old_time_does_not_set_the_clock_back() {
        let clock = TestClock::default();
        let (device, row, authority) = enrolled_device(&clock);
        run(device.sign(vec![doc("a"), doc("b")])).unwrap();
        let mut attacker = FakeServer::new(&authority, vec![]);
        attacker.refuse_seq = Some(2);
        attacker.answer_forger = Some(Authority::new(Identity::generate().unwrap(), "Impostor"));
        attacker.answer_time = Some("2030-01-01T00:00:00.000Z");
        let summary = run(device.sync(&attacker, SyncOptions::default(), &no_progress)).unwrap();
        assert_eq!((summary.accepted, summary.rejected), (1, 0), "the receipt is real; the refusal is not the authority's");
        let records = run(device.records(&row.kid, 0, 10)).unwrap();
        assert_eq!(records[1].state, RecordState::Pending, "the record stays to be sent again");
        assert_eq!(summary.server_offset_ms, None, "the forged answer's 2030 is no time");

        // The authority's own answer to another request (a replay): neither its refusal nor its
        // time counts.
        let mut replay = FakeServer::new(&authority, vec![]);
        replay.refuse_seq = Some(2);
        replay.replayed_nonce = Some("an-earlier-request");
        replay.server_time = "2026-11-25T07:01:05.000Z";
        let summary = run(device.sync(&replay, SyncOptions::default(), &no_progress)).unwrap();
        assert_eq!((summary.rejected, summary.server_offset_ms), (0, None));
        assert_eq!(run(device.records(&row.kid, 0, 10)).unwrap()[1].state, RecordState::Pending);

        // The authority's answer to this request: the refusal and the time count (the device
        // clock reads 08:00:00, the server 08:01:05); an answer at that same time again does not
        // move the clock.
        let mut honest = FakeServer::new(&authority, vec![]);
        honest.refuse_seq = Some(2);
        let summary = run(device.sync(&honest, SyncOptions::default(), &no_progress)).unwrap();
        assert_eq!((summary.rejected, summary.server_offset_ms), (1, Some(65_000)));
        let again = run(device.sync(&honest, SyncOptions::default(), &no_progress)).unwrap();
        assert_eq!(again.server_offset_ms, None, "not later than the last time learned");
        assert_eq!(run(device.store().setting(crate::store::setting::SERVER_OFFSET)).unwrap().as_deref(), Some("65000"));
    }

    #[test]
    fn a_certificate_is_renewed_at_half_its_life_or_within_the_window() {
        let clock = TestClock::default();
        let (device, row, authority) = enrolled_device(&clock); // valid 24 Nov 2026 to 5 Mar 2027
        let mut server = FakeServer::new(&authority, vec![]);
        server.worker = Some(row.public_jwk.clone());
        assert!(!run(device.sync(&server, SyncOptions::default(), &no_progress)).unwrap().renewed, "101 days left");
        clock.set("2027-02-10T08:00:00Z");
        run(device.unlock(&row.kid, crate::device::tests::PIN)).unwrap();
        assert!(run(device.sync(&server, SyncOptions::default(), &no_progress)).unwrap().renewed, "23 days left");
        let stored = run(device.store().identity(&row.kid)).unwrap().credentials.unwrap();
        assert_eq!(crate::cert::inspect_certificate(&stored.certificate).unwrap().serial, "s-1-renewed");
        assert!(stored.revocation_list.is_some());
    }

    #[test]
    fn enrollment_stores_checked_credentials_and_explains_a_refused_code() {
        let clock = TestClock::default();
        clock.set("2026-11-25T08:00:00Z");
        let device = crate::Device::new(crate::store::memory::MemoryStore::default(), &clock, crate::device::tests::config());
        let row = run(device.create_identity("A. Jones", crate::device::tests::PIN, crate::KdfParams::MIN)).unwrap();
        let authority = Authority::new(Identity::generate().unwrap(), "CA");
        struct Enroller<'a>(&'a Authority, &'a crate::keys::PublicJwk, u16);
        impl Transport for Enroller<'_> {
            async fn post(&self, path: &str, body: String) -> std::result::Result<HttpResponse, String> {
                assert_eq!(path, "/v1/enroll");
                let request: EnrollRequest = crate::json::parse(body.as_bytes()).unwrap();
                assert_eq!(request.code, "ABCD-EFGH-JKMN");
                let key = crate::keys::PublicKey::from_jwk(&request.jwk).unwrap();
                let proof = verify_enrollment_proof(&request.proof, &key).expect("signed by the enrolling key");
                assert_eq!((proof.code, proof.challenge.as_str()), (enrollment_code_hash("abcd efgh jkmn"), "2026-11-25T08:00:00.000Z"));
                let now = Timestamp::parse_rfc3339("2026-11-25T08:00:00Z").unwrap();
                let body = match self.2 {
                    200 => serde_json::to_string(&Enrolled {
                        worker: "jones".into(),
                        authority: self.0.public_key().to_jwk(),
                        certificate: self.0.issue_certificate("s-9", "jones", self.1, now, now.plus_millis(DAY_MS)).unwrap(),
                        revocation_list: self.0.issue_revocation_list(vec![], now, now.plus_millis(DAY_MS)).unwrap(),
                        server_time: now.to_string(),
                    })
                    .unwrap(),
                    _ => serde_json::to_string(&Refusal::new(ErrorCode::EnrollmentCodeUsed, "used")).unwrap(),
                };
                Ok(HttpResponse { status: self.2, retry_after: None, body })
            }
            async fn get(&self, path: &str) -> std::result::Result<HttpResponse, String> {
                #[cfg(feature = "evidence")]
                if path == "/v1/evidence-key" {
                    let statement = self.0.issue_evidence_key(Timestamp::parse_rfc3339("2026-11-25T08:00:00Z").unwrap()).unwrap();
                    return Ok(HttpResponse { status: 200, retry_after: None, body: serde_json::json!({ "evidenceKey": statement }).to_string() });
                }
                if path == "/v1/forms" {
                    let forms = self.0.issue_forms(vec![test_form(1)], Timestamp::parse_rfc3339("2026-11-25T08:00:00Z").unwrap()).unwrap();
                    return Ok(HttpResponse { status: 200, retry_after: None, body: serde_json::json!({ "forms": forms }).to_string() });
                }
                assert_eq!(path, "/v1/enroll");
                let challenge = EnrollmentChallenge { challenge: "2026-11-25T08:00:00.000Z".into() };
                Ok(HttpResponse { status: 200, retry_after: None, body: serde_json::to_string(&challenge).unwrap() })
            }
            async fn patch(&self, path: &str, _: u64, _: u64, _: Option<&str>, _: Vec<u8>) -> std::result::Result<HttpResponse, String> {
                unreachable!("enrollment uploads nothing: {path}")
            }
            async fn sleep(&self, _: u64) {}
        }
        let refused = run(device.enroll(&Enroller(&authority, &row.public_jwk, 403), &row.kid, "ABCD-EFGH-JKMN", None)).unwrap_err();
        assert_eq!(refused.code(), ErrorCode::EnrollmentRefused);
        assert_eq!(refused.remedy(), ErrorCode::EnrollmentCodeUsed.default_remedy(), "the server's code says what to do");
        let stranger = Identity::generate().unwrap().public_key().to_jwk();
        let wrong_key = run(device.enroll(&Enroller(&authority, &stranger, 200), &row.kid, "ABCD-EFGH-JKMN", None)).unwrap_err();
        assert_eq!(wrong_key.code(), ErrorCode::CertUntrusted, "a certificate for another key is not stored");
        device.lock();
        let locked = run(device.enroll(&Enroller(&authority, &row.public_jwk, 200), &row.kid, "ABCD-EFGH-JKMN", None)).unwrap_err();
        assert_eq!(locked.code(), ErrorCode::IdentityLocked, "the proof needs the key");
        run(device.unlock(&row.kid, crate::device::tests::PIN)).unwrap();
        run(device.enroll(&Enroller(&authority, &row.public_jwk, 200), &row.kid, "ABCD-EFGH-JKMN", None)).unwrap();
        let credentials = run(device.identities()).unwrap()[0].credentials.clone().unwrap();
        #[cfg(feature = "evidence")]
        let pinned = crate::evidence::verify_evidence_key(&credentials.evidence_key.unwrap(), authority.public_key()).unwrap();
        #[cfg(feature = "evidence")]
        assert_eq!(pinned, *authority.evidence_secret().public_key(), "the evidence key comes with enrollment, checked");
        #[cfg(not(feature = "evidence"))]
        assert_eq!(credentials.evidence_key, None);
        assert_eq!(run(device.forms()).unwrap().unwrap().forms, [test_form(1)], "the forms come with enrollment, checked");
    }

    #[test]
    fn failure_reports_are_sent_signed_and_marked_sent() {
        let clock = TestClock::default();
        let (device, row, authority) = enrolled_device(&clock);
        assert!(run(device.unlock(&row.kid, "000000")).is_err());
        run(device.unlock(&row.kid, crate::device::tests::PIN)).unwrap();
        let server = FakeServer::new(&authority, vec![]);
        let mut forged = FakeServer::new(&authority, vec![]);
        forged.answer_forger = Some(Authority::new(Identity::generate().unwrap(), "Impostor"));
        assert_eq!(run(device.sync(&forged, SyncOptions::default(), &no_progress)).unwrap().reports_sent, 0, "'stored' in a forged answer");
        assert!(run(device.reports("", 10)).unwrap().iter().all(|r| r.state == ReportState::Pending));
        let summary = run(device.sync(&server, SyncOptions::default(), &no_progress)).unwrap();
        assert_eq!(summary.reports_sent, 1);
        let reports = run(device.reports("", 10)).unwrap();
        assert!(reports.iter().all(|r| r.state == ReportState::Sent));
        device.lock();
        assert!(run(device.unlock(&row.kid, "000001")).is_err());
        let locked = run(device.sync(&server, SyncOptions::default(), &no_progress)).unwrap();
        assert_eq!(locked.reports_sent, 0, "nothing unlocked to sign with: reports wait");
    }

    fn t(s: &str) -> Timestamp {
        Timestamp::parse_rfc3339(s).unwrap()
    }

    #[test]
    fn renewal_requests_and_reports_verify_only_with_the_signers_key() {
        let me = Identity::generate().unwrap();
        let other = Identity::generate().unwrap();
        let request = renewal_request(&me, "s-1", t("2026-11-25T08:00:00Z")).unwrap();
        assert_eq!(inspect_renewal_request(&request).unwrap().serial, "s-1");
        assert_eq!(verify_renewal_request(&request, me.public_key()).unwrap().requested_at, "2026-11-25T08:00:00.000Z");
        assert_eq!(verify_renewal_request(&request, other.public_key()).unwrap_err().code(), ErrorCode::BadSignature);

        let report = ReportRow {
            id: "r".into(),
            fingerprint: "wrong_pin|unlock|k".into(),
            code: "wrong_pin".into(),
            message: "m".into(),
            remedy: "r".into(),
            operation: "unlock".into(),
            kid: Some("k".into()),
            first_at: "2026-11-25T08:00:00.000Z".into(),
            last_at: "2026-11-25T08:00:00.000Z".into(),
            count: 2,
            app_version: "1".into(),
            user_agent: "ua".into(),
            comment: None,
            state: ReportState::Pending,
        };
        let signed = sign_report(&me, "s-1", &report).unwrap();
        assert_eq!(verify_report(&signed, me.public_key()).unwrap().report, report);
        assert_eq!(inspect_report(&signed).unwrap().cert, "s-1");
        assert_eq!(verify_report(&signed, other.public_key()).unwrap_err().code(), ErrorCode::BadSignature);
        assert_eq!(inspect_report(&request).unwrap_err().code(), ErrorCode::MalformedJws, "a renewal request is no report");
    }

    #[test]
    fn backoff_grows_with_full_jitter_under_a_cap_and_honours_retry_after() {
        let b = Backoff { base_ms: 1_000, cap_ms: 60_000 };
        assert_eq!(b.delay_ms(1, None, 0.999_999), 999);
        assert_eq!(b.delay_ms(3, None, 0.5), 2_000);
        assert_eq!(b.delay_ms(20, None, 0.999_999), 59_999, "capped");
        assert_eq!(b.delay_ms(1, None, 0.0), 0, "full jitter reaches zero");
        assert_eq!(b.delay_ms(1, Some(30_000), 0.1), 30_000, "never before Retry-After");
        assert_eq!(parse_retry_after("120", t("2026-11-25T08:00:00Z")), Some(120_000));
        assert_eq!(parse_retry_after("Wed, 25 Nov 2026 08:01:30 GMT", t("2026-11-25T08:00:00Z")), Some(90_000));
        assert_eq!(parse_retry_after("soon", t("2026-11-25T08:00:00Z")), None);
    }
}
