//! The Admin API's wire types as the emulator serves them, written from the platform's
//! documentation (platform-api.md, sections 1-4; the official SDKs are the authority on names).
//!
//! The emulator owns these on purpose: it must not share request or response types with any
//! client it serves, or a wire mistake made in one place would be made in both and never caught.
//! The official Python SDK is run against the emulator in the tests to keep these honest.
//! Workload Identity Federation's types are in `federation`.

pub mod federation;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// `GET /v1/organizations/me`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    /// The bare organisation UUID (never the `org_` form).
    pub id: String,
    pub name: String,
    #[serde(rename = "type", default = "Organization::object_type")]
    pub object_type: String,
}

impl Organization {
    fn object_type() -> String {
        "organization".into()
    }
}

/// `provider_config`: where the key lives and how Anthropic reaches it, tagged by `type`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum ProviderConfig {
    Aws(AwsKeyConfig),
    Gcp(GcpKeyConfig),
    Azure(AzureKeyConfig),
}

/// `{"type":"aws","kms_arn":..,"region"?:..}`; the deprecated `role_arn` is accepted on input and
/// never stored or served.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwsKeyConfig {
    pub kms_arn: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

/// `{"type":"gcp","key_name":"projects/../cryptoKeys/<key>"}` (no version suffix).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GcpKeyConfig {
    pub key_name: String,
}

/// `{"type":"azure","vault_uri":..,"key_name":..,"tenant_id":..,"client_id"?:..}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AzureKeyConfig {
    pub vault_uri: String,
    pub key_name: String,
    /// The vault's tenant.
    pub tenant_id: String,
    /// Only for a single-tenant app; absent means Anthropic's multi-tenant app.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
}

/// `attachment`: whether any live or archived workspace uses the key configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Attachment {
    Attached,
    Unattached,
}

/// An external key (CMEK key configuration), `type: "external_key"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExternalKey {
    /// `ekey_...`.
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

/// The answer to `DELETE /v1/organizations/external_keys/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeletedExternalKey {
    pub id: String,
    /// `external_key_deleted`.
    #[serde(rename = "type")]
    pub object_type: String,
}

/// `status` of a validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ValidationStatus {
    Success,
    Failure,
}

/// The answer to `POST .../external_keys/{id}/validate`: HTTP 200 whatever the outcome, with a
/// free-text `error` on failure.
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

/// A workspace's `data_residency`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataResidency {
    pub workspace_geo: String,
    pub default_inference_geo: String,
    /// `"unrestricted"` or a list of geos.
    pub allowed_inference_geos: serde_json::Value,
}

/// A workspace, `type: "workspace"`; `external_key_id` is its (write-once) attached key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workspace {
    /// `wrkspc_...`.
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
    /// A UUID: the AWS key policy's `kms:EncryptionContext:anthropic:compartment_uuid`.
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

/// A page of the cursor scheme (external keys): `?limit=&page=` -> `next_page`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CursorPage<T> {
    pub data: Vec<T>,
    #[serde(default)]
    pub next_page: Option<String>,
}

/// A page of the id scheme (workspaces): `?after_id=` / `?before_id=` -> first, last, more.
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
    /// `error`.
    #[serde(rename = "type")]
    pub object_type: String,
    pub error: ErrorDetail,
    #[serde(default)]
    pub request_id: Option<String>,
}

/// The `error` member: its kind (`invalid_request_error`, ...), a sentence, and the stable code
/// that API version 2026-10-21 adds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    #[serde(rename = "type")]
    pub kind: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<ErrorDetails>,
}

/// `error.details`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetails {
    pub error_code: String,
}
