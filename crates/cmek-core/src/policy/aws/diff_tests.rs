//! Tests of the policy diff (snapshots in `snapshots/`).

use super::diff::*;
use super::merge::merge;
use super::render::key_policy;
use super::test_fixtures::*;

#[test]
fn a_new_key_is_all_added() {
    let after = key_policy(&grant());
    let d = diff(None, &after);
    assert!(!d.is_empty());
    assert!(d.lines.iter().all(|l| l.change == LineChange::Added));
    assert_eq!(d.lines.len(), after.to_json_pretty().lines().count());
    let unified = d.to_unified();
    assert!(unified.starts_with(&format!("@@ -0,0 +1,{} @@\n+{{\n", d.lines.len())), "{unified}");
    insta::assert_snapshot!("diff_new_key", unified);
}

#[test]
fn merging_into_the_default_policy_shows_only_the_additions_with_context() {
    let before = fixture("aws-default.json");
    let after = merge(&before, &grant()).policy;
    let d = diff(Some(&before), &after);
    // Statements were only added, so no line of the customer's policy is shown as removed.
    assert!(d.lines.iter().all(|l| l.change != LineChange::Removed));
    assert!(d.lines.iter().any(|l| l.change == LineChange::Added));
    insta::assert_snapshot!("diff_merge_into_aws_default", d.to_unified());
}

#[test]
fn replacing_old_statements_shows_hunks_with_three_lines_of_context() {
    let before = fixture("old-anthropic.json");
    let after = merge(&before, &grant()).policy;
    let unified = diff(Some(&before), &after).to_unified();
    assert!(unified.matches("@@ -").count() >= 2, "two separate replacements give two hunks:\n{unified}");
    for hunk in unified.split("@@ -").skip(1) {
        let body: Vec<&str> = hunk.lines().skip(1).collect();
        let leading = body.iter().take_while(|l| l.starts_with(' ')).count();
        let trailing = body.iter().rev().take_while(|l| l.starts_with(' ')).count();
        assert!(leading <= CONTEXT_LINES && trailing <= CONTEXT_LINES, "{hunk}");
    }
    insta::assert_snapshot!("diff_replace_old_anthropic_statements", unified);
}

#[test]
fn no_change_is_an_empty_diff() {
    let doc = fixture("correct.json");
    let d = diff(Some(&doc), &doc);
    assert!(d.is_empty());
    assert_eq!(d.to_unified(), "");
    assert!(d.lines.iter().all(|l| l.change == LineChange::Same));
}
