//! All user-facing printing: text or JSON on stdout, progress and errors on stderr, colour only
//! when stdout is a terminal and neither `--no-color` nor `NO_COLOR` says otherwise.
//!
//! Nothing here knows about clouds or the platform; commands hand it finished text or values.

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
        let _ = writeln!(err, "{line}");
    }

    /// Text for stdout (text mode only; JSON mode prints one document at the end).
    pub fn text(&self, text: &str) {
        if self.format == Format::Text {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{text}");
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
                let _ = writeln!(e, "{} {}", self.paint_err(Tone::Bad, "error:"), err.message);
                for h in &err.hints {
                    let _ = writeln!(e, "  {} {h}", self.paint_err(Tone::Dim, "hint:"));
                }
            }
        }
    }

    fn paint_err(&self, tone: Tone, text: &str) -> String {
        if self.color && std::io::stderr().is_terminal() { self.paint(tone, text) } else { text.to_string() }
    }
}
