//! Test driver: walks a wizard through the flow with fixture results, recording every intent,
//! so tests and snapshots can reach any screen in a few readable lines.

use crate::error::Error;
use crate::plan::{Plan, SetupAnswers};
use crate::run::RunReport;
use crate::run::events::Event;
use crate::wizard::aws::{KeyCandidate, KeysFound};

use super::test_data;
use super::{Intent, KeyInput, Msg, Prefill, Ticket, Wizard};

pub struct Journey {
    pub wizard: Wizard,
    /// Every intent returned so far, in order.
    pub history: Vec<Intent>,
}

impl Journey {
    pub fn start(prefill: Prefill) -> Self {
        let (wizard, first) = Wizard::new(prefill);
        Self { wizard, history: first }
    }

    /// Welcome -> AWS -> the workspace at `workspace` (or register-only) -> a new key: at Checks.
    pub fn to_checks(workspace: Option<usize>, staging_attached: bool) -> Self {
        let mut j = Self::start(Prefill::default());
        j.overview(true, staging_attached);
        j.choose_aws();
        match workspace {
            Some(i) => j.choose_workspace(i),
            None => j.choose_register_only(),
        }
        j.candidates(vec![]);
        j.create_new_key();
        j
    }

    /// Welcome -> Azure -> the workspace at `workspace` -> the first vault, default key: at Checks.
    pub fn to_azure_checks(workspace: usize) -> Self {
        let mut j = Self::start(Prefill::default());
        j.overview_with_azure(&["cmek-sandbox", "team-vault"]);
        j.choose_azure();
        j.choose_workspace(workspace);
        j.press(KeyInput::Enter);
        j
    }

    /// As `to_checks`, then the plan arrives and is approved: applying. Returns the plan too.
    pub fn to_apply(workspace: Option<usize>, staging_attached: bool) -> (Self, Plan) {
        let mut j = Self::to_checks(workspace, staging_attached);
        let plan = j.plan_ready(None);
        j.approve();
        (j, plan)
    }

    pub fn send(&mut self, msg: Msg) -> Vec<Intent> {
        let out = self.wizard.update(msg);
        self.history.extend(out.iter().cloned());
        out
    }

    pub fn press(&mut self, key: KeyInput) -> Vec<Intent> {
        self.send(Msg::Key(key))
    }

    pub fn press_all(&mut self, keys: &[KeyInput]) {
        for k in keys {
            self.press(*k);
        }
    }

    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.press(KeyInput::Char(c));
        }
    }

    /// The ticket the wizard waits on; panics when it waits for nothing.
    pub fn awaited(&self) -> Ticket {
        self.wizard.awaited_ticket().expect("the wizard waits for a result")
    }

    /// The answers of the last `BuildPlan` intent.
    pub fn last_answers(&self) -> SetupAnswers {
        self.history
            .iter()
            .rev()
            .find_map(|i| match i {
                Intent::BuildPlan(_, a) => Some((**a).clone()),
                _ => None,
            })
            .expect("a plan was asked for")
    }

    pub fn overview(&mut self, aws_found: bool, staging_attached: bool) {
        let t = self.awaited();
        self.send(Msg::OverviewLoaded(t, Ok(test_data::overview(aws_found, staging_attached))));
    }

    /// From a loaded Welcome screen to the Workspace screen.
    pub fn choose_aws(&mut self) {
        self.press(KeyInput::Enter);
    }

    /// From a loaded Welcome screen (Azure listed last) to the Workspace screen, as Azure.
    pub fn choose_azure(&mut self) {
        self.press_all(&[KeyInput::Down, KeyInput::Down, KeyInput::Enter]);
    }

    pub fn overview_with_azure(&mut self, vaults: &[&str]) {
        let t = self.awaited();
        self.send(Msg::OverviewLoaded(t, Ok(test_data::overview_with_azure(vaults))));
    }

    /// Highlights `overview.workspaces[index]` and selects it (rows: create, the workspaces, register-only).
    pub fn choose_workspace(&mut self, index: usize) {
        self.press(KeyInput::Home);
        for _ in 0..=index {
            self.press(KeyInput::Down);
        }
        self.press(KeyInput::Enter);
    }

    pub fn choose_register_only(&mut self) {
        self.press_all(&[KeyInput::End, KeyInput::Enter]);
    }

    pub fn candidates(&mut self, found: Vec<KeyCandidate>) {
        let t = self.awaited();
        self.send(Msg::Answered(t, Ok(Box::new(KeysFound(found)))));
    }

    /// On the Key screen: picks "create a new key".
    pub fn create_new_key(&mut self) {
        self.press_all(&[KeyInput::Home, KeyInput::Enter]);
    }

    /// Answers the pending `BuildPlan` with the real planner's plan (an existing key with the
    /// fixture policy, or a new key when `None`); returns the plan.
    pub fn plan_ready(&mut self, key_policy: Option<&str>) -> Plan {
        let (facts, plan) = test_data::prepared(&self.last_answers(), key_policy);
        let t = self.awaited();
        self.send(Msg::PlanReady(t, Ok((facts, plan.clone()))));
        plan
    }

    /// Answers the pending `BuildPlan` with the real planner's plan for the Azure vault and key
    /// `azure` describes; returns the plan.
    pub fn azure_plan_ready(&mut self, azure: crate::plan::azure::AzureFacts) -> Plan {
        let (facts, plan) = test_data::prepared_azure(&self.last_answers(), azure);
        let t = self.awaited();
        self.send(Msg::PlanReady(t, Ok((facts, plan.clone()))));
        plan
    }

    /// Answers the pending `BuildPlan` with the real planner's plan on the cloud facts `cloud`.
    pub fn plan_ready_with(&mut self, cloud: Box<dyn crate::plan::CloudFacts>) -> Plan {
        let (facts, plan) = test_data::prepared_with(&self.last_answers(), cloud);
        let t = self.awaited();
        self.send(Msg::PlanReady(t, Ok((facts, plan.clone()))));
        plan
    }

    pub fn plan_failed(&mut self, error: Error) {
        let t = self.awaited();
        self.send(Msg::PlanReady(t, Err(error)));
    }

    /// From Checks (no blocking failure) through the Plan screen's confirmation to the Apply screen.
    pub fn approve(&mut self) {
        self.press_all(&[KeyInput::End, KeyInput::Enter, KeyInput::Enter, KeyInput::Char('y')]);
    }

    pub fn engine(&mut self, event: Event) {
        let t = self.awaited();
        self.send(Msg::Engine(t, event));
    }

    pub fn applied(&mut self, report: RunReport) {
        let t = self.awaited();
        self.send(Msg::Applied(t, report));
    }

    /// Welcome -> production -> new key -> checks -> plan -> apply, validated; ends on Validate.
    pub fn validated_for_production() -> (Journey, Plan) {
        let mut j = Journey::start(Prefill::default());
        j.overview(true, true);
        j.choose_aws();
        j.choose_workspace(0);
        j.candidates(vec![]);
        j.create_new_key();
        let plan = j.plan_ready(None);
        j.approve();
        j.applied(test_data::validated_report(&plan));
        (j, plan)
    }
}

impl Journey {
    /// Presses every key and returns all the intents they produced.
    pub fn press_all_collect(&mut self, keys: &[KeyInput]) -> Vec<Intent> {
        keys.iter().flat_map(|k| self.press(*k)).collect()
    }
}
