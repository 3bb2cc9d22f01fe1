//! The vault: a worker's 32-byte seed sealed under their PIN or passphrase.
//!
//! Argon2id (RFC 9106) derives a 256-bit key from the PIN and a random 16-byte salt;
//! XChaCha20-Poly1305 seals the seed with a random 24-byte nonce. The parameters, salt and
//! nonce are stored beside the ciphertext so that they can be raised later, and the key id
//! and parameters are bound as associated data so that none of them can be swapped.

use crate::encoding::{b64url, b64url_decode, b64url_decode_array};
use crate::error::{Error, ErrorCode, Result};
use crate::keys::Identity;
use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use crate::json::{deserialize_from_json, FromJson, Members};
use serde::Serialize;
use serde_json::Value;
use zeroize::Zeroizing;

/// The shortest PIN or passphrase accepted for sealing, in characters.
pub const MIN_PIN_CHARS: usize = 6;
/// The longest PIN or passphrase accepted, in bytes.
const MAX_PIN_BYTES: usize = 1024;

/// Argon2id cost parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m: u32,
    /// Passes over the memory.
    pub t: u32,
    /// Lanes.
    pub p: u32,
}

impl KdfParams {
    /// The default: 48 MiB, 10 passes, 1 lane. Tuned so that unlocking takes 0.3–1 s in
    /// headless Chromium on a two-core machine (see the benchmark), while the memory stays
    /// within what a cheap phone's browser gives a tab.
    pub const DEFAULT: KdfParams = KdfParams { m: 48 * 1024, t: 10, p: 1 };
    /// The weakest parameters accepted for sealing (fast, for tests and slow devices).
    pub const MIN: KdfParams = KdfParams { m: 8 * 1024, t: 1, p: 1 };
    /// The strongest parameters accepted when sealing or unsealing: about what this device
    /// chooses itself ([`KdfParams::DEFAULT`]) with room to raise it (at most ~2× its work). A
    /// file or stored key asking for more is refused before any work, rather than allowed to
    /// exhaust a phone: one hostile backup could otherwise ask for a GiB and 64 passes.
    pub const MAX: KdfParams = KdfParams { m: 64 * 1024, t: 16, p: 4 };

    pub(crate) fn within(self, lo: KdfParams, hi: KdfParams) -> bool {
        (lo.m..=hi.m).contains(&self.m) && (lo.t..=hi.t).contains(&self.t) && (lo.p..=hi.p).contains(&self.p)
    }
}

/// The key-derivation part of a sealed key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KdfSpec {
    /// Always `argon2id`.
    pub alg: String,
    /// Cost parameters.
    #[serde(flatten)]
    pub params: KdfParams,
    /// The 16-byte salt, base64url.
    pub salt: String,
}

/// A seed sealed under a PIN. Safe to store: without the PIN it reveals only the public key id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SealedKey {
    /// Format version, 1.
    pub v: u32,
    /// The key id of the sealed identity.
    pub kid: String,
    /// How the sealing key is derived from the PIN.
    pub kdf: KdfSpec,
    /// Always `xchacha20poly1305`.
    pub aead: String,
    /// The 24-byte nonce, base64url.
    pub nonce: String,
    /// The sealed seed and its 16-byte tag, base64url.
    pub ciphertext: String,
}

impl KdfParams {
    fn take(m: &mut Members) -> Result<Self, String> {
        Ok(KdfParams { m: m.required("m")?, t: m.required("t")?, p: m.required("p")? })
    }
}

/// Other members are ignored.
impl FromJson for KdfParams {
    fn from_json(value: Value) -> Result<Self, String> {
        KdfParams::take(&mut Members::of(value, "Argon2id parameters")?)
    }
}

/// The parameters sit beside `alg` and `salt`; other members are ignored.
impl FromJson for KdfSpec {
    fn from_json(value: Value) -> Result<Self, String> {
        let mut m = Members::of(value, "kdf")?;
        Ok(KdfSpec { alg: m.required("alg")?, params: KdfParams::take(&mut m)?, salt: m.required("salt")? })
    }
}

/// No other members.
impl FromJson for SealedKey {
    fn from_json(value: Value) -> Result<Self, String> {
        let mut m = Members::of(value, "a sealed key")?;
        let sealed = SealedKey {
            v: m.required("v")?,
            kid: m.required("kid")?,
            kdf: m.required("kdf")?,
            aead: m.required("aead")?,
            nonce: m.required("nonce")?,
            ciphertext: m.required("ciphertext")?,
        };
        m.deny_unknown().map(|()| sealed)
    }
}
deserialize_from_json!(KdfParams, KdfSpec, SealedKey);

/// Seals `identity`'s seed under `pin` with fresh salt and nonce.
pub fn seal(identity: &Identity, pin: &str, params: KdfParams) -> Result<SealedKey> {
    if pin.chars().count() < MIN_PIN_CHARS {
        check_pin(pin)?;
        return Err(Error::new(ErrorCode::PinTooShort, format!("a PIN has at least {MIN_PIN_CHARS} characters")));
    }
    let (kdf, nonce, ciphertext) = seal_bytes(identity.seed(), pin, params, &key_context(identity.kid()))?;
    Ok(SealedKey { v: 1, kid: identity.kid().to_owned(), kdf, aead: AEAD.into(), nonce, ciphertext })
}

/// Opens a sealed key with `pin`: `wrong_pin` when the PIN (or anything bound to it) differs,
/// `malformed_sealed_key` when the sealed key is not of this format.
pub fn unseal(sealed: &SealedKey, pin: &str) -> Result<Identity> {
    let malformed = |why: &str| Error::new(ErrorCode::MalformedSealedKey, why.to_owned());
    if sealed.v != 1 || sealed.aead != AEAD {
        check_pin(pin)?;
        return Err(malformed("unknown sealed-key version or algorithm"));
    }
    if b64url_decode(&sealed.ciphertext).map(|c| c.len()) != Some(32 + 16) {
        return Err(malformed("the ciphertext is not 48 bytes of base64url"));
    }
    let opened = open_bytes(
        &sealed.kdf,
        &sealed.nonce,
        &sealed.ciphertext,
        pin,
        &key_context(&sealed.kid),
        ErrorCode::MalformedSealedKey,
        ErrorCode::WrongPin,
    )?;
    let seed: &[u8; 32] = opened.as_slice().try_into().map_err(|_| malformed("the seed is not 32 bytes"))?;
    let identity = Identity::from_seed(seed);
    if identity.kid() != sealed.kid {
        return Err(malformed("the sealed seed does not belong to the key id it names"));
    }
    Ok(identity)
}

/// The AEAD of every sealed value.
pub(crate) const AEAD: &str = "xchacha20poly1305";

fn key_context(kid: &str) -> Vec<u8> {
    format!("offsign-vault-v1\0{kid}").into_bytes()
}

/// Seals `plaintext` under `secret` with fresh salt and nonce; `context` and the parameters
/// are bound as associated data. Returns the KDF description, nonce and ciphertext.
pub(crate) fn seal_bytes(plaintext: &[u8], secret: &str, params: KdfParams, context: &[u8]) -> Result<(KdfSpec, String, String)> {
    check_pin(secret)?;
    if !params.within(KdfParams::MIN, KdfParams::MAX) {
        return Err(Error::new(ErrorCode::MalformedInput, format!("Argon2id parameters m={} KiB, t={}, p={} are out of range", params.m, params.t, params.p)));
    }
    let mut salt = [0u8; 16];
    let mut nonce = [0u8; 24];
    crate::random::fill(&mut salt)?;
    crate::random::fill(&mut nonce)?;
    let key = derive_key(secret, &salt, params)?;
    let ciphertext = XChaCha20Poly1305::new(key.as_ref().into())
        .encrypt(XNonce::from_slice(&nonce), Payload { msg: plaintext, aad: &associated_data(context, params) })
        .map_err(|_| Error::new(ErrorCode::MalformedInput, "sealing failed"))?;
    Ok((KdfSpec { alg: "argon2id".into(), params, salt: b64url(&salt) }, b64url(&nonce), b64url(&ciphertext)))
}

/// Opens what [`seal_bytes`] sealed: `wrong` when the secret (or anything bound to it)
/// differs, `malformed` when the parts are not of this format.
pub(crate) fn open_bytes(
    kdf: &KdfSpec,
    nonce: &str,
    ciphertext: &str,
    secret: &str,
    context: &[u8],
    malformed: ErrorCode,
    wrong: ErrorCode,
) -> Result<Zeroizing<Vec<u8>>> {
    check_pin(secret)?;
    let bad = |why: &str| Error::new(malformed, why.to_owned());
    if kdf.alg != "argon2id" || !kdf.params.within(KdfParams { m: 8, t: 1, p: 1 }, KdfParams::MAX) {
        return Err(bad("unknown key derivation or parameters out of range"));
    }
    let salt = b64url_decode(&kdf.salt).filter(|s| (8..=64).contains(&s.len()));
    let salt = salt.ok_or_else(|| bad("the salt is not 8-64 bytes of base64url"))?;
    let nonce = b64url_decode_array::<24>(nonce).ok_or_else(|| bad("the nonce is not 24 bytes"))?;
    let ciphertext = b64url_decode(ciphertext).filter(|c| c.len() >= 16).ok_or_else(|| bad("the ciphertext is not base64url"))?;
    let key = derive_key(secret, &salt, kdf.params)?;
    XChaCha20Poly1305::new(key.as_ref().into())
        .decrypt(XNonce::from_slice(&nonce), Payload { msg: &ciphertext, aad: &associated_data(context, kdf.params) })
        .map(Zeroizing::new)
        .map_err(|_| Error::new(wrong, "the secret does not open this sealed value"))
}

fn check_pin(pin: &str) -> Result<()> {
    if pin.is_empty() || pin.len() > MAX_PIN_BYTES {
        return Err(Error::new(ErrorCode::MalformedInput, format!("a PIN has 1 to {MAX_PIN_BYTES} bytes")));
    }
    Ok(())
}

fn derive_key(pin: &str, salt: &[u8], params: KdfParams) -> Result<Zeroizing<[u8; 32]>> {
    let argon_params = Params::new(params.m, params.t, params.p, Some(32))
        .map_err(|e| Error::new(ErrorCode::MalformedSealedKey, format!("Argon2id parameters refused: {e}")))?;
    let mut key = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, argon_params)
        .hash_password_into(pin.as_bytes(), salt, key.as_mut())
        .map_err(|e| Error::new(ErrorCode::MalformedSealedKey, format!("Argon2id failed: {e}")))?;
    Ok(key)
}

fn associated_data(context: &[u8], p: KdfParams) -> Vec<u8> {
    let mut aad = context.to_vec();
    aad.extend_from_slice(format!("\0{}\0{}\0{}", p.m, p.t, p.p).as_bytes());
    aad
}

#[cfg(test)]
mod tests {
    use super::*;

    const PIN: &str = "482913";

    #[test]
    fn seal_and_unseal_round_trip() {
        let id = Identity::generate().unwrap();
        let sealed = seal(&id, PIN, KdfParams::MIN).unwrap();
        assert_eq!(sealed.kid, id.kid());
        let opened = unseal(&sealed, PIN).unwrap();
        assert_eq!(opened.public_key(), id.public_key());
        let again = seal(&id, PIN, KdfParams::MIN).unwrap();
        assert_ne!(again.kdf.salt, sealed.kdf.salt, "fresh salt every time");
        assert_ne!(again.nonce, sealed.nonce, "fresh nonce every time");
    }

    #[test]
    fn wrong_pin_is_an_error_not_a_panic() {
        let id = Identity::generate().unwrap();
        let sealed = seal(&id, PIN, KdfParams::MIN).unwrap();
        for wrong in ["482914", "48291", "4829130", " 482913"] {
            assert_eq!(unseal(&sealed, wrong).unwrap_err().code(), ErrorCode::WrongPin, "{wrong}");
        }
    }

    #[test]
    fn swapped_parameters_or_key_id_do_not_open() {
        let id = Identity::generate().unwrap();
        let sealed = seal(&id, PIN, KdfParams::MIN).unwrap();
        let mut raised = sealed.clone();
        raised.kdf.params.t = 2;
        assert_eq!(unseal(&raised, PIN).unwrap_err().code(), ErrorCode::WrongPin);
        let mut other = sealed.clone();
        other.kid = Identity::generate().unwrap().kid().to_owned();
        assert_eq!(unseal(&other, PIN).unwrap_err().code(), ErrorCode::WrongPin);
    }

    #[test]
    fn short_pins_and_bad_parameters_are_refused() {
        let id = Identity::generate().unwrap();
        let short = seal(&id, "12345", KdfParams::MIN).unwrap_err();
        assert_eq!(short.code(), ErrorCode::PinTooShort);
        assert!(short.remedy().contains(&format!("at least {MIN_PIN_CHARS} digits")), "the table's remedy names the minimum");
        assert_eq!(seal(&id, "", KdfParams::MIN).unwrap_err().code(), ErrorCode::MalformedInput);
        let weak = KdfParams { m: 1024, ..KdfParams::MIN };
        assert_eq!(seal(&id, PIN, weak).unwrap_err().code(), ErrorCode::MalformedInput);
    }

    #[test]
    fn damaged_sealed_keys_are_malformed() {
        let id = Identity::generate().unwrap();
        let sealed = seal(&id, PIN, KdfParams::MIN).unwrap();
        let damaged: [fn(&mut SealedKey); 8] = [
            |s| s.v = 2,
            |s| s.kdf.alg = "scrypt".into(),
            |s| s.aead = "aes-gcm".into(),
            |s| s.nonce = "AAAA".into(),
            |s| s.ciphertext.truncate(10),
            |s| s.kdf.salt = "!".into(),
            |s| s.kdf.params.m = u32::MAX,
            |s| s.kdf.params.m = 1024 * 1024, // 1 GiB: within what the vault accepted before
        ];
        for damage in damaged {
            let mut s = sealed.clone();
            damage(&mut s);
            assert_eq!(unseal(&s, PIN).unwrap_err().code(), ErrorCode::MalformedSealedKey, "{s:?}");
        }
        let mut flipped = sealed.clone();
        flipped.ciphertext.replace_range(0..1, if flipped.ciphertext.starts_with('A') { "B" } else { "A" });
        assert_eq!(unseal(&flipped, PIN).unwrap_err().code(), ErrorCode::WrongPin);
    }
}
