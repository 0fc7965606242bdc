//! Gathers the Google Cloud facts of a `setup` run: the key ring and the key (with their IAM
//! policies and the key's versions), read-only. A refusal that is itself a finding (the API off,
//! a VPC Service Controls perimeter) is kept in the facts for the plan's checks, not raised.

use cmek_core::plan::gcp::{GcpAnswers, GcpFacts};
use cmek_core::run::events::{Event, EventSink};

use crate::error::{Error, Result};
use crate::providers::gcp::{GcpClient, GcpError, GcpErrorKind};

/// The facts for the key `asked` names (its project from the credentials or the environment when
/// the answers give none).
pub(super) async fn gather(gcp: &GcpClient, asked: &GcpAnswers, sink: &mut dyn EventSink) -> Result<GcpFacts> {
    let key_name = asked
        .resolve(gcp.project())
        .map_err(|why| Error::usage(why).with_hint("the project is the id gcloud shows with `gcloud projects list`"))?;
    let mut facts = GcpFacts {
        caller: gcp.caller_identity().clone(),
        key_name: key_name.clone(),
        api_disabled: None,
        key_ring: None,
        key: None,
        // Cloud KMS's client cannot read a project's policy (Resource Manager's API can); grants
        // there are reported by doctor from what validation says, not counted by setup.
        project_iam_policy: None,
        vpc_service_controls: None,
        deny_policy: None,
        domain_restriction: None,
    };
    sink.emit(Event::Inspecting { what: format!("key ring {}", key_name.key_ring_name()) });
    let ring = match gcp.get_key_ring(&key_name.key_ring_name()).await {
        Ok(ring) => ring,
        Err(e) => return kept_or_failed(facts, e),
    };
    let Some(ring) = ring else { return Ok(facts) };
    facts.key_ring = Some(ring.facts);
    sink.emit(Event::Inspecting { what: format!("key {key_name}: purpose, versions, labels, IAM policy") });
    match gcp.get_key(&key_name).await {
        Ok(Some(key)) => {
            if let Some(refused) = &key.iam_policy_error {
                keep_guard(&mut facts, refused);
            }
            facts.key = Some(key.facts);
        }
        Ok(None) => {}
        Err(e) => return kept_or_failed(facts, e),
    }
    Ok(facts)
}

/// A refusal the plan has a check for is kept (the plan then blocks, naming the fix); any other
/// failure stops inspection.
fn kept_or_failed(mut facts: GcpFacts, e: GcpError) -> Result<GcpFacts> {
    if keep_guard(&mut facts, &e) { Ok(facts) } else { Err(Error::from(e)) }
}

/// Records `e` in `facts` when it is one of the project-level guards; whether it was.
fn keep_guard(facts: &mut GcpFacts, e: &GcpError) -> bool {
    match e.kind {
        GcpErrorKind::ServiceDisabled => facts.api_disabled = Some(e.message.clone()),
        GcpErrorKind::VpcServiceControls => facts.vpc_service_controls = Some(e.to_string()),
        _ => return false,
    }
    true
}
