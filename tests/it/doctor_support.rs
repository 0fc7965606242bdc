//! Running `cmek doctor` (and the `setup` that prepares it) through the real binary against a
//! sandbox scenario kept in a state file (`SandboxHome`, traced: the logs are checked too).

use std::path::PathBuf;

use serde_json::Value;

pub use crate::sandbox_home::Run;
use crate::sandbox_home::SandboxHome;

/// A sandbox scenario with its state kept in a file, so a `setup` run and a `doctor` run see the
/// same world.
pub struct World(SandboxHome);

impl World {
    pub fn new(scenario: &str) -> World {
        World(SandboxHome::with_scenario(scenario).traced())
    }

    pub fn state_file(&self) -> PathBuf {
        self.0.state_file()
    }

    /// `cmek --output json setup --non-interactive --provider <provider> <args>`.
    pub fn setup(&self, provider: &str, args: &[&str]) -> Run {
        self.0.setup(true, provider, args)
    }

    /// `cmek <args>` against this world, as JSON or text.
    pub fn cmek(&self, json: bool, args: &[&str]) -> Run {
        self.0.cmek_as(json, args)
    }

    /// `cmek doctor <args>`, as JSON or text.
    pub fn doctor(&self, json: bool, args: &[&str]) -> Run {
        self.run(json, "doctor", args)
    }

    /// `cmek <command> <args>`, as JSON or text.
    pub fn run(&self, json: bool, command: &str, args: &[&str]) -> Run {
        self.0.cmek_as(json, &[&[command][..], args].concat())
    }

    /// The sandbox's admin key (the state file holds it): it must never appear in doctor's output.
    pub fn admin_key(&self) -> String {
        self.0.state()["admin_key"].as_str().unwrap().to_string()
    }

    /// The world's state without what validation itself leaves (the validator's STS sessions).
    pub fn state_without_validation(&self) -> Value {
        let mut doc = self.0.state();
        doc["aws"].as_object_mut().unwrap().remove("sessions");
        doc
    }
}
