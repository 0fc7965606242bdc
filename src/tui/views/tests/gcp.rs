//! Google Cloud: Welcome with a Google sign-in, the Key screen (fields, the ring's keys with what
//! keeps one from serving), and the checks and plan with the key's IAM policy as a diff, at 80x24
//! and wide.

use super::snap;
use cmek_core::plan::gcp::fixtures as plan_fixtures;
use cmek_core::wizard::gcp::fixtures::{PROJECT, keys_found, overview_with_gcp};
use cmek_core::wizard::journey::Journey;
use cmek_core::wizard::*;

/// On the Google Cloud Key screen, the ring's keys asked for.
fn at_gcp_key_screen() -> Journey {
    let mut j = Journey::start(Prefill { provider: Some("gcp".into()), ..Prefill::default() });
    let t = j.awaited();
    j.send(Msg::OverviewLoaded(t, Ok(overview_with_gcp(Some(PROJECT)))));
    j.press(KeyInput::Enter);
    j.choose_workspace(0);
    assert_eq!(j.wizard.screen(), Screen::Key);
    j
}

#[test]
fn gcp_welcome_and_key_screen() {
    let mut j = Journey::start(Prefill { provider: Some("gcp".into()), ..Prefill::default() });
    let t = j.awaited();
    j.send(Msg::OverviewLoaded(t, Ok(overview_with_gcp(Some(PROJECT)))));
    snap("gcp_welcome", &j.wizard);

    let mut j = at_gcp_key_screen();
    snap("gcp_key_loading", &j.wizard);
    let t = j.awaited();
    j.send(Msg::Answered(t, Ok(Box::new(keys_found()))));
    snap("gcp_key_candidates", &j.wizard);
    j.press(KeyInput::Tab);
    j.press(KeyInput::End);
    j.type_text("_X!");
    snap("gcp_key_invalid_project", &j.wizard);
}

#[test]
fn gcp_checks_and_plan_for_a_new_key() {
    let mut j = at_gcp_key_screen();
    let t = j.awaited();
    j.send(Msg::Answered(
        t,
        Ok(Box::new(cmek_core::wizard::gcp::KeysInRingFound { ring_exists: false, keys: vec![] })),
    ));
    j.press(KeyInput::Enter);
    assert_eq!(j.wizard.screen(), Screen::Checks);
    j.plan_ready_with(Box::new(plan_fixtures::sandbox()));
    snap("gcp_checks", &j.wizard);
    j.press_all(&[KeyInput::End, KeyInput::Enter]);
    assert_eq!(j.wizard.screen(), Screen::Plan);
    snap("gcp_plan", &j.wizard);
    j.press(KeyInput::Tab);
    snap("gcp_plan_iam_policy", &j.wizard);
}

#[test]
fn gcp_plan_for_an_existing_key_merges_the_label_and_the_roles() {
    let mut j = at_gcp_key_screen();
    let t = j.awaited();
    j.send(Msg::Answered(t, Ok(Box::new(keys_found()))));
    // The ring holds a key of the name asked for: Enter picks it (a second Enter when the first
    // only moved the highlight onto it).
    j.press(KeyInput::Enter);
    if j.wizard.screen() == Screen::Key {
        j.press(KeyInput::Enter);
    }
    assert_eq!(j.wizard.screen(), Screen::Checks);
    j.plan_ready_with(Box::new(plan_fixtures::with_key(plan_fixtures::existing_key())));
    j.press_all(&[KeyInput::End, KeyInput::Enter]);
    j.press(KeyInput::Tab);
    snap("gcp_plan_existing_key_iam_diff", &j.wizard);
}
