//! Step 3, Key: create a new key (region and alias, validated as typed) or use an existing one
//! (a candidate found under the alias, or a typed ARN, key id or alias).

use crate::error::Error;
use crate::identities;
use crate::model::{AwsKeyRef, AwsRegion, KmsAliasName};
use crate::wizard::overview::KeyCandidate;

use super::field::TextField;
use super::load::{Load, Work};
use super::msg::{Intent, KeyInput};
use super::screen::Screen;
use super::typed_values::{check_alias, check_key_ref, check_region};
use super::workspace::Target;
use super::{Notice, Wizard};

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
pub struct KeyState {
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

impl KeyState {
    pub(super) fn new(region: Option<&str>, alias: Option<&str>, key: Option<&str>) -> Self {
        let mut state = Self {
            region: TextField::new(region.unwrap_or(identities::published().aws.default_region())),
            alias: TextField::new(alias.unwrap_or(KmsAliasName::DEFAULT)),
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
}

impl Wizard {
    pub(super) fn enter_key_screen(&mut self, target: Target) {
        self.target = Some(target);
        self.screen = Screen::Key;
        self.keys.focus = KeyFocus::Choices;
    }

    /// Looks up the keys the alias names, when the region and alias are valid and new.
    fn refresh_candidates(&mut self, force: bool, out: &mut Vec<Intent>) {
        let (Some(region), Some(alias)) = (self.keys.parsed_region(), self.keys.parsed_alias()) else { return };
        let wanted = (region.clone(), alias.clone());
        let known = self.keys.asked_for.as_ref() == Some(&wanted) && !matches!(self.keys.candidates, Load::Failed(_));
        if known && !force {
            return;
        }
        let ticket = self.start(Work::Candidates, out);
        self.keys.asked_for = Some(wanted);
        self.keys.forget_candidates(Load::Loading);
        out.push(Intent::LoadCandidates(ticket, region, alias));
    }

    /// Called when the Key screen comes up: looks up candidates unless they are known.
    pub(super) fn key_screen_shown(&mut self, out: &mut Vec<Intent>) {
        self.refresh_candidates(false, out);
    }

    pub(super) fn on_candidates(&mut self, result: Result<Vec<KeyCandidate>, Error>) {
        match result {
            Ok(found) => {
                if let Some(wanted) = self.keys.prefilled_key.take()
                    && let Some(i) = found.iter().position(|c| candidate_matches(c, &wanted))
                {
                    self.keys.row = KeyRow::Candidate(i);
                }
                if let KeyRow::Candidate(i) = self.keys.row
                    && i >= found.len()
                {
                    self.keys.row = KeyRow::CreateNew;
                }
                self.keys.candidates = Load::Ready(found);
            }
            Err(e) => self.keys.forget_candidates(Load::Failed(e)),
        }
    }

    pub(super) fn key_key(&mut self, key: KeyInput, out: &mut Vec<Intent>) {
        match self.keys.focus {
            KeyFocus::Choices => self.key_choices_key(key, out),
            KeyFocus::Region | KeyFocus::Alias => self.key_setting_key(key, out),
            KeyFocus::Typed => self.key_typed_key(key, out),
        }
    }

    fn key_choices_key(&mut self, key: KeyInput, out: &mut Vec<Intent>) {
        let rows = self.keys.rows();
        let at = rows.iter().position(|r| *r == self.keys.row).unwrap_or(0);
        match key {
            KeyInput::Up => self.keys.row = rows[at.saturating_sub(1)],
            KeyInput::Down => self.keys.row = rows[(at + 1).min(rows.len() - 1)],
            KeyInput::Home => self.keys.row = rows[0],
            KeyInput::End => self.keys.row = rows[rows.len() - 1],
            KeyInput::Tab => self.keys.focus = KeyFocus::Region,
            KeyInput::BackTab => self.keys.focus = KeyFocus::Alias,
            KeyInput::Char('r') => self.refresh_candidates(true, out),
            KeyInput::Enter | KeyInput::Right => self.choose_key_row(out),
            KeyInput::Esc | KeyInput::Left => {
                self.tickets.cancel(out);
                if self.keys.candidates.is_loading() {
                    self.keys.forget_candidates(Load::Idle);
                    self.keys.asked_for = None;
                }
                self.screen = Screen::Workspace;
            }
            _ => {}
        }
    }

    fn key_setting_key(&mut self, key: KeyInput, out: &mut Vec<Intent>) {
        let on_region = self.keys.focus == KeyFocus::Region;
        match key {
            KeyInput::Enter | KeyInput::Tab => {
                self.keys.focus = if on_region { KeyFocus::Alias } else { KeyFocus::Choices };
                self.refresh_candidates(false, out);
            }
            KeyInput::BackTab => {
                self.keys.focus = if on_region { KeyFocus::Choices } else { KeyFocus::Region };
                self.refresh_candidates(false, out);
            }
            KeyInput::Esc | KeyInput::Up | KeyInput::Down => {
                self.keys.focus = KeyFocus::Choices;
                self.refresh_candidates(false, out);
            }
            other if on_region => {
                if self.keys.region.edit(other) {
                    self.keys.region.validate(check_region);
                }
            }
            other => {
                if self.keys.alias.edit(other) {
                    self.keys.alias.validate(check_alias);
                }
            }
        }
    }

    fn key_typed_key(&mut self, key: KeyInput, out: &mut Vec<Intent>) {
        match key {
            KeyInput::Enter => self.use_typed_key(out),
            KeyInput::Esc | KeyInput::Tab | KeyInput::BackTab | KeyInput::Up | KeyInput::Down => {
                self.keys.focus = KeyFocus::Choices;
            }
            other => {
                if self.keys.typed.edit(other) {
                    self.keys.typed.validate(check_key_ref);
                }
            }
        }
    }

    /// Refuses to go on while the region or alias is not valid, naming the field and moving there.
    fn settings_or_refuse(&mut self) -> Option<(AwsRegion, KmsAliasName)> {
        let invalid = [(&self.keys.region, "Region", KeyFocus::Region), (&self.keys.alias, "Alias", KeyFocus::Alias)]
            .into_iter()
            .find(|(field, _, _)| !field.is_valid())
            .map(|(field, name, focus)| {
                (name, field.error().map_or_else(|| "it is empty".to_string(), str::to_string), focus)
            });
        if let Some((name, why, focus)) = invalid {
            self.notice = Some(Notice::error(format!("{name}: {why}. Fix it (Tab moves there), then try again.")));
            self.keys.focus = focus;
            return None;
        }
        Some((self.keys.parsed_region()?, self.keys.parsed_alias()?))
    }

    fn choose_key_row(&mut self, out: &mut Vec<Intent>) {
        match self.keys.row {
            KeyRow::Typed => self.keys.focus = KeyFocus::Typed,
            KeyRow::CreateNew => {
                let Some((region, alias)) = self.settings_or_refuse() else { return };
                if self.keys.alias_taken_by().is_some() {
                    self.notice = Some(Notice::error(format!(
                        "{alias} already names a key in {region}: choose that key in the list, or type another alias \
                         to create a new key."
                    )));
                    return;
                }
                self.go_to_checks(None, region, alias, out);
            }
            KeyRow::Candidate(i) => {
                let Some(candidate) = self.keys.candidates.ready().and_then(|c| c.get(i)).cloned() else { return };
                let Some((_, alias)) = self.settings_or_refuse() else { return };
                let region = candidate.arn.region.clone();
                self.go_to_checks(Some(AwsKeyRef::Arn(candidate.arn)), region, alias, out);
            }
        }
    }

    fn use_typed_key(&mut self, out: &mut Vec<Intent>) {
        let typed = &self.keys.typed;
        let key: AwsKeyRef = match typed.trimmed().parse() {
            Ok(k) if typed.is_valid() => k,
            Ok(_) | Err(_) => {
                let why = typed.error().map_or_else(
                    || "Type the key's ARN, its key id, or an alias (alias/...), then press Enter.".to_string(),
                    str::to_string,
                );
                self.notice = Some(Notice::error(why));
                return;
            }
        };
        let Some((region, alias)) = self.settings_or_refuse() else { return };
        let region = match key.region() {
            Some(of_key) if *of_key != region => {
                self.notice = Some(Notice::error(format!(
                    "The key ARN is in {of_key} but Region says {region}: set Region to {of_key}, or fix the ARN."
                )));
                return;
            }
            Some(of_key) => of_key.clone(),
            None => region,
        };
        self.go_to_checks(Some(key), region, alias, out);
    }
}

fn candidate_matches(candidate: &KeyCandidate, wanted: &AwsKeyRef) -> bool {
    match wanted {
        AwsKeyRef::Arn(arn) => candidate.arn == *arn,
        AwsKeyRef::Id(id) => candidate.arn.key_id() == Some(id),
        AwsKeyRef::Alias(alias) => candidate.alias.as_ref() == Some(alias),
    }
}
