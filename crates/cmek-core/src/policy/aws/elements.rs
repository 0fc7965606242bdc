//! The simple statement elements: `Effect`, `Action`/`NotAction` and `Resource`/`NotResource`.

use super::values::OneOrMany;

/// `Allow` or `Deny`, spelled exactly so (AWS is case-sensitive here).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Effect {
    Allow,
    Deny,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

/// `Action` (the actions it covers) or `NotAction` (every action except these).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionElement {
    Action(OneOrMany<String>),
    NotAction(OneOrMany<String>),
}

impl ActionElement {
    pub fn values(&self) -> &OneOrMany<String> {
        match self {
            ActionElement::Action(v) | ActionElement::NotAction(v) => v,
        }
    }
    pub fn is_negated(&self) -> bool {
        matches!(self, ActionElement::NotAction(_))
    }
    pub(crate) fn json_key(&self) -> &'static str {
        if self.is_negated() { "NotAction" } else { "Action" }
    }
}

/// `Resource` (the resources it covers) or `NotResource` (every resource except these).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResourceElement {
    Resource(OneOrMany<String>),
    NotResource(OneOrMany<String>),
}

impl ResourceElement {
    pub fn values(&self) -> &OneOrMany<String> {
        match self {
            ResourceElement::Resource(v) | ResourceElement::NotResource(v) => v,
        }
    }
    pub fn is_negated(&self) -> bool {
        matches!(self, ResourceElement::NotResource(_))
    }
    pub(crate) fn json_key(&self) -> &'static str {
        if self.is_negated() { "NotResource" } else { "Resource" }
    }
}
