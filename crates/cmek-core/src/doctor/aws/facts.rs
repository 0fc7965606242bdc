//! What doctor read in AWS KMS, and the key it was asked to look at.

use crate::model::ProviderKind;
use crate::model::aws::{AwsCallerIdentity, AwsKeyFacts, AwsKeyRef, AwsRegion};
use crate::plan::RegisteredKey;
use crate::plan::aws::find_registered;

use super::super::cloud::{CloudDoctorFacts, CloudKeyRef};
use super::super::facts::{DoctorFacts, Gathered};
use super::super::finding::Finding;

/// A KMS key to diagnose: by ARN, key id or alias, in a region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsDoctorKey {
    pub key: AwsKeyRef,
    pub region: AwsRegion,
}

impl CloudKeyRef for AwsDoctorKey {
    fn provider(&self) -> ProviderKind {
        ProviderKind::Aws
    }

    fn describe(&self) -> String {
        self.key.to_string()
    }
}

/// The key as KMS describes it, or why it could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsDoctorFacts(pub Gathered<Box<AwsKeyLookup>>);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsKeyLookup {
    /// How the key was named (ARN, alias), for messages.
    pub asked: String,
    pub caller: Gathered<AwsCallerIdentity>,
    /// `None`: KMS says no such key (or it may not be described).
    pub key: Option<AwsKeyFacts>,
}

impl CloudDoctorFacts for AwsDoctorFacts {
    fn provider(&self) -> ProviderKind {
        ProviderKind::Aws
    }

    fn findings(&self, facts: &DoctorFacts) -> Vec<Finding> {
        super::rules::findings(facts, &self.0)
    }

    fn resolved_key(&self) -> Option<String> {
        let lookup = self.0.as_ref().ok()?;
        lookup.key.as_ref().map(|k| k.description.arn.to_string())
    }

    fn registration<'a>(&self, all: &'a [RegisteredKey]) -> Option<&'a RegisteredKey> {
        let lookup = self.0.as_ref().ok()?;
        find_registered(all, &lookup.key.as_ref()?.description.arn)
    }
}
