//! `cmek --sandbox=<scenario> doctor --provider azure` on every Azure scenario: its catalogue id
//! fails, and a key set up by `cmek setup` passes.

use super::doctor_support::World;

#[test]
fn every_azure_scenario_fails_its_catalogue_id() {
    for (scenario, ids) in [
        ("azure-access-policy", &["AZ-01"][..]),
        ("azure-purge-protection-off", &["AZ-02"]),
        ("azure-public-access-disabled", &["AZ-03"]),
        ("azure-firewall-missing-range", &["AZ-04"]),
        ("azure-sp-missing", &["AZ-06"]),
        ("azure-role-wrong-scope", &["AZ-07"]),
        ("azure-key-too-small", &["AZ-09"]),
        ("azure-wrong-ops", &["AZ-09"]),
        ("azure-tag-missing", &["AZ-10"]),
        ("azure-key-expired", &["AZ-11"]),
        ("azure-key-deleted", &["AZ-12"]),
        ("azure-tenant-mismatch", &["AZ-13"]),
        ("azure-policy-deny-public", &["AZ-03", "AZ-16"]),
    ] {
        let r = World::new(scenario).doctor(true, &["--provider", "azure"]);
        assert_eq!(r.code, 1, "{scenario}: {r:?}");
        let failing = r.ids("fail");
        for id in ids {
            assert!(failing.contains(&id.to_string()), "{scenario}: expected {id} among {failing:?}");
        }
        let az16 = r.json()["findings"].as_array().unwrap().iter().find(|f| f["id"] == "AZ-16").cloned().unwrap();
        let expected = if scenario == "azure-policy-deny-public" { "fail" } else { "pass" };
        assert_eq!(az16["status"], expected, "{scenario}: AZ-16 from the Azure Policy assignments: {az16}");
    }
}

#[test]
fn a_retired_address_is_a_warning_beside_the_missing_range() {
    let r = World::new("azure-firewall-missing-range").doctor(true, &["--provider", "azure"]);
    assert!(r.ids("warn").contains(&"AZ-05".to_string()), "{r:?}");
}

#[test]
fn the_tenant_mismatch_is_explained_from_the_validation_text() {
    let r = World::new("azure-tenant-mismatch").doctor(true, &["--provider", "azure"]);
    let doc = r.json();
    assert_eq!(doc["validation"]["status"], "failure", "the registered configuration is found and validated: {r:?}");
    assert_eq!(doc["validation"]["explained_by"][0], "AZ-13", "{r:?}");
    let az13 =
        doc["findings"].as_array().unwrap().iter().find(|f| f["id"] == "AZ-13" && f["status"] == "fail").cloned();
    assert_eq!(az13.unwrap()["explains_validation"], true, "{r:?}");
}

#[test]
fn a_key_set_up_by_cmek_passes() {
    let world = World::new("default");
    let setup = world.setup("azure", &["--confirm-purge-protection", "cmek-sandbox"]);
    assert_eq!(setup.code, 0, "{setup:?}");
    let before = world.state_without_validation();
    let r = world.doctor(true, &[]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.ids("fail"), Vec::<String>::new(), "{r:?}");
    assert_eq!(r.json()["target"]["provider"], "azure");
    assert_eq!(r.json()["validation"]["status"], "success", "{r:?}");
    assert_eq!(world.state_without_validation(), before, "doctor changed the sandbox's state");
    assert!(!r.stdout.contains(&world.admin_key()) && !r.stderr.contains(&world.admin_key()));
}

#[test]
fn a_registered_key_whose_vault_was_deleted_fails_az12_with_the_recover_command() {
    for args in [&[][..], &["--provider", "azure", "--azure-vault", "cmek-sandbox"]] {
        let r = World::new("azure-vault-deleted").doctor(true, args);
        assert_eq!(r.code, 1, "{args:?}: {r:?}");
        let doc = r.json();
        let az12 = doc["findings"].as_array().unwrap().iter().find(|f| f["id"] == "AZ-12").cloned().unwrap();
        assert_eq!((az12["status"].as_str(), az12["severity"].as_str()), (Some("fail"), Some("critical")), "{az12}");
        let observed = az12["observed"].as_str().unwrap();
        assert!(observed.starts_with("vault cmek-sandbox was deleted on "), "{az12}");
        assert!(observed.contains(" and can be recovered until "), "{az12}");
        assert!(
            az12["fix"]
                .as_str()
                .unwrap()
                .starts_with("az keyvault recover --name cmek-sandbox --resource-group cmek-sandbox"),
            "{az12}"
        );
    }
}
