//! The wizard's steps, in order, and the overlays that can cover any of them.

/// One step of the wizard; the order of the variants is the order of the flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Screen {
    Welcome,
    Workspace,
    Key,
    Checks,
    Plan,
    Apply,
    Validate,
    Attach,
    Summary,
}

impl Screen {
    pub const ALL: [Screen; 9] = [
        Screen::Welcome,
        Screen::Workspace,
        Screen::Key,
        Screen::Checks,
        Screen::Plan,
        Screen::Apply,
        Screen::Validate,
        Screen::Attach,
        Screen::Summary,
    ];

    /// 1-based position in the flow.
    pub fn number(self) -> usize {
        Self::ALL.iter().position(|s| *s == self).map_or(1, |i| i + 1)
    }

    pub fn title(self) -> &'static str {
        match self {
            Screen::Welcome => "Welcome",
            Screen::Workspace => "Workspace",
            Screen::Key => "Key",
            Screen::Checks => "Checks",
            Screen::Plan => "Plan",
            Screen::Apply => "Apply",
            Screen::Validate => "Validate",
            Screen::Attach => "Attach",
            Screen::Summary => "Summary",
        }
    }

    /// Where the user is, e.g. "Step 3 of 9: Key".
    pub fn indicator(self) -> String {
        format!("Step {} of {}: {}", self.number(), Self::ALL.len(), self.title())
    }
}

/// Something drawn over the current screen that takes the keys until it is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Overlay {
    /// What the current screen does and what every key does there.
    Help,
    /// "Quit? y/n", asked when work is in flight or something was changed.
    ConfirmQuit,
    /// "Apply these N changes? y/n", asked before the first change is made.
    ConfirmApply,
}
