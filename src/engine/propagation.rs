//! The propagation waiter: right after an access grant (an Azure role assignment), the cloud
//! refuses Anthropic until the grant propagates (minutes). Validation is retried with a bounded
//! exponential back-off, visibly (an event before each sleep) and cancellably, instead of failing
//! at once or sleeping blindly. Only refusals the cloud calls propagation are retried; any other
//! failure is returned at once, because waiting would not change it. The words are the cloud's
//! (`Propagation`).

use std::future::Future;
use std::time::Duration;

use serde_json::json;
use tokio::time::Instant;

use super::cancel::Cancel;
use super::journal::Journal;
use crate::error::Error;
use cmek_core::plan::Propagation;
use cmek_core::run::ValidationResult;
use cmek_core::run::events::{Event, EventSink};

/// The delays between attempts: `first`, doubling, never more than `cap`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub first: Duration,
    pub cap: Duration,
}

impl Backoff {
    /// What a real run uses: 5 s, 10 s, 20 s, then every 30 s.
    pub const PROPAGATION: Backoff = Backoff { first: Duration::from_secs(5), cap: Duration::from_secs(30) };

    /// The delay after refusal number `attempt` (1-based).
    pub fn delay(&self, attempt: u32) -> Duration {
        let factor = 1u32.checked_shl(attempt.saturating_sub(1)).unwrap_or(u32::MAX);
        self.first.saturating_mul(factor).min(self.cap)
    }
}

/// How a validation with waiting ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waited {
    /// The last answer.
    pub result: ValidationResult,
    pub attempts: u32,
    /// Time since the first attempt started.
    pub waited: Duration,
    /// The front end stopped the wait (the last answer was still a refusal).
    pub cancelled: bool,
    /// The budget ran out while the answer was still a propagation refusal.
    pub gave_up: bool,
}

/// Where the waiter reports: the step's index, the journal and the front end.
pub struct Report<'a> {
    pub index: usize,
    pub journal: &'a Journal,
    pub sink: &'a mut dyn EventSink,
}

/// The refusal's code (`ForbiddenByRbac` from `ForbiddenByRbac: ...`), or its first words when it
/// has none.
fn refusal_code(error: &str) -> String {
    match error.split_once(':') {
        Some((code, _)) if !code.is_empty() && code.len() <= 40 && !code.contains(' ') => code.to_string(),
        _ => error.chars().take(60).collect::<String>().trim_end().to_string(),
    }
}

/// Runs `attempt` until it succeeds, fails for a reason `still_propagating` does not recognise,
/// or the propagation's budget (none, or zero: no waiting) is spent. An `Err` from `attempt` (the
/// platform call itself) ends at once.
pub async fn validate_with_wait<F, Fut>(
    mut attempt: F,
    still_propagating: impl Fn(&str) -> bool,
    propagation: Option<&Propagation>,
    backoff: Backoff,
    cancel: &Cancel,
    report: Report<'_>,
) -> Result<Waited, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<ValidationResult, Error>>,
{
    let budget = propagation.map_or(Duration::ZERO, |p| p.budget);
    let grant = propagation.map_or("access grant", |p| p.grant);
    let explain = propagation.map_or("", |p| p.explain);
    let start = Instant::now();
    let mut attempts = 0u32;
    loop {
        attempts += 1;
        let result = attempt().await?;
        let waited = start.elapsed();
        let refusal = result.error.as_deref().filter(|e| !result.success && still_propagating(e)).map(str::to_string);
        let _ = report.journal.record(
            "validation_attempt",
            json!({ "attempt": attempts, "success": result.success, "error": result.error,
                    "waited_ms": waited.as_millis() as u64, "budget_ms": budget.as_millis() as u64 }),
        );
        let Some(why) = refusal else {
            return Ok(Waited { result, attempts, waited, cancelled: false, gave_up: false });
        };
        let remaining = budget.saturating_sub(waited);
        if remaining.is_zero() {
            return Ok(Waited { result, attempts, waited, cancelled: false, gave_up: !budget.is_zero() });
        }
        let next_in = backoff.delay(attempts).min(remaining);
        let index = report.index;
        // The platform's sentence says what a refusal means in general (often: make the grant);
        // the grant is there (this run or an earlier one made it), so what it most likely means
        // now is that it has not arrived. The whole sentence is in the journal.
        let why = format!("{}: still refused; the {grant} may not have taken effect yet", refusal_code(&why));
        report.sink.emit(Event::Waiting { index, grant, explain, why, attempt: attempts, waited, budget, next_in });
        tokio::select! {
            _ = tokio::time::sleep(next_in) => {}
            _ = cancel.cancelled() => {
                let waited = start.elapsed();
                let _ = report.journal.record(
                    "validation_wait_stopped",
                    json!({ "attempts": attempts, "waited_ms": waited.as_millis() as u64 }),
                );
                return Ok(Waited { result, attempts, waited, cancelled: true, gave_up: false });
            }
        }
    }
}

/// The validation step's sentence, or the error that stops the run (naming how long it waited).
/// `still_propagating`: whether the last refusal says the grant has not taken effect yet.
pub fn outcome(
    id: &str,
    waited: &Waited,
    propagation: Option<&Propagation>,
    still_propagating: bool,
) -> Result<String, Error> {
    let v = &waited.result;
    let reason = v.error.clone().unwrap_or_else(|| "the platform gave no reason".into());
    let after = seconds(waited.waited);
    if v.success {
        return Ok(if waited.attempts > 1 {
            format!(
                "{id} validated after {} attempts ({after}): Anthropic encrypted and decrypted with the key",
                waited.attempts
            )
        } else {
            format!("{id} validated: Anthropic encrypted and decrypted with the key")
        });
    }
    let err = Error::unhealthy(format!("validation of {id} failed: {reason}"));
    let Some(p) = propagation else {
        return Err(err.with_hint("fix the cause above, then re-run the same command: finished steps are not repeated"));
    };
    let grant = p.grant;
    if waited.cancelled {
        // Stopped by the person (Ctrl-C), not refused for good: a script must see 130, not 1.
        return Err(Error::new(
            cmek_core::error::ErrorKind::Interrupted,
            format!(
                "waiting for the {grant} to take effect was stopped after {after} ({} attempts); the last refusal: \
             {reason}",
                waited.attempts
            ),
        )
        .with_hint(format!(
            "the {grant} may still be propagating: re-run the same command later (finished steps are not repeated)"
        )));
    }
    if waited.gave_up {
        let budget = seconds(p.budget);
        return Err(Error::unhealthy(format!(
            "validation of {id} was still refused after waiting {after} (at most {budget}, {} attempts): {reason}",
            waited.attempts
        ))
        .with_hint(format!(
            "a {grant} usually takes effect {}: re-run the same command later, or wait longer with {} (e.g. 20m); \
             finished steps are not repeated",
            p.usually, p.flag
        ))
        .with_hint(format!("if it never passes, {}", p.if_never)));
    }
    if still_propagating {
        // Refused while propagating, with no wait allowed: the grant may simply not be in effect yet.
        return Err(err.with_hint(format!(
            "a {grant} can take minutes to take effect: re-run the same command later (finished steps are not \
             repeated), or let it wait with {} 10m",
            p.flag
        )));
    }
    Err(err.with_hint("fix the cause above, then re-run the same command: finished steps are not repeated"))
}

/// Sleeps for `delay` unless the front end cancels first; `false` when cancelled.
pub async fn sleep_unless_cancelled(delay: Duration, cancel: &Cancel) -> bool {
    tokio::select! {
        _ = tokio::time::sleep(delay) => true,
        _ = cancel.cancelled() => false,
    }
}

/// Whole seconds for messages (`95 s`), rounding a sub-second wait up to the milliseconds.
pub fn seconds(d: Duration) -> String {
    if d < Duration::from_secs(1) && !d.is_zero() {
        format!("{} ms", d.as_millis())
    } else {
        format!("{} s", d.as_secs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cmek_core::run::events::Event;
    use std::sync::{Arc, Mutex};

    const RBAC: &str = "ForbiddenByRbac: Caller is not authorized to perform action on resource. Action: \
                        'Microsoft.KeyVault/vaults/keys/wrap/action'";
    const FAST: Backoff = Backoff { first: Duration::from_millis(5), cap: Duration::from_millis(20) };

    struct Events(Arc<Mutex<Vec<Event>>>);
    impl EventSink for Events {
        fn emit(&mut self, event: Event) {
            self.0.lock().unwrap().push(event);
        }
    }

    /// Azure's words, as its plan gives them.
    fn rbac(budget: Duration) -> Propagation {
        Propagation {
            budget,
            grant: "role assignment",
            usually: "within 10 minutes",
            flag: "--azure-rbac-wait",
            explain: "role assignments take minutes",
            if_never: "check the role assignment",
        }
    }

    fn is_rbac(error: &str) -> bool {
        error.contains("ForbiddenByRbac")
    }

    fn refused() -> ValidationResult {
        ValidationResult { success: false, error: Some(RBAC.into()) }
    }

    fn ok() -> ValidationResult {
        ValidationResult { success: true, error: None }
    }

    /// An attempt function answering from `answers` in order (the last one repeats).
    fn scripted(
        answers: Vec<ValidationResult>,
    ) -> (impl FnMut() -> std::future::Ready<Result<ValidationResult, Error>>, Arc<Mutex<u32>>) {
        let calls = Arc::new(Mutex::new(0u32));
        let seen = calls.clone();
        let f = move || {
            let mut n = seen.lock().unwrap();
            let answer = answers.get(*n as usize).or(answers.last()).cloned().unwrap();
            *n += 1;
            std::future::ready(Ok(answer))
        };
        (f, calls)
    }

    async fn run(
        answers: Vec<ValidationResult>,
        budget: Option<Duration>,
        cancel: &Cancel,
    ) -> (Waited, u32, Vec<Event>, Vec<serde_json::Value>) {
        let tmp = tempfile::tempdir().unwrap();
        let journal = Journal::create(tmp.path(), "test").unwrap();
        let events = Arc::new(Mutex::new(Vec::new()));
        let mut sink = Events(events.clone());
        let (attempt, calls) = scripted(answers);
        let report = Report { index: 3, journal: &journal, sink: &mut sink };
        let propagation = budget.map(rbac);
        let waited = validate_with_wait(attempt, is_rbac, propagation.as_ref(), FAST, cancel, report).await.unwrap();
        let lines = std::fs::read_to_string(journal.dir().join("journal.jsonl")).unwrap();
        let journal = lines.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        let calls = *calls.lock().unwrap();
        let events = events.lock().unwrap().clone();
        (waited, calls, events, journal)
    }

    #[test]
    fn the_back_off_doubles_up_to_its_cap() {
        let delays: Vec<u64> = (1..=6).map(|n| Backoff::PROPAGATION.delay(n).as_secs()).collect();
        assert_eq!(delays, [5, 10, 20, 30, 30, 30]);
        assert_eq!(Backoff::PROPAGATION.delay(200), Duration::from_secs(30));
    }

    #[tokio::test]
    async fn succeeds_after_refusals_with_an_event_before_each_sleep_and_every_attempt_journalled() {
        let answers = vec![refused(), refused(), refused(), ok()];
        let (waited, calls, events, journal) = run(answers, Some(Duration::from_secs(5)), &Cancel::new()).await;
        assert!(waited.result.success && !waited.cancelled && !waited.gave_up);
        assert_eq!((waited.attempts, calls), (4, 4));
        let waits: Vec<(u32, Duration)> = events
            .iter()
            .map(|e| match e {
                Event::Waiting { index: 3, attempt, next_in, why, .. } if why.contains("ForbiddenByRbac") => {
                    // Read in the light of this run: the role was just assigned, so the refusal
                    // means it has not arrived, not "create the role assignment".
                    assert_eq!(
                        why,
                        "ForbiddenByRbac: still refused; the role assignment may not have taken effect yet"
                    );
                    (*attempt, *next_in)
                }
                other => panic!("unexpected event {other:?}"),
            })
            .collect();
        let ms = Duration::from_millis;
        assert_eq!(waits, [(1, ms(5)), (2, ms(10)), (3, ms(20))]);
        assert_eq!(journal.iter().filter(|l| l["event"] == "validation_attempt").count(), 4);
    }

    #[tokio::test]
    async fn gives_up_when_the_budget_is_spent_and_never_sleeps_past_it() {
        let budget = Duration::from_millis(60);
        let started = Instant::now();
        let (waited, calls, events, _) = run(vec![refused()], Some(budget), &Cancel::new()).await;
        assert!(waited.gave_up && !waited.result.success, "{waited:?}");
        assert!(calls >= 3, "retried: {calls}");
        assert!(started.elapsed() < budget + Duration::from_millis(50), "bounded: {:?}", started.elapsed());
        for e in &events {
            if let Event::Waiting { waited, next_in, budget: b, .. } = e {
                assert!(*waited + *next_in <= *b + Duration::from_millis(1), "{e:?}");
            }
        }
        // Budget zero: one attempt, no wait, and not "gave up" (there was nothing to give up).
        let (waited, calls, events, _) = run(vec![refused()], Some(Duration::ZERO), &Cancel::new()).await;
        assert_eq!((calls, events.len(), waited.gave_up), (1, 0, false));
        let (_, calls, _, _) = run(vec![refused()], None, &Cancel::new()).await;
        assert_eq!(calls, 1);
    }

    #[tokio::test]
    async fn a_cancel_stops_the_wait_promptly() {
        let cancel = Cancel::new();
        let raiser = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(30)).await;
            raiser.cancel();
        });
        let slow = Backoff { first: Duration::from_secs(10), cap: Duration::from_secs(10) };
        let tmp = tempfile::tempdir().unwrap();
        let journal = Journal::create(tmp.path(), "test").unwrap();
        let mut sink = Events(Arc::new(Mutex::new(Vec::new())));
        let (attempt, _) = scripted(vec![refused()]);
        let started = Instant::now();
        let report = Report { index: 0, journal: &journal, sink: &mut sink };
        let p = rbac(Duration::from_secs(600));
        let waited = validate_with_wait(attempt, is_rbac, Some(&p), slow, &cancel, report).await.unwrap();
        assert!(waited.cancelled && !waited.result.success);
        assert!(started.elapsed() < Duration::from_secs(2), "stopped promptly: {:?}", started.elapsed());
        let lines = std::fs::read_to_string(journal.dir().join("journal.jsonl")).unwrap();
        assert!(lines.contains("validation_wait_stopped"));
    }

    #[tokio::test]
    async fn a_failure_that_is_not_rbac_is_not_retried() {
        let firewall = ValidationResult {
            success: false,
            error: Some("ForbiddenByFirewall: Client address is not authorized. Client address: 160.79.104.10".into()),
        };
        let (waited, calls, events, _) = run(vec![firewall], Some(Duration::from_secs(5)), &Cancel::new()).await;
        assert_eq!((calls, events.len()), (1, 0));
        assert!(!waited.gave_up && !waited.cancelled && !waited.result.success);
    }

    #[test]
    fn the_outcome_says_how_long_it_waited_and_what_to_do() {
        let waited = |cancelled, gave_up| Waited {
            result: refused(),
            attempts: 7,
            waited: Duration::from_secs(95),
            cancelled,
            gave_up,
        };
        let p = rbac(Duration::from_secs(600));
        let e = outcome("ekey_1", &waited(true, false), Some(&p), true).unwrap_err();
        assert_eq!(e.kind, crate::error::ErrorKind::Interrupted, "stopped by the person, not a failed key");
        assert_eq!(e.exit_code(), 130, "{e:?}");
        assert!(e.message.contains("stopped after 95 s") && e.message.contains("ForbiddenByRbac"), "{e}");
        assert!(e.hints[0].contains("may still be propagating") && e.hints[0].contains("re-run"), "{e}");
        let e = outcome("ekey_1", &waited(false, true), Some(&p), true).unwrap_err();
        assert!(e.message.contains("after waiting 95 s (at most 600 s, 7 attempts)"), "{e}");
        assert!(e.hints.iter().any(|h| h.contains("--azure-rbac-wait")), "{e}");
        let e = outcome("ekey_1", &waited(false, false), Some(&rbac(Duration::ZERO)), true).unwrap_err();
        assert!(e.hints[0].contains("can take minutes"), "{e}");
        let e = outcome("ekey_1", &waited(false, false), None, false).unwrap_err();
        assert!(e.hints[0].contains("fix the cause above"), "{e}");
        let done = Waited { result: ok(), attempts: 3, ..waited(false, false) };
        assert!(outcome("ekey_1", &done, None, false).unwrap().contains("validated after 3 attempts (95 s)"));
    }
}
