//! Reading a request body with a size limit, answering an oversized one in the service's own
//! error format (KMS: JSON 1.1 `{"__type","message"}`; STS: the query protocol's XML) instead of
//! a bare `413` in plain text.
//!
//! AWS does not document KMS's or STS's request size limit (every KMS member has its own, far
//! smaller: a policy 32 KB, a plaintext 4 KB); the emulator's is `MAX_BODY`. Past it, it answers
//! HTTP 413 with a `ValidationException` (STS: `ValidationError`), an error code the clients
//! know, after reading and dropping the rest of the body (up to `DRAIN`), so a client that
//! sends the whole body before reading the answer gets the answer rather than a reset connection.

use super::errors::{KmsError, StsError};
pub(super) use crate::bounded_body::{BodyError, read_bounded as read};

/// The largest body the emulator reads.
pub(super) const MAX_BODY: usize = crate::bounded_body::AWS_MAX_BODY;

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
    use axum::body::{Body, Bytes};

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
