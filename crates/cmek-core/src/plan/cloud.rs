//! The seam between the shared plan and one cloud: what the user asked for in that cloud
//! ([`CloudAnswers`]), what inspection found there ([`CloudFacts`], which plans the cloud's part),
//! and the cloud's own steps ([`CloudStep`]). Each cloud implements them in its folder
//! (`plan/aws`, `plan/azure`); shared code holds them as trait objects and never names a cloud.

use dyn_clone::DynClone;

use crate::erased::ErasedEq;
use crate::model::ProviderKind;
use crate::run::CloudOutcome;

use super::PlanError;
use super::answers::SetupAnswers;
use super::checks::Check;
use super::facts::{RegisteredKey, SetupFacts};
use super::step::{Propagation, Reversibility, Step};
use super::view::{Approval, PlanDocument, TypedConfirmation};

/// What the user asked for in one cloud (flags, answers file or the wizard), already parsed.
pub trait CloudAnswers: ErasedEq + DynClone {
    fn provider(&self) -> ProviderKind;

    /// What the run inspects there, e.g. "AWS KMS in us-east-2" (the Checks screen's spinner line).
    fn inspecting(&self) -> String;

    /// The key as chosen, e.g. "a new key in us-east-2, alias alias/anthropic-cmek".
    fn key_choice(&self) -> String;

    /// The flags after `--provider <cloud>` that ask for the same (the wizard's equivalent
    /// command). `outcome`: what the run left, so a key it created is named by its id.
    fn flags(&self, outcome: Option<&dyn CloudOutcome>) -> Vec<String>;

    /// Records a consent given on a screen: an [`Approval`]'s id, or a [`TypedConfirmation`]'s id
    /// with the text typed (already matched against what was expected).
    fn consent(&mut self, id: &str, typed: &str);

    /// Values to record in the journal's `run_started` (never secrets).
    fn journal(&self) -> Vec<(&'static str, serde_json::Value)>;

    /// The same answers for one workspace's own key (`--key-per-workspace`): the key this cloud
    /// creates or finds is named with `suffix` (see [`crate::model::workspace_key_suffix`]). An
    /// error, naming the flag, when the answers name one existing key.
    fn for_workspace(&self, suffix: &str) -> Result<Box<dyn CloudAnswers>, String>;
}
crate::erased_trait!(CloudAnswers, eq);

/// What inspection found in one cloud: plain data the cloud's planner decides on.
pub trait CloudFacts: ErasedEq + DynClone {
    fn provider(&self) -> ProviderKind;

    /// The cloud's part of the plan. `answers.cloud` is this cloud's answers.
    fn plan<'a>(&self, answers: &SetupAnswers, facts: &'a SetupFacts) -> Result<CloudPlan<'a>, PlanError>;

    /// What exists before the run (the key, ...), as the run's report names it.
    fn outcome(&self) -> Box<dyn CloudOutcome>;

    /// Values to record in the journal's `run_started` (never secrets).
    fn journal(&self) -> Vec<(&'static str, serde_json::Value)>;
}
crate::erased_trait!(CloudFacts, eq);

/// One of a cloud's own steps (create the key, update its policy, assign a role, ...).
pub trait CloudStep: ErasedEq + DynClone {
    /// A stable machine name for JSON output and the journal, e.g. `create_key`.
    fn kind(&self) -> &'static str;
    /// One line saying what the step does, naming its values.
    fn title(&self) -> String;
    fn reversibility(&self) -> Reversibility;
    /// Needs only the key an earlier step made, and nothing its neighbours do: the engine runs
    /// neighbouring such steps, and the key's registration (which names the key and needs no
    /// access to it), together: one round trip, not one each. Anthropic's grant may say yes
    /// (validation, which needs it, comes after). A step that may end up using another key (an
    /// alias another run got first) may say yes too: the engine registers again after it.
    fn runs_alongside(&self) -> bool {
        false
    }
    /// Needs nothing another step of this run makes (what it works on exists before the run),
    /// and makes nothing a neighbouring such step needs: the engine runs such steps together,
    /// passing over the steps between them that have nothing to do in this run (Azure: the
    /// consent beside the key's creation). The session still orders what cannot be taken back
    /// after what may fail (Azure creates the key only once the consent succeeded). A step that
    /// changes how the caller reaches the cloud (a firewall) or is irreversible says no.
    fn independent(&self) -> bool {
        false
    }
}
crate::erased_trait!(CloudStep, eq);

/// A cloud's part of the plan; the shared skeleton (`build`) adds registering, validating and
/// attaching around it.
#[derive(Debug)]
pub struct CloudPlan<'a> {
    /// The cloud's steps, in order (each an `Action::Cloud`).
    pub steps: Vec<Step>,
    pub checks: Vec<Check>,
    /// The `RegisterKey` step; `None` when there is nothing that could be registered (a failed
    /// check says why).
    pub register: Option<Step>,
    /// The registration that already names this key and can be used as it is.
    pub registered: Option<&'a RegisteredKey>,
    /// How validation waits while an access grant propagates (Azure RBAC).
    pub propagation: Option<Propagation>,
    /// Why the permanent attach must wait even when confirmed (e.g. purge protection off).
    pub attach_hold: Option<String>,
    /// The access document the plan writes, when the cloud has one (AWS: the key policy).
    pub document: Option<PlanDocument>,
    /// The document's name when the cloud has one, even if it could not be read ("Key policy").
    pub document_name: Option<&'static str>,
    pub approvals: Vec<Approval>,
    pub confirmations: Vec<TypedConfirmation>,
}

impl CloudPlan<'_> {
    /// A plan of these steps and checks, with nothing else.
    pub fn new(steps: Vec<Step>, checks: Vec<Check>) -> Self {
        Self {
            steps,
            checks,
            register: None,
            registered: None,
            propagation: None,
            attach_hold: None,
            document: None,
            document_name: None,
            approvals: Vec::new(),
            confirmations: Vec::new(),
        }
    }
}
