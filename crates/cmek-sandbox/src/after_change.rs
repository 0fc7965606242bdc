//! A hook every emulator runs after a request that may have changed its state, before the answer
//! leaves: the sandbox saves its state file there (`--state`, `--sandbox-state`), so a client
//! killed right after it saw an answer leaves a file holding what the answer said, and a crashed
//! run can be examined. Reads (GET, HEAD, OPTIONS) skip it; AWS's protocols POST every call,
//! reads included, so the save compares before writing.

use std::fmt;
use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::extract::Request;
use axum::http::Method;
use axum::middleware::{self, Next};

type Hook = Arc<dyn Fn() + Send + Sync>;

/// Shared by the emulators of one sandbox; does nothing until `set`.
#[derive(Clone, Default)]
pub struct AfterChange(Arc<OnceLock<Hook>>);

impl fmt::Debug for AfterChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.get().is_some() { "AfterChange(set)" } else { "AfterChange(unset)" })
    }
}

impl AfterChange {
    /// Installs the hook (once; a second call is ignored).
    pub fn set(&self, hook: impl Fn() + Send + Sync + 'static) {
        let _ = self.0.set(Arc::new(hook));
    }

    /// `router`, running the hook after each request that may change state.
    pub(crate) fn wrap(&self, router: Router) -> Router {
        let hook = self.clone();
        router.layer(middleware::from_fn(move |request: Request, next: Next| {
            let hook = hook.clone();
            async move {
                let reads_only = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
                let response = next.run(request).await;
                if !reads_only && let Some(run) = hook.0.get().cloned() {
                    // File I/O: off the async threads, but awaited, so the answer waits for it.
                    let _ = tokio::task::spawn_blocking(move || run()).await;
                }
                response
            }
        }))
    }
}
