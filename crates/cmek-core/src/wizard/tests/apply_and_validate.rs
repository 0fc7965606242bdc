//! Apply progress, a failed apply and its retry, validation passed and failed.

use std::time::Duration;

use crate::run::events::{Event, StepOutcome};
use crate::wizard::journey::Journey;
use crate::wizard::test_data::{self, EXTERNAL_KEY_ID};
use crate::wizard::*;

fn applying() -> (Journey, crate::plan::Plan) {
    let (j, plan) = Journey::to_apply(Some(0), false);
    assert_eq!(j.wizard.screen(), Screen::Apply);
    (j, plan)
}

#[test]
fn engine_events_move_each_step_and_elapsed_time_is_kept() {
    let (mut j, plan) = applying();
    assert!(j.wizard.apply_progress().steps().iter().all(|s| *s == StepProgress::Waiting));
    j.engine(Event::StepStarted { index: 0, title: plan.steps[0].action.title() });
    assert_eq!(j.wizard.apply_progress().steps()[0], StepProgress::Running);
    assert!(!j.wizard.has_changed_anything());
    j.engine(Event::StepFinished {
        index: 0,
        title: plan.steps[0].action.title(),
        outcome: StepOutcome::Done { detail: "created the key".into() },
    });
    assert!(matches!(j.wizard.apply_progress().steps()[0], StepProgress::Finished(StepOutcome::Done { .. })));
    assert!(j.wizard.has_changed_anything());
    let t = j.awaited();
    j.send(Msg::Elapsed(t, Duration::from_millis(2300)));
    assert_eq!(j.wizard.elapsed(), Some(Duration::from_millis(2300)));
    j.send(Msg::Tick);
    j.send(Msg::Tick);
    assert_eq!(j.wizard.spinner_frame(), 2);
    // Out-of-range and foreign events change nothing.
    j.engine(Event::StepStarted { index: 99, title: String::new() });
    j.send(Msg::Engine(Ticket(t.0 + 100), Event::StepStarted { index: 1, title: String::new() }));
    assert_eq!(j.wizard.apply_progress().steps()[1], StepProgress::Waiting);
}

#[test]
fn back_is_not_offered_while_applying_and_quitting_asks_first() {
    let (mut j, _) = applying();
    assert!(j.press(KeyInput::Esc).is_empty());
    assert_eq!(j.wizard.screen(), Screen::Apply);
    assert!(j.wizard.notice().unwrap().text.contains("going back is not offered"));
    assert!(j.press(KeyInput::Char('q')).is_empty());
    assert_eq!(j.wizard.overlay(), Some(Overlay::ConfirmQuit));
    j.press(KeyInput::Char('n'));
    assert_eq!(j.wizard.overlay(), None);
    let t = j.awaited();
    j.press(KeyInput::CtrlC);
    assert_eq!(j.press(KeyInput::Char('y')), vec![Intent::Cancel(t), Intent::Exit { code: 130 }]);
    assert!(j.wizard.is_finished());
}

#[test]
fn a_failed_apply_explains_itself_and_retry_plans_again() {
    let (mut j, plan) = applying();
    j.applied(test_data::apply_failed_report(&plan));
    assert_eq!(j.wizard.screen(), Screen::Apply, "no validation happened: the error stays on Apply");
    assert!(j.wizard.apply_progress().stopped_before_validation());
    let failure = j.wizard.apply_progress().report().unwrap().failure.as_ref().unwrap();
    assert!(failure.message.contains("kms:CreateKey"));
    let intents = j.press(KeyInput::Char('r'));
    assert!(matches!(intents.as_slice(), [Intent::BuildPlan(_, a)] if a.confirm_attach.is_empty()));
    assert_eq!(j.wizard.screen(), Screen::Checks);
    assert!(j.wizard.checks().is_after_run());
    // Then the usual review and confirmation.
    j.plan_ready(None);
    j.approve();
    assert_eq!(j.wizard.screen(), Screen::Apply);
}

#[test]
fn esc_after_a_failed_apply_goes_back_to_the_key() {
    let (mut j, plan) = applying();
    j.applied(test_data::apply_failed_report(&plan));
    j.press(KeyInput::Esc);
    assert_eq!(j.wizard.screen(), Screen::Key);
}

#[test]
fn a_stale_report_is_dropped() {
    let (mut j, plan) = applying();
    let t = j.awaited();
    j.send(Msg::Applied(Ticket(t.0 + 1), test_data::validated_report(&plan)));
    assert_eq!(j.wizard.screen(), Screen::Apply);
    assert!(j.wizard.apply_progress().report().is_none());
}

#[test]
fn a_passed_validation_goes_on_to_attach() {
    let (mut j, plan) = applying();
    j.applied(test_data::validated_report(&plan));
    assert_eq!(j.wizard.screen(), Screen::Validate);
    assert_eq!(j.wizard.validation(), Some(Validation::Passed));
    j.press(KeyInput::Esc);
    assert_eq!(j.wizard.screen(), Screen::Validate, "back is not offered after changes");
    j.press(KeyInput::Enter);
    assert_eq!(j.wizard.screen(), Screen::Attach);
    let offer = j.wizard.attach_offer().unwrap();
    assert_eq!(offer.external_key_id, EXTERNAL_KEY_ID);
    assert_eq!(offer.workspace_name, "production");
    assert!(!offer.workspace_is_new);
}

#[test]
fn a_failed_validation_shows_likely_causes_and_offers_retry() {
    let (mut j, plan) = applying();
    j.applied(test_data::validation_failed_report(&plan));
    assert_eq!(j.wizard.screen(), Screen::Validate);
    assert!(
        matches!(j.wizard.validation(), Some(Validation::Failed { error }) if error.starts_with("AccessDeniedException"))
    );
    // The error text points at the missing org-bound grant; the plan's medium ANT-08 warning is
    // not a cause of a validation failure, so it is not listed.
    let causes: Vec<&str> = j.wizard.likely_causes().iter().map(|c| c.id).collect();
    assert_eq!(causes, ["AWS-07"]);
    assert!(j.wizard.attach_offer().is_none(), "never attach an unvalidated key");
    let intents = j.press(KeyInput::Char('r'));
    assert!(matches!(intents.as_slice(), [Intent::BuildPlan(..)]));
    assert_eq!(j.wizard.screen(), Screen::Checks);
}

#[test]
fn finishing_after_a_failed_validation_exits_unhealthy() {
    let (mut j, plan) = applying();
    j.applied(test_data::validation_failed_report(&plan));
    j.press(KeyInput::Enter);
    assert_eq!(j.wizard.screen(), Screen::Summary);
    assert!(
        matches!(j.wizard.attach_outcome(), Some(AttachOutcome::NotOffered(why)) if why.contains("did not validate"))
    );
    assert_eq!(j.press(KeyInput::Enter), vec![Intent::Exit { code: 1 }]);
}

#[test]
fn up_and_down_move_through_the_likely_causes() {
    let (mut j, plan) = applying();
    j.applied(test_data::validation_failed_report(&plan));
    assert_eq!(j.wizard.highlighted_cause(), 0);
    j.press_all(&[KeyInput::Down, KeyInput::Down]);
    assert_eq!(j.wizard.highlighted_cause(), 0, "one cause: nowhere to move");
    j.press(KeyInput::Up);
    assert_eq!(j.wizard.highlighted_cause(), 0);
}
