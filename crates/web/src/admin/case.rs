//! `/admin/cases/{sender}`: one case, the sender of ours and every report that names it
//! (paged, newest first, with checkboxes to confirm or dismiss a selection at once), the
//! sender's restriction with the button that restricts or releases it, and the notice to the
//! tenant: an agent writes to the tenant's administrators (the tenant-admin accounts of that
//! tenant), in the tenant's language, through the action service, which queues the mails
//! with their audit record; the page says when the tenant was last told, and by whom.

use axum::Form;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use mailer::OutgoingMail;
use minijinja::{Value, context};
use serde::Deserialize;
use store::{CaseFilter, CaseNotice, CaseState, CaseSummary, NewMail, Tenant};
use time::{Duration, OffsetDateTime};

use super::CONSOLE;
use super::cases::{
    ReportView, SenderForm, case_url, report_view, restriction_done, set_restriction,
    wants_restriction,
};
use crate::accounts::session::{Staff, see_other};
use crate::errors::{PageError, body_limit};
use crate::i18n::Lang;
use crate::pages::{format_time, page};
use crate::view::Locale;
use crate::{AppState, MAX_BODY};

type Answer = Result<Response, PageError>;

const PAGE: i64 = 50;
/// Characters of a notice's subject and text, at most.
const MAX_SUBJECT: usize = 200;
const MAX_TEXT: usize = 10_000;
/// A notice stays in the mail queue this long if the relay keeps refusing it.
const GIVE_UP_AFTER: Duration = Duration::days(3);

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/cases/{sender}", get(show))
        .route(
            "/admin/cases/{sender}/sender",
            body_limit(post(sender), MAX_BODY),
        )
        .route(
            "/admin/cases/{sender}/notify",
            body_limit(post(notify), MAX_BODY),
        )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Shown {
    before: String,
    done: String,
    /// After a notice: to how many administrators it went.
    sent: String,
    decided: String,
    refused: String,
}

/// Who a case's notice goes to: its tenant and that tenant's administrators (accounts that
/// are not disabled), or nobody.
async fn recipients(
    state: &AppState,
    case: &CaseSummary,
) -> Result<(Option<Tenant>, Vec<String>), store::StoreError> {
    let Some(name) = case.tenant.as_deref() else {
        return Ok((None, Vec::new()));
    };
    let tenant = state
        .store
        .tenants()
        .await?
        .into_iter()
        .find(|t| t.name == name);
    let admins = state
        .store
        .users()
        .await?
        .into_iter()
        .filter(|u| {
            u.role == "tenant-admin" && u.tenant.as_deref() == Some(name) && u.disabled_at.is_none()
        })
        .map(|u| u.email)
        .collect();
    Ok((tenant, admins))
}

/// The language a tenant reads its notices in.
fn tenant_lang(tenant: Option<&Tenant>) -> Lang {
    tenant
        .and_then(|t| Lang::from_tag(&t.lang))
        .unwrap_or(Lang::En)
}

/// What the notice form holds when the page is shown again after a refusal.
#[derive(Default)]
struct Draft {
    subject: Option<String>,
    text: String,
}

async fn show(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    Path(sender): Path<String>,
    Query(q): Query<Shown>,
) -> Answer {
    staff.require(&locale, CONSOLE)?;
    let mut done = Vec::new();
    match q.done.as_str() {
        "restricted" => done.push(locale.text("reports-done-restricted", &[])),
        "released" => done.push(locale.text("reports-done-released", &[])),
        "unchanged" => done.push(locale.text("cases-done-unchanged", &[])),
        "notified" => done.push(locale.text(
            "cases-done-notified",
            &[("count", q.sent.parse::<usize>().unwrap_or(0).to_string())],
        )),
        _ => {}
    }
    if let Ok(decided) = q.decided.parse::<usize>() {
        let refused = q.refused.parse::<usize>().unwrap_or(0).to_string();
        done.push(locale.text(
            "reports-bulk-done",
            &[("decided", decided.to_string()), ("refused", refused)],
        ));
    }
    let before = q.before.trim().parse().ok();
    let view = View {
        before,
        done,
        errors: Vec::new(),
        draft: Draft::default(),
    };
    render(&state, &locale, &sender, StatusCode::OK, view).await
}

struct View {
    before: Option<i64>,
    done: Vec<String>,
    errors: Vec<String>,
    draft: Draft,
}

async fn render(
    state: &AppState,
    locale: &Locale,
    sender: &str,
    status: StatusCode,
    view: View,
) -> Answer {
    let internal = |e| PageError::internal(locale, e);
    let Some(case) = state.store.case(sender).await.map_err(internal)? else {
        return Err(PageError::not_found(locale));
    };
    let filter = CaseFilter {
        sender: Some(case.sender.clone()),
        ..CaseFilter::default()
    };
    let reports = state
        .store
        .search_reports(&filter, view.before, PAGE)
        .await
        .map_err(internal)?;
    let more = (reports.len() as i64 == PAGE)
        .then(|| {
            reports
                .last()
                .map(|r| format!("{}?before={}", case_url(&case.sender), r.id))
        })
        .flatten();
    let rows: Vec<ReportView> = reports.iter().map(|r| report_view(locale, r)).collect();
    let desk_case = state
        .store
        .threshold_case(&case.sender)
        .await
        .map_err(internal)?
        .map(|c| (c.id, format_time(locale.lang, c.opened_at), c.report_count));
    let first = state
        .store
        .first_report_at(&case.sender)
        .await
        .map_err(internal)?
        .unwrap_or(case.newest_at);
    let notified = state
        .store
        .last_case_notice(&case.sender, first)
        .await
        .map_err(internal)?
        .map(|e| (format_time(locale.lang, e.at), e.actor));
    let (tenant, admins) = recipients(state, &case).await.map_err(internal)?;
    let subject = view.draft.subject.unwrap_or_else(|| {
        tenant_lang(tenant.as_ref()).text(
            "cases-notify-subject-default",
            &[("sender", case.sender.clone())],
        )
    });
    page(
        &state.portal,
        locale,
        status,
        "admin_case.html",
        "admin",
        context! {
            sender => case.sender.clone(),
            url => case_url(&case.sender),
            tenant => case.tenant.clone(),
            reports => case.reports,
            undecided => case.undecided,
            counting => case.counting,
            open => case.state() == CaseState::Open,
            restricted => case.restricted,
            desk_case,
            notified,
            admins,
            subject,
            text => view.draft.text,
            rows => Value::from(minijinja::value::Serde(rows)),
            more,
            done => view.done,
            errors => view.errors,
        },
    )
}

/// Restricts or releases the case's sender, as `senderdesk sender restrict|release` does,
/// with the case in the note.
async fn sender(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    Path(sender): Path<String>,
    Form(f): Form<SenderForm>,
) -> Answer {
    let locale = locale.preferring(Lang::from_tag(&f.lang));
    staff.require(&locale, CONSOLE)?;
    let restrict = wants_restriction(&locale, &f.action)?;
    let found = state
        .store
        .case(&sender)
        .await
        .map_err(|e| PageError::internal(&locale, e))?;
    let Some(case) = found else {
        return Err(PageError::not_found(&locale));
    };
    let note = format!("console: case of {}", case.sender);
    let changed = set_restriction(&state, &locale, &staff, &case.sender, restrict, &note).await?;
    let done = restriction_done(changed, restrict);
    Ok(see_other(
        &format!("{}?done={done}", case_url(&case.sender)),
        Vec::new(),
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NoticeForm {
    subject: String,
    text: String,
    lang: String,
}

/// Mails the case's tenant administrators the agent's words, each in the tenant's language,
/// queued with the `case.notify` record in one write. Refused with the reason, nothing
/// queued or recorded, when there is nobody to write to or nothing written.
async fn notify(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    Path(sender): Path<String>,
    Form(f): Form<NoticeForm>,
) -> Answer {
    let locale = locale.preferring(Lang::from_tag(&f.lang));
    staff.require(&locale, CONSOLE)?;
    let internal = |e| PageError::internal(&locale, e);
    let Some(case) = state.store.case(&sender).await.map_err(internal)? else {
        return Err(PageError::not_found(&locale));
    };
    let (tenant, admins) = recipients(&state, &case).await.map_err(internal)?;
    // A subject is one line: a line break in it would start a header of its own.
    let subject: String = f.subject.split_whitespace().collect::<Vec<_>>().join(" ");
    let text = f.text.trim().replace("\r\n", "\n");
    let why = match (&tenant, admins.is_empty()) {
        (None, _) => Some(locale.text("cases-notify-no-tenant", &[])),
        (Some(t), true) => {
            Some(locale.text("cases-notify-no-admins", &[("tenant", t.name.clone())]))
        }
        _ if text.is_empty() => Some(locale.text("cases-notify-empty", &[])),
        _ if subject.is_empty() => Some(locale.text("cases-notify-no-subject", &[])),
        _ if subject.chars().count() > MAX_SUBJECT || text.chars().count() > MAX_TEXT => {
            let max = [
                ("subject", MAX_SUBJECT.to_string()),
                ("text", MAX_TEXT.to_string()),
            ];
            Some(locale.text("cases-notify-too-long", &max))
        }
        _ => None,
    };
    let Some(tenant) = tenant.filter(|_| why.is_none()) else {
        let view = View {
            before: None,
            done: Vec::new(),
            errors: why.into_iter().collect(),
            draft: Draft {
                subject: Some(subject),
                text,
            },
        };
        return render(
            &state,
            &locale,
            &sender,
            StatusCode::UNPROCESSABLE_ENTITY,
            view,
        )
        .await;
    };
    let now = OffsetDateTime::now_utc();
    let mut mails = Vec::with_capacity(admins.len());
    for to in &admins {
        let mail = notice_mail(&state, &tenant, &case, to, &subject, &text)
            .map_err(|e| PageError::internal(&locale, e))?;
        mails.push(NewMail {
            tag: "case-notice".into(),
            recipient: mail.to,
            subject: mail.subject,
            text: mail.text,
            html: mail.html,
            from_name: mail.from_name,
            reply_to: mail.reply_to,
            delist_request_id: None,
            expires_at: now + GIVE_UP_AFTER,
        });
    }
    let notice = CaseNotice {
        sender: &case.sender,
        tenant: &tenant.name,
        subject: &subject,
        body: &text,
        mails: &mails,
    };
    actions::Actions::new(state.store.clone())
        .notify_case(&staff.who(), &notice, now)
        .await
        .map_err(|e| PageError::action(&locale, e))?;
    Ok(see_other(
        &format!(
            "{}?done=notified&sent={}",
            case_url(&case.sender),
            mails.len()
        ),
        Vec::new(),
    ))
}

/// The notice to one administrator, rendered from `mail_case.{txt,html}` in the tenant's
/// language: the agent's subject and words, framed by what the case is about.
fn notice_mail(
    state: &AppState,
    tenant: &Tenant,
    case: &CaseSummary,
    to: &str,
    subject: &str,
    text: &str,
) -> Result<OutgoingMail, minijinja::Error> {
    let lang = tenant_lang(Some(tenant));
    let ctx = context! {
        subject,
        body => text,
        sender => case.sender.clone(),
        tenant => tenant.name.clone(),
        base_url => state.portal.settings.base_url.clone(),
    };
    let templates = &state.portal.templates;
    Ok(OutgoingMail {
        to: to.to_string(),
        subject: subject.to_string(),
        text: templates.render("mail_case.txt", lang, ctx.clone())?,
        html: templates.render("mail_case.html", lang, ctx)?,
        tag: "case-notice".into(),
        from_name: Some(lang.text("mail-signature", &[])),
        reply_to: None,
    })
}
