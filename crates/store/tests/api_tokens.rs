//! API tokens on every backend at hand: made once per name, found by their hash while live,
//! revoked for good, their last use noted at most once a minute, each change audited.

mod common;
use common::*;

use store::{AuditQuery, NewApiToken};
use time::Duration;

fn token(name: &str, hash: &str) -> NewApiToken {
    NewApiToken {
        name: name.into(),
        token_hash: hash.into(),
        scopes: "listings:read,reports:write".into(),
        trusted_reports: true,
    }
}

#[tokio::test]
async fn a_token_is_found_by_its_hash_until_revoked_and_every_change_is_audited() {
    for b in backends().await {
        let s = &b.store;
        let t = now();
        let made = s
            .add_api_token(&token("siem", "h1"), &by("cli:root"), t)
            .await
            .unwrap();
        assert_eq!((made.name.as_str(), made.trusted_reports), ("siem", true));
        assert_eq!(made.created_by, "cli:root");
        let again = s
            .add_api_token(&token("siem", "h2"), &by("cli:root"), t)
            .await;
        assert!(
            matches!(again, Err(store::StoreError::Conflict { .. })),
            "{}",
            b.name
        );
        let found = s.live_api_token("h1").await.unwrap().unwrap();
        assert_eq!(found.scopes, "listings:read,reports:write");
        assert_eq!(s.live_api_token("h2").await.unwrap(), None);

        s.touch_api_token(found.id, "192.0.2.1", t).await.unwrap();
        s.touch_api_token(found.id, "192.0.2.2", t + Duration::seconds(30))
            .await
            .unwrap();
        let used = s.live_api_token("h1").await.unwrap().unwrap();
        assert_eq!(
            (used.last_used_at, used.last_used_from.as_deref()),
            (Some(t), Some("192.0.2.1"))
        );
        s.touch_api_token(found.id, "192.0.2.3", t + Duration::seconds(61))
            .await
            .unwrap();
        let used = s.live_api_token("h1").await.unwrap().unwrap();
        assert_eq!(used.last_used_from.as_deref(), Some("192.0.2.3"));

        let revoked = s
            .revoke_api_token("siem", &by("cli:root"), t)
            .await
            .unwrap();
        assert_eq!(revoked.revoked_at, Some(t));
        assert_eq!(
            s.live_api_token("h1").await.unwrap(),
            None,
            "revoked at once"
        );
        assert!(matches!(
            s.revoke_api_token("siem", &by("cli:root"), t).await,
            Err(store::StoreError::Conflict { .. })
        ));
        assert!(matches!(
            s.revoke_api_token("nosuch", &by("cli:root"), t).await,
            Err(store::StoreError::Missing { .. })
        ));
        assert_eq!(s.api_tokens().await.unwrap().len(), 1);
        let log = s
            .audit(&AuditQuery {
                action: Some("token.".into()),
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["token.revoke", "token.add"], "{}", b.name);
        assert!(
            !log.iter().any(|e| format!("{e:?}").contains("h1")),
            "no hash in the log"
        );
    }
}
