//! The seam between the engine's shared run loop and one cloud's I/O: a connected cloud
//! ([`CloudRuntime`]: gather facts, diagnose a key, the wizard's overview and questions) and one
//! run's steps in it ([`CloudSession`]). Each cloud implements them in its folder (`engine/aws`,
//! `engine/azure`) over its client in `providers/`.

use async_trait::async_trait;
use cmek_core::doctor::{CloudDoctorFacts, CloudKeyRef};
use cmek_core::model::{ProviderConfig, ProviderKind};
use cmek_core::plan::{CloudAnswers, CloudFacts, CloudStep, KeyTarget, SetupFacts};
use cmek_core::run::CloudOutcome;
use cmek_core::run::events::EventSink;
use cmek_core::wizard::{CloudQuestion, CloudReply, CloudState};

use super::Services;
use super::journal::Journal;
use crate::error::{Error, Result};

/// One cloud, with its credentials and endpoints resolved (building it makes no call).
#[async_trait]
pub trait CloudRuntime: Send + Sync {
    fn provider(&self) -> ProviderKind;

    /// The credential source that signed in, when the cloud says (e.g. "Azure CLI (az login)").
    fn credential_source(&self) -> Option<String> {
        None
    }

    /// What the run's answers need to know about the cloud, read-only.
    async fn gather(&self, answers: &dyn CloudAnswers, sink: &mut dyn EventSink) -> Result<Box<dyn CloudFacts>>;

    /// A run's steps in the cloud, starting from what `facts` found.
    fn session<'a>(&'a self, facts: &'a SetupFacts) -> Result<Box<dyn CloudSession + 'a>>;

    /// Doctor's look at `key`, read-only; a failure is a reason inside the facts, never an error.
    async fn diagnose(&self, key: &dyn CloudKeyRef, sink: &mut dyn EventSink) -> Box<dyn CloudDoctorFacts>;

    /// `key` as a registration names it (`Cloud::doctor_key`), when that differs from how it was
    /// given, so doctor can find and validate the key's registration while `diagnose` is still
    /// reading the key. `None`: the key as given (by default, with no call). A cloud whose names
    /// need resolving (an AWS alias) makes the one call it takes; if that fails, `diagnose` says
    /// why and the registration is found after it.
    async fn registered_name(&self, _key: &dyn CloudKeyRef) -> Option<Box<dyn CloudKeyRef>> {
        None
    }

    /// Who is signed in and what that identity can reach, for the wizard's Welcome screen.
    async fn overview(&self) -> CloudState;

    /// A question the cloud's Key screen asks (e.g. the keys an alias names).
    async fn ask(&self, question: &dyn CloudQuestion) -> Result<Box<dyn CloudReply>>;
}

/// What a cloud step runs with: the clients, the facts the plan was made from, and where it reports.
pub struct StepContext<'a> {
    pub services: &'a Services,
    pub facts: &'a SetupFacts,
    pub index: usize,
    /// Shared: steps that run together record into the same journal.
    pub journal: &'a Journal,
    pub sink: &'a mut dyn EventSink,
}

/// One run's steps in a cloud, and what they leave behind.
#[async_trait]
pub trait CloudSession: Send {
    /// Runs one of the cloud's steps; `Ok` is the report's sentence.
    async fn apply(&mut self, step: &dyn CloudStep, ctx: &mut StepContext<'_>) -> Result<String>;

    /// Runs neighbouring steps that each [`CloudStep::runs_alongside`] (or that each are
    /// [`CloudStep::independent`]), one result per step in order. By default one after another;
    /// a cloud whose steps can be in flight together overrides it.
    async fn apply_together(&mut self, steps: &[&dyn CloudStep], ctx: &mut StepContext<'_>) -> Vec<Result<String>> {
        let mut results = Vec::with_capacity(steps.len());
        for step in steps {
            results.push(self.apply(*step, ctx).await);
        }
        results
    }

    /// The configuration to register for `target` (a key this run created is known only now).
    fn registration(&self, target: &KeyTarget) -> Result<ProviderConfig>;

    /// What the run has left in the cloud so far.
    fn outcome(&self) -> Box<dyn CloudOutcome>;

    /// Finishes what a step left to check beside the steps after it (Azure: whether another run
    /// created the same key at the same moment), once no step is left; it reports through `ctx`.
    async fn finish(&mut self, _ctx: &mut StepContext<'_>) {}
}

/// A step of another cloud reached this one's session: a defect, said as such.
pub fn foreign_step(provider: ProviderKind, step: &dyn CloudStep) -> Error {
    Error::remote(format!("`{}` is not a {} step; nothing was done", step.kind(), provider.display_name()))
}
