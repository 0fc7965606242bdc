//! How a platform sandbox is started: the admin key it accepts, where it listens, and where its
//! key validation reaches AWS KMS, Azure Key Vault and Google Cloud KMS.

use std::net::{Ipv4Addr, SocketAddr};

use secrecy::SecretString;

use super::state::PlatformState;
use crate::aws::AwsCredentials;
use crate::faults::Faults;

/// What `start` needs. Runtime knobs (CMEK on or off, the validation time limit) are set on the
/// running sandbox instead, so scenarios can change them between requests.
#[derive(Debug, Clone)]
pub struct PlatformSandboxConfig {
    /// The only key the sandbox accepts (`x-api-key`, or `authorization: Bearer` as the SDKs send it).
    pub admin_key: SecretString,
    /// Where validation calls AWS KMS (moto now; the built-in emulator later). `None`: validating an
    /// AWS key fails with a sentence saying the sandbox has no AWS endpoint.
    pub aws: Option<AwsBackend>,
    /// Where validation reaches Azure (the sandbox's Azure emulator). `None`: validating an Azure
    /// key fails with a sentence saying the sandbox has no Azure endpoint.
    pub azure: Option<AzureBackend>,
    /// Where validation reaches Google Cloud KMS (the sandbox's emulator). `None`: validating a
    /// GCP key fails with a sentence saying the sandbox has no Cloud KMS endpoint.
    pub gcp: Option<GcpBackend>,
    /// 127.0.0.1:0 by default (a free port).
    pub bind: SocketAddr,
    /// Where to start from: a saved state (`--state FILE`), or `None` for the seeded organisation.
    pub initial: Option<PlatformState>,
    /// Injected transient failures (none by default).
    pub faults: Faults,
    /// Run after each request that may change the state (the sandbox saves its file there).
    pub after_change: crate::after_change::AfterChange,
    /// Counts the requests and adds the latency (shared by a sandbox's emulators).
    pub traffic: crate::traffic::Traffic,
}

impl PlatformSandboxConfig {
    /// Loopback on a free port, no AWS backend, the seeded organisation, no faults.
    pub fn new(admin_key: SecretString) -> Self {
        Self {
            admin_key,
            aws: None,
            azure: None,
            gcp: None,
            bind: default_bind(),
            initial: None,
            faults: Faults::none(),
            after_change: Default::default(),
            traffic: Default::default(),
        }
    }
}

pub fn default_bind() -> SocketAddr {
    SocketAddr::from((Ipv4Addr::LOCALHOST, 0))
}

/// The AWS KMS endpoint validation calls, and who it calls as.
///
/// - `anthropic: None` (moto, which enforces nothing): calls are made with `credentials`, and who
///   may call is decided by evaluating the key policy for Anthropic's role locally; the endpoint
///   supplies real key state and real cryptography.
/// - `anthropic: Some(..)` (the built-in emulator, which enforces policies): validation assumes
///   Anthropic's role and makes every call as that session, so outcomes are the endpoint's
///   answers. `credentials` (the customer's) only read the key policy, to decide whether the
///   compartment probes apply.
#[derive(Debug, Clone)]
pub struct AwsBackend {
    /// e.g. `http://127.0.0.1:5000` for moto.
    pub endpoint_url: String,
    /// The region for calls not tied to a key ARN; key calls go to the ARN's own region.
    pub region_default: String,
    pub credentials: AwsCredentials,
    /// Anthropic's identity on an enforcing endpoint (see above).
    pub anthropic: Option<AnthropicIdentity>,
}

/// How Anthropic's validator reaches an enforcing AWS: a principal of Anthropic's account that
/// may assume `role_arn` (the published role).
#[derive(Debug, Clone)]
pub struct AnthropicIdentity {
    pub credentials: AwsCredentials,
    pub role_arn: String,
}

/// How validation reaches an (emulated) Azure, and who it calls as: Anthropic's multi-tenant app,
/// signing in with its client secret to the tenant each key's `provider_config.tenant_id` names,
/// exactly as Anthropic does. The emulator enforces everything else (consent, issuer, firewall,
/// RBAC with its propagation delay, access policies, key state), so outcomes are its answers.
#[derive(Debug, Clone)]
pub struct AzureBackend {
    /// The Entra authority with the emulator's port, e.g. `https://login.microsoftonline.com:<port>`.
    pub authority: String,
    /// Added to the registered vault URI (which has no port) to reach the emulator: `:<port>`.
    pub vault_suffix: String,
    /// The sandbox CA (PEM) the emulator's certificate chains to.
    pub ca_pem: String,
    /// The emulator's loopback port: the Azure host names resolve to 127.0.0.1 on it.
    pub loopback_port: u16,
    /// Anthropic's published app (client) id.
    pub anthropic_client_id: String,
    /// That app's client secret in the emulator.
    pub anthropic_client_secret: SecretString,
}

/// How validation reaches an (emulated) Google Cloud KMS, and who it calls as: Anthropic's
/// published service account, with the access token the emulator issued to it. The emulator
/// enforces everything else (the API enabled, VPC Service Controls, deny and allow policies,
/// the key's state), so outcomes are its answers.
#[derive(Debug, Clone)]
pub struct GcpBackend {
    /// e.g. `http://127.0.0.1:<port>` (no trailing slash).
    pub endpoint: String,
    /// The bearer token standing for Anthropic's service account.
    pub anthropic_token: SecretString,
}
