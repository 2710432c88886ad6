//! The one door every change our own people make goes through, whether they sign in to the
//! web pages or run the CLI on the server: who may do what ([`permits`]), checked before
//! anything is written, then the store's method, which writes the change and its audit
//! record in one transaction. Nothing here knows HTTP or the command line; both hand over a
//! [`Who`] and get the store's answer or an [`ActionError`].

mod service;
mod tokens;

use std::fmt;
use std::net::IpAddr;

use store::{Actor, StoreError};

/// The roles, as every caller of the service names them.
pub use accounts::Role;

pub use service::{Actions, NewTenant, ReportDecided, ReportDesk};

/// Who is asking, as the service sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// One of our people, signed in; their role says what they may do.
    User {
        id: i64,
        email: String,
        role: Role,
        /// The tenant a tenant-admin belongs to.
        tenant: Option<String>,
    },
    /// The command line, run on the server by its operator: full rights, as whoever can run
    /// it can also open the database. `os_user` is the login behind it (the one `sudo`
    /// names), when there is one.
    Cli { os_user: Option<String> },
    /// A JSON API bearer token: the web layer checked its scope for the request before
    /// asking, and an admin chose its scopes, so the service adds no role check of its own.
    Token { name: String },
}

impl Principal {
    /// The role that limits this principal; `None` for the CLI, which may do everything.
    pub fn role(&self) -> Option<Role> {
        match self {
            Principal::User { role, .. } => Some(*role),
            Principal::Cli { .. } | Principal::Token { .. } => None,
        }
    }

    /// Whether this principal may take `action`.
    pub fn may(&self, action: Action) -> bool {
        self.role().is_none_or(|role| permits(role, action))
    }

    /// The name the audit log and the histories give this principal: `user:EMAIL`,
    /// `cli:OSUSER`, `cli` when the login is unknown, or `token:NAME`.
    pub fn name(&self) -> String {
        match self {
            Principal::User { email, .. } => format!("user:{email}"),
            Principal::Cli { os_user: Some(u) } => format!("cli:{u}"),
            Principal::Cli { os_user: None } => "cli".to_string(),
            Principal::Token { name } => format!("token:{name}"),
        }
    }
}

/// A principal and the address their request came from (none for the CLI).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Who {
    pub principal: Principal,
    pub address: Option<IpAddr>,
}

impl Who {
    /// The command line run by `os_user`.
    pub fn cli(os_user: Option<String>) -> Who {
        Who {
            principal: Principal::Cli { os_user },
            address: None,
        }
    }

    /// Who the store records.
    pub fn actor(&self) -> Actor {
        Actor::new(
            self.principal.name(),
            self.address.map(|a| domain::canonical_addr(a).to_string()),
        )
    }
}

/// Every kind of change the service makes, as roles are granted them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// List a range or edit its listing; also ban a sender (`list add-sender`), which is part
    /// of the blocked-senders list.
    ListingAdd,
    /// Delist a range; also lift a sender ban.
    ListingRemove,
    ListingImport,
    AllowAdd,
    AllowRemove,
    SenderRestrict,
    SenderRelease,
    ReportConfirm,
    ReportDismiss,
    TenantAdd,
    TenantEdit,
    UserAdd,
    UserDisable,
    /// Mail a user a new set-password link.
    UserReset,
    /// API tokens: no method yet, as tokens come with the API; the grant is settled now so
    /// the matrix is whole.
    TokenManage,
    /// The account policy: whether admins and agents must use a second factor.
    SettingsEdit,
    /// Mail a case's tenant (its tenant administrators) about the case.
    CaseNotify,
}

impl Action {
    pub const ALL: [Action; 17] = [
        Action::ListingAdd,
        Action::ListingRemove,
        Action::ListingImport,
        Action::AllowAdd,
        Action::AllowRemove,
        Action::SenderRestrict,
        Action::SenderRelease,
        Action::ReportConfirm,
        Action::ReportDismiss,
        Action::TenantAdd,
        Action::TenantEdit,
        Action::UserAdd,
        Action::UserDisable,
        Action::UserReset,
        Action::TokenManage,
        Action::SettingsEdit,
        Action::CaseNotify,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::ListingAdd => "listing.add",
            Action::ListingRemove => "listing.remove",
            Action::ListingImport => "listing.import",
            Action::AllowAdd => "allow.add",
            Action::AllowRemove => "allow.remove",
            Action::SenderRestrict => "sender.restrict",
            Action::SenderRelease => "sender.release",
            Action::ReportConfirm => "report.confirm",
            Action::ReportDismiss => "report.dismiss",
            Action::TenantAdd => "tenant.add",
            Action::TenantEdit => "tenant.edit",
            Action::UserAdd => "user.add",
            Action::UserDisable => "user.disable",
            Action::UserReset => "user.reset",
            Action::TokenManage => "token.manage",
            Action::SettingsEdit => "settings.edit",
            Action::CaseNotify => "case.notify",
        }
    }

    /// What the action does, for a refusal a person reads.
    fn describe(self) -> &'static str {
        match self {
            Action::ListingAdd => "add or edit listings",
            Action::ListingRemove => "remove listings",
            Action::ListingImport => "import listings",
            Action::AllowAdd => "add to the allowlist",
            Action::AllowRemove => "remove from the allowlist",
            Action::SenderRestrict => "restrict senders",
            Action::SenderRelease => "release restricted senders",
            Action::ReportConfirm => "confirm reports",
            Action::ReportDismiss => "dismiss reports",
            Action::TenantAdd => "add tenants",
            Action::TenantEdit => "edit tenants",
            Action::UserAdd => "add users",
            Action::UserDisable => "disable users",
            Action::UserReset => "mail users a new set-password link",
            Action::TokenManage => "manage API tokens",
            Action::SettingsEdit => "change the account policy",
            Action::CaseNotify => "mail a case's tenant",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether `role` may take `action`. Admins may do everything; agents do the list and abuse
/// desk work (listings, the allowlist, restrictions, report decisions, mail to a case's
/// tenant) but manage no
/// tenants, users or tokens; tenant-admins change none of these (their tickets come
/// later). Each arm names every action, so a new action must be granted or refused here.
pub fn permits(role: Role, action: Action) -> bool {
    use Action::*;
    match role {
        Role::Admin => true,
        Role::Agent => match action {
            ListingAdd | ListingRemove | ListingImport | AllowAdd | AllowRemove
            | SenderRestrict | SenderRelease | ReportConfirm | ReportDismiss | CaseNotify => true,
            TenantAdd | TenantEdit | UserAdd | UserDisable | UserReset | TokenManage
            | SettingsEdit => false,
        },
        Role::TenantAdmin => match action {
            ListingAdd | ListingRemove | ListingImport | AllowAdd | AllowRemove
            | SenderRestrict | SenderRelease | ReportConfirm | ReportDismiss | TenantAdd
            | TenantEdit | UserAdd | UserDisable | UserReset | TokenManage | SettingsEdit
            | CaseNotify => false,
        },
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    /// The role may not take the action; checked before anything is read or written.
    #[error("{}; nothing was changed", forbidden(*.action, *.role))]
    Forbidden { action: Action, role: Role },
    /// The change itself was refused (an unknown report, one already decided): nothing
    /// changed, and the words say why.
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// `an agent may not add users (user.add): that takes an admin`.
fn forbidden(action: Action, role: Role) -> String {
    let article = |r: Role| match r {
        Role::Admin | Role::Agent => "an",
        Role::TenantAdmin => "a",
    };
    let allowed: Vec<String> = Role::ALL
        .into_iter()
        .filter(|r| permits(*r, action))
        .map(|r| format!("{} {r}", article(r)))
        .collect();
    format!(
        "{} {role} may not {} ({action}): that takes {}",
        article(role),
        action.describe(),
        allowed.join(" or ")
    )
}
