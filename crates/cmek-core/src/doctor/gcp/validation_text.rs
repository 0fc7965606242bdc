//! Google Cloud validation texts (the platform passes on Google's own errors: the status, its
//! message, sometimes the ErrorInfo reason, and the key's resource name) to GCP ids, most specific
//! first, with `gcloud` fixes naming the key found in the text. The same matchers sort the
//! refusals doctor itself meets while reading (`GcpKeyLookup::refusals`).

use crate::doctor::validation_text::cause;
use crate::model::gcp::{ENCRYPTER_DECRYPTER_ROLE, GcpKeyName, VIEWER_ROLE};
use crate::plan::{Check, Severity};

use super::commands::{self, placeholder_key};

/// `SERVICE_DISABLED`: the Cloud KMS API is off in the project ("... API has not been used in
/// project N before or it is disabled").
pub fn service_disabled(text: &str) -> bool {
    let e = text.to_ascii_lowercase();
    e.contains("service_disabled")
        || (e.contains("has not been used in project") && e.contains("disabled"))
        || (e.contains(" api ") && e.contains("is not enabled") && !e.contains("cryptokeyversions/"))
}

/// A VPC Service Controls refusal: reason `SECURITY_POLICY_VIOLATED`, a
/// `vpcServiceControlsUniqueIdentifier`, "Request is prohibited by organization's policy".
pub fn vpc_sc_refusal(text: &str) -> bool {
    let e = text.to_ascii_lowercase();
    e.contains("security_policy_violated")
        || e.contains("vpcservicecontrolsuniqueidentifier")
        || e.contains("prohibited by organization's policy")
}

/// Domain-restricted sharing refused a binding ("One or more users named in the policy do not
/// belong to a permitted customer").
pub fn drs_refusal(text: &str) -> bool {
    text.to_ascii_lowercase().contains("do not belong to a permitted customer")
}

/// IAM refused a Cloud KMS permission ("Permission 'cloudkms....' denied on resource ..."): a
/// missing binding, or one added minutes ago that has not reached Cloud KMS yet.
pub fn is_iam_refusal(text: &str) -> bool {
    let e = text.to_ascii_lowercase();
    permission(&e).is_some() && !service_disabled(text) && !vpc_sc_refusal(text)
}

/// The Cloud KMS permission a PERMISSION_DENIED names, lower case (`cloudkms.cryptokeys.get`).
fn permission(lower: &str) -> Option<&str> {
    let start = lower.find("permission '")? + "permission '".len();
    let rest = &lower[start..];
    let name = &rest[..rest.find('\'')?];
    name.starts_with("cloudkms.").then_some(name)
}

/// The first crypto key resource name in the text (a version suffix dropped).
pub(super) fn key_in(text: &str) -> Option<GcpKeyName> {
    text.match_indices("projects/").find_map(|(start, _)| {
        let rest = &text[start..];
        let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || "/-_.:".contains(c))).unwrap_or(rest.len());
        let name = rest[..end].trim_end_matches(['.', ':']);
        let parts: Vec<&str> = name.split('/').collect();
        GcpKeyName::parse(&parts[..parts.len().min(8)].join("/")).ok()
    })
}

/// The version number in `.../cryptoKeyVersions/N`, when the text names one.
fn version_in(text: &str) -> Option<&str> {
    let start = text.find("cryptoKeyVersions/")? + "cryptoKeyVersions/".len();
    let rest = &text[start..];
    let end = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
    Some(&rest[..end]).filter(|n| !n.is_empty())
}

/// The project the text names ("in project 1234", or the key's).
fn project_in(text: &str, key: Option<&GcpKeyName>) -> String {
    if let Some(k) = key {
        return k.project.clone();
    }
    let lower = text.to_ascii_lowercase();
    lower
        .find("project ")
        .map(|i| &text[i + "project ".len()..])
        .and_then(|rest| rest.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')).next())
        .filter(|p| !p.is_empty())
        .map_or_else(|| "<project>".to_string(), str::to_string)
}

/// The findings a GCP validation error text points at; empty when nothing is recognised.
pub fn causes(error: &str) -> Vec<Check> {
    let e = error.to_ascii_lowercase();
    let found = key_in(error);
    let key = found.clone().unwrap_or_else(placeholder_key);
    let mut out = Vec::new();
    // Google answers a disabled API, a perimeter and a missing grant all with 403 PERMISSION_DENIED:
    // the reason decides, so the specific ones are tried first and exclude the generic one.
    let api_off = service_disabled(error);
    let perimeter = vpc_sc_refusal(error);
    if api_off {
        out.push(cause(
            "GCP-01",
            Severity::High,
            "the Cloud KMS API is disabled in the key's project",
            commands::enable_api(&project_in(error, found.as_ref())),
        ));
    }
    if perimeter {
        out.push(cause(
            "GCP-08",
            Severity::High,
            "a VPC Service Controls perimeter around Cloud KMS refused Anthropic",
            format!(
                "add an ingress rule letting {} call cloudkms.googleapis.com in project {} (the perimeter's \
                 administrator; the unique identifier in the text finds the refusal in the audit log): {}",
                commands::anthropic_member(),
                key.project,
                commands::list_perimeters()
            ),
        ));
    }
    if drs_refusal(error) {
        out.push(cause(
            "GCP-07",
            Severity::High,
            "domain-restricted sharing refuses a binding for Anthropic's service account",
            format!(
                "an organisation policy administrator allows Anthropic's customer id in iam.allowedPolicyMemberDomains \
                 for the project (or makes a project exception): {}",
                commands::describe_sharing_policy(&key.project)
            ),
        ));
    }
    if let Some(state) = version_state(&e) {
        let n = version_in(error).unwrap_or("<version>");
        let (title, fix) = match state {
            "destroy_scheduled" => {
                ("the key's primary version is scheduled for destruction", commands::restore_version(&key, n))
            }
            "destroyed" => (
                "the key's primary version is destroyed",
                format!("make an enabled version primary, or create one: {}", commands::new_primary_version(&key)),
            ),
            _ => ("the key's primary version is disabled", commands::enable_version(&key, n)),
        };
        out.push(cause("GCP-04", Severity::Critical, title, fix));
    }
    if (e.contains("unsupported") || e.contains("not supported"))
        && (e.contains("location ") || e.contains(" region") || e.contains("multi-region"))
    {
        out.push(cause(
            "GCP-02",
            Severity::High,
            "the key ring is not in a single US region",
            "create the key in a US region (us-central1, us-east5) and register it: cmek setup --provider gcp --key \
             projects/<project>/locations/us-central1/keyRings/<ring>/cryptoKeys/<key>"
                .to_string(),
        ));
    }
    if (e.contains("unsupported") || e.contains("not supported"))
        && ["purpose ", "protection level", "external", "algorithm"].iter().any(|w| e.contains(w))
    {
        out.push(cause(
            "GCP-03",
            Severity::High,
            "the key is not a symmetric ENCRYPT_DECRYPT key protected by HSM or SOFTWARE",
            format!(
                "a key's purpose and protection level never change: create another key and register it ({})",
                commands::setup(&key)
            ),
        ));
    }
    if e.contains("label") && (e.contains("anthropic-org") || e.contains("organization") || e.contains("organisation"))
    {
        out.push(cause(
            "GCP-09",
            Severity::High,
            "the key lacks the anthropic-org-<org uuid>=true label",
            format!(
                "{} (it merges the label), or by hand: {}",
                commands::setup(&key),
                commands::add_label(&key, "anthropic-org-<org uuid>")
            ),
        ));
    }
    if !api_off
        && !perimeter
        && let Some(p) = permission(&e)
    {
        let role = if p == "cloudkms.cryptokeys.get" { VIEWER_ROLE } else { ENCRYPTER_DECRYPTER_ROLE };
        out.push(cause(
            "GCP-06",
            Severity::High,
            &format!("Anthropic's service account lacks {role} on the key (or the key does not exist)"),
            format!(
                "{} (it adds both key-scoped bindings), or by hand: {}; Google says the same of a key that does not \
                 exist: {}",
                commands::setup(&key),
                commands::add_binding(&key, role),
                commands::describe_key(&key)
            ),
        ));
    }
    if e.contains("not_found") || e.contains("not found") {
        out.push(cause(
            "ANT-13",
            Severity::High,
            "the registered key cannot be found (a wrong key_name, or its key ring or key does not exist)",
            format!(
                "check the registered key_name against {}; a key_name never changes: register the right one anew \
                 while unattached",
                commands::describe_key(&key)
            ),
        ));
    }
    if e.contains("deadline_exceeded") || e.contains("timed out") || e.starts_with("timeout") {
        out.push(cause(
            "ANT-07",
            Severity::High,
            "validation timed out",
            format!(
                "check what can block Anthropic's calls to {}: a VPC Service Controls perimeter around Cloud KMS \
                 (GCP-08)",
                found.as_ref().map_or_else(|| "the key".to_string(), ToString::to_string)
            ),
        ));
    }
    out
}

/// The state a FAILED_PRECONDITION names for a version ("... is not enabled, current state is:
/// DISABLED"), lower case.
fn version_state(lower: &str) -> Option<&'static str> {
    let tail = lower
        .split("current state is")
        .nth(1)
        .or_else(|| (lower.contains("cryptokeyversions/") && lower.contains("is not enabled")).then_some(lower))?;
    Some(if tail.contains("destroy_scheduled") {
        "destroy_scheduled"
    } else if tail.contains("destroyed") {
        "destroyed"
    } else {
        "disabled"
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "projects/cmek-sandbox/locations/us-central1/keyRings/anthropic-cmek/cryptoKeys/anthropic-cmek";

    fn ids(text: &str) -> Vec<&'static str> {
        causes(text).iter().map(|c| c.id).collect()
    }

    fn fix(text: &str, id: &str) -> String {
        causes(text).into_iter().find(|c| c.id == id).and_then(|c| c.fix).unwrap_or_default()
    }

    #[test]
    fn a_disabled_api_is_gcp_01_not_a_missing_grant() {
        let text = "PERMISSION_DENIED: Cloud Key Management Service (KMS) API has not been used in project \
                    123456789012 before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/\
                    cloudkms.googleapis.com/overview?project=123456789012 then retry. [reason: SERVICE_DISABLED]";
        assert_eq!(ids(text), ["GCP-01"]);
        assert_eq!(fix(text, "GCP-01"), "gcloud services enable cloudkms.googleapis.com --project 123456789012");
        let named = format!("PERMISSION_DENIED on {KEY}: reason SERVICE_DISABLED, domain cloudkms.googleapis.com");
        assert_eq!(fix(&named, "GCP-01"), "gcloud services enable cloudkms.googleapis.com --project cmek-sandbox");
        assert_eq!(ids("Cloud KMS API is not enabled for project cmek-sandbox"), ["GCP-01"]);
    }

    #[test]
    fn a_missing_permission_names_the_role_to_bind() {
        let encrypt = format!(
            "PERMISSION_DENIED: Permission 'cloudkms.cryptoKeyVersions.useToEncrypt' denied on resource '{KEY}' (or it \
             may not exist)."
        );
        assert_eq!(ids(&encrypt), ["GCP-06"]);
        let f = fix(&encrypt, "GCP-06");
        assert!(f.contains("--role roles/cloudkms.cryptoKeyEncrypterDecrypter"), "{f}");
        assert!(
            f.contains("add-iam-policy-binding anthropic-cmek --keyring anthropic-cmek --location us-central1"),
            "{f}"
        );
        assert!(f.starts_with(&format!("cmek setup --provider gcp --key {KEY}")), "{f}");
        let viewer = format!("PERMISSION_DENIED: Permission 'cloudkms.cryptoKeys.get' denied on resource '{KEY}'.");
        assert!(fix(&viewer, "GCP-06").contains("--role roles/cloudkms.viewer"));
        assert!(is_iam_refusal(&encrypt) && is_iam_refusal(&viewer));
    }

    #[test]
    fn version_states_are_gcp_04_with_the_command_for_that_state() {
        let disabled =
            format!("FAILED_PRECONDITION: {KEY}/cryptoKeyVersions/3 is not enabled, current state is: DISABLED.");
        assert_eq!(ids(&disabled), ["GCP-04"]);
        assert_eq!(
            fix(&disabled, "GCP-04"),
            "gcloud kms keys versions enable 3 --key anthropic-cmek --keyring anthropic-cmek --location us-central1 \
             --project cmek-sandbox"
        );
        let scheduled = disabled.replace("DISABLED", "DESTROY_SCHEDULED");
        assert_eq!(ids(&scheduled), ["GCP-04"]);
        assert!(fix(&scheduled, "GCP-04").starts_with("gcloud kms keys versions restore 3 --key anthropic-cmek"));
        let destroyed = disabled.replace("DISABLED", "DESTROYED");
        assert!(fix(&destroyed, "GCP-04").contains("gcloud kms keys versions create --key anthropic-cmek"));
        let bare = format!("{KEY}/cryptoKeyVersions/1 is not enabled");
        assert_eq!(ids(&bare), ["GCP-04"], "without the state, it is disabled");
    }

    #[test]
    fn domain_restricted_sharing_is_gcp_07() {
        let text = "FAILED_PRECONDITION: One or more users named in the policy do not belong to a permitted customer, \
                    perhaps due to an organization policy.";
        assert_eq!(ids(text), ["GCP-07"]);
        assert!(drs_refusal(text));
    }

    #[test]
    fn a_perimeter_is_gcp_08_not_a_missing_grant() {
        let text = "PERMISSION_DENIED: Request is prohibited by organization's policy. \
                    vpcServiceControlsUniqueIdentifier: 8yKvB2cYzQ9w [reason: SECURITY_POLICY_VIOLATED]";
        assert_eq!(ids(text), ["GCP-08"]);
        assert!(vpc_sc_refusal(text) && !is_iam_refusal(text));
        assert_eq!(ids("403 SECURITY_POLICY_VIOLATED from cloudkms.googleapis.com"), ["GCP-08"]);
    }

    #[test]
    fn not_found_is_the_registration_and_names_the_key() {
        let text = format!("NOT_FOUND: {KEY} not found.");
        assert_eq!(ids(&text), ["ANT-13"]);
        assert!(fix(&text, "ANT-13").contains("gcloud kms keys describe anthropic-cmek --keyring anthropic-cmek"));
        assert_eq!(ids("NOT_FOUND: Requested entity was not found."), ["ANT-13"]);
    }

    #[test]
    fn location_purpose_label_and_timeout_sentences() {
        assert_eq!(ids(&format!("UnsupportedKey: {KEY}: location us is not supported")), ["GCP-02"]);
        assert_eq!(ids("UnsupportedKey: purpose ASYMMETRIC_DECRYPT is not supported"), ["GCP-03"]);
        assert_eq!(ids("UnsupportedKey: protection level EXTERNAL is not supported"), ["GCP-03"]);
        assert_eq!(ids(&format!("OrgLabelMissing: {KEY} has no label anthropic-org-5a3c")), ["GCP-09"]);
        assert_eq!(ids("DEADLINE_EXCEEDED: validation timed out after 30 s"), ["ANT-07"]);
        assert!(ids("something new the platform says").is_empty());
    }

    #[test]
    fn a_text_without_a_key_still_gives_a_command_with_visible_placeholders() {
        let f = fix("FAILED_PRECONDITION: version is not enabled, current state is: DISABLED", "GCP-04");
        assert!(f.starts_with("gcloud kms keys versions enable '<version>' --key '<key>'"), "{f}");
    }

    #[test]
    fn odd_texts_do_not_panic() {
        for text in
            ["", "projects/", "Permission '", "cryptoKeyVersions/", "current state is", "project ", "é projects/é"]
        {
            let _ = causes(text);
            let _ = is_iam_refusal(text);
        }
    }
}
