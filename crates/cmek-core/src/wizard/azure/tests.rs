//! Azure in the wizard: choosing it, the vault and key, the answers it plans with, the equivalent
//! command line, and the propagation wait on the Validate screen (shown, bounded, stoppable).

use std::time::Duration;

use super::{AzureKeyScreen, vaults};
use crate::model::ProviderKind;
use crate::model::azure::AzureVaultRef;
use crate::plan::SetupAnswers;
use crate::plan::azure::{AzureAnswers, AzureFacts};
use crate::run::events::Event;
use crate::wizard::Invocation;
use crate::wizard::journey::Journey;
use crate::wizard::*;

/// The Azure part of answers.
fn azure(a: &SetupAnswers) -> &AzureAnswers {
    a.cloud.downcast_ref::<AzureAnswers>().expect("Azure answers")
}

fn at_azure_key_screen(vaults: &[&str]) -> Journey {
    let mut j = Journey::start(Prefill::default());
    j.overview_with_azure(vaults);
    j.choose_azure();
    j.choose_workspace(0);
    j
}

#[test]
fn azure_is_chosen_on_welcome_and_the_key_screen_offers_its_vaults() {
    let j = at_azure_key_screen(&["cmek-sandbox", "team-vault"]);
    assert_eq!(j.wizard.screen(), Screen::Key);
    assert_eq!(j.wizard.provider(), ProviderKind::Azure);
    assert_eq!(vaults(j.wizard.cloud_overview()).len(), 2);
    assert!(!j.history.iter().any(|i| matches!(i, Intent::Ask(..))), "AWS key candidates are not looked up for Azure");
}

#[test]
fn azure_without_a_usable_sign_in_is_refused_with_the_reason() {
    let mut j = Journey::start(Prefill::default());
    j.overview(true, false);
    j.choose_azure();
    assert_eq!(j.wizard.screen(), Screen::Welcome);
    assert!(matches!(
        j.wizard.welcome().provider_status(ProviderKind::Azure),
        ProviderStatus::NeedsCredentials(why) if why.contains("az login")
    ));
}

#[test]
fn the_plan_is_asked_for_the_chosen_vault_and_typed_key_name() {
    let mut j = at_azure_key_screen(&["cmek-sandbox", "team-vault"]);
    j.press(KeyInput::Down);
    j.press(KeyInput::Tab);
    j.press_all(&[KeyInput::End]);
    for _ in 0.."anthropic-cmek".len() {
        j.press(KeyInput::Backspace);
    }
    j.type_text("bad_name");
    assert!(j.press(KeyInput::Enter).is_empty(), "an invalid key name asks for nothing");
    assert_eq!(j.wizard.screen(), Screen::Key);
    for _ in 0.."bad_name".len() {
        j.press(KeyInput::Backspace);
    }
    j.type_text("claude-key");
    let intents = j.press(KeyInput::Enter);
    assert!(matches!(intents.as_slice(), [Intent::BuildPlan(..)]));
    let a = j.last_answers();
    assert_eq!(a.provider(), ProviderKind::Azure);
    assert_eq!(azure(&a).key_name.as_str(), "claude-key");
    assert!(matches!(&azure(&a).vault, Some(AzureVaultRef::ResourceId(id)) if id.vault == "team-vault"));
    assert!(a.confirm_attach.is_empty());
    assert_eq!(azure(&a).confirm_purge_protection, None, "purge protection is never confirmed implicitly");
    assert!(!azure(&a).allow_public_access, "public access is never approved implicitly");
    assert_eq!(
        equivalent_command(&Invocation::default(), &a, Some("wrkspc_01production"), None, false),
        "cmek setup --non-interactive --provider azure --workspace wrkspc_01production --azure-vault team-vault \
         --azure-key claude-key"
    );
}

#[test]
fn a_prefilled_vault_is_preselected() {
    let mut prefill = Prefill { provider: Some("azure".into()), ..Prefill::default() };
    prefill.set("azure_vault", Some("team-vault"));
    let mut j = Journey::start(prefill);
    j.overview_with_azure(&["cmek-sandbox", "team-vault"]);
    assert_eq!(j.wizard.welcome().highlighted(), ProviderKind::Azure);
    j.press(KeyInput::Enter);
    j.choose_workspace(0);
    let screen = j.wizard.key_screen().and_then(|k| k.downcast_ref::<AzureKeyScreen>()).unwrap();
    assert_eq!(screen.highlighted_vault(), 1);
}

#[test]
fn a_propagation_wait_shows_on_validate_and_esc_asks_the_engine_to_stop_once() {
    let (mut j, _plan) = Journey::to_apply(Some(0), false);
    let wait = Event::Waiting {
        index: 2,
        grant: "role assignment",
        explain: "role assignments take minutes to reach Key Vault",
        why: "ForbiddenByRbac: Caller is not authorized to perform action on resource".into(),
        attempt: 2,
        waited: Duration::from_secs(15),
        budget: Duration::from_secs(600),
        next_in: Duration::from_secs(20),
    };
    j.engine(wait.clone());
    assert_eq!(j.wizard.screen(), Screen::Validate);
    assert!(matches!(j.wizard.validation(), Some(Validation::Waiting(w)) if w.attempt == 2 && !w.stopping));
    let t = j.awaited();
    assert_eq!(j.press(KeyInput::Esc), vec![Intent::StopWaiting(t)]);
    assert!(j.press(KeyInput::Esc).is_empty(), "asked once");
    j.engine(wait);
    assert!(matches!(j.wizard.validation(), Some(Validation::Waiting(w)) if w.stopping), "still stopping");
    assert_eq!(j.wizard.awaited_ticket(), Some(t), "the run's report is still awaited");
}

/// At Checks for Azure with the plan built from `facts` (the seeded vault, changed by `change`).
fn azure_plan_ready(change: impl FnOnce(&mut AzureFacts)) -> Journey {
    let mut j = Journey::to_azure_checks(0);
    let answers = j.last_answers();
    let (mut facts, _) = crate::wizard::test_data::prepared(&answers, None);
    if let Some(az) = facts.cloud.downcast_mut::<AzureFacts>() {
        change(az);
    }
    let plan = crate::plan::build(&answers, &facts).unwrap();
    let t = j.awaited();
    j.send(Msg::PlanReady(t, Ok((facts, plan))));
    j
}

#[test]
fn purge_protection_is_planned_only_after_the_vault_name_is_typed() {
    let mut j = azure_plan_ready(|az| az.vault.purge_protection = None);
    j.press_all(&[KeyInput::End, KeyInput::Enter]);
    assert_eq!(j.wizard.screen(), Screen::Plan);
    assert_eq!(j.wizard.pending_confirmation().map(|c| c.expected.as_str()), Some("cmek-sandbox"));
    j.press(KeyInput::Char('p'));
    assert!(j.wizard.is_typing(), "q and ? are letters while the name is typed");
    // Close is not enough for an irreversible switch: another name, another case, a space.
    for wrong in ["other-vault", "CMEK-SANDBOX", " cmek-sandbox", "cmek-sandbox "] {
        j.type_text(wrong);
        assert!(j.press(KeyInput::Enter).is_empty(), "{wrong:?} plans nothing");
        assert!(j.wizard.confirmation_field().is_some());
        for _ in 0..wrong.len() {
            j.press(KeyInput::Backspace);
        }
    }
    j.type_text("cmek-sandbox");
    let intents = j.press(KeyInput::Enter);
    assert!(matches!(intents.as_slice(), [Intent::BuildPlan(..)]));
    assert_eq!(azure(&j.last_answers()).confirm_purge_protection.as_deref(), Some("cmek-sandbox"));
    assert_eq!(j.wizard.screen(), Screen::Checks);
}

#[test]
fn public_access_is_approved_on_checks_with_a() {
    let mut j = azure_plan_ready(|az| az.vault.public_network_access = Some("Disabled".into()));
    assert_eq!(j.wizard.checks().approval().map(|a| a.check), Some("AZ-03"));
    let intents = j.press(KeyInput::Char('a'));
    assert!(matches!(intents.as_slice(), [Intent::BuildPlan(..)]));
    assert!(azure(&j.last_answers()).allow_public_access);
}
