//! Step 2: the organisation's workspaces (name, id, whether a key is attached), creating a new
//! one (recommended, and why), or registering and validating only; a line under the list
//! explains the highlighted choice.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use cmek_core::wizard::overview::WorkspaceSummary;
use cmek_core::wizard::{MAX_WORKSPACE_NAME, Viewport, Wizard, Work, WorkspaceRow, WorkspaceState};

use super::super::theme::Theme;
use super::body::Body;
use super::field::FieldView;
use super::text;

pub fn render(wizard: &Wizard, theme: &Theme, frame: &mut Frame, area: Rect) -> Viewport {
    let width = usize::from(area.width);
    let ws = wizard.workspace_screen();
    let list: &[WorkspaceSummary] = wizard.overview().map_or(&[], |o| o.workspaces.as_slice());
    let mut body = Body::default();
    body.push(Line::from(Span::styled(" Which workspace is the key for?", theme.strong)));
    body.extend(text::indented(
        1,
        "A key attached to a workspace already in use protects only data written after it takes effect (up to a \
         day later); a new workspace is protected from its first request.",
        theme.dim,
        width,
    ));
    body.blank();

    let name_width = list.iter().map(|w| text::width(&w.name)).max().unwrap_or(0).clamp(11, 24);
    let id_width = list.iter().map(|w| w.id.len()).max().unwrap_or(0).min(32);
    let rows = wizard.overview().map(WorkspaceState::rows).unwrap_or_default();
    let marking = ws.marked_count() > 0;
    for row in rows {
        let selected = row == ws.highlighted();
        let marker = if selected { " ▸ " } else { "   " };
        // With several marked, every workspace row shows its box, so the choice reads as a set.
        let mark = |w: &WorkspaceSummary| match (marking, ws.is_marked(&w.id)) {
            (_, true) => "[x] ",
            (true, false) if w.external_key_id.is_none() => "[ ] ",
            (true, false) => "    ",
            (false, false) => "",
        };
        let add = |b: &mut Body| match row {
            WorkspaceRow::CreateNew => {
                let label =
                    Span::styled("+ Create a new workspace", if selected { theme.selected } else { theme.text });
                b.push(Line::from(vec![Span::raw(marker), label, Span::styled("  recommended", theme.good)]));
                if selected || ws.is_editing_name() || !ws.new_name().value().is_empty() {
                    add_name_field(wizard, theme, b, width);
                }
            }
            WorkspaceRow::Existing(i) => {
                let Some(w) = list.get(i) else { return };
                let (status, style) = match &w.external_key_id {
                    Some(key) => (format!("has key {key}"), theme.warn),
                    None => ("no key".to_string(), theme.dim),
                };
                let name_style = match (selected, w.external_key_id.is_some()) {
                    (true, _) => theme.selected,
                    (false, true) => theme.dim,
                    (false, false) => theme.text,
                };
                b.extend(text::hanging(
                    vec![
                        Span::raw(marker),
                        Span::styled(mark(w), theme.good),
                        Span::styled(format!("{:<name_width$}", w.name), name_style),
                        Span::styled(format!(" {:<id_width$}  ", w.id), theme.dim),
                    ],
                    &status,
                    style,
                    width,
                ));
            }
            WorkspaceRow::RegisterOnly => {
                let style = if selected { theme.selected } else { theme.text };
                b.push(Line::from(vec![
                    Span::raw(marker),
                    Span::styled("No workspace: register and validate the key only", style),
                ]));
            }
        };
        if selected { body.focused(add) } else { add(&mut body) }
    }
    body.blank();
    body.extend(text::hanging(vec![Span::styled(" › ", theme.dim)], &explain(ws, list), theme.dim, width));
    if marking {
        let names: Vec<&str> = list.iter().filter(|w| ws.is_marked(&w.id)).map(|w| w.name.as_str()).collect();
        let line = format!(
            "Marked for one key: {}. Enter goes on with them (each attach is confirmed on its own); Space \
             unmarks; a workspace created now joins them.",
            names.join(", ")
        );
        body.extend(text::hanging(vec![Span::styled(" › ", theme.good)], &line, theme.good, width));
    }
    if let Some(note) = ws.note() {
        body.extend(text::hanging(vec![Span::styled(" › ", theme.warn)], note, theme.warn, width));
    }
    body.draw(frame, area, theme, wizard.scroll())
}

fn add_name_field(wizard: &Wizard, theme: &Theme, body: &mut Body, width: usize) {
    let ws = wizard.workspace_screen();
    FieldView {
        label: "    Name",
        label_width: 8,
        field: ws.new_name(),
        focused: ws.is_editing_name() && wizard.busy() != Some(Work::CreateWorkspace),
        placeholder: "Enter, then type a name",
        box_width: MAX_WORKSPACE_NAME + 1,
        mark_valid: true,
        suffix: None,
    }
    .add_to(body, theme, width);
    if wizard.busy() == Some(Work::CreateWorkspace) {
        let doing = format!(
            "       {} creating workspace {}{}",
            text::spinner(wizard.spinner_frame()),
            ws.new_name().trimmed(),
            wizard.elapsed().map(|d| format!(" ({})", text::duration(d))).unwrap_or_default()
        );
        body.push(Line::from(Span::styled(doing, theme.warn)));
    }
    if let Some(e) = ws.create_error() {
        body.extend(text::error_lines("The workspace was not created", e, theme, width));
        body.extend(text::indented(4, "Enter tries again; Esc stops editing.", theme.dim, width));
    }
}

/// One or two sentences on the highlighted row.
fn explain(ws: &WorkspaceState, list: &[WorkspaceSummary]) -> String {
    if ws.is_editing_name() {
        return "Enter creates the workspace at once (it can be archived later). Esc stops editing.".into();
    }
    match ws.highlighted() {
        WorkspaceRow::CreateNew => "Recommended: nothing in a new workspace predates the key, so all of its data is \
                                    protected. Enter, then type its name."
            .into(),
        WorkspaceRow::RegisterOnly => "The key is registered with the organisation and validated, but protects no \
                                       workspace until it is attached (later, from this wizard or cmek setup)."
            .into(),
        WorkspaceRow::Existing(i) => match list.get(i) {
            Some(w) => WorkspaceState::refusal(w).unwrap_or_else(|| {
                format!(
                    "{} exists since {}: data written before the key takes effect (up to a day after attaching) \
                     stays under Anthropic-managed keys.",
                    w.name,
                    w.created_at.format("%Y-%m-%d")
                )
            }),
            None => String::new(),
        },
    }
}
