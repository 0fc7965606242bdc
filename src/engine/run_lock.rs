//! One `setup` that changes things at a time on this machine (per state directory): the second
//! waits for the first, saying who holds the lock, and then inspects afresh, so it plans on what
//! the first left instead of racing it. The lock is an OS file lock: released when its holder
//! exits, however it exits (a crash or `kill -9` included), so a dead run never blocks the next.
//!
//! Runs on different machines cannot see this lock; the steps themselves settle those races (see
//! ARCHITECTURE.md, "Crashes and concurrent runs").

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use cmek_core::run::events::{Event, EventSink};
use serde_json::json;

use super::Cancel;
use crate::error::{Error, ErrorKind, Result};

/// How often a waiting run tries the lock again.
const POLL: Duration = Duration::from_millis(200);

/// Held for the run's life; dropping it (or the process ending) releases the lock.
#[derive(Debug)]
pub struct RunLock {
    _file: File,
    path: PathBuf,
}

impl RunLock {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// The lock file for runs journalled under `journal_root` (`…/cmek/runs` → `…/cmek/setup.lock`).
pub fn lock_path(journal_root: &Path) -> PathBuf {
    journal_root.parent().unwrap_or(journal_root).join("setup.lock")
}

/// Takes the lock, waiting (and saying who holds it, once) while another run does; Ctrl-C or Esc
/// (`cancel`) stops the wait with nothing changed.
pub async fn acquire(journal_root: &Path, what: &str, cancel: &Cancel, sink: &mut dyn EventSink) -> Result<RunLock> {
    let path = lock_path(journal_root);
    let cannot = |e: std::io::Error| {
        Error::usage(format!("cannot use the run lock {}: {e}", path.display()))
            .with_hint("set XDG_STATE_HOME to a writable directory")
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(cannot)?;
    }
    let mut file =
        OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path).map_err(cannot)?;
    let mut told = false;
    loop {
        match file.try_lock() {
            Ok(()) => break,
            Err(TryLockError::WouldBlock) => {}
            Err(TryLockError::Error(e)) => return Err(cannot(e)),
        }
        if !told {
            told = true;
            sink.emit(Event::Notice {
                text: format!(
                    "another cmek setup on this machine is changing things ({}); waiting for it to finish, then \
                     inspecting afresh (Ctrl-C stops waiting)",
                    holder(&mut file)
                ),
            });
        }
        tokio::select! {
            _ = tokio::time::sleep(POLL) => {}
            _ = cancel.cancelled() => {
                return Err(Error::new(ErrorKind::Interrupted, "interrupted while waiting for another run; nothing was changed"));
            }
        }
    }
    // Who holds it, for the next run that has to wait.
    let me = json!({ "pid": std::process::id(), "since": chrono::Utc::now().to_rfc3339(), "what": what });
    let _ = file.set_len(0).and_then(|_| file.seek(SeekFrom::Start(0))).and_then(|_| writeln!(file, "{me}"));
    let _ = file.sync_data();
    Ok(RunLock { _file: file, path })
}

/// What the holder wrote about itself, for the waiting message.
fn holder(file: &mut File) -> String {
    let mut text = String::new();
    let _ = file.seek(SeekFrom::Start(0)).and_then(|_| file.read_to_string(&mut text));
    match serde_json::from_str::<serde_json::Value>(text.trim()) {
        Ok(v) => format!(
            "process {} since {}: {}",
            v["pid"],
            printable(v["since"].as_str().unwrap_or("?")),
            printable(v["what"].as_str().unwrap_or("?"))
        ),
        Err(_) => "its details are not readable".to_string(),
    }
}

/// The file is ours, but anything that reaches a terminal loses its control characters.
fn printable(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(200).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use cmek_core::run::events::Discard;

    struct Notes(Vec<String>);
    impl EventSink for Notes {
        fn emit(&mut self, event: Event) {
            if let Event::Notice { text } = event {
                self.0.push(text);
            }
        }
    }

    #[tokio::test]
    async fn a_second_run_waits_for_the_first_and_says_who_holds_it() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("cmek").join("runs");
        let first = acquire(&root, "setup for org A", &Cancel::new(), &mut Discard).await.unwrap();
        let root2 = root.clone();
        let second = tokio::spawn(async move {
            let mut notes = Notes(Vec::new());
            let lock = acquire(&root2, "setup for org B", &Cancel::new(), &mut notes).await.unwrap();
            (lock, notes.0)
        });
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert!(!second.is_finished(), "the second run must wait while the first holds the lock");
        drop(first);
        let (lock, notes) = second.await.unwrap();
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].contains(&std::process::id().to_string()) && notes[0].contains("org A"), "{notes:?}");
        assert_eq!(lock.path(), lock_path(&root));
    }

    #[tokio::test]
    async fn cancelling_the_wait_changes_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let _held = acquire(tmp.path(), "first", &Cancel::new(), &mut Discard).await.unwrap();
        let cancel = Cancel::new();
        cancel.cancel();
        let e = acquire(tmp.path(), "second", &cancel, &mut Discard).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::Interrupted);
        assert!(e.message.contains("nothing was changed"), "{}", e.message);
    }
}
