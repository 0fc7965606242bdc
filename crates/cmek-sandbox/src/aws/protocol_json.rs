//! AWS JSON 1.1, as KMS speaks it: reading a request's members with their types checked, and
//! writing answers (`application/x-amz-json-1.1`, `x-amzn-RequestId`; errors as
//! `{"__type", "message"}` plus `x-amzn-ErrorType`). Blobs are base64, timestamps epoch seconds.

use std::collections::BTreeMap;

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::errors::{KmsError, constraint_message};

pub(super) const CONTENT_TYPE: &str = "application/x-amz-json-1.1";

/// A request body's members.
#[derive(Debug, Clone, Default)]
pub(super) struct Input {
    members: Map<String, Value>,
}

fn type_error(name: &str, expected: &str) -> KmsError {
    KmsError::serialization(format!("the member '{name}' must be {expected}"))
}

/// `KeyId` -> `keyId`, as AWS names members in validation messages.
pub(super) fn member_name(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

impl Input {
    /// An empty body counts as `{}`; anything but a JSON object is a `SerializationException`.
    pub fn parse(body: &[u8]) -> Result<Input, KmsError> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Input::default());
        }
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(members)) => Ok(Input { members }),
            Ok(_) => Err(KmsError::serialization("the request body must be a JSON object")),
            Err(e) => Err(KmsError::serialization(format!("the request body is not valid JSON: {e}"))),
        }
    }

    fn get(&self, name: &str) -> Option<&Value> {
        self.members.get(name).filter(|v| !v.is_null())
    }

    pub fn string(&self, name: &str) -> Result<Option<&str>, KmsError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(type_error(name, "a string")),
        }
    }

    /// A required string; missing -> AWS's "must not be null" validation error.
    pub fn required_string(&self, name: &str) -> Result<&str, KmsError> {
        self.string(name)?.ok_or_else(|| {
            KmsError::validation(constraint_message("null", &member_name(name), "Member must not be null"))
        })
    }

    /// A string of `min ..= max` characters, if present.
    pub fn bounded_string(&self, name: &str, min: usize, max: usize) -> Result<Option<&str>, KmsError> {
        let Some(value) = self.string(name)? else { return Ok(None) };
        check_length(value, name, min, max)?;
        Ok(Some(value))
    }

    pub fn bool(&self, name: &str) -> Result<Option<bool>, KmsError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(type_error(name, "a boolean")),
        }
    }

    pub fn integer(&self, name: &str) -> Result<Option<i64>, KmsError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Number(n)) => n.as_i64().map(Some).ok_or_else(|| type_error(name, "an integer")),
            Some(_) => Err(type_error(name, "an integer")),
        }
    }

    /// An integer in `min ..= max`, if present, with AWS's validation messages.
    pub fn integer_in(&self, name: &str, min: i64, max: i64) -> Result<Option<i64>, KmsError> {
        let Some(n) = self.integer(name)? else { return Ok(None) };
        let member = member_name(name);
        if n < min {
            return Err(KmsError::constraint(
                &n.to_string(),
                &member,
                &format!("Member must have value greater than or equal to {min}"),
            ));
        }
        if n > max {
            return Err(KmsError::constraint(
                &n.to_string(),
                &member,
                &format!("Member must have value less than or equal to {max}"),
            ));
        }
        Ok(Some(n))
    }

    /// A base64 blob, decoded.
    pub fn blob(&self, name: &str) -> Result<Option<Vec<u8>>, KmsError> {
        match self.string(name)? {
            None => Ok(None),
            Some(text) => aws_smithy_types::base64::decode(text)
                .map(Some)
                .map_err(|_| type_error(name, "base64-encoded binary data")),
        }
    }

    /// A map of strings to strings (an encryption context); absent = empty.
    pub fn string_map(&self, name: &str) -> Result<BTreeMap<String, String>, KmsError> {
        match self.get(name) {
            None => Ok(BTreeMap::new()),
            Some(Value::Object(map)) => map
                .iter()
                .map(|(k, v)| match v {
                    Value::String(s) => Ok((k.clone(), s.clone())),
                    _ => Err(type_error(name, "a map of strings to strings")),
                })
                .collect(),
            Some(_) => Err(type_error(name, "a map of strings to strings")),
        }
    }

    /// `[{"TagKey": .., "TagValue": ..}]`; absent = empty.
    pub fn tags(&self, name: &str) -> Result<Vec<(String, String)>, KmsError> {
        match self.get(name) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| {
                    let key = item.get("TagKey").and_then(Value::as_str);
                    let value = item.get("TagValue").and_then(Value::as_str);
                    match (key, value) {
                        (Some(k), Some(v)) => Ok((k.to_string(), v.to_string())),
                        _ => Err(type_error(name, "a list of {\"TagKey\": string, \"TagValue\": string}")),
                    }
                })
                .collect(),
            Some(_) => Err(type_error(name, "a list of tags")),
        }
    }

    /// A list of strings; absent = empty.
    pub fn strings(&self, name: &str) -> Result<Vec<String>, KmsError> {
        match self.get(name) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| v.as_str().map(str::to_string).ok_or_else(|| type_error(name, "a list of strings")))
                .collect(),
            Some(_) => Err(type_error(name, "a list of strings")),
        }
    }
}

/// Length (in characters) within `min ..= max`, with AWS's validation messages.
pub(super) fn check_length(value: &str, name: &str, min: usize, max: usize) -> Result<(), KmsError> {
    let len = value.chars().count();
    let member = member_name(name);
    if len < min {
        return Err(KmsError::constraint(
            value,
            &member,
            &format!("Member must have length greater than or equal to {min}"),
        ));
    }
    if len > max {
        return Err(KmsError::constraint(
            value,
            &member,
            &format!("Member must have length less than or equal to {max}"),
        ));
    }
    Ok(())
}

/// Epoch seconds with fractions, as KMS writes timestamps.
pub(super) fn epoch(t: DateTime<Utc>) -> Value {
    let seconds = t.timestamp() as f64 + f64::from(t.timestamp_subsec_millis()) / 1000.0;
    serde_json::Number::from_f64(seconds).map(Value::Number).unwrap_or(Value::Null)
}

pub(super) fn base64(bytes: &[u8]) -> Value {
    Value::String(aws_smithy_types::base64::encode(bytes))
}

fn with_headers(mut response: Response, request_id: &str) -> Response {
    let headers = response.headers_mut();
    headers.insert("content-type", HeaderValue::from_static(CONTENT_TYPE));
    if let Ok(id) = HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-requestid", id);
    }
    response
}

/// 200 with the output (an empty body for operations without output, as KMS answers them).
pub(super) fn ok(request_id: &str, output: Option<Value>) -> Response {
    let body = output.map(|v| v.to_string()).unwrap_or_default();
    with_headers((StatusCode::OK, body).into_response(), request_id)
}

pub(super) fn error(request_id: &str, e: &KmsError) -> Response {
    let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST);
    let body = json!({"__type": e.code, "message": e.message}).to_string();
    let mut response = with_headers((status, body).into_response(), request_id);
    response.headers_mut().insert("x-amzn-errortype", HeaderValue::from_static(e.code));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_read_with_their_types() {
        let input = Input::parse(
            br#"{"KeyId":"k","Limit":5,"Bypass":true,"Blob":"AAEC","Ctx":{"a":"b"},"Tags":[{"TagKey":"t","TagValue":"v"}],"Null":null}"#,
        )
        .unwrap();
        assert_eq!(input.required_string("KeyId").unwrap(), "k");
        assert_eq!(input.integer("Limit").unwrap(), Some(5));
        assert_eq!(input.bool("Bypass").unwrap(), Some(true));
        assert_eq!(input.blob("Blob").unwrap(), Some(vec![0, 1, 2]));
        assert_eq!(input.string_map("Ctx").unwrap()["a"], "b");
        assert_eq!(input.tags("Tags").unwrap(), [("t".to_string(), "v".to_string())]);
        assert_eq!(input.string("Null").unwrap(), None);
        assert_eq!(input.string("KeyId").unwrap(), Some("k"));
        let e = input.required_string("AliasName").unwrap_err();
        assert_eq!(e.code, "ValidationException");
        assert!(e.message.contains("Value null at 'aliasName'"), "{}", e.message);
        assert_eq!(input.string("Limit").unwrap_err().code, "SerializationException");
        assert_eq!(input.integer("KeyId").unwrap_err().code, "SerializationException");
        let e = input.integer_in("Limit", 7, 30).unwrap_err();
        assert!(e.message.contains("greater than or equal to 7"), "{}", e.message);
    }

    #[test]
    fn bodies_that_are_not_objects_are_serialization_errors() {
        assert!(Input::parse(b"").is_ok());
        assert!(Input::parse(b"  \n").is_ok());
        for bad in [&b"[]"[..], b"\"x\"", b"{", b"\xff\xfe", b"null"] {
            assert_eq!(Input::parse(bad).unwrap_err().code, "SerializationException", "{bad:?}");
        }
        let input = Input::parse(br#"{"Blob":"not base64!!","Ctx":{"a":1},"Tags":[{"TagKey":1}]}"#).unwrap();
        assert!(input.blob("Blob").is_err());
        assert!(input.string_map("Ctx").is_err());
        assert!(input.tags("Tags").is_err());
    }

    #[test]
    fn timestamps_are_epoch_seconds() {
        let t = DateTime::from_timestamp(1_700_000_000, 250_000_000).unwrap();
        assert_eq!(epoch(t), json!(1_700_000_000.25));
    }
}
