//! The latency the sandbox adds before each answer: one for every service, per-service overrides,
//! and a uniform jitter, as `--latency 200`, `--latency aws=200,azure=50` or
//! `--latency 100,gcp=300` with `--latency-jitter 20` write it (milliseconds).

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;
use serde::ser::{SerializeStruct, Serializer};

use super::Service;

/// The largest latency or jitter accepted: beyond a minute the clients' own timeouts strike.
pub const MAX_LATENCY: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Latency {
    /// For every service without its own.
    pub default: Duration,
    pub per_service: BTreeMap<Service, Duration>,
    /// Each answer's delay is drawn uniformly from latency ± jitter (never below zero).
    pub jitter: Duration,
}

impl Latency {
    /// The same latency for every service.
    pub fn uniform(latency: Duration) -> Self {
        Latency { default: latency, ..Latency::default() }
    }

    pub fn for_service(&self, service: Service) -> Duration {
        self.per_service.get(&service).copied().unwrap_or(self.default)
    }

    pub fn is_zero(&self) -> bool {
        self.default.is_zero() && self.per_service.values().all(Duration::is_zero)
    }

    /// `200`, `aws=200,azure=50`, `100,gcp=300`: milliseconds (a trailing `ms` is accepted), for
    /// every service or for the one named (platform, aws, azure, gcp).
    pub fn parse(spec: &str) -> Result<Latency, String> {
        let mut latency = Latency::default();
        let mut seen_default = false;
        for item in spec.split(',').map(str::trim) {
            if item.is_empty() {
                return Err(format!("`{spec}` has an empty item; write e.g. 200 or aws=200,azure=50"));
            }
            match item.split_once('=') {
                None => {
                    if seen_default {
                        return Err(format!("`{spec}` gives the latency for every service twice"));
                    }
                    seen_default = true;
                    latency.default = parse_millis(item)?;
                }
                Some((name, value)) => {
                    let service = Service::ALL
                        .into_iter()
                        .find(|s| s.name() == name.trim().to_ascii_lowercase())
                        .ok_or_else(|| {
                            format!(
                                "`{}` is not a sandbox service; the services are platform, aws, azure and gcp",
                                name.trim()
                            )
                        })?;
                    if latency.per_service.insert(service, parse_millis(value)?).is_some() {
                        return Err(format!("`{spec}` gives the latency of {} twice", service.name()));
                    }
                }
            }
        }
        Ok(latency)
    }
}

/// `20` or `20ms`: milliseconds, at most a minute.
pub fn parse_millis(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let digits = text.strip_suffix("ms").unwrap_or(text).trim();
    let millis: u64 =
        digits.parse().map_err(|_| format!("`{text}` is not a number of milliseconds (e.g. 200 or 200ms)"))?;
    let latency = Duration::from_millis(millis);
    if latency > MAX_LATENCY {
        return Err(format!("{millis} ms is more than the {} s allowed", MAX_LATENCY.as_secs()));
    }
    Ok(latency)
}

impl Serialize for Latency {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let ms = |d: &Duration| d.as_millis() as u64;
        let per_service: BTreeMap<&str, u64> = self.per_service.iter().map(|(s, d)| (s.name(), ms(d))).collect();
        let mut s = serializer.serialize_struct("Latency", 3)?;
        s.serialize_field("default_ms", &ms(&self.default))?;
        s.serialize_field("per_service_ms", &per_service)?;
        s.serialize_field("jitter_ms", &ms(&self.jitter))?;
        s.end()
    }
}
