//! Wildcard matching for actions, resources and ARN-valued conditions (`*` and `?`).

use crate::policy::aws::statement::{ActionElement, ResourceElement};

/// `*` matches any run of characters (also none), `?` exactly one; everything else literally.
pub(crate) fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0usize, 0usize);
    // Where the last `*` was, and how much text it has swallowed so far: on a mismatch we let it
    // swallow one more character. Linear in practice, O(len(p) * len(t)) at worst, never recursive.
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(&c) if c == '?' || c == t[ti] => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((star_pi, star_ti)) => {
                    pi = star_pi + 1;
                    ti = star_ti + 1;
                    star = Some((star_pi, star_ti + 1));
                }
                None => return false,
            },
        }
    }
    p.iter().skip(pi).all(|&c| c == '*')
}

/// Action names are case-insensitive (`kms:encrypt` is `kms:Encrypt`).
pub(crate) fn action_matches(element: &ActionElement, action: &str) -> bool {
    let action = action.to_lowercase();
    let listed = element.values().iter().any(|pattern| glob(&pattern.to_lowercase(), &action));
    listed != element.is_negated()
}

/// Resources are case-sensitive. A statement without a Resource element (AWS requires one in key
/// policies) is taken to be about the resource the policy is attached to.
pub(crate) fn resource_matches(element: Option<&ResourceElement>, resource: &str) -> bool {
    let Some(element) = element else { return true };
    let listed = element.values().iter().any(|pattern| arn_like(pattern, resource));
    listed != element.is_negated()
}

/// ARN matching as AWS documents it for ArnLike and the Resource element: each of the six
/// colon-separated parts is matched on its own, so a wildcard never spans a part boundary
/// (the last part, the resource, may itself contain colons). A pattern that does not start with
/// `arn:` (e.g. `*`) is matched against the whole value; one that does but has fewer than six
/// parts is not a valid ARN and matches nothing.
pub(crate) fn arn_like(pattern: &str, value: &str) -> bool {
    if !pattern.starts_with("arn:") {
        return glob(pattern, value);
    }
    let pattern_parts: Vec<&str> = pattern.splitn(6, ':').collect();
    let value_parts: Vec<&str> = value.splitn(6, ':').collect();
    pattern_parts.len() == 6
        && value_parts.len() == 6
        && pattern_parts.iter().zip(&value_parts).all(|(p, v)| glob(p, v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::aws::values::OneOrMany;

    #[test]
    fn glob_basics() {
        assert!(glob("*", ""));
        assert!(glob("kms:*", "kms:Encrypt"));
        assert!(glob("kms:ReEncrypt*", "kms:ReEncryptFrom"));
        assert!(glob("kms:GenerateDataKey*", "kms:GenerateDataKey"));
        assert!(glob("a?c", "abc"));
        assert!(!glob("a?c", "ac"));
        assert!(glob("*a*b*c*", "xxaxxbxxcxx"));
        assert!(!glob("*a*b*c*", "xxaxxcxxbxx"));
        assert!(!glob("kms:Encrypt", "kms:encrypt"));
        assert!(glob("é*", "été"));
        assert!(!glob(&"*a".repeat(50), &"a".repeat(40)));
    }

    #[test]
    fn actions_ignore_case_and_not_action_inverts() {
        let a = ActionElement::Action(OneOrMany::many(vec!["KMS:encrypt".into(), "kms:Re*".into()]));
        assert!(action_matches(&a, "kms:Encrypt"));
        assert!(action_matches(&a, "kms:ReEncryptTo"));
        assert!(!action_matches(&a, "kms:Decrypt"));
        let n = ActionElement::NotAction(OneOrMany::one("kms:Decrypt".into()));
        assert!(!action_matches(&n, "KMS:DECRYPT"));
        assert!(action_matches(&n, "kms:Encrypt"));
    }

    #[test]
    fn resources_are_case_sensitive_and_segment_wise() {
        let key = "arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        let r = |p: &str| ResourceElement::Resource(OneOrMany::one(p.to_string()));
        assert!(resource_matches(Some(&r("*")), key));
        assert!(resource_matches(Some(&r("arn:aws:kms:*:111122223333:key/*")), key));
        assert!(!resource_matches(Some(&r("arn:aws:kms:*:111122223333:KEY/*")), key));
        assert!(!resource_matches(Some(&r("arn:aws:kms:*:444455556666:key/*")), key));
        // A wildcard does not run across the region/account boundary, and a short ARN is no ARN.
        assert!(!arn_like("arn:aws:kms:us-*:key/*", key));
        assert!(!arn_like("arn:aws:kms:*", key));
        assert!(arn_like("arn:aws:kms:us-*:*:key/*", key));
        let not = ResourceElement::NotResource(OneOrMany::one("arn:aws:kms:*:*:alias/*".into()));
        assert!(resource_matches(Some(&not), key));
        assert!(resource_matches(None, key));
    }
}
