//! The `Principal` / `NotPrincipal` element: `"*"` or a map of principal types to ARNs, ids or names.
//!
//! Only the model lives here (parse and print); deciding whether a caller matches is `eval`'s job.

use serde_json::{Map, Value};

use super::error::{PolicyError, child_path};
use super::values::{OneOrMany, parse_strings, strings_to_json};

/// The kinds of principal a policy can name, spelled as AWS spells the JSON keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PrincipalKind {
    /// `"AWS"`: account ids, account root ARNs, IAM users and roles, assumed-role sessions.
    Aws,
    /// `"Service"`: AWS service principals such as `aws-external-anthropic.amazonaws.com`.
    Service,
    /// `"Federated"`: identity providers (SAML, OIDC, Cognito).
    Federated,
    /// `"CanonicalUser"`: S3 canonical user ids.
    CanonicalUser,
}

impl PrincipalKind {
    pub const ALL: [PrincipalKind; 4] =
        [PrincipalKind::Aws, PrincipalKind::Service, PrincipalKind::Federated, PrincipalKind::CanonicalUser];

    /// The JSON key of this kind inside a `Principal` map.
    pub fn json_key(self) -> &'static str {
        match self {
            PrincipalKind::Aws => "AWS",
            PrincipalKind::Service => "Service",
            PrincipalKind::Federated => "Federated",
            PrincipalKind::CanonicalUser => "CanonicalUser",
        }
    }

    pub fn from_json_key(key: &str) -> Option<PrincipalKind> {
        PrincipalKind::ALL.into_iter().find(|k| k.json_key() == key)
    }
}

/// One `"<kind>": value-or-list` entry of a principal map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrincipalEntry {
    pub kind: PrincipalKind,
    pub values: OneOrMany<String>,
}

/// What a `Principal` or `NotPrincipal` element names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principals {
    /// The bare string `"*"`: every principal, including anonymous ones.
    Everyone,
    /// A map such as `{"AWS": [...], "Service": "..."}`, in the order written.
    Typed(Vec<PrincipalEntry>),
}

impl Principals {
    /// A map with one entry, e.g. `{"AWS": "arn:aws:iam::111122223333:root"}`.
    pub fn one(kind: PrincipalKind, value: impl Into<String>) -> Self {
        Principals::Typed(vec![PrincipalEntry { kind, values: OneOrMany::one(value.into()) }])
    }

    /// Every value written under `kind` (empty for `"*"`).
    pub fn values_of(&self, kind: PrincipalKind) -> impl Iterator<Item = &str> {
        let entries: &[PrincipalEntry] = match self {
            Principals::Everyone => &[],
            Principals::Typed(entries) => entries,
        };
        entries.iter().filter(move |e| e.kind == kind).flat_map(|e| e.values.iter().map(String::as_str))
    }

    pub(crate) fn parse(value: &Value, path: &str) -> Result<Principals, PolicyError> {
        match value {
            Value::String(s) if s == "*" => Ok(Principals::Everyone),
            Value::Object(map) if !map.is_empty() => map
                .iter()
                .map(|(key, v)| {
                    let entry_path = child_path(path, key);
                    let kind = PrincipalKind::from_json_key(key).ok_or_else(|| {
                        PolicyError::invalid(
                            &entry_path,
                            "unknown principal type; expected AWS, Service, Federated or CanonicalUser",
                            &Value::String(key.clone()),
                        )
                    })?;
                    Ok(PrincipalEntry { kind, values: parse_strings(v, &entry_path, "principal")? })
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Principals::Typed),
            other => Err(PolicyError::invalid(
                path,
                "expected \"*\" or a map such as {\"AWS\": \"arn:aws:iam::111122223333:root\"}",
                other,
            )),
        }
    }

    pub(crate) fn to_json(&self) -> Value {
        match self {
            Principals::Everyone => Value::String("*".to_string()),
            Principals::Typed(entries) => {
                let mut map = Map::new();
                for entry in entries {
                    map.insert(entry.kind.json_key().to_string(), strings_to_json(&entry.values));
                }
                Value::Object(map)
            }
        }
    }
}

/// True for `arn:<partition>:iam::<account>:root`, the principal that stands for a whole account.
pub fn is_account_root_arn(value: &str, account: &str) -> bool {
    let parts: Vec<&str> = value.split(':').collect();
    match parts.as_slice() {
        ["arn", partition, "iam", "", acct, "root"] => !partition.is_empty() && !account.is_empty() && *acct == account,
        _ => false,
    }
}

/// The principal element of a statement: `Principal` (who it applies to) or `NotPrincipal` (who it spares).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrincipalElement {
    Principal(Principals),
    NotPrincipal(Principals),
}

impl PrincipalElement {
    pub fn principals(&self) -> &Principals {
        match self {
            PrincipalElement::Principal(p) | PrincipalElement::NotPrincipal(p) => p,
        }
    }

    pub fn is_negated(&self) -> bool {
        matches!(self, PrincipalElement::NotPrincipal(_))
    }

    pub(crate) fn json_key(&self) -> &'static str {
        if self.is_negated() { "NotPrincipal" } else { "Principal" }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_accepted_form_round_trips() {
        for v in [
            json!("*"),
            json!({"AWS": "*"}),
            json!({"AWS": ["111122223333", "arn:aws:iam::111122223333:root"]}),
            json!({"Service": "aws-external-anthropic.amazonaws.com"}),
            json!({"Federated": "cognito-identity.amazonaws.com"}),
            json!({"CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}),
            json!({"Service": ["a.amazonaws.com"], "AWS": "arn:aws:iam::111122223333:role/r"}),
        ] {
            let parsed = Principals::parse(&v, "Principal").unwrap();
            assert_eq!(parsed.to_json(), v);
        }
    }

    #[test]
    fn account_root_arns_in_any_partition() {
        assert!(is_account_root_arn("arn:aws:iam::111122223333:root", "111122223333"));
        assert!(is_account_root_arn("arn:aws-us-gov:iam::111122223333:root", "111122223333"));
        assert!(!is_account_root_arn("arn:aws:iam::111122223333:root", "444455556666"));
        assert!(!is_account_root_arn("arn:aws:iam::111122223333:role/root", "111122223333"));
        assert!(!is_account_root_arn("arn::iam::111122223333:root", "111122223333"));
        assert!(!is_account_root_arn("arn:aws:iam:::root", ""));
    }

    #[test]
    fn unknown_type_and_bad_shapes_name_the_path() {
        let e = Principals::parse(&json!({"Aws": "x"}), "Statement[1].Principal").unwrap_err();
        assert_eq!(e.path(), "Statement[1].Principal.Aws");
        assert!(Principals::parse(&json!("arn:aws:iam::111122223333:root"), "Principal").is_err());
        assert!(Principals::parse(&json!({}), "Principal").is_err());
        assert!(Principals::parse(&json!(null), "Principal").is_err());
    }
}
