//! Doctor's look at an AWS KMS key, read-only: who is calling, and the key with its policy,
//! aliases and rotation. A failure is a reason in the facts (its findings say `unknown`).

use cmek_core::doctor::aws::{AwsDoctorFacts, AwsDoctorKey, AwsKeyLookup};
use cmek_core::doctor::{CloudDoctorFacts, CloudKeyRef};
use cmek_core::model::aws::AwsKeyRef;
use cmek_core::run::events::{Event, EventSink};

use super::AwsRuntime;

pub(super) async fn diagnose(
    aws: &AwsRuntime,
    key: &dyn CloudKeyRef,
    sink: &mut dyn EventSink,
) -> Box<dyn CloudDoctorFacts> {
    let Some(AwsDoctorKey { key, region }) = key.downcast_ref::<AwsDoctorKey>() else {
        return Box::new(AwsDoctorFacts(Err(format!("{} is not an AWS KMS key", key.describe()))));
    };
    let client = match aws.client(region).await {
        Ok(c) => c,
        Err(e) => return Box::new(AwsDoctorFacts(Err(reason(&e)))),
    };
    sink.emit(Event::Inspecting { what: format!("AWS KMS key {key}") });
    let (caller, found) = tokio::join!(client.whoami(), client.find_key(key));
    Box::new(AwsDoctorFacts(match found {
        Ok(found) => {
            Ok(Box::new(AwsKeyLookup { asked: key.to_string(), caller: caller.map_err(|e| e.to_string()), key: found }))
        }
        Err(e) => Err(e.to_string()),
    }))
}

/// An alias resolved to its key's ARN (one DescribeKey), as a registration names the key.
pub(super) async fn registered_name(aws: &AwsRuntime, key: &dyn CloudKeyRef) -> Option<Box<dyn CloudKeyRef>> {
    let AwsDoctorKey { key, region } = key.downcast_ref::<AwsDoctorKey>()?;
    if !matches!(key, AwsKeyRef::Alias(_)) {
        return None;
    }
    let described = aws.client(region).await.ok()?.describe_key(&key.as_kms_key_id()).await.ok()?;
    Some(Box::new(AwsDoctorKey { key: AwsKeyRef::Arn(described.arn.clone()), region: described.arn.region }))
}

/// An error as one line, with its first hint.
fn reason(e: &crate::error::Error) -> String {
    match e.hints.first() {
        Some(h) => format!("{} ({h})", e.message),
        None => e.message.clone(),
    }
}
