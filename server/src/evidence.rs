//! Evidence: the bytes of a record's document and of its handwritten signature's image,
//! uploaded by devices after the record was accepted, sealed to the server's evidence key
//! (`offsign::EvidenceSealer`), and kept in a blob store under their digest.
//!
//! The upload follows the core of tus 1.0 (resumable uploads): `HEAD` (or `GET`, which also
//! answers in JSON) tells how many bytes of an upload the server holds (`Upload-Offset`), and
//! `PATCH` with `Upload-Offset` and `Upload-Length` appends one chunk. A chunk that does not
//! start where the server's copy ends is refused (409, `upload_offset_mismatch`, with the
//! server's offset), so a repeated chunk never lands twice. When the last chunk lands the
//! server opens the whole, checks the plain bytes against the digest the record signed, keeps
//! them, and answers with a receipt the authority signed; every later `PATCH` or `GET` of that
//! piece answers the same receipt. A piece that does not open or does not match is dropped
//! (`malformed_evidence`, `digest_mismatch`): the device starts it again.
//!
//! Who may upload: anyone who knows an accepted record's id (a UUIDv7 with 74 random bits,
//! known to its device and the server's staff). Nothing is kept that the record's signed digest
//! does not vouch for, and a record's uploads are bounded by the size it declares (or
//! [`MAX_SIGNATURE_IMAGE_BYTES`]) and the server's limit.

use crate::api::{blocking, ApiError, ApiResult, AppState};
use crate::blobs::{hex_digest, is_upload_of};
use crate::storage::{EvidenceRow, Storage, StoredRecord};
use axum::body::Bytes;
use axum::extract::{Path as UrlPath, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use base64::Engine as _;
use offsign::{plain_len, sealed_len, EvidenceKind, ErrorCode, EVIDENCE_HEADER_LEN};
use serde_json::json;
use sha2::Digest as _;
use std::io::{Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;
use std::sync::Arc;

/// The largest handwritten signature image taken (its size is not in the record): 2 MiB, ten
/// times a full-screen pad's PNG on a tablet.
pub const MAX_SIGNATURE_IMAGE_BYTES: u64 = 2 << 20;
/// The largest chunk one `PATCH` may carry: 4 MiB (devices send 1 MiB).
pub const MAX_CHUNK_BYTES: usize = 4 << 20;
/// The media type of a tus chunk.
const CHUNK_TYPE: &str = "application/offset+octet-stream";

static UPLOAD_OFFSET: HeaderName = HeaderName::from_static("upload-offset");
static UPLOAD_LENGTH: HeaderName = HeaderName::from_static("upload-length");
static TUS_RESUMABLE: HeaderName = HeaderName::from_static("tus-resumable");
/// The token a device sends with each chunk of evidence whose record commits to its key.
static UPLOAD_TOKEN: HeaderName = HeaderName::from_static(offsign::wire::UPLOAD_TOKEN_HEADER);

/// The evidence routes, under the API's rate limit, body limit and CORS.
pub fn routes<S: Storage>(state: Arc<AppState<S>>) -> Router {
    let origins = state.allowed_origins.clone();
    let routes = Router::new().route("/v1/evidence/{id}/{kind}", get(status::<S>).patch(append::<S>));
    crate::api::with_cors(crate::api::with_api_layers(routes, state), &origins)
}

/// An upload under way: its file, named for the record, the kind and the total length (a
/// new length starts a new upload).
struct Upload {
    path: PathBuf,
    key: String,
}

/// The checks every request on a piece makes: a well-formed id and kind, a record the server
/// holds, and what that record signed about the piece (its digest and, for a document, its
/// size).
struct Piece {
    record: StoredRecord,
    kind: EvidenceKind,
    sha256: String,
    declared_size: Option<u64>,
    /// What the record's `claims.evidenceSealing` names for this kind: `None` when the record
    /// commits to no content key (a client that seals otherwise), `Some(None)` when it commits
    /// to others but not this kind's.
    commitment: Option<Option<String>>,
}

fn piece<S: Storage>(state: &AppState<S>, id: &str, kind: &str) -> ApiResult<Piece> {
    let kind = EvidenceKind::parse(kind)
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, ErrorCode::MalformedRequest, "evidence is a document or a signature-image"))?;
    // Ids are UUIDs; anything else cannot be a record and must not reach a file name.
    if id.is_empty() || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Err(ApiError::new(StatusCode::NOT_FOUND, ErrorCode::RecordUnknown, "no record has this id"));
    }
    let record = state
        .storage
        .record(id)?
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, ErrorCode::RecordUnknown, "the server holds no record with this id; send the record first"))?;
    let (_, payload) = offsign::inspect_record(&record.jws).map_err(|e| ApiError::internal(format!("a stored record does not read: {e}")))?;
    let (sha256, declared_size) = match kind {
        EvidenceKind::Document => (payload.doc.sha256, payload.doc.size),
        EvidenceKind::SignatureImage => {
            let digest = payload.claims.get("signatureImage").and_then(|image| image.get("sha256")).and_then(|d| d.as_str());
            let digest = digest.ok_or_else(|| {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::MalformedRequest, "this record signs no signature image")
            })?;
            (digest.to_owned(), None)
        }
    };
    let commitment = payload.claims.get(offsign::EVIDENCE_SEALING_CLAIM).map(|sealing| sealing.get(kind.as_str()).and_then(|c| c.as_str()).map(str::to_owned));
    Ok(Piece { record, kind, sha256, declared_size, commitment })
}

/// Whether a chunk comes from the device that sealed the evidence, for a record that commits
/// to its content key (anyone can seal to the server's key): the upload's header (`header`:
/// the first chunk's, or the one held) opens to the committed key, and the chunk carries the
/// upload token of that key. Nothing is written or dropped for a chunk that does not.
fn check_sender<S: Storage>(state: &AppState<S>, piece: &Piece, header: Option<&[u8]>, token: Option<&str>) -> ApiResult<()> {
    let Some(committed) = &piece.commitment else { return Ok(()) };
    let refuse = |why: &str| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::MalformedEvidence, why.to_owned());
    let header = header.ok_or_else(|| refuse("the first chunk of an upload carries the whole sealed header"))?;
    let proofs = offsign::header_proofs(header, &state.authority.evidence_secret(), &piece.record.id, piece.kind);
    match (proofs, committed) {
        (Ok(proofs), Some(committed)) if &proofs.commitment == committed => {
            if token == Some(proofs.upload_token.as_str()) {
                Ok(())
            } else {
                Err(refuse("this chunk does not carry the upload token of the evidence it adds to"))
            }
        }
        _ => Err(refuse("this evidence is not sealed under the content key its record committed to")),
    }
}

/// The answer for a piece held: the receipt and what it names.
fn held(row: &EvidenceRow) -> Response {
    let length = sealed_len(row.size);
    let mut answer = Json(json!({
        "id": row.record_id, "kind": row.kind, "sha256": row.sha256, "size": row.size, "receipt": row.receipt,
    }))
    .into_response();
    let headers = answer.headers_mut();
    headers.insert(&UPLOAD_OFFSET, HeaderValue::from(length));
    headers.insert(&UPLOAD_LENGTH, HeaderValue::from(length));
    answer
}

/// The receipt's answer when the server holds `piece` already.
fn held_answer<S: Storage>(state: &AppState<S>, piece: &Piece) -> ApiResult<Option<Response>> {
    Ok(state.storage.evidence(&piece.record.id)?.into_iter().find(|row| row.kind == piece.kind.as_str()).map(|row| held(&row)))
}

fn tus(mut response: Response) -> Response {
    response.headers_mut().insert(&TUS_RESUMABLE, HeaderValue::from_static("1.0.0"));
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A refusal that says where the server's copy ends.
fn offset_mismatch(offset: u64) -> Response {
    let mut refused = ApiError::new(StatusCode::CONFLICT, ErrorCode::UploadOffsetMismatch, format!("the server holds {offset} bytes of this upload"))
        .into_response();
    refused.headers_mut().insert(&UPLOAD_OFFSET, HeaderValue::from(offset));
    refused
}

/// `GET` / `HEAD /v1/evidence/{id}/{kind}`: the receipt when the piece is held; otherwise the
/// bytes held of the upload under way (`Upload-Offset`, 0 when none began), in the headers and
/// as `{offset}`.
pub async fn status<S: Storage>(State(state): State<Arc<AppState<S>>>, UrlPath((id, kind)): UrlPath<(String, String)>) -> Response {
    let answer = blocking(&state, move |state| {
        let piece = piece(state, &id, &kind)?;
        if let Some(answer) = held_answer(state, &piece)? {
            return Ok(answer);
        }
        let offset = std::fs::read_dir(&state.evidence.uploads)
            .map_err(|e| ApiError::internal(format!("the uploads folder: {e}")))?
            .filter_map(|entry| entry.ok())
            .find(|entry| is_upload_of(&entry.file_name().to_string_lossy(), &format!("{id}.{}", piece.kind.as_str())))
            .and_then(|entry| entry.metadata().ok())
            .map_or(0, |meta| meta.len());
        let mut answer = Json(json!({ "id": id, "kind": piece.kind.as_str(), "offset": offset })).into_response();
        answer.headers_mut().insert(&UPLOAD_OFFSET, HeaderValue::from(offset));
        Ok(answer)
    })
    .await;
    tus(answer.unwrap_or_else(IntoResponse::into_response))
}

/// A header's value as a number of bytes.
fn length_header(headers: &HeaderMap, name: &HeaderName) -> ApiResult<u64> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .ok_or_else(|| ApiError::malformed(format!("send the {name} header (a number of bytes)")))
}

/// `PATCH /v1/evidence/{id}/{kind}`: appends a chunk at `Upload-Offset` of an upload of
/// `Upload-Length` sealed bytes. 204 with the new `Upload-Offset`; 200 with the receipt once
/// the piece is whole, checked and kept (and for every later request on a piece held).
pub async fn append<S: Storage>(
    State(state): State<Arc<AppState<S>>>,
    UrlPath((id, kind)): UrlPath<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let answer = blocking(&state, move |state| append_chunk(state, &id, &kind, &headers, &body)).await;
    tus(answer.unwrap_or_else(IntoResponse::into_response))
}

fn append_chunk<S: Storage>(state: &AppState<S>, id: &str, kind: &str, headers: &HeaderMap, body: &[u8]) -> ApiResult<Response> {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if content_type != CHUNK_TYPE {
        return Err(ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, ErrorCode::UnsupportedMediaType, format!("send {CHUNK_TYPE}")));
    }
    if body.len() > MAX_CHUNK_BYTES {
        return Err(ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::MalformedRequest, format!("send chunks of at most {MAX_CHUNK_BYTES} bytes")));
    }
    let piece = piece(state, id, kind)?;
    if let Some(answer) = held_answer(state, &piece)? {
        return Ok(answer);
    }
    let (offset, length) = (length_header(headers, &UPLOAD_OFFSET)?, length_header(headers, &UPLOAD_LENGTH)?);
    let plain = plain_len(length).ok_or_else(|| {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::MalformedEvidence, "Upload-Length is not the length of sealed evidence")
    })?;
    let limit = match piece.kind {
        EvidenceKind::Document => state.evidence.max_bytes,
        EvidenceKind::SignatureImage => MAX_SIGNATURE_IMAGE_BYTES.min(state.evidence.max_bytes),
    };
    if plain > limit {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::EvidenceTooLarge,
            format!("this server takes {} of {limit} bytes at most", piece.kind.as_str()),
        ));
    }
    if piece.declared_size.is_some_and(|size| size != plain) {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::MalformedEvidence,
            "Upload-Length does not fit the document size the record signed",
        ));
    }
    let token = headers.get(&UPLOAD_TOKEN).and_then(|v| v.to_str().ok());
    if offset == 0 {
        check_sender(state, &piece, body.get(..EVIDENCE_HEADER_LEN), token)?;
    }
    let upload = Upload {
        path: state.evidence.uploads.join(format!("{id}.{}.{length}", piece.kind.as_str())),
        key: format!("{id}.{}", piece.kind.as_str()),
    };
    // One request at a time appends to an upload; another one meanwhile is told to ask again.
    let Some(_busy) = state.evidence.begin(&upload.key) else {
        return Ok(offset_mismatch(std::fs::metadata(&upload.path).map_or(0, |m| m.len())));
    };
    // Completed by the request that held the place just now: its receipt, and no new upload.
    if let Some(answer) = held_answer(state, &piece)? {
        return Ok(answer);
    }
    append_locked(state, &piece, &upload, offset, length, token, body)
}

fn append_locked<S: Storage>(state: &AppState<S>, piece: &Piece, upload: &Upload, offset: u64, length: u64, token: Option<&str>, body: &[u8]) -> ApiResult<Response> {
    let io = |e: std::io::Error| ApiError::internal(format!("{}: {e}", upload.path.display()));
    if offset == 0 {
        // A new start with another length is another sealing: the older upload is dropped.
        for entry in std::fs::read_dir(&state.evidence.uploads).map_err(io)?.filter_map(|e| e.ok()) {
            if is_upload_of(&entry.file_name().to_string_lossy(), &upload.key) && entry.path() != upload.path {
                std::fs::remove_file(entry.path()).map_err(io)?;
            }
        }
    }
    // Only a chunk at 0 creates the file: a refused chunk leaves nothing behind.
    let file = std::fs::OpenOptions::new().create(offset == 0).append(true).mode(0o600).open(&upload.path);
    let mut file = match file {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(offset_mismatch(0)),
        other => other.map_err(io)?,
    };
    let on_disk = file.metadata().map_err(io)?.len();
    if offset != on_disk {
        return Ok(offset_mismatch(on_disk));
    }
    if offset + body.len() as u64 > length {
        return Err(ApiError::malformed("this chunk goes past Upload-Length"));
    }
    if offset > 0 && piece.commitment.is_some() {
        let mut header = [0u8; EVIDENCE_HEADER_LEN];
        let held = std::fs::File::open(&upload.path).and_then(|mut held| std::io::Read::read_exact(&mut held, &mut header));
        check_sender(state, piece, held.is_ok().then_some(header.as_slice()), token)?;
    }
    // Not synced chunk by chunk: after a crash the file holds what reached the disk, its
    // length is the offset the device resumes from, and a torn tail fails the check of the
    // whole (the device then starts again). Only the checked bytes are synced, once, before
    // they are kept. (Syncing every chunk cost nearly a third of the upload rate: tests/bench/evidence.mjs.)
    file.write_all(body).map_err(io)?;
    let now_held = offset + body.len() as u64;
    if now_held < length {
        let mut answer = StatusCode::NO_CONTENT.into_response();
        answer.headers_mut().insert(&UPLOAD_OFFSET, HeaderValue::from(now_held));
        return Ok(answer);
    }
    drop(file);
    let checked = check_and_keep(state, piece, upload, length);
    // Kept or refused, the upload is done with: a refused one starts again from nothing. After
    // a fault of the server's own (a full disk, a busy database) it stays, and the device's
    // retry of the last chunk checks it again.
    let refused = checked.as_ref().err().filter(|e| e.status() == StatusCode::UNPROCESSABLE_ENTITY);
    if checked.is_ok() || refused.is_some() {
        let _ = std::fs::remove_file(&upload.path);
        state.metrics.evidence(refused.map_or("stored", |e| e.code().as_str()));
    }
    checked.map(|row| held(&row))
}

/// Opens the whole upload with the server's evidence key, checks the plain bytes against the
/// record's digest, keeps them in the blob store and signs the receipt.
fn check_and_keep<S: Storage>(state: &AppState<S>, piece: &Piece, upload: &Upload, length: u64) -> ApiResult<EvidenceRow> {
    let io = |e: std::io::Error| ApiError::internal(format!("{}: {e}", upload.path.display()));
    let plain_path = upload.path.with_extension("plain");
    let mut plain_file = std::fs::OpenOptions::new().create(true).write(true).truncate(true).mode(0o600).open(&plain_path).map_err(io)?;
    let mut hasher = sha2::Sha256::new();
    let mut sealed = std::io::BufReader::new(std::fs::File::open(&upload.path).map_err(io)?);
    let secret = state.authority.evidence_secret();
    let opened = offsign::open_evidence_from(&mut sealed, length, &secret, &piece.record.id, piece.kind, &mut |chunk| {
        hasher.update(chunk);
        plain_file.write_all(chunk).map_err(|e| offsign::Error::new(ErrorCode::InternalError, e.to_string()))
    });
    let refuse = |code: ErrorCode, message: String| {
        let _ = std::fs::remove_file(&plain_path);
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    };
    let size = match opened {
        Ok(size) => size,
        Err(e) if e.code() == ErrorCode::InternalError => {
            let _ = std::fs::remove_file(&plain_path);
            return Err(ApiError::internal(e.message().to_owned()));
        }
        Err(e) => return Err(refuse(ErrorCode::MalformedEvidence, e.message().to_owned())),
    };
    let digest = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(hasher.finalize());
    if digest != piece.sha256 {
        return Err(refuse(
            ErrorCode::DigestMismatch,
            format!("the {} does not match the digest its record signed", piece.kind.as_str()),
        ));
    }
    plain_file.sync_all().map_err(io)?;
    drop(plain_file);
    let hex = hex_digest(&digest).expect("a digest just computed");
    state.evidence.blobs.keep(&hex, &plain_path).map_err(io)?;
    let now = crate::api::now();
    let receipt = state
        .authority
        .issue_evidence_receipt(&piece.record.id, piece.kind.as_str(), &digest, size, now)
        .map_err(|e| ApiError::internal(e.to_string()))?;
    let row = EvidenceRow {
        record_id: piece.record.id.clone(),
        kind: piece.kind.as_str().to_owned(),
        sha256: digest,
        size,
        stored_at: now.millis(),
        receipt,
    };
    Ok(state.storage.add_evidence(&row)?)
}

/// The evidence bundle of `record` as a ZIP file (`offsign::write_bundle`): the record, its
/// certificate and that certificate's status now, the revocation list now, the receipt, the
/// record before it in its chain (when the server holds it), and the evidence the server holds.
pub fn bundle<S: Storage>(state: &AppState<S>, record: &StoredRecord) -> ApiResult<Vec<u8>> {
    let internal = |e: &dyn std::fmt::Display| ApiError::internal(format!("the bundle of {}: {e}", record.id));
    let certificate = state.storage.certificate(&record.cert_serial)?;
    let certificate_status = certificate.as_ref().map(|row| crate::api::certificate_status_now(state, row)).transpose()?;
    let previous_record = match state.storage.chain_neighbours(&record.kid, record.seq)?.0 {
        Some(before) if before.seq + 1 == record.seq => state.storage.record(&before.id)?.map(|r| r.jws),
        _ => None,
    };
    let mut parts = offsign::Bundle {
        record: record.jws.clone(),
        certificate: certificate.map(|row| row.jws),
        certificate_status,
        // Left out when it cannot be signed now: the status says what it would.
        revocation_list: crate::api::revocation_list(state, crate::api::now()).ok(),
        receipt: Some(record.receipt.clone()),
        previous_record,
        document: None,
        signature_image: None,
        stamped_document: None,
    };
    for row in state.storage.evidence(&record.id)? {
        let Some(mut blob) = state.evidence.open(&row).map_err(|e| internal(&e))? else {
            tracing::error!("the blob of {} {} is missing from the evidence store", row.record_id, row.kind);
            continue;
        };
        let mut bytes = Vec::with_capacity(row.size as usize);
        blob.read_to_end(&mut bytes).map_err(|e| internal(&e))?;
        match EvidenceKind::parse(&row.kind) {
            Some(EvidenceKind::Document) => parts.document = Some(bytes),
            Some(EvidenceKind::SignatureImage) => parts.signature_image = Some(bytes),
            None => {}
        }
    }
    let (_, payload) = offsign::inspect_record(&record.jws).map_err(|e| internal(&e))?;
    let checks = offsign::verify_bundle(&parts, state.authority.public_key());
    let received = offsign::Timestamp::from_millis(record.received_at).ok().map(|t| t.to_string());
    let verify_url = state.public_url.as_ref().map(|url| format!("{url}/verify/"));
    let summary = crate::pdf::Summary {
        payload: &payload,
        worker: Some(record.worker.as_str()).filter(|w| !w.is_empty()),
        received_at: received.as_deref(),
        checks: &checks,
        signature_png: parts.signature_image.as_deref(),
        verify_url: verify_url.as_deref(),
    };
    let pdf = crate::pdf::summary_pdf(&summary).map_err(|e| internal(&e))?;
    // A PDF document gets a stamped copy, made apart from this process (see `crate::stamp`); a
    // document it cannot stamp (damaged, encrypted, hostile) is in the bundle as it is.
    if let (Some(program), Some(document)) = (&state.pdf_stamper, &parts.document) {
        if document.starts_with(b"%PDF-") {
            match crate::stamp::stamped_copy(program, document, &pdf, &record.jws) {
                Ok(stamped) => parts.stamped_document = Some(stamped),
                Err(why) => tracing::warn!("no stamped copy of the document of record {}: {why}", record.id),
            }
        }
    }
    let authority = state.authority.public_key().to_jwk();
    let zip = offsign::write_bundle(std::io::Cursor::new(Vec::new()), &parts, &authority, payload.doc.name.as_deref(), Some(&pdf), crate::api::now())
        .map_err(|e| internal(&e))?;
    Ok(zip.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::{RevokeTarget, Database};
    use crate::web::tests::{enrolled, fixture, post};
    use axum::body::Body;
    use axum::http::Request;
    use axum::Router;
    use http_body_util::BodyExt;
    use offsign::{seal_evidence, DocumentDigest, Identity, RecordRequest};
    use tower::ServiceExt;

    struct Answer {
        status: StatusCode,
        offset: Option<u64>,
        json: serde_json::Value,
    }

    async fn send(app: Router, request: Request<Body>) -> Answer {
        let response = app.oneshot(request).await.unwrap();
        let status = response.status();
        assert_eq!(response.headers()["tus-resumable"], "1.0.0");
        let offset = response.headers().get("upload-offset").map(|v| v.to_str().unwrap().parse().unwrap());
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Answer { status, offset, json: serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null) }
    }

    async fn patch(app: Router, uri: &str, offset: u64, length: u64, chunk: &[u8]) -> Answer {
        patch_with_token(app, uri, offset, length, None, chunk).await
    }

    async fn patch_with_token(app: Router, uri: &str, offset: u64, length: u64, token: Option<&str>, chunk: &[u8]) -> Answer {
        let mut request = Request::patch(uri)
            .header(header::CONTENT_TYPE, CHUNK_TYPE)
            .header("upload-offset", offset.to_string())
            .header("upload-length", length.to_string());
        if let Some(token) = token {
            request = request.header(offsign::wire::UPLOAD_TOKEN_HEADER, token);
        }
        send(app, request.body(Body::from(chunk.to_vec())).unwrap()).await
    }

    async fn head(app: Router, uri: &str) -> Answer {
        send(app, Request::head(uri).body(Body::empty()).unwrap()).await
    }

    /// A worker enrolled on a fresh server, one accepted record signing `document` and a pad
    /// image, and the app to upload with.
    struct Signed {
        state: Arc<AppState<Database>>,
        app: Box<dyn Fn() -> Router>,
        worker: Identity,
        serial: String,
        id: String,
        document: Vec<u8>,
        image: Vec<u8>,
    }

    /// A small pad image: 8 × 4 pixels, black strokes on a transparent ground, as a canvas saves it.
    fn pad_png() -> Vec<u8> {
        let mut png = Vec::new();
        let mut encoder = png::Encoder::new(&mut png, 8, 4);
        encoder.set_color(png::ColorType::Rgba);
        let pixels: Vec<u8> = (0..32).flat_map(|i| if i % 3 == 0 { [0, 0, 0, 255] } else { [0, 0, 0, 0] }).collect();
        encoder.write_header().unwrap().write_image_data(&pixels).unwrap();
        png
    }

    async fn signed(test: &str, document_len: usize) -> Signed {
        signed_committing(test, document_len, None).await
    }

    /// [`signed`], the record committing (`claims.evidenceSealing`) to the content key of
    /// `sealer` for its document, when given.
    async fn signed_committing(test: &str, document_len: usize, sealer: Option<&offsign::EvidenceSealer>) -> Signed {
        let (state, www, pkg) = fixture(test);
        let app = {
            let state = state.clone();
            move || crate::web::app(state.clone(), www.clone(), pkg.clone(), false)
        };
        let worker = Identity::generate().unwrap();
        let serial = enrolled(&state, app(), &worker).await;
        let document: Vec<u8> = (0..document_len).map(|i| (i * 31 % 251) as u8).collect();
        let image = pad_png();
        let image_digest = DocumentDigest::of_bytes(&image, None, None).unwrap().sha256;
        let mut claims = serde_json::Map::new();
        claims.insert("signatureImage".into(), json!({ "sha256": image_digest, "type": "image/png" }));
        if let Some(sealer) = sealer {
            claims.insert(offsign::EVIDENCE_SEALING_CLAIM.into(), json!({ "document": sealer.commitment() }));
        }
        let request = RecordRequest {
            doc: DocumentDigest::of_bytes(&document, Some("photo.jpg".into()), Some("image/jpeg".into())).unwrap(),
            claims,
            chain: None,
            cert_serial: Some(serial.as_str()),
            now: crate::api::now(),
        };
        let record = offsign::sign_record(&worker, request).unwrap();
        let body = json!({ "records": [record.jws] }).to_string();
        let (status, answer) = post(app(), "/v1/records", "application/json", body).await;
        assert_eq!((status, answer["verdicts"][0]["verdict"].as_str()), (StatusCode::OK, Some("accepted")), "{answer}");
        Signed { state, app: Box::new(app), worker, serial, id: record.payload.id, document, image }
    }

    impl Signed {
        fn sealed(&self, plain: &[u8], id: &str, kind: EvidenceKind) -> Vec<u8> {
            let server = self.state.authority.evidence_secret();
            seal_evidence(plain, server.public_key(), self.worker.evidence_secret().public_key(), id, kind).unwrap()
        }

        fn uri(&self, kind: &str) -> String {
            format!("/v1/evidence/{}/{kind}", self.id)
        }

        /// Uploads `sealed` whole in chunks of `chunk` bytes; the last answer.
        async fn upload(&self, kind: &str, sealed: &[u8], chunk: usize) -> Answer {
            let mut offset = 0;
            loop {
                let end = (offset + chunk).min(sealed.len());
                let answer = patch((self.app)(), &self.uri(kind), offset as u64, sealed.len() as u64, &sealed[offset..end]).await;
                if answer.status != StatusCode::NO_CONTENT {
                    return answer;
                }
                assert_eq!(answer.offset, Some(end as u64));
                offset = end;
            }
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn only_the_device_that_sealed_the_evidence_can_start_or_add_to_the_upload_of_a_record_that_commits_to_its_key() {
        let sealer = offsign::EvidenceSealer::new().unwrap();
        let s = signed_committing("evidence-commitment", 300_000, Some(&sealer)).await;
        let server = s.state.authority.evidence_secret();
        let worker = s.worker.evidence_secret();
        let token = sealer.upload_token(&s.id, EvidenceKind::Document);
        let sealed = sealer.seal_whole(&s.document, server.public_key(), worker.public_key(), &s.id, EvidenceKind::Document).unwrap();
        let uri = s.uri("document");
        let device = |offset: usize, end: usize| patch_with_token((s.app)(), &uri, offset as u64, sealed.len() as u64, Some(&token), &sealed[offset..end]);
        let without_token = patch((s.app)(), &uri, 0, sealed.len() as u64, &sealed[..100_000]).await;
        assert_eq!(without_token.status, StatusCode::UNPROCESSABLE_ENTITY, "the header alone does not do: {}", without_token.json);
        let first = device(0, 100_000).await;
        assert_eq!((first.status, first.offset), (StatusCode::NO_CONTENT, Some(100_000)), "{}", first.json);
        // A stranger who knows the record's id seals the same document to the server's key (as
        // anyone can) and starts over, or adds to the upload where it ends: refused each time,
        // and the device's upload is untouched.
        let stranger = offsign::EvidenceSealer::new().unwrap();
        let stranger_token = stranger.upload_token(&s.id, EvidenceKind::Document);
        let forged = stranger.seal_whole(&s.document, server.public_key(), worker.public_key(), &s.id, EvidenceKind::Document).unwrap();
        type Case<'a> = (&'a str, u64, u64, Option<&'a str>, &'a [u8]);
        let cases: [Case; 5] = [
            ("another content key, another length", 0, forged.len() as u64 + 1, Some(&stranger_token), &forged[..50_000]),
            ("another content key, the same length", 0, forged.len() as u64, Some(&stranger_token), &forged[..50_000]),
            ("less than the header", 0, sealed.len() as u64, Some(&token), &sealed[..100]),
            ("bytes added where the upload ends, with no token", 100_000, sealed.len() as u64, None, b"garbage"),
            ("bytes added where the upload ends, with another key's token", 100_000, sealed.len() as u64, Some(&stranger_token), b"garbage"),
        ];
        for (case, offset, length, token, chunk) in cases {
            let refused = patch_with_token((s.app)(), &uri, offset, length, token, chunk).await;
            assert_eq!((refused.status, refused.json["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("malformed_evidence")), "{case}: {}", refused.json);
        }
        assert_eq!(head((s.app)(), &uri).await.offset, Some(100_000), "the device's upload is where it was");
        let done = device(100_000, sealed.len()).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.json);
        // A record that commits to no content key for a kind takes no upload of it.
        let image = s.sealed(&s.image, &s.id, EvidenceKind::SignatureImage);
        let refused = patch((s.app)(), &s.uri("signature-image"), 0, image.len() as u64, &image).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.json);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn evidence_sent_in_chunks_is_opened_checked_against_its_record_kept_and_receipted_once() {
        let s = signed("evidence-whole", 300_000).await;
        let sealed = s.sealed(&s.document, &s.id, EvidenceKind::Document);
        assert_eq!(head((s.app)(), &s.uri("document")).await.offset, Some(0), "nothing held yet");
        let done = s.upload("document", &sealed, 100_000).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.json);
        let receipt = offsign::verify_evidence_receipt(done.json["receipt"].as_str().unwrap(), s.state.authority.public_key()).unwrap();
        let signed_digest = DocumentDigest::of_bytes(&s.document, None, None).unwrap().sha256;
        assert_eq!((receipt.id.as_str(), receipt.kind.as_str(), receipt.sha256.as_str(), receipt.size), (s.id.as_str(), "document", signed_digest.as_str(), 300_000));
        let row = s.state.storage.evidence(&s.id).unwrap().pop().unwrap();
        let mut kept = Vec::new();
        s.state.evidence.open(&row).unwrap().unwrap().read_to_end(&mut kept).unwrap();
        assert_eq!(kept, s.document, "the blob store holds the plain bytes");
        assert_eq!(std::fs::read_dir(&s.state.evidence.uploads).unwrap().count(), 0, "no upload left behind");

        // Sent again (a device that never saw the answer), asked for, or sent sealed anew: the
        // same receipt, nothing stored twice.
        let again = s.upload("document", &s.sealed(&s.document, &s.id, EvidenceKind::Document), 1 << 20).await;
        assert_eq!((again.status, &again.json["receipt"]), (StatusCode::OK, &done.json["receipt"]));
        let asked = send((s.app)(), Request::get(s.uri("document")).body(Body::empty()).unwrap()).await;
        assert_eq!((asked.status, &asked.json["receipt"], asked.offset), (StatusCode::OK, &done.json["receipt"], Some(sealed.len() as u64)));
        assert_eq!(s.state.storage.evidence(&s.id).unwrap().len(), 1);

        let image = s.upload("signature-image", &s.sealed(&s.image, &s.id, EvidenceKind::SignatureImage), 1 << 20).await;
        assert_eq!((image.status, image.json["size"].as_u64()), (StatusCode::OK, Some(s.image.len() as u64)), "{}", image.json);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_cut_upload_resumes_where_the_server_stopped_and_a_repeated_chunk_lands_once() {
        let s = signed("evidence-resume", 200_000).await;
        let sealed = s.sealed(&s.document, &s.id, EvidenceKind::Document);
        let (uri, length) = (s.uri("document"), sealed.len() as u64);
        let early = patch((s.app)(), &uri, 50, length, &sealed[50..100]).await;
        assert_eq!((early.status, early.offset), (StatusCode::CONFLICT, Some(0)));
        assert_eq!(std::fs::read_dir(&s.state.evidence.uploads).unwrap().count(), 0, "a refused chunk leaves no file");
        assert_eq!(patch((s.app)(), &uri, 0, length, &sealed[..70_000]).await.offset, Some(70_000));
        // The answer was lost: the device sends the same chunk again, and is told where to go on.
        let repeated = patch((s.app)(), &uri, 0, length, &sealed[..70_000]).await;
        assert_eq!((repeated.status, repeated.json["code"].as_str(), repeated.offset), (StatusCode::CONFLICT, Some("upload_offset_mismatch"), Some(70_000)));
        let ahead = patch((s.app)(), &uri, 90_000, length, &sealed[90_000..100_000]).await;
        assert_eq!((ahead.status, ahead.offset), (StatusCode::CONFLICT, Some(70_000)), "a gap is refused too");
        assert_eq!(head((s.app)(), &uri).await.offset, Some(70_000));
        let past = patch((s.app)(), &uri, 70_000, length, &[0u8; 200_000]).await;
        assert_eq!((past.status, past.json["code"].as_str()), (StatusCode::BAD_REQUEST, Some("malformed_request")));
        let done = patch((s.app)(), &uri, 70_000, length, &sealed[70_000..]).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.json);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn altered_foreign_or_misdirected_evidence_is_refused_with_its_code_and_nothing_is_kept() {
        let s = signed("evidence-refused", 100_000).await;
        let other_bytes: Vec<u8> = s.document.iter().map(|b| b ^ 1).collect();
        let cases: Vec<(&str, Vec<u8>, &str)> = vec![
            ("another document of the same size", s.sealed(&other_bytes, &s.id, EvidenceKind::Document), "digest_mismatch"),
            ("sealed for another record", s.sealed(&s.document, "01930000-0000-7000-8000-000000000009", EvidenceKind::Document), "malformed_evidence"),
            ("sealed as the signature image", s.sealed(&s.document, &s.id, EvidenceKind::SignatureImage), "malformed_evidence"),
            ("altered on the way", { let mut b = s.sealed(&s.document, &s.id, EvidenceKind::Document); b[500] ^= 1; b }, "malformed_evidence"),
            ("sealed to a key that is not the server's", {
                let stranger = Identity::generate().unwrap().evidence_secret();
                seal_evidence(&s.document, stranger.public_key(), stranger.public_key(), &s.id, EvidenceKind::Document).unwrap()
            }, "malformed_evidence"),
        ];
        for (case, sealed, code) in cases {
            let refused = s.upload("document", &sealed, 40_000).await;
            assert_eq!((refused.status, refused.json["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some(code)), "{case}: {}", refused.json);
            assert_eq!(head((s.app)(), &s.uri("document")).await.offset, Some(0), "{case}: the upload starts again from nothing");
        }
        assert!(s.state.storage.evidence(&s.id).unwrap().is_empty());
        assert_eq!(std::fs::read_dir(s.state.evidence.uploads.parent().unwrap().join("blobs")).unwrap().count(), 0, "no blob kept");
        let text = s.state.metrics.render(&s.state.storage.gauges(0).unwrap());
        assert!(text.contains("offsign_evidence_total{outcome=\"digest_mismatch\"} 1"), "counted for the alert rules");
        assert!(text.contains("offsign_evidence_total{outcome=\"malformed_evidence\"} 4"), "{text}");

        let sealed = s.sealed(&s.document, &s.id, EvidenceKind::Document);
        let length = sealed.len() as u64;
        let unknown = "/v1/evidence/01930000-0000-7000-8000-00000000000f/document";
        let requests: Vec<(&str, Request<Body>, StatusCode, &str)> = vec![
            ("a record the server does not hold", Request::patch(unknown).header(header::CONTENT_TYPE, CHUNK_TYPE).header("upload-offset", "0").header("upload-length", length.to_string()).body(Body::from(sealed.clone())).unwrap(), StatusCode::NOT_FOUND, "record_unknown"),
            ("an id that is not one", Request::get("/v1/evidence/..%2F..%2Fetc/document").body(Body::empty()).unwrap(), StatusCode::NOT_FOUND, "record_unknown"),
            ("a kind that is not one", Request::get(s.uri("passport")).body(Body::empty()).unwrap(), StatusCode::NOT_FOUND, "malformed_request"),
            ("not a chunk", Request::patch(s.uri("document")).header(header::CONTENT_TYPE, "application/json").header("upload-offset", "0").header("upload-length", length.to_string()).body(Body::from("{}")).unwrap(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
            ("no offset", Request::patch(s.uri("document")).header(header::CONTENT_TYPE, CHUNK_TYPE).header("upload-length", length.to_string()).body(Body::from(sealed.clone())).unwrap(), StatusCode::BAD_REQUEST, "malformed_request"),
            ("a length that is not the record's document size", Request::patch(s.uri("document")).header(header::CONTENT_TYPE, CHUNK_TYPE).header("upload-offset", "0").header("upload-length", (length + 1).to_string()).body(Body::from(sealed.clone())).unwrap(), StatusCode::UNPROCESSABLE_ENTITY, "malformed_evidence"),
            ("more than the server takes (1 MiB in this test)", Request::patch(s.uri("document")).header(header::CONTENT_TYPE, CHUNK_TYPE).header("upload-offset", "0").header("upload-length", sealed_len(2 << 20).to_string()).body(Body::from(vec![0u8; 10])).unwrap(), StatusCode::PAYLOAD_TOO_LARGE, "evidence_too_large"),
        ];
        for (case, request, status, code) in requests {
            let answer = send((s.app)(), request).await;
            assert_eq!((answer.status, answer.json["code"].as_str()), (status, Some(code)), "{case}: {}", answer.json);
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_bundle_of_a_record_with_its_evidence_passes_every_check_of_a_verifier() {
        let s = signed("evidence-bundle", 150_000).await;
        for (kind, plain, evidence_kind) in [("document", &s.document, EvidenceKind::Document), ("signature-image", &s.image, EvidenceKind::SignatureImage)] {
            let done = s.upload(kind, &s.sealed(plain, &s.id, evidence_kind), 1 << 20).await;
            assert_eq!(done.status, StatusCode::OK, "{}", done.json);
        }
        let record = s.state.storage.record(&s.id).unwrap().unwrap();
        let zip = bundle(&s.state, &record).unwrap();
        let read = offsign::read_bundle(std::io::Cursor::new(zip)).unwrap();
        assert_eq!(read.authority, s.state.authority.public_key().to_jwk());
        assert_eq!(read.document_name.as_deref(), Some("photo.jpg"));
        let checks = offsign::verify_bundle(&read.bundle, s.state.authority.public_key());
        let not_passed: Vec<_> = checks.iter().filter(|c| c.outcome != offsign::Outcome::Pass).collect();
        assert!(not_passed.is_empty(), "{not_passed:#?}");
        assert_eq!(read.bundle.document.as_deref(), Some(&s.document[..]));

        // The summary page is a sound PDF (qpdf, from Debian, checks its structure), with the
        // pad image drawn and each check said.
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bundle(&s.state, &record).unwrap())).unwrap();
        let mut pdf = Vec::new();
        zip.by_name("summary.pdf").unwrap().read_to_end(&mut pdf).unwrap();
        let path = std::env::temp_dir().join(format!("offsign-summary-{}.pdf", std::process::id()));
        std::fs::write(&path, &pdf).unwrap();
        let qpdf = std::process::Command::new("qpdf").arg("--check").arg(&path).output().expect("qpdf is installed (pkg-scripts/setup)");
        assert!(qpdf.status.success(), "{}", String::from_utf8_lossy(&qpdf.stdout));
        let text = String::from_utf8_lossy(&pdf);
        for expected in ["(PASS  signature: ", "(PASS  document: ", "/SMask", "Record ", "photo.jpg"] {
            assert!(text.contains(expected), "the page shows {expected:?}");
        }

        // Revoked now, after the record arrived: the bundle still stands, and says so.
        s.state.storage.revoke(&RevokeTarget::Serial(s.serial.clone()), offsign::RevocationReason::KeyCompromise, crate::api::now().millis() + 1).unwrap();
        let read = offsign::read_bundle(std::io::Cursor::new(bundle(&s.state, &record).unwrap())).unwrap();
        let checks = offsign::verify_bundle(&read.bundle, s.state.authority.public_key());
        let revocation = checks.iter().find(|c| c.check == "not_revoked").unwrap();
        assert_eq!(revocation.outcome, offsign::Outcome::Pass, "{revocation:?}");
        assert!(revocation.detail.contains("after the record was signed and received"), "{}", revocation.detail);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_certificate_status_is_signed_and_follows_renewal_and_revocation() {
        let s = signed("certificate-status", 10).await;
        let status = |serial: String| {
            let app = (s.app)();
            let authority = s.state.authority.public_key().clone();
            async move {
                let response = app.oneshot(Request::get(format!("/v1/certificates/{serial}")).body(Body::empty()).unwrap()).await.unwrap();
                let json: serde_json::Value = serde_json::from_slice(&response.into_body().collect().await.unwrap().to_bytes()).unwrap();
                match json["status"].as_str() {
                    Some(jws) => Ok(offsign::verify_certificate_status(jws, &authority).unwrap()),
                    None => Err(json["code"].as_str().unwrap().to_owned()),
                }
            }
        };
        let first = status(s.serial.clone()).await.unwrap();
        assert_eq!((first.status.as_str(), first.sub.as_str(), first.revoked_at.as_deref()), ("valid", "w-1", None));
        offsign::verify_certificate(&first.certificate, s.state.authority.public_key()).unwrap();

        let request = json!({ "request": offsign::renewal_request(&s.worker, &s.serial, crate::api::now()).unwrap() }).to_string();
        let (code, renewed) = post((s.app)(), "/v1/renew", "application/json", request).await;
        assert_eq!(code, StatusCode::OK);
        let renewed = offsign::inspect_certificate(renewed["certificate"].as_str().unwrap()).unwrap().serial;
        let old = status(s.serial.clone()).await.unwrap();
        assert_eq!((old.status.as_str(), old.superseded_by.as_deref()), ("superseded", Some(renewed.as_str())));
        assert!(old.revoked_at.is_some());

        s.state.storage.revoke(&RevokeTarget::Serial(renewed.clone()), offsign::RevocationReason::KeyCompromise, crate::api::now().millis()).unwrap();
        let revoked = status(renewed).await.unwrap();
        assert_eq!((revoked.status.as_str(), revoked.superseded_by.as_deref(), revoked.reason), ("revoked", None, Some(offsign::RevocationReason::KeyCompromise)));
        assert!(revoked.revoked_at.is_some());
        // Revoking the renewed certificate revokes the one it replaced too: no longer "superseded".
        let old = status(s.serial.clone()).await.unwrap();
        assert_eq!(old.status, "revoked", "{old:?}");
        assert_eq!(status("no-such-serial".into()).await.unwrap_err(), "cert_unknown");
        assert_eq!(status("x".repeat(300)).await.unwrap_err(), "cert_unknown");
    }
}
