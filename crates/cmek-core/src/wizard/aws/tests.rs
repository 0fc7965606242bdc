//! The AWS Key screen: fields validated as typed, candidates, typed references, and back.

use super::{AwsKeyScreen, KeyFocus, KeyRow, KeysFound, KeysUnderAlias};
use crate::error::Error;
use crate::model::aws::AwsKeyRef;
use crate::plan::SetupAnswers;
use crate::plan::aws::AwsAnswers;
use crate::wizard::journey::Journey;
use crate::wizard::test_data::{self, KEY_ARN};
use crate::wizard::*;

/// The AWS Key screen of the journey's wizard.
fn screen(w: &Wizard) -> &AwsKeyScreen {
    w.key_screen().and_then(|k| k.downcast_ref::<AwsKeyScreen>()).expect("the AWS Key screen")
}

/// The AWS part of a plan's answers.
fn aws(a: &SetupAnswers) -> &AwsAnswers {
    a.cloud.downcast_ref::<AwsAnswers>().expect("AWS answers")
}

fn at_key() -> Journey {
    let mut j = Journey::start(Prefill::default());
    j.overview(true, false);
    j.choose_aws();
    j.choose_workspace(0);
    j
}

fn clear(j: &mut Journey, n: usize) {
    j.press(KeyInput::End);
    for _ in 0..n {
        j.press(KeyInput::Backspace);
    }
}

#[test]
fn defaults_are_the_recommended_region_and_alias() {
    let j = at_key();
    let k = screen(&j.wizard);
    assert_eq!(k.region().value(), "us-east-2");
    assert_eq!(k.alias().value(), "alias/anthropic-cmek");
    assert!(k.region().is_valid() && k.alias().is_valid());
    assert_eq!(k.highlighted(), KeyRow::CreateNew);
    assert_eq!(j.wizard.screen().indicator(), "Step 3 of 9: Key");
}

#[test]
fn an_invalid_region_is_shown_as_typed_and_blocks_create() {
    let mut j = at_key();
    j.candidates(vec![]);
    j.press(KeyInput::Tab);
    assert_eq!(screen(&j.wizard).focus(), KeyFocus::Region);
    clear(&mut j, 9);
    j.type_text("us-east");
    let error = screen(&j.wizard).region().error().unwrap().to_string();
    assert!(error.contains("`us-east` is not a valid AWS region"), "{error}");
    j.press(KeyInput::Char('-'));
    j.press(KeyInput::Char('2'));
    assert!(screen(&j.wizard).region().is_valid());
    clear(&mut j, 9);
    j.type_text("eu-west-1");
    assert!(screen(&j.wizard).region().error().unwrap().contains("outside the US"));
    // Leaving the field with an invalid value looks nothing up; Enter on "create" is refused.
    assert!(j.press(KeyInput::Esc).is_empty());
    assert!(j.press(KeyInput::Enter).is_empty());
    assert!(j.wizard.notice().unwrap().text.starts_with("Region: eu-west-1 is outside the US"));
    assert_eq!(screen(&j.wizard).focus(), KeyFocus::Region, "the cursor goes to the field to fix");
}

#[test]
fn changing_region_or_alias_looks_for_candidates_again() {
    let mut j = at_key();
    j.candidates(vec![]);
    j.press_all(&[KeyInput::Tab, KeyInput::Tab]);
    assert_eq!(screen(&j.wizard).focus(), KeyFocus::Alias);
    j.type_text("-2");
    let intents = j.press(KeyInput::Tab);
    match intents.as_slice() {
        [Intent::Ask(_, _, q)] => {
            let KeysUnderAlias { region, alias } = q.downcast_ref::<KeysUnderAlias>().unwrap();
            assert_eq!(region.as_str(), "us-east-2");
            assert_eq!(alias.as_str(), "alias/anthropic-cmek-2");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(screen(&j.wizard).focus(), KeyFocus::Choices);
    // Leaving unchanged fields does not ask again.
    j.candidates(vec![]);
    assert!(j.press_all_collect(&[KeyInput::Tab, KeyInput::Tab, KeyInput::Tab]).is_empty());
}

#[test]
fn an_invalid_alias_is_named() {
    let mut j = at_key();
    j.press_all(&[KeyInput::BackTab]);
    assert_eq!(screen(&j.wizard).focus(), KeyFocus::Alias);
    clear(&mut j, 20);
    j.type_text("anthropic-cmek");
    assert!(screen(&j.wizard).alias().error().unwrap().contains("an alias starts with `alias/`"));
}

#[test]
fn create_new_builds_a_plan_without_a_key_and_never_confirms_attach() {
    let mut j = at_key();
    j.candidates(vec![]);
    let intents = j.press(KeyInput::Enter);
    match intents.as_slice() {
        [Intent::BuildPlan(_, a)] => {
            assert_eq!(aws(a).key, None);
            assert!(a.confirm_attach.is_empty());
            assert_eq!(a.workspaces[0].to_string(), "wrkspc_01SbxProduction7Kq2Vd");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(j.wizard.screen(), Screen::Checks);
}

#[test]
fn create_is_refused_while_the_alias_names_an_existing_key() {
    let mut j = at_key();
    j.candidates(vec![test_data::candidate()]);
    assert!(j.press(KeyInput::Enter).is_empty());
    let notice = &j.wizard.notice().unwrap().text;
    assert!(notice.starts_with("alias/anthropic-cmek already names a key in us-east-2"), "{notice}");
    assert_eq!(screen(&j.wizard).alias_taken_by().unwrap().arn.to_string(), KEY_ARN);
}

#[test]
fn a_candidate_is_used_by_its_arn() {
    let mut j = at_key();
    j.candidates(vec![test_data::candidate()]);
    j.press(KeyInput::Down);
    assert_eq!(screen(&j.wizard).highlighted(), KeyRow::Candidate(0));
    let intents = j.press(KeyInput::Enter);
    assert!(
        matches!(intents.as_slice(), [Intent::BuildPlan(_, a)] if aws(a).key == Some(AwsKeyRef::Arn(KEY_ARN.parse().unwrap())))
    );
}

#[test]
fn a_typed_key_is_validated_and_its_region_must_agree() {
    let mut j = at_key();
    j.candidates(vec![]);
    j.press_all(&[KeyInput::End, KeyInput::Enter]);
    assert_eq!(screen(&j.wizard).focus(), KeyFocus::Typed);
    assert!(j.wizard.is_typing());
    j.type_text("alias/aws/s3");
    assert!(screen(&j.wizard).typed().error().unwrap().contains("reserved for AWS managed keys"));
    assert!(j.press(KeyInput::Enter).is_empty());
    clear(&mut j, 12);
    j.type_text(&KEY_ARN.replace("us-east-2", "us-west-2"));
    assert!(j.press(KeyInput::Enter).is_empty());
    assert!(j.wizard.notice().unwrap().text.contains("The key ARN is in us-west-2 but Region says us-east-2"));
    clear(&mut j, KEY_ARN.len());
    j.type_text(KEY_ARN);
    let intents = j.press(KeyInput::Enter);
    assert!(matches!(intents.as_slice(), [Intent::BuildPlan(_, a)] if aws(a).key.is_some()));
}

#[test]
fn a_candidate_error_does_not_block_creating_a_key() {
    let mut j = at_key();
    let t = j.awaited();
    j.send(Msg::Answered(t, Err(Error::auth("kms:DescribeKey was denied"))));
    assert!(screen(&j.wizard).candidates().error().is_some());
    assert!(matches!(j.press(KeyInput::Char('r')).as_slice(), [Intent::Ask(..)]));
    j.candidates(vec![]);
    assert!(matches!(j.press(KeyInput::Enter).as_slice(), [Intent::BuildPlan(..)]));
}

#[test]
fn back_from_key_cancels_the_lookup_and_its_late_result_is_dropped() {
    let mut j = at_key();
    let t = j.awaited();
    assert_eq!(j.press(KeyInput::Esc), vec![Intent::Cancel(t)]);
    assert_eq!(j.wizard.screen(), Screen::Workspace);
    j.send(Msg::Answered(t, Ok(Box::new(KeysFound(vec![test_data::candidate()])))));
    assert!(matches!(screen(&j.wizard).candidates(), Load::Idle));
    // Coming back looks again, with a new ticket.
    j.choose_workspace(0);
    let again = j.history.last().unwrap();
    assert!(matches!(again, Intent::Ask(t2, ..) if *t2 != t));
}

#[test]
fn q_and_question_mark_are_typed_while_editing() {
    let mut j = at_key();
    j.press_all(&[KeyInput::End, KeyInput::Enter]);
    assert!(j.press(KeyInput::Char('q')).is_empty());
    j.press(KeyInput::Char('?'));
    assert_eq!(j.wizard.overlay(), None);
    assert_eq!(screen(&j.wizard).typed().value(), "q?");
}
