//! Structural template substitution: placeholders are whole JSON string values, replaced after parsing.
//!
//! Never string concatenation: a value can only ever land where the template author put a
//! placeholder, as a complete JSON string or list, so no input can change a policy's structure.
//! The format is documented in `policies/README.md`.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// What a placeholder is replaced with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TemplateValue {
    Text(String),
    List(Vec<String>),
}

/// A template that does not follow the format (a build defect: templates are compiled in and tested).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("policy template {template}: {problem}")]
pub struct TemplateError {
    pub template: String,
    pub problem: String,
}

struct Placeholder<'a> {
    name: &'a str,
    optional: bool,
}

fn placeholder(text: &str) -> Option<Placeholder<'_>> {
    let inner = text.strip_prefix("{{")?.strip_suffix("}}")?;
    match inner.strip_suffix('?') {
        Some(name) => Some(Placeholder { name, optional: true }),
        None => Some(Placeholder { name: inner, optional: false }),
    }
}

/// Replaces every placeholder in `template` (already parsed JSON) with its value.
pub(crate) fn substitute(
    name: &str,
    template: &Value,
    vars: &BTreeMap<&str, TemplateValue>,
) -> Result<Value, TemplateError> {
    let fail = |problem: String| TemplateError { template: name.to_string(), problem };
    match substitute_value(template, vars, "").map_err(fail)? {
        Some(v) => Ok(v),
        None => Err(TemplateError { template: name.to_string(), problem: "the whole template rendered empty".into() }),
    }
}

/// `Ok(None)` means "remove the member holding this value" (an empty optional list).
fn substitute_value(value: &Value, vars: &BTreeMap<&str, TemplateValue>, at: &str) -> Result<Option<Value>, String> {
    match value {
        Value::String(s) => substitute_string(s, vars, at),
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, member) in map {
                if let Some(v) = substitute_value(member, vars, &format!("{at}/{key}"))? {
                    out.insert(key.clone(), v);
                }
            }
            if out.is_empty() && !map.is_empty() { Ok(None) } else { Ok(Some(Value::Object(out))) }
        }
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let item_at = format!("{at}/{i}");
                if matches!(item, Value::String(s) if s.contains("{{")) {
                    return Err(format!("{item_at}: placeholders may only be object member values, not list items"));
                }
                match substitute_value(item, vars, &item_at)? {
                    Some(v) => out.push(v),
                    None => return Err(format!("{item_at}: a list item cannot render empty")),
                }
            }
            Ok(Some(Value::Array(out)))
        }
        other => Ok(Some(other.clone())),
    }
}

fn substitute_string(s: &str, vars: &BTreeMap<&str, TemplateValue>, at: &str) -> Result<Option<Value>, String> {
    let Some(ph) = placeholder(s) else {
        if s.contains("{{") || s.contains("}}") {
            return Err(format!("{at}: `{s}` embeds a placeholder in text; a placeholder must be the whole value"));
        }
        return Ok(Some(Value::String(s.to_string())));
    };
    match vars.get(ph.name) {
        None => Err(format!("{at}: unknown placeholder `{{{{{}}}}}`", ph.name)),
        Some(TemplateValue::Text(t)) if t.is_empty() && ph.optional => Ok(None),
        Some(TemplateValue::Text(t)) => Ok(Some(Value::String(t.clone()))),
        Some(TemplateValue::List(items)) if items.is_empty() && ph.optional => Ok(None),
        Some(TemplateValue::List(items)) => Ok(Some(Value::Array(items.iter().cloned().map(Value::String).collect()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn vars() -> BTreeMap<&'static str, TemplateValue> {
        BTreeMap::from([
            ("arn", TemplateValue::Text("arn:aws:iam::111122223333:root".into())),
            ("ids", TemplateValue::List(vec!["a".into(), "b".into()])),
            ("none", TemplateValue::List(vec![])),
        ])
    }

    #[test]
    fn placeholders_become_strings_and_lists() {
        let t = json!({"P": {"AWS": "{{arn}}"}, "C": {"StringEquals": {"k": "{{ids}}"}}, "A": ["kms:Encrypt"]});
        let out = substitute("t", &t, &vars()).unwrap();
        assert_eq!(
            out,
            json!({"P": {"AWS": "arn:aws:iam::111122223333:root"}, "C": {"StringEquals": {"k": ["a", "b"]}}, "A": ["kms:Encrypt"]})
        );
    }

    #[test]
    fn empty_optional_list_removes_its_member_and_emptied_parents() {
        let t = json!({"C": {"StringEquals": {"k": "{{ids}}"}, "StringEqualsIfExists": {"c": "{{none?}}"}}});
        assert_eq!(substitute("t", &t, &vars()).unwrap(), json!({"C": {"StringEquals": {"k": ["a", "b"]}}}));
        let t = json!({"Sid": "x", "Condition": {"StringEqualsIfExists": {"c": "{{none?}}"}}});
        assert_eq!(substitute("t", &t, &vars()).unwrap(), json!({"Sid": "x"}));
    }

    #[test]
    fn empty_required_list_stays_an_empty_list() {
        let t = json!({"k": "{{none}}"});
        assert_eq!(substitute("t", &t, &vars()).unwrap(), json!({"k": []}));
    }

    #[test]
    fn malformed_templates_are_refused() {
        for t in [
            json!({"k": "arn:aws:iam::{{account}}:root"}),
            json!({"k": "{{nope}}"}),
            json!({"k": ["{{ids}}"]}),
            json!({"k": "x}}"}),
            json!("{{none?}}"),
        ] {
            assert!(substitute("t", &t, &vars()).is_err(), "{t}");
        }
    }
}
