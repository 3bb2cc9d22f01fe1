//! Forms in the console: the newest version of each, its fields as a worker meets them, and
//! adding a form or a new version of one (admins only, audited), as `offsign-server form add`.

use super::auth::{may_change, signed_in, wants_json};
use super::layout::{page, shown, table_head};
use crate::admin::{self, FormRefused};
use crate::api::{blocking, ApiError, AppState};
use crate::storage::{Role, Storage};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use maud::{html, Markup};
use offsign::{ErrorCode, FieldKind, Form};
use std::sync::Arc;

/// The language the console shows a form's words in.
const SHOWN_IN: &str = "en";

/// What a field asks, in a few words: its kind and its limits.
fn asks(field: &offsign::Field) -> String {
    let mut words = field.kind.as_str().to_owned();
    match field.kind {
        FieldKind::Choice => words += &format!(": {}", field.options.iter().map(|o| o.label.text(SHOWN_IN)).collect::<Vec<_>>().join(" / ")),
        FieldKind::Number => match (field.min, field.max) {
            (Some(min), Some(max)) => words += &format!(", {min} to {max}"),
            (Some(min), None) => words += &format!(", at least {min}"),
            (None, Some(max)) => words += &format!(", at most {max}"),
            (None, None) => {}
        },
        FieldKind::Text => words += &format!(", up to {} characters", field.max_length.unwrap_or(1_000)),
        _ => {}
    }
    words
}

/// A form's fields as a table.
fn fields(form: &Form) -> Markup {
    let caption = format!("{} (id {}, version {}): its fields, in the order a worker meets them", form.title.text(SHOWN_IN), form.id, form.version);
    html! {
        table {
            (table_head(&caption, &["Field", "Label", "Asks", "Required"]))
            tbody {
                @for field in &form.fields {
                    tr { td { code { (field.name) } } td { (field.label.text(SHOWN_IN)) } td { (asks(field)) } td { @if field.required { "yes" } @else { "no" } } }
                }
            }
        }
    }
}

pub(super) async fn forms<S: Storage>(State(state): State<Arc<AppState<S>>>, headers: HeaderMap) -> Result<Response, Response> {
    let signed = signed_in(&state, &headers, "/admin/forms").await.map_err(IntoResponse::into_response)?;
    let stored = blocking(&state, |state| Ok(state.storage.forms_in_use()?)).await.map_err(IntoResponse::into_response)?;
    let read: Vec<(crate::storage::StoredForm, Option<Form>)> = stored.into_iter().map(|f| {
        let form = Form::parse(f.definition.as_bytes()).ok();
        (f, form)
    }).collect();
    let admin = signed.session.role == Role::Admin;
    Ok(page("Forms", Some(&signed.session), html! {
        h1 { "Forms" }
        p { "What workers fill in and sign. Devices fetch the newest version of each at their next sync; a record keeps the version it answered, so a change here changes nothing already signed." }
        table {
            (table_head("Forms in use, by id", &["Title", "Id", "Newest version", "Fields", "Added (UTC)", "By"]))
            tbody {
                @for (stored, form) in &read {
                    tr {
                        td { @if let Some(form) = form { (form.title.text(SHOWN_IN)) } @else { "(does not read: see the server's log)" } }
                        td { code { (stored.id) } } td { (stored.version) }
                        td { @if let Some(form) = form { (form.fields.len()) } }
                        td { @if stored.added_at > 0 { (shown(stored.added_at)) } @else { "with offsign" } } td { (stored.added_by) }
                    }
                }
            }
        }
        @for (_, form) in &read { @if let Some(form) = form { (fields(form)) } }
        @if admin {
            h2 { "Add a form, or a new version of one" }
            p { "Paste the form's JSON (the format is in the README; " code { "server/forms/" } " holds the three shipped with offsign). The same id as a form in use makes its next version." }
            form method="post" action="/admin/forms" {
                input type="hidden" name="csrf" value=(signed.session.csrf);
                label for="definition" { "The form (JSON)" }
                textarea id="definition" name="definition" rows="16" required spellcheck="false" {}
                button type="submit" { "Add the form" }
            }
        }
    })
    .into_response())
}

/// The add form's fields.
#[derive(serde::Deserialize)]
pub(super) struct AddForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    definition: String,
}

pub(super) async fn add_form<S: Storage>(State(state): State<Arc<AppState<S>>>, headers: HeaderMap, axum::Form(form): axum::Form<AddForm>) -> Result<Response, Response> {
    let signed = may_change(&state, &headers, "/admin/forms", &form.csrf, true).await.map_err(IntoResponse::into_response)?;
    let actor = signed.session.name.clone();
    let added = blocking(&state, move |state| {
        admin::add_form(&state.storage, &actor, form.definition.as_bytes()).map_err(|refused| match refused {
            FormRefused::Malformed(why) => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::MalformedForm, why),
            FormRefused::Storage(e) => ApiError::from(e),
        })
    })
    .await
    .map_err(IntoResponse::into_response)?;
    if wants_json(&headers, "/admin/forms") {
        return Ok(Json(serde_json::json!({ "id": added.id, "version": added.version })).into_response());
    }
    Ok(Redirect::to("/admin/forms").into_response())
}
