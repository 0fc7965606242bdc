//! A `cmek sandbox` in its own process that adds the same latency to every answer and counts what
//! it saw (`GET /_sandbox/stats`): the calls per service and operation, and the sequential rounds.
//! With a latency far above the tool's own work between calls, calls sent together always overlap
//! and calls sent one after another never do, so the counts are exact, not timings.

use std::ffi::OsStr;
use std::process::Command;

use serde_json::Value;
use tempfile::TempDir;

use crate::foreground::Foreground;

pub struct CountedSandbox {
    pub sandbox: Foreground,
    home: TempDir,
    stats: String,
    http: reqwest::Client,
}

impl CountedSandbox {
    /// `cmek sandbox --latency <latency_ms>` with the extra arguments.
    pub fn start(latency_ms: &str, args: &[&str]) -> CountedSandbox {
        let home = TempDir::new().unwrap();
        let sandbox = Foreground::start(home.path(), &[&["sandbox", "--latency", latency_ms], args].concat());
        let stats = sandbox.notes["stats"].split_whitespace().next().unwrap().to_string();
        // The sandbox's own ports are on loopback; a proxy set in the tests' environment must not
        // be asked for them.
        let http = reqwest::Client::builder().no_proxy().build().unwrap();
        CountedSandbox { sandbox, home, stats, http }
    }

    /// Forgets what was counted so far.
    pub async fn reset(&self) {
        assert_eq!(self.http.delete(&self.stats).send().await.unwrap().status(), 204);
    }

    /// What was counted since the last reset (`cmek.sandbox-stats`).
    pub async fn seen(&self) -> Value {
        self.http.get(&self.stats).send().await.unwrap().json().await.unwrap()
    }

    /// `GET` on the Admin API with the sandbox's admin key.
    pub async fn admin_get(&self, path: &str) -> Value {
        let url = format!("{}{path}", self.sandbox.exports["ANTHROPIC_BASE_URL"]);
        let key = &self.sandbox.exports["ANTHROPIC_ADMIN_KEY"];
        let answer = self.http.get(url).header("x-api-key", key).header("anthropic-version", "2023-06-01").send();
        answer.await.unwrap().json().await.unwrap()
    }

    /// A program in a clean environment with its own HOME and state folder (no profile of the
    /// machine's leaks in); the caller adds the sandbox's exports it wants.
    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let mut command = Command::new(program);
        command
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", self.home.path())
            .env("XDG_STATE_HOME", self.home.path().join("state"))
            .env("NO_COLOR", "1");
        command
    }
}

/// The calls one service saw, per operation, in the operations' order.
pub fn operations(stats: &Value, service: &str) -> Vec<(String, u64)> {
    stats["services"][service]["operations"]
        .as_object()
        .map(|ops| ops.iter().map(|(k, v)| (k.clone(), v.as_u64().unwrap())).collect())
        .unwrap_or_default()
}
