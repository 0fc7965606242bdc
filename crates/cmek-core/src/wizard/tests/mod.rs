//! The state machine's tests: every transition forward and back, stale results, errors and
//! retries, the attach gate, the summary, prefill, and a long pseudo-random walk.

mod apply_and_validate;
mod attach_and_summary;
mod checks_and_plan;
mod fuzz;
mod keys_and_overlays;
mod prefill;
mod welcome_and_workspace;

use super::aws::AwsKeyScreen;
use super::{Intent, Ticket, Wizard};
use crate::plan::SetupAnswers;
use crate::plan::aws::AwsAnswers;

/// The wizard's AWS Key screen.
fn aws_screen(w: &Wizard) -> &AwsKeyScreen {
    w.key_screen().and_then(|k| k.downcast_ref::<AwsKeyScreen>()).expect("the AWS Key screen")
}

/// The AWS part of answers.
fn aws(a: &SetupAnswers) -> &AwsAnswers {
    a.cloud.downcast_ref::<AwsAnswers>().expect("AWS answers")
}

/// The ticket of the one request intent in `intents` (not `Cancel`, not `Exit`).
fn request_ticket(intents: &[Intent]) -> Ticket {
    let tickets: Vec<Ticket> = intents
        .iter()
        .filter_map(|i| match i {
            Intent::LoadOverview(t)
            | Intent::CreateWorkspace(t, _)
            | Intent::Ask(t, _, _)
            | Intent::BuildPlan(t, _)
            | Intent::Apply(t, _) => Some(*t),
            Intent::Attach { ticket, .. } => Some(*ticket),
            Intent::Cancel(_) | Intent::StopWaiting(_) | Intent::Exit { .. } => None,
        })
        .collect();
    assert_eq!(tickets.len(), 1, "expected exactly one request in {intents:?}");
    tickets[0]
}
