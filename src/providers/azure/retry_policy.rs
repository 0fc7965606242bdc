//! The one retry policy, as the Azure SDK pipeline's retry policy. It runs for the credentials'
//! token requests (idempotent, and inside the credential chain, where a failure would otherwise
//! move on to the next credential); the Key Vault client and our ARM and Graph calls have the
//! pipeline's retries off and go through `crate::retry`, which looks a create up before retrying.

use azure_core::http::StatusCode;
use azure_core::http::headers::{RETRY_AFTER, RETRY_AFTER_MS, X_MS_RETRY_AFTER_MS};
use azure_core::http::policies::{RetryHeaders, RetryPolicy as SdkRetryPolicy};
use azure_core::time::Duration as SdkDuration;
use cmek_core::retry::RetryPolicy;

/// `RetryPolicy::STANDARD` for the Azure pipeline.
#[derive(Debug)]
pub(crate) struct StandardRetry {
    headers: RetryHeaders,
}

impl StandardRetry {
    pub(crate) fn new() -> Self {
        Self { headers: RetryHeaders { retry_headers: vec![X_MS_RETRY_AFTER_MS, RETRY_AFTER_MS, RETRY_AFTER] } }
    }
}

#[async_trait::async_trait]
impl SdkRetryPolicy for StandardRetry {
    fn is_expired(&self, _since_start: SdkDuration, retry_count: u32) -> bool {
        RetryPolicy::STANDARD.exhausted(retry_count)
    }

    fn retry_headers(&self) -> Option<&RetryHeaders> {
        Some(&self.headers)
    }

    fn retry_status_codes(&self) -> &[StatusCode] {
        // Empty: the pipeline's defaults (408, 429, 500, 502, 503, 504), the same as ours.
        &[]
    }

    fn sleep_duration(&self, retry_count: u32) -> SdkDuration {
        to_sdk(RetryPolicy::STANDARD.backoff(retry_count.saturating_sub(1), rand::random::<f64>()))
    }

    /// The honoured server wait, else the back-off (the SDK's default takes the longer of both,
    /// which would honour an hour-long `Retry-After`).
    async fn wait(&self, retry_count: u32, retry_after: Option<SdkDuration>) {
        let server_wait = retry_after.and_then(|d| std::time::Duration::try_from(d).ok());
        let delay = RetryPolicy::STANDARD.delay(server_wait, retry_count.saturating_sub(1), rand::random::<f64>());
        tokio::time::sleep(delay).await;
    }
}

fn to_sdk(d: std::time::Duration) -> SdkDuration {
    SdkDuration::try_from(d).unwrap_or(SdkDuration::MAX)
}
