//! Step 1, Welcome: what the wizard does and what is permanent, the organisation, the cloud
//! credentials found, and the choice of provider (every cloud this build sets up; the others are
//! listed as not supported yet).

use crate::clouds;
use crate::error::Error;
use crate::model::ProviderKind;
use crate::wizard::cloud::CloudState;
use crate::wizard::overview::Overview;

use super::load::{Load, Work};
use super::msg::{Intent, KeyInput};
use super::screen::Screen;
use super::{Notice, Wizard};

/// Whether a provider can be chosen right now, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderStatus {
    /// The organisation is still being looked up.
    Waiting,
    /// The organisation could not be looked up, so neither was the cloud (it is looked up again
    /// with it).
    NotLookedUp,
    Ready,
    /// The cloud's credentials are not usable; the text says why.
    NeedsCredentials(String),
    NotSupported(String),
}

#[derive(Debug, Clone)]
pub struct WelcomeState {
    overview: Load<Overview>,
    highlighted: ProviderKind,
    /// What became of the provider the answers named, when it could not be selected.
    note: Option<String>,
}

impl WelcomeState {
    pub(super) fn new(prefilled: Option<&str>) -> Self {
        let default = clouds::default_kind();
        let (highlighted, note) = match prefilled.map(|p| p.parse::<ProviderKind>()) {
            None => (default, None),
            Some(Ok(kind)) if clouds::get(kind).is_some() => (kind, None),
            Some(Ok(other)) => (
                default,
                Some(format!(
                    "The answers ask for {}, which this version of cmek cannot set up yet; {} is selected instead.",
                    other.display_name(),
                    default.display_name()
                )),
            ),
            Some(Err(e)) => (default, Some(format!("{e}; {} is selected instead.", default.display_name()))),
        };
        Self { overview: Load::Idle, highlighted, note }
    }

    pub fn overview(&self) -> &Load<Overview> {
        &self.overview
    }

    /// For adding a workspace this run created to the list.
    pub(super) fn overview_mut(&mut self) -> &mut Load<Overview> {
        &mut self.overview
    }

    pub fn highlighted(&self) -> ProviderKind {
        self.highlighted
    }

    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }

    /// The providers in the order they are listed.
    pub fn providers(&self) -> [ProviderKind; 3] {
        ProviderKind::ALL
    }

    pub fn provider_status(&self, kind: ProviderKind) -> ProviderStatus {
        if clouds::get(kind).is_none() {
            return ProviderStatus::NotSupported(NOT_SUPPORTED.into());
        }
        let overview = match &self.overview {
            Load::Ready(overview) => overview,
            Load::Failed(_) => return ProviderStatus::NotLookedUp,
            _ => return ProviderStatus::Waiting,
        };
        match overview.state(kind) {
            Some(CloudState::Ready(_)) => ProviderStatus::Ready,
            Some(CloudState::Unusable(why)) => ProviderStatus::NeedsCredentials(why.clone()),
            None => ProviderStatus::NotSupported(NOT_SUPPORTED.into()),
        }
    }
}

/// What Welcome says of a cloud this build does not set up.
const NOT_SUPPORTED: &str = "not supported by this version of cmek yet";

impl Wizard {
    pub(super) fn load_overview(&mut self, out: &mut Vec<Intent>) {
        let ticket = self.start(Work::Overview, out);
        self.welcome.overview = Load::Loading;
        out.push(Intent::LoadOverview(ticket));
    }

    pub(super) fn on_overview(&mut self, result: Result<Overview, Error>) {
        match result {
            Ok(overview) => {
                if !self.prefill.also_workspaces.is_empty() {
                    let mut all: Vec<String> = self.prefill.workspace.take().into_iter().collect();
                    all.append(&mut self.prefill.also_workspaces);
                    self.workspaces.apply_prefill_marks(&all, &overview);
                }
                self.workspaces.apply_prefill(&mut self.prefill.workspace, &overview);
                for screen in &mut self.key_screens {
                    screen.on_overview(overview.cloud(screen.provider()));
                }
                self.welcome.overview = Load::Ready(overview);
            }
            Err(e) => self.welcome.overview = Load::Failed(e),
        }
    }

    pub(super) fn welcome_key(&mut self, key: KeyInput, out: &mut Vec<Intent>) {
        let providers = ProviderKind::ALL;
        let at = providers.iter().position(|p| *p == self.welcome.highlighted).unwrap_or(0);
        match key {
            KeyInput::Up => self.welcome.highlighted = providers[at.saturating_sub(1)],
            KeyInput::Down => self.welcome.highlighted = providers[(at + 1).min(providers.len() - 1)],
            KeyInput::Char('r') if !self.welcome.overview.is_loading() => self.load_overview(out),
            KeyInput::Enter | KeyInput::Right => self.choose_provider(out),
            KeyInput::Esc | KeyInput::Left => {
                self.notice = Some(Notice::info("This is the first step: q quits."));
            }
            _ => {}
        }
    }

    fn choose_provider(&mut self, out: &mut Vec<Intent>) {
        match &self.welcome.overview {
            Load::Idle | Load::Loading => {
                self.notice = Some(Notice::info("Still looking up the organisation; one moment."));
                return;
            }
            Load::Failed(_) => return self.load_overview(out),
            Load::Ready(_) => {}
        }
        match self.welcome.provider_status(self.welcome.highlighted) {
            ProviderStatus::Ready => {
                self.provider = self.welcome.highlighted;
                self.enter_workspace_screen();
            }
            ProviderStatus::NeedsCredentials(_) => {
                if let Some(cloud) = clouds::get(self.welcome.highlighted) {
                    self.notice = Some(Notice::error(cloud.needs_credentials().1));
                }
            }
            ProviderStatus::NotSupported(why) => {
                let supported: Vec<&str> = clouds::all().iter().map(|c| c.kind().display_name()).collect();
                self.notice = Some(Notice::error(format!(
                    "{}: {why}. Choose {}.",
                    self.welcome.highlighted.display_name(),
                    supported.join(" or ")
                )));
            }
            ProviderStatus::Waiting | ProviderStatus::NotLookedUp => {}
        }
    }

    fn enter_workspace_screen(&mut self) {
        self.screen = Screen::Workspace;
        let count = self.welcome.overview.ready().map_or(0, |o| o.workspaces.len());
        self.workspaces.clamp(count);
    }
}
