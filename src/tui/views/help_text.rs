//! What each screen is for and what its keys do, for the help overlay (`?`).

use cmek_core::model::ProviderKind;
use cmek_core::wizard::Screen;

/// A paragraph about the screen, then (keys, what they do).
pub fn for_screen(screen: Screen, provider: ProviderKind) -> (&'static str, &'static [(&'static str, &'static str)]) {
    match screen {
        Screen::Key if provider == ProviderKind::Azure => (
            "Choose the Key Vault (those your Azure sign-in can see) and the key's name in it. A missing key is \
             created (RSA 3072, wrapKey and unwrapKey only, the organisation tag); an existing one is checked and its \
             tags merged.",
            &[
                ("↑ ↓", "choose a vault"),
                ("Tab", "edit the key name, then back to the vaults"),
                ("Enter", "check the vault and key"),
                ("Esc ←", "leave the field / back"),
            ],
        ),
        Screen::Welcome => (
            "Shows the organisation and the AWS and Azure identities cmek found, and lets you choose where the key \
             lives: AWS KMS or Azure Key Vault (Google Cloud KMS is not set up by this version).",
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
        Screen::Key => (
            "Create a new key (in Region, under Alias), or use an existing one: found under the alias, or typed as an \
             ARN, key id or alias. Values are checked as you type.",
            &[
                ("↑ ↓", "choose"),
                ("Tab", "edit Region, then Alias"),
                ("Enter", "select; in a field, move on"),
                ("r", "look for existing keys again"),
                ("Esc ←", "leave the field / back"),
            ],
        ),
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
