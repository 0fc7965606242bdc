//! The cryptographic operations: Encrypt, Decrypt, GenerateDataKey(WithoutPlaintext), with real
//! AES-256-GCM (`crypto`), the encryption context in the request context of the policy
//! evaluation, key state and key usage enforced, and AWS's error codes for another context, a
//! tampered blob (`InvalidCiphertextException`) or another key (`IncorrectKeyException`).

use std::collections::BTreeMap;

use serde_json::json;

use super::authorize::{self, ExtraContext, Reach, encryption_context_keys};
use super::crypto::{self, Header, MAX_PLAINTEXT};
use super::errors::KmsError;
use super::ids;
use super::keys::{self, Forms};
use super::kms::{KmsCall, Output, key_at};
use super::protocol_json::base64;
use super::state::{AwsState, KeyRecord};
use cmek_core::model::aws::{KmsKeyArn, KmsResource};

const SYMMETRIC_DEFAULT: &str = "SYMMETRIC_DEFAULT";
const ALGORITHMS: [&str; 4] = ["SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE"];
/// KMS's limit on a CiphertextBlob.
const MAX_CIPHERTEXT: usize = 6144;

fn invalid_ciphertext() -> KmsError {
    KmsError::new(
        "InvalidCiphertextException",
        "The ciphertext is invalid: it was not made by this KMS, was changed, or is decrypted with another encryption context.",
    )
}

/// The requested algorithm (SYMMETRIC_DEFAULT by default) and its request-context entry.
fn algorithm<'a>(call: &KmsCall<'a>) -> Result<&'a str, KmsError> {
    let chosen = call.input.string("EncryptionAlgorithm")?.unwrap_or(SYMMETRIC_DEFAULT);
    if !ALGORITHMS.contains(&chosen) {
        return Err(KmsError::constraint(
            chosen,
            "encryptionAlgorithm",
            &format!("Member must satisfy enum value set: [{}]", ALGORITHMS.join(", ")),
        ));
    }
    Ok(chosen)
}

fn crypto_context(context: &BTreeMap<String, String>, algorithm: Option<&str>) -> ExtraContext {
    let mut extra = encryption_context_keys(context);
    if let Some(a) = algorithm {
        extra.insert("kms:EncryptionAlgorithm".into(), vec![a.to_string()]);
    }
    extra
}

/// What every cryptographic call checks on its key after authorisation: state, then usage.
fn require_symmetric_encryption(key: &KeyRecord, operation: &str, algorithm: &str) -> Result<(), KmsError> {
    keys::require_usable(key)?;
    if key.key_usage != "ENCRYPT_DECRYPT" {
        return Err(KmsError::new(
            "InvalidKeyUsageException",
            format!("{} key usage is {} which is not valid for {operation}.", key.arn(), key.key_usage),
        ));
    }
    if key.key_spec != SYMMETRIC_DEFAULT {
        return Err(KmsError::new(
            "UnsupportedOperationException",
            format!(
                "{operation} with {} ({}) is asymmetric cryptography, which the sandbox does not emulate.",
                key.arn(),
                key.key_spec
            ),
        ));
    }
    if algorithm != SYMMETRIC_DEFAULT {
        return Err(KmsError::new(
            "InvalidKeyUsageException",
            format!("The encryption algorithm {algorithm} is not valid for {}, a symmetric encryption key.", key.arn()),
        ));
    }
    Ok(())
}

fn dry_run(call: &KmsCall<'_>) -> Result<(), KmsError> {
    if call.input.bool("DryRun")?.unwrap_or(false) {
        return Err(KmsError::new(
            "DryRunOperationException",
            "The request would have succeeded, but the DryRun option is set.",
        ));
    }
    Ok(())
}

/// Seals `plaintext` under the key's newest material version.
fn seal(key: &KeyRecord, context: &BTreeMap<String, String>, plaintext: &[u8]) -> Result<Vec<u8>, KmsError> {
    let version = key.material.len().checked_sub(1).ok_or_else(|| keys::state_error(key, key.state))?;
    let material = key.material.get(version).ok_or_else(|| keys::state_error(key, key.state))?;
    let header = Header { key_arn: key.arn(), material_version: u32::try_from(version).unwrap_or(u32::MAX) };
    crypto::seal(&header, material.bytes(), context, plaintext).map_err(|_| KmsError::internal("encryption failed"))
}

pub(super) fn encrypt(state: &mut AwsState, call: &KmsCall<'_>) -> Output {
    let plaintext = call.input.blob("Plaintext")?.ok_or_else(|| {
        KmsError::validation(
            "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must not be null",
        )
    })?;
    if plaintext.is_empty() || plaintext.len() > MAX_PLAINTEXT {
        return Err(KmsError::validation(format!(
            "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length \
             between 1 and {MAX_PLAINTEXT} bytes (found {})",
            plaintext.len()
        )));
    }
    let context = call.input.string_map("EncryptionContext")?;
    let algorithm = algorithm(call)?;
    let extra = crypto_context(&context, Some(algorithm));
    let index =
        call.authorized_key(state, "KeyId", Forms::KeysAndAliases, "kms:Encrypt", Reach::CrossAccount, extra)?;
    let key = key_at(state, index)?;
    require_symmetric_encryption(key, "Encrypt", algorithm)?;
    dry_run(call)?;
    let blob = seal(key, &context, &plaintext)?;
    Ok(Some(json!({"CiphertextBlob": base64(&blob), "KeyId": key.arn(), "EncryptionAlgorithm": algorithm})))
}

pub(super) fn decrypt(state: &mut AwsState, call: &KmsCall<'_>) -> Output {
    let blob = call.input.blob("CiphertextBlob")?.ok_or_else(|| {
        KmsError::validation(
            "1 validation error detected: Value at 'ciphertextBlob' failed to satisfy constraint: Member must not be null",
        )
    })?;
    if blob.is_empty() || blob.len() > MAX_CIPHERTEXT {
        return Err(KmsError::validation(format!(
            "1 validation error detected: Value at 'ciphertextBlob' failed to satisfy constraint: Member must have \
             length between 1 and {MAX_CIPHERTEXT} bytes (found {})",
            blob.len()
        )));
    }
    let context = call.input.string_map("EncryptionContext")?;
    let algorithm = algorithm(call)?;
    let (header, _) = crypto::read_header(&blob).ok_or_else(invalid_ciphertext)?;
    let blob_arn: KmsKeyArn = header.key_arn.parse().map_err(|_| invalid_ciphertext())?;
    let KmsResource::Key(blob_key_id) = &blob_arn.resource else { return Err(invalid_ciphertext()) };
    let mut extra = crypto_context(&context, Some(algorithm));
    if let Some(key_id) = call.input.string("KeyId")? {
        let named = keys::resolve(state, key_id, call.account(), call.who.region, Forms::KeysAndAliases)?;
        if key_at(state, named.index)?.arn() != header.key_arn {
            return Err(KmsError::new(
                "IncorrectKeyException",
                "The key ID in the request does not identify a KMS key that can perform this operation.",
            ));
        }
        if let Some(alias) = named.alias {
            extra.insert("kms:RequestAlias".into(), vec![alias]);
        }
    }
    if blob_arn.region.as_str() != call.who.region {
        return Err(invalid_ciphertext());
    }
    let index = state
        .key_index(blob_arn.account.as_str(), call.who.region, blob_key_id.as_str())
        .ok_or_else(invalid_ciphertext)?;
    let key = key_at(state, index)?;
    authorize::authorize(state, &call.who, call.rcps, key, "kms:Decrypt", Reach::CrossAccount, &extra)?;
    require_symmetric_encryption(key, "Decrypt", algorithm)?;
    dry_run(call)?;
    let material = usize::try_from(header.material_version)
        .ok()
        .and_then(|v| key.material.get(v))
        .ok_or_else(invalid_ciphertext)?;
    let plaintext = crypto::open(&blob, material.bytes(), &context).map_err(|_| invalid_ciphertext())?;
    Ok(Some(json!({"KeyId": key.arn(), "Plaintext": base64(&plaintext), "EncryptionAlgorithm": algorithm})))
}

pub(super) fn generate_data_key(state: &mut AwsState, call: &KmsCall<'_>, with_plaintext: bool) -> Output {
    let bytes = call.input.integer_in("NumberOfBytes", 1, 1024)?;
    let spec = call.input.string("KeySpec")?;
    let length = match (bytes, spec) {
        (Some(_), Some(_)) | (None, None) => {
            return Err(KmsError::validation("Please specify either number of bytes or key spec."));
        }
        (Some(n), None) => usize::try_from(n).unwrap_or(32),
        (None, Some("AES_256")) => 32,
        (None, Some("AES_128")) => 16,
        (None, Some(other)) => {
            return Err(KmsError::constraint(
                other,
                "keySpec",
                "Member must satisfy enum value set: [AES_256, AES_128]",
            ));
        }
    };
    let context = call.input.string_map("EncryptionContext")?;
    let action = if with_plaintext { "kms:GenerateDataKey" } else { "kms:GenerateDataKeyWithoutPlaintext" };
    let extra = crypto_context(&context, None);
    let index = call.authorized_key(state, "KeyId", Forms::KeysAndAliases, action, Reach::CrossAccount, extra)?;
    let key = key_at(state, index)?;
    require_symmetric_encryption(key, "GenerateDataKey", SYMMETRIC_DEFAULT)?;
    dry_run(call)?;
    let mut data_key = vec![0u8; length];
    data_key.iter_mut().zip(ids::random_bytes::<1024>()).for_each(|(d, r)| *d = r);
    let blob = seal(key, &context, &data_key)?;
    let mut out = json!({"CiphertextBlob": base64(&blob), "KeyId": key.arn()});
    if with_plaintext {
        out["Plaintext"] = base64(&data_key);
    }
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::ops_keys::test_key;

    #[test]
    fn only_enabled_symmetric_encryption_keys_encrypt() {
        let mut key = test_key("111122223333", "us-east-2");
        assert!(require_symmetric_encryption(&key, "Encrypt", SYMMETRIC_DEFAULT).is_ok());
        assert_eq!(
            require_symmetric_encryption(&key, "Encrypt", "RSAES_OAEP_SHA_1").unwrap_err().code,
            "InvalidKeyUsageException"
        );
        key.key_usage = "GENERATE_VERIFY_MAC".into();
        assert_eq!(
            require_symmetric_encryption(&key, "Encrypt", SYMMETRIC_DEFAULT).unwrap_err().code,
            "InvalidKeyUsageException"
        );
        key.key_usage = "ENCRYPT_DECRYPT".into();
        key.key_spec = "RSA_2048".into();
        assert_eq!(
            require_symmetric_encryption(&key, "Encrypt", SYMMETRIC_DEFAULT).unwrap_err().code,
            "UnsupportedOperationException"
        );
    }

    #[test]
    fn a_rotated_key_still_opens_older_ciphertext() {
        let mut key = test_key("111122223333", "us-east-2");
        let context = BTreeMap::from([("k".to_string(), "v".to_string())]);
        let old = seal(&key, &context, b"old").unwrap();
        key.material.push(ids::key_material());
        let new = seal(&key, &context, b"new").unwrap();
        assert_eq!(crypto::read_header(&old).unwrap().0.material_version, 0);
        assert_eq!(crypto::read_header(&new).unwrap().0.material_version, 1);
        assert_eq!(crypto::open(&old, key.material[0].bytes(), &context).unwrap(), b"old");
        assert_eq!(crypto::open(&new, key.material[1].bytes(), &context).unwrap(), b"new");
    }
}
