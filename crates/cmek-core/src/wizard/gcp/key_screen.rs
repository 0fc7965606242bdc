//! Step 3 for Google Cloud, Key: where the key is (project, US region, key ring, key id, each
//! validated as typed), then a new key there or one of the keys the ring already holds. A full key
//! name pasted into a field is split into the four.

use crate::error::Error;
use crate::model::ProviderKind;
use crate::model::gcp::{
    GcpKeyName, GcpLocation, LocationKind, check_crypto_key_id, check_key_ring_id, check_project_id,
};
use crate::plan::gcp::{DEFAULT_KEY, DEFAULT_LOCATION, GcpAnswers, Protection};
use crate::wizard::cloud::{CloudOverview, CloudQuestion, CloudReply, KeyScreen, KeyScreenAction};
use crate::wizard::field::TextField;
use crate::wizard::hints::{CTRL_C, HELP, KeyHint, QUIT, hint, minor};
use crate::wizard::load::Load;
use crate::wizard::msg::KeyInput;
use crate::wizard::{Notice, Prefill};

use super::{GcpKeyCandidate, GcpOverview, KeysInRing, KeysInRingFound};

/// One row of the key choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GcpKeyRow {
    /// Create the key the fields name (and its key ring, when missing).
    CreateNew,
    /// `keys()[i]`: a key the ring already holds.
    Candidate(usize),
}

/// Which part of the Key screen takes the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GcpKeyFocus {
    Choices,
    Project,
    /// A choice among the US regions (←/→), not typed.
    Location,
    KeyRing,
    Key,
}

impl GcpKeyFocus {
    /// Tab's order: the choices, then the fields top to bottom.
    const ORDER: [GcpKeyFocus; 5] =
        [GcpKeyFocus::Choices, GcpKeyFocus::Project, GcpKeyFocus::Location, GcpKeyFocus::KeyRing, GcpKeyFocus::Key];

    fn step(self, forward: bool) -> Self {
        let at = Self::ORDER.iter().position(|f| *f == self).unwrap_or(0);
        let n = Self::ORDER.len();
        Self::ORDER[if forward { (at + 1) % n } else { (at + n - 1) % n }]
    }
}

#[derive(Debug, Clone)]
pub struct GcpKeyScreen {
    project: TextField,
    /// Index into `GcpLocation::us_regions()`.
    location: usize,
    key_ring: TextField,
    key: TextField,
    focus: GcpKeyFocus,
    row: GcpKeyRow,
    candidates: Load<KeysInRingFound>,
    /// The key ring the candidates were asked for.
    asked_for: Option<KeysInRing>,
    /// The project the credentials default to, once the overview is known.
    detected_project: Option<String>,
    /// What became of an answer the screen could not take as it was (a location outside the US,
    /// a malformed key name).
    note: Option<String>,
    /// The answers named this key id: it is highlighted once the ring's keys are known.
    prefilled_key: Option<String>,
    /// The flags without a field of their own (the protection level of a key cmek creates).
    options: GcpAnswers,
}

impl GcpKeyScreen {
    /// The screen as the answers pre-fill it: `key` (a full key name), else `gcp_project`,
    /// `gcp_location`, `gcp_key_ring` and `gcp_key`, else the parsed options, else the defaults
    /// (project from the credentials once the overview is known). Raw text: a bad value shows as
    /// an error under its field.
    pub fn new(prefill: &Prefill) -> Self {
        let options = prefill.options::<GcpAnswers>().cloned().unwrap_or_default();
        let mut note = None;
        let full = match prefill.value("key").filter(|k| looks_like_key_name(k)).map(GcpKeyName::parse) {
            Some(Ok(name)) => Some(name),
            Some(Err(e)) => {
                note = Some(format!("The answers' key cannot be used: {e}"));
                None
            }
            None => options.key.clone(),
        };
        let text = |answer: &str, from_key: Option<&str>, option: &str| -> String {
            from_key.or(prefill.value(answer)).unwrap_or(option).to_string()
        };
        let project = text(
            "gcp_project",
            full.as_ref().map(|k| k.project.as_str()),
            options.project.as_deref().unwrap_or_default(),
        );
        let location = text("gcp_location", full.as_ref().map(|k| k.location.as_str()), &options.location);
        let key_ring = text("gcp_key_ring", full.as_ref().map(|k| k.key_ring.as_str()), &options.key_ring);
        let key = text("gcp_key", full.as_ref().map(|k| k.key.as_str()), &options.key_id);
        let (location, location_note) = region_index(&location, "The answers' location");
        let asked_key = prefill.value("gcp_key").is_some() || full.is_some() || options.key_id != DEFAULT_KEY;
        let mut screen = Self {
            project: TextField::new(&project),
            location,
            key_ring: TextField::new(&key_ring),
            key: TextField::new(&key),
            focus: GcpKeyFocus::Choices,
            row: GcpKeyRow::CreateNew,
            candidates: Load::Idle,
            asked_for: None,
            detected_project: None,
            note: note.or(location_note),
            prefilled_key: asked_key.then_some(key),
            options,
        };
        screen.validate_all();
        screen
    }

    /// The project id field (pre-filled from the answers, else the credentials' project).
    pub fn project(&self) -> &TextField {
        &self.project
    }

    /// The chosen location, one of `regions()`.
    pub fn location(&self) -> &'static str {
        Self::regions().get(self.location).copied().unwrap_or(DEFAULT_LOCATION)
    }

    /// The locations offered, in order: Google's single US regions.
    pub fn regions() -> &'static [&'static str] {
        GcpLocation::us_regions()
    }

    pub fn key_ring(&self) -> &TextField {
        &self.key_ring
    }

    /// The crypto key id field.
    pub fn key(&self) -> &TextField {
        &self.key
    }

    pub fn focus(&self) -> GcpKeyFocus {
        self.focus
    }

    pub fn highlighted(&self) -> GcpKeyRow {
        self.row
    }

    /// The ring's keys: loading, failed (creating a key still works), or found.
    pub fn candidates(&self) -> &Load<KeysInRingFound> {
        &self.candidates
    }

    /// The keys listed under "create", in order (empty until found).
    pub fn keys(&self) -> &[GcpKeyCandidate] {
        self.candidates.ready().map_or(&[], |f| f.keys.as_slice())
    }

    /// The key ring the listed keys were looked up in.
    pub fn asked_for(&self) -> Option<&KeysInRing> {
        self.asked_for.as_ref()
    }

    /// The project the Google credentials default to, when the overview named one.
    pub fn detected_project(&self) -> Option<&str> {
        self.detected_project.as_deref()
    }

    /// What became of an answer the screen could not take as it was, to show above the fields.
    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }

    /// The protection level a key created here gets (`--gcp-protection`; HSM unless told).
    pub fn protection(&self) -> Protection {
        self.options.protection
    }

    /// The rows in display order.
    pub fn rows(&self) -> Vec<GcpKeyRow> {
        let mut rows = vec![GcpKeyRow::CreateNew];
        rows.extend((0..self.keys().len()).map(GcpKeyRow::Candidate));
        rows
    }

    /// The key the fields name, when all of them are valid.
    pub fn named_key(&self) -> Option<GcpKeyName> {
        if !(self.project.is_valid() && self.key_ring.is_valid() && self.key.is_valid()) {
            return None;
        }
        GcpKeyName::new(self.project.trimmed(), self.location(), self.key_ring.trimmed(), self.key.trimmed()).ok()
    }

    /// The listed key the key id field already names: "create" would only find it again.
    pub fn key_taken_by(&self) -> Option<(usize, &GcpKeyCandidate)> {
        let wanted = self.named_key()?;
        self.keys().iter().enumerate().find(|(_, c)| c.name == wanted)
    }

    fn validate_all(&mut self) {
        self.project.validate(check_project);
        self.key_ring.validate(check_key_ring);
        self.key.validate(check_key_id);
    }

    /// The ring the fields name, when the project and key ring are valid.
    fn ring(&self) -> Option<KeysInRing> {
        if !(self.project.is_valid() && self.key_ring.is_valid()) || looks_like_key_name(self.project.trimmed()) {
            return None;
        }
        let location = GcpLocation::parse(self.location()).ok()?;
        Some(KeysInRing {
            project: self.project.trimmed().to_string(),
            location,
            key_ring: self.key_ring.trimmed().to_string(),
        })
    }

    /// Replaces the candidates with `load`; a highlighted candidate goes with them.
    fn forget_candidates(&mut self, load: Load<KeysInRingFound>) {
        self.row = GcpKeyRow::CreateNew;
        self.candidates = load;
    }

    /// Asks for the ring's keys when the fields name a ring that was not asked for (or `force`).
    fn refresh_candidates(&mut self, force: bool) -> Option<KeyScreenAction> {
        let Some(ring) = self.ring() else {
            // Nothing to look in: whatever was listed is for another ring.
            if self.asked_for.take().is_some() {
                self.forget_candidates(Load::Idle);
            }
            return None;
        };
        let known = self.asked_for.as_ref() == Some(&ring) && !matches!(self.candidates, Load::Failed(_));
        if known && !force {
            return None;
        }
        self.asked_for = Some(ring.clone());
        self.forget_candidates(Load::Loading);
        Some(KeyScreenAction::Ask(Box::new(ring)))
    }

    /// A full key name typed or pasted into a field is spread over the four (its location chosen
    /// when it is a US region; otherwise the note says why not).
    fn spread_full_name(&mut self) {
        let typed = [&self.project, &self.key_ring, &self.key]
            .into_iter()
            .map(|f| f.trimmed())
            .find(|v| looks_like_key_name(v))
            .map(str::to_string);
        let Some(Ok(name)) = typed.as_deref().map(GcpKeyName::parse) else { return };
        self.project = TextField::new(&name.project);
        self.key_ring = TextField::new(&name.key_ring);
        self.key = TextField::new(&name.key);
        let (location, note) = region_index(&name.location, "The pasted key's location");
        self.location = location;
        self.note = note;
        self.validate_all();
    }

    fn choices_key(&mut self, key: KeyInput) -> Vec<KeyScreenAction> {
        let rows = self.rows();
        let at = rows.iter().position(|r| *r == self.row).unwrap_or(0);
        match key {
            KeyInput::Up => self.row = rows[at.saturating_sub(1)],
            KeyInput::Down => self.row = rows[(at + 1).min(rows.len() - 1)],
            KeyInput::Home => self.row = rows[0],
            KeyInput::End => self.row = rows[rows.len() - 1],
            KeyInput::Tab | KeyInput::BackTab => self.focus = self.focus.step(key == KeyInput::Tab),
            KeyInput::Char('r') => return self.refresh_candidates(true).into_iter().collect(),
            KeyInput::Enter | KeyInput::Right => return self.choose_row(),
            KeyInput::Esc | KeyInput::Left => return vec![KeyScreenAction::Back],
            _ => {}
        }
        Vec::new()
    }

    /// Keys while a field has the focus: Enter/Tab next, BackTab previous, Esc/↑/↓ back to the
    /// choices (each move looks the ring's keys up again when the ring changed).
    fn field_key(&mut self, key: KeyInput) -> Vec<KeyScreenAction> {
        let next = match key {
            KeyInput::Enter | KeyInput::Tab => Some(self.focus.step(true)),
            KeyInput::BackTab => Some(self.focus.step(false)),
            KeyInput::Esc | KeyInput::Up | KeyInput::Down => Some(GcpKeyFocus::Choices),
            _ => None,
        };
        if let Some(next) = next {
            self.spread_full_name();
            self.focus = next;
            return self.refresh_candidates(false).into_iter().collect();
        }
        let regions = Self::regions().len().max(1);
        match (self.focus, key) {
            (GcpKeyFocus::Location, KeyInput::Left) => self.location = (self.location + regions - 1) % regions,
            (GcpKeyFocus::Location, KeyInput::Right) => self.location = (self.location + 1) % regions,
            (GcpKeyFocus::Location, _) => {}
            (GcpKeyFocus::Project, other) => {
                if self.project.edit(other) {
                    self.project.validate(check_project);
                }
            }
            (GcpKeyFocus::KeyRing, other) => {
                if self.key_ring.edit(other) {
                    self.key_ring.validate(check_key_ring);
                }
            }
            (GcpKeyFocus::Key, other) => {
                if self.key.edit(other) {
                    self.key.validate(check_key_id);
                }
            }
            (GcpKeyFocus::Choices, _) => {}
        }
        Vec::new()
    }

    /// The key the fields name, or the refusal naming the first field to fix (the cursor moves there).
    fn named_or_refuse(&mut self) -> Result<GcpKeyName, KeyScreenAction> {
        let invalid = [
            (&self.project, "Project", GcpKeyFocus::Project),
            (&self.key_ring, "Key ring", GcpKeyFocus::KeyRing),
            (&self.key, "Key", GcpKeyFocus::Key),
        ]
        .into_iter()
        .find(|(field, _, _)| !field.is_valid())
        .map(|(field, name, focus)| (name, field.error().map(str::to_string), focus));
        if let Some((name, why, focus)) = invalid {
            self.focus = focus;
            let why = why.unwrap_or_else(|| match focus {
                GcpKeyFocus::Project => "no project was given or found in your Google credentials: type the project \
                                         id (not its name or number)"
                    .to_string(),
                _ => "it is empty".to_string(),
            });
            return Err(notice(format!("{name}: {why}. Fix it (Tab moves there), then try again.")));
        }
        self.named_key().ok_or_else(|| notice("Project, key ring and key must all be valid.".to_string()))
    }

    fn choose_row(&mut self) -> Vec<KeyScreenAction> {
        match self.row {
            GcpKeyRow::CreateNew => {
                let name = match self.named_or_refuse() {
                    Ok(name) => name,
                    Err(refusal) => return vec![refusal],
                };
                if let Some((i, _)) = self.key_taken_by() {
                    self.row = GcpKeyRow::Candidate(i);
                    return vec![KeyScreenAction::Notice(Notice::info(format!(
                        "{} already holds key {}: it is highlighted in the list; press Enter to use it, or type \
                         another key id to create a new key.",
                        name.key_ring, name.key
                    )))];
                }
                vec![chosen(name, &self.options)]
            }
            GcpKeyRow::Candidate(i) => match self.keys().get(i) {
                Some(candidate) => vec![chosen(candidate.name.clone(), &self.options)],
                None => Vec::new(),
            },
        }
    }
}

/// Whether a value is a full resource name rather than one id.
fn looks_like_key_name(value: &str) -> bool {
    let v = value.trim();
    v.starts_with("projects/") || v.starts_with("//cloudkms.googleapis.com/")
}

/// The index of `location` among the US regions, else the default's and why `whose` location was
/// not taken.
fn region_index(location: &str, whose: &str) -> (usize, Option<String>) {
    let regions = GcpKeyScreen::regions();
    let default = regions.iter().position(|r| *r == DEFAULT_LOCATION).unwrap_or(0);
    if let Some(i) = regions.iter().position(|r| *r == location) {
        return (i, None);
    }
    let why = match GcpLocation::parse(location) {
        Ok(l) if l.kind() == LocationKind::MultiRegion => {
            format!("`{l}` is a multi-region location, which CMEK does not support")
        }
        Ok(l) => format!("`{l}` is not a single US region, which CMEK needs"),
        Err(e) => e.to_string(),
    };
    let note = format!(
        "{whose} cannot be used: {why}. {} is chosen instead (←/→ on Location chooses another US region).",
        regions[default]
    );
    (default, Some(note))
}

/// A full key name is accepted in any field (it is split into the four when the field is left).
fn full_name_or(value: &str, check: impl Fn(&str) -> Result<(), crate::model::ParseError>) -> Result<(), String> {
    if looks_like_key_name(value) {
        return GcpKeyName::parse(value).map(|_| ()).map_err(|e| e.to_string());
    }
    check(value).map_err(|e| e.to_string())
}

pub fn check_project(value: &str) -> Result<(), String> {
    full_name_or(value, check_project_id)
}

pub fn check_key_ring(value: &str) -> Result<(), String> {
    full_name_or(value, check_key_ring_id)
}

pub fn check_key_id(value: &str) -> Result<(), String> {
    full_name_or(value, check_crypto_key_id)
}

fn notice(text: String) -> KeyScreenAction {
    KeyScreenAction::Notice(Notice::error(text))
}

fn chosen(key: GcpKeyName, options: &GcpAnswers) -> KeyScreenAction {
    KeyScreenAction::Chosen(Box::new(answers_for(key, options)))
}

/// The answers a Google Cloud run needs: the key the screen chose, over the flags without a
/// field (its protection level); the key's parts are repeated so every field agrees with it.
pub fn answers_for(key: GcpKeyName, options: &GcpAnswers) -> GcpAnswers {
    GcpAnswers {
        project: Some(key.project.clone()),
        location: key.location.clone(),
        key_ring: key.key_ring.clone(),
        key_id: key.key.clone(),
        key: Some(key),
        ..options.clone()
    }
}

impl KeyScreen for GcpKeyScreen {
    fn provider(&self) -> ProviderKind {
        ProviderKind::Gcp
    }

    /// Takes the credentials' project when none was given or typed (or the field still holds the
    /// one detected before, and the credentials changed).
    fn on_overview(&mut self, overview: Option<&dyn CloudOverview>) {
        let Some(o) = overview.and_then(|o| o.downcast_ref::<GcpOverview>()) else { return };
        let before = std::mem::replace(&mut self.detected_project, o.caller.project.clone());
        let untouched = self.project.trimmed().is_empty() || Some(self.project.trimmed()) == before.as_deref();
        if let (Some(project), true) = (&self.detected_project, untouched) {
            self.project = TextField::new(project);
            self.project.validate(check_project);
        }
    }

    fn entered(&mut self) {
        self.focus = GcpKeyFocus::Choices;
    }

    fn shown(&mut self) -> Option<Box<dyn CloudQuestion>> {
        match self.refresh_candidates(false) {
            Some(KeyScreenAction::Ask(question)) => Some(question),
            _ => None,
        }
    }

    fn on_key(&mut self, key: KeyInput, _overview: Option<&dyn CloudOverview>) -> Vec<KeyScreenAction> {
        match self.focus {
            GcpKeyFocus::Choices => self.choices_key(key),
            _ => self.field_key(key),
        }
    }

    fn on_reply(&mut self, reply: Result<Box<dyn CloudReply>, Error>) {
        // The fields no longer name a ring (a field was emptied while the question was out): an
        // answer would list keys of a ring the screen does not show.
        if self.asked_for.is_none() {
            return;
        }
        let found = match reply {
            Ok(reply) => match reply.downcast_ref::<KeysInRingFound>() {
                Some(found) => found.clone(),
                None => return,
            },
            Err(e) => return self.forget_candidates(Load::Failed(e)),
        };
        self.row = GcpKeyRow::CreateNew;
        if let Some(wanted) = self.prefilled_key.take()
            && let Some(i) = found.keys.iter().position(|c| c.name.key == wanted)
        {
            self.row = GcpKeyRow::Candidate(i);
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
        matches!(self.focus, GcpKeyFocus::Project | GcpKeyFocus::KeyRing | GcpKeyFocus::Key)
    }

    fn hints(&self) -> Vec<KeyHint> {
        match self.focus {
            GcpKeyFocus::Project | GcpKeyFocus::KeyRing | GcpKeyFocus::Key => {
                vec![hint("type", "edit"), hint("Enter/Tab", "next"), hint("Esc", "done"), CTRL_C]
            }
            GcpKeyFocus::Location => {
                vec![hint("←→", "region"), hint("Enter/Tab", "next"), hint("Esc", "done"), HELP, QUIT]
            }
            GcpKeyFocus::Choices => vec![
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::gcp::DEFAULT_KEY_RING;

    #[test]
    fn defaults_are_the_recommended_location_ring_and_key_with_no_project_yet() {
        let s = GcpKeyScreen::new(&Prefill::default());
        assert_eq!(
            (s.location(), s.key_ring().value(), s.key().value()),
            ("us-central1", DEFAULT_KEY_RING, DEFAULT_KEY)
        );
        assert_eq!(s.project().value(), "");
        assert_eq!(s.named_key(), None, "no project, no key");
        assert_eq!(s.note(), None);
    }

    #[test]
    fn a_full_key_name_in_the_answers_fills_every_field() {
        let mut p = Prefill::default();
        p.set("key", Some("projects/acme-prod/locations/us-east5/keyRings/ring-1/cryptoKeys/key-1"));
        let s = GcpKeyScreen::new(&p);
        assert_eq!(
            (s.project().value(), s.location(), s.key_ring().value(), s.key().value()),
            ("acme-prod", "us-east5", "ring-1", "key-1")
        );
        assert_eq!(
            s.named_key().unwrap().to_string(),
            "projects/acme-prod/locations/us-east5/keyRings/ring-1/cryptoKeys/key-1"
        );
    }

    #[test]
    fn an_aws_key_in_the_answers_is_not_read_as_a_google_one() {
        let mut p = Prefill::default();
        p.set("key", Some("arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"));
        let s = GcpKeyScreen::new(&p);
        assert_eq!((s.key().value(), s.note()), (DEFAULT_KEY, None));
    }

    #[test]
    fn a_location_outside_the_us_regions_is_replaced_and_the_note_says_why() {
        for (asked, says) in [("us", "multi-region"), ("europe-west1", "not a single US region"), ("US", "lower case")]
        {
            let mut p = Prefill::default();
            p.set("gcp_location", Some(asked));
            let s = GcpKeyScreen::new(&p);
            assert_eq!(s.location(), "us-central1", "{asked}");
            let note = s.note().unwrap();
            assert!(note.contains(says) && note.contains("us-central1 is chosen instead"), "{asked}: {note}");
        }
    }

    #[test]
    fn validators_name_the_value_and_accept_a_full_key_name() {
        assert!(
            check_project("My Project").unwrap_err().contains("`My Project` is not a valid Google Cloud project id")
        );
        assert!(check_key_ring("ring 1").unwrap_err().contains("`ring 1` is not a valid key ring id"));
        assert!(check_key_id(&"k".repeat(64)).unwrap_err().contains("1-63 letters"));
        assert!(check_project("projects/acme-prod/locations/us-east5/keyRings/r/cryptoKeys/k").is_ok());
        let e = check_key_id("projects/acme-prod/locations/us-east5/keyRings/r/cryptoKeys/k/cryptoKeyVersions/2")
            .unwrap_err();
        assert!(e.contains("without /cryptoKeyVersions"), "{e}");
    }

    #[test]
    fn answers_repeat_the_key_parts_and_keep_the_protection_option() {
        let key = GcpKeyName::parse("projects/acme-prod/locations/us-east5/keyRings/r/cryptoKeys/k").unwrap();
        let options = GcpAnswers { protection: Protection::Software, ..GcpAnswers::default() };
        let a = answers_for(key.clone(), &options);
        assert_eq!(a.key, Some(key));
        assert_eq!(
            (a.project.as_deref(), a.location.as_str(), a.key_ring.as_str(), a.key_id.as_str()),
            (Some("acme-prod"), "us-east5", "r", "k")
        );
        assert_eq!(a.protection, Protection::Software);
        assert_eq!(
            a.resolve(None).unwrap().to_string(),
            "projects/acme-prod/locations/us-east5/keyRings/r/cryptoKeys/k"
        );
    }
}
