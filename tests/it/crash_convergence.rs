//! Crash at any point, re-run, converge. For each provider, a client is killed (SIGKILL, as
//! `kill -9`) right after each journal record in turn and at random moments, against a sandbox
//! running as its own process; the same command is then run again and must leave one key, one
//! alias, one registration, the workspace attached once, rotation on, and the customer's
//! statements and tags kept, with nothing duplicated.
//!
//! `CMEK_CRASH_RANDOM` sets the random kills per provider (default 3; the closing figures were
//! measured with more).

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use rand::Rng;

use crate::safety_support::{Running, aws_converged, azure_converged, home, journal_lines, report, setup_args, show};

/// How a trial's client is stopped.
#[derive(Debug, Clone, Copy)]
enum Kill {
    /// Right after the journal holds this many records.
    AfterRecords(usize),
    /// After this long.
    At(Duration),
}

/// One trial: a fresh sandbox, a killed run, a re-run to the end. `Ok(true)` when the client
/// really died mid-run (its journal has no `run_finished`); `Err` says what did not converge.
fn trial(
    provider: &str,
    scenario: &str,
    kill: Kill,
    check: &dyn Fn(&serde_json::Value) -> Result<(), String>,
) -> Result<bool, String> {
    let world = Running::start(scenario);
    let (_keep, home) = home();
    let args = setup_args(provider);
    let mut child = world.client(&home, &args).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        let due = match kill {
            Kill::AfterRecords(n) => journal_lines(&home) >= n,
            Kill::At(after) => started.elapsed() >= after,
        };
        if due {
            let _ = child.kill();
            let _ = child.wait();
            break;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let died_mid_run = journal_lines(&home) > 0 && !journal_text(&home).contains("\"run_finished\"");
    let out = world.client(&home, &args).output().unwrap();
    if out.status.code() != Some(0) {
        return Err(format!("{kill:?}: the re-run did not finish healthy:\n{}", show(&out)));
    }
    // The re-run says what it resumes.
    let notes = report(&out).map(|r| r["notes"].to_string()).unwrap_or_default();
    if died_mid_run && !notes.contains("resuming the run of") {
        return Err(format!("{kill:?}: the re-run did not say what it resumed:\n{}", show(&out)));
    }
    check(&world.state()).map_err(|e| format!("{kill:?}: {e}"))?;
    Ok(died_mid_run)
}

/// Every journal line under `home`, for looking for a record.
fn journal_text(home: &Path) -> String {
    let Ok(dirs) = std::fs::read_dir(home.join("state").join("cmek").join("runs")) else { return String::new() };
    dirs.filter_map(|d| d.ok()).filter_map(|d| std::fs::read_to_string(d.path().join("journal.jsonl")).ok()).collect()
}

/// A complete run's journal length and duration, for choosing the kill points.
fn reference(provider: &str, scenario: &str) -> (usize, Duration) {
    let world = Running::start(scenario);
    let (_keep, home) = home();
    let started = Instant::now();
    let out = world.client(&home, &setup_args(provider)).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    (journal_lines(&home), started.elapsed())
}

fn random_trials() -> usize {
    std::env::var("CMEK_CRASH_RANDOM").ok().and_then(|v| v.parse().ok()).unwrap_or(3)
}

/// Kills after every record and at random moments; reports every trial that did not converge.
fn crash_everywhere(provider: &str, scenario: &str, check: &dyn Fn(&serde_json::Value) -> Result<(), String>) {
    let (records, took) = reference(provider, scenario);
    assert!(records > 5, "a complete run journals more than {records} records");
    let mut kills: Vec<Kill> = (1..records).map(Kill::AfterRecords).collect();
    let mut rng = rand::rng();
    kills.extend((0..random_trials()).map(|_| Kill::At(took.mul_f64(rng.random_range(0.0..1.0)))));
    let results: Vec<(Kill, Result<bool, String>)> =
        kills.iter().map(|k| (*k, trial(provider, scenario, *k, check))).collect();
    let failures: Vec<&str> = results.iter().filter_map(|(_, r)| r.as_ref().err().map(String::as_str)).collect();
    let mid_run = results.iter().filter(|(_, r)| matches!(r, Ok(true))).count();
    // The figures the issue asks for, printed for whoever runs this with more random trials.
    println!(
        "{provider}/{scenario}: {} trials ({mid_run} killed mid-run), {} converged",
        kills.len(),
        kills.len() - failures.len()
    );
    let per_record = results.iter().filter(|(k, r)| matches!((k, r), (Kill::AfterRecords(_), Ok(true)))).count();
    // Records written in a burst (the last steps) can all land before the kill does; most kills
    // must still land mid-run, or the test would prove nothing.
    assert!(2 * (per_record + failures.len()) >= records - 1, "only {per_record} per-record kills landed mid-run");
    assert!(
        failures.is_empty(),
        "{} of {} crashed runs did not converge:\n{}",
        failures.len(),
        kills.len(),
        failures.join("\n")
    );
}

#[test]
fn aws_a_new_key_converges_after_a_crash_anywhere() {
    crash_everywhere("aws", "default", &|state| {
        let c = aws_converged(state, &[])?;
        // A killed run's key is adopted, never duplicated (and so never retired).
        if c.retired.is_empty() { Ok(()) } else { Err(format!("keys were duplicated and retired: {:?}", c.retired)) }
    });
}

#[test]
fn aws_an_existing_policy_keeps_the_customers_statements_after_a_crash() {
    crash_everywhere("aws", "customer-statements", &|state| {
        aws_converged(state, &["Enable IAM User Permissions", "AllowDataPipelineRole"]).map(|_| ())
    });
}

#[test]
fn azure_converges_after_a_crash_anywhere() {
    crash_everywhere("azure", "azure-tag-missing", &|state| {
        azure_converged(state, &["cost-center", "owner"]).map(|_| ())
    });
}

#[test]
fn the_in_process_sandbox_saves_every_change_so_a_killed_run_can_be_examined() {
    // `--sandbox-state` with the in-process sandbox: the client and the sandbox die together, and
    // the file still holds every change the client was told about.
    let (_keep, home) = home();
    let state = home.join("sandbox.json");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_cmek"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", &home)
        .env("XDG_STATE_HOME", home.join("state"))
        .args(["--sandbox", "--sandbox-state", state.to_str().unwrap()])
        .args(&setup_args("aws")[2..])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while !journal_text(&home).contains("\"key_created\"") {
        assert!(child.try_wait().unwrap().is_none(), "the run ended before it created the key");
        assert!(started.elapsed() < Duration::from_secs(60), "no key_created record within a minute");
        std::thread::sleep(Duration::from_millis(1));
    }
    let _ = child.kill();
    let _ = child.wait();
    let saved: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
    let created = journal_text(&home)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|r| r["event"] == "key_created")
        .map(|r| r["details"]["arn"].as_str().unwrap().to_string())
        .unwrap();
    let keys = saved["aws"]["keys"].as_array().unwrap();
    assert!(keys.iter().any(|k| created.ends_with(k["id"].as_str().unwrap())), "{created} is not in the saved state");
}
