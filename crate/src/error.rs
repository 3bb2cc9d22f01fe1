//! One error type for the whole crate.
//!
//! Every failure has a stable snake_case [`ErrorCode`], a `message` for developers and a
//! `remedy` written for the field worker who sees it. The table in [`ErrorCode::ALL`] is the
//! single source that the JS types, the README and the app's help page are generated from.

use std::fmt;

/// How serious a code is for the person holding the device.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// The operation did not happen, and the worker (or an administrator) must act.
    Error,
    /// Nothing is lost: the operation went ahead (`cert_expiring`), or it is retried by itself
    /// (`server_unreachable`: the signatures wait on the device). The worker should act soon.
    Warning,
}

macro_rules! error_codes {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal, $severity:ident, $summary:literal, $remedy:literal; )*) => {
        /// A stable, machine-readable failure code. Its string form never changes once released.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $( $(#[$doc])* $variant, )*
        }

        impl ErrorCode {
            /// Every code, in the order of the table.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),*];

            /// The stable snake_case string of this code.
            pub const fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code,)* }
            }

            /// Whether the code refuses the operation or only warns.
            pub const fn severity(self) -> Severity {
                match self { $(ErrorCode::$variant => Severity::$severity,)* }
            }

            /// One sentence saying what went wrong, for developers and the help page.
            pub const fn summary(self) -> &'static str {
                match self { $(ErrorCode::$variant => $summary,)* }
            }

            /// What a field worker should do, when no more specific remedy is known.
            pub const fn default_remedy(self) -> &'static str {
                match self { $(ErrorCode::$variant => $remedy,)* }
            }

            /// The code for a string, if there is one.
            pub fn parse(code: &str) -> Option<ErrorCode> {
                match code { $($code => Some(ErrorCode::$variant),)* _ => None }
            }
        }
    };
}

error_codes! {
    /// The PIN or passphrase does not open the sealed key.
    WrongPin = "wrong_pin", Error,
        "The PIN or passphrase does not open this key.",
        "Check your PIN and try again. After several wrong tries you must wait before the next one.";
    /// A new PIN or passphrase is too short to seal a key with.
    PinTooShort = "pin_too_short", Error,
        "The PIN or passphrase is shorter than the minimum length.",
        "Choose a PIN of at least 6 digits, or a longer passphrase.";
    /// Too many wrong PINs: the next try must wait.
    PinLockedOut = "pin_locked_out", Error,
        "Too many wrong PINs; the next try must wait.",
        "Too many wrong PINs. Wait a few minutes before the next try, or ask your administrator.";
    /// The passphrase does not open the backup.
    WrongPassphrase = "wrong_passphrase", Error,
        "The passphrase does not open this backup.",
        "Check the backup's passphrase (it is not your PIN) and try again.";
    /// The identity was locked; its key is no longer in memory.
    IdentityLocked = "identity_locked", Error,
        "The identity is locked and its key has been wiped from memory.",
        "Unlock with your PIN, then sign again.";
    /// No identity with this key id is stored on the device.
    IdentityNotFound = "identity_not_found", Error,
        "No identity with this key id is stored on this device.",
        "Choose your name from the list, or set up this device again.";
    /// No failure report with this id is stored on the device.
    ReportNotFound = "report_not_found", Error,
        "No failure report with this id is stored on this device.",
        "Open the Health page again and choose the problem from the list.";
    /// The identity has no certificate yet, so it cannot sign.
    NotEnrolled = "not_enrolled", Error,
        "This identity has no certificate yet.",
        "Connect to the internet and enroll with the code from your administrator.";
    /// A fresh signature did not verify twice in a row, so nothing was stored.
    SelfCheckFailed = "self_check_failed", Error,
        "A new signature failed its own verification twice; nothing was stored.",
        "Close the app completely, open it again and sign again. If it happens again, send feedback from the Health page.";
    /// The device cannot produce secure random numbers.
    RandomnessUnavailable = "randomness_unavailable", Error,
        "Secure randomness (crypto.getRandomValues) is not available.",
        "Update your browser, or use another browser or device.";
    /// The certificate is not signed by the pinned authority, or is not for this key.
    CertUntrusted = "cert_untrusted", Error,
        "The certificate is not signed by the trusted authority or does not belong to this key.",
        "Enroll this device again with a new code from your administrator.";
    /// The certificate's validity has not begun.
    CertNotYetValid = "cert_not_yet_valid", Error,
        "The certificate is not valid yet.",
        "Check that your device's date and time are correct, or wait until the certificate becomes valid.";
    /// The certificate has expired.
    CertExpired = "cert_expired", Error,
        "The certificate has expired.",
        "Connect to the internet and open the app to renew your certificate, or ask your administrator.";
    /// The certificate is on the authority's revocation list.
    CertRevoked = "cert_revoked", Error,
        "The certificate has been revoked by the authority.",
        "You can no longer sign with this device. Ask your administrator.";
    /// The certificate expires soon (warning).
    CertExpiring = "cert_expiring", Warning,
        "The certificate expires soon.",
        "Connect to the internet and open the app so that your certificate is renewed.";
    /// The revocation list is past its next update time, or missing (warning).
    RevocationListStale = "revocation_list_stale", Warning,
        "The revocation list is out of date or missing.",
        "Connect to the internet and open the app to bring it up to date.";
    /// The revocation list is not signed by the pinned authority.
    RevocationListUntrusted = "revocation_list_untrusted", Error,
        "The revocation list is not signed by the trusted authority.",
        "Connect to the internet and open the app to fetch a new list, or ask your administrator.";
    /// The device clock is earlier than the last signature.
    ClockSkew = "clock_skew", Error,
        "The device clock is earlier than the time of the last signature.",
        "Set your device's date and time correctly (automatic time is best), then sign again.";
    /// A signature does not verify.
    BadSignature = "bad_signature", Error,
        "The signature is invalid.",
        "The record was changed or signed with another key. Do not trust it; ask your administrator.";
    /// A record is signed by another key than the one it is checked against.
    KeyMismatch = "key_mismatch", Error,
        "The record names another key than the one it was checked against.",
        "Check the record against the public key of the worker who signed it.";
    /// A record does not follow the record it is said to follow.
    ChainBroken = "chain_broken", Error,
        "The record does not follow the given previous record (hash or sequence number differ).",
        "A record is missing or was changed. Keep all records and ask your administrator.";
    /// The algorithm in a JWS header is not Ed25519.
    UnsupportedAlgorithm = "unsupported_algorithm", Error,
        "The JWS algorithm is not Ed25519 (or the older EdDSA name for it).",
        "Use a record signed by offsign or another Ed25519 JOSE signer.";
    /// A JWS compact serialization could not be parsed.
    MalformedJws = "malformed_jws", Error,
        "The JWS is not a well-formed compact serialization.",
        "The data is damaged or not a signed record. Ask your administrator.";
    /// A JSON Web Key could not be parsed or is not an Ed25519 key.
    MalformedJwk = "malformed_jwk", Error,
        "The JWK is not a well-formed Ed25519 (OKP) key.",
        "Use the key file exactly as offsign wrote it.";
    /// A record payload does not have the offsign record format.
    MalformedRecord = "malformed_record", Error,
        "The record payload does not have the offsign record format.",
        "The data is damaged or not an offsign record. Ask your administrator.";
    /// A certificate does not have the offsign certificate format.
    MalformedCertificate = "malformed_certificate", Error,
        "The certificate does not have the offsign certificate format.",
        "Enroll this device again with a new code from your administrator.";
    /// A revocation list does not have the offsign format.
    MalformedRevocationList = "malformed_revocation_list", Error,
        "The revocation list does not have the offsign format.",
        "Connect to the internet and open the app to fetch a new list.";
    /// A sealed key is damaged or of an unknown format.
    MalformedSealedKey = "malformed_sealed_key", Error,
        "The sealed key is damaged or of an unknown format.",
        "Restore your identity from a backup, or enroll this device again.";
    /// A backup file is damaged, truncated, foreign, or its records do not verify.
    MalformedBackup = "malformed_backup", Error,
        "The backup file is damaged, truncated or not an offsign backup; nothing was imported.",
        "Use another copy of the backup file, or ask your administrator.";
    /// The device's storage is full; nothing was written.
    StorageFull = "storage_full", Error,
        "The browser's storage for this app is full; nothing was written.",
        "Connect to the internet so that sent records can be cleared, free space on the device, or ask your administrator.";
    /// The device's storage cannot be opened or written.
    StorageUnavailable = "storage_unavailable", Error,
        "The browser's storage (IndexedDB) cannot be opened or written.",
        "Close other tabs of this app and open it again. Private browsing may block storage; use a normal window.";
    /// The server could not be reached, or answered with a server error, after retries.
    ServerUnreachable = "server_unreachable", Warning,
        "The server could not be reached; nothing was lost.",
        "Your signatures are safe on this device and will be sent when the connection returns.";
    /// The server refused a whole request (not a record): the app and server disagree.
    ServerRefused = "server_refused", Error,
        "The server refused the request.",
        "Update the app (reload it while online), or ask your administrator.";
    /// The server refused an enrollment code (unknown, used or expired); nothing was issued.
    EnrollmentRefused = "enrollment_refused", Error,
        "The server refused the enrollment code; no certificate was issued.",
        "Ask your administrator for a new enrollment code.";
    /// The server refused a signed record; the record stays on the device, marked rejected.
    RecordRejected = "record_rejected", Error,
        "The server refused a signed record.",
        "Open the record in the outbox to see why, and ask your administrator. It stays on this device.";
    /// An argument has the wrong type, length or size.
    MalformedInput = "malformed_input", Error,
        "An argument has the wrong type, length, encoding or size.",
        "This is a problem in the app. Send feedback from the Health page.";
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The crate's error: a stable [`ErrorCode`], a developer `message` and a worker `remedy`.
///
/// Messages and remedies never contain secrets (keys, PINs, seeds).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    code: ErrorCode,
    message: String,
    remedy: String,
}

impl Error {
    /// An error with the code's default remedy.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error { code, message: message.into(), remedy: code.default_remedy().to_owned() }
    }

    /// Replaces the default remedy with one that names specifics (a date, a count).
    pub fn with_remedy(mut self, remedy: impl Into<String>) -> Self {
        self.remedy = remedy.into();
        self
    }

    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// What went wrong, for developers and logs.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// What the field worker should do.
    pub fn remedy(&self) -> &str {
        &self.remedy
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for Error {}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_snake_case_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for &code in ErrorCode::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "duplicate code {s}");
            assert!(s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{s} is not snake_case");
            assert_eq!(ErrorCode::parse(s), Some(code));
            assert!(code.summary().ends_with('.') && code.default_remedy().ends_with('.'));
        }
        assert_eq!(ErrorCode::parse("no_such_code"), None);
    }

    #[test]
    fn typescript_union_lists_every_code_in_order() {
        let ts = include_str!("types.d.ts");
        let union = ts.split("export type ErrorCode =").nth(1).and_then(|t| t.split(';').next()).unwrap();
        let listed: Vec<&str> = union.split('|').map(|s| s.trim().trim_matches('"')).filter(|s| !s.is_empty()).collect();
        let table: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(listed, table, "types.d.ts must list exactly the codes of the table");
    }

    #[test]
    fn specific_remedy_replaces_default() {
        let e = Error::new(ErrorCode::CertExpired, "expired at 2026-11-03");
        assert_eq!(e.remedy(), ErrorCode::CertExpired.default_remedy());
        let e = e.with_remedy("Your certificate expired on 3 Nov.");
        assert_eq!(e.remedy(), "Your certificate expired on 3 Nov.");
        assert_eq!(e.to_string(), "cert_expired: expired at 2026-11-03");
    }
}
