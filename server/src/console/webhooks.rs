//! Webhooks in the console: the list, the deliveries with their results, adding one (its
//! secret shown once) and removing one; admins only change them, and each change is audited
//! (never the secret).

use super::auth::{may_change, signed_in, wants_json};
use super::layout::{page, shown, table_head};
use crate::api::{blocking, now, ApiError, AppState};
use crate::storage::{url_origin, AuditEntry, EventKind, Role, Storage, Webhook};
use crate::webhooks::{check_url, new_secret};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use maud::html;
use std::sync::Arc;

/// Deliveries listed.
const DELIVERIES_SHOWN: u32 = 100;
/// Webhooks at most (each event is queued for each).
const MAX_WEBHOOKS: usize = 20;

pub(super) async fn webhooks<S: Storage>(State(state): State<Arc<AppState<S>>>, headers: HeaderMap) -> Result<Response, Response> {
    let signed = signed_in(&state, &headers, "/admin/webhooks").await.map_err(IntoResponse::into_response)?;
    let (hooks, deliveries) = blocking(&state, |state| Ok((state.storage.webhooks()?, state.storage.deliveries(DELIVERIES_SHOWN)?)))
        .await
        .map_err(IntoResponse::into_response)?;
    let admin = signed.session.role == Role::Admin;
    Ok(page("Webhooks", Some(&signed.session), html! {
        h1 { "Webhooks" }
        p { "Events posted to a URL as they happen, signed as Standard Webhooks describes (headers "
            code { "webhook-id" } ", " code { "webhook-timestamp" } ", " code { "webhook-signature" } "), and tried again for a day when the receiver does not answer 2xx." }
        table {
            (table_head("Webhooks", if admin { &["URL", "Events", "Added (UTC)", "By", "Action"] } else { &["URL", "Events", "Added (UTC)", "By"] }))
            tbody {
                @for hook in &hooks {
                    tr {
                        td { code { @if admin { (hook.url) } @else { (url_origin(&hook.url)) "/…" } } }
                        td { (hook.events.iter().map(|e| e.as_str()).collect::<Vec<_>>().join(", ")) }
                        td { (shown(hook.created_at)) } td { (hook.created_by) }
                        @if admin {
                            td {
                                form method="post" action="/admin/webhooks/remove" {
                                    input type="hidden" name="csrf" value=(signed.session.csrf);
                                    input type="hidden" name="id" value=(hook.id);
                                    button type="submit" aria-label={ "Remove the webhook to " (hook.url) } { "Remove" }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if admin {
            h2 { "Add a webhook" }
            form method="post" action="/admin/webhooks" {
                input type="hidden" name="csrf" value=(signed.session.csrf);
                label { "URL (http or https) " input name="url" type="url" required maxlength="2000"; }
                fieldset {
                    legend { "Events" }
                    @for kind in EventKind::ALL {
                        label class="inline" { input type="checkbox" name="events" value=(kind.as_str()) checked; " " (kind.as_str()) }
                    }
                }
                button type="submit" { "Add the webhook" }
            }
        }
        table {
            (table_head("The latest deliveries, newest first", &["Queued (UTC)", "Webhook", "Event", "Id", "State", "Attempts", "Last answer"]))
            tbody {
                @for d in &deliveries {
                    tr class=[(d.state == "failed").then_some("attention")] {
                        td { (shown(d.created_at)) } td { (d.webhook) } td { (d.event) } td { code { (d.event_id) } }
                        td { (d.state) } td { (d.attempts) }
                        td { @if let Some(status) = d.last_status { "HTTP " (status) } @else if let Some(error) = &d.last_error { (error) } }
                    }
                }
            }
        }
    })
    .into_response())
}

/// The add form: a URL and the event types (repeated `events` fields).
fn read_add_form(body: &[u8]) -> (String, String, Vec<String>) {
    let (mut csrf, mut url, mut events) = (String::new(), String::new(), Vec::new());
    for (name, value) in form_urlencoded::parse(body) {
        match name.as_ref() {
            "csrf" => csrf = value.into_owned(),
            "url" => url = value.into_owned(),
            "events" => events.push(value.into_owned()),
            _ => {}
        }
    }
    (csrf, url, events)
}

pub(super) async fn add_webhook<S: Storage>(State(state): State<Arc<AppState<S>>>, headers: HeaderMap, body: axum::body::Bytes) -> Result<Response, Response> {
    let (csrf, url, events) = read_add_form(&body);
    let signed = may_change(&state, &headers, "/admin/webhooks", &csrf, true).await.map_err(IntoResponse::into_response)?;
    let url = url.trim().to_owned();
    if url.len() > 2_000 {
        return Err(ApiError::malformed("a webhook URL has at most 2000 characters").into_response());
    }
    check_url(&url).map_err(|e| ApiError::malformed(e).into_response())?;
    let kinds: Vec<EventKind> = events.iter().filter_map(|e| EventKind::parse(e)).collect();
    if kinds.is_empty() || kinds.len() != events.len() {
        return Err(ApiError::malformed("choose one or more events of the list").into_response());
    }
    let secret = new_secret().map_err(|e| ApiError::internal(e).into_response())?;
    let at = now().millis();
    let webhook = Webhook { id: 0, url: url.clone(), events: kinds, secret: secret.clone(), created_at: at, created_by: signed.session.name.clone() };
    let names = webhook.events.iter().map(|e| e.as_str()).collect::<Vec<_>>().join(", ");
    let line = AuditEntry { at, actor: signed.session.name.clone(), action: "webhook_added".into(), detail: format!("{}/…: {names}", url_origin(&url)) };
    let id = blocking(&state, move |state| {
        if state.storage.webhooks()?.len() >= MAX_WEBHOOKS {
            return Err(ApiError::malformed(format!("at most {MAX_WEBHOOKS} webhooks: remove one first")));
        }
        Ok(state.storage.add_webhook(&webhook, &line)?)
    })
    .await
    .map_err(IntoResponse::into_response)?;
    if wants_json(&headers, "/admin/webhooks") {
        return Ok(Json(serde_json::json!({ "id": id, "url": url, "secret": secret.as_str() })).into_response());
    }
    Ok(page("Webhook added", Some(&signed.session), html! {
        h1 { "Webhook added" }
        p { "Events go to " code { (url) } ". Give its receiver this secret to check each delivery's signature; it is shown only now." }
        p class="code" { output { (secret.as_str()) } }
        p { a href="/admin/webhooks" { "Back to the webhooks" } }
    })
    .into_response())
}

/// The remove form's fields.
#[derive(serde::Deserialize)]
pub(super) struct RemoveForm {
    #[serde(default)]
    csrf: String,
    id: i64,
}

pub(super) async fn remove_webhook<S: Storage>(State(state): State<Arc<AppState<S>>>, headers: HeaderMap, axum::Form(form): axum::Form<RemoveForm>) -> Result<Response, Response> {
    let signed = may_change(&state, &headers, "/admin/webhooks/remove", &form.csrf, true).await.map_err(IntoResponse::into_response)?;
    let at = now().millis();
    let line = AuditEntry { at, actor: signed.session.name.clone(), action: "webhook_removed".into(), detail: format!("webhook {}", form.id) };
    let removed = blocking(&state, move |state| Ok(state.storage.remove_webhook(form.id, at, &line)?)).await.map_err(IntoResponse::into_response)?;
    if !removed {
        return Err(ApiError::malformed("no webhook has this id").into_response());
    }
    Ok(Redirect::to("/admin/webhooks").into_response())
}
