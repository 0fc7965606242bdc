//! Step 3 for Azure, Key: the vault (one of those the signed-in identity can see) and the key's
//! name in it (created when it does not exist, inspected and fixed when it does).

use crate::model::{AzureKeyName, AzureVaultRef, ProviderKind, VaultResourceId};
use crate::plan::{AzureAnswers, SetupAnswers};
use crate::wizard::overview::VaultSummary;

use super::field::TextField;
use super::msg::{Intent, KeyInput};
use super::screen::Screen;
use super::workspace::Target;
use super::{Notice, Wizard};

/// Which part of the Azure Key screen takes the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AzureKeyFocus {
    Vaults,
    KeyName,
}

#[derive(Debug, Clone)]
pub struct AzureKeyState {
    vault: usize,
    key_name: TextField,
    focus: AzureKeyFocus,
    /// The vault the answers named, until the vaults are known.
    prefilled_vault: Option<String>,
}

impl AzureKeyState {
    pub(super) fn new(vault: Option<&str>, key_name: Option<&str>) -> Self {
        let default_name = AzureAnswers::default_key_name();
        let mut key_name = TextField::new(key_name.unwrap_or(default_name.as_str()));
        key_name.validate(check_key_name);
        Self { vault: 0, key_name, focus: AzureKeyFocus::Vaults, prefilled_vault: vault.map(str::to_string) }
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

    /// Moves the highlight to the vault the answers named, once the list is known.
    pub(super) fn apply_prefill(&mut self, vaults: &[VaultSummary]) {
        let Some(wanted) = self.prefilled_vault.take() else { return };
        let Ok(wanted) = wanted.parse::<AzureVaultRef>() else { return };
        if let Some(i) = vaults.iter().position(|v| wanted.matches_name(&v.name)) {
            self.vault = i;
        }
    }
}

pub fn check_key_name(value: &str) -> Result<(), String> {
    AzureKeyName::parse(value).map(|_| ()).map_err(|e| e.to_string())
}

/// The answers an Azure run needs, from the wizard's choices over `options` (the flags without a
/// screen). Purge protection is never taken from them: it is typed on the Plan screen.
pub fn azure_answers_for(
    target: &Target,
    vault: &VaultSummary,
    key_name: AzureKeyName,
    display_name: Option<String>,
    options: AzureAnswers,
) -> SetupAnswers {
    let mut answers = super::checks::answers_for(
        target,
        None,
        crate::model::AwsRegion::recommended(),
        crate::model::KmsAliasName::default_alias(),
        display_name,
    );
    answers.provider = ProviderKind::Azure;
    answers.azure = AzureAnswers {
        vault: Some(match VaultResourceId::parse(&vault.id) {
            Ok(id) => AzureVaultRef::ResourceId(id),
            // ARM ids always parse; a name is the fallback the engine can still resolve.
            Err(_) => AzureVaultRef::Name(vault.name.clone()),
        }),
        key_name,
        confirm_purge_protection: None,
        ..options
    };
    answers
}

impl Wizard {
    /// The vaults the Key screen offers (empty until the overview is known).
    pub fn azure_vaults(&self) -> &[VaultSummary] {
        match self.welcome.overview().ready().map(|o| &o.azure) {
            Some(Ok(azure)) => &azure.vaults,
            _ => &[],
        }
    }

    pub fn azure_key_screen(&self) -> &AzureKeyState {
        &self.azure_keys
    }

    pub(super) fn azure_key_key(&mut self, key: KeyInput, out: &mut Vec<Intent>) {
        match self.azure_keys.focus {
            AzureKeyFocus::Vaults => {
                let count = self.azure_vaults().len();
                match key {
                    KeyInput::Up => self.azure_keys.vault = self.azure_keys.vault.saturating_sub(1),
                    KeyInput::Down => self.azure_keys.vault = (self.azure_keys.vault + 1).min(count.saturating_sub(1)),
                    KeyInput::Home => self.azure_keys.vault = 0,
                    KeyInput::End => self.azure_keys.vault = count.saturating_sub(1),
                    KeyInput::Tab | KeyInput::BackTab => self.azure_keys.focus = AzureKeyFocus::KeyName,
                    KeyInput::Enter | KeyInput::Right => self.choose_azure_key(out),
                    KeyInput::Esc | KeyInput::Left => self.screen = Screen::Workspace,
                    _ => {}
                }
            }
            AzureKeyFocus::KeyName => match key {
                KeyInput::Tab | KeyInput::BackTab | KeyInput::Esc => self.azure_keys.focus = AzureKeyFocus::Vaults,
                KeyInput::Enter => self.choose_azure_key(out),
                other => {
                    if self.azure_keys.key_name.edit(other) {
                        self.azure_keys.key_name.validate(check_key_name);
                    }
                }
            },
        }
    }

    fn choose_azure_key(&mut self, out: &mut Vec<Intent>) {
        let Some(vault) = self.azure_vaults().get(self.azure_keys.vault).cloned() else {
            self.notice =
                Some(Notice::error("No Key Vault is listed: go back (Esc) and press r on Welcome to look again."));
            return;
        };
        let name = match AzureKeyName::parse(self.azure_keys.key_name.trimmed()) {
            Ok(name) => name,
            Err(e) => {
                self.azure_keys.focus = AzureKeyFocus::KeyName;
                self.notice = Some(Notice::error(format!("Key name: {e}")));
                return;
            }
        };
        let target = self.target.clone().unwrap_or(Target::RegisterOnly);
        let options = self.prefill.azure_options.clone().unwrap_or_default();
        self.checks.set_answers(azure_answers_for(&target, &vault, name, self.display_name.clone(), options));
        self.screen = Screen::Checks;
        self.plan_again(out);
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
        let a = azure_answers_for(
            &Target::RegisterOnly,
            &vault("cmek-vault"),
            AzureKeyName::parse("anthropic-cmek").unwrap(),
            None,
            AzureAnswers::default(),
        );
        assert_eq!(a.provider, ProviderKind::Azure);
        assert!(matches!(&a.azure.vault, Some(AzureVaultRef::ResourceId(id)) if id.vault == "cmek-vault"));
        assert!(!a.azure.allow_public_access);
        assert_eq!(a.azure.confirm_purge_protection, None);
        assert_eq!(a.confirm_attach, None);
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
        let a = azure_answers_for(
            &Target::RegisterOnly,
            &vault("cmek-vault"),
            AzureKeyName::parse("claude-key").unwrap(),
            None,
            options,
        );
        assert_eq!((a.azure.key_size, a.azure.hsm, a.azure.allow_public_access), (4096, true, true));
        assert_eq!(a.azure.rbac_wait, std::time::Duration::from_secs(90));
        assert_eq!(a.azure.confirm_purge_protection, None, "typed on the Plan screen only");
        assert_eq!(a.azure.vault.as_ref().map(AzureVaultRef::vault_name), Some("cmek-vault"), "the screen's choice");
        assert_eq!(a.azure.key_name.as_str(), "claude-key");
    }

    #[test]
    fn a_prefilled_vault_is_highlighted_once_the_list_is_known() {
        let mut state = AzureKeyState::new(Some("https://second.vault.azure.net"), None);
        state.apply_prefill(&[vault("first"), vault("second")]);
        assert_eq!(state.highlighted_vault(), 1);
        assert!(state.key_name().is_valid(), "the default key name is valid");
        assert!(check_key_name("bad_name").is_err());
    }
}
