//! Why each catalogue id matters and its Terraform equivalent (`doctor-catalogue.md`), added to
//! the findings that do not pass when their rule did not say it itself. Pure.

use super::{Finding, Status};

/// Why it matters, by id.
fn why(id: &str) -> Option<&'static str> {
    Some(match id {
        "ANT-04" | "ANT-03" => "a condition value that is not the real UUID matches no request: Anthropic is refused",
        "ANT-05" => "after attaching, every request for the workspace would be denied",
        "ANT-10" => "an unattached configuration protects nothing",
        "ANT-12" => "Anthropic serves CMEK only from supported regions: validation fails elsewhere",
        "ANT-13" => "Anthropic uses what is registered: a mismatch reaches another key, or none",
        "AWS-01" | "AWS-02" => "a key that is not enabled cuts every attached workspace off now",
        "AWS-03" => "Anthropic needs a symmetric ENCRYPT_DECRYPT key with KMS-generated material",
        "AWS-04" => "the platform takes a single-Region key ARN; an alias can be repointed",
        "AWS-05" => "only the key policy can grant another account's role: without it Anthropic is refused",
        "AWS-06" => "DescribeKey carries no encryption context, so a context condition denies it",
        "AWS-07" => "without the organisation condition, validation refuses the policy as over-permissive",
        "AWS-08" => "requests for other organisations or workspaces would be allowed: validation refuses the policy",
        "AWS-12" => "an RCP Deny overrides every Allow of the key policy",
        "AWS-13" => "a Deny that matches Anthropic's requests overrides the grant",
        "AWS-16" => "a deleted key makes the data it protects unreadable for good",
        "AWS-17" => "rotation limits the data under one key version; it is transparent to Anthropic",
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
        "GEN-01" => "changes and reads land in another account or tenant than the key's",
        "GEN-04" => "revoking a shared key affects every organisation or workspace that uses it",
        _ => return None,
    })
}

/// The Terraform equivalent of the fix, by id.
fn terraform(id: &str) -> Option<&'static str> {
    Some(match id {
        "AWS-01" => "resource \"aws_kms_key\" \"cmek\" { is_enabled = true }",
        "AWS-03" | "AWS-04" => {
            "resource \"aws_kms_key\" \"cmek\" { customer_master_key_spec = \"SYMMETRIC_DEFAULT\", key_usage = \
             \"ENCRYPT_DECRYPT\", multi_region = false }"
        }
        "AWS-05" | "AWS-06" | "AWS-07" | "AWS-08" | "AWS-13" | "ANT-03" | "ANT-04" | "ANT-05" => {
            "resource \"aws_kms_key_policy\" \"cmek\" { key_id = aws_kms_key.cmek.id, policy = file(\"policy.json\") } \
             (policy.json from `cmek policy render`)"
        }
        "AWS-16" => "resource \"aws_kms_key\" \"cmek\" { deletion_window_in_days = 30 }",
        "AWS-17" => "resource \"aws_kms_key\" \"cmek\" { enable_key_rotation = true }",
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

/// Fills `why` and `terraform` on findings that do not pass, where the rule left them empty.
pub fn annotate(findings: &mut [Finding]) {
    for f in findings.iter_mut().filter(|f| matches!(f.status, Status::Fail | Status::Warn)) {
        if f.why.is_none() {
            f.why = why(f.id).map(str::to_string);
        }
        if f.terraform.is_none() {
            f.terraform = terraform(f.id).map(str::to_string);
        }
    }
}
