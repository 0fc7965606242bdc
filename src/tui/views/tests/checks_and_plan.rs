//! Checks (loading, a failure opened, blocked, an inspection error) and the Plan (both tabs).

use super::snap;
use crate::error::Error;
use cmek_core::wizard::journey::Journey;
use cmek_core::wizard::test_data;
use cmek_core::wizard::*;

fn at_checks_with_existing_key() -> Journey {
    let mut j = Journey::start(Prefill::default());
    j.overview(true, true);
    j.choose_aws();
    j.choose_workspace(0);
    j.candidates(vec![test_data::candidate()]);
    j.press_all(&[KeyInput::Down, KeyInput::Enter]);
    j
}

#[test]
fn checks_loading() {
    let mut j = at_checks_with_existing_key();
    let t = j.awaited();
    j.send(Msg::Elapsed(t, std::time::Duration::from_millis(3400)));
    snap("checks_loading", &j.wizard);
}

#[test]
fn checks_with_a_failure_expanded_and_blocked() {
    let mut j = at_checks_with_existing_key();
    j.plan_ready(Some("console-wizard.json"));
    j.press(KeyInput::Enter);
    snap("checks_fail_expanded", &j.wizard);
    j.press_all(&[KeyInput::End, KeyInput::Enter]);
    snap("checks_blocked", &j.wizard);
}

#[test]
fn checks_all_clear() {
    let mut j = at_checks_with_existing_key();
    j.plan_ready(Some("customer-statements.json"));
    snap("checks_clear", &j.wizard);
}

#[test]
fn checks_inspection_failed() {
    let mut j = at_checks_with_existing_key();
    j.plan_failed(
        Error::auth("kms:GetKeyPolicy on arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab failed (AccessDeniedException)")
            .with_hint("grant kms:GetKeyPolicy to arn:aws:iam::111122223333:user/ada, or choose another key"),
    );
    snap("checks_failed", &j.wizard);
}

fn at_plan(policy: Option<&str>) -> Journey {
    let mut j = match policy {
        Some(_) => at_checks_with_existing_key(),
        None => Journey::to_checks(Some(0), true),
    };
    j.plan_ready(policy);
    j.press_all(&[KeyInput::End, KeyInput::Enter]);
    assert_eq!(j.wizard.screen(), Screen::Plan);
    j
}

#[test]
fn plan_for_a_new_key() {
    let mut j = at_plan(None);
    snap("plan_new_key_steps", &j.wizard);
    j.press(KeyInput::Tab);
    snap("plan_new_key_policy", &j.wizard);
}

#[test]
fn plan_merging_into_an_existing_policy() {
    let mut j = at_plan(Some("customer-statements.json"));
    snap("plan_existing_key_steps", &j.wizard);
    j.press(KeyInput::Tab);
    for _ in 0..30 {
        j.press(KeyInput::Down);
    }
    snap("plan_existing_key_policy_diff", &j.wizard);
}

#[test]
fn plan_confirmation() {
    let mut j = at_plan(None);
    j.press(KeyInput::Enter);
    snap("plan_confirm_apply", &j.wizard);
}
