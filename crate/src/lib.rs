//! offsign: offline document signing for field workers.
//!
//! The core is pure and target-independent: it never reads a clock, a file or the network.
//! Time comes in as a [`Timestamp`], storage and HTTP live behind the bindings. The same code
//! runs natively (server, command line, tests) and in browsers as WebAssembly (`wasm` module).
//!
//! - [`Identity`]: an Ed25519 key generated on the device; [`PublicKey`] and its OKP JWK.
//! - [`seal`] / [`unseal`]: the seed under a PIN (Argon2id + XChaCha20-Poly1305).
//! - [`sign_record`] / [`verify_record`]: signed, chained records as JWS (`alg: Ed25519`).
//! - [`check_policy`]: the offline certificate and revocation check before each signature.
//! - [`Device`]: identities in a [`Store`], unlock with lockout, sign-and-append in one transaction.
//! - [`Error`]: one error type with stable [`ErrorCode`]s, messages and remedies.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod backup;
mod bundle;
#[cfg(feature = "bundle-write")]
mod bundle_file;
#[cfg(all(target_arch = "wasm32", feature = "device"))]
mod browser;
mod cert;
mod device;
mod encoding;
mod error;
#[cfg(feature = "evidence")]
mod evidence;
mod evidence_size;
mod forms;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod health;
#[cfg(all(target_arch = "wasm32", feature = "device"))]
mod idb;
mod json;
mod jws;
mod keys;
mod random;
mod record;
#[cfg(any(test, all(target_arch = "wasm32", feature = "device")))]
mod record_pages;
mod rows;
mod split_mul;
mod store;
mod sync;
mod time;
mod vault;
#[cfg(target_arch = "wasm32")]
mod wasm;
mod words;

pub use bundle::{verify_bundle, Bundle, BundleCheck, Outcome};
pub use forms::{forms_tag, named_form, verify_forms, AnswerProblem, Choice, Field, FieldKind, FieldProblem, Form, FormSet, Label, FORMS_TYP, MAX_FIELDS, MAX_FORMS};
#[cfg(feature = "bundle-file")]
pub use bundle_file::{check_bundle_file, read_bundle, AuthorityUsed, BundleFile, BundleReport, Verdict, MAX_BUNDLE_DOCUMENT, MAX_BUNDLE_ENTRIES, MAX_BUNDLE_FILE};
#[cfg(feature = "bundle-write")]
pub use bundle_file::{write_bundle, BUNDLE_FORMAT};
pub use backup::{open_backup, open_backup_reporting, seal_backup, BackupContents, EvidenceCopy, ImportSummary, MAX_BACKUP_BYTES, MAX_EVIDENCE_IN_BACKUP};
pub use cert::{
    check_policy, inspect_certificate, verify_certificate, verify_certificate_status, verify_evidence_receipt, verify_receipt,
    verify_revocation_list, Authority, Certificate, CertificateStatus, Credentials, EvidenceReceipt, PolicyOptions, PolicyVerdict, Receipt,
    RevocationList, RevocationReason, ANSWER_TYP, CERT_STATUS_TYP, CLOCK_TOLERANCE_MS, CERT_TYP, EVIDENCE_RECEIPT_TYP, RECEIPT_TYP, REVOCATION_LIST_TYP,
};
pub use device::{BrowserFacts, Device, DeviceConfig, Idle, SignInput, Signed, MAX_BATCH, MAX_COMMENT_CHARS};
#[cfg(feature = "evidence")]
pub use device::StagedEvidence;
#[cfg(all(target_arch = "wasm32", feature = "device"))]
pub use idb::{IdbStore, SCHEMA_VERSION};
pub use error::{Error, ErrorCode, Result, Severity};
#[cfg(feature = "evidence")]
pub use evidence::{
    header_proofs, open_evidence, open_evidence_from, readdress_evidence, seal_evidence, EvidenceKey, EvidenceKind, EvidenceOpener,
    EvidenceSealer, EvidenceSecret, HeaderProofs, verify_evidence_key, EVIDENCE_KEY_TYP, EVIDENCE_SEALING_CLAIM,
};
pub use evidence_size::{plain_len, sealed_len, EVIDENCE_CHUNK, EVIDENCE_HEADER_LEN, EVIDENCE_PIECE};
pub use health::{diagnose, Check, Facts, OutboxSummary, Status};
pub use words::{Arg, Phrase, Words, PHRASES};
pub use jws::{Header, MAX_JWS_LEN};
pub use keys::{Identity, PrivateJwk, PublicJwk, PublicKey};
pub use record::{
    inspect_record, record_hash, sign_record, verify_record, ChainHead, DocumentDigest, RecordPayload, RecordRequest,
    SignedRecord, MAX_CLAIMS_BYTES, MAX_SEQ, RECORD_TYP,
};
pub use rows::{
    EvidenceRow, EvidenceState, IdentityRow, Lockout, RecordError, RecordRow, RecordState, RemovedIdentity, ReportRow, ReportState, StoredCredentials,
    FREE_PIN_TRIES,
    MAX_OBSERVED_STEP_MS,
};
pub use store::{identity_not_found, report_not_found, Store};
pub use sync::{
    enrollment_code_hash, enrollment_proof, inspect_renewal_request, inspect_report, inspect_status, sign_status, verify_status,
    DeviceStatus, StatusCheck, STATUS_TYP, verify_enrollment_proof, Continuation, EnrollmentProof,
    ENROLLMENT_TYP, parse_retry_after, renewal_request, sign_report, verify_renewal_request,
    verify_report, Backoff, HttpResponse, RenewalRequest, SignedReport, SyncOptions, SyncSummary, Transport, MAX_SYNC_BATCH,
    RENEWAL_TYP, REPORT_TYP, SERVER_OFFSET_SETTING, ServerClock,
};
/// The `/v1` wire format: every request and answer of the server's API, shared by the client
/// engine, the reference server and the tests' fake servers.
pub mod wire {
    pub use crate::sync::{
        BatchRequest, EnrollRequest, Enrolled, EnrollmentChallenge, RecordVerdict, RecordsAnswer, Refusal, RenewRequest,
        ReportVerdict, ReportVerdictKind, ReportsAnswer, RevocationsAnswer, StatusRequest, VerdictKind, MAX_SYNC_BATCH, UPLOAD_TOKEN_HEADER,
    };
}
pub use time::{Clock, Timestamp, DAY_MS};
pub use vault::{seal, unseal, KdfParams, KdfSpec, SealedKey, MIN_PIN_CHARS};
