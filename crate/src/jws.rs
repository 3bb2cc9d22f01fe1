//! JWS compact serialization (RFC 7515) with Ed25519: `alg: "Ed25519"` (RFC 9864) when
//! signing; `"Ed25519"` or the older `"EdDSA"` (RFC 8037) when verifying.

use crate::encoding::{b64url, b64url_decode, b64url_decode_array};
use crate::error::{Error, ErrorCode, Result};
use crate::keys::{Identity, PublicKey};
use crate::json::{deserialize_from_json, FromJson, Members};
use serde::Serialize;

/// The largest JWS we parse: 1 MiB. Records carry digests, not documents.
pub const MAX_JWS_LEN: usize = 1 << 20;

/// The protected header members offsign writes and reads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Header {
    /// The algorithm: `Ed25519` (or `EdDSA` from older signers).
    pub alg: String,
    /// The media type of the whole JWS, e.g. `offsign-record+jws`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub typ: Option<String>,
    /// The signer's key id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    /// Critical extensions; offsign understands none, so any are refused.
    #[serde(skip_serializing)]
    crit: Option<serde_json::Value>,
}

/// Other members are allowed (and ignored), as JOSE requires.
impl FromJson for Header {
    fn from_json(value: serde_json::Value) -> Result<Self, String> {
        let mut m = Members::of(value, "a JOSE header")?;
        Ok(Header { alg: m.required("alg")?, typ: m.optional("typ")?, kid: m.optional("kid")?, crit: m.optional("crit")? })
    }
}
deserialize_from_json!(Header);

/// A parsed, not yet verified, JWS.
#[derive(Debug)]
pub struct Jws<'a> {
    signing_input: &'a str,
    /// The protected header.
    pub header: Header,
    /// The payload bytes.
    pub payload: Vec<u8>,
    signature: [u8; 64],
}

impl<'a> Jws<'a> {
    /// Parses a compact serialization; refuses anything but three strict base64url parts,
    /// an Ed25519 `alg`, no `crit`, and a 64-byte signature.
    pub fn parse(text: &'a str) -> Result<Self> {
        let malformed = |why: &str| Error::new(ErrorCode::MalformedJws, why.to_owned());
        if text.len() > MAX_JWS_LEN {
            return Err(malformed(&format!("a JWS is at most {MAX_JWS_LEN} bytes, got {}", text.len())));
        }
        let mut parts = text.split('.');
        let (Some(h), Some(p), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return Err(malformed("a compact JWS has exactly three dot-separated parts"));
        };
        let header_bytes = b64url_decode(h).ok_or_else(|| malformed("the header is not base64url"))?;
        let header: Header = crate::json::parse(&header_bytes)
            .map_err(|e| malformed(&format!("the header is not a JOSE header: {e}")))?;
        if !matches!(header.alg.as_str(), "Ed25519" | "EdDSA") {
            return Err(Error::new(
                ErrorCode::UnsupportedAlgorithm,
                format!("alg {:.20} is not Ed25519 or EdDSA", header.alg),
            ));
        }
        if header.crit.is_some() {
            return Err(malformed("the header has critical extensions (crit), which offsign does not support"));
        }
        let payload = b64url_decode(p).ok_or_else(|| malformed("the payload is not base64url"))?;
        let signature =
            b64url_decode_array::<64>(s).ok_or_else(|| malformed("the signature is not 64 bytes of base64url"))?;
        Ok(Jws { signing_input: &text[..h.len() + 1 + p.len()], header, payload, signature })
    }

    /// Verifies the signature strictly with `key`.
    pub fn verify(&self, key: &PublicKey) -> Result<()> {
        key.verify(self.signing_input.as_bytes(), &self.signature)
    }

    /// Parses the payload as JSON of type `T`, with `code` for a payload of the wrong shape.
    pub(crate) fn payload_json<T: FromJson>(&self, code: ErrorCode) -> Result<T> {
        crate::json::parse(&self.payload).map_err(|e| Error::new(code, format!("the payload does not fit: {e}")))
    }
}

/// Signs `payload` as a compact JWS with header `{"alg":"Ed25519","typ":typ,"kid":kid}`;
/// the signature is self-checked before it is returned.
pub fn sign(identity: &Identity, typ: &str, payload: &[u8]) -> Result<String> {
    sign_with(identity, typ, payload, |input| identity.sign_checked(input))
}

/// [`sign`] without the self-check, for a server that signs thousands of receipts a second on
/// hardware without the engine faults the self-check guards against (devices verify every
/// receipt they keep).
pub(crate) fn sign_unchecked(identity: &Identity, typ: &str, payload: &[u8]) -> Result<String> {
    sign_with(identity, typ, payload, |input| Ok(identity.sign(input)))
}

fn sign_with(identity: &Identity, typ: &str, payload: &[u8], signer: impl FnOnce(&[u8]) -> Result<[u8; 64]>) -> Result<String> {
    let header = Header { alg: "Ed25519".into(), typ: Some(typ.into()), kid: Some(identity.kid().into()), crit: None };
    let header_json = crate::json::to_vec(&header);
    let mut out = format!("{}.{}", b64url(&header_json), b64url(payload));
    let signature = signer(out.as_bytes())?;
    out.push('.');
    out.push_str(&b64url(&signature));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_each_flipped_byte_is_detected() {
        let id = Identity::generate().unwrap();
        let jws = sign(&id, "test+jws", br#"{"hello":"world"}"#).unwrap();
        let parsed = Jws::parse(&jws).unwrap();
        parsed.verify(id.public_key()).unwrap();
        assert_eq!(parsed.payload, br#"{"hello":"world"}"#);
        assert_eq!(parsed.header.alg, "Ed25519");
        assert_eq!(parsed.header.kid.as_deref(), Some(id.kid()));

        let bytes = jws.as_bytes();
        for i in 0..bytes.len() {
            if bytes[i] == b'.' {
                continue;
            }
            for flip in [0x01u8, 0x20] {
                let mut tampered = bytes.to_vec();
                tampered[i] ^= flip;
                let Ok(text) = std::str::from_utf8(&tampered) else { continue };
                let verdict = Jws::parse(text).and_then(|j| j.verify(id.public_key()));
                assert!(verdict.is_err(), "flipping byte {i} by {flip:#x} went unnoticed");
            }
        }
    }

    #[test]
    fn refuses_other_algorithms_crit_and_bad_shapes() {
        let id = Identity::generate().unwrap();
        let good = sign(&id, "t", b"{}").unwrap();
        let (_, rest) = good.split_once('.').unwrap();
        let with_header = |h: &str| format!("{}.{}", b64url(h.as_bytes()), rest);

        let eddsa = with_header(r#"{"alg":"EdDSA"}"#);
        assert!(Jws::parse(&eddsa).is_ok(), "the older EdDSA name parses");
        let code = |t: &str| Jws::parse(t).unwrap_err().code();
        assert_eq!(code(&with_header(r#"{"alg":"HS256"}"#)), ErrorCode::UnsupportedAlgorithm);
        assert_eq!(code(&with_header(r#"{"alg":"none"}"#)), ErrorCode::UnsupportedAlgorithm);
        assert_eq!(code(&with_header(r#"{"alg":"Ed25519","crit":["b64"],"b64":false}"#)), ErrorCode::MalformedJws);
        assert_eq!(code(&with_header(r#"{"typ":"x"}"#)), ErrorCode::MalformedJws);
        assert_eq!(code(&with_header("not json")), ErrorCode::MalformedJws);
        for bad in ["", "a.b", "a.b.c.d", "..", &format!("{good}."), &format!("{good}A"), &"A".repeat(MAX_JWS_LEN + 1)] {
            assert_eq!(code(bad), ErrorCode::MalformedJws, "{bad:.60}");
        }
    }

    /// RFC 8037 appendix A.4/A.5: an `EdDSA` JWS from another implementation verifies.
    #[test]
    fn rfc8037_a4_verifies() {
        let key = PublicKey::from_jwk_json(
            r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#,
        )
        .unwrap();
        let jws = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";
        let parsed = Jws::parse(jws).unwrap();
        parsed.verify(&key).unwrap();
        assert_eq!(parsed.payload, b"Example of Ed25519 signing");
    }
}
