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
    scenario: Option<String>,
    /// Runs log everything (`CMEK_LOG=trace`), for tests that check what logs never hold.
    traced: bool,
    /// Variables every run gets besides HOME and the state directory.
    env: Vec<(String, String)>,
}

impl SandboxHome {
    pub fn new() -> SandboxHome {
        SandboxHome { dir: TempDir::new().unwrap(), scenario: None, traced: false, env: Vec::new() }
    }

    /// A sandbox that starts from the scenario `name`.
    pub fn with_scenario(name: &str) -> SandboxHome {
        SandboxHome { scenario: Some(name.to_string()), ..SandboxHome::new() }
    }

    /// Every run logs at the trace level (on stderr).
    pub fn traced(self) -> SandboxHome {
        SandboxHome { traced: true, ..self }
    }

    /// Every run gets `name=value` in its environment.
    pub fn with_env(mut self, name: &str, value: &str) -> SandboxHome {
        self.env.push((name.to_string(), value.to_string()));
        self
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn state_file(&self) -> PathBuf {
        self.dir.path().join("sandbox.json")
    }

    /// The sandbox's saved state.
    pub fn state(&self) -> Value {
        let path = self.state_file();
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        serde_json::from_str(&text).unwrap()
    }

    /// The run journals' directories.
    pub fn journals(&self) -> Vec<PathBuf> {
        let root = self.dir.path().join("state").join("cmek").join("runs");
        std::fs::read_dir(root).map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default()
    }

    /// `cmek --sandbox[=SCENARIO] --sandbox-state <file> <args>` with an empty environment but HOME.
    pub fn cmek(&self, args: &[&str]) -> Run {
        let state = self.state_file();
        let sandbox =
            self.scenario.as_ref().map_or_else(|| "--sandbox".to_string(), |name| format!("--sandbox={name}"));
        let mut command = Command::new(env!("CARGO_BIN_EXE_cmek"));
        command
            .env_clear()
            .env("HOME", self.dir.path())
            .env("XDG_STATE_HOME", self.dir.path().join("state"))
            .env("NO_COLOR", "1")
            .envs(self.env.iter().map(|(n, v)| (n, v)))
            .args([sandbox.as_str(), "--sandbox-state", state.to_str().unwrap()])
            .args(args);
        if self.traced {
            command.env("CMEK_LOG", "trace");
        }
        Run::of(command.output().expect("run cmek"))
    }

    /// `cmek [--output json] <args>`.
    pub fn cmek_as(&self, json: bool, args: &[&str]) -> Run {
        let mut all: Vec<&str> = if json { vec!["--output", "json"] } else { Vec::new() };
        all.extend_from_slice(args);
        self.cmek(&all)
    }

    /// `setup --non-interactive --provider <provider> <args>`, with `--output json` when `json`.
    pub fn setup(&self, json: bool, provider: &str, args: &[&str]) -> Run {
        let all = [&["setup", "--non-interactive", "--provider", provider][..], args].concat();
        self.cmek_as(json, &all)
    }
}
