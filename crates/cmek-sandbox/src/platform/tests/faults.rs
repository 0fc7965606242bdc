//! Injected faults: the share of failures the platform emulator accepts to inject.

use secrecy::SecretString;

use super::ADMIN_KEY;
use crate::faults::Faults;
use crate::platform::PlatformSandboxConfig;

fn config() -> PlatformSandboxConfig {
    PlatformSandboxConfig::new(SecretString::from(ADMIN_KEY))
}

#[tokio::test]
async fn a_fault_share_above_one_half_is_refused() {
    let faults = Faults { error_share: 0.9 };
    let err = crate::platform::start(PlatformSandboxConfig { faults, ..config() }).await.unwrap_err();
    assert!(err.to_string().contains("0.9"), "{err}");
}
