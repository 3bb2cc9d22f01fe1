//! Time as the core sees it: milliseconds since the Unix epoch, handed in by the caller.
//!
//! The core never reads a clock itself (wasm32 has none in `std`); the bindings pass
//! `Date.now()` and the CLI passes the system time. Inside the core every instant is a
//! [`Timestamp`]; only the formats that must write text do: records (and the rows the device
//! keeps) carry RFC 3339 UTC strings with millisecond precision (`2026-11-25T08:00:00.000Z`),
//! which a `Timestamp` reads and writes as JSON; certificates and revocation lists carry JWT
//! NumericDate seconds, read into `Timestamp`s as well ([`numeric_date`]).

use crate::error::{Error, ErrorCode, Result};
use crate::words::Arg;
use std::fmt;

/// An instant, in milliseconds since 1970-01-01T00:00:00Z.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

/// The first instant we accept (0000-01-01) and the last (9999-12-31T23:59:59.999Z), so that
/// every timestamp has a four-digit year.
const MIN_MS: i64 = -62_167_219_200_000;
const MAX_MS: i64 = 253_402_300_799_999;

/// Milliseconds in a day.
pub const DAY_MS: i64 = 86_400_000;

impl Timestamp {
    /// From milliseconds since the epoch; `malformed_input` outside years 0000–9999.
    pub fn from_millis(ms: i64) -> Result<Self> {
        if (MIN_MS..=MAX_MS).contains(&ms) {
            Ok(Timestamp(ms))
        } else {
            Err(Error::new(ErrorCode::MalformedInput, format!("time {ms} ms is outside years 0000-9999")))
        }
    }

    /// From a JS `Date.now()` value (a float); `malformed_input` when not finite or out of range.
    pub fn from_js_millis(ms: f64) -> Result<Self> {
        if !ms.is_finite() {
            return Err(Error::new(ErrorCode::MalformedInput, "time is not a finite number"));
        }
        Self::from_millis(ms.floor().clamp(i64::MIN as f64, i64::MAX as f64) as i64)
    }

    /// From JWT NumericDate seconds.
    pub fn from_seconds(s: i64) -> Result<Self> {
        Self::from_millis(s.checked_mul(1000).unwrap_or(i64::MAX))
    }

    /// Milliseconds since the epoch.
    pub fn millis(self) -> i64 {
        self.0
    }

    /// Whole seconds since the epoch (rounded down), as JWT NumericDate.
    pub fn seconds(self) -> i64 {
        self.0.div_euclid(1000)
    }

    /// This instant rounded down to a whole second, as a NumericDate carries it.
    pub(crate) fn whole_seconds(self) -> Self {
        Timestamp(self.0 - self.0.rem_euclid(1000))
    }

    /// This instant moved by `ms` milliseconds, saturating at the accepted range.
    pub fn plus_millis(self, ms: i64) -> Self {
        Timestamp(self.0.saturating_add(ms).clamp(MIN_MS, MAX_MS))
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fff]Z` (RFC 3339 in UTC, at most millisecond precision).
    pub fn parse_rfc3339(s: &str) -> Result<Self> {
        let bad = || Error::new(ErrorCode::MalformedInput, format!("not an RFC 3339 UTC time: {:.40}", s));
        let b = s.as_bytes();
        if !(b.len() == 20 || b.len() == 24) || b[4] != b'-' || b[7] != b'-' || b[10] != b'T'
            || b[13] != b':' || b[16] != b':' || b[b.len() - 1] != b'Z'
        {
            return Err(bad());
        }
        let num = |r: std::ops::Range<usize>| -> Result<i64> {
            let part = &b[r];
            if part.iter().all(u8::is_ascii_digit) {
                Ok(part.iter().fold(0i64, |acc, d| acc * 10 + i64::from(d - b'0')))
            } else {
                Err(bad())
            }
        };
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
        let millis = if b.len() == 24 {
            if b[19] != b'.' {
                return Err(bad());
            }
            num(20..23)?
        } else {
            0
        };
        if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month)
            || hour > 23 || minute > 59 || second > 59
        {
            return Err(bad());
        }
        let days = days_from_civil(year, month, day);
        Ok(Timestamp(days * DAY_MS + hour * 3_600_000 + minute * 60_000 + second * 1000 + millis))
    }

    /// The calendar date (UTC) in English for remedies shown to workers: "3 Nov 2026".
    pub fn human_date(self) -> String {
        const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
        let (y, m, d) = civil_from_days(self.0.div_euclid(DAY_MS));
        format!("{d} {} {y}", MONTHS[(m as usize).clamp(1, 12) - 1])
    }

    /// This time as an argument of a sentence the device writes ([`crate::words::Words`]).
    pub fn arg(self) -> Arg {
        Arg::Time(self.to_string())
    }
}

/// In JSON, RFC 3339 UTC with milliseconds.
impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// From JSON: RFC 3339 UTC text ([`Timestamp::parse_rfc3339`]).
impl crate::json::FromJson for Timestamp {
    fn from_json(value: serde_json::Value) -> std::result::Result<Self, String> {
        Timestamp::parse_rfc3339(&String::from_json(value)?).map_err(|_| "not an RFC 3339 UTC time".to_owned())
    }
}

/// JWT NumericDate (RFC 7519 §2: whole seconds since the epoch), the form in which
/// certificates and revocation lists carry their times; inside the core they are
/// [`Timestamp`]s like every other instant.
pub(crate) mod numeric_date {
    use super::Timestamp;
    use crate::json::Members;

    /// Writes `t` as NumericDate seconds (for `#[serde(serialize_with)]`).
    pub fn serialize<S: serde::Serializer>(t: &Timestamp, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(t.seconds())
    }

    /// Reads the required NumericDate member `key`; an error outside years 0000-9999.
    pub fn required(m: &mut Members, key: &str) -> Result<Timestamp, String> {
        let seconds: i64 = m.required(key)?;
        Timestamp::from_seconds(seconds).map_err(|_| format!("`{key}` is outside years 0000-9999"))
    }
}

impl fmt::Display for Timestamp {
    /// Formats as `YYYY-MM-DDTHH:MM:SS.fffZ`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.0.div_euclid(DAY_MS);
        let ms_of_day = self.0.rem_euclid(DAY_MS);
        let (y, m, d) = civil_from_days(days);
        let (h, min) = (ms_of_day / 3_600_000, ms_of_day / 60_000 % 60);
        let (s, ms) = (ms_of_day / 1000 % 60, ms_of_day % 1000);
        write!(f, "{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}.{ms:03}Z")
    }
}

fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { yoe + era * 400 + 1 } else { yoe + era * 400 }, m, d)
}

/// Where the device reads the time. The core never reads a clock itself: browsers pass
/// `Date.now()` corrected to the server's time (`crate::ServerClock`), tests pass a clock they
/// control.
pub trait Clock {
    /// The current (trusted) time.
    fn now(&self) -> Result<Timestamp>;

    /// Applies the correction (ms) to the server's time that a sync learned; a clock that does
    /// not follow the server ignores it.
    fn follow_server(&self, _offset_ms: i64) {}
}

impl<C: Clock + ?Sized> Clock for &C {
    fn now(&self) -> Result<Timestamp> {
        (**self).now()
    }

    fn follow_server(&self, offset_ms: i64) {
        (**self).follow_server(offset_ms);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_known_instants() {
        let cases = [
            (0, "1970-01-01T00:00:00.000Z"),
            (1_795_075_200_123, "2026-11-19T08:00:00.123Z"),
            (951_782_400_000, "2000-02-29T00:00:00.000Z"),
            (-1, "1969-12-31T23:59:59.999Z"),
            (MAX_MS, "9999-12-31T23:59:59.999Z"),
            (MIN_MS, "0000-01-01T00:00:00.000Z"),
        ];
        for (ms, text) in cases {
            let t = Timestamp::from_millis(ms).unwrap();
            assert_eq!(t.to_string(), text);
            assert_eq!(Timestamp::parse_rfc3339(text).unwrap(), t);
        }
        assert_eq!(Timestamp::parse_rfc3339("2026-11-19T08:00:00Z").unwrap().millis(), 1_795_075_200_000);
    }

    #[test]
    fn rejects_malformed_times() {
        for s in [
            "", "2026-11-19", "2026-11-19T08:00:00", "2026-11-19T08:00:00+00:00", "2026-02-30T00:00:00Z",
            "2025-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-19T24:00:00Z", "2026-11-19T08:60:00Z",
            "2026-11-19T08:00:60Z", "2026-11-19T08:00:00.1Z", "2026-11-19T08:00:00,123Z", "+026-11-19T08:00:00Z",
            "2026-11-19T08:00:00.12xZ",
        ] {
            let e = Timestamp::parse_rfc3339(s).unwrap_err();
            assert_eq!(e.code(), ErrorCode::MalformedInput, "{s}");
        }
        assert!(Timestamp::from_millis(MAX_MS + 1).is_err());
        assert!(Timestamp::from_js_millis(f64::NAN).is_err());
        assert!(Timestamp::from_js_millis(1e300).is_err());
        assert!(Timestamp::from_seconds(i64::MAX).is_err());
    }

    #[test]
    fn every_day_of_four_centuries_round_trips() {
        let start = days_from_civil(1900, 1, 1);
        for days in start..start + 146_097 {
            let (y, m, d) = civil_from_days(days);
            assert!(d <= days_in_month(y, m));
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
