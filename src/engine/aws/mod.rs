//! The AWS KMS runtime: the engine's I/O for AWS over `providers::aws` (one client per region,
//! connected when first needed): the facts a run plans on (`facts`), its steps (`apply`), doctor's
//! look at a key (`doctor`), and the wizard's overview and key look-ups (`wizard`).

mod apply;
mod doctor;
mod facts;
mod wizard;

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use cmek_core::doctor::{CloudDoctorFacts, CloudKeyRef};
use cmek_core::model::ProviderKind;
use cmek_core::model::aws::AwsRegion;
use cmek_core::plan::{CloudAnswers, CloudFacts, SetupFacts};
use cmek_core::run::events::EventSink;
use cmek_core::wizard::{CloudQuestion, CloudReply, CloudState};
use tokio::sync::Mutex;

use super::cloud::{CloudRuntime, CloudSession};
use crate::error::{Error, Result};
use crate::providers::aws::{AwsProvider, AwsSettings};

/// AWS, with the settings every region's client is made from.
pub struct AwsRuntime {
    /// Region-less: each client fills in the region it works in.
    settings: AwsSettings,
    clients: Mutex<HashMap<AwsRegion, Arc<AwsProvider>>>,
}

impl AwsRuntime {
    pub fn new(settings: AwsSettings) -> Self {
        Self { settings: AwsSettings { region: None, ..settings }, clients: Mutex::new(HashMap::new()) }
    }

    /// The client for `region`, connected on first use.
    pub async fn client(&self, region: &AwsRegion) -> Result<Arc<AwsProvider>> {
        let mut clients = self.clients.lock().await;
        if let Some(c) = clients.get(region) {
            return Ok(c.clone());
        }
        let settings = AwsSettings { region: Some(region.clone()), ..self.settings.clone() };
        let client = Arc::new(AwsProvider::connect(&settings).await.map_err(Error::from)?);
        clients.insert(region.clone(), client.clone());
        Ok(client)
    }
}

#[async_trait]
impl CloudRuntime for AwsRuntime {
    fn provider(&self) -> ProviderKind {
        ProviderKind::Aws
    }

    async fn gather(&self, answers: &dyn CloudAnswers, sink: &mut dyn EventSink) -> Result<Box<dyn CloudFacts>> {
        facts::gather(self, answers, sink).await
    }

    fn session<'a>(&'a self, facts: &'a SetupFacts) -> Result<Box<dyn CloudSession + 'a>> {
        Ok(Box::new(apply::AwsSession::new(self, facts)))
    }

    async fn diagnose(&self, key: &dyn CloudKeyRef, sink: &mut dyn EventSink) -> Box<dyn CloudDoctorFacts> {
        doctor::diagnose(self, key, sink).await
    }

    async fn registered_name(&self, key: &dyn CloudKeyRef) -> Option<Box<dyn CloudKeyRef>> {
        doctor::registered_name(self, key).await
    }

    async fn overview(&self) -> CloudState {
        wizard::overview(self).await
    }

    async fn ask(&self, question: &dyn CloudQuestion) -> Result<Box<dyn CloudReply>> {
        wizard::ask(self, question).await
    }
}
