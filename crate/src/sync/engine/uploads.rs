//! Evidence on its way to the server: the server's evidence key pinned, and each document and
//! signature image of an accepted record uploaded in pieces, resumably (tus 1.0 core: the
//! server says how much it holds, the device sends the rest from there).

use super::{Engine, Host};
use crate::device::evidence::{damaged, server_evidence_key};
use crate::encoding::b64url;
use crate::error::{Error, ErrorCode, Result};
use crate::evidence::{readdress_evidence, verify_evidence_key, EvidenceKind};
use crate::evidence_size::{EVIDENCE_HEADER_LEN, EVIDENCE_PIECE};
use crate::json::{FromJson, Members};
use crate::keys::PublicKey;
use crate::rows::{EvidenceRow, EvidenceState, RecordError, RecordState};
use crate::store::Store;
use crate::sync::retry::{parse_retry_after, unit_random};
use crate::sync::wire::{HttpResponse, SyncOptions, SyncSummary, Transport};
use crate::time::Clock;
use serde_json::Value;
use std::collections::HashMap;

/// Pieces of evidence a sync tries to upload at most; those not ready (their record not
/// accepted yet, or sealed to the worker alone while the worker is locked) do not count.
const UPLOADS_PER_SYNC: u32 = 200;
/// Pending evidence rows read at a time.
const PENDING_PAGE: u32 = if cfg!(test) { 3 } else { 100 };

/// The server's answer about a piece: how much of the upload it holds, or its receipt.
struct PieceAnswer {
    offset: Option<u64>,
    receipt: Option<String>,
}

impl FromJson for PieceAnswer {
    fn from_json(value: Value) -> std::result::Result<Self, String> {
        let mut m = Members::of(value, "the answer")?;
        Ok(PieceAnswer { offset: m.optional("offset")?, receipt: m.optional("receipt")? })
    }
}

/// What became of one piece in this sync.
enum Uploaded {
    /// The server stores it: its receipt is kept.
    Stored,
    /// It waits for the next sync (the server does not hold its record yet, or its receipt
    /// did not verify).
    Later,
    /// The server refused it; it is not sent again.
    Refused,
}

/// The server's own refusal of a piece in `answer`: its JSON with one of the codes that are a
/// verdict on the evidence; `None` for anything else (a proxy's error page).
/// Stored pieces one PATCH carries at most: three (3 MiB and the header) stay under the 4 MiB
/// a chunk the server takes.
const MAX_PIECES_PER_PATCH: usize = 3;
/// A PATCH answered within this many milliseconds lets the next one carry one piece more: on a
/// fast link fewer round trips, on a slow or dropping one (a piece takes seconds) pieces one
/// by one, so that a cut loses little.
const FAST_PATCH_MS: i64 = 1_000;

fn refusal_code(answer: &HttpResponse) -> Option<ErrorCode> {
    let refusal: Value = answer.json().ok()?;
    let code = ErrorCode::parse(refusal.get("code")?.as_str()?)?;
    matches!(code, ErrorCode::DigestMismatch | ErrorCode::MalformedEvidence | ErrorCode::EvidenceTooLarge).then_some(code)
}

impl<H: Host> Engine<'_, H> {
    /// Fetches the server's evidence key (`GET /v1/evidence-key`) for every enrolled identity
    /// that has none, and keeps it where the authority it pinned signed it. A server without
    /// evidence (an older version) is no failure: the evidence waits on the device.
    pub(super) async fn pin_evidence_keys(&self, transport: &impl Transport, options: SyncOptions) -> Result<()> {
        let identities = self.host.store().identities().await?;
        let missing: Vec<_> = identities.into_iter().filter(|row| row.credentials.as_ref().is_some_and(|c| server_evidence_key(c).is_none())).collect();
        if missing.is_empty() {
            return Ok(());
        }
        let path = "/v1/evidence-key";
        let answer = self.answered_with_retries(transport, path, options, || transport.get(path)).await?;
        match answer.status {
            200..=299 => {}
            404 => return Ok(()),
            _ => return Err(answer.refused(path)),
        }
        let statement = answer.json::<Value>()?.get("evidenceKey").and_then(Value::as_str).map(str::to_owned).unwrap_or_default();
        for row in missing {
            let Some(authority) = row.credentials.as_ref().and_then(|c| PublicKey::from_jwk(&c.authority).ok()) else { continue };
            if verify_evidence_key(&statement, &authority).is_err() {
                let e = Error::new(ErrorCode::AnswerUntrusted, "the server's evidence key is not signed by the authority this identity pinned");
                let _ = self.host.record_failure("sync", Some(&row.kid), &e).await;
                continue;
            }
            let update = |r: &mut crate::rows::IdentityRow| {
                if let Some(c) = r.credentials.as_mut() {
                    c.evidence_key = Some(statement.clone());
                }
                Ok(())
            };
            self.host.store().update_identity(&row.kid, update).await?;
        }
        Ok(())
    }

    /// Uploads the evidence of accepted records, a piece at a time, oldest first; marks what
    /// the server stored (its receipt checked against the pinned authority) or refused. The
    /// evidence of a refused record is not sent. A piece that fails is reported and the next
    /// one tried; only an unreachable server ends the round (the rest waits for the next sync).
    pub(super) async fn upload_evidence(
        &self,
        transport: &impl Transport,
        options: SyncOptions,
        authorities: &HashMap<String, PublicKey>,
        summary: &mut SyncSummary,
    ) -> Result<()> {
        let (mut tried, mut after) = (0, None::<(String, String)>);
        loop {
            let page = self.host.store().pending_evidence(after.as_ref().map(|(p, k)| (p.as_str(), k.as_str())), PENDING_PAGE).await?;
            let Some(last) = page.last() else { return Ok(()) };
            after = Some((last.pending.clone().unwrap_or_default(), last.key.clone()));
            for mut row in page {
                let Some(authority) = authorities.get(&row.kid) else { continue };
                let kid = row.kid.clone();
                let outcome = self.upload_row(transport, options, &mut row, authority).await;
                tried += u32::from(!matches!(outcome, Ok(Uploaded::Later)));
                match outcome {
                    Ok(Uploaded::Stored) => summary.evidence_stored += 1,
                    Ok(Uploaded::Later | Uploaded::Refused) => {}
                    Err(e) if e.code() == ErrorCode::ServerUnreachable => return Err(e),
                    Err(e) => drop(self.host.record_failure("upload_evidence", Some(&kid), &e).await),
                }
                if tried >= UPLOADS_PER_SYNC {
                    return Ok(());
                }
            }
        }
    }

    /// Uploads one piece when its record was accepted (and it is addressed to the server).
    async fn upload_row(&self, transport: &impl Transport, options: SyncOptions, row: &mut EvidenceRow, authority: &PublicKey) -> Result<Uploaded> {
        let record = self.host.store().records(&row.kid, row.seq.saturating_sub(1), 1).await?.into_iter().find(|r| r.id == row.record_id);
        match record.as_ref().map(|r| r.state) {
            // Only accepted records are ever deleted.
            Some(RecordState::Accepted) | None => {}
            Some(RecordState::Rejected) => {
                let refusal = record.and_then(|r| r.error).unwrap_or(RecordError { code: "record_rejected".into(), message: String::new() });
                self.settle(row, EvidenceState::Refused, None, Some(refusal)).await?;
                return Ok(Uploaded::Refused);
            }
            Some(RecordState::Pending | RecordState::Sending) => return Ok(Uploaded::Later),
        }
        if !row.addressed && !self.readdress(row).await? {
            return Ok(Uploaded::Later);
        }
        self.upload_piece(transport, options, row, authority).await
    }

    /// Seals the header of `row` anew to the server's key, which the device did not have when
    /// it signed: needs the signer unlocked. Whether it is addressed now.
    async fn readdress(&self, row: &mut EvidenceRow) -> Result<bool> {
        let Some(credentials) = self.host.store().identity(&row.kid).await?.credentials else { return Ok(false) };
        let (Some(server), Some(kind)) = (server_evidence_key(&credentials), EvidenceKind::parse(&row.kind)) else { return Ok(false) };
        if self.host.unlocked().as_deref() != Some(row.kid.as_str()) {
            return Ok(false);
        }
        let header = row.header_bytes().ok_or_else(|| damaged(row))?;
        let now = self.host.clock().now()?;
        let header = self.host.with_identity(now, |identity| readdress_evidence(&header, &identity.evidence_secret(), &server, &row.record_id, kind))?;
        row.header = b64url(&header);
        row.addressed = true;
        self.host.store().put_evidence(row).await?;
        Ok(true)
    }

    /// Uploads `row` from where the server's copy ends. Each request that lands resets the
    /// count of failures, so a link that drops every few requests still gets through; only
    /// `max_tries` failures in a row end the upload until the next sync (which resumes it). A
    /// server that never lets the upload finish (offsets that do not move forward, a whole
    /// upload it neither checks nor refuses) runs out of requests: the piece's stored parts
    /// three times over, and the tries.
    async fn upload_piece(&self, transport: &impl Transport, options: SyncOptions, row: &mut EvidenceRow, authority: &PublicKey) -> Result<Uploaded> {
        let path = format!("/v1/evidence/{}/{}", row.record_id, row.kind);
        let total = row.sealed_len();
        let header = row.header_bytes().ok_or_else(|| damaged(row))?;
        let mut failures = 0;
        // Stored pieces a PATCH carries: one after any failure; one more after each that was
        // answered quickly; never again as many as a body a proxy refused.
        let (mut pieces, mut most_pieces) = (1, MAX_PIECES_PER_PATCH);
        let mut requests_left = 3 * (u64::from(row.pieces()) + 2) + u64::from(options.max_tries);
        let stalled = || Error::new(ErrorCode::ServerRefused, format!("{path}: the server does not let the upload finish"));
        // Where the server's copy ends; `None` until it says.
        let mut offset: Option<u64> = None;
        loop {
            requests_left = requests_left.checked_sub(1).ok_or_else(stalled)?;
            let started = self.host.clock().now()?;
            let (answer, sent) = match offset {
                None => (transport.get(&path).await, 0),
                Some(at) => {
                    // At the total: a whole upload the server has not checked yet (it failed
                    // on its side): an empty chunk there makes it check again.
                    let bytes = self.sealed_from(row, &header, at, pieces).await?;
                    let sent = bytes.len() as u64;
                    (transport.patch(&path, at, total, row.upload_token.as_deref(), bytes).await, sent)
                }
            };
            let answered_quickly = self.host.clock().now().is_ok_and(|now| now.millis() - started.millis() < FAST_PATCH_MS);
            let (retry_after, last) = match answer {
                Ok(answer) if answer.status == 204 => {
                    let at = offset.map_or(0, |at| at + sent);
                    if sent == 0 || at >= total {
                        // The last chunk is answered with the receipt, never with "go on".
                        return Err(stalled());
                    }
                    offset = Some(at);
                    failures = 0;
                    if answered_quickly {
                        pieces = (pieces + 1).min(most_pieces);
                    }
                    continue;
                }
                Ok(answer) if answer.status == 200 => {
                    let said: PieceAnswer = answer.json()?;
                    if let Some(receipt) = said.receipt {
                        return self.keep_receipt(row, receipt, authority).await;
                    }
                    match said.offset {
                        Some(at) if at <= total => offset = Some(at),
                        _ => return Err(Error::new(ErrorCode::ServerRefused, format!("{path}: the server holds more than the whole upload"))),
                    }
                    continue;
                }
                Ok(answer) if answer.status == 404 => return Ok(Uploaded::Later),
                Ok(answer) if matches!(answer.status, 413 | 422) && refusal_code(&answer).is_some() => return self.refused(row, &answer).await,
                Ok(answer) if matches!(answer.status, 409 | 413 | 422 | 429) || answer.status >= 500 => {
                    // A 413 or 422 without the server's own code comes from something on the
                    // way (a proxy's body limit): not a verdict on the evidence.
                    if answer.status == 413 {
                        most_pieces = pieces.saturating_sub(1).max(1);
                    }
                    let retry_after = answer.retry_after.as_deref().and_then(|v| parse_retry_after(v, self.host.clock().now().ok()?));
                    (retry_after, format!("HTTP {} from {path}", answer.status))
                }
                Ok(answer) => return Err(answer.refused(&path)),
                Err(reason) => (None, format!("no answer from {path}: {reason:.200}")),
            };
            offset = None;
            pieces = 1;
            failures += 1;
            if failures >= options.max_tries.max(1) {
                return Err(Error::new(ErrorCode::ServerUnreachable, format!("{failures} tries in a row failed; last: {last}")));
            }
            transport.sleep(options.backoff.delay_ms(failures, retry_after, unit_random())).await;
        }
    }

    /// The sealed bytes of `row` from `at` to the end of the `pieces`th stored piece they
    /// reach (with what is left of the header before the first); empty at the end.
    async fn sealed_from(&self, row: &EvidenceRow, header: &[u8], at: u64, pieces: usize) -> Result<Vec<u8>> {
        let mut bytes = header.get(at.min(EVIDENCE_HEADER_LEN as u64) as usize..).unwrap_or_default().to_vec();
        let mut at = at.max(EVIDENCE_HEADER_LEN as u64);
        for _ in 0..pieces {
            if at >= row.sealed_len() {
                break;
            }
            let into_body = at - EVIDENCE_HEADER_LEN as u64;
            let index = (into_body / EVIDENCE_PIECE as u64) as u32;
            let mut piece = self.host.store().evidence_piece(&row.staged, index).await?;
            piece.drain(..((into_body % EVIDENCE_PIECE as u64) as usize).min(piece.len()));
            if piece.is_empty() {
                break;
            }
            at += piece.len() as u64;
            if bytes.is_empty() {
                bytes = piece;
            } else {
                bytes.extend_from_slice(&piece);
            }
        }
        Ok(bytes)
    }

    /// Marks `row` refused with the server's code, and reports it.
    async fn refused(&self, row: &mut EvidenceRow, answer: &HttpResponse) -> Result<Uploaded> {
        let refusal: Value = answer.json().unwrap_or_default();
        let code = refusal_code(answer).unwrap_or(ErrorCode::MalformedEvidence).as_str().to_owned();
        let message: String = refusal["message"].as_str().unwrap_or_default().chars().take(300).collect();
        let e = Error::new(ErrorCode::EvidenceRefused, format!("the server refused the {} of record {}: {code} ({message})", row.kind, row.record_id));
        let _ = self.host.record_failure("sync", Some(&row.kid), &e).await;
        self.settle(row, EvidenceState::Refused, None, Some(RecordError { code, message })).await?;
        Ok(Uploaded::Refused)
    }

    /// Checks the server's receipt for `row` and keeps it: it must be the pinned authority's,
    /// for this record, kind, digest and size. A receipt that does not check leaves the piece
    /// pending, and is reported.
    async fn keep_receipt(&self, row: &mut EvidenceRow, receipt: String, authority: &PublicKey) -> Result<Uploaded> {
        let checked = crate::cert::verify_evidence_receipt(&receipt, authority)
            .ok()
            .filter(|r| r.id == row.record_id && r.kind == row.kind && r.sha256 == row.sha256 && r.size == row.plain_len);
        if checked.is_none() {
            let e = Error::new(ErrorCode::AnswerUntrusted, format!("the receipt for the {} of record {} does not verify; it stays on this device", row.kind, row.record_id));
            let _ = self.host.record_failure("sync", Some(&row.kid), &e).await;
            return Ok(Uploaded::Later);
        }
        self.settle(row, EvidenceState::Stored, Some(receipt), None).await?;
        Ok(Uploaded::Stored)
    }

    /// Writes `row` in its final `state`.
    async fn settle(&self, row: &mut EvidenceRow, state: EvidenceState, receipt: Option<String>, error: Option<RecordError>) -> Result<()> {
        row.state = state;
        row.pending = None;
        row.receipt = receipt;
        row.error = error;
        self.host.store().put_evidence(row).await
    }
}
