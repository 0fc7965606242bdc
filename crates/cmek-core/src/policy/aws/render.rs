//! Renders the key-policy statements `cmek` writes, from the templates in `policies/aws-kms/`.
//!
//! Pure: the grant comes in, statements come out. Values are sorted and de-duplicated so the same
//! grant always renders the same bytes (diffs and re-runs depend on it).

use std::collections::BTreeMap;

use serde_json::Value;

use super::document::PolicyDocument;
use super::statement::Statement;
use super::template::{TemplateError, TemplateValue, substitute};
use crate::identities;
use crate::model::aws::AwsAccountId;
use crate::model::{CompartmentId, OrgUuid};

pub const SID_ROOT: &str = "AccountRootAdmin";
pub const SID_CRYPTO: &str = "AllowAnthropicCMEKCrypto";
pub const SID_DESCRIBE: &str = "AllowAnthropicCMEKDescribe";
pub const SID_DECRYPT_EXISTING: &str = "AllowAnthropicCMEKDecryptExistingData";

/// The Sids of the statements `cmek` owns in a customer's key policy (merging replaces only these).
pub const ANTHROPIC_SIDS: [&str; 3] = [SID_CRYPTO, SID_DESCRIBE, SID_DECRYPT_EXISTING];

/// The encryption-context condition keys Anthropic's calls carry.
pub const CONTEXT_KEY_ORG: &str = "kms:EncryptionContext:anthropic:org_uuid";
pub const CONTEXT_KEY_COMPARTMENT: &str = "kms:EncryptionContext:anthropic:compartment_uuid";

const TEMPLATE_ROOT: (&str, &str) =
    ("aws-kms/account-root-admin.json", include_str!("../../../../../policies/aws-kms/account-root-admin.json"));
const TEMPLATE_CRYPTO: (&str, &str) =
    ("aws-kms/anthropic-crypto.json", include_str!("../../../../../policies/aws-kms/anthropic-crypto.json"));
const TEMPLATE_DESCRIBE: (&str, &str) =
    ("aws-kms/anthropic-describe.json", include_str!("../../../../../policies/aws-kms/anthropic-describe.json"));
const TEMPLATE_DECRYPT_EXISTING: (&str, &str) = (
    "aws-kms/anthropic-decrypt-existing-data.json",
    include_str!("../../../../../policies/aws-kms/anthropic-decrypt-existing-data.json"),
);

/// What Anthropic is granted on one customer key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnthropicGrant {
    /// The key's (customer's) account.
    pub account: AwsAccountId,
    /// Usually one.
    pub org_uuids: Vec<OrgUuid>,
    /// Empty = not pinned to workspaces.
    pub compartments: Vec<CompartmentId>,
    /// `identities::published().aws.role_arn` unless overridden.
    pub anthropic_role_arn: String,
    /// Empty = no DecryptExistingData statement.
    pub decrypt_existing_compartments: Vec<CompartmentId>,
}

impl AnthropicGrant {
    /// A grant to the published Anthropic role for one organisation, not pinned to workspaces.
    pub fn published(account: AwsAccountId, org: OrgUuid) -> AnthropicGrant {
        AnthropicGrant {
            account,
            org_uuids: vec![org],
            compartments: Vec::new(),
            anthropic_role_arn: identities::published().aws.role_arn.clone(),
            decrypt_existing_compartments: Vec::new(),
        }
    }
}

/// Sorted, de-duplicated display forms (bare lower-case UUIDs).
fn sorted_unique<T: std::fmt::Display>(items: &[T]) -> Vec<String> {
    let mut out: Vec<String> = items.iter().map(ToString::to_string).collect();
    out.sort();
    out.dedup();
    out
}

fn vars(g: &AnthropicGrant) -> BTreeMap<&'static str, TemplateValue> {
    BTreeMap::from([
        ("account_root_arn", TemplateValue::Text(g.account.root_arn())),
        ("anthropic_role_arn", TemplateValue::Text(g.anthropic_role_arn.clone())),
        ("org_uuids", TemplateValue::List(sorted_unique(&g.org_uuids))),
        ("compartment_ids", TemplateValue::List(sorted_unique(&g.compartments))),
        ("decrypt_existing_compartment_ids", TemplateValue::List(sorted_unique(&g.decrypt_existing_compartments))),
    ])
}

fn render(template: (&str, &str), vars: &BTreeMap<&'static str, TemplateValue>) -> Result<Statement, TemplateError> {
    let (name, text) = template;
    let fail = |problem: String| TemplateError { template: name.to_string(), problem };
    let parsed: Value = serde_json::from_str(text).map_err(|e| fail(format!("not valid JSON: {e}")))?;
    let rendered = substitute(name, &parsed, vars)?;
    Statement::from_json_value(&rendered, name).map_err(|e| fail(format!("does not render a statement: {e}")))
}

/// Like [`anthropic_statements`], reporting a defective template instead of stopping.
pub fn try_anthropic_statements(g: &AnthropicGrant) -> Result<Vec<Statement>, TemplateError> {
    let vars = vars(g);
    let mut out = vec![render(TEMPLATE_CRYPTO, &vars)?, render(TEMPLATE_DESCRIBE, &vars)?];
    if !g.decrypt_existing_compartments.is_empty() {
        out.push(render(TEMPLATE_DECRYPT_EXISTING, &vars)?);
    }
    Ok(out)
}

/// Like [`account_root_admin`], reporting a defective template instead of stopping.
pub fn try_account_root_admin(account: &AwsAccountId) -> Result<Statement, TemplateError> {
    let g = AnthropicGrant {
        account: account.clone(),
        org_uuids: Vec::new(),
        compartments: Vec::new(),
        anthropic_role_arn: String::new(),
        decrypt_existing_compartments: Vec::new(),
    };
    render(TEMPLATE_ROOT, &vars(&g))
}

/// The templates are compiled into the binary and every one is rendered by the unit tests, so a
/// failure here is a build defect, never a reaction to input.
fn compiled_in<T>(rendered: Result<T, TemplateError>) -> T {
    match rendered {
        Ok(v) => v,
        Err(e) => panic!("{e} (a compiled-in template is broken; `cargo test --lib policy::` shows which)"),
    }
}

/// The Anthropic statements for this grant: Crypto, Describe, and DecryptExistingData when asked for.
pub fn anthropic_statements(g: &AnthropicGrant) -> Vec<Statement> {
    compiled_in(try_anthropic_statements(g))
}

/// `AccountRootAdmin`: Allow `kms:*` on `*` to the account's root, keeping the customer in control.
pub fn account_root_admin(account: &AwsAccountId) -> Statement {
    compiled_in(try_account_root_admin(account))
}

/// The policy for a new key: `AccountRootAdmin` first, then the Anthropic statements.
pub fn key_policy(g: &AnthropicGrant) -> PolicyDocument {
    let mut statements = vec![account_root_admin(&g.account)];
    statements.extend(anthropic_statements(g));
    PolicyDocument::new(statements)
}
