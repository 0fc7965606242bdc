//! The attach gate (exact name only, Esc skips, errors retry) and the Summary's command line.

use crate::error::Error;
use crate::model::aws::AwsKeyRef;
use crate::plan::SetupAnswers;
use crate::plan::aws::AwsAnswers;
use crate::wizard::journey::Journey;
use crate::wizard::test_data::{self, EXTERNAL_KEY_ID, KEY_ARN};
use crate::wizard::*;

fn at_attach() -> Journey {
    let (mut j, _) = Journey::validated_for_production();
    j.press(KeyInput::Enter);
    assert_eq!(j.wizard.screen(), Screen::Attach);
    assert_eq!(j.wizard.screen().indicator(), "Step 8 of 9: Attach");
    assert!(j.wizard.is_typing());
    j
}

#[test]
fn enter_with_an_empty_or_mismatched_name_does_nothing_but_say_so() {
    let mut j = at_attach();
    assert!(j.press(KeyInput::Enter).is_empty());
    assert!(j.wizard.attach_screen().refusal().unwrap().starts_with("Type the workspace name, production"));
    j.type_text("Production");
    assert!(j.press(KeyInput::Enter).is_empty());
    let refusal = j.wizard.attach_screen().refusal().unwrap();
    assert!(refusal.starts_with("`Production` is not `production`"), "{refusal}");
    assert_eq!(j.wizard.screen(), Screen::Attach);
    j.press(KeyInput::Backspace);
    assert!(j.wizard.attach_screen().refusal().is_none(), "editing clears the refusal");
    // A trailing space is not the exact name either.
    j.press_all(&[KeyInput::Home, KeyInput::Delete]);
    j.type_text("p");
    j.press(KeyInput::End);
    j.type_text("n ");
    assert_eq!(j.wizard.attach_screen().typed().value(), "production ");
    assert!(j.press(KeyInput::Enter).is_empty());
}

#[test]
fn the_exact_name_attaches_and_the_summary_says_so() {
    let mut j = at_attach();
    j.type_text("production");
    let intents = j.press(KeyInput::Enter);
    let [Intent::Attach { ticket, external_key_id, workspace_id, workspace_name }] = intents.as_slice() else {
        panic!("{intents:?}")
    };
    assert_eq!(external_key_id, EXTERNAL_KEY_ID);
    assert_eq!(workspace_id, "wrkspc_01SbxProduction7Kq2Vd");
    assert_eq!(workspace_name, "production");
    assert!(!j.wizard.is_typing(), "nothing to type while attaching");
    assert!(j.press(KeyInput::Esc).is_empty(), "attaching cannot be stopped");
    assert_eq!(j.wizard.screen(), Screen::Attach);
    let sentence = format!("{EXTERNAL_KEY_ID} attached to workspace production (wrkspc_01SbxProduction7Kq2Vd)");
    j.send(Msg::Attached(*ticket, Ok(sentence.clone())));
    assert_eq!(j.wizard.screen(), Screen::Summary);
    assert_eq!(j.wizard.attach_outcome(), Some(&AttachOutcome::Attached(sentence)));
    assert_eq!(
        j.wizard.summary_command().unwrap(),
        format!(
            "cmek setup --non-interactive --provider aws --workspace wrkspc_01SbxProduction7Kq2Vd --key {KEY_ARN} \
             --confirm-attach wrkspc_01SbxProduction7Kq2Vd"
        )
    );
    assert_eq!(j.wizard.attach_later_command(), None);
    assert_eq!(j.press(KeyInput::Enter), vec![Intent::Exit { code: 0 }]);
    assert!(j.send(Msg::Key(KeyInput::Enter)).is_empty(), "nothing after exit");
}

#[test]
fn a_refused_attach_is_explained_and_enter_tries_again() {
    let mut j = at_attach();
    j.type_text("production");
    let t = super::request_ticket(&j.press(KeyInput::Enter));
    j.send(Msg::Attached(
        t,
        Err(Error::unhealthy("attaching ekey_01 to workspace production was refused: AccessDenied")
            .with_hint("the workspace stays unattached; fix the cause and re-run the same command")),
    ));
    assert_eq!(j.wizard.screen(), Screen::Attach);
    assert!(j.wizard.attach_screen().error().unwrap().message.contains("was refused"));
    assert!(matches!(j.press(KeyInput::Enter).as_slice(), [Intent::Attach { .. }]));
}

#[test]
fn esc_skips_attaching() {
    let mut j = at_attach();
    j.type_text("prod");
    assert!(j.press(KeyInput::Esc).is_empty());
    assert_eq!(j.wizard.screen(), Screen::Summary);
    assert_eq!(j.wizard.attach_outcome(), Some(&AttachOutcome::Skipped));
    assert_eq!(
        j.wizard.attach_later_command().unwrap(),
        format!(
            "cmek setup --non-interactive --provider aws --workspace wrkspc_01SbxProduction7Kq2Vd --key {KEY_ARN} \
             --confirm-attach wrkspc_01SbxProduction7Kq2Vd"
        )
    );
    assert_eq!(
        j.wizard.summary_command().unwrap(),
        format!("cmek setup --non-interactive --provider aws --workspace wrkspc_01SbxProduction7Kq2Vd --key {KEY_ARN}")
    );
    assert_eq!(j.press(KeyInput::Char('q')), vec![Intent::Exit { code: 0 }], "q on the summary exits, no question");
}

#[test]
fn register_only_skips_the_attach_screen() {
    let (mut j, plan) = Journey::to_apply(None, false);
    j.applied(test_data::validated_report(&plan));
    j.press(KeyInput::Enter);
    assert_eq!(j.wizard.screen(), Screen::Summary);
    assert_eq!(j.wizard.attach_outcome(), Some(&AttachOutcome::NoWorkspace));
    assert_eq!(
        j.wizard.summary_command().unwrap(),
        format!("cmek setup --non-interactive --provider aws --key {KEY_ARN}")
    );
}

#[test]
fn a_new_workspace_is_offered_as_new() {
    let mut j = Journey::start(Prefill::default());
    j.overview(true, false);
    j.choose_aws();
    j.press(KeyInput::Enter);
    j.type_text("analytics");
    let t = j.press(KeyInput::Enter);
    let [Intent::CreateWorkspace(t, _)] = t.as_slice() else { panic!() };
    j.send(Msg::WorkspaceCreated(*t, Ok(test_data::new_workspace())));
    j.candidates(vec![]);
    j.create_new_key();
    // The planner sees the new workspace like any other.
    let answers = j.last_answers();
    assert_eq!(answers.workspaces[0].to_string(), "wrkspc_01SbxAnalytics2Pf6Zr");
    let ws = crate::plan::WorkspaceFacts {
        id: test_data::NEW_WORKSPACE.0.into(),
        name: test_data::NEW_WORKSPACE.1.into(),
        compartment: test_data::NEW_WORKSPACE.2.parse().unwrap(),
        external_key_id: None,
        archived: false,
        created_at: test_data::seeded_at(600),
        just_created: false,
    };
    let facts = test_data::facts(Some(ws), None);
    let plan = crate::plan::build(&answers, &facts).unwrap();
    let t = j.awaited();
    j.send(Msg::PlanReady(t, Ok((facts, plan.clone()))));
    j.approve();
    j.applied(test_data::validated_report(&plan));
    j.press(KeyInput::Enter);
    assert!(j.wizard.attach_offer().unwrap().workspace_is_new);
}

fn answers(key: Option<&str>, alias: &str, display_name: Option<&str>) -> SetupAnswers {
    SetupAnswers {
        workspaces: Vec::new(),
        confirm_attach: Vec::new(),
        display_name: display_name.map(str::to_string),
        cloud: Box::new(AwsAnswers {
            key: key.map(|k| k.parse::<AwsKeyRef>().unwrap()),
            region: "us-east-1".parse().unwrap(),
            alias: alias.parse().unwrap(),
            replace_anthropic_grants: false,
        }),
    }
}

#[test]
fn the_command_line_repeats_what_was_asked_when_no_key_arn_is_known() {
    assert_eq!(
        equivalent_command(
            &Invocation::default(),
            &answers(None, "alias/anthropic-cmek", None),
            Some("wrkspc_01SbxStaging4Rm8Tx"),
            None,
            false
        ),
        "cmek setup --non-interactive --provider aws --workspace wrkspc_01SbxStaging4Rm8Tx --region us-east-1"
    );
    assert_eq!(
        equivalent_command(
            &Invocation::default(),
            &answers(None, "alias/claude-prod", Some("Claude prod key")),
            None,
            None,
            false
        ),
        "cmek setup --non-interactive --provider aws --region us-east-1 --alias alias/claude-prod \
         --display-name 'Claude prod key'"
    );
    assert_eq!(
        equivalent_command(
            &Invocation::default(),
            &answers(Some("alias/claude-prod"), "alias/anthropic-cmek", None),
            None,
            None,
            false
        ),
        "cmek setup --non-interactive --provider aws --key alias/claude-prod --region us-east-1"
    );
}

/// What is printed once the wizard has closed: how it ended, what changed, the key and
/// registration, the journal, and the command that repeats the run.
#[test]
fn the_lines_left_on_the_screen_say_what_the_run_did() {
    let mut j = at_attach();
    j.type_text("production");
    let intents = j.press(KeyInput::Enter);
    let [Intent::Attach { ticket, .. }] = intents.as_slice() else { panic!("{intents:?}") };
    let sentence = format!("{EXTERNAL_KEY_ID} attached to workspace production (wrkspc_01SbxProduction7Kq2Vd)");
    j.send(Msg::Attached(*ticket, Ok(sentence.clone())));
    let text = j.wizard.closing_lines().join("\n");
    assert!(text.starts_with("cmek setup finished: the key is registered and healthy."), "{text}");
    assert!(text.contains("Changed in this run:\n    • "), "{text}");
    assert!(text.contains(&format!("KMS key: {KEY_ARN}")), "{text}");
    assert!(text.contains(&format!("external key: {EXTERNAL_KEY_ID}")), "{text}");
    assert!(text.contains(&format!("workspace: attached: {sentence}")), "{text}");
    assert!(text.contains(&format!("journal: {}", test_data::JOURNAL_DIR)), "{text}");
    assert!(text.contains("The same run, non-interactively:\n  cmek setup --non-interactive"), "{text}");
}

#[test]
fn leaving_before_any_change_says_nothing_was_changed() {
    let mut j = Journey::start(Prefill::default());
    j.overview(true, true);
    let text = j.wizard.closing_lines().join("\n");
    assert!(text.starts_with("cmek setup was left before the end.\n  Nothing was changed."), "{text}");
    assert!(!text.contains("journal"), "no run, no journal:\n{text}");
}

#[test]
fn leaving_while_applying_says_what_is_done_and_how_to_resume() {
    let (mut j, plan) = Journey::to_apply(Some(0), true);
    j.engine(first_step_done(&plan));
    let text = j.wizard.closing_lines().join("\n");
    assert!(text.starts_with("cmek setup was stopped while applying the plan"), "{text}");
    assert!(text.contains("resumes from the journal"), "{text}");
    assert!(text.contains("Changed in this run:\n    • created the key"), "{text}");
    assert!(text.contains("cmek setup --non-interactive"), "{text}");
}

fn first_step_done(plan: &crate::plan::Plan) -> crate::run::events::Event {
    assert!(!plan.steps.is_empty());
    crate::run::events::Event::StepFinished {
        index: 0,
        title: "create the key".into(),
        outcome: crate::run::events::StepOutcome::Done { detail: "created the key".into() },
    }
}

/// Space marks production and staging for one key; after validation each attach is offered in
/// turn and confirmed (or skipped) on its own.
#[test]
fn several_marked_workspaces_share_the_key_and_each_attach_is_confirmed_alone() {
    let mut j = Journey::start(Prefill::default());
    j.overview(true, false);
    j.choose_aws();
    j.press_all(&[KeyInput::Home, KeyInput::Down, KeyInput::Char(' '), KeyInput::Down, KeyInput::Char(' ')]);
    assert_eq!(j.wizard.workspace_screen().marked_count(), 2);
    // A workspace with a key cannot be marked; the count stays.
    j.press(KeyInput::Enter);
    assert_eq!(j.wizard.screen(), Screen::Key);
    let names: Vec<&str> = j.wizard.target().unwrap().workspaces().iter().map(|w| w.name.as_str()).collect();
    assert_eq!(names, ["production", "staging"]);
    j.candidates(vec![]);
    j.create_new_key();
    let answers = j.last_answers();
    assert_eq!(answers.workspaces.len(), 2, "{answers:?}");
    assert!(answers.confirm_attach.is_empty(), "the wizard confirms on its own screen");
    let plan = j.plan_ready(None);
    assert_eq!(plan.steps.iter().filter(|s| matches!(s.action, crate::plan::Action::Attach { .. })).count(), 2);
    j.approve();
    j.applied(test_data::validated_report(&plan));
    j.press(KeyInput::Enter);
    assert_eq!(j.wizard.screen(), Screen::Attach);
    let offer = j.wizard.attach_offer().unwrap();
    assert_eq!((offer.workspace_name.as_str(), offer.then.clone()), ("production", vec!["staging".to_string()]));

    j.type_text("production");
    let t = super::request_ticket(&j.press(KeyInput::Enter));
    j.send(Msg::Attached(t, Ok("attached to production".into())));
    assert_eq!(j.wizard.screen(), Screen::Attach, "staging is offered next");
    let offer = j.wizard.attach_offer().unwrap();
    assert_eq!(offer.workspace_name, "staging");
    assert!(offer.then.is_empty());
    assert_eq!(j.wizard.attach_screen().typed().value(), "", "a fresh field for the next name");
    j.type_text("production");
    assert!(j.press(KeyInput::Enter).is_empty(), "the other workspace's name does not confirm this one");
    j.press(KeyInput::Esc);
    assert_eq!(j.wizard.screen(), Screen::Summary);
    let results: Vec<(&str, &AttachOutcome)> =
        j.wizard.attach_results().iter().map(|r| (r.workspace_name.as_str(), &r.outcome)).collect();
    assert_eq!(
        results,
        [
            ("production", &AttachOutcome::Attached("attached to production".into())),
            ("staging", &AttachOutcome::Skipped)
        ]
    );
    assert_eq!(
        j.wizard.summary_command().unwrap(),
        format!(
            "cmek setup --non-interactive --provider aws --workspace wrkspc_01SbxProduction7Kq2Vd --workspace \
             wrkspc_01SbxStaging4Rm8Tx --key {KEY_ARN} --confirm-attach wrkspc_01SbxProduction7Kq2Vd"
        )
    );
    assert!(j.wizard.attach_later_command().unwrap().ends_with("--confirm-attach wrkspc_01SbxStaging4Rm8Tx"));
    let fields = j.wizard.result_fields();
    let workspaces: Vec<&str> = fields.iter().filter(|f| f.label == "workspace").map(|f| f.value.as_str()).collect();
    assert_eq!(workspaces.len(), 2, "{workspaces:?}");
    assert!(workspaces[1].contains("staging") && workspaces[1].contains("skipped"), "{workspaces:?}");
}

#[test]
fn a_workspace_with_a_key_cannot_be_marked() {
    let mut j = Journey::start(Prefill::default());
    j.overview(true, true);
    j.choose_aws();
    // Rows: create, production, staging (has a key), development, register-only.
    j.press_all(&[KeyInput::Home, KeyInput::Down, KeyInput::Down, KeyInput::Char(' ')]);
    assert_eq!(j.wizard.workspace_screen().marked_count(), 0);
    assert!(j.wizard.notice().unwrap().text.contains("already has a key"));
}
