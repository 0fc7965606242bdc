//! Every colour and emphasis the wizard's views use, in one place, with a `no_color()` variant
//! for NO_COLOR / `--no-color` that keeps meaning through bold, dim, underline and reverse only.

use ratatui::style::{Color, Modifier, Style};

/// Styles by meaning; views never name a colour themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub text: Style,
    /// Secondary text: ids, explanations, placeholders.
    pub dim: Style,
    pub strong: Style,
    /// The header and the current step.
    pub accent: Style,
    /// The highlighted row of a list.
    pub selected: Style,
    pub good: Style,
    pub warn: Style,
    pub bad: Style,
    /// Policy lines the plan adds / removes.
    pub added: Style,
    pub removed: Style,
    /// Key names in the footer.
    pub key: Style,
    /// A text field, and a text field taking the keys.
    pub field: Style,
    pub field_focused: Style,
    /// Anything that cannot be undone.
    pub permanent: Style,
}

impl Default for Theme {
    fn default() -> Self {
        let base = Style::default();
        Self {
            text: base,
            dim: base.fg(Color::DarkGray),
            strong: base.add_modifier(Modifier::BOLD),
            accent: base.fg(Color::Cyan).add_modifier(Modifier::BOLD),
            selected: base.bg(Color::Blue).fg(Color::White).add_modifier(Modifier::BOLD),
            good: base.fg(Color::Green),
            warn: base.fg(Color::Yellow),
            bad: base.fg(Color::Red).add_modifier(Modifier::BOLD),
            added: base.fg(Color::Green),
            removed: base.fg(Color::Red),
            key: base.fg(Color::Cyan).add_modifier(Modifier::BOLD),
            field: base.add_modifier(Modifier::UNDERLINED),
            field_focused: base.fg(Color::White).bg(Color::DarkGray).add_modifier(Modifier::UNDERLINED),
            permanent: base.fg(Color::Magenta).add_modifier(Modifier::BOLD),
        }
    }
}

impl Theme {
    /// No colour at all (NO_COLOR): emphasis only.
    pub fn no_color() -> Self {
        let base = Style::default();
        let bold = base.add_modifier(Modifier::BOLD);
        Self {
            text: base,
            dim: base.add_modifier(Modifier::DIM),
            strong: bold,
            accent: bold,
            selected: base.add_modifier(Modifier::REVERSED),
            good: base,
            warn: bold,
            bad: bold,
            added: base,
            removed: base,
            key: bold,
            field: base.add_modifier(Modifier::UNDERLINED),
            field_focused: base.add_modifier(Modifier::UNDERLINED | Modifier::REVERSED),
            permanent: bold,
        }
    }

    /// The theme for a terminal: no colour when `no_color` (the flag or NO_COLOR) says so.
    pub fn for_terminal(no_color: bool) -> Self {
        if no_color { Self::no_color() } else { Self::default() }
    }
}
