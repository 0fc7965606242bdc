//! One complete sandbox: the AWS, Azure and Google Cloud KMS emulators and the platform emulator, wired so the
//! platform validates keys by calling the cloud as Anthropic, behind one HTTPS proxy that answers for
//! their real host names (one CA for every TLS listener), started from a scenario or a saved
//! state, and saved back (atomically) after every change and when asked.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rand::distr::{Alphanumeric, SampleString};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use super::SandboxError;
use super::after_change::AfterChange;
use super::aws::{self, AwsCredentials, AwsEmulatorConfig, AwsState, RunningAws};
use super::azure::{self as azure_emulator, AzureEmulatorConfig, AzureState, RunningAzure};
use super::gcp::{self as gcp_emulator, GcpEmulatorConfig, GcpState, RunningGcp};
use super::platform::{
    self, AnthropicIdentity, AwsBackend, AzureBackend, FederationSandboxEndpoints, GcpBackend, IdentityClaims,
    PlatformSandboxConfig, PlatformState, RunningPlatform,
};
use super::proxy::{self, ProxyConfig, RunningProxy, Upstreams};
use super::sandbox_ca::SandboxCa;
use super::scenarios::Scenario;
use super::traffic::{Latency, Traffic};
use cmek_core::identities;

const WHAT: &str = "sandbox";
pub const STATE_FORMAT: &str = "cmek.sandbox-state/v1";
/// The region the sandbox's customer works in.
pub const REGION: &str = "us-east-2";

/// How to start a sandbox.
#[derive(Debug, Clone)]
pub struct SandboxOptions {
    pub scenario: &'static Scenario,
    /// Load from this file when it exists; `save` writes it.
    pub state_file: Option<PathBuf>,
    pub platform_port: u16,
    pub aws_port: u16,
    pub azure_port: u16,
    /// The Google Cloud KMS emulator's port (0: a free one).
    pub gcp_port: u16,
    /// The HTTPS proxy's port (0: a free one).
    pub proxy_port: u16,
    /// How long a new Azure role assignment takes to count; `None` keeps what the scenario or
    /// the state file says (5 s in a fresh sandbox, as Azure takes minutes), zero counts at once.
    pub azure_rbac_delay: Option<std::time::Duration>,
    /// Added before every answer, per service; `None` keeps the scenario's (none but in `flaky`).
    /// The requests are counted either way.
    pub latency: Option<Latency>,
}

impl SandboxOptions {
    /// A fresh sandbox from `scenario` on free ports, with no state file and the emulators' defaults.
    pub fn new(scenario: &'static Scenario) -> SandboxOptions {
        SandboxOptions {
            scenario,
            state_file: None,
            platform_port: 0,
            aws_port: 0,
            azure_port: 0,
            gcp_port: 0,
            proxy_port: 0,
            azure_rbac_delay: None,
            latency: None,
        }
    }
}

/// Everything saved in a state file.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct SavedState {
    format: String,
    scenario: String,
    /// The sandbox's own throwaway admin key, kept so restarted clients keep working.
    admin_key: String,
    platform: PlatformState,
    aws: AwsState,
    /// Absent in files written before the Azure emulator was part of the sandbox.
    #[serde(default = "AzureState::seeded")]
    azure: AzureState,
    /// Absent in files written before the Google Cloud KMS emulator was part of the sandbox.
    #[serde(default = "GcpState::seeded")]
    gcp: GcpState,
}

/// What a client needs to reach the sandbox: the same values `cmek sandbox` exports, as plain
/// data (a client turns them into its own settings).
#[derive(Debug, Clone)]
pub struct SandboxEndpoints {
    pub base_url: url::Url,
    pub admin_key: SecretString,
    pub aws_endpoint: String,
    pub aws_region: String,
    /// The customer's principal.
    pub aws_credentials: AwsCredentials,
    pub azure: AzureSandboxEndpoints,
    pub gcp: GcpSandboxEndpoints,
    /// OAuth and Workload Identity Federation: the rules, the CI variables and identity token,
    /// the user_oauth login's tokens, and a way to mint identity tokens.
    pub federation: FederationSandboxEndpoints,
}

impl SandboxEndpoints {
    /// The sandbox's CA (PEM): what a client must trust to reach its TLS listeners.
    pub fn ca_pem(&self) -> &str {
        &self.azure.ca_pem
    }
}

/// What an Azure client needs to reach the emulated Azure (one TLS listener on loopback).
#[derive(Debug, Clone)]
pub struct AzureSandboxEndpoints {
    /// The emulator's port: clients resolve the Azure host names to 127.0.0.1 and add this port.
    pub port: u16,
    /// The sandbox CA (PEM) clients must trust.
    pub ca_pem: String,
    pub arm: String,
    pub graph: String,
    pub authority: String,
    /// The seeded vault's data-plane URL, port included.
    pub vault_url: String,
    /// The customer's principal, as client credentials.
    pub tenant_id: String,
    pub client_id: String,
    pub client_secret: SecretString,
    /// The managed-identity endpoint (IDENTITY_ENDPOINT) and its header value (IDENTITY_HEADER).
    pub identity_endpoint: String,
    pub identity_header: SecretString,
}

/// What a Google Cloud KMS client needs to reach the emulated Cloud KMS (plain HTTP on loopback).
#[derive(Debug, Clone)]
pub struct GcpSandboxEndpoints {
    /// `http://127.0.0.1:<port>`: the Cloud KMS endpoint (Resource Manager's and Service
    /// Usage's too, for the project's IAM policy and the Cloud KMS API's state).
    pub endpoint: String,
    /// The customer admin's access token: send `Authorization: Bearer <token>`.
    pub access_token: SecretString,
    /// Who that token stands for (`serviceAccount:cmek-admin@cmek-sandbox.iam.gserviceaccount.com`).
    pub principal: String,
    /// The seeded project (`cmek-sandbox`).
    pub project_id: String,
    /// The default location for the key ring (`us-central1`).
    pub location: String,
}

pub struct Sandbox {
    pub scenario: &'static Scenario,
    /// Started from a state file rather than from the scenario.
    pub restored: bool,
    pub platform: RunningPlatform,
    pub aws: RunningAws,
    pub azure: RunningAzure,
    pub gcp: RunningGcp,
    /// The HTTPS proxy answering for the services' real host names.
    pub proxy: RunningProxy,
    admin_key: SecretString,
    saver: Arc<Saver>,
    traffic: Traffic,
}

/// Writes the state file from the emulators' states; shared with the after-change hook.
struct Saver {
    path: Option<PathBuf>,
    scenario: &'static str,
    admin_key: SecretString,
    platform: Box<dyn Fn() -> PlatformState + Send + Sync>,
    aws: Box<dyn Fn() -> AwsState + Send + Sync>,
    azure: Box<dyn Fn() -> AzureState + Send + Sync>,
    gcp: Box<dyn Fn() -> GcpState + Send + Sync>,
    /// What was last written, so unchanged state is not rewritten. Held while a save snapshots
    /// and writes, so concurrent saves write in order and the file ends with the latest state.
    last_saved: Mutex<Option<String>>,
}

impl Saver {
    fn save(&self, always: bool) -> Result<(), SandboxError> {
        let Some(path) = &self.path else { return Ok(()) };
        let mut last = self.last_saved.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let state = SavedState {
            format: STATE_FORMAT.to_string(),
            scenario: self.scenario.to_string(),
            admin_key: self.admin_key.expose_secret().to_string(),
            platform: (self.platform)(),
            aws: (self.aws)(),
            azure: (self.azure)(),
            gcp: (self.gcp)(),
        };
        let text = serde_json::to_string_pretty(&state)
            .map_err(|e| SandboxError::Config { what: WHAT, message: format!("cannot serialise the state: {e}") })?;
        if !always && last.as_deref() == Some(text.as_str()) {
            return Ok(());
        }
        write_atomically(path, text.as_bytes())?;
        *last = Some(text);
        Ok(())
    }
}

impl Sandbox {
    pub async fn start(opts: SandboxOptions) -> Result<Sandbox, SandboxError> {
        let saved = match &opts.state_file {
            Some(path) if path.exists() => Some(load(path)?),
            _ => None,
        };
        let fresh = saved.is_none();
        // A state file remembers its scenario, so its standing conditions (RCPs, faults) come back too.
        let scenario = saved.as_ref().and_then(|s| super::scenarios::find(&s.scenario)).unwrap_or(opts.scenario);
        let admin_key = SecretString::from(match &saved {
            Some(s) => s.admin_key.clone(),
            None => format!("sk-ant-admin01-sandbox-{}", Alphanumeric.sample_string(&mut rand::rng(), 32)),
        });
        let (platform_state, aws_state, azure_state, gcp_state) = match saved {
            Some(s) => (Some(s.platform), s.aws, s.azure, s.gcp),
            None => (None, AwsState::seeded(), AzureState::seeded(), GcpState::seeded()),
        };

        let after_change = AfterChange::default();
        // One CA for every TLS listener, so clients trust one certificate.
        let ca = SandboxCa::new().map_err(|message| SandboxError::Config { what: WHAT, message })?;
        let traffic = Traffic::new(opts.latency.clone().unwrap_or_else(|| Latency::uniform(scenario.latency)));
        let aws = aws::start(AwsEmulatorConfig {
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, opts.aws_port)),
            state: aws_state,
            rcps: Vec::new(),
            faults: scenario.faults,
            after_change: after_change.clone(),
            traffic: traffic.clone(),
        })
        .await?;
        let azure = azure_emulator::start(AzureEmulatorConfig {
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, opts.azure_port)),
            state: azure_state,
            faults: scenario.faults,
            after_change: after_change.clone(),
            ca: Some(ca.clone()),
            traffic: traffic.clone(),
        })
        .await?;
        let gcp = gcp_emulator::start(GcpEmulatorConfig {
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, opts.gcp_port)),
            state: gcp_state,
            faults: scenario.faults,
            after_change: after_change.clone(),
            traffic: traffic.clone(),
        })
        .await?;
        let platform = platform::start(PlatformSandboxConfig {
            admin_key: admin_key.clone(),
            aws: Some(AwsBackend {
                endpoint_url: aws.endpoint.as_str().trim_end_matches('/').to_string(),
                region_default: REGION.to_string(),
                credentials: aws.customer().credentials,
                anthropic: Some(AnthropicIdentity {
                    credentials: aws.anthropic_platform().credentials,
                    role_arn: identities::published().aws.role_arn.clone(),
                }),
            }),
            azure: Some(azure_backend(&azure)),
            gcp: Some(GcpBackend {
                endpoint: gcp.endpoint_url(),
                anthropic_token: SecretString::from(gcp.anthropic_token()),
            }),
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, opts.platform_port)),
            initial: platform_state,
            faults: scenario.faults,
            after_change: after_change.clone(),
            traffic: traffic.clone(),
        })
        .await?;

        let proxy = proxy::start(ProxyConfig {
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, opts.proxy_port)),
            ca,
            upstreams: Upstreams {
                azure: loopback(azure.port()),
                aws: loopback(aws.endpoint.port().unwrap_or(80)),
                gcp: loopback(gcp.endpoint.port().unwrap_or(80)),
                platform: loopback(platform.base_url.port().unwrap_or(80)),
            },
        })
        .await?;

        let saver = Arc::new(Saver {
            path: opts.state_file,
            scenario: scenario.name,
            admin_key: admin_key.clone(),
            platform: Box::new(platform.state_source()),
            aws: Box::new(aws.state_source()),
            azure: Box::new(azure.state_source()),
            gcp: Box::new(gcp.state_source()),
            last_saved: Mutex::new(None),
        });
        let sandbox = Sandbox {
            scenario,
            restored: !fresh,
            platform,
            aws,
            azure,
            gcp,
            proxy,
            admin_key,
            saver: saver.clone(),
            traffic,
        };
        if fresh {
            (sandbox.scenario.arrange)(&sandbox).map_err(|message| SandboxError::Config { what: WHAT, message })?;
        }
        if let Some(delay) = opts.azure_rbac_delay {
            // After the scenario, so an explicit choice wins over what it arranged.
            sandbox.azure.set_propagation_delay(delay);
        }
        if fresh {
            sandbox.save()?;
        } else {
            // A restored sandbox keeps its scenario's standing conditions (RCPs); its data is the file's.
            sandbox.aws.set_rcps((sandbox.scenario.rcps)());
        }
        if saver.path.is_some() {
            // Saved after every change, before the answer leaves: a killed client leaves a file
            // with everything it was told.
            after_change.set(move || {
                if let Err(e) = saver.save(false) {
                    tracing::warn!(error = %e, "the sandbox could not save its state");
                }
            });
        }
        Ok(sandbox)
    }

    /// What a client needs to reach every emulated service; fails only when the OIDC issuer's
    /// key cannot sign the CI job's identity token.
    pub fn endpoints(&self) -> Result<SandboxEndpoints, SandboxError> {
        Ok(SandboxEndpoints {
            base_url: self.platform.base_url.clone(),
            admin_key: self.admin_key.clone(),
            aws_endpoint: self.aws.endpoint.as_str().trim_end_matches('/').to_string(),
            aws_region: REGION.to_string(),
            aws_credentials: self.aws.customer().credentials,
            azure: self.azure_endpoints(),
            gcp: GcpSandboxEndpoints {
                endpoint: self.gcp.endpoint_url(),
                access_token: SecretString::from(self.gcp.admin_token()),
                principal: gcp_emulator::ADMIN_PRINCIPAL.to_string(),
                project_id: gcp_emulator::PROJECT_ID.to_string(),
                location: gcp_emulator::LOCATION.to_string(),
            },
            federation: self.platform.federation_endpoints()?,
        })
    }

    /// An identity token signed by the sandbox's OIDC issuer (standing for a CI provider), to
    /// exchange at the platform's `POST /v1/oauth/token`.
    pub fn mint_identity_token(&self, claims: &IdentityClaims) -> Result<SecretString, SandboxError> {
        self.platform.mint_identity_token(claims)
    }

    fn azure_endpoints(&self) -> AzureSandboxEndpoints {
        let az = &self.azure;
        let port = az.port();
        let customer = az.customer();
        let (identity_endpoint, identity_header) = az.managed_identity();
        AzureSandboxEndpoints {
            port,
            ca_pem: az.ca_pem().to_string(),
            arm: format!("https://management.azure.com:{port}"),
            graph: format!("https://graph.microsoft.com:{port}"),
            authority: az.authority_url(),
            vault_url: az.vault_url(azure_emulator::VAULT_NAME),
            tenant_id: customer.tenant_id,
            client_id: customer.client_id,
            client_secret: SecretString::from(customer.client_secret),
            identity_endpoint,
            identity_header: SecretString::from(identity_header),
        }
    }

    /// The requests every emulator answered, and the latency they add (`GET /_sandbox/stats` on
    /// the platform's listener serves the same).
    pub fn traffic(&self) -> &Traffic {
        &self.traffic
    }

    /// Writes the state file, if there is one (write to a temporary file, then rename).
    pub fn save(&self) -> Result<(), SandboxError> {
        self.saver.save(true)
    }

    /// Like `save`, but only when something changed since the last save.
    pub fn save_if_changed(&self) -> Result<(), SandboxError> {
        self.saver.save(false)
    }

    /// Saves (when there is a state file) and stops the emulators.
    pub async fn shutdown(self) -> Result<(), SandboxError> {
        self.save()?;
        self.proxy.shutdown().await?;
        self.platform.shutdown().await?;
        self.azure.shutdown().await?;
        self.gcp.shutdown().await?;
        self.aws.shutdown().await
    }
}

fn loopback(port: u16) -> SocketAddr {
    SocketAddr::from((Ipv4Addr::LOCALHOST, port))
}

/// Where the platform's validation reaches the Azure emulator, as Anthropic's app.
fn azure_backend(azure: &RunningAzure) -> AzureBackend {
    let port = azure.port();
    let anthropic = azure.anthropic();
    AzureBackend {
        authority: azure.authority_url(),
        vault_suffix: format!(":{port}"),
        ca_pem: azure.ca_pem().to_string(),
        loopback_port: port,
        anthropic_client_id: anthropic.client_id,
        anthropic_client_secret: SecretString::from(anthropic.client_secret),
    }
}

fn load(path: &Path) -> Result<SavedState, SandboxError> {
    let bad = |why: String| SandboxError::Config {
        what: WHAT,
        message: format!("cannot use the state file {}: {why}; remove it to start afresh", path.display()),
    };
    let text = std::fs::read_to_string(path).map_err(|e| bad(e.to_string()))?;
    let state: SavedState = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
    if state.format != STATE_FORMAT {
        return Err(bad(format!("its format is `{}`, this version reads `{STATE_FORMAT}`", state.format)));
    }
    Ok(state)
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), SandboxError> {
    let fail = |e: std::io::Error| SandboxError::Config {
        what: WHAT,
        message: format!("cannot write the state file {}: {e}", path.display()),
    };
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(fail)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(fail)?;
    std::io::Write::write_all(&mut tmp, bytes).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}
