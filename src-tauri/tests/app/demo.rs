//! The demo through IPC, as the screens drive it, against the real in-process sandbox.

use serde_json::{Value, json};

use crate::support::{TestKiosk, demo, shared_keys_dir, start};

fn consent(kiosk: &TestKiosk) -> Value {
    assert_eq!(kiosk.intent(json!({ "type": "start" })), Ok(Value::Null));
    let (view, _) = kiosk.wait_for_screen("consent");
    view["screen"]["consent"].clone()
}

#[test]
fn app_info_says_demo_with_the_sandbox_store() {
    let kiosk = demo();
    let info = kiosk.invoke("app_info", json!({})).expect("app_info");
    assert_eq!(info["mode"], "demo");
    assert_eq!(
        info["storeName"],
        facekiosk_sandbox::material::ids::STORE_NAME
    );
    assert_eq!(info["problems"], json!([]));
    assert_eq!(info["version"], env!("CARGO_PKG_VERSION"));

    let personas = kiosk.invoke("demo_personas", json!({})).expect("personas");
    let ids: Vec<_> = personas
        .as_array()
        .expect("an array")
        .iter()
        .map(|p| p["id"].clone())
        .collect();
    assert!(ids.contains(&json!("registered")), "{ids:?}");
}

#[test]
fn start_sends_the_consent_screen_as_an_event() {
    let kiosk = demo();
    let idle = kiosk
        .invoke("session_view", json!({}))
        .expect("session_view");
    assert_eq!(idle["screen"]["name"], "idle");

    let consent = consent(&kiosk);
    assert_eq!(consent["sha256"].as_str().map(str::len), Some(64));
    assert!(!consent["sections"].as_array().expect("sections").is_empty());
    let now = kiosk
        .invoke("session_view", json!({}))
        .expect("session_view");
    assert_eq!(now["screen"]["name"], "consent");
}

#[test]
fn a_refused_intent_crosses_as_code_and_message() {
    let kiosk = demo();
    let idle = kiosk.intent(json!({ "type": "agree", "consentSha256": "00" }));
    let error = idle.expect_err("agree while idle");
    assert_eq!(error["code"], "INTENT_NOT_NOW");
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains("agree")),
        "{error}"
    );

    consent(&kiosk);
    let stale = kiosk.intent(json!({ "type": "agree", "consentSha256": "0".repeat(64) }));
    assert_eq!(stale.expect_err("a wrong hash")["code"], "CONSENT_STALE");
    // Still on the consent screen: the patient can agree to the text shown.
    let now = kiosk
        .invoke("session_view", json!({}))
        .expect("session_view");
    assert_eq!(now["screen"]["name"], "consent");
}

#[test]
fn a_malformed_intent_is_refused_before_the_kiosk() {
    let kiosk = demo();
    let error = kiosk
        .intent(json!({ "type": "fly" }))
        .expect_err("unknown intent");
    assert!(
        error.as_str().is_some_and(|e| e.contains("intent")),
        "{error}"
    );
}

#[test]
fn a_patient_registers_through_the_demo_and_only_masked_data_crosses() {
    let kiosk = demo();
    let sha = consent(&kiosk)["sha256"].clone();
    assert_eq!(
        kiosk.intent(json!({ "type": "agree", "consentSha256": sha })),
        Ok(Value::Null)
    );
    kiosk.wait_for_screen("faceScan");
    let face = kiosk.demo_action("demo_present_face", json!({ "persona": "zhang-san" }));
    assert_eq!(face, Ok(Value::Null));
    kiosk.wait_for_screen("waitingConfirmation");
    assert_eq!(
        kiosk.demo_action("demo_wechat_screen", json!({ "confirm": true })),
        Ok(Value::Null)
    );
    let (success, before) = kiosk.wait_for_screen("success");

    let screen = &success["screen"];
    assert_eq!(screen["credentialType"], "residentId");
    let masked = screen["maskedName"].as_str().expect("a masked name");
    assert!(masked.starts_with('张') && masked.contains('*'), "{masked}");
    let everything = format!("{success} {}", Value::from(before));
    for personal in ["张三", "110105198806120036"] {
        assert!(!everything.contains(personal), "{personal} reached the UI");
    }
    assert_eq!(kiosk.intent(json!({ "type": "done" })), Ok(Value::Null));
    kiosk.wait_for_screen("idle");
}

#[test]
fn a_registered_patient_is_welcomed_back() {
    let kiosk = demo();
    let sha = consent(&kiosk)["sha256"].clone();
    kiosk
        .intent(json!({ "type": "agree", "consentSha256": sha }))
        .expect("agree");
    kiosk.wait_for_screen("faceScan");
    kiosk
        .demo_action("demo_present_face", json!({ "persona": "registered" }))
        .expect("present");
    let (back, _) = kiosk.wait_for_screen("welcomeBack");
    assert!(
        back["screen"]["patientRef"]
            .as_str()
            .is_some_and(|r| !r.is_empty())
    );
}

#[test]
fn the_terminal_status_arrives_as_an_event() {
    let kiosk = demo();
    let status = kiosk.wait_for_status(|s| s["state"] == "connected");
    assert!(
        status["detail"]
            .as_str()
            .is_some_and(|d| d.contains("bridge")),
        "{status}"
    );
}

#[test]
fn the_demo_buttons_say_when_the_terminal_is_not_waiting() {
    let kiosk = demo();
    let error = kiosk
        .invoke("demo_wechat_screen", json!({ "confirm": true }))
        .expect_err("nothing on WeChat's screen while idle");
    assert_eq!(error["code"], "DEMO_ACTION_FAILED");
}

#[test]
fn demo_settings_from_the_config_flag_apply_and_a_bad_one_is_named() {
    let dir = tempfile::tempdir().expect("temp dir");
    let settings = dir.path().join("settings.toml");
    std::fs::write(
        &settings,
        "[kiosk]\nlanguage = \"en\"\nidle_timeout_secs = 30\n",
    )
    .unwrap();
    let launch = |settings| {
        facekiosk_app::mode::Launch::Demo(facekiosk_app::mode::DemoLaunch {
            data_dir: dir.path().join("demo"),
            listen: None,
            keys_dir: Some(shared_keys_dir()),
            settings: Some(settings),
        })
    };
    let kiosk = start(launch(settings.clone()));
    let view = kiosk.invoke("session_view", json!({})).expect("view");
    assert_eq!(view["language"], "en", "{view}");

    std::fs::write(&settings, "[kiosk]\nlanguage = \"fr\"\n").unwrap();
    let kiosk = start(launch(settings));
    let info = kiosk.invoke("app_info", json!({})).expect("info");
    assert_eq!(info["mode"], "misconfigured", "{info}");
    assert!(
        info["problems"].to_string().contains("kiosk.language"),
        "{info}"
    );
}
