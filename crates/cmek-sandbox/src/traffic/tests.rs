use std::time::Duration;

use axum::Router;
use axum::routing::any;

use super::*;

#[test]
fn latency_is_given_for_every_service_or_per_service() {
    let every = Latency::parse("200").unwrap();
    assert_eq!(every.for_service(Service::Gcp), Duration::from_millis(200));
    let some = Latency::parse("100, aws=300ms,AZURE=0").unwrap();
    assert_eq!(some.for_service(Service::Aws), Duration::from_millis(300));
    assert_eq!(some.for_service(Service::Azure), Duration::ZERO);
    assert_eq!(some.for_service(Service::Platform), Duration::from_millis(100));
    assert!(Latency::parse("0").unwrap().is_zero());
}

#[test]
fn a_latency_that_cannot_be_read_is_refused_with_the_value_named() {
    for (spec, says) in [
        ("fast", "`fast` is not a number"),
        ("aws=1,aws=2", "latency of aws twice"),
        ("oracle=5", "`oracle` is not a sandbox service"),
        ("100,200", "every service twice"),
        ("100,", "empty item"),
        ("60001", "more than the 60 s"),
    ] {
        let e = Latency::parse(spec).unwrap_err();
        assert!(e.contains(says), "{spec}: {e}");
    }
}

async fn serve(traffic: &Traffic, service: Service) -> (String, crate::serve::Served) {
    let app = traffic.wrap(service, Router::new().fallback(any(|| async { "ok" })));
    let app = app.merge(traffic.routes());
    let (listener, url) = crate::serve::bind("test", "127.0.0.1:0".parse().unwrap()).await.unwrap();
    (url.as_str().trim_end_matches('/').to_string(), crate::serve::serve("test", listener, app))
}

#[tokio::test]
async fn calls_are_counted_per_operation_delayed_and_grouped_into_rounds() {
    let traffic = Traffic::new(Latency::parse("aws=150").unwrap());
    let (url, _served) = serve(&traffic, Service::Aws).await;
    let client = reqwest::Client::new();
    let call = |target: &'static str| {
        client.post(format!("{url}/")).header("x-amz-target", format!("TrentService.{target}")).send()
    };
    // Round 1: two at once; round 2: one after them; plus an STS call by form in round 3.
    let (a, b) = tokio::join!(call("DescribeKey"), call("ListAliases"));
    assert!(a.unwrap().status().is_success() && b.unwrap().status().is_success());
    call("CreateKey").await.unwrap();
    client
        .post(format!("{url}/"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("Action=GetCallerIdentity&Version=2011-06-15")
        .send()
        .await
        .unwrap();
    // The platform's own calls are logged, neither delayed nor counted.
    let started = std::time::Instant::now();
    client.post(format!("{url}/")).header(INTERNAL_CALLER, "validation").send().await.unwrap();
    assert!(started.elapsed() < Duration::from_millis(150));

    let stats: serde_json::Value = client.get(format!("{url}{STATS_PATH}")).send().await.unwrap().json().await.unwrap();
    assert_eq!(stats["format"], STATS_FORMAT);
    assert_eq!(stats["calls"], 4, "{stats:#}");
    assert_eq!(stats["rounds"], 3, "{stats:#}");
    assert_eq!(stats["internal_calls"], 1);
    assert_eq!(stats["services"]["aws"]["operations"]["DescribeKey"], 1);
    assert_eq!(stats["services"]["aws"]["operations"]["GetCallerIdentity"], 1);
    assert_eq!(stats["latency"]["per_service_ms"]["aws"], 150);
    let first = &stats["log"][0];
    assert!(first["finished_ms"].as_f64().unwrap() - first["started_ms"].as_f64().unwrap() >= 150.0, "{first}");

    let reset = client.delete(format!("{url}{STATS_PATH}")).send().await.unwrap();
    assert_eq!(reset.status(), 204);
    let stats: serde_json::Value = client.get(format!("{url}{STATS_PATH}")).send().await.unwrap().json().await.unwrap();
    assert_eq!(stats["calls"], 0);
    assert_eq!(stats["rounds"], 0);
}

#[test]
fn jitter_stays_within_its_bounds() {
    let traffic =
        Traffic::new(Latency { jitter: Duration::from_millis(20), ..Latency::uniform(Duration::from_millis(100)) });
    for _ in 0..200 {
        let d = traffic.delay(Service::Platform);
        assert!(d >= Duration::from_millis(80) && d <= Duration::from_millis(120), "{d:?}");
    }
}
