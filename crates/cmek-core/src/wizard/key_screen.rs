//! Step 3, Key: the chosen cloud's own screen (`wizard/<cloud>`), reached through `KeyScreen`.
//! The journey around it is shared: entering it, its questions to the cloud (with a ticket, like
//! any other work), going back, and planning once a key is chosen.

use crate::error::Error;

use super::Wizard;
use super::cloud::{CloudOverview, CloudReply, KeyScreen, KeyScreenAction};
use super::load::Work;
use super::msg::{Intent, KeyInput};
use super::screen::Screen;
use super::workspace::Target;

impl Wizard {
    /// The chosen cloud's Key screen.
    pub fn key_screen(&self) -> Option<&dyn KeyScreen> {
        self.key_screens.iter().find(|s| s.provider() == self.provider).map(|s| &**s)
    }

    fn key_screen_mut(&mut self) -> Option<&mut Box<dyn KeyScreen>> {
        let provider = self.provider;
        self.key_screens.iter_mut().find(|s| s.provider() == provider)
    }

    /// What the chosen cloud's credentials found (its vaults, ...), once the overview is known.
    pub fn cloud_overview(&self) -> Option<&dyn CloudOverview> {
        self.overview()?.cloud(self.provider)
    }

    pub(super) fn enter_key_screen(&mut self, target: Target) {
        self.target = Some(target);
        self.screen = Screen::Key;
        if let Some(screen) = self.key_screen_mut() {
            screen.entered();
        }
    }

    /// Called when the Key screen comes up: it may ask its cloud something (e.g. the keys its
    /// alias names) unless that is known.
    pub(super) fn key_screen_shown(&mut self, out: &mut Vec<Intent>) {
        let question = self.key_screen_mut().and_then(|s| s.shown());
        if let Some(q) = question {
            self.ask(q, out);
        }
    }

    pub(super) fn key_screen_key(&mut self, key: KeyInput, out: &mut Vec<Intent>) {
        let overview = self.cloud_overview().map(dyn_clone::clone_box);
        let Some(screen) = self.key_screen_mut() else { return };
        let actions = screen.on_key(key, overview.as_deref());
        for action in actions {
            match action {
                KeyScreenAction::Notice(n) => self.notice = Some(n),
                KeyScreenAction::Ask(q) => self.ask(q, out),
                KeyScreenAction::Back => {
                    if self.tickets.in_flight() == Some(Work::Ask)
                        && let Some(s) = self.key_screen_mut()
                    {
                        s.question_dropped();
                    }
                    self.tickets.cancel(out);
                    self.screen = Screen::Workspace;
                }
                KeyScreenAction::Chosen(cloud) => {
                    let target = self.target.clone().unwrap_or(Target::RegisterOnly);
                    self.checks.set_answers(super::answers_for(&target, cloud, self.display_name.clone()));
                    self.screen = Screen::Checks;
                    self.plan_again(out);
                }
            }
        }
    }

    fn ask(&mut self, question: Box<dyn super::cloud::CloudQuestion>, out: &mut Vec<Intent>) {
        let ticket = self.start(Work::Ask, out);
        out.push(Intent::Ask(ticket, self.provider, question));
    }

    pub(super) fn on_reply(&mut self, reply: Result<Box<dyn CloudReply>, Error>) {
        if let Some(screen) = self.key_screen_mut() {
            screen.on_reply(reply);
        }
    }
}
