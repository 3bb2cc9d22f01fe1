//! One error type for the whole crate.
//!
//! Every failure has a stable snake_case [`ErrorCode`], a `message` for developers and a
//! `remedy` written for the field worker who sees it. The table in [`ErrorCode::ALL`] is the
//! single source that the JS types, the README and the app's help page are generated from.

use crate::words::Words;
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
    (
        device { $( $(#[$doc:meta])* $variant:ident = $code:literal, $severity:ident, $summary:literal, $remedy:literal; )* }
        server { $( $(#[$sdoc:meta])* $svariant:ident = $scode:literal, $sseverity:ident, $ssummary:literal, $sremedy:literal; )* }
        app { $( $(#[$adoc:meta])* $avariant:ident = $acode:literal, $aseverity:ident, $asummary:literal, $aremedy:literal; )* }
    ) => {
        /// A stable, machine-readable failure code. Its string form never changes once released.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $( $(#[$doc])* $variant, )*
            $( $(#[$sdoc])* $svariant, )*
            $( $(#[$adoc])* $avariant, )*
        }

        impl ErrorCode {
            /// Every code, in the order of the table.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)* $(ErrorCode::$svariant,)* $(ErrorCode::$avariant,)*];

            /// The stable snake_case string of this code.
            pub const fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code,)* $(ErrorCode::$svariant => $scode,)* $(ErrorCode::$avariant => $acode,)* }
            }

            /// Whether the code refuses the operation or only warns.
            pub const fn severity(self) -> Severity {
                match self { $(ErrorCode::$variant => Severity::$severity,)* $(ErrorCode::$svariant => Severity::$sseverity,)* $(ErrorCode::$avariant => Severity::$aseverity,)* }
            }

            /// One sentence saying what went wrong, for developers and the help page.
            pub const fn summary(self) -> &'static str {
                match self { $(ErrorCode::$variant => $summary,)* $(ErrorCode::$svariant => $ssummary,)* $(ErrorCode::$avariant => $asummary,)* }
            }

            /// What a field worker should do, when no more specific remedy is known.
            pub const fn default_remedy(self) -> &'static str {
                match self { $(ErrorCode::$variant => $remedy,)* $(ErrorCode::$svariant => $sremedy,)* $(ErrorCode::$avariant => $aremedy,)* }
            }

            /// Whether only the server answers with this code (a rejected record or report, a
            /// refused request): the device keeps or shows it, but never raises it itself.
            pub const fn from_server(self) -> bool {
                matches!(self, $(ErrorCode::$svariant)|*)
            }

            /// Whether only an app raises this code (the field app's own checks: a form not
            /// filled in, no location, no camera); the package never does.
            pub const fn from_app(self) -> bool {
                matches!(self, $(ErrorCode::$avariant)|*)
            }

            /// The code for a string, if there is one.
            pub fn parse(code: &str) -> Option<ErrorCode> {
                match code { $($code => Some(ErrorCode::$variant),)* $($scode => Some(ErrorCode::$svariant),)* $($acode => Some(ErrorCode::$avariant),)* _ => None }
            }
        }
    };
}

// The table is its own file so that the build script (`build.rs`) reads the same rows: it
// writes the TypeScript `ErrorCode` union from them.
include!("error_table.rs");

/// In JSON, the code's string.
impl serde::Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
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
    /// The remedy's phrase and specifics, when it is not the code's default remedy.
    remedy_words: Option<Words>,
}

impl Error {
    /// An error with the code's default remedy.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error { code, message: message.into(), remedy: code.default_remedy().to_owned(), remedy_words: None }
    }

    /// Replaces the default remedy with one that names specifics (a date, a count) or a
    /// situation the default does not: `remedy` in English, `words` for other languages.
    pub fn with_remedy(mut self, words: Words, remedy: impl Into<String>) -> Self {
        self.remedy = remedy.into();
        self.remedy_words = Some(words);
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

    /// The remedy's phrase and specifics, for words in another language; `None` when the
    /// remedy is the code's default remedy.
    pub fn remedy_words(&self) -> Option<&Words> {
        self.remedy_words.as_ref()
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
        let ts = include_str!(concat!(env!("OUT_DIR"), "/error_codes.d.ts"));
        let union = ts.split("export type ErrorCode =").nth(1).and_then(|t| t.split(';').next()).unwrap();
        let listed: Vec<&str> = union.split('|').map(|s| s.trim().trim_matches('"')).filter(|s| !s.is_empty()).collect();
        let table: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(listed, table, "the generated union must list exactly the codes of the table");
        assert!(!include_str!("types.d.ts").contains("export type ErrorCode"), "the union is generated, not written by hand");
    }

    #[test]
    fn specific_remedy_replaces_default() {
        use crate::words::{Arg, Words, CERT_EXPIRED_ON};
        let e = Error::new(ErrorCode::CertExpired, "expired at 2026-11-03");
        assert_eq!((e.remedy(), e.remedy_words()), (ErrorCode::CertExpired.default_remedy(), None));
        let words = Words::new(&CERT_EXPIRED_ON, vec![Arg::Time("2026-11-03T00:00:00Z".into())]);
        let e = e.with_remedy(words.clone(), "Your certificate expired on 3 Nov.");
        assert_eq!((e.remedy(), e.remedy_words()), ("Your certificate expired on 3 Nov.", Some(&words)));
        assert_eq!(e.to_string(), "cert_expired: expired at 2026-11-03");
    }
}
