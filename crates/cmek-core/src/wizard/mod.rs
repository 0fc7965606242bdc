//! The interactive `setup` flow as a pure state machine: a [`Msg`] in, [`Intent`]s out.
//!
//! No tokio, no terminal, no clock, no I/O: the TUI runtime feeds terminal keys and engine
//! results in as messages and carries the intents out; the views only read the state through
//! the accessors here. Every request carries a [`Ticket`], and a result for any ticket but the
//! awaited one is dropped, so a stale answer never changes a screen.
//!
//! One file per step (welcome, workspace, key_choice, checks, review, apply, validate, attach,
//! summary), plus the keys every screen shares (keys), the footer hints, text fields and tickets.

mod apply;
mod attach;
pub mod aws;
pub mod azure;
mod checks;
pub mod cloud;
mod command;
mod field;
pub mod gcp;
mod hints;
mod key_screen;
mod keys;
mod load;
mod msg;
pub mod overview;
mod prefill;
mod read;
mod recap;
mod review;
mod screen;
mod scroll;
mod summary;
mod validate;
mod welcome;
mod workspace;

use std::time::Duration;

pub use apply::{ApplyState, PropagationWait, StepProgress};
pub use attach::{AttachOffer, AttachState};
pub use checks::{CheckCounts, ChecksRow, ChecksState, answers_for};
pub use cloud::{CloudOverview, CloudQuestion, CloudReply, CloudState, KeyScreen, KeyScreenAction};
pub use command::{Invocation, equivalent_command};
pub use field::{FieldStatus, MAX_FIELD_CHARS, TextField};
pub use hints::KeyHint;
pub use keys::{MIN_HEIGHT, MIN_WIDTH, QUIT_CODE};
pub use load::{Load, Work};
pub use msg::{Intent, KeyInput, Msg, Ticket};
pub use prefill::Prefill;
pub use recap::{Mood, ResultField};
pub use review::{
    FRAME_ROWS, POLICY_HEADER_ROWS, PlanTab, PolicyChange, ReviewState, change_count, policy_change, policy_rows,
};
pub use screen::{Overlay, Screen};
pub use scroll::Viewport;
pub use summary::{AttachOutcome, AttachResult};
pub use validate::Validation;
pub use welcome::{ProviderStatus, WelcomeState};
pub use workspace::{MAX_WORKSPACE_NAME, Target, WorkspaceRow, WorkspaceState, check_new_name};

use load::Tickets;

#[cfg(any(test, feature = "test-fixtures"))]
pub mod journey;
#[cfg(any(test, feature = "test-fixtures"))]
pub mod simulate;
#[cfg(any(test, feature = "test-fixtures"))]
pub mod test_data;
#[cfg(test)]
mod tests;

/// How a one-line message is meant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Info,
    Error,
}

/// A one-line message about the last key, shown until the next key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub tone: Tone,
    pub text: String,
}

impl Notice {
    pub fn info(text: impl Into<String>) -> Self {
        Self { tone: Tone::Info, text: text.into() }
    }
    pub fn error(text: impl Into<String>) -> Self {
        Self { tone: Tone::Error, text: text.into() }
    }
}

/// The whole wizard. Fields are private: views read them through the accessors.
#[derive(Debug, Clone)]
pub struct Wizard {
    screen: Screen,
    overlay: Option<Overlay>,
    /// The last terminal size the runtime reported (80x24 until told otherwise).
    size: (u16, u16),
    tickets: Tickets,
    spinner: usize,
    elapsed: Option<Duration>,
    /// Exit was asked for; nothing changes after that.
    finished: bool,
    /// Something was created or changed on the platform or in the cloud.
    changed: bool,
    notice: Option<Notice>,
    /// The answers' parts not yet applied (each is consumed where it applies).
    prefill: Prefill,
    display_name: Option<String>,
    welcome: WelcomeState,
    workspaces: WorkspaceState,
    /// The workspace this run created, if any.
    workspace_created_here: Option<String>,
    target: Option<Target>,
    /// The cloud chosen on the Welcome screen.
    provider: crate::model::ProviderKind,
    /// Each cloud's Key screen, in the registry's order (each keeps its state if the person
    /// switches clouds and comes back).
    key_screens: Vec<Box<dyn KeyScreen>>,
    checks: ChecksState,
    review: ReviewState,
    apply: ApplyState,
    attach: AttachState,
    /// What became of each target workspace's attach, in the plan's order.
    attach_results: Vec<summary::AttachResult>,
    /// The likely cause highlighted on a failed validation.
    validation_cause: usize,
    /// How far the user scrolled the current screen, and what the view drew.
    scroll: scroll::ScrollState,
}

impl Wizard {
    /// A wizard on its Welcome screen, already asking for the organisation overview.
    pub fn new(prefill: Prefill) -> (Wizard, Vec<Intent>) {
        let display_name = prefill.display_name.as_ref().map(|n| n.trim().to_string());
        let name_note = display_name.as_ref().and_then(|n| {
            let chars = n.chars().count();
            (chars == 0 || chars > 255).then(|| format!("The display name in the answers is {chars} characters; it must be 1 to 255, so the default is used."))
        });
        let mut wizard = Wizard {
            screen: Screen::Welcome,
            overlay: None,
            size: (MIN_WIDTH, MIN_HEIGHT),
            tickets: Tickets::default(),
            spinner: 0,
            elapsed: None,
            finished: false,
            changed: false,
            notice: name_note.map(Notice::error),
            display_name: display_name.filter(|n| (1..=255).contains(&n.chars().count())),
            welcome: WelcomeState::new(prefill.provider.as_deref()),
            workspaces: WorkspaceState::default(),
            workspace_created_here: None,
            target: None,
            provider: crate::clouds::default_kind(),
            key_screens: crate::clouds::all().iter().map(|c| c.key_screen(&prefill)).collect(),
            checks: ChecksState::default(),
            review: ReviewState::default(),
            apply: ApplyState::default(),
            attach: AttachState::default(),
            attach_results: Vec::new(),
            validation_cause: 0,
            scroll: scroll::ScrollState::default(),
            prefill,
        };
        let mut out = Vec::new();
        wizard.load_overview(&mut out);
        (wizard, out)
    }

    /// Takes one message; returns the work to do because of it.
    pub fn update(&mut self, msg: Msg) -> Vec<Intent> {
        let mut out = Vec::new();
        if self.finished {
            return out;
        }
        let before = self.screen;
        match msg {
            Msg::Key(key) => self.on_key(key, &mut out),
            Msg::Resize { width, height } => self.size = (width, height),
            Msg::Viewport(drawn) => self.on_viewport(drawn),
            Msg::Tick => {
                if self.tickets.in_flight().is_some() {
                    self.spinner = self.spinner.wrapping_add(1);
                }
            }
            Msg::OverviewLoaded(t, result) => {
                if self.tickets.finish(t, Work::Overview) {
                    self.on_overview(result);
                }
            }
            Msg::WorkspaceCreated(t, result) => {
                if self.tickets.finish(t, Work::CreateWorkspace) {
                    if let Ok(ws) = &result {
                        self.workspace_created_here = Some(ws.id.clone());
                    }
                    self.on_workspace_created(result);
                }
            }
            Msg::Answered(t, result) => {
                if self.tickets.finish(t, Work::Ask) {
                    self.on_reply(result);
                }
            }
            Msg::PlanReady(t, result) => {
                if self.tickets.finish(t, Work::Plan) {
                    self.on_plan(result);
                }
            }
            Msg::Engine(t, event) => {
                if self.tickets.is_current(t, Work::Apply) {
                    self.on_engine(event);
                }
            }
            Msg::Elapsed(t, elapsed) => {
                if self.tickets.current() == Some(t) {
                    self.elapsed = Some(elapsed);
                }
            }
            Msg::Applied(t, report) => {
                if self.tickets.finish(t, Work::Apply) {
                    self.on_applied(report);
                }
            }
            Msg::Attached(t, result) => {
                if self.tickets.finish(t, Work::Attach) {
                    self.on_attached(result);
                }
            }
        }
        if self.screen != before {
            self.reset_scroll();
        }
        if self.screen == Screen::Key && before != Screen::Key && !self.finished {
            self.key_screen_shown(&mut out);
        }
        // The plan or the terminal may have changed under the policy view.
        self.clamp_policy_scroll();
        out
    }

    /// Starts `work`: a fresh ticket, the spinner and elapsed time reset.
    fn start(&mut self, work: Work, out: &mut Vec<Intent>) -> Ticket {
        self.spinner = 0;
        self.elapsed = None;
        self.tickets.begin(work, out)
    }
}
