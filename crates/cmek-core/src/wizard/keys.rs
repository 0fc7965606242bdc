//! Keys that mean the same on every screen: Ctrl-C and `q` (quit, asking first when something
//! runs or was changed), `?` (help), the overlays' y/n, and the "terminal too small" guard.
//! Everything else goes to the current screen.

use super::Wizard;
use super::load::Work;
use super::msg::{Intent, KeyInput};
use super::screen::{Overlay, Screen};

/// The smallest terminal the wizard lays itself out in.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// Exit code for "quit by the user".
pub const QUIT_CODE: i32 = 130;

impl Wizard {
    pub(super) fn on_key(&mut self, key: KeyInput, out: &mut Vec<Intent>) {
        self.notice = None;
        if key == KeyInput::CtrlC {
            return match self.overlay {
                Some(Overlay::ConfirmQuit) => self.exit(QUIT_CODE, out),
                _ => self.request_quit(out),
            };
        }
        match self.overlay {
            Some(Overlay::Help) => return self.help_key(key, out),
            Some(Overlay::ConfirmQuit) => return self.confirm_quit_key(key, out),
            Some(Overlay::ConfirmApply) => return self.confirm_apply_key(key, out),
            None => {}
        }
        if self.is_too_small() {
            if key == KeyInput::Char('q') {
                self.request_quit(out);
            }
            return;
        }
        if !self.is_typing() {
            match key {
                KeyInput::Char('?') => {
                    self.overlay = Some(Overlay::Help);
                    return;
                }
                KeyInput::Char('q') => return self.request_quit(out),
                _ => {}
            }
        }
        if self.scroll_key(key) {
            return;
        }
        // Any other key acts on the screen: the view follows its focus again.
        self.reset_requested_scroll();
        match self.screen {
            Screen::Welcome => self.welcome_key(key, out),
            Screen::Workspace => self.workspace_key(key, out),
            Screen::Key => self.key_screen_key(key, out),
            Screen::Checks => self.checks_key(key, out),
            Screen::Plan => self.review_key(key, out),
            Screen::Apply => self.apply_key(key, out),
            Screen::Validate => self.validate_key(key, out),
            Screen::Attach => self.attach_key(key, out),
            Screen::Summary => self.summary_key(key, out),
        }
    }

    fn help_key(&mut self, key: KeyInput, out: &mut Vec<Intent>) {
        match key {
            KeyInput::Char('?') | KeyInput::Esc | KeyInput::Enter => self.overlay = None,
            KeyInput::Char('q') => {
                self.overlay = None;
                self.request_quit(out);
            }
            _ => {}
        }
    }

    fn confirm_quit_key(&mut self, key: KeyInput, out: &mut Vec<Intent>) {
        match key {
            KeyInput::Char('y' | 'Y') => self.exit(QUIT_CODE, out),
            KeyInput::Char('n' | 'N') | KeyInput::Esc => self.overlay = None,
            _ => {}
        }
    }

    fn confirm_apply_key(&mut self, key: KeyInput, out: &mut Vec<Intent>) {
        match key {
            KeyInput::Char('y' | 'Y') => self.start_apply(out),
            KeyInput::Char('n' | 'N') | KeyInput::Esc => self.overlay = None,
            _ => {}
        }
    }

    /// Quits at once when nothing is at stake; otherwise asks first.
    pub(super) fn request_quit(&mut self, out: &mut Vec<Intent>) {
        if self.screen == Screen::Summary {
            return self.exit(self.summary_exit_code(), out);
        }
        if self.tickets.in_flight().is_some() || self.changed {
            self.overlay = Some(Overlay::ConfirmQuit);
        } else {
            self.exit(QUIT_CODE, out);
        }
    }

    pub(super) fn exit(&mut self, code: i32, out: &mut Vec<Intent>) {
        self.tickets.cancel(out);
        self.overlay = None;
        self.finished = true;
        out.push(Intent::Exit { code });
    }

    /// True while a text field takes the keys: `?` and `q` are then typed, not commands.
    pub fn is_typing(&self) -> bool {
        match self.screen {
            Screen::Workspace => self.workspaces.is_editing_name(),
            Screen::Key => self.key_screen().is_some_and(|k| k.is_typing()),
            Screen::Attach => self.tickets.in_flight() != Some(Work::Attach),
            Screen::Plan => self.review.is_confirming(),
            _ => false,
        }
    }

    /// True when the last known terminal size is below 80x24.
    pub fn is_too_small(&self) -> bool {
        self.size.0 < MIN_WIDTH || self.size.1 < MIN_HEIGHT
    }
}
