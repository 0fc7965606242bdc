//! Welcome (loading, loaded with and without AWS credentials, failed) and Workspace.

use super::snap;
use crate::error::Error;
use cmek_core::wizard::journey::Journey;
use cmek_core::wizard::*;

#[test]
fn welcome_loading() {
    let mut j = Journey::start(Prefill::default());
    j.send(Msg::Tick);
    let t = j.awaited();
    j.send(Msg::Elapsed(t, std::time::Duration::from_millis(1200)));
    snap("welcome_loading", &j.wizard);
}

#[test]
fn welcome_loaded() {
    let mut j = Journey::start(Prefill::default());
    j.overview(true, false);
    snap("welcome_loaded", &j.wizard);
}

#[test]
fn welcome_without_aws_credentials() {
    let mut j = Journey::start(Prefill::default());
    j.overview(false, false);
    j.choose_aws();
    snap("welcome_no_aws_credentials", &j.wizard);
}

#[test]
fn welcome_failed() {
    let mut j = Journey::start(Prefill { provider: Some("gcp".into()), ..Prefill::default() });
    let t = j.awaited();
    j.send(Msg::OverviewLoaded(
        t,
        Err(Error::auth("the platform refused the admin key (401 authentication_error, request id req_01Sbx7Q)")
            .with_hint("check ANTHROPIC_ADMIN_KEY or --admin-key-file: it must be an admin key (sk-ant-admin01-...)")),
    ));
    snap("welcome_failed", &j.wizard);
}

#[test]
fn workspace_list_with_an_attached_one() {
    let mut j = Journey::start(Prefill::default());
    j.overview(true, true);
    j.choose_aws();
    j.press_all(&[KeyInput::Down, KeyInput::Down, KeyInput::Enter]);
    snap("workspace_attached_refused", &j.wizard);
}

#[test]
fn workspace_list_on_an_existing_one() {
    let mut j = Journey::start(Prefill::default());
    j.overview(true, true);
    j.choose_aws();
    j.press(KeyInput::Down);
    snap("workspace_existing", &j.wizard);
}

#[test]
fn workspace_new_name_taken() {
    let mut j = Journey::start(Prefill::default());
    j.overview(true, true);
    j.choose_aws();
    j.press(KeyInput::Enter);
    j.type_text("staging");
    snap("workspace_new_name_taken", &j.wizard);
}

#[test]
fn workspace_creating_and_failed() {
    let mut j = Journey::start(Prefill::default());
    j.overview(true, true);
    j.choose_aws();
    j.press(KeyInput::Enter);
    j.type_text("analytics");
    j.press(KeyInput::Enter);
    snap("workspace_creating", &j.wizard);
    let t = j.awaited();
    j.send(Msg::WorkspaceCreated(
        t,
        Err(Error::remote("creating workspace `analytics`: the platform answered 503 overloaded_error after 3 tries")
            .with_hint("wait a minute and try again")),
    ));
    snap("workspace_create_failed", &j.wizard);
}

#[test]
fn workspace_two_marked() {
    let mut j = Journey::start(Prefill::default());
    j.overview(true, true);
    j.choose_aws();
    // production and development marked (staging has a key: it shows no box).
    j.press_all(&[KeyInput::Down, KeyInput::Char(' '), KeyInput::Down, KeyInput::Down, KeyInput::Char(' ')]);
    snap("workspace_two_marked", &j.wizard);
}
