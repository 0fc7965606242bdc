//! Running `cmek doctor` (and the `setup` that prepares it) through the real binary against the
//! sandbox, with an empty environment and a private HOME.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use tempfile::TempDir;

pub use crate::sandbox_home::Run;

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
