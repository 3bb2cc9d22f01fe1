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

mod auth;
mod chart;
mod devices;
mod forms;
mod layout;
mod overview;
mod records;
mod reports;
mod webhooks;
mod workers;

use crate::admin;
use crate::api::{self, AppState};
use crate::storage::Storage;
use axum::http::{header, HeaderValue};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use std::sync::Arc;

pub use auth::{new_token, token_hash, SETUP_MS};
use auth::{login, login_page, logout, mark_https, me, setup, setup_page};
use devices::{device, devices};
use forms::{add_form, forms};
use layout::stylesheet;
use overview::overview;
use records::{gaps, record, record_bundle, records, records_csv, refused};
use reports::{reports, triage};
use webhooks::{add_webhook, remove_webhook, webhooks};
use workers::{audit, enroll, revoke, worker, workers};

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
        .route("/admin/records", get(records::<S>))
        .route("/admin/records.csv", get(records_csv::<S>))
        .route("/admin/record", get(record::<S>))
        .route("/admin/record/bundle", get(record_bundle::<S>))
        .route("/admin/gaps", get(gaps::<S>))
        .route("/admin/refused", get(refused::<S>))
        .route("/admin/devices", get(devices::<S>))
        .route("/admin/device", get(device::<S>))
        .route("/admin/reports", get(reports::<S>))
        .route("/admin/triage", post(triage::<S>))
        // A form in six languages, URL-encoded, is larger than the console's other bodies.
        .route("/admin/forms", get(forms::<S>).post(add_form::<S>).layer(axum::extract::DefaultBodyLimit::max(admin::MAX_FORM_FILE as usize * 3)))
        .route("/admin/webhooks", get(webhooks::<S>).post(add_webhook::<S>))
        .route("/admin/webhooks/remove", post(remove_webhook::<S>))
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
