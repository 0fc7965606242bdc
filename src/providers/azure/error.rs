//! `AzureError`: what an Azure call (ARM, Graph, Key Vault, Entra) failed with, reduced to plain
//! data with a next step. No SDK or reqwest type leaves this folder through it; messages come
//! from Azure or the transport and never carry tokens.

use std::fmt;

/// Why the caller was refused, when Azure says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ForbiddenBy {
    /// Azure RBAC (or the vault's access policies) does not grant the action.
    Rbac,
    /// The vault firewall (`networkAcls`) does not admit the caller's address.
    Firewall,
    /// `publicNetworkAccess` is Disabled (private endpoints only).
    Connection,
    /// Microsoft Graph wants a directory role (consent: Application Administrator).
    DirectoryRole,
    /// An Azure Policy assignment with effect Deny refuses the resource as the write leaves it
    /// (`RequestDisallowedByPolicy`; the message names the assignment).
    AzurePolicy,
    /// Refused without a reason we recognise.
    Unspecified,
}

/// What kind of failure, coarse enough for callers to decide on exit codes and hints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AzureErrorKind {
    NotFound,
    Forbidden(ForbiddenBy),
    /// No usable credential, or a token Azure refused.
    Unauthenticated,
    InvalidInput,
    Conflict,
    Throttled,
    Network,
    Other,
}

/// A failed Azure call: the operation, Azure's error code, its message and the request id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AzureError {
    pub kind: AzureErrorKind,
    /// What we were doing, e.g. `arm:vaults/read`, `graph:servicePrincipals/create`, `keyvault:keys/get`.
    pub operation: &'static str,
    /// Azure's error code (inner code for Key Vault, e.g. `ForbiddenByRbac`); `None` when Azure never answered.
    pub code: Option<String>,
    pub message: String,
    /// `x-ms-request-id` (or Graph's `request-id`), for Azure support.
    pub request_id: Option<String>,
    /// The HTTP status of Azure's answer; `None` when Azure never answered.
    pub status: Option<u16>,
    /// The wait Azure asked for (`Retry-After`, `x-ms-retry-after-ms`), when it is one the retry
    /// policy honours.
    pub retry_after: Option<std::time::Duration>,
}

impl AzureError {
    pub(crate) fn new(kind: AzureErrorKind, operation: &'static str, message: impl Into<String>) -> Self {
        Self { kind, operation, code: None, message: message.into(), request_id: None, status: None, retry_after: None }
    }

    /// Whether another attempt may succeed: throttling, a timeout or 5xx answer (408, 429, 500,
    /// 502, 503, 504, as the Azure SDKs decide), or no answer at all.
    pub fn is_transient(&self) -> bool {
        matches!(self.kind, AzureErrorKind::Throttled | AzureErrorKind::Network)
            || self.status.is_some_and(|s| matches!(s, 408 | 429 | 500 | 502 | 503 | 504))
    }

    /// Authentication or authorisation failed.
    pub fn is_auth(&self) -> bool {
        matches!(self.kind, AzureErrorKind::Forbidden(_) | AzureErrorKind::Unauthenticated)
    }

    /// What the user can do next.
    pub fn next_step(&self) -> Option<String> {
        let step = match self.kind {
            AzureErrorKind::Unauthenticated => "sign in to Azure for this shell (`az login`, or set AZURE_TENANT_ID, \
                AZURE_CLIENT_ID and AZURE_CLIENT_SECRET, or run with a managed or workload identity), then check \
                with `az account show`"
                .to_string(),
            AzureErrorKind::Forbidden(ForbiddenBy::Rbac) => format!(
                "the signed-in identity needs a role allowing `{}` at this scope (e.g. Key Vault Administrator on the \
                 vault, Owner or User Access Administrator to assign roles); a new role assignment can take a few \
                 minutes to take effect",
                self.operation
            ),
            AzureErrorKind::Forbidden(ForbiddenBy::Firewall) => "the vault firewall does not admit this machine's \
                address: add it (and Anthropic's 160.79.104.0/21) to the vault's networkAcls ipRules, \
                e.g. `az keyvault network-rule add --name <vault> --ip-address <your ip>`"
                .to_string(),
            AzureErrorKind::Forbidden(ForbiddenBy::Connection) => "the vault's public network access is Disabled; \
                Anthropic calls the public endpoint: `az keyvault update --name <vault> --public-network-access \
                Enabled`, with a firewall rule for 160.79.104.0/21"
                .to_string(),
            AzureErrorKind::Forbidden(ForbiddenBy::DirectoryRole) => format!(
                "consenting Anthropic's app needs the Application Administrator or Cloud Application Administrator \
                 directory role: ask an admin holding one to run `az ad sp create --id {}`, or to grant you the role",
                cmek_core::identities::published().azure.app_client_id
            ),
            AzureErrorKind::Forbidden(ForbiddenBy::AzurePolicy) => "an Azure Policy assignment refuses this change \
                (AZ-16; the message names it): exempt the vault from it with `az policy exemption create --name \
                cmek-anthropic --policy-assignment <assignment id> --exemption-category Waiver --scope <vault id> \
                --description \"Claude Platform CMEK: Anthropic calls Key Vault's public endpoint from \
                160.79.104.0/21\"` (or ask the policy's owner to), then re-run; `cmek doctor --provider azure` names it"
                .to_string(),
            AzureErrorKind::Forbidden(ForbiddenBy::Unspecified) => {
                format!("the signed-in identity is not allowed to `{}`: check its roles", self.operation)
            }
            AzureErrorKind::NotFound => {
                "check the subscription, resource group, vault and key names (and that the vault is not soft-deleted)"
                    .to_string()
            }
            AzureErrorKind::Conflict => "the resource already exists or is being changed: look it up and retry".into(),
            AzureErrorKind::Throttled => "Azure is throttling these calls: wait a minute and retry".to_string(),
            AzureErrorKind::Network => "check the network path to Azure (proxy, DNS, TLS inspection) and retry".into(),
            AzureErrorKind::InvalidInput | AzureErrorKind::Other => return None,
        };
        Some(step)
    }
}

impl fmt::Display for AzureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed", self.operation)?;
        if let Some(code) = &self.code {
            write!(f, " ({code})")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(id) = &self.request_id {
            write!(f, " [request id {id}]")?;
        }
        Ok(())
    }
}

impl std::error::Error for AzureError {}

impl crate::retry::RemoteError for AzureError {
    fn transient(&self) -> Option<Option<std::time::Duration>> {
        self.is_transient().then_some(self.retry_after)
    }

    fn noted(mut self, note: &str) -> Self {
        self.message = format!("{} ({note})", self.message);
        self
    }
}

/// The wait an answer's headers ask for (`x-ms-retry-after-ms`, `retry-after-ms`, `Retry-After`),
/// when the retry policy honours it. `header` reads one header by name.
pub(crate) fn retry_after(header: impl Fn(&str) -> Option<String>) -> Option<std::time::Duration> {
    let ms = header("x-ms-retry-after-ms").or_else(|| header("retry-after-ms"));
    cmek_core::retry::RetryPolicy::STANDARD.server_requested_wait(
        ms.as_deref(),
        header("retry-after").as_deref(),
        std::time::SystemTime::now(),
    )
}

/// The kind an HTTP status and Azure error code mean, shared by ARM, Graph and Key Vault.
pub(crate) fn kind_of(status: u16, code: Option<&str>) -> AzureErrorKind {
    let code = code.unwrap_or_default();
    match code {
        "ForbiddenByRbac" | "AuthorizationFailed" | "ForbiddenByPolicy" => {
            return AzureErrorKind::Forbidden(ForbiddenBy::Rbac);
        }
        "ForbiddenByFirewall" => return AzureErrorKind::Forbidden(ForbiddenBy::Firewall),
        "ForbiddenByConnection" => return AzureErrorKind::Forbidden(ForbiddenBy::Connection),
        "Authorization_RequestDenied" => return AzureErrorKind::Forbidden(ForbiddenBy::DirectoryRole),
        "RequestDisallowedByPolicy" => return AzureErrorKind::Forbidden(ForbiddenBy::AzurePolicy),
        "RoleAssignmentExists" => return AzureErrorKind::Conflict,
        "PrincipalNotFound" => return AzureErrorKind::InvalidInput,
        _ => {}
    }
    match status {
        401 => AzureErrorKind::Unauthenticated,
        403 => AzureErrorKind::Forbidden(ForbiddenBy::Unspecified),
        404 => AzureErrorKind::NotFound,
        409 => AzureErrorKind::Conflict,
        429 => AzureErrorKind::Throttled,
        400 | 405 | 413 | 422 => AzureErrorKind::InvalidInput,
        _ => AzureErrorKind::Other,
    }
}

/// Reads `{"error":{"code","message","innererror":{"code"}}}` (ARM, Graph and Key Vault bodies);
/// the inner code wins because it is the specific one (`ForbiddenByRbac`).
pub(crate) fn parse_error_body(body: &str) -> (Option<String>, Option<String>) {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(body) else { return (None, None) };
    let error = &value["error"];
    let inner = error["innererror"]["code"].as_str().or_else(|| error["innerError"]["code"].as_str());
    let code = inner.or_else(|| error["code"].as_str()).map(str::to_string);
    let message = error["message"].as_str().map(str::to_string);
    (code, message)
}

/// The edge error: the exit kind from what Azure refused, the next step as a hint.
impl From<AzureError> for crate::error::Error {
    fn from(e: AzureError) -> Self {
        use crate::error::{Error, ErrorKind};
        let kind = match e.kind {
            _ if e.is_auth() => ErrorKind::Auth,
            AzureErrorKind::InvalidInput | AzureErrorKind::NotFound => ErrorKind::Usage,
            _ => ErrorKind::Remote,
        };
        // Display names the operation, Azure's code, its message and the request id.
        let err = Error::new(kind, format!("Azure: {e}"));
        match e.next_step() {
            Some(h) => err.with_hint(h),
            None => err,
        }
    }
}

#[cfg(test)]
mod edge_error_tests {
    use super::*;
    use crate::error::{Error, ErrorKind};

    fn azure(kind: AzureErrorKind, code: &str) -> AzureError {
        AzureError {
            kind,
            operation: "keyvault:keys/get",
            code: Some(code.into()),
            message: "refused".into(),
            request_id: None,
            status: None,
            retry_after: None,
        }
    }

    #[test]
    fn azure_errors_map_to_exit_kinds_with_the_operation_code_and_next_step() {
        let e = Error::from(azure(AzureErrorKind::Forbidden(ForbiddenBy::Rbac), "ForbiddenByRbac"));
        assert_eq!(e.kind, ErrorKind::Auth);
        assert!(e.message.contains("keyvault:keys/get") && e.message.contains("ForbiddenByRbac"), "{e}");
        assert!(!e.hints.is_empty());
        assert_eq!(Error::from(azure(AzureErrorKind::Unauthenticated, "x")).kind, ErrorKind::Auth);
        assert_eq!(Error::from(azure(AzureErrorKind::NotFound, "VaultNotFound")).kind, ErrorKind::Usage);
        assert_eq!(Error::from(azure(AzureErrorKind::InvalidInput, "BadParameter")).kind, ErrorKind::Usage);
        assert_eq!(Error::from(azure(AzureErrorKind::Throttled, "TooMany")).kind, ErrorKind::Remote);
        assert_eq!(Error::from(azure(AzureErrorKind::Other, "x")).hints.len(), 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_map_to_kinds_with_steps() {
        assert_eq!(kind_of(403, Some("ForbiddenByFirewall")), AzureErrorKind::Forbidden(ForbiddenBy::Firewall));
        assert_eq!(
            kind_of(403, Some("Authorization_RequestDenied")),
            AzureErrorKind::Forbidden(ForbiddenBy::DirectoryRole)
        );
        assert_eq!(kind_of(404, None), AzureErrorKind::NotFound);
        assert_eq!(kind_of(409, Some("RoleAssignmentExists")), AzureErrorKind::Conflict);
        let e = AzureError::new(AzureErrorKind::Forbidden(ForbiddenBy::DirectoryRole), "graph:x", "no");
        assert!(e.next_step().unwrap().contains("Cloud Application Administrator"));
        assert!(e.is_auth());
    }

    #[test]
    fn a_policy_refusal_points_at_an_exemption() {
        let kind = kind_of(403, Some("RequestDisallowedByPolicy"));
        assert_eq!(kind, AzureErrorKind::Forbidden(ForbiddenBy::AzurePolicy));
        let e = AzureError::new(kind, "arm:vaults/write", "Resource 'v' was disallowed by policy.");
        let step = e.next_step().unwrap();
        assert!(step.contains("az policy exemption create") && step.contains("AZ-16"), "{step}");
    }

    #[test]
    fn error_body_prefers_the_inner_code() {
        let body = r#"{"error":{"code":"Forbidden","message":"m","innererror":{"code":"ForbiddenByRbac"}}}"#;
        assert_eq!(parse_error_body(body), (Some("ForbiddenByRbac".into()), Some("m".into())));
        assert_eq!(parse_error_body("not json"), (None, None));
    }
}
