//! Reading a request body with a size limit, answering an oversized one in the service's own
//! error format (KMS: JSON 1.1 `{"__type","message"}`; STS: the query protocol's XML) instead of
//! a bare `413` in plain text.
//!
//! AWS does not document KMS's or STS's request size limit (every KMS member has its own, far
//! smaller: a policy 32 KB, a plaintext 4 KB); the emulator's is `MAX_BODY`. Past it, it answers
//! HTTP 413 with a `ValidationException` (STS: `ValidationError`), an error code the clients
//! know, after reading and dropping the rest of the body (up to `DRAIN`), so a client that
//! sends the whole body before reading the answer gets the answer rather than a reset connection.

use std::pin::Pin;

use axum::body::{Body, Bytes, HttpBody};

use super::errors::{KmsError, StsError};

/// The largest body the emulator reads (what axum allows by default, and far above any KMS
/// or STS request).
pub(super) const MAX_BODY: usize = 2 * 1024 * 1024;
/// How much of an oversized body is read and dropped before answering anyway.
const DRAIN: usize = 64 * 1024 * 1024;

/// Why a body was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum BodyError {
    /// Larger than `MAX_BODY`: how many bytes arrived (or were announced).
    TooLarge(usize),
    /// The connection failed mid-body.
    Broken(String),
}

/// The whole body, if it is at most `limit` bytes.
pub(super) async fn read(mut body: Body, limit: usize) -> Result<Bytes, BodyError> {
    if let Some(announced) = body.size_hint().exact().and_then(|n| usize::try_from(n).ok())
        && announced > DRAIN
    {
        // Not worth reading: answer at once (the connection is then closed).
        return Err(BodyError::TooLarge(announced));
    }
    let mut buf: Vec<u8> = Vec::new();
    let mut seen = 0usize;
    while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
        let frame = frame.map_err(|e| BodyError::Broken(e.to_string()))?;
        let Ok(data) = frame.into_data() else { continue };
        seen = seen.saturating_add(data.len());
        if seen <= limit {
            buf.extend_from_slice(&data);
        } else {
            buf = Vec::new();
            if seen > DRAIN {
                break;
            }
        }
    }
    if seen > limit { Err(BodyError::TooLarge(seen)) } else { Ok(Bytes::from(buf)) }
}

fn too_large_message(seen: usize) -> String {
    format!("The request body ({seen} bytes) is larger than the {MAX_BODY} bytes the service accepts.")
}

/// The KMS answer to a body that could not be read.
pub(super) fn kms_error(e: &BodyError) -> KmsError {
    match e {
        BodyError::TooLarge(seen) => KmsError { status: 413, ..KmsError::validation(too_large_message(*seen)) },
        BodyError::Broken(why) => KmsError::serialization(format!("the request body could not be read: {why}")),
    }
}

/// The STS answer to a body that could not be read.
pub(super) fn sts_error(e: &BodyError) -> StsError {
    match e {
        BodyError::TooLarge(seen) => StsError::new("ValidationError", 413, too_large_message(*seen)),
        BodyError::Broken(why) => {
            StsError::new("MalformedInput", 400, format!("the request body could not be read: {why}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn bodies_up_to_the_limit_are_read_and_larger_ones_refused_after_draining() {
        assert_eq!(read(Body::from("{}"), 10).await.unwrap(), Bytes::from_static(b"{}"));
        assert_eq!(read(Body::from(vec![b'x'; 11]), 10).await.unwrap_err(), BodyError::TooLarge(11));
        let e = kms_error(&BodyError::TooLarge(11));
        assert_eq!((e.code, e.status), ("ValidationException", 413));
        let e = sts_error(&BodyError::TooLarge(11));
        assert_eq!((e.code, e.status), ("ValidationError", 413));
    }
}
