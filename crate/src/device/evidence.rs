//! The device's evidence: a document's bytes and a handwritten signature's image, sealed while
//! they are read (before the record exists), kept beside the record, and read back by the
//! worker who signed them. The sync engine uploads them (`sync/engine/uploads.rs`).
//!
//! Sealing runs as the document is hashed: [`Device::stage_evidence`] starts a piece,
//! [`Device::feed_evidence`] hashes and seals what is read, a chunk at a time, and stores it
//! in pieces of [`EVIDENCE_PIECE`] bytes (each its own durable write, so a 200 MB scan is never
//! whole in memory), and [`Device::finish_evidence`] seals the last chunk and gives the digest
//! to sign. The header, which binds the sealed bytes to the record, is made when the record is
//! signed, in the same transaction ([`evidence_rows`]). Pieces whose signature never committed
//! are claimed by no row and are deleted at a later sync.

use crate::cert::StoredCredentials;
use super::Device;
use crate::encoding::b64url;
use crate::error::{Error, ErrorCode, Result};
use crate::words::{Words, FILE_CHANGED, UNLOCK_THEN_BUNDLE};
use crate::evidence::{verify_evidence_key, EvidenceKey, EvidenceKind, EvidenceOpener, EvidenceSealer};
use crate::evidence_size::{EVIDENCE_CHUNK, EVIDENCE_PIECE, EVIDENCE_TAG};
use crate::keys::{Identity, PublicKey};
use crate::record::SignedRecord;
use crate::rows::{EvidenceRow, EvidenceState};
use crate::store::Store;
use crate::time::Clock;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// A piece of evidence being sealed as it is read: what is sealed so far waits in memory until
/// a piece is full, then goes to the store.
pub struct StagedEvidence {
    kind: EvidenceKind,
    media_type: String,
    staged: String,
    sealer: EvidenceSealer,
    hasher: Sha256,
    plain_len: u64,
    /// Plain bytes fed so far.
    fed: u64,
    /// Plain bytes fed but not sealed yet (less than a chunk, or the last chunk).
    chunk: Zeroizing<Vec<u8>>,
    /// Sealed bytes not stored yet (less than a piece).
    piece: Vec<u8>,
    /// The index of the next piece to store.
    index: u32,
    /// The digest of the whole, once finished.
    sha256: Option<[u8; 32]>,
}

impl std::fmt::Debug for StagedEvidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StagedEvidence").field("kind", &self.kind).field("staged", &self.staged).field("plain_len", &self.plain_len).finish_non_exhaustive()
    }
}

impl StagedEvidence {
    /// The kind of evidence.
    pub fn kind(&self) -> EvidenceKind {
        self.kind
    }
}

/// A new id to stage evidence under: the time (as [`crate::random::uuid_v7_prefix`], which the
/// sweep of unclaimed pieces compares) and 64 random bits.
fn staged_id(now: crate::time::Timestamp) -> Result<String> {
    let mut random = [0u8; 8];
    crate::random::fill(&mut random)?;
    Ok(format!("{}-{}", crate::random::uuid_v7_prefix(now), crate::encoding::hex(&random)))
}

/// `malformed_input`: the bytes read are not as many as the document said it has.
fn changed_while_read() -> Error {
    Error::new(ErrorCode::MalformedInput, "doc: the file changed while it was read").with_remedy(Words::plain(&FILE_CHANGED), "Pick the file again, and sign it once it is saved whole.")
}

impl<S: Store, C: Clock> Device<S, C> {
    /// Starts sealing `plain_len` bytes of evidence of `kind` (`media_type` is how the worker
    /// will see it again).
    pub fn stage_evidence(&self, kind: EvidenceKind, media_type: &str, plain_len: u64) -> Result<StagedEvidence> {
        Ok(StagedEvidence {
            kind,
            media_type: media_type.chars().take(200).collect(),
            staged: staged_id(self.clock.now()?)?,
            sealer: EvidenceSealer::new()?,
            hasher: Sha256::new(),
            plain_len,
            fed: 0,
            chunk: Zeroizing::new(Vec::with_capacity(EVIDENCE_CHUNK)),
            piece: Vec::new(),
            index: 0,
            sha256: None,
        })
    }

    /// Hashes and seals the next `bytes` of `staged`, storing each piece as it fills.
    pub async fn feed_evidence(&self, staged: &mut StagedEvidence, mut bytes: &[u8]) -> Result<()> {
        staged.fed += bytes.len() as u64;
        if staged.fed > staged.plain_len || staged.sha256.is_some() {
            return Err(changed_while_read());
        }
        staged.hasher.update(bytes);
        while !bytes.is_empty() {
            let take = (EVIDENCE_CHUNK - staged.chunk.len()).min(bytes.len());
            staged.chunk.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
            // A full chunk with more to come is sealed now; the last one waits for `finish`.
            let read_so_far = staged.fed - bytes.len() as u64;
            if staged.chunk.len() == EVIDENCE_CHUNK && read_so_far < staged.plain_len {
                let sealed = staged.sealer.seal_chunk(&staged.chunk, false)?;
                staged.chunk.clear();
                staged.piece.extend_from_slice(&sealed);
                if staged.piece.len() == EVIDENCE_PIECE {
                    let result = self.store.stage_evidence(&staged.staged, staged.index, &staged.piece).await;
                    self.reported("sign", self.unlocked().as_deref(), result).await?;
                    staged.piece.clear();
                    staged.index += 1;
                }
            }
        }
        Ok(())
    }

    /// Seals the last chunk of `staged`, stores what is left, and gives the SHA-256 of the
    /// plain bytes (what the record signs). `malformed_input` when fewer bytes came than said.
    pub async fn finish_evidence(&self, staged: &mut StagedEvidence) -> Result<[u8; 32]> {
        if staged.fed != staged.plain_len {
            return Err(changed_while_read());
        }
        if let Some(done) = staged.sha256 {
            return Ok(done);
        }
        let sealed = staged.sealer.seal_chunk(&staged.chunk, true)?;
        staged.chunk.clear();
        staged.piece.extend_from_slice(&sealed);
        let result = self.store.stage_evidence(&staged.staged, staged.index, &staged.piece).await;
        self.reported("sign", self.unlocked().as_deref(), result).await?;
        staged.piece = Vec::new();
        let digest: [u8; 32] = std::mem::take(&mut staged.hasher).finalize().into();
        staged.sha256 = Some(digest);
        Ok(digest)
    }

    /// Opens the evidence of `kind` of record `record_id` with the unlocked identity's key,
    /// handing its plain bytes to `sink` a chunk at a time; the row comes back for its media
    /// type. `identity_locked` unless the worker who signed it is unlocked; `evidence_not_found`
    /// when the device keeps none (never kept, or freed after the server stored it).
    pub async fn open_evidence(&self, record_id: &str, kind: EvidenceKind, sink: &mut dyn FnMut(Zeroizing<Vec<u8>>)) -> Result<EvidenceRow> {
        match self.try_open_evidence(record_id, kind, sink).await {
            // Asking for what the device does not keep (a record signed elsewhere) is no failure.
            Err(e) if e.code() == ErrorCode::EvidenceNotFound => Err(e),
            result => self.reported("open_evidence", self.unlocked().as_deref(), result).await,
        }
    }

    async fn try_open_evidence(&self, record_id: &str, kind: EvidenceKind, sink: &mut dyn FnMut(Zeroizing<Vec<u8>>)) -> Result<EvidenceRow> {
        let row = self.store.evidence(record_id).await?.into_iter().find(|row| row.kind == kind.as_str()).ok_or_else(|| {
            Error::new(ErrorCode::EvidenceNotFound, format!("this device keeps no {} of record {record_id:.40}", kind.as_str()))
        })?;
        if self.unlocked().as_deref() != Some(row.kid.as_str()) {
            return Err(Error::new(ErrorCode::IdentityLocked, "evidence opens with the key of the worker who signed it: unlock that identity first"));
        }
        let header = row.header_bytes().ok_or_else(|| damaged(&row))?;
        let now = self.clock.now()?;
        let mut opener = self.with_identity(now, |identity| EvidenceOpener::new(&header, &identity.evidence_secret(), record_id, kind))?;
        let pieces = row.pieces();
        for index in 0..pieces {
            let piece = self.store.evidence_piece(&row.staged, index).await?;
            let mut chunks = piece.chunks(EVIDENCE_CHUNK + EVIDENCE_TAG).peekable();
            while let Some(chunk) = chunks.next() {
                let last = index + 1 == pieces && chunks.peek().is_none();
                sink(opener.open_chunk(chunk, last).map_err(|_| damaged(&row))?);
            }
        }
        Ok(row)
    }
}

#[cfg(feature = "bundle-write")]
impl<S: Store, C: Clock> Device<S, C> {
    /// The evidence bundle of record `record_id` (see `crate::write_bundle`), made on the
    /// device with no network, for its unlocked worker: the record, the certificate it was
    /// signed under (when the device still has it), the revocation list the device holds, the
    /// server's receipt, the record before it, and the document and pad image opened from their
    /// sealed copies. No summary page (the server writes that) and no certificate status (an
    /// online answer). `record_not_found` when the unlocked worker's records do not hold it.
    pub async fn bundle(&self, record_id: &str) -> Result<Vec<u8>> {
        let result = self.try_bundle(record_id).await;
        self.reported("bundle", self.unlocked().as_deref(), result).await
    }

    async fn try_bundle(&self, record_id: &str) -> Result<Vec<u8>> {
        let kid = self.unlocked().ok_or_else(|| {
            Error::new(ErrorCode::IdentityLocked, "a bundle opens the worker's evidence: unlock first").with_remedy(Words::plain(&UNLOCK_THEN_BUNDLE), "Unlock with your PIN, then make the bundle again.")
        })?;
        let record = self.find_record(&kid, record_id).await?;
        let identity = self.store.identity(&kid).await?;
        let credentials = identity.credentials.ok_or_else(|| Error::new(ErrorCode::NotEnrolled, "this identity has no certificate"))?;
        let (_, payload) = crate::record::inspect_record(&record.jws)?;
        let certificate = Some(credentials.certificate).filter(|c| crate::cert::inspect_certificate(c).is_ok_and(|c| Some(c.serial) == payload.cert));
        let previous = match record.seq {
            0 | 1 => None,
            seq => self.store.records(&kid, seq - 2, 1).await?.into_iter().find(|r| r.seq == seq - 1).map(|r| r.jws),
        };
        let opened = |kind| async move {
            let mut plain = Vec::new();
            match self.try_open_evidence(record_id, kind, &mut |chunk| plain.extend_from_slice(&chunk)).await {
                Ok(_) => Ok(Some(plain)),
                Err(e) if e.code() == ErrorCode::EvidenceNotFound => Ok(None),
                Err(e) => Err(e),
            }
        };
        let bundle = crate::Bundle {
            record: record.jws,
            certificate,
            certificate_status: None,
            revocation_list: credentials.revocation_list,
            receipt: record.receipt,
            previous_record: previous,
            document: opened(EvidenceKind::Document).await?,
            signature_image: opened(EvidenceKind::SignatureImage).await?,
            stamped_document: None,
        };
        let out = crate::write_bundle(std::io::Cursor::new(Vec::new()), &bundle, &credentials.authority, payload.doc.name.as_deref(), None, self.clock.now()?)?;
        Ok(out.into_inner())
    }

    /// Record `record_id` of identity `kid`: where its evidence row says, or by reading the
    /// chain a page at a time.
    async fn find_record(&self, kid: &str, record_id: &str) -> Result<crate::rows::RecordRow> {
        let not_found = || Error::new(ErrorCode::RecordNotFound, format!("no record {record_id:.40} of this worker on this device"));
        if let Some(row) = self.store.evidence(record_id).await?.into_iter().find(|row| row.kid == kid) {
            return self.store.records(kid, row.seq.saturating_sub(1), 1).await?.into_iter().find(|r| r.id == record_id).ok_or_else(not_found);
        }
        let mut after = 0;
        loop {
            let page = self.store.records(kid, after, 1000).await?;
            if let Some(found) = page.iter().find(|r| r.id == record_id) {
                return Ok(found.clone());
            }
            after = page.last().ok_or_else(not_found)?.seq;
        }
    }
}

/// `storage_unavailable`: the stored evidence of `row` (its header or a piece) does not read.
pub(crate) fn damaged(row: &EvidenceRow) -> Error {
    Error::new(ErrorCode::StorageUnavailable, format!("the stored {} of record {:.40} is damaged", row.kind, row.record_id))
}

/// The server's evidence key in `credentials`, checked against their authority; `None` when
/// the device has none yet (or it does not verify, which a sync replaces).
pub(crate) fn server_evidence_key(credentials: &StoredCredentials) -> Option<EvidenceKey> {
    let authority = PublicKey::from_jwk(&credentials.authority).ok()?;
    verify_evidence_key(credentials.evidence_key.as_deref()?, &authority).ok()
}

/// `claims` with `evidenceSealing` naming the content key of each piece of `evidence` (see
/// `crate::evidence`), in place of any the caller wrote; as they are when there is none.
pub(crate) fn with_sealing_claim(mut claims: serde_json::Map<String, serde_json::Value>, evidence: &[StagedEvidence]) -> serde_json::Map<String, serde_json::Value> {
    if !evidence.is_empty() {
        let sealing = evidence.iter().map(|staged| (staged.kind.as_str().to_owned(), serde_json::Value::String(staged.sealer.commitment()))).collect();
        claims.insert(crate::EVIDENCE_SEALING_CLAIM.into(), serde_json::Value::Object(sealing));
    }
    claims
}

/// The rows of the evidence staged for `record`, their headers bound to it: sealed to the
/// server's evidence key when the device has it, and to the worker's own key.
pub(crate) fn evidence_rows(staged: Vec<StagedEvidence>, record: &SignedRecord, identity: &Identity, server: Option<&EvidenceKey>) -> Result<Vec<EvidenceRow>> {
    let worker = identity.evidence_secret();
    let worker = worker.public_key();
    let id = &record.payload.id;
    staged
        .into_iter()
        .map(|staged| {
            let Some(sha256) = staged.sha256 else {
                return Err(Error::new(ErrorCode::InternalError, "evidence was signed before it was read whole"));
            };
            let header = staged.sealer.header(server.unwrap_or(worker), worker, id, staged.kind)?;
            Ok(EvidenceRow {
                key: format!("{id}/{}", staged.kind.as_str()),
                record_id: id.clone(),
                kid: record.payload.kid.clone(),
                seq: record.payload.seq,
                signed_at: record.payload.signed_at.to_string(),
                kind: staged.kind.as_str().to_owned(),
                media_type: staged.media_type,
                staged: staged.staged,
                header: b64url(&header),
                plain_len: staged.plain_len,
                sha256: b64url(&sha256),
                addressed: server.is_some(),
                state: EvidenceState::Pending,
                pending: Some(record.payload.signed_at.to_string()),
                receipt: None,
                error: None,
                upload_token: Some(staged.sealer.upload_token(id, staged.kind)),
            })
        })
        .collect()
}
