//! The sizes of sealed evidence (the format is in the `evidence` module): what the device's
//! rows, its uploads and the server need to know of sealed bytes without the cryptography
//! (the `offsign/core` wasm keeps none of it).

/// Plain bytes per sealed chunk: 64 KiB.
pub const EVIDENCE_CHUNK: usize = 64 * 1024;
/// AEAD tag bytes after each chunk.
pub(crate) const EVIDENCE_TAG: usize = 16;
/// The bytes before the first chunk: the magic (4) and two recipient stanzas of 80.
pub const EVIDENCE_HEADER_LEN: usize = 4 + 2 * (32 + 32 + EVIDENCE_TAG);
/// Sealed bytes per piece a device stores, and per upload request: 16 whole sealed chunks
/// (1 MiB of plain bytes).
pub const EVIDENCE_PIECE: usize = 16 * (EVIDENCE_CHUNK + EVIDENCE_TAG);

/// The bytes a piece of `plain_len` bytes takes once sealed: the header, the bytes, and one
/// tag per chunk (an empty piece still has its one, empty, last chunk).
pub fn sealed_len(plain_len: u64) -> u64 {
    let chunks = plain_len.div_ceil(EVIDENCE_CHUNK as u64).max(1);
    // Saturating: a length read from storage or a backup may be anything.
    (EVIDENCE_HEADER_LEN as u64).saturating_add(plain_len).saturating_add(chunks.saturating_mul(EVIDENCE_TAG as u64))
}

/// The plain length of a sealed piece of `sealed` bytes; `None` when no plain length seals
/// to exactly that many bytes.
pub fn plain_len(sealed: u64) -> Option<u64> {
    let body = sealed.checked_sub(EVIDENCE_HEADER_LEN as u64)?;
    let full = (EVIDENCE_CHUNK + EVIDENCE_TAG) as u64;
    let chunks = body.div_ceil(full).max(1);
    let plain = body.checked_sub(chunks * EVIDENCE_TAG as u64)?;
    (sealed_len(plain) == sealed).then_some(plain)
}
