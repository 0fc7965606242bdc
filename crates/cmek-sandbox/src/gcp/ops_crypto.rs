//! encrypt / decrypt with real AES-256-GCM, the CRC32C fields gcloud and the client libraries
//! check ("corrupted in-transit" otherwise): request checksums verified when present and
//! `verified*Crc32c: true` answered; `ciphertextCrc32c` / `plaintextCrc32c` computed, as int64
//! decimal strings. Encrypt uses the primary (or the version named); decrypt finds the version
//! from the ciphertext and says whether it was the primary.

use serde_json::{Map, Value};

use super::call::Call;
use super::checksum::crc32c;
use super::crypto;
use super::enums::{Purpose, VersionState};
use super::errors::{GResult, GoogleError};
use super::iam;
use super::names::{CryptoKeyName, check_location};
use super::state::{CryptoKey, CryptoKeyVersion};
use super::wire::{b64, check_fields, field, parse_bytes, parse_int64};

/// Cloud KMS's limit on plaintext and on AAD.
const MAX_DATA: usize = 64 * 1024;

fn decryption_failed() -> GoogleError {
    GoogleError::invalid_argument("Decryption failed: verify that 'name' refers to the correct CryptoKey.")
}

/// Checks a `*Crc32c` field against `data`; true when the field was sent (and matched).
fn verify_crc(body: &Map<String, Value>, crc_field: &str, data_field: &str, data: &[u8]) -> GResult<bool> {
    let Some(value) = field(body, crc_field) else { return Ok(false) };
    let proto = super::request::snake_case(crc_field);
    let sent = parse_int64(value, &proto)?;
    if sent == i64::from(crc32c(data)) {
        Ok(true)
    } else {
        Err(GoogleError::invalid_argument(format!(
            "The checksum in field {proto} did not match the data in field {}.",
            super::request::snake_case(data_field)
        )))
    }
}

fn bytes_field(body: &Map<String, Value>, name: &str, required: bool) -> GResult<Vec<u8>> {
    let proto = super::request::snake_case(name);
    match field(body, name) {
        Some(v) => parse_bytes(v, &proto),
        None if required => Err(GoogleError::invalid_argument(format!("{proto} must be specified."))),
        None => Ok(Vec::new()),
    }
}

fn usable<'a>(key: &'a CryptoKey, name: &CryptoKeyName, id: u32) -> GResult<&'a CryptoKeyVersion> {
    let version = key
        .version(id)
        .ok_or_else(|| GoogleError::not_found(format!("CryptoKeyVersion {} not found.", name.version(id))))?;
    if version.state != VersionState::Enabled {
        return Err(GoogleError::failed_precondition(format!(
            "{} is not enabled, current state is: {}.",
            name.version(id),
            version.state
        )));
    }
    Ok(version)
}

fn material(version: &CryptoKeyVersion) -> GResult<Vec<u8>> {
    let stored = version.material.as_ref().ok_or_else(|| GoogleError::internal("The version has no key material."))?;
    parse_bytes(&Value::from(stored.expose()), "material")
        .map_err(|_| GoogleError::internal("Stored key material is unreadable."))
}

fn symmetric(key: &CryptoKey, name: &CryptoKeyName, operation: &str) -> GResult<()> {
    if key.purpose == Purpose::EncryptDecrypt {
        Ok(())
    } else {
        Err(GoogleError::failed_precondition(format!(
            "{name} has purpose {}; {operation} requires a CryptoKey with purpose ENCRYPT_DECRYPT.",
            key.purpose
        )))
    }
}

/// `:encrypt` on a key (its primary) or on one of its versions (`version`).
pub fn encrypt(call: &Call, name: &CryptoKeyName, version: Option<u32>) -> GResult<Value> {
    check_location(name.project(), &name.ring.parent.location)?;
    let resource = version.map_or_else(|| name.to_string(), |v| name.version(v).to_string());
    call.on_key(name, iam::USE_TO_ENCRYPT, &resource)?;
    let body = call.req.json()?;
    check_fields(
        &body,
        "encrypt_request",
        &["name", "plaintext", "additionalAuthenticatedData", "plaintextCrc32c", "additionalAuthenticatedDataCrc32c"],
    )?;
    let plaintext = bytes_field(&body, "plaintext", true)?;
    let aad = bytes_field(&body, "additionalAuthenticatedData", false)?;
    if plaintext.len() > MAX_DATA || aad.len() > MAX_DATA {
        return Err(GoogleError::invalid_argument(format!(
            "The plaintext and the additional authenticated data must each be at most {MAX_DATA} bytes."
        )));
    }
    let verified_plaintext = verify_crc(&body, "plaintextCrc32c", "plaintext", &plaintext)?;
    let verified_aad = verify_crc(&body, "additionalAuthenticatedDataCrc32c", "additionalAuthenticatedData", &aad)?;
    let key = call.key(name)?;
    symmetric(key, name, "Encrypt")?;
    let id = match version.or(key.primary) {
        Some(id) => id,
        None => return Err(GoogleError::failed_precondition(format!("{name} has no primary CryptoKeyVersion."))),
    };
    let used = usable(key, name, id)?;
    let ciphertext = crypto::seal(&material(used)?, id, &name.to_string(), &aad, &plaintext)
        .map_err(|_| GoogleError::internal("Encryption failed."))?;
    let mut out = Map::new();
    out.insert("name".into(), Value::from(name.version(id).to_string()));
    out.insert("ciphertext".into(), Value::from(b64(&ciphertext)));
    out.insert("ciphertextCrc32c".into(), Value::from(crc32c(&ciphertext).to_string()));
    if verified_plaintext {
        out.insert("verifiedPlaintextCrc32c".into(), Value::Bool(true));
    }
    if verified_aad {
        out.insert("verifiedAdditionalAuthenticatedDataCrc32c".into(), Value::Bool(true));
    }
    out.insert("protectionLevel".into(), used.protection_level.to_json(call.form));
    Ok(Value::Object(out))
}

pub fn decrypt(call: &Call, name: &CryptoKeyName) -> GResult<Value> {
    check_location(name.project(), &name.ring.parent.location)?;
    call.on_key(name, iam::USE_TO_DECRYPT, &name.to_string())?;
    let body = call.req.json()?;
    check_fields(
        &body,
        "decrypt_request",
        &["name", "ciphertext", "additionalAuthenticatedData", "ciphertextCrc32c", "additionalAuthenticatedDataCrc32c"],
    )?;
    let ciphertext = bytes_field(&body, "ciphertext", true)?;
    let aad = bytes_field(&body, "additionalAuthenticatedData", false)?;
    verify_crc(&body, "ciphertextCrc32c", "ciphertext", &ciphertext)?;
    verify_crc(&body, "additionalAuthenticatedDataCrc32c", "additionalAuthenticatedData", &aad)?;
    let key = call.key(name)?;
    symmetric(key, name, "Decrypt")?;
    let id = crypto::version_of(&ciphertext).ok_or_else(decryption_failed)?;
    if key.version(id).is_none() {
        return Err(decryption_failed());
    }
    let used = usable(key, name, id)?;
    let plaintext =
        crypto::open(&material(used)?, &name.to_string(), &aad, &ciphertext).map_err(|_| decryption_failed())?;
    let mut out = Map::new();
    out.insert("plaintext".into(), Value::from(b64(&plaintext)));
    out.insert("plaintextCrc32c".into(), Value::from(crc32c(&plaintext).to_string()));
    if key.primary == Some(id) {
        out.insert("usedPrimary".into(), Value::Bool(true));
    }
    out.insert("protectionLevel".into(), used.protection_level.to_json(call.form));
    Ok(Value::Object(out))
}
