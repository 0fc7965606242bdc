//! A small HCL writer for the Terraform export: blocks, attributes and values as data, written out
//! the way `terraform fmt` lays them (two-space indent, `=` aligned in runs of one-line
//! attributes). Strings are escaped for HCL's templates (`${` and `%{` doubled, controls as `\n`
//! or `\uXXXX`), so no value from the network or the user can end a string or start an
//! interpolation. A document (a key policy) is kept byte-identical: beside the configuration as its
//! own file read with `file()`, or inline as a heredoc whose value is the document.

/// One value on the right of `=`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Str(String),
    Int(i64),
    Bool(bool),
    List(Vec<Value>),
    /// An object constructor (`{ "k" = v }`), keys in the given order.
    Map(Vec<(String, Value)>),
    /// A reference or call written as it is (`aws_kms_key.cmek.key_id`): only ever built from
    /// the renderers' own identifiers, never from a fact.
    Expr(String),
    /// A document whose value must be exactly `contents` (see [`Placement`]).
    Document {
        file: String,
        contents: String,
    },
}

impl Value {
    pub fn str(s: impl Into<String>) -> Self {
        Value::Str(s.into())
    }

    pub fn strs<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Self {
        Value::List(items.into_iter().map(|s| Value::str(s.as_ref())).collect())
    }

    pub fn string_map<'a>(pairs: impl IntoIterator<Item = (&'a String, &'a String)>) -> Self {
        Value::Map(pairs.into_iter().map(|(k, v)| (k.clone(), Value::str(v))).collect())
    }
}

/// One line (or block) of a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Attr(String, Value),
    Block(Block),
    /// A `#` comment line (control characters are written out escaped).
    Comment(String),
    Blank,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub kind: String,
    pub labels: Vec<String>,
    pub items: Vec<Item>,
}

impl Block {
    pub fn new(kind: &str, labels: &[&str]) -> Self {
        Self { kind: kind.to_string(), labels: labels.iter().map(|l| l.to_string()).collect(), items: Vec::new() }
    }

    pub fn attr(mut self, name: &str, value: Value) -> Self {
        self.items.push(Item::Attr(name.to_string(), value));
        self
    }

    pub fn block(mut self, block: Block) -> Self {
        self.items.push(Item::Block(block));
        self
    }

    pub fn comment(mut self, text: impl Into<String>) -> Self {
        self.items.push(Item::Comment(text.into()));
        self
    }

    pub fn blank(mut self) -> Self {
        self.items.push(Item::Blank);
        self
    }
}

/// Where a [`Value::Document`] goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// In its own file beside `main.tf`, read with `file("${path.module}/NAME")`.
    Files,
    /// Inline, as a heredoc (for a configuration printed on stdout).
    Inline,
}

/// A written configuration and the documents it reads from their own files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub text: String,
    pub files: Vec<(String, String)>,
}

/// Writes a body (top level).
pub fn write(items: &[Item], placement: Placement) -> Written {
    let mut w = Writer { out: String::new(), files: Vec::new(), placement };
    w.body(items, 0);
    Written { text: w.out, files: w.files }
}

struct Writer {
    out: String,
    files: Vec<(String, String)>,
    placement: Placement,
}

impl Writer {
    fn body(&mut self, items: &[Item], depth: usize) {
        let pad = "  ".repeat(depth);
        let mut i = 0;
        while i < items.len() {
            match &items[i] {
                Item::Attr(..) => {
                    // A run of attributes: `=` aligned across the one-line ones, as `terraform fmt` does.
                    let end =
                        items[i..].iter().position(|it| !matches!(it, Item::Attr(..))).map_or(items.len(), |n| i + n);
                    let width = items[i..end]
                        .iter()
                        .filter_map(|it| match it {
                            Item::Attr(name, value) if is_one_line(value) => Some(name.len()),
                            _ => None,
                        })
                        .max()
                        .unwrap_or(0);
                    for it in &items[i..end] {
                        if let Item::Attr(name, value) = it {
                            let gap = if is_one_line(value) { width.saturating_sub(name.len()) } else { 0 };
                            self.out.push_str(&format!("{pad}{name}{} = ", " ".repeat(gap)));
                            self.value(value, depth);
                            self.out.push('\n');
                        }
                    }
                    i = end;
                    continue;
                }
                Item::Block(b) => {
                    self.out.push_str(&pad);
                    self.out.push_str(&b.kind);
                    for label in &b.labels {
                        self.out.push(' ');
                        self.out.push_str(&quote(label));
                    }
                    if b.items.is_empty() {
                        self.out.push_str(" {}\n");
                    } else {
                        self.out.push_str(" {\n");
                        self.body(&b.items, depth + 1);
                        self.out.push_str(&format!("{pad}}}\n"));
                    }
                }
                Item::Comment(text) => {
                    let text = crate::text::escape_controls(text);
                    for line in wrap(&text, COMMENT_WIDTH.saturating_sub(pad.len() + 2)) {
                        match line.is_empty() {
                            true => self.out.push_str(&format!("{pad}#\n")),
                            false => self.out.push_str(&format!("{pad}# {line}\n")),
                        }
                    }
                }
                Item::Blank => self.out.push('\n'),
            }
            i += 1;
        }
    }

    fn value(&mut self, value: &Value, depth: usize) {
        let pad = "  ".repeat(depth);
        match value {
            Value::Str(s) => self.out.push_str(&quote(s)),
            Value::Int(n) => self.out.push_str(&n.to_string()),
            Value::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            Value::Expr(e) => self.out.push_str(e),
            Value::List(items) if is_one_line(value) => {
                self.out.push('[');
                for (n, item) in items.iter().enumerate() {
                    if n > 0 {
                        self.out.push_str(", ");
                    }
                    self.value(item, depth);
                }
                self.out.push(']');
            }
            Value::List(items) => {
                self.out.push_str("[\n");
                for item in items {
                    self.out.push_str(&format!("{pad}  "));
                    self.value(item, depth + 1);
                    self.out.push_str(",\n");
                }
                self.out.push_str(&format!("{pad}]"));
            }
            Value::Map(pairs) if pairs.is_empty() => self.out.push_str("{}"),
            Value::Map(pairs) => {
                self.out.push_str("{\n");
                let keys: Vec<String> = pairs.iter().map(|(k, _)| key(k)).collect();
                let width = keys.iter().map(|k| k.chars().count()).max().unwrap_or(0);
                for ((_, v), key) in pairs.iter().zip(&keys) {
                    let gap = width - key.chars().count();
                    self.out.push_str(&format!("{pad}  {key}{} = ", " ".repeat(gap)));
                    self.value(v, depth + 1);
                    self.out.push('\n');
                }
                self.out.push_str(&format!("{pad}}}"));
            }
            Value::Document { file, contents } => match self.placement {
                Placement::Files => {
                    self.out.push_str(&format!("file(\"${{path.module}}/{}\")", escape(file)));
                    self.files.push((file.clone(), contents.clone()));
                }
                Placement::Inline => self.out.push_str(&heredoc(contents)),
            },
        }
    }
}

/// How wide comment lines are wrapped (a command line, indented, is never wrapped).
const COMMENT_WIDTH: usize = 100;

/// `text` in lines of at most `width` columns, broken between words (a long word, an ARN, stays
/// whole); a line that starts with a space (a command to copy) or fits stays exactly as it is
/// (a quoted display name keeps its spaces).
fn wrap(text: &str, width: usize) -> Vec<String> {
    if text.starts_with(' ') || unicode_width::UnicodeWidthStr::width(text) <= width {
        return vec![text.to_string()];
    }
    crate::wrap::lines(text, width, width, crate::wrap::LongWords::Keep)
}

/// Lists of plain scalars up to three items stay on one line; maps and documents never do.
fn is_one_line(value: &Value) -> bool {
    match value {
        Value::List(items) => {
            items.len() <= 3
                && items.iter().all(|i| matches!(i, Value::Str(_) | Value::Int(_) | Value::Bool(_) | Value::Expr(_)))
        }
        Value::Map(pairs) => pairs.is_empty(),
        Value::Document { .. } => false,
        _ => true,
    }
}

/// An object key: bare when it is a plain identifier (Terraform reads some objects, such as
/// `required_providers`, by keyword), quoted otherwise.
fn key(k: &str) -> String {
    let mut chars = k.chars();
    let plain = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain { k.to_string() } else { quote(k) }
}

/// A quoted HCL string whose value is `s`.
pub fn quote(s: &str) -> String {
    format!("\"{}\"", escape(s))
}

/// `s` escaped for the inside of an HCL quoted template.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if crate::text::is_unsafe(c) => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// A heredoc whose value is exactly `contents`: a heredoc's value ends with the newline before its
/// closing marker, so a document without a final newline is wrapped in `chomp()`. Templates are
/// escaped (`$${`, `%%{`); a document holding other control characters than newlines is written
/// as a quoted string instead, whose escapes keep it exact.
fn heredoc(contents: &str) -> String {
    let chomped = contents.trim_end_matches(['\n', '\r']);
    let plain = !contents.chars().any(|c| crate::text::is_unsafe(c) && c != '\n');
    let wrapped = !contents.ends_with('\n');
    if !plain || contents.is_empty() || (wrapped && chomped != contents) {
        return quote(contents);
    }
    let mut marker = "EOT".to_string();
    while contents.lines().any(|l| l.trim() == marker) {
        marker.push('X');
    }
    let body = contents.replace("${", "$${").replace("%{", "%%{");
    let newline = if wrapped { "\n" } else { "" };
    match wrapped {
        true => format!("chomp(<<{marker}\n{body}{newline}{marker}\n)"),
        false => format!("<<{marker}\n{body}{marker}"),
    }
}

#[cfg(test)]
#[path = "hcl_tests.rs"]
mod tests;
