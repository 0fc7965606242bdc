//! All user-facing printing: text or JSON on stdout, progress and errors on stderr, colour only
//! when stdout is a terminal and neither `--no-color` nor `NO_COLOR` says otherwise.
//!
//! Nothing here knows about clouds or the platform; commands hand it finished text or values.
//! Every line is cleaned on its way out: a character a terminal would act on (an escape sequence
//! from a workspace name, a Sid, an error message, a typed value) is written out visibly, so only
//! this module's own colours reach the terminal. JSON keeps the exact values.

use std::io::{IsTerminal, Write};

use anstyle::{AnsiColor, Style};

use crate::error::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

/// The styles commands may use; they map to colours only when colour is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Good,
    Warn,
    Bad,
    Added,
    Removed,
    Dim,
    Strong,
}

impl Tone {
    const ALL: [Tone; 7] = [Tone::Good, Tone::Warn, Tone::Bad, Tone::Added, Tone::Removed, Tone::Dim, Tone::Strong];

    fn style(self) -> Style {
        match self {
            Tone::Good => Style::new().fg_color(Some(AnsiColor::Green.into())),
            Tone::Warn => Style::new().fg_color(Some(AnsiColor::Yellow.into())),
            Tone::Bad => Style::new().fg_color(Some(AnsiColor::Red.into())).bold(),
            Tone::Added => Style::new().fg_color(Some(AnsiColor::Green.into())),
            Tone::Removed => Style::new().fg_color(Some(AnsiColor::Red.into())),
            Tone::Dim => Style::new().dimmed(),
            Tone::Strong => Style::new().bold(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Output {
    pub format: Format,
    pub color: bool,
    pub verbose: u8,
}

impl Output {
    /// `no_color_env` is whether `NO_COLOR` is set to a non-empty value.
    pub fn new(format: Format, no_color_flag: bool, no_color_env: bool, verbose: u8) -> Self {
        let color = format == Format::Text && !no_color_flag && !no_color_env && std::io::stdout().is_terminal();
        Self { format, color, verbose }
    }

    pub fn is_json(&self) -> bool {
        self.format == Format::Json
    }

    /// Wraps `text` in the tone's colour when colour is on.
    pub fn paint(&self, tone: Tone, text: &str) -> String {
        if self.color {
            let style = tone.style();
            format!("{style}{text}{style:#}")
        } else {
            text.to_string()
        }
    }

    /// A line of progress on stderr (kept off stdout so JSON and pipes stay clean).
    pub fn progress(&self, line: &str) {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{}", for_terminal(line));
    }

    /// Text for stdout (text mode only; JSON mode prints one document at the end).
    pub fn text(&self, text: &str) {
        if self.format == Format::Text {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{}", for_terminal(text));
        }
    }

    pub fn json(&self, value: &serde_json::Value) {
        let mut out = std::io::stdout().lock();
        let rendered = serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
        let _ = writeln!(out, "{rendered}");
    }

    /// Reports a failed command: text on stderr, or a `cmek.error/v1` document on stdout.
    pub fn error(&self, err: &Error) {
        match self.format {
            Format::Json => self.json(&serde_json::json!({
                "schema": "cmek.error/v1",
                "error": err,
                "exit_code": err.exit_code(),
            })),
            Format::Text => {
                let mut e = std::io::stderr().lock();
                let _ = writeln!(e, "{} {}", self.paint_err(Tone::Bad, "error:"), for_terminal(&err.message));
                for h in &err.hints {
                    let _ = writeln!(e, "  {} {}", self.paint_err(Tone::Dim, "hint:"), for_terminal(h));
                }
            }
        }
    }

    fn paint_err(&self, tone: Tone, text: &str) -> String {
        if self.color && std::io::stderr().is_terminal() { self.paint(tone, text) } else { text.to_string() }
    }
}

/// `text` as it may reach a terminal: this module's own colour sequences and line breaks kept,
/// every other character a terminal acts on written out (`\u{1b}`, `\r`).
fn for_terminal(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && cmek_core::text::is_unsafe(c)) {
        return std::borrow::Cow::Borrowed(text);
    }
    let ours: Vec<String> =
        Tone::ALL.iter().flat_map(|t| [format!("{}", t.style()), format!("{:#}", t.style())]).collect();
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '\u{1b}'
            && let Some(seq) = ours.iter().find(|s| !s.is_empty() && rest.starts_with(s.as_str()))
        {
            out.push_str(seq);
            rest = &rest[seq.len()..];
            continue;
        }
        if c != '\n' && cmek_core::text::is_unsafe(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod terminal_tests {
    use super::*;

    #[test]
    fn only_our_own_colours_reach_the_terminal() {
        let bad = Tone::Bad.style();
        let ours = format!("{bad}error:{bad:#} workspace prod\u{1b}]0;pwned\u{7}\u{1b}[2J\r\nnext");
        let shown = for_terminal(&ours);
        assert!(shown.starts_with(&format!("{bad}error:{bad:#}")), "{shown:?}");
        assert!(shown.contains("prod\\u{1b}]0;pwned\\u{7}\\u{1b}[2J\\r\nnext"), "{shown:?}");
        assert_eq!(for_terminal("plain\ntext"), "plain\ntext");
    }
}
