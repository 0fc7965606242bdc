//! Reads what an existing key policy already grants Anthropic, so a merge keeps every organisation
//! and workspace the key already serves instead of silently dropping one.

use serde_json::Value;

use crate::model::{CompartmentId, OrgUuid};
use crate::policy::aws::PolicyDocument;
use crate::policy::aws::render::SID_CRYPTO;

/// Values found in the existing `AllowAnthropicCMEKCrypto` statement.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExistingGrant {
    pub org_uuids: Vec<OrgUuid>,
    pub compartments: Vec<CompartmentId>,
    /// Values that are not UUIDs (placeholders such as `<compartment-uuid>`), dropped on merge.
    pub unusable_values: Vec<String>,
    /// Whether the statement meant to pin compartments (a compartment condition, usable or not).
    pub pins_compartments: bool,
}

const ORG_KEY: &str = "kms:encryptioncontext:anthropic:org_uuid";
const COMPARTMENT_KEY: &str = "kms:encryptioncontext:anthropic:compartment_uuid";

pub fn read(policy: &PolicyDocument) -> ExistingGrant {
    let mut out = ExistingGrant::default();
    let Ok(doc) = serde_json::from_str::<Value>(&policy.to_json_pretty()) else { return out };
    let statements = match doc.get("Statement") {
        Some(Value::Array(list)) => list.clone(),
        Some(one @ Value::Object(_)) => vec![one.clone()],
        _ => return out,
    };
    for st in statements.iter().filter(|s| s.get("Sid").and_then(Value::as_str) == Some(SID_CRYPTO)) {
        let Some(Value::Object(ops)) = st.get("Condition") else { continue };
        for block in ops.values() {
            let Value::Object(keys) = block else { continue };
            for (key, values) in keys {
                let lower = key.to_ascii_lowercase();
                for v in strings(values) {
                    if lower == ORG_KEY {
                        match v.parse::<OrgUuid>() {
                            Ok(o) if !out.org_uuids.contains(&o) => out.org_uuids.push(o),
                            Ok(_) => {}
                            Err(_) => out.unusable_values.push(v),
                        }
                    } else if lower == COMPARTMENT_KEY {
                        out.pins_compartments = true;
                        match v.parse::<CompartmentId>() {
                            Ok(c) if !out.compartments.contains(&c) => out.compartments.push(c),
                            Ok(_) => {}
                            Err(_) => out.unusable_values.push(v),
                        }
                    }
                }
            }
        }
    }
    out
}

fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items.iter().filter_map(|i| i.as_str().map(str::to_string)).collect(),
        _ => Vec::new(),
    }
}
