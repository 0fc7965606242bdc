//! Google Cloud values for the wizard's tests and the views' snapshots: a signed-in identity with
//! a default project, the overview that carries it, and keys a ring may hold.

use crate::model::ProviderKind;
use crate::model::gcp::{GcpCallerIdentity, GcpKeyName};
use crate::wizard::cloud::CloudState;
use crate::wizard::overview::Overview;
use crate::wizard::test_data;

use super::{GcpKeyCandidate, GcpOverview, KeysInRingFound};

/// The sandbox's project (the credentials' default).
pub const PROJECT: &str = "cmek-sandbox";
pub const PRINCIPAL: &str = "user:ada@example.com";
pub const SOURCE: &str = "gcloud application-default login";

pub fn caller(project: Option<&str>) -> GcpCallerIdentity {
    GcpCallerIdentity { principal: Some(PRINCIPAL.into()), source: SOURCE.into(), project: project.map(str::to_string) }
}

/// The wizard's usual overview, with Google credentials that default to `project`.
pub fn overview_with_gcp(project: Option<&str>) -> Overview {
    let mut o = test_data::overview(true, false);
    o.clouds.retain(|(k, _)| *k != ProviderKind::Gcp);
    o.clouds.push((ProviderKind::Gcp, CloudState::Ready(Box::new(GcpOverview { caller: caller(project) }))));
    o
}

/// A key in the sandbox's default ring, `anthropic-cmek` in us-central1.
pub fn candidate(key: &str, purpose: &str, primary: Option<&str>, labelled: bool) -> GcpKeyCandidate {
    GcpKeyCandidate {
        name: GcpKeyName::new(PROJECT, "us-central1", "anthropic-cmek", key).expect("a valid fixture key name"),
        purpose: purpose.into(),
        protection_level: Some("HSM".into()),
        primary_state: primary.map(str::to_string),
        org_labels: if labelled {
            vec![crate::model::gcp::org_label_key(&test_data::ORG_ID.parse().expect("the fixture org uuid"))]
        } else {
            Vec::new()
        },
    }
}

/// The ring holds a usable, labelled key and a signing key.
pub fn keys_found() -> KeysInRingFound {
    KeysInRingFound {
        ring_exists: true,
        keys: vec![
            candidate("anthropic-cmek", "ENCRYPT_DECRYPT", Some("ENABLED"), true),
            candidate("signing", "ASYMMETRIC_SIGN", Some("ENABLED"), false),
        ],
    }
}
