//! Step 1, Welcome: what the wizard does and what is permanent, the organisation, the cloud
//! credentials found, and the choice of provider (AWS or Azure; Google Cloud listed as not supported yet).

use crate::error::Error;
use crate::model::ProviderKind;
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
    Ready,
    /// AWS was found without usable credentials; the text says why.
    NeedsCredentials(String),
    NotSupported(String),
}

#[derive(Debug, Clone)]
pub struct WelcomeState {
    overview: Load<Overview>,
    highlighted: ProviderKind,
    /// What became of the provider the answers named, when it is not simply AWS.
    note: Option<String>,
}

impl WelcomeState {
    pub(super) fn new(prefilled: Option<&str>) -> Self {
        let (highlighted, note) = match prefilled.map(|p| (p, p.parse::<ProviderKind>())) {
            None | Some((_, Ok(ProviderKind::Aws))) => (ProviderKind::Aws, None),
            Some((_, Ok(ProviderKind::Azure))) => (ProviderKind::Azure, None),
            Some((_, Ok(other))) => (
                ProviderKind::Aws,
                Some(format!(
                    "The answers ask for {}, which this version of cmek cannot set up yet; AWS KMS is selected instead.",
                    other.display_name()
                )),
            ),
            Some((_, Err(e))) => (ProviderKind::Aws, Some(format!("{e}; AWS KMS is selected instead."))),
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
        let Load::Ready(overview) = &self.overview else {
            return match kind {
                ProviderKind::Aws | ProviderKind::Azure => ProviderStatus::Waiting,
                _ => ProviderStatus::NotSupported("not supported by this version of cmek yet".into()),
            };
        };
        match kind {
            ProviderKind::Aws => match &overview.aws_identity {
                Ok(_) => ProviderStatus::Ready,
                Err(why) => ProviderStatus::NeedsCredentials(why.clone()),
            },
            ProviderKind::Azure => match &overview.azure {
                Ok(_) => ProviderStatus::Ready,
                Err(why) => ProviderStatus::NeedsCredentials(why.clone()),
            },
            other => ProviderStatus::NotSupported(
                overview
                    .other_providers
                    .iter()
                    .find(|(k, _)| *k == other)
                    .map(|(_, why)| why.clone())
                    .unwrap_or_else(|| "not supported by this version of cmek yet".into()),
            ),
        }
    }
}

impl Wizard {
    pub(super) fn load_overview(&mut self, out: &mut Vec<Intent>) {
        let ticket = self.start(Work::Overview, out);
        self.welcome.overview = Load::Loading;
        out.push(Intent::LoadOverview(ticket));
    }

    pub(super) fn on_overview(&mut self, result: Result<Overview, Error>) {
        match result {
            Ok(overview) => {
                self.workspaces.apply_prefill(&mut self.prefill.workspace, &overview);
                if let Ok(azure) = &overview.azure {
                    self.azure_keys.apply_prefill(&azure.vaults);
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
            ProviderStatus::NeedsCredentials(_) if self.welcome.highlighted == ProviderKind::Azure => {
                self.notice = Some(Notice::error(
                    "Azure Key Vault needs an Azure sign-in that can see a vault (see above): e.g. az login, or \
                     AZURE_TENANT_ID/AZURE_CLIENT_ID/AZURE_CLIENT_SECRET, then press r to look again.",
                ));
            }
            ProviderStatus::NeedsCredentials(_) => {
                self.notice = Some(Notice::error(
                    "AWS KMS needs AWS credentials (see above): set them up (e.g. export AWS_PROFILE=..., or aws sso \
                     login), then press r to look again.",
                ));
            }
            ProviderStatus::NotSupported(why) => {
                self.notice = Some(Notice::error(format!(
                    "{}: {why}. Choose AWS KMS or Azure Key Vault.",
                    self.welcome.highlighted.display_name()
                )));
            }
            ProviderStatus::Waiting => {}
        }
    }

    fn enter_workspace_screen(&mut self) {
        self.screen = Screen::Workspace;
        let count = self.welcome.overview.ready().map_or(0, |o| o.workspaces.len());
        self.workspaces.clamp(count);
    }
}
