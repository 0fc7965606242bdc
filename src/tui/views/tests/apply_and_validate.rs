//! Apply in progress and failed; validation passed and failed.

use std::time::Duration;

use super::snap;
use cmek_core::run::events::{Event, StepOutcome};
use cmek_core::wizard::journey::Journey;
use cmek_core::wizard::test_data::{self, KEY_ARN};
use cmek_core::wizard::*;

fn applying() -> (Journey, cmek_core::plan::Plan) {
    Journey::to_apply(Some(0), true)
}

#[test]
fn apply_in_progress() {
    let (mut j, plan) = applying();
    j.engine(Event::StepStarted { index: 0, title: plan.steps[0].action.title() });
    j.engine(Event::StepFinished {
        index: 0,
        title: plan.steps[0].action.title(),
        outcome: StepOutcome::Done {
            detail: format!("created {KEY_ARN} (alias/anthropic-cmek), automatic rotation on"),
        },
    });
    j.engine(Event::StepStarted { index: 1, title: plan.steps[1].action.title() });
    let t = j.awaited();
    j.send(Msg::Elapsed(t, Duration::from_millis(4200)));
    j.send(Msg::Tick);
    snap("apply_in_progress", &j.wizard);
    j.press(KeyInput::Esc);
    snap("apply_back_refused", &j.wizard);
}

#[test]
fn apply_failed() {
    let (mut j, plan) = applying();
    j.applied(test_data::apply_failed_report(&plan));
    snap("apply_failed", &j.wizard);
}

#[test]
fn validate_passed() {
    let (mut j, plan) = applying();
    j.applied(test_data::validated_report(&plan));
    snap("validate_passed", &j.wizard);
}

#[test]
fn validate_failed() {
    let (mut j, plan) = applying();
    j.applied(test_data::validation_failed_report(&plan));
    snap("validate_failed", &j.wizard);
}
