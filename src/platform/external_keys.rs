//! External keys (CMEK key configurations): list (cursor pagination), get, create (never
//! retried blindly), update, delete, validate. Paths as in the SDK's `external_keys.py`.

use reqwest::Method;

use super::call::Call;
use super::client::Client;
use super::error::PlatformError;
use super::existing::{SameKey, is_same_external_key};
use super::pagination::{Listed, PageGuard, next_cursor};
use super::path::id_segment;
use super::types::{
    CreateExternalKey, CursorPage, DeletedExternalKey, ExternalKey, ExternalKeyValidation, UpdateExternalKey,
};

const COLLECTION: &str = "/v1/organizations/external_keys";
/// The API's page size range for external keys.
pub const EXTERNAL_KEYS_LIMIT_MAX: u32 = 100;

fn item_path(id: &str) -> Result<String, PlatformError> {
    let segment =
        id_segment("external_key_id", id).map_err(|err| PlatformError::InvalidInput { message: err.message })?;
    Ok(format!("{COLLECTION}/{segment}"))
}

impl Client {
    /// One page of external keys, newest first. `limit` must be 1..=100 (server default 20);
    /// `page` is the `next_page` cursor of the previous page.
    pub async fn list_external_keys(
        &self,
        limit: Option<u32>,
        page: Option<&str>,
    ) -> Result<CursorPage<ExternalKey>, PlatformError> {
        let mut call = Call::new(Method::GET, COLLECTION.to_owned());
        if let Some(limit) = limit {
            if !(1..=EXTERNAL_KEYS_LIMIT_MAX).contains(&limit) {
                return Err(PlatformError::InvalidInput {
                    message: format!(
                        "external key page size {limit} is out of range: use 1 to {EXTERNAL_KEYS_LIMIT_MAX}"
                    ),
                });
            }
            call = call.query("limit", limit);
        }
        if let Some(page) = page {
            call = call.query("page", page);
        }
        self.send(call).await
    }

    /// Every external key, following `next_page` until it is null.
    pub async fn all_external_keys(&self) -> Result<Vec<ExternalKey>, PlatformError> {
        Ok(self.every_external_key().await?.items)
    }

    /// As `all_external_keys` (pages of 100, the most the API allows), saying how many pages it took.
    pub async fn every_external_key(&self) -> Result<Listed<ExternalKey>, PlatformError> {
        let mut keys = Vec::new();
        let mut pages = 0;
        let mut guard = PageGuard::default();
        let mut cursor: Option<String> = None;
        loop {
            let page = self.list_external_keys(Some(EXTERNAL_KEYS_LIMIT_MAX), cursor.as_deref()).await?;
            pages += 1;
            let next = next_cursor(&page).map(str::to_owned);
            keys.extend(page.data);
            let Some(next) = next else { return Ok(Listed { items: keys, pages }) };
            guard.accept(&next).map_err(|message| PlatformError::Decode {
                method: "GET",
                path: COLLECTION.to_owned(),
                status: 200,
                message,
                request_id: None,
            })?;
            cursor = Some(next);
        }
    }

    /// The existing configuration that `body` would create (same key by the cloud's `same_key`,
    /// same user profile), if any: the one every run settles on when there are several.
    pub async fn find_external_key(
        &self,
        body: &CreateExternalKey,
        same_key: &SameKey,
    ) -> Result<Option<ExternalKey>, PlatformError> {
        Ok(self.registrations_of(body, same_key).await?.into_iter().next())
    }

    /// Every configuration naming the key `body` names, in the order concurrent runs agree on:
    /// attached first (it is in use), then the oldest, then by id. Two runs that registered the
    /// same key at once both keep the first and delete their own if it is not.
    pub async fn registrations_of(
        &self,
        body: &CreateExternalKey,
        same_key: &SameKey,
    ) -> Result<Vec<ExternalKey>, PlatformError> {
        let mut same: Vec<ExternalKey> = self
            .all_external_keys()
            .await?
            .into_iter()
            .filter(|key| is_same_external_key(body, key, same_key))
            .collect();
        same.sort_by(|a, b| a.settle_order().cmp(&b.settle_order()));
        Ok(same)
    }

    pub async fn get_external_key(&self, id: &str) -> Result<ExternalKey, PlatformError> {
        self.send(Call::new(Method::GET, item_path(id)?)).await
    }

    /// Registers a key configuration. If an attempt fails in a retryable way, the existing
    /// configurations are listed before any retry, and one naming the same key (by the cloud's
    /// `same_key`) is returned instead of creating a second.
    pub async fn create_external_key(
        &self,
        body: &CreateExternalKey,
        same_key: &SameKey,
    ) -> Result<ExternalKey, PlatformError> {
        let call = Call::new(Method::POST, COLLECTION.to_owned()).json(body)?;
        self.send_checking(call, || self.find_external_key(body, same_key)).await
    }

    /// Partial update (`POST`). `geo` and `provider_config` cannot change once a workspace uses it.
    pub async fn update_external_key(&self, id: &str, body: &UpdateExternalKey) -> Result<ExternalKey, PlatformError> {
        self.send(Call::new(Method::POST, item_path(id)?).json(body)?).await
    }

    /// Deletes a configuration no workspace references.
    pub async fn delete_external_key(&self, id: &str) -> Result<DeletedExternalKey, PlatformError> {
        self.send(Call::new(Method::DELETE, item_path(id)?)).await
    }

    /// Asks the platform to round-trip a data key through the customer's KMS (up to ~30 s).
    /// Answers 200 whatever the outcome; look at `status` and `error`.
    pub async fn validate_external_key(&self, id: &str) -> Result<ExternalKeyValidation, PlatformError> {
        self.send(Call::new(Method::POST, format!("{}/validate", item_path(id)?))).await
    }
}
