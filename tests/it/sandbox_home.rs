//! A private HOME (with its state directory) and a sandbox state file kept between runs, for
//! tests that run `cmek --sandbox --sandbox-state FILE ...` several times; and what a run gave.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use tempfile::TempDir;

pub use crate::harness::Run;

pub struct SandboxHome {
    dir: TempDir,
    /// The scenario the sandbox starts from (`--sandbox=NAME`); the default one when `None`.
    scenario: Option<&'static str>,
}

impl SandboxHome {
    pub fn new() -> SandboxHome {
        SandboxHome { dir: TempDir::new().unwrap(), scenario: None }
    }

    /// A sandbox that starts from the scenario `name`.
    pub fn with_scenario(name: &'static str) -> SandboxHome {
        SandboxHome { scenario: Some(name), ..SandboxHome::new() }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn state_file(&self) -> PathBuf {
        self.dir.path().join("sandbox.json")
    }

    /// The sandbox's saved state.
    pub fn state(&self) -> Value {
        serde_json::from_str(&std::fs::read_to_string(self.state_file()).unwrap()).unwrap()
    }

    /// The run journals' directories.
    pub fn journals(&self) -> Vec<PathBuf> {
        let root = self.dir.path().join("state").join("cmek").join("runs");
        std::fs::read_dir(root).map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default()
    }

    /// `cmek --sandbox[=SCENARIO] --sandbox-state <file> <args>` with an empty environment but HOME.
    pub fn cmek(&self, args: &[&str]) -> Run {
        let state = self.state_file();
        let sandbox = self.scenario.map_or_else(|| "--sandbox".to_string(), |name| format!("--sandbox={name}"));
        let out = Command::new(env!("CARGO_BIN_EXE_cmek"))
            .env_clear()
            .env("HOME", self.dir.path())
            .env("XDG_STATE_HOME", self.dir.path().join("state"))
            .env("NO_COLOR", "1")
            .args([sandbox.as_str(), "--sandbox-state", state.to_str().unwrap()])
            .args(args)
            .output()
            .expect("run cmek");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// `setup --non-interactive --provider <provider> <args>`, with `--output json` when `json`.
    pub fn setup(&self, json: bool, provider: &str, args: &[&str]) -> Run {
        let mut all: Vec<&str> = if json { vec!["--output", "json"] } else { Vec::new() };
        all.extend(["setup", "--non-interactive", "--provider", provider]);
        all.extend_from_slice(args);
        self.cmek(&all)
    }
}
