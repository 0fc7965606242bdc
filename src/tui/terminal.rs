//! Entering and leaving the full-screen terminal: raw mode and the alternate screen on the way
//! in; restored on the way out, on error (drop) and on panic (ratatui's panic hook).

use ratatui::DefaultTerminal;

pub struct TerminalGuard {
    terminal: DefaultTerminal,
}

impl TerminalGuard {
    pub fn enter() -> std::io::Result<Self> {
        // `try_init` also installs a panic hook that restores the terminal before the message prints.
        Ok(Self { terminal: ratatui::try_init()? })
    }

    pub fn terminal(&mut self) -> &mut DefaultTerminal {
        &mut self.terminal
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        ratatui::restore();
    }
}
