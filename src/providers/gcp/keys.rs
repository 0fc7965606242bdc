//! Crypto keys: list a ring's keys, read one (with every version and its IAM policy), create a
//! CMEK key (ENCRYPT_DECRYPT, GOOGLE_SYMMETRIC_ENCRYPTION), replace its labels. Each call runs
//! under the one retry policy; the create looks the key up before a retry, and ALREADY_EXISTS
//! counts as success (the key is read back).

use std::collections::BTreeMap;

use google_cloud_kms_v1::model::crypto_key::CryptoKeyPurpose;
use google_cloud_kms_v1::model::crypto_key_version::CryptoKeyVersionAlgorithm;
use google_cloud_kms_v1::model::{CryptoKey, CryptoKeyVersionTemplate, ProtectionLevel};

use super::GcpClient;
use super::convert::{key_facts, version_facts};
use super::error::{GcpError, GcpErrorKind};
use super::{Inspected, policy_kept};
use crate::retry;
use cmek_core::model::gcp::{GcpKeyFacts, GcpKeyName, GcpVersionFacts};

/// Pages read at most from one list (1000 items a page): a guard against a looping page token.
const MAX_PAGES: usize = 100;
const PAGE_SIZE: i32 = 1000;

/// What `create_key` makes. Purpose and algorithm are fixed: ENCRYPT_DECRYPT,
/// GOOGLE_SYMMETRIC_ENCRYPTION.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewGcpKey {
    /// `HSM` (recommended) or `SOFTWARE`.
    pub protection_level: String,
    /// e.g. `"7776000s"` (90 days); `None`: no automatic rotation.
    pub rotation_period: Option<String>,
    /// RFC 3339, e.g. `"2027-01-01T00:00:00Z"`; Cloud KMS wants it with a rotation period.
    pub next_rotation_time: Option<String>,
    pub labels: BTreeMap<String, String>,
}

impl GcpClient {
    /// The keys of key ring `ring` (`projects/P/locations/L/keyRings/R`), as the list describes
    /// them: each with its primary version, `versions` empty and `iam_policy: None` (read one
    /// with `get_key` for those).
    pub async fn list_keys(&self, ring: &str) -> Result<Vec<GcpKeyFacts>, GcpError> {
        let op = "cloudkms.cryptoKeys.list";
        let kms = self.kms(op).await?;
        let mut keys = Vec::new();
        let mut token = String::new();
        for _ in 0..MAX_PAGES {
            let page = retry::idempotent(op, || async {
                let request = kms.list_crypto_keys().set_parent(ring).set_page_size(PAGE_SIZE).set_page_token(&token);
                request.send().await.map_err(|e| self.sdk_error(op, ring, &e))
            })
            .await?;
            keys.extend(page.crypto_keys.iter().map(|k| key_facts(k, Vec::new(), None)));
            if page.next_page_token.is_empty() || page.next_page_token == token {
                break;
            }
            token = page.next_page_token;
        }
        Ok(keys)
    }

    /// The key with every version and its IAM policy (requested version 3); `Ok(None)` when it
    /// does not exist. A policy Cloud KMS refuses to show is `iam_policy: None`, the refusal kept
    /// in `iam_policy_error`; any other failure fails the call.
    pub async fn get_key(&self, name: &GcpKeyName) -> Result<Option<Inspected<GcpKeyFacts>>, GcpError> {
        let op = "cloudkms.cryptoKeys.get";
        let resource = name.to_string();
        let kms = self.kms(op).await?;
        let key = retry::idempotent(op, || async {
            match kms.get_crypto_key().set_name(&resource).send().await {
                Ok(key) => Ok(Some(key)),
                Err(e) => match self.sdk_error(op, &resource, &e) {
                    e if e.kind == GcpErrorKind::NotFound => Ok(None),
                    e => Err(e),
                },
            }
        })
        .await?;
        let Some(key) = key else { return Ok(None) };
        let versions = self.list_versions(&resource).await?;
        let (policy, iam_policy_error) = policy_kept(self.get_iam_policy(&resource).await)?;
        Ok(Some(Inspected { facts: key_facts(&key, versions, policy), iam_policy_error }))
    }

    /// Every version of key `key`, as listed.
    async fn list_versions(&self, key: &str) -> Result<Vec<GcpVersionFacts>, GcpError> {
        let op = "cloudkms.cryptoKeyVersions.list";
        let kms = self.kms(op).await?;
        let mut versions = Vec::new();
        let mut token = String::new();
        for _ in 0..MAX_PAGES {
            let page = retry::idempotent(op, || async {
                let request =
                    kms.list_crypto_key_versions().set_parent(key).set_page_size(PAGE_SIZE).set_page_token(&token);
                request.send().await.map_err(|e| self.sdk_error(op, key, &e))
            })
            .await?;
            versions.extend(page.crypto_key_versions.iter().map(version_facts));
            if page.next_page_token.is_empty() || page.next_page_token == token {
                break;
            }
            token = page.next_page_token;
        }
        Ok(versions)
    }

    /// Creates the key `name` for CMEK: purpose ENCRYPT_DECRYPT, algorithm
    /// GOOGLE_SYMMETRIC_ENCRYPTION, `new`'s protection level, rotation and labels. When it already
    /// exists (ALREADY_EXISTS, or found after a lost answer) it is read back with `get_key` (its
    /// policy included when readable); a key this call made has its primary as its one version
    /// and `iam_policy: None` (not read).
    pub async fn create_key(&self, name: &GcpKeyName, new: &NewGcpKey) -> Result<GcpKeyFacts, GcpError> {
        let op = "cloudkms.cryptoKeys.create";
        let resource = name.to_string();
        let key = new_key(op, &resource, new)?;
        let ring = name.key_ring_name();
        let kms = self.kms(op).await?;
        let read_back = || async { self.get_key(name).await.map(|found| found.map(|i| i.facts)) };
        retry::created(
            op,
            || async {
                let request =
                    kms.create_crypto_key().set_parent(&ring).set_crypto_key_id(&name.key).set_crypto_key(key.clone());
                match request.send().await {
                    Ok(made) => {
                        let versions = made.primary.iter().map(version_facts).collect();
                        Ok(key_facts(&made, versions, None))
                    }
                    Err(e) => match self.sdk_error(op, &resource, &e) {
                        e if e.kind == GcpErrorKind::AlreadyExists => read_back().await?.ok_or(e),
                        e => Err(e),
                    },
                }
            },
            read_back,
        )
        .await
    }

    /// Replaces the key's labels with `labels` (PATCH `updateMask=labels`: the whole map is
    /// replaced, so pass the existing labels merged with the new ones). Returns the key as Cloud
    /// KMS answered (`versions` empty, `iam_policy: None`).
    pub async fn update_labels(
        &self,
        name: &GcpKeyName,
        labels: &BTreeMap<String, String>,
    ) -> Result<GcpKeyFacts, GcpError> {
        let op = "cloudkms.cryptoKeys.update";
        let resource = name.to_string();
        let kms = self.kms(op).await?;
        let key = CryptoKey::new().set_name(&resource).set_labels(labels.clone());
        retry::idempotent(op, || async {
            let request = kms
                .update_crypto_key()
                .set_crypto_key(key.clone())
                .set_update_mask(google_cloud_wkt::FieldMask::default().set_paths(["labels"]));
            let updated = request.send().await.map_err(|e| self.sdk_error(op, &resource, &e))?;
            Ok(key_facts(&updated, Vec::new(), None))
        })
        .await
    }
}

/// The CryptoKey to send, checked before anything is sent.
fn new_key(op: &'static str, resource: &str, new: &NewGcpKey) -> Result<CryptoKey, GcpError> {
    let refuse = |why: String| GcpError::new(GcpErrorKind::InvalidArgument, op, why).on(resource);
    let protection = match new.protection_level.as_str() {
        "HSM" => ProtectionLevel::Hsm,
        "SOFTWARE" => ProtectionLevel::Software,
        other => {
            return Err(refuse(format!(
                "protection level `{}` is not accepted for CMEK: use HSM (recommended) or SOFTWARE",
                cmek_core::text::escape_controls(other)
            )));
        }
    };
    let template = CryptoKeyVersionTemplate::new()
        .set_protection_level(protection)
        .set_algorithm(CryptoKeyVersionAlgorithm::GoogleSymmetricEncryption);
    let mut key = CryptoKey::new()
        .set_purpose(CryptoKeyPurpose::EncryptDecrypt)
        .set_version_template(template)
        .set_labels(new.labels.clone());
    if let Some(period) = &new.rotation_period {
        let period = google_cloud_wkt::Duration::try_from(period.as_str())
            .map_err(|e| refuse(format!("rotation period `{period}` is not a duration such as 7776000s ({e})")))?;
        key = key.set_rotation_period(period);
    }
    if let Some(time) = &new.next_rotation_time {
        let time = google_cloud_wkt::Timestamp::try_from(time.as_str())
            .map_err(|e| refuse(format!("next rotation time `{time}` is not an RFC 3339 time ({e})")))?;
        key = key.set_next_rotation_time(time);
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(protection: &str) -> NewGcpKey {
        NewGcpKey {
            protection_level: protection.into(),
            rotation_period: Some("7776000s".into()),
            next_rotation_time: Some("2027-01-01T00:00:00Z".into()),
            labels: BTreeMap::from([("anthropic-org-x".to_string(), "true".to_string())]),
        }
    }

    #[test]
    fn the_key_sent_is_a_symmetric_encrypt_decrypt_key() {
        let key = new_key("op", "r", &new("HSM")).unwrap();
        assert_eq!(key.purpose, CryptoKeyPurpose::EncryptDecrypt);
        let template = key.version_template.as_ref().unwrap();
        assert_eq!(template.protection_level, ProtectionLevel::Hsm);
        assert_eq!(template.algorithm, CryptoKeyVersionAlgorithm::GoogleSymmetricEncryption);
        assert_eq!(key.rotation_period().map(|d| d.seconds()), Some(7_776_000));
        assert_eq!(key.labels.get("anthropic-org-x").map(String::as_str), Some("true"));
    }

    #[test]
    fn bad_inputs_are_refused_before_sending() {
        for bad in [
            new("EXTERNAL"),
            NewGcpKey { rotation_period: Some("90 days".into()), ..new("SOFTWARE") },
            NewGcpKey { next_rotation_time: Some("tomorrow".into()), ..new("SOFTWARE") },
        ] {
            let e = new_key("cloudkms.cryptoKeys.create", "r", &bad).unwrap_err();
            assert_eq!(e.kind, GcpErrorKind::InvalidArgument, "{e}");
        }
    }
}
