//! Platform findings: the admin credential (ANT-01), the CMEK entitlement (ANT-02), a workspace
//! about to take a key (ANT-08, ANT-09) and unattached, unused configurations (ANT-10). Pure.

use crate::plan::Severity;

use super::facts::DoctorFacts;
use super::{Finding, Status};

const GROUP: &str = "platform";

pub fn findings(f: &DoctorFacts) -> Vec<Finding> {
    let title = "the admin credential is accepted by the Admin API";
    let mut out = vec![match (&f.org, f.platform_auth_refused) {
        (Ok(_), _) => Finding::pass("ANT-01", Severity::High, GROUP, title),
        (Err(why), true) => Finding::new("ANT-01", Severity::High, Status::Fail, GROUP, title)
            .observed(why.clone())
            .expected("an admin API key (sk-ant-admin01-...) of this organisation, or an org:admin token")
            .why("doctor reads the registered configuration and runs validation through the Admin API")
            .fix("create an admin key in Console > Settings > Admin keys and set ANTHROPIC_ADMIN_KEY (or --admin-key-file)"),
        (Err(why), false) => Finding::unknown("ANT-01", Severity::High, GROUP, title, why.clone()),
    }];
    if f.org.is_err() {
        return out;
    }
    let title = "customer-managed encryption keys are enabled for the organisation";
    out.push(match &f.cmek_not_enabled {
        None => Finding::pass("ANT-02", Severity::High, GROUP, title),
        Some(refusal) => Finding::new("ANT-02", Severity::High, Status::Fail, GROUP, title)
            .observed(format!("the Admin API refuses the external-key calls: {refusal}"))
            .expected("external keys can be listed, registered and attached")
            .why("without the CMEK entitlement no key can be registered or attached, whatever the cloud side holds")
            .fix("ask your Anthropic account team to enable customer-managed encryption keys for the organisation"),
    });
    // ANT-08: the key you mean to attach, to a workspace that may already hold data.
    if let Some(ws) = f.workspace.as_ref().filter(|w| w.external_key_id.is_none() && !w.just_created) {
        out.push(Finding::from_check(&crate::plan::workspace_in_use_check(ws), GROUP));
    }
    // ANT-09: the next step for that workspace is the one that cannot be undone.
    if let Some(ws) = f.workspace.as_ref().filter(|w| w.external_key_id.is_none()) {
        out.push(
            Finding::new("ANT-09", Severity::Info, Status::Info, GROUP, "the step ahead is irreversible")
                .observed(format!(
                    "workspace {} ({}) has no key yet: attaching one is permanent (it can never be detached or \
                     replaced, and the workspace's data depends on that key from then on)",
                    crate::text::escape_controls(&ws.name),
                    ws.id
                ))
                .expected("a key that doctor finds healthy, attached with a typed confirmation")
                .fix(format!(
                    "once everything above passes: cmek setup --workspace {} --confirm-attach {}",
                    ws.id, ws.id
                )),
        );
    }
    let unattached: Vec<String> = f
        .all_registered
        .iter()
        .filter(|r| !r.attached)
        .map(|r| match &r.display_name {
            Some(n) => format!("{} ({})", r.id, crate::text::escape_controls(n)),
            None => r.id.clone(),
        })
        .collect();
    let title = "every registered key configuration is attached to a workspace";
    out.push(if unattached.is_empty() {
        Finding::pass("ANT-10", Severity::Low, GROUP, title)
    } else {
        Finding::new("ANT-10", Severity::Low, Status::Warn, GROUP, title)
            .observed(format!("unattached: {}", unattached.join(", ")))
            .why("an unattached configuration protects nothing; keep it only if you are about to attach it")
            .fix(
                "attach it (cmek setup --workspace <name> --confirm-attach <name>) or delete it: curl -X DELETE \
                 https://api.anthropic.com/v1/organizations/external_keys/<id> -H \"x-api-key: $ANTHROPIC_ADMIN_KEY\" \
                 -H \"anthropic-version: 2023-06-01\"",
            )
    });
    out
}
