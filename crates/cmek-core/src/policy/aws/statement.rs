//! One policy statement: typed elements, unknown fields kept, and the written key order kept.
//!
//! Printing walks the keys in the order they were read, so a customer's statement prints back
//! with the same shape; statements built in code print in AWS's usual order.

use serde_json::{Map, Value};

use super::condition::Condition;
pub use super::elements::{ActionElement, Effect, ResourceElement};
use super::error::{PolicyError, child_path};
use super::principal::{PrincipalElement, Principals};
use super::values::{parse_strings, strings_to_json};

/// One statement of a policy document.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub sid: Option<String>,
    pub effect: Effect,
    pub principal: Option<PrincipalElement>,
    pub action: ActionElement,
    pub resource: Option<ResourceElement>,
    pub condition: Option<Condition>,
    /// Fields this crate does not model, kept verbatim so nothing a customer wrote is dropped.
    pub extra: Map<String, Value>,
    /// The keys in the order they were written; empty for statements built in code.
    key_order: Vec<String>,
}

/// Where a JSON key's value comes from when printing.
#[derive(PartialEq)]
enum Slot {
    Sid,
    Effect,
    Principal,
    Action,
    Resource,
    Condition,
    Extra(String),
}

fn slot_of(key: &str) -> Slot {
    match key {
        "Sid" => Slot::Sid,
        "Effect" => Slot::Effect,
        "Principal" | "NotPrincipal" => Slot::Principal,
        "Action" | "NotAction" => Slot::Action,
        "Resource" | "NotResource" => Slot::Resource,
        "Condition" => Slot::Condition,
        other => Slot::Extra(other.to_string()),
    }
}

impl Statement {
    /// A statement built in code; printed in the usual order Sid, Effect, Principal, Action, Resource, Condition.
    pub fn new(effect: Effect, action: ActionElement) -> Statement {
        Statement {
            sid: None,
            effect,
            principal: None,
            action,
            resource: None,
            condition: None,
            extra: Map::new(),
            key_order: Vec::new(),
        }
    }

    pub fn with_sid(mut self, sid: impl Into<String>) -> Statement {
        self.sid = Some(sid.into());
        self
    }

    pub fn with_principal(mut self, principal: PrincipalElement) -> Statement {
        self.principal = Some(principal);
        self
    }

    pub fn with_resource(mut self, resource: ResourceElement) -> Statement {
        self.resource = Some(resource);
        self
    }

    pub fn with_condition(mut self, condition: Condition) -> Statement {
        self.condition = Some(condition);
        self
    }

    /// The `Principal` element's principals, if the statement uses `Principal` (not `NotPrincipal`).
    pub fn principals(&self) -> Option<&Principals> {
        match &self.principal {
            Some(PrincipalElement::Principal(p)) => Some(p),
            _ => None,
        }
    }

    /// The condition, treating an empty `Condition: {}` like no condition.
    pub fn effective_condition(&self) -> Option<&Condition> {
        self.condition.as_ref().filter(|c| !c.is_empty())
    }

    /// Parses one statement; `path` (e.g. `Statement[2]`) prefixes every error.
    pub fn from_json_value(value: &Value, path: &str) -> Result<Statement, PolicyError> {
        let Value::Object(map) = value else {
            return Err(PolicyError::invalid(path, "a statement must be a JSON object", value));
        };
        let field = |key: &str| map.get(key).map(|v| (v, child_path(path, key)));

        let sid = match field("Sid") {
            None => None,
            Some((Value::String(s), _)) => Some(s.clone()),
            Some((other, p)) => return Err(PolicyError::invalid(&p, "Sid must be a string", other)),
        };
        let effect = match field("Effect") {
            Some((Value::String(s), _)) if s == "Allow" => Effect::Allow,
            Some((Value::String(s), _)) if s == "Deny" => Effect::Deny,
            Some((other, p)) => {
                return Err(PolicyError::invalid(
                    &p,
                    "Effect must be \"Allow\" or \"Deny\" (exactly so spelled)",
                    other,
                ));
            }
            None => return Err(PolicyError::missing(&child_path(path, "Effect"), "every statement needs an Effect")),
        };
        let principal = match (field("Principal"), field("NotPrincipal")) {
            (Some(_), Some((v, p))) => {
                return Err(PolicyError::invalid(&p, "a statement cannot have both Principal and NotPrincipal", v));
            }
            (Some((v, p)), None) => Some(PrincipalElement::Principal(Principals::parse(v, &p)?)),
            (None, Some((v, p))) => Some(PrincipalElement::NotPrincipal(Principals::parse(v, &p)?)),
            (None, None) => None,
        };
        let action = match (field("Action"), field("NotAction")) {
            (Some(_), Some((v, p))) => {
                return Err(PolicyError::invalid(&p, "a statement cannot have both Action and NotAction", v));
            }
            (Some((v, p)), None) => ActionElement::Action(parse_strings(v, &p, "action")?),
            (None, Some((v, p))) => ActionElement::NotAction(parse_strings(v, &p, "action")?),
            (None, None) => {
                return Err(PolicyError::missing(
                    &child_path(path, "Action"),
                    "every statement needs Action or NotAction",
                ));
            }
        };
        let resource = match (field("Resource"), field("NotResource")) {
            (Some(_), Some((v, p))) => {
                return Err(PolicyError::invalid(&p, "a statement cannot have both Resource and NotResource", v));
            }
            (Some((v, p)), None) => Some(ResourceElement::Resource(parse_strings(v, &p, "resource")?)),
            (None, Some((v, p))) => Some(ResourceElement::NotResource(parse_strings(v, &p, "resource")?)),
            (None, None) => None,
        };
        let condition = match field("Condition") {
            Some((v, p)) => Some(Condition::parse(v, &p)?),
            None => None,
        };
        let extra = map
            .iter()
            .filter(|(k, _)| matches!(slot_of(k), Slot::Extra(_)))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Ok(Statement {
            sid,
            effect,
            principal,
            action,
            resource,
            condition,
            extra,
            key_order: map.keys().cloned().collect(),
        })
    }

    /// Prints the statement, keys in the order they were read (new keys after them, in the usual order).
    pub fn to_json_value(&self) -> Value {
        let usual = ["Sid", "Effect", "Principal", "Action", "Resource", "Condition"];
        let order = self
            .key_order
            .iter()
            .map(String::as_str)
            .chain(usual)
            .map(slot_of)
            .chain(self.extra.keys().map(|k| Slot::Extra(k.clone())));
        let mut printed: Vec<Slot> = Vec::new();
        let mut map = Map::new();
        for slot in order {
            if printed.contains(&slot) {
                continue;
            }
            self.print_slot(&slot, &mut map);
            printed.push(slot);
        }
        Value::Object(map)
    }

    fn print_slot(&self, slot: &Slot, map: &mut Map<String, Value>) {
        match slot {
            Slot::Sid => {
                if let Some(sid) = &self.sid {
                    map.insert("Sid".into(), Value::String(sid.clone()));
                }
            }
            Slot::Effect => {
                map.insert("Effect".into(), Value::String(self.effect.as_str().into()));
            }
            Slot::Principal => {
                if let Some(p) = &self.principal {
                    map.insert(p.json_key().into(), p.principals().to_json());
                }
            }
            Slot::Action => {
                map.insert(self.action.json_key().into(), strings_to_json(self.action.values()));
            }
            Slot::Resource => {
                if let Some(r) = &self.resource {
                    map.insert(r.json_key().into(), strings_to_json(r.values()));
                }
            }
            Slot::Condition => {
                if let Some(c) = &self.condition {
                    map.insert("Condition".into(), c.to_json());
                }
            }
            Slot::Extra(key) => {
                if let Some(v) = self.extra.get(key) {
                    map.insert(key.clone(), v.clone());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::aws::values::OneOrMany;
    use serde_json::json;

    #[test]
    fn customer_shape_and_order_round_trip() {
        let v = json!({
            "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}},
            "Resource": "*",
            "Action": ["kms:CreateGrant"],
            "Principal": {"AWS": ["arn:aws:iam::111122223333:role/app"]},
            "Effect": "Allow",
            "Sid": "Allow attachment of persistent resources",
            "x-note": {"owner": "platform"}
        });
        let s = Statement::from_json_value(&v, "Statement[0]").unwrap();
        assert_eq!(serde_json::to_string(&s.to_json_value()).unwrap(), serde_json::to_string(&v).unwrap());
        assert_eq!(s.extra.get("x-note"), Some(&json!({"owner": "platform"})));
    }

    #[test]
    fn switching_to_not_element_keeps_the_slot() {
        let v = json!({"Effect": "Deny", "Action": "kms:*", "Principal": "*", "Resource": "*"});
        let mut s = Statement::from_json_value(&v, "S").unwrap();
        s.action = ActionElement::NotAction(OneOrMany::one("kms:Decrypt".into()));
        let keys: Vec<String> = s.to_json_value().as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, ["Effect", "NotAction", "Principal", "Resource"]);
    }

    #[test]
    fn errors_name_path_and_value() {
        let e = Statement::from_json_value(&json!({"Effect": "allow", "Action": "*"}), "Statement[2]").unwrap_err();
        assert_eq!(e.path(), "Statement[2].Effect");
        assert!(e.to_string().contains("\"allow\""), "{e}");
        let e = Statement::from_json_value(&json!({"Effect": "Allow"}), "Statement[0]").unwrap_err();
        assert_eq!(e.path(), "Statement[0].Action");
        let e =
            Statement::from_json_value(&json!({"Effect": "Allow", "Action": "*", "NotAction": "x"}), "S").unwrap_err();
        assert_eq!(e.path(), "S.NotAction");
        let e = Statement::from_json_value(&json!({"Sid": 3, "Effect": "Allow", "Action": "*"}), "S").unwrap_err();
        assert_eq!(e.path(), "S.Sid");
        assert!(Statement::from_json_value(&json!("Allow"), "S").is_err());
    }

    #[test]
    fn built_statements_print_in_the_usual_order() {
        let s = Statement::new(Effect::Allow, ActionElement::Action(OneOrMany::one("kms:*".into())))
            .with_resource(ResourceElement::Resource(OneOrMany::one("*".into())))
            .with_principal(PrincipalElement::Principal(Principals::Everyone))
            .with_sid("A");
        let keys: Vec<String> = s.to_json_value().as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, ["Sid", "Effect", "Principal", "Action", "Resource"]);
    }
}
