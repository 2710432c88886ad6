//! Our own people's side of the portal: the set-password links (`links`), signing in and
//! out (`signin`), the session cookie and the [`session::Staff`] extractor every staff
//! page starts with (`session`), and the account page (`account`).

mod account;
mod links;
pub(crate) mod session;
mod signin;
pub mod users;

use axum::Router;

use crate::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .merge(links::router())
        .merge(signin::router())
        .merge(account::router())
        .merge(users::router())
}
