//! Whether a KMS call on a key is allowed: the key policy (plus the RCPs of the key's
//! organisation) evaluated with `cmek_core::policy::aws::eval` for the calling user or session, with the
//! request context AWS would give; and AWS's AccessDenied sentences when it is not.
//!
//! Scope (documented simplification): there is no IAM policy model, so a caller's identity
//! policy is taken to allow; a key-policy grant to the caller's account therefore lets every
//! principal of that account in, and a principal of another account gets only what the key
//! policy grants it. Operations AWS does not allow across accounts are refused to callers of
//! another account whatever the key policy says, as AWS refuses them.

use std::collections::BTreeMap;
use std::net::IpAddr;

use chrono::{DateTime, Utc};

use super::errors::KmsError;
use super::identity::Caller;
use super::state::{AwsState, KeyRecord};
use cmek_core::policy::aws::PolicyDocument;
use cmek_core::policy::aws::eval::{self, Decision, Outcome, PolicySource, Request};

/// Who is calling, from where and when.
#[derive(Debug, Clone, Copy)]
pub(super) struct Requester<'a> {
    pub caller: &'a Caller,
    /// The region of the SigV4 credential scope.
    pub region: &'a str,
    pub now: DateTime<Utc>,
    /// The TCP peer (loopback).
    pub peer: IpAddr,
}

/// AWS's "Cross-account use" of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reach {
    /// Only on keys of the caller's own account (GetKeyPolicy, PutKeyPolicy, EnableKey, ...).
    SameAccount,
    /// Also on keys of other accounts, when the key policy allows (DescribeKey, Encrypt, ...).
    CrossAccount,
}

/// Extra request context for one call, e.g. `kms:EncryptionContext:<k>`.
pub(super) type ExtraContext = BTreeMap<String, Vec<String>>;

/// The request context AWS gives a KMS call on `key` by `who`, plus `extra`.
pub(super) fn request(
    state: &AwsState,
    who: &Requester<'_>,
    key: &KeyRecord,
    action: &str,
    extra: &ExtraContext,
) -> Request {
    let caller = who.caller;
    let mut context: ExtraContext = BTreeMap::new();
    let mut one = |k: &str, v: String| {
        context.insert(k.to_string(), vec![v]);
    };
    one("aws:SourceIp", caller.source_ip(who.peer));
    // The emulator stands for KMS's HTTPS endpoint, which only takes TLS.
    one("aws:SecureTransport", "true".into());
    one("aws:CurrentTime", who.now.format("%Y-%m-%dT%H:%M:%SZ").to_string());
    one("aws:EpochTime", who.now.timestamp().to_string());
    one("aws:PrincipalType", caller.principal_type().into());
    one("aws:userid", caller.user_id.clone());
    one("aws:RequestedRegion", who.region.into());
    one("aws:ViaAWSService", "false".into());
    one("kms:KeySpec", key.key_spec.clone());
    one("kms:KeyUsage", key.key_usage.clone());
    one("kms:KeyOrigin", key.origin.clone());
    one("kms:MultiRegion", key.multi_region.to_string());
    if let Some(name) = &caller.username {
        one("aws:username", name.clone());
    }
    if let Some(org) = state.organization_of(&caller.account) {
        one("aws:PrincipalOrgID", org.into());
    }
    if let Some(org) = state.organization_of(&key.account) {
        one("aws:ResourceOrgID", org.into());
    }
    let aliases = state.aliases_of(key);
    if !aliases.is_empty() {
        context.insert("kms:ResourceAliases".into(), aliases);
    }
    context.extend(extra.iter().map(|(k, v)| (k.clone(), v.clone())));
    Request {
        principal: caller.principal(),
        action: action.to_string(),
        resource: key.arn(),
        resource_account: key.account.clone(),
        context,
    }
}

/// RCPs belong to the customer's organisation: they apply to keys of its accounts.
fn rcps_apply(state: &AwsState, key: &KeyRecord) -> bool {
    let customer_org = state.organization_of(super::CUSTOMER_ACCOUNT);
    customer_org.is_some() && state.organization_of(&key.account) == customer_org
}

/// The key's policy as the evaluator reads it; a policy that does not parse (only seeding can
/// store one) allows nobody anything.
pub(super) fn key_policy(key: &KeyRecord) -> PolicyDocument {
    PolicyDocument::parse(&key.policy).unwrap_or_else(|_| PolicyDocument::new(Vec::new()))
}

/// Allows the call, or refuses it with AWS's `AccessDeniedException` sentence.
pub(super) fn authorize(
    state: &AwsState,
    who: &Requester<'_>,
    rcps: &[PolicyDocument],
    key: &KeyRecord,
    action: &str,
    reach: Reach,
    extra: &ExtraContext,
) -> Result<(), KmsError> {
    let denied = |because: String| {
        KmsError::new(
            "AccessDeniedException",
            format!(
                "User: {} is not authorized to perform: {action} on resource: {} because {because}",
                who.caller.arn,
                key.arn()
            ),
        )
    };
    if reach == Reach::SameAccount && key.account != who.caller.account {
        return Err(denied(format!("{action} cannot be used on a KMS key in another AWS account")));
    }
    let applicable: &[PolicyDocument] = if rcps_apply(state, key) { rcps } else { &[] };
    let decision = eval::evaluate(&key_policy(key), applicable, &request(state, who, key, action, extra));
    match decision.outcome {
        Outcome::Allowed => Ok(()),
        Outcome::ImplicitlyDenied => Err(denied(format!("no resource-based policy allows the {action} action"))),
        Outcome::ExplicitlyDenied => Err(denied(explicit_deny_source(&decision).to_string())),
    }
}

fn explicit_deny_source(decision: &Decision) -> &'static str {
    if decision.deciding.iter().any(|d| d.policy == PolicySource::KeyPolicy) {
        "with an explicit deny in a resource-based policy"
    } else {
        "with an explicit deny in a resource control policy"
    }
}

/// `kms:EncryptionContext:<k>` for each pair and `kms:EncryptionContextKeys`, as KMS sets them.
pub(super) fn encryption_context_keys(context: &BTreeMap<String, String>) -> ExtraContext {
    let mut extra: ExtraContext = BTreeMap::new();
    if !context.is_empty() {
        extra.insert("kms:EncryptionContextKeys".into(), context.keys().cloned().collect());
    }
    for (k, v) in context {
        extra.insert(format!("kms:EncryptionContext:{k}"), vec![v.clone()]);
    }
    extra
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::ops_keys::test_key;
    use crate::aws::{ANTHROPIC_ACCOUNT, CUSTOMER_ACCOUNT};
    use cmek_core::policy::aws::anthropic;

    fn caller(arn: &str, account: &str, role_arn: Option<&str>) -> Caller {
        Caller {
            arn: arn.into(),
            account: account.into(),
            user_id: "AROAEXAMPLE:s".into(),
            role_arn: role_arn.map(str::to_string),
            username: None,
        }
    }

    fn anthropic_session() -> Caller {
        caller(
            "arn:aws:sts::915198916910:assumed-role/anthropic-cmek-client-us/cmek-validation",
            ANTHROPIC_ACCOUNT,
            Some("arn:aws:iam::915198916910:role/anthropic-cmek-client-us"),
        )
    }

    fn policy(statements: &str) -> String {
        format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#)
    }

    const ROOT: &str =
        r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}"#;

    fn check(
        key_policy: &str,
        who: &Caller,
        action: &str,
        extra: &ExtraContext,
        rcps: &[PolicyDocument],
    ) -> Result<(), KmsError> {
        let state = AwsState::seeded();
        let mut key = test_key(CUSTOMER_ACCOUNT, "us-east-2");
        key.policy = key_policy.to_string();
        let requester =
            Requester { caller: who, region: "us-east-2", now: Utc::now(), peer: "127.0.0.1".parse().unwrap() };
        authorize(&state, &requester, rcps, &key, action, Reach::CrossAccount, extra)
    }

    #[test]
    fn the_account_root_grant_covers_same_account_callers_only() {
        let admin = caller("arn:aws:iam::111122223333:user/sandbox-admin", CUSTOMER_ACCOUNT, None);
        assert!(check(&policy(ROOT), &admin, "kms:Encrypt", &ExtraContext::new(), &[]).is_ok());
        let e = check(&policy(ROOT), &anthropic_session(), "kms:Encrypt", &ExtraContext::new(), &[]).unwrap_err();
        assert_eq!(e.code, "AccessDeniedException");
        assert!(
            e.message.starts_with(
                "User: arn:aws:sts::915198916910:assumed-role/anthropic-cmek-client-us/cmek-validation is not authorized \
                 to perform: kms:Encrypt on resource: arn:aws:kms:us-east-2:111122223333:key/"
            ) && e.message.ends_with("because no resource-based policy allows the kms:Encrypt action"),
            "{}",
            e.message
        );
    }

    #[test]
    fn context_conditions_see_the_encryption_context() {
        let grant = r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::915198916910:role/anthropic-cmek-client-us"},
            "Action":"kms:Encrypt","Resource":"*",
            "Condition":{"StringEquals":{"kms:EncryptionContext:anthropic:org_uuid":"org-1"},
                         "IpAddress":{"aws:SourceIp":"160.79.104.0/21"}}}"#;
        let p = policy(&format!("{ROOT},{grant}"));
        let right = encryption_context_keys(&anthropic::encryption_context("org-1", None));
        let wrong = encryption_context_keys(&anthropic::encryption_context("org-2", None));
        assert!(check(&p, &anthropic_session(), "kms:Encrypt", &right, &[]).is_ok());
        assert!(check(&p, &anthropic_session(), "kms:Encrypt", &wrong, &[]).is_err());
    }

    #[test]
    fn explicit_denies_name_their_policy() {
        let deny = r#"{"Effect":"Deny","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-customer1234"}}}"#;
        let allow_all = r#"{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:*","Resource":"*"}"#;
        let e = check(
            &policy(&format!("{allow_all},{deny}")),
            &anthropic_session(),
            "kms:Encrypt",
            &ExtraContext::new(),
            &[],
        )
        .unwrap_err();
        assert!(e.message.ends_with("with an explicit deny in a resource-based policy"), "{}", e.message);
        let rcp = PolicyDocument::parse(&policy(deny)).unwrap();
        let e = check(
            &policy(allow_all),
            &anthropic_session(),
            "kms:Encrypt",
            &ExtraContext::new(),
            std::slice::from_ref(&rcp),
        )
        .unwrap_err();
        assert!(e.message.ends_with("with an explicit deny in a resource control policy"), "{}", e.message);
        let admin = caller("arn:aws:iam::111122223333:user/sandbox-admin", CUSTOMER_ACCOUNT, None);
        assert!(check(&policy(allow_all), &admin, "kms:Encrypt", &ExtraContext::new(), &[rcp]).is_ok());
    }

    #[test]
    fn a_policy_that_does_not_parse_allows_nothing() {
        let admin = caller("arn:aws:iam::111122223333:user/sandbox-admin", CUSTOMER_ACCOUNT, None);
        assert!(check("{not json", &admin, "kms:DescribeKey", &ExtraContext::new(), &[]).is_err());
    }
}
