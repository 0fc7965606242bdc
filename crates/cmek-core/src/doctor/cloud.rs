//! The seam between doctor's shared rules and one cloud: the key to look at ([`CloudKeyRef`]) and
//! what was found there ([`CloudDoctorFacts`], which judges itself). Each cloud implements them in
//! its folder (`doctor/aws`, `doctor/azure`).

use dyn_clone::DynClone;

use crate::erased::ErasedEq;
use crate::model::ProviderKind;
use crate::plan::RegisteredKey;

use super::facts::DoctorFacts;
use super::finding::Finding;

/// A cloud key named by coordinates (`--provider aws --key ...`) or by a registered configuration.
pub trait CloudKeyRef: ErasedEq + DynClone {
    fn provider(&self) -> ProviderKind;
    /// How the report names it before it is inspected (an ARN or alias, a key URL).
    fn describe(&self) -> String;
}
crate::erased_trait!(CloudKeyRef, eq);

/// What doctor read in one cloud (or why it could not), and the findings it shows.
pub trait CloudDoctorFacts: ErasedEq + DynClone {
    fn provider(&self) -> ProviderKind;
    /// The cloud's findings, judged against the platform's facts in `facts`.
    fn findings(&self, facts: &DoctorFacts) -> Vec<Finding>;
    /// The key as the cloud resolved it (an alias's key ARN, a vault's URI), for the report.
    fn resolved_key(&self) -> Option<String>;
    /// The registered configuration that names this key, among `all`.
    fn registration<'a>(&self, all: &'a [RegisteredKey]) -> Option<&'a RegisteredKey>;
}
crate::erased_trait!(CloudDoctorFacts, eq);
