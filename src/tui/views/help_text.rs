//! What each screen is for and what its keys do, for the help overlay (`?`). The Key screen's is
//! the chosen cloud's (`views/<cloud>`).

use std::borrow::Cow;

use cmek_core::clouds;
use cmek_core::model::ProviderKind;
use cmek_core::wizard::Screen;

/// A paragraph about the screen, then (keys, what they do).
pub fn for_screen(
    screen: Screen,
    provider: ProviderKind,
) -> (Cow<'static, str>, &'static [(&'static str, &'static str)]) {
    let (about, keys) = match (screen, super::clouds::get(provider)) {
        (Screen::Key, Some(views)) => views.key_help(),
        _ => fixed(screen),
    };
    match screen {
        Screen::Welcome => (Cow::Owned(welcome()), keys),
        _ => (Cow::Borrowed(about), keys),
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
            &[
                ("Tab", "steps / key policy"),
                ("↑ ↓ PgUp PgDn", "scroll the policy"),
                ("Enter", "apply (asks y/n)"),
                ("Esc ←", "back"),
            ],
        ),
        Screen::Apply => (
            "The plan is being applied step by step. Once changes start there is no going back; a stopped run can be \
             checked and tried again, and finished steps are not repeated.",
            &[
                ("r Enter", "after a stop: check and plan again"),
                ("Esc", "after a stop: back to the Key step"),
                ("q", "stop waiting (asks)"),
            ],
        ),
        Screen::Validate => (
            "The platform tried to encrypt and decrypt with the key. When it could not, the checks that were not a \
             clean pass are the likely causes. On Azure, a new role assignment takes minutes to take effect: \
             validation then waits with growing pauses (at most the configured time) and says so.",
            &[
                ("Enter", "continue (or finish after a failure)"),
                ("r", "after a failure: check and plan again"),
                ("Esc", "while waiting for a role assignment: stop waiting"),
            ],
        ),
        Screen::Attach => (
            "Attaching is permanent: the key can never be detached or replaced. Type the workspace's exact name to \
             confirm. While typing, q and ? are letters: Ctrl-C quits.",
            &[("Enter", "attach when the name matches"), ("Esc", "skip attaching"), ("Ctrl-C", "quit")],
        ),
        Screen::Summary => {
            ("What this run did, and the command that repeats it without the wizard.", &[("Enter q", "exit")])
        }
    }
}
