//! Charts drawn on the server as SVG: bars per day, no script, no style attribute (the strict
//! CSP allows neither), colours as presentation attributes. Each chart says its numbers in
//! words too (its label, and a title on every bar), for screen readers and for anyone who
//! would rather read.

use maud::{html, Markup};

/// Counts per day to draw.
pub(super) struct Series<'a> {
    /// What is counted, e.g. "Records per day".
    pub title: &'a str,
    /// How many days the chart spans, ending `today`.
    pub days: i64,
    /// The last day (days since the epoch).
    pub today: i64,
    /// (day, count) pairs; days not listed count zero, days outside the span are left out.
    pub counts: &'a [(i64, u64)],
}

/// The chart's size in SVG units (it scales to the page's width).
const WIDTH: i64 = 560;
const HEIGHT: i64 = 120;

/// A day (days since the epoch) as `YYYY-MM-DD`.
fn day_text(day: i64) -> String {
    offsign::Timestamp::from_millis(day * offsign::DAY_MS).map(|t| t.to_string()[..10].to_owned()).unwrap_or_default()
}

/// The counts of `series` per day of its span, and the span's first day.
fn per_day(series: &Series<'_>) -> (Vec<u64>, i64) {
    let first = series.today - series.days + 1;
    let mut per_day = vec![0u64; series.days.max(0) as usize];
    for &(day, count) in series.counts {
        if let Some(slot) = usize::try_from(day - first).ok().and_then(|i| per_day.get_mut(i)) {
            *slot += count;
        }
    }
    (per_day, first)
}

/// What `series` shows, in words: the total, and the busiest day.
fn in_words(series: &Series<'_>, per_day: &[u64], first: i64) -> String {
    let total: u64 = per_day.iter().sum();
    let most = per_day.iter().copied().max().unwrap_or(0);
    match per_day.iter().position(|&n| n == most && n > 0) {
        Some(i) => format!("{}: {total} in the last {} days, most ({most}) on {}", series.title, series.days, day_text(first + i as i64)),
        None => format!("{}: none in the last {} days", series.title, series.days),
    }
}

/// A bar chart of `series`: a figure with its caption, the SVG and its words.
pub(super) fn bar_chart(series: &Series<'_>) -> Markup {
    let (per_day, first) = per_day(series);
    let most = per_day.iter().copied().max().unwrap_or(0);
    let words = in_words(series, &per_day, first);
    let slot = WIDTH / series.days.max(1);
    html! {
        figure class="chart" {
            figcaption { (words) }
            svg viewBox={ "0 0 " (WIDTH) " " (HEIGHT + 16) } role="img" aria-label=(words) xmlns="http://www.w3.org/2000/svg" {
                line x1="0" y1=(HEIGHT) x2=(WIDTH) y2=(HEIGHT) stroke="#9aa3af" stroke-width="1" {}
                @for (i, &count) in per_day.iter().enumerate() {
                    @let height = if most == 0 { 0 } else { (count as i64 * (HEIGHT - 4)) / most as i64 };
                    rect x=(i as i64 * slot + 1) y=(HEIGHT - height) width=((slot - 2).max(1)) height=(height) fill="#1d4ed8" {
                        title { (day_text(first + i as i64)) ": " (count) }
                    }
                }
                text x="0" y=(HEIGHT + 13) font-size="11" fill="#374151" { (day_text(first)) }
                text x=(WIDTH) y=(HEIGHT + 13) font-size="11" fill="#374151" text-anchor="end" { (day_text(series.today)) }
            }
        }
    }
}

/// A small bar chart of `series` for a table cell (4 units a day, 20 high), its words as its
/// label.
pub(super) fn sparkline(series: &Series<'_>) -> Markup {
    let (per_day, first) = per_day(series);
    let most = per_day.iter().copied().max().unwrap_or(0);
    let words = in_words(series, &per_day, first);
    html! {
        svg class="sparkline" viewBox={ "0 0 " (series.days * 4) " 20" } width=(series.days * 4) height="20" role="img" aria-label=(words) xmlns="http://www.w3.org/2000/svg" {
            @for (i, &count) in per_day.iter().enumerate() {
                @let height = if most == 0 { 0 } else { ((count * 19) / most).max(u64::from(count > 0)) as i64 };
                rect x=(i as i64 * 4) y=(20 - height) width="3" height=(height) fill="#1d4ed8" {}
            }
        }
    }
}
