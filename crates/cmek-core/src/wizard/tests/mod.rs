//! The state machine's tests: every transition forward and back, stale results, errors and
//! retries, the attach gate, the summary, prefill, and a long pseudo-random walk.

mod apply_and_validate;
mod attach_and_summary;
mod azure;
mod checks_and_plan;
mod fuzz;
mod key_screen;
mod keys_and_overlays;
mod prefill;
mod welcome_and_workspace;

use super::{Intent, Ticket};

/// The ticket of the one request intent in `intents` (not `Cancel`, not `Exit`).
fn request_ticket(intents: &[Intent]) -> Ticket {
    let tickets: Vec<Ticket> = intents
        .iter()
        .filter_map(|i| match i {
            Intent::LoadOverview(t)
            | Intent::CreateWorkspace(t, _)
            | Intent::LoadCandidates(t, _, _)
            | Intent::BuildPlan(t, _)
            | Intent::Apply(t, _) => Some(*t),
            Intent::Attach { ticket, .. } => Some(*ticket),
            Intent::Cancel(_) | Intent::StopWaiting(_) | Intent::Exit { .. } => None,
        })
        .collect();
    assert_eq!(tickets.len(), 1, "expected exactly one request in {intents:?}");
    tickets[0]
}
