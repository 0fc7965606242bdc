//! Azure Key Vault as Terraform: Anthropic's app's service principal (`azuread_service_principal`,
//! adopted with `use_existing`), the vault with the settings `cmek` changes or guards (network
//! rules admitting Anthropic's egress, public access, purge protection on; what `cmek` does not
//! manage is left as it is with `ignore_changes`), the RSA key with its ops and the organisation
//! tag, and Key Vault Crypto User at the key's scope (`azurerm_role_assignment`).

use crate::identities;
use crate::model::ProviderKind;
use crate::model::azure::RoleAssignmentFacts;
use crate::plan::StepState;
use crate::plan::azure::key_checks::iso_8601;
use crate::plan::azure::{AzureAnswers, AzureFacts, AzureStep, new_rules};

use super::documented::Documented;
use super::hcl::{Block, Value};
use super::{CloudConfig, ExportError, ExportRequest, RequiredProvider, Resource};

const VAULT: &str = "azurerm_key_vault.vault";
const KEY: &str = "azurerm_key_vault_key.cmek";
const PRINCIPAL: &str = "azuread_service_principal.anthropic";

/// The Azure part of the export.
pub fn render(req: &ExportRequest<'_>) -> Result<CloudConfig, ExportError> {
    let wrong = |facts| ExportError::WrongCloud { cloud: ProviderKind::Azure, facts };
    let az = req.facts.cloud.downcast_ref::<AzureFacts>().ok_or_else(|| wrong(req.facts.provider()))?;
    req.answers.cloud.downcast_ref::<AzureAnswers>().ok_or_else(|| wrong(req.answers.provider()))?;
    let steps: Vec<(&AzureStep, &StepState)> =
        req.plan.steps.iter().filter_map(|s| s.action.cloud_step::<AzureStep>().map(|a| (a, &s.state))).collect();
    let published = &identities::published().azure;

    let principal = Block::new("resource", &["azuread_service_principal", "anthropic"])
        .attr("client_id", Value::str(&published.app_client_id))
        .attr("use_existing", Value::Bool(true));
    let principal = Resource::new(principal, None).note(format!(
        "Anthropic's app ({}) in your tenant: consent. use_existing adopts the service principal when it exists.",
        published.app_display_name
    ));

    let vault = Resource::new(vault_block(az, &steps), Some(az.vault.id.clone()))
        .note("The vault, with the settings cmek changes or guards; everything else is left as it is (ignore_changes).")
        .note("purge_protection_enabled is IRREVERSIBLE once applied: deleted keys stay recoverable for the retention period.");

    let key = match (&az.key, created(&steps)) {
        (Some(k), _) => {
            let mut tags = k.tags.clone();
            for (s, _) in &steps {
                if let AzureStep::MergeKeyTags { add, .. } = s {
                    tags.extend(add.clone());
                }
            }
            let mut block =
                key_block(&az.key_name.to_string(), k.kty.as_deref().unwrap_or("RSA"), k.key_size, &k.key_ops)
                    .attr("tags", Value::string_map(&tags));
            if let Some(date) = k.not_before.and_then(iso_8601) {
                block = block.attr("not_before_date", Value::str(date));
            }
            if let Some(date) = k.expires.and_then(iso_8601) {
                block = block.attr("expiration_date", Value::str(date));
            }
            Resource::new(block.blank().block(prevent_destroy()), k.kid.clone())
        }
        (None, Some(AzureStep::CreateKey { name, size, hsm, tags, .. })) => {
            let kty = if *hsm { "RSA-HSM" } else { "RSA" };
            let ops = ["wrapKey".to_string(), "unwrapKey".to_string()];
            let block = key_block(name.as_str(), kty, Some(*size), &ops).attr("tags", Value::string_map(tags));
            Resource::new(block.blank().block(prevent_destroy()), None)
        }
        (None, _) => {
            return Err(ExportError::Unrepresentable(format!(
                "the plan neither creates key {} nor found it; nothing to export",
                az.key_name
            )));
        }
    };
    let key = key.note("The key Anthropic uses: wrapKey and unwrapKey only, tagged for the organisation. prevent_destroy guards the data encrypted under it.");
    let new_key = key.import_id.is_none();

    let role = role_resource(az, &steps, new_key)?;
    Ok(CloudConfig {
        providers: vec![
            RequiredProvider { name: "azurerm", source: "hashicorp/azurerm", version: "~> 4.0" },
            RequiredProvider { name: "azuread", source: "hashicorp/azuread", version: "~> 3.0" },
        ],
        provider_blocks: vec![
            Block::new("provider", &["azurerm"])
                .attr("subscription_id", Value::str(&az.vault_id.subscription))
                .blank()
                .block(
                    Block::new("features", &[]).block(
                        Block::new("key_vault", &[])
                            .comment("Never purge on destroy: a purged key cannot be brought back.")
                            .attr("purge_soft_delete_on_destroy", Value::Bool(false))
                            .attr("purge_soft_deleted_keys_on_destroy", Value::Bool(false)),
                    ),
                ),
            Block::new("provider", &["azuread"]).attr("tenant_id", Value::str(&az.vault.tenant_id)),
        ],
        resources: vec![principal, vault, key, role],
        notes: Vec::new(),
    })
}

fn created<'a>(steps: &[(&'a AzureStep, &StepState)]) -> Option<&'a AzureStep> {
    steps.iter().map(|(s, _)| *s).find(|s| matches!(s, AzureStep::CreateKey { .. }))
}

/// The vault as it is after the plan: its network opened to Anthropic's egress where the plan
/// does it, purge protection on (the guardrail, whether or not this run switches it).
fn vault_block(az: &AzureFacts, steps: &[(&AzureStep, &StepState)]) -> Block {
    let v = &az.vault;
    let mut public = v.public_network_access.as_deref().map(|p| p.eq_ignore_ascii_case("Enabled"));
    let mut default_action = v.network_default_action.clone().unwrap_or_else(|| "Allow".into());
    let mut rules = v.ip_rules.clone();
    for (s, state) in steps {
        if let (
            AzureStep::UpdateVaultNetwork { enable_public_access, default_deny, add_ip_rules, remove_ip_rules, .. },
            StepState::Planned,
        ) = (s, state)
        {
            if *enable_public_access {
                public = Some(true);
            }
            if *default_deny {
                default_action = "Deny".into();
            }
            rules = new_rules(&rules, add_ip_rules, remove_ip_rules);
        }
    }
    let mut block = Block::new("resource", &["azurerm_key_vault", "vault"])
        .attr("name", Value::str(&v.name))
        .attr("resource_group_name", Value::str(&az.vault_id.resource_group))
        .attr("location", Value::str(&v.location))
        .attr("tenant_id", Value::str(&v.tenant_id))
        .attr("sku_name", Value::str(v.sku.to_ascii_lowercase()));
    if let Some(rbac) = v.rbac_authorization {
        block = block.attr("enable_rbac_authorization", Value::Bool(rbac));
    }
    block = block.attr("purge_protection_enabled", Value::Bool(true));
    if let Some(public) = public {
        block = block.attr("public_network_access_enabled", Value::Bool(public));
    }
    let acls = Block::new("network_acls", &[])
        .attr("bypass", Value::str(v.network_bypass.clone().unwrap_or_else(|| "AzureServices".into())))
        .attr("default_action", Value::str(default_action))
        .attr("ip_rules", Value::strs(&rules));
    let unmanaged = [
        "access_policy",
        "contact",
        "enabled_for_deployment",
        "enabled_for_disk_encryption",
        "enabled_for_template_deployment",
        "network_acls[0].virtual_network_subnet_ids",
        "soft_delete_retention_days",
        "tags",
    ];
    let lifecycle = Block::new("lifecycle", &[])
        .attr("prevent_destroy", Value::Bool(true))
        .attr("ignore_changes", Value::List(unmanaged.iter().map(|a| Value::Expr(a.to_string())).collect()));
    block.blank().block(acls).blank().block(lifecycle)
}

fn key_block(name: &str, kty: &str, size: Option<u32>, ops: &[String]) -> Block {
    let mut block = Block::new("resource", &["azurerm_key_vault_key", "cmek"])
        .attr("name", Value::str(name))
        .attr("key_vault_id", Value::Expr(format!("{VAULT}.id")))
        .attr("key_type", Value::str(kty));
    if let Some(size) = size {
        block = block.attr("key_size", Value::Int(i64::from(size)));
    }
    block.attr("key_opts", Value::strs(ops))
}

/// Key Vault Crypto User for Anthropic's service principal: the assignment that grants it (at the
/// key's scope, or the wider one found), or the one the plan makes at the key's scope.
fn role_resource(az: &AzureFacts, steps: &[(&AzureStep, &StepState)], new_key: bool) -> Result<Resource, ExportError> {
    let Some((AzureStep::AssignRole { scope, role_definition_guid, .. }, state)) =
        steps.iter().find(|(s, _)| matches!(s, AzureStep::AssignRole { .. })).copied()
    else {
        return Err(ExportError::Unrepresentable("the plan assigns no role to Anthropic; nothing to export".into()));
    };
    let found: Option<&RoleAssignmentFacts> = match state {
        StepState::AlreadyDone(_) => az.role_assignments.iter().find(|a| {
            a.grants(role_definition_guid)
                && az.service_principal.as_ref().is_some_and(|sp| a.principal_id.eq_ignore_ascii_case(&sp.object_id))
        }),
        _ => None,
    };
    let (scope, definition) = match found {
        Some(a) => (a.scope.clone(), a.role_definition_id.clone()),
        None => (
            scope.clone(),
            format!(
                "/subscriptions/{}/providers/Microsoft.Authorization/roleDefinitions/{role_definition_guid}",
                az.vault_id.subscription
            ),
        ),
    };
    let mut block = Block::new("resource", &["azurerm_role_assignment", "anthropic_crypto_user"])
        .attr("scope", Value::str(scope))
        .attr("role_definition_id", Value::str(definition))
        .attr("principal_id", Value::Expr(format!("{PRINCIPAL}.object_id")))
        .attr(
            "principal_type",
            Value::str(found.and_then(|a| a.principal_type.clone()).unwrap_or_else(|| "ServicePrincipal".into())),
        );
    if new_key {
        block = block.attr("depends_on", Value::List(vec![Value::Expr(KEY.into())]));
    }
    Ok(Resource::new(block, found.map(|a| a.id.clone()))
        .note("Key Vault Crypto User for Anthropic's service principal, at the key's scope (least privilege)."))
}

fn prevent_destroy() -> Block {
    Block::new("lifecycle", &[]).attr("prevent_destroy", Value::Bool(true))
}

/// What this renderer may write, each with the page that documents it (the checked list).
pub const DOCUMENTED: &[Documented] = &[
    Documented {
        path: "provider.azurerm",
        link: "https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/guides/features-block",
        attributes: &[
            "subscription_id",
            "features.key_vault.purge_soft_delete_on_destroy",
            "features.key_vault.purge_soft_deleted_keys_on_destroy",
        ],
    },
    Documented {
        path: "provider.azuread",
        link: "https://registry.terraform.io/providers/hashicorp/azuread/latest/docs#tenant_id",
        attributes: &["tenant_id"],
    },
    Documented {
        path: "azuread_service_principal",
        link: "https://registry.terraform.io/providers/hashicorp/azuread/latest/docs/resources/service_principal",
        attributes: &["client_id", "use_existing"],
    },
    Documented {
        path: "azurerm_key_vault",
        link: "https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/key_vault",
        attributes: &[
            "name",
            "resource_group_name",
            "location",
            "tenant_id",
            "sku_name",
            "enable_rbac_authorization",
            "purge_protection_enabled",
            "public_network_access_enabled",
            "network_acls.bypass",
            "network_acls.default_action",
            "network_acls.ip_rules",
            // Named in `ignore_changes` only: left as the vault has them.
            "access_policy",
            "contact",
            "enabled_for_deployment",
            "enabled_for_disk_encryption",
            "enabled_for_template_deployment",
            "network_acls.virtual_network_subnet_ids",
            "soft_delete_retention_days",
            "tags",
        ],
    },
    Documented {
        path: "azurerm_key_vault_key",
        link: "https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/key_vault_key",
        attributes: &[
            "name",
            "key_vault_id",
            "key_type",
            "key_size",
            "key_opts",
            "tags",
            "not_before_date",
            "expiration_date",
        ],
    },
    Documented {
        path: "azurerm_role_assignment",
        link: "https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/role_assignment",
        attributes: &["scope", "role_definition_id", "principal_id", "principal_type"],
    },
];
