//! What each screen is for and what its keys do in the state it is in, for the help overlay
//! (`?`). The Key screen's is the chosen cloud's (`views/<cloud>`).

use std::borrow::Cow;

use cmek_core::clouds;
use cmek_core::model::ProviderKind;
use cmek_core::wizard::{PlanTab, Screen, Validation, Wizard, Work};

/// A paragraph about the screen, then (keys, what they do): only keys that work in the state
/// the wizard is in (a consent's key when one is offered, the policy tab when there is a policy,
/// scrolling where the screen scrolls).
pub fn for_screen(wizard: &Wizard) -> (Cow<'static, str>, Vec<(String, String)>) {
    let screen = wizard.screen();
    let (about, fixed_keys) = match (screen, super::clouds::get(wizard.provider())) {
        (Screen::Key, Some(views)) => views.key_help(),
        _ => fixed(screen),
    };
    let about = match screen {
        Screen::Welcome => Cow::Owned(welcome()),
        _ => Cow::Borrowed(about),
    };
    let own = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs.iter().map(|(k, w)| (k.to_string(), w.to_string())).collect()
    };
    let mut keys = match screen {
        Screen::Checks => {
            let mut keys = own(fixed_keys);
            if let Some(a) = wizard.checks().approval() {
                keys.insert(2, (a.key.to_string(), format!("{} (a consent for this run)", a.hint)));
            }
            keys
        }
        Screen::Plan => plan_keys(wizard),
        Screen::Apply => own(apply_keys(wizard)),
        Screen::Validate => own(validate_keys(wizard)),
        _ => own(fixed_keys),
    };
    if let Some((k, what)) = wizard.scroll_keys() {
        keys.push((k.to_string(), what.to_string()));
    }
    (about, keys)
}

fn plan_keys(wizard: &Wizard) -> Vec<(String, String)> {
    let mut keys = Vec::new();
    let with_document = wizard.checks().plan().and_then(|p| p.document_name);
    if let Some(document) = with_document {
        keys.push(("Tab".to_string(), format!("steps / {}", document.to_lowercase())));
        if wizard.review().tab() == PlanTab::Policy {
            keys.push(("↑ ↓ PgUp PgDn Home End".into(), format!("scroll the {}", document.to_lowercase())));
        }
    }
    if let Some(c) = wizard.pending_confirmation() {
        keys.push((c.key.to_string(), c.hint.to_string()));
    }
    keys.push(("Enter".into(), "apply (asks y/n first)".into()));
    keys.push(("Esc ←".into(), "back to the checks".into()));
    keys
}

fn apply_keys(wizard: &Wizard) -> &'static [(&'static str, &'static str)] {
    if wizard.busy() == Some(Work::Apply) {
        &[("q", "stop waiting (asks; the step in progress may still finish)")]
    } else if wizard.apply_progress().report().is_some() {
        &[("r Enter", "check and plan again"), ("Esc ←", "back to the Key step")]
    } else {
        &[]
    }
}

fn validate_keys(wizard: &Wizard) -> &'static [(&'static str, &'static str)] {
    match wizard.validation() {
        Some(Validation::Waiting(w)) if w.stopping => &[],
        Some(Validation::Waiting(_)) => &[("Esc s", "stop waiting (nothing is undone)")],
        Some(Validation::Passed) => &[("Enter →", "continue (to attaching, when offered)")],
        Some(Validation::Failed { .. }) if wizard.likely_causes().len() > 1 => {
            &[("↑ ↓", "choose a likely cause"), ("r", "check and plan again"), ("Enter", "finish without attaching")]
        }
        Some(Validation::Failed { .. }) => &[("r", "check and plan again"), ("Enter", "finish without attaching")],
        None => &[],
    }
}

/// Welcome's paragraph: the identities looked up and the clouds to choose from.
fn welcome() -> String {
    let supported = clouds::all();
    let labels: Vec<&str> = supported.iter().map(|c| c.label()).collect();
    let names: Vec<&str> = supported.iter().map(|c| c.kind().display_name()).collect();
    let others: Vec<&str> =
        ProviderKind::ALL.iter().filter(|k| clouds::get(**k).is_none()).map(|k| k.display_name()).collect();
    let not_yet = match others.as_slice() {
        [] => String::new(),
        [one] => format!(" ({one} is not set up by this version)"),
        many => format!(" ({} are not set up by this version)", many.join(", ")),
    };
    format!(
        "Shows the organisation and the {} identities cmek found, and lets you choose where the key lives: {}{not_yet}.",
        labels.join(" and "),
        names.join(" or ")
    )
}

/// The screens whose help does not depend on the cloud (Welcome's paragraph is `welcome`).
fn fixed(screen: Screen) -> (&'static str, &'static [(&'static str, &'static str)]) {
    match screen {
        Screen::Welcome => (
            "",
            &[
                ("↑ ↓", "choose a provider"),
                ("Enter", "continue with it"),
                ("r", "look up the organisation and credentials again"),
            ],
        ),
        Screen::Workspace => (
            "Choose the workspace the key will protect. A new workspace is recommended: a key attached to a workspace \
             in use protects only data written after it takes effect. A workspace that already has a key cannot take \
             another.",
            &[
                ("↑ ↓", "choose"),
                ("Enter", "select; on \"Create\", type the name, Enter creates it"),
                ("Esc ←", "back"),
            ],
        ),
        Screen::Key => ("Choose where the key is.", &[("Esc ←", "back")]),
        Screen::Checks => (
            "cmek inspected the organisation and the key (read-only) and checked that Anthropic will be able to use \
             it. A failed blocking check must be fixed before anything is changed.",
            &[
                ("↑ ↓", "choose a check"),
                ("Enter →", "show what was seen and the fix"),
                ("r", "check again"),
                ("Esc ←", "back"),
            ],
        ),
        Screen::Plan => (
            "Every step the run will take, whether it can be undone, and the key policy it writes. Nothing changes \
             until you answer y.",
            &[],
        ),
        Screen::Apply => (
            "The plan is being applied step by step. Once changes start there is no going back; a stopped run can be \
             checked and tried again, and finished steps are not repeated.",
            &[],
        ),
        Screen::Validate => (
            "The platform tried to encrypt and decrypt with the key. When it could not, the checks that were not a \
             clean pass are the likely causes. On Azure, a new role assignment takes minutes to take effect: \
             validation then waits with growing pauses (at most the configured time) and says so.",
            &[],
        ),
        Screen::Attach => (
            "Attaching is permanent: the key can never be detached or replaced. Type the workspace's exact name to \
             confirm. While typing, q and ? are letters: Ctrl-C quits.",
            &[("Enter", "attach when the name matches"), ("Esc", "skip attaching"), ("Ctrl-C", "quit")],
        ),
        Screen::Summary => {
            ("What this run did, and the command that repeats it without the wizard.", &[("Enter Esc q", "exit")])
        }
    }
}
