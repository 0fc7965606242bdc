//! AWS-13 read from the statements: an `aws:SourceIp` / `aws:SourceVpc` / `aws:SourceVpce`
//! condition that applies to Anthropic's requests without admitting all of 160.79.104.0/21.
//! (The evaluated probe in `plan::policy_checks` tries one address; this covers the whole range.)

use std::net::IpAddr;

use ipnet::IpNet;

use crate::identities;
use crate::plan::Severity;
use crate::policy::aws::operator::{BaseOperator, ConditionOperator};
use crate::policy::aws::statement::Effect;

use super::fixes::{setup_command, terraform};
use super::{Finding, Resolved, Status, covers_anthropic, finding, label};

pub(crate) fn check(r: &Resolved) -> Vec<Finding> {
    let ranges = &identities::published().egress.current;
    let range_text = ranges.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
    let title = format!("no network condition excludes Anthropic's egress ({range_text})");
    let mut problems = Vec::new();
    let mut checked = 0;
    for (i, s) in r.policy.statements().iter().enumerate() {
        let applies = ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"].iter().any(|a| covers_anthropic(r, s, a));
        let Some(c) = s.effective_condition().filter(|_| applies) else { continue };
        for (op_text, entry) in c.entries() {
            let key = entry.key.to_ascii_lowercase();
            if !matches!(key.as_str(), "aws:sourceip" | "aws:sourcevpc" | "aws:sourcevpce") {
                continue;
            }
            checked += 1;
            let Some(op) = ConditionOperator::parse(op_text) else { continue };
            let values: Vec<String> = entry.values.iter().map(|v| v.as_policy_string()).collect();
            let at = format!("{} ({:?}) {op_text} {} {}", label(s, i), s.effect, entry.key, values.join(", "));
            let excludes = if key == "aws:sourceip" {
                let nets: Vec<IpNet> = values.iter().filter_map(|v| net(v)).collect();
                let all_in = ranges.iter().all(|r| covered(r, &nets));
                let any_in = ranges.iter().any(|r| overlaps(r, &nets));
                match (s.effect, op.base) {
                    (Effect::Allow, BaseOperator::IpAddress) => !all_in,
                    (Effect::Allow, BaseOperator::NotIpAddress) => any_in,
                    (Effect::Deny, BaseOperator::NotIpAddress) => !all_in,
                    (Effect::Deny, BaseOperator::IpAddress) => any_in,
                    _ => false,
                }
            } else {
                // Anthropic's calls come over the internet: they carry no VPC keys at all.
                match (s.effect, op.base) {
                    (_, BaseOperator::Null) => {
                        let absent_matches = values.iter().any(|v| v.eq_ignore_ascii_case("true"));
                        (s.effect == Effect::Deny) == absent_matches
                    }
                    (Effect::Allow, _) => !op.if_exists && !op.base.is_negated(),
                    (Effect::Deny, base) => !op.if_exists && base.is_negated(),
                }
            };
            if excludes {
                problems.push(at);
            }
        }
    }
    let expected = format!(
        "network conditions that apply to Anthropic's role admit {range_text} (aws:SourceIp) and carry IfExists on \
         aws:SourceVpc/aws:SourceVpce, which Anthropic's requests do not have"
    );
    if problems.is_empty() {
        let observed = if checked == 0 {
            "no aws:SourceIp/SourceVpc/SourceVpce condition applies to Anthropic's requests".to_string()
        } else {
            format!("{checked} network condition(s) checked; all admit Anthropic")
        };
        return vec![finding("AWS-13", Severity::High, Status::Pass, title).observed(observed).expected(expected)];
    }
    vec![
        finding("AWS-13", Severity::High, Status::Fail, title)
            .observed(problems.join("; "))
            .expected(expected)
            .why(
                "Anthropic calls KMS from its own network, never from your IP ranges or VPCs: such a condition \
                  denies (a Deny) or fails to allow (on the grant) every request, and validation times out or fails",
            )
            .fix(format!(
                "add {range_text} to the aws:SourceIp list, or exempt the Anthropic role from the Deny with \
                 \"ArnNotEquals\": {{\"aws:PrincipalArn\": \"{}\"}}, or use the IfExists form for the VPC keys; \
                 then check with {}",
                identities::published().aws.role_arn,
                setup_command(r)
            ))
            .terraform(terraform(r)),
    ]
}

fn net(v: &str) -> Option<IpNet> {
    v.parse::<IpNet>().ok().or_else(|| v.parse::<IpAddr>().ok().map(IpNet::from))
}

/// Whether the union of `nets` holds every address of `range`.
fn covered(range: &IpNet, nets: &[IpNet]) -> bool {
    if nets.iter().any(|n| n.contains(range)) {
        return true;
    }
    if !nets.iter().any(|n| range.contains(n)) {
        return false;
    }
    match range.subnets(range.prefix_len() + 1) {
        Ok(halves) => halves.into_iter().all(|h| covered(&h, nets)),
        Err(_) => false,
    }
}

fn overlaps(range: &IpNet, nets: &[IpNet]) -> bool {
    nets.iter().any(|n| n.contains(range) || range.contains(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coverage_of_the_egress_range() {
        let range: IpNet = "160.79.104.0/21".parse().unwrap();
        let nets = |v: &[&str]| v.iter().filter_map(|s| net(s)).collect::<Vec<_>>();
        assert!(covered(&range, &nets(&["160.79.104.0/21"])));
        assert!(covered(&range, &nets(&["160.79.0.0/16"])));
        assert!(covered(&range, &nets(&["160.79.104.0/22", "160.79.108.0/22"])));
        assert!(!covered(&range, &nets(&["160.79.104.0/22"])));
        assert!(!covered(&range, &nets(&["160.79.104.1"])));
        assert!(!covered(&range, &nets(&["203.0.113.0/24"])));
        assert!(overlaps(&range, &nets(&["160.79.105.7"])));
        assert!(!overlaps(&range, &nets(&["10.0.0.0/8"])));
    }
}
