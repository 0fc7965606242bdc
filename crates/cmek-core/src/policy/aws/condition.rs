//! The `Condition` element: operator -> key -> values, in written order, with the values' JSON types.
//!
//! This is the model only: parsing and printing. Operator names are `operator`'s; evaluating a
//! condition against a request is `eval::conditions`' job.

use serde_json::{Map, Value};

use super::error::{PolicyError, child_path, index_path};
use super::operator::ConditionOperator;
use super::values::OneOrMany;

/// One condition value. AWS compares them as strings; the JSON type is kept so printing round-trips.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConditionValue {
    String(String),
    Bool(bool),
    Number(serde_json::Number),
}

impl ConditionValue {
    /// The string AWS compares (`true` and `"true"` mean the same).
    pub fn as_policy_string(&self) -> String {
        match self {
            ConditionValue::String(s) => s.clone(),
            ConditionValue::Bool(b) => b.to_string(),
            ConditionValue::Number(n) => n.to_string(),
        }
    }

    fn parse(value: &Value, path: &str) -> Result<ConditionValue, PolicyError> {
        match value {
            Value::String(s) => Ok(ConditionValue::String(s.clone())),
            Value::Bool(b) => Ok(ConditionValue::Bool(*b)),
            Value::Number(n) => Ok(ConditionValue::Number(n.clone())),
            other => {
                Err(PolicyError::invalid(path, "a condition value must be a string, a boolean or a number", other))
            }
        }
    }

    fn to_json(&self) -> Value {
        match self {
            ConditionValue::String(s) => Value::String(s.clone()),
            ConditionValue::Bool(b) => Value::Bool(*b),
            ConditionValue::Number(n) => Value::Number(n.clone()),
        }
    }
}

impl From<&str> for ConditionValue {
    fn from(s: &str) -> Self {
        ConditionValue::String(s.to_string())
    }
}

/// `"<context key>": value-or-list` under one operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionEntry {
    pub key: String,
    pub values: OneOrMany<ConditionValue>,
}

/// `"<operator>": { key: values, ... }`, with the operator exactly as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionBlock {
    pub operator: String,
    pub entries: Vec<ConditionEntry>,
}

/// A statement's `Condition` element. Blocks and entries are AND'ed; values within an entry are OR'ed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Condition {
    pub blocks: Vec<ConditionBlock>,
}

impl Condition {
    pub fn is_empty(&self) -> bool {
        self.blocks.iter().all(|b| b.entries.is_empty())
    }

    /// Every `(operator, entry)` pair, in written order.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &ConditionEntry)> {
        self.blocks.iter().flat_map(|b| b.entries.iter().map(move |e| (b.operator.as_str(), e)))
    }

    /// Operators this crate does not know; AWS rejects them, and the evaluator never matches them.
    pub fn unknown_operators(&self) -> impl Iterator<Item = &str> {
        self.blocks.iter().map(|b| b.operator.as_str()).filter(|op| ConditionOperator::parse(op).is_none())
    }

    pub(crate) fn parse(value: &Value, path: &str) -> Result<Condition, PolicyError> {
        let Value::Object(operators) = value else {
            return Err(PolicyError::invalid(path, "expected a map of condition operators", value));
        };
        let mut blocks = Vec::with_capacity(operators.len());
        for (operator, keys) in operators {
            let op_path = child_path(path, operator);
            let Value::Object(keys) = keys else {
                return Err(PolicyError::invalid(&op_path, "expected a map of condition keys to values", keys));
            };
            let mut entries = Vec::with_capacity(keys.len());
            for (key, values) in keys {
                let key_path = child_path(&op_path, key);
                let values = match values {
                    Value::Array(items) => OneOrMany::many(
                        items
                            .iter()
                            .enumerate()
                            .map(|(i, v)| ConditionValue::parse(v, &index_path(&key_path, i)))
                            .collect::<Result<Vec<_>, _>>()?,
                    ),
                    single => OneOrMany::one(ConditionValue::parse(single, &key_path)?),
                };
                entries.push(ConditionEntry { key: key.clone(), values });
            }
            blocks.push(ConditionBlock { operator: operator.clone(), entries });
        }
        Ok(Condition { blocks })
    }

    pub(crate) fn to_json(&self) -> Value {
        let mut operators = Map::new();
        for block in &self.blocks {
            let mut keys = Map::new();
            for entry in &block.entries {
                keys.insert(entry.key.clone(), entry.values.to_json(ConditionValue::to_json));
            }
            operators.insert(block.operator.clone(), Value::Object(keys));
        }
        Value::Object(operators)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_of_every_json_type_round_trip() {
        let v = json!({
            "StringEquals": {"kms:EncryptionContext:anthropic:org_uuid": "x", "a:b": ["1", "2"]},
            "Bool": {"aws:SecureTransport": true},
            "NumericLessThan": {"aws:MultiFactorAuthAge": 3600, "n": [1.5, "2"]}
        });
        let c = Condition::parse(&v, "Condition").unwrap();
        assert_eq!(c.to_json(), v);
        assert_eq!(c.entries().count(), 5);
    }

    #[test]
    fn bad_values_name_the_path() {
        let e = Condition::parse(&json!({"StringEquals": {"k": null}}), "Statement[0].Condition").unwrap_err();
        assert_eq!(e.path(), "Statement[0].Condition.StringEquals.k");
        let e = Condition::parse(&json!({"StringEquals": {"k": ["a", {"b": 1}]}}), "C").unwrap_err();
        assert_eq!(e.path(), "C.StringEquals.k[1]");
        assert!(Condition::parse(&json!({"StringEquals": "k"}), "C").is_err());
        assert!(Condition::parse(&json!([]), "C").is_err());
    }

    #[test]
    fn unknown_operators_are_listed() {
        let c = Condition::parse(&json!({"StringEquals": {}, "StringEqualsAnyCase": {"k": "v"}}), "C").unwrap();
        assert_eq!(c.unknown_operators().collect::<Vec<_>>(), vec!["StringEqualsAnyCase"]);
    }
}
