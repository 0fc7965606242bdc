//! The vault's network path for Anthropic: public access (AZ-03), the firewall's coverage of
//! Anthropic's egress (AZ-04), retired Anthropic addresses (AZ-05), and the one step that fixes them.

use ipnet::IpNet;

use crate::identities;
use crate::model::azure::{AzureVaultFacts, VaultResourceId};

use crate::plan::{Action, Step, StepState};
use crate::plan::{Check, CheckStatus, Severity};

use super::AzureStep;

/// The network checks and the `UpdateVaultNetwork` step (Planned, Gated or AlreadyDone).
pub(crate) struct NetworkPlan {
    pub checks: Vec<Check>,
    pub step: Step,
}

pub(crate) fn network_plan(vault: &AzureVaultFacts, vault_id: &VaultResourceId, allow_public: bool) -> NetworkPlan {
    let egress = &identities::published().egress;
    let name = &vault.name;
    let rg = &vault_id.resource_group;
    let current_ranges = join(&egress.current);
    let mut checks = Vec::new();

    // ARM omits `publicNetworkAccess` on vaults that never set it: the default is Enabled.
    let public_disabled = vault.public_network_access.as_deref().is_some_and(|p| p.eq_ignore_ascii_case("Disabled"));
    if !public_disabled {
        checks.push(Check::pass("AZ-03", Severity::High, format!("vault {name} accepts public network access")));
    } else if allow_public {
        let mut c = Check::fail(
            "AZ-03",
            Severity::High,
            format!("vault {name} accepts public network access"),
            format!(
                "publicNetworkAccess is Disabled on {name}; approved by --azure-allow-public-access: the plan turns \
                 it on behind a default-deny firewall that admits only {current_ranges} and the existing rules"
            ),
        )
        .with_fix(format!(
            "the plan does it; by hand: az keyvault update --name {name} --resource-group {rg} \
             --public-network-access Enabled --default-action Deny && {}",
            rule_commands(name, rg, &egress.current)
        ));
        c.blocking = false;
        checks.push(c);
    } else {
        checks.push(
            Check::fail(
                "AZ-03",
                Severity::High,
                format!("vault {name} accepts public network access"),
                format!(
                    "publicNetworkAccess is Disabled on {name}: Anthropic calls the vault's public endpoint \
                     (private endpoints are not supported)"
                ),
            )
            .with_fix(format!(
                "re-run with --azure-allow-public-access (public access on behind a default-deny firewall), or: \
                 az keyvault update --name {name} --resource-group {rg} --public-network-access Enabled \
                 --default-action Deny && {}",
                rule_commands(name, rg, &egress.current)
            )),
        );
    }

    // The firewall denies by default after the run when it does now, or when the plan turns
    // public access on (always behind a default-deny firewall).
    let deny_now = vault.network_default_action.as_deref().is_some_and(|a| a.eq_ignore_ascii_case("Deny"));
    let deny_after = deny_now || public_disabled;
    let rules: Vec<(&str, Option<IpNet>)> = vault.ip_rules.iter().map(|r| (r.as_str(), parse_rule(r))).collect();

    let missing: Vec<IpNet> = if deny_after {
        egress.current.iter().filter(|range| !covered(&vault.ip_rules, range)).copied().collect()
    } else {
        Vec::new()
    };
    let az04_title = format!("vault {name}'s firewall admits Anthropic's egress {current_ranges}");
    if !deny_after {
        checks.push(Check::pass("AZ-04", Severity::High, format!("{az04_title} (default action Allow)")));
    } else if missing.is_empty() {
        checks.push(Check::pass("AZ-04", Severity::High, az04_title));
    } else {
        let mut c = Check::fail(
            "AZ-04",
            Severity::High,
            az04_title,
            format!(
                "the firewall {} by default and no ipRule covers {} (ipRules: {}); the plan adds {}",
                if deny_now { "denies" } else { "will deny" },
                join(&missing),
                if vault.ip_rules.is_empty() { "none".to_string() } else { vault.ip_rules.join(", ") },
                join(&missing)
            ),
        )
        .with_fix(rule_commands(name, rg, &missing));
        c.blocking = false;
        checks.push(c);
    }

    let retired: Vec<String> = rules
        .iter()
        .filter(|(_, net)| net.is_some_and(|n| egress.retired.iter().any(|old| old.contains(&n))))
        .map(|(text, _)| text.to_string())
        .collect();
    if !retired.is_empty() {
        checks.push(
            Check::warn(
                "AZ-05",
                Severity::Low,
                format!("vault {name}'s firewall holds no retired Anthropic address"),
                match retired.as_slice() {
                    [one] => format!("ipRule {one} is a retired Anthropic address; the plan removes it"),
                    many => {
                        format!("ipRules {} are retired Anthropic addresses; the plan removes them", many.join(", "))
                    }
                },
            )
            .with_fix(
                retired
                    .iter()
                    .map(|r| {
                        format!("az keyvault network-rule remove --name {name} --resource-group {rg} --ip-address {r}")
                    })
                    .collect::<Vec<_>>()
                    .join(" && "),
            ),
        );
    }

    let action = Action::Cloud(Box::new(AzureStep::UpdateVaultNetwork {
        vault: vault_id.clone(),
        enable_public_access: public_disabled,
        default_deny: public_disabled,
        add_ip_rules: missing.iter().map(ToString::to_string).collect(),
        remove_ip_rules: retired.clone(),
    }));
    let state = if public_disabled && !allow_public {
        StepState::Gated(format!(
            "public network access is Disabled on vault {name}: re-run with --azure-allow-public-access to turn it \
             on behind a default-deny firewall that admits {current_ranges}"
        ))
    } else if public_disabled || !missing.is_empty() || !retired.is_empty() {
        StepState::Planned
    } else if deny_now {
        StepState::AlreadyDone(format!(
            "vault {name} accepts public access and its firewall admits {current_ranges}; no retired address is listed"
        ))
    } else {
        StepState::AlreadyDone(format!(
            "vault {name} accepts public access from anywhere (default action Allow); no retired address is listed"
        ))
    };
    // What the planned step fixes is to do, not failed; behind a gate it stays as it is.
    let checks = match state {
        StepState::Planned => checks
            .into_iter()
            .map(|c| if matches!(c.id, "AZ-04" | "AZ-05") && c.status != CheckStatus::Pass { c.planned() } else { c })
            .collect(),
        _ => checks,
    };
    NetworkPlan { checks, step: Step { action, state } }
}

/// An ipRule as a network: a CIDR, or a bare address (= /32 or /128). `None` for anything else.
pub(crate) fn parse_rule(rule: &str) -> Option<IpNet> {
    let text = rule.trim();
    text.parse::<IpNet>().ok().or_else(|| text.parse::<std::net::IpAddr>().ok().map(IpNet::from))
}

/// Whether some rule admits every address of `range`.
pub(crate) fn covered(rules: &[String], range: &IpNet) -> bool {
    rules.iter().filter_map(|r| parse_rule(r)).any(|n| n.contains(range))
}

fn rule_commands(name: &str, rg: &str, ranges: &[IpNet]) -> String {
    ranges
        .iter()
        .map(|r| format!("az keyvault network-rule add --name {name} --resource-group {rg} --ip-address {r}"))
        .collect::<Vec<_>>()
        .join(" && ")
}

fn join(ranges: &[IpNet]) -> String {
    ranges.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}

/// Whether two IP rules admit the same addresses: `1.2.3.4` is `1.2.3.4/32`, `2001:db8::1` is
/// `2001:DB8:0::1/128`, and `10.0.0.5/24` is `10.0.0.0/24` (Azure keeps the range, not the host
/// bits). Text that is no address is compared as text, ignoring case and outer spaces.
pub fn same_rule(a: &str, b: &str) -> bool {
    match (parse_rule(a), parse_rule(b)) {
        (Some(a), Some(b)) => a.trunc() == b.trunc(),
        (None, None) => a.trim().eq_ignore_ascii_case(b.trim()),
        _ => false,
    }
}

/// The vault's rules after an `UpdateVaultNetwork` (what the engine writes, and what the
/// Terraform export shows): the current rules without `remove`, plus `add` (each once), in order.
pub fn new_rules(current: &[String], add: &[String], remove: &[String]) -> Vec<String> {
    let mut rules: Vec<String> = current.iter().filter(|r| !remove.iter().any(|x| same_rule(x, r))).cloned().collect();
    for a in add {
        if !rules.iter().any(|r| same_rule(r, a)) {
            rules.push(a.clone());
        }
    }
    rules
}
