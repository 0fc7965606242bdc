//! `PolicyDocument`: a whole IAM policy (KMS key policy or RCP), parsed tolerantly and printed stably.

use serde_json::{Map, Value};

use super::error::{PolicyError, index_path};
use super::statement::Statement;

/// The policy language version every policy `cmek` writes declares.
pub const POLICY_VERSION: &str = "2012-10-17";

/// A policy document: `Version`, optional `Id`, the statements, and any other top-level fields verbatim.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyDocument {
    pub version: Option<String>,
    pub id: Option<String>,
    statements: Vec<Statement>,
    /// `false` when `Statement` was written as a single object (printed so again while it holds one).
    statement_written_as_list: bool,
    /// Top-level fields this crate does not model, kept verbatim.
    pub extra: Map<String, Value>,
    /// The top-level keys in the order they were written; empty for documents built in code.
    key_order: Vec<String>,
}

impl PolicyDocument {
    /// A new document with `Version: 2012-10-17` and these statements.
    pub fn new(statements: Vec<Statement>) -> PolicyDocument {
        PolicyDocument {
            version: Some(POLICY_VERSION.to_string()),
            id: None,
            statements,
            statement_written_as_list: true,
            extra: Map::new(),
            key_order: Vec::new(),
        }
    }

    /// Parses a policy as AWS accepts it (`Statement` as one object or a list, optional `Version`, ...).
    pub fn parse(json: &str) -> Result<PolicyDocument, PolicyError> {
        let value: Value = serde_json::from_str(json)?;
        PolicyDocument::from_json_value(&value)
    }

    pub fn from_json_value(value: &Value) -> Result<PolicyDocument, PolicyError> {
        let Value::Object(map) = value else {
            return Err(PolicyError::invalid("", "a policy must be a JSON object with a Statement", value));
        };
        let text_field = |key: &str| match map.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(PolicyError::invalid(key, format!("{key} must be a string"), other)),
        };
        let version = text_field("Version")?;
        let id = text_field("Id")?;
        let (statements, statement_written_as_list) = match map.get("Statement") {
            Some(Value::Array(items)) => (
                items
                    .iter()
                    .enumerate()
                    .map(|(i, s)| Statement::from_json_value(s, &index_path("Statement", i)))
                    .collect::<Result<Vec<_>, _>>()?,
                true,
            ),
            Some(single @ Value::Object(_)) => (vec![Statement::from_json_value(single, "Statement")?], false),
            Some(other) => {
                return Err(PolicyError::invalid("Statement", "expected a statement object or a list of them", other));
            }
            None => return Err(PolicyError::missing("Statement", "a policy needs a Statement")),
        };
        let extra = map
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "Version" | "Id" | "Statement"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Ok(PolicyDocument {
            version,
            id,
            statements,
            statement_written_as_list,
            extra,
            key_order: map.keys().cloned().collect(),
        })
    }

    pub fn statements(&self) -> &[Statement] {
        &self.statements
    }

    pub fn statements_mut(&mut self) -> &mut Vec<Statement> {
        &mut self.statements
    }

    /// The same document (Version, Id, other fields, key order) with other statements.
    pub fn with_statements(&self, statements: Vec<Statement>) -> PolicyDocument {
        PolicyDocument { statements, ..self.clone() }
    }

    /// The first statement with this Sid (Sids are compared exactly).
    pub fn statement_by_sid(&self, sid: &str) -> Option<&Statement> {
        self.statements.iter().find(|s| s.sid.as_deref() == Some(sid))
    }

    pub fn to_json_value(&self) -> Value {
        let usual = ["Version", "Id", "Statement"];
        let mut map = Map::new();
        for key in self.key_order.iter().map(String::as_str).chain(usual).chain(self.extra.keys().map(String::as_str)) {
            if map.contains_key(key) {
                continue;
            }
            let value = match key {
                "Version" => self.version.clone().map(Value::String),
                "Id" => self.id.clone().map(Value::String),
                "Statement" => Some(self.statements_json()),
                other => self.extra.get(other).cloned(),
            };
            if let Some(value) = value {
                map.insert(key.to_string(), value);
            }
        }
        Value::Object(map)
    }

    fn statements_json(&self) -> Value {
        match self.statements.as_slice() {
            [single] if !self.statement_written_as_list => single.to_json_value(),
            all => Value::Array(all.iter().map(Statement::to_json_value).collect()),
        }
    }

    /// Pretty JSON with 2-space indentation; stable for a given document (diffs and snapshots rely on it).
    pub fn to_json_pretty(&self) -> String {
        format!("{:#}", self.to_json_value())
    }

    /// Compact JSON, e.g. for an API call.
    pub fn to_json_compact(&self) -> String {
        self.to_json_value().to_string()
    }
}

impl std::str::FromStr for PolicyDocument {
    type Err = PolicyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PolicyDocument::parse(s)
    }
}

/// The JSON path of a statement in a document (used by reports that point at statements).
pub fn statement_path(index: usize) -> String {
    index_path("Statement", index)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_statement_object_and_missing_version_round_trip() {
        let text = r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"}}"#;
        let doc = PolicyDocument::parse(text).unwrap();
        assert_eq!(doc.version, None);
        assert_eq!(doc.to_json_compact(), text);
    }

    #[test]
    fn unknown_top_level_fields_and_order_are_kept() {
        let text = r#"{"Id":"key-consolepolicy-3","Version":"2012-10-17","Statement":[],"x":[1,{"y":true}]}"#;
        let doc = PolicyDocument::parse(text).unwrap();
        assert_eq!(doc.to_json_compact(), text);
        assert_eq!(doc.id.as_deref(), Some("key-consolepolicy-3"));
    }

    #[test]
    fn pretty_output_uses_two_spaces() {
        let doc = PolicyDocument::parse(r#"{"Version":"2012-10-17","Statement":[]}"#).unwrap();
        assert_eq!(doc.to_json_pretty(), "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": []\n}");
    }

    #[test]
    fn errors_name_the_path() {
        let cases = [
            (
                r#"{"Statement":[{"Effect":"Allow","Action":"*"},{"Effect":"Allow","Action":"*"},{"Effect":"Permit","Action":"*"}]}"#,
                "Statement[2].Effect",
            ),
            (r#"{"Statement":{"Effect":"Allow","Action":"*","Principal":{"AWS":7}}}"#, "Statement.Principal.AWS"),
            (r#"{"Version":2012,"Statement":[]}"#, "Version"),
            (r#"{"Statement":"x"}"#, "Statement"),
            (r#"{"Version":"2012-10-17"}"#, "Statement"),
            (r#"[]"#, "the policy document"),
        ];
        for (text, path) in cases {
            let e = PolicyDocument::parse(text).unwrap_err();
            assert_eq!(e.path(), path, "{text}: {e}");
        }
        let e = PolicyDocument::parse("{\"Statement\": [").unwrap_err();
        assert!(matches!(e, PolicyError::Json { line: 1, .. }), "{e}");
    }

    #[test]
    fn garbage_never_panics() {
        for text in ["", "null", "\"*\"", "{", "{\"Statement\":[null]}", "{\"Statement\":[{\"Condition\":1}]}", "\u{0}"]
        {
            assert!(PolicyDocument::parse(text).is_err(), "{text}");
        }
        let deep = "[".repeat(10_000);
        assert!(PolicyDocument::parse(&deep).is_err());
    }
}
