//! The Admin API's wire types (paths and fields exactly as the official SDKs have them).
//!
//! The client's own: the sandbox's platform emulator keeps separate wire types, so a mistake in
//! either shows up as a disagreement between them, and the official Python SDK is run against
//! the emulator in the tests to keep both honest.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// `GET /v1/organizations/me`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    /// The bare organisation UUID (not the `org_` form).
    pub id: String,
    pub name: String,
    #[serde(rename = "type", default = "Organization::object_type")]
    pub object_type: String,
}

impl Organization {
    fn object_type() -> String {
        "organization".into()
    }

    /// Its `id` as the bare UUID key bindings use, or a sentence naming what came back instead.
    pub fn uuid(&self) -> Result<cmek_core::model::OrgUuid, String> {
        self.id.parse().map_err(|e| {
            format!(
                "the platform returned organisation id `{}`, which is not a bare UUID ({e}); check that --base-url / \
                 ANTHROPIC_BASE_URL points at the Claude Platform Admin API",
                self.id
            )
        })
    }
}

/// Where the key lives and how Anthropic reaches it: `{"type": "aws", "kms_arn": ...}`. The
/// fields belong to the cloud (each cloud's folder reads and writes its own); the client carries
/// them as they are.
pub use cmek_core::model::ProviderConfig;

/// Whether any live or archived workspace uses a key configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Attachment {
    Attached,
    Unattached,
}

/// A CMEK key configuration registered with the organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExternalKey {
    pub id: String,
    #[serde(rename = "type", default = "ExternalKey::object_type")]
    pub object_type: String,
    pub attachment: Attachment,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[serde(default)]
    pub display_name: Option<String>,
    pub geo: String,
    pub provider_config: ProviderConfig,
    #[serde(default)]
    pub user_profile_id: Option<String>,
}

impl ExternalKey {
    fn object_type() -> String {
        "external_key".into()
    }
}

/// `POST /v1/organizations/external_keys`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateExternalKey {
    pub provider_config: ProviderConfig,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geo: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_profile_id: Option<String>,
}

/// `POST /v1/organizations/external_keys/{id}` (partial update).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateExternalKey {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geo: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_config: Option<ProviderConfig>,
}

/// `DELETE /v1/organizations/external_keys/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeletedExternalKey {
    pub id: String,
    #[serde(rename = "type")]
    pub object_type: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ValidationStatus {
    Success,
    Failure,
}

/// `POST /v1/organizations/external_keys/{id}/validate`: HTTP 200 whatever the outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExternalKeyValidation {
    #[serde(rename = "type", default = "ExternalKeyValidation::object_type")]
    pub object_type: String,
    pub status: ValidationStatus,
    #[serde(default)]
    pub error: Option<String>,
}

impl ExternalKeyValidation {
    fn object_type() -> String {
        "external_key_validation".into()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataResidency {
    pub workspace_geo: String,
    pub default_inference_geo: String,
    /// `"unrestricted"` or a list of geos.
    pub allowed_inference_geos: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workspace {
    pub id: String,
    #[serde(rename = "type", default = "Workspace::object_type")]
    pub object_type: String,
    pub name: String,
    #[serde(default)]
    pub archived_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub display_color: String,
    pub data_residency: DataResidency,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Kept as text: it is parsed into a `CompartmentId` where it is used, with a clear error.
    pub compartment_id: String,
    #[serde(default)]
    pub external_key_id: Option<String>,
    #[serde(default)]
    pub user_profile_id: Option<String>,
}

impl Workspace {
    fn object_type() -> String {
        "workspace".into()
    }
}

/// `POST /v1/organizations/workspaces`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateWorkspace {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_color: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_key_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_residency: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_profile_id: Option<String>,
}

/// `POST /v1/organizations/workspaces/{id}` (partial update; attach sets `external_key_id`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateWorkspace {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_color: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_key_id: Option<String>,
    /// A `null` value removes a tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, Option<String>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_residency: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_profile_id: Option<String>,
}

/// A page of the cursor scheme (external keys).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CursorPage<T> {
    pub data: Vec<T>,
    #[serde(default)]
    pub next_page: Option<String>,
}

/// A page of the id scheme (workspaces).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdPage<T> {
    pub data: Vec<T>,
    #[serde(default)]
    pub first_id: Option<String>,
    #[serde(default)]
    pub last_id: Option<String>,
    pub has_more: bool,
}

/// `{"type":"error","error":{"type":..,"message":..,"details"?:{"error_code":..}},"request_id":..}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    #[serde(rename = "type")]
    pub object_type: String,
    pub error: ErrorDetail,
    #[serde(default)]
    pub request_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    #[serde(rename = "type")]
    pub kind: String,
    pub message: String,
    /// API version 2026-10-21: `{"error_code": "...", ...}` (other fields depend on the code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<serde_json::Map<String, serde_json::Value>>,
}

impl ExternalKey {
    /// The order registrations of one key are settled in when there are several (two runs that
    /// registered at once): attached first (it is in use), then the oldest, then by id.
    pub fn settle_order(&self) -> (bool, DateTime<Utc>, &str) {
        (!matches!(self.attachment, Attachment::Attached), self.created_at, self.id.as_str())
    }
}

#[cfg(test)]
mod organization_tests {
    use super::Organization;

    #[test]
    fn an_organisation_id_that_is_not_a_bare_uuid_is_named_with_where_to_look() {
        let org = |id: &str| Organization { id: id.into(), name: "Acme".into(), object_type: "organization".into() };
        let uuid = "9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d";
        assert_eq!(org(uuid).uuid().unwrap().to_string(), uuid);
        let why = org("org_9a1b2c3d").uuid().unwrap_err();
        assert!(why.contains("`org_9a1b2c3d`") && why.contains("--base-url"), "{why}");
    }
}
