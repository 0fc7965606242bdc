//! Why each Azure Key Vault catalogue id matters and its Terraform equivalent (`doctor-catalogue.md`).

/// Why it matters, by id.
pub fn why(id: &str) -> Option<&'static str> {
    Some(match id {
        "AZ-01" => "with access policies, Azure role assignments give Anthropic nothing",
        "AZ-02" => "without purge protection a deleted key can be purged and the data lost for good",
        "AZ-03" => "Anthropic calls the vault's public endpoint (private endpoints are not supported)",
        "AZ-04" => "the firewall drops Anthropic's calls: validation times out or is refused",
        "AZ-05" => "retired addresses no longer belong to Anthropic",
        "AZ-06" => "role assignments need Anthropic's service principal in your tenant",
        "AZ-07" => "without Key Vault Crypto User, Anthropic cannot wrap or unwrap",
        "AZ-08" => "role assignments take minutes to reach Key Vault",
        "AZ-09" => "Anthropic wraps with RSA of at least 3072 bits",
        "AZ-10" => "Anthropic checks the organisation tag on the key's current version",
        "AZ-11" => "a disabled or expired key cuts every attached workspace off",
        "AZ-12" => "a deleted key serves nothing until it is recovered",
        "AZ-13" => "Anthropic signs in to the registered tenant, where the vault does not exist",
        "AZ-14" => "Anthropic calls the registered URI",
        "AZ-15" => "without AuditEvent logs, key use cannot be reviewed",
        _ => return None,
    })
}

/// How close to the root of a failure an id is (lower: fix it first): the key or vault deleted or
/// unusable, the vault's access model and tenant, an Azure Policy that forbids the fix, the
/// network path, consent, the role, the tag, and purge protection (a guard, not a cause).
pub fn cause_order(id: &str) -> Option<u8> {
    Some(match id {
        "AZ-12" => 10,
        "AZ-11" => 11,
        "AZ-09" => 12,
        "AZ-13" => 13,
        "AZ-14" => 14,
        "AZ-01" => 15,
        "AZ-16" => 20,
        "AZ-03" => 21,
        "AZ-04" => 22,
        "AZ-06" => 23,
        "AZ-07" => 24,
        "AZ-08" => 25,
        "AZ-10" => 26,
        "AZ-02" => 30,
        "AZ-05" => 31,
        "AZ-15" => 60,
        _ => return None,
    })
}

/// The Terraform equivalent of the fix, by id.
pub fn terraform(id: &str) -> Option<&'static str> {
    Some(match id {
        "AZ-01" => "resource \"azurerm_key_vault\" \"cmek\" { enable_rbac_authorization = true }",
        "AZ-02" => "resource \"azurerm_key_vault\" \"cmek\" { purge_protection_enabled = true }",
        "AZ-03" | "AZ-04" | "AZ-05" => {
            "resource \"azurerm_key_vault\" \"cmek\" { public_network_access_enabled = true, network_acls { \
             default_action = \"Deny\", bypass = \"AzureServices\", ip_rules = [\"160.79.104.0/21\"] } }"
        }
        "AZ-07" => {
            "resource \"azurerm_role_assignment\" \"anthropic\" { scope = azurerm_key_vault_key.cmek.resource_versionless_id, \
             role_definition_name = \"Key Vault Crypto User\", principal_id = <Anthropic's service principal object id> }"
        }
        "AZ-09" => {
            "resource \"azurerm_key_vault_key\" \"cmek\" { key_type = \"RSA\", key_size = 3072, key_opts = [\"wrapKey\", \
             \"unwrapKey\"] }"
        }
        "AZ-10" => "resource \"azurerm_key_vault_key\" \"cmek\" { tags = { \"anthropic-org-<org uuid>\" = \"true\" } }",
        "AZ-15" => {
            "resource \"azurerm_monitor_diagnostic_setting\" \"cmek\" { target_resource_id = azurerm_key_vault.cmek.id, \
             enabled_log { category = \"AuditEvent\" } }"
        }
        _ => return None,
    })
}
