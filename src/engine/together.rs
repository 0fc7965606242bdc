//! Neighbouring steps that need only the key, run together: the cloud's steps that say they
//! [`CloudStep::runs_alongside`] (AWS: the alias and rotation, once the key exists) and the
//! key's registration; and neighbouring cloud steps that need nothing of each other's
//! ([`CloudStep::independent`]: Azure's consent and the key's creation). One round trip instead
//! of one each; the journal still records each step's outcome in plan order, and the first
//! failure in plan order is the run's.
//!
//! When no validation follows to settle beside (the attach validates), the registration is
//! settled with other runs' as soon as it is made, beside the cloud steps still running.
//!
//! The registration is made for the key known before the group starts. If a cloud step ends up
//! using another key (an alias another run got first, whose key this run adopts), this run's
//! registration is withdrawn and the key in use registered, so the run still ends with one.

use cmek_core::model::ProviderConfig;
use cmek_core::plan::{Action, CloudStep, Plan, Step, StepState};

use super::Services;
use super::apply::Progress;
use super::cloud::{CloudSession, StepContext};
use super::journal::Journal;
use super::register;
use super::validate_step::Held;
use crate::error::{Error, Result};

/// How many steps from `index` on run together (0 or 1: none).
pub(super) fn batch_at(plan: &Plan, index: usize, session: &dyn CloudSession) -> usize {
    let joins = |step: &Step| {
        matches!(step.state, StepState::Planned)
            && match &step.action {
                Action::Cloud(s) => s.runs_alongside(),
                // Only when the key to register is already known.
                Action::RegisterKey { target, .. } => session.registration(target).is_ok(),
                _ => false,
            }
    };
    let count = plan.steps[index..].iter().take_while(|s| joins(s)).count();
    let registers = plan.steps[index..index + count].iter().filter(|s| is_register(s)).count();
    if count > 1 {
        return if registers > 1 { 0 } else { count };
    }
    // Independent cloud steps, passing over steps with nothing to do (already done, or held back
    // for a confirmation): from a planned one to the last planned one, when there are two.
    if !is_independent(&plan.steps[index]) {
        return 0;
    }
    let span = plan.steps[index..].iter().take_while(|s| is_independent(s) || !is_planned(s));
    let last = span.enumerate().filter(|(_, s)| is_planned(s)).map(|(offset, _)| offset).last().unwrap_or(0);
    let planned = plan.steps[index..=index + last].iter().filter(|s| is_planned(s)).count();
    if planned > 1 { last + 1 } else { 0 }
}

fn is_planned(step: &Step) -> bool {
    matches!(step.state, StepState::Planned)
}

fn is_independent(step: &Step) -> bool {
    is_planned(step) && matches!(&step.action, Action::Cloud(s) if s.independent())
}

fn is_register(step: &Step) -> bool {
    matches!(step.action, Action::RegisterKey { .. })
}

/// Runs the planned `steps` of a batch `batch_at` chose together; one result per step, in order.
pub(super) async fn run(
    ctx: &mut StepContext<'_>,
    steps: &[&Step],
    session: &mut dyn CloudSession,
    progress: &mut Progress,
) -> Vec<Result<String>> {
    let cloud: Vec<&dyn CloudStep> = steps
        .iter()
        .filter_map(|s| match &s.action {
            Action::Cloud(step) => Some(&**step),
            _ => None,
        })
        .collect();
    let registration = steps.iter().enumerate().find_map(|(offset, s)| match &s.action {
        Action::RegisterKey { target, display_name, .. } => Some((offset, target, display_name.as_str())),
        _ => None,
    });
    let Some((offset, target, display_name)) = registration else {
        return session.apply_together(&cloud, ctx).await;
    };
    let early = match session.registration(target) {
        Ok(config) => config,
        // `batch_at` checked it; said as the registration's failure if it changed.
        Err(e) => return steps.iter().map(|_| Err(e.clone())).collect(),
    };
    let (services, facts, index, journal) = (ctx.services, ctx.facts, ctx.index, ctx.journal);
    let settle_now = progress.settle_with_registration;
    // The settle's notice is held back and passed on after the cloud steps' events.
    let mut held = Held::default();
    let registering = async {
        let (unsettled, detail) = register::create(services, journal, early.clone(), display_name).await?;
        if !settle_now {
            return Ok((unsettled, detail, None));
        }
        let mut settle_ctx = StepContext { services, facts, index, journal, sink: &mut held };
        // The registration is made whatever the list says: a failed list leaves it unsettled,
        // to be settled again before the attach (whose step then reports the failure).
        let settled = register::settle(&mut settle_ctx, &unsettled).await.ok();
        Ok::<_, Error>((unsettled, detail, settled))
    };
    let (mut results, registered) = tokio::join!(session.apply_together(&cloud, ctx), registering);
    held.pass_on(&mut *ctx.sink);
    // The key in use now: another one if a cloud step adopted another run's key.
    let now = session.registration(target).ok().filter(|config| *config != early);
    let registered = match registered {
        // Settled, and still the key in use: the registration every run agrees on is the one.
        Ok((unsettled, detail, Some(settled))) if now.is_none() => {
            progress.external_key_id = Some(match settled {
                Some((kept, _)) => kept,
                None => unsettled.created.id.clone(),
            });
            Ok(detail)
        }
        // Unsettled, or made for a key the run no longer uses (then settled at the attach).
        Ok((unsettled, detail, _)) => re_register_if_moved(services, journal, now, display_name, unsettled, detail)
            .await
            .map(|(unsettled, detail)| {
                progress.external_key_id = Some(unsettled.created.id.clone());
                progress.unsettled = Some(unsettled);
                detail
            }),
        Err(e) => Err(e),
    };
    results.insert(offset, registered);
    results
}

/// The registration made beside the cloud steps, or, when they moved the run to another key,
/// the registration of that key (this run's first one withdrawn).
async fn re_register_if_moved(
    services: &Services,
    journal: &Journal,
    now: Option<ProviderConfig>,
    display_name: &str,
    unsettled: register::Unsettled,
    detail: String,
) -> Result<(register::Unsettled, String)> {
    let Some(now) = now else { return Ok((unsettled, detail)) };
    let withdrawn = register::withdraw(services, journal, &unsettled).await.map_err(|e: Error| {
        e.context(format!("{} registers a key this run no longer uses, and could not be deleted", unsettled.created.id))
    })?;
    let (again, registered) = register::create(services, journal, now, display_name).await?;
    let first = &unsettled.created.id;
    let what = if withdrawn {
        format!("{first}, made for this run's own key, was deleted")
    } else {
        format!("{first} is left")
    };
    Ok((again, format!("{registered} (the key in use changed while registering: {what})")))
}
