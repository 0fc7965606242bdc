//! Answers from flags or `--answers` pre-select, and bad ones show where they apply.

use super::{aws, aws_screen};
use crate::wizard::aws::KeyRow;
use crate::wizard::journey::Journey;
use crate::wizard::test_data::{self, KEY_ARN};
use crate::wizard::*;

fn prefill(workspace: Option<&str>, key: Option<&str>) -> Prefill {
    let mut p = Prefill { workspace: workspace.map(str::to_string), ..Prefill::default() };
    p.set("key", key);
    p
}

#[test]
fn a_prefilled_workspace_and_key_are_pre_selected() {
    let mut j = Journey::start(prefill(Some("staging"), Some(KEY_ARN)));
    j.overview(true, false);
    j.choose_aws();
    assert_eq!(j.wizard.workspace_screen().highlighted(), WorkspaceRow::Existing(1));
    j.press(KeyInput::Enter);
    assert_eq!(j.wizard.target().and_then(Target::workspace).unwrap().name, "staging");
    assert_eq!(aws_screen(&j.wizard).highlighted(), KeyRow::Typed, "until candidates are known");
    j.candidates(vec![test_data::candidate()]);
    assert_eq!(aws_screen(&j.wizard).highlighted(), KeyRow::Candidate(0));
    let intents = j.press(KeyInput::Enter);
    assert!(
        matches!(intents.as_slice(), [Intent::BuildPlan(_, a)] if aws(a).key.as_ref().unwrap().to_string() == KEY_ARN)
    );
}

#[test]
fn a_prefilled_workspace_id_matches_too() {
    let mut j = Journey::start(prefill(Some("wrkspc_01SbxDevelopment9Wn5Hy"), None));
    j.overview(true, false);
    j.choose_aws();
    assert_eq!(j.wizard.workspace_screen().highlighted(), WorkspaceRow::Existing(2));
}

#[test]
fn an_unknown_workspace_name_is_offered_as_a_new_workspace() {
    let mut j = Journey::start(prefill(Some("analytics"), None));
    j.overview(true, false);
    j.choose_aws();
    let ws = j.wizard.workspace_screen();
    assert_eq!(ws.highlighted(), WorkspaceRow::CreateNew);
    assert_eq!(ws.new_name().value(), "analytics");
    assert!(ws.note().unwrap().contains("No active workspace is named `analytics`"));
}

#[test]
fn a_key_not_among_the_candidates_stays_typed() {
    let other = "arn:aws:kms:us-east-2:111122223333:key/0000abcd-12ab-34cd-56ef-1234567890ab";
    let mut j = Journey::start(prefill(None, Some(other)));
    j.overview(true, false);
    j.choose_aws();
    j.choose_register_only();
    j.candidates(vec![test_data::candidate()]);
    assert_eq!(aws_screen(&j.wizard).highlighted(), KeyRow::Typed);
    assert_eq!(aws_screen(&j.wizard).typed().value(), other);
}

#[test]
fn bad_prefilled_values_show_as_field_errors_and_notes() {
    let mut p = Prefill { provider: Some("oci".into()), display_name: Some("x".repeat(300)), ..Prefill::default() };
    p.set("region", Some("eu-west-1"));
    p.set("alias", Some("anthropic"));
    let (w, _) = Wizard::new(p);
    let note = w.welcome().note().unwrap();
    assert!(note.contains("`oci` is not a valid provider") && note.contains("AWS KMS is selected instead"), "{note}");
    assert_eq!(w.welcome().highlighted(), crate::model::ProviderKind::Aws);
    assert!(aws_screen(&w).region().error().unwrap().contains("outside the US"));
    assert!(aws_screen(&w).alias().error().is_some());
    assert!(w.notice().unwrap().text.contains("300 characters"));
}

#[test]
fn a_prefilled_display_name_reaches_the_answers() {
    let p = Prefill { display_name: Some("Claude production".into()), ..Prefill::default() };
    let mut j = Journey::start(p);
    j.overview(true, false);
    j.choose_aws();
    j.choose_workspace(0);
    j.candidates(vec![]);
    j.create_new_key();
    assert_eq!(j.last_answers().display_name.as_deref(), Some("Claude production"));
}

#[test]
fn prefill_parses_from_an_answers_file() {
    let p: Prefill =
        toml::from_str("provider = \"aws\"\nworkspace = \"production\"\nregion = \"us-east-2\"\n").unwrap();
    assert_eq!(p.workspace.as_deref(), Some("production"));
    assert_eq!(p.value("region"), Some("us-east-2"));
    assert_eq!(p.value("key"), None);
}

#[test]
fn several_workspaces_in_the_answers_are_marked_for_one_key() {
    let mut p = prefill(Some("production"), None);
    p.also_workspaces = vec!["development".into(), "staging".into(), "nope".into()];
    let mut j = Journey::start(p);
    j.overview(true, true);
    let ws = j.wizard.workspace_screen();
    assert_eq!(ws.marked_count(), 2, "production and development; staging has a key, nope does not exist");
    assert!(ws.note().unwrap().contains("staging, nope"), "{:?}", ws.note());
}
