//! The Google Cloud parts of the `setup` report: the identity, key and Anthropic lines, and the
//! JSON `gcp` block.

use cmek_core::identities;
use cmek_core::plan::CloudFacts;
use cmek_core::plan::gcp::{GcpFacts, GcpOutcome};
use cmek_core::run::CloudOutcome;
use serde_json::{Value, json};

use crate::cli::clouds::Header;

/// The header: who is signed in, the key, and Anthropic's service account.
pub fn header(gcp: &GcpFacts, credential: Option<&str>) -> Header {
    let who = gcp.caller.principal.as_deref().unwrap_or("(principal not named by the credential)");
    Header {
        identity: vec![format!(
            "  Google Cloud   {who}{}, project {}",
            credential.map(|c| format!(" (signed in with {c})")).unwrap_or_default(),
            gcp.key_name.project
        )],
        key: key_line(gcp),
        anthropic: format!(
            "{} (published identity; compare with the CMEK guide)",
            identities::published().gcp.service_account
        ),
    }
}

/// The key as inspected: purpose, protection level, primary version state, or that it will be
/// created.
pub fn key_line(gcp: &GcpFacts) -> String {
    let Some(k) = &gcp.key else {
        let ring = if gcp.key_ring.is_some() { "" } else { " (in a new key ring)" };
        return format!("{}: none found, a new key will be created{ring}", gcp.key_name);
    };
    let primary = k
        .primary
        .as_ref()
        .map(|p| format!("primary version {} {}", p.number(), p.state_name))
        .unwrap_or_else(|| "no primary version".into());
    format!("{} ({}, {}, {primary})", k.name, k.purpose, k.protection_level.as_deref().unwrap_or("?"))
}

/// The `gcp` block of the `cmek.setup/v1` document (null when the run is in another cloud).
pub fn facts_json(facts: &dyn CloudFacts) -> Vec<(&'static str, Value)> {
    let Some(g) = facts.downcast_ref::<GcpFacts>() else { return vec![("gcp", Value::Null)] };
    vec![(
        "gcp",
        json!({
            "project": g.key_name.project,
            "location": g.key_name.location,
            "key_ring": { "name": g.key_name.key_ring_name(), "exists": g.key_ring.is_some() },
            "key": { "name": g.key_name.to_string(), "exists": g.key.is_some(),
                "protection_level": g.key.as_ref().and_then(|k| k.protection_level.clone()),
                "primary_state": g.key.as_ref().and_then(|k| k.primary.as_ref().map(|p| p.state_name.clone())) },
            "principal": g.caller.principal,
            "credential_source": g.caller.source,
        }),
    )]
}

/// The key the run created or found, in the `gcp` block.
pub fn run_json(doc: &mut Value, outcome: &dyn CloudOutcome) {
    if let Some(o) = outcome.downcast_ref::<GcpOutcome>() {
        doc["gcp"]["key"]["exists"] = json!(o.key_name.is_some());
    }
}
