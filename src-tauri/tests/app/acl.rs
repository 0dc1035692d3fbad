//! The window may call exactly the app's commands and listen to events; nothing else.

use std::collections::BTreeSet;

use facekiosk_app::commands::COMMANDS;
use serde_json::{Value, json};

use crate::support::{TestKiosk, invoke, misconfigured, start};

const EVENT_PERMISSIONS: [&str; 2] = ["core:event:allow-listen", "core:event:allow-unlisten"];

fn quick_kiosk() -> TestKiosk {
    // No sandbox to start: these tests are about the ACL, which comes before any command.
    start(misconfigured())
}

fn refused_by_acl(answer: &Result<Value, Value>) -> bool {
    matches!(answer, Err(Value::String(m)) if m.contains("not allowed"))
}

/// The permissions a capability file grants the main window.
fn granted(file: &str) -> BTreeSet<String> {
    let path = format!("{}/capabilities/{file}", env!("CARGO_MANIFEST_DIR"));
    let capability: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("JSON");
    assert_eq!(capability["windows"], json!(["main"]), "{file}");
    capability["permissions"]
        .as_array()
        .expect("a list of permission names")
        .iter()
        .map(|p| p.as_str().expect("a plain permission name").to_owned())
        .collect()
}

#[test]
fn the_capabilities_grant_exactly_the_registered_commands() {
    let kiosk = granted("kiosk.json");
    let staff = granted("staff.json");
    // The staff mode's capability is its commands and nothing else.
    assert!(
        staff.iter().all(|p| p.starts_with("allow-staff-")),
        "{staff:?}"
    );
    assert!(kiosk.is_disjoint(&staff));
    let expected: BTreeSet<String> = COMMANDS
        .iter()
        .map(|c| format!("allow-{}", c.replace('_', "-")))
        .chain(EVENT_PERMISSIONS.map(String::from))
        .collect();
    assert_eq!(&kiosk | &staff, expected);
}

#[test]
fn every_registered_command_reaches_its_handler_from_the_main_window() {
    let kiosk = quick_kiosk();
    for command in COMMANDS {
        let answer = kiosk.invoke(command, json!({}));
        assert!(!refused_by_acl(&answer), "{command}: {answer:?}");
        let unknown = matches!(&answer, Err(Value::String(m)) if m.contains("not found"));
        assert!(!unknown, "{command}: {answer:?}");
    }
    assert_eq!(
        kiosk.invoke("ui_ready", json!({ "marks": [] })),
        Ok(Value::Null)
    );
}

#[test]
fn commands_outside_the_capability_are_refused() {
    let kiosk = quick_kiosk();
    // The UI listens; it never emits, and never touches the window.
    let listen = kiosk.invoke(
        "plugin:event|listen",
        json!({ "event": "session://view", "target": { "kind": "Any" }, "handler": 7 }),
    );
    assert!(listen.is_ok(), "{listen:?}");
    for (command, args) in [
        (
            "plugin:event|emit",
            json!({ "event": "session://view", "payload": {} }),
        ),
        ("plugin:window|close", json!({ "label": "main" })),
        (
            "plugin:window|set_fullscreen",
            json!({ "label": "main", "value": false }),
        ),
        ("plugin:webview|internal_toggle_devtools", json!({})),
    ] {
        let answer = kiosk.invoke(command, args);
        assert!(refused_by_acl(&answer), "{command}: {answer:?}");
    }
}

#[test]
fn another_window_gets_no_command() {
    let kiosk = quick_kiosk();
    let other = kiosk.other_window();
    for command in ["app_info", "session_view", "session_intent"] {
        let answer = invoke(&other, command, json!({}));
        assert!(refused_by_acl(&answer), "{command}: {answer:?}");
    }
}
