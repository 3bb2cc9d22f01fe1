//! Failure reports: grouped by code with their counts over the last weeks, each report with
//! the worker's own words, device, app version and the remedy the worker was shown; and the
//! triage (open, acknowledged, resolved, with a note) that closes a case, audited.

use super::auth::{may_change, signed_in, wants_json, MAX_FIELD_CHARS};
use super::chart::{bar_chart, Series};
use super::layout::{page, shown, table_head, urlencode};
use crate::api::{blocking, now, ApiError, AppState};
use crate::storage::{AuditEntry, Cursor, ReportSearch, Storage, Triage, TriageState};
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use maud::html;
use offsign::DAY_MS;
use serde::Deserialize;
use std::sync::Arc;

/// Reports shown on a page of the list.
const REPORTS_PER_PAGE: u32 = 100;
/// Days of the chart.
pub(super) const CHART_DAYS: i64 = 28;
/// The longest triage note kept (characters).
const MAX_NOTE_CHARS: usize = 1_000;

/// The reports page's query.
#[derive(Deserialize)]
pub(super) struct ReportsQuery {
    #[serde(default)]
    code: String,
    #[serde(default)]
    worker: String,
    /// A triage state, or empty for all.
    #[serde(default)]
    state: String,
    #[serde(default)]
    after_at: String,
    #[serde(default)]
    after: String,
}

pub(super) async fn reports<S: Storage>(State(state): State<Arc<AppState<S>>>, headers: HeaderMap, Query(query): Query<ReportsQuery>) -> Result<Response, Response> {
    let signed = signed_in(&state, &headers, "/admin/reports").await.map_err(IntoResponse::into_response)?;
    let search = ReportSearch {
        code: query.code.chars().take(64).collect(),
        worker: query.worker.chars().take(MAX_FIELD_CHARS).collect(),
        state: TriageState::parse(&query.state),
    };
    let cursor = (!query.after.is_empty()).then(|| Cursor { at: query.after_at.chars().take(20).collect(), key: query.after.chars().take(200).collect() });
    let today = now().millis().div_euclid(DAY_MS);
    let lookup = search.clone();
    let (groups, per_day, listed) = blocking(&state, move |state| {
        let groups = state.storage.report_groups()?;
        let per_day = state.storage.reports_per_day(today - CHART_DAYS + 1)?;
        let listed = state.storage.failure_reports(&lookup, cursor.as_ref(), REPORTS_PER_PAGE)?;
        Ok((groups, per_day, listed))
    })
    .await
    .map_err(IntoResponse::into_response)?;
    let chart: Vec<(i64, u64)> = per_day.iter().filter(|(_, code, _)| search.code.is_empty() || *code == search.code).map(|(day, _, n)| (*day, *n)).collect();
    let here = format!("code={}&worker={}&state={}", urlencode(&search.code), urlencode(&search.worker), search.state.map_or("", TriageState::as_str));
    let next = (listed.len() == REPORTS_PER_PAGE as usize).then(|| listed.last()).flatten();
    let admin = signed.session.role == crate::storage::Role::Admin;
    Ok(page("Failure reports", Some(&signed.session), html! {
        h1 { "Failure reports" }
        (bar_chart(&Series { title: "Failure reports per day", days: CHART_DAYS, today, counts: &chart }))
        table {
            (table_head("By code, the latest first", &["Code", "Reports", "Occurrences", "Open", "Latest (UTC)"]))
            tbody {
                @for g in &groups {
                    tr {
                        td { a href={ "/admin/reports?code=" (urlencode(&g.code)) } { code { (g.code) } } }
                        td { (g.reports) } td { (g.occurrences) }
                        td { a href={ "/admin/reports?state=open&code=" (urlencode(&g.code)) } { (g.open) } }
                        td { (shown(g.latest)) }
                    }
                }
            }
        }
        h2 { "Reports" }
        form method="get" action="/admin/reports" role="search" class="filters" {
            label { "Code " input name="code" value=(search.code); }
            label { "Worker id " input name="worker" value=(search.worker); }
            label { "State "
                select name="state" {
                    option value="" selected[search.state.is_none()] { "any" }
                    @for s in TriageState::ALL { option value=(s.as_str()) selected[search.state == Some(s)] { (s.as_str()) } }
                }
            }
            button type="submit" { "Show" }
        }
        @if listed.is_empty() { p { "No report matches." } }
        @for entry in &listed {
            @let r = &entry.stored.report;
            article class="report" aria-label={ "Report " (r.id) } {
                h3 { code { (r.code) } " during " (r.operation) " — " (entry.triage.state.as_str()) }
                dl {
                    dt { "Worker" } dd { a href={ "/admin/worker?id=" (urlencode(&entry.stored.worker)) } { (entry.stored.worker) } }
                    dt { "Device key" } dd { code { (entry.stored.kid) } }
                    dt { "Times" } dd { (r.count) " between " (r.first_at) " and " (r.last_at) }
                    dt { "App version" } dd { (r.app_version) }
                    dt { "Browser" } dd { (r.user_agent) }
                    dt { "Message" } dd { (r.message) }
                    dt { "Remedy" } dd { (r.remedy) }
                    dt { "Worker's words" } dd { @match &r.comment { Some(comment) => q { (comment) }, None => "(none)" } }
                    @if let (Some(by), Some(at)) = (&entry.triage.by, entry.triage.at) {
                        dt { "Triage" } dd { (entry.triage.state.as_str()) " by " (by) " at " (shown(at)) @if !entry.triage.note.is_empty() { ": " (entry.triage.note) } }
                    }
                }
                @if admin {
                    form method="post" action="/admin/triage" class="triage" {
                        input type="hidden" name="csrf" value=(signed.session.csrf);
                        input type="hidden" name="kid" value=(entry.stored.kid);
                        input type="hidden" name="id" value=(r.id);
                        label { "State "
                            select name="state" {
                                @for s in TriageState::ALL { option value=(s.as_str()) selected[entry.triage.state == s] { (s.as_str()) } }
                            }
                        }
                        label { "Note " input name="note" value=(entry.triage.note) maxlength=(MAX_NOTE_CHARS); }
                        button type="submit" aria-label={ "Save the triage of report " (r.id) } { "Save" }
                    }
                }
            }
        }
        @if let Some(last) = next {
            p { a href={ "/admin/reports?" (here) "&after_at=" (last.stored.received_at) "&after=" (urlencode(&format!("{} {}", last.stored.kid, last.stored.report.id))) } { "Next page" } }
        }
    })
    .into_response())
}

/// The triage form's fields.
#[derive(Deserialize)]
pub(super) struct TriageForm {
    #[serde(default)]
    csrf: String,
    kid: String,
    id: String,
    state: String,
    #[serde(default)]
    note: String,
}

pub(super) async fn triage<S: Storage>(State(state): State<Arc<AppState<S>>>, headers: HeaderMap, Form(form): Form<TriageForm>) -> Result<Response, Response> {
    let signed = may_change(&state, &headers, "/admin/triage", &form.csrf, true).await.map_err(IntoResponse::into_response)?;
    let triage_state = TriageState::parse(&form.state).ok_or_else(|| ApiError::malformed("state is open, acknowledged or resolved").into_response())?;
    if form.note.chars().count() > MAX_NOTE_CHARS || form.kid.len() > 64 || form.id.len() > 64 {
        return Err(ApiError::malformed(format!("a note has at most {MAX_NOTE_CHARS} characters")).into_response());
    }
    let at = now().millis();
    let triage = Triage { state: triage_state, note: form.note.trim().to_owned(), by: Some(signed.session.name.clone()), at: Some(at) };
    let line = AuditEntry {
        at,
        actor: signed.session.name.clone(),
        action: "triage".into(),
        detail: format!("report {} of key {}: {}{}", form.id, form.kid, triage_state.as_str(), if triage.note.is_empty() { String::new() } else { format!(" ({})", triage.note) }),
    };
    let (kid, id) = (form.kid.clone(), form.id.clone());
    let found = blocking(&state, move |state| {
        Ok(state.storage.batch(|b| {
            let found = b.triage(&kid, &id, &triage)?;
            if found {
                b.audit(&line)?;
            }
            Ok(found)
        })?)
    })
    .await
    .map_err(IntoResponse::into_response)?;
    if !found {
        return Err(ApiError::malformed("no report has this key and id").into_response());
    }
    if wants_json(&headers, "/admin/triage") {
        return Ok(Json(serde_json::json!({ "kid": form.kid, "id": form.id, "state": triage_state.as_str() })).into_response());
    }
    Ok(Redirect::to("/admin/reports").into_response())
}
