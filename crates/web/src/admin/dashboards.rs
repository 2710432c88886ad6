//! `/admin/dashboards`: charts of the list, the delist portal, the abuse desk and the
//! services over the last 24 hours, 7, 30 or 90 days (`?window=24h|7d|30d|90d`), drawn on
//! the server as SVG (no script), each with its title, a sentence saying what it counts and
//! its numbers as a table. The services' counters come from the samples the sampler stores
//! each minute, per minute for a day, per hour for a week and per day beyond; the store's
//! own counts per hour for a day or a week and per day beyond.

use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use minijinja::{Value, context};
use serde::{Deserialize, Serialize};
use store::{ComplaintsBy, Counts, Window};
use time::{Duration, OffsetDateTime};

use super::CONSOLE;
use super::charts::{self, Shape, TimeChart};
use crate::AppState;
use crate::accounts::session::Staff;
use crate::errors::PageError;
use crate::pages::page;
use crate::tickets::reason_words;
use crate::view::Locale;

/// The tenants or senders a complaints chart names; the rest are summed as "others".
const TOP: usize = 10;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/admin/dashboards", get(show))
}

/// The period the page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Span {
    Day,
    Week,
    Month,
    Quarter,
}

impl Span {
    const ALL: [Span; 4] = [Span::Day, Span::Week, Span::Month, Span::Quarter];

    fn tag(self) -> &'static str {
        match self {
            Span::Day => "24h",
            Span::Week => "7d",
            Span::Month => "30d",
            Span::Quarter => "90d",
        }
    }

    /// `?window=`; anything else is the default, a day.
    fn parse(text: &str) -> Span {
        Span::ALL
            .into_iter()
            .find(|s| s.tag() == text.trim())
            .unwrap_or(Span::Day)
    }

    fn days(self) -> usize {
        match self {
            Span::Day => 1,
            Span::Week => 7,
            Span::Month => 30,
            Span::Quarter => 90,
        }
    }

    /// Where the services' counters are read: per minute for a day (up to the last whole
    /// minute, as the one under way is sampled when it ends), per hour for a week, per day.
    fn counters(self, now: OffsetDateTime) -> Window {
        match self {
            Span::Day => ending(now, Duration::minutes(1), 24 * 60, false),
            Span::Week => ending(now, Duration::hours(1), 7 * 24, true),
            _ => ending(now, Duration::days(1), self.days(), true),
        }
    }

    /// Where the store's own counts are read: per hour for a day or a week (a minute's
    /// listings or reports are too few to read), per day beyond.
    fn records(self, now: OffsetDateTime) -> Window {
        match self {
            Span::Day | Span::Week => ending(now, Duration::hours(1), self.days() * 24, true),
            _ => ending(now, Duration::days(1), self.days(), true),
        }
    }
}

/// `slots` steps up to the step holding `now` (`current`) or the one before, starting on a
/// whole step in UTC, so hour and day samples fall in exactly one slot.
fn ending(now: OffsetDateTime, step: Duration, slots: usize, current: bool) -> Window {
    let s = step.whole_seconds().max(1);
    let end = (now.unix_timestamp().div_euclid(s) + i64::from(current)) * s;
    let since = end - s * i64::try_from(slots).unwrap_or(0);
    Window {
        since: OffsetDateTime::from_unix_timestamp(since).unwrap_or(now),
        step,
        slots,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Params {
    window: String,
}

#[derive(Serialize)]
struct Choice {
    tag: &'static str,
    text: String,
    current: bool,
}

/// A label a reader sees: a legend entry, a table heading or cell. `en` marks English an
/// operator wrote (a reason's name), shown as English.
#[derive(Serialize, Clone)]
struct Label {
    text: String,
    en: bool,
    color: String,
    /// For a time: the machine-readable moment.
    time: Option<String>,
}

impl Label {
    fn plain(text: String) -> Label {
        Label {
            text,
            en: false,
            color: String::new(),
            time: None,
        }
    }
}

/// Which chart, and so how its keys are named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Listings,
    Changes,
    Delist,
    Tenants,
    Senders,
    Channels,
    Trust,
    Dns,
    Policy,
}

impl Kind {
    fn id(self) -> &'static str {
        match self {
            Kind::Listings => "listings",
            Kind::Changes => "changes",
            Kind::Delist => "delist",
            Kind::Tenants => "tenants",
            Kind::Senders => "senders",
            Kind::Channels => "channels",
            Kind::Trust => "trust",
            Kind::Dns => "dns",
            Kind::Policy => "policy",
        }
    }

    /// A key's name in the reader's language, and whether it is an operator's English.
    fn name(self, state: &AppState, locale: &Locale, key: &str) -> (String, bool) {
        let message = match self {
            Kind::Listings => return reason_words(state, locale, key),
            Kind::Tenants | Kind::Senders if !key.is_empty() => return (key.to_string(), false),
            Kind::Tenants => "dash-no-tenant".to_string(),
            Kind::Senders => "dash-no-sender".to_string(),
            Kind::Changes => format!("dash-changes-{key}"),
            Kind::Delist => format!("dash-delist-{key}"),
            Kind::Channels => format!("dash-channel-{key}"),
            Kind::Trust => format!("reports-trust-{key}"),
            // `dns.not_listed` → `dash-dns-not-listed`.
            Kind::Dns | Kind::Policy => format!("dash-{}", key.replace(['.', '_'], "-")),
        };
        match locale.lang.try_text(&message, &[]) {
            Some(text) => (text, false),
            // A series a newer sampler wrote: its own name, which is no word of any language.
            None => (key.to_string(), true),
        }
    }

    fn shape(self) -> Shape {
        match self {
            Kind::Dns | Kind::Policy => Shape::Lines,
            _ => Shape::Stacked,
        }
    }
}

async fn show(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    Query(q): Query<Params>,
) -> Result<Response, PageError> {
    staff.require(&locale, CONSOLE)?;
    let span = Span::parse(&q.window);
    let now = OffsetDateTime::now_utc();
    let (records, counters) = (span.records(now), span.counters(now));
    let store = &state.store;
    let (listings, changes, delist, tenants, senders, channels, trust, dns, policy) =
        tokio::try_join!(
            store.listings_added_by_reason(&records),
            store.listing_changes(&records),
            store.delist_request_counts(&records),
            store.complaints(ComplaintsBy::Tenant, &records, TOP),
            store.complaints(ComplaintsBy::Sender, &records, TOP),
            store.reports_by_channel(&records),
            store.reports_by_trust(&records),
            store.counter_series("dns.", &counters),
            store.counter_series("policy.", &counters),
        )
        .map_err(|e| PageError::internal(&locale, e))?;
    let mut charts = Vec::new();
    for (kind, counts) in [
        (Kind::Listings, listings),
        (Kind::Changes, changes),
        (Kind::Delist, delist),
        (Kind::Tenants, tenants),
        (Kind::Senders, senders),
        (Kind::Channels, channels),
        (Kind::Trust, trust),
        (Kind::Dns, dns),
        (Kind::Policy, policy),
    ] {
        let window = if matches!(kind, Kind::Dns | Kind::Policy) {
            &counters
        } else {
            &records
        };
        charts.push(
            chart(&state, &locale, kind, window, &counts)
                .map_err(|e| PageError::internal(&locale, e))?,
        );
    }
    let windows: Vec<Choice> = Span::ALL
        .into_iter()
        .map(|s| Choice {
            tag: s.tag(),
            text: locale.text(&format!("dash-window-{}", s.tag()), &[]),
            current: s == span,
        })
        .collect();
    page(
        &state.portal,
        &locale,
        StatusCode::OK,
        "admin_dashboards.html",
        "admin",
        context! {
            windows => Value::from(minijinja::value::Serde(windows)),
            charts,
        },
    )
}

/// One chart: its words, its drawing and its table, or the words that it has no data.
fn chart(
    state: &AppState,
    locale: &Locale,
    kind: Kind,
    window: &Window,
    counts: &Counts,
) -> Result<Value, String> {
    let id = kind.id();
    let title = locale.text(&format!("dash-{id}-title"), &[]);
    let description = locale.text(&format!("dash-{id}-desc"), &[]);
    let mut series: Vec<(Label, &[i64], plotters::style::RGBColor)> = counts
        .series
        .iter()
        .enumerate()
        .map(|(i, (key, values))| {
            let (text, en) = kind.name(state, locale, key);
            (text, en, values.as_slice(), charts::color(i))
        })
        .map(|(text, en, values, color)| {
            let label = Label {
                text,
                en,
                color: charts::hex(color),
                time: None,
            };
            (label, values, color)
        })
        .collect();
    if let Some(others) = &counts.others {
        let mut label = Label::plain(locale.text("dash-others", &[]));
        label.color = charts::hex(charts::OTHERS);
        series.push((label, others.as_slice(), charts::OTHERS));
    }
    let base = context! { id, title, description };
    if counts.is_empty() {
        return Ok(context! { empty => true, ..base });
    }
    let labelled_by = format!("{id}-title {id}-desc");
    let ranking = matches!(kind, Kind::Tenants | Kind::Senders);
    // A ranking names its bars itself; a time chart's colours need their names.
    let legend: Vec<Label> = if ranking {
        Vec::new()
    } else {
        series.iter().map(|(l, _, _)| l.clone()).collect()
    };
    let (svg, head, rows, total, note) = if ranking {
        let ranked: Vec<(String, _, i64)> = series
            .iter()
            .map(|(l, v, c)| (l.text.clone(), *c, v.iter().sum()))
            .collect();
        let svg = charts::ranking_svg(&ranked, locale.lang, &labelled_by)?;
        let who = if kind == Kind::Tenants {
            "dash-tenant"
        } else {
            "dash-sender"
        };
        let head = vec![
            Label::plain(locale.text(who, &[])),
            Label::plain(locale.text("dash-complaints", &[])),
        ];
        let rows: Vec<Vec<Label>> = series
            .iter()
            .zip(&ranked)
            .map(|((l, _, _), (_, _, n))| vec![l.clone(), number(locale, *n)])
            .collect();
        let total = vec![number(locale, ranked.iter().map(|r| r.2).sum())];
        (svg, head, rows, total, None)
    } else {
        let step = match window.step.whole_seconds() {
            60 => "dash-per-minute",
            3600 => "dash-per-hour",
            _ => "dash-per-day",
        };
        let long = window.step >= Duration::days(1);
        let moment = |t: OffsetDateTime| {
            if long {
                charts::day(t)
            } else {
                format!("{} {}", charts::day(t), charts::clock(t))
            }
        };
        let plot = TimeChart {
            window,
            shape: kind.shape(),
            series: series.iter().map(|(_, v, c)| (*c, *v)).collect(),
            x_desc: locale.text(
                "dash-x-range",
                &[
                    ("from", moment(window.since)),
                    ("to", moment(window.until())),
                ],
            ),
            y_desc: locale.text(step, &[]),
            lang: locale.lang,
        };
        let svg = charts::time_svg(&plot, &labelled_by)?;
        let mut head = vec![Label::plain(locale.text("dash-time", &[]))];
        head.extend(series.iter().map(|(l, _, _)| l.clone()));
        // Only the slots where something was counted: a day of minutes is 1,440 rows.
        let rows: Vec<Vec<Label>> = (0..window.slots)
            .filter(|&i| {
                series
                    .iter()
                    .any(|(_, v, _)| v.get(i).is_some_and(|n| *n != 0))
            })
            .map(|i| {
                let at = window.slot_start(i);
                let mut row = vec![Label {
                    time: Some(iso(at)),
                    ..Label::plain(moment(at))
                }];
                row.extend(
                    series
                        .iter()
                        .map(|(_, v, _)| number(locale, v.get(i).copied().unwrap_or(0))),
                );
                row
            })
            .collect();
        let total = series
            .iter()
            .map(|(_, v, _)| number(locale, v.iter().sum()))
            .collect();
        (
            svg,
            head,
            rows,
            total,
            Some(locale.text("dash-table-note", &[])),
        )
    };
    Ok(context! {
        empty => false,
        svg => Value::from_safe_string(svg),
        legend => Value::from(minijinja::value::Serde(legend)),
        head => Value::from(minijinja::value::Serde(head)),
        rows => Value::from(minijinja::value::Serde(rows)),
        total => Value::from(minijinja::value::Serde(total)),
        note,
        ..base
    })
}

fn number(locale: &Locale, n: i64) -> Label {
    Label::plain(locale.lang.number(u64::try_from(n).unwrap_or(0)))
}

fn iso(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_start_on_whole_steps_and_end_with_now() {
        // 2023-11-14 22:13:20 UTC.
        let now = OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
        let day = Span::Day.counters(now);
        assert_eq!(day.slots, 1440);
        assert_eq!(day.until().unix_timestamp(), 1_700_000_000 / 60 * 60);
        let week = Span::Week.records(now);
        assert_eq!(week.since.unix_timestamp() % 3600, 0);
        assert!(week.until() > now && week.until() - now <= Duration::hours(1));
        let quarter = Span::Quarter.counters(now);
        assert_eq!(
            (quarter.slots, quarter.since.unix_timestamp() % 86_400),
            (90, 0)
        );
        assert_eq!(Span::parse("7d"), Span::Week);
        assert_eq!(Span::parse("forever"), Span::Day);
    }
}
