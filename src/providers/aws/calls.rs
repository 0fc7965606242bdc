//! Every AWS call goes through the one retry policy (`crate::retry`): the SDK's own retries are
//! off (`connect`), because the SDK would retry a CreateKey whose answer was lost and make a second
//! key. Reads and other idempotent calls are retried on throttling, 5xx and dropped connections;
//! creates look their object up before each retry.

use std::future::Future;

use cmek_core::retry::RetryPolicy;

use super::error::AwsError;
use crate::retry;

/// An idempotent call (a read, a put of a whole document, a setting).
pub(super) async fn idempotent<T, F, Fut>(operation: &'static str, mut call: F) -> Result<T, AwsError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, AwsError>>,
{
    retry::call(&RetryPolicy::STANDARD, operation, || {
        let attempt = call();
        async move { attempt.await.map_err(AwsError::failed) }
    })
    .await
    .map_err(AwsError::gave_up)
}

/// A create: before each retry, `lookup` says whether the lost attempt made the object.
pub(super) async fn create<T, F, Fut, L, LFut>(operation: &'static str, mut call: F, lookup: L) -> Result<T, AwsError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, AwsError>>,
    L: FnMut() -> LFut,
    LFut: Future<Output = Result<Option<T>, AwsError>>,
{
    retry::create(
        &RetryPolicy::STANDARD,
        operation,
        || {
            let attempt = call();
            async move { attempt.await.map_err(AwsError::failed) }
        },
        lookup,
    )
    .await
    .map_err(AwsError::gave_up)
}
