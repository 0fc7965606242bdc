//! The seam between the wizard's journey and one cloud: what the cloud showed on Welcome
//! ([`CloudOverview`]), its Key screen ([`KeyScreen`]), and the questions that screen asks the
//! cloud while it is open ([`CloudQuestion`] / [`CloudReply`]). Each cloud implements them in its
//! folder (`wizard/aws`, `wizard/azure`); the journey never names a cloud.

use dyn_clone::DynClone;

use crate::erased::{Erased, ErasedEq};
use crate::error::Error;
use crate::model::ProviderKind;
use crate::plan::CloudAnswers;

use super::Notice;
use super::hints::KeyHint;
use super::msg::KeyInput;

/// Who is signed in to a cloud and what that identity can reach, for the Welcome screen.
pub trait CloudOverview: ErasedEq + DynClone {
    /// One line after the cloud's label, e.g. "arn:aws:iam::1:user/a (account 1)".
    fn summary(&self) -> String;
}
crate::erased_trait!(CloudOverview, eq);

/// Whether a cloud can be set up from here, as the overview found it.
#[derive(Debug, Clone, PartialEq)]
pub enum CloudState {
    Ready(Box<dyn CloudOverview>),
    /// Its credentials are missing or cannot reach anything; why, with the next step.
    Unusable(String),
}

/// Something a Key screen asks its cloud (e.g. the keys an alias names).
pub trait CloudQuestion: ErasedEq + DynClone {}
crate::erased_trait!(CloudQuestion, eq);

/// The cloud's answer to a [`CloudQuestion`].
pub trait CloudReply: ErasedEq + DynClone {}
crate::erased_trait!(CloudReply, eq);

/// What a key press on the Key screen asks the wizard to do.
#[derive(Debug)]
pub enum KeyScreenAction {
    Notice(Notice),
    /// Back to the Workspace screen (whatever the screen was waiting for is dropped).
    Back,
    /// Ask the cloud (the answer comes back through `KeyScreen::on_reply`).
    Ask(Box<dyn CloudQuestion>),
    /// The key is chosen: inspect and plan with these answers.
    Chosen(Box<dyn CloudAnswers>),
}

/// One cloud's Key screen: where the key is (or will be created) in that cloud.
pub trait KeyScreen: Erased + DynClone {
    fn provider(&self) -> ProviderKind;

    /// The overview is known (again): apply what the answers named that needed it.
    fn on_overview(&mut self, _overview: Option<&dyn CloudOverview>) {}

    /// The screen is entered from the Workspace screen (a new choice of where the key is for).
    fn entered(&mut self) {}

    /// The screen comes up (entered, or come back to); it may ask its cloud something straight away.
    fn shown(&mut self) -> Option<Box<dyn CloudQuestion>>;

    fn on_key(&mut self, key: KeyInput, overview: Option<&dyn CloudOverview>) -> Vec<KeyScreenAction>;

    /// The cloud's answer to the screen's last question.
    fn on_reply(&mut self, reply: Result<Box<dyn CloudReply>, Error>);

    /// The question in flight was dropped (the person left the screen).
    fn question_dropped(&mut self) {}

    /// True while a text field takes the keys (`?` and `q` are then typed, not commands).
    fn is_typing(&self) -> bool;

    /// The footer's keys for the screen's exact state.
    fn hints(&self) -> Vec<KeyHint>;
}
crate::erased_trait!(KeyScreen);
