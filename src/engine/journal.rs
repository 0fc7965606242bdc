//! The run journal: an append-only record of what a run did, with backups of every key policy it
//! replaced, under the XDG state directory (`$XDG_STATE_HOME/cmek/runs/<run>/`).
//!
//! Only values the engine chooses to record are written; secrets are never passed in here.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use chrono::Utc;
use serde_json::{Value, json};

#[derive(Debug, thiserror::Error)]
#[error("cannot write the run journal at {path}: {source}; set XDG_STATE_HOME to a writable directory")]
pub struct JournalError {
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

/// Shared by steps that run together: each record is still one whole write (the lock orders them).
#[derive(Debug)]
pub struct Journal {
    dir: PathBuf,
    file: Mutex<File>,
}

impl Journal {
    /// The directory runs are kept under: `$XDG_STATE_HOME/cmek/runs`, else `~/.local/state/cmek/runs`.
    pub fn default_root(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
        if let Some(state) = env("XDG_STATE_HOME").filter(|s| !s.is_empty()) {
            return Some(PathBuf::from(state).join("cmek").join("runs"));
        }
        let home = env("HOME").filter(|s| !s.is_empty()).map(PathBuf::from).or_else(dirs::home_dir)?;
        Some(home.join(".local").join("state").join("cmek").join("runs"))
    }

    /// Opens a fresh run directory under `root`.
    pub fn create(root: &Path, command: &str) -> Result<Self, JournalError> {
        let stamp = Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
        let suffix: u32 = rand::random::<u32>() & 0xffffff;
        let dir = root.join(format!("{stamp}-{command}-{suffix:06x}"));
        let err = |source| JournalError { path: dir.clone(), source };
        fs::create_dir_all(&dir).map_err(err)?;
        let path = dir.join("journal.jsonl");
        let file = OpenOptions::new()
            .create_new(true)
            .append(true)
            .open(&path)
            .map_err(|source| JournalError { path: path.clone(), source })?;
        Ok(Self { dir, file: Mutex::new(file) })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Appends one event as one whole line: a single write, then flushed to disk, so a reader (or
    /// the next run, after a crash) never sees half a record. `details` must not hold secrets.
    pub fn record(&self, event: &str, details: Value) -> Result<(), JournalError> {
        let mut line = json!({ "at": Utc::now().to_rfc3339(), "event": event, "details": details }).to_string();
        line.push('\n');
        let path = self.dir.join("journal.jsonl");
        let mut file = self.file.lock().unwrap_or_else(PoisonError::into_inner);
        file.write_all(line.as_bytes()).and_then(|_| file.sync_data()).map_err(|source| JournalError { path, source })
    }

    /// Saves a policy about to be replaced and records where; returns the backup's path.
    pub fn backup_policy(&self, key_id: &str, policy: &str) -> Result<PathBuf, JournalError> {
        let safe: String =
            key_id.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect();
        let path = self.dir.join(format!("policy-backup-{safe}.json"));
        fs::write(&path, policy).map_err(|source| JournalError { path: path.clone(), source })?;
        self.record("policy_backup", json!({ "key": key_id, "path": path.display().to_string() }))?;
        Ok(path)
    }
}

impl Journal {
    /// Saves settings about to be replaced (e.g. a vault's network settings) as pretty JSON in
    /// `<kind>-backup-<id>.json` and records where; returns the path.
    pub fn backup_json(&self, kind: &str, id: &str, value: &Value) -> Result<PathBuf, JournalError> {
        let safe: String = id.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect();
        let path = self.dir.join(format!("{kind}-backup-{safe}.json"));
        let text = serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string());
        fs::write(&path, text).map_err(|source| JournalError { path: path.clone(), source })?;
        self.record("backup", json!({ "kind": kind, "id": id, "path": path.display().to_string() }))?;
        Ok(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_lines_and_backups() {
        let tmp = tempfile::tempdir().unwrap();
        let j = Journal::create(tmp.path(), "setup").unwrap();
        j.record("step", json!({"n": 1})).unwrap();
        let backup =
            j.backup_policy("arn:aws:kms:us-east-2:111122223333:key/abc", "{\"Version\":\"2012-10-17\"}").unwrap();
        assert_eq!(fs::read_to_string(&backup).unwrap(), "{\"Version\":\"2012-10-17\"}");
        let lines = fs::read_to_string(j.dir().join("journal.jsonl")).unwrap();
        let events: Vec<Value> = lines.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(events.len(), 2);
        assert_eq!(events[0]["event"], "step");
        assert_eq!(events[1]["event"], "policy_backup");
    }

    #[test]
    fn root_follows_xdg_then_home() {
        let xdg = |k: &str| (k == "XDG_STATE_HOME").then(|| "/x".to_string());
        assert_eq!(Journal::default_root(&xdg).unwrap(), PathBuf::from("/x/cmek/runs"));
        let home = |k: &str| (k == "HOME").then(|| "/h".to_string());
        assert_eq!(Journal::default_root(&home).unwrap(), PathBuf::from("/h/.local/state/cmek/runs"));
    }
}
