//! Who may do what: every role against every action, checked against a table written out by
//! hand, so a slip in `permits` shows up as a difference here rather than as the same slip
//! twice.

use std::collections::HashSet;

use actions::{Action, ActionError, Principal, Role, Who, permits};

/// For each action: may an admin, an agent, a tenant-admin take it?
const EXPECTED: [(Action, [bool; 3]); 17] = [
    (Action::ListingAdd, [true, true, false]),
    (Action::ListingRemove, [true, true, false]),
    (Action::ListingImport, [true, true, false]),
    (Action::AllowAdd, [true, true, false]),
    (Action::AllowRemove, [true, true, false]),
    (Action::SenderRestrict, [true, true, false]),
    (Action::SenderRelease, [true, true, false]),
    (Action::ReportConfirm, [true, true, false]),
    (Action::ReportDismiss, [true, true, false]),
    (Action::TenantAdd, [true, false, false]),
    (Action::TenantEdit, [true, false, false]),
    (Action::UserAdd, [true, false, false]),
    (Action::UserDisable, [true, false, false]),
    (Action::UserReset, [true, false, false]),
    (Action::TokenManage, [true, false, false]),
    (Action::SettingsEdit, [true, false, false]),
    (Action::CaseNotify, [true, true, false]),
];

fn column(role: Role) -> usize {
    match role {
        Role::Admin => 0,
        Role::Agent => 1,
        Role::TenantAdmin => 2,
    }
}

#[test]
fn every_role_and_action_is_granted_as_the_table_says() {
    let listed: HashSet<Action> = EXPECTED.iter().map(|(a, _)| *a).collect();
    let all: HashSet<Action> = Action::ALL.into_iter().collect();
    assert_eq!(listed, all, "the table names every action once");
    assert_eq!(all.len(), Action::ALL.len(), "ALL holds no action twice");
    let mut checked = 0;
    for role in Role::ALL {
        for action in Action::ALL {
            let (_, row) = EXPECTED.iter().find(|(a, _)| *a == action).unwrap();
            assert_eq!(
                permits(role, action),
                row[column(role)],
                "{role} × {action}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 3 * Action::ALL.len());
}

#[test]
fn a_user_may_what_their_role_may_and_the_cli_everything() {
    for role in Role::ALL {
        let user = Principal::User {
            id: 1,
            email: "x@example.net".into(),
            role,
            tenant: None,
        };
        for action in Action::ALL {
            assert_eq!(user.may(action), permits(role, action), "{role} × {action}");
        }
    }
    let cli = Principal::Cli {
        os_user: Some("alice".into()),
    };
    assert!(Action::ALL.into_iter().all(|a| cli.may(a)));
    assert_eq!(cli.role(), None);
}

#[test]
fn actions_have_distinct_dotted_names() {
    let names: HashSet<&str> = Action::ALL.into_iter().map(Action::as_str).collect();
    assert_eq!(names.len(), Action::ALL.len());
    for name in names {
        let (thing, verb) = name.split_once('.').unwrap();
        assert!(!thing.is_empty() && !verb.is_empty(), "{name}");
    }
}

#[test]
fn a_refusal_says_who_may_not_what_and_who_may() {
    let err = ActionError::Forbidden {
        action: Action::UserAdd,
        role: Role::Agent,
    };
    assert_eq!(
        err.to_string(),
        "an agent may not add users (user.add): that takes an admin; nothing was changed"
    );
    let err = ActionError::Forbidden {
        action: Action::ReportConfirm,
        role: Role::TenantAdmin,
    };
    assert_eq!(
        err.to_string(),
        "a tenant-admin may not confirm reports (report.confirm): that takes an admin or an \
         agent; nothing was changed"
    );
}

#[test]
fn who_becomes_the_actor_the_log_records() {
    let ann = Who {
        principal: Principal::User {
            id: 3,
            email: "ann@example.net".into(),
            role: Role::Agent,
            tenant: None,
        },
        // An IPv4 client seen on a dual-stack socket is recorded as the IPv4 address.
        address: Some("::ffff:192.0.2.10".parse().unwrap()),
    };
    let actor = ann.actor();
    assert_eq!(
        (actor.name.as_str(), actor.address.as_deref()),
        ("user:ann@example.net", Some("192.0.2.10"))
    );
    let cli = Who::cli(Some("alice".into())).actor();
    assert_eq!((cli.name.as_str(), cli.address), ("cli:alice", None));
    assert_eq!(Who::cli(None).actor().name, "cli");
}
