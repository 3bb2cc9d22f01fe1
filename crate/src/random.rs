//! Secure randomness: the OS on native targets, `crypto.getRandomValues` in browsers.

use crate::error::{Error, ErrorCode, Result};

/// Fills `buf` with secure random bytes, or fails with `randomness_unavailable`.
pub(crate) fn fill(buf: &mut [u8]) -> Result<()> {
    getrandom::getrandom(buf)
        .map_err(|e| Error::new(ErrorCode::RandomnessUnavailable, format!("secure randomness failed: {e}")))
}

/// An RFC 9562 UUID version 7: 48 bits of Unix milliseconds, then random bits, so that ids
/// sort by creation time.
pub(crate) fn uuid_v7(now: crate::Timestamp) -> Result<String> {
    let mut b = [0u8; 16];
    fill(&mut b[6..])?;
    let ms = now.millis().max(0) as u64;
    b[..6].copy_from_slice(&ms.to_be_bytes()[2..]);
    b[6] = 0x70 | (b[6] & 0x0f);
    b[8] = 0x80 | (b[8] & 0x3f);
    let h = crate::encoding::hex(&b);
    Ok(format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_v7_has_time_version_and_variant() {
        let t = crate::Timestamp::from_millis(0x0190_1234_5678).unwrap();
        let id = uuid_v7(t).unwrap();
        assert_eq!(id.len(), 36);
        assert!(id.starts_with("01901234-5678-7"), "{id}");
        assert!(matches!(id.as_bytes()[19], b'8' | b'9' | b'a' | b'b'), "{id}");
        assert_ne!(uuid_v7(t).unwrap(), id, "random part differs");
    }
}
