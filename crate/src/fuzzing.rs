//! Entry points for the fuzz targets in `crate/fuzz` (cargo feature `fuzzing`): every parser
//! a stranger can reach, driven with arbitrary input. Not part of the API. Each function
//! ignores the verdicts: the fuzzer looks for panics, hangs and unbounded memory.

use crate::backup::BackupContents;
use crate::cert::{Certificate, Credentials, PolicyOptions, Receipt, RevocationList, StoredCredentials};
use crate::json::{parse, FromJson};
use crate::keys::{Identity, PublicJwk, PublicKey};
use crate::record::{ChainHead, DocumentDigest, RecordPayload};
use crate::rows::{IdentityRow, RecordRow, ReportRow};
use crate::time::Timestamp;
use crate::vault::SealedKey;

/// The key that "signs" fuzzed payloads, and that the readers trust.
fn trusted() -> Identity {
    Identity::from_seed(&[7; 32])
}

fn read<T: FromJson>(data: &[u8]) {
    let _ = parse::<T>(data);
}

/// `data` through the strict JSON reader as every JSON format offsign reads.
pub fn read_every_format(data: &[u8]) {
    read::<serde_json::Value>(data);
    read::<RecordPayload>(data);
    read::<DocumentDigest>(data);
    read::<ChainHead>(data);
    read::<Certificate>(data);
    read::<RevocationList>(data);
    read::<Receipt>(data);
    read::<PublicJwk>(data);
    read::<SealedKey>(data);
    read::<StoredCredentials>(data);
    read::<IdentityRow>(data);
    read::<RecordRow>(data);
    read::<ReportRow>(data);
    read::<BackupContents>(data);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = PublicKey::from_jwk_json(text);
        let _ = Identity::from_private_jwk_json(text);
    }
}

/// `text` as every kind of JWS offsign reads, unverified and verified.
pub fn read_every_jws(text: &str) {
    let key = trusted();
    let key = key.public_key();
    let _ = crate::record::inspect_record(text);
    let _ = crate::record::verify_record(text, key, Some(text));
    let _ = crate::record::record_hash(text);
    let _ = crate::cert::inspect_certificate(text);
    let _ = crate::cert::verify_certificate(text, key);
    let _ = crate::cert::verify_revocation_list(text, key);
    let _ = crate::cert::verify_receipt(text, key);
    let _ = crate::sync::inspect_renewal_request(text);
    let _ = crate::sync::inspect_report(text);
    let _ = crate::sync::verify_enrollment_proof(text, key);
}

/// `payload` signed by the trusted key as the message `kind` picks, then read and checked as
/// its reader would: a record (with itself as the previous one), a certificate and a list
/// through the offline policy check, a receipt, a renewal request, a report, an enrollment
/// proof.
pub fn read_signed(kind: u8, payload: &[u8]) {
    let signer = trusted();
    let key = signer.public_key();
    let typ = match kind % 7 {
        0 => crate::record::RECORD_TYP,
        1 => crate::cert::CERT_TYP,
        2 => crate::cert::REVOCATION_LIST_TYP,
        3 => crate::cert::RECEIPT_TYP,
        4 => crate::sync::RENEWAL_TYP,
        5 => crate::sync::REPORT_TYP,
        _ => crate::sync::ENROLLMENT_TYP,
    };
    let Ok(jws) = crate::jws::sign(&signer, typ, payload) else { return };
    match kind % 7 {
        0 => {
            let _ = crate::record::verify_record(&jws, key, None);
            let _ = crate::record::verify_record(&jws, key, Some(&jws));
        }
        1 | 2 => {
            // The fuzzed certificate with a fixed list, or the fuzzed list with a fixed
            // certificate, through the check a device makes before each signature.
            let now = Timestamp::from_millis(1_795_000_000_000).expect("a time in range");
            let authority = crate::cert::Authority::new(Identity::from_seed(&[7; 32]), "fuzz");
            let other = if kind % 7 == 1 {
                authority.issue_revocation_list(vec![("s-1".into(), crate::cert::RevocationReason::Superseded)], now, now.plus_millis(crate::time::DAY_MS))
            } else {
                authority.issue_certificate("s-1", "w", &key.to_jwk(), now, now.plus_millis(crate::time::DAY_MS))
            };
            let Ok(other) = other else { return };
            let (certificate, list) = if kind % 7 == 1 { (&jws, &other) } else { (&other, &jws) };
            let credentials = Credentials { authority: key, certificate, revocation_list: Some(list) };
            let _ = crate::cert::check_policy(&credentials, key.kid(), now, PolicyOptions::default());
        }
        3 => {
            let _ = crate::cert::verify_receipt(&jws, key);
        }
        4 => {
            let _ = crate::sync::verify_renewal_request(&jws, key);
        }
        5 => {
            let _ = crate::sync::verify_report(&jws, key);
        }
        _ => {
            let _ = crate::sync::verify_enrollment_proof(&jws, key);
        }
    }
}

/// `data` as a backup file (even `which`), or as decrypted backup contents (odd `which`).
pub fn read_backup(which: u8, data: &[u8]) {
    if which % 2 == 0 {
        let _ = crate::backup::open_backup(data, "a fuzzing passphrase");
    } else if let Ok(contents) = parse::<BackupContents>(data) {
        let _ = crate::backup::check_contents(&contents, &mut |_, _| {});
    }
}

/// `data` as an evidence bundle file: the ZIP, its manifest and every part, then each check of
/// the record it holds (against the key the bundle names, as the verify page does unpinned).
#[cfg(feature = "bundle-file")]
pub fn read_bundle_file(data: &[u8]) {
    let _ = crate::check_bundle_file(std::io::Cursor::new(data), None);
}
