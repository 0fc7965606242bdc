//! Injected transient failures for rehearsal: a share of requests fail the way a busy service
//! fails (the caller's retries must cope). (Added latency is the traffic layer's, one mechanism
//! for `--latency` and for a scenario's own, `crate::traffic::latency`.) One in three failures of a request
//! that changes something strikes after the change was made, as when the answer is lost on the
//! way back (a timeout, a dropped connection): a client that retries a create blindly then makes
//! a duplicate, as it would against the real service.
//!
//! Deterministic, so tests never flake: failures are spread evenly (request i fails when
//! floor((i+1)·share) > floor(i·share)), and a request identical to one that just failed is never
//! failed again, so a client that retries always gets through.

use std::collections::VecDeque;
use std::sync::Mutex;

/// The largest share accepted: above it, retries could not be guaranteed to get through.
pub const MAX_ERROR_SHARE: f64 = 0.5;

#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Faults {
    /// The share of requests that fail transiently, 0.0 to 0.5.
    pub error_share: f64,
}

impl Faults {
    pub fn none() -> Self {
        Self::default()
    }

    pub fn is_active(&self) -> bool {
        self.error_share > 0.0
    }

    /// Refuses shares the even spread cannot keep retry-safe.
    pub fn checked(self) -> Result<Self, String> {
        if !(0.0..=MAX_ERROR_SHARE).contains(&self.error_share) || self.error_share.is_nan() {
            return Err(format!(
                "a fault share of {} is outside 0.0..={MAX_ERROR_SHARE}; above that, retries cannot be guaranteed to succeed",
                self.error_share
            ));
        }
        Ok(self)
    }
}

/// Decides, request by request, which ones fail.
#[derive(Debug)]
pub struct FaultPlan {
    faults: Faults,
    inner: Mutex<PlanState>,
}

/// When an injected failure strikes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strike {
    /// The request is refused before anything happens.
    Before,
    /// The request is carried out, then answered with the failure (its answer "lost").
    AfterTheChange,
}

#[derive(Debug, Default)]
struct PlanState {
    count: u64,
    /// Failures injected so far (every third one of a change strikes after it).
    injected: u64,
    /// Signatures of the requests failed most recently (their retries must pass).
    recently_failed: VecDeque<u64>,
}

const REMEMBERED: usize = 64;

impl FaultPlan {
    pub fn new(faults: Faults) -> Self {
        Self { faults, inner: Mutex::new(PlanState::default()) }
    }

    /// Whether the request with this signature (a hash of method, path and body) fails now, and
    /// when: `changes` says whether the request changes state (only those can fail after).
    pub fn strike(&self, signature: u64, changes: bool) -> Option<Strike> {
        if !self.should_fail(signature) {
            return None;
        }
        let mut state = self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        state.injected += 1;
        Some(if changes && state.injected.is_multiple_of(3) { Strike::AfterTheChange } else { Strike::Before })
    }

    /// Whether the request with this signature (a hash of method, path and body) fails now.
    pub fn should_fail(&self, signature: u64) -> bool {
        if self.faults.error_share <= 0.0 {
            return false;
        }
        let mut state = self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let i = state.count;
        state.count += 1;
        let share = self.faults.error_share;
        let due = ((i + 1) as f64 * share).floor() > (i as f64 * share).floor();
        if !due {
            return false;
        }
        if let Some(pos) = state.recently_failed.iter().position(|s| *s == signature) {
            // This is a retry of a request that just failed: let it through.
            state.recently_failed.remove(pos);
            return false;
        }
        state.recently_failed.push_back(signature);
        if state.recently_failed.len() > REMEMBERED {
            state.recently_failed.pop_front();
        }
        true
    }
}

/// A stable signature for a request: the same method, path and body give the same number.
pub fn signature(method: &str, path_and_query: &str, body: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    method.hash(&mut h);
    path_and_query.hash(&mut h);
    body.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_share_is_spread_evenly() {
        let plan = FaultPlan::new(Faults { error_share: 0.25 });
        let failed: Vec<bool> = (0..16).map(|i| plan.should_fail(i)).collect();
        assert_eq!(failed.iter().filter(|f| **f).count(), 4);
        assert!(failed.windows(2).all(|w| !(w[0] && w[1])), "{failed:?}");
    }

    #[test]
    fn a_retry_of_a_failed_request_gets_through() {
        let plan = FaultPlan::new(Faults { error_share: 0.5 });
        // With share 0.5 every second request is due to fail; the same request retried passes.
        let mut attempts = 0;
        while plan.should_fail(42) {
            attempts += 1;
            assert!(attempts < 2, "a retried request failed twice");
        }
        for i in 0..100u64 {
            if plan.should_fail(i) {
                assert!(!plan.should_fail(i), "request {i} failed again on its retry");
            }
        }
    }

    #[test]
    fn every_third_failure_of_a_change_strikes_after_it() {
        let plan = FaultPlan::new(Faults { error_share: 0.5 });
        let strikes: Vec<Strike> = (0..12u64).filter_map(|i| plan.strike(i, true)).collect();
        assert_eq!(strikes.len(), 6);
        assert_eq!(strikes.iter().filter(|s| **s == Strike::AfterTheChange).count(), 2, "{strikes:?}");
        let reads: Vec<Strike> = (100..112u64).filter_map(|i| plan.strike(i, false)).collect();
        assert!(reads.iter().all(|s| *s == Strike::Before), "a read never fails after: {reads:?}");
    }

    #[test]
    fn no_share_never_fails_and_bad_shares_are_refused() {
        let plan = FaultPlan::new(Faults::none());
        assert!((0..50).all(|i| !plan.should_fail(i)));
        assert!(Faults { error_share: 0.6 }.checked().is_err());
        assert!(Faults { error_share: f64::NAN }.checked().is_err());
    }
}
