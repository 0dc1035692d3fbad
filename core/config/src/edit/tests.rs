use std::path::{Path, PathBuf};

use proptest::prelude::*;

use super::*;

mod file;

/// A kiosk's file as a technician leaves it: comments, blank lines, aligned values.
const KIOSK: &str = r#"# Kiosk 07, outpatient hall, first floor.
# Changed by staff mode too: keep this file's comments.

[merchant]
appid = "wxd930ea5d5a258f4f"   # the hospital's official account
mch_id = "1900000109"

[store]
store_id = "HOSP-001-F1"
store_name = "市第一人民医院 门诊一楼"  # shown on WeChat's screen

[device]
device_id = "KIOSK-07"

[endpoints]
payapp = "http://127.0.0.1:8080"
api_mch = "http://127.0.0.1:8080/"

[keys]
apiv2_key_file = "apiv2.key"
merchant_private_key = "apiclient_key.pem"
merchant_certificate = "/etc/facekiosk/apiclient_cert.pem"
wechatpay_public_key = "pub_key.pem"
wechatpay_public_key_id = "PUB_KEY_ID_0119000001092025112400000000000001"

[proxy]
url = "socks5://10.1.2.3:1080"
username = "kiosk"
password = "hunter2-secret"

[kiosk]
language = "zh-CN"
idle_timeout_secs   = 60    # the elderly read slowly
elder_time_factor = 1.5

# The terminal on the left USB port.
[terminal]
serial = "T1"
pairing_key_file = "pairing.key"
"#;

/// A folder holding the kiosk's file (mode 600) and its pairing key.
fn kiosk_dir() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("pairing.key");
    std::fs::write(&key, format!("{}\n", "c3".repeat(32))).unwrap();
    let file = dir.path().join("kiosk.toml");
    std::fs::write(&file, KIOSK).unwrap();
    #[cfg(unix)]
    for path in [&key, &file] {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    (dir, file)
}

fn edits(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn fields_of(problems: &[Problem]) -> Vec<&str> {
    problems.iter().map(|p| p.field.as_str()).collect()
}

#[test]
fn a_change_rewrites_only_its_value_keeping_comments_and_order() {
    let (_dir, file) = kiosk_dir();
    let mut draft = Draft::open(&file).unwrap();
    let changes = draft
        .apply(&edits(&[
            ("store.store_name", "市第一人民医院 门诊二楼"),
            ("kiosk.idle_timeout_secs", "90"),
        ]))
        .unwrap();
    let expected = KIOSK
        .replace("门诊一楼\"", "门诊二楼\"")
        .replace("= 60    #", "= 90    #");
    assert_eq!(draft.text(), expected);
    assert_eq!(
        changes,
        vec![
            Change {
                key: "store.store_name".into(),
                old: Some("市第一人民医院 门诊一楼".into()),
                new: Some("市第一人民医院 门诊二楼".into()),
            },
            Change {
                key: "kiosk.idle_timeout_secs".into(),
                old: Some("60".into()),
                new: Some("90".into()),
            },
        ]
    );
    draft.save().unwrap();
    assert_eq!(std::fs::read_to_string(&file).unwrap(), expected);
    let settings = crate::load(&file).unwrap();
    assert_eq!(settings.wxpay.store.store_name, "市第一人民医院 门诊二楼");
}

#[test]
fn every_problem_is_reported_at_once_by_field() {
    let (_dir, file) = kiosk_dir();
    let mut draft = Draft::open(&file).unwrap();
    let problems = draft
        .apply(&edits(&[
            ("kiosk.idle_timeout_secs", "sixty"),
            ("kiosk.language", "fr"),
            ("kiosk.elder_time_factor", "NaN"),
            ("store.store_id", &"X".repeat(40)),
            ("merchant.appid", "1234"),
            ("terminal.call_timeout_secs", "1000"),
        ]))
        .unwrap_err();
    let fields = fields_of(&problems);
    for field in [
        "kiosk.idle_timeout_secs",
        "kiosk.language",
        "kiosk.elder_time_factor",
        "store.store_id",
        "merchant.appid",
        "terminal.call_timeout_secs",
    ] {
        assert!(fields.contains(&field), "{field} missing from {problems:?}");
    }
    let rule = |f: &str| &problems.iter().find(|p| p.field == f).unwrap().rule;
    assert_eq!(rule("kiosk.idle_timeout_secs"), "must be a whole number");
    assert_eq!(rule("kiosk.language"), "must be one of: zh-CN, en");
    assert_eq!(
        rule("terminal.call_timeout_secs"),
        "must be between 5 and 120"
    );
    for p in &problems {
        assert!(!p.rule.contains("sixty") && !p.rule.contains("XXXX") && !p.rule.contains("fr"));
    }
}

#[test]
fn a_refused_edit_leaves_the_draft_and_the_file_as_they_were() {
    let (_dir, file) = kiosk_dir();
    let mut draft = Draft::open(&file).unwrap();
    // One good edit beside a bad one: neither is applied.
    draft
        .apply(&edits(&[
            ("store.store_name", "门诊二楼"),
            ("kiosk.warning_secs", "600"),
        ]))
        .unwrap_err();
    assert_eq!(draft.text(), KIOSK);
    assert_eq!(
        draft.value("store.store_name").unwrap(),
        "市第一人民医院 门诊一楼"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), KIOSK);
    // Breaking a rule across fields is caught too: the warning must be shorter than the idle
    // timeout, whichever of the two is edited.
    let problems = draft
        .apply(&edits(&[
            ("kiosk.idle_timeout_secs", "10"),
            ("kiosk.warning_secs", "20"),
        ]))
        .unwrap_err();
    assert_eq!(fields_of(&problems), ["kiosk.warning_secs"]);
    assert_eq!(draft.text(), KIOSK);
}

#[test]
fn an_empty_value_removes_the_field_and_the_default_applies() {
    let (_dir, file) = kiosk_dir();
    let mut draft = Draft::open(&file).unwrap();
    let changes = draft
        .apply(&edits(&[("kiosk.idle_timeout_secs", "")]))
        .unwrap();
    assert_eq!(
        changes,
        vec![Change {
            key: "kiosk.idle_timeout_secs".into(),
            old: Some("60".into()),
            new: None,
        }]
    );
    assert!(!draft.text().contains("idle_timeout_secs"));
    assert_eq!(draft.value("kiosk.idle_timeout_secs"), None);
    let settings = crate::parse(&draft.text(), file.parent().unwrap()).unwrap();
    let default = facekiosk_session::KioskSettings::with_records(Path::new("/"));
    assert_eq!(settings.kiosk.idle_timeout, default.idle_timeout);
    // A required field cannot be removed.
    let problems = draft.apply(&edits(&[("store.store_id", "")])).unwrap_err();
    assert_eq!(fields_of(&problems), ["store.store_id"]);
    assert_eq!(problems[0].rule, "is required");
}

#[test]
fn an_edit_to_the_current_value_is_no_change() {
    let (_dir, file) = kiosk_dir();
    let mut draft = Draft::open(&file).unwrap();
    let changes = draft
        .apply(&edits(&[
            ("kiosk.idle_timeout_secs", " 60"),
            ("kiosk.elder_time_factor", "1.50"),
            ("kiosk.language", "zh-CN"),
            ("store.store_name", "市第一人民医院 门诊一楼"),
            ("kiosk.warning_secs", ""),
        ]))
        .unwrap();
    assert_eq!(changes, vec![]);
    assert_eq!(draft.text(), KIOSK);
}

#[test]
fn keys_outside_the_list_are_refused_by_name_and_never_read() {
    let (_dir, file) = kiosk_dir();
    let mut draft = Draft::open(&file).unwrap();
    let refused = [
        "proxy.password",
        "keys.apiv2_key_file",
        "terminal.pairing_key_file",
        "his.bearer_token_file",
        "his.client_key",
        "store.nonsense",
        "store",
    ];
    let pairs: Vec<_> = refused
        .iter()
        .map(|k| (k.to_string(), "x".into()))
        .collect();
    let problems = draft.apply(&pairs).unwrap_err();
    assert_eq!(fields_of(&problems), refused);
    assert!(
        problems
            .iter()
            .all(|p| p.rule == "is not a setting staff can change")
    );
    assert_eq!(draft.value("proxy.password"), None);
    assert_eq!(draft.text(), KIOSK);
}

#[test]
fn a_field_of_a_missing_section_creates_it_at_the_end() {
    let (_dir, file) = kiosk_dir();
    let mut draft = Draft::open(&file).unwrap();
    let changes = draft
        .apply(&edits(&[
            ("his.patient_number_visible", "4"),
            ("facemch.info_type", "ASK_REAL_NAME_TEL"),
        ]))
        .unwrap();
    assert_eq!(changes.len(), 2);
    let expected = format!(
        "{KIOSK}\n[his]\npatient_number_visible = 4\n\n[facemch]\ninfo_type = \"ASK_REAL_NAME_TEL\"\n"
    );
    assert_eq!(draft.text(), expected);
    let settings = crate::parse(&draft.text(), file.parent().unwrap()).unwrap();
    assert_eq!(settings.his.patient_number_visible, Some(4));
}

#[test]
fn kinds_are_written_as_the_reader_wants_them() {
    let (_dir, file) = kiosk_dir();
    let mut draft = Draft::open(&file).unwrap();
    draft
        .apply(&edits(&[
            ("kiosk.elder_time_factor", "2"),
            ("kiosk.warning_secs", "15"),
        ]))
        .unwrap();
    // A new field goes after the last of its section, before the next section's comment.
    let expected = KIOSK.replace(
        "elder_time_factor = 1.5\n",
        "elder_time_factor = 2.0\nwarning_secs = 15\n",
    );
    assert_eq!(draft.text(), expected);
    assert_eq!(draft.value("kiosk.elder_time_factor").as_deref(), Some("2"));
    // A switch is a TOML boolean.
    let mut doc: DocumentMut = "[his]\n".parse().unwrap();
    write(
        &mut doc,
        "his.register",
        typed(field("his.register").unwrap().kind, "true").unwrap(),
    )
    .unwrap();
    assert_eq!(doc.to_string(), "[his]\nregister = true\n");
}

#[cfg(unix)]
#[test]
fn every_listed_field_is_one_the_loader_reads() {
    let (_dir, file) = kiosk_dir();
    for spec in FIELDS {
        let mut draft = Draft::open(&file).unwrap();
        let text = match spec.kind {
            FieldKind::Text => "x",
            FieldKind::Integer | FieldKind::Number => "5",
            FieldKind::Choice(words) => words[0],
        };
        let problems = match draft.apply(&edits(&[(spec.key, text)])) {
            Ok(_) => continue,
            Err(problems) => problems,
        };
        assert!(
            problems
                .iter()
                .all(|p| !p.rule.starts_with("is not a known")),
            "{}: {problems:?}",
            spec.key
        );
    }
}

#[test]
fn the_screen_shows_the_hospital_fields_of_the_files_adapter() {
    let (_dir, file) = kiosk_dir();
    std::fs::write(&file, format!("{KIOSK}\n[his]\nadapter = \"fhir\"\n")).unwrap();
    let keys: Vec<_> = Draft::open(&file)
        .unwrap()
        .shown()
        .iter()
        .map(|f| f.key)
        .collect();
    assert!(keys.contains(&"his.base_url") && keys.contains(&"his.retries"));
    assert!(!keys.contains(&"his.url") && !keys.contains(&"his.sender_id"));
    assert!(keys.contains(&"store.store_name"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_store_name_validates_or_is_reported_by_name(name in any::<String>()) {
        let (_dir, file) = kiosk_dir();
        let mut draft = Draft::open(&file).unwrap();
        match draft.apply(&[("store.store_name".into(), name.clone())]) {
            Ok(_) => {
                let settings = crate::parse(&draft.text(), file.parent().unwrap()).unwrap();
                let expected = if name.is_empty() { None } else { Some(name.as_str()) };
                prop_assert_eq!(expected.is_none(), draft.value("store.store_name").is_none());
                if let Some(name) = expected {
                    prop_assert_eq!(settings.wxpay.store.store_name.as_str(), name);
                }
            }
            Err(problems) => {
                prop_assert!(problems.iter().all(|p| p.field == "store.store_name"), "{:?}", problems);
                prop_assert_eq!(draft.text(), KIOSK);
            }
        }
    }
}

#[test]
fn the_key_files_named_are_listed_where_they_resolve_and_never_as_values() {
    let (_dir, path) = kiosk_dir();
    let draft = Draft::open(&path).unwrap();
    let files = draft.key_files();
    let base = path.parent().unwrap();
    assert!(
        files.contains(&("keys.apiv2_key_file", base.join("apiv2.key"))),
        "{files:?}"
    );
    assert!(files.contains(&("terminal.pairing_key_file", base.join("pairing.key"))));
    // An absolute path stays as written.
    assert!(files.contains(&(
        "keys.merchant_certificate",
        PathBuf::from("/etc/facekiosk/apiclient_cert.pem")
    )));
    // A key file is not a setting staff can read or change.
    assert_eq!(draft.value("keys.apiv2_key_file"), None);
}
