//! Whether the key policy lets Anthropic's published role make a call, decided by the policy
//! evaluator for the session `assumed-role/anthropic-cmek-client-us/<session>` (account
//! 915198916910), with the request context AWS would see. Pure: no I/O.

use std::collections::BTreeMap;

use cmek_core::identities;
use cmek_core::policy::aws::anthropic;
use cmek_core::policy::aws::eval::{self, Decision, Outcome};
use cmek_core::policy::aws::{Effect, PolicyDocument, PrincipalKind, Principals, Statement};

use super::messages::{self, COMPARTMENT_KEY};

/// The key policy seen from the key's account, asked on behalf of Anthropic's role.
pub struct Access<'a> {
    policy: &'a PolicyDocument,
    arn: &'a str,
    account: &'a str,
    role_arn: String,
}

impl<'a> Access<'a> {
    pub fn new(policy: &'a PolicyDocument, arn: &'a str, account: &'a str) -> Self {
        Self { policy, arn, account, role_arn: identities::published().aws.role_arn.clone() }
    }

    /// The request `policy::anthropic` defines, plus the time keys only a live emulator can know.
    pub fn decide(&self, action: &str, context: &BTreeMap<String, String>) -> Decision {
        let mut request = anthropic::request(action, self.arn, self.account, context);
        let now = chrono::Utc::now();
        request.context.insert("aws:CurrentTime".to_string(), vec![now.format("%Y-%m-%dT%H:%M:%SZ").to_string()]);
        request.context.insert("aws:EpochTime".to_string(), vec![now.timestamp().to_string()]);
        eval::evaluate(self.policy, &[], &request)
    }

    /// A call Anthropic needs: refused -> the `AccessDenied:` sentence.
    pub fn require(&self, action: &str, context: &BTreeMap<String, String>) -> Result<(), String> {
        let decision = self.decide(action, context);
        let why = match decision.outcome {
            Outcome::Allowed => return Ok(()),
            Outcome::ExplicitlyDenied => {
                let labels: Vec<String> = decision.deciding.iter().map(|d| d.label()).collect();
                format!("The key policy explicitly denies it (statement {}).", labels.join(", "))
            }
            Outcome::ImplicitlyDenied => format!(
                "No statement of the key policy allows it to Anthropic's role {}: check the principal, the action and \
                 the encryption-context conditions.",
                self.role_arn
            ),
        };
        Err(messages::access_denied(action, self.arn, context, &why))
    }

    /// A negative probe (wrong organisation): allowed -> the over-permissive sentence.
    pub fn refuse_wrong_org(&self, action: &str, context: &BTreeMap<String, String>, org: &str) -> Result<(), String> {
        if self.decide(action, context).is_allowed() {
            Err(messages::over_permissive_org(action, self.arn, context, org))
        } else {
            Ok(())
        }
    }

    /// A negative probe (wrong compartment): allowed -> the over-permissive sentence.
    pub fn refuse_wrong_compartment(&self, action: &str, context: &BTreeMap<String, String>) -> Result<(), String> {
        if self.decide(action, context).is_allowed() {
            Err(messages::over_permissive_compartment(action, self.arn, context))
        } else {
            Ok(())
        }
    }

    /// Whether the policy pins compartments: an Allow statement that can apply to Anthropic's role
    /// conditions on `kms:EncryptionContext:anthropic:compartment_uuid`.
    pub fn pins_compartments(&self) -> bool {
        let key = format!("kms:EncryptionContext:{COMPARTMENT_KEY}");
        self.policy.statements().iter().any(|s| {
            s.effect == Effect::Allow
                && self.may_name_anthropic(s)
                && s.effective_condition().is_some_and(|c| c.entries().any(|(_, e)| e.key.eq_ignore_ascii_case(&key)))
        })
    }

    /// `Principal` is `*`, the role, Anthropic's account or its root, or the statement uses `NotPrincipal`.
    fn may_name_anthropic(&self, statement: &Statement) -> bool {
        let Some(element) = &statement.principal else { return false };
        if element.is_negated() {
            return true;
        }
        let account = &identities::published().aws.account_id;
        match element.principals() {
            Principals::Everyone => true,
            principals => principals
                .values_of(PrincipalKind::Aws)
                .any(|p| p == "*" || p == self.role_arn || p == account || p == format!("arn:aws:iam::{account}:root")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::validation::messages::ORG_KEY;

    const ARN: &str = "arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const ORG: &str = "5a3c9e7d-2b14-4f6a-9c8e-1d2f3a4b5c6d";
    const COMPARTMENT: &str = "0b7f3c2e-6a1d-4e8f-9b2c-5d4e3f2a1b0c";

    fn policy(compartment_operator: Option<&str>) -> PolicyDocument {
        let role = &identities::published().aws.role_arn;
        let compartment = compartment_operator.map_or(String::new(), |op| {
            format!(r#", "{op}": {{"kms:EncryptionContext:anthropic:compartment_uuid": ["{COMPARTMENT}"]}}"#)
        });
        PolicyDocument::parse(&format!(
            r#"{{"Version":"2012-10-17","Statement":[
              {{"Sid":"AccountRootAdmin","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::111122223333:root"}},"Action":"kms:*","Resource":"*"}},
              {{"Sid":"AllowAnthropicCMEKCrypto","Effect":"Allow","Principal":{{"AWS":"{role}"}},
                "Action":["kms:Encrypt","kms:Decrypt"],"Resource":"*",
                "Condition":{{"StringEquals":{{"kms:EncryptionContext:anthropic:org_uuid":"{ORG}"}}{compartment}}}}},
              {{"Sid":"AllowAnthropicCMEKDescribe","Effect":"Allow","Principal":{{"AWS":"{role}"}},"Action":"kms:DescribeKey","Resource":"*"}}
            ]}}"#
        ))
        .unwrap()
    }

    fn ctx(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn the_recommended_policy_passes_and_pins() {
        let p = policy(Some("StringEqualsIfExists"));
        let access = Access::new(&p, ARN, "111122223333");
        assert!(access.require("kms:DescribeKey", &ctx(&[])).is_ok());
        assert!(access.require("kms:Encrypt", &ctx(&[(ORG_KEY, ORG)])).is_ok());
        assert!(access.require("kms:Decrypt", &ctx(&[(ORG_KEY, ORG), (COMPARTMENT_KEY, COMPARTMENT)])).is_ok());
        assert!(
            access
                .refuse_wrong_org("kms:Encrypt", &ctx(&[(ORG_KEY, "00000000-0000-4000-8000-000000000000")]), ORG)
                .is_ok()
        );
        assert!(access.pins_compartments());
        let wrong = ctx(&[(ORG_KEY, ORG), (COMPARTMENT_KEY, "11111111-1111-4111-8111-111111111111")]);
        assert!(access.refuse_wrong_compartment("kms:Encrypt", &wrong).is_ok());
    }

    #[test]
    fn plain_string_equals_on_compartments_fails_validate_without_compartment() {
        let p = policy(Some("StringEquals"));
        let access = Access::new(&p, ARN, "111122223333");
        let e = access.require("kms:Encrypt", &ctx(&[(ORG_KEY, ORG)])).unwrap_err();
        assert!(
            e.starts_with(&format!(
                "AccessDenied: kms:Encrypt on {ARN} with encryption context anthropic:org_uuid={ORG}."
            )),
            "{e}"
        );
        assert!(access.require("kms:Encrypt", &ctx(&[(ORG_KEY, ORG), (COMPARTMENT_KEY, COMPARTMENT)])).is_ok());
    }

    #[test]
    fn unpinned_policy_has_no_compartment_probe() {
        let p = policy(None);
        let access = Access::new(&p, ARN, "111122223333");
        assert!(!access.pins_compartments());
    }
}
