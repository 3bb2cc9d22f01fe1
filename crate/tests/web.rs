//! The core in real browsers (wasm32, wasm-bindgen-test): randomness from
//! `crypto.getRandomValues`, the vault, records and the policy check as compiled to wasm.
#![cfg(target_arch = "wasm32")]

use offsign::{
    check_policy, seal, sign_record, unseal, verify_record, Authority, Credentials, DocumentDigest, ErrorCode, Identity,
    KdfParams, PolicyOptions, RecordRequest, Timestamp, DAY_MS,
};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn now() -> Timestamp {
    Timestamp::from_js_millis(js_sys::Date::now()).unwrap()
}

#[wasm_bindgen_test]
fn keys_come_from_the_browser_and_differ() {
    let a = Identity::generate().unwrap();
    let b = Identity::generate().unwrap();
    assert_ne!(a.kid(), b.kid());
    assert_eq!(a.public_key().to_jwk().kty, "OKP");
}

#[wasm_bindgen_test]
fn vault_round_trip_with_default_parameters() {
    let id = Identity::generate().unwrap();
    let sealed = seal(&id, "482913", KdfParams::DEFAULT).unwrap();
    let started = js_sys::Date::now();
    let opened = unseal(&sealed, "482913").unwrap();
    let unlock_ms = js_sys::Date::now() - started;
    console_log!("unlock with default Argon2id parameters: {unlock_ms} ms");
    assert_eq!(opened.kid(), id.kid());
    assert_eq!(unseal(&sealed, "482914").unwrap_err().code(), ErrorCode::WrongPin);
}

#[wasm_bindgen_test]
fn sign_under_policy_then_verify_and_detect_tampering() {
    let authority = Authority::new(Identity::generate().unwrap(), "Test Authority");
    let worker = Identity::generate().unwrap();
    let t = now();
    let cert = authority
        .issue_certificate("s-1", "worker-1", &worker.public_key().to_jwk(), t.plus_millis(-DAY_MS), t.plus_millis(30 * DAY_MS))
        .unwrap();
    let list = authority.issue_revocation_list(vec![], t, t.plus_millis(DAY_MS)).unwrap();
    let creds = Credentials { authority: authority.public_key(), certificate: &cert, revocation_list: Some(&list) };
    let verdict = check_policy(&creds, worker.kid(), t, PolicyOptions::default()).unwrap();
    assert!(verdict.warnings.is_empty());

    let doc = DocumentDigest::of_bytes(b"inspection report", Some("r.txt".into()), None).unwrap();
    let request = RecordRequest { doc, claims: Default::default(), chain: None, cert_serial: Some("s-1"), now: t };
    let record = sign_record(&worker, request).unwrap();
    let payload = verify_record(&record.jws, worker.public_key(), None).unwrap();
    assert_eq!(payload.cert.as_deref(), Some("s-1"));

    let mut tampered = record.jws.clone().into_bytes();
    let i = tampered.len() / 2;
    tampered[i] = if tampered[i] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    assert!(verify_record(&tampered, worker.public_key(), None).is_err());

    let expired = check_policy(&creds, worker.kid(), t.plus_millis(31 * DAY_MS), PolicyOptions::default());
    assert_eq!(expired.unwrap_err().code(), ErrorCode::CertExpired);
}

mod device_in_indexeddb {
    use super::*;
    use offsign::{Clock, Device, DeviceConfig, IdbStore, SignInput, StoredCredentials};
    use std::cell::Cell;

    const PIN: &str = "482913";

    /// The browser's clock, moved forward by `skip` milliseconds when a test needs the future.
    #[derive(Default)]
    struct SkippingClock {
        skip: Cell<i64>,
    }

    impl Clock for &SkippingClock {
        fn now(&self) -> offsign::Result<Timestamp> {
            Ok(super::now().plus_millis(self.skip.get()))
        }
    }

    type TestDevice<'c> = Device<IdbStore, &'c SkippingClock>;

    /// A fresh database name per test, so tests never see each other's rows.
    fn db_name(test: &str) -> String {
        format!("offsign-test-{test}-{}", js_sys::Math::random())
    }

    fn input(text: &str) -> SignInput {
        SignInput { doc: DocumentDigest::of_bytes(text.as_bytes(), Some(format!("{text}.txt")), None).unwrap(), claims: Default::default() }
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
        let creds = StoredCredentials { authority: authority.public_key().to_jwk(), certificate, revocation_list };
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
}
