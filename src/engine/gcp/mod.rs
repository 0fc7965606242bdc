//! The Google Cloud KMS runtime: the engine's I/O for Google Cloud over `providers::gcp`: the facts a
//! run plans on (`facts`), its steps (`apply`), doctor's look at a key (`doctor`), and the wizard's
//! overview and key list (`wizard`).

mod apply;
mod doctor;
mod facts;
mod wizard;

use async_trait::async_trait;
use cmek_core::doctor::{CloudDoctorFacts, CloudKeyRef};
use cmek_core::model::ProviderKind;
use cmek_core::plan::gcp::GcpAnswers;
use cmek_core::plan::{CloudAnswers, CloudFacts, SetupFacts};
use cmek_core::run::events::EventSink;
use cmek_core::wizard::{CloudQuestion, CloudReply, CloudState};

use super::cloud::{CloudRuntime, CloudSession};
use crate::error::{Error, Result};
use crate::providers::gcp::GcpClient;

/// Google Cloud, signed in with Application Default Credentials (or the sandbox's token).
pub struct GcpRuntime {
    pub(crate) gcp: GcpClient,
}

impl GcpRuntime {
    pub fn new(gcp: GcpClient) -> Self {
        Self { gcp }
    }
}

#[async_trait]
impl CloudRuntime for GcpRuntime {
    fn provider(&self) -> ProviderKind {
        ProviderKind::Gcp
    }

    fn credential_source(&self) -> Option<String> {
        Some(self.gcp.caller_identity().source.clone())
    }

    async fn gather(&self, answers: &dyn CloudAnswers, sink: &mut dyn EventSink) -> Result<Box<dyn CloudFacts>> {
        let asked = answers
            .downcast_ref::<GcpAnswers>()
            .ok_or_else(|| Error::usage("Google Cloud was asked to inspect another cloud's answers"))?;
        Ok(Box::new(facts::gather(&self.gcp, asked, sink).await?))
    }

    fn session<'a>(&'a self, facts: &'a SetupFacts) -> Result<Box<dyn CloudSession + 'a>> {
        Ok(Box::new(apply::GcpSession::new(&self.gcp, facts)?))
    }

    async fn diagnose(&self, key: &dyn CloudKeyRef, sink: &mut dyn EventSink) -> Box<dyn CloudDoctorFacts> {
        doctor::diagnose(&self.gcp, key, sink).await
    }

    async fn overview(&self) -> CloudState {
        wizard::overview(&self.gcp).await
    }

    async fn ask(&self, question: &dyn CloudQuestion) -> Result<Box<dyn CloudReply>> {
        wizard::ask(&self.gcp, question).await
    }
}
