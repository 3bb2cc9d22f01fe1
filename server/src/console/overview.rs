//! The overview: what needs attention, at a glance, each number a link to the list behind it.

use super::auth::signed_in;
use super::chart::{bar_chart, sparkline, Series};
use super::layout::{page, urlencode};
use super::reports::CHART_DAYS;
use crate::api::{blocking, now, AppState};
use crate::storage::{DeviceSearch, Role, Storage, SILENT_AFTER_MS};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use maud::html;
use offsign::DAY_MS;
use std::sync::Arc;

/// Open chain gaps, or failing devices, counted on the overview at most (their pages list them).
const COUNTED: u32 = 1_000;

/// What the overview shows.
struct Overview {
    records_per_day: Vec<(i64, u64)>,
    reports_per_day: Vec<(i64, String, u64)>,
    rejections: Vec<(String, u64)>,
    open_gaps: usize,
    expiring_14: u64,
    expiring_30: u64,
    open_reports: u64,
    devices_silent: u64,
    devices_failing: usize,
}

pub(super) async fn overview<S: Storage>(State(state): State<Arc<AppState<S>>>, headers: HeaderMap) -> Result<Response, Response> {
    let signed = signed_in(&state, &headers, "/admin").await.map_err(IntoResponse::into_response)?;
    let now = now().millis();
    let today = now.div_euclid(DAY_MS);
    let since = today - CHART_DAYS + 1;
    let seen = blocking(&state, move |state| {
        let storage = &state.storage;
        Ok(Overview {
            records_per_day: storage.records_per_day(since)?,
            reports_per_day: storage.reports_per_day(since)?,
            rejections: storage.rejections_per_code(since)?,
            open_gaps: storage.open_gaps(COUNTED)?.len(),
            expiring_14: storage.workers_expiring(now, 14 * DAY_MS)?,
            expiring_30: storage.workers_expiring(now, 30 * DAY_MS)?,
            open_reports: storage.report_groups()?.iter().map(|g| g.open).sum(),
            devices_silent: storage.gauges(now)?.devices_silent,
            devices_failing: storage.devices(&DeviceSearch { failing: true, ..Default::default() }, None, COUNTED)?.len(),
        })
    })
    .await
    .map_err(IntoResponse::into_response)?;
    let reports_per_day: Vec<(i64, u64)> = seen.reports_per_day.iter().map(|(day, _, n)| (*day, *n)).collect();
    // Per code: its total and its days, for a row with a small chart each.
    let mut by_code: std::collections::HashMap<&str, (u64, Vec<(i64, u64)>)> = std::collections::HashMap::new();
    for (day, code, n) in &seen.reports_per_day {
        let entry = by_code.entry(code).or_default();
        entry.0 += n;
        entry.1.push((*day, *n));
    }
    let mut failure_codes: Vec<(&str, (u64, Vec<(i64, u64)>))> = by_code.into_iter().collect();
    failure_codes.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(b.0)));
    failure_codes.truncate(50);
    let admin = signed.session.role == Role::Admin;
    Ok(page("Overview", Some(&signed.session), html! {
        h1 { "Overview" }
        section aria-labelledby="attention" {
            h2 id="attention" { "Needs attention" }
            ul class="tiles" {
                li { a href="/admin/reports?state=open" { strong { (seen.open_reports) } " open failure reports" } }
                li { a href="/admin/gaps" { strong { (seen.open_gaps) @if seen.open_gaps as u32 == COUNTED { "+" } } " open gaps in record chains" } }
                li { a href="/admin/devices?silent=1" { strong { (seen.devices_silent) } " devices silent for " (SILENT_AFTER_MS / DAY_MS) " days or more" } }
                li { a href="/admin/devices?failing=1" { strong { (seen.devices_failing) @if seen.devices_failing as u32 == COUNTED { "+" } } " devices whose health checks fail" } }
                li { a href="/admin/workers?expiring=14" { strong { (seen.expiring_14) } " workers whose certificate expires within 14 days" } }
                li { a href="/admin/workers?expiring=30" { strong { (seen.expiring_30) } " within 30 days" } }
            }
        }
        section aria-labelledby="records" {
            h2 id="records" { a href="/admin/records" { "Records" } }
            (bar_chart(&Series { title: "Records received per day", days: CHART_DAYS, today, counts: &seen.records_per_day }))
        }
        section aria-labelledby="failures" {
            h2 id="failures" { a href="/admin/reports" { "Failures" } }
            (bar_chart(&Series { title: "Failure reports received per day", days: CHART_DAYS, today, counts: &reports_per_day }))
            @if !failure_codes.is_empty() {
                table {
                    caption { "Failure reports by code, last " (CHART_DAYS) " days" }
                    thead { tr { th scope="col" { "Code" } th scope="col" { "Reports" } th scope="col" { "Per day" } } }
                    tbody {
                        @for (code, (n, days)) in &failure_codes {
                            tr {
                                td { a href={ "/admin/reports?code=" (urlencode(code)) } { code { (code) } } }
                                td { (n) }
                                td { (sparkline(&Series { title: code, days: CHART_DAYS, today, counts: days })) }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="rejections" {
            h2 id="rejections" { "Refused records" }
            @if seen.rejections.is_empty() { p { "No record was refused in the last " (CHART_DAYS) " days." } }
            @else {
                table {
                    caption { "Records the server refused, by code, last " (CHART_DAYS) " days" }
                    thead { tr { th scope="col" { "Code" } th scope="col" { "Refused" } } }
                    tbody { @for (code, n) in &seen.rejections { tr { td { a href={ "/admin/refused?code=" (urlencode(code)) } { code { (code) } } } td { (n) } } } }
                }
            }
        }
        @if admin {
            section aria-labelledby="enroll" {
                h2 id="enroll" { "Enroll a worker" }
                form method="post" action="/admin/enroll" {
                    input type="hidden" name="csrf" value=(signed.session.csrf);
                    label { "Worker id " input name="worker" required maxlength="256"; }
                    label { "Certificate valid for (days) " input name="days" type="number" min="1" max="3650" value="365"; }
                    label { "Code expires after (hours) " input name="expires_hours" type="number" min="1" max="8760" value="72"; }
                    button type="submit" { "Make an enrollment code" }
                }
            }
        }
    })
    .into_response())
}
