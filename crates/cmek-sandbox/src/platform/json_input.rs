//! Reading request bodies field by field, so every 400 names the field and the value it got.
//!
//! Like the real API, unknown fields are refused ("Extra inputs are not permitted"); `null` and
//! absent are told apart because an update treats them differently. No business rules here.

use serde_json::{Map, Value};

use super::error::{ApiError, ApiResult, shown};

/// A JSON body that must be an object; an empty body counts as `{}` where `empty_ok`.
pub fn parse_object(bytes: &[u8], empty_ok: bool) -> ApiResult<Map<String, Value>> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return if empty_ok {
            Ok(Map::new())
        } else {
            Err(ApiError::invalid("the request body is empty; send a JSON object"))
        };
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(ApiError::invalid(format!("the request body must be a JSON object, got {}", kind_of(&other)))),
        Err(e) => Err(ApiError::invalid(format!("the request body is not valid JSON: {e}"))),
    }
}

/// A field as the request had it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field<T> {
    Absent,
    Null,
    Given(T),
}

impl<T> Field<T> {
    /// `null` and absent both mean "not given".
    pub fn given(self) -> Option<T> {
        match self {
            Field::Given(v) => Some(v),
            _ => None,
        }
    }
}

/// The fields of one JSON object, named with their path (`provider_config.kms_arn`).
pub struct Fields<'a> {
    prefix: String,
    map: &'a Map<String, Value>,
}

impl<'a> Fields<'a> {
    /// Refuses any field not in `allowed`, naming it.
    pub fn new(prefix: &str, map: &'a Map<String, Value>, allowed: &[&str]) -> ApiResult<Self> {
        let fields = Self { prefix: prefix.to_string(), map };
        if let Some(extra) = map.keys().find(|k| !allowed.contains(&k.as_str())) {
            return Err(ApiError::invalid(format!(
                "`{}`: Extra inputs are not permitted (allowed fields: {})",
                fields.path(extra),
                allowed.join(", ")
            )));
        }
        Ok(fields)
    }

    pub fn path(&self, name: &str) -> String {
        format!("{}{}", self.prefix, name)
    }

    fn raw(&self, name: &str) -> Field<&'a Value> {
        match self.map.get(name) {
            None => Field::Absent,
            Some(Value::Null) => Field::Null,
            Some(v) => Field::Given(v),
        }
    }

    fn wrong_type(&self, name: &str, expected: &str, got: &Value) -> ApiError {
        ApiError::invalid(format!("`{}` must be {expected}, got {}", self.path(name), describe(got)))
    }

    pub fn str(&self, name: &str) -> ApiResult<Field<&'a str>> {
        match self.raw(name) {
            Field::Given(Value::String(s)) => Ok(Field::Given(s.as_str())),
            Field::Given(other) => Err(self.wrong_type(name, "a string", other)),
            Field::Null => Ok(Field::Null),
            Field::Absent => Ok(Field::Absent),
        }
    }

    pub fn required_str(&self, name: &str) -> ApiResult<&'a str> {
        match self.str(name)? {
            Field::Given(s) => Ok(s),
            Field::Null => Err(ApiError::invalid(format!("`{}` must be a string, got null", self.path(name)))),
            Field::Absent => Err(ApiError::invalid(format!("`{}`: Field required", self.path(name)))),
        }
    }

    pub fn object(&self, name: &str) -> ApiResult<Field<&'a Map<String, Value>>> {
        match self.raw(name) {
            Field::Given(Value::Object(m)) => Ok(Field::Given(m)),
            Field::Given(other) => Err(self.wrong_type(name, "an object", other)),
            Field::Null => Ok(Field::Null),
            Field::Absent => Ok(Field::Absent),
        }
    }

    pub fn value(&self, name: &str) -> Field<&'a Value> {
        self.raw(name)
    }
}

/// "a number (5)", "an object", ...: what a value is, for messages.
pub fn describe(v: &Value) -> String {
    match v {
        Value::String(s) => format!("the string `{}`", shown(s)),
        Value::Number(n) => format!("the number {n}"),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Null => "null".to_string(),
        Value::Array(_) => "an array".to_string(),
        Value::Object(_) => "an object".to_string(),
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "a string",
        Value::Number(_) => "a number",
        Value::Bool(_) => "a boolean",
        Value::Null => "null",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_named_in_errors() {
        let map = parse_object(br#"{"display_name": 5, "geo": null}"#, false).unwrap();
        let f = Fields::new("", &map, &["display_name", "geo", "x"]).unwrap();
        let e = f.str("display_name").unwrap_err();
        assert!(e.message.contains("`display_name` must be a string, got the number 5"), "{}", e.message);
        assert_eq!(f.str("geo").unwrap(), Field::Null);
        assert_eq!(f.str("x").unwrap(), Field::Absent);
        assert!(f.required_str("x").unwrap_err().message.contains("`x`: Field required"));
    }

    #[test]
    fn unknown_fields_and_bad_json_are_refused() {
        let map = parse_object(br#"{"nope": 1}"#, false).unwrap();
        let e = Fields::new("provider_config.", &map, &["type"]).err().unwrap();
        assert!(e.message.contains("`provider_config.nope`: Extra inputs"), "{}", e.message);
        assert!(parse_object(b"{", false).unwrap_err().message.contains("not valid JSON"));
        assert!(parse_object(b"[1]", false).unwrap_err().message.contains("got an array"));
        assert!(parse_object(b"", false).is_err());
        assert!(parse_object(b" ", true).unwrap().is_empty());
    }
}
