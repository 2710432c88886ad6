//! [`Actions`]: one method per action. Each checks the principal's right first, so a refusal
//! reads and writes nothing, then calls the store method that writes the change and its
//! audit record together.

use std::future::Future;

use domain::{IpRange, Listing, NewListing, PolicyEntry, PolicyKind, ReportDecision};
use store::{
    Actor, AddOutcome, CaseNotice, Decided, ImportOutcome, NewLink, NewPolicyEntry, NewUser, Store,
    Tenant, User,
};
use time::OffsetDateTime;

use crate::{Action, ActionError, Who};

/// The service. Cheap to clone, like the store it holds.
#[derive(Clone, Debug)]
pub struct Actions {
    pub(crate) store: Store,
}

/// A tenant to add, with the language its contact reads notices in.
#[derive(Debug, Clone, Copy)]
pub struct NewTenant<'a> {
    pub name: &'a str,
    pub contact: Option<&'a str>,
    pub ips: &'a [IpRange],
    pub domains: &'a [String],
    /// A portal language tag; `en` is every tenant's language until told otherwise.
    pub lang: &'a str,
}

/// What a report decision did: the decision, and the senders it restricted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportDecided {
    pub decided: Decided,
    pub restricted: Vec<String>,
}

/// Whoever decides reports: the abuse desk, which records the decision and restricts the
/// sender when a confirmation brings it to the threshold. A trait, so this crate needs none
/// of the intake's parsers and the desk's rules stay in the intake.
pub trait ReportDesk: Send + Sync {
    /// Records `actor`'s decision on report `id`, and any restriction it causes, as theirs.
    fn decide(
        &self,
        id: i64,
        decision: ReportDecision,
        actor: &Actor,
        note: Option<&str>,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<ReportDecided, ActionError>> + Send;
}

/// Which action a policy entry's change is: bans are part of the blocked-senders list.
fn policy_action(kind: PolicyKind, adding: bool) -> Action {
    match (kind, adding) {
        (PolicyKind::Allow, true) => Action::AllowAdd,
        (PolicyKind::Allow, false) => Action::AllowRemove,
        (PolicyKind::Restriction, true) => Action::SenderRestrict,
        (PolicyKind::Restriction, false) => Action::SenderRelease,
        (PolicyKind::SenderBan, true) => Action::ListingAdd,
        (PolicyKind::SenderBan, false) => Action::ListingRemove,
    }
}

impl Actions {
    pub fn new(store: Store) -> Actions {
        Actions { store }
    }

    /// The principal's right to `action`, and the actor the store records if it has it.
    pub(crate) fn allow(&self, who: &Who, action: Action) -> Result<Actor, ActionError> {
        match who.principal.role() {
            Some(role) if !crate::permits(role, action) => {
                Err(ActionError::Forbidden { action, role })
            }
            _ => Ok(who.actor()),
        }
    }

    /// Lists a range, or edits the active listing of exactly that range.
    pub async fn add_listing(
        &self,
        who: &Who,
        new: &NewListing,
        now: OffsetDateTime,
    ) -> Result<AddOutcome, ActionError> {
        let actor = self.allow(who, Action::ListingAdd)?;
        Ok(self.store.add_listing(new, &actor, now).await?)
    }

    /// Delists the active listing of exactly `range`.
    pub async fn remove_listing(
        &self,
        who: &Who,
        range: &IpRange,
        note: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<Listing, ActionError> {
        let actor = self.allow(who, Action::ListingRemove)?;
        Ok(self.store.remove_listing(range, &actor, note, now).await?)
    }

    /// Lists many ranges at once, all or nothing; `source` names the file.
    pub async fn import_listings<F: FnMut(u64) + Send>(
        &self,
        who: &Who,
        listings: &[NewListing],
        source: &str,
        now: OffsetDateTime,
        progress: F,
    ) -> Result<ImportOutcome, ActionError> {
        let actor = self.allow(who, Action::ListingImport)?;
        Ok(self
            .store
            .import(listings, &actor, source, now, progress)
            .await?)
    }

    /// Allowlists, restricts or bans (by the entry's kind); `(entry, false)` when it was
    /// there already.
    pub async fn add_policy_entry(
        &self,
        who: &Who,
        new: &NewPolicyEntry<'_>,
        now: OffsetDateTime,
    ) -> Result<(PolicyEntry, bool), ActionError> {
        let actor = self.allow(who, policy_action(new.kind, true))?;
        Ok(self.store.add_policy_entry(new, &actor, now).await?)
    }

    /// Ends an allowlist entry, restriction or ban; `None` when there was none.
    pub async fn remove_policy_entry(
        &self,
        who: &Who,
        kind: PolicyKind,
        key: &str,
        note: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<Option<PolicyEntry>, ActionError> {
        let actor = self.allow(who, policy_action(kind, false))?;
        Ok(self
            .store
            .remove_policy_entry(kind, key, &actor, note, now)
            .await?)
    }

    /// Confirms or dismisses report `id` through `desk`.
    pub async fn decide_report<D: ReportDesk>(
        &self,
        who: &Who,
        desk: &D,
        id: i64,
        decision: ReportDecision,
        note: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<ReportDecided, ActionError> {
        let action = match decision {
            ReportDecision::Confirmed => Action::ReportConfirm,
            ReportDecision::Dismissed => Action::ReportDismiss,
        };
        let actor = self.allow(who, action)?;
        desk.decide(id, decision, &actor, note, now).await
    }

    /// Adds a tenant, then sets its language when it is not English: two records, as the
    /// language is an edit any tenant may later get on its own.
    pub async fn add_tenant(
        &self,
        who: &Who,
        new: &NewTenant<'_>,
        now: OffsetDateTime,
    ) -> Result<Tenant, ActionError> {
        let actor = self.allow(who, Action::TenantAdd)?;
        let mut tenant = self
            .store
            .add_tenant(new.name, new.contact, new.ips, new.domains, &actor, now)
            .await?;
        if new.lang != tenant.lang {
            self.store
                .set_tenant_lang(&tenant.name, new.lang, &actor, now)
                .await?;
            tenant.lang = new.lang.to_string();
        }
        Ok(tenant)
    }

    /// Sets the language a tenant's contact reads notices in.
    pub async fn set_tenant_lang(
        &self,
        who: &Who,
        name: &str,
        lang: &str,
        now: OffsetDateTime,
    ) -> Result<(), ActionError> {
        let actor = self.allow(who, Action::TenantEdit)?;
        Ok(self.store.set_tenant_lang(name, lang, &actor, now).await?)
    }

    /// Adds a user and stores their first set-password link (the caller mails it).
    pub async fn add_user(
        &self,
        who: &Who,
        new: &NewUser,
        link: &NewLink,
        now: OffsetDateTime,
    ) -> Result<User, ActionError> {
        let actor = self.allow(who, Action::UserAdd)?;
        let user = self.store.add_user(new, &actor, now).await?;
        self.store
            .create_link(&user.email, link, &actor, now)
            .await?;
        Ok(user)
    }

    /// Disables a user; their unused links end with it.
    pub async fn disable_user(
        &self,
        who: &Who,
        email: &str,
        now: OffsetDateTime,
    ) -> Result<(), ActionError> {
        let actor = self.allow(who, Action::UserDisable)?;
        Ok(self.store.set_disabled(email, true, &actor, now).await?)
    }

    /// Stores a new set-password link for a user (the caller mails it); earlier ones end.
    pub async fn reset_user(
        &self,
        who: &Who,
        email: &str,
        link: &NewLink,
        now: OffsetDateTime,
    ) -> Result<(), ActionError> {
        let actor = self.allow(who, Action::UserReset)?;
        Ok(self.store.create_link(email, link, &actor, now).await?)
    }

    /// Mails a case's tenant: the notice's mails queued with its record, in one write; their
    /// ids. The caller picks the recipients (the tenant's administrators) and renders each.
    pub async fn notify_case(
        &self,
        who: &Who,
        notice: &CaseNotice<'_>,
        now: OffsetDateTime,
    ) -> Result<Vec<i64>, ActionError> {
        let actor = self.allow(who, Action::CaseNotify)?;
        Ok(self.store.notify_case(notice, &actor, now).await?)
    }

    /// Sets whether admins and agents must use a second factor; false when it already was so.
    pub async fn require_totp(
        &self,
        who: &Who,
        required: bool,
        now: OffsetDateTime,
    ) -> Result<bool, ActionError> {
        let actor = self.allow(who, Action::SettingsEdit)?;
        Ok(self.store.require_totp(required, &actor, now).await?)
    }
}
