//! The wizard's event loop: the only place that touches the terminal. It turns key presses into
//! `wizard::Msg`s, runs every `wizard::Intent` on a tokio task against the engine, and feeds the
//! results back as messages, so input stays responsive while calls are in flight.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{
    self, Event as TermEvent, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEvent, MouseEventKind,
};
use serde_json::json;
use tokio::sync::{Mutex, mpsc};
use tokio::task::JoinHandle;

use super::terminal::TerminalGuard;
use super::theme::Theme;
use super::views;
use crate::engine::journal::Journal;
use crate::engine::wizard_api::CloudChoice;
use crate::engine::{self, Cancel, CloudRuntime, Services, wizard_api};
use crate::engine::{resume, run_lock};
use crate::error::{Error, Result};
use crate::platform::Client;
use cmek_core::model::ProviderKind;
use cmek_core::run::RunReport;
use cmek_core::run::events::{Event, EventSink};
use cmek_core::wizard::{Intent, KeyInput, Msg, Prefill, Ticket, Wizard};

/// How often the screen refreshes while work is in flight (spinners, elapsed time).
const TICK: Duration = Duration::from_millis(100);

/// Everything a task needs to reach the platform and the clouds (owned, so tasks can outlive a borrow).
#[derive(Clone)]
pub struct Connector {
    pub platform: Client,
    /// Each cloud's runtime, or why it cannot be used (building it made no call; the overview
    /// says whether it works).
    pub clouds: Vec<CloudChoice>,
    /// Where run journals go.
    pub journal_root: std::path::PathBuf,
}

impl Connector {
    /// The runtime a run in `provider` needs.
    fn cloud(&self, provider: ProviderKind) -> Result<Arc<dyn CloudRuntime>> {
        match self.clouds.iter().find(|(k, _)| *k == provider) {
            Some((_, Ok(runtime))) => Ok(runtime.clone()),
            Some((_, Err(why))) => {
                Err(Error::usage(format!("{} cannot be used in this run: {why}", provider.display_name())))
            }
            None => Err(Error::usage(format!("{} is not set up by this version of cmek", provider.display_name()))),
        }
    }

    fn services(&self, provider: ProviderKind, cancel: Cancel) -> Result<Services> {
        Ok(Services { platform: self.platform.clone(), cloud: self.cloud(provider)?, cancel })
    }
}

/// How the wizard ended: its exit code, and lines worth keeping on the normal screen (the
/// alternate screen, and everything on it, goes away when the wizard exits).
pub struct Finished {
    pub code: i32,
    pub recap: Vec<String>,
}

/// Runs the wizard until it asks to exit.
pub async fn run(connector: Connector, prefill: Prefill, theme: Theme) -> Result<Finished> {
    let mut guard = TerminalGuard::enter().map_err(|e| Error::remote(format!("cannot set up the terminal: {e}")))?;
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    spawn_input_reader(tx.clone());

    let journal: Arc<Mutex<Option<Journal>>> = Arc::new(Mutex::new(None));
    let mut tasks: HashMap<Ticket, (JoinHandle<()>, Instant)> = HashMap::new();
    let mut cancels: HashMap<Ticket, Cancel> = HashMap::new();
    let (mut wizard, first) = Wizard::new(prefill);
    let mut pending = first;
    // The wizard assumes 80x24 until told the real size.
    if let Ok(size) = guard.terminal().size() {
        pending.extend(wizard.update(Msg::Resize { width: size.width, height: size.height }));
    }
    let mut ticker = tokio::time::interval(TICK);

    loop {
        for intent in std::mem::take(&mut pending) {
            match intent {
                Intent::Exit { code } => {
                    for (handle, _) in tasks.values() {
                        handle.abort();
                    }
                    drop(guard);
                    return Ok(Finished { code, recap: wizard.closing_lines() });
                }
                Intent::Cancel(ticket) => {
                    if let Some((handle, _)) = tasks.remove(&ticket) {
                        handle.abort();
                    }
                }
                Intent::StopWaiting(ticket) => {
                    // The engine ends the wait itself and reports it, so the run's journal stays whole.
                    if let Some(cancel) = cancels.get(&ticket) {
                        cancel.cancel();
                    }
                }
                other => {
                    if let Some(ticket) = ticket_of(&other) {
                        let cancel = matches!(other, Intent::Apply(..)).then(Cancel::new);
                        if let Some(c) = &cancel {
                            cancels.insert(ticket, c.clone());
                        }
                        let handle =
                            tokio::spawn(execute(other, connector.clone(), journal.clone(), tx.clone(), cancel));
                        tasks.insert(ticket, (handle, Instant::now()));
                    }
                }
            }
        }
        tasks.retain(|_, (handle, _)| !handle.is_finished());
        cancels.retain(|ticket, _| tasks.contains_key(ticket));

        // The wizard learns what the screen showed (PgUp/PgDn and the wheel scroll by it, the
        // footer offers scrolling only when something is hidden); a change is drawn at once.
        for _ in 0..2 {
            let mut drawn = wizard.viewport();
            guard
                .terminal()
                .draw(|frame| drawn = views::render(&wizard, &theme, frame))
                .map_err(|e| Error::remote(format!("cannot draw on the terminal: {e}")))?;
            if drawn == wizard.viewport() {
                break;
            }
            pending.extend(wizard.update(Msg::Viewport(drawn)));
        }

        let msg = tokio::select! {
            Some(msg) = rx.recv() => msg,
            _ = ticker.tick(), if !tasks.is_empty() => {
                for (ticket, (_, started)) in &tasks {
                    pending.extend(wizard.update(Msg::Elapsed(*ticket, started.elapsed())));
                }
                Msg::Tick
            }
        };
        pending.extend(wizard.update(msg));
    }
}

fn ticket_of(intent: &Intent) -> Option<Ticket> {
    match intent {
        Intent::LoadOverview(t)
        | Intent::CreateWorkspace(t, _)
        | Intent::Ask(t, _, _)
        | Intent::BuildPlan(t, _)
        | Intent::Apply(t, _)
        | Intent::Cancel(t)
        | Intent::StopWaiting(t) => Some(*t),
        Intent::Attach { ticket, .. } => Some(*ticket),
        Intent::Exit { .. } => None,
    }
}

/// Runs one intent and sends its result (and, for apply, its progress) back as messages.
async fn execute(
    intent: Intent,
    c: Connector,
    journal: Arc<Mutex<Option<Journal>>>,
    tx: mpsc::UnboundedSender<Msg>,
    cancel: Option<Cancel>,
) {
    let send = |m: Msg| {
        let _ = tx.send(m);
    };
    match intent {
        Intent::LoadOverview(t) => {
            send(Msg::OverviewLoaded(t, wizard_api::overview(&c.platform, &c.clouds).await));
        }
        Intent::CreateWorkspace(t, name) => {
            send(Msg::WorkspaceCreated(t, wizard_api::create_workspace(&c.platform, &name).await))
        }
        Intent::Ask(t, provider, question) => {
            let result = async { c.cloud(provider)?.ask(&*question).await };
            send(Msg::Answered(t, result.await));
        }
        Intent::BuildPlan(t, answers) => {
            let result = async { wizard_api::prepare(&c.services(answers.provider(), Cancel::new())?, &answers).await };
            send(Msg::PlanReady(t, result.await));
        }
        Intent::Apply(t, boxed) => {
            let (facts, plan) = *boxed;
            let services = match c.services(facts.provider(), cancel.unwrap_or_default()) {
                Ok(s) => s,
                Err(e) => {
                    send(Msg::Applied(t, RunReport::not_started(&facts, &plan, e)));
                    return;
                }
            };
            let mut sink = ChannelSink { ticket: t, tx: tx.clone() };
            // Another run on this machine finishes first; the steps converge on what it left.
            let _lock = match run_lock::acquire(&c.journal_root, "cmek (wizard)", &services.cancel, &mut sink).await {
                Ok(lock) => lock,
                Err(e) => {
                    send(Msg::Applied(t, RunReport::not_started(&facts, &plan, e)));
                    return;
                }
            };
            let resumed = resume::last_unfinished(&c.journal_root, &facts.org.uuid.to_string());
            let j = match Journal::create(&c.journal_root, "setup") {
                Ok(j) => j,
                Err(e) => {
                    send(Msg::Applied(t, RunReport::not_started(&facts, &plan, Error::remote(e.to_string()))));
                    return;
                }
            };
            let _ = j.record(
                "run_started",
                json!({
                    "command": "setup",
                    "front_end": "wizard",
                    "mode": "apply",
                    "organization": facts.org.uuid.to_string(),
                    // Where the Admin API credential came from, never its value.
                    "platform_credential": c.platform.credential_record().1,
                    "resumes": resumed.as_ref().map(|r| r.dir.display().to_string()),
                }),
            );
            if let Some(r) = &resumed {
                sink.emit(Event::Notice { text: r.describe() });
            }
            let mut report = engine::apply(&services, &facts, &plan, &j, &mut sink).await;
            if let Some(r) = &resumed {
                report.notes.insert(0, r.describe());
            }
            let _ = j.record(
                "run_finished",
                json!({ "failed": report.failure.is_some(), "changed": report.changed(&plan) }),
            );
            *journal.lock().await = Some(j);
            send(Msg::Applied(t, report));
        }
        Intent::Attach { ticket, external_key_id, workspace_id, workspace_name } => {
            let result = engine::attach::attach(&c.platform, &external_key_id, &workspace_id, &workspace_name).await;
            if let Some(j) = journal.lock().await.as_mut() {
                let uses = result.as_ref().ok().map(|a| a.uses.clone());
                let _ = j.record(
                    "attach",
                    json!({ "external_key_id": external_key_id, "workspace_id": workspace_id, "ok": result.is_ok(), "uses": uses }),
                );
            }
            send(Msg::Attached(ticket, result.map(|a| a.detail)));
        }
        Intent::Cancel(_) | Intent::StopWaiting(_) | Intent::Exit { .. } => {}
    }
}

/// Forwards engine progress to the wizard.
struct ChannelSink {
    ticket: Ticket,
    tx: mpsc::UnboundedSender<Msg>,
}

impl EventSink for ChannelSink {
    fn emit(&mut self, event: Event) {
        let _ = self.tx.send(Msg::Engine(self.ticket, event));
    }
}

/// Reads the terminal's events on a blocking thread (crossterm's `read` blocks).
fn spawn_input_reader(tx: mpsc::UnboundedSender<Msg>) {
    std::thread::spawn(move || {
        loop {
            let Ok(ev) = event::read() else { return };
            let msg = match ev {
                TermEvent::Key(k) if k.kind != KeyEventKind::Release => key_input(k).map(Msg::Key),
                TermEvent::Resize(width, height) => Some(Msg::Resize { width, height }),
                TermEvent::Mouse(m) => wheel(m).map(Msg::Key),
                _ => None,
            };
            if let Some(m) = msg
                && tx.send(m).is_err()
            {
                return;
            }
        }
    });
}

/// The wheel scrolls; clicks and moves mean nothing to the wizard.
fn wheel(m: MouseEvent) -> Option<KeyInput> {
    match m.kind {
        MouseEventKind::ScrollUp => Some(KeyInput::WheelUp),
        MouseEventKind::ScrollDown => Some(KeyInput::WheelDown),
        _ => None,
    }
}

fn key_input(k: KeyEvent) -> Option<KeyInput> {
    if k.modifiers.contains(KeyModifiers::CONTROL) {
        return matches!(k.code, KeyCode::Char('c')).then_some(KeyInput::CtrlC);
    }
    Some(match k.code {
        KeyCode::Up => KeyInput::Up,
        KeyCode::Down => KeyInput::Down,
        KeyCode::Left => KeyInput::Left,
        KeyCode::Right => KeyInput::Right,
        KeyCode::Tab => KeyInput::Tab,
        KeyCode::BackTab => KeyInput::BackTab,
        KeyCode::Enter => KeyInput::Enter,
        KeyCode::Esc => KeyInput::Esc,
        KeyCode::Backspace => KeyInput::Backspace,
        KeyCode::Delete => KeyInput::Delete,
        KeyCode::Home => KeyInput::Home,
        KeyCode::End => KeyInput::End,
        KeyCode::PageUp => KeyInput::PageUp,
        KeyCode::PageDown => KeyInput::PageDown,
        KeyCode::Char(c) => KeyInput::Char(c),
        _ => return None,
    })
}
