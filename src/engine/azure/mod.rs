//! The Azure Key Vault runtime: the engine's I/O for Azure over `providers::azure`: the facts a
//! run plans on (`facts`), its steps (`apply`, and `independent` for those that run together),
//! doctor's look at a key (`doctor`), and the wizard's overview (`wizard`).

mod apply;
mod doctor;
mod facts;
mod independent;
mod wizard;

use async_trait::async_trait;
use cmek_core::doctor::{CloudDoctorFacts, CloudKeyRef};
use cmek_core::model::ProviderKind;
use cmek_core::plan::{CloudAnswers, CloudFacts, SetupFacts};
use cmek_core::run::events::EventSink;
use cmek_core::wizard::{CloudQuestion, CloudReply, CloudState};

use super::cloud::{CloudRuntime, CloudSession};
use crate::error::{Error, Result};
use crate::providers::azure::AzureProvider;

/// Azure, signed in through the credential chain (or the sandbox's secret).
pub struct AzureRuntime {
    pub(crate) azure: AzureProvider,
}

impl AzureRuntime {
    pub fn new(azure: AzureProvider) -> Self {
        Self { azure }
    }
}

#[async_trait]
impl CloudRuntime for AzureRuntime {
    fn provider(&self) -> ProviderKind {
        ProviderKind::Azure
    }

    fn credential_source(&self) -> Option<String> {
        self.azure.credential_source().map(str::to_string)
    }

    async fn gather(&self, answers: &dyn CloudAnswers, sink: &mut dyn EventSink) -> Result<Box<dyn CloudFacts>> {
        let asked = answers
            .downcast_ref::<cmek_core::plan::azure::AzureAnswers>()
            .ok_or_else(|| Error::usage("Azure was asked to inspect another cloud's answers"))?;
        sink.emit(cmek_core::run::events::Event::Inspecting {
            what: "Azure: the signed-in identity and the Key Vaults in reach".into(),
        });
        Ok(Box::new(facts::gather(&self.azure, asked.vault.as_ref(), &asked.key_name, sink).await?))
    }

    fn session<'a>(&'a self, facts: &'a SetupFacts) -> Result<Box<dyn CloudSession + 'a>> {
        Ok(Box::new(apply::AzureSession::new(&self.azure, facts)?))
    }

    async fn diagnose(&self, key: &dyn CloudKeyRef, sink: &mut dyn EventSink) -> Box<dyn CloudDoctorFacts> {
        doctor::diagnose(&self.azure, key, sink).await
    }

    async fn overview(&self) -> CloudState {
        wizard::overview(&self.azure).await
    }

    async fn ask(&self, _question: &dyn CloudQuestion) -> Result<Box<dyn CloudReply>> {
        Err(Error::usage("the Azure Key screen asks Azure nothing: its vaults come with the overview"))
    }
}
