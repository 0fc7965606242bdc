//! The Key screen: the create form with an invalid region, candidates, a typed key.

use super::snap;
use cmek_core::wizard::journey::Journey;
use cmek_core::wizard::test_data;
use cmek_core::wizard::*;

fn at_key() -> Journey {
    let mut j = Journey::start(Prefill::default());
    j.overview(true, true);
    j.choose_aws();
    j.choose_workspace(0);
    j
}

#[test]
fn key_looking_for_candidates() {
    let j = at_key();
    snap("key_loading", &j.wizard);
}

#[test]
fn key_create_with_an_invalid_region() {
    let mut j = at_key();
    j.candidates(vec![]);
    j.press(KeyInput::Tab);
    j.press(KeyInput::End);
    for _ in 0..9 {
        j.press(KeyInput::Backspace);
    }
    j.type_text("eu-west-1");
    j.press(KeyInput::Esc);
    j.press(KeyInput::Enter);
    snap("key_invalid_region", &j.wizard);
}

#[test]
fn key_with_a_candidate() {
    let mut j = at_key();
    j.candidates(vec![test_data::candidate()]);
    j.press(KeyInput::Down);
    snap("key_candidate", &j.wizard);
}

#[test]
fn key_create_refused_while_the_alias_is_taken() {
    let mut j = at_key();
    j.candidates(vec![test_data::candidate()]);
    j.press(KeyInput::Enter);
    snap("key_alias_taken", &j.wizard);
}

#[test]
fn key_typed_with_an_error() {
    let mut j = at_key();
    j.candidates(vec![]);
    j.press_all(&[KeyInput::End, KeyInput::Enter]);
    j.type_text("arn:aws:kms:us-east-2:11112222333:key/1234");
    snap("key_typed_invalid", &j.wizard);
}
