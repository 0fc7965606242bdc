//! Runs the real `cmek` binary, hermetically, against a private moto server and an in-process
//! sandbox platform, and checks that the admin key (a canary) never leaks into any output or file.

use std::path::{Path, PathBuf};
use std::process::Command;

use cmek::platform::auth::Credential;
use cmek::platform::{Client, ClientConfig};
use cmek::providers::aws::{AwsProvider, AwsSettings};
use cmek_sandbox::aws::AwsCredentials;
use cmek_sandbox::platform::{AwsBackend, PlatformSandboxConfig, RunningPlatform, start};
use rand::distr::{Alphanumeric, SampleString};
use secrecy::SecretString;
use tempfile::TempDir;

use crate::moto::Moto;

pub const REGION: &str = "us-east-2";

/// One isolated world: moto, the sandbox platform, a private HOME and state directory.
pub struct World {
    pub moto: Moto,
    pub platform: RunningPlatform,
    /// The admin key the sandbox accepts: a canary that must never be printed or written.
    pub admin_key: String,
    pub home: TempDir,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// What a finished process gave.
    pub fn of(out: std::process::Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}\nstderr:\n{}", self.stdout, self.stderr))
    }
    pub fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }

    /// The distinct ids of doctor's findings with `status`, sorted.
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

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "exit {}\n--- stdout\n{}\n--- stderr\n{}", self.code, self.stdout, self.stderr)
    }
}

pub fn aws_credentials() -> AwsCredentials {
    AwsCredentials {
        access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
        secret_access_key: SecretString::from("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        session_token: None,
    }
}

impl World {
    pub async fn start() -> World {
        let moto = Moto::start();
        let admin_key = format!("sk-ant-admin01-CANARY{}", Alphanumeric.sample_string(&mut rand::rng(), 24));
        let platform = start(PlatformSandboxConfig {
            aws: Some(AwsBackend {
                endpoint_url: moto.endpoint().to_string(),
                region_default: REGION.into(),
                credentials: aws_credentials(),
                anthropic: None,
            }),
            ..PlatformSandboxConfig::new(SecretString::from(admin_key.clone()))
        })
        .await
        .expect("start the sandbox platform");
        World { moto, platform, admin_key, home: TempDir::new().unwrap() }
    }

    pub fn state_dir(&self) -> PathBuf {
        self.home.path().join("state")
    }

    /// The environment every run gets: nothing from the developer's machine leaks in.
    fn command(&self, admin_key: &str) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_cmek"));
        cmd.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", self.home.path())
            .env("XDG_STATE_HOME", self.state_dir())
            .env("NO_COLOR", "1")
            .env("ANTHROPIC_BASE_URL", self.platform.base_url.as_str())
            .env("ANTHROPIC_ADMIN_KEY", admin_key)
            .env("AWS_ENDPOINT_URL", self.moto.endpoint())
            .env("AWS_ACCESS_KEY_ID", aws_credentials().access_key_id)
            .env("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
            .env("AWS_REGION", REGION)
            .env("AWS_CONFIG_FILE", self.home.path().join("no-aws-config"))
            .env("AWS_SHARED_CREDENTIALS_FILE", self.home.path().join("no-aws-credentials"))
            .env("AWS_EC2_METADATA_DISABLED", "true");
        cmd
    }

    /// Runs `cmek <args>` with the sandbox's admin key.
    pub async fn cmek(&self, args: &[&str]) -> Run {
        self.cmek_with_key(&self.admin_key.clone(), args).await
    }

    pub async fn cmek_with_key(&self, admin_key: &str, args: &[&str]) -> Run {
        let mut cmd = self.command(admin_key);
        cmd.args(args);
        let run = Run::of(tokio::task::spawn_blocking(move || cmd.output()).await.unwrap().expect("run cmek"));
        self.assert_no_leak(admin_key, &run);
        run
    }

    /// The canary must be in no output and no file the run wrote.
    fn assert_no_leak(&self, admin_key: &str, run: &Run) {
        assert!(!run.all().contains(admin_key), "the admin key leaked into the output:\n{run:?}");
        for file in files_under(self.home.path()) {
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            assert!(!text.contains(admin_key), "the admin key leaked into {}", file.display());
        }
    }

    /// The journal directories runs created, oldest first.
    pub fn journals(&self) -> Vec<PathBuf> {
        let root = self.state_dir().join("cmek").join("runs");
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
            .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        dirs.sort();
        dirs
    }

    /// A platform client with the canary key, for checking the sandbox's state from tests.
    pub fn platform_client(&self) -> Client {
        Client::new(ClientConfig::new(
            self.platform.base_url.clone(),
            Credential::AdminKey(SecretString::from(self.admin_key.clone())),
        ))
        .unwrap()
    }

    /// The AWS provider as the customer (moto), for arranging and checking keys.
    pub async fn aws(&self) -> AwsProvider {
        AwsProvider::connect(&self.aws_settings()).await.unwrap()
    }

    pub fn aws_settings(&self) -> AwsSettings {
        AwsSettings {
            region: Some(REGION.parse().unwrap()),
            profile: None,
            endpoint_url: Some(self.moto.endpoint().to_string()),
            static_credentials: Some(aws_credentials().into()),
        }
    }

    pub fn workspace_id(&self, name: &str) -> String {
        self.platform.workspaces.iter().find(|w| w.name == name).map(|w| w.id.clone()).unwrap()
    }
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else { continue };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() { stack.push(p) } else { out.push(p) }
        }
    }
    out
}
