//! Runs `cmek sandbox` in the foreground as a user would, and collects the variables it exports.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// A running `cmek sandbox`; killed on drop.
pub struct Foreground {
    child: Child,
    pub exports: BTreeMap<String, String>,
    /// The `# name: value` comment lines, by name.
    pub notes: BTreeMap<String, String>,
}

impl Drop for Foreground {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Foreground {
    /// `cmek <args>` (which must end in `sandbox ...`), with HOME pointing at `home`.
    pub fn start(home: &Path, args: &[&str]) -> Foreground {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cmek"))
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", home)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut exports = BTreeMap::new();
        let mut notes = BTreeMap::new();
        for line in BufReader::new(stdout).lines() {
            let line = line.unwrap();
            if line == "# ready" {
                return Foreground { child, exports, notes };
            }
            if let Some(rest) = line.strip_prefix("export ") {
                let (k, v) = rest.split_once('=').unwrap_or_else(|| panic!("malformed export line {line:?}"));
                exports.insert(k.to_string(), v.to_string());
            } else if let Some((k, v)) = line.strip_prefix("# ").and_then(|rest| rest.split_once(": ")) {
                notes.insert(k.to_string(), v.to_string());
            }
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("cmek {args:?} exited before printing # ready");
    }

    /// Stops it the way Ctrl-C does (SIGINT), so it saves its state and exits cleanly.
    pub fn interrupt(mut self) -> i32 {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-INT", &pid]).status();
        let status = self.child.wait().unwrap();
        status.code().unwrap_or(-1)
    }
}
