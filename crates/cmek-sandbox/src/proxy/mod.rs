//! An HTTPS proxy (`HTTPS_PROXY`) that answers for the real host names of the emulated services,
//! so standard clients (the `aws`, `az` and `gcloud` CLIs, Terraform providers, every SDK) reach
//! the sandbox with no change but the proxy and the sandbox CA: `CONNECT <name>:443` for
//! `<vault>.vault.azure.net`, `management.azure.com`, `login.microsoftonline.com`,
//! `graph.microsoft.com`, `kms.<region>.amazonaws.com`, `sts[.<region>].amazonaws.com`,
//! `cloudkms.googleapis.com` (and its neighbours on the Cloud KMS emulator) and
//! `api.anthropic.com` opens a tunnel to the emulator, whose certificate for that name the sandbox
//! CA issued. Anything else (another name or port, a plain proxy request) is refused with 403 and
//! a body naming what is answered: the sandbox never forwards to the internet.
//!
//! Map: `allow` (the names and the emulator behind each), `connection` (one client connection).

mod allow;
mod connection;

use std::net::SocketAddr;
use std::sync::Arc;

pub use allow::{ANSWERED, Service};

use crate::SandboxError;
use crate::sandbox_ca::SandboxCa;
use crate::serve::{Served, bind, serve_tcp};

const WHAT: &str = "proxy";

/// Where each emulator listens (on loopback).
#[derive(Debug, Clone, Copy)]
pub struct Upstreams {
    /// The Azure emulator's TLS listener.
    pub azure: SocketAddr,
    /// The AWS, Google Cloud KMS and platform emulators' plain HTTP listeners.
    pub aws: SocketAddr,
    pub gcp: SocketAddr,
    pub platform: SocketAddr,
}

/// What [`start`] needs.
pub struct ProxyConfig {
    pub bind: SocketAddr,
    /// Issues the certificate the proxy presents for the names it ends TLS for.
    pub ca: Arc<SandboxCa>,
    pub upstreams: Upstreams,
}

/// A running proxy; dropping it stops it.
pub struct RunningProxy {
    /// `http://127.0.0.1:<port>`: the value for `HTTPS_PROXY`.
    pub url: String,
    served: Served,
}

/// Binds `cfg.bind` and serves until shut down or dropped.
pub async fn start(cfg: ProxyConfig) -> Result<RunningProxy, SandboxError> {
    let tls = cfg
        .ca
        .server_config("cmek sandbox proxy", &allow::terminated_names())
        .map_err(|message| SandboxError::Config { what: WHAT, message })?;
    let acceptor = tokio_rustls::TlsAcceptor::from(tls);
    let (listener, url) = bind(WHAT, cfg.bind).await?;
    let upstreams = cfg.upstreams;
    let served = serve_tcp(WHAT, listener, move |tcp| connection::handle(tcp, upstreams, acceptor.clone()));
    let url = url.as_str().trim_end_matches('/').to_string();
    tracing::debug!(%url, "sandbox proxy listening");
    Ok(RunningProxy { url, served })
}

impl RunningProxy {
    /// Stops accepting connections and ends the open tunnels.
    pub async fn shutdown(self) -> Result<(), SandboxError> {
        self.served.shutdown().await
    }
}

impl std::fmt::Debug for RunningProxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningProxy").field("url", &self.url).finish_non_exhaustive()
    }
}
