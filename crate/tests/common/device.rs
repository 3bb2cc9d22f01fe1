//! The device over real IndexedDB: shared by the window, dedicated-worker and service-worker
//! test targets, which differ only in where wasm-bindgen-test runs them.

use offsign::{
    verify_record, Authority, BackupContents, Clock, Device, DeviceConfig, DocumentDigest, ErrorCode, EvidenceKind, EvidenceState, IdbStore,
    Identity, KdfParams, RecordError, RecordRow, RecordState, SignInput, Store, StoredCredentials, Timestamp, DAY_MS,
};
use std::cell::Cell;
use wasm_bindgen_test::*;

fn now() -> Timestamp {
    Timestamp::from_js_millis(js_sys::Date::now()).unwrap()
}

const PIN: &str = "482913";

/// The browser's clock, moved forward by `skip` milliseconds when a test needs the future.
#[derive(Default)]
struct SkippingClock {
    skip: Cell<i64>,
}

impl Clock for SkippingClock {
    fn now(&self) -> offsign::Result<Timestamp> {
        Ok(now().plus_millis(self.skip.get()))
    }
}

type TestDevice<'c> = Device<IdbStore, &'c SkippingClock>;

/// A fresh database name per test, so tests never see each other's rows.
fn db_name(test: &str) -> String {
    format!("offsign-test-{test}-{}", js_sys::Math::random())
}

fn input(text: &str) -> SignInput {
    SignInput { doc: DocumentDigest::of_bytes(text.as_bytes(), Some(format!("{text}.txt")), None).unwrap(), claims: Default::default(), evidence: vec![] }
}

async fn enrolled<'c>(name: &str, clock: &'c SkippingClock) -> (TestDevice<'c>, String, Authority) {
    let device = Device::new(IdbStore::open(name).await.unwrap(), clock, DeviceConfig::default());
    let row = device.create_identity("A. Jones", PIN, KdfParams::MIN).await.unwrap();
    let authority = Authority::new(Identity::generate().unwrap(), "Test Authority");
    let t = now();
    let certificate = authority
        .issue_certificate("s-1", "jones", &row.public_jwk, t.plus_millis(-DAY_MS), t.plus_millis(30 * DAY_MS))
        .unwrap();
    let revocation_list = Some(authority.issue_revocation_list(vec![], t, t.plus_millis(DAY_MS)).unwrap());
    let creds = StoredCredentials { authority: authority.public_key().to_jwk(), certificate, revocation_list, evidence_key: None };
    device.set_credentials(&row.kid, creds).await.unwrap();
    (device, row.kid, authority)
}

#[wasm_bindgen_test]
async fn records_and_chain_survive_reopening() {
    let name = db_name("reopen");
    let clock = SkippingClock::default();
    let (device, kid, _) = enrolled(&name, &clock).await;
    device.sign(vec![input("a")]).await.unwrap();
    device.sign(vec![input("b"), input("c")]).await.unwrap();
    drop(device);

    let reopened = Device::new(IdbStore::open(&name).await.unwrap(), &clock, DeviceConfig::default());
    let records = reopened.records(&kid, 0, 50).await.unwrap();
    assert_eq!(records.iter().map(|r| r.seq).collect::<Vec<_>>(), [1, 2, 3]);
    let key = offsign::PublicKey::from_jwk(&reopened.identities().await.unwrap()[0].public_jwk).unwrap();
    verify_record(&records[2].jws, &key, Some(&records[1].jws)).unwrap();
    assert_eq!(reopened.identities().await.unwrap()[0].chain.as_ref().map(|c| c.seq), Some(3));
    assert_eq!(reopened.records(&kid, 1, 1).await.unwrap()[0].seq, 2, "paging by seq");

    assert_eq!(reopened.sign(vec![input("d")]).await.unwrap_err().code(), ErrorCode::IdentityLocked);
    reopened.unlock(&kid, PIN).await.unwrap();
    let next = reopened.sign(vec![input("d")]).await.unwrap();
    assert_eq!(next.records[0].payload.seq, 4, "the chain continues after a reopen");
}

#[wasm_bindgen_test]
async fn a_refused_batch_leaves_no_trace() {
    let name = db_name("refused");
    let clock = SkippingClock::default();
    let (device, kid, _) = enrolled(&name, &clock).await;
    clock.skip.set(31 * DAY_MS);
    device.unlock(&kid, PIN).await.unwrap();
    let e = device.sign(vec![input("a"), input("b")]).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::CertExpired);
    assert!(device.records(&kid, 0, 50).await.unwrap().is_empty());
    assert!(device.identities().await.unwrap()[0].chain.is_none());
}

#[wasm_bindgen_test]
async fn wrong_pin_count_survives_reopening() {
    let name = db_name("lockout");
    let clock = SkippingClock::default();
    let (device, kid, _) = enrolled(&name, &clock).await;
    for _ in 0..5 {
        device.unlock(&kid, "000000").await.unwrap_err();
    }
    drop(device);
    let reopened = Device::new(IdbStore::open(&name).await.unwrap(), &clock, DeviceConfig::default());
    let e = reopened.unlock(&kid, PIN).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::PinLockedOut);
    assert_eq!(reopened.identities().await.unwrap()[0].lockout.failures, 5);

    // Four wrong PINs and one lockout: two reports, the first counted four times.
    let reports = reopened.reports("", 50).await.unwrap();
    let summary: Vec<(&str, u32)> = reports.iter().map(|r| (r.code.as_str(), r.count)).collect();
    assert_eq!(summary, [("wrong_pin", 4), ("pin_locked_out", 2)]);
    let commented = reopened.add_feedback(&reports[0].id, "Forgot my PIN").await.unwrap();
    assert_eq!(reopened.reports("", 50).await.unwrap()[0], commented);
}

/// A backup file (made here, as a hostile one would be) that claims a chain head far beyond
/// its records: imported into IndexedDB, the identity's head moves only as far as the records
/// prove, and the worker keeps signing. A backup whose own Argon2id parameters ask for a GiB is
/// refused before any work.
#[wasm_bindgen_test]
async fn a_backup_cannot_move_a_chain_head_beyond_its_records_nor_make_the_device_work() {
    let name = db_name("hostile-backup");
    let clock = SkippingClock::default();
    let (device, kid, _) = enrolled(&name, &clock).await;
    device.sign(vec![input("a")]).await.unwrap();
    let honest = device.export_backup("pass phrase", KdfParams::MIN).await.unwrap();
    let mut contents = offsign::open_backup(&honest, "pass phrase").unwrap();
    contents.identities[0].chain =
        Some(offsign::ChainHead { seq: 5, hash: "x".into(), signed_at: offsign::Timestamp::parse_rfc3339("9999-12-31T00:00:00.000Z").unwrap() });
    let hostile = offsign::seal_backup(&contents, "pass phrase", KdfParams::MIN).unwrap();
    device.import_backup(&hostile, "pass phrase").await.unwrap();
    assert_eq!(device.identities().await.unwrap()[0].chain.as_ref().map(|c| c.seq), Some(1));
    device.unlock(&kid, PIN).await.unwrap();
    assert_eq!(device.sign(vec![input("b")]).await.unwrap().records[0].payload.seq, 2, "the worker still signs");

    let mut file: serde_json::Value = serde_json::from_slice(&honest).unwrap();
    file["kdf"]["m"] = (1024 * 1024).into();
    let refused = device.import_backup(&serde_json::to_vec(&file).unwrap(), "pass phrase").await.unwrap_err();
    assert_eq!(refused.code(), ErrorCode::MalformedBackup);
    // Refused before any work: an Argon2id run with m = 1 GiB would have grown the wasm memory
    // past 1 GiB (a check of what happened, not of how long it took on a busy machine).
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::JsCast::unchecked_into(wasm_bindgen::memory());
    let bytes = js_sys::ArrayBuffer::from(memory.buffer()).byte_length();
    assert!(bytes < 512 << 20, "refused before any work ({bytes} bytes of wasm memory)");
}

/// A record row for the store alone (the store neither signs nor verifies).
fn stored_row(kid: &str, seq: u64, signed_at: &str) -> RecordRow {
    RecordRow {
        id: format!("{kid}-{seq}"),
        kid: kid.into(),
        seq,
        signed_at: signed_at.into(),
        jws: format!("header.payload-{seq}.signature"),
        hash: format!("hash-{kid}-{seq}"),
        doc_name: Some(format!("doc {seq}")),
        state: RecordState::Pending,
        attempts: 0,
        receipt: None,
        error: None,
    }
}

fn backup_of(records: Vec<RecordRow>) -> BackupContents {
    BackupContents { v: 1, created_at: "2026-12-02T10:00:00.000Z".into(), identities: vec![], records, reports: vec![], evidence: vec![] }
}

fn seqs(rows: &[RecordRow]) -> Vec<u64> {
    rows.iter().map(|r| r.seq).collect()
}

/// The outbox as the IndexedDB store keeps it, in pages of consecutive records: counting,
/// the order of sending, delivery states written back across a page boundary, reading on
/// from any seq, pruning, and a backup's records filling the gaps pruning left. In each engine:
/// the store's indexes are multiEntry indexes over array keys, where engines could differ.
#[wasm_bindgen_test]
async fn the_outbox_kept_in_pages() {
    let name = db_name("pages");
    let store = IdbStore::open(&name).await.unwrap();
    let (early, late) = ("2026-12-02T10:00:00.000Z", "2026-12-02T11:00:00.000Z");
    // Identity a: 40 records signed early, 30 late; identity b: 3 signed between them.
    let mut rows: Vec<RecordRow> = (1..=70).map(|s| stored_row("a", s, if s <= 40 { early } else { late })).collect();
    rows.extend((1..=3).map(|s| stored_row("b", s, "2026-12-02T10:30:00.000Z")));
    assert_eq!(store.import(&backup_of(rows.clone())).await.unwrap().records_added, 73);
    let summary = store.outbox_summary().await.unwrap();
    assert_eq!((summary.pending, summary.oldest_pending.as_deref(), summary.rejected), (73, Some(early), 0));

    // Sent oldest first, in chain order within one time.
    let first = store.unsent(None, 42).await.unwrap();
    assert_eq!(first.iter().map(|r| (r.kid.as_str(), r.seq)).collect::<Vec<_>>()[38..], [("a", 39), ("a", 40), ("b", 1), ("b", 2)]);
    let from_late = store.unsent(Some(late), 500).await.unwrap();
    assert_eq!(seqs(&from_late), (41..=70).collect::<Vec<_>>(), "only those signed at `since` or later");

    // Answers for a's 30..=36, across the boundary of its first two pages.
    let mut answered: Vec<RecordRow> = rows[29..36].to_vec();
    for row in &mut answered {
        (row.state, row.attempts, row.receipt) = (RecordState::Accepted, 1, Some(format!("receipt-{}", row.seq)));
    }
    answered[6].state = RecordState::Rejected;
    answered[6].receipt = None;
    answered[6].error = Some(RecordError { code: "cert_revoked".into(), message: "revoked".into() });
    store.put_records(&answered).await.unwrap();
    let summary = store.outbox_summary().await.unwrap();
    assert_eq!((summary.pending, summary.rejected), (66, 1));
    let unsent = store.unsent(None, 500).await.unwrap();
    assert_eq!(unsent.len(), 66);
    assert!(unsent.iter().all(|r| r.kid != "a" || !(30..=36).contains(&r.seq)), "answered records are not sent again");
    let read = store.records("a", 31, 3).await.unwrap();
    assert_eq!(seqs(&read), [32, 33, 34], "reading on from a seq crosses pages");
    assert_eq!(read[1].receipt.as_deref(), Some("receipt-33"));

    // Pruning takes the accepted records only; the rejected one and the rest stay.
    assert_eq!(store.prune_accepted("2026-12-03T00:00:00.000Z", 1_000).await.unwrap(), 6);
    let kept = store.records("a", 0, 1_000).await.unwrap();
    assert_eq!(seqs(&kept), (1..=29).chain(36..=70).collect::<Vec<_>>());
    assert_eq!(kept[29].state, RecordState::Rejected);
    assert_eq!(seqs(&store.records("a", 29, 1).await.unwrap()), [36], "reading on across the gap");

    // A backup brings the pruned records back into the gap; one that differs is refused whole.
    let restored = store.import(&backup_of(answered[..6].to_vec())).await.unwrap();
    assert_eq!((restored.records_added, restored.records_skipped), (6, 0));
    let mut forged = answered[0].clone();
    forged.hash = "another hash".into();
    let refused = store.import(&backup_of(vec![stored_row("a", 71, late), forged])).await.unwrap_err();
    assert_eq!(refused.code(), ErrorCode::ChainBroken);

    // All of it as stored, after reopening.
    let reopened = IdbStore::open(&name).await.unwrap();
    let all = reopened.records("a", 0, 1_000).await.unwrap();
    assert_eq!(seqs(&all), (1..=70).collect::<Vec<_>>(), "nothing of the refused backup");
    assert_eq!(all[29..36].iter().map(|r| r.state).collect::<Vec<_>>(), [[RecordState::Accepted; 6].as_slice(), &[RecordState::Rejected]].concat());
    assert_eq!(reopened.records("b", 0, 10).await.unwrap().len(), 3);
}

#[wasm_bindgen_test]
async fn evidence_is_kept_sealed_beside_its_record_read_back_counted_and_pruned() {
    let name = db_name("evidence");
    let clock = SkippingClock::default();
    let (device, kid, _) = enrolled(&name, &clock).await;
    // 2.2 MB read a MiB at a time: three stored pieces, written before the record exists.
    let photo: Vec<u8> = (0..2_200_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let mut staged = device.stage_evidence(EvidenceKind::Document, "image/jpeg", photo.len() as u64).unwrap();
    for part in photo.chunks(1 << 20) {
        device.feed_evidence(&mut staged, part).await.unwrap();
    }
    let sha256 = device.finish_evidence(&mut staged).await.unwrap();
    // Another document read and sealed, whose signature never happens (the tab closed).
    let mut abandoned = device.stage_evidence(EvidenceKind::Document, "text/plain", 3).unwrap();
    device.feed_evidence(&mut abandoned, b"abc").await.unwrap();
    device.finish_evidence(&mut abandoned).await.unwrap();
    let doc = DocumentDigest::of_sha256(&sha256, Some("porch.jpg".into()), Some("image/jpeg".into()), Some(photo.len() as u64)).unwrap();
    let signed = device.sign(vec![SignInput { doc, claims: Default::default(), evidence: vec![staged] }]).await.unwrap();
    let id = signed.records[0].payload.id.clone();
    drop(device);

    let store = IdbStore::open(&name).await.unwrap();
    let rows = store.evidence(&id).await.unwrap();
    assert_eq!(rows.len(), 1);
    let row = rows[0].clone();
    assert_eq!((row.state, row.plain_len, row.pieces(), row.kid.as_str()), (EvidenceState::Pending, photo.len() as u64, 3, kid.as_str()));
    assert_eq!(store.pending_evidence(None, 10).await.unwrap(), rows);
    let summary = store.outbox_summary().await.unwrap();
    assert_eq!((summary.evidence_pending, summary.evidence_pending_bytes), (1, row.sealed_len()));
    let first = store.evidence_piece(&row.staged, 0).await.unwrap();
    assert_eq!(first.len(), offsign::EVIDENCE_PIECE);
    assert_ne!(&first[..64], &photo[..64], "sealed, not the photo");

    // Its worker, and only its worker, opens it after a reopen.
    let reopened = Device::new(IdbStore::open(&name).await.unwrap(), &clock, DeviceConfig::default());
    let mut read = Vec::new();
    let locked = reopened.open_evidence(&id, EvidenceKind::Document, &mut |plain| read.extend_from_slice(&plain)).await;
    assert_eq!(locked.unwrap_err().code(), ErrorCode::IdentityLocked);
    reopened.unlock(&kid, PIN).await.unwrap();
    reopened.open_evidence(&id, EvidenceKind::Document, &mut |plain| read.extend_from_slice(&plain)).await.unwrap();
    assert!(read == photo, "the photo, whole");

    // The sweep takes the pieces no record claims; stored evidence goes with its record's age.
    let later = "ffffffff-ffff";
    assert_eq!(store.prune_evidence("", later).await.unwrap(), 0);
    assert!(store.evidence_piece(&row.staged, 2).await.is_ok(), "the record's pieces stay");
    let mut stored = row.clone();
    (stored.state, stored.pending, stored.receipt) = (EvidenceState::Stored, None, Some("a receipt".into()));
    store.put_evidence(&stored).await.unwrap();
    assert!(store.pending_evidence(None, 10).await.unwrap().is_empty());
    assert_eq!(store.prune_evidence("9999-01-01T00:00:00.000Z", later).await.unwrap(), 1);
    assert!(store.evidence(&id).await.unwrap().is_empty());
    assert_eq!(store.evidence_piece(&row.staged, 0).await.unwrap_err().code(), ErrorCode::StorageUnavailable);
}

#[wasm_bindgen_test]
async fn pending_evidence_is_read_a_page_at_a_time_also_past_rows_signed_together() {
    let name = db_name("evidence-pages");
    let clock = SkippingClock::default();
    let (device, _, _) = enrolled(&name, &clock).await;
    let mut batch = Vec::new();
    for i in 0..4u8 {
        let mut staged = device.stage_evidence(EvidenceKind::Document, "text/plain", 10).unwrap();
        device.feed_evidence(&mut staged, &[i; 10]).await.unwrap();
        let sha256 = device.finish_evidence(&mut staged).await.unwrap();
        let doc = DocumentDigest::of_sha256(&sha256, None, None, Some(10)).unwrap();
        batch.push(SignInput { doc, claims: Default::default(), evidence: vec![staged] });
    }
    let later = batch.split_off(3);
    device.sign(batch).await.unwrap();
    device.sign(later).await.unwrap();
    drop(device);
    let store = IdbStore::open(&name).await.unwrap();
    let all = store.pending_evidence(None, 10).await.unwrap();
    assert_eq!(all.len(), 4);
    assert!(all[0].pending == all[2].pending && all[2].pending < all[3].pending, "three signed in one batch, one after");
    let mut paged = Vec::new();
    let mut after: Option<(String, String)> = None;
    loop {
        let page = store.pending_evidence(after.as_ref().map(|(pending, key)| (pending.as_str(), key.as_str())), 2).await.unwrap();
        let Some(last) = page.last() else { break };
        assert!(page.len() <= 2);
        after = Some((last.pending.clone().unwrap(), last.key.clone()));
        paged.extend(page);
    }
    assert_eq!(paged, all, "every row once, in order, across a page boundary inside the batch");
}

#[wasm_bindgen_test]
async fn a_worker_removed_from_the_device_takes_their_records_and_documents_and_nothing_else_only_once_sent_or_when_asked() {
    let name = db_name("remove");
    let clock = SkippingClock::default();
    let (device, ann, authority) = enrolled(&name, &clock).await;
    let photo = vec![7u8; 1_500_000];
    let mut staged = device.stage_evidence(EvidenceKind::Document, "image/jpeg", photo.len() as u64).unwrap();
    for part in photo.chunks(1 << 20) {
        device.feed_evidence(&mut staged, part).await.unwrap();
    }
    let sha256 = device.finish_evidence(&mut staged).await.unwrap();
    let doc = DocumentDigest::of_sha256(&sha256, Some("porch.jpg".into()), Some("image/jpeg".into()), Some(photo.len() as u64)).unwrap();
    let signed = device.sign(vec![SignInput { doc, claims: Default::default(), evidence: vec![staged] }, input("b")]).await.unwrap();
    let with_photo = signed.records[0].payload.id.clone();
    // A second worker of the crew, who signs too.
    let bo = device.create_identity("B. Smith", PIN, KdfParams::MIN).await.unwrap();
    let t = now();
    let certificate = authority.issue_certificate("s-2", "smith", &bo.public_jwk, t.plus_millis(-DAY_MS), t.plus_millis(30 * DAY_MS)).unwrap();
    let revocation_list = Some(authority.issue_revocation_list(vec![], t, t.plus_millis(DAY_MS)).unwrap());
    let creds = StoredCredentials { authority: authority.public_key().to_jwk(), certificate, revocation_list, evidence_key: None };
    device.set_credentials(&bo.kid, creds).await.unwrap();
    device.sign(vec![input("bo")]).await.unwrap();
    let bo = bo.kid;
    device.unlock(&ann, PIN).await.unwrap();

    // Not sent yet: refused, and nothing changes.
    let refused = device.remove_identity(&ann, false).await.unwrap_err();
    assert_eq!(refused.code(), ErrorCode::UnsentRecords);
    assert_eq!(device.records(&ann, 0, 10).await.unwrap().len(), 2);
    assert_eq!(device.unlocked().as_deref(), None, "the worker to remove is locked first");
    // Sent and answered (one accepted, one refused): removed without asking.
    let store = IdbStore::open(&name).await.unwrap();
    let mut rows = store.records(&ann, 0, 10).await.unwrap();
    rows[0].state = RecordState::Accepted;
    rows[1].state = RecordState::Rejected;
    store.put_records(&rows).await.unwrap();
    let piece = store.evidence(&with_photo).await.unwrap()[0].staged.clone();
    let removed = device.remove_identity(&ann, false).await.unwrap();
    assert_eq!((removed.records, removed.unsent, removed.rejected), (2, 0, 1));
    assert!(device.identities().await.unwrap().iter().all(|i| i.kid != ann));
    assert!(store.records(&ann, 0, 10).await.unwrap().is_empty());
    assert!(store.evidence(&with_photo).await.unwrap().is_empty(), "the photo's row");
    assert_eq!(store.evidence_piece(&piece, 0).await.unwrap_err().code(), ErrorCode::StorageUnavailable, "and its sealed bytes");
    assert_eq!(device.remove_identity(&ann, true).await.unwrap_err().code(), ErrorCode::IdentityNotFound);

    // The other worker kept everything; their unsent record goes only when they agree.
    assert_eq!(device.records(&bo, 0, 10).await.unwrap().len(), 1);
    assert_eq!(device.remove_identity(&bo, false).await.unwrap_err().code(), ErrorCode::UnsentRecords);
    let removed = device.remove_identity(&bo, true).await.unwrap();
    assert_eq!((removed.records, removed.unsent, removed.rejected), (1, 1, 0));
    assert!(device.identities().await.unwrap().is_empty());
}
