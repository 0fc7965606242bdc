//! The wizard's AWS calls: who the credentials are (Welcome), and the keys an alias names (Key).

use cmek_core::model::aws::{AwsKeyRef, AwsRegion};
use cmek_core::wizard::aws::{AwsOverview, KeyCandidate, KeysFound, KeysUnderAlias};
use cmek_core::wizard::{CloudQuestion, CloudReply, CloudState};

use super::AwsRuntime;
use crate::error::{Error, Result};

/// Welcome's AWS line: the caller in the recommended region (not fatal: the user may fix it).
pub(super) async fn overview(aws: &AwsRuntime) -> CloudState {
    let identity = async { aws.client(&AwsRegion::recommended()).await?.whoami().await.map_err(Error::from) };
    match identity.await {
        Ok(caller) => CloudState::Ready(Box::new(AwsOverview(caller))),
        Err(e) => CloudState::Unusable(e.message),
    }
}

/// The keys worth offering: the one the alias names, if any.
pub(super) async fn ask(aws: &AwsRuntime, question: &dyn CloudQuestion) -> Result<Box<dyn CloudReply>> {
    let Some(KeysUnderAlias { region, alias }) = question.downcast_ref::<KeysUnderAlias>() else {
        return Err(Error::usage("AWS was asked a question about another cloud"));
    };
    let found = aws.client(region).await?.find_key(&AwsKeyRef::Alias(alias.clone())).await.map_err(Error::from)?;
    let candidates = found
        .into_iter()
        .map(|k| KeyCandidate {
            note: format!(
                "named by {alias}; {}, {}",
                k.description.state.as_str(),
                if k.description.multi_region { "multi-Region" } else { "single-Region" }
            ),
            arn: k.description.arn,
            alias: Some(alias.clone()),
            state: k.description.state,
        })
        .collect();
    Ok(Box::new(KeysFound(candidates)))
}
