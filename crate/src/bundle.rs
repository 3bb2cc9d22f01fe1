//! The verifier's kit: what a third party (a customer disputing a delivery, an auditor, a
//! court) checks about a record, years later, from its evidence bundle alone: the record, its
//! certificate, the certificate's status or the revocation list, the server's receipt, the
//! previous record of the chain, the document and the handwritten signature's image. Each
//! check passes, fails or finds its part absent, with the reason in words. The container (a
//! ZIP file) is read by the command line and the server; this module takes its parts.

use crate::cert::{verify_certificate, verify_certificate_status, verify_receipt, verify_revocation_list, RevocationReason, CLOCK_TOLERANCE_MS};
use crate::encoding::b64url;
use crate::keys::PublicKey;
use crate::record::{inspect_record, record_hash, verify_record, RecordPayload};
use crate::time::Timestamp;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The parts of an evidence bundle, as read from its file.
#[derive(Clone, Debug, Default)]
pub struct Bundle {
    /// The record (compact JWS).
    pub record: String,
    /// The signer's certificate (JWS).
    pub certificate: Option<String>,
    /// The certificate's status as the authority answered it (JWS), when the bundle was made.
    pub certificate_status: Option<String>,
    /// The revocation list in force when the bundle was made (JWS).
    pub revocation_list: Option<String>,
    /// The server's receipt for the record (JWS).
    pub receipt: Option<String>,
    /// The record before it in its signer's chain (JWS), when there is one.
    pub previous_record: Option<String>,
    /// The document's bytes.
    pub document: Option<Vec<u8>>,
    /// The handwritten signature's image.
    pub signature_image: Option<Vec<u8>>,
    /// The stamped copy of a PDF document: the document, byte for byte, with the summary page
    /// appended and the record attached by an incremental update (the server makes it).
    pub stamped_document: Option<Vec<u8>>,
}

/// How a check ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// It holds.
    Pass,
    /// It does not hold: the record is not what it claims on this point.
    Fail,
    /// The bundle lacks what it needs: nothing is proven either way.
    Absent,
}

/// One check of a bundle.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BundleCheck {
    /// Its stable name: `record_format`, `certificate`, `signature`, `valid_at_signing`,
    /// `not_revoked`, `receipt`, `document`, `signature_image`, `stamped_copy`, `chain`.
    pub check: &'static str,
    /// How it ended.
    pub outcome: Outcome,
    /// Why, in words.
    pub detail: String,
}

/// The checks of a bundle, in the order of a report.
pub const CHECKS: [&str; 10] =
    ["record_format", "certificate", "signature", "valid_at_signing", "not_revoked", "receipt", "document", "signature_image", "stamped_copy", "chain"];

fn check(check: &'static str, outcome: Outcome, detail: impl Into<String>) -> BundleCheck {
    BundleCheck { check, outcome, detail: detail.into() }
}

/// Checks every part of `bundle` against the `authority` key (pinned by the verifier, or
/// taken from the bundle and shown to them). The record's signature is checked strictly
/// (canonical, prime-order key, no malleability).
pub fn verify_bundle(bundle: &Bundle, authority: &PublicKey) -> Vec<BundleCheck> {
    let payload = match inspect_record(&bundle.record) {
        Ok((_, payload)) => payload,
        Err(e) => {
            let why = format!("the record cannot be read: {}", e.message());
            return CHECKS
                .into_iter()
                .map(|name| check(name, if name == "record_format" { Outcome::Fail } else { Outcome::Absent }, why.clone()))
                .collect();
        }
    };
    let mut checks = vec![check(
        "record_format",
        Outcome::Pass,
        format!("a version {} record, number {} of key {}, signed at {}", payload.v, payload.seq, payload.kid, payload.signed_at),
    )];
    let certificate = bundle.certificate.as_deref().map(|c| verify_certificate(c, authority));
    let certified_key = match &certificate {
        None => {
            checks.push(check("certificate", Outcome::Absent, "the bundle holds no certificate"));
            None
        }
        Some(Err(e)) => {
            checks.push(check("certificate", Outcome::Fail, format!("the certificate is not signed by this authority ({})", e.message())));
            None
        }
        Some(Ok(cert)) => {
            let key = PublicKey::from_jwk(&cert.jwk).ok();
            if payload.cert.as_deref() != Some(cert.serial.as_str()) {
                checks.push(check("certificate", Outcome::Fail, format!("the record names certificate {:?}, the bundle holds {}", payload.cert, cert.serial)));
            } else if key.as_ref().map(PublicKey::kid) != Some(payload.kid.as_str()) {
                checks.push(check("certificate", Outcome::Fail, "the certificate is for another key than the record's"));
            } else {
                checks.push(check("certificate", Outcome::Pass, format!("certificate {} for worker {}, signed by the authority", cert.serial, cert.sub)));
            }
            key.map(|key| (key, cert.clone()))
        }
    };
    match &certified_key {
        None => checks.push(check("signature", Outcome::Absent, "no certified key to check the signature with")),
        Some((key, _)) => checks.push(match verify_record(&bundle.record, key, None) {
            Ok(_) => check("signature", Outcome::Pass, "the record is signed by the certified key (strict Ed25519)"),
            Err(e) => check("signature", Outcome::Fail, format!("the signature does not verify with the certified key: {}", e.message())),
        }),
    }
    checks.push(match &certified_key {
        None => check("valid_at_signing", Outcome::Absent, "no certificate"),
        // With the server's tolerance for a device clock a little off: what it accepted passes.
        Some((_, cert)) if payload.signed_at < cert.nbf.plus_millis(-CLOCK_TOLERANCE_MS) => {
            check("valid_at_signing", Outcome::Fail, format!("signed at {}, before the certificate began ({})", payload.signed_at, cert.nbf))
        }
        Some((_, cert)) if payload.signed_at >= cert.exp.plus_millis(CLOCK_TOLERANCE_MS) => {
            check("valid_at_signing", Outcome::Fail, format!("signed at {}, after the certificate expired ({})", payload.signed_at, cert.exp))
        }
        Some((_, cert)) => check(
            "valid_at_signing",
            Outcome::Pass,
            format!("signed within the certificate's validity ({} to {}, give or take 5 minutes of device clock)", cert.nbf, cert.exp),
        ),
    });
    let receipt = bundle.receipt.as_deref().map(|r| verify_receipt(r, authority));
    let received_at = match &receipt {
        Some(Ok(r)) => Timestamp::parse_rfc3339(&r.received_at).ok(),
        _ => None,
    };
    checks.push(not_revoked(bundle, authority, &payload, certified_key.as_ref().map(|(_, cert)| cert.serial.as_str()), received_at));
    checks.push(match receipt {
        None => check("receipt", Outcome::Absent, "the bundle holds no receipt from the server"),
        Some(Err(e)) => check("receipt", Outcome::Fail, format!("the receipt is not signed by this authority ({})", e.message())),
        Some(Ok(r)) if r.id != payload.id || r.hash != record_hash(&bundle.record) => {
            check("receipt", Outcome::Fail, "the receipt is for another record (its id or hash differs)")
        }
        Some(Ok(r)) => check("receipt", Outcome::Pass, format!("the server received this exact record at {}", r.received_at)),
    });
    checks.push(match &bundle.document {
        None => check("document", Outcome::Absent, "the bundle holds no document bytes"),
        Some(bytes) => digest_check("document", bytes, Some(&payload.doc.sha256), payload.doc.size),
    });
    let image_digest = payload.claims.get("signatureImage").and_then(|image| image.get("sha256")).and_then(|d| d.as_str());
    checks.push(match (&bundle.signature_image, image_digest) {
        // Nothing is missing: there is no image to check.
        (None, None) => check("signature_image", Outcome::Pass, "the record signs no handwritten signature image"),
        (Some(_), None) => check("signature_image", Outcome::Fail, "the bundle holds an image the record does not sign"),
        (None, Some(_)) => check("signature_image", Outcome::Absent, "the bundle holds no signature image"),
        (Some(bytes), digest) => digest_check("signature_image", bytes, digest, None),
    });
    checks.push(stamped_copy(bundle, &payload));
    checks.push(chain(bundle, &payload));
    checks
}

/// Whether the stamped copy, when the bundle holds one, begins with the signed document byte
/// for byte: its first `doc.size` bytes have the SHA-256 the record signed. What follows (the
/// server's summary page and the record, as an incremental update) no signature covers, and
/// an update can change how a reader shows the pages before it: the report says so, and the
/// evidence is the document in `document/`.
fn stamped_copy(bundle: &Bundle, payload: &RecordPayload) -> BundleCheck {
    let Some(stamped) = &bundle.stamped_document else {
        return check("stamped_copy", Outcome::Pass, "the bundle holds no stamped copy, which is only ever a reading aid");
    };
    let Some(length) = payload.doc.size.or(bundle.document.as_ref().map(|d| d.len() as u64)) else {
        return check("stamped_copy", Outcome::Absent, "the record signs no document size, and the bundle holds no document to take it from");
    };
    let original = usize::try_from(length).ok().and_then(|length| stamped.get(..length));
    match original {
        Some(original) if b64url(&Sha256::digest(original)) == payload.doc.sha256 => check(
            "stamped_copy",
            Outcome::Pass,
            format!(
                "its first {length} bytes are the signed document; the {} bytes after them (the summary page and the record) are a reading aid no signature covers: the evidence is the document itself",
                stamped.len() as u64 - length
            ),
        ),
        _ => check("stamped_copy", Outcome::Fail, "the stamped copy does not begin with the signed document: it is not a copy of it"),
    }
}

/// Whether the certificate was live when the record was signed and received: from the
/// authority's signed status (which says when), else from the revocation list (which says only
/// whether).
fn not_revoked(bundle: &Bundle, authority: &PublicKey, payload: &RecordPayload, serial: Option<&str>, received_at: Option<Timestamp>) -> BundleCheck {
    let Some(serial) = serial else { return check("not_revoked", Outcome::Absent, "no certificate") };
    if let Some(status) = &bundle.certificate_status {
        let status = match verify_certificate_status(status, authority) {
            Ok(status) if status.serial == serial => status,
            Ok(_) => return check("not_revoked", Outcome::Fail, "the certificate status is for another certificate"),
            Err(e) => return check("not_revoked", Outcome::Fail, format!("the certificate status is not signed by this authority ({})", e.message())),
        };
        let revoked_at = status.revoked_at.as_deref().and_then(|t| Timestamp::parse_rfc3339(t).ok());
        // A key revoked as compromised (or with no reason given) vouches for nothing the
        // server had not received before; after any other reason (superseded: a forgotten
        // PIN, a new phone) what was signed before stays good, wherever it waited.
        let keeps_earlier = status.reason.is_some_and(RevocationReason::keeps_earlier_records);
        let why = status.reason.map(|reason| format!(" ({})", reason.as_str())).unwrap_or_default();
        return match (status.status.as_str(), revoked_at) {
            ("revoked", Some(at)) if at <= payload.signed_at => check(
                "not_revoked",
                Outcome::Fail,
                format!("the certificate was revoked{why} at {at}, before the record was signed at {}", payload.signed_at),
            ),
            ("revoked", Some(at)) if keeps_earlier => check(
                "not_revoked",
                Outcome::Pass,
                format!("revoked{why} at {at}, after the record was signed: records signed before such a revocation stay good"),
            ),
            ("revoked", Some(at)) if received_at.is_some_and(|received| at <= received) => check(
                "not_revoked",
                Outcome::Fail,
                format!("the certificate was revoked{why} at {at}, before the server received the record"),
            ),
            ("revoked", Some(at)) => check("not_revoked", Outcome::Pass, format!("revoked only at {at}, after the record was signed and received")),
            ("revoked", None) => check("not_revoked", Outcome::Fail, "the certificate is revoked, and its status does not say since when"),
            (state, _) => check("not_revoked", Outcome::Pass, format!("the authority said {state} at {}", status.checked_at)),
        };
    }
    match bundle.revocation_list.as_deref().map(|list| verify_revocation_list(list, authority)) {
        None => check("not_revoked", Outcome::Absent, "the bundle holds no certificate status and no revocation list"),
        Some(Err(e)) => check("not_revoked", Outcome::Fail, format!("the revocation list is not signed by this authority ({})", e.message())),
        Some(Ok(list)) if list.revoked.iter().any(|s| s == serial) => {
            check("not_revoked", Outcome::Fail, format!("the certificate is on the revocation list issued at {}", list.issued_at))
        }
        Some(Ok(list)) => check("not_revoked", Outcome::Pass, format!("not on the revocation list issued at {}", list.issued_at)),
    }
}

/// Whether `bytes` are those whose SHA-256 (base64url) is `digest`, of `size` bytes if given.
fn digest_check(name: &'static str, bytes: &[u8], digest: Option<&str>, size: Option<u64>) -> BundleCheck {
    let actual = b64url(&Sha256::digest(bytes));
    if digest != Some(actual.as_str()) {
        return check(name, Outcome::Fail, "these bytes are not the ones whose digest the record signed: they were changed or swapped");
    }
    if size.is_some_and(|size| size != bytes.len() as u64) {
        return check(name, Outcome::Fail, "the bytes match the digest but not the size the record signed");
    }
    check(name, Outcome::Pass, format!("{} bytes, SHA-256 {actual} as signed", bytes.len()))
}

/// The record's place in its signer's chain: first of its key, or right after the previous
/// record in the bundle.
fn chain(bundle: &Bundle, payload: &RecordPayload) -> BundleCheck {
    match (&bundle.previous_record, &payload.prev) {
        (_, None) if payload.seq == 1 => check("chain", Outcome::Pass, "the first record of its key"),
        (_, None) => check("chain", Outcome::Fail, format!("number {} names no previous record", payload.seq)),
        (None, Some(_)) => check("chain", Outcome::Absent, "the previous record is not in the bundle"),
        (Some(previous), Some(prev)) => match inspect_record(previous) {
            Ok((_, before)) if &record_hash(previous) == prev && before.kid == payload.kid && before.seq + 1 == payload.seq => {
                check("chain", Outcome::Pass, format!("follows record number {} of the same key, whose hash it names", before.seq))
            }
            Ok(_) => check("chain", Outcome::Fail, "the previous record in the bundle is not the one this record names"),
            Err(e) => check("chain", Outcome::Fail, format!("the previous record cannot be read: {}", e.message())),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cert::{Authority, CertificateStatus};
    use crate::keys::Identity;
    use crate::record::{sign_record, DocumentDigest, RecordRequest};

    const DAY: i64 = 86_400_000;

    fn at(day: i64) -> Timestamp {
        Timestamp::from_millis(1_800_000_000_000 + day * DAY).unwrap()
    }

    /// A bundle for a record signed on day 1 and received on day 2 under a certificate valid
    /// from day 0 to day 30, whose status on day 40 is `status` (revoked `revoked_day`).
    fn bundle(authority: &Authority, status: &str, revoked_day: Option<i64>) -> Bundle {
        let worker = Identity::generate().unwrap();
        let certificate = authority.issue_certificate("s-1", "ann", &worker.public_key().to_jwk(), at(0), at(30)).unwrap();
        let document = b"%PDF-1.7 delivery receipt 118".to_vec();
        let image = b"\x89PNG the strokes".to_vec();
        let sign = |seq: u64, doc: &[u8], chain: Option<&crate::record::ChainHead>, claims: serde_json::Map<String, serde_json::Value>| {
            sign_record(&worker, RecordRequest {
                doc: DocumentDigest::of_bytes(doc, Some("r.pdf".into()), Some("application/pdf".into())).unwrap(),
                claims,
                chain,
                cert_serial: Some("s-1"),
                now: at(1).plus_millis(seq as i64),
            })
            .unwrap()
        };
        let first = sign(1, b"an earlier delivery", None, Default::default());
        let mut claims = serde_json::Map::new();
        claims.insert("signatureImage".into(), serde_json::json!({ "sha256": b64url(&Sha256::digest(&image)), "type": "image/png" }));
        let record = sign(2, &document, Some(&first.chain_head()), claims);
        let receipt = authority.issue_receipt(&record.payload.id, &record.hash, at(2)).unwrap();
        let status = authority
            .issue_certificate_status(CertificateStatus {
                v: 1,
                iss: String::new(),
                serial: "s-1".into(),
                sub: "ann".into(),
                status: status.into(),
                revoked_at: revoked_day.map(|d| at(d).to_string()),
                reason: None,
                superseded_by: None,
                checked_at: at(40).to_string(),
                certificate: certificate.clone(),
            })
            .unwrap();
        Bundle {
            record: record.jws,
            certificate: Some(certificate),
            certificate_status: Some(status),
            revocation_list: Some(authority.issue_revocation_list(vec![], at(40), at(47)).unwrap()),
            receipt: Some(receipt),
            previous_record: Some(first.jws),
            document: Some(document),
            signature_image: Some(image),
            stamped_document: None,
        }
    }

    fn failed(checks: &[BundleCheck]) -> Vec<&'static str> {
        checks.iter().filter(|c| c.outcome != Outcome::Pass).map(|c| c.check).collect()
    }

    #[test]
    fn a_whole_bundle_passes_every_check() {
        let authority = Authority::new(Identity::generate().unwrap(), "test");
        let checks = verify_bundle(&bundle(&authority, "expired", None), authority.public_key());
        assert_eq!(checks.len(), CHECKS.len());
        assert_eq!(failed(&checks), Vec::<&str>::new(), "{checks:#?}");
        // Revoked long after the record was received: the record stands.
        let later = verify_bundle(&bundle(&authority, "revoked", Some(20)), authority.public_key());
        assert_eq!(failed(&later), Vec::<&str>::new(), "{later:#?}");
    }

    #[test]
    fn each_forgery_fails_its_own_check_with_its_reason() {
        let authority = Authority::new(Identity::generate().unwrap(), "test");
        let good = bundle(&authority, "valid", None);
        let foreign = Authority::new(Identity::generate().unwrap(), "test");

        let mut altered = good.clone();
        altered.document.as_mut().unwrap()[3] ^= 1;
        let checks = verify_bundle(&altered, authority.public_key());
        assert_eq!(failed(&checks), ["document"]);
        assert!(checks[6].detail.contains("changed or swapped"), "{}", checks[6].detail);

        // A stamped copy is the document and then whatever the server appended; one that does
        // not begin with the signed bytes is no copy.
        let mut stamped = good.clone();
        stamped.stamped_document = Some([good.document.clone().unwrap(), b"\n% the summary page".to_vec()].concat());
        assert_eq!(failed(&verify_bundle(&stamped, authority.public_key())), Vec::<&str>::new());
        stamped.stamped_document.as_mut().unwrap()[0] ^= 1;
        let checks = verify_bundle(&stamped, authority.public_key());
        assert_eq!(failed(&checks), ["stamped_copy"]);
        assert!(checks[8].detail.contains("not a copy"), "{}", checks[8].detail);
        stamped.stamped_document = Some(b"%PDF".to_vec());
        assert_eq!(failed(&verify_bundle(&stamped, authority.public_key())), ["stamped_copy"], "shorter than the document");

        let checks = verify_bundle(&good, foreign.public_key());
        assert_eq!(failed(&checks)[..2], ["certificate", "signature"], "{checks:#?}");
        assert!(checks[1].detail.contains("not signed by this authority"));
        assert!(failed(&checks).contains(&"receipt"));

        let revoked = bundle(&authority, "revoked", Some(0));
        let checks = verify_bundle(&revoked, authority.public_key());
        assert_eq!(failed(&checks), ["not_revoked"]);
        assert!(checks[4].detail.contains("before the record was signed"), "{}", checks[4].detail);

        let mut forged = good.clone();
        forged.receipt = Some(foreign.issue_receipt(&inspect_record(&good.record).unwrap().1.id, &record_hash(&good.record), at(2)).unwrap());
        let checks = verify_bundle(&forged, authority.public_key());
        assert_eq!(failed(&checks), ["receipt"]);
        assert!(checks[5].detail.contains("not signed by this authority"));

        let mut swapped_image = good.clone();
        swapped_image.signature_image = Some(b"another scrawl".to_vec());
        assert_eq!(failed(&verify_bundle(&swapped_image, authority.public_key())), ["signature_image"]);

        let mut wrong_previous = good.clone();
        wrong_previous.previous_record = Some(good.record.clone());
        assert_eq!(failed(&verify_bundle(&wrong_previous, authority.public_key())), ["chain"]);

        let mut unreadable = good.clone();
        unreadable.record = "not.a.record".into();
        let checks = verify_bundle(&unreadable, authority.public_key());
        assert_eq!(checks[0].outcome, Outcome::Fail);
        assert!(checks[1..].iter().all(|c| c.outcome == Outcome::Absent));
    }

    #[test]
    fn the_servers_clock_tolerance_holds_and_a_record_without_a_pad_image_lacks_nothing() {
        let authority = Authority::new(Identity::generate().unwrap(), "test");
        let worker = Identity::generate().unwrap();
        let certificate = authority.issue_certificate("s-1", "ann", &worker.public_key().to_jwk(), at(0), at(30)).unwrap();
        let signed_at = |minutes_before: i64| {
            let request = RecordRequest {
                doc: DocumentDigest::of_bytes(b"doc", None, None).unwrap(),
                claims: Default::default(),
                chain: None,
                cert_serial: Some("s-1"),
                now: at(0).plus_millis(-minutes_before * 60_000),
            };
            let record = sign_record(&worker, request).unwrap().jws;
            let checks = verify_bundle(&Bundle { record, certificate: Some(certificate.clone()), ..Default::default() }, authority.public_key());
            (checks[3].outcome, checks[7].outcome)
        };
        assert_eq!(signed_at(2), (Outcome::Pass, Outcome::Pass), "2 minutes early: within the 5 the server allows; no image signed, none missing");
        assert_eq!(signed_at(10).0, Outcome::Fail, "10 minutes early");
    }

    #[test]
    fn missing_parts_are_absent_not_passed() {
        let authority = Authority::new(Identity::generate().unwrap(), "test");
        let bare = Bundle { record: bundle(&authority, "valid", None).record, ..Default::default() };
        let checks = verify_bundle(&bare, authority.public_key());
        assert_eq!(checks[0].outcome, Outcome::Pass);
        // A stamped copy is a reading aid: without one there is nothing to check.
        assert!(checks[1..].iter().all(|c| c.outcome == if c.check == "stamped_copy" { Outcome::Pass } else { Outcome::Absent }), "{checks:#?}");
    }
}
