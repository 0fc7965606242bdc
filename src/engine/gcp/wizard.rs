//! The wizard's Google Cloud calls: who the credential is (Welcome) and the keys in a key ring (the
//! Key screen's list).

use cmek_core::plan::gcp::{DEFAULT_KEY_RING, DEFAULT_LOCATION};
use cmek_core::wizard::gcp::{GcpKeyCandidate, GcpOverview, KeysInRing, KeysInRingFound};
use cmek_core::wizard::{CloudQuestion, CloudReply, CloudState};

use crate::error::{Error, Result};
use crate::providers::gcp::{GcpClient, GcpErrorKind};

/// The credential and its project. With a project, one read proves the credential works there (a
/// missing key ring or a refusal still counts: the plan's checks explain those).
pub(super) async fn overview(gcp: &GcpClient) -> CloudState {
    let caller = gcp.caller_identity().clone();
    if let Some(project) = gcp.project() {
        let ring = format!("projects/{project}/locations/{DEFAULT_LOCATION}/keyRings/{DEFAULT_KEY_RING}");
        if let Err(e) = gcp.get_key_ring(&ring).await
            && matches!(e.kind, GcpErrorKind::Unauthenticated | GcpErrorKind::Network | GcpErrorKind::InvalidArgument)
        {
            return CloudState::Unusable(match e.next_step() {
                Some(step) => format!("{e}; {step}"),
                None => e.to_string(),
            });
        }
    }
    CloudState::Ready(Box::new(GcpOverview { caller }))
}

pub(super) async fn ask(gcp: &GcpClient, question: &dyn CloudQuestion) -> Result<Box<dyn CloudReply>> {
    let Some(asked) = question.downcast_ref::<KeysInRing>() else {
        return Err(Error::usage("the Google Cloud Key screen asked a question of another cloud"));
    };
    let ring = asked.key_ring_name();
    if gcp.get_key_ring(&ring).await.map_err(Error::from)?.is_none() {
        return Ok(Box::new(KeysInRingFound { ring_exists: false, keys: Vec::new() }));
    }
    let keys = gcp.list_keys(&ring).await.map_err(Error::from)?;
    let keys = keys.iter().filter_map(GcpKeyCandidate::from_facts).collect();
    Ok(Box::new(KeysInRingFound { ring_exists: true, keys }))
}
