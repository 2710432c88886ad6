//! API tokens through the action service: only admins make and revoke them
//! (`token.manage`), from the CLI or the console, each change audited by the store.

use accounts::{ApiToken, Scopes};
use store::{ApiTokenRow, NewApiToken};
use time::OffsetDateTime;

use crate::{Action, ActionError, Actions, Who};

impl Actions {
    /// Makes a token named `name` with `scopes`; the token itself is in the result, to be
    /// shown once, and only its hash is stored.
    pub async fn add_api_token(
        &self,
        who: &Who,
        name: &str,
        scopes: &Scopes,
        trusted_reports: bool,
        now: OffsetDateTime,
    ) -> Result<(ApiToken, ApiTokenRow), ActionError> {
        let actor = self.allow(who, Action::TokenManage)?;
        if !accounts::valid_token_name(name) {
            return Err(ActionError::Refused(format!(
                "{name:?} is not a token name: 1 to 64 letters, digits, '-', '_' or '.'"
            )));
        }
        let token = ApiToken::generate()
            .map_err(|e| ActionError::Refused(format!("no randomness for a token: {e}")))?;
        let new = NewApiToken {
            name: name.to_string(),
            token_hash: token.hash.clone(),
            scopes: scopes.to_string(),
            trusted_reports,
        };
        let row = self.store.add_api_token(&new, &actor, now).await?;
        Ok((token, row))
    }

    /// Revokes the token named `name`: every call with it fails from now on.
    pub async fn revoke_api_token(
        &self,
        who: &Who,
        name: &str,
        now: OffsetDateTime,
    ) -> Result<ApiTokenRow, ActionError> {
        let actor = self.allow(who, Action::TokenManage)?;
        Ok(self.store.revoke_api_token(name, &actor, now).await?)
    }
}
