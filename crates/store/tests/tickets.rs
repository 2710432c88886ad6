//! Support tickets on every backend at hand: opening writes the row, the tenant's party, the
//! first message, the event and the audit record together; the queue's filters; states and
//! their waiting clock; messages and events are append-only.

mod common;
use common::*;

use domain::{TicketState, Visibility};
use store::{AuditQuery, NewMessage, NewTicket, NewUser, TicketFilter};
use time::Duration;

async fn setup(s: &store::Store) -> (i64, i64) {
    let t = now();
    for name in ["acme", "globex"] {
        s.add_tenant(
            name,
            None,
            &[],
            &[format!("{name}.example")],
            &by("cli:test"),
            t,
        )
        .await
        .unwrap();
    }
    let ops = s
        .add_user(
            &NewUser {
                email: "ops@acme.example".into(),
                role: "tenant-admin".into(),
                tenant: Some("acme".into()),
            },
            &by("cli:test"),
            t,
        )
        .await
        .unwrap()
        .id;
    let agent = s
        .add_user(
            &NewUser {
                email: "agent@example.net".into(),
                role: "agent".into(),
                tenant: None,
            },
            &by("cli:test"),
            t,
        )
        .await
        .unwrap()
        .id;
    (ops, agent)
}

fn ticket(reference: &str, tenant: &str, opened_by: i64) -> NewTicket {
    NewTicket {
        reference: reference.into(),
        tenant: tenant.into(),
        opened_by,
        ip_range: Some("192.0.2.7".into()),
        sender_domain: Some("sender.example".into()),
        sender_contact: "postmaster@sender.example".into(),
        bounce: "550 5.7.611 Access denied".into(),
        description: "Our users miss mail from sender.example".into(),
        reason: Some("hard".into()),
        lang: "it".into(),
    }
}

#[tokio::test]
async fn opening_writes_the_ticket_its_party_message_event_and_record_together() {
    for b in backends().await {
        let s = &b.store;
        let (ops, _) = setup(s).await;
        let actor = by("user:ops@acme.example");
        let id = s
            .open_ticket(&ticket("T-AAAA-AAAA", "acme", ops), &actor, now())
            .await
            .unwrap();
        let k = s.ticket("T-AAAA-AAAA").await.unwrap().unwrap();
        assert_eq!(
            (k.id, k.state, k.tenant.as_str(), k.opened_by.as_str()),
            (id, TicketState::New, "acme", "ops@acme.example"),
            "{}",
            b.name
        );
        assert!(k.unread);
        let thread = s.ticket_messages(id, false).await.unwrap();
        assert_eq!(thread.len(), 1);
        assert_eq!(thread[0].body, "Our users miss mail from sender.example");
        assert_eq!(s.ticket_events(id).await.unwrap()[0].kind, "opened");
        let log = s
            .audit(&AuditQuery {
                actor: Some("user:ops@acme.example".into()),
                limit: 5,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(
            (log[0].action.as_str(), log[0].subject.as_str()),
            ("ticket.open", "T-AAAA-AAAA")
        );
        // A tenant that does not exist: nothing at all.
        assert!(
            s.open_ticket(&ticket("T-BBBB-BBBB", "nosuch", ops), &actor, now())
                .await
                .is_err()
        );
        assert!(s.ticket("T-BBBB-BBBB").await.unwrap().is_none());
        // The same reference twice: refused.
        assert!(
            s.open_ticket(&ticket("T-AAAA-AAAA", "acme", ops), &actor, now())
                .await
                .is_err()
        );
    }
}

#[tokio::test]
async fn the_queue_filters_by_tenant_state_assignee_unread_age_and_text() {
    for b in backends().await {
        let s = &b.store;
        let (ops, _) = setup(s).await;
        let actor = by("user:ops@acme.example");
        let t = now();
        let a = s
            .open_ticket(
                &ticket("T-AAAA-0001", "acme", ops),
                &actor,
                t - Duration::days(3),
            )
            .await
            .unwrap();
        let mut other = ticket("T-AAAA-0002", "globex", ops);
        other.ip_range = None;
        other.reason = None;
        other.sender_domain = Some("other.example".into());
        s.open_ticket(&other, &actor, t).await.unwrap();
        let all = |f: TicketFilter| async move { TicketFilter { limit: 50, ..f } };
        let refs = |v: Vec<store::Ticket>| v.into_iter().map(|k| k.reference).collect::<Vec<_>>();
        assert_eq!(
            refs(
                s.tickets(&all(TicketFilter::default()).await)
                    .await
                    .unwrap()
            ),
            ["T-AAAA-0002", "T-AAAA-0001"],
            "{}",
            b.name
        );
        let acme = all(TicketFilter {
            tenant: Some("acme".into()),
            ..Default::default()
        })
        .await;
        assert_eq!(refs(s.tickets(&acme).await.unwrap()), ["T-AAAA-0001"]);
        let hard = all(TicketFilter {
            reason: Some("hard".into()),
            ..Default::default()
        })
        .await;
        assert_eq!(refs(s.tickets(&hard).await.unwrap()), ["T-AAAA-0001"]);
        let old = all(TicketFilter {
            opened_before: Some(t - Duration::days(1)),
            ..Default::default()
        })
        .await;
        assert_eq!(refs(s.tickets(&old).await.unwrap()), ["T-AAAA-0001"]);
        let found = all(TicketFilter {
            search: Some("OTHER.example".into()),
            ..Default::default()
        })
        .await;
        assert_eq!(refs(s.tickets(&found).await.unwrap()), ["T-AAAA-0002"]);
        // Assignment and reading.
        s.assign_ticket(
            a,
            Some("agent@example.net"),
            &by("user:agent@example.net"),
            t,
        )
        .await
        .unwrap();
        assert!(
            s.assign_ticket(
                a,
                Some("ops@acme.example"),
                &by("user:agent@example.net"),
                t
            )
            .await
            .is_err(),
            "a tenant admin is no assignee"
        );
        let mine = all(TicketFilter {
            assignee: Some("agent@example.net".into()),
            ..Default::default()
        })
        .await;
        assert_eq!(refs(s.tickets(&mine).await.unwrap()), ["T-AAAA-0001"]);
        let nobody = all(TicketFilter {
            assignee: Some(String::new()),
            ..Default::default()
        })
        .await;
        assert_eq!(refs(s.tickets(&nobody).await.unwrap()), ["T-AAAA-0002"]);
        s.mark_ticket_read(a).await.unwrap();
        let unread = all(TicketFilter {
            unread: true,
            ..Default::default()
        })
        .await;
        assert_eq!(refs(s.tickets(&unread).await.unwrap()), ["T-AAAA-0002"]);
        // Evil search text is only text.
        let evil = all(TicketFilter {
            search: Some("%' OR 1=1 --".into()),
            ..Default::default()
        })
        .await;
        assert!(s.tickets(&evil).await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn replies_move_the_state_waiting_tickets_close_by_themselves_and_closed_takes_nothing() {
    for b in backends().await {
        let s = &b.store;
        let (ops, _) = setup(s).await;
        let t = now();
        let id = s
            .open_ticket(
                &ticket("T-CCCC-0001", "acme", ops),
                &by("user:ops@acme.example"),
                t,
            )
            .await
            .unwrap();
        let agent = by("user:agent@example.net");
        let reply = NewMessage {
            author: "user:agent@example.net",
            visibility: Visibility::Public,
            via: "web",
            body: "Please send the full bounce.",
            from_outside: false,
            state: Some(TicketState::WaitingTenant),
            party_id: None,
            evidence: None,
        };
        s.add_ticket_message(id, &reply, &agent, t).await.unwrap();
        let note = NewMessage {
            visibility: Visibility::Internal,
            body: "likely a compromised host",
            state: None,
            ..reply.clone()
        };
        s.add_ticket_message(id, &note, &agent, t).await.unwrap();
        assert_eq!(
            s.ticket_messages(id, false).await.unwrap().len(),
            2,
            "{}: the note is not public",
            b.name
        );
        assert_eq!(s.ticket_messages(id, true).await.unwrap().len(), 3);
        let k = s.ticket("T-CCCC-0001").await.unwrap().unwrap();
        assert_eq!(k.state, TicketState::WaitingTenant);
        assert_eq!(
            k.waiting_since.map(|w| w.unix_timestamp()),
            Some(t.unix_timestamp())
        );
        // Not yet due; then due.
        assert!(
            s.close_waiting_tickets(t - Duration::hours(1), t)
                .await
                .unwrap()
                .is_empty()
        );
        let closed = s
            .close_waiting_tickets(t + Duration::seconds(1), t + Duration::days(8))
            .await
            .unwrap();
        assert_eq!(closed, ["T-CCCC-0001"]);
        assert_eq!(
            s.ticket("T-CCCC-0001").await.unwrap().unwrap().state,
            TicketState::Closed
        );
        assert!(
            s.add_ticket_message(id, &reply, &agent, t).await.is_err(),
            "closed takes no reply"
        );
        let kinds: Vec<String> = s
            .ticket_events(id)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.kind)
            .collect();
        assert_eq!(kinds, ["opened", "state", "state"]);
        // Setting the state it is in writes nothing.
        let before = s.ticket_events(id).await.unwrap().len();
        s.set_ticket_state(id, TicketState::Closed, &agent, t)
            .await
            .unwrap();
        assert_eq!(s.ticket_events(id).await.unwrap().len(), before);
    }
}

#[tokio::test]
async fn the_database_keeps_tickets_and_refuses_to_rewrite_their_history() {
    for b in backends().await {
        let s = &b.store;
        let (ops, _) = setup(s).await;
        s.open_ticket(
            &ticket("T-DDDD-0001", "acme", ops),
            &by("user:ops@acme.example"),
            now(),
        )
        .await
        .unwrap();
        let mut attempts = vec![
            "DELETE FROM tickets",
            "UPDATE ticket_messages SET body = 'forged'",
            "DELETE FROM ticket_messages",
            "UPDATE ticket_events SET actor = 'someone else'",
            "DELETE FROM ticket_events",
        ];
        if b.name == "postgres" {
            // TRUNCATE fires no row trigger; the statement triggers must refuse it.
            attempts.extend([
                "TRUNCATE tickets CASCADE",
                "TRUNCATE ticket_messages",
                "TRUNCATE ticket_events",
            ]);
        }
        for sql in attempts {
            let err = raw_exec(&b, sql).await.unwrap_err();
            assert!(
                err.contains("append-only") || err.contains("kept"),
                "{}: {sql}: {err}",
                b.name
            );
        }
        assert_eq!(
            s.ticket_messages(s.ticket("T-DDDD-0001").await.unwrap().unwrap().id, true)
                .await
                .unwrap()[0]
                .body,
            "Our users miss mail from sender.example"
        );
    }
}

#[tokio::test]
async fn an_owners_invitation_opens_one_session_until_it_expires_or_is_withdrawn() {
    for b in backends().await {
        let s = &b.store;
        let (ops, _) = setup(s).await;
        let t = now();
        let id = s
            .open_ticket(
                &ticket("T-EEEE-0001", "acme", ops),
                &by("user:ops@acme.example"),
                t,
            )
            .await
            .unwrap();
        let agent = by("user:agent@example.net");
        let invite = store::Invitation {
            address: "noc@owner.example",
            lang: "pt-BR",
            link_hash: "L1",
            expires_at: t + Duration::days(14),
        };
        let party = s.invite_owner(id, &invite, &agent, t).await.unwrap();
        let parties = s.ticket_parties(id).await.unwrap();
        assert_eq!(
            parties.iter().map(|p| p.kind.as_str()).collect::<Vec<_>>(),
            ["tenant", "owner"],
            "{}",
            b.name
        );
        // The link once: a session; the same link again: refused, the session stays.
        let used = s.use_owner_link("L1", "S1", t).await.unwrap().unwrap();
        assert_eq!((used.id, used.reference.as_str()), (party, "T-EEEE-0001"));
        assert_eq!(
            s.use_owner_link("L1", "S2", t).await.unwrap(),
            Err(store::InviteRefusal::Used)
        );
        assert_eq!(
            s.use_owner_link("nope", "S3", t).await.unwrap(),
            Err(store::InviteRefusal::Unknown)
        );
        assert_eq!(
            s.owner_session("S1", t).await.unwrap().map(|p| p.id),
            Some(party)
        );
        assert!(s.owner_session("S2", t).await.unwrap().is_none());
        // Expired: the session ends with the invitation.
        assert!(
            s.owner_session("S1", t + Duration::days(15))
                .await
                .unwrap()
                .is_none()
        );
        // Withdrawn: at once, and once.
        assert!(s.revoke_invitation(party, &agent, t).await.unwrap());
        assert!(!s.revoke_invitation(party, &agent, t).await.unwrap());
        assert!(s.owner_session("S1", t).await.unwrap().is_none());
        let second = store::Invitation {
            link_hash: "L2",
            ..invite
        };
        let p2 = s.invite_owner(id, &second, &agent, t).await.unwrap();
        s.revoke_invitation(p2, &agent, t).await.unwrap();
        assert_eq!(
            s.use_owner_link("L2", "S4", t).await.unwrap(),
            Err(store::InviteRefusal::Revoked)
        );
        // A tenant party cannot be "withdrawn".
        assert!(!s.revoke_invitation(parties[0].id, &agent, t).await.unwrap());
        let kinds: Vec<String> = s
            .ticket_events(id)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.kind)
            .collect();
        assert_eq!(
            kinds,
            ["opened", "invited", "revoked", "invited", "revoked"],
            "{}",
            b.name
        );
        let log = s
            .audit(&AuditQuery {
                actor: Some("user:agent@example.net".into()),
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(
            log.iter().filter(|e| e.action == "ticket.invite").count(),
            2
        );
    }
}
