//! Which regions a request may be signed for. The emulator answers every region on one endpoint,
//! so the SigV4 credential scope is all that names one; a real client would have reached the
//! region's own endpoint (`kms.<region>.amazonaws.com`) instead. What a client meets there:
//!
//! - a region that does not exist has no endpoint at all (a DNS failure); the emulator answers as
//!   an AWS endpoint answers a request scoped to a region it does not serve: KMS's
//!   `InvalidSignatureException` / STS's `SignatureDoesNotMatch`, "Credential should be scoped to
//!   a valid region" (the closest an HTTP answer gets to "no such region");
//! - an opt-in region the account has not enabled (the sandbox's accounts enable none), or a
//!   region of another partition (GovCloud, China), where the sandbox's `aws` credentials do not
//!   exist: `UnrecognizedClientException` /
//!   `InvalidClientTokenId`, "The security token included in the request is invalid.", as AWS
//!   answers there.
//!
//! Either way no request reaches an account's keys: an unknown region is never an empty account.

/// The regions of the `aws` partition enabled in every account by default.
const DEFAULT_REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ca-central-1",
    "sa-east-1",
    "eu-central-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-north-1",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
];

/// The `aws` partition's opt-in regions (disabled until the account enables them).
const OPT_IN_REGIONS: &[&str] = &[
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-south-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-west-1",
    "eu-central-2",
    "eu-south-1",
    "eu-south-2",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
];

/// Regions of the other partitions.
const OTHER_PARTITIONS: &[&str] = &["us-gov-west-1", "us-gov-east-1", "cn-north-1", "cn-northwest-1"];

/// What the emulator makes of the region a request is signed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RegionStatus {
    /// Enabled for the sandbox's accounts: served.
    Served,
    /// Real, but not reachable with the sandbox's credentials (opt-in, or another partition).
    NotEnabled,
    /// No such region.
    Unknown,
}

pub(super) fn status(region: &str) -> RegionStatus {
    if DEFAULT_REGIONS.contains(&region) {
        RegionStatus::Served
    } else if OPT_IN_REGIONS.contains(&region) || OTHER_PARTITIONS.contains(&region) {
        RegionStatus::NotEnabled
    } else {
        RegionStatus::Unknown
    }
}

/// Every region the emulator knows (served or not): a client could reach
/// `kms.<region>.amazonaws.com` for each.
pub(crate) fn known() -> impl Iterator<Item = &'static str> {
    DEFAULT_REGIONS.iter().chain(OPT_IN_REGIONS).chain(OTHER_PARTITIONS).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_are_served_refused_or_unknown() {
        assert_eq!(status(crate::REGION), RegionStatus::Served);
        assert_eq!(status("us-west-2"), RegionStatus::Served);
        assert_eq!(status("af-south-1"), RegionStatus::NotEnabled);
        assert_eq!(status("us-gov-west-1"), RegionStatus::NotEnabled);
        assert_eq!(status("us-nowhere-9"), RegionStatus::Unknown);
        assert_eq!(status("US-EAST-2"), RegionStatus::Unknown);
        for r in DEFAULT_REGIONS.iter().chain(OPT_IN_REGIONS).chain(OTHER_PARTITIONS) {
            assert!(r.parse::<cmek_core::model::aws::AwsRegion>().is_ok(), "{r}");
        }
    }
}
