//! Step 2, Workspace: attach to an existing workspace, create a new one (recommended), or
//! register and validate the key only. Space marks several workspaces for one key (each attach is
//! still confirmed on its own). A workspace that already has a key cannot be chosen.

use crate::error::Error;
use crate::model::WorkspaceRef;
use crate::wizard::overview::{Overview, WorkspaceSummary};

use super::field::TextField;
use super::load::Work;
use super::msg::{Intent, KeyInput};
use super::screen::Screen;
use super::{Notice, Wizard};

/// A platform limit: workspace names are 1 to 40 characters.
pub const MAX_WORKSPACE_NAME: usize = 40;

/// One row of the workspace list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WorkspaceRow {
    /// Create a workspace for the key (recommended: nothing in it predates the key).
    CreateNew,
    /// `overview.workspaces[i]`.
    Existing(usize),
    /// No workspace: register and validate the key only.
    RegisterOnly,
}

/// What the key is for, once chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    RegisterOnly,
    /// One or more workspaces, in the list's order (never empty).
    Workspaces(Vec<WorkspaceSummary>),
}

impl Target {
    /// The first (or only) workspace.
    pub fn workspace(&self) -> Option<&WorkspaceSummary> {
        self.workspaces().first()
    }

    pub fn workspaces(&self) -> &[WorkspaceSummary] {
        match self {
            Target::Workspaces(w) => w,
            Target::RegisterOnly => &[],
        }
    }
}

#[derive(Debug, Clone)]
pub struct WorkspaceState {
    row: WorkspaceRow,
    editing_name: bool,
    new_name: TextField,
    create_error: Option<Error>,
    /// What became of the workspace the answers named.
    note: Option<String>,
    /// The ids of the workspaces marked (Space) for one key, in the order marked.
    marked: Vec<String>,
}

impl Default for WorkspaceState {
    fn default() -> Self {
        Self {
            row: WorkspaceRow::CreateNew,
            editing_name: false,
            new_name: TextField::default(),
            create_error: None,
            note: None,
            marked: Vec::new(),
        }
    }
}

impl WorkspaceState {
    pub fn highlighted(&self) -> WorkspaceRow {
        self.row
    }

    /// True while the new workspace's name field takes the keys.
    pub fn is_editing_name(&self) -> bool {
        self.editing_name
    }

    pub fn new_name(&self) -> &TextField {
        &self.new_name
    }

    pub fn create_error(&self) -> Option<&Error> {
        self.create_error.as_ref()
    }

    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }

    /// Marked (Space) for the key, with others.
    pub fn is_marked(&self, id: &str) -> bool {
        self.marked.iter().any(|m| m == id)
    }

    pub fn marked_count(&self) -> usize {
        self.marked.len()
    }

    /// The rows in display order.
    pub fn rows(overview: &Overview) -> Vec<WorkspaceRow> {
        let mut rows = vec![WorkspaceRow::CreateNew];
        rows.extend((0..overview.workspaces.len()).map(WorkspaceRow::Existing));
        rows.push(WorkspaceRow::RegisterOnly);
        rows
    }

    /// Why `ws` cannot take this key, if it cannot.
    pub fn refusal(ws: &WorkspaceSummary) -> Option<String> {
        ws.external_key_id.as_ref().map(|key| {
            format!(
                "{} already has key {key} attached. Attaching is permanent, so it cannot take another key: \
                 choose another workspace, or create a new one.",
                ws.name
            )
        })
    }

    /// Keeps the highlighted row valid when the list changes.
    pub(super) fn clamp(&mut self, count: usize) {
        if let WorkspaceRow::Existing(i) = self.row
            && i >= count
        {
            self.row = WorkspaceRow::CreateNew;
        }
    }

    /// Marks the workspaces the answers named for one key (those that can take it), and says
    /// which could not be marked and why.
    pub(super) fn apply_prefill_marks(&mut self, named: &[String], overview: &Overview) {
        let mut missing = Vec::new();
        for raw in named {
            let found = raw.parse::<WorkspaceRef>().ok().and_then(|r| {
                overview.workspaces.iter().position(|w| r.matches(&w.id, &w.name) && w.external_key_id.is_none())
            });
            match found {
                Some(i) => {
                    let id = overview.workspaces[i].id.clone();
                    if !self.is_marked(&id) {
                        self.marked.push(id);
                    }
                    if self.marked.len() == 1 {
                        self.row = WorkspaceRow::Existing(i);
                    }
                }
                None => missing.push(raw.trim().to_string()),
            }
        }
        if !missing.is_empty() {
            self.note = Some(format!(
                "Not marked: {} (not an active workspace without a key); Enter goes on with the marked ones.",
                missing.join(", ")
            ));
        }
    }

    /// Highlights the workspace the answers named (once), or explains why it could not.
    pub(super) fn apply_prefill(&mut self, named: &mut Option<String>, overview: &Overview) {
        let Some(raw) = named.take() else { return };
        let found = match raw.parse::<WorkspaceRef>() {
            Ok(r) => overview.workspaces.iter().position(|w| r.matches(&w.id, &w.name)),
            Err(e) => {
                self.note = Some(format!("{e}; choose a workspace below."));
                return;
            }
        };
        match found {
            Some(i) => self.row = WorkspaceRow::Existing(i),
            None if raw.trim().starts_with("wrkspc_") => {
                self.note = Some(format!(
                    "The answers name workspace {}, which is not an active workspace of this organisation; \
                     choose one below.",
                    raw.trim()
                ));
            }
            None => {
                self.note = Some(format!(
                    "No active workspace is named `{}`: it is offered as the name of a new workspace.",
                    raw.trim()
                ));
                self.new_name = TextField::new(raw.trim());
                self.row = WorkspaceRow::CreateNew;
            }
        }
    }
}

/// Checks a new workspace's name as it is typed.
pub fn check_new_name(name: &str, existing: &[WorkspaceSummary]) -> Result<(), String> {
    let chars = name.chars().count();
    if chars > MAX_WORKSPACE_NAME {
        return Err(format!(
            "`{}…` is {chars} characters; a workspace name has at most {MAX_WORKSPACE_NAME}",
            name.chars().take(20).collect::<String>()
        ));
    }
    if let Some(same) = existing.iter().find(|w| w.name == name) {
        return Err(format!(
            "`{name}` is already the name of workspace {}: choose it in the list, or pick another name",
            same.id
        ));
    }
    Ok(())
}

impl Wizard {
    fn workspace_list(&self) -> &[WorkspaceSummary] {
        self.welcome.overview().ready().map_or(&[], |o| o.workspaces.as_slice())
    }

    pub(super) fn workspace_key(&mut self, key: KeyInput, out: &mut Vec<Intent>) {
        if self.tickets.in_flight() == Some(Work::CreateWorkspace) {
            if key == KeyInput::Esc {
                self.tickets.cancel(out);
                self.notice = Some(Notice::info(
                    "Stopped waiting. If the platform had already created the workspace, it is listed the next \
                     time the organisation is looked up.",
                ));
            }
            return;
        }
        if self.workspaces.editing_name {
            return self.workspace_name_key(key, out);
        }
        let Some(overview) = self.welcome.overview().ready() else { return };
        let rows = WorkspaceState::rows(overview);
        let at = rows.iter().position(|r| *r == self.workspaces.row).unwrap_or(0);
        match key {
            KeyInput::Up => self.workspaces.row = rows[at.saturating_sub(1)],
            KeyInput::Down => self.workspaces.row = rows[(at + 1).min(rows.len() - 1)],
            KeyInput::Home => self.workspaces.row = rows[0],
            KeyInput::End => self.workspaces.row = rows[rows.len() - 1],
            KeyInput::Char(' ') => self.toggle_mark(),
            KeyInput::Enter | KeyInput::Right => self.choose_workspace_row(),
            KeyInput::Esc | KeyInput::Left => self.screen = Screen::Welcome,
            _ => {}
        }
    }

    /// Space on a workspace without a key marks it for the key (or unmarks it).
    fn toggle_mark(&mut self) {
        let WorkspaceRow::Existing(i) = self.workspaces.row else {
            self.notice = Some(Notice::info(
                "Space marks existing workspaces for one key; a new workspace joins the marked ones when it is created.",
            ));
            return;
        };
        let Some(ws) = self.workspace_list().get(i).cloned() else { return };
        if ws.external_key_id.is_some() {
            self.notice = Some(Notice::error(format!(
                "{} cannot be marked: it already has a key, and a key cannot be replaced.",
                ws.name
            )));
            return;
        }
        match self.workspaces.marked.iter().position(|m| *m == ws.id) {
            Some(at) => {
                self.workspaces.marked.remove(at);
            }
            None => self.workspaces.marked.push(ws.id),
        }
    }

    /// The marked workspaces, in the list's order.
    fn marked_workspaces(&self) -> Vec<WorkspaceSummary> {
        self.workspace_list().iter().filter(|w| self.workspaces.is_marked(&w.id)).cloned().collect()
    }

    fn choose_workspace_row(&mut self) {
        if !self.workspaces.marked.is_empty() && self.workspaces.row != WorkspaceRow::CreateNew {
            // Marked workspaces win over the highlighted row: Enter goes on with them.
            let marked = self.marked_workspaces();
            if !marked.is_empty() {
                return self.enter_key_screen(Target::Workspaces(marked));
            }
        }
        match self.workspaces.row {
            WorkspaceRow::CreateNew => {
                self.workspaces.editing_name = true;
                self.revalidate_new_name();
            }
            WorkspaceRow::RegisterOnly => self.enter_key_screen(Target::RegisterOnly),
            WorkspaceRow::Existing(i) => {
                let Some(ws) = self.workspace_list().get(i).cloned() else { return };
                match ws.external_key_id {
                    Some(_) => {
                        self.notice = Some(Notice::error(format!(
                            "{} cannot be chosen: it already has a key, and a key cannot be replaced (see above).",
                            ws.name
                        )));
                    }
                    None => self.enter_key_screen(Target::Workspaces(vec![ws])),
                }
            }
        }
    }

    fn revalidate_new_name(&mut self) {
        let existing = self.workspace_list().to_vec();
        self.workspaces.new_name.validate(|name| check_new_name(name, &existing));
    }

    fn workspace_name_key(&mut self, key: KeyInput, out: &mut Vec<Intent>) {
        match key {
            KeyInput::Enter => self.create_workspace(out),
            KeyInput::Esc | KeyInput::Tab | KeyInput::BackTab => self.workspaces.editing_name = false,
            KeyInput::Up | KeyInput::Down => {
                self.workspaces.editing_name = false;
                self.workspace_key(key, out);
            }
            other => {
                if self.workspaces.new_name.edit(other) {
                    self.workspaces.create_error = None;
                    self.revalidate_new_name();
                }
            }
        }
    }

    fn create_workspace(&mut self, out: &mut Vec<Intent>) {
        self.revalidate_new_name();
        let field = &self.workspaces.new_name;
        if let Some(why) = field.error() {
            self.notice = Some(Notice::error(why.to_string()));
            return;
        }
        if !field.is_valid() {
            self.notice = Some(Notice::error(format!(
                "Type a name for the new workspace (1 to {MAX_WORKSPACE_NAME} characters), then press Enter."
            )));
            return;
        }
        let name = field.trimmed().to_string();
        self.workspaces.create_error = None;
        let ticket = self.start(Work::CreateWorkspace, out);
        out.push(Intent::CreateWorkspace(ticket, name));
    }

    pub(super) fn on_workspace_created(&mut self, result: Result<WorkspaceSummary, Error>) {
        match result {
            Ok(ws) => {
                self.changed = true;
                self.workspaces.editing_name = false;
                self.workspaces.new_name.clear();
                if let super::load::Load::Ready(overview) = self.welcome.overview_mut() {
                    if !overview.workspaces.iter().any(|w| w.id == ws.id) {
                        overview.workspaces.push(ws.clone());
                    }
                    self.workspaces.row = overview
                        .workspaces
                        .iter()
                        .position(|w| w.id == ws.id)
                        .map_or(WorkspaceRow::CreateNew, WorkspaceRow::Existing);
                }
                self.notice = Some(Notice::info(format!("Created workspace {} ({}).", ws.name, ws.id)));
                if self.workspaces.marked.is_empty() {
                    self.enter_key_screen(Target::Workspaces(vec![ws]));
                } else {
                    // Created while others were marked: it joins them.
                    self.workspaces.marked.push(ws.id);
                    let marked = self.marked_workspaces();
                    self.enter_key_screen(Target::Workspaces(marked));
                }
            }
            Err(e) => self.workspaces.create_error = Some(e),
        }
    }
}
