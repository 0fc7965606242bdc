//! What doctor read in Google Cloud KMS, and the key it was asked to look at.

use crate::model::ProviderKind;
use crate::model::gcp::{GcpCallerIdentity, GcpIamPolicy, GcpKeyConfig, GcpKeyFacts, GcpKeyName, GcpKeyRingFacts};
use crate::plan::RegisteredKey;
use crate::plan::gcp::GcpFacts;

use super::super::cloud::{CloudDoctorFacts, CloudKeyRef};
use super::super::facts::{DoctorFacts, Gathered};
use super::super::finding::Finding;

/// A Cloud KMS key to diagnose, by its full resource name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GcpDoctorKey(pub GcpKeyName);

impl CloudKeyRef for GcpDoctorKey {
    fn provider(&self) -> ProviderKind {
        ProviderKind::Gcp
    }

    fn describe(&self) -> String {
        self.0.to_string()
    }
}

/// A Cloud KMS key named without its project (`doctor --provider gcp` with no `--gcp-project`):
/// the project is the one the Google credential works in, as `setup` takes it, known only once
/// the credential is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GcpDoctorKeyInProject {
    pub location: String,
    pub key_ring: String,
    pub key: String,
}

impl GcpDoctorKeyInProject {
    /// The full name in `project` (the credential's), or why there is none.
    pub fn in_project(&self, project: Option<&str>) -> Result<GcpKeyName, String> {
        GcpKeyName::in_project(project, &self.location, &self.key_ring, &self.key)
    }
}

impl CloudKeyRef for GcpDoctorKeyInProject {
    fn provider(&self) -> ProviderKind {
        ProviderKind::Gcp
    }

    fn describe(&self) -> String {
        format!("key {} in key ring {} ({}) of the credential's project", self.key, self.key_ring, self.location)
    }
}

/// Whether the Cloud KMS API answers in the key's project (GCP-01).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KmsApi {
    /// A Cloud KMS call got an answer (a NOT_FOUND counts: the API is on).
    Enabled,
    /// A call was refused with `SERVICE_DISABLED`: Google's text, verbatim.
    Disabled(String),
    /// No call got through, so it cannot be told (why).
    Unknown(String),
}

/// What doctor read about one key, each part on its own: a part that could not be read carries
/// the reason (`Err`), so only the checks that need it say `unknown`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GcpKeyLookup {
    /// The key asked about (`--key`, or the registered `key_name`).
    pub key: GcpKeyName,
    /// Who the Google credential is, when it could be told (for messages).
    pub caller: Option<GcpCallerIdentity>,
    pub api: KmsApi,
    /// The key ring (`keyRings.get` and its `getIamPolicy`); `Ok(None)`: NOT_FOUND.
    pub key_ring: Gathered<Option<GcpKeyRingFacts>>,
    /// The key (`cryptoKeys.get`, its versions and `getIamPolicy`); `Ok(None)`: NOT_FOUND.
    pub crypto_key: Gathered<Option<GcpKeyFacts>>,
    /// The project's IAM policy (`projects.getIamPolicy`), where inherited grants may be.
    pub project_policy: Gathered<GcpIamPolicy>,
    /// Google's error texts for the reads that were refused (PERMISSION_DENIED, a VPC Service
    /// Controls violation, domain-restricted sharing, ...), verbatim: the rules look in them for
    /// GCP-07 and GCP-08 (`validation_text::vpc_sc_refusal`, `drs_refusal`).
    pub refusals: Vec<String>,
    /// What was seen of an IAM deny policy that may deny Anthropic's service account, verbatim.
    pub deny_policy: Option<String>,
    /// What was seen of domain-restricted sharing (`iam.allowedPolicyMemberDomains` or
    /// `iam.managed.allowedPolicyMembers` enforced on the project), verbatim (GCP-07).
    pub domain_restriction: Option<String>,
}

impl GcpKeyLookup {
    /// A lookup of `key` where nothing has been read yet: the engine fills in each part.
    pub fn new(key: GcpKeyName) -> Self {
        const NOT_READ: &str = "doctor did not read it";
        Self {
            key,
            caller: None,
            api: KmsApi::Unknown(NOT_READ.into()),
            key_ring: Err(NOT_READ.into()),
            crypto_key: Err(NOT_READ.into()),
            project_policy: Err(NOT_READ.into()),
            refusals: Vec::new(),
            deny_policy: None,
            domain_restriction: None,
        }
    }

    /// What `setup`'s inspection found (`plan::gcp::GcpFacts`), seen as doctor's lookup: the
    /// same reads, so the engine can gather once for both. A key ring or key it did not find is
    /// NOT_FOUND; a project policy it could not read is unknown.
    pub fn from_setup_facts(facts: &GcpFacts) -> Self {
        let api = match &facts.api_disabled {
            Some(text) => KmsApi::Disabled(text.clone()),
            None => KmsApi::Enabled,
        };
        let disabled = |what: &str| format!("{what} could not be read: the Cloud KMS API is disabled");
        let (key_ring, crypto_key) = match &facts.api_disabled {
            Some(_) => (Err(disabled("the key ring")), Err(disabled("the key"))),
            None => (Ok(facts.key_ring.clone()), Ok(facts.key.clone())),
        };
        Self {
            key: facts.key_name.clone(),
            caller: Some(facts.caller.clone()),
            api,
            key_ring,
            crypto_key,
            project_policy: facts
                .project_iam_policy
                .clone()
                .ok_or_else(|| "the project's IAM policy could not be read".to_string()),
            refusals: facts.vpc_service_controls.iter().cloned().collect(),
            deny_policy: facts.deny_policy.clone(),
            domain_restriction: facts.domain_restriction.clone(),
        }
    }
}

/// The key as Cloud KMS describes it, or why Google Cloud could not be read at all (then every
/// check is `unknown`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GcpDoctorFacts(pub Gathered<Box<GcpKeyLookup>>);

impl GcpDoctorFacts {
    pub fn read(lookup: GcpKeyLookup) -> Self {
        Self(Ok(Box::new(lookup)))
    }

    /// Google Cloud could not be used at all (no credential, unreachable): why.
    pub fn unreadable(why: impl Into<String>) -> Self {
        Self(Err(why.into()))
    }
}

impl CloudDoctorFacts for GcpDoctorFacts {
    fn provider(&self) -> ProviderKind {
        ProviderKind::Gcp
    }

    fn findings(&self, facts: &DoctorFacts) -> Vec<Finding> {
        super::rules::findings(facts, &self.0)
    }

    fn resolved_key(&self) -> Option<String> {
        let lookup = self.0.as_ref().ok()?;
        lookup.crypto_key.as_ref().ok()?.as_ref().map(|k| k.name.clone())
    }

    fn registration<'a>(&self, all: &'a [RegisteredKey]) -> Option<&'a RegisteredKey> {
        let lookup = self.0.as_ref().ok()?;
        let wanted = GcpKeyConfig::for_key(&lookup.key);
        all.iter().find(|r| GcpKeyConfig::read(&r.config).is_some_and(|c| c.same_key(&wanted)))
    }
}
