//! Welcome (loading, errors, credentials, providers) and Workspace (choose, refuse, create).

use super::request_ticket;
use crate::error::Error;
use crate::wizard::journey::Journey;
use crate::wizard::test_data::{self, new_workspace};
use crate::wizard::*;

#[test]
fn the_wizard_starts_by_asking_for_the_overview() {
    let (w, intents) = Wizard::new(Prefill::default());
    assert!(matches!(intents.as_slice(), [Intent::LoadOverview(_)]));
    assert_eq!(w.screen(), Screen::Welcome);
    assert_eq!(w.screen().indicator(), "Step 1 of 9: Welcome");
    assert!(w.welcome().overview().is_loading());
    assert_eq!(w.busy(), Some(Work::Overview));
}

#[test]
fn enter_while_loading_waits_and_says_so() {
    let mut j = Journey::start(Prefill::default());
    assert!(j.press(KeyInput::Enter).is_empty());
    assert_eq!(j.wizard.screen(), Screen::Welcome);
    assert!(j.wizard.notice().unwrap().text.contains("Still looking up"));
}

#[test]
fn a_failed_overview_shows_the_error_and_enter_retries_with_a_new_ticket() {
    let mut j = Journey::start(Prefill::default());
    let first = j.awaited();
    j.send(Msg::OverviewLoaded(first, Err(Error::auth("the admin key was refused (401)"))));
    assert_eq!(j.wizard.welcome().overview().error().unwrap().message, "the admin key was refused (401)");
    // No cloud is left showing "…": they were not looked up, and say so.
    for kind in j.wizard.welcome().providers() {
        let status = j.wizard.welcome().provider_status(kind);
        assert!(!matches!(status, ProviderStatus::Waiting), "{kind}: {status:?}");
    }
    let retry = j.press(KeyInput::Enter);
    let second = request_ticket(&retry);
    assert_ne!(first, second);
    // The first answer arriving late changes nothing.
    j.send(Msg::OverviewLoaded(first, Ok(test_data::overview(true, false))));
    assert!(j.wizard.welcome().overview().is_loading());
    j.send(Msg::OverviewLoaded(second, Ok(test_data::overview(true, false))));
    assert_eq!(j.wizard.overview().unwrap().org_name, "Sandbox Organisation");
}

#[test]
fn aws_without_credentials_cannot_be_chosen_and_r_looks_again() {
    let mut j = Journey::start(Prefill::default());
    j.overview(false, false);
    assert!(matches!(
        j.wizard.welcome().provider_status(crate::model::ProviderKind::Aws),
        ProviderStatus::NeedsCredentials(_)
    ));
    j.choose_aws();
    assert_eq!(j.wizard.screen(), Screen::Welcome);
    let notice = j.wizard.notice().unwrap();
    assert_eq!(notice.tone, Tone::Error);
    assert!(notice.text.contains("press r to look again"), "{}", notice.text);
    assert!(matches!(j.press(KeyInput::Char('r')).as_slice(), [Intent::LoadOverview(_)]));
    j.overview(true, false);
    j.choose_aws();
    assert_eq!(j.wizard.screen(), Screen::Workspace);
}

#[test]
fn every_listed_provider_is_supported_and_one_without_credentials_is_not_chosen() {
    let mut j = Journey::start(Prefill::default());
    j.overview(true, false);
    for kind in j.wizard.welcome().providers() {
        let status = j.wizard.welcome().provider_status(kind);
        assert!(!matches!(status, ProviderStatus::NotSupported(_)), "{kind}: {status:?}");
    }
    // Google Cloud, listed second, has no credentials in the fixture overview.
    j.press_all(&[KeyInput::Down, KeyInput::Enter]);
    assert_eq!(j.wizard.screen(), Screen::Welcome);
    let notice = &j.wizard.notice().unwrap().text;
    assert!(notice.starts_with("Google Cloud KMS needs Google credentials"), "{notice}");
}

#[test]
fn workspace_screen_goes_back_to_welcome() {
    let mut j = Journey::start(Prefill::default());
    j.overview(true, false);
    j.choose_aws();
    assert_eq!(j.wizard.screen().indicator(), "Step 2 of 9: Workspace");
    assert_eq!(j.wizard.workspace_screen().highlighted(), WorkspaceRow::CreateNew, "creating is the default");
    j.press(KeyInput::Esc);
    assert_eq!(j.wizard.screen(), Screen::Welcome);
    j.choose_aws();
    j.press(KeyInput::Left);
    assert_eq!(j.wizard.screen(), Screen::Welcome);
}

#[test]
fn choosing_a_workspace_moves_to_the_key_screen_and_looks_for_keys() {
    let mut j = Journey::start(Prefill::default());
    j.overview(true, false);
    j.choose_aws();
    j.choose_workspace(0);
    assert_eq!(j.wizard.screen(), Screen::Key);
    assert_eq!(j.wizard.target().and_then(Target::workspace).unwrap().name, "production");
    match j.history.last().unwrap() {
        Intent::Ask(_, _, q) => {
            let q = q.downcast_ref::<crate::wizard::aws::KeysUnderAlias>().expect("the keys under the alias");
            assert_eq!(q.region.as_str(), "us-east-2");
            assert_eq!(q.alias.as_str(), "alias/anthropic-cmek");
        }
        other => panic!("expected the keys under the alias to be asked for, got {other:?}"),
    }
}

#[test]
fn a_workspace_with_a_key_is_refused_with_the_reason() {
    let mut j = Journey::start(Prefill::default());
    j.overview(true, true);
    j.choose_aws();
    j.choose_workspace(1);
    assert_eq!(j.wizard.screen(), Screen::Workspace);
    let notice = &j.wizard.notice().unwrap().text;
    assert!(notice.starts_with("staging cannot be chosen: it already has a key"), "{notice}");
    let why = WorkspaceState::refusal(&j.wizard.overview().unwrap().workspaces[1]).unwrap();
    assert!(why.contains("staging already has key ekey_01SbxStaging5Tn7Wc attached"), "{why}");
    assert!(why.contains("create a new one"), "{why}");
}

#[test]
fn register_only_has_no_workspace() {
    let mut j = Journey::start(Prefill::default());
    j.overview(true, false);
    j.choose_aws();
    j.choose_register_only();
    assert_eq!(j.wizard.screen(), Screen::Key);
    assert_eq!(j.wizard.target(), Some(&Target::RegisterOnly));
}

fn at_new_name() -> Journey {
    let mut j = Journey::start(Prefill::default());
    j.overview(true, false);
    j.choose_aws();
    j.press(KeyInput::Enter);
    assert!(j.wizard.workspace_screen().is_editing_name());
    assert!(j.wizard.is_typing());
    j
}

#[test]
fn a_new_workspace_name_is_validated_as_typed() {
    let mut j = at_new_name();
    assert!(j.press(KeyInput::Enter).is_empty(), "an empty name creates nothing");
    assert!(j.wizard.notice().unwrap().text.contains("Type a name"));
    j.type_text("production");
    let error = j.wizard.workspace_screen().new_name().error().unwrap().to_string();
    assert!(error.contains("already the name of workspace wrkspc_01SbxProduction7Kq2Vd"), "{error}");
    assert!(j.press(KeyInput::Enter).is_empty());
    for _ in 0.."production".len() {
        j.press(KeyInput::Backspace);
    }
    j.type_text(&"x".repeat(41));
    assert!(j.wizard.workspace_screen().new_name().error().unwrap().contains("41 characters"));
    assert!(j.press(KeyInput::Enter).is_empty());
}

#[test]
fn creating_a_workspace_selects_it_and_marks_the_run_as_changed() {
    let mut j = at_new_name();
    j.type_text("analytics");
    let intents = j.press(KeyInput::Enter);
    assert!(matches!(intents.as_slice(), [Intent::CreateWorkspace(_, name)] if name == "analytics"));
    let t = request_ticket(&intents);
    j.send(Msg::WorkspaceCreated(t, Ok(new_workspace())));
    assert_eq!(j.wizard.screen(), Screen::Key);
    assert_eq!(j.wizard.target().and_then(Target::workspace).unwrap().id, "wrkspc_01SbxAnalytics2Pf6Zr");
    assert!(j.wizard.has_changed_anything());
    assert_eq!(j.wizard.overview().unwrap().workspaces.len(), 4, "listed from now on");
}

#[test]
fn a_failed_create_is_shown_and_enter_tries_again() {
    let mut j = at_new_name();
    j.type_text("analytics");
    let t = request_ticket(&j.press(KeyInput::Enter));
    j.send(Msg::WorkspaceCreated(t, Err(Error::remote("the platform answered 500 (request id req_01)"))));
    assert_eq!(j.wizard.screen(), Screen::Workspace);
    assert!(j.wizard.workspace_screen().create_error().unwrap().message.contains("500"));
    assert!(!j.wizard.has_changed_anything());
    let again = j.press(KeyInput::Enter);
    assert!(matches!(again.as_slice(), [Intent::CreateWorkspace(t2, _)] if *t2 != t));
}

#[test]
fn esc_while_creating_stops_waiting_and_drops_the_late_result() {
    let mut j = at_new_name();
    j.type_text("analytics");
    let t = request_ticket(&j.press(KeyInput::Enter));
    assert_eq!(j.press(KeyInput::Esc), vec![Intent::Cancel(t)]);
    j.send(Msg::WorkspaceCreated(t, Ok(new_workspace())));
    assert_eq!(j.wizard.screen(), Screen::Workspace, "a stale result changes no screen");
    assert!(j.wizard.target().is_none());
}
