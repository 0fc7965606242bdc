//! Reading a request body up to a limit. An oversized body is read to its end and dropped (up to
//! `DRAIN`) before the emulator answers, so a client that sends the whole body before reading the
//! answer gets the service's error rather than a reset connection. A layer that only peeks at a
//! body (to name the operation) hands an oversized one on whole, for the service to refuse.

use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes, HttpBody};
use http_body::Frame;

/// The largest body the AWS emulator reads (what axum allows by default, far above any KMS or
/// STS request); the traffic counter peeks at an STS form no further. Here, beside the readers,
/// so neither of the two has to import the other.
pub const AWS_MAX_BODY: usize = 2 * 1024 * 1024;

/// How much of an oversized body is read and dropped before answering anyway.
const DRAIN: usize = 64 * 1024 * 1024;

/// Why a body was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyError {
    /// Larger than the limit: how many bytes arrived (or were announced).
    TooLarge(usize),
    /// The connection failed mid-body.
    Broken(String),
}

/// The whole body, if it is at most `limit` bytes.
pub async fn read_bounded(mut body: Body, limit: usize) -> Result<Bytes, BodyError> {
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

/// The whole body if it is at most `limit` bytes; otherwise (or when the connection failed) a body
/// that gives what was read and then the rest, as it arrives, to whoever answers the request.
pub async fn peek_bounded(mut body: Body, limit: usize) -> Result<Bytes, Body> {
    let mut buf: Vec<u8> = Vec::new();
    while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
        let data = match frame {
            Ok(frame) => match frame.into_data() {
                Ok(data) => data,
                Err(_) => continue,
            },
            Err(e) => return Err(Body::new(Replayed { head: Some(Bytes::from(buf)), failed: Some(e), rest: None })),
        };
        buf.extend_from_slice(&data);
        if buf.len() > limit {
            return Err(Body::new(Replayed { head: Some(Bytes::from(buf)), failed: None, rest: Some(body) }));
        }
    }
    Ok(Bytes::from(buf))
}

/// A body whose first bytes were already read: those, then the failure or the rest.
struct Replayed {
    head: Option<Bytes>,
    failed: Option<axum::Error>,
    rest: Option<Body>,
}

impl HttpBody for Replayed {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        if let Some(head) = self.head.take() {
            return Poll::Ready(Some(Ok(Frame::data(head))));
        }
        if let Some(e) = self.failed.take() {
            return Poll::Ready(Some(Err(e)));
        }
        match self.rest.as_mut() {
            Some(rest) => Pin::new(rest).poll_frame(cx),
            None => Poll::Ready(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn collect(body: Body) -> Vec<u8> {
        axum::body::to_bytes(body, usize::MAX).await.unwrap().to_vec()
    }

    #[tokio::test]
    async fn a_peeked_body_is_given_back_whole_when_it_is_over_the_limit() {
        assert_eq!(peek_bounded(Body::from("short"), 10).await.unwrap(), Bytes::from_static(b"short"));
        let long: Vec<u8> = (0..100u8).collect();
        let handed_on = peek_bounded(Body::from(long.clone()), 10).await.unwrap_err();
        assert_eq!(collect(handed_on).await, long, "every byte, in order");
        // A chunked body: some chunks read, the rest still to come.
        let chunks = Chunks((0..5u8).map(|i| Bytes::from(vec![i; 8])).collect());
        let handed_on = peek_bounded(Body::new(chunks), 12).await.unwrap_err();
        let expected: Vec<u8> = (0..5u8).flat_map(|i| vec![i; 8]).collect();
        assert_eq!(collect(handed_on).await, expected);
    }

    /// A body that arrives chunk by chunk, with no length announced.
    struct Chunks(std::collections::VecDeque<Bytes>);

    impl HttpBody for Chunks {
        type Data = Bytes;
        type Error = axum::Error;

        fn poll_frame(
            mut self: Pin<&mut Self>,
            _: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
            Poll::Ready(self.0.pop_front().map(|c| Ok(Frame::data(c))))
        }
    }
}
