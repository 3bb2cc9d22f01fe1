//! Sentences the device writes for people with specifics in them: how many PIN tries are left,
//! the date a certificate expired, how long the outbox has waited. The device writes each in
//! English, and beside it the [`Phrase`] it is an instance of (a stable key) with its named
//! arguments, so that an app words it in the worker's language from a catalog (the field app's
//! `www/locales/LANG.ftl` hold each phrase as `dev-KEY`) instead of showing English, or falling
//! back to a code's general remedy that leaves the specifics out.

use serde::Serialize;

/// A kind of sentence the device writes: its stable key (never changed once released) and the
/// names of its arguments, in order.
#[derive(Debug, PartialEq, Eq, Serialize)]
pub struct Phrase {
    /// The stable key, e.g. `wrong-pin-tries-left`.
    pub key: &'static str,
    /// The names of its arguments, e.g. `["tries"]`.
    pub args: &'static [&'static str],
}

/// Defines each phrase as a constant, and [`PHRASES`] with all of them.
macro_rules! phrases {
    ($( $(#[$doc:meta])* $name:ident = $key:literal [$($arg:literal),*]; )*) => {
        $( $(#[$doc])* pub const $name: Phrase = Phrase { key: $key, args: &[$($arg),*] }; )*
        /// Every phrase, in this order: what a catalog must word (`phrases()` in JavaScript).
        pub const PHRASES: &[&Phrase] = &[$(&$name),*];
    };
}

phrases! {
    // Remedies with specifics, where the code's remedy in the error table says less.
    /// `wrong_pin`: how many tries are left before a wait.
    WRONG_PIN_TRIES_LEFT = "wrong-pin-tries-left" ["tries"];
    /// `pin_locked_out`: how many minutes to wait.
    PIN_WAIT_MINUTES = "pin-wait-minutes" ["minutes"];
    /// `cert_not_yet_valid`: the day the certificate starts.
    CERT_VALID_FROM = "cert-valid-from" ["date"];
    /// `cert_expired`: the day the certificate ended.
    CERT_EXPIRED_ON = "cert-expired-on" ["date"];
    /// `cert_expiring`: the day the certificate ends.
    CERT_EXPIRES_ON = "cert-expires-on" ["date"];
    /// `enrollment_refused`: what the server's reason (one of its `enrollment_code_*` codes)
    /// asks of the worker.
    ENROLLMENT_REFUSED = "enrollment-refused" ["reason"];
    /// `server_unreachable` at enrollment.
    ENROLL_NEEDS_CONNECTION = "enroll-needs-connection" [];
    /// `server_refused`: no offsign API answers at the server's address.
    NOT_AN_OFFSIGN_SERVER = "not-an-offsign-server" [];
    /// `identity_locked` when enrolling.
    UNLOCK_THEN_ENROLL = "unlock-then-enroll" [];
    /// `identity_locked` when making a backup.
    UNLOCK_THEN_BACKUP = "unlock-then-backup" [];
    /// `identity_locked` when making an evidence bundle.
    UNLOCK_THEN_BUNDLE = "unlock-then-bundle" [];
    /// `chain_broken` when a backup's records differ from the device's.
    BACKUP_NOT_THESE_RECORDS = "backup-not-these-records" [];
    /// `storage_unavailable`: the document to sign is gone from the device.
    SIGN_AGAIN = "sign-again" [];
    /// `storage_unavailable`: another tab runs a newer version of the app.
    NEWER_VERSION_OPEN = "newer-version-open" [];
    /// `malformed_input`: the file changed while it was read.
    FILE_CHANGED = "file-changed" [];

    // What a health check found (its value), and what to do where no error code says it.
    /// Randomness works.
    RANDOMNESS_AVAILABLE = "randomness-available" [];
    /// The database takes writes.
    STORAGE_WRITABLE = "storage-writable" [];
    /// A check failed with an error: its code.
    FAILED_WITH = "failed-with" ["code"];
    /// Persistent storage is granted.
    PERSISTENCE_GRANTED = "persistence-granted" [];
    /// Persistent storage is not granted.
    PERSISTENCE_NOT_GRANTED = "persistence-not-granted" [];
    /// The remedy: install the app.
    INSTALL_THE_APP = "install-the-app" [];
    /// The browser cannot keep data persistently.
    PERSISTENCE_UNSUPPORTED = "persistence-unsupported" [];
    /// The remedy: sync often.
    SYNC_OFTEN = "sync-often" [];
    /// Storage use, in mebibytes.
    STORAGE_USED = "storage-used" ["used", "quota"];
    /// The browser does not tell its storage use.
    STORAGE_USE_UNKNOWN = "storage-use-unknown" [];
    /// No identity is set up.
    NO_IDENTITY = "no-identity" [];
    /// The remedy: set up the device.
    SET_UP_THIS_DEVICE = "set-up-this-device" [];
    /// An identity without a certificate.
    NOT_ENROLLED = "not-enrolled" [];
    /// Days until a certificate ends.
    DAYS_LEFT = "days-left" ["days"];
    /// The revocation list is current.
    UP_TO_DATE = "up-to-date" [];
    /// The revocation list is missing or was due for update.
    LIST_STALE = "list-stale" [];
    /// The device's clock is before the identity's last signature.
    CLOCK_BEFORE_LAST_SIGNATURE = "clock-before-last-signature" ["now", "last"];
    /// The device's time.
    TIME_NOW = "time-now" ["now"];
    /// None of something.
    NONE = "none" [];
    /// Records the server refused.
    REFUSED_BY_SERVER = "refused-by-server" ["count"];
    /// The remedy: open the outbox.
    OPEN_THE_OUTBOX = "open-the-outbox" [];
    /// The last sync's time.
    LAST_SYNC_AT = "last-sync-at" ["at"];
    /// Never synced, with nothing to send.
    NEVER_NOTHING_TO_SEND = "never-nothing-to-send" [];
    /// Never synced.
    NEVER = "never" [];
    /// The remedy: connect so that records are sent.
    CONNECT_TO_SEND = "connect-to-send" [];
    /// The app's version.
    VERSION = "version" ["version"];
    /// The clock offset is not measured yet.
    OFFSET_NOT_MEASURED = "offset-not-measured" [];
    /// The clock is within some seconds of the server's.
    OFFSET_WITHIN = "offset-within" ["seconds"];
    /// The clock is minutes behind the server's.
    CLOCK_BEHIND = "clock-behind" ["minutes"];
    /// The clock is minutes ahead of the server's.
    CLOCK_AHEAD = "clock-ahead" ["minutes"];
    /// The remedy: automatic date and time.
    AUTOMATIC_TIME = "automatic-time" [];
    /// Nothing waits to be sent.
    NONE_WAITING = "none-waiting" [];
    /// Documents and images waiting, their size in mebibytes.
    EVIDENCE_WAITING = "evidence-waiting" ["count", "size"];
    /// Records waiting, the oldest for some hours.
    RECORDS_WAITING = "records-waiting" ["count", "hours"];
}

/// The value of one argument of a [`Words`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Arg {
    /// A whole number (a count, minutes, days): a number in JavaScript.
    Count(i64),
    /// A number with one decimal, kept as tenths (`12.5` is `125`): a number in JavaScript.
    #[serde(serialize_with = "tenths")]
    Tenths(i64),
    /// A time, RFC 3339 in UTC (`2026-11-03T23:00:00Z`): a string in JavaScript.
    Time(String),
    /// A code or a version: a string in JavaScript.
    Text(String),
}

fn tenths<S: serde::Serializer>(tenths: &i64, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_f64(*tenths as f64 / 10.0)
}

/// One sentence the device wrote: its phrase and the value of each argument, in the phrase's
/// order. In JavaScript `{ key, args: { name: value } }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Words {
    phrase: &'static Phrase,
    args: Vec<Arg>,
}

impl Words {
    /// `phrase` with `args`, one for each of its argument names.
    pub fn new(phrase: &'static Phrase, args: Vec<Arg>) -> Self {
        debug_assert_eq!(phrase.args.len(), args.len(), "{}: one value per argument", phrase.key);
        Words { phrase, args }
    }

    /// A phrase without arguments.
    pub fn plain(phrase: &'static Phrase) -> Self {
        Words::new(phrase, Vec::new())
    }

    /// The phrase.
    pub fn phrase(&self) -> &'static Phrase {
        self.phrase
    }

    /// Each argument's name with its value.
    pub fn args(&self) -> impl Iterator<Item = (&'static str, &Arg)> {
        self.phrase.args.iter().copied().zip(&self.args)
    }
}

impl Serialize for Words {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        struct Args<'a>(&'a Words);
        impl Serialize for Args<'_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut map = serializer.serialize_map(Some(self.0.args.len()))?;
                for (name, value) in self.0.args() {
                    map.serialize_entry(name, value)?;
                }
                map.end()
            }
        }
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("key", self.phrase.key)?;
        map.serialize_entry("args", &Args(self))?;
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_words_serialize_with_named_arguments() {
        let mut keys: Vec<_> = PHRASES.iter().map(|p| p.key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), PHRASES.len(), "a key names one phrase");
        let words = Words::new(&STORAGE_USED, vec![Arg::Tenths(125), Arg::Count(512)]);
        assert_eq!(serde_json::to_value(&words).unwrap(), serde_json::json!({"key": "storage-used", "args": {"used": 12.5, "quota": 512}}));
        let words = Words::new(&CERT_EXPIRED_ON, vec![Arg::Time("2026-11-03T23:00:00Z".into())]);
        assert_eq!(serde_json::to_value(&words).unwrap(), serde_json::json!({"key": "cert-expired-on", "args": {"date": "2026-11-03T23:00:00Z"}}));
    }
}
