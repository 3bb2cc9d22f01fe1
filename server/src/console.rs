//! The administrators' console under `/admin`: server-rendered pages (maud), no script.
//!
//! Accounts are made from the command line (`offsign-server admin add`), which prints a
//! one-time link to set the password (Argon2id). A login that succeeds gets a session: an
//! HttpOnly, SameSite=Strict cookie (Secure behind an HTTPS proxy) holding a random token
//! the server keeps only as a hash, for eight hours. Every change (a POST) carries the
//! session's CSRF token in a form field; an auditor sees everything and changes nothing.
//! Wrong passwords lock an account for a while, and logins share the API's per-client rate
//! limit. Every change, and every login, is written to the audit log, shown in the console.
//!
//! A request that asks for JSON (`Accept: application/json`, or any `/admin/api/` path) is
//! refused as the API refuses, `{code, message}` with a code of the error table.

use crate::api::{self, blocking, AppState, ApiError, ApiResult};
use crate::storage::{AuditEntry, CertificateRow, RevokeTarget, Role, Session, Storage, SUPERSEDED};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use maud::{html, Markup, DOCTYPE};
use offsign::ErrorCode;
use serde::Deserialize;
use sha2::Digest;
use std::sync::Arc;

/// The session cookie's name.
const COOKIE: &str = "offsign_console";
/// How long a session lasts (ms).
const SESSION_MS: i64 = 8 * 3_600_000;
/// How long a setup link is valid (ms).
pub const SETUP_MS: i64 = 72 * 3_600_000;
/// Wrong passwords in a row that lock an account, and for how long (ms).
const LOCK_AFTER: u32 = 5;
const LOCK_MS: i64 = 15 * 60_000;
/// The shortest password an account may have.
const MIN_PASSWORD_CHARS: usize = 12;
/// The longest name or password read (a longer one is refused before any hashing).
const MAX_FIELD_CHARS: usize = 256;

/// The console's routes.
pub fn routes<S: Storage>(state: Arc<AppState<S>>) -> Router {
    Router::new()
        .route("/admin", get(overview::<S>))
        .route("/admin/login", get(login_page).post(login::<S>))
        .route("/admin/logout", post(logout::<S>))
        .route("/admin/setup", get(setup_page::<S>).post(setup::<S>))
        .route("/admin/enroll", post(enroll::<S>))
        .route("/admin/workers", get(workers::<S>))
        .route("/admin/worker", get(worker::<S>))
        .route("/admin/revoke", post(revoke::<S>))
        .route("/admin/audit", get(audit::<S>))
        .route("/admin/api/me", get(me::<S>))
        .route("/admin/console.css", get(stylesheet))
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), api::limit_and_measure::<S>))
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), mark_https::<S>))
        // Forms are small; and no page (a code, a form token) is kept by a cache or history.
        .layer(axum::extract::DefaultBodyLimit::max(16 << 10))
        .layer(axum::middleware::map_response(|mut response: Response| async move {
            response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }))
        .with_state(state)
}

/// A random token (256 bits) as hex.
pub fn new_token() -> Result<String, String> {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).map_err(|e| format!("no randomness: {e}"))?;
    Ok(crate::hex::hex(&bytes))
}

/// How a token is kept: the hex SHA-256 of it.
pub fn token_hash(token: &str) -> String {
    crate::hex::hex(&sha2::Sha256::digest(token.as_bytes()))
}

/// The Argon2id PHC string of `password`, with a fresh salt.
fn hash_password(password: &str) -> Result<String, String> {
    let mut salt = [0u8; 16];
    getrandom::getrandom(&mut salt).map_err(|e| format!("no randomness: {e}"))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    Ok(argon2::Argon2::default().hash_password(password.as_bytes(), &salt).map_err(|e| e.to_string())?.to_string())
}

/// Whether `password` is the one `hash` was made from.
fn password_matches(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| argon2::Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// A PHC string of no password, verified when the name is unknown, so that an unknown name
/// takes as long as a wrong password.
static DECOY_HASH: std::sync::LazyLock<Option<String>> = std::sync::LazyLock::new(|| hash_password("no account has this password").ok());

/// Argon2id runs (each about 19 MiB and tens of milliseconds) at once: past two, a login or a
/// password setting is answered `rate_limited` at once rather than queued, so that a flood
/// of logins cannot take the server's memory and cores from the devices' syncs.
static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// The answer while [`HASHING`] is full.
fn busy(json: bool) -> Response {
    Refused { status: StatusCode::TOO_MANY_REQUESTS, code: ErrorCode::RateLimited, message: "too many logins at once: try again in a moment".into(), json }
        .into_response()
}

/// A POST that a browser says comes from another site (`Sec-Fetch-Site`): refused, as a
/// change without its token is (a login made for the victim by another site included).
fn cross_site(headers: &HeaderMap, json: bool) -> Option<Refused> {
    let site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())?;
    matches!(site, "cross-site" | "same-site").then(|| Refused {
        status: StatusCode::FORBIDDEN,
        code: ErrorCode::CsrfRefused,
        message: format!("a console form sent from another site ({site})"),
        json,
    })
}

/// A refusal of the console: a page for people, `{code, message}` for a program.
struct Refused {
    status: StatusCode,
    code: ErrorCode,
    message: String,
    json: bool,
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        if self.json {
            return ApiError::new(self.status, self.code, self.message).into_response();
        }
        if self.code == ErrorCode::LoginRequired {
            return Redirect::to("/admin/login").into_response();
        }
        let body = page("Refused", None, html! {
            h1 { "Not allowed" }
            p role="alert" { (self.message) }
            p { (self.code.default_remedy()) }
            p { a href="/admin" { "Back to the console" } }
        });
        (self.status, body).into_response()
    }
}

/// Whether the request asks for JSON.
fn wants_json(headers: &HeaderMap, path: &str) -> bool {
    path.starts_with("/admin/api/")
        || headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("application/json"))
}

/// The session of a request, read from its cookie.
struct Signed {
    session: Session,
    token_hash: String,
}

/// The session the request's cookie names, or the refusal (`login_required`).
async fn signed_in<S: Storage>(state: &Arc<AppState<S>>, headers: &HeaderMap, path: &str) -> Result<Signed, Refused> {
    let json = wants_json(headers, path);
    let token = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == COOKIE)
        .map(|c| c.value().to_owned());
    let refused = |message: &str| Refused { status: StatusCode::UNAUTHORIZED, code: ErrorCode::LoginRequired, message: message.into(), json };
    let Some(token) = token else { return Err(refused("no session: log in first")) };
    let hash = token_hash(&token);
    let lookup = hash.clone();
    let session = blocking(state, move |state| Ok(state.storage.session(&lookup, api::now().millis())?))
        .await
        .map_err(|_| refused("the session could not be read"))?;
    match session {
        Some(session) => Ok(Signed { session, token_hash: hash }),
        None => Err(refused("the session has ended: log in again")),
    }
}

/// A change's checks: a session, its CSRF token, and (for `admin_only`) the admin role.
async fn may_change<S: Storage>(state: &Arc<AppState<S>>, headers: &HeaderMap, path: &str, csrf: &str, admin_only: bool) -> Result<Signed, Refused> {
    let json = wants_json(headers, path);
    if let Some(refusal) = cross_site(headers, json) {
        return Err(refusal);
    }
    let signed = signed_in(state, headers, path).await?;
    // Compared in constant time: the token is a secret of the session.
    let good: bool = csrf.len() == signed.session.csrf.len()
        && csrf.bytes().zip(signed.session.csrf.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
    if !good {
        return Err(Refused { status: StatusCode::FORBIDDEN, code: ErrorCode::CsrfRefused, message: "the form's token is missing or not this session's".into(), json });
    }
    if admin_only && signed.session.role != Role::Admin {
        return Err(Refused { status: StatusCode::FORBIDDEN, code: ErrorCode::RoleRefused, message: "an auditor sees everything and changes nothing".into(), json });
    }
    Ok(signed)
}

/// Writes a line of the audit log.
async fn audit_line<S: Storage>(state: &Arc<AppState<S>>, actor: &str, action: &str, detail: String) -> ApiResult<()> {
    let entry = AuditEntry { at: api::now().millis(), actor: actor.to_owned(), action: action.to_owned(), detail };
    blocking(state, move |state| Ok(state.storage.audit(&entry)?)).await
}

/// A page of the console: its title, the navigation when signed in, and `body`.
fn page(title: &str, session: Option<&Session>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — offsign console" }
                link rel="stylesheet" href="/admin/console.css";
            }
            body {
                @if let Some(session) = session {
                    header {
                        nav aria-label="Console" {
                            a href="/admin" { "Overview" }
                            a href="/admin/workers" { "Workers" }
                            a href="/admin/audit" { "Audit log" }
                        }
                        form method="post" action="/admin/logout" {
                            span { (session.name) " (" (session.role.as_str()) ")" }
                            input type="hidden" name="csrf" value=(session.csrf);
                            button type="submit" { "Log out" }
                        }
                    }
                }
                main { (body) }
            }
        }
    }
}

async fn stylesheet() -> Response {
    ([(header::CONTENT_TYPE, HeaderValue::from_static("text/css"))], include_str!("console.css")).into_response()
}

async fn login_page() -> Markup {
    login_form(None)
}

fn login_form(problem: Option<&str>) -> Markup {
    page("Log in", None, html! {
        h1 { "offsign console" }
        @if let Some(problem) = problem { p role="alert" { (problem) } }
        form method="post" action="/admin/login" {
            label { "Name " input name="name" autocomplete="username" required; }
            label { "Password " input name="password" type="password" autocomplete="current-password" required; }
            button type="submit" { "Log in" }
        }
    })
}

/// The login form's fields.
#[derive(Deserialize)]
struct Credentials {
    name: String,
    password: zeroize::Zeroizing<String>,
}

async fn login<S: Storage>(
    State(state): State<Arc<AppState<S>>>,
    axum::Extension(Https(secure)): axum::Extension<Https>,
    headers: HeaderMap,
    Form(form): Form<Credentials>,
) -> Response {
    let json = wants_json(&headers, "/admin/login");
    let refused = |status, code, message: &str| Refused { status, code, message: message.into(), json };
    if form.name.chars().count() > MAX_FIELD_CHARS || form.password.chars().count() > MAX_FIELD_CHARS {
        return refused(StatusCode::UNAUTHORIZED, ErrorCode::LoginRefused, "wrong name or password").into_response();
    }
    if let Some(refusal) = cross_site(&headers, json) {
        return refusal.into_response();
    }
    let Ok(_hashing) = HASHING.try_acquire() else { return busy(json) };
    let name = form.name.clone();
    let outcome = blocking(&state, move |state| {
        let now = api::now().millis();
        if !state.storage.reserve_login(&form.name, now, LOCK_AFTER, LOCK_MS)? {
            return Ok(Err(ErrorCode::LoginLocked));
        }
        let account = state.storage.account(&form.name)?;
        let hash = account.as_ref().and_then(|a| a.password_hash.clone()).or_else(|| DECOY_HASH.clone()).unwrap_or_default();
        let matches = password_matches(&form.password, &hash) && account.as_ref().is_some_and(|a| a.password_hash.is_some());
        if !matches {
            return Ok(Err(ErrorCode::LoginRefused));
        }
        state.storage.login_succeeded(&form.name)?;
        let token = new_token().map_err(ApiError::internal)?;
        let csrf = new_token().map_err(ApiError::internal)?;
        state.storage.add_session(&token_hash(&token), &form.name, &csrf, now + SESSION_MS, now)?;
        Ok(Ok(token))
    })
    .await;
    match outcome {
        Ok(Ok(token)) => {
            let _ = audit_line(&state, &name, "login", String::new()).await;
            let cookie = cookie::Cookie::build((COOKIE, token))
                .path("/admin")
                .http_only(true)
                .secure(secure)
                .same_site(cookie::SameSite::Strict)
                .max_age(cookie::time::Duration::milliseconds(SESSION_MS))
                .build();
            let mut response = if json { Json(serde_json::json!({ "name": name })).into_response() } else { Redirect::to("/admin").into_response() };
            if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
                response.headers_mut().insert(header::SET_COOKIE, value);
            }
            response
        }
        Ok(Err(ErrorCode::LoginLocked)) => {
            let message = "too many wrong passwords: this account is locked for a while";
            if json {
                return refused(StatusCode::TOO_MANY_REQUESTS, ErrorCode::LoginLocked, message).into_response();
            }
            (StatusCode::TOO_MANY_REQUESTS, login_form(Some(ErrorCode::LoginLocked.default_remedy()))).into_response()
        }
        Ok(Err(_)) => {
            if json {
                return refused(StatusCode::UNAUTHORIZED, ErrorCode::LoginRefused, "wrong name or password").into_response();
            }
            (StatusCode::UNAUTHORIZED, login_form(Some("Wrong name or password."))).into_response()
        }
        Err(e) => e.into_response(),
    }
}

/// Whether a request came over HTTPS (a trusted proxy says so): the session cookie is then
/// `Secure`.
#[derive(Clone, Copy)]
struct Https(bool);

/// Marks each request with [`Https`].
async fn mark_https<S: Storage>(State(state): State<Arc<AppState<S>>>, mut request: Request, next: axum::middleware::Next) -> Response {
    let peer = request.extensions().get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip());
    let https = peer.is_some_and(|peer| state.forwarded_https(peer, request.headers()));
    request.extensions_mut().insert(Https(https));
    next.run(request).await
}

/// A form that carries only the CSRF token.
#[derive(Deserialize)]
struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

async fn logout<S: Storage>(State(state): State<Arc<AppState<S>>>, headers: HeaderMap, Form(form): Form<CsrfOnly>) -> Response {
    let signed = match may_change(&state, &headers, "/admin/logout", &form.csrf, false).await {
        Ok(signed) => signed,
        Err(refused) => return refused.into_response(),
    };
    let hash = signed.token_hash.clone();
    if let Err(e) = blocking(&state, move |state| Ok(state.storage.end_session(&hash)?)).await {
        return e.into_response();
    }
    let _ = audit_line(&state, &signed.session.name, "logout", String::new()).await;
    let expired = cookie::Cookie::build((COOKIE, ""))
        .path("/admin")
        .http_only(true)
        .same_site(cookie::SameSite::Strict)
        .max_age(cookie::time::Duration::ZERO)
        .build();
    let mut response = Redirect::to("/admin/login").into_response();
    if let Ok(value) = HeaderValue::from_str(&expired.to_string()) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// The setup link's query.
#[derive(Deserialize)]
struct SetupQuery {
    #[serde(default)]
    token: String,
}

async fn setup_page<S: Storage>(State(state): State<Arc<AppState<S>>>, Query(query): Query<SetupQuery>) -> Response {
    let hash = token_hash(&query.token);
    let name = blocking(&state, move |state| Ok(state.storage.setup_account(&hash, api::now().millis())?)).await;
    match name {
        Ok(Some(name)) => setup_form(&name, &query.token, None).into_response(),
        Ok(None) => (StatusCode::NOT_FOUND, page("Link expired", None, html! {
            h1 { "This link has expired or was used" }
            p { "Ask an administrator to run " code { "offsign-server admin add --user NAME" } " again for a new link." }
        }))
            .into_response(),
        Err(e) => e.into_response(),
    }
}

fn setup_form(name: &str, token: &str, problem: Option<&str>) -> Markup {
    page("Set your password", None, html! {
        h1 { "Set the password of " (name) }
        @if let Some(problem) = problem { p role="alert" { (problem) } }
        form method="post" action="/admin/setup" {
            input type="hidden" name="token" value=(token);
            label { "New password (at least " (MIN_PASSWORD_CHARS) " characters) "
                input name="password" type="password" autocomplete="new-password" minlength=(MIN_PASSWORD_CHARS) required; }
            button type="submit" { "Set password" }
        }
    })
}

/// The setup form's fields.
#[derive(Deserialize)]
struct SetupForm {
    token: String,
    password: zeroize::Zeroizing<String>,
}

async fn setup<S: Storage>(State(state): State<Arc<AppState<S>>>, headers: HeaderMap, Form(form): Form<SetupForm>) -> Response {
    if let Some(refusal) = cross_site(&headers, false) {
        return refusal.into_response();
    }
    let length = form.password.chars().count();
    if !(MIN_PASSWORD_CHARS..=MAX_FIELD_CHARS).contains(&length) {
        let hash = token_hash(&form.token);
        let name = blocking(&state, move |state| Ok(state.storage.setup_account(&hash, api::now().millis())?)).await.ok().flatten();
        let problem = format!("The password needs {MIN_PASSWORD_CHARS} to {MAX_FIELD_CHARS} characters.");
        return (StatusCode::BAD_REQUEST, setup_form(&name.unwrap_or_default(), &form.token, Some(&problem))).into_response();
    }
    let Ok(_hashing) = HASHING.try_acquire() else { return busy(false) };
    let outcome = blocking(&state, move |state| {
        // A link that does not exist costs no hashing.
        let setup_hash = token_hash(&form.token);
        if state.storage.setup_account(&setup_hash, api::now().millis())?.is_none() {
            return Ok(None);
        }
        let hash = hash_password(&form.password).map_err(ApiError::internal)?;
        Ok(state.storage.redeem_setup(&setup_hash, &hash, api::now().millis())?)
    })
    .await;
    match outcome {
        Ok(Some(name)) => {
            let _ = audit_line(&state, &name, "password_set", String::new()).await;
            Redirect::to("/admin/login").into_response()
        }
        Ok(None) => (StatusCode::NOT_FOUND, page("Link expired", None, html! { h1 { "This link has expired or was used" } })).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn overview<S: Storage>(State(state): State<Arc<AppState<S>>>, request: Request) -> Response {
    let signed = match signed_in(&state, request.headers(), "/admin").await {
        Ok(signed) => signed,
        Err(refused) => return refused.into_response(),
    };
    let gauges = blocking(&state, |state| Ok(state.storage.gauges(api::now().millis())?)).await;
    let gauges = match gauges {
        Ok(gauges) => gauges,
        Err(e) => return e.into_response(),
    };
    let admin = signed.session.role == Role::Admin;
    page("Overview", Some(&signed.session), html! {
        h1 { "Overview" }
        dl {
            dt { "Records stored" } dd { (gauges.records_stored) }
            dt { "Records after a gap in their chain" } dd { (gauges.chain_gaps) }
            dt { "Workers whose certificate expires within 14 days" } dd { (gauges.expiring_within_14_days) }
        }
        @if admin {
            h2 { "Enroll a worker" }
            form method="post" action="/admin/enroll" {
                input type="hidden" name="csrf" value=(signed.session.csrf);
                label { "Worker id " input name="worker" required maxlength="256"; }
                label { "Certificate valid for (days) " input name="days" type="number" min="1" max="3650" value="365"; }
                label { "Code expires after (hours) " input name="expires_hours" type="number" min="1" max="8760" value="72"; }
                button type="submit" { "Make an enrollment code" }
            }
        }
    })
    .into_response()
}

/// The enrollment form's fields.
#[derive(Deserialize)]
struct EnrollForm {
    #[serde(default)]
    csrf: String,
    worker: String,
    days: u32,
    expires_hours: u32,
}

async fn enroll<S: Storage>(State(state): State<Arc<AppState<S>>>, headers: HeaderMap, Form(form): Form<EnrollForm>) -> Response {
    let signed = match may_change(&state, &headers, "/admin/enroll", &form.csrf, true).await {
        Ok(signed) => signed,
        Err(refused) => return refused.into_response(),
    };
    let worker = form.worker.clone();
    let issued = blocking(&state, move |state| {
        api::issue_enrollment_code(&state.storage, &form.worker, form.days, form.expires_hours).map_err(ApiError::malformed)
    })
    .await;
    let (code, expires_at) = match issued {
        Ok(issued) => issued,
        Err(e) => return e.into_response(),
    };
    let detail = format!("worker {worker}, code expires {expires_at}");
    if let Err(e) = audit_line(&state, &signed.session.name, "enroll", detail).await {
        return e.into_response();
    }
    if wants_json(&headers, "/admin/enroll") {
        return Json(serde_json::json!({ "code": code, "worker": worker, "expiresAt": expires_at.to_string() })).into_response();
    }
    page("Enrollment code", Some(&signed.session), html! {
        h1 { "Enrollment code for " (worker) }
        p { "Give the worker this code; it works once, until " (expires_at.to_string()) "." }
        p class="code" { output { (code) } }
        p { a href="/admin" { "Back to the overview" } }
    })
    .into_response()
}

async fn audit<S: Storage>(State(state): State<Arc<AppState<S>>>, request: Request) -> Response {
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

async fn me<S: Storage>(State(state): State<Arc<AppState<S>>>, headers: HeaderMap) -> Response {
    match signed_in(&state, &headers, "/admin/api/me").await {
        Ok(signed) => Json(serde_json::json!({ "name": signed.session.name, "role": signed.session.role.as_str(), "csrf": signed.session.csrf })).into_response(),
        Err(refused) => refused.into_response(),
    }
}

/// Workers shown on a page of the list.
const WORKERS_PER_PAGE: u32 = 100;

/// The workers list's query: a search and the last worker of the page before.
#[derive(Deserialize)]
struct WorkersQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    after: String,
}

/// A table's caption and its head row of `columns`.
fn table_head(caption: &str, columns: &[&str]) -> Markup {
    html! {
        caption { (caption) }
        thead { tr { @for column in columns { th scope="col" { (column) } } } }
    }
}

/// A time (ms) as the console shows it: UTC, to the second.
fn shown(ms: i64) -> String {
    offsign::Timestamp::from_millis(ms).map(|t| t.to_string()).unwrap_or_default()
}

async fn workers<S: Storage>(State(state): State<Arc<AppState<S>>>, headers: HeaderMap, Query(query): Query<WorkersQuery>) -> Response {
    let signed = match signed_in(&state, &headers, "/admin/workers").await {
        Ok(signed) => signed,
        Err(refused) => return refused.into_response(),
    };
    let (search, after) = (query.q.chars().take(MAX_FIELD_CHARS).collect::<String>(), query.after.clone());
    let lookup = search.clone();
    let listed = blocking(&state, move |state| Ok(state.storage.workers(&lookup, &after, WORKERS_PER_PAGE, api::now().millis())?)).await;
    let listed = match listed {
        Ok(listed) => listed,
        Err(e) => return e.into_response(),
    };
    let next = (listed.len() == WORKERS_PER_PAGE as usize).then(|| listed.last().map(|w| w.worker.clone())).flatten();
    page("Workers", Some(&signed.session), html! {
        h1 { "Workers" }
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
            p { a href={ "/admin/workers?q=" (urlencode(&search)) "&after=" (urlencode(&next)) } { "Next page" } }
        }
    })
    .into_response()
}

/// `text` for a URL's query.
fn urlencode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// A worker page's query.
#[derive(Deserialize)]
struct WorkerQuery {
    #[serde(default)]
    id: String,
}

/// What a certificate is now, in a word.
fn certificate_state(cert: &CertificateRow, now: i64) -> &'static str {
    match (cert.revoked_at, cert.revocation_reason.as_deref()) {
        (Some(_), Some(SUPERSEDED)) => "renewed",
        (Some(_), _) => "revoked",
        (None, _) if cert.exp <= now => "expired",
        (None, _) if cert.nbf > now => "not yet valid",
        _ => "live",
    }
}

async fn worker<S: Storage>(State(state): State<Arc<AppState<S>>>, headers: HeaderMap, Query(query): Query<WorkerQuery>) -> Response {
    let signed = match signed_in(&state, &headers, "/admin/worker").await {
        Ok(signed) => signed,
        Err(refused) => return refused.into_response(),
    };
    let id = query.id.clone();
    let certificates = match blocking(&state, move |state| Ok(state.storage.worker_certificates(&id)?)).await {
        Ok(certificates) => certificates,
        Err(e) => return e.into_response(),
    };
    let now = api::now().millis();
    let admin = signed.session.role == Role::Admin;
    let any_live = certificates.iter().any(|c| c.revoked_at.is_none());
    page(&query.id, Some(&signed.session), html! {
        h1 { "Worker " (query.id) }
        @if certificates.is_empty() { p { "No certificate was issued to this worker." } }
        @else {
            table {
                (table_head("Certificates, newest first", if admin { &["Serial", "Key id", "Valid from (UTC)", "Until", "State", "Action"] } else { &["Serial", "Key id", "Valid from (UTC)", "Until", "State"] }))
                tbody {
                    @for cert in &certificates {
                        tr {
                            td { code { (cert.serial) } } td { code { (cert.kid) } }
                            td { (shown(cert.nbf)) } td { (shown(cert.exp)) } td { (certificate_state(cert, now)) }
                            @if admin {
                                td {
                                    @if cert.revoked_at.is_none() {
                                        form method="post" action="/admin/revoke" {
                                            input type="hidden" name="csrf" value=(signed.session.csrf);
                                            input type="hidden" name="serial" value=(cert.serial);
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
                    button type="submit" { "Revoke every certificate of " (query.id) }
                }
            }
        }
    })
    .into_response()
}

/// The revoke form's fields: a serial, or a worker for all its certificates.
#[derive(Deserialize)]
struct RevokeForm {
    #[serde(default)]
    csrf: String,
    serial: Option<String>,
    worker: Option<String>,
}

async fn revoke<S: Storage>(State(state): State<Arc<AppState<S>>>, headers: HeaderMap, Form(form): Form<RevokeForm>) -> Response {
    let signed = match may_change(&state, &headers, "/admin/revoke", &form.csrf, true).await {
        Ok(signed) => signed,
        Err(refused) => return refused.into_response(),
    };
    let outcome = blocking(&state, move |state| {
        let (target, worker) = match (form.serial, form.worker) {
            (Some(serial), _) => {
                let worker = state.storage.certificate(&serial)?.map(|c| c.worker).ok_or_else(|| ApiError::malformed("no certificate has this serial"))?;
                (RevokeTarget::Serial(serial), worker)
            }
            (None, Some(worker)) if worker.len() <= 256 => (RevokeTarget::Worker(worker.clone()), worker),
            (None, Some(_)) => return Err(ApiError::malformed("a worker id has at most 256 bytes")),
            (None, None) => return Err(ApiError::malformed("give a serial or a worker")),
        };
        Ok((state.storage.revoke(&target, api::now().millis())?, worker))
    })
    .await;
    let (revoked, worker) = match outcome {
        Ok(outcome) => outcome,
        Err(e) => return e.into_response(),
    };
    let detail = format!("worker {worker}: {}", if revoked.is_empty() { "nothing left to revoke".to_owned() } else { revoked.join(", ") });
    if let Err(e) = audit_line(&state, &signed.session.name, "revoke", detail).await {
        return e.into_response();
    }
    if wants_json(&headers, "/admin/revoke") {
        return Json(serde_json::json!({ "worker": worker, "revoked": revoked })).into_response();
    }
    Redirect::to(&format!("/admin/worker?id={}", urlencode(&worker))).into_response()
}
