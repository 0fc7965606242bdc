//! Reading a CryptoKey from a request body (create, patch): each field checked as Cloud KMS
//! checks it (enums by name or number, label syntax, rotation and destruction windows), unknown
//! fields refused. Output-only fields (`name`, `primary`, `createTime`) are accepted and ignored.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::enums::{Algorithm, ProtectionLevel, Purpose};
use super::errors::{GResult, GoogleError};
use super::wire::{check_fields, field, parse_bool, parse_duration, parse_timestamp};

const FIELDS: &[&str] = &[
    "name",
    "primary",
    "purpose",
    "createTime",
    "nextRotationTime",
    "rotationPeriod",
    "versionTemplate",
    "labels",
    "importOnly",
    "destroyScheduledDuration",
    "cryptoKeyBackend",
    "keyAccessJustificationsPolicy",
];
const DAY: i64 = 86_400;
/// Cloud KMS's rotation period bounds: one day to 876,000 hours.
pub const MIN_ROTATION: i64 = DAY;
pub const MAX_ROTATION: i64 = 876_000 * 3600;
/// Destruction is scheduled between one and 120 days ahead (30 by default).
pub const DEFAULT_DESTROY_SCHEDULED: i64 = 30 * DAY;
const MAX_LABELS: usize = 64;

#[derive(Debug, Default)]
pub struct KeyInput {
    pub purpose: Option<Purpose>,
    pub labels: Option<BTreeMap<String, String>>,
    pub rotation_period: Option<i64>,
    pub next_rotation_time: Option<DateTime<Utc>>,
    pub protection_level: Option<ProtectionLevel>,
    pub algorithm: Option<Algorithm>,
    pub import_only: Option<bool>,
    pub destroy_scheduled_duration: Option<i64>,
    pub backend: Option<String>,
}

fn enum_error(field: &str, proto: &str, value: &Value) -> GoogleError {
    GoogleError::invalid_argument(format!(
        "Invalid value at '{field}' (type.googleapis.com/google.cloud.kms.v1.{proto}), {value}"
    ))
}

impl KeyInput {
    pub fn read(body: &Map<String, Value>) -> GResult<KeyInput> {
        check_fields(body, "crypto_key", FIELDS)?;
        let mut input = KeyInput::default();
        if let Some(v) = field(body, "purpose") {
            input.purpose = Some(
                Purpose::from_json(v)
                    .ok_or_else(|| enum_error("crypto_key.purpose", "CryptoKey.CryptoKeyPurpose", v))?,
            );
        }
        if let Some(v) = field(body, "labels") {
            input.labels = Some(labels(v)?);
        }
        if let Some(v) = field(body, "rotationPeriod") {
            let secs = parse_duration(v, "crypto_key.rotation_period")?;
            if !(MIN_ROTATION..=MAX_ROTATION).contains(&secs) {
                return Err(GoogleError::invalid_argument(format!(
                    "CryptoKey.rotation_period must be between 24 hours and 876000 hours, got {secs}s."
                )));
            }
            input.rotation_period = Some(secs);
        }
        if let Some(v) = field(body, "nextRotationTime") {
            input.next_rotation_time = Some(parse_timestamp(v, "crypto_key.next_rotation_time")?);
        }
        if let Some(v) = field(body, "versionTemplate") {
            let template = v.as_object().ok_or_else(|| {
                GoogleError::invalid_argument(format!("Invalid value at 'crypto_key.version_template', {v}"))
            })?;
            check_fields(template, "crypto_key.version_template", &["protectionLevel", "algorithm"])?;
            if let Some(v) = field(template, "protectionLevel") {
                input.protection_level =
                    Some(ProtectionLevel::from_json(v).ok_or_else(|| {
                        enum_error("crypto_key.version_template.protection_level", "ProtectionLevel", v)
                    })?);
            }
            if let Some(v) = field(template, "algorithm") {
                input.algorithm = Some(Algorithm::from_json(v).ok_or_else(|| {
                    enum_error("crypto_key.version_template.algorithm", "CryptoKeyVersion.CryptoKeyVersionAlgorithm", v)
                })?);
            }
        }
        if let Some(v) = field(body, "importOnly") {
            input.import_only = Some(parse_bool(v, "crypto_key.import_only")?);
        }
        if let Some(v) = field(body, "destroyScheduledDuration") {
            let secs = parse_duration(v, "crypto_key.destroy_scheduled_duration")?;
            if !(DAY..=120 * DAY).contains(&secs) {
                return Err(GoogleError::invalid_argument(format!(
                    "CryptoKey.destroy_scheduled_duration must be between 24 hours and 120 days, got {secs}s."
                )));
            }
            input.destroy_scheduled_duration = Some(secs);
        }
        if let Some(v) = field(body, "cryptoKeyBackend") {
            input.backend = v.as_str().map(str::to_string);
        }
        Ok(input)
    }
}

/// Label keys: 1-63 lower-case letters, digits, `_` and `-`, starting with a letter; values:
/// 0-63 of the same; at most 64 labels.
fn labels(value: &Value) -> GResult<BTreeMap<String, String>> {
    let map = value
        .as_object()
        .ok_or_else(|| GoogleError::invalid_argument(format!("Invalid value at 'crypto_key.labels', {value}")))?;
    if map.len() > MAX_LABELS {
        return Err(GoogleError::invalid_argument(format!(
            "A CryptoKey can have at most {MAX_LABELS} labels, got {}.",
            map.len()
        )));
    }
    let allowed = |s: &str| {
        s.len() <= 63 && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
    };
    let mut out = BTreeMap::new();
    for (k, v) in map {
        if !allowed(k) || !k.bytes().next().is_some_and(|b| b.is_ascii_lowercase()) {
            return Err(GoogleError::invalid_argument(format!(
                "Label key '{k}' is invalid: keys must be 1 to 63 lower-case letters, digits, underscores or dashes, \
                 starting with a lower-case letter."
            )));
        }
        let v = v
            .as_str()
            .ok_or_else(|| GoogleError::invalid_argument(format!("Label '{k}' must have a string value.")))?;
        if !allowed(v) {
            return Err(GoogleError::invalid_argument(format!(
                "Label value '{v}' of key '{k}' is invalid: values must be at most 63 lower-case letters, digits, \
                 underscores or dashes."
            )));
        }
        out.insert(k.clone(), v.to_string());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(v: Value) -> GResult<KeyInput> {
        KeyInput::read(v.as_object().unwrap())
    }

    #[test]
    fn fields_are_checked() {
        let ok = read(json!({
            "purpose": 1, "labels": {"team": "payments", "anthropic-org-x": "true"},
            "versionTemplate": {"protectionLevel": "HSM", "algorithm": 1},
            "rotation_period": "7776000s", "nextRotationTime": "2030-01-01T00:00:00Z",
        }))
        .unwrap();
        assert_eq!(ok.purpose, Some(Purpose::EncryptDecrypt));
        assert_eq!(ok.protection_level, Some(ProtectionLevel::Hsm));
        assert_eq!(ok.rotation_period, Some(7_776_000));
        assert_eq!(ok.labels.unwrap().len(), 2);
        for bad in [
            json!({"purpose": "SIGN"}),
            json!({"labels": {"Team": "x"}}),
            json!({"labels": {"team": "Payments"}}),
            json!({"labels": {"1team": "x"}}),
            json!({"labels": {"team": 5}}),
            json!({"rotationPeriod": "3600s"}),
            json!({"destroyScheduledDuration": "3600s"}),
            json!({"versionTemplate": {"algorithm": "AES"}}),
            json!({"versionTemplate": {"colour": "red"}}),
            json!({"unknownField": 1}),
        ] {
            let e = read(bad.clone()).unwrap_err();
            assert_eq!(e.status, "INVALID_ARGUMENT", "{bad}");
        }
        let many: Map<String, Value> = (0..65).map(|i| (format!("k{i}"), json!("v"))).collect();
        assert!(read(json!({ "labels": many })).is_err());
    }
}
