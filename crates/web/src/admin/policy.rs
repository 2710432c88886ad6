//! `/admin/policy`: the policy entries the Postfix policy service enforces beside the list:
//! the allowlist (ranges never blocked), banned sender addresses (5.7.511) and our own
//! restricted senders (5.1.8), each with its history; added and removed through the action
//! service, so each change is checked, audited and answered by the policy service within a
//! second.

use axum::Form;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use domain::{PolicyKind, ReasonSlug, policy_key};
use minijinja::{Value, context};
use serde::{Deserialize, Serialize};
use store::NewPolicyEntry;
use time::OffsetDateTime;

use super::CONSOLE;
use crate::accounts::session::{Staff, see_other};
use crate::errors::{PageError, body_limit};
use crate::i18n::Lang;
use crate::pages::{format_time, page};
use crate::view::{Locale, urlencode};
use crate::{AppState, MAX_BODY};

type Answer = Result<Response, PageError>;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/policy", get(show))
        .route("/admin/policy/add", body_limit(post(add), MAX_BODY))
        .route("/admin/policy/remove", body_limit(post(remove), MAX_BODY))
}

#[derive(Serialize)]
struct EntryView {
    kind: &'static str,
    key: String,
    reason: String,
    note: String,
    source: String,
    since: String,
    history: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Shown {
    kind: String,
    done: String,
}

async fn show(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    Query(q): Query<Shown>,
) -> Answer {
    staff.require(&locale, CONSOLE)?;
    let done = match q.done.as_str() {
        "added" => Some(locale.text("policy-done-added", &[])),
        "removed" => Some(locale.text("policy-done-removed", &[])),
        _ => None,
    };
    render(
        &state,
        &locale,
        q.kind.parse().ok(),
        StatusCode::OK,
        Vec::new(),
        done,
    )
    .await
}

async fn render(
    state: &AppState,
    locale: &Locale,
    kind: Option<PolicyKind>,
    status: StatusCode,
    errors: Vec<String>,
    done: Option<String>,
) -> Answer {
    let internal = |e| PageError::internal(locale, e);
    let entries = state.store.policy_entries(kind).await.map_err(internal)?;
    let mut views = Vec::with_capacity(entries.len());
    for e in entries {
        let history = state
            .store
            .policy_history(e.kind, &e.key)
            .await
            .map_err(internal)?
            .into_iter()
            .map(|h| {
                format!(
                    "{} · {} · {}{}",
                    format_time(locale.lang, h.at),
                    h.actor,
                    h.kind,
                    h.note.map(|n| format!(" · {n}")).unwrap_or_default()
                )
            })
            .collect();
        views.push(EntryView {
            kind: e.kind.as_str(),
            reason: e
                .reason
                .map(|r| super::super::tickets::reason_words(state, locale, r.as_str()).0)
                .unwrap_or_default(),
            note: e.note.unwrap_or_default(),
            source: e.source,
            since: format_time(locale.lang, e.created_at),
            history,
            key: e.key,
        });
    }
    let kinds: Vec<(&str, String)> = PolicyKind::ALL
        .iter()
        .map(|k| {
            (
                k.as_str(),
                locale.text(&format!("policy-kind-{}", k.as_str()), &[]),
            )
        })
        .collect();
    let reasons: Vec<(String, String)> = state
        .portal
        .catalog
        .iter()
        .map(|r| {
            (
                r.slug.as_str().to_string(),
                super::super::tickets::reason_words(state, locale, r.slug.as_str()).0,
            )
        })
        .collect();
    page(
        &state.portal,
        locale,
        status,
        "admin_policy.html",
        "admin",
        context! {
            entries => Value::from(minijinja::value::Serde(views)),
            kinds,
            reasons,
            f_kind => kind.map(|k| k.as_str()).unwrap_or(""),
            errors,
            done,
        },
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct EntryForm {
    kind: String,
    key: String,
    reason: String,
    note: String,
    lang: String,
}

/// The form's kind and canonical key, or the reason in the visitor's words.
fn entry(locale: &Locale, f: &EntryForm) -> Result<(PolicyKind, String), String> {
    let kind = f
        .kind
        .parse::<PolicyKind>()
        .map_err(|_| locale.text("policy-bad-kind", &[]))?;
    let key = policy_key(kind, f.key.trim())
        .map_err(|_| locale.text(&format!("policy-bad-key-{}", kind.as_str()), &[]))?;
    Ok((kind, key))
}

async fn add(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    Form(f): Form<EntryForm>,
) -> Answer {
    let locale = locale.preferring(Lang::from_tag(&f.lang));
    staff.require(&locale, CONSOLE)?;
    let (kind, key) = match entry(&locale, &f) {
        Ok(e) => e,
        Err(why) => {
            return render(
                &state,
                &locale,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
                vec![why],
                None,
            )
            .await;
        }
    };
    // A ban names why (its reason's code is what the sender's server is told); the other
    // kinds carry none.
    let reason = match kind {
        PolicyKind::SenderBan => match ReasonSlug::parse(f.reason.trim())
            .ok()
            .filter(|r| state.portal.catalog.get(r.as_str()).is_ok())
        {
            Some(r) => Some(r),
            None => {
                let why = locale.text("ticket-act-bad-reason", &[]);
                return render(
                    &state,
                    &locale,
                    None,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    vec![why],
                    None,
                )
                .await;
            }
        },
        _ => None,
    };
    let note = Some(f.note.trim())
        .filter(|n| !n.is_empty())
        .map(|n| n.chars().take(500).collect::<String>());
    let new = NewPolicyEntry {
        kind,
        key: &key,
        reason: reason.as_ref(),
        note: note.as_deref(),
        source: "operator",
    };
    actions::Actions::new(state.store.clone())
        .add_policy_entry(&staff.who(), &new, OffsetDateTime::now_utc())
        .await
        .map_err(|e| PageError::action(&locale, e))?;
    Ok(see_other(
        &format!("/admin/policy?kind={}&done=added", urlencode(kind.as_str())),
        Vec::new(),
    ))
}

async fn remove(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    Form(f): Form<EntryForm>,
) -> Answer {
    let locale = locale.preferring(Lang::from_tag(&f.lang));
    staff.require(&locale, CONSOLE)?;
    let (kind, key) = match entry(&locale, &f) {
        Ok(e) => e,
        Err(why) => {
            return render(
                &state,
                &locale,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
                vec![why],
                None,
            )
            .await;
        }
    };
    let note = Some(f.note.trim()).filter(|n| !n.is_empty());
    let removed = actions::Actions::new(state.store.clone())
        .remove_policy_entry(&staff.who(), kind, &key, note, OffsetDateTime::now_utc())
        .await
        .map_err(|e| PageError::action(&locale, e))?;
    if removed.is_none() {
        let why = locale.text("policy-not-there", &[]);
        return render(
            &state,
            &locale,
            Some(kind),
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![why],
            None,
        )
        .await;
    }
    Ok(see_other(
        &format!(
            "/admin/policy?kind={}&done=removed",
            urlencode(kind.as_str())
        ),
        Vec::new(),
    ))
}
