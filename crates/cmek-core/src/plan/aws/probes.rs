//! Typed helpers over `policy::anthropic` for the planner's predictions of validation.

use std::collections::BTreeMap;

use crate::model::{CompartmentId, OrgUuid};
pub use crate::policy::aws::anthropic::{encryption_context, request as anthropic_request};

/// A deterministic UUID that is certainly not `not`, for negative probes.
pub fn wrong_uuid(not: &str) -> String {
    let a = "00000000-0000-4000-8000-000000000001";
    let b = "00000000-0000-4000-8000-000000000002";
    if not == a { b.to_string() } else { a.to_string() }
}

pub fn context_for(org: &OrgUuid, compartment: Option<&CompartmentId>) -> BTreeMap<String, String> {
    encryption_context(&org.to_string(), compartment.map(|c| c.to_string()).as_deref())
}
