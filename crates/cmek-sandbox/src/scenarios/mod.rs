//! Named sandbox starting points (`--sandbox=<scenario>`): the broken and tricky states customers
//! really meet, for rehearsing `cmek` and seeing what each failure looks like before production.
//!
//! A scenario seeds the emulators directly (bypassing their own checks on purpose: the point is to
//! reach states the APIs would normally refuse to create) and may add standing conditions
//! (Resource Control Policies, transient faults). The `azure-*` scenarios arrange the Azure world
//! (see `azure`) and the `gcp-*` ones the Google Cloud KMS world (see `gcp`); the other clouds stay
//! seeded in them, and the others leave Azure and GCP seeded. The `wif-*` ones change the Workload
//! Identity Federation a CI job meets (see `wif`) and leave every cloud seeded.

pub mod azure;
pub mod gcp;
mod policies;
pub mod status;
pub mod wif;
#[cfg(test)]
mod wif_tests;

use std::time::Duration;

use cmek_core::model::aws::{AwsKeyState, KmsAliasName};
use cmek_core::policy::aws::PolicyDocument;

use super::aws::{CUSTOMER_ACCOUNT, SeedKey};
use super::faults::Faults;
use super::world::{REGION, Sandbox};

pub struct Scenario {
    pub name: &'static str,
    /// One line: the state the sandbox starts in.
    pub summary: &'static str,
    /// What `cmek --sandbox=<name> setup ...` shows in it.
    pub shows: &'static str,
    pub faults: Faults,
    /// Added before every answer unless the sandbox is given its own `--latency`.
    pub latency: Duration,
    pub rcps: fn() -> Vec<PolicyDocument>,
    pub arrange: fn(&Sandbox) -> Result<(), String>,
}

impl std::fmt::Debug for Scenario {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

const NO_FAULTS: Faults = Faults { error_share: 0.0 };

fn no_rcps() -> Vec<PolicyDocument> {
    Vec::new()
}

fn nothing(_: &Sandbox) -> Result<(), String> {
    Ok(())
}

pub static SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "default",
        summary: "a clean organisation (production, staging, development) and AWS account: no key yet",
        shows: "the whole job: a new key with the Anthropic policy, registered, validated, attached on confirmation",
        faults: NO_FAULTS,
        latency: Duration::ZERO,
        rcps: no_rcps,
        arrange: nothing,
    },
    Scenario {
        name: "customer-statements",
        summary: "alias/anthropic-cmek names a key whose policy has only the customer's own statements",
        shows: "setup merges the Anthropic statements in, keeps every customer statement, backs up the old policy",
        faults: NO_FAULTS,
        latency: Duration::ZERO,
        rcps: no_rcps,
        arrange: |s| alias_key(s, policies::customer_statements(), AwsKeyState::Enabled, false),
    },
    Scenario {
        name: "console-wizard",
        summary: "the key's policy came from the AWS console wizard: Anthropic's whole account, broad actions, no condition",
        shows: "setup stops before any change: AWS-08, another organisation's context would be allowed",
        faults: NO_FAULTS,
        latency: Duration::ZERO,
        rcps: no_rcps,
        arrange: |s| alias_key(s, policies::console_wizard(), AwsKeyState::Enabled, false),
    },
    Scenario {
        name: "missing-org-condition",
        summary: "the key grants Anthropic's role Encrypt/Decrypt without the organisation condition",
        shows: "the plan replaces the Anthropic statements with organisation-bound ones (validation refuses the old)",
        faults: NO_FAULTS,
        latency: Duration::ZERO,
        rcps: no_rcps,
        arrange: |s| alias_key(s, policies::missing_org_condition(), AwsKeyState::Enabled, false),
    },
    Scenario {
        name: "placeholder",
        summary: "a literal <compartment-uuid> placeholder was left in the key policy's condition",
        shows: "setup warns (ANT-04) and replaces the placeholder with the workspace's real compartment id",
        faults: NO_FAULTS,
        latency: Duration::ZERO,
        rcps: no_rcps,
        arrange: |s| alias_key(s, policies::placeholder_left(), AwsKeyState::Enabled, false),
    },
    Scenario {
        name: "workspace-not-pinned",
        summary: "the key policy pins the staging workspace only: production is missing from the compartment list",
        shows: "setup --workspace production adds production's compartment and keeps staging's",
        faults: NO_FAULTS,
        latency: Duration::ZERO,
        rcps: no_rcps,
        arrange: |s| alias_key(s, policies::pinned_to_staging(), AwsKeyState::Enabled, false),
    },
    Scenario {
        name: "disabled-key",
        summary: "alias/anthropic-cmek names a correctly policied key that is Disabled",
        shows: "setup stops before any change: AWS-01, with the enable-key command",
        faults: NO_FAULTS,
        latency: Duration::ZERO,
        rcps: no_rcps,
        arrange: |s| alias_key(s, policies::correct(), AwsKeyState::Disabled, false),
    },
    Scenario {
        name: "pending-deletion",
        summary: "alias/anthropic-cmek names a correctly policied key that is scheduled for deletion",
        shows: "setup stops before any change: AWS-02, with the cancel-key-deletion command",
        faults: NO_FAULTS,
        latency: Duration::ZERO,
        rcps: no_rcps,
        arrange: |s| alias_key(s, policies::correct(), AwsKeyState::PendingDeletion, false),
    },
    Scenario {
        name: "multi-region",
        summary: "alias/anthropic-cmek names a multi-Region (mrk-) key",
        shows: "setup stops before any change: AWS-04, CMEK needs a single-Region key",
        faults: NO_FAULTS,
        latency: Duration::ZERO,
        rcps: no_rcps,
        arrange: |s| alias_key(s, policies::correct(), AwsKeyState::Enabled, true),
    },
    Scenario {
        name: "rcp-deny",
        summary: "a Resource Control Policy denies KMS to principals outside the customer's AWS organisation",
        shows: "the key policy is right but validation fails: the RCP denies Anthropic's role (needs a carve-out)",
        faults: NO_FAULTS,
        latency: Duration::ZERO,
        rcps: org_perimeter_rcp,
        arrange: |s| {
            s.aws.set_rcps(org_perimeter_rcp());
            Ok(())
        },
    },
    Scenario {
        name: "flaky",
        summary: "30% of platform, AWS, Azure and Google Cloud KMS requests fail transiently (429, 5xx, throttling; one in three \
                  failed changes is made and its answer lost) and every answer is 150 ms late (unless --latency says otherwise)",
        shows: "setup still converges with one key and one registration: calls are retried, creates are looked up \
                before a retry",
        faults: Faults { error_share: 0.3 },
        latency: Duration::from_millis(150),
        rcps: no_rcps,
        arrange: nothing,
    },
    Scenario {
        name: "platform-2023",
        summary: "the Admin API speaks only 2023-06-01: it refuses 2026-10-21 and its errors carry no codes",
        shows: "cmek falls back to 2023-06-01 for the rest of the run, and validates a key with a call of its own \
                before attaching it (an attach's refusal no longer says it was the validation)",
        faults: NO_FAULTS,
        latency: Duration::ZERO,
        rcps: no_rcps,
        arrange: |s| {
            s.platform.set_structured_version(false);
            Ok(())
        },
    },
    Scenario {
        name: "cmek-not-enabled",
        summary: "the organisation is not entitled to CMEK: the Admin API refuses every external-key and attach call",
        shows: "setup stops before creating anything, and doctor reports ANT-02: only the account team can enable it",
        faults: NO_FAULTS,
        latency: Duration::ZERO,
        rcps: no_rcps,
        arrange: |s| {
            s.platform.set_cmek_enabled(false);
            Ok(())
        },
    },
    Scenario {
        name: "azure-access-policy",
        summary: "the Azure vault uses access policies (enableRbacAuthorization false), with a policy for the customer only",
        shows: "setup stops before any change: AZ-01, assign roles first, then switch the vault to Azure RBAC (only advised)",
        faults: NO_FAULTS,
        latency: Duration::ZERO,
        rcps: no_rcps,
        arrange: azure::access_policy,
    },
    Scenario {
        name: "azure-purge-protection-off",
        summary: "the Azure vault has purge protection off (enablePurgeProtection null)",
        shows: "setup turns purge protection on (AZ-02, irreversible) only with the vault's name typed as confirmation",
        faults: NO_FAULTS,
        latency: Duration::ZERO,
        rcps: no_rcps,
        arrange: azure::purge_protection_off,
    },
    Scenario {
        name: "azure-public-access-disabled",
        summary: "the Azure vault has publicNetworkAccess Disabled (private endpoints only)",
        shows: "AZ-03: setup turns public access on with a default-deny firewall admitting 160.79.104.0/21, once approved",
        faults: NO_FAULTS,
        latency: Duration::ZERO,
        rcps: no_rcps,
        arrange: azure::public_access_disabled,
    },
    Scenario {
        name: "azure-firewall-missing-range",
        summary: "the Azure vault firewall denies by default and admits a retired 34.162.x address and the customer, not 160.79.104.0/21",
        shows: "AZ-04 and AZ-05: setup adds 160.79.104.0/21, removes the retired address and keeps the customer's own",
        faults: NO_FAULTS,
        latency: Duration::ZERO,
        rcps: no_rcps,
        arrange: azure::firewall_missing_range,
    },
    Scenario {
        name: "azure-sp-missing",
        summary: "Anthropic's app has no service principal in the tenant, and the customer lacks a directory role to consent",
        shows: "setup cannot consent: AZ-06, with `az ad sp create --id 8635ae1a-...` for an Application Administrator",
        faults: NO_FAULTS,
        latency: Duration::ZERO,
        rcps: no_rcps,
        arrange: azure::sp_missing,
    },
    Scenario {
        name: "azure-role-wrong-scope",
        summary: "Anthropic is consented, but Key Vault Crypto User sits on another key (payments-cmek), not on anthropic-cmek",
        shows: "AZ-07: setup assigns Key Vault Crypto User at anthropic-cmek's scope and leaves the other assignment alone",
        faults: NO_FAULTS,
        latency: Duration::ZERO,
        rcps: no_rcps,
        arrange: azure::role_wrong_scope,
    },
    Scenario {
        name: "azure-propagation-delay",
        summary: "new Azure role assignments take 20 s to reach Key Vault; nothing else is wrong",
        shows: "setup assigns the role, validation answers ForbiddenByRbac (AZ-08), setup waits visibly and retries until it passes",
        faults: NO_FAULTS,
        latency: Duration::ZERO,
        rcps: no_rcps,
        arrange: azure::propagation_delay,
    },
    Scenario {
        name: "azure-key-too-small",
        summary: "anthropic-cmek is an RSA 2048 key (consented and granted, tagged)",
        shows: "setup stops before any change: AZ-09, Anthropic needs RSA of at least 3072 bits (a new key or version)",
        faults: NO_FAULTS,
        latency: Duration::ZERO,
        rcps: no_rcps,
        arrange: azure::key_too_small,
    },
    Scenario {
        name: "azure-wrong-ops",
        summary: "anthropic-cmek allows only encrypt/decrypt, not wrapKey/unwrapKey (consented and granted, tagged)",
        shows: "setup stops before any change: AZ-09, the key's operations lack wrapKey/unwrapKey (a new key or version)",
        faults: NO_FAULTS,
        latency: Duration::ZERO,
        rcps: no_rcps,
        arrange: azure::wrong_ops,
    },
    Scenario {
        name: "azure-tag-missing",
        summary: "anthropic-cmek carries three customer tags but not the organisation tag (consented and granted)",
        shows: "AZ-10: setup adds anthropic-org-<org>=true and keeps the three tags (merged: setting tags replaces them all)",
        faults: NO_FAULTS,
        latency: Duration::ZERO,
        rcps: no_rcps,
        arrange: azure::tag_missing,
    },
    Scenario {
        name: "azure-key-expired",
        summary: "anthropic-cmek expired yesterday (consented and granted, tagged)",
        shows: "setup stops before any change: AZ-11, with `az keyvault key set-attributes --expires` or a new version",
        faults: NO_FAULTS,
        latency: Duration::ZERO,
        rcps: no_rcps,
        arrange: azure::key_expired,
    },
    Scenario {
        name: "azure-tenant-mismatch",
        summary: "the platform already holds anthropic-cmek's configuration registered with the customer's other tenant, not the vault's",
        shows: "doctor and setup catch the registered tenant_id differing from the vault's (AZ-13); validation says AKV10032",
        faults: NO_FAULTS,
        latency: Duration::ZERO,
        rcps: no_rcps,
        arrange: azure::tenant_mismatch,
    },
    Scenario {
        name: "azure-key-deleted",
        summary: "anthropic-cmek is in the vault's soft-delete bin (recoverable; its name cannot be reused)",
        shows: "setup stops before any change: AZ-12, with `az keyvault key recover`",
        faults: NO_FAULTS,
        latency: Duration::ZERO,
        rcps: no_rcps,
        arrange: azure::key_deleted,
    },
    Scenario {
        name: "azure-vault-deleted",
        summary: "anthropic-cmek is registered for vault cmek-sandbox and attached to staging, and the vault is \
                  soft-deleted (in the subscription's deleted vaults, recoverable for 90 days)",
        shows: "setup stops before any change and doctor fails: AZ-12, with `az keyvault recover`",
        faults: NO_FAULTS,
        latency: Duration::ZERO,
        rcps: no_rcps,
        arrange: azure::vault_deleted,
    },
    Scenario {
        name: "azure-policy-deny-public",
        summary: "the Azure vault has publicNetworkAccess Disabled and an Azure Policy assignment at its resource group \
                  denies public network access on Key Vaults (built-in 405c5871..., effect Deny)",
        shows: "setup stops before any change: AZ-16, naming the assignment, with the exemption command; with an \
                exemption for the vault it turns public access on",
        faults: NO_FAULTS,
        latency: Duration::ZERO,
        rcps: no_rcps,
        arrange: azure::policy_deny_public,
    },
    Scenario {
        name: "gcp-api-disabled",
        summary: "the Cloud KMS API is disabled in project cmek-sandbox (its key ring and key were made before)",
        shows: "every Cloud KMS call fails SERVICE_DISABLED: GCP-01, with `gcloud services enable cloudkms.googleapis.com`",
        faults: NO_FAULTS,
        latency: Duration::ZERO,
        rcps: no_rcps,
        arrange: gcp::api_disabled,
    },
    Scenario {
        name: "gcp-multi-region",
        summary: "the key ring anthropic-cmek is in the multi-region `us`, not a single US region (key labelled and bound)",
        shows: "setup stops before any change: GCP-02, a key ring in us-central1 or us-east5 and a new key",
        faults: NO_FAULTS,
        latency: Duration::ZERO,
        rcps: no_rcps,
        arrange: gcp::multi_region,
    },
    Scenario {
        name: "gcp-wrong-purpose",
        summary: "anthropic-cmek is an ASYMMETRIC_DECRYPT key (RSA-OAEP 3072), labelled and bound",
        shows: "setup stops before any change: GCP-03, Anthropic needs ENCRYPT_DECRYPT (a new key)",
        faults: NO_FAULTS,
        latency: Duration::ZERO,
        rcps: no_rcps,
        arrange: gcp::wrong_purpose,
    },
    Scenario {
        name: "gcp-primary-disabled",
        summary: "anthropic-cmek's primary version is DISABLED (key labelled and bound)",
        shows: "GCP-04 (critical): enable the version with `gcloud kms keys versions enable 1 ...`",
        faults: NO_FAULTS,
        latency: Duration::ZERO,
        rcps: no_rcps,
        arrange: gcp::primary_disabled,
    },
    Scenario {
        name: "gcp-destroy-scheduled",
        summary: "anthropic-cmek's primary version is DESTROY_SCHEDULED, destroyed in 30 days (key labelled and bound)",
        shows: "GCP-04 (critical): restore the version before its destroy time, then enable it",
        faults: NO_FAULTS,
        latency: Duration::ZERO,
        rcps: no_rcps,
        arrange: gcp::destroy_scheduled,
    },
    Scenario {
        name: "gcp-binding-at-keyring",
        summary: "Anthropic's two roles are granted on the key ring anthropic-cmek, not on the key (key labelled)",
        shows: "GCP-06: IAM inherits so validation passes, but setup reports the ring-level grants and adds key-scoped ones",
        faults: NO_FAULTS,
        latency: Duration::ZERO,
        rcps: no_rcps,
        arrange: gcp::binding_at_keyring,
    },
    Scenario {
        name: "gcp-one-role",
        summary: "Anthropic has cryptoKeyEncrypterDecrypter on anthropic-cmek but not cloudkms.viewer (key labelled)",
        shows: "GCP-06: validation cannot read the key (cloudkms.cryptoKeys.get denied); setup adds the viewer binding",
        faults: NO_FAULTS,
        latency: Duration::ZERO,
        rcps: no_rcps,
        arrange: gcp::one_role,
    },
    Scenario {
        name: "gcp-label-missing",
        summary: "anthropic-cmek has Anthropic's two bindings and the customer's team=payments label, not the org label",
        shows: "GCP-09: setup adds anthropic-org-<org>=true and keeps team=payments (a labels patch replaces the map)",
        faults: NO_FAULTS,
        latency: Duration::ZERO,
        rcps: no_rcps,
        arrange: gcp::label_missing,
    },
    Scenario {
        name: "gcp-domain-restricted",
        summary: "domain-restricted sharing on project cmek-sandbox permits only example.com and the project's own accounts",
        shows: "setIamPolicy adding Anthropic's service account fails FAILED_PRECONDITION: GCP-07, a carve-out is needed",
        faults: NO_FAULTS,
        latency: Duration::ZERO,
        rcps: no_rcps,
        arrange: gcp::domain_restricted,
    },
    Scenario {
        name: "gcp-vpc-sc",
        summary: "a VPC Service Controls perimeter protects Cloud KMS in cmek-sandbox and admits only the customer's admin",
        shows: "the key is right but Anthropic's calls fail SECURITY_POLICY_VIOLATED: GCP-08, an ingress rule is needed",
        faults: NO_FAULTS,
        latency: Duration::ZERO,
        rcps: no_rcps,
        arrange: gcp::vpc_sc,
    },
    Scenario {
        name: "gcp-deny-policy",
        summary: "an IAM deny policy on cmek-sandbox denies Anthropic's service account useToEncrypt and useToDecrypt",
        shows: "the bindings are right but encrypt fails PERMISSION_DENIED: the deny policy needs an exception for Anthropic",
        faults: NO_FAULTS,
        latency: Duration::ZERO,
        rcps: no_rcps,
        arrange: gcp::deny_policy,
    },
    Scenario {
        name: "status-mixed",
        summary: "keys in every state: production on a healthy AWS key (so is the archived legacy-2025), staging on one \
                  that fails validation, development with none, a valid Google Cloud key attached to nothing, an \
                  abandoned Azure key",
        shows: "cmek status --all --validate: ok, failing (exit 1), not protected, ready to attach, orphan configuration",
        faults: NO_FAULTS,
        latency: Duration::ZERO,
        rcps: no_rcps,
        arrange: status::mixed,
    },
    Scenario {
        name: "status-at-scale",
        summary: "1,000 live workspaces, 50 archived, 200 registered keys (150 attached; the keys are not in the AWS \
                  emulator)",
        shows: "cmek status lists every page of both listings (1 page of workspaces, 2 of keys; --all: 2 of workspaces)",
        faults: NO_FAULTS,
        latency: Duration::ZERO,
        rcps: no_rcps,
        arrange: status::at_scale,
    },
    Scenario {
        name: "wif-expired-identity-token",
        summary: "a CI job with federation variables whose identity token expired 10 minutes ago (no admin key exported)",
        shows: "the token exchange is refused (401 Authentication failed); the authentication events say the JWT expired: \
                the CI job must fetch a fresh identity token",
        faults: NO_FAULTS,
        latency: Duration::ZERO,
        rcps: no_rcps,
        arrange: wif::expired_identity_token,
    },
    Scenario {
        name: "wif-rule-mismatch",
        summary: "the CI job's identity token is for repo:mallory/cmek-setup, which the rule's subject prefix \
                  repo:acme/cmek-setup:* does not match (no admin key exported)",
        shows: "the token exchange is refused (401 Authentication failed) naming the rule, organisation and service \
                account; the authentication events say the sub does not match",
        faults: NO_FAULTS,
        latency: Duration::ZERO,
        rcps: no_rcps,
        arrange: wif::rule_mismatch,
    },
    Scenario {
        name: "wif-non-admin",
        summary: "the CI job's federation variables name the rule of dev-bot, a developer service account whose \
                  tokens lack org:admin (no admin key exported)",
        shows: "the exchange succeeds but every Admin API call is refused 403: it requires the org:admin scope",
        faults: NO_FAULTS,
        latency: Duration::ZERO,
        rcps: no_rcps,
        arrange: wif::non_admin,
    },
    Scenario {
        name: "wif-multi-workspace-rule",
        summary: "the CI job's federation rule is enabled for two workspaces (production, staging) and no \
                  ANTHROPIC_WORKSPACE_ID is set (no admin key exported)",
        shows: "the token exchange is refused (401 Authentication failed): a rule enabled for several workspaces \
                needs ANTHROPIC_WORKSPACE_ID",
        faults: NO_FAULTS,
        latency: Duration::ZERO,
        rcps: no_rcps,
        arrange: wif::multi_workspace_rule,
    },
];

pub fn find(name: &str) -> Option<&'static Scenario> {
    SCENARIOS.iter().find(|s| s.name == name)
}

pub fn default_scenario() -> &'static Scenario {
    &SCENARIOS[0]
}

/// The names, for error messages.
pub fn names() -> String {
    SCENARIOS.iter().map(|s| s.name).collect::<Vec<_>>().join(", ")
}

fn org_perimeter_rcp() -> Vec<PolicyDocument> {
    PolicyDocument::parse(&policies::rcp_org_perimeter()).into_iter().collect()
}

/// Seeds a key in the customer's account, named by the alias `cmek` looks for.
fn alias_key(s: &Sandbox, policy: String, state: AwsKeyState, multi_region: bool) -> Result<(), String> {
    s.aws
        .seed_key(SeedKey {
            account: CUSTOMER_ACCOUNT.to_string(),
            region: REGION.to_string(),
            policy,
            state,
            multi_region,
            alias: Some(KmsAliasName::default_alias()),
            description: format!("seeded by the sandbox scenario ({})", s.scenario.name),
            rotation: true,
        })
        .map(|_| ())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_summaries_are_one_line() {
        let mut names: Vec<&str> = SCENARIOS.iter().map(|s| s.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), SCENARIOS.len());
        for s in SCENARIOS {
            assert!(!s.summary.contains('\n') && !s.summary.is_empty(), "{}", s.name);
            assert!(s.faults.checked().is_ok(), "{}", s.name);
        }
        assert_eq!(default_scenario().name, "default");
        assert_eq!((find("rcp-deny").unwrap().rcps)().len(), 1);
    }

    /// A scenario's latency is the traffic layer's (one mechanism, shown in the stats), and a
    /// latency given to the sandbox replaces it.
    #[tokio::test]
    async fn flaky_is_late_through_the_traffic_layer_unless_told_otherwise() {
        use crate::traffic::Latency;
        use crate::{Sandbox, SandboxOptions};
        let flaky = find("flaky").unwrap();
        let own = Sandbox::start(SandboxOptions::new(flaky)).await.unwrap();
        assert_eq!(own.traffic().latency(), Latency::uniform(Duration::from_millis(150)));
        assert_eq!(own.traffic().stats().latency, Latency::uniform(Duration::from_millis(150)));
        own.shutdown().await.unwrap();
        let told = Sandbox::start(SandboxOptions { latency: Some(Latency::default()), ..SandboxOptions::new(flaky) })
            .await
            .unwrap();
        assert!(told.traffic().latency().is_zero());
        told.shutdown().await.unwrap();
        let calm = Sandbox::start(SandboxOptions::new(default_scenario())).await.unwrap();
        assert!(calm.traffic().latency().is_zero());
        calm.shutdown().await.unwrap();
    }
}
