//! Entering and leaving the full-screen terminal: raw mode, the alternate screen and the mouse
//! (for the wheel) on the way in; restored on the way out, on error and on panic (drop while
//! unwinding, after ratatui's panic hook).

use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use ratatui::crossterm::execute;

pub struct TerminalGuard {
    terminal: DefaultTerminal,
}

impl TerminalGuard {
    pub fn enter() -> std::io::Result<Self> {
        // `try_init` also installs a panic hook that restores the terminal before the message prints.
        let terminal = ratatui::try_init()?;
        // The wheel scrolls long screens. Most terminals still select text with Shift held.
        execute!(std::io::stdout(), EnableMouseCapture)?;
        Ok(Self { terminal })
    }

    pub fn terminal(&mut self) -> &mut DefaultTerminal {
        &mut self.terminal
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = execute!(std::io::stdout(), DisableMouseCapture);
        ratatui::restore();
    }
}
