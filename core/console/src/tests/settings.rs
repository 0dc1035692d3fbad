//! Settings as staff change them: the role's limits by field, every problem at once, the file
//! keeping its comments, each change audited with its old and new value.

use super::{Fixture, STAFF_PIN, TECH_PIN};
use crate::ConsoleError;
use crate::settings::Edit;

const KIOSK: &str = r#"# Kiosk 07, outpatient hall.
[merchant]
appid = "wxd930ea5d5a258f4f"
mch_id = "1900000109"

[store]
store_id = "HOSP-001-F1"   # as WeChat's merchant platform has it
store_name = "市第一人民医院"

[device]
device_id = "KIOSK-07"

[endpoints]
payapp = "http://127.0.0.1:8080"
api_mch = "http://127.0.0.1:8080/"

[keys]
apiv2_key_file = "apiv2.key"
merchant_private_key = "apiclient_key.pem"
merchant_certificate = "apiclient_cert.pem"
wechatpay_public_key = "pub_key.pem"
wechatpay_public_key_id = "PUB_KEY_ID_0119000001092025112400000000000001"

[terminal]
serial = "T1"
pairing_key_file = "pairing.key"
"#;

fn with_config() -> Fixture {
    let f = Fixture::new();
    let key = f.dir.path().join("pairing.key");
    std::fs::write(&key, format!("{}\n", "c3".repeat(32))).unwrap();
    std::fs::write(f.console.config_path(), KIOSK).unwrap();
    #[cfg(unix)]
    for path in [&key, &f.console.config_path().to_path_buf()] {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    f
}

fn edit(key: &str, value: &str) -> Edit {
    Edit {
        key: key.into(),
        value: value.into(),
    }
}

fn config(f: &Fixture) -> String {
    std::fs::read_to_string(f.console.config_path()).unwrap()
}

#[test]
fn staff_change_the_store_and_device_ids_and_the_file_keeps_its_comments() {
    let f = with_config();
    f.enter(STAFF_PIN, 0);
    let edits = [
        edit("store.store_id", "HOSP-001-F2"),
        edit("device.device_id", "KIOSK-08"),
    ];
    let preview = f.console.preview(&edits, f.at(1)).unwrap();
    assert!(preview.problems.is_empty(), "{:?}", preview.problems);
    assert_eq!(preview.changes.len(), 2);
    assert_eq!(config(&f), KIOSK, "a preview saved something");

    let saved = f.console.save(&edits, f.at(2)).unwrap();
    assert_eq!(saved, preview.changes);
    let text = config(&f);
    assert!(text.contains("store_id = \"HOSP-001-F2\"   # as WeChat's merchant platform has it"));
    assert!(text.contains("device_id = \"KIOSK-08\""));
    assert!(text.starts_with("# Kiosk 07, outpatient hall."));
    let trail = f.console.audit_trail(f.at(3)).unwrap();
    let details: Vec<_> = trail.iter().filter_map(|l| l.detail.as_deref()).collect();
    assert!(
        details.contains(&"store.store_id: HOSP-001-F1 → HOSP-001-F2"),
        "{details:?}"
    );
    assert!(
        details.contains(&"device.device_id: KIOSK-07 → KIOSK-08"),
        "{details:?}"
    );
}

#[test]
fn every_problem_is_reported_by_field_and_nothing_is_saved() {
    let f = with_config();
    f.enter(STAFF_PIN, 0);
    let edits = [
        edit("store.store_id", &"S".repeat(40)),
        edit("kiosk.idle_timeout_secs", "soon"),
        edit("terminal.serial", "T2"),
        edit("keys.apiv2_key_file", "other.key"),
    ];
    let preview = f.console.preview(&edits, f.at(1)).unwrap();
    let fields: Vec<&str> = preview.problems.iter().map(|p| p.field.as_str()).collect();
    for field in [
        "store.store_id",
        "kiosk.idle_timeout_secs",
        "terminal.serial",
        "keys.apiv2_key_file",
    ] {
        assert!(fields.contains(&field), "{field} missing from {fields:?}");
    }
    assert!(preview.changes.is_empty());
    let refused = f.console.save(&edits, f.at(2)).unwrap_err();
    assert!(matches!(refused, ConsoleError::Invalid(_)), "{refused}");
    assert!(
        !refused.to_string().contains(&"S".repeat(40)),
        "a problem quotes the value"
    );
    assert_eq!(config(&f), KIOSK);
}

#[test]
fn only_a_technician_changes_how_the_terminal_is_reached() {
    let f = with_config();
    f.enter(STAFF_PIN, 0);
    let fields = f.console.settings(f.at(1)).unwrap();
    let serial = fields.iter().find(|v| v.key == "terminal.serial").unwrap();
    assert!(!serial.editable);
    assert_eq!(serial.value.as_deref(), Some("T1"));
    let store = fields.iter().find(|v| v.key == "store.store_id").unwrap();
    assert!(store.editable);
    let preview = f
        .console
        .preview(&[edit("terminal.serial", "T2")], f.at(2))
        .unwrap();
    assert_eq!(preview.problems[0].field, "terminal.serial");
    assert_eq!(preview.problems[0].rule, "only a technician may change it");

    f.console.leave();
    f.enter(TECH_PIN, 3);
    f.console
        .save(&[edit("terminal.serial", "T2")], f.at(4))
        .unwrap();
    assert!(config(&f).contains("serial = \"T2\""));
}

#[test]
fn no_settings_without_a_staff_session() {
    let f = with_config();
    assert!(matches!(
        f.console.settings(f.at(0)),
        Err(ConsoleError::NotEntered)
    ));
    assert!(matches!(
        f.console.save(&[edit("store.store_id", "X")], f.at(0)),
        Err(ConsoleError::NotEntered)
    ));
    assert_eq!(config(&f), KIOSK);
}

#[test]
fn key_files_are_shown_by_state_never_by_content() {
    let f = with_config();
    f.enter(STAFF_PIN, 0);
    let files = f.console.key_files(f.at(1)).unwrap();
    let state = |key: &str| {
        files
            .iter()
            .find(|v| v.key == key)
            .map(|v| v.state.clone())
            .unwrap_or_else(|| panic!("{key} not listed: {files:?}"))
    };
    assert_eq!(state("terminal.pairing_key_file"), "ok");
    assert_eq!(state("keys.apiv2_key_file"), "missing");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let key = f.dir.path().join("pairing.key");
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
        let files = f.console.key_files(f.at(2)).unwrap();
        let pairing = files
            .iter()
            .find(|v| v.key == "terminal.pairing_key_file")
            .unwrap();
        assert_eq!(pairing.state, "exposed");
        assert!(pairing.action.as_deref().unwrap().contains("chmod 600"));
    }
    let shown = format!("{files:?}");
    assert!(
        !shown.contains(&"c3".repeat(32)),
        "a key's content is shown"
    );
}
