//! Why each AWS KMS catalogue id matters and its Terraform equivalent (`doctor-catalogue.md`).

/// Why it matters, by id.
pub fn why(id: &str) -> Option<&'static str> {
    Some(match id {
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
        _ => return None,
    })
}

/// How close to the root of a failure an id is (lower: fix it first; the rest often follow): the
/// key's state and kind, then a policy AWS would refuse, the grant's breadth and scope, the
/// conditions that bind it, and what the platform sees last.
pub fn cause_order(id: &str) -> Option<u8> {
    Some(match id {
        "AWS-02" => 10,
        "AWS-01" => 11,
        "AWS-03" => 12,
        "AWS-04" => 13,
        "AWS-10" => 20,
        "AWS-11" => 21,
        "AWS-12" => 22,
        "AWS-08" => 23,
        "AWS-05" => 24,
        "AWS-13" => 25,
        "AWS-07" => 26,
        "AWS-06" => 27,
        "AWS-09" => 28,
        "AWS-14" => 29,
        "AWS-16" => 60,
        "AWS-17" => 61,
        "AWS-15" => 62,
        _ => return None,
    })
}

/// The Terraform equivalent of the fix, by id.
pub fn terraform(id: &str) -> Option<&'static str> {
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
        _ => return None,
    })
}
