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
