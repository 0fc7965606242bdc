//! What the engine reports while it works, for the front ends to show (stderr lines now, the TUI later).

use serde::Serialize;

/// How one step of a plan ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum StepOutcome {
    /// Done now; `detail` names what was created or changed.
    Done { detail: String },
    /// Nothing to do: already right.
    Unchanged { reason: String },
    /// Not done: needs an explicit confirmation (or cannot be done at all); `how` says what to do.
    Gated { how: String },
    /// Not attempted because an earlier step stopped the run.
    Skipped,
    /// Tried and failed; the run stops here.
    Failed { error: String },
}

impl StepOutcome {
    pub fn label(&self) -> &'static str {
        match self {
            StepOutcome::Done { .. } => "done",
            StepOutcome::Unchanged { .. } => "unchanged",
            StepOutcome::Gated { .. } => "gated",
            StepOutcome::Skipped => "skipped",
            StepOutcome::Failed { .. } => "failed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Inspection of one source started (`platform`, `aws`).
    Inspecting {
        what: String,
    },
    StepStarted {
        index: usize,
        title: String,
    },
    StepFinished {
        index: usize,
        title: String,
        outcome: StepOutcome,
    },
    /// Step `index` is waiting before its next attempt (validation while an Azure role assignment
    /// propagates): `why` is the last refusal, `waited` of at most `budget` has passed, the next
    /// attempt (number `attempt + 1`) is in `next_in`. The front end can cancel the wait.
    Waiting {
        index: usize,
        /// What is taking effect, in the cloud's words (e.g. "role assignment").
        grant: &'static str,
        /// Why the wait, in the cloud's words.
        explain: &'static str,
        why: String,
        attempt: u32,
        waited: std::time::Duration,
        budget: std::time::Duration,
        next_in: std::time::Duration,
    },
    /// Something the user should know that is not a step's outcome: the run waits for another
    /// one, resumes one that died, or adopted what a concurrent run made. Also kept in the report.
    Notice {
        text: String,
    },
}

/// Receives events; the non-interactive runner prints them, the TUI turns them into messages.
pub trait EventSink: Send {
    fn emit(&mut self, event: Event);
}

/// A sink that drops everything (for callers that only want the final report).
pub struct Discard;

impl EventSink for Discard {
    fn emit(&mut self, _event: Event) {}
}
