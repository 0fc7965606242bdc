//! The join: workspaces to the keys they use, every key's health by the rules in `mod.rs`, and
//! the table's rows (each workspace, live before archived, then each key no listed workspace
//! uses).

use std::collections::BTreeMap;

use super::{Health, KeyStatus, Row, StatusFacts, Validation, WorkspaceStatus};
use crate::clouds;

/// The health of a key, from whether it is in use and its newest validation.
pub fn key_health(in_use: bool, newest: Option<&Validation>) -> Health {
    match (in_use, newest.map(|v| v.passed)) {
        (_, Some(true)) => Health::Ok,
        (true, Some(false)) => Health::Failing,
        (true, None) => Health::Unchecked,
        (false, _) => Health::Orphan,
    }
}

pub fn join(facts: &StatusFacts) -> (Vec<WorkspaceStatus>, Vec<KeyStatus>, Vec<Row>) {
    let mut keys: Vec<KeyStatus> = facts
        .keys
        .iter()
        .map(|k| KeyStatus {
            id: k.id.clone(),
            display_name: k.display_name.clone(),
            listed: true,
            provider: Some(k.config.provider.clone()),
            coordinates: clouds::coordinates(&k.config),
            attached: Some(k.attached),
            used_by: Vec::new(),
            last: None,
            fresh: None,
            health: Health::Unchecked,
        })
        .collect();
    let mut index: BTreeMap<String, usize> = keys.iter().enumerate().map(|(i, k)| (k.id.clone(), i)).collect();

    // A workspace may name a key the listing did not return: it gets a row of its own.
    for w in &facts.workspaces {
        let Some(id) = &w.external_key_id else { continue };
        let i = *index.entry(id.clone()).or_insert_with(|| {
            keys.push(KeyStatus {
                id: id.clone(),
                display_name: None,
                listed: false,
                provider: None,
                coordinates: None,
                attached: None,
                used_by: Vec::new(),
                last: None,
                fresh: None,
                health: Health::Unchecked,
            });
            keys.len() - 1
        });
        keys[i].used_by.push(w.id.clone());
    }

    for key in &mut keys {
        key.last = facts.history.get(&key.id).cloned();
        key.fresh = facts.fresh.get(&key.id).cloned();
        key.health = key_health(key.in_use(), key.newest());
    }

    let workspaces: Vec<WorkspaceStatus> = facts
        .workspaces
        .iter()
        .map(|w| {
            let health = match &w.external_key_id {
                None => Health::NotProtected,
                Some(id) => index.get(id).map_or(Health::Unchecked, |&i| keys[i].health),
            };
            WorkspaceStatus { facts: w.clone(), health }
        })
        .collect();

    let mut rows: Vec<Row> = Vec::with_capacity(workspaces.len() + keys.len());
    for archived in [false, true] {
        for (i, w) in workspaces.iter().enumerate().filter(|(_, w)| w.facts.archived == archived) {
            let key = w.facts.external_key_id.as_ref().and_then(|id| index.get(id).copied());
            rows.push(Row::Workspace { workspace: i, key });
        }
    }
    rows.extend(keys.iter().enumerate().filter(|(_, k)| k.used_by.is_empty()).map(|(key, _)| Row::Key { key }));
    (workspaces, keys, rows)
}
