//! The checked list: every resource type, block and attribute the Terraform export may write, each
//! with the page that documents it (the Terraform Registry for the providers, HashiCorp's language
//! reference for `terraform`, `import`, `lifecycle` and `depends_on`). Checked against the provider
//! documentation when written; `emitted` walks a rendered configuration and the tests fail on any
//! path this list does not name, so a renderer cannot start writing an attribute unchecked.

use super::hcl::{Block, Item, Value};

/// One documented thing: a path prefix (`aws_kms_key`, `provider.azurerm`, `terraform`) and the
/// attributes (nested blocks as `block.attribute`) its page documents.
pub struct Documented {
    pub path: &'static str,
    pub link: &'static str,
    pub attributes: &'static [&'static str],
}

/// Where the meta-arguments any resource takes are documented.
const META: &[Documented] = &[
    Documented {
        path: "resource.lifecycle",
        link: "https://developer.hashicorp.com/terraform/language/meta-arguments/lifecycle",
        attributes: &["prevent_destroy", "ignore_changes"],
    },
    Documented {
        path: "resource",
        link: "https://developer.hashicorp.com/terraform/language/meta-arguments/depends_on",
        attributes: &["depends_on"],
    },
];

pub const DOCUMENTED: &[Documented] = &[
    Documented {
        path: "terraform",
        link: "https://developer.hashicorp.com/terraform/language/terraform",
        attributes: &[
            "required_version",
            "required_providers.aws",
            "required_providers.azurerm",
            "required_providers.azuread",
            "required_providers.google",
        ],
    },
    Documented {
        path: "import",
        link: "https://developer.hashicorp.com/terraform/language/import",
        attributes: &["to", "id"],
    },
    // AWS
    Documented {
        path: "provider.aws",
        link: "https://registry.terraform.io/providers/hashicorp/aws/latest/docs#region",
        attributes: &["region"],
    },
    Documented {
        path: "aws_kms_key",
        link: "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/kms_key",
        attributes: &[
            "description",
            "key_usage",
            "customer_master_key_spec",
            "multi_region",
            "enable_key_rotation",
            "deletion_window_in_days",
            "tags",
        ],
    },
    Documented {
        path: "aws_kms_key_policy",
        link: "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/kms_key_policy",
        attributes: &["key_id", "policy"],
    },
    Documented {
        path: "aws_kms_alias",
        link: "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/kms_alias",
        attributes: &["name", "target_key_id"],
    },
    // Azure
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
    // Google Cloud
    Documented {
        path: "provider.google",
        link: "https://registry.terraform.io/providers/hashicorp/google/latest/docs/guides/provider_reference#project",
        attributes: &["project"],
    },
    Documented {
        path: "google_kms_key_ring",
        link: "https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/kms_key_ring",
        attributes: &["project", "name", "location"],
    },
    Documented {
        path: "google_kms_crypto_key",
        link: "https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/kms_crypto_key",
        attributes: &[
            "name",
            "key_ring",
            "purpose",
            "rotation_period",
            "destroy_scheduled_duration",
            "labels",
            "version_template.algorithm",
            "version_template.protection_level",
        ],
    },
    Documented {
        path: "google_kms_crypto_key_iam_member",
        link: "https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/google_kms_crypto_key_iam",
        attributes: &["crypto_key_id", "role", "member"],
    },
];

/// Whether `path` (`aws_kms_key.tags`, `google_kms_crypto_key.version_template.algorithm`,
/// `resource.lifecycle.prevent_destroy`) is on the list; the page that documents it.
pub fn documentation(path: &str) -> Option<&'static str> {
    DOCUMENTED.iter().chain(META).find_map(|d| {
        let attribute = path.strip_prefix(d.path)?.strip_prefix('.')?;
        d.attributes.contains(&attribute).then_some(d.link)
    })
}

/// Every path a configuration writes: each attribute (under its resource type, provider or
/// top-level block, nested blocks joined with `.`), each attribute an `ignore_changes` names, and
/// resource meta-arguments under `resource`.
pub fn emitted(items: &[Item]) -> Vec<String> {
    let mut paths = Vec::new();
    for item in items {
        if let Item::Block(b) = item {
            let (prefix, resource_type) = match b.kind.as_str() {
                "resource" => (b.labels.first().cloned().unwrap_or_default(), b.labels.first().cloned()),
                "provider" => (format!("provider.{}", b.labels.first().cloned().unwrap_or_default()), None),
                other => (other.to_string(), None),
            };
            walk(b, &prefix, resource_type.as_deref(), &mut paths);
        }
    }
    paths.sort();
    paths.dedup();
    paths
}

fn walk(block: &Block, prefix: &str, resource_type: Option<&str>, paths: &mut Vec<String>) {
    for item in &block.items {
        match item {
            Item::Attr(name, value) => {
                let meta = resource_type.is_some() && !prefix.contains('.') && name == "depends_on";
                match meta {
                    true => paths.push(format!("resource.{name}")),
                    false => paths.push(format!("{prefix}.{name}")),
                }
                if let (Some(rt), "ignore_changes", Value::List(targets)) = (resource_type, name.as_str(), value) {
                    for target in targets {
                        if let Value::Expr(e) = target {
                            paths.push(format!("{rt}.{}", e.replace("[0]", "")));
                        }
                    }
                }
            }
            Item::Block(inner) if resource_type.is_some() && inner.kind == "lifecycle" => {
                walk(inner, "resource.lifecycle", resource_type, paths);
            }
            Item::Block(inner) => walk(inner, &format!("{prefix}.{}", inner.kind), resource_type, paths),
            _ => {}
        }
    }
}
