//! The validation step: the platform proves it can use the registered key, waiting out an access
//! grant's propagation where the cloud has one. A registration this run has just made is settled
//! with other runs' (`register::settle`) in the same round trip; when another run's registration
//! wins, that one is validated instead.

use serde_json::json;

use cmek_core::doctor::validation_text::is_propagating;
use cmek_core::plan::Propagation;
use cmek_core::run::ValidationResult;
use cmek_core::run::events::{Event, EventSink};

use super::Services;
use super::apply::Progress;
use super::cloud::StepContext;
use super::journal::Journal;
use super::propagation::{self, Backoff, Report, Waited};
use crate::error::Error;
use crate::platform::types::ValidationStatus;

pub(super) async fn validate(
    ctx: &mut StepContext<'_>,
    propagation: Option<&Propagation>,
    progress: &mut Progress,
) -> Result<String, Error> {
    let id = progress
        .external_key_id
        .clone()
        .ok_or_else(|| Error::remote("no registered key to validate: registration did not happen"))?;
    let (services, index, journal) = (ctx.services, ctx.index, ctx.journal);
    let Some(unsettled) = progress.unsettled.take() else {
        let waited = wait_for(services, index, journal, &mut *ctx.sink, &id, propagation).await?;
        return finish(ctx, &id, propagation, waited, progress);
    };
    // The settle's notice is held back and passed on after, so the validation's own events
    // (waiting for a grant) reach the front end as they happen.
    let mut held = Held::default();
    let mut settle_ctx = StepContext { services, facts: ctx.facts, index, journal, sink: &mut held };
    let (settled, waited) = tokio::join!(
        super::register::settle(&mut settle_ctx, &unsettled),
        wait_for(services, index, journal, &mut *ctx.sink, &id, propagation)
    );
    held.pass_on(&mut *ctx.sink);
    match settled? {
        // Another run's registration is the one kept and this run's was deleted: the answer
        // about this run's says nothing, so the kept one is validated.
        Some((kept, _)) => {
            progress.external_key_id = Some(kept.clone());
            let waited = wait_for(services, index, journal, &mut *ctx.sink, &kept, propagation).await?;
            finish(ctx, &kept, propagation, waited, progress)
        }
        None => finish(ctx, &id, propagation, waited?, progress),
    }
}

async fn wait_for(
    services: &Services,
    index: usize,
    journal: &Journal,
    sink: &mut dyn EventSink,
    id: &str,
    propagation: Option<&Propagation>,
) -> Result<Waited, Error> {
    let platform = &services.platform;
    let provider = services.cloud.provider();
    let attempt = || async {
        let v = platform.validate_external_key(id).await.map_err(Error::from)?;
        Ok(ValidationResult { success: v.status == ValidationStatus::Success, error: v.error })
    };
    let still_propagating = |error: &str| is_propagating(provider, error);
    let report = Report { index, journal, sink };
    propagation::validate_with_wait(
        attempt,
        still_propagating,
        propagation,
        Backoff::PROPAGATION,
        &services.cancel,
        report,
    )
    .await
}

fn finish(
    ctx: &StepContext<'_>,
    id: &str,
    propagation: Option<&Propagation>,
    waited: Waited,
    progress: &mut Progress,
) -> Result<String, Error> {
    let provider = ctx.services.cloud.provider();
    let v = waited.result.clone();
    // A wait stopped by the person (Ctrl-C) reached no verdict: the key was not found wanting,
    // so neither the report nor `cmek status`'s history says it failed.
    if !waited.cancelled {
        let _ = ctx.journal.record(
            "validated",
            json!({ "external_key_id": id, "success": v.success, "error": v.error, "attempts": waited.attempts }),
        );
        progress.validation = Some(v.clone());
    }
    let refusal = v.error.as_deref().filter(|_| !v.success).unwrap_or_default();
    propagation::outcome(id, &waited, propagation, is_propagating(provider, refusal))
}

/// Events held while another task reports, passed on in order afterwards.
#[derive(Default)]
pub(super) struct Held(Vec<Event>);

impl EventSink for Held {
    fn emit(&mut self, event: Event) {
        self.0.push(event);
    }
}

impl Held {
    pub(super) fn pass_on(self, sink: &mut dyn EventSink) {
        for event in self.0 {
            sink.emit(event);
        }
    }
}
