//! Step 1: what the wizard does and what is permanent, the organisation, each cloud's identity as
//! found, and the providers (the clouds this build sets up selectable, the others greyed with the
//! reason).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use cmek_core::wizard::{CloudState, Load, ProviderStatus, Viewport, Wizard};

use super::super::theme::Theme;
use super::body::Body;
use super::text;

const LABEL: usize = 13;

pub fn render(wizard: &Wizard, theme: &Theme, frame: &mut Frame, area: Rect) -> Viewport {
    let width = usize::from(area.width);
    let welcome = wizard.welcome();
    let mut body = Body::default();
    body.extend(text::indented(
        1,
        "cmek sets up a customer-managed encryption key (CMEK) for your Claude Platform organisation. It \
         inspects what exists, shows a plan, and changes nothing until you approve it.",
        theme.text,
        width,
    ));
    body.blank();
    match welcome.overview() {
        Load::Idle | Load::Loading => {
            let doing = format!(
                "{} looking up the organisation and the cloud credentials{}",
                text::spinner(wizard.spinner_frame()),
                wizard.elapsed().map(|d| format!(" ({})", text::duration(d))).unwrap_or_default()
            );
            body.extend(text::field_line("Organisation", LABEL, &doing, theme.warn, theme, width));
        }
        Load::Failed(e) => {
            body.extend(text::error_lines("The organisation could not be looked up", e, theme, width));
            body.extend(text::indented(4, "Press r (or Enter) to try again.", theme.dim, width));
        }
        Load::Ready(o) => {
            body.extend(text::field_line("Organisation", LABEL, &o.org_name, theme.strong, theme, width));
            body.extend(text::field_line("", LABEL, &o.org_uuid.to_string(), theme.dim, theme, width));
            for (kind, state) in &o.clouds {
                let label = cmek_core::clouds::get(*kind).map_or(kind.as_str(), |c| c.label());
                let (line, style) = match state {
                    CloudState::Ready(found) => (format!("✓ {}", found.summary()), theme.good),
                    CloudState::Unusable(why) => (format!("✗ not usable: {why}"), theme.bad),
                };
                body.extend(text::field_line(label, LABEL, &line, style, theme, width));
            }
        }
    }
    body.blank();
    body.push(Line::from(Span::styled(" Where should the key live?", theme.strong)));
    for kind in welcome.providers() {
        let status = welcome.provider_status(kind);
        let (state, state_style) = match &status {
            ProviderStatus::Waiting => ("…".to_string(), theme.dim),
            ProviderStatus::NotLookedUp => ("not looked up (the organisation comes first)".to_string(), theme.dim),
            ProviderStatus::Ready => ("ready".to_string(), theme.good),
            ProviderStatus::NeedsCredentials(_) => (
                cmek_core::clouds::get(kind).map_or("needs credentials", |c| c.needs_credentials().0).to_string(),
                theme.bad,
            ),
            ProviderStatus::NotSupported(why) => (why.clone(), theme.dim),
        };
        let selected = kind == welcome.highlighted();
        let name_style = match (&status, selected) {
            (_, true) => theme.selected,
            (ProviderStatus::NotSupported(_), false) => theme.dim,
            _ => theme.text,
        };
        let marker = if selected { " ▸ " } else { "   " };
        let add = |b: &mut Body| {
            b.extend(text::hanging(
                vec![
                    Span::raw(marker),
                    Span::styled(format!("{:<18}", kind.display_name()), name_style),
                    Span::raw(" "),
                ],
                &state,
                state_style,
                width,
            ))
        };
        if selected { body.focused(add) } else { add(&mut body) }
    }
    if let Some(note) = welcome.note() {
        body.blank();
        body.extend(text::hanging(vec![Span::styled(" › ", theme.warn)], note, theme.warn, width));
    }
    body.blank();
    body.extend(text::hanging(vec![Span::styled(" Permanent: ", theme.permanent)], &permanent(), theme.text, width));
    body.draw(frame, area, theme, wizard.scroll())
}

/// What can never be undone: the attach, and how each cloud's new key can (not) be taken back.
fn permanent() -> String {
    let mut undo = super::clouds::all().iter().map(|c| c.permanence()).collect::<Vec<_>>().join("; ");
    if let Some(first) = undo.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    format!(
        "attaching a key to a workspace can never be undone, so you will type the workspace's name to confirm it. \
         {undo}."
    )
}
