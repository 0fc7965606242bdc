//! `GET /v1/organizations/me`: which organisation the credential belongs to.

use reqwest::Method;

use super::call::Call;
use super::client::Client;
use super::error::PlatformError;
use super::types::Organization;

impl Client {
    /// The caller's organisation; its `id` is the bare UUID the key binding uses.
    pub async fn organization(&self) -> Result<Organization, PlatformError> {
        self.send(Call::new(Method::GET, "/v1/organizations/me".to_owned())).await
    }
}
