//! Evidence sealed on the device: the bytes of a signed document (a file or a photo) and of
//! the handwritten signature's image, encrypted as they are stored so that a copy of the
//! browser's storage reveals nothing, and uploaded to the server as they are stored.
//!
//! A sealed piece of evidence is one random content key and the bytes under it:
//!
//! ```text
//! "OSE1" · server stanza (80) · worker stanza (80) · chunk 0 · chunk 1 · … · last chunk
//! stanza = HPKE (RFC 9180: X25519, HKDF-SHA256, ChaCha20-Poly1305) base-mode encapsulated
//!          key (32) · the content key sealed to the recipient (32 + 16)
//! chunk  = ChaCha20-Poly1305(content key, nonce = 11-byte big-endian index · last flag,
//!          [`EVIDENCE_CHUNK`] plain bytes, the last one 0 to that many) · tag (16)
//! ```
//!
//! The content key is sealed twice: to the server's evidence key (pinned at enrollment,
//! signed by the authority), so that the sync engine can upload while the worker's key is
//! locked and the server can read what it receives; and to the worker's own evidence key,
//! derived from the identity's seed, so that the worker who signed can read it again after
//! unlocking, and nobody else on the device can. Both stanzas are bound (as HPKE's additional
//! data) to the record id and the kind of evidence, so a sealed blob cannot be passed off as
//! another record's. The chunks follow the STREAM construction (Hoang, Reyhanitabar, Rogaway,
//! Vizár 2015, as `age` uses it): a chunk cannot be dropped, repeated, reordered or cut short
//! without the opening failing. A 64 KiB chunk costs 16 bytes: 0.025% over the plain bytes.
//!
//! Anyone can seal bytes to the server's public key, so the record commits to its evidence's
//! content key: `claims.evidenceSealing` maps each kind to [`content_key_commitment`] of the
//! key, and the server takes an upload only when the header it starts with opens to that key;
//! each chunk after it carries a token derived from the key, record and kind, which the server
//! recomputes from the header it holds. A stranger who knows a record's id can neither start,
//! replace nor add to its upload; re-sealing the header to the server's key later (evidence
//! signed before the device had it) keeps the key, and so the commitment and the token.

use crate::cert::Authority;
use crate::encoding::{b64url, b64url_decode};
use crate::error::{Error, ErrorCode, Result};
use crate::jws::Jws;
use crate::keys::{Identity, PublicKey};
use crate::time::Timestamp;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::ChaCha20Poly1305;
use hpke::kem::X25519HkdfSha256;
use hpke::{Deserializable, Kem as _, OpModeR, OpModeS, Serializable};
use zeroize::Zeroizing;
use crate::evidence_size::{plain_len, sealed_len, EVIDENCE_CHUNK, EVIDENCE_HEADER_LEN};

/// AEAD tag bytes after each chunk.
const TAG: usize = crate::evidence_size::EVIDENCE_TAG;
/// The first bytes of every sealed piece of evidence: the format, version 1.
const MAGIC: &[u8; 4] = b"OSE1";
/// One recipient's stanza: the encapsulated key and the sealed content key.
const STANZA: usize = 32 + 32 + TAG;
/// HPKE's `info`: what the keys are for.
const INFO: &[u8] = b"offsign evidence v1";

type HpkeAead = hpke::aead::ChaCha20Poly1305;
type HpkeKdf = hpke::kdf::HkdfSha256;

/// The kinds of evidence a record can have.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EvidenceKind {
    /// The signed document's bytes (`doc.sha256` in the record).
    Document,
    /// The handwritten signature's image (`claims.signatureImage.sha256`).
    SignatureImage,
}

impl EvidenceKind {
    /// Every kind, in upload order.
    pub const ALL: [EvidenceKind; 2] = [EvidenceKind::Document, EvidenceKind::SignatureImage];

    /// The name in URLs and bundles: `document` or `signature-image`.
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceKind::Document => "document",
            EvidenceKind::SignatureImage => "signature-image",
        }
    }

    /// The kind named `text`.
    pub fn parse(text: &str) -> Option<EvidenceKind> {
        EvidenceKind::ALL.into_iter().find(|kind| kind.as_str() == text)
    }
}

/// A public X25519 key evidence is sealed to: the server's (signed by the authority and
/// pinned at enrollment) or a worker's own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvidenceKey {
    key: <X25519HkdfSha256 as hpke::Kem>::PublicKey,
}

impl EvidenceKey {
    /// The key of 32 bytes (RFC 7748 u-coordinate); `malformed_jwk` when they are not one.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let key = <X25519HkdfSha256 as hpke::Kem>::PublicKey::from_bytes(bytes)
            .map_err(|_| Error::new(ErrorCode::MalformedJwk, "an evidence key is 32 bytes of X25519"))?;
        Ok(EvidenceKey { key })
    }

    /// The 32 bytes.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.key.to_bytes().into()
    }
}

/// The private half of an [`EvidenceKey`], wiped from memory when dropped (the HPKE crate's
/// key zeroizes itself).
pub struct EvidenceSecret {
    secret: <X25519HkdfSha256 as hpke::Kem>::PrivateKey,
    public: EvidenceKey,
}

impl std::fmt::Debug for EvidenceSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EvidenceSecret").field("public", &self.public).finish_non_exhaustive()
    }
}

impl EvidenceSecret {
    /// The public key evidence for this secret is sealed to.
    pub fn public_key(&self) -> &EvidenceKey {
        &self.public
    }
}

impl Identity {
    /// The identity's evidence key pair, derived from its seed (HPKE's DeriveKeyPair over the
    /// seed and a label, so it is never the Ed25519 scalar): the same seed gives the same key,
    /// so nothing more is sealed under the PIN or restored from a backup.
    pub fn evidence_secret(&self) -> EvidenceSecret {
        let mut ikm = Zeroizing::new([0u8; 32 + INFO.len()]);
        ikm[..32].copy_from_slice(self.seed());
        ikm[32..].copy_from_slice(INFO);
        let (secret, public) = X25519HkdfSha256::derive_keypair(ikm.as_ref());
        EvidenceSecret { secret, public: EvidenceKey { key: public } }
    }
}

/// HPKE's random source: the same `getrandom` as every other key on the device. (A tiny
/// adapter rather than `rand_core::OsRng`: HPKE 0.13 takes rand_core 0.9, whose `OsRng` is on
/// getrandom 0.3, which needs its own wasm backend flag beside the 0.2 the crate uses.)
struct Randomness;

impl hpke::rand_core::RngCore for Randomness {
    fn next_u32(&mut self) -> u32 {
        let mut bytes = [0u8; 4];
        self.fill_bytes(&mut bytes);
        u32::from_le_bytes(bytes)
    }

    fn next_u64(&mut self) -> u64 {
        let mut bytes = [0u8; 8];
        self.fill_bytes(&mut bytes);
        u64::from_le_bytes(bytes)
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        // Only reached after `random::fill` succeeded for the content key; the source does
        // not fail between two calls.
        crate::random::fill(dest).unwrap_or_else(|e| panic!("{e}"));
    }
}

impl hpke::rand_core::CryptoRng for Randomness {}

/// The `typ` of the authority's statement of its evidence key.
pub const EVIDENCE_KEY_TYP: &str = "offsign-evidence-key+jws";

impl Authority {
    /// The server's evidence key pair: derived from the authority's seed like a worker's
    /// (so it is sealed, backed up and rotated with the authority key, and several server
    /// instances share it).
    pub fn evidence_secret(&self) -> EvidenceSecret {
        self.identity().evidence_secret()
    }

    /// The authority's signed statement of its evidence key, `{v: 1, iss, jwk: {kty: "OKP",
    /// crv: "X25519", x}, issuedAt}`: what a device verifies with the key it pinned before it
    /// seals anything to it.
    pub fn issue_evidence_key(&self, issued_at: Timestamp) -> Result<String> {
        let x = b64url(&self.evidence_secret().public_key().to_bytes());
        let statement = serde_json::json!({
            "v": 1,
            "iss": self.name(),
            "jwk": { "kty": "OKP", "crv": "X25519", "x": x },
            "issuedAt": issued_at.to_string(),
        });
        crate::jws::sign(self.identity(), EVIDENCE_KEY_TYP, &crate::json::to_vec(&statement))
    }
}

/// The server's evidence key from its authority's signed statement: `bad_signature` when the
/// pinned `authority` did not sign it, `malformed_jws` / `malformed_jwk` when it is not one.
pub fn verify_evidence_key(jws_text: &str, authority: &PublicKey) -> Result<EvidenceKey> {
    let parsed = Jws::parse(jws_text)?;
    if parsed.header.typ.as_deref() != Some(EVIDENCE_KEY_TYP) {
        return Err(Error::new(ErrorCode::MalformedJws, format!("typ is not {EVIDENCE_KEY_TYP}")));
    }
    parsed.verify(authority)?;
    let statement: serde_json::Value = serde_json::from_slice(&parsed.payload).map_err(|e| Error::new(ErrorCode::MalformedJws, e.to_string()))?;
    let jwk = &statement["jwk"];
    if statement["v"] != 1 || jwk["kty"] != "OKP" || jwk["crv"] != "X25519" {
        return Err(Error::new(ErrorCode::MalformedJwk, "the evidence key is not a version 1 X25519 OKP key"));
    }
    let x = jwk["x"].as_str().and_then(b64url_decode).ok_or_else(|| Error::new(ErrorCode::MalformedJwk, "the evidence key's x is not base64url"))?;
    EvidenceKey::from_bytes(&x)
}

/// The claim of a record that commits to its evidence's content keys: `{kind: commitment}`.
pub const EVIDENCE_SEALING_CLAIM: &str = "evidenceSealing";

/// The commitment to a content key a record signs (base64url of SHA-256 of a label and the
/// key): it names the key without revealing it.
fn content_key_commitment(content_key: &[u8; 32]) -> String {
    use sha2::Digest as _;
    b64url(&sha2::Sha256::new().chain_update(b"offsign evidence content key v1\0").chain_update(content_key).finalize())
}

/// The token each chunk of an upload carries (`Offsign-Upload-Token`), which proves that its
/// sender holds the content key: SHA-256 of a label of its own, the key, the record id and the
/// kind. The commitment, which the record makes public, does not give it.
fn upload_token(content_key: &[u8; 32], record_id: &str, kind: EvidenceKind) -> String {
    use sha2::Digest as _;
    let hash = sha2::Sha256::new().chain_update(b"offsign evidence upload token v1\0").chain_update(content_key).chain_update(binding(record_id, kind));
    b64url(&hash.finalize())
}

/// What a server learns from the header of an upload it opened: the commitment the record must
/// name (`claims.evidenceSealing`) and the token each chunk must carry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeaderProofs {
    /// The commitment to the content key.
    pub commitment: String,
    /// The upload token of this record and kind.
    pub upload_token: String,
}

/// The [`HeaderProofs`] of `header`, opened with `secret` (the server's); `malformed_evidence`
/// as [`EvidenceOpener::new`].
pub fn header_proofs(header: &[u8], secret: &EvidenceSecret, record_id: &str, kind: EvidenceKind) -> Result<HeaderProofs> {
    let content_key = open_content_key(header, secret, record_id, kind)?;
    Ok(HeaderProofs { commitment: content_key_commitment(&content_key), upload_token: upload_token(&content_key, record_id, kind) })
}

/// What a sealed piece of evidence is bound to: its record and its kind.
fn binding(record_id: &str, kind: EvidenceKind) -> Vec<u8> {
    [MAGIC.as_slice(), record_id.as_bytes(), b"\0", kind.as_str().as_bytes()].concat()
}

/// The nonce of chunk `index`: its index, big-endian, then 1 for the last chunk.
fn nonce(index: u64, last: bool) -> chacha20poly1305::Nonce {
    let mut nonce = [0u8; 12];
    nonce[3..11].copy_from_slice(&index.to_be_bytes());
    nonce[11] = u8::from(last);
    nonce.into()
}

fn malformed(why: &str) -> Error {
    Error::new(ErrorCode::MalformedEvidence, why.to_owned())
}

/// Seals evidence a chunk at a time under a new random content key: each
/// [`EvidenceSealer::seal_chunk`] gives a chunk, the last one flagged, and
/// [`EvidenceSealer::header`] the header that opens them, at any time (a device seals a
/// document while it reads and hashes it, and writes the header, bound to the record's id,
/// when it signs).
pub struct EvidenceSealer {
    content_key: Zeroizing<[u8; 32]>,
    cipher: ChaCha20Poly1305,
    index: u64,
    finished: bool,
}

impl EvidenceSealer {
    /// A sealer with a new random content key; `randomness_unavailable` without randomness.
    pub fn new() -> Result<EvidenceSealer> {
        let mut content_key = Zeroizing::new([0u8; 32]);
        crate::random::fill(content_key.as_mut())?;
        let cipher = ChaCha20Poly1305::new(content_key.as_ref().into());
        Ok(EvidenceSealer { content_key, cipher, index: 0, finished: false })
    }

    /// The commitment to this sealer's content key, for the record's `claims.evidenceSealing`.
    pub fn commitment(&self) -> String {
        content_key_commitment(&self.content_key)
    }

    /// The token the chunks of this evidence carry when uploaded, for record `record_id`.
    pub fn upload_token(&self, record_id: &str, kind: EvidenceKind) -> String {
        upload_token(&self.content_key, record_id, kind)
    }

    /// The header that carries the content key sealed to `server` and to `worker`, bound to
    /// `record_id` and `kind`.
    pub fn header(&self, server: &EvidenceKey, worker: &EvidenceKey, record_id: &str, kind: EvidenceKind) -> Result<Vec<u8>> {
        seal_header(&self.content_key, server, worker, record_id, kind)
    }

    /// Seals `plain` whole with this sealer, which has sealed nothing yet: the header and every
    /// chunk (see [`seal_evidence`]).
    pub fn seal_whole(mut self, plain: &[u8], server: &EvidenceKey, worker: &EvidenceKey, record_id: &str, kind: EvidenceKind) -> Result<Vec<u8>> {
        let mut out = self.header(server, worker, record_id, kind)?;
        out.reserve(sealed_len(plain.len() as u64) as usize - out.len());
        let chunks = plain.len().div_ceil(EVIDENCE_CHUNK).max(1);
        for index in 0..chunks {
            let part = &plain[(index * EVIDENCE_CHUNK).min(plain.len())..((index + 1) * EVIDENCE_CHUNK).min(plain.len())];
            out.extend_from_slice(&self.seal_chunk(part, index + 1 == chunks)?);
        }
        Ok(out)
    }

    /// Seals the next chunk: exactly [`EVIDENCE_CHUNK`] bytes, or up to that many when `last`.
    /// `malformed_input` for a chunk of the wrong size or one after the last.
    pub fn seal_chunk(&mut self, plain: &[u8], last: bool) -> Result<Vec<u8>> {
        // An empty last chunk after full ones would seal to a length no plain length has: a
        // sealer that meets the end of its input after a full chunk flags that chunk instead.
        let empty_tail = last && plain.is_empty() && self.index > 0;
        if self.finished || empty_tail || plain.len() > EVIDENCE_CHUNK || (!last && plain.len() != EVIDENCE_CHUNK) {
            return Err(Error::new(ErrorCode::MalformedInput, "evidence is sealed in whole chunks, the last one flagged and not empty unless it is the only one"));
        }
        let sealed = self
            .cipher
            .encrypt(&nonce(self.index, last), plain)
            .map_err(|_| Error::new(ErrorCode::InternalError, "the chunk could not be sealed"))?;
        self.index += 1;
        self.finished = last;
        Ok(sealed)
    }
}

/// Opens sealed evidence a chunk at a time, with the server's or the worker's secret.
pub struct EvidenceOpener {
    cipher: ChaCha20Poly1305,
    index: u64,
    finished: bool,
}

impl EvidenceOpener {
    /// Opens the content key in `header` ([`EVIDENCE_HEADER_LEN`] bytes) with `secret`, for
    /// evidence of `kind` of record `record_id`; `malformed_evidence` when the header is not
    /// one, is for another key, or is bound to another record or kind.
    pub fn new(header: &[u8], secret: &EvidenceSecret, record_id: &str, kind: EvidenceKind) -> Result<EvidenceOpener> {
        let content_key = open_content_key(header, secret, record_id, kind)?;
        let cipher = ChaCha20Poly1305::new(content_key.as_ref().into());
        Ok(EvidenceOpener { cipher, index: 0, finished: false })
    }

    /// Opens the next chunk (`EVIDENCE_CHUNK + 16` bytes, or fewer when `last`);
    /// `malformed_evidence` when it was altered, moved, or is not the last one it claims to be.
    pub fn open_chunk(&mut self, sealed: &[u8], last: bool) -> Result<Zeroizing<Vec<u8>>> {
        if self.finished || sealed.len() > EVIDENCE_CHUNK + TAG || (!last && sealed.len() != EVIDENCE_CHUNK + TAG) {
            return Err(malformed("a chunk of sealed evidence has the wrong size"));
        }
        let plain = self
            .cipher
            .decrypt(&nonce(self.index, last), Payload { msg: sealed, aad: &[] })
            .map_err(|_| malformed("sealed evidence was altered, cut short or reordered"))?;
        self.index += 1;
        self.finished = last;
        Ok(Zeroizing::new(plain))
    }
}

/// `header` ([`EVIDENCE_HEADER_LEN`] bytes) with its content key sealed anew to `server`
/// and `worker`: for evidence a device sealed before it had the server's key (its server
/// stanza went to the worker too), once it has it. Needs the worker's `secret`;
/// `malformed_evidence` as [`EvidenceOpener::new`].
pub fn readdress_evidence(header: &[u8], secret: &EvidenceSecret, server: &EvidenceKey, record_id: &str, kind: EvidenceKind) -> Result<Vec<u8>> {
    let content_key = open_content_key(header, secret, record_id, kind)?;
    seal_header(&content_key, server, secret.public_key(), record_id, kind)
}

/// The header: the magic, then `content_key` sealed to `server` and to `worker`, each bound to
/// `record_id` and `kind`.
fn seal_header(content_key: &[u8; 32], server: &EvidenceKey, worker: &EvidenceKey, record_id: &str, kind: EvidenceKind) -> Result<Vec<u8>> {
    // Drawn through our own call first: it fails with `randomness_unavailable`, where a
    // random source inside HPKE's encapsulation can only panic.
    crate::random::fill(&mut [0u8; 1])?;
    let aad = binding(record_id, kind);
    let mut header = Vec::with_capacity(EVIDENCE_HEADER_LEN);
    header.extend_from_slice(MAGIC);
    for recipient in [server, worker] {
        let (encapped, sealed) =
            hpke::single_shot_seal::<HpkeAead, HpkeKdf, X25519HkdfSha256, _>(&OpModeS::Base, &recipient.key, INFO, content_key, &aad, &mut Randomness)
                .map_err(|e| Error::new(ErrorCode::InternalError, format!("HPKE could not seal the content key: {e}")))?;
        header.extend_from_slice(&encapped.to_bytes());
        header.extend_from_slice(&sealed);
    }
    debug_assert_eq!(header.len(), EVIDENCE_HEADER_LEN);
    Ok(header)
}

/// The content key in `header`, opened with `secret` (see [`EvidenceOpener::new`]).
fn open_content_key(header: &[u8], secret: &EvidenceSecret, record_id: &str, kind: EvidenceKind) -> Result<Zeroizing<[u8; 32]>> {
    if header.len() != EVIDENCE_HEADER_LEN || &header[..MAGIC.len()] != MAGIC {
        return Err(malformed("this is not sealed offsign evidence (version 1)"));
    }
    let aad = binding(record_id, kind);
    header[MAGIC.len()..]
        .chunks_exact(STANZA)
        .find_map(|stanza| {
            let encapped = <X25519HkdfSha256 as hpke::Kem>::EncappedKey::from_bytes(&stanza[..32]).ok()?;
            let key = hpke::single_shot_open::<HpkeAead, HpkeKdf, X25519HkdfSha256>(&OpModeR::Base, &secret.secret, &encapped, INFO, &stanza[32..], &aad);
            let key = Zeroizing::new(key.ok()?);
            Some(Zeroizing::new(<[u8; 32]>::try_from(key.as_slice()).ok()?))
        })
        .ok_or_else(|| malformed("this evidence is not sealed to this key, or not for this record"))
}

/// Seals `plain` whole (for small pieces and tests; the device seals large ones a chunk at a
/// time).
pub fn seal_evidence(plain: &[u8], server: &EvidenceKey, worker: &EvidenceKey, record_id: &str, kind: EvidenceKind) -> Result<Vec<u8>> {
    EvidenceSealer::new()?.seal_whole(plain, server, worker, record_id, kind)
}

/// Opens sealed evidence read from `reader`, `sealed_len` bytes in all, handing each plain
/// chunk to `sink` as it is opened (so a 20 MB photo is never whole in memory);
/// `malformed_evidence` when it does not open whole.
pub fn open_evidence_from(
    reader: &mut impl std::io::Read,
    sealed_len: u64,
    secret: &EvidenceSecret,
    record_id: &str,
    kind: EvidenceKind,
    sink: &mut dyn FnMut(&[u8]) -> Result<()>,
) -> Result<u64> {
    let plain = plain_len(sealed_len).ok_or_else(|| malformed("sealed evidence has an impossible length"))?;
    let read = |reader: &mut dyn std::io::Read, buf: &mut [u8]| {
        reader.read_exact(buf).map_err(|e| malformed(&format!("sealed evidence could not be read whole: {e}")))
    };
    let mut header = [0u8; EVIDENCE_HEADER_LEN];
    read(reader, &mut header)?;
    let mut opener = EvidenceOpener::new(&header, secret, record_id, kind)?;
    let mut left = sealed_len - EVIDENCE_HEADER_LEN as u64;
    let mut buf = vec![0u8; EVIDENCE_CHUNK + TAG];
    while left > 0 {
        let size = left.min(buf.len() as u64) as usize;
        read(reader, &mut buf[..size])?;
        left -= size as u64;
        sink(&opener.open_chunk(&buf[..size], left == 0)?)?;
    }
    Ok(plain)
}

/// Opens sealed evidence held whole in memory (see [`open_evidence_from`]).
pub fn open_evidence(sealed: &[u8], secret: &EvidenceSecret, record_id: &str, kind: EvidenceKind) -> Result<Zeroizing<Vec<u8>>> {
    let mut plain = Zeroizing::new(Vec::new());
    open_evidence_from(&mut &sealed[..], sealed.len() as u64, secret, record_id, kind, &mut |chunk| {
        plain.extend_from_slice(chunk);
        Ok(())
    })?;
    Ok(plain)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> (EvidenceSecret, EvidenceSecret) {
        (Identity::generate().unwrap().evidence_secret(), Identity::generate().unwrap().evidence_secret())
    }

    #[test]
    fn sealed_lengths_cost_one_tag_per_chunk_and_invert() {
        for plain in [0u64, 1, 65_535, 65_536, 65_537, 20_000_000] {
            let sealed = sealed_len(plain);
            assert_eq!(plain_len(sealed), Some(plain), "{plain}");
        }
        for sealed in (0..3 * (EVIDENCE_CHUNK + TAG) as u64).step_by(7) {
            if let Some(plain) = plain_len(sealed) {
                assert_eq!(sealed_len(plain), sealed);
            }
        }
        assert_eq!(sealed_len(0), EVIDENCE_HEADER_LEN as u64 + 16);
        assert_eq!(plain_len(EVIDENCE_HEADER_LEN as u64 + 15), None);
        assert_eq!(plain_len(3), None);
        let overhead = sealed_len(20_000_000) as f64 / 20_000_000.0;
        assert!(overhead < 1.001, "{overhead}");
    }

    #[test]
    fn the_server_and_the_worker_open_what_the_device_sealed_and_nobody_else_does() {
        let (server, worker) = keys();
        let stranger = Identity::generate().unwrap().evidence_secret();
        for len in [0usize, 10, EVIDENCE_CHUNK, 3 * EVIDENCE_CHUNK + 7] {
            let plain: Vec<u8> = (0..len).map(|i| (i * 7) as u8).collect();
            let sealed = seal_evidence(&plain, server.public_key(), worker.public_key(), "rec-1", EvidenceKind::Document).unwrap();
            assert_eq!(sealed.len() as u64, sealed_len(len as u64));
            assert_eq!(*open_evidence(&sealed, &server, "rec-1", EvidenceKind::Document).unwrap(), plain);
            assert_eq!(*open_evidence(&sealed, &worker, "rec-1", EvidenceKind::Document).unwrap(), plain);
            let refused = open_evidence(&sealed, &stranger, "rec-1", EvidenceKind::Document).unwrap_err();
            assert_eq!(refused.code(), ErrorCode::MalformedEvidence);
            if len > 0 {
                assert!(!sealed.windows(len.min(16)).any(|w| w == &plain[..len.min(16)]), "the plain bytes are not in the sealed ones");
            }
        }
    }

    #[test]
    fn the_header_can_be_made_after_the_chunks_once_the_record_id_is_known() {
        let (server, worker) = keys();
        let plain = vec![9u8; EVIDENCE_CHUNK + 5];
        let mut sealer = EvidenceSealer::new().unwrap();
        let mut chunks = sealer.seal_chunk(&plain[..EVIDENCE_CHUNK], false).unwrap();
        chunks.extend(sealer.seal_chunk(&plain[EVIDENCE_CHUNK..], true).unwrap());
        let mut sealed = sealer.header(server.public_key(), worker.public_key(), "signed-later", EvidenceKind::Document).unwrap();
        sealed.extend(chunks);
        assert_eq!(*open_evidence(&sealed, &worker, "signed-later", EvidenceKind::Document).unwrap(), plain);
    }

    #[test]
    fn sealed_evidence_is_bound_to_its_record_and_kind() {
        let (server, worker) = keys();
        let sealed = seal_evidence(b"photo", server.public_key(), worker.public_key(), "rec-1", EvidenceKind::Document).unwrap();
        for (id, kind) in [("rec-2", EvidenceKind::Document), ("rec-1", EvidenceKind::SignatureImage)] {
            assert_eq!(open_evidence(&sealed, &server, id, kind).unwrap_err().code(), ErrorCode::MalformedEvidence);
        }
    }

    #[test]
    fn altered_cut_reordered_or_extended_evidence_does_not_open() {
        let (server, worker) = keys();
        let plain = vec![5u8; 2 * EVIDENCE_CHUNK + 100];
        let sealed = seal_evidence(&plain, server.public_key(), worker.public_key(), "r", EvidenceKind::Document).unwrap();
        let open = |bytes: &[u8]| open_evidence(bytes, &server, "r", EvidenceKind::Document).map(|p| p.len());
        let chunk = EVIDENCE_CHUNK + TAG;
        let h = EVIDENCE_HEADER_LEN;
        let mut flipped = sealed.clone();
        flipped[h + 10] ^= 1;
        let mut swapped = sealed[..h].to_vec();
        swapped.extend_from_slice(&sealed[h + chunk..h + 2 * chunk]);
        swapped.extend_from_slice(&sealed[h..h + chunk]);
        swapped.extend_from_slice(&sealed[h + 2 * chunk..]);
        let cut_at_chunk = &sealed[..h + 2 * chunk];
        let mut extended = sealed.clone();
        extended.extend_from_slice(&[0u8; 16]);
        let mut header_flipped = sealed.clone();
        header_flipped[40] ^= 1;
        for bad in [&flipped[..], &swapped[..], cut_at_chunk, &extended[..], &header_flipped[..], &sealed[..10], &[][..]] {
            assert_eq!(open(bad).unwrap_err().code(), ErrorCode::MalformedEvidence, "{} bytes", bad.len());
        }
        assert_eq!(open(&sealed).unwrap(), plain.len());
    }

    #[test]
    fn a_worker_key_is_derived_from_the_seed_alone() {
        let identity = Identity::generate().unwrap();
        let again = Identity::from_seed(identity.seed());
        assert_eq!(identity.evidence_secret().public_key(), again.evidence_secret().public_key());
        assert_ne!(identity.evidence_secret().public_key().to_bytes(), *identity.public_key().as_bytes());
        assert!(EvidenceKey::from_bytes(&[0u8; 31]).is_err());
    }

    #[test]
    fn the_evidence_key_is_the_authoritys_and_a_foreign_statement_is_refused() {
        let authority = Authority::new(Identity::generate().unwrap(), "test");
        let now = Timestamp::from_millis(1_800_000_000_000).unwrap();
        let statement = authority.issue_evidence_key(now).unwrap();
        let key = verify_evidence_key(&statement, authority.public_key()).unwrap();
        assert_eq!(&key, authority.evidence_secret().public_key());
        let foreign = Authority::new(Identity::generate().unwrap(), "test");
        assert_eq!(verify_evidence_key(&statement, foreign.public_key()).unwrap_err().code(), ErrorCode::BadSignature);
        let receipt = authority.issue_receipt("r", "h", now).unwrap();
        assert_eq!(verify_evidence_key(&receipt, authority.public_key()).unwrap_err().code(), ErrorCode::MalformedJws);
    }

    #[test]
    fn a_sealer_refuses_ragged_chunks_and_chunks_after_the_last() {
        let mut sealer = EvidenceSealer::new().unwrap();
        assert_eq!(sealer.seal_chunk(&[1; 10], false).unwrap_err().code(), ErrorCode::MalformedInput);
        sealer.seal_chunk(&[1; 10], true).unwrap();
        assert_eq!(sealer.seal_chunk(&[], true).unwrap_err().code(), ErrorCode::MalformedInput);
        let mut sealer = EvidenceSealer::new().unwrap();
        sealer.seal_chunk(&[1; EVIDENCE_CHUNK], false).unwrap();
        assert_eq!(sealer.seal_chunk(&[], true).unwrap_err().code(), ErrorCode::MalformedInput, "an empty tail after a full chunk");
    }
}
