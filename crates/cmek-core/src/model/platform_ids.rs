//! Claude Platform identifiers: workspaces and external key configurations.

use std::fmt;
use std::str::FromStr;

use super::ParseError;

/// A workspace id, `wrkspc_...`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct WorkspaceId(String);

impl WorkspaceId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn is_tagged_id(s: &str, prefix: &str) -> bool {
    s.strip_prefix(prefix)
        .is_some_and(|rest| !rest.is_empty() && rest.len() <= 128 && rest.bytes().all(|b| b.is_ascii_alphanumeric()))
}

impl FromStr for WorkspaceId {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        if is_tagged_id(t, "wrkspc_") {
            Ok(Self(t.to_string()))
        } else {
            Err(ParseError::new("workspace id", s, "expected `wrkspc_` followed by letters and digits"))
        }
    }
}

impl fmt::Display for WorkspaceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How the user names a workspace: its id, or its exact name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum WorkspaceRef {
    Id(WorkspaceId),
    Name(String),
}

impl WorkspaceRef {
    pub fn matches(&self, id: &str, name: &str) -> bool {
        match self {
            WorkspaceRef::Id(w) => w.as_str() == id,
            WorkspaceRef::Name(n) => n == name,
        }
    }
}

impl FromStr for WorkspaceRef {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        if t.starts_with("wrkspc_") {
            return t.parse().map(WorkspaceRef::Id);
        }
        if t.chars().any(crate::text::is_unsafe) {
            return Err(ParseError::new(
                "workspace",
                &crate::text::escape_controls(s),
                "a workspace name has no control characters: give its id (wrkspc_...) instead",
            ));
        }
        let n = t.chars().count();
        if n == 0 || n > 40 {
            return Err(ParseError::new(
                "workspace",
                s,
                "give a workspace id (wrkspc_...) or its exact name (1 to 40 characters)",
            ));
        }
        Ok(WorkspaceRef::Name(t.to_string()))
    }
}

impl fmt::Display for WorkspaceRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WorkspaceRef::Id(i) => write!(f, "{i}"),
            WorkspaceRef::Name(n) => f.write_str(n),
        }
    }
}

/// An external key configuration id: `ekey_...`, or on Claude Platform on AWS a KMS key ARN.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct ExternalKeyId(String);

impl ExternalKeyId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for ExternalKeyId {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        if is_tagged_id(t, "ekey_") || (t.starts_with("arn:") && t.parse::<super::aws::KmsKeyArn>().is_ok()) {
            Ok(Self(t.to_string()))
        } else {
            Err(ParseError::new(
                "external key id",
                s,
                "expected `ekey_...` (or, on Claude Platform on AWS, a KMS key ARN)",
            ))
        }
    }
}

impl fmt::Display for ExternalKeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workspace_refs() {
        assert!(matches!("wrkspc_01abc".parse::<WorkspaceRef>().unwrap(), WorkspaceRef::Id(_)));
        assert!(matches!("production".parse::<WorkspaceRef>().unwrap(), WorkspaceRef::Name(_)));
        assert!("wrkspc_".parse::<WorkspaceRef>().is_err());
        assert!("wrkspc_a/b".parse::<WorkspaceRef>().is_err());
        assert!("".parse::<WorkspaceRef>().is_err());
        assert!("x".repeat(41).parse::<WorkspaceRef>().is_err());
    }

    #[test]
    fn external_key_ids() {
        assert!("ekey_01abc".parse::<ExternalKeyId>().is_ok());
        assert!("key_01abc".parse::<ExternalKeyId>().is_err());
    }
}
