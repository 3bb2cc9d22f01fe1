//! The `offsign` command line, run as a real process.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("offsign-cli-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Dir(dir)
    }
    fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, contents).unwrap();
        path.to_string_lossy().into_owned()
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn offsign(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_offsign")).args(args).output().expect("offsign runs")
}

fn stdout_json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

fn failure_code(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(1), "fails with exit 1, not a panic: {out:?}");
    stdout_json(out)["code"].as_str().unwrap().to_owned()
}

fn keygen(dir: &Dir, prefix: &str) -> (String, String) {
    let out = offsign(&["keygen"]);
    assert!(out.status.success());
    let keys = stdout_json(&out);
    assert_eq!(keys["public"]["kty"], "OKP");
    assert_eq!(keys["private"]["x"], keys["public"]["x"]);
    (dir.write(&format!("{prefix}.jwk"), keys["private"].to_string()), dir.write(&format!("{prefix}.pub.jwk"), keys["public"].to_string()))
}

#[test]
fn keygen_sign_verify_chain_and_tamper() {
    let dir = Dir::new("main");
    let (key, public) = keygen(&dir, "worker");
    let doc = dir.write("receipt-118.pdf", b"%PDF-1.7 delivery receipt");

    let first = offsign(&["sign", "--key", &key, "--doc", &doc, "--type", "application/pdf", "--claims", r#"{"recipient":"A. Jones"}"#]);
    assert!(first.status.success(), "{first:?}");
    let first_jws = String::from_utf8(first.stdout).unwrap().trim().to_owned();
    let first_path = dir.write("1.jws", &first_jws);

    let verified = offsign(&["verify", "--jwk", &public, &first_path]);
    assert!(verified.status.success(), "{verified:?}");
    let payload = stdout_json(&verified);
    assert_eq!(payload["seq"], 1);
    assert_eq!(payload["doc"]["name"], "receipt-118.pdf");
    assert_eq!(payload["doc"]["type"], "application/pdf");
    assert_eq!(payload["doc"]["size"], 25);
    assert_eq!(payload["claims"]["recipient"], "A. Jones");

    let second = offsign(&["sign", "--key", &key, "--doc", &doc, "--prev", &first_path]);
    let second_path = dir.write("2.jws", &second.stdout);
    let chained = offsign(&["verify", "--jwk", &public, "--prev", &first_path, &second_path]);
    assert!(chained.status.success(), "{chained:?}");
    assert_eq!(stdout_json(&chained)["seq"], 2);
    assert_eq!(failure_code(&offsign(&["verify", "--jwk", &public, "--prev", &second_path, &first_path])), "chain_broken");

    let (_, stranger) = keygen(&dir, "stranger");
    assert_eq!(failure_code(&offsign(&["verify", "--jwk", &stranger, &first_path])), "key_mismatch");

    let mut tampered = first_jws.into_bytes();
    let last = tampered.len() - 3;
    tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
    let tampered_path = dir.write("t.jws", &tampered);
    assert_eq!(failure_code(&offsign(&["verify", "--jwk", &public, &tampered_path])), "bad_signature");

    let inspected = offsign(&["inspect", &tampered_path]);
    assert!(inspected.status.success());
    let inspected = stdout_json(&inspected);
    assert_eq!(inspected["verified"], false, "inspect says it did not verify");
    assert_eq!(inspected["header"]["alg"], "Ed25519");
    assert_eq!(inspected["payload"]["seq"], 1);
}

#[test]
fn malformed_inputs_fail_with_codes() {
    let dir = Dir::new("bad");
    let (key, public) = keygen(&dir, "w");
    let doc = dir.write("d.txt", "x");
    let garbage = dir.write("garbage", "not a jws");
    let binary = dir.write("binary", [0xff, 0xfe, 0x00]);
    assert_eq!(failure_code(&offsign(&["verify", "--jwk", &public, &garbage])), "malformed_jws");
    assert_eq!(failure_code(&offsign(&["verify", "--jwk", &public, &binary])), "malformed_input");
    assert_eq!(failure_code(&offsign(&["verify", "--jwk", &garbage, &garbage])), "malformed_jwk");
    assert_eq!(failure_code(&offsign(&["inspect", "/no/such/file"])), "malformed_input");
    assert_eq!(failure_code(&offsign(&["sign", "--key", &public, "--doc", &doc])), "malformed_jwk");
    assert_eq!(failure_code(&offsign(&["sign", "--key", &key, "--doc", &doc, "--claims", "[1]"])), "malformed_input");
    assert_eq!(failure_code(&offsign(&["sign", "--key", &key, "--doc", &doc, "--prev", &garbage])), "malformed_jws");
    let out = offsign(&["sign", "--key", &key]);
    assert_eq!(out.status.code(), Some(2), "usage errors exit 2");
}

#[test]
fn verify_raw_rfc8032_test_1() {
    let pk = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    let sig = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";
    let ok = offsign(&["verify-raw", "--public", pk, "--message", "", "--signature", sig]);
    assert!(ok.status.success(), "{ok:?}");
    assert_eq!(stdout_json(&ok)["valid"], true);
    assert_eq!(failure_code(&offsign(&["verify-raw", "--public", pk, "--message", "00", "--signature", sig])), "bad_signature");
    assert_eq!(failure_code(&offsign(&["verify-raw", "--public", pk, "--message", "0", "--signature", sig])), "malformed_input");
    assert_eq!(failure_code(&offsign(&["verify-raw", "--public", "00", "--message", "", "--signature", sig])), "malformed_jwk");
    assert_eq!(failure_code(&offsign(&["verify-raw", "--public", pk, "--message", "", "--signature", "00"])), "malformed_input");
}

/// An evidence bundle as a server writes it: a second record of its chain with its document
/// and signature image, its certificate, status, list and receipt; `alter` changes it first.
fn bundle_file(dir: &Dir, name: &str, authority: &offsign::Authority, alter: impl FnOnce(&mut offsign::Bundle)) -> String {
    use offsign::{DocumentDigest, Identity, RecordRequest, Timestamp};
    let at = |day: i64| Timestamp::from_millis(1_800_000_000_000 + day * 86_400_000).unwrap();
    let worker = Identity::generate().unwrap();
    let certificate = authority.issue_certificate("s-1", "ann", &worker.public_key().to_jwk(), at(0), at(365)).unwrap();
    let first_request = RecordRequest { doc: DocumentDigest::of_bytes(b"first", None, None).unwrap(), claims: Default::default(), chain: None, cert_serial: Some("s-1"), now: at(1) };
    let first = offsign::sign_record(&worker, first_request).unwrap();
    let (document, image) = (b"%PDF-1.7 receipt 118".to_vec(), b"\x89PNG strokes".to_vec());
    let mut claims = serde_json::Map::new();
    claims.insert("signatureImage".into(), serde_json::json!({ "sha256": DocumentDigest::of_bytes(&image, None, None).unwrap().sha256 }));
    let head = first.chain_head();
    let request = RecordRequest { doc: DocumentDigest::of_bytes(&document, None, None).unwrap(), claims, chain: Some(&head), cert_serial: Some("s-1"), now: at(2) };
    let record = offsign::sign_record(&worker, request).unwrap();
    let mut bundle = offsign::Bundle {
        receipt: Some(authority.issue_receipt(&record.payload.id, &record.hash, at(2)).unwrap()),
        record: record.jws,
        certificate: Some(certificate),
        revocation_list: Some(authority.issue_revocation_list(vec![], at(3), at(10)).unwrap()),
        previous_record: Some(first.jws),
        stamped_document: Some([document.as_slice(), b"\n% the summary page and the record, appended"].concat()),
        document: Some(document),
        signature_image: Some(image),
        certificate_status: None,
    };
    alter(&mut bundle);
    let bytes = offsign::write_bundle(std::io::Cursor::new(Vec::new()), &bundle, &authority.public_key().to_jwk(), Some("receipt 118.pdf"), None, at(3))
        .unwrap()
        .into_inner();
    dir.write(name, bytes)
}

#[test]
fn verify_bundle_reports_each_check_and_exits_by_the_worst() {
    let dir = Dir::new("bundle");
    let authority = offsign::Authority::new(offsign::Identity::generate().unwrap(), "test");
    let pinned = dir.write("authority.jwk", serde_json::to_string(&authority.public_key().to_jwk()).unwrap());
    let foreign = dir.write("foreign.jwk", serde_json::to_string(&offsign::Identity::generate().unwrap().public_key().to_jwk()).unwrap());
    let good = bundle_file(&dir, "good.zip", &authority, |_| {});
    let outcomes = |report: &Value| -> Vec<(String, String)> {
        report["checks"].as_array().unwrap().iter().map(|c| (c["check"].as_str().unwrap().to_owned(), c["outcome"].as_str().unwrap().to_owned())).collect()
    };

    let out = offsign(&["verify-bundle", &good, "--authority", &pinned]);
    let report = stdout_json(&out);
    assert_eq!((out.status.code(), report["verdict"].as_str(), report["authority"]["pinned"].as_bool()), (Some(0), Some("valid"), Some(true)), "{report:#}");
    assert!(outcomes(&report).iter().all(|(_, outcome)| outcome == "pass"), "{report:#}");
    assert_eq!(outcomes(&report).len(), 10);

    let out = offsign(&["verify-bundle", &good]);
    let report = stdout_json(&out);
    assert_eq!((out.status.code(), report["authority"]["pinned"].as_bool()), (Some(0), Some(false)));
    assert!(report["authority"]["note"].as_str().unwrap().contains("NOT pinned"));

    let out = offsign(&["verify-bundle", &good, "--authority", &foreign]);
    let report = stdout_json(&out);
    assert_eq!((out.status.code(), report["verdict"].as_str()), (Some(1), Some("invalid")));
    assert!(outcomes(&report).contains(&("certificate".into(), "fail".into())), "{report:#}");

    let altered = bundle_file(&dir, "altered.zip", &authority, |b| b.document.as_mut().unwrap()[0] ^= 1);
    let out = offsign(&["verify-bundle", &altered, "--authority", &pinned]);
    let failed: Vec<String> = outcomes(&stdout_json(&out)).into_iter().filter(|(_, o)| o != "pass").map(|(c, _)| c).collect();
    assert_eq!((out.status.code(), failed), (Some(1), vec!["document".to_owned()]));

    let without = bundle_file(&dir, "without.zip", &authority, |b| b.document = None);
    let out = offsign(&["verify-bundle", &without, "--authority", &pinned]);
    assert_eq!((out.status.code(), stdout_json(&out)["verdict"].as_str()), (Some(2), Some("incomplete")));

    let not_a_bundle = dir.write("photo.zip", b"PK\x03\x04 not really");
    assert_eq!(failure_code(&offsign(&["verify-bundle", &not_a_bundle])), "malformed_bundle");
}
