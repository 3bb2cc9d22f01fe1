//! The device clock corrected to the server's time, in one place: a sync learns the
//! correction only from a time the authority signed for that request and later than the last
//! it gave ([`learn_server_time`]), keeps it in a setting, and tells the device's clock; the
//! browser's clock ([`ServerClock`]) applies it from then on, and from the setting when the
//! device opens again.

use crate::error::Result;
use crate::store::{setting, Store};
use crate::time::{Clock, Timestamp};
use std::cell::Cell;

/// The setting that keeps the correction (ms) the device clock needs to read the server's
/// time.
pub const SERVER_OFFSET_SETTING: &str = setting::SERVER_OFFSET;

/// A device's own clock, in milliseconds since the epoch as JS gives them (`Date.now()`),
/// plus the correction to the server's time.
pub struct ServerClock<R: Fn() -> f64> {
    raw: R,
    offset_ms: Cell<i64>,
}

impl<R: Fn() -> f64> ServerClock<R> {
    /// `raw` with no correction yet.
    pub fn new(raw: R) -> Self {
        ServerClock { raw, offset_ms: Cell::new(0) }
    }

    /// Applies the correction the device kept at its last sync (none when it never synced or
    /// the setting cannot be read).
    pub async fn restore(&self, store: &impl Store) {
        self.offset_ms.set(applied_offset(store).await.unwrap_or(0));
    }
}

impl<R: Fn() -> f64> Clock for ServerClock<R> {
    fn now(&self) -> Result<Timestamp> {
        Timestamp::from_js_millis((self.raw)() + self.offset_ms.get() as f64)
    }

    fn follow_server(&self, offset_ms: i64) {
        self.offset_ms.set(offset_ms);
    }
}

/// The correction the device keeps, which its clock applies (0 before the first sync).
pub(super) async fn applied_offset(store: &impl Store) -> Result<i64> {
    Ok(store.setting(setting::SERVER_OFFSET).await?.and_then(|v| v.parse().ok()).unwrap_or(0))
}

/// Learns the server's time from `signed`, a time the authority with key id `authority`
/// signed for a request, when it is later than the last time that authority gave: keeps the
/// new correction and tells `clock`. `arrived` is what the device's clock read when the answer
/// arrived, with the correction `applied` (what is still off adds to it). Returns the new
/// correction, if any.
pub(super) async fn learn_server_time(
    store: &impl Store,
    clock: &impl Clock,
    applied: i64,
    signed: Timestamp,
    authority: &str,
    arrived: Timestamp,
) -> Result<Option<i64>> {
    let seen_setting = format!("{}:{authority}", setting::SERVER_TIME_SEEN);
    let seen: i64 = store.setting(&seen_setting).await?.and_then(|v| v.parse().ok()).unwrap_or(i64::MIN);
    if signed.millis() <= seen {
        return Ok(None);
    }
    let offset = applied + signed.millis() - arrived.millis();
    store.put_setting(setting::SERVER_OFFSET, &offset.to_string()).await?;
    store.put_setting(&seen_setting, &signed.millis().to_string()).await?;
    clock.follow_server(offset);
    Ok(Some(offset))
}
