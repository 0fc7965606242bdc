//! The rules about what the statements grant Anthropic, read statement by statement: the org
//! binding (AWS-07), over-broad grants (AWS-08), a context condition on DescribeKey (AWS-06) and
//! principals that look like Anthropic's but are not the published one (ANT-11).

use crate::identities;
use crate::plan::Severity;
use crate::policy::aws::anthropic::request;
use crate::policy::aws::eval::evaluate;
use crate::policy::aws::principal::is_account_root_arn;
use crate::policy::aws::render::CONTEXT_KEY_ORG;
use crate::policy::aws::statement::{ActionElement, Effect, Statement};
use crate::policy::aws::{PrincipalElement, PrincipalKind, Principals};

use super::fixes::{crypto_statement, describe_statement, role_arn, setup_command, terraform};
use super::kms_actions::covered_by;
use super::{Finding, Resolved, Status, account_of_principal, covers_anthropic, finding, label, names_anthropic};

pub(crate) fn check(r: &Resolved) -> Vec<Finding> {
    let mut out = vec![org_binding(r)];
    out.extend(over_broad(r));
    out.push(unpublished(r));
    out.extend(describe_condition(r));
    out
}

/// Allow statements that name Anthropic and let it call Encrypt or Decrypt (conditions aside).
fn anthropic_crypto_grants<'a>(r: &'a Resolved) -> impl Iterator<Item = (usize, &'a Statement)> + 'a {
    r.policy.statements().iter().enumerate().filter(move |(_, s)| {
        s.effect == Effect::Allow
            && names_anthropic(s)
            && (covers_anthropic(r, s, "kms:Encrypt") || covers_anthropic(r, s, "kms:Decrypt"))
    })
}

/// AWS-07: each grant to Anthropic carries StringEquals on the org context key with the org UUID.
fn org_binding(r: &Resolved) -> Finding {
    let org = r.ctx.org_uuid.to_string();
    let title = "Anthropic's grant is bound to the organisation";
    let expected = format!(
        "StringEquals {{\"{CONTEXT_KEY_ORG}\": \"{org}\"}} on every statement granting Anthropic \
                            kms:Encrypt/kms:Decrypt"
    );
    let mut problems = Vec::new();
    let mut grants = 0;
    for (i, s) in anthropic_crypto_grants(r) {
        grants += 1;
        let entries: Vec<(&str, Vec<String>)> = s
            .effective_condition()
            .into_iter()
            .flat_map(|c| c.entries())
            .filter(|(_, e)| e.key.eq_ignore_ascii_case(CONTEXT_KEY_ORG))
            .map(|(op, e)| (op, e.values.iter().map(|v| v.as_policy_string()).collect()))
            .collect();
        match entries.iter().find(|(op, _)| *op == "StringEquals") {
            Some((_, values)) if values.contains(&org) => {}
            Some((_, values)) => {
                problems.push(format!("{} binds {CONTEXT_KEY_ORG} to {}, not to {org}", label(s, i), values.join(", ")))
            }
            None => match entries.first() {
                Some((op, values)) => problems.push(format!(
                    "{} tests {CONTEXT_KEY_ORG} with {op} ({}), not StringEquals",
                    label(s, i),
                    values.join(", ")
                )),
                None => problems.push(format!("{} has no condition on {CONTEXT_KEY_ORG}", label(s, i))),
            },
        }
    }
    if grants == 0 {
        problems.push(format!(
            "no statement grants {} kms:Encrypt/kms:Decrypt, so nothing binds the key to {org}",
            role_arn()
        ));
    }
    if problems.is_empty() {
        return finding("AWS-07", Severity::High, Status::Pass, title).expected(expected);
    }
    // With no grant at all, the missing binding follows from the missing grant (AWS-05).
    let without_grant = grants == 0 && problems.len() == 1;
    let f = finding("AWS-07", Severity::High, Status::Fail, title);
    let f = if without_grant { f.as_symptom() } else { f };
    f.observed(problems.join("; "))
        .expected(expected)
        .why(
            "validation refuses keys whose grant is not bound to the organisation; without it any Anthropic \
              organisation's requests could use your key",
        )
        .fix(format!("run {} or use this statement: {}", setup_command(r), crypto_statement(r)))
        .terraform(terraform(r))
}

const NO_CONDITION: &str = "allows Anthropic cryptographic operations without any condition";

/// AWS-08 read from the statements: whole-account or `*` grants, broad actions, no condition.
fn over_broad(r: &Resolved) -> Vec<Finding> {
    let title = "Anthropic's grant is no broader than the role, Encrypt/Decrypt/DescribeKey and a condition";
    let anthropic = &identities::published().aws.account_id;
    let mut out = Vec::new();
    for (i, s) in r.policy.statements().iter().enumerate().filter(|(_, s)| s.effect == Effect::Allow) {
        let mut problems = Vec::new();
        match &s.principal {
            Some(PrincipalElement::NotPrincipal(_)) => {
                problems.push("uses NotPrincipal in an Allow: it grants every principal not listed".to_string())
            }
            Some(PrincipalElement::Principal(p)) => {
                let everyone = matches!(p, Principals::Everyone) || p.values_of(PrincipalKind::Aws).any(|v| v == "*");
                if everyone && s.effective_condition().is_none() {
                    problems.push("allows every principal (\"*\") without any condition".to_string());
                }
                for v in p.values_of(PrincipalKind::Aws) {
                    if v == anthropic || is_account_root_arn(v, anthropic) {
                        problems.push(format!("grants the whole Anthropic account ({v}), not the published role"));
                    }
                }
            }
            None => {}
        }
        if names_anthropic(s) {
            let allowed = ["Encrypt", "Decrypt", "DescribeKey"];
            match &s.action {
                ActionElement::NotAction(v) => problems.push(format!(
                    "grants Anthropic every action except {}",
                    v.iter().cloned().collect::<Vec<_>>().join(", ")
                )),
                ActionElement::Action(values) => {
                    for v in values.iter() {
                        let extra: Vec<&str> = covered_by(v).into_iter().filter(|a| !allowed.contains(a)).collect();
                        if extra.is_empty() {
                            continue;
                        }
                        if v.contains('*') || v.contains('?') {
                            problems.push(format!("grants Anthropic {v} ({})", shorten(&extra)));
                        } else {
                            problems.push(format!("grants Anthropic {v}"));
                        }
                    }
                }
            }
            let crypto = covers_anthropic(r, s, "kms:Encrypt") || covers_anthropic(r, s, "kms:Decrypt");
            if crypto && s.effective_condition().is_none() {
                problems.push(NO_CONDITION.to_string());
            }
        }
        // A grant whose only fault is the missing condition is AWS-07's story (the organisation
        // binding); this finding then follows from it.
        let only_unbound = problems.iter().all(|p| p == NO_CONDITION);
        if !problems.is_empty() {
            out.push(
                finding("AWS-08", Severity::High, Status::Fail, title)
                    .observed(format!("{} {}", label(s, i), problems.join("; ")))
                    .expected(format!(
                        "only {} as principal, kms:Encrypt + kms:Decrypt with the org condition, kms:DescribeKey \
                         without one",
                        role_arn()
                    ))
                    .why(
                        "validation refuses over-broad grants (the AWS console wizard's grant to the whole account \
                          915198916910 with ReEncrypt*/GenerateDataKey* and no condition is one), and they let more \
                          than your organisation use the key",
                    )
                    .fix(format!(
                        "run {} (or remove {} yourself and add {} and {})",
                        setup_command(r),
                        label(s, i),
                        crypto_statement(r),
                        describe_statement(r)
                    ))
                    .terraform(terraform(r)),
            );
            if only_unbound && let Some(f) = out.pop() {
                out.push(f.as_symptom());
            }
        }
    }
    if out.is_empty() {
        out.push(finding("AWS-08", Severity::High, Status::Pass, title));
    }
    out
}

fn shorten(actions: &[&str]) -> String {
    if actions.len() > 4 {
        format!("{} KMS actions, e.g. kms:{}", actions.len(), actions[..3].join(", kms:"))
    } else {
        actions.iter().map(|a| format!("kms:{a}")).collect::<Vec<_>>().join(", ")
    }
}

/// ANT-11: an Allow naming something that looks like Anthropic but is not the published identity.
fn unpublished(r: &Resolved) -> Finding {
    let ids = &identities::published().aws;
    let title = "every Anthropic principal is the published one";
    let mut seen = Vec::new();
    for (i, s) in r.policy.statements().iter().enumerate().filter(|(_, s)| s.effect == Effect::Allow) {
        let Some(p) = s.principals() else { continue };
        for v in p.values_of(PrincipalKind::Aws) {
            let Some(account) = account_of_principal(v) else { continue };
            let reason = if account == ids.account_id {
                let whole_account = v == account || is_account_root_arn(v, &account);
                (!whole_account && v != ids.role_arn).then_some("another principal in Anthropic's account")
            } else if v.to_ascii_lowercase().contains("anthropic") {
                Some("an Anthropic-looking name in another account")
            } else if near(&account, &ids.account_id) {
                Some("an account id that differs from Anthropic's 915198916910 by a digit or two")
            } else {
                None
            };
            if let Some(reason) = reason {
                seen.push(format!("{} names {v} ({reason})", label(s, i)));
            }
        }
        for v in p.values_of(PrincipalKind::Service) {
            if v.to_ascii_lowercase().contains("anthropic")
                && !v.eq_ignore_ascii_case(&ids.claude_platform_on_aws_service_principal)
            {
                seen.push(format!("{} names service principal {v}", label(s, i)));
            }
        }
    }
    let expected = format!(
        "only {} (or, for Claude Platform on AWS, {}), taken from the published documentation",
        ids.role_arn, ids.claude_platform_on_aws_service_principal
    );
    if seen.is_empty() {
        return finding("ANT-11", Severity::Critical, Status::Pass, title).expected(expected);
    }
    finding("ANT-11", Severity::Critical, Status::Fail, title)
        .observed(seen.join("; "))
        .expected(expected)
        .why(
            "a principal received by e-mail, chat or an onboarding channel may belong to someone else: granting it \
              hands your key to them, and Anthropic never calls as it",
        )
        .fix(format!("replace it with {} (run {})", ids.role_arn, setup_command(r)))
        .terraform(terraform(r))
}

/// Same length, at most two digits differ, not equal.
fn near(a: &str, b: &str) -> bool {
    a.len() == b.len() && a != b && a.chars().zip(b.chars()).filter(|(x, y)| x != y).count() <= 2
}

/// AWS-06 read from the statements: an Allow of DescribeKey to Anthropic carrying an encryption
/// context condition (harmless only while another statement allows DescribeKey unconditionally).
fn describe_condition(r: &Resolved) -> Vec<Finding> {
    let offenders: Vec<String> = r
        .policy
        .statements()
        .iter()
        .enumerate()
        .filter(|(_, s)| s.effect == Effect::Allow && covers_anthropic(r, s, "kms:DescribeKey"))
        .filter_map(|(i, s)| {
            let keys: Vec<&str> = s
                .effective_condition()?
                .entries()
                .filter(|(_, e)| e.key.to_ascii_lowercase().starts_with("kms:encryptioncontext"))
                .map(|(_, e)| e.key.as_str())
                .collect();
            (!keys.is_empty()).then(|| format!("{} allows kms:DescribeKey only with {}", label(s, i), keys.join(", ")))
        })
        .collect();
    if offenders.is_empty() {
        return Vec::new();
    }
    let req = request("kms:DescribeKey", &r.key_arn, &r.account, &Default::default());
    let still_allowed = evaluate(r.policy, &[], &req).is_allowed();
    let status = if still_allowed { Status::Warn } else { Status::Fail };
    let f = finding("AWS-06", Severity::High, status, "no encryption-context condition on kms:DescribeKey")
        .observed(offenders.join("; "))
        .expected(format!("kms:DescribeKey in its own statement without a condition: {}", describe_statement(r)))
        .why(
            "DescribeKey carries no encryption context, so the condition never matches; validation reads the key \
              with DescribeKey first",
        )
        .fix(format!("move kms:DescribeKey into its own unconditioned statement, or run {}", setup_command(r)))
        .terraform(terraform(r));
    vec![f]
}
