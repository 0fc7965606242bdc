//! Anthropic's access to the key (GCP-06): its published service account must hold both Cloud KMS
//! roles in the KEY's IAM policy. Grants found on the key ring or the project reach the key too,
//! but are reported, not counted: the guide asks for key-scoped bindings. The plan adds the
//! missing ones by read-modify-write and shows the policy before and after. Also here: a binding
//! to an Anthropic-looking principal that is not the published one (ANT-11), an IAM deny policy,
//! and domain-restricted sharing (GCP-07), which refuses the write.

use crate::identities;
use crate::model::gcp::{
    ENCRYPTER_DECRYPTER_ROLE, GcpCallerIdentity, GcpIamPolicy, GcpKeyFacts, GcpKeyName, GcpKeyRingFacts, VIEWER_ROLE,
};
use crate::plan::{Check, DocumentChange, PlanDocument, Severity, Step, StepState};
use crate::policy::diff::diff_text;
use crate::shell::quoted;

use super::gcloud::gcloud_key_flags;
use super::steps::{GcpStep, IamGrant};

/// The document GCP plans show: the key's IAM policy.
pub(crate) const DOCUMENT: &str = "Key IAM policy";
/// The roles Anthropic needs on the key: crypto, and reading the key's purpose and algorithm.
pub const ANTHROPIC_ROLES: [&str; 2] = [ENCRYPTER_DECRYPTER_ROLE, VIEWER_ROLE];

/// What the access checks found, the grant step and the document it writes.
pub(crate) struct AccessPlan {
    pub checks: Vec<Check>,
    pub step: Step,
    pub document: Option<PlanDocument>,
}

/// Where else the key's grants can come from, for reporting.
pub(crate) struct Inherited<'a> {
    pub key_ring: Option<&'a GcpKeyRingFacts>,
    pub project: Option<&'a GcpIamPolicy>,
}

pub(crate) fn access_plan(
    name: &GcpKeyName,
    key: Option<&GcpKeyFacts>,
    inherited: &Inherited<'_>,
    caller: &GcpCallerIdentity,
) -> AccessPlan {
    let member = identities::published().gcp.service_account.clone();
    let roles: Vec<String> = ANTHROPIC_ROLES.iter().map(|r| r.to_string()).collect();
    let title = format!(
        "Anthropic's service account holds {} and {} on key {}",
        short(ENCRYPTER_DECRYPTER_ROLE),
        short(VIEWER_ROLE),
        name.key
    );
    let fix = |missing: &[&str]| {
        missing
            .iter()
            .map(|role| {
                format!(
                    "gcloud kms keys add-iam-policy-binding {} --member {} --role {role}",
                    gcloud_key_flags(name),
                    quoted(&member)
                )
            })
            .collect::<Vec<_>>()
            .join(" && ")
    };
    let grant = |before: Option<GcpIamPolicy>| {
        let base = before.clone().unwrap_or_default();
        let after = base.with_member(&ANTHROPIC_ROLES, &member);
        let diff = diff_text(before.as_ref().map(GcpIamPolicy::render).as_deref(), &after.render());
        IamGrant { key: name.clone(), member: member.clone(), roles: roles.clone(), before, after, diff }
    };
    let elsewhere = inherited_grants(name, inherited, &member);

    let Some(key) = key else {
        // The key this run creates: its policy starts empty.
        let g = grant(None);
        let document =
            PlanDocument { name: DOCUMENT, change: DocumentChange::New, diff: g.diff.clone(), after: g.after.render() };
        let check = Check::fail(
            "GCP-06",
            Severity::High,
            title,
            format!("key {} does not exist yet{elsewhere}; the plan grants both roles on the key it creates", name.key),
        )
        .with_fix(fix(&ANTHROPIC_ROLES))
        .planned();
        return AccessPlan {
            checks: vec![check],
            step: Step::cloud(GcpStep::GrantAnthropic(g), StepState::Planned),
            document: Some(document),
        };
    };

    let Some(policy) = &key.iam_policy else {
        let you = caller.principal.clone().unwrap_or_else(|| "user:<you>".to_string());
        let check = Check::fail(
            "GCP-06",
            Severity::High,
            "the key's IAM policy can be read (Anthropic's bindings are added by read-modify-write)",
            format!("the IAM policy of key {} could not be read", name.key),
        )
        .with_fix(format!(
            "give the account running cmek roles/cloudkms.admin on the key ring, then re-run: gcloud kms keyrings \
             add-iam-policy-binding {} --location {} --project {} --member {} --role roles/cloudkms.admin",
            quoted(&name.key_ring),
            quoted(&name.location),
            quoted(&name.project),
            quoted(&you)
        ));
        return AccessPlan {
            checks: vec![check],
            step: Step::cloud(GcpStep::GrantAnthropic(grant(None)), StepState::Planned),
            document: None,
        };
    };

    let mut checks = Vec::new();
    let missing = policy.missing(&ANTHROPIC_ROLES, &member);
    let g = grant(Some(policy.clone()));
    let (step, change) = if missing.is_empty() {
        checks.push(Check::pass("GCP-06", Severity::High, title));
        let why = format!("the IAM policy of key {} already grants Anthropic's service account both roles", name.key);
        (Step::cloud(GcpStep::GrantAnthropic(g.clone()), StepState::AlreadyDone(why)), DocumentChange::Unchanged)
    } else {
        let conditional: Vec<&str> =
            missing.iter().copied().filter(|r| policy.grants_conditionally(r, &member)).collect();
        let mut observed = format!(
            "the IAM policy of key {} lacks {} for {member}",
            name.key,
            missing.iter().map(|r| short(r)).collect::<Vec<_>>().join(" and ")
        );
        if !conditional.is_empty() {
            observed.push_str(&format!(
                " (a conditional binding of {} names it, which does not count: the condition may not hold for \
                 Anthropic's calls)",
                conditional.iter().map(|r| short(r)).collect::<Vec<_>>().join(" and ")
            ));
        }
        observed.push_str(&elsewhere);
        observed.push_str("; the plan adds the missing key-scoped binding");
        observed.push_str(if missing.len() == 1 { "" } else { "s" });
        checks.push(Check::fail("GCP-06", Severity::High, title, observed).with_fix(fix(&missing)).planned());
        (Step::cloud(GcpStep::GrantAnthropic(g.clone()), StepState::Planned), DocumentChange::Changes)
    };
    checks.extend(unpublished_principals(name, policy, &member));
    let document = PlanDocument { name: DOCUMENT, change, diff: g.diff.clone(), after: g.after.render() };
    AccessPlan { checks, step, document: Some(document) }
}

/// `; the key ring R grants ... (inherited ...)`: grants of Anthropic's roles above the key.
fn inherited_grants(name: &GcpKeyName, inherited: &Inherited<'_>, member: &str) -> String {
    let mut parts = Vec::new();
    let held = |policy: &GcpIamPolicy| -> Vec<&str> {
        ANTHROPIC_ROLES.iter().copied().filter(|r| policy.grants(r, member)).map(short).collect()
    };
    if let Some(policy) = inherited.key_ring.and_then(|r| r.iam_policy.as_ref()) {
        let roles = held(policy);
        if !roles.is_empty() {
            parts.push(format!("key ring {} grants {}", name.key_ring, roles.join(" and ")));
        }
    }
    if let Some(policy) = inherited.project {
        let roles = held(policy);
        if !roles.is_empty() {
            parts.push(format!("project {} grants {}", name.project, roles.join(" and ")));
        }
    }
    if parts.is_empty() {
        return String::new();
    }
    format!(
        "; {} to it: inherited by the key, but not counted (the guide asks for bindings on the key, so access does \
         not depend on every other key there)",
        parts.join(", ")
    )
}

/// `roles/cloudkms.viewer` -> `cloudkms.viewer`, for shorter lines.
fn short(role: &str) -> &str {
    role.strip_prefix("roles/").unwrap_or(role)
}

/// ANT-11: a binding on the key to a principal that looks like Anthropic's but is not the
/// published service account (one received by e-mail, a look-alike, an older one).
fn unpublished_principals(name: &GcpKeyName, policy: &GcpIamPolicy, published: &str) -> Vec<Check> {
    let mut out = Vec::new();
    for b in &policy.bindings {
        for m in b.members.iter().filter(|m| *m != published && looks_like_anthropic(m)) {
            out.push(
                Check::warn(
                    "ANT-11",
                    Severity::Critical,
                    format!("key {} grants Anthropic only through its published service account", name.key),
                    format!(
                        "key {} grants {} to {m}, which is not Anthropic's published service account {published}",
                        name.key, b.role
                    ),
                )
                .with_fix(format!(
                    "remove it unless you know whose it is: gcloud kms keys remove-iam-policy-binding {} --member {} \
                     --role {}{}",
                    gcloud_key_flags(name),
                    quoted(m),
                    quoted(&b.role),
                    // A conditional binding is named by its condition; `--all` takes every one of them.
                    if b.condition.is_some() { " --all" } else { "" }
                )),
            );
        }
    }
    out
}

/// A member in an Anthropic-looking domain, or named like Anthropic's CMEK client.
fn looks_like_anthropic(member: &str) -> bool {
    let lower = member.to_ascii_lowercase();
    let email = lower.split_once(':').map(|(_, e)| e).unwrap_or(&lower);
    let (local, domain) = email.split_once('@').unwrap_or((email, ""));
    domain.contains("anthropic") || local.starts_with("anthropic-cmek-client")
}

/// An IAM deny policy inspection saw: it overrides any allow binding.
pub(crate) fn deny_policy_check(name: &GcpKeyName, seen: &str) -> Check {
    let account = identities::published().gcp.service_account.trim_start_matches("serviceAccount:").to_string();
    Check::warn(
        "GCP-06",
        Severity::High,
        "no IAM deny policy denies Anthropic's service account on the key",
        format!("an IAM deny policy may apply to key {}: {seen}", name.key),
    )
    .with_fix(format!(
        "list them (gcloud iam policies list --attachment-point=cloudresourcemanager.googleapis.com%2Fprojects%2F{} \
         --kind=denypolicies) and add principal://iam.googleapis.com/projects/-/serviceAccounts/{account} to the \
         exceptionPrincipals of any rule denying cloudkms permissions",
        name.project
    ))
}

/// GCP-07: domain-restricted sharing refuses (or later strips) a binding to a member outside the
/// organisation's allowed customers. Before a planned grant it blocks: the write would fail after
/// the permanent key ring and key were made.
pub(crate) fn domain_restriction_check(name: &GcpKeyName, seen: &str, grant_planned: bool) -> Check {
    let member = &identities::published().gcp.service_account;
    let title = format!("domain-restricted sharing allows Anthropic's service account in project {}", name.project);
    let fix = format!(
        "let the project allow Anthropic's service account, then re-run: with iam.managed.allowedPolicyMembers add \
         {member} to the allowed members for project {p}; with iam.allowedPolicyMemberDomains add Anthropic's \
         customer id for project {p} (gcloud resource-manager org-policies allow iam.allowedPolicyMemberDomains \
         <customer id> --project {p})",
        p = name.project
    );
    if grant_planned {
        Check::fail(
            "GCP-07",
            Severity::High,
            title,
            format!(
                "{seen}: setIamPolicy would refuse the binding (\"do not belong to a permitted customer\"), so \
                 nothing is changed"
            ),
        )
        .with_fix(fix)
    } else {
        Check::warn(
            "GCP-07",
            Severity::High,
            title,
            format!("{seen}: Anthropic's bindings exist, but a policy rewrite under this constraint may strip them"),
        )
        .with_fix(fix)
    }
}
