//! Scrolling what a screen cannot show at once. The view reports what it drew (a [`Viewport`]);
//! PgUp/PgDn and the mouse wheel scroll every screen, and the arrows, Home and End scroll the
//! screens where they choose nothing (the plan's steps, apply, validate, attach, summary). Any
//! other key hands the view back to the focus (the highlighted row, the text cursor).

use super::Wizard;
use super::msg::KeyInput;
use super::review::PlanTab;
use super::screen::Screen;
use super::validate::Validation;

/// Lines a wheel notch moves.
const WHEEL_LINES: usize = 3;

/// What the view drew of the current screen's body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Viewport {
    /// The first line shown.
    pub offset: usize,
    /// How many lines were shown.
    pub rows: usize,
    /// How many lines there are.
    pub total: usize,
}

impl Viewport {
    /// The furthest the body can scroll: its last line at the bottom.
    pub fn max_offset(&self) -> usize {
        self.total.saturating_sub(self.rows)
    }

    /// True when some lines are not on screen.
    pub fn overflows(&self) -> bool {
        self.total > self.rows
    }
}

#[derive(Debug, Clone, Default)]
pub struct ScrollState {
    /// The first line the user scrolled to; `None` while the view follows the focus.
    requested: Option<usize>,
    /// What the view drew last.
    drawn: Viewport,
}

/// How a key moves the view, when it scrolls.
enum Move {
    Up(usize),
    Down(usize),
    Top,
    Bottom,
}

impl Wizard {
    /// The first line the user scrolled to, for the view; `None`: keep the focus in view.
    pub fn scroll(&self) -> Option<usize> {
        self.scroll.requested
    }

    /// What the view drew last of the current screen.
    pub fn viewport(&self) -> Viewport {
        self.scroll.drawn
    }

    /// The view reports what it drew; a scroll past the end is pulled back, so PgUp moves at once.
    pub(super) fn on_viewport(&mut self, drawn: Viewport) {
        self.scroll.drawn = drawn;
        if let Some(r) = self.scroll.requested {
            self.scroll.requested = Some(r.min(drawn.max_offset()));
        }
    }

    /// The view follows the focus again (a key acted on the screen).
    pub(super) fn reset_requested_scroll(&mut self) {
        self.scroll.requested = None;
    }

    /// A new screen (or tab) starts at its top, following the focus.
    pub(super) fn reset_scroll(&mut self) {
        self.scroll = ScrollState::default();
    }

    /// True where the arrows choose nothing and so scroll (Home and End too, unless typing).
    pub fn arrows_scroll(&self) -> bool {
        match self.screen {
            Screen::Plan => self.review.tab() == PlanTab::Steps || !self.plan_has_document(),
            Screen::Apply | Screen::Attach | Screen::Summary => true,
            Screen::Validate => !matches!(self.validation(), Some(Validation::Failed { .. })),
            Screen::Welcome | Screen::Workspace | Screen::Key | Screen::Checks => false,
        }
    }

    /// The plan's Policy tab scrolls its diff itself (the wizard counts its lines).
    fn scrolls_its_own_way(&self) -> bool {
        self.screen == Screen::Plan && self.review.tab() == PlanTab::Policy && self.plan_has_document()
    }

    fn plan_has_document(&self) -> bool {
        self.checks.plan().is_some_and(|p| p.document_name.is_some())
    }

    /// The keys that scroll here and what the help calls them.
    pub fn scroll_keys(&self) -> Option<(&'static str, &'static str)> {
        if self.scrolls_its_own_way() {
            return None;
        }
        Some(if self.arrows_scroll() && !self.is_typing() {
            ("↑↓ PgUp PgDn Home End, wheel", "scroll what does not fit on the screen")
        } else if self.arrows_scroll() {
            ("↑↓ PgUp PgDn, wheel", "scroll what does not fit on the screen")
        } else {
            ("PgUp PgDn, wheel", "scroll what does not fit on the screen")
        })
    }

    /// Scrolls for `key` when it is a scrolling key here; false leaves it to the screen.
    pub(super) fn scroll_key(&mut self, key: KeyInput) -> bool {
        if self.scrolls_its_own_way() {
            return false;
        }
        let arrows = self.arrows_scroll();
        let page = self.scroll.drawn.rows.saturating_sub(1).max(1);
        let movement = match key {
            KeyInput::WheelUp => Move::Up(WHEEL_LINES),
            KeyInput::WheelDown => Move::Down(WHEEL_LINES),
            KeyInput::PageUp => Move::Up(page),
            KeyInput::PageDown => Move::Down(page),
            KeyInput::Up if arrows => Move::Up(1),
            KeyInput::Down if arrows => Move::Down(1),
            KeyInput::Home if arrows && !self.is_typing() => Move::Top,
            KeyInput::End if arrows && !self.is_typing() => Move::Bottom,
            _ => return false,
        };
        let drawn = self.scroll.drawn;
        let from = self.scroll.requested.unwrap_or(drawn.offset);
        let to = match movement {
            Move::Up(n) => from.saturating_sub(n),
            Move::Down(n) => from.saturating_add(n),
            Move::Top => 0,
            Move::Bottom => drawn.max_offset(),
        };
        self.scroll.requested = Some(to.min(drawn.max_offset()));
        true
    }
}
