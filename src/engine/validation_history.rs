//! The validations this machine remembers, for `cmek status`'s "last validation" (the Admin API
//! keeps none): read from the run journals (`setup`'s validate step and attach, and earlier
//! `status --validate` runs), and `status --validate`'s own results written as a journal of
//! their own so the next `status` knows them.
//!
//! Reading never fails: a missing directory or a line a crash cut short is passed over.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::journal::{Journal, JournalError};
use cmek_core::status::{Fresh, Validation, ValidationSource};

/// How many of the newest run directories are read: enough for any real history, bounded so a
/// state directory with years of runs does not slow `status` down.
const RECENT_RUNS: usize = 500;

/// The newest validation of each key recorded under `root`.
pub fn newest(root: &Path) -> BTreeMap<String, Validation> {
    let mut dirs: Vec<PathBuf> = match std::fs::read_dir(root) {
        Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_dir()).collect(),
        Err(_) => return BTreeMap::new(),
    };
    // The names start with the UTC start time, so they sort by age.
    dirs.sort();
    let mut found: BTreeMap<String, Validation> = BTreeMap::new();
    for dir in dirs.iter().rev().take(RECENT_RUNS) {
        let Ok(text) = std::fs::read_to_string(dir.join("journal.jsonl")) else { continue };
        let records: Vec<Value> = text.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
        let command = records
            .iter()
            .find(|r| r["event"] == "run_started")
            .and_then(|r| r["details"]["command"].as_str())
            .unwrap_or("setup");
        for record in &records {
            let Some((id, validation)) = read(record, command) else { continue };
            match found.get(&id) {
                Some(known) if known.at >= validation.at => {}
                _ => {
                    found.insert(id, validation);
                }
            }
        }
    }
    found
}

/// One record as a validation, when it is one.
fn read(record: &Value, command: &str) -> Option<(String, Validation)> {
    let d = &record["details"];
    let at: DateTime<Utc> = record["at"].as_str()?.parse().ok()?;
    let id = d["external_key_id"].as_str()?.to_string();
    let error = d["error"].as_str().map(str::to_string);
    let (passed, source) = match record["event"].as_str()? {
        "validated" if command == "status" => (d["success"].as_bool()?, ValidationSource::Status),
        "validated" => (d["success"].as_bool()?, ValidationSource::Setup),
        // The platform validates the key for the workspace when it attaches it.
        "attached" => (true, ValidationSource::Attach),
        "attach_validation_failed" => (false, ValidationSource::Attach),
        _ => return None,
    };
    Some((id, Validation { at, passed, error, source }))
}

/// Writes `status --validate`'s results as a `status` journal under `root`; returns its directory.
pub fn record(
    root: &Path,
    organization: Option<&str>,
    fresh: &BTreeMap<String, Fresh>,
) -> Result<PathBuf, JournalError> {
    let journal = Journal::create(root, "status")?;
    journal.record(
        "run_started",
        json!({ "command": "status", "version": env!("CARGO_PKG_VERSION"), "mode": "validate", "organization": organization }),
    )?;
    for (id, result) in fresh {
        if let Ok(v) = result {
            journal.record("validated", json!({ "external_key_id": id, "success": v.passed, "error": v.error }))?;
        }
    }
    journal.record("run_finished", json!({ "changed": false }))?;
    Ok(journal.dir().to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn validation(passed: bool) -> Fresh {
        Ok(Validation {
            at: Utc::now(),
            passed,
            error: (!passed).then(|| "AccessDenied".to_string()),
            source: ValidationSource::Now,
        })
    }

    #[test]
    fn the_newest_record_of_each_key_wins_whichever_command_wrote_it() {
        let tmp = tempfile::tempdir().unwrap();
        let setup = Journal::create(tmp.path(), "setup").unwrap();
        setup.record("run_started", json!({ "command": "setup", "organization": "o" })).unwrap();
        setup
            .record("validated", json!({ "external_key_id": "ekey_a", "success": false, "error": "AccessDenied" }))
            .unwrap();
        setup
            .record("attached", json!({ "external_key_id": "ekey_b", "workspace_id": "wrkspc_1", "own": "ekey_b" }))
            .unwrap();
        setup
            .record(
                "attach_validation_failed",
                json!({ "external_key_id": "ekey_c", "workspace_id": "w", "error": "no" }),
            )
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(5));
        let fresh =
            BTreeMap::from([("ekey_a".to_string(), validation(true)), ("ekey_z".to_string(), Err("529".into()))]);
        record(tmp.path(), Some("o"), &fresh).unwrap();
        // A line a crash cut short, and a directory with no journal, are passed over.
        std::fs::create_dir(tmp.path().join("junk")).unwrap();
        let cut = Journal::create(tmp.path(), "setup").unwrap();
        std::fs::write(cut.dir().join("journal.jsonl"), "{\"at\":\"2026").unwrap();
        let _ = cut.record("x", json!({}));

        let found = newest(tmp.path());
        let a = &found["ekey_a"];
        assert!(a.passed && a.source == ValidationSource::Status, "{a:?}");
        assert!(found["ekey_b"].passed && found["ekey_b"].source == ValidationSource::Attach);
        assert!(!found["ekey_c"].passed && found["ekey_c"].error.as_deref() == Some("no"));
        assert!(!found.contains_key("ekey_z"), "a validation that could not run is not a validation");
        assert_eq!(found.len(), 3);
    }

    #[test]
    fn no_state_directory_is_no_history() {
        assert!(newest(Path::new("/nonexistent/cmek/runs")).is_empty());
    }
}
