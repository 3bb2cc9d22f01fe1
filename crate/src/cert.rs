//! Certificates and revocation lists, both JWS signed by the authority, and the offline
//! policy check that runs before every signature.
//!
//! Validity is the half-open interval `[nbf, exp)`: a certificate is valid at `nbf` exactly
//! and expired at `exp` exactly.

use crate::error::{Error, ErrorCode, Result};
use crate::jws::{self, Jws};
use crate::keys::{Identity, PublicJwk, PublicKey};
use crate::time::{numeric_date, Timestamp, DAY_MS};
use crate::words::{Words, CERT_EXPIRED_ON, CERT_EXPIRES_ON, CERT_VALID_FROM};
use crate::json::{deserialize_from_json, FromJson, Members};
use serde::Serialize;
use serde_json::Value;
use std::cell::RefCell;

/// The JWS `typ` of a certificate.
pub const CERT_TYP: &str = "offsign-cert+jws";
/// The JWS `typ` of a revocation list.
pub const REVOCATION_LIST_TYP: &str = "offsign-crl+jws";
/// The JWS `typ` of a server receipt.
pub const RECEIPT_TYP: &str = "offsign-receipt+jws";
/// The JWS `typ` of a server's signed answer to a batch of records or reports.
pub const ANSWER_TYP: &str = "offsign-answer+jws";
/// The most serials a revocation list may hold.
const MAX_REVOKED: usize = 100_000;

/// A worker's certificate: the authority binds a worker id to a public key for a time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Certificate {
    /// Format version, 1.
    pub v: u32,
    /// The serial number, unique per authority.
    pub serial: String,
    /// The worker id.
    pub sub: String,
    /// The issuing authority's name.
    pub iss: String,
    /// The worker's public key.
    pub jwk: PublicJwk,
    /// Valid from (inclusive; JWT NumericDate seconds in JSON).
    #[serde(serialize_with = "numeric_date::serialize")]
    pub nbf: Timestamp,
    /// Valid until (exclusive; JWT NumericDate seconds in JSON).
    #[serde(serialize_with = "numeric_date::serialize")]
    pub exp: Timestamp,
}

/// The authority's signed list of revoked certificate serials.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RevocationList {
    /// Format version, 1.
    pub v: u32,
    /// The issuing authority's name.
    pub iss: String,
    /// When it was issued (NumericDate seconds in JSON).
    #[serde(serialize_with = "numeric_date::serialize")]
    pub issued_at: Timestamp,
    /// When a newer list is due (NumericDate seconds in JSON); after it, the list is stale.
    #[serde(serialize_with = "numeric_date::serialize")]
    pub next_update: Timestamp,
    /// Revoked serials.
    pub revoked: Vec<String>,
    /// Why each was revoked, by serial (a serial not named here: [`RevocationReason::Unspecified`]).
    /// In JSON an object, serial → RFC 5280 name, left out when empty. Pairs rather than a
    /// map: a `BTreeMap` (its sorting, cloning and serializing) cost the core's wasm ~7 KB.
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "reasons_as_object")]
    pub reasons: Vec<(String, RevocationReason)>,
}

/// Why a certificate was revoked: the reason codes of RFC 5280 §5.3.1 that apply to a
/// worker's key, by their RFC names. What a revocation does to records signed before it
/// depends on the reason ([`RevocationReason::keeps_earlier_records`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum RevocationReason {
    /// No reason given (also every revocation made before reasons were kept): taken as a
    /// compromised key.
    Unspecified,
    /// The key, or the PIN that opens it, is in someone else's hands (a lost or stolen device).
    KeyCompromise,
    /// The worker moved to another part of the organisation.
    AffiliationChanged,
    /// A new key replaces this one (a forgotten PIN, a new phone, an expired certificate).
    Superseded,
    /// The worker no longer signs for the organisation.
    CessationOfOperation,
    /// The worker may no longer sign.
    PrivilegeWithdrawn,
}

impl RevocationReason {
    /// Every reason, in RFC 5280's order.
    pub const ALL: [RevocationReason; 6] = [
        Self::Unspecified,
        Self::KeyCompromise,
        Self::AffiliationChanged,
        Self::Superseded,
        Self::CessationOfOperation,
        Self::PrivilegeWithdrawn,
    ];

    /// The RFC 5280 name, as the JSON and the command line spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unspecified => "unspecified",
            Self::KeyCompromise => "keyCompromise",
            Self::AffiliationChanged => "affiliationChanged",
            Self::Superseded => "superseded",
            Self::CessationOfOperation => "cessationOfOperation",
            Self::PrivilegeWithdrawn => "privilegeWithdrawn",
        }
    }

    /// The reason named `name` (its RFC 5280 name).
    pub fn parse(name: &str) -> Option<RevocationReason> {
        Self::ALL.into_iter().find(|reason| reason.as_str() == name)
    }

    /// Whether records signed before the revocation stay good. Only a compromised key (or a
    /// revocation that gave no reason) taints what was signed before: then nobody can tell
    /// the worker's signatures from the thief's.
    pub fn keeps_earlier_records(self) -> bool {
        !matches!(self, Self::Unspecified | Self::KeyCompromise)
    }
}

/// [`RevocationList::reasons`] as a JSON object.
fn reasons_as_object<S: serde::Serializer>(reasons: &[(String, RevocationReason)], serializer: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = serializer.serialize_map(Some(reasons.len()))?;
    for (serial, reason) in reasons {
        map.serialize_entry(serial, reason.as_str())?;
    }
    map.end()
}

impl FromJson for RevocationReason {
    fn from_json(value: Value) -> Result<Self, String> {
        let name = String::from_json(value)?;
        Self::parse(&name).ok_or_else(|| format!("unknown revocation reason {name:.40}"))
    }
}

impl RevocationList {
    /// Why `serial` is on the list, if it is.
    pub fn reason(&self, serial: &str) -> Option<RevocationReason> {
        let listed = self.revoked.iter().any(|s| s == serial);
        let named = self.reasons.iter().find(|(s, _)| s == serial).map(|(_, reason)| *reason);
        listed.then(|| named.unwrap_or(RevocationReason::Unspecified))
    }
}

/// The server's proof that it received a record: signed by the authority, it names the
/// record by id and hash and says when it arrived.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Receipt {
    /// Format version, 1.
    pub v: u32,
    /// The issuing authority's name.
    pub iss: String,
    /// The record's id.
    pub id: String,
    /// The record's hash (base64url SHA-256 of its JWS).
    pub hash: String,
    /// When the server received it (RFC 3339).
    pub received_at: String,
}

/// No other members in certificates, lists and receipts.
impl FromJson for Certificate {
    fn from_json(value: Value) -> Result<Self, String> {
        let mut m = Members::of(value, "a certificate")?;
        let cert = Certificate {
            v: m.required("v")?,
            serial: m.required("serial")?,
            sub: m.required("sub")?,
            iss: m.required("iss")?,
            jwk: m.required("jwk")?,
            nbf: numeric_date::required(&mut m, "nbf")?,
            exp: numeric_date::required(&mut m, "exp")?,
        };
        m.deny_unknown().map(|()| cert)
    }
}

impl FromJson for RevocationList {
    fn from_json(value: Value) -> Result<Self, String> {
        let mut m = Members::of(value, "a revocation list")?;
        let mut list = RevocationList {
            v: m.required("v")?,
            iss: m.required("iss")?,
            issued_at: numeric_date::required(&mut m, "issuedAt")?,
            next_update: numeric_date::required(&mut m, "nextUpdate")?,
            revoked: m.required("revoked")?,
            reasons: Vec::new(),
        };
        let named: Option<serde_json::Map<String, Value>> = m.optional("reasons")?;
        for (serial, reason) in named.unwrap_or_default() {
            list.reasons.push((serial, RevocationReason::from_json(reason).map_err(|e| format!("`reasons`: {e}"))?));
        }
        m.deny_unknown().map(|()| list)
    }
}

impl FromJson for Receipt {
    fn from_json(value: Value) -> Result<Self, String> {
        let mut m = Members::of(value, "a receipt")?;
        let receipt = Receipt {
            v: m.required("v")?,
            iss: m.required("iss")?,
            id: m.required("id")?,
            hash: m.required("hash")?,
            received_at: m.required("receivedAt")?,
        };
        m.deny_unknown().map(|()| receipt)
    }
}

/// The `typ` of an evidence receipt.
pub const EVIDENCE_RECEIPT_TYP: &str = "offsign-evidence-receipt+jws";

/// The server's proof that it holds a record's evidence: signed by the authority, it names the
/// record, the kind of evidence, and the digest and size of the bytes it checked and stored.
/// The device frees its copy only after it has verified one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EvidenceReceipt {
    /// Format version, 1.
    pub v: u32,
    /// The issuing authority's name.
    pub iss: String,
    /// The record's id.
    pub id: String,
    /// `document` or `signature-image`.
    pub kind: String,
    /// The SHA-256 of the stored bytes, base64url: the digest the record signed.
    pub sha256: String,
    /// The stored bytes' length.
    pub size: u64,
    /// When the server stored them (RFC 3339).
    pub stored_at: String,
}

impl FromJson for EvidenceReceipt {
    fn from_json(value: Value) -> Result<Self, String> {
        let mut m = Members::of(value, "an evidence receipt")?;
        let receipt = EvidenceReceipt {
            v: m.required("v")?,
            iss: m.required("iss")?,
            id: m.required("id")?,
            kind: m.required("kind")?,
            sha256: m.required("sha256")?,
            size: m.required("size")?,
            stored_at: m.required("storedAt")?,
        };
        m.deny_unknown().map(|()| receipt)
    }
}

/// Verifies an evidence receipt against the authority key: `bad_signature` when it is not the
/// authority's, `malformed_jws` when it is not an evidence receipt.
pub fn verify_evidence_receipt(jws_text: &str, authority: &PublicKey) -> Result<EvidenceReceipt> {
    read_signed(jws_text, EVIDENCE_RECEIPT_TYP, Some(authority))
}

/// The payload of a JWS of type `typ`, its signature checked against `authority` when given:
/// `malformed_jws` for another type or a payload that does not fit, `bad_signature` when the
/// authority did not sign it.
pub(crate) fn read_signed<T: FromJson>(jws_text: &str, typ: &str, authority: Option<&PublicKey>) -> Result<T> {
    let parsed = Jws::parse(jws_text)?;
    if parsed.header.typ.as_deref() != Some(typ) {
        return Err(Error::new(ErrorCode::MalformedJws, format!("typ is not {typ}")));
    }
    if let Some(authority) = authority {
        parsed.verify(authority)?;
    }
    parsed.payload_json(ErrorCode::MalformedJws)
}

/// How far a device's clock may be off when a certificate's validity is checked at a record's
/// `signedAt`: the server accepts, and a bundle's verifier accepts, a record signed this long
/// before its certificate began or after it ended.
pub const CLOCK_TOLERANCE_MS: i64 = 5 * 60_000;

/// The `typ` of a certificate status.
pub const CERT_STATUS_TYP: &str = "offsign-cert-status+jws";

/// The authority's answer to "what is the state of this certificate now?": the online inquiry a
/// verifier makes, signed so that it can be kept with what it checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CertificateStatus {
    /// Format version, 1.
    pub v: u32,
    /// The issuing authority's name.
    pub iss: String,
    /// The certificate's serial.
    pub serial: String,
    /// Its worker.
    pub sub: String,
    /// `valid`, `not_yet_valid`, `expired`, `revoked` or `superseded` (replaced by a renewal:
    /// records signed under it stay good until it expires).
    pub status: String,
    /// When it was revoked or superseded (RFC 3339), if it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<String>,
    /// Why it was revoked, when `status` is `revoked` (statuses signed before reasons were
    /// kept have none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<RevocationReason>,
    /// The serial of the certificate that replaced it, if one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub superseded_by: Option<String>,
    /// When the authority answered (RFC 3339).
    pub checked_at: String,
    /// The certificate itself (its JWS).
    pub certificate: String,
}

impl FromJson for CertificateStatus {
    fn from_json(value: Value) -> Result<Self, String> {
        let mut m = Members::of(value, "a certificate status")?;
        let status = CertificateStatus {
            v: m.required("v")?,
            iss: m.required("iss")?,
            serial: m.required("serial")?,
            sub: m.required("sub")?,
            status: m.required("status")?,
            revoked_at: m.optional("revokedAt")?,
            reason: m.optional("reason")?,
            superseded_by: m.optional("supersededBy")?,
            checked_at: m.required("checkedAt")?,
            certificate: m.required("certificate")?,
        };
        m.deny_unknown().map(|()| status)
    }
}

/// Verifies a certificate status against the authority key: `bad_signature` when it is not the
/// authority's, `malformed_jws` when it is not a certificate status.
pub fn verify_certificate_status(jws_text: &str, authority: &PublicKey) -> Result<CertificateStatus> {
    read_signed(jws_text, CERT_STATUS_TYP, Some(authority))
}

/// The certificate authority: the server's signing key and name.
pub struct Authority {
    identity: Identity,
    name: String,
}

impl Authority {
    /// An authority that signs with `identity` under `name`.
    pub fn new(identity: Identity, name: impl Into<String>) -> Self {
        Authority { identity, name: name.into() }
    }

    /// The authority's name, written as `iss`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The authority's public key, which devices pin at enrollment.
    pub fn public_key(&self) -> &PublicKey {
        self.identity.public_key()
    }

    /// Issues a certificate for `jwk` to worker `sub`, valid in `[nbf, exp)`.
    pub fn issue_certificate(&self, serial: &str, sub: &str, jwk: &PublicJwk, nbf: Timestamp, exp: Timestamp) -> Result<String> {
        PublicKey::from_jwk(jwk)?;
        let cert = Certificate {
            v: 1,
            serial: serial.to_owned(),
            sub: sub.to_owned(),
            iss: self.name.clone(),
            jwk: jwk.clone(),
            // As the certificate will say them, so that the check below is the reader's.
            nbf: nbf.whole_seconds(),
            exp: exp.whole_seconds(),
        };
        check_certificate_fields(&cert)?;
        jws::sign(&self.identity, CERT_TYP, &crate::json::to_vec(&cert))
    }

    /// Issues a revocation list of `revoked` serials, each with its reason, due for renewal
    /// at `next_update`.
    pub fn issue_revocation_list(&self, revoked: Vec<(String, RevocationReason)>, issued_at: Timestamp, next_update: Timestamp) -> Result<String> {
        let mut list = RevocationList {
            v: 1,
            iss: self.name.clone(),
            issued_at: issued_at.whole_seconds(),
            next_update: next_update.whole_seconds(),
            revoked: Vec::with_capacity(revoked.len()),
            reasons: Vec::new(),
        };
        // A loop, not iterator adapters: their instances cost the core's wasm ~1 KB.
        for (serial, reason) in revoked {
            if reason != RevocationReason::Unspecified {
                list.reasons.push((serial.clone(), reason));
            }
            list.revoked.push(serial);
        }
        check_revocation_list_fields(&list)?;
        jws::sign(&self.identity, REVOCATION_LIST_TYP, &crate::json::to_vec(&list))
    }
}

impl Authority {
    /// Signs a server's answer to a request, `{v: 1, serverTime, verdicts, nonce?}`: what a
    /// device acts on (a rejection takes a record out of the outbox, a stored report is not
    /// sent again, the time corrects its clock) must come from the authority it pinned and be
    /// the answer to its own request (the `nonce` it sent), not from whoever sits on the
    /// network. `verdicts` leaves out the receipts, which are signed themselves.
    pub fn sign_answer(&self, server_time: Timestamp, verdicts: serde_json::Value, nonce: Option<&str>) -> Result<String> {
        let mut answer = serde_json::json!({ "v": 1, "serverTime": server_time.to_string(), "verdicts": verdicts });
        if let Some(nonce) = nonce {
            answer["nonce"] = nonce.into();
        }
        jws::sign_unchecked(&self.identity, ANSWER_TYP, &crate::json::to_vec(&answer))
    }

    /// Signs a receipt for the record `id` with hash `hash`, received at `received_at`.
    /// Unlike records, receipts are not self-checked: the server signs them by the thousand,
    /// and a device checks each one before it keeps it (its hash in the signed answer, or its
    /// own signature).
    pub fn issue_receipt(&self, id: &str, hash: &str, received_at: Timestamp) -> Result<String> {
        let receipt = Receipt { v: 1, iss: self.name.clone(), id: id.to_owned(), hash: hash.to_owned(), received_at: received_at.to_string() };
        jws::sign_unchecked(&self.identity, RECEIPT_TYP, &crate::json::to_vec(&receipt))
    }

    /// Signs a receipt for the `kind` evidence of record `id`: `size` bytes whose SHA-256 is
    /// `sha256` (base64url), stored at `stored_at`.
    pub fn issue_evidence_receipt(&self, id: &str, kind: &str, sha256: &str, size: u64, stored_at: Timestamp) -> Result<String> {
        let receipt = EvidenceReceipt {
            v: 1,
            iss: self.name.clone(),
            id: id.to_owned(),
            kind: kind.to_owned(),
            sha256: sha256.to_owned(),
            size,
            stored_at: stored_at.to_string(),
        };
        jws::sign(&self.identity, EVIDENCE_RECEIPT_TYP, &crate::json::to_vec(&receipt))
    }

    /// Signs a certificate status (its `v` and `iss` are set here).
    pub fn issue_certificate_status(&self, status: CertificateStatus) -> Result<String> {
        let status = CertificateStatus { v: 1, iss: self.name.clone(), ..status };
        jws::sign(&self.identity, CERT_STATUS_TYP, &crate::json::to_vec(&status))
    }

    /// The authority's signing identity, for what other modules sign or derive with it (forms,
    /// evidence keys).
    pub(crate) fn identity(&self) -> &Identity {
        &self.identity
    }
}

/// Verifies a receipt JWS against the authority key: `bad_signature` when it is not the
/// authority's, `malformed_jws` when it does not parse.
pub fn verify_receipt(jws_text: &str, authority: &PublicKey) -> Result<Receipt> {
    read_receipt(jws_text, Some(authority))
}

/// Reads a receipt whose authority is already established otherwise (an answer the authority
/// signed names its hash): its type is checked, its signature is not.
pub(crate) fn read_vouched_receipt(jws_text: &str) -> Result<Receipt> {
    read_receipt(jws_text, None)
}

fn read_receipt(jws_text: &str, authority: Option<&PublicKey>) -> Result<Receipt> {
    read_signed(jws_text, RECEIPT_TYP, authority)
}

fn check_certificate_fields(cert: &Certificate) -> Result<()> {
    let bad = |why: &str| Err(Error::new(ErrorCode::MalformedCertificate, why.to_owned()));
    if cert.v != 1 {
        return bad("unknown certificate version");
    }
    if cert.serial.is_empty() || cert.serial.len() > 128 || cert.sub.is_empty() || cert.sub.len() > 256 {
        return bad("serial (1-128 bytes) or sub (1-256 bytes) out of range");
    }
    if cert.nbf >= cert.exp {
        return bad("nbf must be before exp");
    }
    Ok(())
}

fn check_revocation_list_fields(list: &RevocationList) -> Result<()> {
    let bad = |why: &str| Err(Error::new(ErrorCode::MalformedRevocationList, why.to_owned()));
    if list.v != 1 {
        return bad("unknown revocation list version");
    }
    if list.revoked.len() > MAX_REVOKED || list.reasons.len() > list.revoked.len() {
        return bad("too many revoked serials or reasons");
    }
    if list.issued_at > list.next_update {
        return bad("issuedAt must not be after nextUpdate");
    }
    Ok(())
}

/// Verifies a certificate JWS against the authority key: `cert_untrusted` when the signature
/// or type is wrong, `malformed_certificate` when it does not parse.
pub fn verify_certificate(jws_text: &str, authority: &PublicKey) -> Result<Certificate> {
    let parsed = Jws::parse(jws_text).map_err(|e| Error::new(ErrorCode::MalformedCertificate, e.message()))?;
    if parsed.header.typ.as_deref() != Some(CERT_TYP) {
        return Err(Error::new(ErrorCode::CertUntrusted, format!("typ is not {CERT_TYP}")));
    }
    parsed
        .verify(authority)
        .map_err(|_| Error::new(ErrorCode::CertUntrusted, "the certificate is not signed by the pinned authority"))?;
    let cert: Certificate = parsed.payload_json(ErrorCode::MalformedCertificate)?;
    check_certificate_fields(&cert)?;
    Ok(cert)
}

/// Reads a certificate without verifying it: for certificates that were verified when they
/// were stored (their serial and validity).
pub fn inspect_certificate(jws_text: &str) -> Result<Certificate> {
    let parsed = Jws::parse(jws_text).map_err(|e| Error::new(ErrorCode::MalformedCertificate, e.message()))?;
    parsed.payload_json(ErrorCode::MalformedCertificate)
}

/// Verifies a revocation list JWS against the authority key.
pub fn verify_revocation_list(jws_text: &str, authority: &PublicKey) -> Result<RevocationList> {
    let parsed = Jws::parse(jws_text).map_err(|e| Error::new(ErrorCode::MalformedRevocationList, e.message()))?;
    if parsed.header.typ.as_deref() != Some(REVOCATION_LIST_TYP) {
        return Err(Error::new(ErrorCode::RevocationListUntrusted, format!("typ is not {REVOCATION_LIST_TYP}")));
    }
    parsed.verify(authority).map_err(|_| {
        Error::new(ErrorCode::RevocationListUntrusted, "the revocation list is not signed by the pinned authority")
    })?;
    let list: RevocationList = parsed.payload_json(ErrorCode::MalformedRevocationList)?;
    check_revocation_list_fields(&list)?;
    Ok(list)
}

/// What the device holds to sign under: the pinned authority key, its certificate and the
/// latest revocation list.
#[derive(Clone, Debug)]
pub struct Credentials<'a> {
    /// The authority key pinned at enrollment.
    pub authority: &'a PublicKey,
    /// The worker's certificate (JWS).
    pub certificate: &'a str,
    /// The latest revocation list (JWS), if any.
    pub revocation_list: Option<&'a str>,
}

/// Tunables of the policy check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PolicyOptions {
    /// Warn `cert_expiring` when the certificate expires within this many milliseconds.
    pub expiring_within_ms: i64,
}

impl Default for PolicyOptions {
    fn default() -> Self {
        PolicyOptions { expiring_within_ms: 14 * DAY_MS }
    }
}

/// A passed policy check: the verified certificate, and warnings that did not stop signing.
#[derive(Clone, Debug)]
pub struct PolicyVerdict {
    /// The verified certificate.
    pub certificate: Certificate,
    /// `cert_expiring`, `revocation_list_stale`: sign, but tell the worker.
    pub warnings: Vec<Error>,
}

/// The offline policy check before a signature by the key `kid` at trusted time `now`.
///
/// Refuses with `cert_untrusted`, `cert_not_yet_valid`, `cert_expired`, `cert_revoked`,
/// `revocation_list_untrusted`; warns with `cert_expiring` and `revocation_list_stale`.
pub fn check_policy(credentials: &Credentials<'_>, kid: &str, now: Timestamp, options: PolicyOptions) -> Result<PolicyVerdict> {
    Verified::new(credentials).check(kid, now, options)
}

/// The part of the policy check that does not depend on the time: the authority's signatures
/// on the certificate and the revocation list. Errors are kept, in the order the check reports
/// them.
#[derive(Debug)]
struct Verified {
    /// The certificate and the key id of its key.
    certificate: Result<(Certificate, String)>,
    revocation_list: Option<Result<RevocationList>>,
}

impl Verified {
    fn new(credentials: &Credentials<'_>) -> Self {
        let certificate = verify_certificate(credentials.certificate, credentials.authority).and_then(|cert| {
            let kid = PublicKey::from_jwk(&cert.jwk)?.kid().to_owned();
            Ok((cert, kid))
        });
        let revocation_list = credentials.revocation_list.map(|list| verify_revocation_list(list, credentials.authority));
        Verified { certificate, revocation_list }
    }

    /// [`Verified::new`] of stored credentials, whose authority key is still a JWK: a key that
    /// does not decode is the check's first error.
    fn of_stored(credentials: &StoredCredentials) -> Self {
        match PublicKey::from_jwk(&credentials.authority) {
            Ok(authority) => Verified::new(&Credentials {
                authority: &authority,
                certificate: &credentials.certificate,
                revocation_list: credentials.revocation_list.as_deref(),
            }),
            Err(e) => Verified { certificate: Err(e), revocation_list: None },
        }
    }

    fn check(&self, kid: &str, now: Timestamp, options: PolicyOptions) -> Result<PolicyVerdict> {
        let (cert, cert_kid) = self.certificate.as_ref().map_err(Error::clone)?;
        if cert_kid != kid {
            return Err(Error::new(ErrorCode::CertUntrusted, "the certificate is for another key"));
        }
        let (nbf, exp) = (cert.nbf, cert.exp);
        if now < nbf {
            return Err(Error::new(ErrorCode::CertNotYetValid, format!("the certificate is valid from {nbf}, now is {now}")).with_remedy(
                Words::new(&CERT_VALID_FROM, vec![nbf.arg()]),
                format!("Your certificate is valid from {}. Check that your device's date and time are correct.", nbf.human_date()),
            ));
        }
        if now >= exp {
            return Err(Error::new(ErrorCode::CertExpired, format!("the certificate expired at {exp}")).with_remedy(
                Words::new(&CERT_EXPIRED_ON, vec![exp.arg()]),
                format!(
                    "Your certificate expired on {}. Ask your office for a new enrollment code and choose Enroll again: records you signed before are still sent.",
                    exp.human_date()
                ),
            ));
        }
        let mut warnings = Vec::new();
        match &self.revocation_list {
            None => warnings.push(Error::new(ErrorCode::RevocationListStale, "there is no revocation list")),
            Some(list) => {
                let list = list.as_ref().map_err(Error::clone)?;
                if let Some(reason) = list.reason(&cert.serial) {
                    let code = if reason.keeps_earlier_records() { ErrorCode::CertRevoked } else { ErrorCode::KeyCompromised };
                    return Err(Error::new(code, format!("certificate {} is revoked ({})", cert.serial, reason.as_str())));
                }
                let next = list.next_update;
                if now >= next {
                    warnings.push(Error::new(ErrorCode::RevocationListStale, format!("the list was due for update at {next}")));
                }
            }
        }
        if exp.millis() - now.millis() <= options.expiring_within_ms {
            warnings.push(Error::new(ErrorCode::CertExpiring, format!("the certificate expires at {exp}")).with_remedy(
                Words::new(&CERT_EXPIRES_ON, vec![exp.arg()]),
                format!("Your certificate expires on {}. Connect to the internet and open the app so that it is renewed.", exp.human_date()),
            ));
        }
        Ok(PolicyVerdict { certificate: cert.clone(), warnings })
    }
}

/// The credentials an identity signs under (see [`Credentials`]), as stored and as passed in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredCredentials {
    /// The authority key pinned at enrollment.
    pub authority: PublicJwk,
    /// The worker's certificate (JWS).
    pub certificate: String,
    /// The latest revocation list (JWS).
    pub revocation_list: Option<String>,
    /// The server's evidence key, as the authority signed it (`offsign-evidence-key+jws`):
    /// what the device seals documents and images to. Fetched at enrollment, or at the first
    /// sync of a device enrolled before servers had one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence_key: Option<String>,
}

impl FromJson for StoredCredentials {
    fn from_json(value: Value) -> Result<Self, String> {
        let mut m = Members::of(value, "credentials")?;
        Ok(StoredCredentials {
            authority: m.required("authority")?,
            certificate: m.required("certificate")?,
            revocation_list: m.optional("revocationList")?,
            evidence_key: m.optional("evidenceKey")?,
        })
    }
}
deserialize_from_json!(Certificate, RevocationList, Receipt, StoredCredentials);

impl StoredCredentials {
    /// [`check_policy`] of these credentials (a malformed authority JWK is `malformed_jwk`).
    pub fn check_policy(&self, kid: &str, now: Timestamp, options: PolicyOptions) -> Result<PolicyVerdict> {
        Verified::of_stored(self).check(kid, now, options)
    }
}

/// [`check_policy`] for a signer that checks the same credentials before every signature: the
/// authority's signatures are verified once per distinct credentials, and every later check
/// only compares times. Holds the last credentials checked.
#[derive(Debug, Default)]
pub(crate) struct PolicyCache(RefCell<Option<(StoredCredentials, Verified)>>);

impl PolicyCache {
    /// The policy check of `credentials` for the key `kid` at trusted time `now`.
    pub(crate) fn check(&self, credentials: &StoredCredentials, kid: &str, now: Timestamp, options: PolicyOptions) -> Result<PolicyVerdict> {
        let mut last = self.0.borrow_mut();
        if last.as_ref().is_none_or(|(seen, _)| seen != credentials) {
            *last = Some((credentials.clone(), Verified::of_stored(credentials)));
        }
        last.as_ref().expect("filled above").1.check(kid, now, options)
    }
}

/// A date as a worker reads it: `3 Nov 2026` (UTC).

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Timestamp {
        Timestamp::parse_rfc3339(s).unwrap()
    }

    struct World {
        authority: Authority,
        worker: Identity,
        cert: String,
    }

    fn world() -> World {
        let authority = Authority::new(Identity::generate().unwrap(), "Test Authority");
        let worker = Identity::generate().unwrap();
        let jwk = worker.public_key().to_jwk();
        let cert = authority
            .issue_certificate("s-1", "worker-7", &jwk, t("2026-01-01T00:00:00Z"), t("2026-12-01T00:00:00Z"))
            .unwrap();
        World { authority, worker, cert }
    }

    fn fresh_list(a: &Authority, revoked: &[&str]) -> String {
        let revoked = revoked.iter().map(|s| (s.to_string(), RevocationReason::Superseded)).collect();
        a.issue_revocation_list(revoked, t("2026-11-01T00:00:00Z"), t("2026-11-30T00:00:00Z")).unwrap()
    }

    fn check(w: &World, list: Option<&str>, now: &str) -> Result<PolicyVerdict> {
        let creds = Credentials { authority: w.authority.public_key(), certificate: &w.cert, revocation_list: list };
        check_policy(&creds, w.worker.kid(), t(now), PolicyOptions::default())
    }

    fn warning_codes(v: &PolicyVerdict) -> Vec<ErrorCode> {
        v.warnings.iter().map(Error::code).collect()
    }

    #[test]
    fn the_policy_cache_verifies_once_but_compares_times_and_sees_new_credentials_every_time() {
        let w = world();
        let stored = |list: String| StoredCredentials {
            authority: w.authority.public_key().to_jwk(),
            certificate: w.cert.clone(),
            revocation_list: Some(list),
            evidence_key: None,
        };
        let cache = PolicyCache::default();
        let code = |credentials: &StoredCredentials, kid: &str, now: &str| {
            cache.check(credentials, kid, t(now), PolicyOptions::default()).err().map(|e| e.code())
        };
        let fresh = stored(fresh_list(&w.authority, &[]));
        assert_eq!(code(&fresh, w.worker.kid(), "2026-11-10T00:00:00Z"), None);
        assert_eq!(code(&fresh, w.worker.kid(), "2026-12-01T00:00:00Z"), Some(ErrorCode::CertExpired));
        assert_eq!(code(&fresh, "another-kid", "2026-11-10T00:00:00Z"), Some(ErrorCode::CertUntrusted));
        let revoked = stored(fresh_list(&w.authority, &["s-1"]));
        assert_eq!(code(&revoked, w.worker.kid(), "2026-11-10T00:00:00Z"), Some(ErrorCode::CertRevoked));
        let stranger = Authority::new(Identity::generate().unwrap(), "Test Authority");
        let forged = stored(fresh_list(&stranger, &[]));
        assert_eq!(code(&forged, w.worker.kid(), "2026-11-10T00:00:00Z"), Some(ErrorCode::RevocationListUntrusted));
        assert_eq!(code(&fresh, w.worker.kid(), "2026-11-10T00:00:00Z"), None);
    }

    #[test]
    fn a_revocations_reason_decides_between_cert_revoked_and_key_compromised() {
        let w = world();
        let list = |reasons: &[(&str, RevocationReason)]| {
            let revoked = reasons.iter().map(|(serial, reason)| (serial.to_string(), *reason)).collect();
            w.authority.issue_revocation_list(revoked, t("2026-11-01T00:00:00Z"), t("2026-11-30T00:00:00Z")).unwrap()
        };
        let at = |list: &str| check(&w, Some(list), "2026-11-10T00:00:00Z").map(|_| ()).map_err(|e| e.code());
        for reason in RevocationReason::ALL {
            let expected = if reason.keeps_earlier_records() { ErrorCode::CertRevoked } else { ErrorCode::KeyCompromised };
            assert_eq!(at(&list(&[("s-0", RevocationReason::KeyCompromise), ("s-1", reason)])), Err(expected), "{reason:?}");
            let read = verify_revocation_list(&list(&[("s-1", reason)]), w.authority.public_key()).unwrap();
            assert_eq!(read.reason("s-1"), Some(reason));
            assert_eq!(read.reason("s-2"), None);
        }
        assert_eq!(at(&list(&[("s-0", RevocationReason::KeyCompromise)])), Ok(()), "another serial's reason is not this one's");
        // `unspecified` is left out of the JSON (a list without reasons is what servers before
        // reasons signed); other reasons are named by their RFC 5280 names.
        let mixed = list(&[("s-1", RevocationReason::Unspecified), ("s-2", RevocationReason::CessationOfOperation)]);
        let payload: Value = serde_json::from_slice(&Jws::parse(&mixed).unwrap().payload).unwrap();
        assert_eq!(payload["reasons"], serde_json::json!({ "s-2": "cessationOfOperation" }));
        assert_eq!(payload["revoked"], serde_json::json!(["s-1", "s-2"]));
        let none = list(&[("s-1", RevocationReason::Unspecified)]);
        let payload: Value = serde_json::from_slice(&Jws::parse(&none).unwrap().payload).unwrap();
        assert!(payload.get("reasons").is_none(), "{payload}");
        // A reason that is not RFC 5280's is refused, as any unknown member is.
        let forged = serde_json::json!({"v": 1, "iss": "Test Authority", "issuedAt": 0, "nextUpdate": 1, "revoked": ["s-1"], "reasons": {"s-1": "oops"}});
        let forged = jws::sign(&w.authority.identity, REVOCATION_LIST_TYP, forged.to_string().as_bytes()).unwrap();
        let refused = verify_revocation_list(&forged, w.authority.public_key()).unwrap_err();
        assert_eq!(refused.code(), ErrorCode::MalformedRevocationList);
        assert!(refused.message().contains("unknown revocation reason oops"), "{}", refused.message());
    }

    #[test]
    fn receipts_verify_only_against_their_authority() {
        let w = world();
        let at = t("2026-11-25T08:00:00Z");
        let receipt = w.authority.issue_receipt("rec-1", "aGFzaA", at).unwrap();
        let read = verify_receipt(&receipt, w.authority.public_key()).unwrap();
        assert_eq!((read.id.as_str(), read.hash.as_str(), read.received_at.as_str()), ("rec-1", "aGFzaA", "2026-11-25T08:00:00.000Z"));
        let other = Authority::new(Identity::generate().unwrap(), "Other");
        assert_eq!(verify_receipt(&receipt, other.public_key()).unwrap_err().code(), ErrorCode::BadSignature);
        assert_eq!(verify_receipt(&w.cert, w.authority.public_key()).unwrap_err().code(), ErrorCode::MalformedJws, "a certificate is no receipt");
    }

    #[test]
    fn the_policy_matrix() {
        let w = world();
        let list = fresh_list(&w.authority, &["s-0"]);
        let ok = check(&w, Some(&list), "2026-11-10T00:00:00Z").unwrap();
        assert!(ok.warnings.is_empty());
        assert_eq!(ok.certificate.sub, "worker-7");

        let code = |r: Result<PolicyVerdict>| r.unwrap_err().code();
        // nbf is inclusive, exp exclusive: exactly at the boundaries.
        assert!(check(&w, Some(&list), "2026-01-01T00:00:00.000Z").is_ok());
        assert_eq!(code(check(&w, Some(&list), "2025-12-31T23:59:59.999Z")), ErrorCode::CertNotYetValid);
        assert!(check(&w, Some(&list), "2026-11-30T23:59:59.999Z").is_ok());
        let expired = check(&w, Some(&list), "2026-12-01T00:00:00.000Z").unwrap_err();
        assert_eq!(expired.code(), ErrorCode::CertExpired);
        assert_eq!(
            expired.remedy(),
            "Your certificate expired on 1 Dec 2026. Ask your office for a new enrollment code and choose Enroll again: records you signed before are still sent."
        );

        // Within 14 days of exp: warns, and also stale once the list is past nextUpdate.
        let soon = check(&w, Some(&list), "2026-11-17T00:00:00Z").unwrap();
        assert_eq!(warning_codes(&soon), [ErrorCode::CertExpiring]);
        assert!(soon.warnings[0].remedy().contains("1 Dec 2026"));
        let not_yet = check(&w, Some(&list), "2026-11-16T23:59:59.999Z").unwrap();
        assert!(not_yet.warnings.is_empty(), "exactly 14 days + 1 ms before exp does not warn");
        let stale = check(&w, Some(&list), "2026-11-30T00:00:00Z").unwrap();
        assert_eq!(warning_codes(&stale), [ErrorCode::RevocationListStale, ErrorCode::CertExpiring]);
        let none = check(&w, None, "2026-11-10T00:00:00Z").unwrap();
        assert_eq!(warning_codes(&none), [ErrorCode::RevocationListStale]);

        let revoked = fresh_list(&w.authority, &["s-0", "s-1"]);
        assert_eq!(code(check(&w, Some(&revoked), "2026-11-10T00:00:00Z")), ErrorCode::CertRevoked);
    }

    #[test]
    fn wrong_signers_and_types_are_untrusted() {
        let w = world();
        let impostor = Authority::new(Identity::generate().unwrap(), "Test Authority");
        let forged_list = fresh_list(&impostor, &[]);
        let code = |r: Result<PolicyVerdict>| r.unwrap_err().code();
        assert_eq!(code(check(&w, Some(&forged_list), "2026-11-10T00:00:00Z")), ErrorCode::RevocationListUntrusted);

        let forged_cert = impostor
            .issue_certificate("s-1", "worker-7", &w.worker.public_key().to_jwk(), t("2026-01-01T00:00:00Z"), t("2027-01-01T00:00:00Z"))
            .unwrap();
        let forged = World { cert: forged_cert, ..w };
        assert_eq!(code(check(&forged, None, "2026-11-10T00:00:00Z")), ErrorCode::CertUntrusted);

        let w = world();
        let someone_else = Identity::generate().unwrap();
        let wrong_key = World { worker: someone_else, ..w };
        assert_eq!(code(check(&wrong_key, None, "2026-11-10T00:00:00Z")), ErrorCode::CertUntrusted);

        let w = world();
        let list = fresh_list(&w.authority, &[]);
        let list_as_cert = World { cert: list.clone(), ..w };
        assert_eq!(code(check(&list_as_cert, None, "2026-11-10T00:00:00Z")), ErrorCode::CertUntrusted);
        let w = world();
        let cert = w.cert.clone();
        assert_eq!(code(check(&w, Some(&cert), "2026-11-10T00:00:00Z")), ErrorCode::RevocationListUntrusted);
        assert_eq!(code(check(&World { cert: "x.y.z".into(), ..w }, None, "2026-11-10T00:00:00Z")), ErrorCode::MalformedCertificate);
    }

    #[test]
    fn issuing_refuses_nonsense() {
        let w = world();
        let jwk = w.worker.public_key().to_jwk();
        let a = &w.authority;
        let when = t("2026-01-01T00:00:00Z");
        assert_eq!(a.issue_certificate("", "w", &jwk, when, when.plus_millis(1000)).unwrap_err().code(), ErrorCode::MalformedCertificate);
        assert_eq!(a.issue_certificate("s", "w", &jwk, when, when).unwrap_err().code(), ErrorCode::MalformedCertificate);
        let bad_jwk = PublicJwk { x: "AA".into(), ..jwk };
        assert_eq!(a.issue_certificate("s", "w", &bad_jwk, when, when.plus_millis(1000)).unwrap_err().code(), ErrorCode::MalformedJwk);
        assert_eq!(
            a.issue_revocation_list(vec![], when.plus_millis(1000), when).unwrap_err().code(),
            ErrorCode::MalformedRevocationList
        );
    }

    #[test]
    fn human_dates() {
        assert_eq!(t("2026-11-03T23:00:00Z").human_date(), "3 Nov 2026");
        assert_eq!(t("2027-01-31T00:00:00Z").human_date(), "31 Jan 2027");
    }

    #[test]
    fn times_outside_years_0000_to_9999_are_malformed_not_wrapped() {
        // Signed by the pinned authority, so only the times can be wrong: a NumericDate that
        // does not fit a four-digit year (or overflows milliseconds) is refused when read.
        let w = world();
        let jwk = serde_json::to_value(w.worker.public_key().to_jwk()).unwrap();
        for (nbf, exp) in [(0, i64::MAX), (i64::MIN, 0), (0, 253_402_300_800), (-62_167_219_201, 0)] {
            let claims = serde_json::json!({"v": 1, "serial": "s-9", "sub": "w", "iss": "Test Authority", "jwk": jwk, "nbf": nbf, "exp": exp});
            let cert = jws::sign(&w.authority.identity, CERT_TYP, claims.to_string().as_bytes()).unwrap();
            let e = verify_certificate(&cert, w.authority.public_key()).unwrap_err();
            assert_eq!(e.code(), ErrorCode::MalformedCertificate, "nbf {nbf}, exp {exp}");
        }
        let list = serde_json::json!({"v": 1, "iss": "Test Authority", "issuedAt": 0, "nextUpdate": 253_402_300_800_i64, "revoked": []});
        let list = jws::sign(&w.authority.identity, REVOCATION_LIST_TYP, list.to_string().as_bytes()).unwrap();
        let e = verify_revocation_list(&list, w.authority.public_key()).unwrap_err();
        assert_eq!(e.code(), ErrorCode::MalformedRevocationList);
        // The last second of 9999 is a time like any other, and reads back as seconds.
        let last = Timestamp::from_seconds(253_402_300_799).unwrap();
        let cert = w.authority.issue_certificate("s-9", "w", &w.worker.public_key().to_jwk(), t("2026-01-01T00:00:00Z"), last).unwrap();
        let read = verify_certificate(&cert, w.authority.public_key()).unwrap();
        assert_eq!((read.nbf, read.exp), (t("2026-01-01T00:00:00Z"), last));
        assert_eq!(serde_json::to_value(&read).unwrap()["exp"], 253_402_300_799_i64, "NumericDate seconds in JSON");
    }

    #[test]
    fn what_is_issued_is_checked_as_its_reader_will_see_it() {
        // Validity inside one second is empty in whole seconds: refused at issue, not later.
        let w = world();
        let jwk = w.worker.public_key().to_jwk();
        let e = w.authority.issue_certificate("s-2", "w", &jwk, t("2026-01-01T00:00:00.100Z"), t("2026-01-01T00:00:00.900Z")).unwrap_err();
        assert_eq!(e.code(), ErrorCode::MalformedCertificate);
        let cert = w.authority.issue_certificate("s-2", "w", &jwk, t("2026-01-01T00:00:00.900Z"), t("2026-01-01T00:00:01.100Z")).unwrap();
        let read = verify_certificate(&cert, w.authority.public_key()).unwrap();
        assert_eq!((read.nbf, read.exp), (t("2026-01-01T00:00:00Z"), t("2026-01-01T00:00:01Z")));
    }
}
