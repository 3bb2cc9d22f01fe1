//! Ed25519 identities and public keys, as OKP JSON Web Keys (RFC 8037) with RFC 7638
//! thumbprints as key ids.

use crate::encoding::{b64url, b64url_decode_array};
use crate::error::{Error, ErrorCode, Result};
use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsBasepointTableRadix64, EdwardsPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::BasepointTable;
use ed25519_dalek::hazmat::ExpandedSecretKey;
use crate::split_mul::{self, SplitTable};
use std::sync::OnceLock;
use crate::json::{deserialize_from_json, FromJson, Members};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256, Sha512};
use zeroize::{Zeroize, Zeroizing};

/// The largest JWK text we parse.
const MAX_JWK_LEN: usize = 4096;

/// A public Ed25519 key as an OKP JSON Web Key (RFC 8037): `{"kty":"OKP","crv":"Ed25519","x":…}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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

/// An Ed25519 public key, decoded once for fast repeated verification, and its key id.
///
/// Only canonical encodings of curve points are accepted. A key of small order is accepted
/// here but verifies no signature. From its second verification on, a key keeps tables
/// (10 KB) that make each verification about a quarter faster (see `split_mul`).
#[derive(Clone)]
pub struct PublicKey {
    encoded: [u8; 32],
    /// −A, so that verification computes [S]B + [k](−A) in one double-scalar multiplication.
    minus_point: EdwardsPoint,
    small_order: bool,
    kid: String,
    /// Set by the first verification.
    verified_before: OnceLock<()>,
    /// −A's split table, made at the second verification.
    split: OnceLock<Box<SplitTable>>,
}

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PublicKey").field("kid", &self.kid).finish_non_exhaustive()
    }
}

impl PartialEq for PublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.encoded == other.encoded
    }
}

impl Eq for PublicKey {}

impl PublicKey {
    /// From the 32 raw bytes of a compressed Edwards point; `malformed_jwk` when they are not
    /// the canonical encoding of a curve point.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let encoded: [u8; 32] = bytes.try_into().map_err(|_| {
            Error::new(ErrorCode::MalformedJwk, format!("an Ed25519 public key has 32 bytes, got {}", bytes.len()))
        })?;
        let point = CompressedEdwardsY(encoded)
            .decompress()
            .filter(|p| p.compress().0 == encoded)
            .ok_or_else(|| Error::new(ErrorCode::MalformedJwk, "the public key is not a canonically encoded Ed25519 point"))?;
        Ok(PublicKey {
            encoded,
            minus_point: -point,
            small_order: point.is_small_order(),
            kid: thumbprint(&b64url(&encoded)),
            verified_before: OnceLock::new(),
            split: OnceLock::new(),
        })
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
        PublicJwk { kty: "OKP".into(), crv: "Ed25519".into(), x: b64url(&self.encoded) }
    }

    /// The key id: the RFC 7638 JWK thumbprint (SHA-256, base64url).
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The 32 raw bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.encoded
    }

    /// Whether the key is fit to be certified: not of small order and with no torsion
    /// component (`[L]A` is the identity). Such keys verify no signature here, but some
    /// widely used verifiers accept forged signatures under them, so an issuer must refuse
    /// them (`weak_key` on offsign-server). A key made by [`Identity::generate`] always is.
    pub fn is_prime_order(&self) -> bool {
        !self.small_order && self.minus_point.is_torsion_free()
    }

    /// Strict Ed25519 verification, with the verdicts of ed25519-dalek's `verify_strict`:
    /// cofactorless equation, `S < L`, canonical `A` and `R`, neither of small order. Fails with
    /// `bad_signature` and nothing more.
    ///
    /// A failure is checked once more before it is reported: a WebKit engine fault was seen to
    /// return a wrong verdict once in about a hundred runs, and a retry costs nothing for the
    /// valid signatures that make up nearly all calls.
    pub fn verify(&self, message: &[u8], signature: &[u8; 64]) -> Result<()> {
        let table = if self.small_order { None } else { self.split_table() };
        if self.verdict(message, signature, table) || self.verdict(message, signature, table) {
            Ok(())
        } else {
            Err(Error::new(ErrorCode::BadSignature, "the Ed25519 signature is invalid"))
        }
    }

    /// Checks `R == [S]B − [k]A` on encodings: the recomputed `R` is canonical, so a
    /// non-canonical `R` never matches, and comparing the matched encoding with the eight
    /// small-order points' replaces decompressing `R`.
    fn verdict(&self, message: &[u8], signature: &[u8; 64], table: Option<&SplitTable>) -> bool {
        let (r, s) = signature.split_at(32);
        let s: [u8; 32] = s.try_into().expect("64 = 32 + 32");
        let Some(s) = Option::<Scalar>::from(Scalar::from_canonical_bytes(s)) else { return false };
        if self.small_order {
            return false;
        }
        let hash: [u8; 64] = Sha512::new().chain_update(r).chain_update(self.encoded).chain_update(message).finalize().into();
        let k = Scalar::from_bytes_mod_order_wide(&hash);
        let recomputed = match table {
            Some(table) => split_mul::double_scalar_mul_basepoint(&k, table, &s),
            None => EdwardsPoint::vartime_double_scalar_mul_basepoint(&k, &self.minus_point, &s),
        };
        recomputed.compress().as_bytes() == r && !SMALL_ORDER_ENCODINGS.iter().any(|e| e == r)
    }

    /// −A's split table from the key's second call to `verify` on: most keys of records
    /// verify once, the table costs about half a verification to make, and a batch of bad
    /// signatures under as many keys should not make one each.
    fn split_table(&self) -> Option<&SplitTable> {
        if self.verified_before.set(()).is_ok() {
            return None;
        }
        Some(self.split.get_or_init(|| Box::new(SplitTable::new(&self.minus_point))))
    }
}

/// The canonical encodings of the eight points of small order (the 8-torsion): the identity,
/// the point of order 2, two of order 4 and four of order 8.
const SMALL_ORDER_ENCODINGS: [[u8; 32]; 8] = [
    hex32("0100000000000000000000000000000000000000000000000000000000000000"),
    hex32("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
    hex32("0000000000000000000000000000000000000000000000000000000000000000"),
    hex32("0000000000000000000000000000000000000000000000000000000000000080"),
    hex32("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"),
    hex32("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa"),
    hex32("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"),
    hex32("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85"),
];

/// 32 bytes from 64 hex digits, at compile time.
const fn hex32(hex: &str) -> [u8; 32] {
    const fn digit(c: u8) -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            _ => panic!("not a hex digit"),
        }
    }
    let hex = hex.as_bytes();
    assert!(hex.len() == 64);
    let mut out = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        out[i] = digit(hex[2 * i]) << 4 | digit(hex[2 * i + 1]);
        i += 1;
    }
    out
}

/// Parses JWK text of bounded size into the members we use.
fn parse_jwk_json(text: &str) -> Result<PublicJwk> {
    if text.len() > MAX_JWK_LEN {
        return Err(Error::new(ErrorCode::MalformedJwk, format!("a JWK is at most {MAX_JWK_LEN} bytes")));
    }
    crate::json::parse(text.as_bytes()).map_err(|e| Error::new(ErrorCode::MalformedJwk, format!("not an OKP JWK: {e}")))
}

/// Other members are allowed, but an `alg` must be Ed25519's. `kty`, `crv` and `x` are
/// checked when the key is decoded ([`PublicKey::from_jwk`]).
impl FromJson for PublicJwk {
    fn from_json(value: serde_json::Value) -> std::result::Result<Self, String> {
        let mut m = Members::of(value, "a JWK")?;
        if let Some(alg) = m.optional::<String>("alg")?.filter(|a| !matches!(a.as_str(), "Ed25519" | "EdDSA")) {
            return Err(format!("the JWK is for alg {alg:.20}, not Ed25519"));
        }
        Ok(PublicJwk { kty: m.required("kty")?, crv: m.required("crv")?, x: m.required("x")? })
    }
}
deserialize_from_json!(PublicJwk);

/// The RFC 7638 thumbprint of an Ed25519 OKP key given its base64url `x`.
fn thumbprint(x: &str) -> String {
    let canonical = format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{x}"}}"#);
    b64url(&Sha256::digest(canonical.as_bytes()))
}

/// Multiples of the Ed25519 basepoint for signing (radix 64: 43 additions per signature).
///
/// Built once, on first use, in a few milliseconds, instead of shipping curve25519-dalek's
/// static 30 KB table in the wasm: the download shrinks, and the larger radix signs faster.
fn basepoint_table() -> &'static EdwardsBasepointTableRadix64 {
    static TABLE: OnceLock<Box<EdwardsBasepointTableRadix64>> = OnceLock::new();
    TABLE.get_or_init(|| Box::new(EdwardsBasepointTableRadix64::create(&curve25519_dalek::constants::ED25519_BASEPOINT_POINT)))
}

/// An Ed25519 signing identity. The seed and expanded key are wiped from memory when it is
/// dropped; `Debug` never shows them.
pub struct Identity {
    seed: Zeroizing<[u8; 32]>,
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
        let expanded = ExpandedSecretKey::from(seed);
        let public_point = basepoint_table().mul_base(&expanded.scalar);
        let public = PublicKey::from_bytes(public_point.compress().as_bytes()).unwrap_or_else(|_| unreachable!("a key derived from a seed is canonical"));
        Identity { seed: Zeroizing::new(*seed), expanded, public }
    }

    /// The seed, for the vault and the CLI's key file only.
    pub(crate) fn seed(&self) -> &[u8; 32] {
        &self.seed
    }

    /// The public key.
    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

    /// The key id (RFC 7638 thumbprint of the public JWK).
    pub fn kid(&self) -> &str {
        self.public.kid()
    }

    /// A plain Ed25519 signature (RFC 8032) over `message`, without the self-check that
    /// records get. The secret nonce is wiped before returning.
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        let mut nonce_hash: [u8; 64] = Sha512::new().chain_update(self.expanded.hash_prefix).chain_update(message).finalize().into();
        let mut nonce = Scalar::from_bytes_mod_order_wide(&nonce_hash);
        nonce_hash.zeroize();
        let r = basepoint_table().mul_base(&nonce).compress();
        let challenge: [u8; 64] =
            Sha512::new().chain_update(r.as_bytes()).chain_update(self.public.encoded).chain_update(message).finalize().into();
        let s = Scalar::from_bytes_mod_order_wide(&challenge) * self.expanded.scalar + nonce;
        nonce.zeroize();
        let mut signature = [0u8; 64];
        signature[..32].copy_from_slice(r.as_bytes());
        signature[32..].copy_from_slice(s.as_bytes());
        signature
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
        let jwk: PrivateJwk = serde_json::from_slice(text.as_bytes())
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
        PrivateJwk { kty: public.kty, crv: public.crv, x: public.x, d: Zeroizing::new(b64url(self.seed())) }
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

    /// A key verifies its first signature with curve25519-dalek's multiplication and keeps the
    /// split table from the second on; verdicts are the same either way.
    #[test]
    fn split_table_from_the_second_verification() {
        let id = Identity::generate().unwrap();
        let key = PublicKey::from_bytes(id.public_key().as_bytes()).unwrap();
        let sig = id.sign(b"delivery 118");
        let mut forged = sig;
        forged[40] ^= 1;
        let fresh = PublicKey::from_bytes(id.public_key().as_bytes()).unwrap();
        assert_eq!(fresh.verify(b"delivery 118", &forged).unwrap_err().code(), ErrorCode::BadSignature);
        assert!(fresh.split.get().is_none(), "a rejection and its retry on a key's first use make no table");
        key.verify(b"delivery 118", &sig).unwrap();
        assert!(key.split.get().is_none(), "a key verified once keeps no table");
        for _ in 0..2 {
            key.verify(b"delivery 118", &sig).unwrap();
            assert!(key.split.get().is_some());
            assert_eq!(key.verify(b"delivery 118", &forged).unwrap_err().code(), ErrorCode::BadSignature);
            assert_eq!(key.verify(b"delivery 119", &sig).unwrap_err().code(), ErrorCode::BadSignature);
        }
    }

    /// The table is exactly the 8-torsion: each entry is a canonical encoding of a point of
    /// small order, no two are the same point, and every small-order multiple of them is in it.
    #[test]
    fn small_order_encodings_are_the_eight_torsion_points() {
        let points: Vec<EdwardsPoint> = SMALL_ORDER_ENCODINGS
            .iter()
            .map(|e| CompressedEdwardsY(*e).decompress().expect("a curve point"))
            .collect();
        for (p, e) in points.iter().zip(&SMALL_ORDER_ENCODINGS) {
            assert!(p.is_small_order());
            assert_eq!(&p.compress().0, e, "canonical");
        }
        for (i, p) in points.iter().enumerate() {
            assert!(points[i + 1..].iter().all(|q| q != p), "distinct");
            let doubled = p + p;
            assert!(SMALL_ORDER_ENCODINGS.contains(&doubled.compress().0), "closed under doubling");
        }
    }

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
        // y = p is a non-canonical encoding of y = 0; y = 2 is not on the curve.
        let mut y_is_p = [0xff; 32];
        y_is_p[0] = 0xed;
        y_is_p[31] = 0x7f;
        assert_eq!(PublicKey::from_bytes(&y_is_p).unwrap_err().code(), ErrorCode::MalformedJwk);
        let mut y_is_2 = [0; 32];
        y_is_2[0] = 2;
        assert_eq!(PublicKey::from_bytes(&y_is_2).unwrap_err().code(), ErrorCode::MalformedJwk);
    }

    #[test]
    fn small_order_keys_parse_but_verify_nothing() {
        let mut identity_point = [0; 32];
        identity_point[0] = 1;
        let key = PublicKey::from_bytes(&identity_point).unwrap();
        // With A and R the identity and S = 0, the cofactorless equation holds for any message.
        let mut signature = [0; 64];
        signature[0] = 1;
        assert_eq!(key.verify(b"anything", &signature).unwrap_err().code(), ErrorCode::BadSignature);
    }

    #[test]
    fn sign_matches_dalek_and_verifies() {
        let id = Identity::generate().unwrap();
        let sig = id.sign(b"hello");
        let dalek = ed25519_dalek::Signer::sign(&ed25519_dalek::SigningKey::from_bytes(id.seed()), b"hello");
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
