//! A private moto server (the AWS stand-in) per test, on a free loopback port, killed on drop.
//!
//! One server per test means every test starts from an empty AWS, with no reset calls and no
//! ordering between tests. The binary comes from `CMEK_TEST_MOTO_SERVER`, else
//! `.venv/bin/moto_server` in the crate root, installed by `scripts/install-test-peers.sh`.
//! A missing binary fails the test: a skipped AWS test would look like a passing one.

use std::fs::File;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a cold moto (a Python process importing every AWS service) may take to answer.
const STARTUP_LIMIT: Duration = Duration::from_secs(60);
/// Port races (another process taking the port between our probe and moto's bind) are retried.
const START_ATTEMPTS: usize = 3;

/// The account moto answers as unless configured otherwise.
pub const MOTO_ACCOUNT: &str = "123456789012";

/// A running moto server; dropping it kills the process.
pub struct Moto {
    child: Child,
    endpoint: String,
    // Keeps moto's log file alive for the server's lifetime.
    _log_dir: tempfile::TempDir,
}

impl Moto {
    /// Starts a fresh server and waits until it answers HTTP; panics (fails the test) otherwise.
    pub fn start() -> Moto {
        let binary = moto_binary();
        assert!(
            binary.is_file(),
            "moto server not found at {}: run `scripts/install-test-peers.sh` (or set CMEK_TEST_MOTO_SERVER)",
            binary.display()
        );
        let mut last_failure = String::new();
        for _ in 0..START_ATTEMPTS {
            match try_start(&binary) {
                Ok(moto) => return moto,
                Err(failure) => last_failure = failure,
            }
        }
        panic!("moto server {} did not start after {START_ATTEMPTS} attempts: {last_failure}", binary.display());
    }

    /// `http://127.0.0.1:<port>`, for `AwsSettings::endpoint_url`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        // Already exited is fine: the point is that nothing outlives the test.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `CMEK_TEST_MOTO_SERVER`, else `.venv/bin/moto_server` relative to the crate root.
pub fn moto_binary() -> PathBuf {
    match std::env::var_os("CMEK_TEST_MOTO_SERVER") {
        Some(path) => PathBuf::from(path),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/moto_server"),
    }
}

/// A loopback port nobody listens on right now.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a probe socket on 127.0.0.1");
    listener.local_addr().expect("read the probe socket's address").port()
}

fn try_start(binary: &PathBuf) -> Result<Moto, String> {
    let port = free_port();
    let log_dir = tempfile::tempdir().map_err(|e| format!("cannot create a temp dir for moto's log: {e}"))?;
    let log_path = log_dir.path().join("moto.log");
    let log = File::create(&log_path).map_err(|e| format!("cannot create {}: {e}", log_path.display()))?;
    let log_err = log.try_clone().map_err(|e| format!("cannot share {}: {e}", log_path.display()))?;
    let child = Command::new(binary)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .env("PYTHONUNBUFFERED", "1")
        .stdin(Stdio::null())
        // A file, not a pipe: moto logs every request, and an unread pipe would block it.
        .stdout(log)
        .stderr(log_err)
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
    let mut moto = Moto { child, endpoint: format!("http://127.0.0.1:{port}"), _log_dir: log_dir };
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let started = Instant::now();
    while started.elapsed() < STARTUP_LIMIT {
        if let Ok(Some(status)) = moto.child.try_wait() {
            return Err(format!("moto exited with {status} on port {port}; its log:\n{}", log_tail(&log_path)));
        }
        if answers_http(addr) {
            return Ok(moto);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err(format!("moto did not answer on port {port} within {STARTUP_LIMIT:?}; its log:\n{}", log_tail(&log_path)))
}

/// True once something on `addr` answers an HTTP request with a status line.
fn answers_http(addr: SocketAddr) -> bool {
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_millis(200)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    if stream.write_all(b"GET /moto-api/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").is_err() {
        return false;
    }
    let mut head = [0u8; 5];
    stream.read_exact(&mut head).is_ok() && &head == b"HTTP/"
}

fn log_tail(path: &std::path::Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let start = text.len().saturating_sub(2000);
    text.get(start..).unwrap_or(&text).to_string()
}
