//! Who is signed in: accounts, passwords, sessions, CSRF tokens and refusals.

use crate::api::{self, blocking, AppState, ApiError, ApiResult};
use crate::storage::{AuditEntry, Role, Session, Storage};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use maud::{html, Markup};
use offsign::ErrorCode;
use serde::Deserialize;
use sha2::Digest;
use std::sync::Arc;
use super::layout::page;

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
pub(super) const MAX_FIELD_CHARS: usize = 256;

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
pub(super) struct Refused {
    pub(super) status: StatusCode,
    pub(super) code: ErrorCode,
    pub(super) message: String,
    pub(super) json: bool,
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
pub(super) fn wants_json(headers: &HeaderMap, path: &str) -> bool {
    path.starts_with("/admin/api/")
        || headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("application/json"))
}

/// The session of a request, read from its cookie.
pub(super) struct Signed {
    pub(super) session: Session,
    pub(super) token_hash: String,
}

/// The session the request's cookie names, or the refusal (`login_required`).
pub(super) async fn signed_in<S: Storage>(state: &Arc<AppState<S>>, headers: &HeaderMap, path: &str) -> Result<Signed, Refused> {
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
pub(super) async fn may_change<S: Storage>(state: &Arc<AppState<S>>, headers: &HeaderMap, path: &str, csrf: &str, admin_only: bool) -> Result<Signed, Refused> {
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
pub(super) async fn audit_line<S: Storage>(state: &Arc<AppState<S>>, actor: &str, action: &str, detail: String) -> ApiResult<()> {
    let entry = AuditEntry { at: api::now().millis(), actor: actor.to_owned(), action: action.to_owned(), detail };
    blocking(state, move |state| Ok(state.storage.audit(&entry)?)).await
}

pub(super) async fn login_page(axum::Extension(Exposed(exposed)): axum::Extension<Exposed>) -> Markup {
    login_form(None, exposed)
}

/// The login page; `exposed` warns that the password would cross the network unencrypted.
fn login_form(problem: Option<&str>, exposed: bool) -> Markup {
    page("Log in", None, html! {
        h1 { "offsign console" }
        @if exposed {
            p role="alert" { "This connection is not encrypted: a password typed here can be read on the network. Reach the console over HTTPS (a reverse proxy named with --trusted-proxy), or from this machine." }
        }
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
pub(super) struct Credentials {
    name: String,
    password: zeroize::Zeroizing<String>,
}

pub(super) async fn login<S: Storage>(
    State(state): State<Arc<AppState<S>>>,
    axum::Extension(Https(secure)): axum::Extension<Https>,
    axum::Extension(Exposed(exposed)): axum::Extension<Exposed>,
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
            // Wrong passwords of an account are logged (a name without one is not: it may be
            // a password typed in the wrong field), and so is the lock they start.
            if let Some(account) = account {
                let action = if account.failed_logins >= LOCK_AFTER { "account_locked" } else { "login_refused" };
                let detail = format!("wrong password {} of {LOCK_AFTER} in a row", account.failed_logins.min(LOCK_AFTER));
                state.storage.audit(&AuditEntry { at: now, actor: account.name, action: action.into(), detail })?;
            }
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
            (StatusCode::TOO_MANY_REQUESTS, login_form(Some(ErrorCode::LoginLocked.default_remedy()), exposed)).into_response()
        }
        Ok(Err(_)) => {
            if json {
                return refused(StatusCode::UNAUTHORIZED, ErrorCode::LoginRefused, "wrong name or password").into_response();
            }
            (StatusCode::UNAUTHORIZED, login_form(Some("Wrong name or password."), exposed)).into_response()
        }
        Err(e) => e.into_response(),
    }
}

/// Whether a request came over HTTPS (a trusted proxy says so): the session cookie is then
/// `Secure`.
#[derive(Clone, Copy)]
pub(super) struct Https(pub(super) bool);

/// Whether a request crossed a network unencrypted: not HTTPS, and not from this machine.
#[derive(Clone, Copy)]
pub(super) struct Exposed(pub(super) bool);

/// Marks each request with [`Https`] and [`Exposed`].
pub(super) async fn mark_https<S: Storage>(State(state): State<Arc<AppState<S>>>, mut request: Request, next: axum::middleware::Next) -> Response {
    let peer = request.extensions().get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip());
    let https = peer.is_some_and(|peer| state.forwarded_https(peer, request.headers()));
    request.extensions_mut().insert(Https(https));
    request.extensions_mut().insert(Exposed(!https && !peer.is_some_and(|peer| peer.is_loopback())));
    next.run(request).await
}

/// A form that carries only the CSRF token.
#[derive(Deserialize)]
pub(super) struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

pub(super) async fn logout<S: Storage>(State(state): State<Arc<AppState<S>>>, headers: HeaderMap, Form(form): Form<CsrfOnly>) -> Response {
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
pub(super) struct SetupQuery {
    #[serde(default)]
    token: String,
}

pub(super) async fn setup_page<S: Storage>(State(state): State<Arc<AppState<S>>>, Query(query): Query<SetupQuery>) -> Response {
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
pub(super) struct SetupForm {
    token: String,
    password: zeroize::Zeroizing<String>,
}

pub(super) async fn setup<S: Storage>(State(state): State<Arc<AppState<S>>>, headers: HeaderMap, Form(form): Form<SetupForm>) -> Response {
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

pub(super) async fn me<S: Storage>(State(state): State<Arc<AppState<S>>>, headers: HeaderMap) -> Response {
    match signed_in(&state, &headers, "/admin/api/me").await {
        Ok(signed) => Json(serde_json::json!({ "name": signed.session.name, "role": signed.session.role.as_str(), "csrf": signed.session.csrf })).into_response(),
        Err(refused) => refused.into_response(),
    }
}
