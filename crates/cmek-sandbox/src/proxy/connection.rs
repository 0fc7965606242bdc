//! One client connection to the proxy: read the request head, refuse anything but `CONNECT` to
//! an allowed name on port 443, then join the tunnel to the emulator behind that name. For Azure
//! names the TLS bytes pass through to the Azure emulator (its certificate covers them); for the
//! others the proxy ends TLS itself, with its certificate from the sandbox CA, and passes the
//! plain HTTP on. Nothing is ever connected to anywhere but the emulators on loopback.

use std::net::SocketAddr;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use super::Upstreams;
use super::allow::{self, ANSWERED, HTTPS_PORT, Service};

/// The longest request head read (request line and headers).
const MAX_HEAD: u64 = 16 * 1024;

/// Serves one connection to its end; failures only end this connection.
pub async fn handle(tcp: TcpStream, upstreams: Upstreams, tls: tokio_rustls::TlsAcceptor) {
    let _ = tcp.set_nodelay(true);
    let mut client = BufReader::new(tcp);
    let Some(request_line) = read_head(&mut client).await else {
        return refuse(&mut client, "400 Bad Request", "The request head could not be read.\n").await;
    };
    let target = match connect_target(&request_line) {
        Ok(target) => target,
        Err(why) => return refuse(&mut client, "403 Forbidden", &refusal(&why)).await,
    };
    let Some(service) = target.service else {
        let why = format!("CONNECT {} is not a service the sandbox emulates", printable(&target.authority));
        return refuse(&mut client, "403 Forbidden", &refusal(&why)).await;
    };
    let upstream = match TcpStream::connect(upstreams.of(service)).await {
        Ok(stream) => stream,
        Err(e) => {
            let why = format!("the emulator behind {} is not answering: {e}\n", printable(&target.authority));
            return refuse(&mut client, "502 Bad Gateway", &why).await;
        }
    };
    let _ = upstream.set_nodelay(true);
    if client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n").await.is_err() {
        return;
    }
    match service {
        // Bytes the client sent early are still in `client`'s buffer and go first.
        Service::Azure => splice(client, upstream).await,
        Service::Aws | Service::Gcp | Service::Platform => {
            let Ok(decrypted) = tls.accept(client).await else { return };
            splice(decrypted, upstream).await;
        }
    }
}

/// The request line, after reading (and dropping) the rest of the head; `None` when the head is
/// cut short or longer than [`MAX_HEAD`].
async fn read_head(client: &mut BufReader<TcpStream>) -> Option<String> {
    let mut limited = client.take(MAX_HEAD);
    let mut first = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = limited.read_until(b'\n', &mut line).await.ok()?;
        if n == 0 || !line.ends_with(b"\n") {
            return None;
        }
        if first.is_empty() {
            first = line.clone();
            continue;
        }
        if line == b"\r\n" || line == b"\n" {
            return Some(String::from_utf8_lossy(&first).trim_end().to_string());
        }
    }
}

/// What a CONNECT asked for.
#[derive(Debug, PartialEq, Eq)]
struct Target {
    authority: String,
    service: Option<Service>,
}

/// The target of `CONNECT host:443 HTTP/1.1`, or why the request is refused without looking at
/// the name (another method: the proxy forwards no plain requests; another port).
fn connect_target(request_line: &str) -> Result<Target, String> {
    let mut parts = request_line.split_ascii_whitespace();
    let (method, authority) = (parts.next().unwrap_or_default(), parts.next().unwrap_or_default());
    if !method.eq_ignore_ascii_case("CONNECT") {
        return Err(format!(
            "{} {} is a plain proxy request; the sandbox forwards none (only CONNECT tunnels to the names below)",
            printable(method),
            printable(authority)
        ));
    }
    let (host, port) = authority.rsplit_once(':').unwrap_or((authority, ""));
    if port.parse::<u16>().ok() != Some(HTTPS_PORT) {
        return Err(format!("CONNECT {} is not to port {HTTPS_PORT}", printable(authority)));
    }
    Ok(Target { authority: authority.to_string(), service: allow::service(host) })
}

fn refusal(why: &str) -> String {
    format!(
        "Refused by the cmek sandbox proxy: {why}.\nThe sandbox never forwards anything to the internet; it \
         answers CONNECT <name>:{HTTPS_PORT} only for the services it emulates: {ANSWERED}.\n"
    )
}

/// Answers with `status` and `body` and closes the connection.
async fn refuse(client: &mut BufReader<TcpStream>, status: &str, body: &str) {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = client.write_all(head.as_bytes()).await;
    let _ = client.write_all(body.as_bytes()).await;
    let _ = client.shutdown().await;
}

/// Copies both ways until either side closes.
async fn splice(mut a: impl AsyncRead + AsyncWrite + Unpin, mut b: TcpStream) {
    let _ = tokio::io::copy_bidirectional(&mut a, &mut b).await;
}

/// At most 200 printable ASCII characters of a client's text, for echoing it back.
fn printable(text: &str) -> String {
    text.chars().take(200).map(|c| if c.is_ascii_graphic() { c } else { '?' }).collect()
}

impl Upstreams {
    fn of(&self, service: Service) -> SocketAddr {
        match service {
            Service::Azure => self.azure,
            Service::Aws => self.aws,
            Service::Gcp => self.gcp,
            Service::Platform => self.platform,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_connect_to_port_443_gets_as_far_as_the_name() {
        let t = connect_target("CONNECT kms.us-east-2.amazonaws.com:443 HTTP/1.1").unwrap();
        assert_eq!(t.service, Some(Service::Aws));
        let t = connect_target("CONNECT example.com:443 HTTP/1.1").unwrap();
        assert_eq!(t.service, None);
        let e = connect_target("GET http://example.com/ HTTP/1.1").unwrap_err();
        assert!(e.contains("GET http://example.com/ is a plain proxy request"), "{e}");
        let e = connect_target("CONNECT api.anthropic.com:80 HTTP/1.1").unwrap_err();
        assert!(e.contains("not to port 443"), "{e}");
        assert!(connect_target("CONNECT api.anthropic.com HTTP/1.1").is_err());
        assert!(connect_target("").is_err());
    }

    #[test]
    fn echoed_text_is_printable_and_short() {
        assert_eq!(printable("a\u{1b}[2Jb\n"), "a?[2Jb?");
        assert_eq!(printable(&"x".repeat(500)).len(), 200);
    }
}
