//! Google Cloud's flags, as clap groups the shared commands flatten in (through `cli::clouds`).

use clap::Args;

/// How to reach Google Cloud (Application Default Credentials are used: a service-account key,
/// an authorized user or a workload identity federation file named by
/// GOOGLE_APPLICATION_CREDENTIALS, gcloud's application-default login, or the metadata server).
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Google Cloud connection")]
pub struct GcpConnectArgs {
    /// Send Cloud KMS calls to this endpoint (a sandbox); normally unset [default:
    /// https://cloudkms.googleapis.com]
    #[arg(long, global = true, env = "CMEK_GCP_KMS_ENDPOINT", value_name = "URL")]
    pub gcp_kms_endpoint: Option<String>,
}

/// `setup`'s Google Cloud flags (a fully named key is the shared `--key projects/...`).
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Google Cloud KMS")]
pub struct GcpSetupArgs {
    /// Google Cloud: the project of the key ring [default: CLOUDSDK_CORE_PROJECT, GOOGLE_CLOUD_PROJECT, or the
    /// credentials' project]
    #[arg(long, env = "CLOUDSDK_CORE_PROJECT", value_name = "PROJECT")]
    pub gcp_project: Option<String>,
    /// The project named by GOOGLE_CLOUD_PROJECT, used when --gcp-project and CLOUDSDK_CORE_PROJECT are not given
    #[arg(long, env = "GOOGLE_CLOUD_PROJECT", hide = true)]
    pub google_cloud_project: Option<String>,
    /// Google Cloud: the key ring's location, one US region [default: us-central1]
    #[arg(long, env = "CMEK_GCP_LOCATION", value_name = "REGION")]
    pub gcp_location: Option<String>,
    /// Google Cloud: the key ring, created when missing [default: anthropic-cmek]
    #[arg(long, value_name = "ID")]
    pub gcp_key_ring: Option<String>,
    /// Google Cloud: the key, created when missing [default: anthropic-cmek]
    #[arg(long, value_name = "ID")]
    pub gcp_key: Option<String>,
    /// Google Cloud: protection level of a new key, hsm or software [default: hsm]
    #[arg(long, value_name = "hsm|software")]
    pub gcp_protection: Option<String>,
    /// Google Cloud: how long validation keeps retrying while a new IAM binding takes effect (e.g. 10m, 90s, 0)
    /// [default: 10m]
    #[arg(long, value_name = "DURATION")]
    pub gcp_iam_wait: Option<String>,
}

/// `doctor`'s Google Cloud flags (or the shared `--key projects/...`).
#[derive(Debug, Clone, Default, Args)]
pub struct GcpDoctorArgs {
    /// Google Cloud: the project of the key ring [default: CLOUDSDK_CORE_PROJECT, GOOGLE_CLOUD_PROJECT, or the
    /// credentials' project]
    #[arg(long, env = "CLOUDSDK_CORE_PROJECT", value_name = "PROJECT")]
    pub gcp_project: Option<String>,
    /// Google Cloud: the key ring's location [default: us-central1]
    #[arg(long, value_name = "REGION")]
    pub gcp_location: Option<String>,
    /// Google Cloud: the key ring [default: anthropic-cmek]
    #[arg(long, value_name = "ID")]
    pub gcp_key_ring: Option<String>,
    /// Google Cloud: the key [default: anthropic-cmek]
    #[arg(long, value_name = "ID")]
    pub gcp_key: Option<String>,
}
