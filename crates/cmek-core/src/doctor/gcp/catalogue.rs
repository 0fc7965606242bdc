//! Why each Google Cloud KMS catalogue id matters and its Terraform equivalent
//! (`doctor-catalogue.md`). Only GCP ids: the shared catalogue asks every cloud in turn, so an
//! answer for an `ANT-` id here would be shown on another cloud's findings too.

/// Why it matters, by id.
pub fn why(id: &str) -> Option<&'static str> {
    Some(match id {
        "GCP-01" => "with the Cloud KMS API disabled in the project, every call to the key fails, Anthropic's included",
        "GCP-02" => "Anthropic serves CMEK only from single US regions: a key ring elsewhere cannot be validated",
        "GCP-03" => {
            "Anthropic encrypts with a symmetric ENCRYPT_DECRYPT key held in Cloud KMS (HSM or SOFTWARE); a key's \
             purpose and protection level never change"
        }
        "GCP-04" => {
            "Anthropic encrypts with the primary version: while it is not enabled every attached workspace is cut off"
        }
        "GCP-05" => {
            "data is decrypted with the version that encrypted it: a disabled or destroyed version makes that data \
             unreadable"
        }
        "GCP-06" => {
            "Anthropic's service account needs cryptoKeyEncrypterDecrypter to encrypt and viewer to read the key's \
             purpose, both bound on the key itself"
        }
        "GCP-07" => "domain-restricted sharing refuses (or strips) a binding for a member outside your organisation",
        "GCP-08" => "a VPC Service Controls perimeter around Cloud KMS refuses Anthropic's calls from outside it",
        "GCP-09" => "Anthropic checks the organisation label on the key before it uses it",
        "GCP-10" => "without Data Access audit logs, Anthropic's use of the key leaves no log entry to review",
        "GCP-11" => "rotation limits the data under one key version; it is transparent to Anthropic",
        _ => return None,
    })
}

/// How close to the root of a failure an id is (lower: fix it first): the API, where the key is
/// and what kind it is, the state of its versions, what can block the grant (a perimeter, the
/// sharing constraint), the grant itself, and the label; audit logs and rotation are hygiene.
pub fn cause_order(id: &str) -> Option<u8> {
    Some(match id {
        "GCP-01" => 8,
        "GCP-02" => 10,
        "GCP-03" => 12,
        "GCP-04" => 13,
        "GCP-05" => 15,
        "GCP-08" => 20,
        "GCP-07" => 21,
        "GCP-06" => 24,
        "GCP-09" => 26,
        "GCP-10" => 60,
        "GCP-11" => 61,
        _ => return None,
    })
}

/// The Terraform equivalent of the fix, by id.
pub fn terraform(id: &str) -> Option<&'static str> {
    Some(match id {
        "GCP-01" => "resource \"google_project_service\" \"cloudkms\" { service = \"cloudkms.googleapis.com\" }",
        "GCP-02" => {
            "resource \"google_kms_key_ring\" \"cmek\" { name = \"anthropic-cmek\", location = \"us-central1\" }"
        }
        "GCP-03" => {
            "resource \"google_kms_crypto_key\" \"cmek\" { purpose = \"ENCRYPT_DECRYPT\", version_template { algorithm \
             = \"GOOGLE_SYMMETRIC_ENCRYPTION\", protection_level = \"HSM\" } }"
        }
        "GCP-04" | "GCP-05" => {
            "resource \"google_kms_crypto_key_version\" \"in_use\" { crypto_key = google_kms_crypto_key.cmek.id, \
             state = \"ENABLED\" } (import the existing version first)"
        }
        "GCP-06" => {
            "resource \"google_kms_crypto_key_iam_member\" \"anthropic_crypto\" { crypto_key_id = \
             google_kms_crypto_key.cmek.id, role = \"roles/cloudkms.cryptoKeyEncrypterDecrypter\", member = \
             \"serviceAccount:anthropic-cmek-client-us@gcp-anthropic-cmek-clients.iam.gserviceaccount.com\" } and \
             resource \"google_kms_crypto_key_iam_member\" \"anthropic_viewer\" { crypto_key_id = \
             google_kms_crypto_key.cmek.id, role = \"roles/cloudkms.viewer\", member = \
             \"serviceAccount:anthropic-cmek-client-us@gcp-anthropic-cmek-clients.iam.gserviceaccount.com\" }"
        }
        "GCP-07" => {
            "resource \"google_org_policy_policy\" \"allowed_members\" { name = \
             \"projects/<project>/policies/iam.allowedPolicyMemberDomains\", parent = \"projects/<project>\", spec { \
             rules { values { allowed_values = [\"<your customer id>\", \"<Anthropic's customer id>\"] } } } }"
        }
        "GCP-08" => {
            "resource \"google_access_context_manager_service_perimeter_ingress_policy\" \"anthropic\" { perimeter = \
             <the perimeter>, ingress_from { identities = \
             [\"serviceAccount:anthropic-cmek-client-us@gcp-anthropic-cmek-clients.iam.gserviceaccount.com\"], sources \
             { access_level = \"*\" } }, ingress_to { resources = [\"projects/<project number>\"], operations { \
             service_name = \"cloudkms.googleapis.com\", method_selectors { method = \"*\" } } } }"
        }
        "GCP-09" => {
            "resource \"google_kms_crypto_key\" \"cmek\" { labels = { \"anthropic-org-<org uuid>\" = \"true\" } }"
        }
        "GCP-10" => {
            "resource \"google_project_iam_audit_config\" \"cloudkms\" { project = \"<project>\", service = \
             \"cloudkms.googleapis.com\", audit_log_config { log_type = \"DATA_READ\" }, audit_log_config { log_type = \
             \"DATA_WRITE\" } }"
        }
        "GCP-11" => "resource \"google_kms_crypto_key\" \"cmek\" { rotation_period = \"7776000s\" }",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_gcp_id_has_a_why_an_order_and_a_terraform_hint_and_no_platform_id_is_claimed() {
        for n in 1..=11 {
            let id = format!("GCP-{n:02}");
            assert!(why(&id).is_some() && cause_order(&id).is_some() && terraform(&id).is_some(), "{id}");
        }
        for id in ["ANT-12", "ANT-13", "ANT-11", "GEN-04", "AZ-07", "AWS-05"] {
            assert_eq!((why(id), cause_order(id), terraform(id)), (None, None, None), "{id}");
        }
    }

    #[test]
    fn the_terraform_binding_names_the_published_service_account() {
        let member = crate::identities::published().gcp.service_account.as_str();
        assert!(terraform("GCP-06").unwrap().contains(member));
        assert!(terraform("GCP-08").unwrap().contains(member));
    }

    #[test]
    fn the_api_and_location_come_before_key_state_before_bindings_before_the_label() {
        let order = |id| cause_order(id).unwrap();
        assert!(order("GCP-01") < order("GCP-02"));
        assert!(order("GCP-02") < order("GCP-04"));
        assert!(order("GCP-04") < order("GCP-06"));
        assert!(order("GCP-06") < order("GCP-09"));
    }
}
