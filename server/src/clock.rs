//! The server's clock, in a module of its own so that what the API and the administrator's
//! commands share does not make them import each other.

use offsign::Timestamp;

/// The server's clock.
pub fn now() -> Timestamp {
    let ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0);
    Timestamp::from_millis(ms).expect("the system clock is within years 0000-9999")
}
