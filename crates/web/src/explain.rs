//! The NDR explainer: `/ndr` (paste a bounce, or `?code=`) and `GET /api/v1/ndr?text=`.
//! Codes are explained from the `ndr` catalog in the page's language; the first IP address
//! in the bounce is looked up here, so a sender whose IP we list is one click from the
//! prefilled delist form, and one we do not list is told so instead of sent to our portal.

use std::net::IpAddr;

use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json, Response};
use axum::routing::get;
use minijinja::{Value, context};
use ndr::{Explanation, Owner};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::AppState;
use crate::errors::{ApiError, PageError, body_limit};
use crate::i18n::translated;
use crate::pages::{ListingView, look_up, page};
use crate::view::Locale;

/// A pasted bounce with its original message can be long; the scanner reads 64 KiB.
const MAX_PASTE: usize = 256 * 1024;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/ndr",
            body_limit(get(ndr_page).post(ndr_posted), MAX_PASTE),
        )
        .route("/api/v1/ndr", get(ndr_api))
}

#[derive(Deserialize, Default)]
struct NdrInput {
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    code: Option<String>,
    /// The form's language: what the visitor saw when sending it.
    #[serde(default)]
    lang: Option<String>,
}

impl NdrInput {
    fn text(&self) -> String {
        [self.text.as_deref(), self.code.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("\n")
    }
}

#[derive(Serialize)]
struct LinkView {
    rel: String,
    href: String,
    label: String,
}

#[derive(Serialize)]
pub(crate) struct CodeView {
    code: String,
    title: String,
    meaning: String,
    owner: Option<&'static str>,
    owner_text: String,
    steps: Vec<String>,
    links: Vec<LinkView>,
    /// What the code means on our own list, when it is one of our reasons.
    ours: Option<String>,
    specific: bool,
}

pub(crate) struct Explained {
    pub(crate) codes: Vec<CodeView>,
    ips: Vec<String>,
    replies: Vec<u16>,
    /// The first IP of the bounce, as our list knows it.
    listing: Option<ListingView>,
}

fn owner_key(owner: Option<Owner>) -> Option<&'static str> {
    owner.map(|o| match o {
        Owner::Sender => "sender",
        Owner::SenderAdmin => "sender-admin",
        Owner::RecipientAdmin => "recipient-admin",
    })
}

/// The status codes of `text` explained in the locale's language, and the listing of its
/// first IP: the `/ndr` page's answer, which a ticket's page shows for its pasted bounce.
pub(crate) async fn explain(
    state: &AppState,
    locale: &Locale,
    text: &str,
) -> Result<Explained, store::StoreError> {
    let found = ndr::scan(text);
    let ip: Option<IpAddr> = found.ips.first().copied().map(domain::canonical_addr);
    let listing = match ip {
        Some(ip) => Some(look_up(state, ip, locale, OffsetDateTime::now_utc()).await?),
        None => None,
    };
    let listed_here = listing.as_ref().is_some_and(|l| l.listed);
    let portal = &state.portal;
    let catalog = portal.ndr.get(locale.lang.tag());
    let codes = catalog
        .explain_all(&found)
        .into_iter()
        .map(|e: Explanation| {
            let links = e
                .links
                .iter()
                // Our delist form only helps with our list.
                .filter(|l| *l != "delist" || listed_here)
                .filter_map(|l| {
                    let href = ndr::link_path(l, ip)?;
                    let ip_text = ip.map(|i| i.to_string()).unwrap_or_default();
                    let label = match l.strip_prefix("help:") {
                        Some(slug) => {
                            let title = portal.help.title(locale.lang, slug)?;
                            locale.text("ndr-link-help", &[("title", title.to_string())])
                        }
                        None if ip.is_some() => {
                            locale.text(&format!("ndr-link-{l}-ip"), &[("ip", ip_text)])
                        }
                        None => locale.text(&format!("ndr-link-{l}"), &[]),
                    };
                    Some(LinkView {
                        rel: l.clone(),
                        href,
                        label,
                    })
                })
                .collect();
            let code = e.code.to_string();
            let ours = portal
                .catalog
                .iter()
                .find(|r| r.smtp_code == code)
                .map(|r| {
                    let words = r.words(locale.lang.tag(), |key| locale.lang.try_text(key, &[]));
                    crate::pages::in_a_sentence(locale.lang, &words.text, words.english_fallback)
                });
            let owner = owner_key(e.owner);
            CodeView {
                code,
                title: translated(e.title),
                meaning: translated(e.meaning),
                owner,
                owner_text: locale.text(&format!("ndr-owner-{}", owner.unwrap_or("depends")), &[]),
                steps: e.steps.into_iter().map(translated).collect(),
                links,
                ours,
                specific: e.specific,
            }
        })
        .collect();
    Ok(Explained {
        codes,
        ips: found.ips.iter().map(ToString::to_string).collect(),
        replies: found.replies,
        listing,
    })
}

async fn render(state: AppState, locale: Locale, input: NdrInput) -> Result<Response, PageError> {
    let text = input.text();
    if text.trim().is_empty() {
        return page(
            &state.portal,
            &locale,
            StatusCode::OK,
            "ndr.html",
            "ndr",
            context! { text => "", asked => false },
        );
    }
    let explained = explain(&state, &locale, &text)
        .await
        .map_err(|e| PageError::internal(&locale, e))?;
    let status = if explained.codes.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    page(
        &state.portal,
        &locale,
        status,
        "ndr.html",
        "ndr",
        context! {
            text => text.chars().take(20_000).collect::<String>(),
            asked => true,
            codes => Value::from(minijinja::value::Serde(&explained.codes)),
            ips => explained.ips,
            result => Value::from(minijinja::value::Serde(&explained.listing)),
        },
    )
}

async fn ndr_page(
    State(state): State<AppState>,
    locale: Locale,
    Query(input): Query<NdrInput>,
) -> Result<Response, PageError> {
    render(state, locale, input).await
}

async fn ndr_posted(
    State(state): State<AppState>,
    locale: Locale,
    Form(input): Form<NdrInput>,
) -> Result<Response, PageError> {
    let locale = locale.preferring(input.lang.as_deref().and_then(crate::i18n::Lang::from_tag));
    render(state, locale, input).await
}

#[derive(Serialize)]
struct ApiNdr {
    codes: Vec<String>,
    replies: Vec<u16>,
    ips: Vec<String>,
    explanations: Vec<ApiExplanation>,
}

#[derive(Serialize)]
struct ApiExplanation {
    code: String,
    title: String,
    meaning: String,
    owner: Option<&'static str>,
    steps: Vec<String>,
    listed_here_as: Option<String>,
    links: Vec<ApiLink>,
}

#[derive(Serialize)]
struct ApiLink {
    rel: String,
    href: String,
}

/// `GET /api/v1/ndr?text=` (or `?code=`): the same explanation as JSON, in English unless
/// `?lang=` or Accept-Language asks otherwise; links are absolute.
async fn ndr_api(
    State(state): State<AppState>,
    locale: Locale,
    Query(input): Query<NdrInput>,
) -> Result<Response, ApiError> {
    let text = input.text();
    let explained = explain(&state, &locale, &text)
        .await
        .map_err(|e| ApiError::unavailable(&locale, e))?;
    if explained.codes.is_empty() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            &locale,
            "api-no-code",
            &[],
        ));
    }
    let base = &state.portal.settings.base_url;
    let body = ApiNdr {
        codes: explained.codes.iter().map(|c| c.code.clone()).collect(),
        replies: explained.replies,
        ips: explained.ips,
        explanations: explained
            .codes
            .into_iter()
            .map(|c| ApiExplanation {
                code: c.code,
                title: c.title,
                meaning: c.meaning,
                owner: c.owner,
                steps: c.steps,
                listed_here_as: c.ours,
                links: c
                    .links
                    .into_iter()
                    .map(|l| ApiLink {
                        rel: l.rel,
                        href: format!("{base}{}", l.href),
                    })
                    .collect(),
            })
            .collect(),
    };
    Ok(Json(body).into_response())
}
