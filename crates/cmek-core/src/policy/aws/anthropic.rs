//! What Anthropic's validator sends to a KMS key, as evaluator requests: the published role's
//! session, the encryption-context keys Anthropic uses, and the global context keys AWS sets for
//! such a call. One definition shared by the planner (to predict validation) and the sandbox (to
//! emulate it). Pure: no clock; callers that need time keys add them.

use std::collections::BTreeMap;

use super::eval::{Request, RequestPrincipal};
use crate::identities;

/// The encryption-context key that binds a key to the organisation.
pub const ORG_CONTEXT_KEY: &str = "anthropic:org_uuid";
/// The encryption-context key that binds a key to a workspace's compartment.
pub const COMPARTMENT_CONTEXT_KEY: &str = "anthropic:compartment_uuid";
/// The role session name validation calls are made under.
pub const VALIDATION_SESSION: &str = "cmek-validation";

/// An address inside Anthropic's published egress range, as `aws:SourceIp` sees it.
pub fn source_ip() -> String {
    identities::published()
        .egress
        .current
        .first()
        .and_then(|net| net.hosts().next())
        .map(|ip| ip.to_string())
        .unwrap_or_else(|| "160.79.104.1".to_string())
}

/// The encryption context Anthropic sends: the organisation, plus the compartment on attach.
pub fn encryption_context(org: &str, compartment: Option<&str>) -> BTreeMap<String, String> {
    let mut ctx = BTreeMap::from([(ORG_CONTEXT_KEY.to_string(), org.to_string())]);
    if let Some(c) = compartment {
        ctx.insert(COMPARTMENT_CONTEXT_KEY.to_string(), c.to_string());
    }
    ctx
}

/// The principal of every validation call: a session of the published Anthropic role.
pub fn principal() -> RequestPrincipal {
    let ids = identities::published();
    RequestPrincipal::assumed_role_session(&ids.aws.role_arn, VALIDATION_SESSION).unwrap_or(RequestPrincipal::Aws {
        arn: ids.aws.role_arn.clone(),
        account: ids.aws.account_id.clone(),
        role_arn: None,
    })
}

/// One KMS call by Anthropic on `key_arn` (in `key_account`) with `encryption_context`.
pub fn request(
    action: &str,
    key_arn: &str,
    key_account: &str,
    encryption_context: &BTreeMap<String, String>,
) -> Request {
    let mut context: BTreeMap<String, Vec<String>> = BTreeMap::new();
    context.insert("aws:SourceIp".into(), vec![source_ip()]);
    context.insert("aws:SecureTransport".into(), vec!["true".into()]);
    context.insert("aws:PrincipalType".into(), vec!["AssumedRole".into()]);
    context.insert("aws:ViaAWSService".into(), vec!["false".into()]);
    if !encryption_context.is_empty() {
        context.insert("kms:EncryptionContextKeys".into(), encryption_context.keys().cloned().collect());
        context.insert("kms:EncryptionAlgorithm".into(), vec!["SYMMETRIC_DEFAULT".into()]);
    }
    for (k, v) in encryption_context {
        context.insert(format!("kms:EncryptionContext:{k}"), vec![v.clone()]);
    }
    Request {
        principal: principal(),
        action: action.to_string(),
        resource: key_arn.to_string(),
        resource_account: key_account.to_string(),
        context,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_carries_the_context_and_the_published_session() {
        let ctx = encryption_context("o", Some("c"));
        let r = request("kms:Encrypt", "arn:k", "111122223333", &ctx);
        assert_eq!(r.context["kms:EncryptionContext:anthropic:org_uuid"], ["o"]);
        assert_eq!(r.context["kms:EncryptionContext:anthropic:compartment_uuid"], ["c"]);
        assert_eq!(r.context["kms:EncryptionContextKeys"], ["anthropic:compartment_uuid", "anthropic:org_uuid"]);
        assert!(r.context["aws:SourceIp"][0].starts_with("160.79."));
        assert!(matches!(r.principal, RequestPrincipal::Aws { ref arn, .. }
            if arn == "arn:aws:sts::915198916910:assumed-role/anthropic-cmek-client-us/cmek-validation"));
    }
}
