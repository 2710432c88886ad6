//! What touches a listing, for its console page: delist requests, tickets and reports about
//! addresses in its range (or, for tickets, a range overlapping it), and nothing outside it.

mod common;
use common::*;

use store::{NewTicket, NewUser};

async fn delist_request(b: &Backend, n: i64, ip: &str) {
    raw_exec(
        b,
        &format!(
            "INSERT INTO delist_requests (reference, token_hash, ip, email, client_ip, lang, state, \
             mail_state, created_at, expires_at) VALUES ('D-{n}', 'h{n}', '{ip}', 'a@x.example', \
             '198.51.100.1', 'en', 'pending', 'queued', {n}, {n})"
        ),
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn a_listing_is_touched_by_what_concerns_its_addresses_and_by_nothing_else() {
    for b in backends().await {
        let s = &b.store;
        let t = now();
        for (n, ip) in [
            (1, "10.1.2.3"),
            (2, "10.1.9.9"),
            (3, "10.10.1.1"),
            (4, "2001:db8::5"),
        ] {
            delist_request(&b, n, ip).await;
        }
        let reports: Vec<_> = ["10.1.2.3", "10.2.0.1", "2001:db8::5"]
            .iter()
            .enumerate()
            .map(|(i, ip)| {
                let mut sub = submission("fbl@isp.example", &format!("m{i}"), "a@ours.example");
                sub.reports[0].source_ip = Some(ip.to_string());
                sub
            })
            .collect();
        s.record_submissions(&reports, t, 1000, t).await.unwrap();
        s.add_tenant("acme", None, &[], &["acme.example".into()], &by("t"), t)
            .await
            .unwrap();
        let ops = s
            .add_user(
                &NewUser {
                    email: "ops@acme.example".into(),
                    role: "tenant-admin".into(),
                    tenant: Some("acme".into()),
                },
                &by("t"),
                t,
            )
            .await
            .unwrap()
            .id;
        for (n, range) in [(1, "10.0.0.0/8"), (2, "10.1.2.0/24"), (3, "10.3.0.1")] {
            let ticket = NewTicket {
                reference: format!("T-AAAA-AAA{n}"),
                tenant: "acme".into(),
                opened_by: ops,
                ip_range: Some(range.into()),
                sender_domain: None,
                sender_contact: "postmaster@sender.example".into(),
                bounce: "550 5.7.1".into(),
                description: "mail missing".into(),
                reason: None,
                lang: "en".into(),
            };
            s.open_ticket(&ticket, &by("t"), t).await.unwrap();
        }
        let touching = |r: &'static str| async move {
            let got = s.touching(&r.parse().unwrap(), 20).await.unwrap();
            let mut d: Vec<String> = got.delist_requests.into_iter().map(|x| x.ip).collect();
            let mut t: Vec<String> = got.tickets.into_iter().map(|x| x.ip_range).collect();
            let mut r: Vec<String> = got.reports.into_iter().map(|x| x.source_ip).collect();
            d.sort();
            t.sort();
            r.sort();
            (d, t, r)
        };
        assert_eq!(
            touching("10.1.0.0/16").await,
            (
                vec!["10.1.2.3".into(), "10.1.9.9".into()],
                vec!["10.0.0.0/8".into(), "10.1.2.0/24".into()],
                vec!["10.1.2.3".into()]
            ),
            "a /16 on {}",
            b.name
        );
        assert_eq!(
            touching("10.1.2.3").await,
            (
                vec!["10.1.2.3".into()],
                vec!["10.0.0.0/8".into(), "10.1.2.0/24".into()],
                vec!["10.1.2.3".into()]
            ),
            "an address on {}",
            b.name
        );
        assert_eq!(
            touching("2001:db8::/32").await,
            (
                vec!["2001:db8::5".into()],
                vec![],
                vec!["2001:db8::5".into()]
            ),
            "IPv6 on {}",
            b.name
        );
        assert_eq!(touching("192.0.2.0/24").await, (vec![], vec![], vec![]));
    }
}
