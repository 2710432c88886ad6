//! `/admin/reports/{id}`: one report. What the intake read from it, the reporter and how we
//! know them, and the evidence decoded (`evidence`: headers, text, attachments, an ARF
//! report's fields and its original), each attachment downloadable on its own and the
//! whole report as received; the decision on an anonymous report, confirm (it then counts
//! toward restricting the sender) or dismiss, through the action service and the desk, as
//! `senderdesk report confirm|dismiss`, alone or over a selection from the queue or a case;
//! and the restriction of the sender of ours it names.

use axum::Form;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use domain::ReportDecision;
use minijinja::{Value, context};
use serde::Deserialize;

use super::CONSOLE;
use super::cases::{
    Fields, MOST_SELECTED, SenderForm, case_url, report_view, restriction_done, set_restriction,
    unreadable, wants_restriction,
};
use super::evidence::{self, Undecoded};
use crate::accounts::session::{Staff, see_other};
use crate::errors::{PageError, Refusal, body_limit};
use crate::i18n::Lang;
use crate::pages::{format_time, page};
use crate::view::Locale;
use crate::{AppState, MAX_BODY};

type Answer = Result<Response, PageError>;

/// The evidence shown as text on the page, at most; the download has all of it.
const SHOWN_EVIDENCE: usize = 256 * 1024;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/reports/bulk", body_limit(post(bulk), MAX_BODY))
        .route("/admin/reports/{id}", get(show))
        .route("/admin/reports/{id}/raw", get(raw))
        .route("/admin/reports/{id}/attachments/{number}", get(attachment))
        .route(
            "/admin/reports/{id}/decide",
            body_limit(post(decide), MAX_BODY),
        )
        .route(
            "/admin/reports/{id}/sender",
            body_limit(post(sender), MAX_BODY),
        )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Shown {
    done: String,
}

async fn show(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    Path(id): Path<i64>,
    Query(q): Query<Shown>,
) -> Answer {
    staff.require(&locale, CONSOLE)?;
    let done = match q.done.as_str() {
        "confirmed" => Some(locale.text("reports-done-confirmed", &[])),
        "restricted" => Some(locale.text("reports-done-restricted", &[])),
        "released" => Some(locale.text("reports-done-released", &[])),
        "dismissed" => Some(locale.text("reports-done-dismissed", &[])),
        "unchanged" => Some(locale.text("cases-done-unchanged", &[])),
        _ => None,
    };
    render(&state, &locale, id, StatusCode::OK, Vec::new(), done).await
}

/// The evidence as stored, decompressed; `None` once purged.
fn evidence_bytes(submission: &store::Submission) -> Option<Vec<u8>> {
    submission
        .raw_compressed
        .as_deref()
        .and_then(|c| lz4_flex::decompress_size_prepended(c).ok())
}

/// Report `id`'s evidence; not found when there is no such report or its evidence was
/// purged.
async fn stored_evidence(state: &AppState, locale: &Locale, id: i64) -> Result<Vec<u8>, PageError> {
    let found = state
        .store
        .report(id)
        .await
        .map_err(|e| PageError::internal(locale, e))?;
    found
        .and_then(|(_, s)| evidence_bytes(&s))
        .ok_or_else(|| PageError::not_found(locale))
}

async fn render(
    state: &AppState,
    locale: &Locale,
    id: i64,
    status: StatusCode,
    errors: Vec<String>,
    done: Option<String>,
) -> Answer {
    let found = state
        .store
        .report(id)
        .await
        .map_err(|e| PageError::internal(locale, e))?;
    let Some((row, submission)) = found else {
        return Err(PageError::not_found(locale));
    };
    let raw = evidence_bytes(&submission);
    let (decoded, undecoded) = match &raw {
        None => (None, None),
        Some(raw) => match evidence::decode(raw.clone(), None).await {
            Ok((decoded, _)) => (Some(decoded), None),
            Err(why) => (None, Some(locale.text(why.key(), &[]))),
        },
    };
    let text = raw
        .as_deref()
        .map(|r| evidence::raw_text(r, SHOWN_EVIDENCE).into_owned());
    let decision = row.decision.as_ref().map(|d| {
        (
            locale.text(&format!("reports-decision-{}", d.decision.as_str()), &[]),
            d.actor.clone(),
            format_time(locale.lang, d.at),
            d.note.clone().unwrap_or_default(),
        )
    });
    // Whether the report's sender (one of ours) is restricted now, for the button to show.
    let restricted = match (&row.sender, row.ours) {
        (Some(sender), true) => Some(
            state
                .store
                .case(sender)
                .await
                .map_err(|e| PageError::internal(locale, e))?
                .is_some_and(|c| c.restricted),
        ),
        _ => None,
    };
    page(
        &state.portal,
        locale,
        status,
        "admin_report.html",
        "admin",
        context! {
            r => Value::from(minijinja::value::Serde(report_view(locale, &row))),
            trust_evidence => row.trust_evidence.clone(),
            details => row.details.clone(),
            decision,
            restricted,
            decoded => decoded.map(|d| Value::from(minijinja::value::Serde(d))),
            undecoded,
            evidence => text,
            purged => submission.raw_compressed.is_none(),
            size => submission.raw_size,
            errors,
            done,
        },
    )
}

/// Marks a download of a stranger's bytes: saved, never shown or sniffed, never cached.
fn download(bytes: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    let mut response = (StatusCode::OK, bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    // The name is ASCII letters, digits, `.`, `-` and `_` (see `evidence::download_name`).
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The evidence as received, byte for byte, to open in a mail program.
async fn raw(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    Path(id): Path<i64>,
) -> Answer {
    staff.require(&locale, CONSOLE)?;
    let raw = stored_evidence(&state, &locale, id).await?;
    // message/rfc822 as an attachment: a browser saves it rather than render what a
    // stranger wrote.
    Ok(download(raw, "message/rfc822", &format!("report-{id}.eml")))
}

/// One attachment of the evidence, as the sender attached it (its transfer encoding undone),
/// as bytes to save: `application/octet-stream` whatever it claims to be.
async fn attachment(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    Path((id, number)): Path<(i64, usize)>,
) -> Answer {
    staff.require(&locale, CONSOLE)?;
    let raw = stored_evidence(&state, &locale, id).await?;
    match evidence::decode(raw, Some(number)).await {
        Ok((_, Some((listed, bytes)))) => Ok(download(
            bytes,
            "application/octet-stream",
            &evidence::download_name(&listed),
        )),
        Ok((_, None)) | Err(Undecoded::NotAMessage | Undecoded::TooLarge) => {
            Err(PageError::not_found(&locale))
        }
        Err(Undecoded::Failed) => Err(PageError::internal(
            &locale,
            "the evidence could not be decoded",
        )),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DecideForm {
    /// `confirmed` or `dismissed`.
    decision: String,
    note: String,
    lang: String,
}

async fn decide(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    Path(id): Path<i64>,
    Form(f): Form<DecideForm>,
) -> Answer {
    let locale = locale.preferring(Lang::from_tag(&f.lang));
    staff.require(&locale, CONSOLE)?;
    let Ok(decision) = f.decision.parse::<ReportDecision>() else {
        return Err(unreadable(&locale));
    };
    // An unknown number is "not found", as on the report's page.
    if state
        .store
        .report(id)
        .await
        .map_err(|e| PageError::internal(&locale, e))?
        .is_none()
    {
        return Err(PageError::not_found(&locale));
    }
    let Some(desk) = state.reports.clone() else {
        return Err(PageError::internal(&locale, "no abuse desk in this server"));
    };
    let note = Some(f.note.trim().chars().take(500).collect::<String>()).filter(|n| !n.is_empty());
    match desk.decide(staff.who(), id, decision, note).await {
        Ok(_) => Ok(see_other(
            &format!("/admin/reports/{id}?done={}", decision.as_str()),
            Vec::new(),
        )),
        Err(actions::ActionError::Forbidden { .. }) => {
            Err(PageError::new(&locale, Refusal::NoRole))
        }
        Err(actions::ActionError::Refused(_)) => {
            let why = locale.text("reports-refused", &[]);
            render(&state, &locale, id, StatusCode::CONFLICT, vec![why], None).await
        }
        Err(e) => Err(PageError::internal(&locale, e)),
    }
}

/// Restricts or releases the report's sender (one of ours), as `senderdesk sender
/// restrict|release` does, with the report's number in the note.
async fn sender(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    Path(id): Path<i64>,
    Form(f): Form<SenderForm>,
) -> Answer {
    let locale = locale.preferring(Lang::from_tag(&f.lang));
    staff.require(&locale, CONSOLE)?;
    let found = state
        .store
        .report(id)
        .await
        .map_err(|e| PageError::internal(&locale, e))?;
    let Some((row, _)) = found else {
        return Err(PageError::not_found(&locale));
    };
    let ours = row
        .sender
        .as_deref()
        .filter(|s| row.ours && domain::policy_key(domain::PolicyKind::Restriction, s).is_ok());
    let Some(sender) = ours else {
        let why = locale.text("reports-no-sender", &[]);
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return render(&state, &locale, id, status, vec![why], None).await;
    };
    let restrict = wants_restriction(&locale, &f.action)?;
    let note = format!("report #{id}");
    let changed = set_restriction(&state, &locale, &staff, sender, restrict, &note).await?;
    let done = restriction_done(changed, restrict);
    Ok(see_other(
        &format!("/admin/reports/{id}?done={done}"),
        Vec::new(),
    ))
}

/// Confirms or dismisses every selected report (`report=ID`, repeated), each as its own
/// decision through the desk; back on the case (`case=SENDER`) or the queue it came from,
/// the page says how many were decided and how many refused (decided already, or repeats).
async fn bulk(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    body: axum::body::Bytes,
) -> Answer {
    let fields = Fields::read(&body);
    let locale = locale.preferring(Lang::from_tag(fields.get("lang")));
    staff.require(&locale, CONSOLE)?;
    let Ok(decision) = fields.get("decision").parse::<ReportDecision>() else {
        return Err(unreadable(&locale));
    };
    let ids: Vec<i64> = fields
        .all("report")
        .filter_map(|v| v.parse().ok())
        .collect();
    if ids.is_empty() || ids.len() > MOST_SELECTED {
        return Err(unreadable(&locale));
    }
    let Some(desk) = state.reports.clone() else {
        return Err(PageError::internal(&locale, "no abuse desk in this server"));
    };
    let note = Some(
        fields
            .get("note")
            .trim()
            .chars()
            .take(500)
            .collect::<String>(),
    )
    .filter(|n| !n.is_empty());
    let (mut decided, mut refused) = (0usize, 0usize);
    for id in ids {
        match desk.decide(staff.who(), id, decision, note.clone()).await {
            Ok(_) => decided += 1,
            Err(actions::ActionError::Refused(_)) => refused += 1,
            Err(e) => return Err(PageError::action(&locale, e)),
        }
    }
    let back = match fields.get("case") {
        "" => "/admin/cases".to_string(),
        case => case_url(case),
    };
    Ok(see_other(
        &format!("{back}?decided={decided}&refused={refused}"),
        Vec::new(),
    ))
}
