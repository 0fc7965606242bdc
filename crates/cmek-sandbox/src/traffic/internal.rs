//! How the platform emulator marks its own calls to the cloud emulators (validation as
//! Anthropic): the [`INTERNAL_CALLER`] header, set by its reqwest clients and, through an
//! interceptor before signing, by its AWS SDK clients.

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextMut;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

use super::INTERNAL_CALLER;

/// The default headers of the platform's own reqwest clients.
pub fn internal_headers() -> reqwest::header::HeaderMap {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(INTERNAL_CALLER, reqwest::header::HeaderValue::from_static("validation"));
    headers
}

/// Sets [`INTERNAL_CALLER`] on every request of an AWS SDK client (before signing, so the
/// signature covers it as it would any header).
#[derive(Debug)]
pub struct MarkInternal;

impl Intercept for MarkInternal {
    fn name(&self) -> &'static str {
        "MarkInternal"
    }

    fn modify_before_signing(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        context.request_mut().headers_mut().insert(INTERNAL_CALLER, "validation");
        Ok(())
    }
}
