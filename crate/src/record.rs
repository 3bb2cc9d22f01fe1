//! Signed records: what a worker signed, when, with which key and certificate, chained to the
//! device's previous record, as a JWS any JOSE library can verify.

use crate::encoding::b64url;
use crate::error::{Error, ErrorCode, Result};
use crate::jws::{self, Header, Jws};
use crate::keys::{Identity, PublicKey};
use crate::time::Timestamp;
use crate::json::{deserialize_from_json, FromJson, Members};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The JWS `typ` of a record.
pub const RECORD_TYP: &str = "offsign-record+jws";
/// The largest claims object, serialized: 64 KiB.
pub const MAX_CLAIMS_BYTES: usize = 64 * 1024;
/// The largest chain position there is: JavaScript's largest exact integer (a backup carries
/// no larger one, and the server stores none).
pub const MAX_SEQ: u64 = (1 << 53) - 1;
const MAX_NAME_CHARS: usize = 1024;
const MAX_TYPE_CHARS: usize = 255;

/// What was signed: the document's SHA-256 and, when known, its name, media type and size.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DocumentDigest {
    /// SHA-256 of the document bytes, base64url.
    pub sha256: String,
    /// The file name, e.g. `receipt-118.pdf`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The media type, e.g. `application/pdf`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// The size in bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
}

/// No other members.
impl FromJson for DocumentDigest {
    fn from_json(value: Value) -> Result<Self, String> {
        let mut m = Members::of(value, "doc")?;
        let doc = DocumentDigest {
            sha256: m.required("sha256")?,
            name: m.optional("name")?,
            media_type: m.optional("type")?,
            size: m.optional("size")?,
        };
        m.deny_unknown().map(|()| doc)
    }
}

impl DocumentDigest {
    /// The digest of the document's bytes (its size is taken from them).
    pub fn of_bytes(bytes: &[u8], name: Option<String>, media_type: Option<String>) -> Result<Self> {
        Self::checked(b64url(&Sha256::digest(bytes)), name, media_type, Some(bytes.len() as u64))
    }

    /// A digest computed elsewhere (e.g. streamed by the caller): 32 bytes of SHA-256.
    pub fn of_sha256(sha256: &[u8], name: Option<String>, media_type: Option<String>, size: Option<u64>) -> Result<Self> {
        if sha256.len() != 32 {
            return Err(Error::new(ErrorCode::MalformedInput, format!("a SHA-256 digest has 32 bytes, got {}", sha256.len())));
        }
        Self::checked(b64url(sha256), name, media_type, size)
    }

    fn checked(sha256: String, name: Option<String>, media_type: Option<String>, size: Option<u64>) -> Result<Self> {
        let too_long = |what: &str, max: usize| {
            Error::new(ErrorCode::MalformedInput, format!("the document {what} is longer than {max} characters"))
        };
        if name.as_ref().is_some_and(|n| n.chars().count() > MAX_NAME_CHARS) {
            return Err(too_long("name", MAX_NAME_CHARS));
        }
        if media_type.as_ref().is_some_and(|t| t.chars().count() > MAX_TYPE_CHARS) {
            return Err(too_long("type", MAX_TYPE_CHARS));
        }
        Ok(DocumentDigest { sha256, name, media_type, size })
    }
}

/// The signed content of a record (the JWS payload).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordPayload {
    /// Format version, 1.
    pub v: u32,
    /// A UUID v7, unique per record.
    pub id: String,
    /// The per-device sequence number, from 1.
    pub seq: u64,
    /// The hash of the previous record's JWS (see [`record_hash`]); `None` for the first.
    pub prev: Option<String>,
    /// When it was signed (RFC 3339 UTC with milliseconds in JSON).
    pub signed_at: Timestamp,
    /// The signer's key id.
    pub kid: String,
    /// The serial of the signer's certificate; `None` (`null`) for a record signed without one
    /// (the command line's `sign`), which no server accepts.
    pub cert: Option<String>,
    /// The document signed.
    pub doc: DocumentDigest,
    /// Free-form claims: form fields, location, the digest of a handwritten signature image.
    pub claims: serde_json::Map<String, serde_json::Value>,
}

/// Every member present (`prev` and `cert` may be `null`), no other members.
impl FromJson for RecordPayload {
    fn from_json(value: Value) -> Result<Self, String> {
        let mut m = Members::of(value, "a record payload")?;
        let payload = RecordPayload {
            v: m.required("v")?,
            id: m.required("id")?,
            seq: m.required("seq")?,
            prev: m.nullable("prev")?,
            signed_at: m.required("signedAt")?,
            kid: m.required("kid")?,
            cert: m.nullable("cert")?,
            doc: m.required("doc")?,
            claims: m.required("claims")?,
        };
        m.deny_unknown().map(|()| payload)
    }
}

/// Where a device's chain stands: the last record's sequence number, hash and time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChainHead {
    /// The last record's `seq`.
    pub seq: u64,
    /// The last record's hash.
    pub hash: String,
    /// The last record's `signedAt`.
    pub signed_at: Timestamp,
}

impl FromJson for ChainHead {
    fn from_json(value: Value) -> Result<Self, String> {
        let mut m = Members::of(value, "a chain head")?;
        Ok(ChainHead { seq: m.required("seq")?, hash: m.required("hash")?, signed_at: m.required("signedAt")? })
    }
}
deserialize_from_json!(DocumentDigest, RecordPayload, ChainHead);

/// A freshly signed record.
#[derive(Clone, Debug, PartialEq)]
pub struct SignedRecord {
    /// The record as a JWS compact serialization.
    pub jws: String,
    /// Its hash, which the next record names as `prev`.
    pub hash: String,
    /// The decoded payload.
    pub payload: RecordPayload,
}

impl SignedRecord {
    /// The chain head after this record.
    pub fn chain_head(&self) -> ChainHead {
        ChainHead { seq: self.payload.seq, hash: self.hash.clone(), signed_at: self.payload.signed_at }
    }
}

/// What to sign, beyond the identity: the document, the claims and where the chain stands.
#[derive(Clone, Debug)]
pub struct RecordRequest<'a> {
    /// The document's digest.
    pub doc: DocumentDigest,
    /// Free-form claims (a JSON object).
    pub claims: serde_json::Map<String, serde_json::Value>,
    /// The device's chain head, `None` for its first record.
    pub chain: Option<&'a ChainHead>,
    /// The serial of the signer's certificate.
    pub cert_serial: Option<&'a str>,
    /// The (trusted) time of signing.
    pub now: Timestamp,
}

/// The hash that chains records: base64url SHA-256 of the whole JWS text.
pub fn record_hash(jws: &str) -> String {
    b64url(&Sha256::digest(jws.as_bytes()))
}

/// Signs a record. Refuses with `clock_skew` when `now` is before the chain head's time, so
/// a device's records never go back in time. The signature is self-checked.
pub fn sign_record(identity: &Identity, request: RecordRequest<'_>) -> Result<SignedRecord> {
    let (seq, prev) = match request.chain {
        None => (1, None),
        Some(head) => {
            if request.now < head.signed_at {
                return Err(Error::new(
                    ErrorCode::ClockSkew,
                    format!("the device clock ({}) is before the last signature ({})", request.now, head.signed_at),
                ));
            }
            let seq = head.seq.checked_add(1).ok_or_else(|| Error::new(ErrorCode::ChainBroken, "the chain head is at the last sequence number"))?;
            (seq, Some(head.hash.clone()))
        }
    };
    let claims_len = serde_json::to_vec(&request.claims).map(|v| v.len()).unwrap_or(usize::MAX);
    if claims_len > MAX_CLAIMS_BYTES {
        return Err(Error::new(ErrorCode::MalformedInput, format!("claims are at most {MAX_CLAIMS_BYTES} bytes of JSON")));
    }
    let payload = RecordPayload {
        v: 1,
        id: crate::random::uuid_v7(request.now)?,
        seq,
        prev,
        signed_at: request.now,
        kid: identity.kid().to_owned(),
        cert: request.cert_serial.map(str::to_owned),
        doc: request.doc,
        claims: request.claims,
    };
    let payload_json = crate::json::to_vec(&payload);
    let jws = jws::sign(identity, RECORD_TYP, &payload_json)?;
    Ok(SignedRecord { hash: record_hash(&jws), jws, payload })
}

/// Decodes a record without verifying anything. For display and diagnosis only.
pub fn inspect_record(jws: &str) -> Result<(Header, RecordPayload)> {
    let parsed = Jws::parse(jws)?;
    let payload = parse_payload(&parsed)?;
    Ok((parsed.header, payload))
}

/// Verifies a record strictly against the signer's public key and, when `prev` is given,
/// checks that it follows `prev` (hash and sequence number). Returns the payload.
pub fn verify_record(jws: &str, key: &PublicKey, prev: Option<&str>) -> Result<RecordPayload> {
    let parsed = Jws::parse(jws)?;
    let payload = parse_payload(&parsed)?;
    if payload.kid != key.kid() || parsed.header.kid.as_deref().is_some_and(|k| k != key.kid()) {
        return Err(Error::new(ErrorCode::KeyMismatch, "the record's kid is not the thumbprint of the given key"));
    }
    parsed.verify(key)?;
    if let Some(prev) = prev {
        let (_, before) = inspect_record(prev)?;
        if payload.prev.as_deref() != Some(record_hash(prev).as_str()) || Some(payload.seq) != before.seq.checked_add(1) {
            return Err(Error::new(
                ErrorCode::ChainBroken,
                format!("record seq {} does not follow record seq {}", payload.seq, before.seq),
            ));
        }
    }
    Ok(payload)
}

fn parse_payload(parsed: &Jws<'_>) -> Result<RecordPayload> {
    let payload: RecordPayload = parsed.payload_json(ErrorCode::MalformedRecord)?;
    if payload.v != 1 || payload.seq == 0 || (payload.seq == 1) != payload.prev.is_none() {
        return Err(Error::new(ErrorCode::MalformedRecord, "unknown version, or seq and prev disagree"));
    }
    Ok(payload)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn t(s: &str) -> Timestamp {
        Timestamp::parse_rfc3339(s).unwrap()
    }

    fn request<'a>(chain: Option<&'a ChainHead>, now: &str) -> RecordRequest<'a> {
        let claims = json!({"recipient": "A. Jones", "geo": {"lat": 51.5, "lon": -0.12}});
        RecordRequest {
            doc: DocumentDigest::of_bytes(b"receipt", Some("r.pdf".into()), Some("application/pdf".into())).unwrap(),
            claims: claims.as_object().unwrap().clone(),
            chain,
            cert_serial: Some("01"),
            now: t(now),
        }
    }

    #[test]
    fn records_chain_and_verify() {
        let id = Identity::generate().unwrap();
        let first = sign_record(&id, request(None, "2026-11-25T08:00:00Z")).unwrap();
        assert_eq!((first.payload.seq, first.payload.prev.as_deref()), (1, None));
        assert_eq!(first.payload.doc.size, Some(7));
        let head = first.chain_head();
        let second = sign_record(&id, request(Some(&head), "2026-11-25T08:00:00Z")).unwrap();
        assert_eq!(second.payload.seq, 2);
        assert_eq!(second.payload.prev.as_deref(), Some(first.hash.as_str()));

        let key = id.public_key();
        assert_eq!(verify_record(&first.jws, key, None).unwrap(), first.payload);
        assert_eq!(verify_record(&second.jws, key, Some(&first.jws)).unwrap(), second.payload);
        assert_eq!(verify_record(&first.jws, key, Some(&second.jws)).unwrap_err().code(), ErrorCode::ChainBroken);

        let other_first = sign_record(&id, request(None, "2026-11-25T08:00:00Z")).unwrap();
        assert_eq!(verify_record(&second.jws, key, Some(&other_first.jws)).unwrap_err().code(), ErrorCode::ChainBroken);
        let stranger = Identity::generate().unwrap();
        assert_eq!(verify_record(&first.jws, stranger.public_key(), None).unwrap_err().code(), ErrorCode::KeyMismatch);
    }

    #[test]
    fn clock_going_back_is_clock_skew() {
        let id = Identity::generate().unwrap();
        let first = sign_record(&id, request(None, "2026-11-25T08:00:00.500Z")).unwrap();
        let head = first.chain_head();
        let e = sign_record(&id, request(Some(&head), "2026-11-25T08:00:00.499Z")).unwrap_err();
        assert_eq!(e.code(), ErrorCode::ClockSkew);
    }

    #[test]
    fn a_forged_payload_under_a_real_key_is_bad_signature() {
        let id = Identity::generate().unwrap();
        let rec = sign_record(&id, request(None, "2026-11-25T08:00:00Z")).unwrap();
        let mut forged = rec.payload.clone();
        forged.claims.insert("recipient".into(), json!("Mallory"));
        let parts: Vec<&str> = rec.jws.split('.').collect();
        let forged_jws = format!("{}.{}.{}", parts[0], b64url(&serde_json::to_vec(&forged).unwrap()), parts[2]);
        assert_eq!(verify_record(&forged_jws, id.public_key(), None).unwrap_err().code(), ErrorCode::BadSignature);
        let (_, seen) = inspect_record(&forged_jws).unwrap();
        assert_eq!(seen.claims["recipient"], "Mallory", "inspect decodes without verifying");
    }

    #[test]
    fn malformed_records_and_inputs_have_codes() {
        let id = Identity::generate().unwrap();
        let not_a_record = jws::sign(&id, RECORD_TYP, br#"{"hello":1}"#).unwrap();
        assert_eq!(inspect_record(&not_a_record).unwrap_err().code(), ErrorCode::MalformedRecord);
        let rec = sign_record(&id, request(None, "2026-11-25T08:00:00Z")).unwrap();
        let mut bad = rec.payload.clone();
        bad.seq = 2;
        let bad_jws = jws::sign(&id, RECORD_TYP, &serde_json::to_vec(&bad).unwrap()).unwrap();
        assert_eq!(verify_record(&bad_jws, id.public_key(), None).unwrap_err().code(), ErrorCode::MalformedRecord);
        let non_utf8 = jws::sign(&id, RECORD_TYP, &[0xff, 0xfe]).unwrap();
        assert_eq!(inspect_record(&non_utf8).unwrap_err().code(), ErrorCode::MalformedRecord);
        // The signing time is read as a time when the record is read: a server or device never
        // meets a payload whose signedAt it cannot compare.
        for signed_at in ["2026-11-25T10:00:00+02:00", "yesterday", "2026-13-01T00:00:00Z"] {
            let mut payload = serde_json::to_value(&rec.payload).unwrap();
            payload["signedAt"] = json!(signed_at);
            let retimed = jws::sign(&id, RECORD_TYP, &serde_json::to_vec(&payload).unwrap()).unwrap();
            assert_eq!(inspect_record(&retimed).unwrap_err().code(), ErrorCode::MalformedRecord, "{signed_at}");
        }
        assert_eq!(serde_json::to_value(&rec.payload).unwrap()["signedAt"], "2026-11-25T08:00:00.000Z", "written as RFC 3339");

        let mut huge = request(None, "2026-11-25T08:00:00Z");
        huge.claims.insert("notes".into(), json!("x".repeat(MAX_CLAIMS_BYTES)));
        assert_eq!(sign_record(&id, huge).unwrap_err().code(), ErrorCode::MalformedInput);
        assert_eq!(DocumentDigest::of_sha256(&[0; 31], None, None, None).unwrap_err().code(), ErrorCode::MalformedInput);
        let long_name = Some("n".repeat(MAX_NAME_CHARS + 1));
        assert_eq!(DocumentDigest::of_bytes(b"", long_name, None).unwrap_err().code(), ErrorCode::MalformedInput);
    }

    /// A payload is exactly the record format: other members (in it or in `doc`), missing ones,
    /// repeated ones and members of the wrong type are `malformed_record`, even under a valid
    /// signature.
    #[test]
    fn payload_members_are_exactly_the_format() {
        let id = Identity::generate().unwrap();
        let rec = sign_record(&id, request(None, "2026-11-25T08:00:00Z")).unwrap();
        let good = serde_json::to_value(&rec.payload).unwrap();
        let signed = |payload: &Value| jws::sign(&id, RECORD_TYP, &serde_json::to_vec(payload).unwrap()).unwrap();
        assert_eq!(verify_record(&signed(&good), id.public_key(), None).unwrap(), rec.payload);

        type Change = (&'static str, fn(&mut Value));
        let changes: [Change; 7] = [
            ("extra member", |p| drop(p.as_object_mut().unwrap().insert("admin".into(), json!(true)))),
            ("extra doc member", |p| drop(p["doc"].as_object_mut().unwrap().insert("url".into(), json!("x")))),
            ("no claims", |p| drop(p.as_object_mut().unwrap().remove("claims"))),
            ("no kid", |p| drop(p.as_object_mut().unwrap().remove("kid"))),
            ("seq as a string", |p| p["seq"] = json!("1")),
            ("negative seq", |p| p["seq"] = json!(-1)),
            ("claims as an array", |p| p["claims"] = json!([])),
        ];
        for (what, change) in changes {
            let mut payload = good.clone();
            change(&mut payload);
            let e = verify_record(&signed(&payload), id.public_key(), None).unwrap_err();
            assert_eq!(e.code(), ErrorCode::MalformedRecord, "{what}: {}", e.message());
        }
        let text = serde_json::to_string(&good).unwrap().replacen(r#""sha256":"#, r#""sha256":"AAAA","sha256":"#, 1);
        let repeated = jws::sign(&id, RECORD_TYP, text.as_bytes()).unwrap();
        let e = verify_record(&repeated, id.public_key(), None).unwrap_err();
        assert_eq!(e.code(), ErrorCode::MalformedRecord, "one document, not two: {}", e.message());

        for member in ["prev", "cert"] {
            let mut absent = good.clone();
            absent.as_object_mut().unwrap().remove(member);
            let e = verify_record(&signed(&absent), id.public_key(), None).unwrap_err();
            assert_eq!(e.code(), ErrorCode::MalformedRecord, "without {member}: {}", e.message());
            let mut null = good.clone();
            null[member] = Value::Null;
            assert!(verify_record(&signed(&null), id.public_key(), None).is_ok(), "{member}: null is a first record / no certificate");
        }
    }
}
