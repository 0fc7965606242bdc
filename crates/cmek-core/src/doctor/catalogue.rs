//! Why each catalogue id matters and its Terraform equivalent (`doctor-catalogue.md`), added to
//! the findings that do not pass when their rule did not say it itself. The platform's ids are
//! here; each cloud answers for its own (`doctor/<cloud>/catalogue.rs`). Pure.

use crate::clouds;

use super::{Finding, Status};

/// Why it matters, by id, for the platform's own ids.
fn why(id: &str) -> Option<&'static str> {
    Some(match id {
        "ANT-04" | "ANT-03" => "a condition value that is not the real UUID matches no request: Anthropic is refused",
        "ANT-05" => "after attaching, every request for the workspace would be denied",
        "ANT-10" => "an unattached configuration protects nothing",
        "ANT-12" => "Anthropic serves CMEK only from supported regions: validation fails elsewhere",
        "ANT-13" => "Anthropic uses what is registered: a mismatch reaches another key, or none",
        "GEN-01" => "changes and reads land in another account or tenant than the key's",
        "GEN-04" => "revoking a shared key affects every organisation or workspace that uses it",
        _ => return None,
    })
}

/// How close to the root of a failure an id is (lower: lead with it). The platform's own: its
/// access first (nothing can be read without it), the region, and the registration and validation
/// last, because they follow from the key being right. Each cloud orders its own ids.
pub fn cause_order(id: &str) -> u8 {
    let platform = match id {
        "ANT-01" => Some(0),
        "ANT-02" => Some(1),
        "GEN-01" => Some(5),
        "ANT-12" => Some(14),
        "ANT-11" => Some(22),
        "ANT-04" => Some(26),
        "ANT-03" => Some(27),
        "ANT-05" => Some(28),
        "GEN-04" => Some(40),
        "ANT-13" => Some(80),
        "ANT-07" => Some(85),
        "ANT-06" => Some(90),
        _ => None,
    };
    platform.or_else(|| clouds::all().iter().find_map(|c| c.cause_order(id))).unwrap_or(50)
}

/// Fills `why` and `terraform` on findings that do not pass, where the rule left them empty.
pub fn annotate(findings: &mut [Finding]) {
    for f in findings.iter_mut().filter(|f| matches!(f.status, Status::Fail | Status::Warn)) {
        if f.why.is_none() {
            f.why = why(f.id).or_else(|| clouds::all().iter().find_map(|c| c.why(f.id))).map(str::to_string);
        }
        if f.terraform.is_none() {
            f.terraform = clouds::all().iter().find_map(|c| c.terraform(f.id)).map(str::to_string);
        }
    }
}
