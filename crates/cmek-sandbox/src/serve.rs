//! Serving an emulator on loopback: bind, derive the base URL, serve (plain HTTP or TLS) until
//! stopped, stop gracefully on `shutdown` (bounded) and at once on drop. Shared by every emulator.

use std::net::SocketAddr;
use std::sync::Arc;
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
    // Without TCP_NODELAY a small answer waits on the client's delayed ACK (about 40 ms a
    // connection), which the real services do not make anyone wait.
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        let _ = tcp.set_nodelay(true);
    });
    let server = axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).with_graceful_shutdown(
        async move {
            // A dropped sender also means stop.
            let _ = stopped.await;
        },
    );
    let task = tokio::spawn(async move { server.await });
    Served { what, stop: Some(stop), task: Some(task) }
}

/// Binds `addr` for a TLS server and returns the listener with the `https://host:port/` URL.
pub async fn bind_tls(
    what: &'static str,
    addr: SocketAddr,
) -> Result<(tokio::net::TcpListener, url::Url), SandboxError> {
    let (listener, url) = bind(what, addr).await?;
    let mut url = url;
    url.set_scheme("https").map_err(|()| SandboxError::BaseUrl {
        what,
        addr,
        reason: "cannot switch the URL to https".to_string(),
    })?;
    Ok((listener, url))
}

/// Serves `app` over TLS with `tls` (HTTP/1.1; the peer address available to handlers as
/// `ConnectInfo<SocketAddr>`) until stopped. A failed handshake only drops that connection.
pub fn serve_tls(
    what: &'static str,
    listener: tokio::net::TcpListener,
    app: Router,
    tls: Arc<rustls::ServerConfig>,
) -> Served {
    let (stop, mut stopped) = oneshot::channel::<()>();
    let acceptor = tokio_rustls::TlsAcceptor::from(tls);
    let task = tokio::spawn(async move {
        let graceful = hyper_util::server::graceful::GracefulShutdown::new();
        let mut connections = tokio::task::JoinSet::new();
        loop {
            let (tcp, peer) = tokio::select! {
                _ = &mut stopped => break,
                accepted = listener.accept() => match accepted {
                    Ok(pair) => pair,
                    Err(e) => {
                        // E.g. out of file descriptors: do not spin.
                        tracing::debug!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                },
            };
            let _ = tcp.set_nodelay(true);
            let acceptor = acceptor.clone();
            let app = app.clone().layer(axum::Extension(axum::extract::ConnectInfo(peer)));
            let watcher = graceful.watcher();
            connections.spawn(async move {
                let Ok(stream) = acceptor.accept(tcp).await else { return };
                let service = hyper_util::service::TowerToHyperService::new(app);
                let builder = hyper_util::server::conn::auto::Builder::new(hyper_util::rt::TokioExecutor::new());
                let connection = builder.serve_connection(hyper_util::rt::TokioIo::new(stream), service);
                let _ = watcher.watch(connection).await;
            });
            while connections.try_join_next().is_some() {}
        }
        drop(listener);
        // Connections finish the request in flight, then close; `Served::shutdown` bounds the wait.
        graceful.shutdown().await;
        connections.shutdown().await;
        Ok(())
    });
    Served { what, stop: Some(stop), task: Some(task) }
}

/// Serves raw TCP connections, each with `handle` in its own task, until stopped; a stop ends
/// the connections still open (a proxy's tunnels have no request to finish).
pub fn serve_tcp<F, Fut>(what: &'static str, listener: tokio::net::TcpListener, handle: F) -> Served
where
    F: Fn(tokio::net::TcpStream) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let (stop, mut stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let mut connections = tokio::task::JoinSet::new();
        loop {
            let tcp = tokio::select! {
                _ = &mut stopped => break,
                accepted = listener.accept() => match accepted {
                    Ok((tcp, _)) => tcp,
                    Err(e) => {
                        tracing::debug!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                },
            };
            connections.spawn(handle(tcp));
            while connections.try_join_next().is_some() {}
        }
        drop(listener);
        connections.shutdown().await;
        Ok(())
    });
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
