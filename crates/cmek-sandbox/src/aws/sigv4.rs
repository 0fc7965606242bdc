//! Reading SigV4's parts from a request: the `Authorization` header (credential scope, signed
//! headers, signature), `X-Amz-Date`, and the 15-minute clock-skew rule. Pure: no state, no I/O.
//!
//! Checking the signature itself is `auth`'s job (with the `aws-sigv4` crate).

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};

pub(super) const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// How far a request's time may be from ours, as AWS allows.
pub(super) const MAX_SKEW: TimeDelta = TimeDelta::minutes(15);

/// `Authorization: AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-2/kms/aws4_request,
/// SignedHeaders=content-type;host;x-amz-date, Signature=<64 hex>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct AuthorizationHeader {
    pub access_key_id: String,
    /// `yyyymmdd` of the credential scope.
    pub scope_date: String,
    pub region: String,
    pub service: String,
    /// Lower-case header names, in the order given.
    pub signed_headers: Vec<String>,
    /// Lower-case hex.
    pub signature: String,
}

/// Parses the header; the error is AWS's `IncompleteSignature` sentence for what is missing.
pub(super) fn parse_authorization(value: &str) -> Result<AuthorizationHeader, String> {
    let rest =
        value.trim().strip_prefix(ALGORITHM).filter(|r| r.starts_with(' ')).ok_or_else(|| {
            format!("Authorization header requires the {ALGORITHM} algorithm, found '{}'.", head(value))
        })?;
    let mut credential = None;
    let mut signed_headers = None;
    let mut signature = None;
    for part in rest.split(',') {
        let Some((name, val)) = part.trim().split_once('=') else { continue };
        match name.trim() {
            "Credential" => credential = Some(val.trim()),
            "SignedHeaders" => signed_headers = Some(val.trim()),
            "Signature" => signature = Some(val.trim()),
            _ => {}
        }
    }
    let mut missing = Vec::new();
    for (name, found) in [("Credential", &credential), ("Signature", &signature), ("SignedHeaders", &signed_headers)] {
        if found.is_none_or(|v| v.is_empty()) {
            missing.push(format!("Authorization header requires '{name}' parameter."));
        }
    }
    let (Some(credential), Some(signed_headers), Some(signature)) = (credential, signed_headers, signature) else {
        return Err(missing.join(" "));
    };
    if !missing.is_empty() {
        return Err(missing.join(" "));
    }
    let scope: Vec<&str> = credential.split('/').collect();
    let [access_key_id, scope_date, region, service, "aws4_request"] = scope.as_slice() else {
        return Err(format!(
            "Credential should be scoped to a valid region, a service and 'aws4_request', not '{}'.",
            head(credential)
        ));
    };
    if access_key_id.is_empty() || region.is_empty() || service.is_empty() {
        return Err(format!("Credential '{}' is incomplete.", head(credential)));
    }
    if scope_date.len() != 8 || !scope_date.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("Credential should be scoped to a valid date (yyyyMMdd), not '{}'.", head(scope_date)));
    }
    if !signature.bytes().all(|b| b.is_ascii_hexdigit()) || signature.len() != 64 {
        return Err("Signature should be 64 hexadecimal digits.".to_string());
    }
    Ok(AuthorizationHeader {
        access_key_id: access_key_id.to_string(),
        scope_date: scope_date.to_string(),
        region: region.to_string(),
        service: service.to_string(),
        signed_headers: signed_headers.split(';').map(|h| h.trim().to_ascii_lowercase()).collect(),
        signature: signature.to_ascii_lowercase(),
    })
}

/// `X-Amz-Date` (`20260101T120000Z`).
pub(super) fn parse_amz_date(value: &str) -> Option<DateTime<Utc>> {
    NaiveDateTime::parse_from_str(value.trim(), "%Y%m%dT%H%M%SZ").ok().map(|t| t.and_utc())
}

/// `None` when `signed` is within 15 minutes of `now`; else AWS's "Signature expired" sentence.
pub(super) fn skew_error(signed: DateTime<Utc>, now: DateTime<Utc>) -> Option<String> {
    let fmt = |t: DateTime<Utc>| t.format("%Y%m%dT%H%M%SZ").to_string();
    if signed < now - MAX_SKEW {
        Some(format!(
            "Signature expired: {} is now earlier than {} ({} - 15 min.)",
            fmt(signed),
            fmt(now - MAX_SKEW),
            fmt(now)
        ))
    } else if signed > now + MAX_SKEW {
        Some(format!(
            "Signature not yet current: {} is still later than {} ({} + 15 min.)",
            fmt(signed),
            fmt(now + MAX_SKEW),
            fmt(now)
        ))
    } else {
        None
    }
}

/// The first characters of a value, for messages.
fn head(value: &str) -> String {
    value.chars().take(80).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIG: &str = "fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024";

    #[test]
    fn the_sdk_header_parses() {
        let h = parse_authorization(&format!(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-2/kms/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature={SIG}"
        ))
        .unwrap();
        assert_eq!(h.access_key_id, "AKIDEXAMPLE");
        assert_eq!((h.scope_date.as_str(), h.region.as_str(), h.service.as_str()), ("20260101", "us-east-2", "kms"));
        assert_eq!(h.signed_headers, ["content-type", "host", "x-amz-date", "x-amz-target"]);
        assert_eq!(h.signature, SIG);
        // No spaces after commas (botocore style) works too.
        let h = parse_authorization(&format!(
            "AWS4-HMAC-SHA256 Credential=A/20260101/us-east-1/sts/aws4_request,SignedHeaders=host,Signature={SIG}"
        ))
        .unwrap();
        assert_eq!(h.service, "sts");
    }

    #[test]
    fn incomplete_headers_say_what_is_missing() {
        let e = parse_authorization("AWS4-HMAC-SHA256 Credential=A/20260101/us-east-2/kms/aws4_request").unwrap_err();
        assert!(e.contains("'Signature'") && e.contains("'SignedHeaders'"), "{e}");
        assert!(parse_authorization("Bearer abc").unwrap_err().contains("algorithm"));
        assert!(parse_authorization("").is_err());
        let bad_scope =
            format!("AWS4-HMAC-SHA256 Credential=A/2026/us-east-2/kms, SignedHeaders=host, Signature={SIG}");
        assert!(parse_authorization(&bad_scope).is_err());
        let short = "AWS4-HMAC-SHA256 Credential=A/20260101/r/kms/aws4_request, SignedHeaders=host, Signature=ab";
        assert!(parse_authorization(short).is_err());
        for junk in ["AWS4-HMAC-SHA256 ", "AWS4-HMAC-SHA256 ,,,===", "AWS4-HMAC-SHA256 Credential=////aws4_request"] {
            assert!(parse_authorization(junk).is_err(), "{junk}");
        }
    }

    #[test]
    fn dates_and_skew() {
        let t = parse_amz_date("20260101T120000Z").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-01-01T12:00:00+00:00");
        assert!(parse_amz_date("2026-01-01T12:00:00Z").is_none());
        assert!(skew_error(t, t + TimeDelta::minutes(14)).is_none());
        assert!(skew_error(t, t - TimeDelta::minutes(14)).is_none());
        let e = skew_error(t, t + TimeDelta::minutes(16)).unwrap();
        assert!(e.starts_with("Signature expired: 20260101T120000Z is now earlier than 20260101T120100Z"), "{e}");
        assert!(skew_error(t, t - TimeDelta::minutes(16)).unwrap().starts_with("Signature not yet current"));
    }
}
