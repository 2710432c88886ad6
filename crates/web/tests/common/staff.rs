//! Staff in tests: a browser that keeps its cookies and comes from its own address, and
//! users whose password is set through a link as in life.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use store::{NewLink, NewUser};
use time::{Duration, OffsetDateTime};

use super::{Harness, urlencode};

pub const GOOD: &str = "correct horse battery staple";

/// A browser: its cookies and the address it comes from.
pub struct Browser<'h> {
    h: &'h Harness,
    pub cookies: BTreeMap<String, String>,
    pub from: SocketAddr,
}

impl<'h> Browser<'h> {
    pub fn new(h: &'h Harness, last_octet: u8) -> Browser<'h> {
        Browser {
            h,
            cookies: BTreeMap::new(),
            from: SocketAddr::from(([198, 51, 100, last_octet], 40000)),
        }
    }

    pub async fn send(&mut self, request: Request<Body>) -> (StatusCode, HeaderMap, String) {
        let mut request = request;
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            request
                .headers_mut()
                .insert(header::COOKIE, jar.join("; ").parse().unwrap());
        }
        let (status, headers, body) = self.h.send_from(request, self.from).await;
        for c in headers.get_all(header::SET_COOKIE) {
            let c = c.to_str().unwrap();
            let (pair, attrs) = c.split_once(';').unwrap_or((c, ""));
            let (k, v) = pair.split_once('=').unwrap();
            if attrs.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.into(), v.into());
            }
        }
        (status, headers, body)
    }

    pub async fn get(&mut self, uri: &str) -> (StatusCode, HeaderMap, String) {
        self.send(Request::get(uri).body(Body::empty()).unwrap())
            .await
    }

    pub async fn post(&mut self, uri: &str, form: &str) -> (StatusCode, HeaderMap, String) {
        let request = Request::post(uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(form.to_string()))
            .unwrap();
        self.send(request).await
    }

    pub async fn sign_in(
        &mut self,
        email: &str,
        password: &str,
    ) -> (StatusCode, HeaderMap, String) {
        self.post(
            "/signin",
            &format!(
                "email={}&password={}&lang=en",
                urlencode(email),
                urlencode(password)
            ),
        )
        .await
    }

    pub fn session(&self) -> Option<&String> {
        self.cookies.get("senderdesk-session")
    }
}

/// A user with the password `GOOD`, set through a link as in life.
pub async fn user(h: &Harness, email: &str, role: &str, tenant: Option<&str>) {
    let now = OffsetDateTime::now_utc();
    let store = &h.state.store;
    store
        .add_user(
            &NewUser {
                email: email.into(),
                role: role.into(),
                tenant: tenant.map(Into::into),
            },
            &store::Actor::new("cli:test", None),
            now,
        )
        .await
        .unwrap();
    let token = accounts::LinkToken::generate().unwrap();
    let link = NewLink {
        token_hash: token.hash.clone(),
        purpose: "set-password".into(),
        expires_at: now + Duration::hours(1),
    };
    store
        .create_link(email, &link, &store::Actor::new("cli:test", None), now)
        .await
        .unwrap();
    let hash = accounts::hash_password(&accounts::Password::new(GOOD).unwrap()).unwrap();
    store
        .use_link(&token.hash, &hash, now)
        .await
        .unwrap()
        .unwrap();
}
