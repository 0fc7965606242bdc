//! Running `cmek doctor` (and the `setup` that prepares it) through the real binary against the
//! sandbox, with an empty environment and a private HOME.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use tempfile::TempDir;

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "exit {}\n--- stdout\n{}\n--- stderr\n{}", self.code, self.stdout, self.stderr)
    }
}

impl Run {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{self:?}"))
    }

    /// The distinct ids of the findings with `status`, sorted.
    pub fn ids(&self, status: &str) -> Vec<String> {
        let doc = self.json();
        let mut ids: Vec<String> = doc["findings"]
            .as_array()
            .unwrap_or_else(|| panic!("no findings: {self:?}"))
            .iter()
            .filter(|f| f["status"] == status)
            .map(|f| f["id"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }
}

/// A sandbox scenario with its state kept in a file, so a `setup` run and a `doctor` run see the
/// same world.
pub struct World {
    dir: TempDir,
    scenario: String,
}

impl World {
    pub fn new(scenario: &str) -> World {
        World { dir: TempDir::new().unwrap(), scenario: scenario.to_string() }
    }

    pub fn state_file(&self) -> PathBuf {
        self.dir.path().join("sandbox.json")
    }

    fn command(&self, json: bool) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_cmek"));
        cmd.env_clear()
            .env("HOME", self.dir.path())
            .env("XDG_STATE_HOME", self.dir.path().join("state"))
            .env("NO_COLOR", "1")
            .env("CMEK_LOG", "trace")
            .arg(format!("--sandbox={}", self.scenario))
            .args(["--sandbox-state", self.state_file().to_str().unwrap()]);
        if json {
            cmd.args(["--output", "json"]);
        }
        cmd
    }

    pub fn setup(&self, provider: &str, args: &[&str]) -> Run {
        let mut cmd = self.command(true);
        cmd.args(["setup", "--non-interactive", "--provider", provider]).args(args);
        run(cmd)
    }

    /// `cmek <args>` against this world, as JSON or text.
    pub fn cmek(&self, json: bool, args: &[&str]) -> Run {
        let mut cmd = self.command(json);
        cmd.args(args);
        run(cmd)
    }

    /// `cmek doctor <args>`, as JSON or text.
    pub fn doctor(&self, json: bool, args: &[&str]) -> Run {
        let mut cmd = self.command(json);
        cmd.arg("doctor").args(args);
        run(cmd)
    }

    /// `cmek <command> <args>`, as JSON or text.
    pub fn run(&self, json: bool, command: &str, args: &[&str]) -> Run {
        let mut cmd = self.command(json);
        cmd.arg(command).args(args);
        run(cmd)
    }

    /// The sandbox's admin key (the state file holds it): it must never appear in doctor's output.
    pub fn admin_key(&self) -> String {
        let doc: Value = serde_json::from_str(&read(&self.state_file())).unwrap();
        doc["admin_key"].as_str().unwrap().to_string()
    }

    /// The world's state without what validation itself leaves (the validator's STS sessions).
    pub fn state_without_validation(&self) -> Value {
        let mut doc: Value = serde_json::from_str(&read(&self.state_file())).unwrap();
        doc["aws"].as_object_mut().unwrap().remove("sessions");
        doc
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn run(mut cmd: Command) -> Run {
    let out = cmd.output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}
