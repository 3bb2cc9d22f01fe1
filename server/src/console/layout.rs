//! What every console page shares: the frame, tables, times, links.

use crate::storage::Session;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup, DOCTYPE};

/// A page of the console: its title, the navigation when signed in, and `body`.
pub(super) fn page(title: &str, session: Option<&Session>, body: Markup) -> Markup {
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
                            a href="/admin/devices" { "Devices" }
                            a href="/admin/records" { "Records" }
                            a href="/admin/reports" { "Failure reports" }
                            a href="/admin/gaps" { "Chain gaps" }
                            a href="/admin/forms" { "Forms" }
                            a href="/admin/webhooks" { "Webhooks" }
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

pub(super) async fn stylesheet() -> Response {
    ([(header::CONTENT_TYPE, HeaderValue::from_static("text/css"))], include_str!("console.css")).into_response()
}

/// A table's caption and its head row of `columns`.
pub(super) fn table_head(caption: &str, columns: &[&str]) -> Markup {
    html! {
        caption { (caption) }
        thead { tr { @for column in columns { th scope="col" { (column) } } } }
    }
}

/// A time (ms) as the console shows it: UTC, to the second.
pub(super) fn shown(ms: i64) -> String {
    offsign::Timestamp::from_millis(ms).map(|t| t.to_string()).unwrap_or_default()
}

/// `text` for a URL's query.
pub(super) fn urlencode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
