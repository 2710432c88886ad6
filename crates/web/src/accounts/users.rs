//! `/admin/users`: the administrators' page for our people's accounts, the web twin of
//! `senderdesk user add|disable|reset`. Every change goes through the action service, which
//! checks the role again and writes the audit record; the set-password link is mailed
//! through the durable queue exactly as the CLI mails it ([`LinkMailer`] serves both).

use accounts::{LinkToken, Role, account_email};
use actions::{ActionError, Actions};
use axum::Form;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use minijinja::context;
use serde::{Deserialize, Serialize};
use store::{NewLink, NewUser};
use time::{Duration, OffsetDateTime};

use super::session::{Staff, see_other};
use crate::errors::{PageError, Refusal, body_limit};
use crate::i18n::Lang;
use crate::pages::{format_time, page};
use crate::view::Locale;
use crate::{AppState, MAX_BODY};

type Answer = Result<Response, PageError>;

/// How long a set-password link works: a day, so a mail read the next morning still works,
/// and short enough that a forgotten mail in an inbox is soon worth nothing.
pub const LINK_LIFETIME: Duration = Duration::hours(24);

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/users", body_limit(get(show).post(add), MAX_BODY))
        .route("/admin/users/disable", body_limit(post(disable), MAX_BODY))
        .route("/admin/users/reset", body_limit(post(reset), MAX_BODY))
}

/// A fresh set-password link: the token for the mail and what the store keeps of it.
pub struct AccountLink {
    pub token: LinkToken,
    pub stored: NewLink,
    pub reset: bool,
}

impl AccountLink {
    pub fn new(reset: bool, now: OffsetDateTime) -> Result<AccountLink, getrandom::Error> {
        let token = LinkToken::generate()?;
        let purpose = if reset {
            "reset-password"
        } else {
            "set-password"
        };
        let stored = NewLink {
            token_hash: token.hash.clone(),
            purpose: purpose.into(),
            expires_at: now + LINK_LIFETIME,
        };
        Ok(AccountLink {
            token,
            stored,
            reset,
        })
    }

    /// The link as mailed, opening the page in the mail's language.
    pub fn url(&self, base_url: &str, lang: Lang) -> String {
        format!(
            "{}/account/set-password/{}?lang={}",
            base_url.trim_end_matches('/'),
            self.token.token,
            lang.tag()
        )
    }
}

/// What mailing a set-password link needs: the queue, the templates and the portal's URL.
pub struct LinkMailer<'a> {
    pub queue: &'a mailqueue::MailQueue,
    pub templates: &'a crate::Templates,
    pub base_url: &'a str,
}

impl LinkMailer<'_> {
    /// Renders and queues the mail carrying `link` to `email`. The link is logged with the
    /// outbox file when the mail lands there (no relay), as delist links are.
    pub async fn send(
        &self,
        email: &str,
        role: Role,
        lang: Lang,
        link: &AccountLink,
        now: OffsetDateTime,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        let url = link.url(self.base_url, lang);
        let outgoing = crate::account_mail(
            self.templates,
            self.base_url,
            &crate::AccountMail {
                to: email.to_string(),
                lang: lang.tag().to_string(),
                role: role.as_str().to_string(),
                link: url.clone(),
                reset: link.reset,
                hours: LINK_LIFETIME.whole_hours(),
            },
        )?;
        let note = format!("{} link for {email}: {url}", link.stored.purpose);
        self.queue
            .enqueue(&outgoing, None, now + LINK_LIFETIME, Some(note))
            .await?;
        Ok(())
    }
}

fn mailer(state: &AppState) -> LinkMailer<'_> {
    let p = &state.portal;
    LinkMailer {
        queue: &p.mail,
        templates: &p.templates,
        base_url: &p.settings.base_url,
    }
}

#[derive(Serialize)]
struct UserView {
    email: String,
    role: String,
    tenant: Option<String>,
    state: String,
    added: String,
    disabled: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Done {
    done: String,
    email: String,
}

async fn show(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    Query(q): Query<Done>,
) -> Answer {
    staff.require(&locale, &[Role::Admin])?;
    let done = match q.done.as_str() {
        "added" => Some(locale.text("users-done-added", &[("email", q.email)])),
        "disabled" => Some(locale.text("users-done-disabled", &[("email", q.email)])),
        "reset" => Some(locale.text("users-done-reset", &[("email", q.email)])),
        _ => None,
    };
    render(
        &state,
        &locale,
        StatusCode::OK,
        Vec::new(),
        done,
        &AddForm::default(),
    )
    .await
}

async fn render(
    state: &AppState,
    locale: &Locale,
    status: StatusCode,
    errors: Vec<String>,
    done: Option<String>,
    form: &AddForm,
) -> Answer {
    let users = state
        .store
        .users()
        .await
        .map_err(|e| PageError::internal(locale, e))?;
    let tenants = state
        .store
        .tenants()
        .await
        .map_err(|e| PageError::internal(locale, e))?;
    let users: Vec<UserView> = users
        .into_iter()
        .map(|u| UserView {
            state: match (u.disabled_at, u.has_password) {
                (Some(_), _) => locale.text("users-state-disabled", &[]),
                (None, true) => locale.text("users-state-active", &[]),
                (None, false) => locale.text("users-state-waiting", &[]),
            },
            role: locale.text(&format!("account-role-{}", u.role), &[]),
            added: format_time(locale.lang, u.created_at),
            disabled: u.disabled_at.is_some(),
            email: u.email,
            tenant: u.tenant,
        })
        .collect();
    let tenants: Vec<String> = tenants.into_iter().map(|t| t.name).collect();
    page(
        &state.portal,
        locale,
        status,
        "admin_users.html",
        "admin",
        context! {
            users => minijinja::Value::from(minijinja::value::Serde(users)),
            tenants,
            roles => Role::ALL.iter().map(|r| (r.as_str(), locale.text(&format!("account-role-{}", r.as_str()), &[]))).collect::<Vec<_>>(),
            form_email => form.email.clone(),
            form_role => form.role.clone(),
            form_tenant => form.tenant.clone(),
            form_lang => form.user_lang.clone(),
            langs => Lang::ALL.iter().map(|l| (l.tag(), l.native_name())).collect::<Vec<_>>(),
            errors,
            done,
        },
    )
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct AddForm {
    email: String,
    role: String,
    tenant: String,
    /// The language the new user reads the mail in.
    user_lang: String,
    lang: String,
}

/// What the service or the store refused, in the page's words.
fn refusal(locale: &Locale, e: ActionError) -> Result<String, PageError> {
    match e {
        ActionError::Forbidden { .. } => Err(PageError::new(locale, Refusal::NoRole)),
        ActionError::Store(store::StoreError::Conflict { what }) => Ok(what),
        ActionError::Store(store::StoreError::Missing { what }) => {
            Ok(locale.text("users-missing", &[("what", what)]))
        }
        other => Err(PageError::internal(locale, other)),
    }
}

async fn add(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    Form(f): Form<AddForm>,
) -> Answer {
    let locale = locale.preferring(Lang::from_tag(&f.lang));
    staff.require(&locale, &[Role::Admin])?;
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    let Ok(email) = account_email(&f.email) else {
        let why = locale.text("users-bad-email", &[]);
        return render(&state, &locale, unprocessable, vec![why], None, &f).await;
    };
    let Ok(role) = f.role.parse::<Role>() else {
        let why = locale.text("users-bad-role", &[]);
        return render(&state, &locale, unprocessable, vec![why], None, &f).await;
    };
    let user_lang = Lang::from_tag(&f.user_lang).unwrap_or(locale.lang);
    let tenant = Some(f.tenant.trim().to_string()).filter(|t| !t.is_empty());
    // The store refuses these too (and the database under it); asked here first so the page
    // says why in the visitor's language.
    let known = |e| PageError::internal(&locale, e);
    let why = match &tenant {
        None if role == Role::TenantAdmin => Some(locale.text("users-needs-tenant", &[])),
        Some(_) if role != Role::TenantAdmin => Some(locale.text("users-tenant-for-role", &[])),
        Some(t)
            if !state
                .store
                .tenants()
                .await
                .map_err(known)?
                .iter()
                .any(|x| &x.name == t) =>
        {
            Some(locale.text("users-unknown-tenant", &[("tenant", t.clone())]))
        }
        _ if state.store.user(&email).await.map_err(known)?.is_some() => {
            Some(locale.text("users-exists", &[("email", email.clone())]))
        }
        _ => None,
    };
    if let Some(why) = why {
        return render(&state, &locale, unprocessable, vec![why], None, &f).await;
    }
    let now = OffsetDateTime::now_utc();
    let link = AccountLink::new(false, now).map_err(|e| PageError::internal(&locale, e))?;
    let new = NewUser {
        email: email.clone(),
        role: role.as_str().into(),
        tenant,
    };
    let actions = Actions::new(state.store.clone());
    if let Err(e) = actions
        .add_user(&staff.who(), &new, &link.stored, now)
        .await
    {
        let why = refusal(&locale, e)?;
        return render(&state, &locale, unprocessable, vec![why], None, &f).await;
    }
    mailer(&state)
        .send(&email, role, user_lang, &link, now)
        .await
        .map_err(|e| PageError::internal(&locale, e))?;
    Ok(see_other(
        &format!(
            "/admin/users?done=added&email={}",
            crate::view::urlencode(&email)
        ),
        Vec::new(),
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct EmailForm {
    email: String,
    user_lang: String,
    lang: String,
}

async fn disable(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    Form(f): Form<EmailForm>,
) -> Answer {
    let locale = locale.preferring(Lang::from_tag(&f.lang));
    staff.require(&locale, &[Role::Admin])?;
    let email = account_email(&f.email).unwrap_or_default();
    // Disabling oneself would leave no admin to undo it from here.
    if email == staff.session.email {
        let why = locale.text("users-not-yourself", &[]);
        return refused(&state, &locale, why).await;
    }
    let actions = Actions::new(state.store.clone());
    if let Err(e) = actions
        .disable_user(&staff.who(), &email, OffsetDateTime::now_utc())
        .await
    {
        let why = refusal(&locale, e)?;
        return refused(&state, &locale, why).await;
    }
    Ok(see_other(
        &format!(
            "/admin/users?done=disabled&email={}",
            crate::view::urlencode(&email)
        ),
        Vec::new(),
    ))
}

async fn reset(
    State(state): State<AppState>,
    locale: Locale,
    staff: Staff,
    Form(f): Form<EmailForm>,
) -> Answer {
    let locale = locale.preferring(Lang::from_tag(&f.lang));
    staff.require(&locale, &[Role::Admin])?;
    let email = account_email(&f.email).unwrap_or_default();
    let user = state
        .store
        .user(&email)
        .await
        .map_err(|e| PageError::internal(&locale, e))?;
    let Some(user) = user else {
        let why = locale.text("users-missing", &[("what", email)]);
        return refused(&state, &locale, why).await;
    };
    let Ok(role) = user.role.parse::<Role>() else {
        return Err(PageError::internal(
            &locale,
            format!("stored role {:?} is unknown", user.role),
        ));
    };
    let now = OffsetDateTime::now_utc();
    let link = AccountLink::new(true, now).map_err(|e| PageError::internal(&locale, e))?;
    let actions = Actions::new(state.store.clone());
    if let Err(e) = actions
        .reset_user(&staff.who(), &email, &link.stored, now)
        .await
    {
        let why = refusal(&locale, e)?;
        return refused(&state, &locale, why).await;
    }
    let user_lang = Lang::from_tag(&f.user_lang).unwrap_or(locale.lang);
    mailer(&state)
        .send(&email, role, user_lang, &link, now)
        .await
        .map_err(|e| PageError::internal(&locale, e))?;
    Ok(see_other(
        &format!(
            "/admin/users?done=reset&email={}",
            crate::view::urlencode(&email)
        ),
        Vec::new(),
    ))
}

/// The page again with `why` above it, the add form empty: a refused disable or reset.
async fn refused(state: &AppState, locale: &Locale, why: String) -> Answer {
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    render(state, locale, status, vec![why], None, &AddForm::default()).await
}
