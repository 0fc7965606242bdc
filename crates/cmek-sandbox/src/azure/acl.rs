//! The vault firewall: `publicNetworkAccess` and `networkAcls` (defaultAction, ipRules as
//! addresses or CIDR ranges). The `AzureServices` bypass never covers callers here: the
//! emulator has no trusted Microsoft services, and Anthropic is not one.

use std::net::IpAddr;

use super::state::Vault;

/// Why the network refuses a caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetworkDenial {
    /// `publicNetworkAccess` is `Disabled`: `ForbiddenByConnection`.
    PublicAccessDisabled,
    /// `defaultAction` `Deny` and no ipRule matches: `ForbiddenByFirewall`.
    Firewall,
}

/// Whether one ipRule (`1.2.3.4` or `1.2.3.0/24`) covers `ip`. Malformed rules cover nothing.
pub fn rule_matches(rule: &str, ip: IpAddr) -> bool {
    let rule = rule.trim();
    if let Ok(net) = rule.parse::<ipnet::IpNet>() {
        return net.contains(&ip);
    }
    rule.parse::<IpAddr>().is_ok_and(|a| a == ip)
}

/// Checks `ip` against the vault's network settings.
pub fn check(vault: &Vault, ip: IpAddr) -> Result<(), NetworkDenial> {
    if vault.public_network_access.eq_ignore_ascii_case("Disabled") {
        return Err(NetworkDenial::PublicAccessDisabled);
    }
    if vault.network_acls.default_action.eq_ignore_ascii_case("Deny")
        && !vault.network_acls.ip_rules.iter().any(|r| rule_matches(r, ip))
    {
        return Err(NetworkDenial::Firewall);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_match_addresses_and_ranges() {
        let ip: IpAddr = "160.79.105.7".parse().unwrap();
        assert!(rule_matches("160.79.104.0/21", ip));
        assert!(!rule_matches("160.79.104.0/24", ip));
        assert!(rule_matches("160.79.105.7", ip));
        assert!(rule_matches(" 160.79.105.7/32 ", ip));
        assert!(!rule_matches("not-an-ip", ip));
        assert!(!rule_matches("160.79.112.0/21", ip));
    }
}
