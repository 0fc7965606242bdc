//! Google Cloud KMS findings: the API (GCP-01), the key ring's location (GCP-02, ANT-12), the key's
//! kind and versions (GCP-03/04/05), Anthropic's bindings (GCP-06, ANT-11), what can refuse them
//! (GCP-07 sharing, GCP-08 perimeters), the label (GCP-09, GEN-04), audit logs (GCP-10), rotation
//! (GCP-11) and the registered `key_name` (ANT-13). Pure; a part doctor could not read makes only
//! the checks that need it `unknown`.

use crate::doctor::facts::{DoctorFacts, Gathered, ValidationFacts};
use crate::doctor::{Finding, Status};
use crate::model::gcp::{
    ENCRYPTER_DECRYPTER_ROLE, GcpIamPolicy, GcpKeyConfig, GcpKeyFacts, GcpKeyName, GcpLocation, LocationKind,
    VIEWER_ROLE, VersionState, org_label_key,
};
use crate::plan::Severity;

use super::commands::{self, anthropic_member};
use super::facts::{GcpKeyLookup, KmsApi};
use super::validation_text::{drs_refusal, vpc_sc_refusal};

const PROJECT: &str = "project";
const KEY: &str = "key";
const ACCESS: &str = "access";
const NETWORK: &str = "network";
const PLATFORM: &str = "platform";

pub fn findings(f: &DoctorFacts, gcp: &Gathered<Box<GcpKeyLookup>>) -> Vec<Finding> {
    let g = match gcp {
        Ok(g) => g,
        Err(why) => return unknown_all(why),
    };
    let key = &g.key;
    let mut out = vec![api(g)];
    out.extend(location(key));
    match &g.crypto_key {
        Ok(Some(k)) => {
            out.push(purpose(key, k));
            out.push(protection(key, k));
            out.push(primary(key, k));
            out.push(older_versions(key, k));
            out.extend(bindings(g, k));
            out.extend(label(f, key, k));
            out.push(rotation(key, k));
            out.extend(registered(f, key));
        }
        Ok(None) => out.push(missing(g)),
        Err(why) => out.extend(key_unread(key, why)),
    }
    out.push(sharing(f, g));
    out.push(perimeter(f, g));
    out.push(audit_logs(key));
    out
}

/// GCP-01: the Cloud KMS API answers in the key's project.
fn api(g: &GcpKeyLookup) -> Finding {
    let project = &g.key.project;
    let title = format!("the Cloud KMS API is enabled in project {project}");
    match &g.api {
        KmsApi::Enabled => Finding::pass("GCP-01", Severity::High, PROJECT, title),
        KmsApi::Disabled(text) => Finding::new("GCP-01", Severity::High, Status::Fail, PROJECT, title)
            .observed(format!("Cloud KMS refused a call with SERVICE_DISABLED: {text}"))
            .expected(format!("cloudkms.googleapis.com enabled in project {project}"))
            .fix(commands::enable_api(project)),
        KmsApi::Unknown(why) => Finding::unknown("GCP-01", Severity::High, PROJECT, title, why.clone()).fix(format!(
            "gcloud services list --enabled --project {project} --filter=config.name=cloudkms.googleapis.com"
        )),
    }
}

/// GCP-02, and ANT-12 (the platform's view of the same fact, so ranked as its consequence): the
/// key ring is in one US region.
fn location(key: &GcpKeyName) -> Vec<Finding> {
    let loc = key.location();
    let title = format!("key ring {} is in a single US region", key.key_ring);
    let ant_title = "the key is in a location Anthropic serves CMEK from";
    let why = match loc.kind() {
        LocationKind::UsRegion => {
            return vec![
                Finding::pass("GCP-02", Severity::High, KEY, title),
                Finding::pass("ANT-12", Severity::High, KEY, ant_title),
            ];
        }
        LocationKind::MultiRegion => format!("{loc} is a multi-region location, which CMEK does not support"),
        LocationKind::NonUs => format!("{loc} is outside the US"),
    };
    let regions = GcpLocation::us_regions().join(", ");
    let mut moved = key.clone();
    moved.location =
        crate::identities::published().regions.gcp.first().cloned().unwrap_or_else(|| "us-central1".into());
    vec![
        Finding::new("GCP-02", Severity::High, Status::Fail, KEY, title)
            .observed(format!("key ring {} is in {why}", key.key_ring))
            .expected(format!("one US region: {regions} (us-central1 or us-east5 recommended)"))
            .fix(format!(
                "a key ring's location never changes: create the key in a US region and register that one \
                 ({}); a registered key_name cannot be changed, so delete the old configuration while it is \
                 unattached",
                commands::setup(&moved)
            )),
        Finding::new("ANT-12", Severity::High, Status::Fail, KEY, ant_title)
            .observed(format!("Cloud KMS location {loc} (see GCP-02)"))
            .expected("a single US region")
            .as_symptom(),
    ]
}

/// GCP-03: a symmetric ENCRYPT_DECRYPT key.
fn purpose(key: &GcpKeyName, k: &GcpKeyFacts) -> Finding {
    let title = format!("key {} is a symmetric ENCRYPT_DECRYPT key", key.key);
    if k.purpose == "ENCRYPT_DECRYPT" {
        return Finding::pass("GCP-03", Severity::High, KEY, title);
    }
    let algorithm = k.algorithm.as_deref().map(|a| format!(" ({a})")).unwrap_or_default();
    Finding::new("GCP-03", Severity::High, Status::Fail, KEY, title)
        .observed(format!("key {} has purpose {}{algorithm}", key.key, k.purpose))
        .expected("purpose ENCRYPT_DECRYPT, algorithm GOOGLE_SYMMETRIC_ENCRYPTION")
        .fix(format!("a key's purpose never changes: create another key and register it ({})", new_key_command(key)))
}

/// GCP-03 too: a protection level Anthropic supports (HSM recommended, SOFTWARE accepted).
fn protection(key: &GcpKeyName, k: &GcpKeyFacts) -> Finding {
    let title = format!("key {}'s protection level is HSM or SOFTWARE", key.key);
    let Some(level) = k.protection_level.as_deref() else {
        return Finding::unknown(
            "GCP-03",
            Severity::High,
            KEY,
            title,
            format!("Cloud KMS did not give key {}'s version template (protection level)", key.key),
        )
        .fix(commands::describe_key(key));
    };
    match level {
        "HSM" => Finding::pass("GCP-03", Severity::High, KEY, title),
        "SOFTWARE" => Finding::info(
            "GCP-03",
            KEY,
            title,
            format!("key {} is protected in SOFTWARE: accepted; HSM is recommended", key.key),
        )
        .fix(format!(
            "a key's protection level never changes: for HSM, create another key and register it ({})",
            new_key_command(key)
        )),
        "EXTERNAL" | "EXTERNAL_VPC" => Finding::new("GCP-03", Severity::High, Status::Fail, KEY, title)
            .observed(format!("key {} is protected {level}: Anthropic does not support external keys", key.key))
            .expected("HSM (recommended) or SOFTWARE")
            .fix(format!("create an HSM key and register it ({})", new_key_command(key))),
        other => Finding::new("GCP-03", Severity::High, Status::Warn, KEY, title)
            .observed(format!(
                "key {} is protected {other}, which the CMEK guide does not name: validation tells whether Anthropic \
                 accepts it",
                key.key
            ))
            .expected("HSM (recommended) or SOFTWARE"),
    }
}

/// A new key next to this one (same ring), by the run that creates it.
fn new_key_command(key: &GcpKeyName) -> String {
    let mut other = key.clone();
    other.key = format!("{}-2", key.key).chars().take(63).collect();
    commands::setup(&other)
}

/// GCP-04: the primary version is enabled.
fn primary(key: &GcpKeyName, k: &GcpKeyFacts) -> Finding {
    let title = format!("key {}'s primary version is enabled", key.key);
    let fail = || Finding::new("GCP-04", Severity::Critical, Status::Fail, KEY, title.clone()).expected("ENABLED");
    let Some(p) = &k.primary else {
        let enabled = k.versions.iter().find(|v| v.state == VersionState::Enabled);
        let fix = match enabled {
            Some(v) => commands::set_primary(key, v.number()),
            None => commands::new_primary_version(key),
        };
        return fail()
            .observed(format!("key {} has no primary version, so Anthropic has nothing to encrypt with", key.key))
            .fix(fix);
    };
    let n = p.number();
    match p.state {
        VersionState::Enabled => Finding::pass("GCP-04", Severity::Critical, KEY, title),
        VersionState::Disabled => fail()
            .observed(format!("primary version {n} is DISABLED: every encrypt and decrypt with it is refused"))
            .fix(commands::enable_version(key, n)),
        VersionState::DestroyScheduled => fail()
            .observed(format!(
                "primary version {n} is scheduled for destruction{}: until then it can be restored, after that the \
                 data it protects is lost for good",
                permanent_on(p.destroy_time.as_deref())
            ))
            .fix(commands::restore_version(key, n)),
        VersionState::Destroyed => {
            let enabled = k.older_versions().find(|v| v.state == VersionState::Enabled);
            let fix = match enabled {
                Some(v) => commands::set_primary(key, v.number()),
                None => commands::new_primary_version(key),
            };
            fail()
                .observed(format!(
                    "primary version {n} is DESTROYED: nothing can restore it, and data encrypted with it cannot be \
                     decrypted"
                ))
                .fix(format!("make an enabled version primary so new data can be encrypted: {fix}"))
        }
        VersionState::PendingGeneration => Finding::new("GCP-04", Severity::Critical, Status::Warn, KEY, title)
            .observed(format!("primary version {n} is still being generated"))
            .expected("ENABLED")
            .fix("wait a moment (HSM versions take seconds), then run cmek doctor again"),
        VersionState::Other => fail()
            .observed(format!("primary version {n} is {}", p.state_name))
            .fix(format!("{} (then make an enabled version primary)", commands::list_versions(key))),
    }
}

/// " (it becomes permanent on <time>)" when the destroy time is known.
fn permanent_on(destroy_time: Option<&str>) -> String {
    destroy_time.map(|t| format!(" (it becomes permanent on {t})")).unwrap_or_default()
}

/// GCP-05: the older versions, which decrypt what they encrypted, are usable.
fn older_versions(key: &GcpKeyName, k: &GcpKeyFacts) -> Finding {
    let title = format!("key {}'s older versions are neither disabled nor destroyed", key.key);
    let mut fixable = Vec::new();
    let mut fixes = Vec::new();
    let mut gone = Vec::new();
    for v in k.older_versions() {
        let n = v.number();
        match v.state {
            VersionState::Disabled => {
                fixable.push(format!("version {n} is DISABLED"));
                fixes.push(commands::enable_version(key, n));
            }
            VersionState::DestroyScheduled => {
                fixable.push(format!(
                    "version {n} is scheduled for destruction{}",
                    permanent_on(v.destroy_time.as_deref())
                ));
                fixes.push(commands::restore_version(key, n));
            }
            VersionState::Destroyed => gone.push(format!("version {n} is DESTROYED")),
            _ => {}
        }
    }
    if fixable.is_empty() && gone.is_empty() {
        return Finding::pass("GCP-05", Severity::Critical, KEY, title);
    }
    let they = |n: usize| if n == 1 { ("it", "it is") } else { ("they", "they are") };
    let lost = (!gone.is_empty())
        .then(|| format!("{}: what {} encrypted can never be decrypted", gone.join(", "), they(gone.len()).0));
    let expected = "every version that may have encrypted data stays ENABLED";
    if fixable.is_empty() {
        return Finding::new("GCP-05", Severity::Critical, Status::Warn, KEY, title)
            .observed(lost.unwrap_or_default())
            .expected(expected)
            .fix(
                "nothing brings a destroyed version back: keep every other version enabled, and never destroy one \
                 that may still protect data",
            );
    }
    let observed = [
        Some(format!(
            "{}: what {} encrypted cannot be decrypted until {} enabled again",
            fixable.join(", "),
            they(fixable.len()).0,
            they(fixable.len()).1
        )),
        lost,
    ];
    Finding::new("GCP-05", Severity::Critical, Status::Fail, KEY, title)
        .observed(observed.into_iter().flatten().collect::<Vec<_>>().join("; "))
        .expected(expected)
        .fix(fixes.join(" && "))
}

/// GCP-06 (both roles bound to Anthropic on the key, unconditionally) and ANT-11 (no
/// Anthropic-looking member that is not the published one).
fn bindings(g: &GcpKeyLookup, k: &GcpKeyFacts) -> Vec<Finding> {
    let key = &g.key;
    let member = anthropic_member();
    let title = format!("Anthropic's service account holds cryptoKeyEncrypterDecrypter and viewer on key {}", key.key);
    let imposter_title = "every Anthropic principal in the key's IAM policy is the published one";
    let Some(policy) = &k.iam_policy else {
        let why = format!(
            "key {}'s IAM policy could not be read (it needs cloudkms.cryptoKeys.getIamPolicy, e.g. \
             roles/cloudkms.admin)",
            key.key
        );
        return vec![
            Finding::unknown("GCP-06", Severity::High, ACCESS, title, why.clone()).fix(commands::get_key_policy(key)),
            Finding::unknown("ANT-11", Severity::Critical, ACCESS, imposter_title, why),
        ];
    };
    let roles = [ENCRYPTER_DECRYPTER_ROLE, VIEWER_ROLE];
    let missing = policy.missing(&roles, member);
    let grant = if missing.is_empty() {
        match &g.deny_policy {
            None => Finding::pass("GCP-06", Severity::High, ACCESS, title),
            Some(seen) => Finding::new("GCP-06", Severity::High, Status::Warn, ACCESS, title)
                .observed(format!("both bindings are on the key, but an IAM deny policy may refuse {member}: {seen}"))
                .expected("no deny policy that matches Anthropic's service account and cloudkms permissions")
                .fix(commands::list_deny_policies(&key.project)),
        }
    } else {
        let ring = g.key_ring.as_ref().ok().and_then(|r| r.as_ref()).and_then(|r| r.iam_policy.as_ref());
        let project = g.project_policy.as_ref().ok();
        let mut notes = Vec::new();
        let mut inherited_everywhere = true;
        for role in &missing {
            let mut where_else = Vec::new();
            if ring.is_some_and(|p| p.grants(role, member)) {
                where_else.push(format!("key ring {}", key.key_ring));
            }
            if project.is_some_and(|p| p.grants(role, member)) {
                where_else.push(format!("project {}", key.project));
            }
            if where_else.is_empty() {
                inherited_everywhere = false;
            }
            let mut note = if where_else.is_empty() {
                format!("{role} is not bound on the key")
            } else {
                format!("{role} is bound on {} instead of the key (the wrong scope)", where_else.join(" and "))
            };
            if policy.grants_conditionally(role, member) {
                note.push_str("; its binding on the key has a condition, which does not count");
            }
            notes.push(note);
        }
        let unread: Vec<&str> = [("the key ring's", ring.is_none()), ("the project's", project.is_none())]
            .into_iter()
            .filter_map(|(what, unread)| unread.then_some(what))
            .collect();
        if !unread.is_empty() {
            notes.push(format!("{} IAM policy could not be read, so grants there are not known", unread.join(" and ")));
        }
        if let Some(seen) = &g.deny_policy {
            notes.push(format!("an IAM deny policy may refuse it too: {seen}"));
        }
        let status = if inherited_everywhere { Status::Warn } else { Status::Fail };
        let by_hand: Vec<String> = missing.iter().map(|role| commands::add_binding(key, role)).collect();
        Finding::new("GCP-06", Severity::High, status, ACCESS, title)
            .observed(format!("for {member}: {}", notes.join("; ")))
            .expected(format!("unconditional bindings of {} on the key", roles.join(" and ")))
            .fix(format!(
                "{} (it adds the key-scoped bindings and keeps every other), or by hand: {}",
                commands::setup(key),
                by_hand.join(" && ")
            ))
    };
    vec![grant, imposters(key, policy)]
}

/// ANT-11: a member that looks like Anthropic's (its project, or its account's name) but is not the
/// published service account: a typo or an impostor, granted access to the key.
fn imposters(key: &GcpKeyName, policy: &GcpIamPolicy) -> Finding {
    let title = "every Anthropic principal in the key's IAM policy is the published one";
    let published = anthropic_member();
    let looks_like = |m: &str| {
        let m = m.to_ascii_lowercase();
        let email = m.split_once(':').map_or(m.as_str(), |(_, e)| e);
        email.ends_with("@gcp-anthropic-cmek-clients.iam.gserviceaccount.com")
            || email.starts_with("anthropic-cmek-client")
    };
    let odd: Vec<(&str, &str)> = policy
        .bindings
        .iter()
        .flat_map(|b| b.members.iter().map(move |m| (b.role.as_str(), m.as_str())))
        .filter(|(_, m)| looks_like(m) && *m != published)
        .collect();
    if odd.is_empty() {
        return Finding::pass("ANT-11", Severity::Critical, ACCESS, title).expected(published.to_string());
    }
    let named: Vec<String> = odd.iter().map(|(role, m)| format!("{m} ({role})")).collect();
    let fixes: Vec<String> = odd.iter().map(|(role, m)| commands::remove_binding(key, role, m)).collect();
    Finding::new("ANT-11", Severity::Critical, Status::Fail, ACCESS, title)
        .observed(format!(
            "key {}'s IAM policy grants {}, which is not Anthropic's published service account",
            key.key,
            named.join(", ")
        ))
        .expected(published.to_string())
        .why("only the published service account is Anthropic's: another one is a typo, or someone else")
        .fix(format!("{}, then bind the published one: {}", fixes.join(" && "), commands::setup(key)))
}

/// GCP-09 (the organisation's label, `true`) and GEN-04 (labels for other organisations too).
fn label(f: &DoctorFacts, key: &GcpKeyName, k: &GcpKeyFacts) -> Vec<Finding> {
    let Ok(org) = &f.org else {
        return vec![Finding::unknown(
            "GCP-09",
            Severity::High,
            KEY,
            format!("key {} carries the organisation label", key.key),
            "the organisation UUID could not be read from the Admin API (see ANT-01)",
        )];
    };
    let wanted = org_label_key(org);
    let title = format!("key {} carries the label {wanted}=true", key.key);
    let mut out = vec![match k.labels.get(&wanted).map(String::as_str) {
        Some("true") => Finding::pass("GCP-09", Severity::High, KEY, title),
        found => {
            let observed = match found {
                Some(other) => format!("label {wanted} is `{other}`, not `true`"),
                None if k.labels.is_empty() => format!("key {} has no labels", key.key),
                None => format!(
                    "key {} has no label {wanted} (its labels: {})",
                    key.key,
                    k.labels.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            };
            Finding::new("GCP-09", Severity::High, Status::Fail, KEY, title)
                .observed(observed)
                .expected(format!("{wanted}=true"))
                .fix(format!(
                    "{} (it merges the label into the others), or by hand: {}",
                    commands::setup(key),
                    commands::add_label(key, &wanted)
                ))
        }
    }];
    let others: Vec<&str> = k
        .labels
        .iter()
        .filter(|(l, v)| l.starts_with("anthropic-org-") && **l != wanted && v.as_str() == "true")
        .map(|(l, _)| l.as_str())
        .collect();
    if !others.is_empty() {
        out.push(
            Finding::new(
                "GEN-04",
                Severity::Medium,
                Status::Warn,
                KEY,
                format!("key {} serves one organisation", key.key),
            )
            .observed(format!("key {} is also labelled for {}", key.key, others.join(", ")))
            .expected(format!("only {wanted}"))
            .fix("confirm the sharing is intended: disabling or destroying this key cuts every one of them off"),
        );
    }
    out
}

/// GCP-11: automatic rotation.
fn rotation(key: &GcpKeyName, k: &GcpKeyFacts) -> Finding {
    let title = format!("key {} rotates automatically", key.key);
    match (k.rotation_days(), &k.rotation_period) {
        (Some(days), _) => Finding::pass("GCP-11", Severity::Low, KEY, title).observed(format!("every {days} days")),
        (None, Some(odd)) => Finding::new("GCP-11", Severity::Low, Status::Warn, KEY, title)
            .observed(format!("rotation period `{odd}` is not a duration doctor can read")),
        (None, None) => Finding::new("GCP-11", Severity::Low, Status::Warn, KEY, title)
            .observed(format!("key {} has no rotation period", key.key))
            .expected("a rotation period, e.g. 90 days")
            .fix(commands::set_rotation(key)),
    }
}

/// ANT-13: the registered `key_name` is the key inspected (it can never be changed: a wrong one is
/// replaced by a new registration while unattached).
fn registered(f: &DoctorFacts, key: &GcpKeyName) -> Vec<Finding> {
    let Some((id, attached, config)) =
        f.registered.as_ref().and_then(|r| GcpKeyConfig::read(&r.config).map(|c| (r.id.as_str(), r.attached, c)))
    else {
        return Vec::new();
    };
    let title = format!("registered key_name is the key doctor inspected ({key})");
    if config.key_name == key.to_string() {
        return vec![Finding::pass("ANT-13", Severity::High, PLATFORM, title)];
    }
    let why_not = match GcpKeyName::parse(&config.key_name) {
        Ok(other) => format!("{id} registers key_name {other}"),
        Err(e) => format!("{id} registers key_name `{}`: {}", config.key_name, e.reason),
    };
    let fix = if attached {
        format!("{id} is attached, and a key_name never changes: make {} the key it names", config.key_name)
    } else {
        format!("delete {id} while it is unattached, then register the key: {}", commands::setup(key))
    };
    vec![
        Finding::new("ANT-13", Severity::High, Status::Fail, PLATFORM, title)
            .observed(why_not)
            .expected(key.to_string())
            .fix(fix),
    ]
}

/// ANT-13 when the key (or its ring) does not exist: nothing about the key can be checked.
fn missing(g: &GcpKeyLookup) -> Finding {
    let key = &g.key;
    let ring_missing = matches!(g.key_ring, Ok(None));
    let observed = if ring_missing {
        format!("project {} has no key ring {} in {}", key.project, key.key_ring, key.location)
    } else {
        format!("key ring {} holds no key {} (readable by you)", key.key_ring, key.key)
    };
    Finding::new("ANT-13", Severity::High, Status::Fail, PLATFORM, format!("key {key} exists in Cloud KMS"))
        .observed(observed)
        .expected("the key the registered key_name (or --key) names")
        .why("Anthropic cannot encrypt with a key that does not exist")
        .fix(format!(
            "check the name with gcloud kms keys list --keyring {} --location {} --project {}; to create it: {}",
            key.key_ring,
            key.location,
            key.project,
            commands::setup(key)
        ))
}

/// The key's own checks when it could not be read (why).
fn key_unread(key: &GcpKeyName, why: &str) -> Vec<Finding> {
    let why = format!("key {} could not be read: {why}", key.key);
    unknown(&["GCP-03", "GCP-04", "GCP-05", "GCP-06", "GCP-09", "GCP-11"], &why)
}

/// Whether a passing validation (made by Anthropic, from outside your network) shows the path works.
fn validated(f: &DoctorFacts) -> bool {
    matches!(&f.validation, ValidationFacts::Done(v) if v.ok)
}

/// GCP-07: domain-restricted sharing (`iam.allowedPolicyMemberDomains`) lets Anthropic's member in.
fn sharing(f: &DoctorFacts, g: &GcpKeyLookup) -> Finding {
    let project = &g.key.project;
    let title = "domain-restricted sharing allows Anthropic's service account";
    if let Some(text) = g.refusals.iter().chain(&g.domain_restriction).find(|t| drs_refusal(t)) {
        return Finding::new("GCP-07", Severity::High, Status::Fail, ACCESS, title)
            .observed(format!("Google refused a binding for a member outside your organisation: {text}"))
            .expected(format!("{} allowed by iam.allowedPolicyMemberDomains in project {project}", anthropic_member()))
            .fix(format!(
                "an organisation policy administrator adds Anthropic's customer id to the constraint for this project \
                 (or makes a project exception); see the effective policy with: {}",
                commands::describe_sharing_policy(project)
            ));
    }
    let bound = g
        .crypto_key
        .as_ref()
        .ok()
        .and_then(|k| k.as_ref())
        .and_then(|k| k.iam_policy.as_ref())
        .is_some_and(|p| p.missing(&[ENCRYPTER_DECRYPTER_ROLE, VIEWER_ROLE], anthropic_member()).is_empty());
    if bound || validated(f) {
        return Finding::pass("GCP-07", Severity::High, ACCESS, title);
    }
    if let Some(seen) = &g.domain_restriction {
        return Finding::new("GCP-07", Severity::High, Status::Warn, ACCESS, title)
            .observed(format!("domain-restricted sharing is enforced on project {project}: {seen}"))
            .expected(format!("{} allowed by the constraint", anthropic_member()))
            .fix(format!(
                "before adding Anthropic's bindings, an organisation policy administrator allows Anthropic's customer \
                 id for this project (or makes a project exception): {}",
                commands::describe_sharing_policy(project)
            ));
    }
    Finding::unknown(
        "GCP-07",
        Severity::High,
        ACCESS,
        title,
        "doctor does not read organisation policies; the constraint shows only when a binding for Anthropic is \
         written (cmek setup reports it) or vanishes",
    )
    .fix(commands::describe_sharing_policy(project))
}

/// GCP-08: no VPC Service Controls perimeter keeps Anthropic out of Cloud KMS.
fn perimeter(f: &DoctorFacts, g: &GcpKeyLookup) -> Finding {
    let title = "no VPC Service Controls perimeter keeps Anthropic out of Cloud KMS";
    if let Some(text) = g.refusals.iter().find(|t| vpc_sc_refusal(t)) {
        return Finding::new("GCP-08", Severity::High, Status::Fail, NETWORK, title)
            .observed(format!("a VPC Service Controls perimeter refused doctor's read of the key: {text}"))
            .expected(format!(
                "an ingress rule (or access level) that lets {} call cloudkms.googleapis.com in project {}",
                anthropic_member(),
                g.key.project
            ))
            .fix(format!(
                "ask the perimeter's administrator for that ingress rule; the perimeters and their restricted \
                 services: {}",
                commands::list_perimeters()
            ));
    }
    if validated(f) {
        return Finding::pass("GCP-08", Severity::High, NETWORK, title);
    }
    Finding::unknown(
        "GCP-08",
        Severity::High,
        NETWORK,
        title,
        "doctor reads the key from your network, which may be inside a perimeter that keeps Anthropic out; only a \
         passing validation shows Anthropic gets through",
    )
    .fix(commands::list_perimeters())
}

/// GCP-10: doctor cannot read the project's audit configuration, so it says how to check. A note,
/// not an unknown: it could never be known here, and must not turn a healthy key into "?" (as
/// AWS-16's alarms).
fn audit_logs(key: &GcpKeyName) -> Finding {
    Finding::info(
        "GCP-10",
        PROJECT,
        format!("Data Access audit logs (DATA_READ, DATA_WRITE) for Cloud KMS in project {}: check them", key.project),
        "doctor does not read the project's audit configuration; Data Access logs are off by default",
    )
    .why("without them, Anthropic's use of the key leaves no log entry to review")
    .fix(format!(
        "check auditConfigs for cloudkms.googleapis.com (or allServices) with DATA_READ and DATA_WRITE in: {}; turn \
         them on in IAM & Admin > Audit Logs > Cloud Key Management Service",
        commands::read_audit_config(&key.project)
    ))
}

/// Every check, as it reads when it could not run.
const CHECKS: [(&str, Severity, &str, &str); 11] = [
    ("GCP-01", Severity::High, PROJECT, "the Cloud KMS API is enabled in the key's project"),
    ("GCP-02", Severity::High, KEY, "the key ring is in a single US region"),
    ("GCP-03", Severity::High, KEY, "the key is a symmetric ENCRYPT_DECRYPT key (HSM or SOFTWARE)"),
    ("GCP-04", Severity::Critical, KEY, "the key's primary version is enabled"),
    ("GCP-05", Severity::Critical, KEY, "the key's older versions are neither disabled nor destroyed"),
    (
        "GCP-06",
        Severity::High,
        ACCESS,
        "Anthropic's service account holds cryptoKeyEncrypterDecrypter and viewer on the key",
    ),
    ("GCP-07", Severity::High, ACCESS, "domain-restricted sharing allows Anthropic's service account"),
    ("GCP-08", Severity::High, NETWORK, "no VPC Service Controls perimeter keeps Anthropic out of Cloud KMS"),
    ("GCP-09", Severity::High, KEY, "the key carries the organisation label"),
    ("GCP-10", Severity::Medium, PROJECT, "Data Access audit logs are on for Cloud KMS"),
    ("GCP-11", Severity::Low, KEY, "the key rotates automatically"),
];

/// The checks `ids` name, each `unknown` for `why`.
fn unknown(ids: &[&str], why: &str) -> Vec<Finding> {
    CHECKS
        .iter()
        .filter(|(id, ..)| ids.contains(id))
        .map(|(id, sev, group, title)| Finding::unknown(id, *sev, group, *title, why.to_string()))
        .collect()
}

fn unknown_all(why: &str) -> Vec<Finding> {
    let ids: Vec<&str> = CHECKS.iter().map(|(id, ..)| *id).collect();
    unknown(&ids, &format!("Google Cloud could not be read: {why}"))
}
