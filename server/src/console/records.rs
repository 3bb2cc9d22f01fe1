//! Records: the search (by worker, text, dates, chain gaps) with its CSV export, a record's
//! page (payload, verdict now, receipt, chain position and neighbours), and the open gaps in
//! the signers' chains.

use super::auth::{signed_in, MAX_FIELD_CHARS};
use super::layout::{page, shown, table_head, urlencode};
use crate::api::{blocking, ApiError, AppState};
use crate::storage::{AuditEntry, ChainGap, Cursor, EvidenceRow, RecordSearch, RecordSummary, Storage, StoredRecord};
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use offsign::{ErrorCode, PublicKey, Timestamp, DAY_MS};
use serde::Deserialize;
use std::sync::Arc;

/// Records shown on a page of the list.
const RECORDS_PER_PAGE: u32 = 100;
/// Records read per step of a CSV export.
const CSV_STEP: u32 = 1_000;
/// Gaps listed at most.
const GAPS_SHOWN: u32 = 500;

/// CSV exports running at once: each reads the whole search, so that more wait their turn
/// as `rate_limited` rather than slow every sync.
static EXPORTS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// The records list's query, as its form sends it.
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct RecordsQuery {
    #[serde(default)]
    worker: String,
    #[serde(default)]
    q: String,
    /// A day, `YYYY-MM-DD` (an `<input type="date">`).
    #[serde(default)]
    from: String,
    /// A day, included.
    #[serde(default)]
    to: String,
    /// `1`: only records after a gap.
    #[serde(default)]
    gap: String,
    /// The page before's last row: its signing time and id.
    #[serde(default)]
    after_at: String,
    #[serde(default)]
    after: String,
}

/// The start of `day` (`YYYY-MM-DD`), and of the day after, as records store times.
fn day_bounds(day: &str) -> Option<(String, String)> {
    let valid = day.len() == 10 && day.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    let start = Timestamp::parse_rfc3339(&format!("{day}T00:00:00Z")).ok().filter(|_| valid)?;
    Some((start.to_string(), start.plus_millis(DAY_MS).to_string()))
}

impl RecordsQuery {
    /// The storage search and the cursor, or what is wrong with the query.
    fn search(&self) -> Result<(RecordSearch, Option<Cursor>), String> {
        let bound = |day: &str, pick: fn((String, String)) -> String| -> Result<String, String> {
            if day.is_empty() {
                return Ok(String::new());
            }
            day_bounds(day).map(pick).ok_or_else(|| format!("{day:.20} is not a day (YYYY-MM-DD)"))
        };
        let search = RecordSearch {
            worker: self.worker.chars().take(MAX_FIELD_CHARS).collect(),
            text: self.q.trim().chars().take(MAX_FIELD_CHARS).collect(),
            from: bound(&self.from, |(start, _)| start)?,
            to: bound(&self.to, |(_, next)| next)?,
            after_gap: self.gap == "1",
        };
        let cursor = (!self.after.is_empty()).then(|| Cursor { at: self.after_at.chars().take(40).collect(), key: self.after.chars().take(64).collect() });
        Ok((search, cursor))
    }

    /// The query string of this search (without its cursor).
    fn query_string(&self) -> String {
        format!("worker={}&q={}&from={}&to={}&gap={}", urlencode(&self.worker), urlencode(&self.q), urlencode(&self.from), urlencode(&self.to), urlencode(&self.gap))
    }
}

/// A refusal of a query the console cannot read, as a page.
fn bad_query(message: String) -> Response {
    ApiError::malformed(message).into_response()
}

pub(super) async fn records<S: Storage>(State(state): State<Arc<AppState<S>>>, headers: HeaderMap, Query(query): Query<RecordsQuery>) -> Result<Response, Response> {
    let signed = signed_in(&state, &headers, "/admin/records").await.map_err(IntoResponse::into_response)?;
    let (search, cursor) = query.search().map_err(bad_query)?;
    let listed = blocking(&state, move |state| Ok(state.storage.records(&search, cursor.as_ref(), RECORDS_PER_PAGE)?)).await.map_err(IntoResponse::into_response)?;
    let next = (listed.len() == RECORDS_PER_PAGE as usize).then(|| listed.last()).flatten();
    let here = query.query_string();
    Ok(page("Records", Some(&signed.session), html! {
        h1 { "Records" }
        form method="get" action="/admin/records" role="search" class="filters" {
            label { "Worker id " input name="worker" value=(query.worker); }
            label { "Document name or reference begins with " input name="q" type="search" value=(query.q); }
            label { "Signed from " input name="from" type="date" value=(query.from); }
            label { "Signed until " input name="to" type="date" value=(query.to); }
            label class="inline" { input name="gap" type="checkbox" value="1" checked[query.gap == "1"]; " Only records after a gap in their chain" }
            button type="submit" { "Search" }
        }
        p { a href={ "/admin/records.csv?" (here) } download { "Download this search as CSV" } }
        (record_table("Records, newest signature first", &listed))
        @if let Some(last) = next {
            p { a href={ "/admin/records?" (here) "&after_at=" (urlencode(&last.signed_at)) "&after=" (urlencode(&last.id)) } { "Next page" } }
        }
    }).into_response())
}

/// A table of records.
fn record_table(caption: &str, records: &[RecordSummary]) -> Markup {
    html! {
        table {
            (table_head(caption, &["Signed (UTC)", "Worker", "Document", "Reference", "In chain", "Arrived (UTC)"]))
            tbody {
                @for r in records {
                    tr {
                        td { a href={ "/admin/record?id=" (urlencode(&r.id)) } { (r.signed_at) } }
                        td { a href={ "/admin/worker?id=" (urlencode(&r.worker)) } { (r.worker) } }
                        td { (r.doc_name) } td { (r.reference) }
                        td { "#" (r.seq) @if r.chain_gap { " (after a gap)" } }
                        td { (shown(r.received_at)) }
                    }
                }
            }
        }
    }
}

/// A cell as a spreadsheet should take it: text that a spreadsheet would read as a formula
/// (`=`, `+`, `-`, `@`, a tab or a carriage return first) gets a `'` before it, so that a
/// document name chosen by a device cannot run in the administrator's spreadsheet.
fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// The CSV of a search: every matching record, read and sent a thousand at a time.
pub(super) async fn records_csv<S: Storage>(State(state): State<Arc<AppState<S>>>, headers: HeaderMap, Query(query): Query<RecordsQuery>) -> Result<Response, Response> {
    signed_in(&state, &headers, "/admin/records.csv").await.map_err(IntoResponse::into_response)?;
    let (search, _) = query.search().map_err(bad_query)?;
    let permit = EXPORTS
        .try_acquire()
        .map_err(|_| ApiError::new(StatusCode::TOO_MANY_REQUESTS, ErrorCode::RateLimited, "two exports are running: try again when one is done").into_response())?;
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(4);
    let state = state.clone();
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let mut cursor: Option<Cursor> = None;
        let mut first = true;
        loop {
            let rows = match state.storage.records(&search, cursor.as_ref(), CSV_STEP) {
                Ok(rows) => rows,
                Err(e) => {
                    tracing::error!("records export: {e}");
                    let _ = sender.blocking_send(Err(std::io::Error::other("the export stopped: the database could not be read")));
                    return;
                }
            };
            let mut csv = csv::Writer::from_writer(Vec::new());
            if std::mem::take(&mut first) {
                let _ = csv.write_record(["record_id", "worker", "key_id", "seq", "signed_at", "received_at", "document", "reference", "after_gap"]);
            }
            for r in &rows {
                let (seq, received) = (r.seq.to_string(), shown(r.received_at));
                let _ = csv.write_record([
                    spreadsheet_safe(&r.id).as_ref(),
                    &spreadsheet_safe(&r.worker),
                    &spreadsheet_safe(&r.kid),
                    &seq,
                    &r.signed_at,
                    &received,
                    &spreadsheet_safe(&r.doc_name),
                    &spreadsheet_safe(&r.reference),
                    if r.chain_gap { "yes" } else { "no" },
                ]);
            }
            let bytes = csv.into_inner().unwrap_or_default();
            // The administrator closed the download, or reads it so slowly that a minute goes by
            // without room for the next thousand rows: stop reading (the slot is freed).
            if !send_within(&sender, Ok(bytes), std::time::Duration::from_secs(60)) || rows.len() < CSV_STEP as usize {
                return;
            }
            cursor = rows.last().map(|r| Cursor { at: r.signed_at.clone(), key: r.id.clone() });
        }
    });
    let body = Body::from_stream(futures_util::stream::poll_fn(move |cx| receiver.poll_recv(cx)));
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8")),
            (header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"offsign-records.csv\"")),
        ],
        body,
    )
        .into_response())
}

/// Sends `chunk` through `sender` from a blocking thread, waiting at most `patience` for room;
/// whether it went.
fn send_within(sender: &tokio::sync::mpsc::Sender<Result<Vec<u8>, std::io::Error>>, chunk: Result<Vec<u8>, std::io::Error>, patience: std::time::Duration) -> bool {
    let deadline = std::time::Instant::now() + patience;
    let mut chunk = chunk;
    loop {
        match sender.try_send(chunk) {
            Ok(()) => return true,
            Err(tokio::sync::mpsc::error::TrySendError::Closed(_)) => return false,
            Err(tokio::sync::mpsc::error::TrySendError::Full(back)) if std::time::Instant::now() < deadline => {
                chunk = back;
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(tokio::sync::mpsc::error::TrySendError::Full(_)) => return false,
        }
    }
}

/// A record page's query.
#[derive(Deserialize)]
pub(super) struct RecordQuery {
    #[serde(default)]
    id: String,
}

/// `/admin/record/bundle?id=`: the record's evidence bundle as a ZIP download, for an auditor or
/// an administrator; each download is in the audit log (evidence is personal data).
pub(super) async fn record_bundle<S: Storage>(State(state): State<Arc<AppState<S>>>, headers: HeaderMap, Query(query): Query<RecordQuery>) -> Result<Response, Response> {
    let signed = signed_in(&state, &headers, "/admin/record/bundle").await.map_err(IntoResponse::into_response)?;
    let id = query.id.chars().take(64).collect::<String>();
    let actor = signed.session.name.clone();
    let zip = blocking(&state, move |state| {
        let Some(record) = state.storage.record(&id)? else { return Ok(None) };
        let zip = crate::evidence::bundle(state, &record)?;
        state.storage.audit(&AuditEntry { at: crate::api::now().millis(), actor, action: "bundle_downloaded".into(), detail: format!("record {id}") })?;
        Ok(Some((id, zip)))
    })
    .await
    .map_err(IntoResponse::into_response)?;
    let Some((id, zip)) = zip else {
        return Err(ApiError::new(StatusCode::NOT_FOUND, ErrorCode::RecordUnknown, "no record has this id").into_response());
    };
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"offsign-record-{id}.zip\"")).map_err(|_| StatusCode::BAD_REQUEST.into_response())?;
    Ok(([(header::CONTENT_TYPE, HeaderValue::from_static("application/zip")), (header::CONTENT_DISPOSITION, disposition)], zip).into_response())
}

/// What the console found when it checked a record again: its signature under its
/// certificate's key, and the receipt under the authority's key.
struct Checked {
    signature: Result<offsign::RecordPayload, String>,
    receipt: Result<offsign::Receipt, String>,
}

/// Everything the record page shows.
struct RecordView {
    record: StoredRecord,
    evidence: Vec<EvidenceRow>,
    checked: Checked,
    before: Option<RecordSummary>,
    after: Option<RecordSummary>,
}

pub(super) async fn record<S: Storage>(State(state): State<Arc<AppState<S>>>, headers: HeaderMap, Query(query): Query<RecordQuery>) -> Result<Response, Response> {
    let signed = signed_in(&state, &headers, "/admin/record").await.map_err(IntoResponse::into_response)?;
    let id = query.id.chars().take(64).collect::<String>();
    let view = blocking(&state, move |state| {
        let Some(record) = state.storage.record(&id)? else { return Ok(None) };
        let key = state.storage.certificate(&record.cert_serial)?.and_then(|c| PublicKey::from_jwk_json(&c.jwk).ok());
        let signature = match key {
            Some(key) => offsign::verify_record(&record.jws, &key, None).map_err(|e| e.to_string()),
            None => Err("its certificate is not in the database".to_owned()),
        };
        let receipt = offsign::verify_receipt(&record.receipt, state.authority.public_key())
            .map_err(|e| e.to_string())
            .and_then(|r| if r.id == record.id && r.hash == record.hash { Ok(r) } else { Err("the receipt is for another record".into()) });
        let (before, after) = state.storage.chain_neighbours(&record.kid, record.seq)?;
        let evidence = state.storage.evidence(&record.id)?;
        Ok(Some(RecordView { record, evidence, checked: Checked { signature, receipt }, before, after }))
    })
    .await
    .map_err(IntoResponse::into_response)?;
    let Some(view) = view else {
        return Err((StatusCode::NOT_FOUND, page("No such record", Some(&signed.session), html! { h1 { "No record has this id" } })).into_response());
    };
    let r = &view.record;
    let gap_before = view.before.as_ref().map_or(r.seq > 1, |b| b.seq + 1 < r.seq);
    Ok(page("Record", Some(&signed.session), html! {
        h1 { "Record " code { (r.id) } }
        dl {
            dt { "Worker" } dd { a href={ "/admin/worker?id=" (urlencode(&r.worker)) } { (r.worker) } }
            dt { "Signed (device time, UTC)" } dd { (r.signed_at) }
            dt { "Arrived (UTC)" } dd { (shown(r.received_at)) }
            dt { "Key id" } dd { code { (r.kid) } }
            dt { "Certificate" } dd { code { (r.cert_serial) } }
            dt { "Signature" } dd {
                @match &view.checked.signature {
                    Ok(_) => "valid: signed by the certified key",
                    Err(why) => strong role="alert" { "does not verify: " (why) },
                }
            }
            dt { "Receipt" } dd {
                @match &view.checked.receipt {
                    Ok(receipt) => { "signed by this server's authority; received " (receipt.received_at) }
                    Err(why) => strong role="alert" { "does not verify: " (why) },
                }
            }
            dt { "Record hash" } dd { code { (r.hash) } }
        }
        @if let Ok(payload) = &view.checked.signature {
            h2 { "Document" }
            dl {
                dt { "Name" } dd { (payload.doc.name.as_deref().unwrap_or("(none)")) }
                dt { "Type" } dd { (payload.doc.media_type.as_deref().unwrap_or("(none)")) }
                dt { "Size (bytes)" } dd { (payload.doc.size.map(|s| s.to_string()).unwrap_or_default()) }
                dt { "SHA-256 (base64url)" } dd { code { (payload.doc.sha256) } }
            }
            h2 { "Claims" }
            @if payload.claims.is_empty() { p { "None." } }
            @else {
                dl {
                    @for (name, value) in &payload.claims {
                        dt { (name) }
                        dd { @match value { serde_json::Value::String(text) => (text), other => code { (other.to_string()) } } }
                    }
                }
            }
        }
        h2 { "Evidence" }
        @if view.evidence.is_empty() { p { "The server holds none of this record's evidence yet: the device sends it after the record." } }
        @else {
            ul {
                @for piece in &view.evidence {
                    li { (piece.kind) ": " (piece.size) " bytes, checked against the signed digest and kept " (shown(piece.stored_at)) }
                }
            }
        }
        p {
            a href={ "/admin/record/bundle?id=" (urlencode(&r.id)) } download { "Download the evidence bundle (.zip)" }
            " — the record, its certificate and status, the receipt and the evidence, for anyone to check with "
            code { "offsign verify-bundle" } "."
        }
        h2 { "Chain" }
        p {
            "Number " (r.seq) " in the chain of key " code { (r.kid) } "."
            @if gap_before { " " strong { "Records before it are missing" } " (see " a href="/admin/gaps" { "chain gaps" } ")." }
        }
        ul {
            @if let Some(b) = &view.before { li { "Before: " a href={ "/admin/record?id=" (urlencode(&b.id)) } { "#" (b.seq) ", signed " (b.signed_at) } } }
            @if let Some(a) = &view.after { li { "After: " a href={ "/admin/record?id=" (urlencode(&a.id)) } { "#" (a.seq) ", signed " (a.signed_at) } } }
        }
        details {
            summary { "The record and its receipt as sent (JWS)" }
            pre { (r.jws) }
            pre { (r.receipt) }
        }
    }).into_response())
}

pub(super) async fn gaps<S: Storage>(State(state): State<Arc<AppState<S>>>, headers: HeaderMap) -> Result<Response, Response> {
    let signed = signed_in(&state, &headers, "/admin/gaps").await.map_err(IntoResponse::into_response)?;
    let gaps: Vec<ChainGap> = blocking(&state, |state| Ok(state.storage.open_gaps(GAPS_SHOWN)?)).await.map_err(IntoResponse::into_response)?;
    let now = crate::api::now().millis();
    Ok(page("Chain gaps", Some(&signed.session), html! {
        h1 { "Chain gaps" }
        p { "Records a device signed that have not arrived, though later ones did (or a key enrolled in its place said its chain went that far): the device may still send them, or they were lost. And chains that do not link to the key enrolled in their place." }
        @if gaps.is_empty() { p { "No chain has a gap." } }
        @else {
            table {
                (table_head("Missing records per device key, the longest missing first", &["Worker", "Key id", "Missing numbers", "Missing for", "Record after the gap"]))
                tbody {
                    @for g in &gaps {
                        tr {
                            td { a href={ "/admin/worker?id=" (urlencode(&g.worker)) } { (g.worker) } }
                            td { code { (g.kid) } }
                            td { @if g.first_missing == g.last_missing { (g.first_missing) } @else { (g.first_missing) "–" (g.last_missing) } }
                            td { (duration(now - g.since)) }
                            td {
                                @if g.broken_link { strong { "The chains do not link: " } "key " code { (g.continued_by.as_deref().unwrap_or_default()) } "'s device said this chain ended at #" (g.last_missing) ", but the server holds another record there or records after it. The old key may have signed elsewhere: look at its records." }
                                @else if let Some(kid) = &g.continued_by { "none: the chain ended there, and key " code { (kid) } " took over" }
                                @else { a href={ "/admin/record?id=" (urlencode(&g.next_id)) } { "#" (g.last_missing + 1) } }
                            }
                        }
                    }
                }
            }
        }
    }).into_response())
}

/// Refused records shown at most.
const REFUSALS_SHOWN: u32 = 200;

/// The refused records page's query.
#[derive(Deserialize)]
pub(super) struct RefusedQuery {
    #[serde(default)]
    code: String,
}

/// Records the server refused: the kept refusals (of signers whose signature verified) with
/// their worker and the reason's remedy; refusals of strangers are only counted (overview).
pub(super) async fn refused<S: Storage>(State(state): State<Arc<AppState<S>>>, headers: HeaderMap, Query(query): Query<RefusedQuery>) -> Result<Response, Response> {
    let signed = signed_in(&state, &headers, "/admin/refused").await.map_err(IntoResponse::into_response)?;
    let code = query.code.chars().take(64).collect::<String>();
    let lookup = code.clone();
    let rows = blocking(&state, move |state| Ok(state.storage.refusals(&lookup, REFUSALS_SHOWN)?)).await.map_err(IntoResponse::into_response)?;
    let remedy = ErrorCode::parse(&code).map(ErrorCode::default_remedy);
    Ok(page("Refused records", Some(&signed.session), html! {
        h1 { "Refused records" @if !code.is_empty() { " — " code { (code) } } }
        @if let Some(remedy) = remedy { p { "What the worker is told: " (remedy) } }
        p { "The newest " (REFUSALS_SHOWN) " refusals of records whose signature verified under a certificate issued here. Records from unknown or unverifiable signers are only counted, per day and code (see the overview)." }
        table {
            (table_head("Refused records, newest first", &["Arrived (UTC)", "Worker", "Device key", "Record id", "Code"]))
            tbody {
                @for (r, worker) in &rows {
                    tr {
                        td { (shown(r.received_at)) }
                        td { a href={ "/admin/worker?id=" (urlencode(worker)) } { (worker) } }
                        td { a href={ "/admin/device?kid=" (urlencode(&r.kid)) } { code { (r.kid) } } }
                        td { code { (r.id) } }
                        td { a href={ "/admin/refused?code=" (urlencode(&r.code)) } { code { (r.code) } } }
                    }
                }
            }
        }
    })
    .into_response())
}

/// A duration (ms) in words: days, hours or minutes.
pub(super) fn duration(ms: i64) -> String {
    let minutes = ms.max(0) / 60_000;
    match minutes {
        m if m >= 2 * 24 * 60 => format!("{} days", m / (24 * 60)),
        m if m >= 120 => format!("{} hours", m / 60),
        m => format!("{m} minutes"),
    }
}
