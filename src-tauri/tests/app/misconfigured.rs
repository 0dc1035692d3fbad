//! A configuration that does not load: the window opens and lists what to fix, never a value.

use std::path::Path;

use facekiosk_app::mode::{Args, Launch};
use serde_json::json;

use crate::support::start;

const SECRET_LOOKING: &str = "not-a-mch-id-S3CR3T";

#[test]
fn app_info_lists_the_problems_without_their_values() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("kiosk.toml");
    let text = format!("[merchant]\nappid = \"wx-bad\"\nmch_id = \"{SECRET_LOOKING}\"\n");
    std::fs::write(&path, text).expect("write");
    let args = Args {
        config: Some(path),
        ..Args::default()
    };
    let launch = Launch::resolve(args, None, Path::new("/nonexistent")).expect("no --demo");
    let kiosk = start(launch);

    let info = kiosk.invoke("app_info", json!({})).expect("app_info");
    assert_eq!(info["mode"], "misconfigured");
    let problems: Vec<&str> = info["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .filter_map(|p| p.as_str())
        .collect();
    for field in [
        "merchant.appid",
        "merchant.mch_id",
        "store.store_id",
        "device.device_id",
    ] {
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with(&format!("{field}: "))),
            "{field} missing from {problems:?}"
        );
    }
    assert!(!info.to_string().contains(SECRET_LOOKING), "{info}");
    assert!(!info.to_string().contains("wx-bad"), "{info}");

    let error = kiosk
        .invoke("session_view", json!({}))
        .expect_err("no session");
    assert_eq!(error["code"], "KIOSK_MISCONFIGURED");
    let error = kiosk
        .invoke("demo_personas", json!({}))
        .expect_err("no demo");
    assert_eq!(error["code"], "NOT_DEMO_MODE");
}

#[test]
fn a_named_file_that_is_missing_is_a_problem_not_the_demo() {
    let launch = Launch::resolve(
        Args {
            config: Some("/nonexistent/kiosk.toml".into()),
            ..Args::default()
        },
        None,
        Path::new("/nonexistent"),
    )
    .expect("no --demo");
    let kiosk = start(launch);
    let info = kiosk.invoke("app_info", json!({})).expect("app_info");
    assert_eq!(info["mode"], "misconfigured");
    assert_eq!(
        info["problems"],
        json!(["/nonexistent/kiosk.toml: cannot be read (entity not found)"])
    );
}

#[test]
fn a_configuration_whose_keys_cannot_be_read_opens_misconfigured() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("kiosk.toml");
    std::fs::write(&path, include_str!("valid-kiosk.toml")).expect("write");
    crate::support::write_pairing_key(dir.path());
    let launch =
        Launch::resolve(Args::default(), Some(path.clone().into()), &path).expect("no --demo");
    assert!(matches!(launch, Launch::Production { .. }), "{launch:?}");
    let kiosk = start(launch);

    let info = kiosk.invoke("app_info", json!({})).expect("app_info");
    assert_eq!(info["mode"], "misconfigured");
    let problems = info["problems"].as_array().expect("problems");
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0]
            .as_str()
            .is_some_and(|p| p.starts_with("keys: ")),
        "{problems:?}"
    );
}
