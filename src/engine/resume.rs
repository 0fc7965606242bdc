//! What the previous run left unfinished: the newest `setup` journal of the organisation that set
//! out to change things and never recorded `run_finished` (killed, crashed, the machine lost
//! power). The next run says what it resumes; the steps themselves converge on their own, because
//! every run inspects afresh and adopts what a dead run made (see ARCHITECTURE.md).

use std::path::{Path, PathBuf};

use serde_json::Value;

/// How many of the newest run directories are looked at: enough for any real history, bounded so
/// a state directory with years of runs does not slow a start.
const RECENT_RUNS: usize = 200;

/// A run that stopped part-way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unfinished {
    pub dir: PathBuf,
    /// When it started (its `run_started` record's time).
    pub started_at: String,
    /// Its last whole record, as "event (detail)".
    pub last: String,
}

impl Unfinished {
    /// One line for the user: which run, and where it stopped.
    pub fn describe(&self) -> String {
        format!(
            "resuming the run of {} that stopped after {} (journal {}); what it finished is found again, not repeated",
            self.started_at,
            self.last,
            self.dir.display()
        )
    }
}

/// The newest apply run of `organization` under `root`, if it never finished.
pub fn last_unfinished(root: &Path, organization: &str) -> Option<Unfinished> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir() && p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.contains("-setup-")))
        .collect();
    // The names start with the UTC start time, so they sort by age.
    dirs.sort();
    for dir in dirs.into_iter().rev().take(RECENT_RUNS) {
        let Ok(text) = std::fs::read_to_string(dir.join("journal.jsonl")) else { continue };
        // A record is one whole line; a line a crash cut short does not parse and is passed over.
        let records: Vec<Value> = text.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
        let Some(started) = records.iter().find(|r| r["event"] == "run_started") else { continue };
        if started["details"]["organization"] != organization || started["details"]["mode"] == "plan" {
            continue;
        }
        if records.iter().any(|r| r["event"] == "run_finished") {
            return None;
        }
        let last = records.last().map(describe_record).unwrap_or_default();
        return Some(Unfinished { dir, started_at: started["at"].as_str().unwrap_or("?").to_string(), last });
    }
    None
}

/// `key_created (arn:aws:kms:…)`, `step 2 "Create the alias" (done)`.
fn describe_record(record: &Value) -> String {
    let event = record["event"].as_str().unwrap_or("?");
    let d = &record["details"];
    if event == "step" {
        let index = d["index"].as_u64().map_or(0, |i| i + 1);
        let status = d["outcome"]["status"].as_str().unwrap_or("?");
        return format!("step {index} \"{}\" ({status})", printable(d["title"].as_str().unwrap_or("?")));
    }
    let detail = d.as_object().and_then(|o| o.values().find_map(Value::as_str));
    match detail {
        Some(text) => format!("{event} ({})", printable(text)),
        None => event.to_string(),
    }
}

fn printable(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(200).collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::engine::journal::Journal;

    const ORG: &str = "6f0c8a3e-1b2d-4e5f-8a9b-0c1d2e3f4a5b";

    fn run(root: &Path, mode: &str, org: &str, events: &[(&str, Value)], finished: bool) -> PathBuf {
        let j = Journal::create(root, "setup").unwrap();
        j.record("run_started", json!({ "organization": org, "mode": mode })).unwrap();
        for (e, d) in events {
            j.record(e, d.clone()).unwrap();
        }
        if finished {
            j.record("run_finished", json!({ "exit_code": 0 })).unwrap();
        }
        // Distinct start times, so the order is the creation order.
        std::thread::sleep(std::time::Duration::from_millis(5));
        j.dir().to_path_buf()
    }

    #[test]
    fn the_newest_unfinished_apply_run_of_the_organisation_is_found() {
        let tmp = tempfile::tempdir().unwrap();
        run(tmp.path(), "apply", ORG, &[], true);
        let dir =
            run(tmp.path(), "apply", ORG, &[("key_created", json!({ "arn": "arn:aws:kms:us-east-2:1:key/k" }))], false);
        // Neither a plan-only run nor another organisation's run hides it.
        run(tmp.path(), "plan", ORG, &[], false);
        run(tmp.path(), "apply", "11111111-2222-4333-8444-555555555555", &[], false);
        let u = last_unfinished(tmp.path(), ORG).expect("the killed run");
        assert_eq!(u.dir, dir);
        assert_eq!(u.last, "key_created (arn:aws:kms:us-east-2:1:key/k)");
        assert!(u.describe().contains("resuming the run of"), "{}", u.describe());
    }

    #[test]
    fn nothing_to_resume_after_a_finished_run_or_with_no_runs() {
        let tmp = tempfile::tempdir().unwrap();
        assert_eq!(last_unfinished(tmp.path(), ORG), None);
        run(tmp.path(), "apply", ORG, &[], false);
        run(tmp.path(), "apply", ORG, &[], true);
        assert_eq!(last_unfinished(tmp.path(), ORG), None, "the newest run finished: nothing is resumed");
    }

    #[test]
    fn a_line_cut_short_by_a_crash_is_passed_over() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = run(
            tmp.path(),
            "apply",
            ORG,
            &[("step", json!({ "index": 0, "title": "Create the key", "outcome": { "status": "done" } }))],
            false,
        );
        let path = dir.join("journal.jsonl");
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str("{\"at\":\"2026-12-04T00:00:00Z\",\"event\":\"alias_cr");
        std::fs::write(&path, text).unwrap();
        let u = last_unfinished(tmp.path(), ORG).unwrap();
        assert_eq!(u.last, "step 1 \"Create the key\" (done)");
    }
}
