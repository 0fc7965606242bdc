//! Checks on where the key lives, made before anything else: the Cloud KMS API is on in the
//! project (GCP-01), the key ring's location is one US region (GCP-02: multi-regions such as
//! `us`, `global` and `nam4`, and regions outside the US, are refused), and no VPC Service
//! Controls perimeter keeps Anthropic out (GCP-08).

use crate::identities;
use crate::model::gcp::{GcpKeyName, LocationKind};
use crate::plan::{Check, Severity};
use crate::shell::quoted;

pub(crate) fn api_check(name: &GcpKeyName, disabled: Option<&str>) -> Check {
    let title = format!("the Cloud KMS API is enabled in project {}", name.project);
    match disabled {
        None => Check::pass("GCP-01", Severity::High, title),
        Some(error) => {
            Check::fail("GCP-01", Severity::High, title, format!("Cloud KMS refused with SERVICE_DISABLED: {error}"))
                .with_fix(format!(
                    "gcloud services enable cloudkms.googleapis.com --project {} (billing must be on), then re-run",
                    quoted(&name.project)
                ))
        }
    }
}

/// GCP-02 (ANT-12 for Google Cloud): Anthropic serves CMEK from one US region only.
pub(crate) fn location_check(name: &GcpKeyName, exists: bool) -> Check {
    let location = name.location();
    let recommended = &identities::published().regions.gcp;
    let kind = location.kind();
    if kind == LocationKind::UsRegion {
        return Check::pass("GCP-02", Severity::High, format!("key ring location {location} is one US region"));
    }
    let what = if exists { "is in" } else { "would be created in" };
    let why = match kind {
        LocationKind::MultiRegion => format!("{location} is a multi-region location"),
        LocationKind::NonUs | LocationKind::UsRegion => format!("{location} is outside the US"),
    };
    let first = recommended.first().map(String::as_str).unwrap_or("us-central1");
    let good = GcpKeyName { location: first.to_string(), ..name.clone() };
    Check::fail(
        "GCP-02",
        Severity::High,
        format!("the key ring's location is one US region ({} recommended)", recommended.join(", ")),
        format!(
            "key ring {} {what} {location}: {why}, and Anthropic serves CMEK only from a single US region \
             (a key ring and its keys can never move)",
            name.key_ring
        ),
    )
    .with_fix(format!(
        "use a key ring in {}: --key {} (cmek creates the key ring and key there), or gcloud kms keyrings create {} \
         --location {first} --project {}",
        recommended.join(" or "),
        quoted(&good.to_string()),
        quoted(&name.key_ring),
        quoted(&name.project)
    ))
}

/// GCP-08: a perimeter around Cloud KMS refuses Anthropic's calls from outside it.
pub(crate) fn vpc_sc_check(name: &GcpKeyName, seen: &str) -> Check {
    let member = &identities::published().gcp.service_account;
    Check::fail(
        "GCP-08",
        Severity::High,
        format!("no VPC Service Controls perimeter keeps Anthropic from Cloud KMS in project {}", name.project),
        format!("a VPC Service Controls perimeter protects cloudkms.googleapis.com: {seen}"),
    )
    .with_fix(format!(
        "add an ingress rule to the perimeter for {member} (service cloudkms.googleapis.com, all methods, \
         resources: project {}): gcloud access-context-manager perimeters update <perimeter> --policy <access \
         policy id> --set-ingress-policies <file>, then re-run",
        name.project
    ))
}
