//! Step 3 for Google Cloud: the project, the US region, the key ring, and the key: a new one, or
//! one of those the ring already holds (with what keeps it from serving CMEK).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use cmek_core::wizard::gcp::{GcpKeyFocus, GcpKeyRow, GcpKeyScreen};
use cmek_core::wizard::{Load, Viewport, Wizard};

use crate::tui::theme::Theme;
use crate::tui::views::body::Body;
use crate::tui::views::field::FieldView;
use crate::tui::views::text;

const LABEL: usize = 9;

pub fn render(wizard: &Wizard, theme: &Theme, frame: &mut Frame, area: Rect) -> Viewport {
    let width = usize::from(area.width);
    let Some(k) = wizard.key_screen().and_then(|k| k.downcast_ref::<GcpKeyScreen>()) else {
        return Viewport::default();
    };
    let mut body = Body::default();
    body.push(Line::from(Span::styled(" Where is the key?", theme.strong)));
    let field = |label, field, focus, placeholder, body: &mut Body| {
        FieldView {
            label,
            label_width: LABEL,
            field,
            focused: k.focus() == focus,
            placeholder,
            box_width: 40,
            mark_valid: true,
            suffix: None,
        }
        .add_to(body, theme, width);
    };
    field("Project", k.project(), GcpKeyFocus::Project, "my-project-id", &mut body);
    let region_focused = k.focus() == GcpKeyFocus::Location;
    let region = Line::from(vec![
        Span::styled(format!("  {:<LABEL$} ", "Region"), if region_focused { theme.selected } else { theme.text }),
        Span::styled(if region_focused { "‹" } else { " " }, theme.accent),
        Span::styled(k.location(), if region_focused { theme.selected } else { theme.text }),
        Span::styled(if region_focused { "›" } else { " " }, theme.accent),
        Span::styled("  US regions only (← →)", theme.dim),
    ]);
    if region_focused {
        body.focused(|b| b.push(region))
    } else {
        body.push(region)
    }
    field("Key ring", k.key_ring(), GcpKeyFocus::KeyRing, "anthropic-cmek", &mut body);
    field("Key", k.key(), GcpKeyFocus::Key, "anthropic-cmek", &mut body);
    if let Some(note) = k.note() {
        body.extend(text::hanging(vec![Span::styled(" › ", theme.warn)], note, theme.warn, width));
    }
    body.blank();

    body.push(Line::from(Span::styled(" Which key?", theme.strong)));
    let ring = k.asked_for().map(|a| a.key_ring_name());
    let ring_exists = match k.candidates() {
        Load::Ready(found) => found.ring_exists,
        _ => true,
    };
    let org = wizard.overview().map(|o| o.org_uuid);
    for row in k.rows() {
        let highlighted = row == k.highlighted();
        let selected = highlighted && k.focus() == GcpKeyFocus::Choices;
        let marker = if highlighted { " ▸ " } else { "   " };
        let (name, detail, detail_style) = match row {
            GcpKeyRow::CreateNew => (
                format!("Create key {}", k.key().trimmed()),
                format!(
                    "{}{}, ENCRYPT_DECRYPT, rotated every 90 days, labelled for the organisation",
                    if ring_exists { "" } else { "and its key ring; " },
                    k.protection().api_name()
                ),
                theme.dim,
            ),
            GcpKeyRow::Candidate(i) => {
                let Some(c) = k.keys().get(i) else { continue };
                let concerns = c.concerns();
                let labelled = org.as_ref().is_some_and(|o| c.labelled_for(o));
                let mut facts = vec![
                    c.purpose.clone(),
                    c.protection_level.clone().unwrap_or_else(|| "protection ?".into()),
                    format!("primary {}", c.primary_state.as_deref().unwrap_or("none")),
                ];
                facts.push(if labelled { "labelled".into() } else { "label to add".into() });
                if concerns.is_empty() {
                    (format!("Use key {}", c.name.key), facts.join(", "), theme.dim)
                } else {
                    (format!("Use key {}", c.name.key), format!("cannot serve: {}", concerns.join("; ")), theme.bad)
                }
            }
        };
        let add = |b: &mut Body| {
            b.extend(text::hanging(
                vec![
                    Span::raw(marker),
                    Span::styled(name.clone(), if selected { theme.selected } else { theme.text }),
                    Span::raw("  "),
                ],
                &detail,
                detail_style,
                width,
            ))
        };
        if selected { body.focused(add) } else { add(&mut body) }
    }
    match (k.candidates(), &ring) {
        (Load::Loading, Some(ring)) => body.push(Line::from(Span::styled(
            format!("   {} looking in {ring}", text::spinner(wizard.spinner_frame())),
            theme.dim,
        ))),
        (Load::Failed(e), _) => body.extend(text::hanging(
            vec![Span::styled("   ✗ ", theme.bad)],
            &format!("the key ring's keys could not be listed: {} (r looks again)", e.message),
            theme.bad,
            width,
        )),
        (Load::Ready(found), Some(ring)) if !found.ring_exists => body.extend(text::indented(
            3,
            &format!("{ring} does not exist yet: it is created with the key (key rings are permanent)."),
            theme.dim,
            width,
        )),
        _ => {}
    }
    body.blank();
    body.extend(text::hanging(
        vec![Span::styled(" › ", theme.dim)],
        "The next step checks the key: its purpose and protection level, its primary version, the organisation \
         label, and the two roles Anthropic's service account needs on the key itself.",
        theme.dim,
        width,
    ));
    body.draw(frame, area, theme, wizard.scroll())
}
