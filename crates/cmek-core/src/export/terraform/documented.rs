//! The checked list: every resource type, block and attribute the Terraform export may write, each
//! with the page that documents it (the Terraform Registry for the providers, HashiCorp's language
//! reference for `terraform`, `import`, `lifecycle` and `depends_on`). Checked against the provider
//! documentation when written (each cloud's list is in its renderer); `emitted` walks a rendered configuration and the tests fail on any
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

/// The Terraform language's own blocks; each cloud's resources are in its renderer's
/// `DOCUMENTED`, reached through `clouds::Cloud::terraform_documented`.
pub const LANGUAGE: &[Documented] = &[
    Documented {
        path: "terraform",
        link: "https://developer.hashicorp.com/terraform/language/terraform",
        attributes: &["required_version"],
    },
    Documented {
        path: "import",
        link: "https://developer.hashicorp.com/terraform/language/import",
        attributes: &["to", "id"],
    },
];

/// Whether `path` (`aws_kms_key.tags`, `google_kms_crypto_key.version_template.algorithm`,
/// `resource.lifecycle.prevent_destroy`) is on the list; the page that documents it.
/// A provider in `required_providers` is documented when a cloud documents its `provider` block.
pub fn documentation(path: &str) -> Option<&'static str> {
    let clouds = crate::clouds::all().iter().flat_map(|c| c.terraform_documented().iter());
    let all: Vec<&Documented> = LANGUAGE.iter().chain(META).chain(clouds).collect();
    if let Some(name) = path.strip_prefix("terraform.required_providers.") {
        let provider = format!("provider.{name}");
        return all.iter().any(|d| d.path == provider).then_some(LANGUAGE[0].link);
    }
    all.iter().find_map(|d| {
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
