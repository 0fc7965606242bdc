//! The proto3 JSON mapping Cloud KMS speaks: camelCase fields (snake_case accepted on input),
//! RFC 3339 timestamps, durations as `"7776000s"`, int64 as decimal strings, bytes as base64,
//! enums by name or number; and the JSON of key rings, crypto keys, versions and policies.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value, json};

use super::enums::EnumForm;
use super::errors::{GResult, GoogleError};
use super::names::{CryptoKeyName, KeyRingName};
use super::request::snake_case;
use super::state::{CryptoKey, CryptoKeyVersion, KeyRing, Policy};

pub fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

pub fn duration(secs: i64) -> String {
    format!("{secs}s")
}

/// A field by its JSON name or its proto name; `null` counts as absent.
pub fn field<'a>(obj: &'a Map<String, Value>, camel: &str) -> Option<&'a Value> {
    obj.get(camel).or_else(|| obj.get(&snake_case(camel))).filter(|v| !v.is_null())
}

/// Refuses fields the message does not have, as Google's JSON parser does (`null` is "absent").
pub fn check_fields(obj: &Map<String, Value>, message: &str, known: &[&str]) -> GResult<()> {
    for name in obj.iter().filter(|(_, v)| !v.is_null()).map(|(k, _)| k) {
        let ok = known.iter().any(|k| k == name || snake_case(k) == *name);
        if !ok {
            return Err(GoogleError::invalid_argument(format!(
                "Invalid JSON payload received. Unknown name \"{name}\" at '{message}': Cannot find field."
            )));
        }
    }
    Ok(())
}

pub fn parse_timestamp(value: &Value, field: &str) -> GResult<DateTime<Utc>> {
    value.as_str().and_then(|s| DateTime::parse_from_rfc3339(s).ok()).map(|t| t.with_timezone(&Utc)).ok_or_else(|| {
        GoogleError::invalid_argument(format!(
            "Invalid value at '{field}' (type.googleapis.com/google.protobuf.Timestamp), {value}"
        ))
    })
}

/// `"7776000s"` (a fraction is allowed and dropped: Cloud KMS's durations are whole seconds).
pub fn parse_duration(value: &Value, field: &str) -> GResult<i64> {
    let bad = || {
        GoogleError::invalid_argument(format!(
            "Invalid value at '{field}' (type.googleapis.com/google.protobuf.Duration), {value}"
        ))
    };
    let text = value.as_str().ok_or_else(bad)?;
    let number = text.strip_suffix('s').ok_or_else(bad)?;
    let whole =
        number.split_once('.').map_or(number, |(w, f)| if f.bytes().all(|b| b.is_ascii_digit()) { w } else { "x" });
    whole.parse::<i64>().map_err(|_| bad())
}

/// An int64: a decimal string (proto3 JSON) or a plain number.
pub fn parse_int64(value: &Value, field: &str) -> GResult<i64> {
    let parsed = match value {
        Value::String(s) => s.parse::<i64>().ok(),
        Value::Number(n) => n.as_i64(),
        _ => None,
    };
    parsed.ok_or_else(|| GoogleError::invalid_argument(format!("Invalid value at '{field}' (TYPE_INT64), {value}")))
}

pub fn parse_bool(value: &Value, field: &str) -> GResult<bool> {
    match value {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s == "true" || s == "false" => Ok(s == "true"),
        _ => Err(GoogleError::invalid_argument(format!("Invalid value at '{field}' (TYPE_BOOL), {value}"))),
    }
}

/// Bytes: base64, standard or URL-safe alphabet, padded or not.
pub fn parse_bytes(value: &Value, field: &str) -> GResult<Vec<u8>> {
    let bad =
        || GoogleError::invalid_argument(format!("Invalid value at '{field}' (TYPE_BYTES), Base64 decoding failed."));
    let text = value.as_str().ok_or_else(bad)?.trim_end_matches('=');
    let padded = format!("{text}{}", "=".repeat((4 - text.len() % 4) % 4));
    STANDARD.decode(&padded).or_else(|_| URL_SAFE.decode(&padded)).map_err(|_| bad())
}

pub fn b64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

pub fn key_ring_json(name: &KeyRingName, ring: &KeyRing) -> Value {
    json!({ "name": name.to_string(), "createTime": timestamp(ring.create_time) })
}

pub fn version_json(key: &CryptoKeyName, v: &CryptoKeyVersion, form: EnumForm) -> Value {
    let mut out = Map::new();
    out.insert("name".into(), Value::from(key.version(v.id).to_string()));
    out.insert("state".into(), v.state.to_json(form));
    out.insert("protectionLevel".into(), v.protection_level.to_json(form));
    out.insert("algorithm".into(), v.algorithm.to_json(form));
    out.insert("createTime".into(), Value::from(timestamp(v.create_time)));
    let times = [
        ("generateTime", v.generate_time),
        ("destroyTime", v.destroy_time),
        ("destroyEventTime", v.destroy_event_time),
    ];
    for (field, time) in times {
        if let Some(t) = time {
            out.insert(field.into(), Value::from(timestamp(t)));
        }
    }
    Value::Object(out)
}

/// A CryptoKey as Google answers it: empty and default fields left out.
pub fn crypto_key_json(name: &CryptoKeyName, key: &CryptoKey, form: EnumForm) -> Value {
    let mut out = Map::new();
    out.insert("name".into(), Value::from(name.to_string()));
    if let Some(primary) = key.primary.and_then(|id| key.version(id)) {
        out.insert("primary".into(), version_json(name, primary, form));
    }
    out.insert("purpose".into(), key.purpose.to_json(form));
    out.insert("createTime".into(), Value::from(timestamp(key.create_time)));
    if let Some(t) = key.next_rotation_time {
        out.insert("nextRotationTime".into(), Value::from(timestamp(t)));
    }
    if let Some(secs) = key.rotation_period_secs {
        out.insert("rotationPeriod".into(), Value::from(duration(secs)));
    }
    out.insert(
        "versionTemplate".into(),
        json!({
            "protectionLevel": key.version_template.protection_level.to_json(form),
            "algorithm": key.version_template.algorithm.to_json(form),
        }),
    );
    if !key.labels.is_empty() {
        out.insert("labels".into(), json!(key.labels));
    }
    if key.import_only {
        out.insert("importOnly".into(), Value::Bool(true));
    }
    out.insert("destroyScheduledDuration".into(), Value::from(duration(key.destroy_scheduled_duration_secs)));
    Value::Object(out)
}

pub fn policy_json(policy: &Policy) -> Value {
    let mut out = Map::new();
    out.insert("version".into(), Value::from(policy.version));
    out.insert("etag".into(), Value::from(policy.etag.clone()));
    if !policy.bindings.is_empty() {
        out.insert("bindings".into(), json!(policy.bindings));
    }
    if !policy.audit_configs.is_empty() {
        out.insert("auditConfigs".into(), Value::Array(policy.audit_configs.clone()));
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalar_encodings() {
        assert_eq!(parse_duration(&json!("7776000s"), "f").unwrap(), 7_776_000);
        assert_eq!(parse_duration(&json!("86400.5s"), "f").unwrap(), 86_400);
        for bad in [json!("90d"), json!(5), json!("1.xs"), json!("s")] {
            assert!(parse_duration(&bad, "f").is_err(), "{bad}");
        }
        assert_eq!(parse_int64(&json!("123"), "f").unwrap(), 123);
        assert_eq!(parse_int64(&json!(123), "f").unwrap(), 123);
        assert!(parse_int64(&json!("1e3"), "f").is_err());
        assert_eq!(parse_bytes(&json!("aGk="), "f").unwrap(), b"hi");
        assert_eq!(parse_bytes(&json!("aGk"), "f").unwrap(), b"hi");
        assert_eq!(parse_bytes(&json!("-_8="), "f").unwrap(), [0xfb, 0xff]);
        assert!(parse_bytes(&json!("!!"), "f").is_err());
        assert!(parse_bytes(&json!(3), "f").is_err());
        let t = parse_timestamp(&json!("2026-01-02T03:04:05.5Z"), "f").unwrap();
        assert_eq!(timestamp(t), "2026-01-02T03:04:05.500Z");
        assert!(parse_timestamp(&json!("yesterday"), "f").is_err());
        let obj = json!({"rotation_period": "1s", "labels": null}).as_object().unwrap().clone();
        assert_eq!(field(&obj, "rotationPeriod"), Some(&json!("1s")));
        assert_eq!(field(&obj, "labels"), None);
        assert!(check_fields(&obj, "crypto_key", &["rotationPeriod", "labels"]).is_ok());
        let e = check_fields(&obj, "crypto_key", &["labels"]).unwrap_err();
        assert!(e.message.contains("Unknown name \"rotation_period\""), "{}", e.message);
        let nulls = json!({"keyAccessJustificationsPolicy": null}).as_object().unwrap().clone();
        assert!(check_fields(&nulls, "crypto_key", &[]).is_ok(), "a null field is an absent one");
    }
}
