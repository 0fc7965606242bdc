//! What inspection found, on the platform and in the cloud: plain data the planner decides on.

use chrono::{DateTime, Utc};

use crate::model::{AwsCallerIdentity, AwsKeyFacts, CompartmentId, KmsKeyArn, OrgUuid};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetupFacts {
    pub org: OrgFacts,
    /// The target workspace, when one was asked for.
    pub workspace: Option<WorkspaceFacts>,
    /// External key configurations already registered with the organisation.
    pub registered: Vec<RegisteredKey>,
    pub aws: AwsFacts,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgFacts {
    pub uuid: OrgUuid,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceFacts {
    pub id: String,
    pub name: String,
    pub compartment: CompartmentId,
    pub external_key_id: Option<String>,
    pub archived: bool,
    pub created_at: DateTime<Utc>,
    /// Created moments ago (within the hour when inspected, e.g. by the wizard just now), so it
    /// cannot hold data yet. The engine decides this: the planner has no clock.
    pub just_created: bool,
}

/// A registered external key configuration, reduced to what matching and planning need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisteredKey {
    pub id: String,
    pub display_name: Option<String>,
    pub attached: bool,
    /// `Some` for AWS configurations.
    pub kms_arn: Option<String>,
    /// Compartments of the workspaces that already use this configuration.
    pub attached_compartments: Vec<CompartmentId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsFacts {
    pub caller: AwsCallerIdentity,
    /// The key named by `--key`, or found by alias; `None` means one will be created.
    pub key: Option<AwsKeyFacts>,
    /// When no key was named: whether the alias exists (it then points at `key`).
    pub alias_target: Option<KmsKeyArn>,
}
