//! Support tickets through the router: a tenant's admin opens one for a sender, sees only
//! their tenant's, and replies; an agent works the queue, writes notes the tenant never
//! sees, and delists from the ticket, which lands in the listing's history and the audit
//! log under the ticket's reference.

mod common;
use common::staff::*;
use common::*;

use axum::http::{StatusCode, header};
use store::AuditQuery;
use time::OffsetDateTime;

async fn setup(h: &Harness) {
    let cli = store::Actor::new("cli:test", None);
    for name in ["acme", "globex"] {
        h.state
            .store
            .add_tenant(
                name,
                None,
                &[],
                &[format!("{name}.example")],
                &cli,
                OffsetDateTime::now_utc(),
            )
            .await
            .unwrap();
    }
    user(h, "ops@acme.example", "tenant-admin", Some("acme")).await;
    user(h, "ops@globex.example", "tenant-admin", Some("globex")).await;
    user(h, "agent@example.net", "agent", None).await;
}

fn ticket_form(ip: &str) -> String {
    format!(
        "ip={}&domain=sender.example&contact=postmaster%40sender.example&bounce={}&description={}&lang=en",
        urlencode(ip),
        urlencode("550 5.7.606 Access denied, banned sending IP [192.0.2.7]"),
        urlencode("Our users miss the sender's invoices."),
    )
}

/// Opens a ticket as `b` and returns its reference.
async fn open(b: &mut Browser<'_>, ip: &str) -> String {
    let (status, headers, body) = b.post("/tickets/new", &ticket_form(ip)).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let to = headers[header::LOCATION].to_str().unwrap();
    to.trim_start_matches("/tickets/")
        .split('?')
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn a_tenant_admin_opens_a_ticket_and_sees_only_their_tenants() {
    let h = harness(&[("192.0.2.7", "manual")], 0).await;
    setup(&h).await;
    let mut acme = Browser::new(&h, 1);
    acme.sign_in("ops@acme.example", GOOD).await;
    let (status, _, form) = acme.get("/tickets/new?ip=192.0.2.7&code=5.7.606").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        form.contains("value=\"192.0.2.7\"") && form.contains("5.7.606"),
        "prefilled: {form}"
    );

    // Bad input: every reason at once, nothing stored.
    let bad = "ip=300.1.1.1&domain=not_a_domain&contact=nobody&bounce=&description=";
    let (status, _, page) = acme.post("/tickets/new", bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for why in [
        "IP address or range is not valid",
        "not a valid domain name",
        "not an email address",
        "Paste the bounce",
        "Say what happened",
    ] {
        assert!(page.contains(why), "{why}: {page}");
    }
    let all = store::TicketFilter {
        limit: 10,
        ..Default::default()
    };
    assert!(h.state.store.tickets(&all).await.unwrap().is_empty());

    let reference = open(&mut acme, "[192.0.2.7]").await;
    let (status, _, page) = acme.get(&format!("/tickets/{reference}")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Our users miss the sender"), "{page}");
    // The pasted bounce is explained, and the listing shown.
    assert!(
        page.contains("5.7.606") && page.contains("192.0.2.7"),
        "{page}"
    );
    let stored = h.state.store.ticket(&reference).await.unwrap().unwrap();
    assert_eq!(
        (stored.tenant.as_str(), stored.reason.as_deref()),
        ("acme", Some("manual"))
    );

    // Another tenant's admin: not in their queue, and "not found" by reference.
    let mut globex = Browser::new(&h, 2);
    globex.sign_in("ops@globex.example", GOOD).await;
    let (_, _, queue) = globex.get("/tickets").await;
    assert!(!queue.contains(&reference), "{queue}");
    let (_, _, queue) = globex.get("/tickets?tenant=acme").await;
    assert!(
        !queue.contains(&reference),
        "a query cannot widen a tenant admin's view"
    );
    for path in ["", "/reply"] {
        let url = format!("/tickets/{reference}{path}");
        let status = if path.is_empty() {
            globex.get(&url).await.0
        } else {
            globex.post(&url, "body=hi").await.0
        };
        assert_eq!(status, StatusCode::NOT_FOUND, "{url}");
    }
    // Tenant admins open tickets; agents do not (they work them).
    let mut agent = Browser::new(&h, 3);
    agent.sign_in("agent@example.net", GOOD).await;
    assert_eq!(agent.get("/tickets/new").await.0, StatusCode::FORBIDDEN);
    // Anonymous: to sign-in.
    let mut anon = Browser::new(&h, 4);
    assert_eq!(
        anon.get(&format!("/tickets/{reference}")).await.0,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        h.state
            .store
            .ticket_messages(stored.id, true)
            .await
            .unwrap()
            .len(),
        1,
        "nothing was added by the refusals"
    );
}

#[tokio::test]
async fn an_agent_replies_notes_and_delists_from_the_ticket() {
    let h = harness(&[("192.0.2.7", "manual")], 0).await;
    setup(&h).await;
    let mut acme = Browser::new(&h, 10);
    acme.sign_in("ops@acme.example", GOOD).await;
    let reference = open(&mut acme, "192.0.2.7").await;

    let mut agent = Browser::new(&h, 11);
    agent.sign_in("agent@example.net", GOOD).await;
    let (_, _, queue) = agent.get("/tickets?unread=1").await;
    assert!(queue.contains(&reference), "{queue}");
    let (_, _, _) = agent.get(&format!("/tickets/{reference}")).await;
    let (_, _, queue) = agent.get("/tickets?unread=1").await;
    assert!(
        !queue.contains(&reference),
        "seen by an agent: no longer new"
    );

    let url = |p: &str| format!("/tickets/{reference}/{p}");
    assert_eq!(
        agent
            .post(
                &url("reply"),
                "body=We+are+looking+into+it.&state=waiting-tenant"
            )
            .await
            .0,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        agent.post(&url("note"), "body=compromised+host%3F").await.0,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        agent.post(&url("reply"), "body=+++").await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        agent
            .post(&url("assign"), "assignee=agent%40example.net")
            .await
            .0,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        agent
            .post(&url("assign"), "assignee=ops%40acme.example")
            .await
            .0,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // The tenant sees the reply, not the note, and cannot add notes or act.
    let (_, _, page) = acme.get(&format!("/tickets/{reference}")).await;
    assert!(page.contains("We are looking into it."), "{page}");
    assert!(!page.contains("compromised host"), "{page}");
    assert_eq!(
        acme.post(&url("note"), "body=sneaky").await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        acme.post(&url("act"), "action=delist").await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        acme.post(&url("state"), "state=closed").await.0,
        StatusCode::FORBIDDEN
    );
    assert!(
        h.state
            .store
            .listings_covering("192.0.2.7".parse().unwrap())
            .await
            .unwrap()
            .iter()
            .any(|l| l.is_effective(OffsetDateTime::now_utc()))
    );
    // The tenant's reply brings it back to us.
    assert_eq!(
        acme.post(&url("reply"), "body=Thanks").await.0,
        StatusCode::SEE_OTHER
    );
    let k = h.state.store.ticket(&reference).await.unwrap().unwrap();
    assert_eq!(k.state, domain::TicketState::Open);
    assert!(k.unread);

    // Delist from the ticket: the listing ends, its history and the audit log name the
    // ticket, and the ticket's history says what was done.
    let (status, _, body) = agent.post(&url("act"), "action=delist").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let now = OffsetDateTime::now_utc();
    let listings = h
        .state
        .store
        .listings_covering("192.0.2.7".parse().unwrap())
        .await
        .unwrap();
    assert!(listings.iter().all(|l| !l.is_effective(now)));
    let history = h.state.store.history(&[listings[0].id]).await.unwrap();
    let last = history.last().unwrap();
    assert_eq!(last.actor, "user:agent@example.net");
    assert_eq!(
        last.note.as_deref(),
        Some(format!("ticket {reference}").as_str())
    );
    let audit = h
        .state
        .store
        .audit(&AuditQuery {
            actor: Some("user:agent@example.net".into()),
            limit: 20,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(
        audit.iter().any(|e| e.action == "listing.remove"
            && [&e.before, &e.after]
                .iter()
                .any(|v| v.as_deref().unwrap_or("").contains(&reference))),
        "{audit:#?}"
    );
    let events = h.state.store.ticket_events(k.id).await.unwrap();
    assert!(
        events
            .iter()
            .any(|e| e.kind == "action" && e.detail == "delisted 192.0.2.7"),
        "{events:?}"
    );
    // Delisting again: a clear refusal, nothing more recorded.
    let (status, _, page) = agent.post(&url("act"), "action=delist").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("There is no listing of exactly"), "{page}");
    assert_eq!(
        h.state.store.ticket_events(k.id).await.unwrap().len(),
        events.len()
    );

    // Release one of our restricted senders from the ticket; a second time: refused.
    let restriction = store::NewPolicyEntry {
        kind: domain::PolicyKind::Restriction,
        key: "bob@acme.example",
        reason: None,
        note: None,
        source: "reports",
    };
    h.state
        .store
        .add_policy_entry(
            &restriction,
            &store::Actor::system(),
            OffsetDateTime::now_utc(),
        )
        .await
        .unwrap();
    let (status, _, body) = agent
        .post(&url("act"), "action=release&key=bob%40acme.example")
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    assert!(
        h.state
            .store
            .policy_entries(Some(domain::PolicyKind::Restriction))
            .await
            .unwrap()
            .is_empty()
    );
    let (status, _, page) = agent
        .post(&url("act"), "action=release&key=bob%40acme.example")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("no restriction of that sender"), "{page}");

    // A reply that came by mail keeps the mail; agents can download it, nobody else.
    let raw = b"From: noc@owner.example\r\nSubject: Re: ticket\r\n\r\ncleaned up\r\n".to_vec();
    let evidence = lz4_flex::compress_prepend_size(&raw);
    let by_mail = store::NewMessage {
        author: "user:ops@acme.example",
        visibility: domain::Visibility::Public,
        via: "mail",
        body: "cleaned up",
        from_outside: true,
        state: None,
        party_id: None,
        evidence: Some(&evidence),
    };
    let actor = store::Actor::new("user:ops@acme.example", None);
    let mid = h
        .state
        .store
        .add_ticket_message(k.id, &by_mail, &actor, OffsetDateTime::now_utc())
        .await
        .unwrap();
    let (_, _, page) = agent.get(&format!("/tickets/{reference}")).await;
    assert!(
        page.contains(&format!("/tickets/{reference}/mail/{mid}")),
        "{page}"
    );
    let (status, headers, body) = agent.get(&url(&format!("mail/{mid}"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(&headers[header::CONTENT_TYPE], "message/rfc822");
    assert_eq!(body.as_bytes(), raw.as_slice());
    assert_eq!(
        acme.get(&url(&format!("mail/{mid}"))).await.0,
        StatusCode::FORBIDDEN
    );
    let first = h.state.store.ticket_messages(k.id, true).await.unwrap()[0].id;
    assert_eq!(
        agent.get(&url(&format!("mail/{first}"))).await.0,
        StatusCode::NOT_FOUND
    );

    // Resolved, and the tenant sees it so.
    assert_eq!(
        agent.post(&url("state"), "state=resolved").await.0,
        StatusCode::SEE_OTHER
    );
    let (_, _, page) = acme.get(&format!("/tickets/{reference}")).await;
    assert!(page.contains("resolved"), "{page}");
}

/// The mails in the outbox to `to`, once the queue's sender wrote `n` of them.
async fn mails_to(h: &Harness, to: &str, n: usize) -> Vec<String> {
    for _ in 0..200 {
        let found: Vec<String> = h
            .mails()
            .into_iter()
            .filter(|m| m.contains(&format!("To: {to}")))
            .collect();
        if found.len() >= n {
            return found;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("{n} mails to {to} did not arrive");
}

/// The path of the first link in `mail` that starts with `prefix`, quoted-printable undone.
fn link_in(mail: &str, prefix: &str) -> String {
    let plain = mail.replace("=\r\n", "").replace("=3D", "=");
    let at = plain
        .find(prefix)
        .unwrap_or_else(|| panic!("no {prefix} in {plain}"));
    plain[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || "/-_?=".contains(*c))
        .collect()
}

#[tokio::test]
async fn the_ip_owner_joins_through_a_single_use_link_and_each_public_message_is_mailed() {
    let h = harness(&[("192.0.2.7", "manual")], 0).await;
    setup(&h).await;
    let mut acme = Browser::new(&h, 20);
    acme.sign_in("ops@acme.example", GOOD).await;
    let reference = open(&mut acme, "192.0.2.7").await;
    let mut agent = Browser::new(&h, 21);
    agent.sign_in("agent@example.net", GOOD).await;
    let url = |p: &str| format!("/tickets/{reference}/{p}");

    // An agent's reply is mailed to the tenant's admin, with their reply address.
    agent.post(&url("reply"), "body=Which+host%3F").await;
    let to_tenant = mails_to(&h, "ops@acme.example", 1).await;
    assert!(
        to_tenant[0].contains("Reply-To: ticket+"),
        "{}",
        to_tenant[0]
    );
    assert!(to_tenant[0].contains("Which host?"), "{}", to_tenant[0]);
    assert!(
        mail_parser::MessageParser::default()
            .parse(to_tenant[0].as_bytes())
            .and_then(|m| m.body_text(0).map(|t| t.contains(web::TICKET_REPLY_MARKER)))
            .unwrap_or(false),
        "{}",
        to_tenant[0]
    );

    // Bad invitations: refused with the reason, nobody invited.
    let (status, _, page) = agent.post(&url("invite"), "address=nobody&days=14").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("not an email address"), "{page}");
    let (status, _, _) = agent
        .post(&url("invite"), "address=noc%40owner.example&days=365")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // The tenant's admin cannot invite.
    assert_eq!(
        acme.post(&url("invite"), "address=noc%40owner.example")
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    let id = h.state.store.ticket(&reference).await.unwrap().unwrap().id;
    assert_eq!(h.state.store.ticket_parties(id).await.unwrap().len(), 1);

    assert_eq!(
        agent
            .post(
                &url("invite"),
                "address=noc%40owner.example&owner_lang=it&days=14"
            )
            .await
            .0,
        StatusCode::SEE_OTHER
    );
    agent.post(&url("note"), "body=owner+looks+slow").await;
    let invite = mails_to(&h, "noc@owner.example", 1).await.remove(0);
    let join = link_in(&invite, "/tickets/join/");

    // A guessed link, then the real one: a session on this ticket alone.
    let mut owner = Browser::new(&h, 22);
    assert_eq!(
        owner
            .get(&format!("/tickets/join/{}", "0".repeat(64)))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let (status, headers, _) = owner.get(&join).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        &headers[header::LOCATION],
        "/tickets/owner?lang=it",
        "in the invitation's language"
    );
    let (status, _, thread) = owner.get("/tickets/owner?lang=en").await;
    assert_eq!(status, StatusCode::OK, "{thread}");
    assert!(
        thread.contains("Which host?") && !thread.contains("owner looks slow"),
        "{thread}"
    );
    // The same link in another browser: used. Staff pages: still anonymous.
    let mut other = Browser::new(&h, 23);
    assert_eq!(other.get(&join).await.0, StatusCode::GONE);
    assert_eq!(
        owner.get(&format!("/tickets/{reference}")).await.0,
        StatusCode::SEE_OTHER
    );
    assert_eq!(owner.get("/tickets").await.0, StatusCode::SEE_OTHER);

    // The owner's reply reopens the ticket and is mailed to the tenant, not back to them.
    let (status, headers, page) = owner
        .post("/tickets/owner/reply", "body=Host+cleaned+up.")
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    let (_, _, page) = owner.get(headers[header::LOCATION].to_str().unwrap()).await;
    assert!(page.contains("Host cleaned up."), "{page}");
    let k = h.state.store.ticket(&reference).await.unwrap().unwrap();
    assert_eq!((k.state, k.unread), (domain::TicketState::Open, true));
    let to_tenant = mails_to(&h, "ops@acme.example", 2).await;
    assert!(to_tenant.iter().any(|m| m.contains("Host cleaned up.")));
    assert_eq!(
        mails_to(&h, "noc@owner.example", 1).await.len(),
        1,
        "no echo to its author"
    );

    // Withdrawn: the session ends at once.
    let party = h.state.store.ticket_parties(id).await.unwrap()[1].id;
    assert_eq!(
        agent
            .post(&url("revoke"), &format!("party={party}"))
            .await
            .0,
        StatusCode::SEE_OTHER
    );
    assert_eq!(owner.get("/tickets/owner").await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        owner
            .post("/tickets/owner/reply", "body=still+here")
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        h.state.store.ticket_messages(id, true).await.unwrap().len(),
        4
    );
}
