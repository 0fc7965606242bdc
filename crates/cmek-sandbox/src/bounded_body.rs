//! Reading a request body up to a limit. An oversized body is read to its end and dropped (up to
//! `DRAIN`) before the emulator answers, so a client that sends the whole body before reading the
//! answer gets the service's error rather than a reset connection.

use std::pin::Pin;

use axum::body::{Body, Bytes, HttpBody};

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
