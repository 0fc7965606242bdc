//! AWS-10: a key policy AWS would refuse (or that cannot mean what it says): not JSON, an unknown
//! Effect, condition operator or action, a principal that is not an ARN, a missing element.
//! Every finding names the JSON path.

use crate::plan::Severity;
use crate::policy::aws::document::statement_path;
use crate::policy::aws::{PolicyError, PrincipalKind};

use super::kms_actions::covered_by;
use super::{Finding, Resolved, Status, finding, is_account_id};

const WHY: &str = "PutKeyPolicy rejects a malformed policy (MalformedPolicyDocumentException), and an element AWS \
                   does not understand can never match, so the statement silently does something else";
const EXPECTED: &str = "valid JSON; Effect Allow or Deny; known condition operators and kms: actions; principals as \
                        ARNs or 12-digit account ids; every statement with Principal and Resource";

/// The policy could not be read at all: AWS-10 fails, every other rule cannot run.
pub(crate) fn unreadable(e: &PolicyError) -> Vec<Finding> {
    let mut out = vec![malformed(e.to_string())];
    for (id, sev) in [
        ("AWS-05", Severity::High),
        ("AWS-06", Severity::High),
        ("AWS-07", Severity::High),
        ("AWS-08", Severity::High),
        ("AWS-09", Severity::Medium),
        ("AWS-11", Severity::Critical),
        ("AWS-12", Severity::High),
        ("AWS-13", Severity::High),
        ("AWS-14", Severity::Critical),
        ("ANT-03", Severity::High),
        ("ANT-04", Severity::High),
        ("ANT-05", Severity::High),
        ("ANT-11", Severity::Critical),
    ] {
        out.push(Finding::unknown(
            id,
            sev,
            super::GROUP,
            "checked once the policy can be read",
            "the key policy could not be parsed (see AWS-10)",
        ));
    }
    out
}

fn malformed(observed: String) -> Finding {
    finding("AWS-10", Severity::High, Status::Fail, "the key policy is well formed")
        .observed(observed)
        .expected(EXPECTED)
        .why(WHY)
        .fix("correct the element at the path shown, then check again with `cmek policy check FILE --org-uuid <uuid>`")
}

/// Every element problem, one finding each; a pass when there is none.
pub(crate) fn check(r: &Resolved, _text: &str) -> Vec<Finding> {
    let mut problems = Vec::new();
    if let Some(v) = &r.policy.version
        && v != "2012-10-17"
        && v != "2008-10-17"
    {
        problems.push(format!("Version: \"{v}\" is not a policy language version (use \"2012-10-17\")"));
    }
    for (i, s) in r.policy.statements().iter().enumerate() {
        let path = statement_path(i);
        match &s.principal {
            None => problems.push(format!("{path}.Principal: missing; every key policy statement needs a Principal")),
            Some(p) => {
                let key = p.json_key();
                for v in p.principals().values_of(PrincipalKind::Aws) {
                    if !is_aws_principal(v) {
                        problems.push(format!(
                            "{path}.{key}.AWS: \"{v}\" is not an IAM ARN or a 12-digit account id \
                             (e.g. arn:aws:iam::111122223333:role/NAME)"
                        ));
                    }
                }
                for v in p.principals().values_of(PrincipalKind::Service) {
                    if !v.contains('.') {
                        problems.push(format!(
                            "{path}.{key}.Service: \"{v}\" is not a service principal (e.g. NAME.amazonaws.com)"
                        ));
                    }
                }
            }
        }
        if s.resource.is_none() {
            problems.push(format!("{path}.Resource: missing; a key policy statement needs \"Resource\": \"*\""));
        }
        let key = s.action.json_key();
        for a in s.action.values().iter() {
            if let Some(problem) = action_problem(a) {
                problems.push(format!("{path}.{key}: \"{a}\" {problem}"));
            }
        }
        if let Some(c) = &s.condition {
            for op in c.unknown_operators() {
                problems.push(format!(
                    "{path}.Condition.{op}: not a condition operator (e.g. StringEquals, StringEqualsIfExists, \
                     ArnLike, IpAddress)"
                ));
            }
        }
    }
    if problems.is_empty() {
        return vec![
            finding("AWS-10", Severity::High, Status::Pass, "the key policy is well formed").expected(EXPECTED),
        ];
    }
    problems.into_iter().map(malformed).collect()
}

fn is_aws_principal(v: &str) -> bool {
    if v == "*" || is_account_id(v) {
        return true;
    }
    let parts: Vec<&str> = v.splitn(6, ':').collect();
    matches!(parts.as_slice(), ["arn", partition, "iam" | "sts", "", account, resource]
        if partition.starts_with("aws") && is_account_id(account) && !resource.is_empty())
}

fn action_problem(a: &str) -> Option<&'static str> {
    if a == "*" {
        return None;
    }
    let Some((service, _)) = a.split_once(':') else {
        return Some("is not an action (expected kms:NAME)");
    };
    if !service.eq_ignore_ascii_case("kms") {
        return Some("is not a KMS action; a key policy only governs kms: actions");
    }
    if covered_by(a).is_empty() {
        return Some("matches no KMS action (misspelt?)");
    }
    None
}
