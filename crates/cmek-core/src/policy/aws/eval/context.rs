//! The request context as the evaluator sees it: key names without case, plus the keys AWS always sets.

use std::collections::BTreeMap;

use super::{Request, RequestPrincipal};

/// Context keys by lower-cased name (AWS compares condition key names without regard to case,
/// including the `<context-key>` part of `kms:EncryptionContext:<context-key>`).
pub(super) struct Context {
    values: BTreeMap<String, Vec<String>>,
}

impl Context {
    /// The request's keys, plus the keys AWS derives from every authenticated request when the
    /// request does not give them itself: `aws:PrincipalArn` (the ROLE's ARN for an assumed-role
    /// session), `aws:PrincipalAccount`, `kms:CallerAccount`, `aws:PrincipalIsAWSService`,
    /// `aws:PrincipalServiceName` and `aws:ResourceAccount`. Keys that need knowledge the
    /// request does not carry (such as `aws:PrincipalOrgID`) must be given in the context.
    pub(super) fn for_request(req: &Request) -> Context {
        let mut values: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut derive = |key: &str, value: &str| {
            if !value.is_empty() {
                values.insert(key.to_ascii_lowercase(), vec![value.to_string()]);
            }
        };
        match &req.principal {
            RequestPrincipal::Aws { arn, account, role_arn } => {
                derive("aws:PrincipalArn", role_arn.as_deref().unwrap_or(arn));
                derive("aws:PrincipalAccount", account);
                derive("kms:CallerAccount", account);
                derive("aws:PrincipalIsAWSService", "false");
            }
            RequestPrincipal::Service { name } => {
                derive("aws:PrincipalServiceName", name);
                derive("aws:PrincipalIsAWSService", "true");
            }
        }
        derive("aws:ResourceAccount", &req.resource_account);

        // What the request says wins over what was derived; keys differing only in case are one key.
        let mut given: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (key, vals) in &req.context {
            given.entry(key.to_lowercase()).or_default().extend(vals.iter().cloned());
        }
        values.extend(given);
        Context { values }
    }

    /// The key's values; `None` when the key is absent (a key given with no values counts as absent).
    pub(super) fn get(&self, key: &str) -> Option<&[String]> {
        self.values.get(&key.to_lowercase()).map(Vec::as_slice).filter(|v| !v.is_empty())
    }
}
