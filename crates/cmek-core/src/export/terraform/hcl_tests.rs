//! The HCL writer's escaping, layout and document placement.
use super::*;

#[test]
fn strings_cannot_end_early_or_interpolate() {
    assert_eq!(quote("plain"), r#""plain""#);
    assert_eq!(quote(r#"a"b\c"#), r#""a\"b\\c""#);
    assert_eq!(quote("${var.x} %{if} $5 %d"), r#""$${var.x} %%{if} $5 %d""#);
    assert_eq!(quote("line\nnext\u{1b}[31m"), r#""line\nnext\u001B[31m""#);
    assert_eq!(quote("x\u{202E}y"), r#""x\u202Ey""#);
}

#[test]
fn attributes_align_and_blocks_nest() {
    let body = vec![Item::Block(
        Block::new("resource", &["aws_kms_alias", "cmek"])
            .attr("name", Value::str("alias/anthropic-cmek"))
            .attr("target_key_id", Value::Expr("aws_kms_key.cmek.key_id".into()))
            .blank()
            .block(Block::new("lifecycle", &[]).attr("prevent_destroy", Value::Bool(true))),
    )];
    let w = write(&body, Placement::Inline);
    assert_eq!(
        w.text,
        "resource \"aws_kms_alias\" \"cmek\" {\n  name          = \"alias/anthropic-cmek\"\n  target_key_id = \
         aws_kms_key.cmek.key_id\n\n  lifecycle {\n    prevent_destroy = true\n  }\n}\n"
    );
}

#[test]
fn maps_quote_their_keys_and_long_lists_break() {
    let tags = Value::Map(vec![
        ("created-by".into(), Value::str("cmek")),
        ("cmek:alias".into(), Value::str("a")),
        ("team".into(), Value::str("x")),
    ]);
    let ops = Value::strs(["a", "b", "c", "d"]);
    let w = write(&[Item::Attr("tags".into(), tags), Item::Attr("ops".into(), ops)], Placement::Inline);
    assert_eq!(
        w.text,
        "tags = {\n  \"created-by\" = \"cmek\"\n  \"cmek:alias\" = \"a\"\n  team         = \"x\"\n}\nops = [\n  \"a\",\n  \"b\",\n  \"c\",\n  \"d\",\n]\n"
    );
}

#[test]
fn a_document_goes_to_its_own_file_byte_for_byte() {
    let doc = Value::Document { file: "key-policy.json".into(), contents: "{\n  \"a\": \"${x}\"\n}".into() };
    let w = write(&[Item::Attr("policy".into(), doc)], Placement::Files);
    assert_eq!(w.text, "policy = file(\"${path.module}/key-policy.json\")\n");
    assert_eq!(w.files, vec![("key-policy.json".to_string(), "{\n  \"a\": \"${x}\"\n}".to_string())]);
}

/// What Terraform makes of a heredoc: the lines up to the marker, each with its newline, with
/// `$${` and `%%{` read back; `chomp()` takes the final newline off.
fn evaluate(written: &str) -> String {
    let (chomp, rest) = match written.strip_prefix("chomp(") {
        Some(r) => (true, r.strip_suffix("\n)").unwrap()),
        None => (false, written),
    };
    let (head, body) = rest.split_once('\n').unwrap();
    let marker = head.strip_prefix("<<").unwrap();
    let body = body.strip_suffix(marker).unwrap();
    let value = body.replace("$${", "${").replace("%%{", "%{");
    if chomp { value.strip_suffix('\n').unwrap().to_string() } else { value }
}

#[test]
fn an_inline_document_evaluates_to_exactly_its_contents() {
    for contents in ["{\n  \"Sid\": \"${aws:username}\"\n}", "{}\n", "a\nEOT\nb", "%{x}\n\n"] {
        let written = heredoc(contents);
        assert_eq!(evaluate(&written), contents, "{written}");
    }
    assert_eq!(heredoc("a\tb"), "\"a\\tb\"", "other controls: a quoted string");
    assert_eq!(heredoc("a\r\n"), "\"a\\r\\n\"");
}
