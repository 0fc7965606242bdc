//! AWS validation texts (the platform's sentences start with KMS's own exception names and name
//! the key's ARN) to the catalogue findings they point at, with fixes naming the key.

use crate::plan::{Check, Severity};

/// The findings an AWS validation error text points at; empty when nothing is recognised.
pub fn causes(error: &str) -> Vec<Check> {
    let e = error.to_ascii_lowercase();
    let explicit_deny = e.contains("explicit deny") || e.contains("explicitly denies");
    let arn = key_arn(error).unwrap_or("<key arn>");
    let mut out = Vec::new();
    // The error text itself is shown beside the causes, so a cause carries no `observed` copy of it.
    let mut add = |id: &'static str, severity: Severity, title: &str, fix: String| {
        let mut cause = Check::fail(id, severity, title, String::new()).with_fix(fix);
        cause.observed = None;
        out.push(cause);
    };

    if e.contains("resource control policy") {
        add(
            "AWS-12",
            Severity::High,
            "a Resource Control Policy denies Anthropic's role",
            "add a carve-out to the RCP for the key or for arn:aws:iam::915198916910:role/anthropic-cmek-client-us \
             (e.g. ArnNotLikeIfExists aws:PrincipalArn), in AWS Organizations"
                .to_string(),
        );
    } else if explicit_deny {
        add(
            "AWS-13",
            Severity::High,
            "a Deny statement in the key policy matches Anthropic's requests",
            format!(
                "find the Deny (often an aws:SourceIp or aws:SourceVpc condition) in `aws kms get-key-policy --key-id {arn} \
                 --policy-name default` and exempt Anthropic's role or its egress 160.79.104.0/21"
            ),
        );
    }
    if e.starts_with("over-permissive") {
        add(
            "AWS-08",
            Severity::High,
            "the key policy lets requests for another organisation or workspace through",
            "remove the over-broad grant and keep only cmek's role-scoped statements: re-run cmek setup".to_string(),
        );
    }
    if e.starts_with("accessdenied") && !explicit_deny {
        if e.contains("kms:describekey") {
            add(
                "AWS-06",
                Severity::High,
                "kms:DescribeKey is not granted to Anthropic without an encryption-context condition",
                "grant kms:DescribeKey in its own unconditioned statement (cmek's AllowAnthropicCMEKDescribe): re-run cmek setup"
                    .to_string(),
            );
        } else if e.contains("compartment_uuid") {
            add(
                "ANT-05",
                Severity::High,
                "the workspace's compartment id is not in the key policy's compartment list",
                "add the workspace to the policy before attaching: re-run cmek setup --workspace <that workspace>"
                    .to_string(),
            );
        } else {
            add(
                "AWS-07",
                Severity::High,
                "the key policy does not grant Anthropic's role Encrypt/Decrypt for your organisation",
                "grant it with the org condition (cmek's AllowAnthropicCMEKCrypto): re-run cmek setup; check for a \
                 placeholder or an org_ value in the condition (ANT-03, ANT-04)"
                    .to_string(),
            );
        }
    }
    if e.starts_with("disabledexception") {
        add("AWS-01", Severity::Critical, "the key is disabled", format!("aws kms enable-key --key-id {arn}"));
    }
    if e.contains("pending deletion") {
        add(
            "AWS-02",
            Severity::Critical,
            "the key is scheduled for deletion",
            format!("aws kms cancel-key-deletion --key-id {arn} && aws kms enable-key --key-id {arn}"),
        );
    }
    if e.starts_with("notfoundexception") {
        add(
            "ANT-13",
            Severity::High,
            "the registered key cannot be found (wrong ARN, region or account, or deleted)",
            "check the registered kms_arn against `aws kms describe-key`; re-register while unattached".to_string(),
        );
    }
    if e.starts_with("unsupportedkey") {
        let (id, title) = if e.contains("multi-region") {
            ("AWS-04", "a multi-Region key is registered")
        } else if e.contains("region") {
            ("ANT-12", "the key is outside the supported US regions")
        } else {
            ("AWS-03", "the key is not a symmetric ENCRYPT_DECRYPT key")
        };
        add(id, Severity::High, title, "create a correct key: cmek setup without --key creates one".to_string());
    }
    if e.starts_with("timeout") || e.contains("timed out") {
        add(
            "ANT-07",
            Severity::High,
            "validation timed out",
            "check what can block Anthropic's calls: IP conditions (AWS-13), the key's region and state".to_string(),
        );
    }
    out
}

/// The first KMS key ARN in the text, for the fix commands.
fn key_arn(text: &str) -> Option<&str> {
    let start = text.find("arn:aws:kms:")?;
    let rest = &text[start..];
    let end = rest.find(|c: char| c.is_whitespace() || c == ',' || c == ')').unwrap_or(rest.len());
    Some(rest[..end].trim_end_matches('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARN: &str = "arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    fn ids(text: &str) -> Vec<&'static str> {
        causes(text).iter().map(|c| c.id).collect()
    }

    #[test]
    fn the_sandbox_sentences_map_to_their_catalogue_ids() {
        let rcp = format!(
            "AccessDenied: kms:DescribeKey on {ARN}. AWS refused the call: User: arn:aws:sts::915198916910:assumed-role/\
             anthropic-cmek-client-us/cmek-validation is not authorized to perform: kms:DescribeKey on resource: {ARN} \
             because with an explicit deny in a resource control policy"
        );
        assert_eq!(ids(&rcp), ["AWS-12"]);
        let deny = format!(
            "AccessDenied: kms:Encrypt on {ARN} with encryption context anthropic:org_uuid=x. The key policy explicitly denies it (statement DenyOutside)."
        );
        assert_eq!(ids(&deny), ["AWS-13"]);
        assert_eq!(
            ids(&format!(
                "AccessDenied: kms:Encrypt on {ARN} with encryption context anthropic:org_uuid=x. No statement allows it."
            )),
            ["AWS-07"]
        );
        assert_eq!(
            ids(&format!(
                "AccessDenied: kms:Encrypt on {ARN} with encryption context anthropic:org_uuid=x, anthropic:compartment_uuid=y."
            )),
            ["ANT-05"]
        );
        assert_eq!(ids(&format!("AccessDenied: kms:DescribeKey on {ARN}. No statement allows it.")), ["AWS-06"]);
        assert_eq!(ids(&format!("Over-permissive key policy: kms:Encrypt on {ARN} was allowed with ...")), ["AWS-08"]);
        assert_eq!(ids(&format!("DisabledException: {ARN} is disabled.")), ["AWS-01"]);
        assert_eq!(ids(&format!("KMSInvalidStateException: {ARN} is pending deletion.")), ["AWS-02"]);
        assert_eq!(ids(&format!("UnsupportedKey: {ARN} is a multi-Region key.")), ["AWS-04"]);
        assert_eq!(ids("Timeout: the round trip did not finish within 30 s"), ["ANT-07"]);
        assert!(ids("something new the platform says").is_empty());
    }

    #[test]
    fn fixes_name_the_key_from_the_text() {
        let c = &causes(&format!("DisabledException: {ARN} is disabled."))[0];
        assert_eq!(c.fix.as_deref(), Some(format!("aws kms enable-key --key-id {ARN}").as_str()));
    }
}
