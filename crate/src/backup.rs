//! Backups: everything a device holds (identities with their still-sealed keys, credentials,
//! records, failure reports) in one file, sealed under a passphrase with the vault's scheme.
//! Opening a backup checks every record's signature and chain before anything is written.

use crate::error::{Error, ErrorCode, Result};
use crate::keys::PublicKey;
use crate::record::verify_record;
use crate::encoding::b64url_decode;
use crate::evidence_size::{EVIDENCE_HEADER_LEN, EVIDENCE_PIECE};
use crate::rows::{EvidenceRow, EvidenceState, IdentityRow, RecordRow, ReportRow};
use crate::vault::{open_bytes, seal_bytes, KdfParams, KdfSpec, AEAD};
use crate::json::{deserialize_from_json, FromJson, Members};
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;

/// The `format` member of a backup file.
const FORMAT: &str = "offsign-backup";
/// What the sealing binds the contents to.
const CONTEXT: &[u8] = b"offsign-backup-v1";
/// The largest backup file accepted: 256 MiB.
pub const MAX_BACKUP_BYTES: usize = 256 << 20;
/// The most sealed evidence bytes one backup carries: 96 MiB, which base64 twice over (in the
/// contents, then in the file) keeps within [`MAX_BACKUP_BYTES`].
pub const MAX_EVIDENCE_IN_BACKUP: u64 = 96 << 20;

/// The outer, unencrypted part of a backup file (JSON).
#[derive(Serialize)]
struct BackupFile {
    format: String,
    v: u32,
    kdf: KdfSpec,
    aead: String,
    nonce: String,
    ciphertext: String,
}

/// What a backup holds.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BackupContents {
    /// Format version of the contents, 1.
    pub v: u32,
    /// When the backup was made.
    pub created_at: String,
    /// Identities, keys still sealed under their PINs.
    pub identities: Vec<IdentityRow>,
    /// Records, every state.
    pub records: Vec<RecordRow>,
    /// Failure reports.
    pub reports: Vec<ReportRow>,
    /// Documents and signature images waiting to be sent, still sealed, oldest first, up to
    /// [`MAX_EVIDENCE_IN_BACKUP`] sealed bytes (those the server stores are safe there, and
    /// those it refused stay on the device; both are left out, as is what is past the limit).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<EvidenceCopy>,
}

/// A document or signature image in a backup: its row and its sealed pieces (base64url), as
/// the device keeps them.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EvidenceCopy {
    /// The evidence row.
    pub row: EvidenceRow,
    /// The sealed pieces, in order.
    pub pieces: Vec<String>,
}

impl FromJson for EvidenceCopy {
    fn from_json(value: Value) -> std::result::Result<Self, String> {
        let mut m = Members::of(value, "a piece of evidence")?;
        let copy = EvidenceCopy { row: m.required("row")?, pieces: m.required("pieces")? };
        m.deny_unknown().map(|()| copy)
    }
}

/// No other members, in the file or its contents.
impl FromJson for BackupFile {
    fn from_json(value: Value) -> std::result::Result<Self, String> {
        let mut m = Members::of(value, "a backup file")?;
        let file = BackupFile {
            format: m.required("format")?,
            v: m.required("v")?,
            kdf: m.required("kdf")?,
            aead: m.required("aead")?,
            nonce: m.required("nonce")?,
            ciphertext: m.required("ciphertext")?,
        };
        m.deny_unknown().map(|()| file)
    }
}

impl FromJson for BackupContents {
    fn from_json(value: Value) -> std::result::Result<Self, String> {
        let mut m = Members::of(value, "the backup contents")?;
        let contents = BackupContents {
            v: m.required("v")?,
            created_at: m.required("createdAt")?,
            identities: m.required("identities")?,
            records: m.required("records")?,
            reports: m.required("reports")?,
            evidence: m.optional("evidence")?.unwrap_or_default(),
        };
        m.deny_unknown().map(|()| contents)
    }
}
deserialize_from_json!(BackupContents, EvidenceCopy);

/// What an import changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportSummary {
    /// Identities that were not on the device.
    pub identities_added: u32,
    /// Records that were not on the device.
    pub records_added: u32,
    /// Records already on the device (same id and hash).
    pub records_skipped: u32,
    /// Reports that were not on the device.
    pub reports_added: u32,
    /// Documents and signature images that were not on the device.
    pub evidence_added: u32,
}

/// Seals `contents` under `passphrase` into the bytes of a backup file.
pub fn seal_backup(contents: &BackupContents, passphrase: &str, params: KdfParams) -> Result<Vec<u8>> {
    let plaintext = zeroize::Zeroizing::new(crate::json::to_vec(contents));
    let (kdf, nonce, ciphertext) = seal_bytes(&plaintext, passphrase, params, CONTEXT).map_err(|e| {
        if e.code() == ErrorCode::MalformedInput { Error::new(ErrorCode::MalformedInput, "a backup passphrase has 1 to 1024 bytes") } else { e }
    })?;
    let file = BackupFile { format: FORMAT.into(), v: 1, kdf, aead: AEAD.into(), nonce, ciphertext };
    Ok(crate::json::to_vec(&file))
}

/// Opens a backup file and checks it: `wrong_passphrase`, or `malformed_backup` for a damaged,
/// truncated or foreign file, or one whose records do not verify.
pub fn open_backup(bytes: &[u8], passphrase: &str) -> Result<BackupContents> {
    open_backup_reporting(bytes, passphrase, &mut |_, _| {})
}

/// How many records [`check_contents`] verifies between two progress reports.
const PROGRESS_STEP: usize = 500;

/// [`open_backup`], telling `progress(verified, total)` how far the check of the file's records
/// got: every [`PROGRESS_STEP`] records, and once at the end.
pub fn open_backup_reporting(bytes: &[u8], passphrase: &str, progress: &mut dyn FnMut(usize, usize)) -> Result<BackupContents> {
    let malformed = |why: String| Error::new(ErrorCode::MalformedBackup, why);
    if bytes.len() > MAX_BACKUP_BYTES {
        return Err(malformed(format!("a backup is at most {MAX_BACKUP_BYTES} bytes")));
    }
    let file: BackupFile = crate::json::parse(bytes).map_err(|e| malformed(format!("not a backup file (damaged or truncated?): {e}")))?;
    if file.format != FORMAT || file.v != 1 || file.aead != AEAD {
        return Err(malformed("not an offsign backup of a known version".into()));
    }
    let plaintext = open_bytes(&file.kdf, &file.nonce, &file.ciphertext, passphrase, CONTEXT, ErrorCode::MalformedBackup, ErrorCode::WrongPassphrase)?;
    let contents: BackupContents = crate::json::parse(&plaintext).map_err(|e| malformed(format!("the contents do not fit: {e}")))?;
    check_contents(&contents, progress)?;
    Ok(contents)
}

impl BackupContents {
    /// Whether the file's own records prove identity `incoming`'s chain head: one of them,
    /// verified by [`open_backup`], is that head (same seq, hash and time). Only such a head
    /// may move an identity that is already on the device forward; a file that merely claims a
    /// later head (seq 5 signed in the year 9999, with no records) would stop that worker from
    /// ever signing again.
    pub fn proves_head(&self, incoming: &IdentityRow) -> bool {
        incoming.chain.as_ref().is_some_and(|head| {
            self.records.iter().any(|r| {
                r.kid == incoming.kid && r.seq == head.seq && r.hash == head.hash && r.signed_at == head.signed_at.to_string()
            })
        })
    }
}

/// Every record verifies against its identity's key, each identity's records chain without
/// broken links between records that are both present (accepted ones may have been deleted
/// after the retention time), each identity's chain head is at or after its last record and
/// within [`MAX_SEQ`](crate::record::MAX_SEQ), and each sealed key asks for no more Argon2id work than this device
/// would do itself.
pub(crate) fn check_contents(contents: &BackupContents, progress: &mut dyn FnMut(usize, usize)) -> Result<()> {
    let malformed = |why: String| Error::new(ErrorCode::MalformedBackup, why);
    if contents.v != 1 {
        return Err(malformed("unknown backup contents version".into()));
    }
    let mut keys = HashMap::new();
    for identity in &contents.identities {
        let key = PublicKey::from_jwk(&identity.public_jwk)?;
        if key.kid() != identity.kid || identity.sealed.kid != identity.kid {
            return Err(malformed(format!("identity {:.40} does not match its key", identity.label)));
        }
        let kdf = &identity.sealed.kdf;
        if kdf.alg != "argon2id" || !kdf.params.within(KdfParams { m: 8, t: 1, p: 1 }, KdfParams::MAX) {
            return Err(malformed(format!("the key of {:.40} asks for more Argon2id work than this device allows", identity.label)));
        }
        if let Some(head) = &identity.chain {
            if head.seq == 0 || head.seq > crate::record::MAX_SEQ {
                return Err(malformed(format!("the chain head of {:.40} is out of range", identity.label)));
            }
        }
        keys.insert(identity.kid.as_str(), key);
    }
    let mut by_identity: HashMap<&str, Vec<&RecordRow>> = HashMap::new();
    for record in &contents.records {
        by_identity.entry(record.kid.as_str()).or_default().push(record);
    }
    let total = contents.records.len();
    let mut verified = 0;
    for (kid, mut records) in by_identity {
        let key = keys.get(kid).ok_or_else(|| malformed(format!("records of an identity not in the backup: {kid:.20}")))?;
        records.sort_by_key(|r| r.seq);
        let mut prev: Option<&RecordRow> = None;
        for record in &records {
            // Accepted records may have been deleted after the retention time: a link is
            // checked wherever both of its records are here.
            let linked = prev.filter(|p| p.seq + 1 == record.seq);
            let payload = verify_record(&record.jws, key, linked.map(|p| p.jws.as_str()))
                .map_err(|e| malformed(format!("record {} of {kid:.20} does not verify: {}", record.seq, e.code())))?;
            let hash = crate::record::record_hash(&record.jws);
            if payload.id != record.id || payload.seq != record.seq || payload.signed_at.to_string() != record.signed_at || hash != record.hash {
                return Err(malformed(format!("record {} of {kid:.20} does not match its JWS", record.seq)));
            }
            prev = Some(record);
            verified += 1;
            if verified % PROGRESS_STEP == 0 {
                progress(verified, total);
            }
        }
        let head = contents.identities.iter().find(|i| i.kid == kid).and_then(|i| i.chain.as_ref());
        let consistent = match (head, prev) {
            (Some(h), Some(last)) => h.seq > last.seq || (h.seq == last.seq && h.hash == last.hash),
            (None, Some(_)) => false,
            (_, None) => true,
        };
        if !consistent {
            return Err(malformed(format!("the chain head of {kid:.20} is not at or after its last record")));
        }
    }
    let mut staged = std::collections::HashSet::new();
    let mut carried: u64 = 0;
    for copy in &contents.evidence {
        check_evidence(copy, &contents.records)?;
        carried = carried.saturating_add(copy.row.sealed_len());
        if !staged.insert(copy.row.staged.as_str()) || carried > MAX_EVIDENCE_IN_BACKUP {
            return Err(malformed("the backup's evidence repeats itself or is larger than a backup carries".into()));
        }
    }
    progress(total, total);
    Ok(())
}

/// A backup's piece of evidence belongs to one of its records (same id, signer and position),
/// is pending, names the digest that record signed for its kind, and has the header and pieces
/// its length calls for: nothing else is imported.
fn check_evidence(copy: &EvidenceCopy, records: &[RecordRow]) -> Result<()> {
    let row = &copy.row;
    let malformed = |why: &str| Error::new(ErrorCode::MalformedBackup, format!("the {:.20} of record {:.40} {why}", row.kind, row.record_id));
    let record = records
        .iter()
        .find(|r| r.id == row.record_id && r.kid == row.kid && r.seq == row.seq)
        .ok_or_else(|| malformed("belongs to no record of the backup"))?;
    let (_, payload) = crate::record::inspect_record(&record.jws)?;
    let signed = match row.kind.as_str() {
        "document" => Some(payload.doc.sha256.as_str()),
        "signature-image" => payload.claims.get("signatureImage").and_then(|i| i.get("sha256")).and_then(Value::as_str),
        _ => None,
    };
    if signed != Some(row.sha256.as_str()) || row.key != format!("{}/{}", row.record_id, row.kind) {
        return Err(malformed("is not what its record signed"));
    }
    let pending = row.state == EvidenceState::Pending && row.pending.as_deref() == Some(record.signed_at.as_str()) && row.signed_at == record.signed_at;
    if !pending || row.plain_len > MAX_EVIDENCE_IN_BACKUP || row.header_bytes().is_none() {
        return Err(malformed("is not sealed evidence waiting to be sent"));
    }
    if (row.kind == "signature-image" && row.media_type != "image/png") || row.staged.is_empty() || row.staged.len() > 64 {
        return Err(malformed("is not described as the device describes it"));
    }
    let body = row.sealed_len() - EVIDENCE_HEADER_LEN as u64;
    let sizes: Option<Vec<usize>> = copy.pieces.iter().map(|p| b64url_decode(p).map(|bytes| bytes.len())).collect();
    let whole = sizes.is_some_and(|sizes| {
        sizes.len() == row.pieces() as usize
            && sizes.iter().rev().skip(1).all(|&size| size == EVIDENCE_PIECE)
            && sizes.iter().map(|&size| size as u64).sum::<u64>() == body
    });
    if !whole {
        return Err(malformed("does not have the sealed bytes its length calls for"));
    }
    Ok(())
}
