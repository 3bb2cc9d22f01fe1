//! Ed25519 identities and public keys, as OKP JSON Web Keys (RFC 8037) with RFC 7638
//! thumbprints as key ids.

use crate::encoding::{b64url, b64url_decode_array};
use crate::error::{Error, ErrorCode, Result};
use ed25519_dalek::hazmat::{raw_sign, ExpandedSecretKey};
use ed25519_dalek::{Signature, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256, Sha512};
use zeroize::Zeroizing;

/// The largest JWK text we parse.
const MAX_JWK_LEN: usize = 4096;

/// A public Ed25519 key as an OKP JSON Web Key (RFC 8037): `{"kty":"OKP","crv":"Ed25519","x":…}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicJwk {
    /// Always `OKP`.
    pub kty: String,
    /// Always `Ed25519`.
    pub crv: String,
    /// The 32-byte public key, base64url.
    pub x: String,
}

/// A private Ed25519 key as an OKP JWK: the public members plus `d`, the 32-byte seed.
///
/// Only the native command line writes these; the wasm build never exports a private key.
#[derive(Serialize, Deserialize)]
pub struct PrivateJwk {
    /// Always `OKP`.
    pub kty: String,
    /// Always `Ed25519`.
    pub crv: String,
    /// The 32-byte public key, base64url.
    pub x: String,
    /// The 32-byte private seed, base64url.
    pub d: Zeroizing<String>,
}

/// A verified-format Ed25519 public key and its key id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicKey {
    key: VerifyingKey,
    kid: String,
}

impl PublicKey {
    /// From the 32 raw bytes of a compressed Edwards point.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let bytes: [u8; 32] = bytes.try_into().map_err(|_| {
            Error::new(ErrorCode::MalformedJwk, format!("an Ed25519 public key has 32 bytes, got {}", bytes.len()))
        })?;
        let key = VerifyingKey::from_bytes(&bytes)
            .map_err(|_| Error::new(ErrorCode::MalformedJwk, "the public key is not a point on Ed25519"))?;
        Ok(Self::from_verifying_key(key))
    }

    fn from_verifying_key(key: VerifyingKey) -> Self {
        let kid = thumbprint(&b64url(key.as_bytes()));
        PublicKey { key, kid }
    }

    /// From an OKP JWK. Members other than `kty`, `crv`, `x` (and `alg` when it names Ed25519)
    /// are ignored, as RFC 7517 asks.
    pub fn from_jwk(jwk: &PublicJwk) -> Result<Self> {
        if jwk.kty != "OKP" || jwk.crv != "Ed25519" {
            return Err(Error::new(
                ErrorCode::MalformedJwk,
                format!("expected kty OKP and crv Ed25519, got kty {:.20} and crv {:.20}", jwk.kty, jwk.crv),
            ));
        }
        let x = b64url_decode_array::<32>(&jwk.x)
            .ok_or_else(|| Error::new(ErrorCode::MalformedJwk, "x is not 32 bytes of base64url"))?;
        Self::from_bytes(&x)
    }

    /// From JWK text (JSON).
    pub fn from_jwk_json(text: &str) -> Result<Self> {
        Self::from_jwk(&parse_jwk_json(text)?)
    }

    /// The key as an OKP JWK.
    pub fn to_jwk(&self) -> PublicJwk {
        PublicJwk { kty: "OKP".into(), crv: "Ed25519".into(), x: b64url(self.key.as_bytes()) }
    }

    /// The key id: the RFC 7638 JWK thumbprint (SHA-256, base64url).
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The 32 raw bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        self.key.as_bytes()
    }

    /// Strict Ed25519 verification (`verify_strict`): rejects small-order keys and `R`,
    /// non-canonical `S` and encodings. Fails with `bad_signature` and nothing more.
    pub fn verify(&self, message: &[u8], signature: &[u8; 64]) -> Result<()> {
        let signature = Signature::from_bytes(signature);
        self.key
            .verify_strict(message, &signature)
            .map_err(|_| Error::new(ErrorCode::BadSignature, "the Ed25519 signature is invalid"))
    }
}

/// Parses JWK text of bounded size into the members we use.
fn parse_jwk_json(text: &str) -> Result<PublicJwk> {
    if text.len() > MAX_JWK_LEN {
        return Err(Error::new(ErrorCode::MalformedJwk, format!("a JWK is at most {MAX_JWK_LEN} bytes")));
    }
    #[derive(Deserialize)]
    struct Members {
        kty: String,
        crv: String,
        x: String,
        alg: Option<String>,
    }
    let m: Members = serde_json::from_str(text)
        .map_err(|e| Error::new(ErrorCode::MalformedJwk, format!("not an OKP JWK: {e}")))?;
    if let Some(alg) = m.alg.as_deref().filter(|a| !matches!(*a, "Ed25519" | "EdDSA")) {
        return Err(Error::new(ErrorCode::MalformedJwk, format!("the JWK is for alg {alg:.20}, not Ed25519")));
    }
    Ok(PublicJwk { kty: m.kty, crv: m.crv, x: m.x })
}

/// The RFC 7638 thumbprint of an Ed25519 OKP key given its base64url `x`.
fn thumbprint(x: &str) -> String {
    let canonical = format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{x}"}}"#);
    b64url(&Sha256::digest(canonical.as_bytes()))
}

/// An Ed25519 signing identity. The seed and expanded key are wiped from memory when it is
/// dropped; `Debug` never shows them.
pub struct Identity {
    seed: SigningKey,
    expanded: ExpandedSecretKey,
    public: PublicKey,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identity").field("kid", &self.public.kid).finish_non_exhaustive()
    }
}

impl Identity {
    /// A new identity from 32 bytes of the platform's secure randomness.
    pub fn generate() -> Result<Self> {
        let mut seed = Zeroizing::new([0u8; 32]);
        crate::random::fill(seed.as_mut())?;
        Ok(Self::from_seed(&seed))
    }

    /// The identity of a 32-byte seed (the RFC 8032 private key).
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        let signing = SigningKey::from_bytes(seed);
        let expanded = ExpandedSecretKey::from(signing.as_bytes());
        let public = PublicKey::from_verifying_key(signing.verifying_key());
        Identity { seed: signing, expanded, public }
    }

    /// A copy of the seed, wiped when dropped. Only the vault and the CLI's key file use it.
    pub(crate) fn seed(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.seed.to_bytes())
    }

    /// The public key.
    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

    /// The key id (RFC 7638 thumbprint of the public JWK).
    pub fn kid(&self) -> &str {
        self.public.kid()
    }

    /// A plain Ed25519 signature over `message`, without the self-check that records get.
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        raw_sign::<Sha512>(&self.expanded, message, &self.public.key).to_bytes()
    }

    /// Signs and verifies the result once more; a mismatch signs again, a second mismatch fails
    /// with `self_check_failed`. Guards against engine faults that corrupt a signature.
    pub(crate) fn sign_checked(&self, message: &[u8]) -> Result<[u8; 64]> {
        sign_with_self_check(|| self.sign(message), |sig| self.public.verify(message, sig).is_ok())
    }

    /// Reads an identity from a private OKP JWK (as written by `offsign keygen`).
    pub fn from_private_jwk_json(text: &str) -> Result<Self> {
        if text.len() > MAX_JWK_LEN {
            return Err(Error::new(ErrorCode::MalformedJwk, format!("a JWK is at most {MAX_JWK_LEN} bytes")));
        }
        let jwk: PrivateJwk = serde_json::from_str(text)
            .map_err(|e| Error::new(ErrorCode::MalformedJwk, format!("not a private OKP JWK: {e}")))?;
        let d = b64url_decode_array::<32>(&jwk.d).map(Zeroizing::new).ok_or_else(|| {
            Error::new(ErrorCode::MalformedJwk, "d is not 32 bytes of base64url")
        })?;
        let identity = Self::from_seed(&d);
        let public = PublicKey::from_jwk(&PublicJwk { kty: jwk.kty, crv: jwk.crv, x: jwk.x })?;
        if public != identity.public {
            return Err(Error::new(ErrorCode::MalformedJwk, "x does not match the public key of d"));
        }
        Ok(identity)
    }

    /// The private key as an unencrypted OKP JWK. Dangerous: for the native command line's
    /// key files only; anyone who reads it can sign as this worker.
    pub fn dangerous_private_jwk(&self) -> PrivateJwk {
        let public = self.public.to_jwk();
        PrivateJwk { kty: public.kty, crv: public.crv, x: public.x, d: Zeroizing::new(b64url(&*self.seed())) }
    }
}

/// Runs `sign` and accepts its result only when `check` agrees; retries once.
fn sign_with_self_check(sign: impl Fn() -> [u8; 64], check: impl Fn(&[u8; 64]) -> bool) -> Result<[u8; 64]> {
    for _ in 0..2 {
        let signature = sign();
        if check(&signature) {
            return Ok(signature);
        }
    }
    Err(Error::new(ErrorCode::SelfCheckFailed, "the new signature failed verification twice"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    /// RFC 8037 appendix A.1–A.3: the key, its public JWK and its thumbprint.
    #[test]
    fn rfc8037_key_and_thumbprint() {
        let d = crate::encoding::b64url_decode_array::<32>("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A").unwrap();
        let id = Identity::from_seed(&d);
        assert_eq!(id.public_key().to_jwk().x, "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");
        assert_eq!(id.kid(), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
    }

    #[test]
    fn private_jwk_round_trips_and_is_checked() {
        let id = Identity::generate().unwrap();
        let text = serde_json::to_string(&id.dangerous_private_jwk()).unwrap();
        let back = Identity::from_private_jwk_json(&text).unwrap();
        assert_eq!(back.kid(), id.kid());

        let other = Identity::generate().unwrap();
        let mut mixed = id.dangerous_private_jwk();
        mixed.x = other.public_key().to_jwk().x;
        let e = Identity::from_private_jwk_json(&serde_json::to_string(&mixed).unwrap()).unwrap_err();
        assert_eq!(e.code(), ErrorCode::MalformedJwk);
        assert!(!e.message().contains(mixed.d.as_str()), "errors never echo the secret");
        assert!(!format!("{id:?}").contains(mixed.d.as_str()));
    }

    #[test]
    fn malformed_jwks_are_refused_with_a_code() {
        let good = r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;
        assert!(PublicKey::from_jwk_json(good).is_ok());
        let with_extras = r#"{"kty":"OKP","crv":"Ed25519","alg":"EdDSA","use":"sig","kid":"k","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;
        assert!(PublicKey::from_jwk_json(with_extras).is_ok());
        let huge = format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{}"}}"#, "A".repeat(10_000));
        for bad in [
            "",
            "null",
            "{}",
            r#"{"kty":"EC","crv":"P-256","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#,
            r#"{"kty":"OKP","crv":"X25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#,
            r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHUR"}"#,
            r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo="}"#,
            r#"{"kty":"OKP","crv":"Ed25519","alg":"ES256","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#,
            huge.as_str(),
        ] {
            assert_eq!(PublicKey::from_jwk_json(bad).unwrap_err().code(), ErrorCode::MalformedJwk, "{bad:.80}");
        }
        assert_eq!(PublicKey::from_bytes(&[0; 31]).unwrap_err().code(), ErrorCode::MalformedJwk);
    }

    #[test]
    fn sign_matches_dalek_and_verifies() {
        let id = Identity::generate().unwrap();
        let sig = id.sign(b"hello");
        let dalek = ed25519_dalek::Signer::sign(&SigningKey::from_bytes(&id.seed()), b"hello");
        assert_eq!(sig, dalek.to_bytes());
        id.public_key().verify(b"hello", &sig).unwrap();
        assert_eq!(id.public_key().verify(b"hellp", &sig).unwrap_err().code(), ErrorCode::BadSignature);
    }

    #[test]
    fn self_check_retries_once_then_fails() {
        let calls = Cell::new(0);
        let flaky_once = sign_with_self_check(
            || [7; 64],
            |_| {
                calls.set(calls.get() + 1);
                calls.get() > 1
            },
        );
        assert_eq!(flaky_once.unwrap(), [7; 64]);
        assert_eq!(calls.get(), 2);

        let signs = Cell::new(0);
        let always_wrong = sign_with_self_check(
            || {
                signs.set(signs.get() + 1);
                [7; 64]
            },
            |_| false,
        );
        assert_eq!(always_wrong.unwrap_err().code(), ErrorCode::SelfCheckFailed);
        assert_eq!(signs.get(), 2, "signs again after the first mismatch, then gives up");
    }
}
