//! Drives a program in a real terminal: tmux on a private socket, `send-keys` to type,
//! `capture-pane` to read the screen. Killed on drop.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// Printed by the wrapper shell after the program, followed by its exit status.
const EXIT_MARK: &str = "__cmek_exit=";

pub struct Tmux {
    socket: String,
}

impl Tmux {
    /// Starts `command` (a shell command line) in a detached `width`x`height` session. When it
    /// ends, the shell prints its exit status and keeps the pane open, so the last screen and the
    /// status can be read.
    pub fn start(command: &str, width: u16, height: u16) -> Tmux {
        let tmux = which_tmux();
        let socket = format!("cmek-test-{}-{}", std::process::id(), rand::random::<u32>());
        let wrapped = format!("{command}; echo {EXIT_MARK}$?; sleep 3600");
        let status = Command::new(&tmux)
            .args(["-L", &socket, "-f", "/dev/null", "new-session", "-d", "-s", "t"])
            .args(["-x", &width.to_string(), "-y", &height.to_string(), "sh", "-c", &wrapped])
            .status()
            .unwrap();
        assert!(status.success(), "tmux could not start {command}");
        Tmux { socket }
    }

    fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new(which_tmux()).args(["-L", &self.socket]).args(args).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The visible screen as plain text.
    pub fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-t", "t"])
    }

    /// The visible screen with its colours (ANSI escapes), for screenshots.
    pub fn screen_ansi(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-e", "-t", "t"])
    }

    /// Sends keys as tmux names them (`Enter`, `Down`, `Escape`, `C-c`) or literal text with `-l`.
    pub fn keys(&self, keys: &[&str]) {
        self.tmux(&[&["send-keys", "-t", "t"][..], keys].concat());
    }

    pub fn type_text(&self, text: &str) {
        self.tmux(&["send-keys", "-t", "t", "-l", text]);
    }

    /// Waits until the screen shows `needle` (up to `limit`), and returns that screen.
    pub fn wait_for(&self, needle: &str, limit: Duration) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(needle) {
                return screen;
            }
            assert!(start.elapsed() < limit, "waited {limit:?} for {needle:?}; the screen is:\n{screen}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The program's exit status, once it has exited.
    pub fn exit_status(&self) -> Option<i32> {
        let screen = self.screen();
        let at = screen.find(EXIT_MARK)? + EXIT_MARK.len();
        screen[at..].split_whitespace().next()?.parse().ok()
    }

    pub fn wait_exit(&self, limit: Duration) -> i32 {
        let start = Instant::now();
        loop {
            if let Some(code) = self.exit_status() {
                return code;
            }
            assert!(start.elapsed() < limit, "the program did not exit within {limit:?}:\n{}", self.screen());
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new(which_tmux()).args(["-L", &self.socket, "kill-server"]).status();
    }
}

fn which_tmux() -> String {
    for dir in std::env::var("PATH").unwrap_or_default().split(':') {
        let p = Path::new(dir).join("tmux");
        if p.exists() {
            return p.display().to_string();
        }
    }
    panic!("tmux is not installed: scripts/install-test-peers.sh installs it");
}
