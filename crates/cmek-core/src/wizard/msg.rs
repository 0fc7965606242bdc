//! The wizard's vocabulary: the messages it receives and the intents it hands to the runtime.
//!
//! Plain data only: the runtime turns terminal events and engine results into [`Msg`]s and carries
//! out [`Intent`]s; nothing here performs any I/O.

use std::time::Duration;

use crate::error::Error;
use crate::model::ProviderKind;
use crate::plan::{Plan, SetupAnswers, SetupFacts};
use crate::run::RunReport;
use crate::run::events::Event;
use crate::wizard::cloud::{CloudQuestion, CloudReply};
use crate::wizard::overview::{Overview, WorkspaceSummary};

/// Names one request. A result whose ticket is not the one the wizard waits for (the user went
/// back, or asked again) is dropped: stale results never change a screen.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub struct Ticket(pub u64);

/// Everything that can happen to the wizard.
// A plan or a report is large next to a key press, but each message is built once and moved once
// through the runtime's channel; boxing them would only make the contract harder to use.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Msg {
    /// A key the user pressed, already translated from the terminal's event.
    Key(KeyInput),
    Resize {
        width: u16,
        height: u16,
    },
    /// What the view drew of the screen's body (after every draw that changed it).
    Viewport(crate::wizard::Viewport),
    /// About ten times a second while something runs: advances the spinner.
    Tick,
    OverviewLoaded(Ticket, Result<Overview, Error>),
    WorkspaceCreated(Ticket, Result<WorkspaceSummary, Error>),
    /// The cloud's answer to the Key screen's question.
    Answered(Ticket, Result<Box<dyn CloudReply>, Error>),
    /// Facts gathered and the plan built (its checks inside).
    PlanReady(Ticket, Result<(SetupFacts, Plan), Error>),
    /// Apply progress (`StepStarted` / `StepFinished`).
    Engine(Ticket, Event),
    /// Time since the running work started (the wizard holds no clock).
    Elapsed(Ticket, Duration),
    /// Apply finished, up to and including validation.
    Applied(Ticket, RunReport),
    /// Attach finished; `Ok` carries the report sentence.
    Attached(Ticket, Result<String, Error>),
}

/// Abstract keys: what the wizard reacts to, independent of the terminal library.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyInput {
    Up,
    Down,
    Left,
    Right,
    Tab,
    BackTab,
    Enter,
    Esc,
    Backspace,
    Delete,
    Home,
    End,
    PageUp,
    PageDown,
    /// A notch of the mouse wheel.
    WheelUp,
    WheelDown,
    Char(char),
    CtrlC,
}

/// Work the wizard asks the runtime to do; every result comes back as a [`Msg`] with the ticket.
#[derive(Debug, Clone, PartialEq)]
pub enum Intent {
    LoadOverview(Ticket),
    /// The name was validated by the wizard: 1 to 40 characters, not taken by an active workspace.
    CreateWorkspace(Ticket, String),
    /// The Key screen asks its cloud something (e.g. the keys an alias names).
    Ask(Ticket, ProviderKind, Box<dyn CloudQuestion>),
    /// `confirm_attach` is always `None`: attaching is its own, separately confirmed step.
    BuildPlan(Ticket, Box<SetupAnswers>),
    /// Runs every step up to and including validation; the attach step stays gated.
    Apply(Ticket, Box<(SetupFacts, Plan)>),
    /// Sent only after the user typed the workspace's exact name on the Attach screen.
    Attach {
        ticket: Ticket,
        external_key_id: String,
        workspace_id: String,
        workspace_name: String,
    },
    /// The user left a screen with work in flight; stop it if possible (its result is dropped anyway).
    Cancel(Ticket),
    /// Stop the apply run's wait for a role assignment to propagate; the run then ends and
    /// reports (its result is still awaited).
    StopWaiting(Ticket),
    /// Leave the wizard: 0 done and healthy, 1 not healthy, 130 quit by the user.
    Exit {
        code: i32,
    },
}
