//! Runs remote calls under the one retry policy (`cmek_core::retry::RetryPolicy::STANDARD`): the
//! Admin API client, AWS and Azure all go through here. Each remote says which of its failures are
//! transient (`Failed::transient`); this module waits and tries again, and never retries a create
//! blindly: `create` looks the object up before each retry, because a create whose answer was lost
//! may have happened.

use std::future::Future;
use std::time::Duration;

use cmek_core::retry::RetryPolicy;

/// One failed attempt, and whether another may follow.
#[derive(Debug)]
pub struct Failed<E> {
    pub error: E,
    /// `Some` when the failure is transient (throttling, 5xx, a dropped connection), with the wait
    /// the server asked for if it asked for one.
    pub transient: Option<Option<Duration>>,
}

impl<E> Failed<E> {
    /// A failure no retry can fix.
    pub fn permanent(error: E) -> Self {
        Self { error, transient: None }
    }

    /// A failure a later attempt may not meet.
    pub fn transient(error: E, server_wait: Option<Duration>) -> Self {
        Self { error, transient: Some(server_wait) }
    }
}

/// The last failure once the policy gives up, and what to say about it.
#[derive(Debug)]
pub struct GaveUp<E> {
    pub error: E,
    /// Attempts made (1 when the first failure was permanent).
    pub attempts: u32,
    /// Why a create was not tried again: checking whether it had happened failed.
    pub lookup_failed: Option<String>,
}

impl<E> GaveUp<E> {
    /// The note to add to the error, if any ("gave up after 3 attempts", the failed look-up).
    pub fn note(&self) -> Option<String> {
        match (&self.lookup_failed, self.attempts) {
            (Some(lookup), _) => Some(format!("not retried, because checking whether it took effect failed: {lookup}")),
            (None, n) if n > 1 => Some(format!("gave up after {n} attempts")),
            _ => None,
        }
    }
}

/// Runs an idempotent call (a read, a PUT of a whole resource, a delete) until it succeeds, fails
/// for good, or the policy gives up.
pub async fn call<T, E, F, Fut>(policy: &RetryPolicy, what: &str, mut attempt: F) -> Result<T, GaveUp<E>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Failed<E>>>,
    E: std::fmt::Display,
{
    create(policy, what, &mut attempt, || std::future::ready(Ok::<Option<T>, E>(None))).await
}

/// Runs a call that is not idempotent (a create). After a transient failure it waits, then runs
/// `lookup`: what it finds is the answer (the create had happened); if it finds nothing the create
/// is tried again; if the look-up itself fails, the create is not retried (a blind retry could make
/// a duplicate) and the look-up's failure is reported.
pub async fn create<T, E, F, Fut, L, LFut>(
    policy: &RetryPolicy,
    what: &str,
    mut attempt: F,
    mut lookup: L,
) -> Result<T, GaveUp<E>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Failed<E>>>,
    L: FnMut() -> LFut,
    LFut: Future<Output = Result<Option<T>, E>>,
    E: std::fmt::Display,
{
    let mut retries_taken: u32 = 0;
    loop {
        let failed = match attempt().await {
            Ok(value) => return Ok(value),
            Err(failed) => failed,
        };
        let attempts = retries_taken + 1;
        let Some(server_wait) = failed.transient else {
            return Err(GaveUp { error: failed.error, attempts, lookup_failed: None });
        };
        if policy.exhausted(retries_taken) {
            return Err(GaveUp { error: failed.error, attempts, lookup_failed: None });
        }
        let delay = policy.delay(server_wait, retries_taken, rand::random::<f64>());
        tracing::debug!(what, ?delay, error = %failed.error, "transient failure; retrying");
        tokio::time::sleep(delay).await;
        match lookup().await {
            Ok(Some(found)) => return Ok(found),
            Ok(None) => {}
            Err(e) => return Err(GaveUp { error: failed.error, attempts, lookup_failed: Some(e.to_string()) }),
        }
        retries_taken += 1;
    }
}

/// An error a remote's calls fail with, as the executor needs it: whether it is transient (and
/// the wait the server asked for), and how to add a note to it.
pub trait RemoteError: Sized + std::fmt::Display {
    /// `Some` when another attempt may succeed, with the honoured server-requested wait.
    fn transient(&self) -> Option<Option<Duration>>;
    /// The same error with `note` added to its message.
    fn noted(self, note: &str) -> Self;
}

fn classify<E: RemoteError>(error: E) -> Failed<E> {
    let transient = error.transient();
    Failed { error, transient }
}

fn settle<E: RemoteError>(gave_up: GaveUp<E>) -> E {
    match gave_up.note() {
        Some(note) => gave_up.error.noted(&note),
        None => gave_up.error,
    }
}

/// `call` under the standard policy, for a remote whose errors say whether they are transient.
pub async fn idempotent<T, E, F, Fut>(what: &str, mut attempt: F) -> Result<T, E>
where
    E: RemoteError,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    call(&RetryPolicy::STANDARD, what, || {
        let a = attempt();
        async move { a.await.map_err(classify) }
    })
    .await
    .map_err(settle)
}

/// `create` under the standard policy, for a remote whose errors say whether they are transient.
pub async fn created<T, E, F, Fut, L, LFut>(what: &str, mut attempt: F, lookup: L) -> Result<T, E>
where
    E: RemoteError,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
    L: FnMut() -> LFut,
    LFut: Future<Output = Result<Option<T>, E>>,
{
    create(
        &RetryPolicy::STANDARD,
        what,
        || {
            let a = attempt();
            async move { a.await.map_err(classify) }
        },
        lookup,
    )
    .await
    .map_err(settle)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    const FAST: RetryPolicy = RetryPolicy {
        max_retries: 2,
        initial_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(2),
        max_server_wait: Duration::from_millis(50),
    };

    #[tokio::test]
    async fn a_transient_failure_is_retried_and_a_permanent_one_is_not() {
        let n = AtomicU32::new(0);
        let r: Result<u32, GaveUp<String>> = call(&FAST, "t", || async {
            match n.fetch_add(1, Ordering::SeqCst) {
                0 => Err(Failed::transient("busy".to_string(), None)),
                k => Ok(k),
            }
        })
        .await;
        assert_eq!(r.unwrap(), 1);

        let n = AtomicU32::new(0);
        let r: Result<(), GaveUp<String>> = call(&FAST, "t", || async {
            n.fetch_add(1, Ordering::SeqCst);
            Err(Failed::permanent("denied".to_string()))
        })
        .await;
        let e = r.unwrap_err();
        assert_eq!((e.attempts, n.load(Ordering::SeqCst)), (1, 1));
        assert_eq!(e.note(), None);
    }

    #[tokio::test]
    async fn it_gives_up_after_the_policys_retries_and_says_so() {
        let n = AtomicU32::new(0);
        let r: Result<(), GaveUp<String>> = call(&FAST, "t", || async {
            n.fetch_add(1, Ordering::SeqCst);
            Err(Failed::transient("busy".to_string(), Some(Duration::from_millis(1))))
        })
        .await;
        let e = r.unwrap_err();
        assert_eq!((e.attempts, n.load(Ordering::SeqCst)), (3, 3));
        assert_eq!(e.note().as_deref(), Some("gave up after 3 attempts"));
    }

    #[tokio::test]
    async fn a_create_whose_answer_was_lost_is_found_not_repeated() {
        let creates = AtomicU32::new(0);
        let r: Result<&str, GaveUp<String>> = create(
            &FAST,
            "create",
            || async {
                creates.fetch_add(1, Ordering::SeqCst);
                Err(Failed::transient("timed out".to_string(), None))
            },
            || async { Ok(Some("the one that was made")) },
        )
        .await;
        assert_eq!(r.unwrap(), "the one that was made");
        assert_eq!(creates.load(Ordering::SeqCst), 1, "found by the look-up, not created twice");
    }

    #[tokio::test]
    async fn a_failed_lookup_stops_the_retry() {
        let creates = AtomicU32::new(0);
        let r: Result<(), GaveUp<String>> = create(
            &FAST,
            "create",
            || async {
                creates.fetch_add(1, Ordering::SeqCst);
                Err(Failed::transient("timed out".to_string(), None))
            },
            || async { Err("list failed".to_string()) },
        )
        .await;
        let e = r.unwrap_err();
        assert_eq!(creates.load(Ordering::SeqCst), 1);
        assert!(e.note().unwrap().contains("list failed"), "{:?}", e.note());
    }
}
