//! AWS identifiers: account ids, regions, KMS key ids, aliases, ARNs and key references.

use std::fmt;
use std::str::FromStr;

use crate::model::ParseError;

/// A 12-digit AWS account id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct AwsAccountId(String);

impl AwsAccountId {
    /// The account field of an ARN (`arn:aws:kms:us-east-2:111122223333:key/...`, any partition),
    /// when it is exactly 12 digits.
    pub fn of_arn(arn: &str) -> Option<Self> {
        let field = arn.strip_prefix("arn:")?.split(':').nth(3)?;
        field.parse::<Self>().ok().filter(|a| a.0 == field)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The principal that stands for the whole account in a key policy.
    pub fn root_arn(&self) -> String {
        format!("arn:aws:iam::{}:root", self.0)
    }
}

impl FromStr for AwsAccountId {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        if t.len() == 12 && t.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(t.to_string()))
        } else {
            Err(ParseError::new("AWS account id", s, "expected exactly 12 digits, e.g. 111122223333"))
        }
    }
}

impl fmt::Display for AwsAccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An AWS region code such as `us-east-2`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct AwsRegion(String);

impl AwsRegion {
    /// The region the CMEK guide recommends for new keys.
    pub fn recommended() -> Self {
        Self("us-east-2".to_string())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// CMEK is US-only, and only in the commercial partition (not GovCloud).
    pub fn is_supported_for_cmek(&self) -> bool {
        self.0.starts_with("us-") && !self.0.starts_with("us-gov-")
    }
}

impl FromStr for AwsRegion {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let parts: Vec<&str> = t.split('-').collect();
        let ok = parts.len() >= 3
            && parts[0].len() == 2
            && parts[0].bytes().all(|b| b.is_ascii_lowercase())
            && parts[1..parts.len() - 1].iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
            && parts.last().is_some_and(|p| !p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit()));
        if ok {
            Ok(Self(t.to_string()))
        } else {
            Err(ParseError::new("AWS region", s, "expected a region code such as us-east-2"))
        }
    }
}

impl fmt::Display for AwsRegion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A KMS key id: a UUID, or `mrk-` plus 32 hex digits for a multi-Region key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct KmsKeyId(String);

impl KmsKeyId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn is_multi_region(&self) -> bool {
        self.0.starts_with("mrk-")
    }
}

impl FromStr for KmsKeyId {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let ok = if let Some(hex) = t.strip_prefix("mrk-") {
            hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit())
        } else {
            t.len() == 36 && uuid::Uuid::parse_str(t).is_ok()
        };
        if ok {
            Ok(Self(t.to_ascii_lowercase()))
        } else {
            Err(ParseError::new(
                "KMS key id",
                s,
                "expected a key id like 1234abcd-12ab-34cd-56ef-1234567890ab (or mrk-<32 hex digits>)",
            ))
        }
    }
}

impl fmt::Display for KmsKeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A KMS alias name, always with its `alias/` prefix.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct KmsAliasName(String);

impl KmsAliasName {
    pub const DEFAULT: &'static str = "alias/anthropic-cmek";

    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn default_alias() -> Self {
        Self(Self::DEFAULT.to_string())
    }
}

impl FromStr for KmsAliasName {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let Some(name) = t.strip_prefix("alias/") else {
            return Err(ParseError::new("KMS alias", s, "an alias starts with `alias/`, e.g. alias/anthropic-cmek"));
        };
        if name.is_empty() || name.len() > 250 {
            return Err(ParseError::new("KMS alias", s, "the name after `alias/` must be 1 to 250 characters"));
        }
        if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b"/_-".contains(&b)) {
            return Err(ParseError::new("KMS alias", s, "only letters, digits, `/`, `_` and `-` are allowed"));
        }
        if name.starts_with("aws/") {
            return Err(ParseError::new(
                "KMS alias",
                s,
                "`alias/aws/` is reserved for AWS managed keys, which cannot be used for CMEK",
            ));
        }
        Ok(Self(t.to_string()))
    }
}

impl fmt::Display for KmsAliasName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a KMS ARN points at.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum KmsResource {
    Key(KmsKeyId),
    Alias(KmsAliasName),
}

/// A KMS key or alias ARN, e.g. `arn:aws:kms:us-east-2:111122223333:key/1234abcd-...`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KmsKeyArn {
    pub partition: String,
    pub region: AwsRegion,
    pub account: AwsAccountId,
    pub resource: KmsResource,
}

impl KmsKeyArn {
    pub fn for_key(region: AwsRegion, account: AwsAccountId, key_id: KmsKeyId) -> Self {
        Self { partition: "aws".into(), region, account, resource: KmsResource::Key(key_id) }
    }
    pub fn key_id(&self) -> Option<&KmsKeyId> {
        match &self.resource {
            KmsResource::Key(k) => Some(k),
            KmsResource::Alias(_) => None,
        }
    }
}

impl FromStr for KmsKeyArn {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        const WHAT: &str = "KMS key ARN";
        let t = s.trim();
        let parts: Vec<&str> = t.splitn(6, ':').collect();
        if parts.len() != 6 || parts[0] != "arn" {
            return Err(ParseError::new(WHAT, s, "expected arn:aws:kms:<region>:<account>:key/<key id>"));
        }
        if !matches!(parts[1], "aws" | "aws-us-gov" | "aws-cn") {
            return Err(ParseError::new(WHAT, s, format!("unknown partition `{}`", parts[1])));
        }
        if parts[2] != "kms" {
            return Err(ParseError::new(WHAT, s, format!("service is `{}`, not `kms`", parts[2])));
        }
        let region: AwsRegion =
            parts[3].parse().map_err(|_| ParseError::new(WHAT, s, format!("`{}` is not a region", parts[3])))?;
        let account: AwsAccountId = parts[4]
            .parse()
            .map_err(|_| ParseError::new(WHAT, s, format!("`{}` is not a 12-digit account id", parts[4])))?;
        let resource = if let Some(id) = parts[5].strip_prefix("key/") {
            KmsResource::Key(id.parse().map_err(|e: ParseError| ParseError::new(WHAT, s, e.reason))?)
        } else if parts[5].starts_with("alias/") {
            KmsResource::Alias(parts[5].parse().map_err(|e: ParseError| ParseError::new(WHAT, s, e.reason))?)
        } else {
            return Err(ParseError::new(WHAT, s, "the resource must be key/<key id> or alias/<name>"));
        };
        Ok(Self { partition: parts[1].to_string(), region, account, resource })
    }
}

impl fmt::Display for KmsKeyArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let res = match &self.resource {
            KmsResource::Key(k) => format!("key/{k}"),
            KmsResource::Alias(a) => a.to_string(),
        };
        write!(f, "arn:{}:kms:{}:{}:{}", self.partition, self.region, self.account, res)
    }
}

impl serde::Serialize for KmsKeyArn {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// How a user names an existing KMS key on the command line (`--key`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AwsKeyRef {
    Arn(KmsKeyArn),
    Id(KmsKeyId),
    Alias(KmsAliasName),
}

impl AwsKeyRef {
    /// The string KMS accepts as `KeyId` in DescribeKey and friends.
    pub fn as_kms_key_id(&self) -> String {
        match self {
            AwsKeyRef::Arn(a) => a.to_string(),
            AwsKeyRef::Id(i) => i.to_string(),
            AwsKeyRef::Alias(a) => a.to_string(),
        }
    }
    /// The region the reference pins, if it is an ARN.
    pub fn region(&self) -> Option<&AwsRegion> {
        match self {
            AwsKeyRef::Arn(a) => Some(&a.region),
            _ => None,
        }
    }
}

impl FromStr for AwsKeyRef {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        if t.starts_with("arn:") {
            t.parse().map(AwsKeyRef::Arn)
        } else if t.starts_with("alias/") {
            t.parse().map(AwsKeyRef::Alias)
        } else {
            t.parse().map(AwsKeyRef::Id).map_err(|_| {
                ParseError::new(
                    "KMS key reference",
                    s,
                    "expected a key ARN, a key id (UUID or mrk-...), or an alias starting with `alias/`",
                )
            })
        }
    }
}

impl fmt::Display for AwsKeyRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_kms_key_id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_account_is_read_from_any_arn_of_any_partition() {
        for arn in [
            "arn:aws:kms:us-east-2:111122223333:alias/aws/s3",
            "arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "arn:aws-us-gov:kms:us-gov-west-1:111122223333:alias/x",
            "arn:aws:iam::111122223333:root",
        ] {
            assert_eq!(AwsAccountId::of_arn(arn).map(|a| a.to_string()).as_deref(), Some("111122223333"), "{arn}");
        }
        for arn in [
            "",
            "alias/x",
            "111122223333",
            "arn:aws:kms:us-east-2::alias/x",
            "arn:aws:kms:us-east-2:12345:alias/x",
            "arn:aws:kms:us-east-2: 111122223333:alias/x",
            "xarn:aws:kms:us-east-2:111122223333:alias/x",
        ] {
            assert!(AwsAccountId::of_arn(arn).is_none(), "{arn}");
        }
    }

    const ARN: &str = "arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    #[test]
    fn key_arn_round_trips() {
        let a: KmsKeyArn = ARN.parse().unwrap();
        assert_eq!(a.to_string(), ARN);
        assert_eq!(a.region.as_str(), "us-east-2");
        assert_eq!(a.account.as_str(), "111122223333");
        assert!(!a.key_id().unwrap().is_multi_region());
    }

    #[test]
    fn malformed_arns_name_the_problem() {
        for (bad, needle) in [
            ("arn:aws:s3:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", "not `kms`"),
            ("arn:aws:kms:us-east-2:11112222333:key/1234abcd-12ab-34cd-56ef-1234567890ab", "12-digit"),
            ("arn:aws:kms:useast2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", "not a region"),
            ("arn:aws:kms:us-east-2:111122223333:key/nope", "key id"),
            ("arn:aws:kms:us-east-2", "expected arn:aws:kms"),
        ] {
            let e = bad.parse::<KmsKeyArn>().unwrap_err().to_string();
            assert!(e.contains(needle), "{bad}: {e}");
        }
    }

    #[test]
    fn key_refs_of_every_form() {
        assert!(matches!(ARN.parse::<AwsKeyRef>().unwrap(), AwsKeyRef::Arn(_)));
        assert!(matches!("alias/anthropic-cmek".parse::<AwsKeyRef>().unwrap(), AwsKeyRef::Alias(_)));
        assert!(matches!("1234abcd-12ab-34cd-56ef-1234567890ab".parse::<AwsKeyRef>().unwrap(), AwsKeyRef::Id(_)));
        let mrk: AwsKeyRef = "mrk-1234abcd12ab34cd56ef1234567890ab".parse().unwrap();
        assert!(matches!(mrk, AwsKeyRef::Id(ref k) if k.is_multi_region()));
        assert!("alias/aws/s3".parse::<AwsKeyRef>().is_err());
        assert!("anthropic-cmek".parse::<AwsKeyRef>().is_err());
    }

    #[test]
    fn regions() {
        assert!("us-east-2".parse::<AwsRegion>().unwrap().is_supported_for_cmek());
        assert!(!"eu-west-1".parse::<AwsRegion>().unwrap().is_supported_for_cmek());
        assert!(!"us-gov-west-1".parse::<AwsRegion>().unwrap().is_supported_for_cmek());
        assert!("ap-southeast-2".parse::<AwsRegion>().is_ok());
        for bad in ["", "us-east", "US-EAST-2", "us_east_2", "us-east-2a"] {
            assert!(bad.parse::<AwsRegion>().is_err(), "{bad}");
        }
    }
}
