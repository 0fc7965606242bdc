//! The attach confirmation (empty, mismatched, attaching, refused) and the Summary.

use super::snap;
use crate::error::Error;
use cmek_core::wizard::journey::Journey;
use cmek_core::wizard::test_data::{self, EXTERNAL_KEY_ID};
use cmek_core::wizard::*;

fn at_attach() -> Journey {
    let (mut j, _) = Journey::validated_for_production();
    j.press(KeyInput::Enter);
    j
}

#[test]
fn attach_empty() {
    snap("attach_empty", &at_attach().wizard);
}

#[test]
fn attach_mismatched() {
    let mut j = at_attach();
    j.type_text("Production");
    j.press(KeyInput::Enter);
    snap("attach_mismatched", &j.wizard);
}

#[test]
fn attach_matching_then_attaching_then_refused() {
    let mut j = at_attach();
    j.type_text("production");
    snap("attach_matching", &j.wizard);
    j.press(KeyInput::Enter);
    snap("attach_attaching", &j.wizard);
    let t = j.awaited();
    j.send(Msg::Attached(
        t,
        Err(Error::unhealthy(format!(
            "attaching {EXTERNAL_KEY_ID} to workspace production was refused: kms:Encrypt with encryption context \
             anthropic:compartment_uuid=0b7f3c2e-6a1d-4e8f-9b2c-5d4e3f2a1b0c was denied"
        ))
        .with_hint("the workspace stays unattached; fix the cause and re-run the same command")),
    ));
    snap("attach_refused", &j.wizard);
}

#[test]
fn summary_attached() {
    let mut j = at_attach();
    j.type_text("production");
    j.press(KeyInput::Enter);
    let t = j.awaited();
    j.send(Msg::Attached(
        t,
        Ok(format!("{EXTERNAL_KEY_ID} attached to workspace production (wrkspc_01SbxProduction7Kq2Vd)")),
    ));
    snap("summary_attached", &j.wizard);
}

#[test]
fn summary_skipped() {
    let mut j = at_attach();
    j.press(KeyInput::Esc);
    snap("summary_skipped", &j.wizard);
}

#[test]
fn summary_not_healthy() {
    let (mut j, plan) = Journey::to_apply(None, false);
    j.applied(test_data::validation_failed_report(&plan));
    j.press(KeyInput::Enter);
    snap("summary_not_healthy", &j.wizard);
}

#[test]
fn attach_the_first_of_two_then_the_summary_of_both() {
    let mut j = Journey::start(Prefill::default());
    j.overview(true, false);
    j.choose_aws();
    j.press_all(&[KeyInput::Home, KeyInput::Down, KeyInput::Char(' '), KeyInput::Down, KeyInput::Char(' ')]);
    j.press(KeyInput::Enter);
    j.candidates(vec![]);
    j.create_new_key();
    let plan = j.plan_ready(None);
    j.approve();
    j.applied(test_data::validated_report(&plan));
    j.press(KeyInput::Enter);
    snap("attach_first_of_two", &j.wizard);
    j.type_text("production");
    j.press(KeyInput::Enter);
    let t = j.awaited();
    j.send(Msg::Attached(t, Ok("ekey_01 attached to workspace production (wrkspc_01SbxProduction7Kq2Vd)".into())));
    j.press(KeyInput::Esc);
    snap("summary_one_of_two_attached", &j.wizard);
}
