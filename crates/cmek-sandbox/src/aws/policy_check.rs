//! What KMS checks in a key policy on CreateKey and PutKeyPolicy: size and characters, JSON and
//! structure, Effect, principals (their form, and that the IAM users and roles they name exist),
//! actions, Resource, condition operators, unique Sids, and the lockout safety check (the caller
//! must stay able to call PutKeyPolicy).
//!
//! Principals that name nobody: IAM turns every principal of a resource policy into the unique id
//! of what it names, so a role or user that does not exist (the classic typo is Anthropic's role
//! without its `-us`) makes KMS refuse the whole policy. The emulator checks this for the accounts
//! whose IAM it models (the customer's and Anthropic's: those with seeded users or roles). An
//! account it does not model is taken to exist with whatever roles and users are named, and any
//! 12-digit account's `:root` (or bare id) is accepted: AWS verifies that the account exists, the
//! sandbox cannot. Role session ARNs (`arn:aws:sts::...:assumed-role/...`), service principals and
//! `*` are not looked up.
//!
//! Messages: "Policy contains a statement with one or more invalid principals." and "The new key
//! policy will not allow you to update the key policy in the future." are AWS's verbatim; the
//! others follow IAM's policy-grammar wording, with the offending value named.

use super::authorize::{self, ExtraContext, Requester};
use super::errors::KmsError;
use super::state::{AwsState, KeyRecord};
use cmek_core::policy::aws::eval;
use cmek_core::policy::aws::{PolicyDocument, PolicyError, PrincipalElement, PrincipalKind, Principals};

/// The key policy size quota.
const MAX_POLICY_BYTES: usize = 32_768;
const INVALID_PRINCIPALS: &str = "Policy contains a statement with one or more invalid principals.";
pub(super) const LOCKOUT: &str = "The new key policy will not allow you to update the key policy in the future.";

/// The policy text as KMS accepts it, parsed; otherwise the error KMS answers with.
pub(super) fn validate(state: &AwsState, text: &str) -> Result<PolicyDocument, KmsError> {
    if text.is_empty() {
        return Err(KmsError::constraint("", "policy", "Member must have length greater than or equal to 1"));
    }
    if text.len() > MAX_POLICY_BYTES {
        return Err(KmsError::new(
            "LimitExceededException",
            format!("The key policy is {} bytes; the quota is {MAX_POLICY_BYTES} bytes.", text.len()),
        ));
    }
    if let Some(c) = text.chars().find(|c| !matches!(*c, '\t' | '\n' | '\r' | '\u{20}'..='\u{ff}')) {
        return Err(KmsError::constraint(
            &format!("U+{:04X}", u32::from(c)),
            "policy",
            "Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+",
        ));
    }
    let doc = PolicyDocument::parse(text).map_err(|e| KmsError::malformed_policy(parse_message(&e)))?;
    if let Some(version) = doc.version.as_deref().filter(|v| !matches!(*v, "2012-10-17" | "2008-10-17")) {
        return Err(KmsError::malformed_policy(format!("The policy Version '{version}' is not valid.")));
    }
    if doc.statements().is_empty() {
        return Err(KmsError::malformed_policy("Policy must contain at least one statement."));
    }
    let mut sids = Vec::new();
    for s in doc.statements() {
        if let Some(sid) = &s.sid {
            if sids.contains(&sid) {
                return Err(KmsError::malformed_policy("Statement IDs (SID) in a single policy must be unique."));
            }
            sids.push(sid);
        }
        let principals = match &s.principal {
            None => return Err(KmsError::malformed_policy("Policy contains a statement with no principal.")),
            Some(PrincipalElement::Principal(p) | PrincipalElement::NotPrincipal(p)) => p,
        };
        if !principals_valid(principals) || !principals_exist(state, principals) {
            return Err(KmsError::malformed_policy(INVALID_PRINCIPALS));
        }
        if let Some(action) = s.action.values().iter().find(|a| !action_valid(a)) {
            return Err(KmsError::malformed_policy(format!(
                "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc. Found '{action}'."
            )));
        }
        if s.resource.is_none() {
            return Err(KmsError::malformed_policy("Policy contains a statement with no Resource element."));
        }
        if let Some(op) = s.condition.as_ref().and_then(|c| c.unknown_operators().next()) {
            return Err(KmsError::malformed_policy(format!("Invalid Condition type : {op}.")));
        }
    }
    Ok(doc)
}

/// A parse failure as KMS reports it.
fn parse_message(e: &PolicyError) -> String {
    match e {
        PolicyError::Json { .. } => "Syntax errors in policy.".to_string(),
        PolicyError::Invalid { path, found, .. } if path.ends_with(".Effect") => {
            format!("Invalid effect: {found}. A statement's Effect must be Allow or Deny.")
        }
        PolicyError::Invalid { path, found, .. } if path.contains("Principal") => {
            format!("{INVALID_PRINCIPALS} ({path}: {found})")
        }
        PolicyError::Invalid { path, problem, found } => {
            format!("Syntax errors in policy: {path}: {problem}; found {found}.")
        }
    }
}

fn principals_valid(principals: &Principals) -> bool {
    match principals {
        Principals::Everyone => true,
        Principals::Typed(entries) => entries.iter().all(|entry| {
            !entry.values.is_empty()
                && entry.values.iter().all(|v| match entry.kind {
                    PrincipalKind::Aws => aws_principal_valid(v),
                    PrincipalKind::Service => service_valid(v),
                    PrincipalKind::Federated => federated_valid(v),
                    PrincipalKind::CanonicalUser => v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()),
                })
        }),
    }
}

/// Every IAM role and user named (in the `aws` partition, in an account whose IAM the emulator
/// models) exists there. Names match as IAM matches them: case-insensitively, path included.
fn principals_exist(state: &AwsState, principals: &Principals) -> bool {
    match principals {
        Principals::Everyone => true,
        Principals::Typed(entries) => entries
            .iter()
            .filter(|entry| entry.kind == PrincipalKind::Aws)
            .all(|entry| entry.values.iter().all(|v| iam_principal_exists(state, v))),
    }
}

/// Whether the account's IAM is modelled here (it has seeded users or roles): only there can the
/// emulator tell that a role or user does not exist.
fn models_iam_of(state: &AwsState, account: &str) -> bool {
    state.users.iter().any(|u| u.account == account) || state.roles.iter().any(|r| r.account == account)
}

fn iam_principal_exists(state: &AwsState, v: &str) -> bool {
    let parts: Vec<&str> = v.splitn(6, ':').collect();
    let ["arn", "aws", "iam", "", account, resource] = parts.as_slice() else { return true };
    if !models_iam_of(state, account) {
        return true;
    }
    if let Some(name) = resource.strip_prefix("role/") {
        return state.roles.iter().any(|r| r.account == *account && r.name.eq_ignore_ascii_case(name));
    }
    if let Some(name) = resource.strip_prefix("user/") {
        return state.users.iter().any(|u| u.account == *account && u.name.eq_ignore_ascii_case(name));
    }
    true
}

fn is_account_id(v: &str) -> bool {
    v.len() == 12 && v.bytes().all(|b| b.is_ascii_digit())
}

fn name_chars_valid(v: &str) -> bool {
    !v.is_empty() && v.chars().all(|c| c.is_ascii_alphanumeric() || "+=,.@_-/".contains(c))
}

/// `*`, a 12-digit account, or the ARN of an account root, IAM user or role, or STS session.
/// Wildcards inside an ARN are not allowed (AWS: not in the part that names the resource).
pub(super) fn aws_principal_valid(v: &str) -> bool {
    if v == "*" || is_account_id(v) {
        return true;
    }
    let parts: Vec<&str> = v.splitn(6, ':').collect();
    let ["arn", partition, service, "", account, resource] = parts.as_slice() else { return false };
    if !matches!(*partition, "aws" | "aws-cn" | "aws-us-gov") || !is_account_id(account) {
        return false;
    }
    match *service {
        "iam" => {
            *resource == "root"
                || ["user/", "role/"].iter().any(|p| {
                    resource.strip_prefix(p).is_some_and(|rest| name_chars_valid(rest) && !rest.ends_with('/'))
                })
        }
        "sts" => match resource.split('/').collect::<Vec<_>>().as_slice() {
            ["assumed-role", role, session] => name_chars_valid(role) && name_chars_valid(session),
            ["federated-user", name] => name_chars_valid(name),
            _ => false,
        },
        _ => false,
    }
}

/// An AWS service principal such as `aws-external-anthropic.amazonaws.com`.
fn service_valid(v: &str) -> bool {
    let host_like =
        !v.is_empty() && v.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-.".contains(&b));
    host_like && (v.ends_with(".amazonaws.com") || v.ends_with(".amazonaws.com.cn")) && !v.starts_with('.')
}

fn federated_valid(v: &str) -> bool {
    if matches!(v, "cognito-identity.amazonaws.com" | "accounts.google.com" | "graph.facebook.com" | "www.amazon.com") {
        return true;
    }
    let parts: Vec<&str> = v.splitn(6, ':').collect();
    matches!(parts.as_slice(), ["arn", "aws", "iam", "", account, resource]
        if is_account_id(account) && (resource.starts_with("saml-provider/") || resource.starts_with("oidc-provider/")))
}

/// `*`, or `<vendor>:<action pattern>`.
fn action_valid(action: &str) -> bool {
    if action == "*" {
        return true;
    }
    match action.split_once(':') {
        Some((vendor, name)) => {
            !vendor.is_empty()
                && vendor.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !name.is_empty()
                && !name.contains(':')
        }
        None => false,
    }
}

/// The lockout safety check: the new policy must let the caller call PutKeyPolicy on the key.
pub(super) fn check_lockout(
    state: &AwsState,
    who: &Requester<'_>,
    key: &KeyRecord,
    policy: &PolicyDocument,
) -> Result<(), KmsError> {
    let request = authorize::request(state, who, key, "kms:PutKeyPolicy", &ExtraContext::new());
    if eval::evaluate(policy, &[], &request).is_allowed() { Ok(()) } else { Err(KmsError::malformed_policy(LOCKOUT)) }
}

/// The policy KMS gives a key created without one.
pub(super) fn default_policy(account: &str) -> String {
    format!(
        "{{\n  \"Version\" : \"2012-10-17\",\n  \"Id\" : \"key-default-1\",\n  \"Statement\" : [ {{\n    \"Sid\" : \
         \"Enable IAM User Permissions\",\n    \"Effect\" : \"Allow\",\n    \"Principal\" : {{\n      \"AWS\" : \
         \"arn:aws:iam::{account}:root\"\n    }},\n    \"Action\" : \"kms:*\",\n    \"Resource\" : \"*\"\n  }} ]\n}}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_statement(statement: &str) -> String {
        format!(r#"{{"Version":"2012-10-17","Statement":[{statement}]}}"#)
    }

    const GOOD: &str = r#"{"Sid":"A","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}"#;

    fn check(text: &str) -> Result<PolicyDocument, KmsError> {
        validate(&AwsState::seeded(), text)
    }

    fn message(text: &str) -> String {
        let e = check(text).unwrap_err();
        assert_eq!(e.code, "MalformedPolicyDocumentException", "{text}: {e:?}");
        e.message
    }

    #[test]
    fn good_policies_pass() {
        assert!(check(&with_statement(GOOD)).is_ok());
        assert!(check(&default_policy("111122223333")).is_ok());
        for fixture in [
            "correct.json",
            "console-wizard.json",
            "customer-statements.json",
            "not-principal-deny.json",
            "old-anthropic.json",
        ] {
            assert!(check(cmek_core::policy::aws::test_fixtures::fixture_text(fixture)).is_ok(), "{fixture}");
        }
    }

    #[test]
    fn each_kind_of_malformed_policy_is_refused_with_its_message() {
        assert_eq!(message("{not json"), "Syntax errors in policy.");
        assert_eq!(
            message("[]"),
            "Syntax errors in policy: the policy document: a policy must be a JSON object with a Statement; found []."
        );
        assert!(
            message(&with_statement(&GOOD.replace("\"Allow\"", "\"Permit\"")))
                .starts_with("Invalid effect: \"Permit\"")
        );
        for bad in [
            "arn:aws:iam::1111:root",
            "arn:aws:iam::111122223333:group/admins",
            "AIDACKCEVSQ6C2EXAMPLE",
            "arn:aws:iam::111122223333:role/*",
            "arn:aws:s3:::bucket",
            "arn:aws:iam::111122223333:user/",
        ] {
            let text = with_statement(&GOOD.replace("arn:aws:iam::111122223333:root", bad));
            assert_eq!(message(&text), INVALID_PRINCIPALS, "{bad}");
        }
        assert_eq!(
            message(&with_statement(
                &GOOD.replace(r#""AWS":"arn:aws:iam::111122223333:root""#, r#""Service":"not a service""#)
            )),
            INVALID_PRINCIPALS
        );
        assert!(message(&with_statement(&GOOD.replace(r#""AWS":"#, r#""Aws":"#))).starts_with(INVALID_PRINCIPALS));
        assert_eq!(
            message(&with_statement(&GOOD.replace(r#""Principal":{"AWS":"arn:aws:iam::111122223333:root"},"#, ""))),
            "Policy contains a statement with no principal."
        );
        assert_eq!(
            message(&with_statement(&GOOD.replace(r#","Resource":"*""#, ""))),
            "Policy contains a statement with no Resource element."
        );
        let op = GOOD.replace(r#""Resource":"*""#, r#""Resource":"*","Condition":{"StringEqualz":{"a":"b"}}"#);
        assert_eq!(message(&with_statement(&op)), "Invalid Condition type : StringEqualz.");
        assert!(
            message(&with_statement(&GOOD.replace("kms:*", "Encrypt")))
                .starts_with("Actions/Conditions must be prefaced")
        );
        assert_eq!(
            message(&format!(r#"{{"Version":"2012-10-17","Statement":[{GOOD},{GOOD}]}}"#)),
            "Statement IDs (SID) in a single policy must be unique."
        );
        assert!(message(&format!(r#"{{"Version":"2013-01-01","Statement":[{GOOD}]}}"#)).contains("'2013-01-01'"));
        assert_eq!(
            message(r#"{"Version":"2012-10-17","Statement":[]}"#),
            "Policy must contain at least one statement."
        );
    }

    #[test]
    fn size_and_characters_are_checked_first() {
        assert_eq!(check("").unwrap_err().code, "ValidationException");
        assert_eq!(check(&" ".repeat(40_000)).unwrap_err().code, "LimitExceededException");
        assert_eq!(check(&with_statement(&GOOD.replace("A", "\u{263a}"))).unwrap_err().code, "ValidationException");
    }

    #[test]
    fn principal_forms() {
        for ok in [
            "*",
            "111122223333",
            "arn:aws:iam::111122223333:root",
            "arn:aws:iam::111122223333:user/a/b",
            "arn:aws:iam::915198916910:role/anthropic-cmek-client-us",
            "arn:aws:sts::915198916910:assumed-role/r/s",
            "arn:aws-us-gov:iam::111122223333:root",
        ] {
            assert!(aws_principal_valid(ok), "{ok}");
        }
        assert!(service_valid("aws-external-anthropic.amazonaws.com"));
        assert!(!service_valid("amazonaws.com.evil"));
        assert!(federated_valid("arn:aws:iam::111122223333:saml-provider/okta"));
        assert!(!federated_valid("okta"));
    }

    #[test]
    fn roles_and_users_that_do_not_exist_are_invalid_principals() {
        let with = |principal: &str| with_statement(&GOOD.replace("arn:aws:iam::111122223333:root", principal));
        for missing in [
            // The typo customers make in Anthropic's published role.
            "arn:aws:iam::915198916910:role/anthropic-cmek-client",
            "arn:aws:iam::915198916910:role/anthropic-cmek-client-eu",
            "arn:aws:iam::915198916910:role/team/anthropic-cmek-client-us",
            "arn:aws:iam::915198916910:user/nobody",
            "arn:aws:iam::111122223333:role/no-such-role",
            "arn:aws:iam::111122223333:user/mallory",
        ] {
            assert_eq!(message(&with(missing)), INVALID_PRINCIPALS, "{missing}");
        }
        // In a list, one missing principal spoils the statement; NotPrincipal is checked too.
        let list = r#"["arn:aws:iam::111122223333:root","arn:aws:iam::111122223333:role/typo"]"#;
        assert_eq!(
            message(&with_statement(&GOOD.replace(r#""arn:aws:iam::111122223333:root""#, list))),
            INVALID_PRINCIPALS
        );
        let deny = r#"{"Sid":"D","Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:role/typo"},"Action":"kms:*","Resource":"*"}"#;
        assert_eq!(message(&format!(r#"{{"Version":"2012-10-17","Statement":[{GOOD},{deny}]}}"#)), INVALID_PRINCIPALS);

        for exists in [
            "arn:aws:iam::915198916910:role/anthropic-cmek-client-us",
            "arn:aws:iam::915198916910:user/anthropic-platform",
            "arn:aws:iam::111122223333:user/sandbox-admin",
            "arn:aws:iam::111122223333:role/cmek-operator",
            // IAM names are case-insensitive.
            "arn:aws:iam::111122223333:role/CMEK-Operator",
            "arn:aws:iam::111122223333:role/data-pipeline",
            // Any account's root or bare id: the sandbox cannot tell which accounts exist.
            "arn:aws:iam::444455556666:root",
            "444455556666",
            "915198916910",
            // Roles and users of accounts whose IAM the sandbox does not model.
            "arn:aws:iam::444455556666:role/anything",
            "arn:aws:iam::444455556666:user/anyone",
            // Sessions are not looked up.
            "arn:aws:sts::915198916910:assumed-role/anthropic-cmek-client-us/cmek-validation",
            "*",
        ] {
            assert!(check(&with(exists)).is_ok(), "{exists}");
        }
        let service = GOOD.replace(
            r#""AWS":"arn:aws:iam::111122223333:root""#,
            r#""Service":"aws-external-anthropic.amazonaws.com""#,
        );
        assert!(
            check(&format!(r#"{{"Version":"2012-10-17","Statement":[{GOOD},{}]}}"#, service.replace("\"A\"", "\"S\"")))
                .is_ok()
        );
    }
}
