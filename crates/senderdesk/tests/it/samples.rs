//! The sampler inside `serve`: what the policy service decided reaches the store as the
//! dashboards' samples, the part of a minute under way too when `serve` stops, so a restart
//! loses nothing that was counted.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::Duration;

use store::{DatabaseLocation, Store, Window};
use time::OffsetDateTime;

use crate::support::*;

/// One policy request from `client`, as smtpd sends it at RCPT; the action Postfix gets.
fn ask(policy: &str, client: &str) -> String {
    let s = TcpStream::connect(policy).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut writer = s.try_clone().unwrap();
    write!(
        writer,
        "request=smtpd_access_policy\nprotocol_state=RCPT\nclient_address={client}\n\
         sender=x@example.org\nrecipient=postmaster@ours.example\n\n"
    )
    .unwrap();
    let mut action = String::new();
    BufReader::new(s).read_line(&mut action).unwrap();
    action.trim_end().to_string()
}

#[tokio::test]
async fn what_the_policy_service_decided_is_stored_when_serve_stops() {
    for db in database_args() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        ok(&senderdesk(&data, &["init"]));
        ok(&run(
            &data,
            &db,
            &["list", "add", "203.0.113.0/24", "--reason", "complaints"],
        ));
        let server = Server::start(&data, &db);
        assert!(ask(&server.policy, "203.0.113.7").starts_with("action=550"));
        assert_eq!(ask(&server.policy, "192.0.2.1"), "action=DUNNO");
        assert_eq!(ask(&server.policy, "192.0.2.2"), "action=DUNNO");
        assert!(server.stop().success());

        let location = match &db[..] {
            [_, url] => DatabaseLocation::parse(url).unwrap(),
            _ => DatabaseLocation::Sqlite(data.join("senderdesk.db")),
        };
        let store = Store::open(&location).await.unwrap();
        let now = OffsetDateTime::now_utc();
        let day = Window {
            since: now - time::Duration::days(1),
            step: time::Duration::days(2),
            slots: 1,
        };
        let counts = store.counter_series("policy.", &day).await.unwrap();
        let total = |name: &str| {
            counts
                .series
                .iter()
                .find(|(k, _)| k == name)
                .map_or(0, |(_, v)| v.iter().sum::<i64>())
        };
        assert_eq!(
            (
                total("policy.requests"),
                total("policy.listed"),
                total("policy.dunno")
            ),
            (3, 1, 2),
            "{db:?}: {counts:?}"
        );
        store.close().await;
    }
}
