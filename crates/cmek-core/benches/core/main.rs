//! In-process benchmarks of the pure core (`cargo bench -p cmek-core`): what `cmek policy check`
//! and `policy simulate` do at 1, 10 and 100 statements and at KMS's 32 KB limit, the AWS planner
//! merging into a customer's policy, the doctor's rules, and `status` over 1,000 workspaces.
//! Criterion writes its estimates under `target/criterion/`; `scripts/bench.sh --core` gathers
//! them into `target/bench/core.json`. Under `cargo test` each runs once, as a smoke test.

mod facts;

use std::hint::black_box;

use cmek_core::doctor::aws::policy::{KeyPolicyContext, check_key_policy};
use cmek_core::policy::aws::PolicyDocument;
use cmek_core::policy::aws::eval::evaluate;
use cmek_core::{doctor, plan, status};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

fn policy_check(c: &mut Criterion) {
    let mut group = c.benchmark_group("policy_check");
    let ctx = KeyPolicyContext {
        compartments: vec![facts::COMPARTMENT.parse().unwrap()],
        key_arn: Some(facts::key_arn().to_string()),
        ..KeyPolicyContext::new(facts::ORG.parse().unwrap())
    };
    for (name, text) in facts::POLICIES {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(name), text, |b, text| {
            b.iter(|| check_key_policy(black_box(text), &ctx))
        });
    }
    group.finish();
}

/// As `policy simulate` does it: parse the document, then evaluate one request.
fn policy_simulate(c: &mut Criterion) {
    let mut group = c.benchmark_group("policy_simulate");
    let request = facts::anthropic_encrypt();
    for (name, text) in facts::POLICIES {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(name), text, |b, text| {
            b.iter(|| {
                let policy = PolicyDocument::parse(black_box(text)).unwrap();
                evaluate(&policy, &[], &request)
            })
        });
    }
    group.finish();
}

/// The evaluator alone, on a parsed document (what validation in the sandbox runs per call).
fn policy_evaluate(c: &mut Criterion) {
    let mut group = c.benchmark_group("policy_evaluate");
    let request = facts::anthropic_encrypt();
    for (name, text) in facts::POLICIES {
        let policy = PolicyDocument::parse(text).unwrap();
        group.bench_with_input(BenchmarkId::from_parameter(name), &policy, |b, policy| {
            b.iter(|| evaluate(black_box(policy), &[], &request))
        });
    }
    group.finish();
}

/// The AWS plan for an existing key: Anthropic's statements merged into the customer's, the diff.
fn plan_build(c: &mut Criterion) {
    let mut group = c.benchmark_group("plan_build");
    for (name, text) in facts::POLICIES.iter().filter(|(n, _)| *n != "1 statement") {
        let (answers, setup) = facts::setup(text);
        group.bench_function(BenchmarkId::from_parameter(name), |b| {
            b.iter(|| plan::build(black_box(&answers), black_box(&setup)).unwrap())
        });
    }
    group.finish();
}

fn doctor_evaluate(c: &mut Criterion) {
    let mut group = c.benchmark_group("doctor_evaluate");
    for (name, text) in facts::POLICIES {
        let diagnosis = facts::doctor(text);
        group.bench_function(BenchmarkId::from_parameter(name), |b| b.iter(|| doctor::evaluate(black_box(&diagnosis))));
    }
    group.finish();
}

/// `status` at the platform's limits: the join and health of 1,000 workspaces and 200 keys, then
/// the table (132 columns) and the JSON document.
fn status_at_scale(c: &mut Criterion) {
    let mut group = c.benchmark_group("status_1000_workspaces");
    let at_scale = facts::status_at_scale();
    group.bench_function("build", |b| b.iter(|| status::build(black_box(at_scale.clone()))));
    let report = status::build(at_scale.clone());
    group.bench_function("render_text", |b| {
        b.iter(|| status::render_text(black_box(&report), 132, &|_, s: &str| s.to_string()))
    });
    group.bench_function("render_json", |b| b.iter(|| status::render_json(black_box(&report)).to_string()));
    group.finish();
}

criterion_group!(benches, policy_check, policy_simulate, policy_evaluate, plan_build, doctor_evaluate, status_at_scale);
criterion_main!(benches);
