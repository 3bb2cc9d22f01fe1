//! Secure randomness: the OS on native targets, `crypto.getRandomValues` in browsers.

use crate::error::{Error, ErrorCode, Result};

/// Fills `buf` with secure random bytes, or fails with `randomness_unavailable`.
pub(crate) fn fill(buf: &mut [u8]) -> Result<()> {
    getrandom::getrandom(buf)
        .map_err(|e| Error::new(ErrorCode::RandomnessUnavailable, format!("secure randomness failed: {e}")))
}

/// The last (milliseconds, counter) handed out by [`uuid_v7`].
static LAST_V7: std::sync::Mutex<(u64, u16)> = std::sync::Mutex::new((0, 0));

/// An RFC 9562 UUID version 7: 48 bits of Unix milliseconds, a 12-bit counter, then random
/// bits. Ids from this process strictly increase, even within one millisecond or when the
/// clock steps back (RFC 9562 §6.2, method 3), so "after this id" never skips a newer one.
pub(crate) fn uuid_v7(now: crate::Timestamp) -> Result<String> {
    let mut b = [0u8; 16];
    fill(&mut b[6..])?;
    let (ms, counter) = {
        let mut last = LAST_V7.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let now_ms = now.millis().max(0) as u64;
        // A fresh millisecond starts the counter at a random value below half its range,
        // leaving room to count up.
        let next = if now_ms > last.0 { (now_ms, u16::from_be_bytes([b[6], b[7]]) & 0x07ff) } else { (last.0, last.1 + 1) };
        *last = if next.1 > 0x0fff { (next.0 + 1, 0) } else { next };
        *last
    };
    b[..6].copy_from_slice(&ms.to_be_bytes()[2..]);
    b[6] = 0x70 | (counter >> 8) as u8;
    b[7] = counter as u8;
    b[8] = 0x80 | (b[8] & 0x3f);
    let h = crate::encoding::hex(&b);
    Ok(format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..]))
}

/// The first 13 characters of the [`uuid_v7`] ids of time `at` (its milliseconds, as
/// `xxxxxxxx-xxxx`): every id made before `at` sorts before it.
pub(crate) fn uuid_v7_prefix(at: crate::Timestamp) -> String {
    let h = crate::encoding::hex(&(at.millis().max(0) as u64).to_be_bytes()[2..]);
    format!("{}-{}", &h[..8], &h[8..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_v7_has_time_version_and_variant() {
        // Later than any other test's time: ids are monotonic across the whole process.
        let t = crate::Timestamp::from_millis(4102531200000).unwrap();
        let id = uuid_v7(t).unwrap();
        assert!(id.starts_with(&uuid_v7_prefix(t)), "{id}");
        assert!(uuid_v7_prefix(crate::Timestamp::from_millis(4102531199999).unwrap()).as_str() < id.as_str());
        assert_eq!(id.len(), 36);
        assert!(id.starts_with("03bb31ea-3400-7"), "{id}");
        assert!(matches!(id.as_bytes()[19], b'8' | b'9' | b'a' | b'b'), "{id}");
        assert_ne!(uuid_v7(t).unwrap(), id, "random part differs");
    }

    #[test]
    fn uuid_v7_increases_within_a_millisecond_and_when_the_clock_steps_back() {
        let t = crate::Timestamp::from_millis(4102444800000).unwrap();
        let earlier = t.plus_millis(-3_600_000);
        let mut ids: Vec<String> = (0..5000).map(|_| uuid_v7(t).unwrap()).collect();
        ids.push(uuid_v7(earlier).unwrap());
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "strictly increasing");
    }
}
