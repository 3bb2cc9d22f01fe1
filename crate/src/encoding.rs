//! Base64url (RFC 4648 §5, no padding), strict: padding, stray characters and
//! non-zero trailing bits are rejected, so every value has exactly one encoding.

// RustCrypto's constant-time base64 rather than the `base64` crate: sealed keys and backups
// pass through it, and it is the smaller of the two in the wasm (measured: both wasm
// entries 2.6 KB smaller gzipped).
use base64ct::{Base64UrlUnpadded, Encoding};

/// Encodes bytes as unpadded base64url.
pub(crate) fn b64url(bytes: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(bytes)
}

/// Decodes strict unpadded base64url; `None` when it is not canonical base64url.
pub(crate) fn b64url_decode(text: &str) -> Option<Vec<u8>> {
    Base64UrlUnpadded::decode_vec(text).ok()
}

/// Decodes strict base64url into exactly `N` bytes.
pub(crate) fn b64url_decode_array<const N: usize>(text: &str) -> Option<[u8; N]> {
    b64url_decode(text)?.try_into().ok()
}

/// Encodes bytes as lower-case hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_is_strict() {
        assert_eq!(b64url(&[0xfb, 0xff]), "-_8");
        assert_eq!(b64url_decode("-_8"), Some(vec![0xfb, 0xff]));
        assert_eq!(b64url_decode("-_8="), None, "padding");
        assert_eq!(b64url_decode("+/8"), None, "standard alphabet");
        assert_eq!(b64url_decode("-_9"), None, "non-zero trailing bits");
        assert_eq!(b64url_decode("a"), None, "impossible length");
        assert_eq!(b64url_decode_array::<2>("-_8"), Some([0xfb, 0xff]));
        assert_eq!(b64url_decode_array::<3>("-_8"), None);
    }

    #[test]
    fn hex_is_lower_case() {
        assert_eq!(hex(&[0, 0xff, 0xa1]), "00ffa1");
    }
}
