//! Doctor's look at a Cloud KMS key, read-only: the key ring and key with their IAM policies and
//! the key's versions, each part on its own so one refusal leaves the others' checks standing.

use cmek_core::doctor::gcp::{GcpDoctorFacts, GcpDoctorKey, GcpDoctorKeyInProject, GcpKeyLookup, KmsApi};
use cmek_core::doctor::{CloudDoctorFacts, CloudKeyRef};
use cmek_core::run::events::{Event, EventSink};

use crate::providers::gcp::{GcpClient, GcpError, GcpErrorKind};

pub(super) async fn diagnose(
    gcp: &GcpClient,
    key: &dyn CloudKeyRef,
    sink: &mut dyn EventSink,
) -> Box<dyn CloudDoctorFacts> {
    let name = if let Some(GcpDoctorKey(name)) = key.downcast_ref::<GcpDoctorKey>() {
        name.clone()
    } else if let Some(parts) = key.downcast_ref::<GcpDoctorKeyInProject>() {
        // Named without its project: the credential's, as setup takes it.
        match parts.in_project(gcp.project()) {
            Ok(name) => name,
            Err(why) => return Box::new(GcpDoctorFacts::unreadable(why)),
        }
    } else {
        return Box::new(GcpDoctorFacts::unreadable(format!("{} is not a Cloud KMS key", key.describe())));
    };
    let name = &name;
    sink.emit(Event::Inspecting { what: format!("Cloud KMS key {name}: key ring, key, versions, IAM policies") });
    let mut lookup = GcpKeyLookup::new(name.clone());
    lookup.caller = Some(gcp.caller_identity().clone());
    // Cloud KMS's API cannot read a project's policy (Resource Manager's can, with more rights
    // than setup needs): grants there are judged from what validation says.
    lookup.project_policy = Err("doctor reads Cloud KMS only, not the project's IAM policy".into());
    let ring_name = name.key_ring_name();
    let (ring, crypto_key) = tokio::join!(gcp.get_key_ring(&ring_name), gcp.get_key(name));
    let mut answered = false;
    match ring {
        Ok(found) => {
            answered = true;
            if let Some(refused) = found.as_ref().and_then(|r| r.iam_policy_error.as_ref()) {
                lookup.refusals.push(refused.to_string());
            }
            lookup.key_ring = Ok(found.map(|r| r.facts));
        }
        Err(e) => lookup.key_ring = Err(note(&mut lookup, e)),
    }
    match crypto_key {
        Ok(found) => {
            answered = true;
            if let Some(refused) = found.as_ref().and_then(|k| k.iam_policy_error.as_ref()) {
                lookup.refusals.push(refused.to_string());
            }
            lookup.crypto_key = Ok(found.map(|k| k.facts));
        }
        Err(e) => lookup.crypto_key = Err(note(&mut lookup, e)),
    }
    if answered && !matches!(lookup.api, KmsApi::Disabled(_)) {
        lookup.api = KmsApi::Enabled;
    }
    Box::new(GcpDoctorFacts::read(lookup))
}

/// Why a read failed, for its checks' `unknown`; a refusal is also kept for the rules (GCP-01,
/// GCP-07, GCP-08 read Google's texts).
fn note(lookup: &mut GcpKeyLookup, e: GcpError) -> String {
    match e.kind {
        GcpErrorKind::ServiceDisabled => lookup.api = KmsApi::Disabled(e.message.clone()),
        GcpErrorKind::Network | GcpErrorKind::Unauthenticated => {
            if matches!(lookup.api, KmsApi::Unknown(_)) {
                lookup.api = KmsApi::Unknown(e.to_string());
            }
        }
        _ => {}
    }
    if e.is_auth() || e.kind == GcpErrorKind::DomainRestricted {
        lookup.refusals.push(e.to_string());
    }
    match e.next_step() {
        Some(step) => format!("{e}; {step}"),
        None => e.to_string(),
    }
}
