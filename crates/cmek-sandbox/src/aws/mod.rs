//! An emulator of the AWS KMS and STS APIs on loopback, faithful where CMEK depends on it.
//!
//! The official clients (`aws-sdk-kms`, `aws-sdk-sts`, the `aws` CLI) talk to it unchanged: KMS
//! speaks AWS JSON 1.1, STS the query protocol, both on one listener, every request SigV4-signed
//! and verified. Unlike moto it enforces what decides whether CMEK works: key policies are
//! validated on create/put and evaluated on every call (with `cmek_core::policy::aws::eval`, for the
//! calling user or assumed-role session, cross-account included, plus optional Resource Control
//! Policies), key state is enforced, and ciphertext is real AES-256-GCM bound to the key and the
//! encryption context. Nothing here is used on a production code path.
//!
//! Map: `server` (start/stop, [`RunningAws`]), `handler` (one request: faults from `crate::faults`,
//! protocol, auth, dispatch; `body` reads it within a limit), `seed` (keys for scenarios), `auth` +
//! `sigv4` (SigV4) + `regions` (which signing regions are served), `protocol_json` /
//! `protocol_query` (wire formats), `errors`, `state` + `secret` (the data, serde), `identity`
//! (principals, AssumeRole trust), `ids`, `kms` (operation table) with `ops_keys`, `ops_policy`,
//! `ops_settings`, `ops_aliases`, `ops_crypto`, `ops_sts`, and the rules they share: `keys` (KeyId
//! forms, key metadata), `authorize` (policy evaluation, AccessDenied), `policy_check` (malformed
//! policies, lockout check), `crypto` (ciphertext format), `pagination`.

mod auth;
mod authorize;
mod body;
mod credentials;
mod crypto;
mod errors;
mod handler;
mod identity;
mod ids;
mod keys;
mod kms;
mod ops_aliases;
mod ops_crypto;
mod ops_keys;
mod ops_policy;
mod ops_settings;
mod ops_sts;
mod pagination;
mod policy_check;
mod protocol_json;
mod protocol_query;
mod regions;
mod secret;
mod seed;
mod server;
mod sigv4;
mod state;

use std::net::{Ipv4Addr, SocketAddr};

use cmek_core::model::aws::{AwsKeyState, KmsAliasName};
use cmek_core::policy::aws::PolicyDocument;
pub use credentials::AwsCredentials;

/// Injected transient failures (KMS: `ThrottlingException` or `KMSInternalException`,
/// alternately; STS: `Throttling`), spread as `crate::faults` spreads them.
pub use crate::faults::Faults;
pub use server::{RunningAws, start};
pub use state::AwsState;

/// Every region the emulator knows, served or not, whose endpoints are `<service>.<region>.amazonaws.com`
/// (China's are under `amazonaws.com.cn`, which the sandbox does not answer for).
pub(crate) fn known_regions() -> impl Iterator<Item = &'static str> {
    regions::known().filter(|r| !r.starts_with("cn-"))
}

/// Whether `<service>.<region>.amazonaws.com` names a region the emulator knows (an unknown
/// region has no endpoint at all).
pub(crate) fn is_known_region(region: &str) -> bool {
    known_regions().any(|r| r == region)
}

/// The sandbox customer's account.
pub const CUSTOMER_ACCOUNT: &str = "111122223333";
/// Anthropic's account (= `identities::published().aws.account_id`).
pub const ANTHROPIC_ACCOUNT: &str = "915198916910";
/// The organisation the customer's account belongs to (the id the RCP fixtures use).
pub const CUSTOMER_ORGANIZATION: &str = "o-customer1234";
/// The organisation Anthropic's account belongs to in the sandbox (an invented id: all that
/// matters is that it is not the customer's).
pub const ANTHROPIC_ORGANIZATION: &str = "o-anthropic915";

/// One principal the emulator knows, with long-term credentials.
#[derive(Debug, Clone)]
pub struct EmulatedUser {
    pub arn: String,
    pub account: String,
    pub credentials: AwsCredentials,
}

/// What [`start`] needs.
pub struct AwsEmulatorConfig {
    /// 127.0.0.1:0 by default (a free port).
    pub bind: SocketAddr,
    /// The initial state; [`AwsState::seeded`] holds the customer and Anthropic identities, no keys.
    pub state: AwsState,
    /// Resource Control Policies applied to every KMS call on keys of the customer's organisation.
    pub rcps: Vec<PolicyDocument>,
    /// Injected transient failures (latency is the traffic layer's).
    pub faults: Faults,
    /// Run after each request that may change the state (the sandbox saves its file there).
    pub after_change: crate::after_change::AfterChange,
    /// Counts the requests and adds the latency (shared by a sandbox's emulators).
    pub traffic: crate::traffic::Traffic,
}

impl AwsEmulatorConfig {
    /// Loopback on a free port, the seeded state, no RCPs, no faults.
    pub fn new() -> Self {
        Self {
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            state: AwsState::seeded(),
            rcps: Vec::new(),
            faults: Faults::none(),
            after_change: Default::default(),
            traffic: Default::default(),
        }
    }
}

impl Default for AwsEmulatorConfig {
    fn default() -> Self {
        Self::new()
    }
}

/// A key placed directly into the state, for scenarios. It bypasses every check ON PURPOSE
/// (policy validation, the lockout check, authorisation): scenarios seed broken states.
#[derive(Debug, Clone)]
pub struct SeedKey {
    pub account: String,
    pub region: String,
    /// The key policy, verbatim (it may be broken on purpose; a policy that does not parse
    /// allows nobody anything).
    pub policy: String,
    /// `Enabled`, `Disabled`, `PendingDeletion` or `PendingImport`.
    pub state: AwsKeyState,
    pub multi_region: bool,
    pub alias: Option<KmsAliasName>,
    pub description: String,
    pub rotation: bool,
}

impl SeedKey {
    /// An enabled, single-Region key of the customer's account in us-east-2, with `policy`.
    pub fn customer(policy: impl Into<String>) -> Self {
        Self {
            account: CUSTOMER_ACCOUNT.to_string(),
            region: crate::REGION.to_string(),
            policy: policy.into(),
            state: AwsKeyState::Enabled,
            multi_region: false,
            alias: None,
            description: String::new(),
            rotation: false,
        }
    }
}
