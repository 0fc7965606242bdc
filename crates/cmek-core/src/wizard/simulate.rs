//! A pretend runtime for long pseudo-random walks (tests only): random keys, terminal sizes and
//! ticks, fixture answers to the wizard's intents (successes and failures), late answers for
//! old tickets, all from a seeded xorshift generator so every run is the same.

use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;

use crate::error::Error;
use crate::model::WorkspaceRef;
use crate::plan::aws::AwsAnswers;
use crate::plan::{self, SetupAnswers, WorkspaceFacts};
use crate::run::events::{Event, StepOutcome};
use crate::wizard::aws::{AwsKeyScreen, KeyFocus, KeysFound};
use crate::wizard::azure::AzureKeyScreen;
use crate::wizard::overview::WorkspaceSummary;

use super::test_data::{self, KEY_ARN};
use super::{Intent, KeyInput, Msg, Prefill, Screen, Ticket, Wizard};

/// xorshift64*: small, deterministic, good enough to shuffle inputs.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    pub fn percent(&mut self, p: u64) -> bool {
        self.next_u64() % 100 < p
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

const KEYS: &[KeyInput] = &[
    KeyInput::Enter,
    KeyInput::Enter,
    KeyInput::Enter,
    KeyInput::Down,
    KeyInput::Down,
    KeyInput::Up,
    KeyInput::Left,
    KeyInput::Right,
    KeyInput::Tab,
    KeyInput::BackTab,
    KeyInput::Esc,
    KeyInput::Backspace,
    KeyInput::Delete,
    KeyInput::Home,
    KeyInput::End,
    KeyInput::PageUp,
    KeyInput::PageDown,
    KeyInput::WheelUp,
    KeyInput::WheelDown,
    KeyInput::Char('y'),
    KeyInput::Char('n'),
    KeyInput::Char('r'),
    KeyInput::Char('?'),
    KeyInput::Char('p'),
    KeyInput::Char('a'),
    KeyInput::Char('-'),
    KeyInput::Char('/'),
    KeyInput::Char('1'),
    KeyInput::Char(' '),
    KeyInput::Char('é'),
    KeyInput::Char('\u{7}'),
];

const SIZES: &[(u16, u16)] =
    &[(80, 24), (80, 24), (80, 24), (120, 40), (120, 40), (120, 40), (200, 60), (200, 60), (80, 23), (20, 5)];

const POLICIES: &[Option<&str>] = &[
    None,
    Some("correct.json"),
    Some("customer-statements.json"),
    Some("console-wizard.json"),
    Some("aws-default.json"),
];

pub struct Simulator {
    pub rng: Rng,
    /// Requests not answered yet.
    pending: Vec<Intent>,
    /// Every request ever made, for late answers.
    history: Vec<Intent>,
    /// Answers waiting to be delivered, in order (apply progress, then its report).
    inbox: VecDeque<Msg>,
    /// Keys queued to type a whole value.
    typing: VecDeque<KeyInput>,
    /// Workspaces created during the walk: id -> name.
    created: BTreeMap<String, String>,
}

impl Simulator {
    pub fn new(seed: u64) -> Self {
        Self {
            rng: Rng::new(seed),
            pending: Vec::new(),
            history: Vec::new(),
            inbox: VecDeque::new(),
            typing: VecDeque::new(),
            created: BTreeMap::new(),
        }
    }

    pub fn prefill(&mut self) -> Prefill {
        match self.rng.below(4) {
            0 => Prefill::default(),
            1 => {
                let mut p = Prefill { workspace: Some("production".into()), ..Prefill::default() };
                p.set("key", Some(KEY_ARN));
                p
            }
            2 => {
                let mut p = Prefill { provider: Some("azure".into()), ..Prefill::default() };
                p.set("region", Some("eu-west-1"));
                p
            }
            _ => {
                Prefill { workspace: Some("brand-new".into()), display_name: Some("Key".into()), ..Prefill::default() }
            }
        }
    }

    pub fn accept(&mut self, intents: &[Intent]) {
        for intent in intents {
            match intent {
                Intent::Cancel(t) => self.pending.retain(|p| ticket_of(p) != Some(*t)),
                Intent::Exit { .. } => {}
                other => {
                    self.pending.push(other.clone());
                    self.history.push(other.clone());
                }
            }
        }
    }

    /// The next thing that happens to the wizard.
    pub fn next_msg(&mut self, w: &Wizard) -> Msg {
        if let Some(k) = self.typing.pop_front() {
            return Msg::Key(k);
        }
        let roll = self.rng.below(100);
        if roll < 30
            && let Some(m) = self.inbox.pop_front()
        {
            return m;
        }
        match roll {
            0..=24 if !self.pending.is_empty() => {
                let intent = self.pending.remove(self.rng.below(self.pending.len()));
                self.answer(&intent);
                self.inbox.pop_front().unwrap_or(Msg::Tick)
            }
            25..=29 if !self.history.is_empty() => {
                let intent = self.history[self.rng.below(self.history.len())].clone();
                let mut late = self.answers_for(&intent);
                late.pop().unwrap_or(Msg::Tick)
            }
            30..=31 => {
                let (width, height) = self.rng.pick(SIZES);
                Msg::Resize { width, height }
            }
            32..=33 => {
                // What a view might report: any size, any offset, even past the end.
                let total = self.rng.below(200);
                let rows = self.rng.below(60);
                Msg::Viewport(crate::wizard::Viewport { offset: self.rng.below(220), rows, total })
            }
            34..=36 => Msg::Tick,
            37..=39 => {
                let t = w.awaited_ticket().unwrap_or(Ticket(self.rng.next_u64() % 50));
                Msg::Elapsed(t, Duration::from_millis(self.rng.next_u64() % 100_000))
            }
            40..=59 if w.is_typing() => {
                self.queue_good_value(w);
                self.typing.pop_front().map_or(Msg::Tick, Msg::Key)
            }
            45 if self.rng.percent(5) => Msg::Key(KeyInput::Char('q')),
            46 if self.rng.percent(5) => Msg::Key(KeyInput::CtrlC),
            _ => Msg::Key(self.rng.pick(KEYS)),
        }
    }

    /// Queues a value the current field accepts (or, on Attach, the exact name).
    fn queue_good_value(&mut self, w: &Wizard) {
        let aws = w.key_screen().and_then(|k| k.downcast_ref::<AwsKeyScreen>());
        let azure = w.key_screen().and_then(|k| k.downcast_ref::<AzureKeyScreen>());
        let focus = aws.map(|k| k.focus());
        let text = match (w.screen(), focus) {
            (Screen::Attach, _) => w.attach_offer().map(|o| o.workspace_name).unwrap_or_default(),
            (Screen::Workspace, _) => format!("fuzz-{}", self.rng.below(1000)),
            (Screen::Key, _) if azure.is_some() => self.rng.pick(&["anthropic-cmek", "fuzz-key"]).to_string(),
            (_, Some(KeyFocus::Region)) => self.rng.pick(&["us-east-1", "us-east-2"]).to_string(),
            (_, Some(KeyFocus::Alias)) => self.rng.pick(&["alias/anthropic-cmek", "alias/fuzz-key"]).to_string(),
            _ => self.rng.pick(&[KEY_ARN, "alias/anthropic-cmek"]).to_string(),
        };
        let typed = match (w.screen(), aws, azure) {
            (Screen::Attach, _, _) => w.attach_screen().typed(),
            (Screen::Workspace, _, _) => w.workspace_screen().new_name(),
            (_, _, Some(az)) => az.key_name(),
            (_, Some(k), _) => match k.focus() {
                KeyFocus::Region => k.region(),
                KeyFocus::Alias => k.alias(),
                _ => k.typed(),
            },
            (_, None, None) => return,
        };
        // Clear what is there first, so the value is typed exactly.
        self.typing.push_back(KeyInput::End);
        self.typing.extend(std::iter::repeat_n(KeyInput::Backspace, typed.value().chars().count()));
        self.typing.extend(text.chars().map(KeyInput::Char));
        if self.rng.percent(60) {
            self.typing.push_back(KeyInput::Enter);
        }
    }

    /// Queues the answer(s) to `intent` in the inbox.
    fn answer(&mut self, intent: &Intent) {
        let msgs = self.answers_for(intent);
        self.inbox.extend(msgs);
    }

    fn answers_for(&mut self, intent: &Intent) -> Vec<Msg> {
        let fail = self.rng.percent(20);
        match intent {
            Intent::LoadOverview(t) => vec![Msg::OverviewLoaded(
                *t,
                if fail {
                    Err(Error::remote("platform unreachable"))
                } else {
                    let mut o = test_data::overview(self.rng.percent(80), self.rng.percent(50));
                    o.workspaces.extend(self.created.iter().map(|(id, name)| WorkspaceSummary {
                        id: id.clone(),
                        name: name.clone(),
                        external_key_id: None,
                        created_at: test_data::seeded_at(900),
                    }));
                    Ok(o)
                },
            )],
            Intent::CreateWorkspace(t, name) => {
                let result = if fail {
                    Err(Error::remote("500"))
                } else {
                    let id = format!("wrkspc_01Fuzz{}", self.created.len());
                    self.created.insert(id.clone(), name.clone());
                    Ok(WorkspaceSummary {
                        id,
                        name: name.clone(),
                        external_key_id: None,
                        created_at: test_data::seeded_at(900),
                    })
                };
                vec![Msg::WorkspaceCreated(*t, result)]
            }
            Intent::Ask(t, _, _) => vec![Msg::Answered(
                *t,
                if fail {
                    Err(Error::auth("denied"))
                } else if self.rng.percent(50) {
                    Ok(Box::new(KeysFound(vec![test_data::candidate()])))
                } else {
                    Ok(Box::new(KeysFound(vec![])))
                },
            )],
            Intent::BuildPlan(t, answers) => {
                vec![Msg::PlanReady(*t, if fail { Err(Error::remote("timeout")) } else { self.plan_for(answers) })]
            }
            Intent::Apply(t, prepared) => {
                let plan = &prepared.1;
                let mut msgs = Vec::new();
                for (index, step) in plan.steps.iter().enumerate() {
                    msgs.push(Msg::Engine(*t, Event::StepStarted { index, title: step.action.title() }));
                    if step.action.kind() == "validate" && self.rng.percent(30) {
                        // A role assignment still propagating: the wizard shows the wait and may stop it.
                        msgs.push(Msg::Engine(
                            *t,
                            Event::Waiting {
                                index,
                                grant: "role assignment",
                                explain: "role assignments take minutes to reach Key Vault",
                                why: "ForbiddenByRbac".into(),
                                attempt: 1,
                                waited: Duration::from_secs(5),
                                budget: Duration::from_secs(600),
                                next_in: Duration::from_secs(10),
                            },
                        ));
                    }
                    msgs.push(Msg::Engine(
                        *t,
                        Event::StepFinished {
                            index,
                            title: step.action.title(),
                            outcome: StepOutcome::Done { detail: "ok".into() },
                        },
                    ));
                }
                msgs.push(Msg::Elapsed(*t, Duration::from_secs(3)));
                let report = match self.rng.below(3) {
                    0 => test_data::validated_report(plan),
                    1 => test_data::validation_failed_report(plan),
                    _ => test_data::apply_failed_report(plan),
                };
                msgs.push(Msg::Applied(*t, report));
                msgs
            }
            Intent::Attach { ticket, workspace_name, .. } => vec![Msg::Attached(
                *ticket,
                if fail { Err(Error::unhealthy("refused")) } else { Ok(format!("attached to {workspace_name}")) },
            )],
            Intent::Cancel(_) | Intent::StopWaiting(_) | Intent::Exit { .. } => vec![],
        }
    }

    fn plan_for(&mut self, answers: &SetupAnswers) -> Result<(plan::SetupFacts, plan::Plan), Error> {
        let named_key = answers.cloud.downcast_ref::<AwsAnswers>().is_some_and(|a| a.key.is_some());
        let policy = if named_key {
            Some(self.rng.pick(&POLICIES[1..]).unwrap_or("correct.json"))
        } else {
            self.rng.pick(POLICIES)
        };
        let mut facts = test_data::facts(None, policy.map(test_data::key_facts));
        // Every marked workspace, so the attach asked for each in turn is exercised too.
        facts.workspaces = answers.workspaces.iter().filter_map(|r| self.workspace_facts(r)).collect();
        if answers.cloud.downcast_ref::<AwsAnswers>().is_none() {
            facts.cloud = Box::new(plan::azure::fixtures::sandbox());
        }
        plan::build(answers, &facts).map(|p| (facts, p)).map_err(Error::from)
    }

    fn workspace_facts(&mut self, r: &WorkspaceRef) -> Option<WorkspaceFacts> {
        if let Some(i) = test_data::WORKSPACES.iter().position(|(id, name, _)| r.matches(id, name)) {
            return Some(test_data::workspace_facts(i));
        }
        let (id, name) = self.created.iter().find(|(id, name)| r.matches(id, name))?;
        Some(WorkspaceFacts {
            id: id.clone(),
            name: name.clone(),
            compartment: test_data::NEW_WORKSPACE.2.parse().ok()?,
            external_key_id: None,
            archived: false,
            created_at: test_data::seeded_at(900),
            just_created: true,
        })
    }
}

pub fn ticket_of(intent: &Intent) -> Option<Ticket> {
    match intent {
        Intent::LoadOverview(t)
        | Intent::CreateWorkspace(t, _)
        | Intent::Ask(t, _, _)
        | Intent::BuildPlan(t, _)
        | Intent::Apply(t, _) => Some(*t),
        Intent::Attach { ticket, .. } => Some(*ticket),
        Intent::Cancel(_) | Intent::StopWaiting(_) | Intent::Exit { .. } => None,
    }
}

/// Walks `steps` messages from `seed`, restarting whenever the wizard exits; `observe` sees the
/// state before, the message, the intents and the state after each step.
pub fn walk(seed: u64, steps: usize, mut observe: impl FnMut(&Wizard, &Msg, &[Intent], &Wizard)) {
    let mut sim = Simulator::new(seed);
    let prefill = sim.prefill();
    let (mut w, first) = Wizard::new(prefill);
    sim.accept(&first);
    for _ in 0..steps {
        if w.is_finished() {
            sim = Simulator { rng: Rng::new(sim.rng.next_u64()), ..Simulator::new(0) };
            let prefill = sim.prefill();
            let (fresh, first) = Wizard::new(prefill);
            w = fresh;
            sim.accept(&first);
        }
        let msg = sim.next_msg(&w);
        let before = w.clone();
        let out = w.update(msg.clone());
        observe(&before, &msg, &out, &w);
        sim.accept(&out);
    }
}
