//! AWS KMS findings: the key's state and kind (the planner's `key_checks`, seen as findings),
//! rotation and deletion guardrails, the registered ARN against the key (ANT-13, AWS-04), the key
//! policy (`aws_policy`, shared with `cmek policy check`) and Resource Control Policies (AWS-12, known only through validation).

use crate::model::aws::{AwsKeyConfig, AwsKeyFacts, AwsKeyState, KmsKeyArn, KmsResource};
use crate::plan::Severity;
use crate::plan::aws::AwsFacts;
use crate::plan::aws::key_checks::key_checks;

use super::AwsKeyLookup;
use super::policy::{self as aws_policy, KeyPolicyContext};
use crate::doctor::facts::{DoctorFacts, Gathered, ValidationFacts};
use crate::doctor::{Finding, Status};

const KEY: &str = "key";
const PLATFORM: &str = "platform";

pub fn findings(f: &DoctorFacts, aws: &Gathered<Box<AwsKeyLookup>>) -> Vec<Finding> {
    let a = match aws {
        Ok(a) => a,
        Err(why) => return unknown_all(why),
    };
    let Some(k) = &a.key else {
        let title = format!("the key {} exists in KMS", a.asked);
        return vec![
            Finding::new("ANT-13", Severity::High, Status::Fail, PLATFORM, title)
                .observed(format!("KMS knows no key {} (or the credentials may not describe it)", a.asked))
                .expected("a KMS key that the registered kms_arn (or --key) names")
                .why("Anthropic cannot use a key that does not exist")
                .fix(format!("check the ARN and Region: aws kms describe-key --key-id {}", a.asked)),
        ];
    };
    let d = &k.description;
    let mut out = Vec::new();
    let caller = match &a.caller {
        Ok(c) => Some(c.clone()),
        Err(why) => {
            out.push(Finding::unknown(
                "GEN-01",
                Severity::High,
                PLATFORM,
                "your AWS credentials are for the key's account",
                format!("sts:GetCallerIdentity failed: {why}"),
            ));
            None
        }
    };
    // Unknown caller: the key's own account, so no mismatch is claimed on no evidence.
    let account = caller.as_ref().map_or_else(|| d.account.clone(), |c| c.account.clone());
    let facts = AwsFacts { account, caller, key: Some(k.clone()), alias_target: None, orphans: Vec::new() };
    out.extend(key_checks(k, &facts, &d.region).iter().map(|c| Finding::from_check(c, KEY)));
    if d.state == AwsKeyState::PendingDeletion {
        out.retain(|x| x.id != "AWS-01");
    } else {
        out.push(Finding::pass("AWS-02", Severity::Critical, KEY, "key is not scheduled for deletion"));
    }
    // `key_checks` warns only when rotation is off; doctor also says when it is on or unreadable.
    let rotation_off = out.iter().position(|x| x.id == "AWS-17").map(|i| out.remove(i));
    out.push(match (k.rotation_enabled, rotation_off) {
        (Some(false), Some(off)) => off,
        (Some(true), _) => Finding::pass("AWS-17", Severity::Low, KEY, "automatic key rotation is on"),
        (Some(false), None) => Finding::new("AWS-17", Severity::Low, Status::Warn, KEY, "automatic key rotation is on")
            .observed(format!("rotation is off for {}", d.arn)),
        (None, _) => Finding::unknown(
            "AWS-17",
            Severity::Low,
            KEY,
            "automatic key rotation is on",
            format!(
                "kms:GetKeyRotationStatus on {} was refused or does not apply in state {}",
                d.arn,
                d.state.as_str()
            ),
        ),
    });
    out.push(guardrails(k));
    out.extend(registered_arn(f, &d.arn));

    if let Ok(org) = &f.org {
        let ctx = KeyPolicyContext {
            org_uuid: *org,
            compartments: f.workspace.iter().map(|w| w.compartment).collect(),
            workspaces: f.workspace.iter().map(|w| w.id.clone()).collect(),
            attached_compartments: f.registered.as_ref().map(|r| r.attached_compartments.clone()).unwrap_or_default(),
            key_arn: Some(d.arn.to_string()),
            account: Some(d.account.clone()),
            // Doctor does not read AWS Organizations: AWS-12 comes from validation (`rcp` below).
            rcps: None,
        };
        out.extend(aws_policy::check_key_policy(&k.policy, &ctx).into_iter().filter(|f| f.id != "AWS-12"));
    } else {
        out.push(Finding::unknown(
            "AWS-07",
            Severity::High,
            aws_policy::GROUP,
            "Anthropic's grant is bound to your organisation",
            "the organisation UUID could not be read from the Admin API (see ANT-01)",
        ));
    }
    out.push(rcp(&f.validation));
    if let ValidationFacts::Done(_) = &f.validation {
        out.push(validation_noise(&d.arn));
    }
    out
}

/// AWS-15: every validation, including the one doctor just ran, leaves four AccessDenied events
/// (the negative probes) in the key's CloudTrail: expected, and how to recognise them.
fn validation_noise(arn: &KmsKeyArn) -> Finding {
    Finding::new(
        "AWS-15",
        Severity::Info,
        Status::Info,
        KEY,
        "the AccessDenied events from validation are expected noise",
    )
    .observed(format!(
        "each validation causes four AccessDenied events on {arn} in CloudTrail (Anthropic's negative probes)"
    ))
    .expected("alerts that ignore them")
    .fix(format!(
        "filter CloudTrail alerts on requestParameters.encryptionContext.associatedData = Y21lay12YWxpZGF0aW9u, \
         userIdentity.accountId = 915198916910 and resources ARN {arn}"
    ))
}

/// AWS-16: the pending window is visible only once deletion is scheduled; alarms live in
/// CloudWatch/EventBridge, which doctor does not read.
fn guardrails(k: &AwsKeyFacts) -> Finding {
    let title = "deletion guardrails: a 30-day pending window and an alarm on ScheduleKeyDeletion/DisableKey";
    match (&k.description.state, k.description.deletion_date) {
        (AwsKeyState::PendingDeletion, Some(when)) => {
            Finding::new("AWS-16", Severity::Medium, Status::Warn, KEY, title)
                .observed(format!("{} will be deleted on {}", k.description.arn, when.format("%Y-%m-%d")))
                .fix(format!("aws kms cancel-key-deletion --key-id {}", k.description.arn))
        }
        // Nothing doctor can see is wrong: advice, not an alarm on a healthy key.
        _ => Finding::info(
            "AWS-16",
            KEY,
            title,
            "KMS shows the pending window only once deletion is scheduled, and doctor does not read CloudWatch or \
             EventBridge alarms",
        )
        .fix(
            "alarm on kms ScheduleKeyDeletion and DisableKey in CloudTrail (EventBridge rule), and always schedule with \
             --pending-window-in-days 30",
        ),
    }
}

/// ANT-13 / AWS-04: the registered `kms_arn` must be the single-Region key ARN KMS reports.
fn registered_arn(f: &DoctorFacts, actual: &KmsKeyArn) -> Vec<Finding> {
    let Some(config) = f.registered.as_ref().and_then(|r| AwsKeyConfig::read(&r.config)) else { return Vec::new() };
    let registered = config.kms_arn.as_str();
    let id = f.registered.as_ref().map(|r| r.id.as_str()).unwrap_or_default();
    let title = format!("registered configuration {id} names the key KMS reports ({actual})");
    let fix =
        format!("register {actual} instead (only while unattached: delete {id} and re-run cmek setup --key {actual})");
    match registered.parse::<KmsKeyArn>() {
        Ok(r) if matches!(r.resource, KmsResource::Alias(_)) => vec![
            Finding::new(
                "AWS-04",
                Severity::High,
                Status::Fail,
                PLATFORM,
                "the registered kms_arn is a key ARN, not an alias ARN",
            )
            .observed(format!("{id} registers {registered}"))
            .expected(actual.to_string())
            .why("an alias can be repointed; the platform needs the key ARN itself")
            .fix(fix),
        ],
        Ok(r) if r == *actual => vec![Finding::pass("ANT-13", Severity::High, PLATFORM, title)],
        Ok(r) => {
            let mut diffs = Vec::new();
            if r.region != actual.region {
                diffs.push(format!("region {} vs {}", r.region, actual.region));
            }
            if r.account != actual.account {
                diffs.push(format!("account {} vs {}", r.account, actual.account));
            }
            if r.key_id() != actual.key_id() {
                diffs.push("another key id".to_string());
            }
            vec![
                Finding::new("ANT-13", Severity::High, Status::Fail, PLATFORM, title)
                    .observed(format!("{id} registers {registered} ({})", diffs.join(", ")))
                    .expected(actual.to_string())
                    .why("Anthropic uses the registered ARN: it reaches another key, or none")
                    .fix(fix),
            ]
        }
        Err(e) => vec![
            Finding::new("ANT-13", Severity::High, Status::Fail, PLATFORM, title)
                .observed(format!("{id} registers `{registered}`: {e}"))
                .expected(actual.to_string())
                .fix(fix),
        ],
    }
}

/// AWS-12: doctor cannot read Resource Control Policies itself; a passing validation shows none
/// denies Anthropic, and a failing one names an RCP when one does (the validation mapping).
fn rcp(v: &ValidationFacts) -> Finding {
    let title = "no Resource Control Policy denies Anthropic's role";
    match v {
        ValidationFacts::Done(val) if val.ok => Finding::pass("AWS-12", Severity::High, aws_policy::GROUP, title),
        _ => Finding::unknown(
            "AWS-12",
            Severity::High,
            aws_policy::GROUP,
            title,
            "doctor does not read AWS Organizations policies, and no passing validation shows the RCPs let Anthropic \
             through",
        )
        .fix("aws organizations list-policies --filter RESOURCE_CONTROL_POLICY (from the management account)"),
    }
}

fn unknown_all(why: &str) -> Vec<Finding> {
    [
        ("AWS-01", Severity::Critical, KEY, "key is enabled"),
        ("AWS-02", Severity::Critical, KEY, "key is not scheduled for deletion"),
        ("AWS-03", Severity::High, KEY, "key is a customer-managed symmetric ENCRYPT_DECRYPT key"),
        ("AWS-04", Severity::High, KEY, "key is single-Region"),
        ("ANT-12", Severity::High, KEY, "key Region is supported (US)"),
        ("AWS-05", Severity::High, aws_policy::GROUP, "the key policy grants Anthropic's role Encrypt/Decrypt"),
        ("AWS-07", Severity::High, aws_policy::GROUP, "Anthropic's grant is bound to your organisation"),
        ("AWS-08", Severity::High, aws_policy::GROUP, "the key policy grants nothing over-broad"),
    ]
    .into_iter()
    .map(|(id, sev, group, title)| Finding::unknown(id, sev, group, title, format!("the key could not be read: {why}")))
    .collect()
}
