//! The AWS facts of a `setup` run: the account (and, for a named key, who is calling), and the key
//! (named, found by its alias, or left without its alias by a run that died).

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
    if let Some(wanted) = &asked.key {
        // A named key may be in another account: the caller's own is compared with it.
        let (caller, key) = tokio::try_join!(client.whoami(), client.find_key(wanted)).map_err(Error::from)?;
        let account = caller.account.clone();
        return Ok(Box::new(AwsFacts { account, caller: Some(caller), key, alias_target: None, orphans: Vec::new() }));
    }
    let alias = &asked.alias;
    // The region's keys and aliases in one round trip: the listing says which key the alias names
    // (read next, in one more round), or, with no alias, finds a key a dead (or concurrent) run
    // made for it by cmek's tags. The listings' ARNs name the account, so STS is not asked.
    let listed = client.region_keys().await.map_err(Error::from)?;
    let (account, caller) = match listed.account() {
        Some(account) => (account.clone(), None),
        None => {
            let caller = client.whoami().await.map_err(Error::from)?;
            (caller.account.clone(), Some(caller))
        }
    };
    let key = client.inspect_listed_alias(alias, &listed).await.map_err(Error::from)?;
    let orphans = match key {
        Some(_) => Vec::new(),
        None => client.marked_among(&listed, alias).await.map_err(Error::from)?,
    };
    let alias_target = key.as_ref().map(|k| k.description.arn.clone());
    Ok(Box::new(AwsFacts { account, caller, key, alias_target, orphans }))
}
