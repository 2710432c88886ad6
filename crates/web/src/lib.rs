//! The HTTP face of senderdesk: [`router`] builds the axum application from an [`AppState`].
//! For now it answers `/healthz`; the portal, admin and JSON API join it feature by feature,
//! each as its own `router()` merged here.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json};
use axum::routing::get;
use lookup::LookupIndex;
use serde::Serialize;
use store::Store;

/// What every handler may reach: the store (durable truth) and the lookup index (fast reads).
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub index: Arc<LookupIndex>,
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .with_state(state)
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
    store: &'static str,
    listings: usize,
    change_seq: i64,
}

/// 200 when the store answers; 503 when it does not, although lookups still work from the
/// last snapshot, so a load balancer can prefer a healthy node.
async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    let store_ok = matches!(
        tokio::time::timeout(Duration::from_secs(2), state.store.change_seq()).await,
        Ok(Ok(_))
    );
    let health = Health {
        status: if store_ok { "ok" } else { "degraded" },
        store: if store_ok { "ok" } else { "unreachable" },
        listings: state.index.load().len(),
        change_seq: state.index.seq(),
    };
    let code = if store_ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (code, Json(health))
}
