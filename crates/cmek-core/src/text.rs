//! Text from the network or the user, made safe to show on a terminal, and names refused when
//! they carry what a terminal would act on. A workspace name set through the Admin API, a Sid in a
//! customer's policy or a value typed on the command line can hold escape sequences (colours,
//! window titles, hyperlinks), carriage returns that overwrite a line, newlines that forge one, or
//! bidirectional overrides that reorder it. Shown text escapes them visibly; JSON keeps the exact
//! value.

use std::borrow::Cow;

/// Characters a terminal acts on: C0 and C1 controls (ESC, CR, LF, BEL...), DEL, and the Unicode
/// bidirectional embeddings, overrides and isolates.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every unsafe character written out (`\u{1b}`, `\n`), on one line.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A name `cmek` will send (a display name, a workspace name): refused when it holds a character
/// a terminal would act on, naming the field and showing the value escaped.
pub fn check_name(field: &str, value: &str) -> Result<(), String> {
    match value.chars().find(|c| is_unsafe(*c)) {
        None => Ok(()),
        Some(c) => Err(format!(
            "{field} `{}` contains the control character {}; use printable characters only",
            escape_controls(value),
            c.escape_default()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_a_terminal_would_act_on_and_nothing_else() {
        assert_eq!(escape_controls("production"), "production");
        assert_eq!(escape_controls("prod\u{1b}]0;pwned\u{7}"), "prod\\u{1b}]0;pwned\\u{7}");
        assert_eq!(escape_controls("a\nb\rc"), "a\\nb\\rc");
        assert_eq!(escape_controls("x\u{202E}y"), "x\\u{202e}y");
        assert_eq!(escape_controls("Zürich · 東京"), "Zürich · 東京");
    }

    #[test]
    fn names_with_controls_are_refused_by_field() {
        assert!(check_name("--display-name", "CMEK key").is_ok());
        let e = check_name("--display-name", "bad\u{1b}[31mred").unwrap_err();
        assert!(e.contains("--display-name") && e.contains("\\u{1b}") && !e.contains('\u{1b}'), "{e}");
    }
}
