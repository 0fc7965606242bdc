//! Google Cloud in the wizard: choosing it, the Key screen's fields (validated as typed, a pasted
//! key name split), the ring's keys asked for and picked, the answers it plans with and the
//! equivalent command line.

use super::fixtures::{self, PROJECT, keys_found, overview_with_gcp};
use super::{GcpKeyFocus, GcpKeyRow, GcpKeyScreen, GcpOverview, KeysInRing, KeysInRingFound};
use crate::error::Error;
use crate::model::ProviderKind;
use crate::plan::SetupAnswers;
use crate::plan::gcp::{GcpAnswers, Protection};
use crate::wizard::Invocation;
use crate::wizard::cloud::CloudOverview;
use crate::wizard::journey::Journey;
use crate::wizard::*;

const DEFAULT_KEY: &str =
    "projects/cmek-sandbox/locations/us-central1/keyRings/anthropic-cmek/cryptoKeys/anthropic-cmek";

/// The Google Cloud part of answers.
fn gcp(a: &SetupAnswers) -> &GcpAnswers {
    a.cloud.downcast_ref::<GcpAnswers>().expect("Google Cloud answers")
}

fn screen(w: &Wizard) -> &GcpKeyScreen {
    w.key_screen().and_then(|k| k.downcast_ref::<GcpKeyScreen>()).expect("the Google Cloud Key screen")
}

/// From a loaded Welcome screen (Google Cloud listed second) to the Workspace screen.
fn choose_gcp(j: &mut Journey) {
    j.press_all(&[KeyInput::Home, KeyInput::Down, KeyInput::Enter]);
}

fn at_gcp_key_screen(project: Option<&str>) -> Journey {
    let mut j = Journey::start(Prefill::default());
    let t = j.awaited();
    j.send(Msg::OverviewLoaded(t, Ok(overview_with_gcp(project))));
    choose_gcp(&mut j);
    j.choose_workspace(0);
    j
}

/// The question the last intent asked, when it asked one.
fn asked(j: &Journey) -> Option<KeysInRing> {
    match j.history.last()? {
        Intent::Ask(_, ProviderKind::Gcp, q) => q.downcast_ref::<KeysInRing>().cloned(),
        _ => None,
    }
}

fn reply(j: &mut Journey, found: KeysInRingFound) {
    let t = j.awaited();
    j.send(Msg::Answered(t, Ok(Box::new(found))));
}

fn clear(j: &mut Journey, n: usize) {
    j.press(KeyInput::End);
    for _ in 0..n {
        j.press(KeyInput::Backspace);
    }
}

#[test]
fn google_cloud_is_chosen_on_welcome_and_the_key_screen_asks_for_the_rings_keys() {
    let j = at_gcp_key_screen(Some(PROJECT));
    assert_eq!(j.wizard.screen(), Screen::Key);
    assert_eq!(j.wizard.provider(), ProviderKind::Gcp);
    let s = screen(&j.wizard);
    assert_eq!(
        (s.project().value(), s.location(), s.key_ring().value(), s.key().value()),
        (PROJECT, "us-central1", "anthropic-cmek", "anthropic-cmek")
    );
    assert_eq!(s.detected_project(), Some(PROJECT));
    let q = asked(&j).expect("the ring's keys are asked for");
    assert_eq!(q.key_ring_name(), "projects/cmek-sandbox/locations/us-central1/keyRings/anthropic-cmek");
    assert!(s.candidates().is_loading());
    assert_eq!(j.wizard.busy(), Some(Work::Ask));
}

#[test]
fn welcome_shows_who_is_signed_in_and_refuses_google_cloud_without_credentials() {
    let o = GcpOverview { caller: fixtures::caller(Some(PROJECT)) };
    assert_eq!(o.summary(), "user:ada@example.com via gcloud application-default login, project cmek-sandbox");
    let o = GcpOverview {
        caller: crate::model::gcp::GcpCallerIdentity {
            principal: None,
            source: "metadata server".into(),
            project: None,
        },
    };
    assert_eq!(o.summary(), "signed in via metadata server, no default project");

    let mut j = Journey::start(Prefill::default());
    j.overview(true, false);
    choose_gcp(&mut j);
    assert_eq!(j.wizard.screen(), Screen::Welcome);
    assert!(matches!(
        j.wizard.welcome().provider_status(ProviderKind::Gcp),
        ProviderStatus::NeedsCredentials(why) if why.contains("no Google credentials")
    ));
    let notice = &j.wizard.notice().unwrap().text;
    assert!(notice.contains("gcloud auth application-default login") && notice.contains("press r"), "{notice}");
}

#[test]
fn a_new_key_is_planned_with_the_fields_and_the_command_line_repeats_it() {
    let mut j = at_gcp_key_screen(Some(PROJECT));
    reply(&mut j, KeysInRingFound { ring_exists: false, keys: vec![] });
    assert!(screen(&j.wizard).keys().is_empty());
    let intents = j.press(KeyInput::Enter);
    assert!(matches!(intents.as_slice(), [Intent::BuildPlan(..)]), "{intents:?}");
    assert_eq!(j.wizard.screen(), Screen::Checks);
    let a = j.last_answers();
    assert_eq!(a.provider(), ProviderKind::Gcp);
    assert_eq!(gcp(&a).key.as_ref().map(ToString::to_string).as_deref(), Some(DEFAULT_KEY));
    assert_eq!(gcp(&a).protection, Protection::Hsm);
    assert!(a.confirm_attach.is_empty());
    assert_eq!(
        equivalent_command(&Invocation::default(), &a, Some("wrkspc_01SbxProduction7Kq2Vd"), None, false),
        format!(
            "cmek setup --non-interactive --provider gcp --workspace wrkspc_01SbxProduction7Kq2Vd --key {DEFAULT_KEY}"
        )
    );
}

#[test]
fn an_existing_key_is_picked_from_the_list_and_create_points_at_it_when_the_id_is_taken() {
    let mut j = at_gcp_key_screen(Some(PROJECT));
    reply(&mut j, keys_found());
    assert_eq!(screen(&j.wizard).rows(), [GcpKeyRow::CreateNew, GcpKeyRow::Candidate(0), GcpKeyRow::Candidate(1)]);
    // "Create" with the id of a key the ring holds plans nothing: the key is highlighted instead.
    assert!(j.press(KeyInput::Enter).is_empty());
    assert_eq!(screen(&j.wizard).highlighted(), GcpKeyRow::Candidate(0));
    assert!(j.wizard.notice().unwrap().text.starts_with("anthropic-cmek already holds key anthropic-cmek"));
    let intents = j.press(KeyInput::Enter);
    assert!(matches!(intents.as_slice(), [Intent::BuildPlan(..)]));
    assert_eq!(gcp(&j.last_answers()).key.as_ref().unwrap().to_string(), DEFAULT_KEY);
}

#[test]
fn a_listed_key_that_cannot_serve_says_why_and_is_left_to_the_plan_to_judge() {
    let mut j = at_gcp_key_screen(Some(PROJECT));
    reply(&mut j, keys_found());
    let signing = &screen(&j.wizard).keys()[1];
    assert_eq!(signing.concerns(), ["purpose ASYMMETRIC_SIGN (ENCRYPT_DECRYPT needed)"]);
    assert!(screen(&j.wizard).keys()[0].concerns().is_empty());
    j.press_all(&[KeyInput::End]);
    let intents = j.press(KeyInput::Enter);
    assert!(matches!(intents.as_slice(), [Intent::BuildPlan(..)]));
    assert_eq!(gcp(&j.last_answers()).key.as_ref().unwrap().key, "signing");
}

#[test]
fn without_a_detected_project_nothing_is_asked_until_one_is_typed() {
    let mut j = at_gcp_key_screen(None);
    assert_eq!(asked(&j), None, "no project, no ring to look in");
    assert_eq!(screen(&j.wizard).project().value(), "");
    assert!(j.press(KeyInput::Enter).is_empty());
    let notice = &j.wizard.notice().unwrap().text;
    assert!(notice.starts_with("Project: no project was given or found in your Google credentials"), "{notice}");
    assert_eq!(screen(&j.wizard).focus(), GcpKeyFocus::Project, "the cursor goes to the field to fix");
    assert!(j.wizard.is_typing());
    j.type_text("My Project");
    let error = screen(&j.wizard).project().error().unwrap().to_string();
    assert!(error.contains("`My Project` is not a valid Google Cloud project id"), "{error}");
    assert!(j.press(KeyInput::Esc).is_empty(), "an invalid project asks nothing");
    assert!(j.press(KeyInput::Enter).is_empty());
    assert!(j.wizard.notice().unwrap().text.starts_with("Project: `My Project` is not a valid"));
    clear(&mut j, "My Project".len());
    j.type_text("acme-prod");
    assert!(screen(&j.wizard).project().is_valid());
    j.press(KeyInput::Esc);
    assert_eq!(asked(&j).unwrap().key_ring_name(), "projects/acme-prod/locations/us-central1/keyRings/anthropic-cmek");
}

#[test]
fn the_location_is_chosen_among_the_us_regions_and_changing_it_asks_again() {
    let mut j = at_gcp_key_screen(Some(PROJECT));
    reply(&mut j, keys_found());
    j.press_all(&[KeyInput::Tab, KeyInput::Tab]);
    assert_eq!(screen(&j.wizard).focus(), GcpKeyFocus::Location);
    assert!(!j.wizard.is_typing(), "the location is chosen, not typed");
    j.press(KeyInput::Left);
    assert_eq!(screen(&j.wizard).location(), "us-west4", "it wraps around");
    j.press_all(&[KeyInput::Right, KeyInput::Right]);
    assert_eq!(screen(&j.wizard).location(), "us-east1");
    assert!(matches!(j.press(KeyInput::Tab).as_slice(), [Intent::Ask(..)]));
    assert_eq!(asked(&j).unwrap().location.as_str(), "us-east1");
    assert!(screen(&j.wizard).keys().is_empty(), "the old ring's keys are gone");
    assert_eq!(screen(&j.wizard).focus(), GcpKeyFocus::KeyRing);
    // Leaving unchanged fields does not ask again.
    reply(&mut j, KeysInRingFound { ring_exists: false, keys: vec![] });
    assert!(j.press_all_collect(&[KeyInput::Tab, KeyInput::Tab, KeyInput::Tab]).is_empty());
    assert_eq!(screen(&j.wizard).focus(), GcpKeyFocus::Project);
}

#[test]
fn a_pasted_key_name_fills_every_field() {
    let mut j = at_gcp_key_screen(Some(PROJECT));
    reply(&mut j, keys_found());
    j.press(KeyInput::BackTab);
    assert_eq!(screen(&j.wizard).focus(), GcpKeyFocus::Key);
    clear(&mut j, "anthropic-cmek".len());
    j.type_text("projects/acme-prod/locations/us-east5/keyRings/payments/cryptoKeys/claude");
    assert!(screen(&j.wizard).key().is_valid(), "a full key name is accepted where an id is typed");
    j.press(KeyInput::Enter);
    let s = screen(&j.wizard);
    assert_eq!(
        (s.project().value(), s.location(), s.key_ring().value(), s.key().value()),
        ("acme-prod", "us-east5", "payments", "claude")
    );
    assert_eq!(s.focus(), GcpKeyFocus::Choices);
    assert_eq!(asked(&j).unwrap().key_ring_name(), "projects/acme-prod/locations/us-east5/keyRings/payments");
    reply(&mut j, KeysInRingFound { ring_exists: true, keys: vec![] });
    j.press(KeyInput::Enter);
    assert_eq!(
        gcp(&j.last_answers()).key.as_ref().unwrap().to_string(),
        "projects/acme-prod/locations/us-east5/keyRings/payments/cryptoKeys/claude"
    );
}

#[test]
fn a_pasted_key_name_outside_the_us_keeps_a_us_region_and_says_why() {
    let mut j = at_gcp_key_screen(Some(PROJECT));
    reply(&mut j, keys_found());
    j.press(KeyInput::Tab);
    clear(&mut j, PROJECT.len());
    j.type_text("projects/acme-prod/locations/europe-west1/keyRings/payments/cryptoKeys/claude");
    j.press(KeyInput::Esc);
    let s = screen(&j.wizard);
    assert_eq!((s.project().value(), s.location()), ("acme-prod", "us-central1"));
    assert!(s.note().unwrap().contains("`europe-west1` is not a single US region"), "{:?}", s.note());
}

#[test]
fn a_prefilled_key_is_highlighted_once_the_ring_is_listed_and_welcome_starts_on_google_cloud() {
    let mut prefill = Prefill { provider: Some("gcp".into()), ..Prefill::default() };
    prefill.set("gcp_key", Some("signing"));
    prefill.options.push(Box::new(GcpAnswers { protection: Protection::Software, ..GcpAnswers::default() }));
    let mut j = Journey::start(prefill);
    assert_eq!(j.wizard.welcome().highlighted(), ProviderKind::Gcp);
    assert_eq!(j.wizard.welcome().note(), None);
    let t = j.awaited();
    j.send(Msg::OverviewLoaded(t, Ok(overview_with_gcp(Some(PROJECT)))));
    j.press(KeyInput::Enter);
    j.choose_workspace(0);
    assert_eq!(screen(&j.wizard).key().value(), "signing");
    assert_eq!(screen(&j.wizard).protection(), Protection::Software);
    reply(&mut j, keys_found());
    assert_eq!(screen(&j.wizard).highlighted(), GcpKeyRow::Candidate(1));
    j.press(KeyInput::Enter);
    let a = j.last_answers();
    assert_eq!(gcp(&a).protection, Protection::Software, "the flag without a field carries over");
    assert!(equivalent_command(&Invocation::default(), &a, None, None, false).ends_with("--gcp-protection software"));
}

#[test]
fn back_cancels_the_lookup_and_its_late_answer_is_dropped() {
    let mut j = at_gcp_key_screen(Some(PROJECT));
    let t = j.awaited();
    assert_eq!(j.press(KeyInput::Esc), vec![Intent::Cancel(t)]);
    assert_eq!(j.wizard.screen(), Screen::Workspace);
    j.send(Msg::Answered(t, Ok(Box::new(keys_found()))));
    assert!(matches!(screen(&j.wizard).candidates(), Load::Idle));
    j.choose_workspace(0);
    assert!(matches!(j.history.last(), Some(Intent::Ask(t2, ..)) if *t2 != t), "coming back asks again");
}

#[test]
fn a_failed_lookup_does_not_block_creating_a_key_and_r_looks_again() {
    let mut j = at_gcp_key_screen(Some(PROJECT));
    let t = j.awaited();
    j.send(Msg::Answered(t, Err(Error::auth("Permission 'cloudkms.cryptoKeys.list' denied on resource"))));
    assert!(screen(&j.wizard).candidates().error().is_some());
    assert!(matches!(j.press(KeyInput::Char('r')).as_slice(), [Intent::Ask(..)]));
    reply(&mut j, KeysInRingFound { ring_exists: true, keys: vec![] });
    assert!(matches!(j.press(KeyInput::Enter).as_slice(), [Intent::BuildPlan(..)]));
}

#[test]
fn another_clouds_reply_changes_nothing() {
    let mut j = at_gcp_key_screen(Some(PROJECT));
    j.candidates(vec![crate::wizard::test_data::candidate()]);
    assert!(screen(&j.wizard).keys().is_empty());
}

#[test]
fn q_and_question_mark_are_typed_in_fields_and_the_footer_follows_the_focus() {
    let mut j = at_gcp_key_screen(Some(PROJECT));
    let keys = |j: &Journey| j.wizard.hints().iter().map(|h| h.keys).collect::<Vec<_>>();
    assert!(keys(&j).contains(&"Tab") && keys(&j).contains(&"q"));
    j.press(KeyInput::BackTab);
    j.press_all(&[KeyInput::Char('q'), KeyInput::Char('?')]);
    assert_eq!(j.wizard.overlay(), None);
    assert_eq!(screen(&j.wizard).key().value(), "anthropic-cmekq?");
    assert!(screen(&j.wizard).key().error().is_some());
    assert!(keys(&j).contains(&"Ctrl-C") && !keys(&j).contains(&"q"));
    j.press(KeyInput::BackTab);
    j.press(KeyInput::BackTab);
    assert_eq!(screen(&j.wizard).focus(), GcpKeyFocus::Location);
    assert!(keys(&j).contains(&"←→"));
}

#[test]
fn the_real_planner_plans_the_chosen_key() {
    let mut j = at_gcp_key_screen(Some(PROJECT));
    reply(&mut j, KeysInRingFound { ring_exists: false, keys: vec![] });
    j.press(KeyInput::Enter);
    let answers = j.last_answers();
    let mut facts = crate::wizard::test_data::facts(Some(crate::wizard::test_data::workspace_facts(0)), None);
    let mut world = crate::plan::gcp::fixtures::sandbox();
    world.key_name = gcp(&answers).key.clone().unwrap();
    facts.cloud = Box::new(world);
    let plan = crate::plan::build(&answers, &facts).expect("a plan for the key the screen chose");
    let t = j.awaited();
    j.send(Msg::PlanReady(t, Ok((facts, plan))));
    assert_eq!(j.wizard.screen(), Screen::Checks);
    assert!(j.wizard.checks().prepared().ready().is_some());
}

#[test]
fn a_long_random_walk_on_the_key_screen_never_panics_and_keeps_its_highlight_listed() {
    use crate::wizard::simulate::Rng;
    const KEYS: &[KeyInput] = &[
        KeyInput::Up,
        KeyInput::Down,
        KeyInput::Left,
        KeyInput::Right,
        KeyInput::Tab,
        KeyInput::BackTab,
        KeyInput::Enter,
        KeyInput::Home,
        KeyInput::End,
        KeyInput::Backspace,
        KeyInput::Delete,
        KeyInput::Char('r'),
        KeyInput::Char('-'),
        KeyInput::Char('/'),
        KeyInput::Char('a'),
        KeyInput::Char('é'),
        KeyInput::Char(' '),
    ];
    const PASTES: &[&str] = &[
        "projects/acme-prod/locations/us-east5/keyRings/payments/cryptoKeys/claude",
        "projects/acme-prod/locations/global/keyRings/r/cryptoKeys/k",
        "projects/x/locations/us-east5/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1",
        "acme-prod",
    ];
    let mut rng = Rng::new(7);
    let mut screen = GcpKeyScreen::new(&Prefill::default());
    let overview = GcpOverview { caller: fixtures::caller(Some(PROJECT)) };
    screen.on_overview(Some(&overview));
    let _ = screen.shown();
    for _ in 0..20_000 {
        match rng.below(10) {
            0 => screen.on_reply(Ok(Box::new(keys_found()))),
            1 => screen.on_reply(Err(Error::remote("unreachable"))),
            2 => screen.on_reply(Ok(Box::new(KeysInRingFound { ring_exists: false, keys: vec![] }))),
            3 if screen.is_typing() => {
                for c in rng.pick(PASTES).chars() {
                    let _ = screen.on_key(KeyInput::Char(c), Some(&overview));
                }
            }
            4 => screen.question_dropped(),
            _ => {
                let actions = screen.on_key(rng.pick(KEYS), Some(&overview));
                for a in actions {
                    if let crate::wizard::KeyScreenAction::Chosen(answers) = a {
                        let a = answers.downcast_ref::<GcpAnswers>().expect("Google Cloud answers");
                        let key = a.key.as_ref().expect("a chosen key is always named in full");
                        assert!(GcpKeyScreen::regions().contains(&key.location.as_str()), "{key}");
                    }
                }
            }
        }
        assert!(screen.rows().contains(&screen.highlighted()), "{:?} not in {:?}", screen.highlighted(), screen.rows());
        assert!(GcpKeyScreen::regions().contains(&screen.location()));
        let _ = screen.hints();
    }
}

#[test]
fn an_answer_for_a_ring_the_fields_no_longer_name_is_dropped() {
    let mut j = at_gcp_key_screen(Some(PROJECT));
    let t = j.awaited();
    j.press(KeyInput::Tab);
    clear(&mut j, PROJECT.len());
    assert!(j.press(KeyInput::Esc).is_empty(), "no ring, nothing to ask");
    j.send(Msg::Answered(t, Ok(Box::new(keys_found()))));
    assert!(screen(&j.wizard).keys().is_empty());
    assert_eq!(screen(&j.wizard).asked_for(), None);
}
