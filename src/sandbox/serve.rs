//! Serving an emulator on loopback: bind, derive the base URL, serve until stopped, stop
//! gracefully on `shutdown` (bounded) and at once on drop. Shared by every emulator.

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::SandboxError;

/// How long `shutdown` lets requests in flight finish before it stops the server anyway.
const GRACE: Duration = Duration::from_secs(5);

/// Binds `addr` and returns the listener with the `http://host:port/` URL it answers on.
pub async fn bind(what: &'static str, addr: SocketAddr) -> Result<(tokio::net::TcpListener, url::Url), SandboxError> {
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|source| SandboxError::Bind { addr, source })?;
    let local = listener.local_addr().map_err(|source| SandboxError::Bind { addr, source })?;
    let url = url::Url::parse(&format!("http://{local}/")).map_err(|e| SandboxError::BaseUrl {
        what,
        addr: local,
        reason: e.to_string(),
    })?;
    Ok((listener, url))
}

/// A server task and the means to stop it.
pub struct Served {
    what: &'static str,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

/// Serves `app` (with the peer address available to handlers) until stopped.
pub fn serve(what: &'static str, listener: tokio::net::TcpListener, app: Router) -> Served {
    let (stop, stopped) = oneshot::channel::<()>();
    let server = axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).with_graceful_shutdown(
        async move {
            // A dropped sender also means stop.
            let _ = stopped.await;
        },
    );
    let task = tokio::spawn(async move { server.await });
    Served { what, stop: Some(stop), task: Some(task) }
}

impl Served {
    /// Stops accepting requests, lets those in flight finish (up to 5 s), and waits for the end.
    pub async fn shutdown(mut self) -> Result<(), SandboxError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let Some(mut task) = self.task.take() else { return Ok(()) };
        let what = self.what;
        match tokio::time::timeout(GRACE, &mut task).await {
            Ok(Ok(Ok(()))) => Ok(()),
            Ok(Ok(Err(e))) => Err(SandboxError::Server { what, message: e.to_string() }),
            Ok(Err(e)) => Err(SandboxError::Server { what, message: e.to_string() }),
            Err(_) => {
                task.abort();
                Ok(())
            }
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        // Dropping must not wait: idle keep-alive connections would hold a graceful stop open.
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
