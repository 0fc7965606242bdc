//! `OneOrMany`: an element AWS accepts either as one value or as a list, remembering which it was.
//!
//! Keeping the written shape lets a customer's statement print back exactly as it was read.

use serde_json::Value;

use super::error::{PolicyError, index_path};

/// One value or a list of values, as written in the policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OneOrMany<T> {
    values: Vec<T>,
    written_as_list: bool,
}

impl<T> OneOrMany<T> {
    /// A single value, printed without brackets.
    pub fn one(value: T) -> Self {
        Self { values: vec![value], written_as_list: false }
    }

    /// A list, printed with brackets even when it holds one value.
    pub fn many(values: Vec<T>) -> Self {
        Self { values, written_as_list: true }
    }

    pub fn as_slice(&self) -> &[T] {
        &self.values
    }

    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.values.iter()
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Whether the policy wrote this element as a JSON list.
    pub fn is_list(&self) -> bool {
        self.written_as_list
    }

    /// Prints in the written shape: a lone value without brackets unless it was written as a list.
    pub(crate) fn to_json(&self, one: impl Fn(&T) -> Value) -> Value {
        match self.values.as_slice() {
            [single] if !self.written_as_list => one(single),
            all => Value::Array(all.iter().map(one).collect()),
        }
    }
}

impl<'a, T> IntoIterator for &'a OneOrMany<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.values.iter()
    }
}

/// Reads a string or a list of strings (Action, Resource, principal values, ...).
pub(crate) fn parse_strings(value: &Value, path: &str, what: &str) -> Result<OneOrMany<String>, PolicyError> {
    match value {
        Value::String(s) => Ok(OneOrMany::one(s.clone())),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| match item {
                Value::String(s) => Ok(s.clone()),
                other => {
                    Err(PolicyError::invalid(&index_path(path, i), format!("each {what} must be a string"), other))
                }
            })
            .collect::<Result<Vec<_>, _>>()
            .map(OneOrMany::many),
        other => Err(PolicyError::invalid(path, format!("expected a {what} string or a list of them"), other)),
    }
}

/// Prints a list of strings in its written shape.
pub(crate) fn strings_to_json(values: &OneOrMany<String>) -> Value {
    values.to_json(|s| Value::String(s.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_is_kept() {
        let one = parse_strings(&serde_json::json!("kms:Encrypt"), "Action", "action").unwrap();
        assert!(!one.is_list());
        assert_eq!(strings_to_json(&one), serde_json::json!("kms:Encrypt"));
        let list = parse_strings(&serde_json::json!(["kms:Encrypt"]), "Action", "action").unwrap();
        assert!(list.is_list());
        assert_eq!(strings_to_json(&list), serde_json::json!(["kms:Encrypt"]));
    }

    #[test]
    fn bad_item_names_its_index() {
        let e = parse_strings(&serde_json::json!(["kms:Encrypt", 7]), "Statement[0].Action", "action").unwrap_err();
        assert_eq!(e.path(), "Statement[0].Action[1]");
        assert!(e.to_string().contains("found 7"), "{e}");
    }
}
