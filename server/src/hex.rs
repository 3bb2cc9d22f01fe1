//! Bytes as lower-case hex, the one way the server writes them: tokens, serials, the
//! authority secret's file, stored hashes and ETags.

/// `bytes` as lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
