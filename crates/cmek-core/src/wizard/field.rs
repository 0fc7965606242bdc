//! A one-line text field: the typed value (a `tui_input::Input`), and what validation says of it.
//!
//! Validation runs on every edit with the validator the owning screen passes in, so an error is
//! shown while the user types, not after they press Enter.

use tui_input::{Input, InputRequest};

use super::msg::KeyInput;

/// Longer values are refused keystroke by keystroke: nothing valid here is near this long, and a
/// pasted file must not grow the field without bound.
pub const MAX_FIELD_CHARS: usize = 512;

/// What validation says about the current value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldStatus {
    /// Nothing typed: the field shows its placeholder, and Enter says what is expected.
    Empty,
    Valid,
    /// Why the value is refused, naming it, and what would be accepted.
    Invalid(String),
}

#[derive(Debug, Clone, Default)]
pub struct TextField {
    input: Input,
    status: Option<FieldStatus>,
}

impl TextField {
    pub fn new(value: &str) -> Self {
        Self { input: Input::new(value.chars().take(MAX_FIELD_CHARS).collect()), status: None }
    }

    pub fn value(&self) -> &str {
        self.input.value()
    }

    /// The value without surrounding blanks, as parsers see it.
    pub fn trimmed(&self) -> &str {
        self.input.value().trim()
    }

    /// Cursor position in display columns, for the view to place the terminal cursor.
    pub fn visual_cursor(&self) -> usize {
        self.input.visual_cursor()
    }

    /// Where the visible window starts when the field is `width` columns wide.
    pub fn visual_scroll(&self, width: usize) -> usize {
        self.input.visual_scroll(width)
    }

    pub fn status(&self) -> &FieldStatus {
        self.status.as_ref().unwrap_or(&FieldStatus::Empty)
    }

    pub fn error(&self) -> Option<&str> {
        match self.status() {
            FieldStatus::Invalid(why) => Some(why),
            _ => None,
        }
    }

    pub fn is_valid(&self) -> bool {
        *self.status() == FieldStatus::Valid
    }

    /// Recomputes the status; `check` returns `Err(why)` for a non-empty value it refuses.
    pub fn validate(&mut self, check: impl Fn(&str) -> Result<(), String>) {
        let value = self.trimmed();
        self.status = Some(if value.is_empty() {
            FieldStatus::Empty
        } else {
            match check(value) {
                Ok(()) => FieldStatus::Valid,
                Err(why) => FieldStatus::Invalid(why),
            }
        });
    }

    /// Applies an editing key; returns false for keys that do not edit text (the screen handles those).
    pub fn edit(&mut self, key: KeyInput) -> bool {
        let request = match key {
            KeyInput::Char(c) if c.is_control() => return true,
            KeyInput::Char(_) if self.input.value().chars().count() >= MAX_FIELD_CHARS => return true,
            KeyInput::Char(c) => InputRequest::InsertChar(c),
            KeyInput::Backspace => InputRequest::DeletePrevChar,
            KeyInput::Delete => InputRequest::DeleteNextChar,
            KeyInput::Left => InputRequest::GoToPrevChar,
            KeyInput::Right => InputRequest::GoToNextChar,
            KeyInput::Home => InputRequest::GoToStart,
            KeyInput::End => InputRequest::GoToEnd,
            _ => return false,
        };
        self.input.handle(request);
        true
    }

    pub fn clear(&mut self) {
        self.input.reset();
        self.status = None;
    }
}
