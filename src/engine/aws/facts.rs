//! The AWS facts of a `setup` run: who is calling, and the key (named, found by its alias, or left
//! without its alias by a run that died).

use cmek_core::model::aws::AwsKeyRef;
use cmek_core::plan::CloudAnswers;
use cmek_core::plan::CloudFacts;
use cmek_core::plan::aws::{AwsAnswers, AwsFacts};
use cmek_core::run::events::{Event, EventSink};

use super::AwsRuntime;
use crate::error::{Error, Result};

pub(super) async fn gather(
    aws: &AwsRuntime,
    answers: &dyn CloudAnswers,
    sink: &mut dyn EventSink,
) -> Result<Box<dyn CloudFacts>> {
    let asked = answers
        .downcast_ref::<AwsAnswers>()
        .ok_or_else(|| Error::usage("AWS was asked to inspect another cloud's answers"))?;
    sink.emit(Event::Inspecting { what: format!("AWS KMS in {}", asked.region) });
    let client = aws.client(&asked.region).await?;
    let wanted = asked.key.clone().unwrap_or_else(|| AwsKeyRef::Alias(asked.alias.clone()));
    let (caller, key) = tokio::try_join!(client.whoami(), client.find_key(&wanted)).map_err(Error::from)?;
    let alias_target = match (&asked.key, &key) {
        (None, Some(k)) => Some(k.description.arn.clone()),
        _ => None,
    };
    // No alias: a key a dead (or concurrent) run made for it is found by cmek's tags.
    let orphans = match (&asked.key, &key) {
        (None, None) => client.find_marked_keys(&asked.alias).await.map_err(Error::from)?,
        _ => Vec::new(),
    };
    Ok(Box::new(AwsFacts { caller, key, alias_target, orphans }))
}
