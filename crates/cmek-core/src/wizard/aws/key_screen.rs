//! Step 3 for AWS, Key: create a new key (region and alias, validated as typed) or use an existing
//! one (a candidate found under the alias, or a typed ARN, key id or alias).

use crate::error::Error;
use crate::identities;
use crate::model::ProviderKind;
use crate::model::aws::{AwsKeyRef, AwsRegion, KmsAliasName};
use crate::plan::aws::AwsAnswers;
use crate::wizard::cloud::{CloudOverview, CloudQuestion, CloudReply, KeyScreen, KeyScreenAction};
use crate::wizard::field::TextField;
use crate::wizard::hints::{CTRL_C, HELP, KeyHint, QUIT, hint, minor};
use crate::wizard::load::Load;
use crate::wizard::msg::KeyInput;
use crate::wizard::{Notice, Prefill};

use super::typed_values::{check_alias, check_key_ref, check_region};
use super::{KeyCandidate, KeysFound, KeysUnderAlias};

/// One row of the key choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyRow {
    /// Create a new key under the alias, in the region.
    CreateNew,
    /// `candidates[i]`.
    Candidate(usize),
    /// A key the user types: ARN, key id, or alias.
    Typed,
}

/// Which part of the Key screen takes the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyFocus {
    Choices,
    Region,
    Alias,
    Typed,
}

#[derive(Debug, Clone)]
pub struct AwsKeyScreen {
    region: TextField,
    alias: TextField,
    typed: TextField,
    focus: KeyFocus,
    row: KeyRow,
    candidates: Load<Vec<KeyCandidate>>,
    /// The region and alias the candidates were asked for.
    asked_for: Option<(AwsRegion, KmsAliasName)>,
    /// The key the answers named, until the candidates are known.
    prefilled_key: Option<AwsKeyRef>,
}

impl AwsKeyScreen {
    /// The screen as the answers' `key`, `region` and `alias` pre-fill it (raw text: a bad value
    /// shows as an error under its field).
    pub fn new(prefill: &Prefill) -> Self {
        let key = prefill.value("key");
        let mut state = Self {
            region: TextField::new(prefill.value("region").unwrap_or(identities::published().aws.default_region())),
            alias: TextField::new(prefill.value("alias").unwrap_or(KmsAliasName::DEFAULT)),
            typed: TextField::new(key.unwrap_or_default()),
            focus: KeyFocus::Choices,
            row: if key.is_some() { KeyRow::Typed } else { KeyRow::CreateNew },
            candidates: Load::Idle,
            asked_for: None,
            prefilled_key: key.and_then(|k| k.parse().ok()),
        };
        state.region.validate(check_region);
        state.alias.validate(check_alias);
        state.typed.validate(check_key_ref);
        state
    }

    pub fn region(&self) -> &TextField {
        &self.region
    }

    pub fn alias(&self) -> &TextField {
        &self.alias
    }

    pub fn typed(&self) -> &TextField {
        &self.typed
    }

    pub fn focus(&self) -> KeyFocus {
        self.focus
    }

    pub fn highlighted(&self) -> KeyRow {
        self.row
    }

    pub fn candidates(&self) -> &Load<Vec<KeyCandidate>> {
        &self.candidates
    }

    /// The region and alias the candidates shown were looked up for.
    pub fn asked_for(&self) -> Option<&(AwsRegion, KmsAliasName)> {
        self.asked_for.as_ref()
    }

    /// The rows in display order.
    pub fn rows(&self) -> Vec<KeyRow> {
        let mut rows = vec![KeyRow::CreateNew];
        if let Load::Ready(found) = &self.candidates {
            rows.extend((0..found.len()).map(KeyRow::Candidate));
        }
        rows.push(KeyRow::Typed);
        rows
    }

    /// Replaces the candidates with `load` (not a list); a highlighted candidate goes with them.
    fn forget_candidates(&mut self, load: Load<Vec<KeyCandidate>>) {
        if let KeyRow::Candidate(_) = self.row {
            self.row = KeyRow::CreateNew;
        }
        self.candidates = load;
    }

    fn parsed_region(&self) -> Option<AwsRegion> {
        self.region.trimmed().parse().ok().filter(|_| self.region.is_valid())
    }

    fn parsed_alias(&self) -> Option<KmsAliasName> {
        self.alias.trimmed().parse().ok().filter(|_| self.alias.is_valid())
    }

    /// The candidate the alias field already names, if one was found: creating would reuse it.
    pub fn alias_taken_by(&self) -> Option<&KeyCandidate> {
        let alias = self.parsed_alias()?;
        self.candidates.ready()?.iter().find(|c| c.alias.as_ref() == Some(&alias))
    }

    /// Asks for the keys the alias names, when the region and alias are valid and new.
    fn refresh_candidates(&mut self, force: bool) -> Option<KeyScreenAction> {
        let (Some(region), Some(alias)) = (self.parsed_region(), self.parsed_alias()) else { return None };
        let wanted = (region.clone(), alias.clone());
        let known = self.asked_for.as_ref() == Some(&wanted) && !matches!(self.candidates, Load::Failed(_));
        if known && !force {
            return None;
        }
        self.asked_for = Some(wanted);
        self.forget_candidates(Load::Loading);
        Some(KeyScreenAction::Ask(Box::new(KeysUnderAlias { region, alias })))
    }

    fn choices_key(&mut self, key: KeyInput) -> Vec<KeyScreenAction> {
        let rows = self.rows();
        let at = rows.iter().position(|r| *r == self.row).unwrap_or(0);
        match key {
            KeyInput::Up => self.row = rows[at.saturating_sub(1)],
            KeyInput::Down => self.row = rows[(at + 1).min(rows.len() - 1)],
            KeyInput::Home => self.row = rows[0],
            KeyInput::End => self.row = rows[rows.len() - 1],
            KeyInput::Tab => self.focus = KeyFocus::Region,
            KeyInput::BackTab => self.focus = KeyFocus::Alias,
            KeyInput::Char('r') => return self.refresh_candidates(true).into_iter().collect(),
            KeyInput::Enter | KeyInput::Right => return self.choose_row(),
            KeyInput::Esc | KeyInput::Left => return vec![KeyScreenAction::Back],
            _ => {}
        }
        Vec::new()
    }

    fn setting_key(&mut self, key: KeyInput) -> Vec<KeyScreenAction> {
        let on_region = self.focus == KeyFocus::Region;
        match key {
            KeyInput::Enter | KeyInput::Tab => {
                self.focus = if on_region { KeyFocus::Alias } else { KeyFocus::Choices };
                return self.refresh_candidates(false).into_iter().collect();
            }
            KeyInput::BackTab => {
                self.focus = if on_region { KeyFocus::Choices } else { KeyFocus::Region };
                return self.refresh_candidates(false).into_iter().collect();
            }
            KeyInput::Esc | KeyInput::Up | KeyInput::Down => {
                self.focus = KeyFocus::Choices;
                return self.refresh_candidates(false).into_iter().collect();
            }
            other if on_region => {
                if self.region.edit(other) {
                    self.region.validate(check_region);
                }
            }
            other => {
                if self.alias.edit(other) {
                    self.alias.validate(check_alias);
                }
            }
        }
        Vec::new()
    }

    fn typed_key(&mut self, key: KeyInput) -> Vec<KeyScreenAction> {
        match key {
            KeyInput::Enter => return self.use_typed_key(),
            KeyInput::Esc | KeyInput::Tab | KeyInput::BackTab | KeyInput::Up | KeyInput::Down => {
                self.focus = KeyFocus::Choices;
            }
            other => {
                if self.typed.edit(other) {
                    self.typed.validate(check_key_ref);
                }
            }
        }
        Vec::new()
    }

    /// Refuses to go on while the region or alias is not valid, naming the field and moving there.
    fn settings_or_refuse(&mut self) -> Result<(AwsRegion, KmsAliasName), KeyScreenAction> {
        let invalid = [(&self.region, "Region", KeyFocus::Region), (&self.alias, "Alias", KeyFocus::Alias)]
            .into_iter()
            .find(|(field, _, _)| !field.is_valid())
            .map(|(field, name, focus)| {
                (name, field.error().map_or_else(|| "it is empty".to_string(), str::to_string), focus)
            });
        if let Some((name, why, focus)) = invalid {
            self.focus = focus;
            return Err(notice(format!("{name}: {why}. Fix it (Tab moves there), then try again.")));
        }
        match (self.parsed_region(), self.parsed_alias()) {
            (Some(region), Some(alias)) => Ok((region, alias)),
            _ => Err(notice("Region and Alias must both be valid.".to_string())),
        }
    }

    fn choose_row(&mut self) -> Vec<KeyScreenAction> {
        match self.row {
            KeyRow::Typed => {
                self.focus = KeyFocus::Typed;
                Vec::new()
            }
            KeyRow::CreateNew => {
                let (region, alias) = match self.settings_or_refuse() {
                    Ok(settings) => settings,
                    Err(refusal) => return vec![refusal],
                };
                if self.alias_taken_by().is_some() {
                    return vec![notice(format!(
                        "{alias} already names a key in {region}: choose that key in the list, or type another alias \
                         to create a new key."
                    ))];
                }
                vec![chosen(None, region, alias)]
            }
            KeyRow::Candidate(i) => {
                let Some(candidate) = self.candidates.ready().and_then(|c| c.get(i)).cloned() else {
                    return Vec::new();
                };
                let alias = match self.settings_or_refuse() {
                    Ok((_, alias)) => alias,
                    Err(refusal) => return vec![refusal],
                };
                let region = candidate.arn.region.clone();
                vec![chosen(Some(AwsKeyRef::Arn(candidate.arn)), region, alias)]
            }
        }
    }

    fn use_typed_key(&mut self) -> Vec<KeyScreenAction> {
        let typed = &self.typed;
        let key: AwsKeyRef = match typed.trimmed().parse() {
            Ok(k) if typed.is_valid() => k,
            Ok(_) | Err(_) => {
                let why = typed.error().map_or_else(
                    || "Type the key's ARN, its key id, or an alias (alias/...), then press Enter.".to_string(),
                    str::to_string,
                );
                return vec![notice(why)];
            }
        };
        let (region, alias) = match self.settings_or_refuse() {
            Ok(settings) => settings,
            Err(refusal) => return vec![refusal],
        };
        let region = match key.region() {
            Some(of_key) if *of_key != region => {
                return vec![notice(format!(
                    "The key ARN is in {of_key} but Region says {region}: set Region to {of_key}, or fix the ARN."
                ))];
            }
            Some(of_key) => of_key.clone(),
            None => region,
        };
        vec![chosen(Some(key), region, alias)]
    }
}

fn notice(text: String) -> KeyScreenAction {
    KeyScreenAction::Notice(Notice::error(text))
}

fn chosen(key: Option<AwsKeyRef>, region: AwsRegion, alias: KmsAliasName) -> KeyScreenAction {
    KeyScreenAction::Chosen(Box::new(AwsAnswers { key, region, alias, replace_anthropic_grants: false }))
}

fn candidate_matches(candidate: &KeyCandidate, wanted: &AwsKeyRef) -> bool {
    match wanted {
        AwsKeyRef::Arn(arn) => candidate.arn == *arn,
        AwsKeyRef::Id(id) => candidate.arn.key_id() == Some(id),
        AwsKeyRef::Alias(alias) => candidate.alias.as_ref() == Some(alias),
    }
}

impl KeyScreen for AwsKeyScreen {
    fn provider(&self) -> ProviderKind {
        ProviderKind::Aws
    }

    fn entered(&mut self) {
        self.focus = KeyFocus::Choices;
    }

    fn shown(&mut self) -> Option<Box<dyn CloudQuestion>> {
        match self.refresh_candidates(false) {
            Some(KeyScreenAction::Ask(question)) => Some(question),
            _ => None,
        }
    }

    fn on_key(&mut self, key: KeyInput, _overview: Option<&dyn CloudOverview>) -> Vec<KeyScreenAction> {
        match self.focus {
            KeyFocus::Choices => self.choices_key(key),
            KeyFocus::Region | KeyFocus::Alias => self.setting_key(key),
            KeyFocus::Typed => self.typed_key(key),
        }
    }

    fn on_reply(&mut self, reply: Result<Box<dyn CloudReply>, Error>) {
        let found = match reply {
            Ok(reply) => match reply.downcast_ref::<KeysFound>() {
                Some(found) => found.0.clone(),
                None => return,
            },
            Err(e) => return self.forget_candidates(Load::Failed(e)),
        };
        if let Some(wanted) = self.prefilled_key.take()
            && let Some(i) = found.iter().position(|c| candidate_matches(c, &wanted))
        {
            self.row = KeyRow::Candidate(i);
        }
        if let KeyRow::Candidate(i) = self.row
            && i >= found.len()
        {
            self.row = KeyRow::CreateNew;
        }
        self.candidates = Load::Ready(found);
    }

    fn question_dropped(&mut self) {
        if self.candidates.is_loading() {
            self.forget_candidates(Load::Idle);
            self.asked_for = None;
        }
    }

    fn is_typing(&self) -> bool {
        self.focus != KeyFocus::Choices
    }

    fn hints(&self) -> Vec<KeyHint> {
        match self.focus {
            KeyFocus::Region | KeyFocus::Alias => {
                vec![hint("type", "edit"), hint("Enter/Tab", "next"), hint("Esc", "done"), CTRL_C]
            }
            KeyFocus::Typed => {
                vec![hint("type", "ARN, key id or alias"), hint("Enter", "use it"), hint("Esc", "done"), CTRL_C]
            }
            KeyFocus::Choices => vec![
                minor("↑↓", "choose"),
                hint("Enter", "select"),
                hint("Tab", "fields"),
                minor("r", "look again"),
                hint("Esc", "back"),
                HELP,
                QUIT,
            ],
        }
    }
}
