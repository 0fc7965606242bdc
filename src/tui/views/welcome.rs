//! Step 1: what the wizard does and what is permanent, the organisation, the AWS and Azure
//! identities found, and the providers (AWS and Azure selectable, Google Cloud greyed with the reason).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use cmek_core::wizard::{Load, ProviderStatus, Wizard};

use super::super::theme::Theme;
use super::body::Body;
use super::text;

const LABEL: usize = 13;

pub fn render(wizard: &Wizard, theme: &Theme, frame: &mut Frame, area: Rect) {
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
            match &o.aws_identity {
                Ok(id) => body.extend(text::field_line(
                    "AWS",
                    LABEL,
                    &format!("✓ {} (account {})", id.arn, id.account),
                    theme.good,
                    theme,
                    width,
                )),
                Err(why) => body.extend(text::field_line(
                    "AWS",
                    LABEL,
                    &format!("✗ not usable: {why}"),
                    theme.bad,
                    theme,
                    width,
                )),
            }
            let azure = match &o.azure {
                Ok(az) => (
                    format!(
                        "✓ tenant {}{}, {} Key Vault{} in reach",
                        az.caller.tenant_id,
                        az.credential_source.as_deref().map(|s| format!(" via {s}")).unwrap_or_default(),
                        az.vaults.len(),
                        if az.vaults.len() == 1 { "" } else { "s" }
                    ),
                    theme.good,
                ),
                Err(why) => (format!("✗ not usable: {why}"), theme.bad),
            };
            body.extend(text::field_line("Azure", LABEL, &azure.0, azure.1, theme, width));
        }
    }
    body.blank();
    body.push(Line::from(Span::styled(" Where should the key live?", theme.strong)));
    for kind in welcome.providers() {
        let status = welcome.provider_status(kind);
        let (state, state_style) = match &status {
            ProviderStatus::Waiting => ("…".to_string(), theme.dim),
            ProviderStatus::Ready => ("ready".to_string(), theme.good),
            ProviderStatus::NeedsCredentials(_) if kind == cmek_core::model::ProviderKind::Azure => {
                ("needs an Azure sign-in that sees a vault: set it up, then press r".to_string(), theme.bad)
            }
            ProviderStatus::NeedsCredentials(_) => {
                ("needs AWS credentials: set them up, then press r".to_string(), theme.bad)
            }
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
    body.extend(text::hanging(
        vec![Span::styled(" Permanent: ", theme.permanent)],
        "attaching a key to a workspace can never be undone, so you will type the workspace's name to confirm it. \
         A new KMS key can only be scheduled for deletion (7 to 30 days), never removed at once; a deleted Key Vault \
         key stays recoverable for the vault's retention period.",
        theme.text,
        width,
    ));
    body.draw(frame, area, theme);
}
