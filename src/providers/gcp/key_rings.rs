//! Key rings: read one (with its IAM policy, whose grants its keys inherit) and create one. Each
//! call runs under the one retry policy; the create looks the ring up before a retry, and
//! ALREADY_EXISTS counts as success (the ring is read back).

use google_cloud_kms_v1::model::KeyRing;

use super::GcpClient;
use super::convert::key_ring_facts;
use super::error::{GcpError, GcpErrorKind};
use super::{Inspected, policy_kept};
use crate::retry;
use cmek_core::model::gcp::GcpKeyRingFacts;

impl GcpClient {
    /// The key ring `projects/P/locations/L/keyRings/R` with its IAM policy; `Ok(None)` when it
    /// does not exist. A policy Cloud KMS refuses to show is `iam_policy: None`, the refusal kept
    /// in `iam_policy_error`.
    pub async fn get_key_ring(&self, name: &str) -> Result<Option<Inspected<GcpKeyRingFacts>>, GcpError> {
        let op = "cloudkms.keyRings.get";
        let kms = self.kms(op).await?;
        let ring = retry::idempotent(op, || async {
            match kms.get_key_ring().set_name(name).send().await {
                Ok(ring) => Ok(Some(ring)),
                Err(e) => match self.sdk_error(op, name, &e) {
                    e if e.kind == GcpErrorKind::NotFound => Ok(None),
                    e => Err(e),
                },
            }
        })
        .await?;
        let Some(ring) = ring else { return Ok(None) };
        let (policy, iam_policy_error) = policy_kept(self.get_iam_policy(name).await)?;
        Ok(Some(Inspected { facts: key_ring_facts(&ring, policy), iam_policy_error }))
    }

    /// Creates key ring `key_ring_id` in `location` (`projects/P/locations/L`). When it already
    /// exists (ALREADY_EXISTS, or found after a lost answer) it is read back with its policy;
    /// a ring this call made has `iam_policy: None` (not read: a new ring's policy is empty).
    pub async fn create_key_ring(&self, location: &str, key_ring_id: &str) -> Result<GcpKeyRingFacts, GcpError> {
        let op = "cloudkms.keyRings.create";
        let name = format!("{location}/keyRings/{key_ring_id}");
        let kms = self.kms(op).await?;
        let read_back = || async { self.get_key_ring(&name).await.map(|found| found.map(|i| i.facts)) };
        retry::created(
            op,
            || async {
                let sent = kms
                    .create_key_ring()
                    .set_parent(location)
                    .set_key_ring_id(key_ring_id)
                    .set_key_ring(KeyRing::new());
                match sent.send().await {
                    Ok(ring) => Ok(key_ring_facts(&ring, None)),
                    Err(e) => match self.sdk_error(op, &name, &e) {
                        e if e.kind == GcpErrorKind::AlreadyExists => read_back().await?.ok_or(e),
                        e => Err(e),
                    },
                }
            },
            read_back,
        )
        .await
    }
}
