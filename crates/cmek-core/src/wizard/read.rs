//! What the views (and the runtime) read: the wizard's state, one accessor at a time. Nothing
//! here changes anything.

use std::time::Duration;

use crate::wizard::overview::Overview;

use super::{
    ApplyState, AttachState, ChecksState, Notice, Overlay, ReviewState, Screen, Target, Ticket, WelcomeState, Wizard,
    Work, WorkspaceState,
};

impl Wizard {
    pub fn screen(&self) -> Screen {
        self.screen
    }

    pub fn overlay(&self) -> Option<Overlay> {
        self.overlay
    }

    /// The last terminal size reported, as (width, height).
    pub fn size(&self) -> (u16, u16) {
        self.size
    }

    /// True once `Exit` was returned: the runtime stops, and further messages change nothing.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// The work being waited for, if any.
    pub fn busy(&self) -> Option<Work> {
        self.tickets.in_flight()
    }

    /// The ticket of the work being waited for (for the runtime's `Elapsed` messages).
    pub fn awaited_ticket(&self) -> Option<Ticket> {
        self.tickets.current()
    }

    /// Advances with every `Tick` while something runs.
    pub fn spinner_frame(&self) -> usize {
        self.spinner
    }

    pub fn elapsed(&self) -> Option<Duration> {
        self.elapsed
    }

    /// True once anything was created or changed on the platform or in the cloud.
    pub fn has_changed_anything(&self) -> bool {
        self.changed
    }

    pub fn notice(&self) -> Option<&Notice> {
        self.notice.as_ref()
    }

    pub fn welcome(&self) -> &WelcomeState {
        &self.welcome
    }

    pub fn overview(&self) -> Option<&Overview> {
        self.welcome.overview().ready()
    }

    pub fn workspace_screen(&self) -> &WorkspaceState {
        &self.workspaces
    }

    /// What the key is for, once chosen on the Workspace screen.
    pub fn target(&self) -> Option<&Target> {
        self.target.as_ref()
    }

    /// The cloud chosen on the Welcome screen (the first cloud until one is chosen).
    pub fn provider(&self) -> crate::model::ProviderKind {
        self.provider
    }

    pub fn checks(&self) -> &ChecksState {
        &self.checks
    }

    pub fn review(&self) -> &ReviewState {
        &self.review
    }

    pub fn apply_progress(&self) -> &ApplyState {
        &self.apply
    }

    pub fn attach_screen(&self) -> &AttachState {
        &self.attach
    }
}
