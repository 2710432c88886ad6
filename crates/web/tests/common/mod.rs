//! What the handler tests share: a router on a temp SQLite store with some listings, mail
//! into a temp outbox, a fake abuse desk, and small helpers.
#![allow(dead_code)] // each test file uses its own part

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{Request, StatusCode, header};
use domain::{IpRange, ListingSource, NewListing, ReasonCatalog, ReasonSlug};
use lookup::{Entry, IndexBuilder, LookupIndex};
use store::{DatabaseLocation, Store};
use time::OffsetDateTime;
use tower::ServiceExt;
use web::{AppState, Portal, PortalSettings};

pub mod staff;

pub struct Harness {
    pub state: AppState,
    _dir: tempfile::TempDir,
    outbox: std::path::PathBuf,
    /// Stops the mail queue's sender when the harness is dropped.
    _stop: tokio::sync::watch::Sender<bool>,
}

pub async fn harness(listed: &[(&str, &str)], pow_difficulty: u8) -> Harness {
    harness_with(listed, pow_difficulty, None).await
}

pub async fn harness_with(
    listed: &[(&str, &str)],
    pow_difficulty: u8,
    template_dir: Option<std::path::PathBuf>,
) -> Harness {
    let listed: Vec<_> = listed.iter().map(|(r, why)| (*r, *why, None)).collect();
    harness_full(
        &listed,
        ReasonCatalog::defaults(),
        pow_difficulty,
        template_dir,
    )
    .await
}

/// A harness whose listings may carry the operator's public text, on `catalog`.
pub async fn harness_full(
    listed: &[(&str, &str, Option<&str>)],
    catalog: ReasonCatalog,
    pow_difficulty: u8,
    template_dir: Option<std::path::PathBuf>,
) -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&DatabaseLocation::Sqlite(dir.path().join("t.db")))
        .await
        .unwrap();
    let mut builder = IndexBuilder::new();
    for (range, reason, public_text) in listed {
        let range: IpRange = range.parse().unwrap();
        let reason_def = catalog.get(reason).unwrap();
        let new = NewListing {
            range,
            reason: ReasonSlug::parse(reason).unwrap(),
            public_text: public_text.map(str::to_string),
            note: None,
            source: ListingSource::Operator,
            expires_at: None,
            self_delist: reason_def.self_delist,
        };
        let out = store
            .add_listing(
                &new,
                &store::Actor::new("test", None),
                OffsetDateTime::now_utc(),
            )
            .await
            .unwrap();
        builder.push(
            range,
            Entry::new(out.listing.id, catalog.index_of(reason).unwrap(), None),
        );
    }
    let outbox = dir.path().join("outbox");
    let mailer = mailer::Mailer::new(&mailer::MailerSettings {
        relay: None,
        from: "Sender services <postmaster@example.net>".into(),
        outbox: outbox.clone(),
    })
    .unwrap();
    let settings = PortalSettings {
        base_url: "http://portal.test".into(),
        secret_key: b"0123456789abcdef0123456789abcdef".to_vec(),
        link_ttl: time::Duration::minutes(30),
        self_delist_max: 3,
        self_delist_window: time::Duration::days(90),
        limit_per_email: 5,
        limit_per_client: 20,
        limit_per_listed_ip: 10,
        limit_window: time::Duration::hours(24),
        pow_difficulty,
        trusted_proxies: Vec::new(),
        dns_ttl: 300,
        dnsbl_zone: "bl.portal.test".into(),
        template_dir,
        content_dir: None,
        api_tokens: vec![("webmail".into(), "0123456789abcdef-token".into())],
        report_address: "junk@ourmail.example".into(),
        report_max_bytes: 64 * 1024,
    };
    // A resolver port where nothing answers: DNS checks fail at once, as `dns-error`.
    let dead = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let dead_addr = dead.local_addr().unwrap();
    drop(dead);
    let diagnoser =
        diagnose::Diagnoser::new(&[dead_addr], std::time::Duration::from_millis(200)).unwrap();
    // The durable queue with its sender running, as in `serve`.
    let mail = mailqueue::MailQueue::new(store.clone(), mailer);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    mail.spawn(stopped);
    let portal = Portal::new(settings, catalog, mail, diagnoser).unwrap();
    let desk = FakeDesk {
        store: Some(store.clone()),
        ..FakeDesk::default()
    };
    let state = AppState {
        store,
        index: Arc::new(LookupIndex::new(builder.build(), 0)),
        portal: Arc::new(portal),
        reports: Some(Arc::new(desk)),
    };
    Harness {
        state,
        _dir: dir,
        outbox,
        _stop: stop,
    }
}

impl Harness {
    pub async fn send(
        &self,
        request: Request<Body>,
    ) -> (StatusCode, axum::http::HeaderMap, String) {
        self.send_from(request, SocketAddr::from(([192, 0, 2, 200], 40000)))
            .await
    }

    /// `request` from the client `client`, whose rates are its own.
    pub async fn send_from(
        &self,
        request: Request<Body>,
        client: SocketAddr,
    ) -> (StatusCode, axum::http::HeaderMap, String) {
        let app = web::router(self.state.clone()).layer(MockConnectInfo(client));
        let response = app.oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        (status, headers, String::from_utf8(bytes.to_vec()).unwrap())
    }

    pub async fn get(&self, uri: &str) -> (StatusCode, axum::http::HeaderMap, String) {
        self.send(Request::get(uri).body(Body::empty()).unwrap())
            .await
    }

    pub async fn post(&self, uri: &str, form: &str) -> (StatusCode, String) {
        let request = Request::post(uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(form.to_string()))
            .unwrap();
        let (status, _, body) = self.send(request).await;
        (status, body)
    }

    pub fn mails(&self) -> Vec<String> {
        mails_in(&self.outbox)
    }
}

/// The outbox mail to `to`, once the queue's sender has written it.
pub async fn wait_for_mail(h: &Harness, to: &str) -> String {
    for _ in 0..100 {
        if let Some(m) = h.mails().into_iter().find(|m| m.contains(to)) {
            return m;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no mail to {to}");
}

pub fn mails_in(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

/// The confirmation link in a mail's plain-text part, with quoted-printable soft line
/// breaks undone.
pub fn confirm_link(mail: &str) -> String {
    mail.replace("=\r\n", "")
        .split_whitespace()
        .find(|w| w.starts_with("http://portal.test/delist/confirm/"))
        .expect("the link is in the plain-text part")
        .to_string()
}

/// Stands in for the abuse desk: accepts anything that starts with a header line, and
/// decides reports in the store as the desk does (without restricting anyone).
#[derive(Default)]
pub struct FakeDesk {
    seen: std::sync::Mutex<Vec<Vec<u8>>>,
    store: Option<Store>,
}

/// The store's decision alone, as the desk's `ReportDesk`.
struct StoreDesk<'a>(&'a Store);

impl actions::ReportDesk for StoreDesk<'_> {
    async fn decide(
        &self,
        id: i64,
        decision: domain::ReportDecision,
        actor: &store::Actor,
        note: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<actions::ReportDecided, actions::ActionError> {
        let counting = store::Counting {
            since: now - time::Duration::days(1),
            cap: 5,
        };
        let decided = self
            .0
            .decide_report(id, decision, actor, note, counting, now)
            .await
            .map_err(|e| match e {
                store::StoreError::Conflict { what } => actions::ActionError::Refused(what),
                store::StoreError::Missing { what } => actions::ActionError::Refused(what),
                other => actions::ActionError::Store(other),
            })?;
        Ok(actions::ReportDecided {
            decided,
            restricted: Vec::new(),
        })
    }
}

impl web::ReportSink for FakeDesk {
    fn submit(
        &self,
        raw: Vec<u8>,
        channel: web::SubmitChannel,
        reporter: Option<String>,
    ) -> web::SubmitFuture<'_> {
        Box::pin(async move {
            if !raw.starts_with(b"Received:") && !raw.starts_with(b"From:") {
                return Err(web::SubmitError::NotAMessage {
                    why: "first-line-not-header",
                });
            }
            let mut seen = self.seen.lock().unwrap();
            let _ = reporter;
            let trust = match channel {
                web::SubmitChannel::Api { .. } => "token",
                web::SubmitChannel::Web => "anonymous",
            };
            seen.push(raw);
            Ok(web::Submitted {
                submission: seen.len() as i64,
                trust: trust.into(),
                reports: 1,
                duplicates: 0,
                not_ours: 0,
                warnings: Vec::new(),
            })
        })
    }

    fn decide(
        &self,
        who: actions::Who,
        id: i64,
        decision: domain::ReportDecision,
        note: Option<String>,
    ) -> web::DecideFuture<'_> {
        Box::pin(async move {
            let store = self.store.as_ref().expect("a harness desk has the store");
            actions::Actions::new(store.clone())
                .decide_report(
                    &who,
                    &StoreDesk(store),
                    id,
                    decision,
                    note.as_deref(),
                    OffsetDateTime::now_utc(),
                )
                .await
        })
    }
}

pub fn minijinja_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
        .replace('/', "&#x2f;")
}

pub fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Every page, in the states the handler tests' listings give them (192.0.2.7 listed,
/// 198.51.100.0/24 a range, 203.0.113.5 another listing), with bad input and pages that
/// do not exist.
pub const PAGES: &[&str] = &[
    "/",
    "/lookup",
    "/lookup?ip=192.0.2.7",
    "/lookup?ip=192.0.2.8",
    "/lookup?ip=198.51.100.9",
    "/lookup?ip=203.0.113.5",
    "/lookup?ip=192.0.2.99",
    "/lookup?ip=nope",
    "/delist",
    "/delist?ip=192.0.2.7",
    "/delist/status/DL-0000-0000",
    "/delist/confirm/abc",
    "/no-such-page",
    "/static/nothing.css",
    "/ndr",
    "/ndr?text=550+5.7.607+Access+denied%2C+banned+sending+IP+%5B192.0.2.7%5D",
    "/ndr?text=550+5.7.612+banned+sending+IP+%5B203.0.113.5%5D",
    "/ndr?text=451+4.7.500+Server+busy+from+%5B198.51.100.3%5D",
    "/ndr?code=5.4.1",
    "/ndr?code=4.3.9",
    "/ndr?code=5.9.999",
    "/ndr?text=no+code+here",
    "/diagnose",
    "/diagnose?ip=192.0.2.7&domain=example.com",
    "/diagnose?ip=203.0.113.5",
    "/diagnose?ip=nope&domain=no",
    "/diagnose?ip=10.0.0.1&domain=example.com",
    "/help",
    "/help/troubleshooting",
    "/help/no-such-page",
    "/support",
    "/report",
];
