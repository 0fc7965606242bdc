//! Values in the commands `cmek` suggests, quoted for a POSIX shell so they paste as they are.

/// Quotes a value for a POSIX shell when it holds anything beyond plain id characters.
pub fn quoted(value: &str) -> String {
    let plain = !value.is_empty() && value.chars().all(|c| c.is_ascii_alphanumeric() || "-_./:@=+,".contains(c));
    if plain { value.to_string() } else { format!("'{}'", value.replace('\'', r"'\''")) }
}

#[cfg(test)]
mod tests {
    use super::quoted;

    #[test]
    fn plain_ids_stay_and_the_rest_is_quoted() {
        assert_eq!(quoted("wrkspc_01Ab"), "wrkspc_01Ab");
        assert_eq!(quoted("Claude production"), "'Claude production'");
        assert_eq!(quoted("it's"), r"'it'\''s'");
        assert_eq!(quoted(""), "''");
    }
}
