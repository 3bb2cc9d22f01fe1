//! Workers: enrollment codes, the list and search, each worker's certificates, revocation;
//! and the audit log.

use crate::admin;
use crate::api::{self, blocking, AppState, ApiError};
use crate::storage::{DeviceSearch, CertificateRow, RevokeTarget, Role, Storage};
use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use maud::{html, Markup};
use serde::Deserialize;
use std::sync::Arc;
use super::auth::{Https, may_change, signed_in, wants_json, MAX_FIELD_CHARS};
use super::devices::device_table;
use super::layout::{page, shown, table_head, urlencode};

/// The enrollment form's fields.
#[derive(Deserialize)]
pub(super) struct EnrollForm {
    #[serde(default)]
    csrf: String,
    worker: String,
    days: u32,
    expires_hours: u32,
}

/// The field app's address on this server — `--public-url`, or as the administrator's browser
/// reached it (its `Host`, and https when a trusted proxy said so) — followed by `#enroll=CODE`: the app opens
/// straight into enrollment with the code filled in. The code is in the fragment, which
/// browsers never send to a server, so no log keeps it.
fn enrollment_link(public_url: Option<&str>, headers: &HeaderMap, https: bool, code: &str) -> String {
    if let Some(base) = public_url {
        return format!("{base}/#enroll={code}");
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| !h.is_empty() && h.len() <= 255 && h.chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c)))
        .unwrap_or("127.0.0.1:8080");
    format!("{}://{host}/#enroll={code}", if https { "https" } else { "http" })
}

/// `text` as a QR code, an SVG for the page.
fn qr_svg(text: &str) -> Option<maud::PreEscaped<String>> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    let svg = code.render::<qrcode::render::svg::Color<'_>>().min_dimensions(240, 240).build();
    // The XML declaration has no place inside an HTML page.
    let svg = svg.find("<svg").map(|at| svg[at..].to_owned())?;
    Some(maud::PreEscaped(svg.replacen("<svg ", "<svg role=\"img\" aria-label=\"QR code of the enrollment link\" ", 1)))
}

pub(super) async fn enroll<S: Storage>(
    State(state): State<Arc<AppState<S>>>,
    axum::Extension(Https(https)): axum::Extension<Https>,
    headers: HeaderMap,
    Form(form): Form<EnrollForm>,
) -> Response {
    let signed = match may_change(&state, &headers, "/admin/enroll", &form.csrf, true).await {
        Ok(signed) => signed,
        Err(refused) => return refused.into_response(),
    };
    let (worker, actor) = (form.worker.clone(), signed.session.name.clone());
    let issued = blocking(&state, move |state| {
        admin::issue_enrollment_code(&state.storage, &actor, &form.worker, form.days, form.expires_hours).map_err(ApiError::malformed)
    })
    .await;
    let (code, expires_at) = match issued {
        Ok(issued) => issued,
        Err(e) => return e.into_response(),
    };
    if wants_json(&headers, "/admin/enroll") {
        return Json(serde_json::json!({ "code": code, "worker": worker, "expiresAt": expires_at.to_string(), "link": enrollment_link(state.public_url.as_deref(), &headers, https, &code) }))
            .into_response();
    }
    let link = enrollment_link(state.public_url.as_deref(), &headers, https, &code);
    page("Enrollment code", Some(&signed.session), html! {
        h1 { "Enrollment code for " (worker) }
        p { "Give the worker this code; it works once, until " (expires_at.to_string()) "." }
        p class="code" { output { (code) } }
        p { "Or let the worker open this link on the phone, or scan the QR code with the app's " em { "Scan" } " button or the phone's camera:" }
        p { a href=(link) { (link) } }
        @if let Some(svg) = qr_svg(&link) { figure class="qr" { (svg) } }
        p { a href="/admin" { "Back to the overview" } }
    })
    .into_response()
}

pub(super) async fn audit<S: Storage>(State(state): State<Arc<AppState<S>>>, request: Request) -> Response {
    let signed = match signed_in(&state, request.headers(), "/admin/audit").await {
        Ok(signed) => signed,
        Err(refused) => return refused.into_response(),
    };
    let lines = match blocking(&state, |state| Ok(state.storage.audit_log(200)?)).await {
        Ok(lines) => lines,
        Err(e) => return e.into_response(),
    };
    page("Audit log", Some(&signed.session), html! {
        h1 { "Audit log" }
        table {
            (table_head("The newest 200 changes and logins, newest first", &["When (UTC)", "Who", "What", "Details"]))
            tbody {
                @for line in &lines {
                    tr {
                        td { (shown(line.at)) }
                        td { (line.actor) } td { (line.action) } td { (line.detail) }
                    }
                }
            }
        }
    })
    .into_response()
}

/// Workers shown on a page of the list.
const WORKERS_PER_PAGE: u32 = 100;

/// The workers list's query: a search and the last worker of the page before.
#[derive(Deserialize)]
pub(super) struct WorkersQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    after: String,
    /// Only the workers whose newest live certificate expires within this many days.
    expiring: Option<u32>,
}

pub(super) async fn workers<S: Storage>(State(state): State<Arc<AppState<S>>>, headers: HeaderMap, Query(query): Query<WorkersQuery>) -> Response {
    let signed = match signed_in(&state, &headers, "/admin/workers").await {
        Ok(signed) => signed,
        Err(refused) => return refused.into_response(),
    };
    let (search, after) = (query.q.chars().take(MAX_FIELD_CHARS).collect::<String>(), query.after.clone());
    let lookup = search.clone();
    let expiring = query.expiring.filter(|days| (1..=3650).contains(days));
    let within = expiring.map(|days| i64::from(days) * offsign::DAY_MS);
    let listed = blocking(&state, move |state| Ok(state.storage.workers(&lookup, &after, WORKERS_PER_PAGE, api::now().millis(), within)?)).await;
    let listed = match listed {
        Ok(listed) => listed,
        Err(e) => return e.into_response(),
    };
    let next = (listed.len() == WORKERS_PER_PAGE as usize).then(|| listed.last().map(|w| w.worker.clone())).flatten();
    page("Workers", Some(&signed.session), html! {
        h1 { "Workers" }
        @if let Some(days) = expiring { p { "Only workers whose certificate expires within " (days) " days. " a href="/admin/workers" { "All workers" } } }
        form method="get" action="/admin/workers" role="search" {
            label { "Search by worker id " input name="q" type="search" value=(search); }
            button type="submit" { "Search" }
        }
        table {
            (table_head("Workers with a certificate, by id", &["Worker", "Certificates", "Live", "Newest expires (UTC)"]))
            tbody {
                @for w in &listed {
                    tr {
                        td { a href={ "/admin/worker?id=" (urlencode(&w.worker)) } { (w.worker) } }
                        td { (w.certificates) } td { (w.live) } td { (shown(w.newest_exp)) }
                    }
                }
            }
        }
        @if let Some(next) = next {
            p { a href={ "/admin/workers?q=" (urlencode(&search)) "&after=" (urlencode(&next)) @if let Some(days) = expiring { "&expiring=" (days) } } { "Next page" } }
        }
    })
    .into_response()
}

/// A worker page's query.
#[derive(Deserialize)]
pub(super) struct WorkerQuery {
    #[serde(default)]
    id: String,
}

/// What a certificate is now, in words.
fn certificate_state(cert: &CertificateRow, now: i64) -> String {
    match cert.revocation() {
        Some(reason) if reason.keeps_earlier_records() => format!("revoked ({}): records signed before stay good", reason.as_str()),
        Some(reason) => format!("revoked ({}): every record refused", reason.as_str()),
        None if cert.renewed() => "renewed".into(),
        None if cert.exp <= now => "expired".into(),
        None if cert.nbf > now => "not yet valid".into(),
        None => "live".into(),
    }
}

pub(super) async fn worker<S: Storage>(State(state): State<Arc<AppState<S>>>, headers: HeaderMap, Query(query): Query<WorkerQuery>) -> Response {
    let signed = match signed_in(&state, &headers, "/admin/worker").await {
        Ok(signed) => signed,
        Err(refused) => return refused.into_response(),
    };
    let id = query.id.clone();
    let found = blocking(&state, move |state| {
        let devices = state.storage.devices(&DeviceSearch { worker: id.clone(), ..Default::default() }, None, 100)?;
        Ok((state.storage.worker_certificates(&id)?, devices))
    });
    let (certificates, devices) = match found.await {
        Ok(found) => found,
        Err(e) => return e.into_response(),
    };
    let now = api::now().millis();
    let admin = signed.session.role == Role::Admin;
    let any_live = certificates.iter().any(|c| c.revoked_at.is_none());
    page(&query.id, Some(&signed.session), html! {
        h1 { "Worker " (query.id) }
        p { a href={ "/admin/records?worker=" (urlencode(&query.id)) } { "Records signed by " (query.id) } " · " a href={ "/admin/reports?worker=" (urlencode(&query.id)) } { "Failure reports from " (query.id) "'s devices" } }
        @if certificates.is_empty() { p { "No certificate was issued to this worker." } }
        @else {
            table {
                (table_head("Certificates, newest first", if admin { &["Serial", "Key id", "Valid from (UTC)", "Until", "State", "Action"] } else { &["Serial", "Key id", "Valid from (UTC)", "Until", "State"] }))
                tbody {
                    @for cert in &certificates {
                        tr {
                            td { code { (cert.serial) } } td { code { (cert.kid) } }
                            td { (shown(cert.nbf)) } td { (shown(cert.exp)) }
                            td {
                                (certificate_state(cert, now))
                                @if let Some(link) = &cert.continues {
                                    br; "Continues key " code { (link.kid) } @if link.seq > 0 { " after its record #" (link.seq) } " (enrolled again on the same device)"
                                }
                            }
                            @if admin {
                                td {
                                    @if cert.revoked_at.is_none() {
                                        form method="post" action="/admin/revoke" {
                                            input type="hidden" name="csrf" value=(signed.session.csrf);
                                            input type="hidden" name="serial" value=(cert.serial);
                                            (reason_choice(&format!("reason-{}", cert.serial)))
                                            button type="submit" aria-label={ "Revoke certificate " (cert.serial) } { "Revoke" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if admin && any_live {
                form method="post" action="/admin/revoke" {
                    input type="hidden" name="csrf" value=(signed.session.csrf);
                    input type="hidden" name="worker" value=(query.id);
                    (reason_choice("reason-all"))
                    button type="submit" { "Revoke every certificate of " (query.id) }
                }
            }
        }
        h2 { "Devices" }
        @if devices.is_empty() { p { "No device of this worker has been heard from." } }
        @else { (device_table("This worker's devices, the longest silent first", &devices, now)) }
    })
    .into_response()
}

/// The reasons an administrator chooses from, with what each does to the worker's records.
const REASON_CHOICES: [(offsign::RevocationReason, &str); 5] = [
    (offsign::RevocationReason::Superseded, "Superseded: a new key replaces it (forgotten PIN, new phone, expired). Records signed before stay good."),
    (offsign::RevocationReason::KeyCompromise, "Key compromised: a lost or stolen device, a PIN someone else knows. Every record under it is refused, also those still waiting on the device."),
    (offsign::RevocationReason::CessationOfOperation, "Stopped signing for us: the worker left. Records signed before stay good."),
    (offsign::RevocationReason::AffiliationChanged, "Moved: the worker changed team or employer. Records signed before stay good."),
    (offsign::RevocationReason::PrivilegeWithdrawn, "May no longer sign. Records signed before stay good."),
];

/// The reason list of a revoke form (`id` tells its label apart from the others on the page).
fn reason_choice(id: &str) -> Markup {
    html! {
        label for=(id) { "Reason" }
        select id=(id) name="reason" required {
            option value="" { "Choose why" }
            @for (reason, words) in REASON_CHOICES { option value=(reason.as_str()) { (words) } }
        }
    }
}

/// The revoke form's fields: a serial, or a worker for all its certificates, and the reason.
#[derive(Deserialize)]
pub(super) struct RevokeForm {
    #[serde(default)]
    csrf: String,
    serial: Option<String>,
    worker: Option<String>,
    #[serde(default)]
    reason: String,
}

pub(super) async fn revoke<S: Storage>(State(state): State<Arc<AppState<S>>>, headers: HeaderMap, Form(form): Form<RevokeForm>) -> Response {
    let signed = match may_change(&state, &headers, "/admin/revoke", &form.csrf, true).await {
        Ok(signed) => signed,
        Err(refused) => return refused.into_response(),
    };
    let actor = signed.session.name.clone();
    let outcome = blocking(&state, move |state| {
        let reason = offsign::RevocationReason::parse(&form.reason)
            .ok_or_else(|| ApiError::malformed("choose a reason: superseded, keyCompromise, cessationOfOperation, affiliationChanged or privilegeWithdrawn"))?;
        let (target, worker) = match (form.serial, form.worker) {
            (Some(serial), _) => {
                let worker = state.storage.certificate(&serial)?.map(|c| c.worker).ok_or_else(|| ApiError::malformed("no certificate has this serial"))?;
                (RevokeTarget::Serial(serial), worker)
            }
            (None, Some(worker)) if worker.len() <= 256 => (RevokeTarget::Worker(worker.clone()), worker),
            (None, Some(_)) => return Err(ApiError::malformed("a worker id has at most 256 bytes")),
            (None, None) => return Err(ApiError::malformed("give a serial or a worker")),
        };
        Ok((state.storage.batch(|b| admin::revoke(b, &actor, &target, reason, &worker))?, worker))
    })
    .await;
    let (revoked, worker) = match outcome {
        Ok(outcome) => outcome,
        Err(e) => return e.into_response(),
    };
    if wants_json(&headers, "/admin/revoke") {
        return Json(serde_json::json!({ "worker": worker, "revoked": revoked })).into_response();
    }
    Redirect::to(&format!("/admin/worker?id={}", urlencode(&worker))).into_response()
}
