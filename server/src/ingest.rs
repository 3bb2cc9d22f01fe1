//! The verdict on each record a device sends: verified against the certificate it names,
//! checked against that certificate's validity and revocation, linked into the signer's
//! chain, and stored with a signed receipt; or refused with a code.

use crate::storage::{Batch, CertificateRow, Event, EventKind, Rejection, Result, StoredRecord};
use offsign::wire::{RecordVerdict, VerdictKind};
use offsign::{inspect_record, record_hash, verify_record, Authority, ErrorCode, PublicKey, Timestamp};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};

/// How far a device's clock may be off when the server checks a certificate's validity at
/// the record's `signedAt`, and how far in the future a record may claim to be signed.
pub const CLOCK_TOLERANCE_MS: i64 = offsign::CLOCK_TOLERANCE_MS;

/// Refuses a payload the server could not keep as it is on every database: a chain position
/// past [`offsign::MAX_SEQ`] (an integer column holds at most 2^63 − 1, and devices count in
/// JavaScript numbers), or a NUL character in text it keeps in a column of its own
/// ([`crate::storage::holds_nul`]).
fn storable(payload: &offsign::RecordPayload) -> std::result::Result<(), String> {
    if payload.seq > offsign::MAX_SEQ {
        return Err(format!("seq is at most {}", offsign::MAX_SEQ));
    }
    let (doc_name, reference) = StoredRecord::searched_fields(payload);
    if crate::storage::holds_nul([payload.id.as_str(), &payload.kid, payload.cert.as_deref().unwrap_or_default(), &doc_name, &reference]) {
        return Err("the record holds a NUL character in its id, key id, certificate, document name or reference".into());
    }
    Ok(())
}

/// What [`judge`] decided.
enum Judged {
    Accept(StoredRecord),
    Duplicate(StoredRecord),
    Refuse(ErrorCode, String),
}

/// What is known of a record before the transaction: the CPU-heavy part (signature check,
/// receipt), done in parallel and without holding the database.
pub struct Prepared {
    jws: String,
    hash: String,
    /// The payload, or why it could not be read.
    payload: std::result::Result<offsign::RecordPayload, String>,
    /// For a record whose certificate is known: did its signature verify (or why not).
    signature: Option<std::result::Result<(), (ErrorCode, String)>>,
    /// A receipt, signed in advance for a record whose signature verified.
    receipt: Option<String>,
}

impl Prepared {
    /// A record as read: its hash and payload, not yet checked.
    pub fn read(jws: String) -> Prepared {
        let hash = record_hash(&jws);
        let payload = inspect_record(&jws).map(|(_, payload)| payload).map_err(|e| e.message().to_owned()).and_then(|payload| {
            storable(&payload)?;
            Ok(payload)
        });
        Prepared { jws, hash, payload, signature: None, receipt: None }
    }

    /// The key id of the record, when it is signed by the key of the certificate it names (a
    /// record that may be stored: a batch locks its key).
    pub fn certified_kid(&self, known: &Known) -> Option<&str> {
        let payload = self.payload.as_ref().ok()?;
        let (_, cert) = known.certificates.get(payload.cert.as_deref()?)?;
        (matches!(self.signature, Some(Ok(()))) && cert.kid == payload.kid).then_some(payload.kid.as_str())
    }

    /// The record's id, if it could be read.
    pub fn id(&self) -> Option<&str> {
        Some(self.payload.as_ref().ok()?.id.as_str())
    }

    /// The serial of the certificate the record names, if it could be read.
    pub fn certificate_serial(&self) -> Option<&str> {
        self.payload.as_ref().ok()?.cert.as_deref()
    }
}

/// What the server knows before a batch's transaction: the certificates its records name,
/// with their keys, and which of its record ids are stored already.
#[derive(Default)]
pub struct Known {
    /// By serial.
    pub certificates: HashMap<String, (PublicKey, CertificateRow)>,
    /// Ids of the batch's records that are stored.
    pub stored_ids: HashSet<String>,
}

/// Prepares read records for [`ingest`], on the verification pool (one pool of as many
/// threads as cores, shared by every request, so concurrent batches queue instead of each
/// starting threads): checks each signature against the key of the certificate it names, and
/// signs a receipt for each record headed for acceptance (verified, not stored yet, signed
/// while its certificate was valid), so duplicates and refusals cost no signature.
pub fn prepare(records: Vec<Prepared>, known: &Known, authority: &Authority, now: Timestamp) -> Vec<Prepared> {
    let one = |mut record: Prepared| {
        let certificate = record.certificate_serial().and_then(|serial| known.certificates.get(serial));
        record.signature = certificate.map(|(key, _)| {
            verify_record(&record.jws, key, None).map(|_| ()).map_err(|e| {
                let code = match e.code() {
                    code @ (ErrorCode::BadSignature | ErrorCode::KeyMismatch) => code,
                    _ => ErrorCode::MalformedRecord,
                };
                (code, e.message().to_owned())
            })
        });
        record.receipt = match (&record.payload, &record.signature, certificate) {
            (Ok(p), Some(Ok(())), Some((_, cert))) if !known.stored_ids.contains(&p.id) && certificate_refusal(cert, p, now).is_none() => {
                authority.issue_receipt(&p.id, &record.hash, now).ok()
            }
            _ => None,
        };
        record
    };
    if records.len() < 32 {
        return records.into_iter().map(one).collect();
    }
    records.into_par_iter().map(one).collect()
}

/// Why `payload`, signed under `cert`, is refused for its time: the certificate was not yet
/// valid or had expired when it was signed (5 minutes' tolerance), it is revoked, or the
/// record claims to be signed in the future.
fn certificate_refusal(cert: &CertificateRow, payload: &offsign::RecordPayload, now: Timestamp) -> Option<(ErrorCode, String)> {
    let serial = &cert.serial;
    let signed_at = payload.signed_at;
    if signed_at.millis() < cert.nbf - CLOCK_TOLERANCE_MS {
        return Some((ErrorCode::CertNotYetValidAtSigning, format!("signed at {signed_at}, before the certificate's validity")));
    }
    if signed_at.millis() >= cert.exp + CLOCK_TOLERANCE_MS {
        return Some((ErrorCode::CertExpiredAtSigning, format!("signed at {signed_at}, after the certificate expired")));
    }
    // A certificate that a renewal replaced stays good for records until it expires: a
    // device that never got the renewal's answer goes on signing under it, and its records are
    // honest. A revocation ends it early: for a compromised key (or no reason given) nothing
    // under it is taken any more; for any other reason (superseded: a forgotten PIN, a new
    // phone) what was signed before the revocation still is.
    match (cert.revocation(), cert.revoked_at) {
        (Some(reason), _) if !reason.keeps_earlier_records() => {
            return Some((ErrorCode::KeyCompromised, format!("certificate {serial} is revoked ({})", reason.as_str())));
        }
        (Some(reason), Some(at)) if signed_at.millis() >= at => {
            let at = Timestamp::from_millis(at).map(|t| t.to_string()).unwrap_or_default();
            return Some((ErrorCode::CertRevokedAtSigning, format!("signed at {signed_at}, after certificate {serial} was revoked ({}) at {at}", reason.as_str())));
        }
        _ => {}
    }
    if signed_at.millis() > now.millis() + CLOCK_TOLERANCE_MS {
        return Some((ErrorCode::SignedInFuture, format!("signed at {signed_at}, later than the server's time {now}")));
    }
    None
}

/// Why a record that names the form it answered (`claims.form`, `{id, version}`) is refused:
/// that form, or that version of it, is not held here (`form_unknown`), or its claims do not
/// answer it (`form_answers_invalid`, with each problem). A record that names no form is free.
fn form_refusal(batch: &mut dyn Batch, payload: &offsign::RecordPayload) -> Result<Option<(ErrorCode, String)>> {
    let (id, version) = match offsign::named_form(&payload.claims) {
        Ok(Some(named)) => named,
        Ok(None) => return Ok(None),
        Err(e) => return Ok(Some((e.code(), e.message().to_owned()))),
    };
    let Some(definition) = batch.form(id, version)? else {
        return Ok(Some((ErrorCode::FormUnknown, format!("form {id:.64} version {version} is not held here"))));
    };
    let form = offsign::Form::parse(definition.as_bytes()).map_err(|e| crate::storage::StorageError(format!("stored form {id} {version}: {e}")))?;
    let refused = form.refusals(&payload.claims);
    Ok((!refused.is_empty()).then(|| (ErrorCode::FormAnswersInvalid, format!("{:.500}", refused.join("; ")))))
}

/// Decides and stores the verdict on each prepared record, in order, inside `batch`: later
/// records of the batch see the earlier ones as stored.
pub fn ingest(batch: &mut dyn Batch, records: Vec<Prepared>, authority: &Authority, now: Timestamp) -> Result<Vec<RecordVerdict>> {
    let mut verdicts = Vec::with_capacity(records.len());
    {
        // What `judge` asks of each record, read in a few queries: its id and certificate, and
        // for a record whose signature verified (only those get as far), its own chain position
        // and both neighbours.
        let payloads: Vec<_> = records.iter().filter_map(|r| r.payload.as_ref().ok()).collect();
        let ids: Vec<&str> = payloads.iter().map(|p| p.id.as_str()).collect();
        let positions: Vec<(&str, u64)> = records
            .iter()
            .filter(|r| matches!(r.signature, Some(Ok(()))))
            .filter_map(|r| r.payload.as_ref().ok())
            .flat_map(|p| [p.seq.checked_sub(1), Some(p.seq), p.seq.checked_add(1)].into_iter().flatten().map(move |seq| (p.kid.as_str(), seq)))
            .collect();
        let serials: Vec<&str> = payloads.iter().filter_map(|p| p.cert.as_deref()).collect();
        batch.read_ahead(&ids, &positions, &serials)?;
    }
    // The devices heard from: each signer of an accepted record, once.
    let mut seen: Vec<(String, String)> = Vec::new();
    let mut heard = |stored: &StoredRecord| {
        if !seen.iter().any(|(kid, _)| *kid == stored.kid) {
            seen.push((stored.kid.clone(), stored.worker.clone()));
        }
    };
    // Refusals of records that no certified key signed: counted per code, one write per code
    // and batch (a flood of junk writes a few counters, not a row version per record).
    let mut uncounted: Vec<(ErrorCode, u64)> = Vec::new();
    for (index, record) in records.into_iter().enumerate() {
        let id = record.payload.as_ref().ok().map(|p| p.id.clone());
        let kid = record.payload.as_ref().ok().map(|p| p.kid.clone());
        let hash = record.hash.clone();
        // Signed by the key of a certificate issued here: what it says may be kept.
        let authenticated = matches!(record.signature, Some(Ok(())));
        let decided = judge(batch, record, authority, now)?;
        verdicts.push(match decided {
            Judged::Accept(stored) => {
                batch.insert_record(&stored)?;
                heard(&stored);
                if stored.chain_gap {
                    let data = serde_json::json!({ "worker": stored.worker, "kid": stored.kid, "recordId": stored.id, "seq": stored.seq });
                    // Once an hour per device key at most: a device that skips every other
                    // number is one piece of news, not thousands.
                    let notice = Some(format!("{} {}", stored.kid, now.millis() / 3_600_000));
                    batch.event(&Event { kind: EventKind::ChainGap, notice, data, at: now.millis() })?;
                }
                RecordVerdict { index, id, hash, verdict: VerdictKind::Accepted, code: None, message: None, receipt: Some(stored.receipt), receipt_hash: None, chain_gap: stored.chain_gap }
            }
            // A duplicate is no sign of life: anyone holding a record can send it again.
            Judged::Duplicate(stored) => {
                RecordVerdict { index, id, hash, verdict: VerdictKind::Duplicate, code: None, message: None, receipt: Some(stored.receipt), receipt_hash: None, chain_gap: stored.chain_gap }
            }
            Judged::Refuse(code, message) => {
                match (authenticated, &id, kid) {
                    (true, Some(id), Some(kid)) => {
                        let id = id.chars().take(64).collect();
                        batch.insert_rejection(&Rejection { id, kid, code: code.as_str().to_owned(), received_at: now.millis() })?
                    }
                    _ => match uncounted.iter_mut().find(|(c, _)| *c == code) {
                        Some((_, n)) => *n += 1,
                        None => uncounted.push((code, 1)),
                    },
                }
                RecordVerdict::rejected(index, id, hash, code, message)
            }
        });
    }
    // In one order, so that two batches that count the same codes never wait for each other.
    uncounted.sort_unstable_by_key(|(code, _)| code.as_str());
    for (code, count) in uncounted {
        batch.count_rejections(code.as_str(), now.millis(), count)?;
    }
    for (kid, worker) in &seen {
        batch.seen(kid, worker, now.millis())?;
    }
    Ok(verdicts)
}

/// The verdict on one prepared record.
fn judge(batch: &mut dyn Batch, record: Prepared, authority: &Authority, now: Timestamp) -> Result<Judged> {
    let payload = match record.payload {
        Ok(payload) => payload,
        Err(why) => return Ok(Judged::Refuse(ErrorCode::MalformedRecord, why)),
    };
    let hash = record.hash;
    if let Some(stored) = batch.record_by_id(&payload.id)? {
        return Ok(if stored.hash == hash {
            Judged::Duplicate(stored)
        } else {
            Judged::Refuse(ErrorCode::IdConflict, "another record with this id is stored".into())
        });
    }
    let Some(serial) = payload.cert.as_deref() else {
        return Ok(Judged::Refuse(ErrorCode::CertUnknown, "the record names no certificate".into()));
    };
    let (Some(cert), Some(signature)) = (batch.certificate(serial)?, record.signature) else {
        return Ok(Judged::Refuse(ErrorCode::CertUnknown, format!("certificate {serial} was not issued here")));
    };
    if cert.kid != payload.kid {
        return Ok(Judged::Refuse(ErrorCode::KeyMismatch, format!("certificate {serial} is for another key")));
    }
    if let Err((code, message)) = signature {
        return Ok(Judged::Refuse(code, message));
    }
    if let Some((code, message)) = certificate_refusal(&cert, &payload, now) {
        return Ok(Judged::Refuse(code, message));
    }
    if let Some((code, message)) = form_refusal(batch, &payload)? {
        return Ok(Judged::Refuse(code, message));
    }
    if batch.record_at(&payload.kid, payload.seq)?.is_some() {
        return Ok(Judged::Refuse(ErrorCode::ChainFork, format!("another record with seq {} of this key is stored", payload.seq)));
    }
    let chain_gap = match payload.seq.checked_sub(1).filter(|&s| s > 0) {
        None => false,
        Some(before) => match batch.record_at(&payload.kid, before)? {
            Some(previous) if payload.prev.as_deref() == Some(previous.hash.as_str()) => false,
            Some(_) => return Ok(Judged::Refuse(ErrorCode::ChainBroken, format!("prev is not the hash of stored record seq {before}"))),
            None => true,
        },
    };
    // A record that fills a gap must also be the one its stored successor points to: a
    // different record with the right `prev` would otherwise take the missing place.
    if let Some(after) = payload.seq.checked_add(1) {
        if let Some(next) = batch.record_at(&payload.kid, after)? {
            let next_prev = inspect_record(&next.jws).map_err(|e| crate::storage::StorageError(format!("stored record {}: {e}", next.id)))?.1.prev;
            if next_prev.as_deref() != Some(hash.as_str()) {
                return Ok(Judged::Refuse(ErrorCode::ChainBroken, format!("the stored record seq {after} follows another record, not this one")));
            }
        }
    }
    // Signed in advance unless the record's id seemed stored before the transaction began.
    let receipt = match record.receipt {
        Some(receipt) => receipt,
        None => authority.issue_receipt(&payload.id, &hash, now).map_err(|e| crate::storage::StorageError(e.to_string()))?,
    };
    let (doc_name, reference) = StoredRecord::searched_fields(&payload);
    Ok(Judged::Accept(StoredRecord {
        id: payload.id,
        kid: payload.kid,
        seq: payload.seq,
        hash,
        cert_serial: cert.serial,
        signed_at: payload.signed_at.to_string(),
        received_at: now.millis(),
        jws: record.jws,
        receipt,
        chain_gap,
        worker: cert.worker,
        doc_name,
        reference,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::{CertificateRow, Database, Storage};
    use offsign::{sign_record, ChainHead, DocumentDigest, Identity, RecordRequest, DAY_MS};

    fn t(s: &str) -> Timestamp {
        Timestamp::parse_rfc3339(s).unwrap()
    }

    struct World {
        db: Database,
        authority: Authority,
        worker: Identity,
    }

    /// A database holding certificate `s-1` for `worker`, valid in November 2026.
    fn world(name: &str) -> World {
        let db = crate::storage::tests::test_db(&format!("ingest-{name}"));
        let authority = Authority::new(Identity::generate().unwrap(), "Test Authority");
        let worker = Identity::generate().unwrap();
        let (nbf, exp) = (t("2026-11-01T00:00:00Z"), t("2026-12-01T00:00:00Z"));
        db.add_certificate(&CertificateRow::issue(&authority, "s-1", "w-1", &worker.public_key().to_jwk(), nbf, exp).unwrap()).unwrap();
        World { db, authority, worker }
    }

    /// A chain of `n` records signed by `who` under `serial`, a day apart from 2 Nov 2026.
    fn chain(who: &Identity, serial: &str, n: usize) -> Vec<String> {
        let mut head: Option<ChainHead> = None;
        (0..n)
            .map(|i| {
                let doc = DocumentDigest::of_bytes(format!("doc {i}").as_bytes(), None, None).unwrap();
                let now = t("2026-11-02T08:00:00Z").plus_millis(i as i64 * DAY_MS);
                let request = RecordRequest { doc, claims: Default::default(), chain: head.as_ref(), cert_serial: Some(serial), now };
                let signed = sign_record(who, request).unwrap();
                head = Some(signed.chain_head());
                signed.jws
            })
            .collect()
    }

    fn run(w: &World, records: &[String], now: &str) -> Vec<RecordVerdict> {
        let cert = w.db.certificate("s-1").unwrap().unwrap();
        let known = Known { certificates: HashMap::from([(cert.serial.clone(), (PublicKey::from_jwk_json(&cert.jwk).unwrap(), cert))]), ..Known::default() };
        let read = records.iter().cloned().map(Prepared::read).collect();
        let prepared = prepare(read, &known, &w.authority, t(now));
        w.db.batch(|b| ingest(b, prepared, &w.authority, t(now))).unwrap()
    }

    fn summary(verdicts: &[RecordVerdict]) -> Vec<(VerdictKind, Option<&str>, bool)> {
        verdicts.iter().map(|v| (v.verdict, v.code.as_deref(), v.chain_gap)).collect()
    }

    const NOW: &str = "2026-11-20T00:00:00Z";

    #[test]
    fn a_chain_is_accepted_with_receipts_and_a_resend_is_a_duplicate() {
        let w = world("accept");
        let records = chain(&w.worker, "s-1", 3);
        let first = run(&w, &records, NOW);
        assert_eq!(summary(&first), vec![(VerdictKind::Accepted, None, false); 3]);
        for (v, jws) in first.iter().zip(&records) {
            let receipt = offsign::verify_receipt(v.receipt.as_deref().unwrap(), w.authority.public_key()).unwrap();
            assert_eq!(receipt.hash, record_hash(jws));
            assert_eq!(receipt.received_at, "2026-11-20T00:00:00.000Z");
        }
        let again = run(&w, &records, "2026-11-21T00:00:00Z");
        assert_eq!(summary(&again), vec![(VerdictKind::Duplicate, None, false); 3]);
        assert_eq!(again[1].receipt, first[1].receipt, "the same receipt, not a new one");
        assert_eq!(w.db.record_count().unwrap(), 3);
    }

    #[test]
    fn a_missing_record_is_flagged_as_a_gap_and_a_wrong_link_refused() {
        let w = world("gap");
        let records = chain(&w.worker, "s-1", 4);
        let verdicts = run(&w, &[records[0].clone(), records[2].clone()], NOW);
        assert_eq!(summary(&verdicts), [(VerdictKind::Accepted, None, false), (VerdictKind::Accepted, None, true)]);
        let other_branch = chain(&w.worker, "s-1", 2); // same key, another seq 2
        let verdicts = run(&w, &[other_branch[1].clone(), records[1].clone()], NOW);
        assert_eq!(verdicts[0].code.as_deref(), Some("chain_broken"), "seq 2 whose prev is not the stored seq 1");
        assert_eq!(verdicts[1].verdict, VerdictKind::Accepted, "the real seq 2 fills the gap");
        let fork = chain(&w.worker, "s-1", 3);
        assert_eq!(run(&w, &fork[2..], NOW)[0].code.as_deref(), Some("chain_fork"), "another seq 3");
    }

    /// Every order of arrival of a 5-record chain and a substitute for its third record
    /// (same key, same `prev`, another document), one record per batch: whatever arrives, the
    /// stored records form one chain (each stored neighbour links to the other), so a
    /// substitute never sits between two real records.
    #[test]
    fn a_missing_link_cannot_be_substituted_in_any_order_of_arrival() {
        let w = world("substitute");
        let mut orders = vec![vec![]];
        for n in 0..6usize {
            orders = orders.into_iter().flat_map(|o: Vec<usize>| (0..=o.len()).map(move |i| {
                let mut o = o.clone();
                o.insert(i, n);
                o
            })).collect();
        }
        assert_eq!(orders.len(), 720);
        let mut substitutes_refused = 0;
        for (n, order) in orders.iter().enumerate() {
            // Each order under its own key and certificate, in one database.
            let worker = Identity::generate().unwrap();
            let serial = format!("s-order-{n}");
            let (nbf, exp) = (t("2026-11-01T00:00:00Z"), t("2026-12-01T00:00:00Z"));
            let row = CertificateRow::issue(&w.authority, &serial, &format!("w-{n}"), &worker.public_key().to_jwk(), nbf, exp).unwrap();
            w.db.add_certificate(&row).unwrap();
            let mut records = chain(&worker, &serial, 5);
            let head = ChainHead { seq: 2, hash: record_hash(&records[1]), signed_at: t("2026-11-03T08:00:00.000Z") };
            let doc = DocumentDigest::of_bytes(b"a substitute", None, None).unwrap();
            let request = RecordRequest { doc, claims: Default::default(), chain: Some(&head), cert_serial: Some(&serial), now: t("2026-11-04T09:00:00Z") };
            records.push(sign_record(&worker, request).unwrap().jws); // index 5: another seq 3
            let cert = w.db.certificate(&serial).unwrap().unwrap();
            let known = Known { certificates: HashMap::from([(serial.clone(), (worker.public_key().clone(), cert))]), ..Known::default() };
            for &i in order {
                let prepared = prepare(vec![Prepared::read(records[i].clone())], &known, &w.authority, t(NOW));
                let verdict = w.db.batch(|b| ingest(b, prepared, &w.authority, t(NOW))).unwrap().remove(0);
                if verdict.verdict == VerdictKind::Rejected {
                    assert!(matches!(verdict.code.as_deref(), Some("chain_fork" | "chain_broken")), "{order:?}: {:?}", verdict.code);
                    substitutes_refused += usize::from(i == 5);
                }
            }
            let stored: Vec<Option<StoredRecord>> = (1..=5).map(|seq| w.db.batch(|b| b.record_at(worker.kid(), seq)).unwrap()).collect();
            for pair in stored.windows(2) {
                if let [Some(before), Some(after)] = pair {
                    let prev = inspect_record(&after.jws).unwrap().1.prev;
                    assert_eq!(prev.as_deref(), Some(before.hash.as_str()), "{order:?}: seq {} does not follow seq {}", after.seq, before.seq);
                }
            }
            let real_third = stored[2].as_ref().is_some_and(|r| r.jws == records[2]);
            let real_neighbours = stored[1].is_some() && stored[3].is_some();
            assert!(!real_neighbours || stored[2].is_none() || real_third, "{order:?}: a substitute between real records");
        }
        assert!(substitutes_refused > 360, "the substitute is refused in most orders: {substitutes_refused}");
    }

    #[test]
    fn receipts_are_signed_in_advance_only_for_records_headed_for_acceptance() {
        let w = world("receipts");
        let records = chain(&w.worker, "s-1", 3);
        let cert = w.db.certificate("s-1").unwrap().unwrap();
        let key = PublicKey::from_jwk_json(&cert.jwk).unwrap();
        let stored = inspect_record(&records[0]).unwrap().1.id;
        let known = Known { certificates: HashMap::from([("s-1".to_owned(), (key.clone(), cert.clone()))]), stored_ids: HashSet::from([stored]) };
        let stranger = chain(&Identity::generate().unwrap(), "s-1", 1).remove(0);
        let mut batch: Vec<Prepared> = [&records[..], &[stranger]].concat().into_iter().map(Prepared::read).collect();
        batch.extend((0..40).map(|_| Prepared::read(records[1].clone()))); // enough for the pool
        let signed: Vec<bool> = prepare(batch, &known, &w.authority, t(NOW)).iter().map(|p| p.receipt.is_some()).collect();
        assert_eq!(&signed[..4], [false, true, true, false], "a stored id and a stranger's record get none");
        let revoked = CertificateRow { revoked_at: Some(0), ..cert };
        let known = Known { certificates: HashMap::from([("s-1".to_owned(), (key, revoked))]), ..Known::default() };
        assert!(prepare(vec![Prepared::read(records[2].clone())], &known, &w.authority, t(NOW))[0].receipt.is_none(), "nor a refused one");
    }

    #[test]
    fn only_what_a_certified_signer_sent_is_kept_of_a_rejection() {
        let w = world("kept");
        let good = chain(&w.worker, "s-1", 2);
        let stranger = chain(&Identity::generate().unwrap(), "s-1", 1).remove(0);
        run(&w, &good[..1], NOW);
        let fork = chain(&w.worker, "s-1", 1).remove(0); // another seq 1 of the certified key
        let verdicts = run(&w, &[fork, stranger, "junk".repeat(1000), good[0].clone()], NOW);
        assert_eq!(verdicts.iter().map(|v| v.code.as_deref()).collect::<Vec<_>>(), [Some("chain_fork"), Some("key_mismatch"), Some("malformed_record"), None]);
        let kept: Vec<(String, String)> = w.db.refusals("", 10).unwrap().into_iter().map(|(r, _)| (r.kid, r.code)).collect();
        assert_eq!(kept, [(w.worker.kid().to_owned(), "chain_fork".to_owned())], "the stranger's record and the junk are only counted");
        let counted = w.db.rejections_per_code(0).unwrap();
        assert_eq!(counted, [("chain_fork".to_owned(), 1), ("key_mismatch".to_owned(), 1), ("malformed_record".to_owned(), 1)]);
    }

    #[test]
    fn a_superseded_certificate_stays_good_for_records_until_a_revocation() {
        let w = world("superseded");
        // Signed 2, 3, 4 and 5 Nov; renewed on 4 Nov, and the device never got the answer.
        let records = chain(&w.worker, "s-1", 4);
        let current = w.db.certificate("s-1").unwrap().unwrap();
        w.db.renew("s-1", t("2026-11-04T00:00:00Z").millis(), || Ok(CertificateRow { serial: "s-2".into(), ..current })).unwrap();
        let verdicts = run(&w, &records, NOW);
        assert_eq!(verdicts.iter().map(|v| v.code.as_deref()).collect::<Vec<_>>(), [None; 4], "honest records under the old certificate");
        w.db.revoke(&crate::storage::RevokeTarget::Serial("s-2".into()), offsign::RevocationReason::KeyCompromise, t(NOW).millis()).unwrap();
        let more = chain(&w.worker, "s-1", 1); // another seq 1 under s-1, after the revocation
        assert_eq!(run(&w, &more, NOW)[0].code.as_deref(), Some("key_compromised"), "revoking the new serial ends the old one too");
    }

    #[test]
    fn a_revocations_reason_decides_whether_records_signed_before_it_are_taken() {
        use offsign::RevocationReason::*;
        let records = |w: &World| chain(&w.worker, "s-1", 4); // signed 2, 3, 4 and 5 Nov
        let codes = |verdicts: Vec<RecordVerdict>| verdicts.into_iter().map(|v| v.code).collect::<Vec<_>>();
        let revoked_on_4_nov = t("2026-11-04T00:00:00Z").millis();
        // Superseded (a forgotten PIN) or the worker gone: what was signed before still counts.
        for reason in [Superseded, CessationOfOperation, AffiliationChanged, PrivilegeWithdrawn] {
            let w = world(&format!("reason-{}", reason.as_str()));
            w.db.revoke(&crate::storage::RevokeTarget::Worker("w-1".into()), reason, revoked_on_4_nov).unwrap();
            let after = Some("cert_revoked_at_signing".to_owned());
            assert_eq!(codes(run(&w, &records(&w), NOW)), [None, None, after.clone(), after], "{reason:?}");
            assert_eq!(w.db.record_count().unwrap(), 2);
        }
        // A compromised key, or no reason given: nothing under it is taken.
        for reason in [KeyCompromise, Unspecified] {
            let w = world(&format!("reason-{}", reason.as_str()));
            w.db.revoke(&crate::storage::RevokeTarget::Worker("w-1".into()), reason, revoked_on_4_nov).unwrap();
            assert_eq!(codes(run(&w, &records(&w), NOW)), vec![Some("key_compromised".to_owned()); 4], "{reason:?}");
            assert_eq!(w.db.record_count().unwrap(), 0);
        }
    }

    #[test]
    fn a_record_that_names_a_form_must_answer_that_version_of_it() {
        let w = world("forms");
        let claims = |json: serde_json::Value| json.as_object().unwrap().clone();
        let signed = |claims: serde_json::Map<String, serde_json::Value>, seq: u64, head: Option<&ChainHead>| {
            let doc = DocumentDigest::of_bytes(format!("doc {seq}").as_bytes(), None, None).unwrap();
            let now = t("2026-11-02T08:00:00Z").plus_millis(seq as i64 * 1000);
            sign_record(&w.worker, RecordRequest { doc, claims, chain: head, cert_serial: Some("s-1"), now }).unwrap()
        };
        let answered = claims(serde_json::json!({
            "form": {"id": "inspection-checklist", "version": 1}, "site": "Pump 4", "inspectedOn": "2026-11-02", "condition": "good",
            "signatureImage": {"sha256": "x", "type": "image/png"}
        }));
        let good = signed(answered.clone(), 1, None);
        let mut missing = answered.clone();
        missing.remove("site");
        let unanswered = signed(missing, 2, Some(&good.chain_head()));
        let mut newer = answered.clone();
        newer.insert("form".into(), serde_json::json!({"id": "inspection-checklist", "version": 9}));
        let unknown = signed(newer, 2, Some(&good.chain_head()));
        let mut named_badly = answered;
        named_badly.insert("form".into(), serde_json::json!("inspection-checklist"));
        let badly = signed(named_badly, 2, Some(&good.chain_head()));
        let verdicts = run(&w, &[good.jws, unanswered.jws, unknown.jws, badly.jws], NOW);
        let codes: Vec<_> = verdicts.iter().map(|v| v.code.as_deref()).collect();
        assert_eq!(codes, [None, Some("form_answers_invalid"), Some("form_unknown"), Some("form_unknown")]);
        assert_eq!(verdicts[1].message.as_deref(), Some("site is required"));
    }

    #[test]
    fn forged_unknown_expired_revoked_and_malformed_records_are_refused_and_not_stored() {
        let w = world("refuse");
        let good = chain(&w.worker, "s-1", 1).remove(0);
        // One character in the middle of the signature changed.
        let at = good.len() - 20;
        let swapped = if &good[at..at + 1] == "A" { "B" } else { "A" };
        let forged = format!("{}{swapped}{}", &good[..at], &good[at + 1..]);
        let stranger = chain(&Identity::generate().unwrap(), "s-1", 1).remove(0);
        let unknown_cert = chain(&w.worker, "s-9", 1).remove(0);
        let verdicts = run(&w, &[forged, stranger, unknown_cert, "not a jws".into()], NOW);
        assert_eq!(
            verdicts.iter().map(|v| v.code.as_deref()).collect::<Vec<_>>(),
            [Some("bad_signature"), Some("key_mismatch"), Some("cert_unknown"), Some("malformed_record")]
        );
        assert_eq!(run(&w, std::slice::from_ref(&good), "2026-11-01T00:00:00Z")[0].code.as_deref(), Some("signed_in_future"));
        w.db.revoke(&crate::storage::RevokeTarget::Worker("w-1".into()), offsign::RevocationReason::KeyCompromise, t(NOW).millis()).unwrap();
        assert_eq!(run(&w, &[good], NOW)[0].code.as_deref(), Some("key_compromised"));
        assert_eq!(w.db.record_count().unwrap(), 0);
    }

    #[test]
    fn the_certificate_must_be_valid_when_the_record_was_signed() {
        let w = world("validity");
        let mut head = None;
        let mut at = |when: &str| {
            let doc = DocumentDigest::of_bytes(when.as_bytes(), None, None).unwrap();
            let request = RecordRequest { doc, claims: Default::default(), chain: head.as_ref(), cert_serial: Some("s-1"), now: t(when) };
            let signed = sign_record(&w.worker, request).unwrap();
            head = Some(signed.chain_head());
            signed.jws
        };
        let early = at("2026-10-31T23:50:00Z");
        let tolerated = at("2026-12-01T00:04:00Z");
        let late = at("2026-12-01T00:06:00Z");
        let verdicts = run(&w, &[early, tolerated, late], "2026-12-02T00:00:00Z");
        assert_eq!(
            verdicts.iter().map(|v| v.code.as_deref()).collect::<Vec<_>>(),
            [Some("cert_not_yet_valid_at_signing"), None, Some("cert_expired_at_signing")]
        );
    }
}
