//! The service on a real store (SQLite, and PostgreSQL when `SENDERDESK_TEST_POSTGRES` is
//! set): every pair of role and action the matrix forbids is refused before anything is
//! written, and every permitted one writes its change with one record naming the user.

use std::sync::atomic::{AtomicUsize, Ordering};

use actions::{
    Action, ActionError, Actions, NewTenant, Principal, ReportDecided, ReportDesk, Role, Who,
    permits,
};
use domain::{PolicyKind, ReportDecision, ReportTrust};
use store::{
    Actor, AuditQuery, CaseNotice, Counting, NewLink, NewMail, NewPolicyEntry, NewSubmission,
    NewUser, Store, StoreError,
};
use time::{Duration, OffsetDateTime};

// The store's helpers (every backend at hand, fresh PostgreSQL databases, builders), shared
// by path rather than copied.
#[path = "../../store/tests/common/mod.rs"]
mod common;
use common::{backends, by, new_listing, now, submission};

/// Decides reports straight in the store, counting how often it is asked: the intake's desk
/// adds the threshold, which its own tests cover through this same service.
struct CountingDesk {
    store: Store,
    asked: AtomicUsize,
}

impl ReportDesk for CountingDesk {
    async fn decide(
        &self,
        id: i64,
        decision: ReportDecision,
        actor: &Actor,
        note: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<ReportDecided, ActionError> {
        self.asked.fetch_add(1, Ordering::SeqCst);
        let counting = Counting {
            since: now - Duration::days(1),
            cap: 10,
        };
        match self
            .store
            .decide_report(id, decision, actor, note, counting, now)
            .await
        {
            Ok(decided) => Ok(ReportDecided {
                decided,
                restricted: Vec::new(),
            }),
            Err(StoreError::Conflict { what }) => Err(ActionError::Refused(what)),
            Err(e) => Err(e.into()),
        }
    }
}

/// A report only its reporter vouches for, undecided until someone confirms or dismisses it.
fn report(dedup: &str) -> NewSubmission {
    let mut report = submission("someone@isp.example", dedup, "bob@acme.example");
    report.trust = ReportTrust::Anonymous;
    report
}

/// Something for every action to change: a listing, an allowlist entry, a restriction, two
/// undecided reports, a tenant and two users (one to disable, one to reset). Returns the
/// reports' ids.
async fn seed(s: &Store) -> [i64; 2] {
    let (op, t) = (by("seed"), now());
    s.add_listing(&new_listing("192.0.2.1", "manual"), &op, t)
        .await
        .unwrap();
    for (kind, key) in [
        (PolicyKind::Allow, "198.51.100.0/24"),
        (PolicyKind::Restriction, "bob@acme.example"),
        (PolicyKind::SenderBan, "@bulk.example"),
    ] {
        let reason = domain::ReasonSlug::parse("manual").unwrap();
        let entry = NewPolicyEntry {
            kind,
            key,
            reason: (kind == PolicyKind::SenderBan).then_some(&reason),
            note: None,
            source: "operator",
        };
        s.add_policy_entry(&entry, &op, t).await.unwrap();
    }
    s.add_tenant("acme", None, &[], &["acme.example".into()], &op, t)
        .await
        .unwrap();
    for email in ["agent@example.net", "support@example.net"] {
        let user = NewUser {
            email: email.into(),
            role: "agent".into(),
            tenant: None,
        };
        s.add_user(&user, &op, t).await.unwrap();
    }
    let stored = s
        .record_submissions(&[report("mid:1@x"), report("mid:2@x")], t, 10, t)
        .await
        .unwrap();
    [stored[0].reports[0].0, stored[1].reports[0].0]
}

/// Everything an action could have changed, as one comparable text.
async fn state(s: &Store, reports: [i64; 2]) -> String {
    let mut listings = Vec::new();
    s.for_each_active::<StoreError, _>(|l| {
        listings.push(l);
        Ok(())
    })
    .await
    .unwrap();
    let audit = s
        .audit(&AuditQuery {
            limit: 1000,
            ..AuditQuery::default()
        })
        .await
        .unwrap();
    let mut decided = Vec::new();
    for id in reports {
        let (row, _) = s.report(id).await.unwrap().unwrap();
        decided.push((row.counts, row.decision));
    }
    format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{}\n{}",
        listings,
        s.policy_entries(None).await.unwrap(),
        s.tenants().await.unwrap(),
        s.users().await.unwrap(),
        s.api_tokens().await.unwrap(),
        decided,
        audit,
        s.change_seq().await.unwrap(),
        s.pending_mail().await.unwrap()
    )
}

fn person(role: Role) -> Who {
    Who {
        principal: Principal::User {
            id: 9,
            email: format!("{role}@example.net"),
            role,
            tenant: (role == Role::TenantAdmin).then(|| "acme".to_string()),
        },
        address: Some("192.0.2.10".parse().unwrap()),
    }
}

fn link(hash: char) -> NewLink {
    NewLink {
        token_hash: hash.to_string().repeat(64),
        purpose: "set-password".into(),
        expires_at: now() + Duration::hours(24),
    }
}

/// Takes `action` through the service as `who`; `None` for an action with no method yet.
async fn take(
    actions: &Actions,
    desk: &CountingDesk,
    who: &Who,
    action: Action,
    reports: [i64; 2],
) -> Option<Result<(), ActionError>> {
    let t = now();
    let policy = |kind, key| NewPolicyEntry {
        kind,
        key,
        reason: None,
        note: None,
        source: "operator",
    };
    Some(match action {
        Action::ListingAdd => actions
            .add_listing(who, &new_listing("203.0.113.0/24", "manual"), t)
            .await
            .map(drop),
        Action::ListingRemove => actions
            .remove_listing(who, &"192.0.2.1".parse().unwrap(), None, t)
            .await
            .map(drop),
        Action::ListingImport => {
            let batch = [new_listing("203.0.113.9", "spamtrap")];
            let out = actions.import_listings(who, &batch, "feed.txt", t, |_| {});
            out.await.map(drop)
        }
        Action::AllowAdd => {
            let entry = policy(PolicyKind::Allow, "203.0.113.0/24");
            actions.add_policy_entry(who, &entry, t).await.map(drop)
        }
        Action::AllowRemove => actions
            .remove_policy_entry(who, PolicyKind::Allow, "198.51.100.0/24", None, t)
            .await
            .map(drop),
        Action::SenderRestrict => {
            let entry = policy(PolicyKind::Restriction, "carol@acme.example");
            actions.add_policy_entry(who, &entry, t).await.map(drop)
        }
        Action::SenderRelease => actions
            .remove_policy_entry(who, PolicyKind::Restriction, "bob@acme.example", None, t)
            .await
            .map(drop),
        Action::ReportConfirm | Action::ReportDismiss => {
            let (id, decision) = match action {
                Action::ReportConfirm => (reports[0], ReportDecision::Confirmed),
                _ => (reports[1], ReportDecision::Dismissed),
            };
            let out = actions.decide_report(who, desk, id, decision, None, t);
            out.await.map(drop)
        }
        Action::TenantAdd => {
            let new = NewTenant {
                name: "globex",
                contact: None,
                ips: &[],
                domains: &["globex.example".into()],
                lang: "en",
            };
            actions.add_tenant(who, &new, t).await.map(drop)
        }
        Action::TenantEdit => actions.set_tenant_lang(who, "acme", "it", t).await,
        Action::UserAdd => {
            let new = NewUser {
                email: "new@example.net".into(),
                role: "agent".into(),
                tenant: None,
            };
            actions.add_user(who, &new, &link('a'), t).await.map(drop)
        }
        Action::UserDisable => actions.disable_user(who, "agent@example.net", t).await,
        Action::UserReset => {
            actions
                .reset_user(who, "support@example.net", &link('b'), t)
                .await
        }
        Action::TokenManage => {
            let scopes = "listings:read".parse().unwrap();
            let name = format!(
                "token-{}",
                who.principal.name().replace([':', '@', '.'], "-")
            );
            actions
                .add_api_token(who, &name, &scopes, false, t)
                .await
                .map(drop)
        }
        Action::SettingsEdit => actions.require_totp(who, true, t).await.map(drop),
        Action::CaseNotify => {
            let mails = [NewMail {
                tag: "case-bob".into(),
                recipient: "ops@acme.example".into(),
                subject: "About bob".into(),
                text: "Please look.".into(),
                html: "<p>Please look.</p>".into(),
                from_name: None,
                reply_to: None,
                delist_request_id: None,
                expires_at: t + Duration::days(3),
            }];
            let notice = CaseNotice {
                sender: "bob@acme.example",
                tenant: "acme",
                subject: "About bob",
                body: "Please look.",
                mails: &mails,
            };
            actions.notify_case(who, &notice, t).await.map(drop)
        }
    })
}

/// The audit action the store records for each service action.
fn recorded_as(action: Action) -> &'static str {
    match action {
        Action::ListingAdd => "listing.add",
        Action::ListingRemove => "listing.remove",
        Action::ListingImport => "listing.import",
        Action::AllowAdd | Action::SenderRestrict => "policy.add",
        Action::AllowRemove | Action::SenderRelease => "policy.remove",
        Action::ReportConfirm => "report.confirm",
        Action::ReportDismiss => "report.dismiss",
        Action::TenantAdd => "tenant.add",
        Action::TenantEdit => "tenant.lang",
        // Adding a user records the user, then their first link.
        Action::UserAdd | Action::UserReset => "user.link",
        Action::UserDisable => "user.disable",
        Action::TokenManage => "token.add",
        Action::SettingsEdit => "settings.require-totp",
        Action::CaseNotify => "case.notify",
    }
}

#[tokio::test]
async fn every_forbidden_pair_is_refused_and_changes_nothing() {
    for b in backends().await {
        let s = &b.store;
        let reports = seed(s).await;
        let actions = Actions::new(s.clone());
        let desk = CountingDesk {
            store: s.clone(),
            asked: AtomicUsize::new(0),
        };
        let before = state(s, reports).await;
        let mut refused = 0;
        for role in Role::ALL {
            for action in Action::ALL.into_iter().filter(|a| !permits(role, *a)) {
                let Some(out) = take(&actions, &desk, &person(role), action, reports).await else {
                    continue;
                };
                match out {
                    Err(ActionError::Forbidden { action: a, role: r }) => {
                        assert_eq!((a, r), (action, role), "{}", b.name)
                    }
                    other => panic!("{}: {role} × {action}: {other:?}", b.name),
                }
                assert_eq!(
                    state(s, reports).await,
                    before,
                    "{}: {role} × {action} changed something",
                    b.name
                );
                refused += 1;
            }
        }
        // Every action for the tenant-admin, seven for the agent.
        assert_eq!(refused, Action::ALL.len() + 7, "{}", b.name);
        assert_eq!(
            desk.asked.load(Ordering::SeqCst),
            0,
            "the desk was never asked"
        );
    }
}

#[tokio::test]
async fn sender_bans_are_listing_changes_and_refused_to_a_tenant_admin() {
    for b in backends().await {
        let s = &b.store;
        let reports = seed(s).await;
        let actions = Actions::new(s.clone());
        let before = state(s, reports).await;
        let who = person(Role::TenantAdmin);
        let ban = NewPolicyEntry {
            kind: PolicyKind::SenderBan,
            key: "@spam.example",
            reason: None,
            note: None,
            source: "operator",
        };
        let added = actions.add_policy_entry(&who, &ban, now()).await;
        assert!(matches!(
            added,
            Err(ActionError::Forbidden {
                action: Action::ListingAdd,
                ..
            })
        ));
        let lifted = actions
            .remove_policy_entry(&who, PolicyKind::SenderBan, "@bulk.example", None, now())
            .await;
        assert!(matches!(
            lifted,
            Err(ActionError::Forbidden {
                action: Action::ListingRemove,
                ..
            })
        ));
        assert_eq!(state(s, reports).await, before, "{}", b.name);
    }
}

#[tokio::test]
async fn every_permitted_pair_writes_its_change_on_the_record_of_who_asked() {
    let people = [
        person(Role::Admin),
        person(Role::Agent),
        Who::cli(Some("alice".into())),
    ];
    for who in people {
        for b in backends().await {
            let s = &b.store;
            let reports = seed(s).await;
            let actions = Actions::new(s.clone());
            let desk = CountingDesk {
                store: s.clone(),
                asked: AtomicUsize::new(0),
            };
            let name = who.principal.name();
            for action in Action::ALL.into_iter().filter(|a| who.principal.may(*a)) {
                let Some(out) = take(&actions, &desk, &who, action, reports).await else {
                    continue;
                };
                out.unwrap_or_else(|e| panic!("{}: {name} × {action}: {e}", b.name));
                let newest = s
                    .audit(&AuditQuery {
                        limit: 1,
                        ..AuditQuery::default()
                    })
                    .await
                    .unwrap()
                    .remove(0);
                assert_eq!(
                    (newest.actor.as_str(), newest.action.as_str()),
                    (name.as_str(), recorded_as(action)),
                    "{}",
                    b.name
                );
                let address = who.address.map(|a| a.to_string());
                assert_eq!(newest.address, address, "{}: {action}", b.name);
            }
            let by_them = s
                .audit(&AuditQuery {
                    actor: Some(name.clone()),
                    limit: 100,
                    ..AuditQuery::default()
                })
                .await
                .unwrap();
            // One record per action, and one more for the link of the user added.
            let expected = Action::ALL
                .into_iter()
                .filter(|a| who.principal.may(*a))
                .map(|a| if a == Action::UserAdd { 2 } else { 1 })
                .sum::<usize>();
            assert_eq!(by_them.len(), expected, "{}: {name}", b.name);
        }
    }
}
