//! Azure: Welcome with an Azure sign-in, the vault and key screen, and validation waiting for a
//! role assignment to propagate (and being stopped).

use std::time::Duration;

use super::snap;
use cmek_core::run::events::Event;
use cmek_core::wizard::journey::Journey;
use cmek_core::wizard::*;

fn waiting_event(attempt: u32, waited: u64) -> Event {
    Event::Waiting {
        index: 5,
        grant: "role assignment",
        explain: "Azure role assignments take minutes to reach Key Vault. Until then the platform is refused with \
                  ForbiddenByRbac, so cmek validates again with growing pauses instead of failing.",
        why: "ForbiddenByRbac: Caller is not authorized to perform action on resource. \
              Action: 'Microsoft.KeyVault/vaults/keys/wrap/action'"
            .into(),
        attempt,
        waited: Duration::from_secs(waited),
        budget: Duration::from_secs(600),
        next_in: Duration::from_secs(20),
    }
}

#[test]
fn welcome_with_azure_ready() {
    let mut j = Journey::start(Prefill { provider: Some("azure".into()), ..Prefill::default() });
    j.overview_with_azure(&["cmek-sandbox", "team-vault"]);
    snap("azure_welcome", &j.wizard);
}

#[test]
fn azure_key_screen() {
    let mut j = Journey::start(Prefill::default());
    j.overview_with_azure(&["cmek-sandbox", "team-vault"]);
    j.choose_azure();
    j.choose_workspace(0);
    snap("azure_key", &j.wizard);
    j.press(KeyInput::Tab);
    j.type_text("_x");
    snap("azure_key_invalid_name", &j.wizard);
}

#[test]
fn azure_checks_and_plan_for_the_seeded_vault() {
    let mut j = Journey::to_azure_checks(0);
    snap("azure_checks_loading", &j.wizard);
    j.plan_ready(None);
    snap("azure_checks", &j.wizard);
    j.press_all(&[KeyInput::End, KeyInput::Enter]);
    snap("azure_plan", &j.wizard);
}

#[test]
fn validation_waiting_for_role_propagation() {
    let mut j = Journey::to_azure_checks(0);
    j.plan_ready(None);
    j.approve();
    j.engine(waiting_event(3, 75));
    snap("validate_waiting_for_propagation", &j.wizard);
    j.press(KeyInput::Esc);
    j.engine(waiting_event(3, 80));
    snap("validate_waiting_stopping", &j.wizard);
}

#[test]
fn azure_validated_and_summary() {
    let mut j = Journey::to_azure_checks(0);
    let plan = j.plan_ready(None);
    j.approve();
    j.applied(cmek_core::wizard::test_data::validated_report(&plan));
    snap("azure_validate_passed", &j.wizard);
    j.press(KeyInput::Enter);
    j.press(KeyInput::Esc);
    snap("azure_summary_not_attached", &j.wizard);
}

/// The wait moves between the platform's answers: the runtime's elapsed ticks (several a second)
/// advance the time waited and count down to the next try.
#[test]
fn the_wait_ticks_between_answers() {
    let mut j = Journey::to_azure_checks(0);
    j.plan_ready(None);
    j.approve();
    let t = j.awaited();
    j.send(Msg::Elapsed(t, Duration::from_secs(100)));
    j.engine(waiting_event(3, 75));
    let screen =
        |j: &Journey| super::buffer_text(&super::draw_buffer(&j.wizard, &crate::tui::theme::Theme::default(), 120, 40));
    let first = screen(&j);
    assert!(first.contains("75s of at most 600s") && first.contains("in 20s"), "{first}");
    j.send(Msg::Elapsed(t, Duration::from_secs(104)));
    let later = screen(&j);
    assert!(later.contains("79s of at most 600s") && later.contains("in 16s"), "{later}");
    j.send(Msg::Elapsed(t, Duration::from_secs(130)));
    let due = screen(&j);
    assert!(due.contains("105s of at most 600s") && due.contains("now"), "the try is due: {due}");
}
