//! Endpoint overrides as flags and variables give them: https anywhere, plain http only to a
//! loopback address (a sandbox, moto), because every request carries a credential.

use crate::error::{Error, Result};

/// `raw` as an endpoint to send credentials to, or why not; `what` names the flag and variable
/// (e.g. `--aws-endpoint / AWS_ENDPOINT_URL`), `default` the endpoint without the override.
pub fn checked(raw: &str, what: &str, default: &str) -> Result<String> {
    let trimmed = raw.trim();
    let url = url::Url::parse(trimmed).ok().filter(|u| u.host_str().is_some());
    let loopback = url.as_ref().is_some_and(crate::platform::config::is_loopback);
    match url {
        Some(u) if u.scheme() == "https" || (u.scheme() == "http" && loopback) => {
            Ok(trimmed.trim_end_matches('/').to_string())
        }
        Some(u) if u.scheme() == "http" => Err(Error::usage(format!(
            "{what}: `{trimmed}` is plain http to {}, which would send your credentials in clear",
            u.host_str().unwrap_or_default()
        ))
        .with_hint(format!(
            "use https (plain http is accepted only to localhost, 127.0.0.1 or ::1); the default is {default}"
        ))),
        _ => Err(Error::usage(format!("{what}: `{trimmed}` is not an https URL"))
            .with_hint(format!("the default is {default}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::checked;

    #[test]
    fn plain_http_is_only_for_loopback() {
        for ok in
            ["https://kms.us-east-2.amazonaws.com/", "http://127.0.0.1:5000", "http://localhost:8080", "http://[::1]:9"]
        {
            assert!(checked(ok, "--x", "d").is_ok(), "{ok}");
        }
        let e = checked("http://kms.internal.example:80", "--aws-endpoint / AWS_ENDPOINT_URL", "d").unwrap_err();
        assert!(e.message.contains("in clear") && e.message.contains("kms.internal.example"), "{e}");
        assert!(checked("ftp://x", "--x", "d").is_err());
        assert!(checked("not a url", "--x", "d").is_err());
    }
}
