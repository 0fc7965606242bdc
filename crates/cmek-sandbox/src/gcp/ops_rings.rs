//! keyRings: create (`keyRingId`), get, list. Key rings cannot be deleted in Cloud KMS.

use serde_json::Value;

use super::call::{Call, list_answer};
use super::errors::{GResult, GoogleError};
use super::iam;
use super::names::{KeyRingName, LocationName, check_id, check_location};
use super::pagination::page;
use super::state::{KeyRing, Policy};
use super::wire::{check_fields, key_ring_json};

pub fn create(call: &mut Call, parent: &LocationName) -> GResult<Value> {
    check_location(&parent.project, &parent.location)?;
    call.on_location(parent, iam::KEY_RINGS_CREATE)?;
    let id = call.req.param("keyRingId").unwrap_or_default().to_string();
    check_id("key_ring_id", &id)?;
    check_fields(&call.req.json()?, "key_ring", &["name", "createTime"])?;
    let name = KeyRingName { parent: parent.clone(), ring: id.clone() };
    if call.state.key_ring(&name).is_some() {
        return Err(GoogleError::already_exists(format!("KeyRing {name} already exists.")));
    }
    let now = call.now;
    let project = call
        .state
        .project_mut(&parent.project)
        .ok_or_else(|| GoogleError::not_found(format!("Project {} not found.", parent.project)))?;
    let ring = KeyRing {
        location: parent.location.clone(),
        key_ring_id: id,
        create_time: now,
        iam_policy: Policy::empty(),
        crypto_keys: Vec::new(),
    };
    let answer = key_ring_json(&name, &ring);
    project.key_rings.push(ring);
    Ok(answer)
}

pub fn get(call: &Call, name: &KeyRingName) -> GResult<Value> {
    check_location(name.project(), &name.parent.location)?;
    call.on_ring(name, iam::KEY_RINGS_GET)?;
    Ok(key_ring_json(name, call.ring(name)?))
}

pub fn list(call: &Call, parent: &LocationName) -> GResult<Value> {
    check_location(&parent.project, &parent.location)?;
    call.on_location(parent, iam::KEY_RINGS_LIST)?;
    let rings: Vec<(KeyRingName, &KeyRing)> = call
        .state
        .project(&parent.project)
        .map(|p| {
            p.key_rings
                .iter()
                .filter(|r| r.location == parent.location)
                .map(|r| (KeyRingName { parent: parent.clone(), ring: r.key_ring_id.clone() }, r))
                .collect()
        })
        .unwrap_or_default();
    let page = page(rings, |(n, _)| n.to_string(), call.req)?;
    let items = page.items.iter().map(|(n, r)| key_ring_json(n, r)).collect();
    Ok(list_answer("keyRings", items, page.next_page_token, page.total_size))
}
