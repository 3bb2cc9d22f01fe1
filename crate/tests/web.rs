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

#[path = "common/device.rs"]
mod device;

#[path = "common/engine.rs"]
mod engine;
