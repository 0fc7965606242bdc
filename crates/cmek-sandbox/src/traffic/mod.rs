//! What crosses the sandbox's wire, and what it costs: every emulator's requests are counted per
//! service and operation with when each arrived and was answered (so a client's sequential round
//! trips can be measured: `rounds`), and a latency (per service, with jitter) is added before each
//! answer, so round trips cost on loopback what they cost over a network.
//!
//! The platform's own calls to the clouds while it validates a key (made as Anthropic) carry the
//! [`INTERNAL_CALLER`] header: they are logged as internal, never delayed (the validate call's own
//! latency stands for them) and left out of the counts and rounds, which describe the client.

mod internal;
mod latency;
mod operation;
mod rounds;

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use rand::Rng;
use serde::Serialize;

pub use internal::{MarkInternal, internal_headers};
pub use latency::{Latency, parse_millis};

/// The header the platform emulator sets on its own calls to the cloud emulators.
pub const INTERNAL_CALLER: &str = "x-cmek-sandbox-internal";
/// Where the platform emulator's listener serves the statistics (GET reads, DELETE resets).
pub const STATS_PATH: &str = "/_sandbox/stats";
/// The statistics' JSON schema name.
pub const STATS_FORMAT: &str = "cmek.sandbox-stats/v1";
/// The most calls the log keeps (the counters go on counting): a long-running sandbox must not
/// grow without bound.
const LOG_LIMIT: usize = 20_000;
/// Bodies read to find an STS action: the emulator's own limit, so a body it answers is named
/// and a larger one (which it refuses) goes on whole.
const BODY_LIMIT: usize = crate::bounded_body::AWS_MAX_BODY;

/// One emulated service, as the statistics and `--latency` name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Service {
    Platform,
    Aws,
    Azure,
    Gcp,
}

impl Service {
    pub const ALL: [Service; 4] = [Service::Platform, Service::Aws, Service::Azure, Service::Gcp];

    pub fn name(self) -> &'static str {
        match self {
            Service::Platform => "platform",
            Service::Aws => "aws",
            Service::Azure => "azure",
            Service::Gcp => "gcp",
        }
    }
}

/// One request, as the log keeps it.
#[derive(Debug, Clone, Serialize)]
pub struct Call {
    pub service: Service,
    pub operation: String,
    /// Made by the platform emulator itself (validation as Anthropic), not by the client.
    pub internal: bool,
    /// Since the sandbox started (or the statistics were reset), in milliseconds.
    pub started_ms: f64,
    pub finished_ms: f64,
    #[serde(skip)]
    started: Duration,
    #[serde(skip)]
    finished: Duration,
}

/// The counts of one service's client calls.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ServiceStats {
    pub calls: u64,
    pub operations: BTreeMap<String, u64>,
}

/// What `GET /_sandbox/stats` answers.
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    pub format: &'static str,
    pub latency: Latency,
    /// Client calls, every service together.
    pub calls: u64,
    /// The client's sequential round trips: the longest chain of its calls each of which started
    /// after the one before it was answered (calls in flight together are one round).
    pub rounds: usize,
    pub services: BTreeMap<Service, ServiceStats>,
    /// The platform's own calls to the clouds (validation as Anthropic).
    pub internal_calls: u64,
    /// Every call in arrival order (at most the last 20,000; `log_truncated` says when more were made).
    pub log: VecDeque<Call>,
    pub log_truncated: bool,
}

/// Shared by the emulators of one sandbox. Cloning shares the same counters.
#[derive(Clone)]
pub struct Traffic(Arc<Inner>);

struct Inner {
    latency: Latency,
    record: Mutex<Record>,
}

struct Record {
    epoch: Instant,
    services: BTreeMap<Service, ServiceStats>,
    internal_calls: u64,
    log: VecDeque<Call>,
    log_truncated: bool,
}

impl Record {
    fn new() -> Self {
        Record {
            epoch: Instant::now(),
            services: BTreeMap::new(),
            internal_calls: 0,
            log: VecDeque::new(),
            log_truncated: false,
        }
    }
}

impl Default for Traffic {
    fn default() -> Self {
        Traffic::new(Latency::default())
    }
}

impl std::fmt::Debug for Traffic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Traffic").field("latency", &self.latency()).finish_non_exhaustive()
    }
}

impl Traffic {
    pub fn new(latency: Latency) -> Self {
        Traffic(Arc::new(Inner { latency, record: Mutex::new(Record::new()) }))
    }

    pub fn latency(&self) -> Latency {
        self.0.latency.clone()
    }

    fn record(&self) -> std::sync::MutexGuard<'_, Record> {
        self.0.record.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Forgets every call so far; times start again from now.
    pub fn reset(&self) {
        *self.record() = Record::new();
    }

    pub fn stats(&self) -> Stats {
        let record = self.record();
        let services: BTreeMap<Service, ServiceStats> = record.services.clone();
        let client: Vec<(Duration, Duration)> =
            record.log.iter().filter(|c| !c.internal).map(|c| (c.started, c.finished)).collect();
        Stats {
            format: STATS_FORMAT,
            latency: self.latency(),
            calls: services.values().map(|s| s.calls).sum(),
            rounds: rounds::depth(&client),
            services,
            internal_calls: record.internal_calls,
            log: record.log.clone(),
            log_truncated: record.log_truncated,
        }
    }

    /// `router`, with every request counted and delayed as `service`'s latency says.
    pub(crate) fn wrap(&self, service: Service, router: Router) -> Router {
        let traffic = self.clone();
        router.layer(middleware::from_fn(move |request: Request, next: Next| {
            let traffic = traffic.clone();
            async move { traffic.handle(service, request, next).await }
        }))
    }

    /// The statistics' routes, for the platform emulator's listener (not counted themselves).
    pub(crate) fn routes(&self) -> Router {
        let (read, reset) = (self.clone(), self.clone());
        Router::new().route(
            STATS_PATH,
            get(move || async move { axum::Json(read.stats()).into_response() }).delete(move || async move {
                reset.reset();
                axum::http::StatusCode::NO_CONTENT.into_response()
            }),
        )
    }

    async fn handle(&self, service: Service, request: Request, next: Next) -> Response {
        if request.uri().path().starts_with("/_sandbox/") {
            return next.run(request).await;
        }
        let arrived = Instant::now();
        let internal = request.headers().contains_key(INTERNAL_CALLER);
        let (request, operation) = operation::of(service, request, BODY_LIMIT).await;
        let response = next.run(request).await;
        if !internal {
            let delay = self.delay(service);
            if !delay.is_zero() {
                tokio::time::sleep(delay.saturating_sub(arrived.elapsed())).await;
            }
        }
        let answered = Instant::now();
        tracing::debug!(
            service = service.name(),
            operation,
            internal,
            status = response.status().as_u16(),
            millis = answered.duration_since(arrived).as_millis() as u64,
            "sandbox call"
        );
        self.log(service, operation, internal, arrived, answered);
        response
    }

    /// This service's latency, with uniform jitter of ± the configured amount (never below zero).
    fn delay(&self, service: Service) -> Duration {
        let latency = self.latency();
        let base = latency.for_service(service);
        if latency.jitter.is_zero() || base.is_zero() {
            return base;
        }
        let jitter = latency.jitter.as_micros() as i64;
        let offset = rand::rng().random_range(-jitter..=jitter);
        let micros = (base.as_micros() as i64 + offset).max(0) as u64;
        Duration::from_micros(micros)
    }

    fn log(&self, service: Service, operation: String, internal: bool, arrived: Instant, answered: Instant) {
        let mut record = self.record();
        let epoch = record.epoch;
        // A call that arrived before a reset is not part of what follows it.
        let (Some(started), Some(finished)) =
            (arrived.checked_duration_since(epoch), answered.checked_duration_since(epoch))
        else {
            return;
        };
        if internal {
            record.internal_calls += 1;
        } else {
            let counts = record.services.entry(service).or_default();
            counts.calls += 1;
            *counts.operations.entry(operation.clone()).or_default() += 1;
        }
        if record.log.len() >= LOG_LIMIT {
            record.log.pop_front();
            record.log_truncated = true;
        }
        let ms = |d: Duration| (d.as_micros() as f64) / 1000.0;
        record.log.push_back(Call {
            service,
            operation,
            internal,
            started_ms: ms(started),
            finished_ms: ms(finished),
            started,
            finished,
        });
    }
}

#[cfg(test)]
mod tests;
