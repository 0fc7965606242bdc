//! How the emulated platform's own calls to a cloud ride out a busy service: as the clouds'
//! official clients do, and under the project's one retry policy (`RetryPolicy::STANDARD`).

use std::future::Future;

use cmek_core::retry::RetryPolicy;

/// Runs `attempt` again while `is_transient` says its answer is worth another try (a 429, a
/// 5xx, no answer), with the policy's back-off, until the policy's retries are spent; returns
/// the last answer.
pub(super) async fn retried<T, F, Fut>(mut attempt: F, is_transient: impl Fn(&T) -> bool) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = T>,
{
    let policy = RetryPolicy::STANDARD;
    let mut retries = 0;
    loop {
        let answer = attempt().await;
        if !is_transient(&answer) || policy.exhausted(retries) {
            return answer;
        }
        tokio::time::sleep(policy.backoff(retries, rand::random())).await;
        retries += 1;
    }
}
