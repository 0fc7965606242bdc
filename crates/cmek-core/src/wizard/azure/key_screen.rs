//! Step 3 for Azure, Key: the vault (one of those the signed-in identity can see) and the key's
//! name in it (created when it does not exist, inspected and fixed when it does).

use crate::error::Error;
use crate::model::ProviderKind;
use crate::model::azure::{AzureKeyName, AzureVaultRef, VaultResourceId};
use crate::plan::azure::AzureAnswers;
use crate::wizard::cloud::{CloudOverview, CloudQuestion, CloudReply, KeyScreen, KeyScreenAction};
use crate::wizard::field::TextField;
use crate::wizard::hints::{CTRL_C, HELP, KeyHint, QUIT, hint, minor};
use crate::wizard::msg::KeyInput;
use crate::wizard::{Notice, Prefill};

use super::{AzureOverview, VaultSummary};

/// Which part of the Azure Key screen takes the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AzureKeyFocus {
    Vaults,
    KeyName,
}

#[derive(Debug, Clone)]
pub struct AzureKeyScreen {
    vault: usize,
    key_name: TextField,
    focus: AzureKeyFocus,
    /// The vault the answers named, until the vaults are known.
    prefilled_vault: Option<String>,
    /// The flags without a screen of their own (key size, HSM, the public-access approval, the
    /// RBAC wait), as the front end parsed them; purge protection is never taken from them.
    options: AzureAnswers,
}

impl AzureKeyScreen {
    /// The screen as the answers' `azure_vault`, `azure_key` and parsed options pre-fill it.
    pub fn new(prefill: &Prefill) -> Self {
        let default_name = AzureAnswers::default_key_name();
        let mut key_name = TextField::new(prefill.value("azure_key").unwrap_or(default_name.as_str()));
        key_name.validate(check_key_name);
        let options = prefill.options::<AzureAnswers>().cloned().unwrap_or_default();
        Self {
            vault: 0,
            key_name,
            focus: AzureKeyFocus::Vaults,
            prefilled_vault: prefill.value("azure_vault").map(str::to_string),
            options,
        }
    }

    pub fn highlighted_vault(&self) -> usize {
        self.vault
    }

    pub fn key_name(&self) -> &TextField {
        &self.key_name
    }

    pub fn focus(&self) -> AzureKeyFocus {
        self.focus
    }

    fn choose(&mut self, vaults: &[VaultSummary]) -> Vec<KeyScreenAction> {
        let Some(vault) = vaults.get(self.vault) else {
            return vec![notice("No Key Vault is listed: go back (Esc) and press r on Welcome to look again.".into())];
        };
        let name = match AzureKeyName::parse(self.key_name.trimmed()) {
            Ok(name) => name,
            Err(e) => {
                self.focus = AzureKeyFocus::KeyName;
                return vec![notice(format!("Key name: {e}"))];
            }
        };
        vec![KeyScreenAction::Chosen(Box::new(answers_for(vault, name, self.options.clone())))]
    }
}

pub fn check_key_name(value: &str) -> Result<(), String> {
    AzureKeyName::parse(value).map(|_| ()).map_err(|e| e.to_string())
}

/// The answers an Azure run needs, from the screen's choices over `options` (the flags without a
/// screen). Purge protection is never taken from them: it is typed on the Plan screen.
pub fn answers_for(vault: &VaultSummary, key_name: AzureKeyName, options: AzureAnswers) -> AzureAnswers {
    AzureAnswers {
        vault: Some(match VaultResourceId::parse(&vault.id) {
            Ok(id) => AzureVaultRef::ResourceId(id),
            // ARM ids always parse; a name is the fallback the engine can still resolve.
            Err(_) => AzureVaultRef::Name(vault.name.clone()),
        }),
        key_name,
        confirm_purge_protection: None,
        ..options
    }
}

fn notice(text: String) -> KeyScreenAction {
    KeyScreenAction::Notice(Notice::error(text))
}

/// The vaults the Key screen offers (none until the overview is known).
pub fn vaults(overview: Option<&dyn CloudOverview>) -> &[VaultSummary] {
    overview.and_then(|o| o.downcast_ref::<AzureOverview>()).map_or(&[], |a| a.vaults.as_slice())
}

impl KeyScreen for AzureKeyScreen {
    fn provider(&self) -> ProviderKind {
        ProviderKind::Azure
    }

    /// Moves the highlight to the vault the answers named, once the list is known.
    fn on_overview(&mut self, overview: Option<&dyn CloudOverview>) {
        let vaults = vaults(overview);
        if vaults.is_empty() {
            return;
        }
        let Some(wanted) = self.prefilled_vault.take() else { return };
        let Ok(wanted) = wanted.parse::<AzureVaultRef>() else { return };
        if let Some(i) = vaults.iter().position(|v| wanted.matches_name(&v.name)) {
            self.vault = i;
        }
    }

    fn shown(&mut self) -> Option<Box<dyn CloudQuestion>> {
        None
    }

    fn on_key(&mut self, key: KeyInput, overview: Option<&dyn CloudOverview>) -> Vec<KeyScreenAction> {
        let vaults = vaults(overview);
        match self.focus {
            AzureKeyFocus::Vaults => match key {
                KeyInput::Up => self.vault = self.vault.saturating_sub(1),
                KeyInput::Down => self.vault = (self.vault + 1).min(vaults.len().saturating_sub(1)),
                KeyInput::Home => self.vault = 0,
                KeyInput::End => self.vault = vaults.len().saturating_sub(1),
                KeyInput::Tab | KeyInput::BackTab => self.focus = AzureKeyFocus::KeyName,
                KeyInput::Enter | KeyInput::Right => return self.choose(vaults),
                KeyInput::Esc | KeyInput::Left => return vec![KeyScreenAction::Back],
                _ => {}
            },
            AzureKeyFocus::KeyName => match key {
                KeyInput::Tab | KeyInput::BackTab | KeyInput::Esc => self.focus = AzureKeyFocus::Vaults,
                KeyInput::Enter => return self.choose(vaults),
                other => {
                    if self.key_name.edit(other) {
                        self.key_name.validate(check_key_name);
                    }
                }
            },
        }
        Vec::new()
    }

    fn on_reply(&mut self, _reply: Result<Box<dyn CloudReply>, Error>) {}

    fn is_typing(&self) -> bool {
        self.focus == AzureKeyFocus::KeyName
    }

    fn hints(&self) -> Vec<KeyHint> {
        match self.focus {
            AzureKeyFocus::KeyName => {
                vec![hint("type", "key name"), hint("Enter", "check"), hint("Tab/Esc", "vaults"), CTRL_C]
            }
            AzureKeyFocus::Vaults => vec![
                minor("↑↓", "vault"),
                hint("Tab", "key name"),
                hint("Enter", "check"),
                hint("Esc", "back"),
                HELP,
                QUIT,
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vault(name: &str) -> VaultSummary {
        VaultSummary {
            name: name.into(),
            uri: format!("https://{name}.vault.azure.net/"),
            id: format!(
                "/subscriptions/3c8e1a9f-7d42-4b61-9e0a-6f5b2c1d8e47/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/{name}"
            ),
            location: "eastus2".into(),
            tenant_id: "5f2b6b2e-0c1d-4c7a-9a43-2a1b3c4d5e6f".into(),
        }
    }

    #[test]
    fn answers_name_the_vault_by_its_resource_id_and_keep_the_safe_defaults() {
        let a =
            answers_for(&vault("cmek-vault"), AzureKeyName::parse("anthropic-cmek").unwrap(), AzureAnswers::default());
        assert!(matches!(&a.vault, Some(AzureVaultRef::ResourceId(id)) if id.vault == "cmek-vault"));
        assert!(!a.allow_public_access);
        assert_eq!(a.confirm_purge_protection, None);
    }

    #[test]
    fn flag_options_carry_over_but_never_a_purge_confirmation() {
        let options = AzureAnswers {
            key_size: 4096,
            hsm: true,
            allow_public_access: true,
            rbac_wait: std::time::Duration::from_secs(90),
            confirm_purge_protection: Some("cmek-vault".into()),
            vault: Some(AzureVaultRef::Name("other-vault".into())),
            ..AzureAnswers::default()
        };
        let a = answers_for(&vault("cmek-vault"), AzureKeyName::parse("claude-key").unwrap(), options);
        assert_eq!((a.key_size, a.hsm, a.allow_public_access), (4096, true, true));
        assert_eq!(a.rbac_wait, std::time::Duration::from_secs(90));
        assert_eq!(a.confirm_purge_protection, None, "typed on the Plan screen only");
        assert_eq!(a.vault.as_ref().map(AzureVaultRef::vault_name), Some("cmek-vault"), "the screen's choice");
        assert_eq!(a.key_name.as_str(), "claude-key");
    }

    #[test]
    fn a_prefilled_vault_is_highlighted_once_the_list_is_known() {
        let mut prefill = Prefill::default();
        prefill.values.insert("azure_vault".into(), "https://second.vault.azure.net".into());
        let mut state = AzureKeyScreen::new(&prefill);
        let overview = AzureOverview {
            caller: crate::model::azure::AzureCallerIdentity { tenant_id: "t".into(), object_id: None, app_id: None },
            credential_source: None,
            vaults: vec![vault("first"), vault("second")],
        };
        state.on_overview(Some(&overview));
        assert_eq!(state.highlighted_vault(), 1);
        assert!(state.key_name().is_valid(), "the default key name is valid");
        assert!(check_key_name("bad_name").is_err());
    }
}
