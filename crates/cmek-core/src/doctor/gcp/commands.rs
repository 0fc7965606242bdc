//! The commands doctor's GCP findings suggest, built in one place so every finding and every
//! validation cause names the key the same way (`gcloud` flags as `gcloud kms` takes them).

use crate::identities;
use crate::model::gcp::GcpKeyName;
use crate::shell::quoted;

/// Anthropic's service account in IAM member form (`serviceAccount:...`).
pub fn anthropic_member() -> &'static str {
    identities::published().gcp.service_account.as_str()
}

/// `--keyring R --location L --project P`: where a key is, for `gcloud kms keys ...`.
fn ring_flags(key: &GcpKeyName) -> String {
    format!(
        "--keyring {} --location {} --project {}",
        quoted(&key.key_ring),
        quoted(&key.location),
        quoted(&key.project)
    )
}

/// `--key K --keyring R --location L --project P`: a key, for `gcloud kms keys versions ...`.
fn key_flags(key: &GcpKeyName) -> String {
    format!("--key {} {}", quoted(&key.key), ring_flags(key))
}

/// The `cmek` run that creates or fixes the key (bindings merged in, label merged in).
pub fn setup(key: &GcpKeyName) -> String {
    format!("cmek setup --provider gcp --key {}", quoted(&key.to_string()))
}

pub fn enable_api(project: &str) -> String {
    format!("gcloud services enable cloudkms.googleapis.com --project {}", quoted(project))
}

pub fn enable_version(key: &GcpKeyName, version: &str) -> String {
    format!("gcloud kms keys versions enable {} {}", quoted(version), key_flags(key))
}

/// Restoring a version scheduled for destruction leaves it DISABLED: enable it after.
pub fn restore_version(key: &GcpKeyName, version: &str) -> String {
    format!(
        "gcloud kms keys versions restore {} {} && {}",
        quoted(version),
        key_flags(key),
        enable_version(key, version)
    )
}

pub fn set_primary(key: &GcpKeyName, version: &str) -> String {
    format!(
        "gcloud kms keys set-primary-version {} --version {} {}",
        quoted(&key.key),
        quoted(version),
        ring_flags(key)
    )
}

pub fn new_primary_version(key: &GcpKeyName) -> String {
    format!("gcloud kms keys versions create {} --primary", key_flags(key))
}

pub fn list_versions(key: &GcpKeyName) -> String {
    format!("gcloud kms keys versions list {}", key_flags(key))
}

pub fn describe_key(key: &GcpKeyName) -> String {
    format!("gcloud kms keys describe {} {}", quoted(&key.key), ring_flags(key))
}

pub fn get_key_policy(key: &GcpKeyName) -> String {
    format!("gcloud kms keys get-iam-policy {} {}", quoted(&key.key), ring_flags(key))
}

/// Grants `role` to Anthropic's service account on the key itself (added to the policy; nothing
/// else in it changes).
pub fn add_binding(key: &GcpKeyName, role: &str) -> String {
    format!(
        "gcloud kms keys add-iam-policy-binding {} {} --member {} --role {}",
        quoted(&key.key),
        ring_flags(key),
        anthropic_member(),
        role
    )
}

pub fn remove_binding(key: &GcpKeyName, role: &str, member: &str) -> String {
    format!(
        "gcloud kms keys remove-iam-policy-binding {} {} --member {} --role {}",
        quoted(&key.key),
        ring_flags(key),
        quoted(member),
        role
    )
}

/// `--update-labels` merges: every other label stays.
pub fn add_label(key: &GcpKeyName, label: &str) -> String {
    format!("gcloud kms keys update {} {} --update-labels={label}=true", quoted(&key.key), ring_flags(key))
}

pub fn set_rotation(key: &GcpKeyName) -> String {
    format!(
        "gcloud kms keys update {} {} --rotation-period=90d --next-rotation-time=<the first rotation, RFC 3339, e.g. \
         2027-01-01T00:00:00Z>",
        quoted(&key.key),
        ring_flags(key)
    )
}

pub fn read_audit_config(project: &str) -> String {
    format!("gcloud projects get-iam-policy {} --format=json", quoted(project))
}

pub fn describe_sharing_policy(project: &str) -> String {
    format!(
        "gcloud resource-manager org-policies describe iam.allowedPolicyMemberDomains --project {} --effective",
        quoted(project)
    )
}

pub fn list_perimeters() -> &'static str {
    "gcloud access-context-manager perimeters list --policy <access policy id> \
     --format=\"table(name,status.restrictedServices)\""
}

pub fn list_deny_policies(project: &str) -> String {
    format!(
        "gcloud iam policies list --attachment-point=cloudresourcemanager.googleapis.com/projects/{} \
         --kind=denypolicies",
        quoted(project)
    )
}

/// A stand-in for a key whose name the text does not give, so a fix still reads as a command.
pub fn placeholder_key() -> GcpKeyName {
    GcpKeyName {
        project: "<project>".into(),
        location: "<location>".into(),
        key_ring: "<key ring>".into(),
        key: "<key>".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::gcp::VIEWER_ROLE;

    #[test]
    fn commands_name_the_key_where_gcloud_expects_it() {
        let key =
            GcpKeyName::parse("projects/cmek-sandbox/locations/us-central1/keyRings/anthropic-cmek/cryptoKeys/k1")
                .unwrap();
        assert_eq!(
            add_binding(&key, VIEWER_ROLE),
            "gcloud kms keys add-iam-policy-binding k1 --keyring anthropic-cmek --location us-central1 --project \
             cmek-sandbox --member \
             serviceAccount:anthropic-cmek-client-us@gcp-anthropic-cmek-clients.iam.gserviceaccount.com --role \
             roles/cloudkms.viewer"
        );
        assert_eq!(
            restore_version(&key, "3"),
            "gcloud kms keys versions restore 3 --key k1 --keyring anthropic-cmek --location us-central1 --project \
             cmek-sandbox && gcloud kms keys versions enable 3 --key k1 --keyring anthropic-cmek --location \
             us-central1 --project cmek-sandbox"
        );
        assert_eq!(
            setup(&key),
            "cmek setup --provider gcp --key \
             projects/cmek-sandbox/locations/us-central1/keyRings/anthropic-cmek/cryptoKeys/k1"
        );
    }

    #[test]
    fn a_placeholder_is_quoted_so_it_is_visibly_not_a_value() {
        assert!(describe_key(&placeholder_key()).contains("'<key>' --keyring '<key ring>'"));
    }
}
