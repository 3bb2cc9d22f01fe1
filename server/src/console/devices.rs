//! Devices: each key a worker holds on a phone or tablet, when it was last heard from, and
//! the status it sends at each sync (app version, health checks, pending records, storage,
//! clock offset) with its history. A device silent too long, or whose checks fail, is
//! marked.

use super::auth::{signed_in, MAX_FIELD_CHARS};
use super::layout::{page, shown, table_head, urlencode};
use super::records::duration;
use crate::api::{blocking, now, AppState};
use crate::storage::{Cursor, DeviceRow, DeviceSearch, Storage, SILENT_AFTER_MS, STATUSES_KEPT};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use serde::Deserialize;
use std::sync::Arc;

/// Devices shown on a page of the list.
const DEVICES_PER_PAGE: u32 = 100;

/// The devices list's query.
#[derive(Deserialize)]
pub(super) struct DevicesQuery {
    #[serde(default)]
    worker: String,
    /// `1`: only devices silent for [`SILENT_AFTER_MS`].
    #[serde(default)]
    silent: String,
    /// `1`: only devices whose last status has a failed check.
    #[serde(default)]
    failing: String,
    #[serde(default)]
    after_at: String,
    #[serde(default)]
    after: String,
}

/// What is wrong with a device, in words, if anything.
fn trouble(device: &DeviceRow, now: i64) -> Option<String> {
    let mut found = Vec::new();
    if now - device.last_seen >= SILENT_AFTER_MS {
        found.push(format!("silent for {}", duration(now - device.last_seen)));
    }
    if device.failing > 0 {
        found.push(format!("{} failed checks", device.failing));
    }
    (!found.is_empty()).then(|| found.join(", "))
}

/// A table of devices, the troubled ones marked.
pub(super) fn device_table(caption: &str, devices: &[DeviceRow], now: i64) -> Markup {
    html! {
        table {
            (table_head(caption, &["Device key", "Worker", "Last heard from (UTC)", "App version", "Pending", "Checks", "Attention"]))
            tbody {
                @for d in devices {
                    @let trouble = trouble(d, now);
                    tr class=[trouble.as_ref().map(|_| "attention")] {
                        td { a href={ "/admin/device?kid=" (urlencode(&d.kid)) } { code { (d.kid.chars().take(12).collect::<String>()) "…" } } }
                        td { a href={ "/admin/worker?id=" (urlencode(&d.worker)) } { (d.worker) } }
                        td { (shown(d.last_seen)) }
                        td { (d.app_version) }
                        td { (d.pending) @if let Some(oldest) = &d.oldest_pending_at { " (oldest signed " (oldest) ")" } }
                        td { @if d.status_at.is_some() { (d.failing) " failed, " (d.warnings) " warnings" } @else { "no status yet" } }
                        td { @if let Some(trouble) = &trouble { strong { (trouble) } } }
                    }
                }
            }
        }
    }
}

pub(super) async fn devices<S: Storage>(State(state): State<Arc<AppState<S>>>, headers: HeaderMap, Query(query): Query<DevicesQuery>) -> Result<Response, Response> {
    let signed = signed_in(&state, &headers, "/admin/devices").await.map_err(IntoResponse::into_response)?;
    let now = now().millis();
    let search = DeviceSearch {
        worker: query.worker.chars().take(MAX_FIELD_CHARS).collect(),
        silent_since: (query.silent == "1").then_some(now - SILENT_AFTER_MS),
        failing: query.failing == "1",
    };
    let cursor = (!query.after.is_empty()).then(|| Cursor { at: query.after_at.chars().take(20).collect(), key: query.after.chars().take(64).collect() });
    let listed = blocking(&state, move |state| Ok(state.storage.devices(&search, cursor.as_ref(), DEVICES_PER_PAGE)?)).await.map_err(IntoResponse::into_response)?;
    let next = (listed.len() == DEVICES_PER_PAGE as usize).then(|| listed.last()).flatten();
    let here = format!("worker={}&silent={}&failing={}", urlencode(&query.worker), urlencode(&query.silent), urlencode(&query.failing));
    Ok(page("Devices", Some(&signed.session), html! {
        h1 { "Devices" }
        p { "Each worker's key on a phone or tablet. A device is heard from when its records, failure reports or status arrive; it sends its status at each sync while a worker is signed in on it." }
        form method="get" action="/admin/devices" role="search" class="filters" {
            label { "Worker id " input name="worker" value=(query.worker); }
            label class="inline" { input name="silent" type="checkbox" value="1" checked[query.silent == "1"]; " Only silent for " (SILENT_AFTER_MS / offsign::DAY_MS) " days or more" }
            label class="inline" { input name="failing" type="checkbox" value="1" checked[query.failing == "1"]; " Only with failed checks" }
            button type="submit" { "Show" }
        }
        (device_table("Devices, the longest silent first", &listed, now))
        @if let Some(last) = next {
            p { a href={ "/admin/devices?" (here) "&after_at=" (last.last_seen) "&after=" (urlencode(&last.kid)) } { "Next page" } }
        }
    })
    .into_response())
}

/// A device page's query.
#[derive(Deserialize)]
pub(super) struct DeviceQuery {
    #[serde(default)]
    kid: String,
}

pub(super) async fn device<S: Storage>(State(state): State<Arc<AppState<S>>>, headers: HeaderMap, Query(query): Query<DeviceQuery>) -> Result<Response, Response> {
    let signed = signed_in(&state, &headers, "/admin/device").await.map_err(IntoResponse::into_response)?;
    let kid = query.kid.chars().take(64).collect::<String>();
    let found = blocking(&state, move |state| Ok(state.storage.device(&kid, STATUSES_KEPT)?)).await.map_err(IntoResponse::into_response)?;
    let Some((device, history)) = found else {
        return Err((StatusCode::NOT_FOUND, page("No such device", Some(&signed.session), html! { h1 { "No device has this key" } })).into_response());
    };
    let now = now().millis();
    let statuses: Vec<(i64, offsign::DeviceStatus)> = history.iter().filter_map(|(at, json)| Some((*at, serde_json::from_str(json).ok()?))).collect();
    Ok(page("Device", Some(&signed.session), html! {
        h1 { "Device of " (device.worker) }
        @if let Some(trouble) = trouble(&device, now) { p role="alert" { "Needs attention: " (trouble) "." } }
        dl {
            dt { "Key id" } dd { code { (device.kid) } }
            dt { "Worker" } dd { a href={ "/admin/worker?id=" (urlencode(&device.worker)) } { (device.worker) } }
            dt { "First heard from (UTC)" } dd { (shown(device.first_seen)) }
            dt { "Last heard from (UTC)" } dd { (shown(device.last_seen)) " (" (duration(now - device.last_seen)) " ago)" }
            dt { "Records" } dd { a href={ "/admin/records?worker=" (urlencode(&device.worker)) } { "Records of " (device.worker) } }
        }
        @match statuses.first() {
            None => p { "This device has sent no status yet: it sends one at a sync while a worker is signed in." },
            Some((at, status)) => {
                h2 { "Last status, received " (shown(*at)) }
                dl {
                    dt { "App version" } dd { (status.app_version) }
                    dt { "Browser" } dd { (status.user_agent) }
                    dt { "Records waiting" } dd { (status.pending) @if let Some(oldest) = &status.oldest_pending_at { ", the oldest signed " (oldest) } }
                    dt { "Storage" } dd {
                        @match (status.storage_used, status.storage_quota) {
                            (Some(used), Some(quota)) if quota > 0.0 => { (format!("{:.1}", used / 1e6)) " MB of " (format!("{:.0}", quota / 1e6)) " MB (" (format!("{:.0}", 100.0 * used / quota)) "%)" }
                            _ => "not known",
                        }
                    }
                    dt { "Clock correction" } dd { @match status.clock_offset_ms { Some(ms) => { (ms) " ms" }, None => "none learned yet" } }
                }
                table {
                    (table_head("Health checks of the last status", &["Check", "Result", "Found"]))
                    tbody {
                        @for check in &status.checks {
                            tr class=[(check.status != "ok").then_some("attention")] { td { (check.id) } td { (check.status) } td { (check.value) } }
                        }
                    }
                }
                table {
                    (table_head("Status history, newest first", &["Received (UTC)", "App version", "Pending", "Failed checks", "Warnings"]))
                    tbody {
                        @for (at, s) in &statuses {
                            tr {
                                td { (shown(*at)) } td { (s.app_version) } td { (s.pending) }
                                td { (s.checks.iter().filter(|c| c.status == "fail").count()) }
                                td { (s.checks.iter().filter(|c| c.status == "warn").count()) }
                            }
                        }
                    }
                }
            }
        }
    })
    .into_response())
}
