//! `facekiosk-cli demo`: the headless session a technician (and `cargo xtask demo` without a
//! display) runs, end to end against the in-process sandbox.

use std::process::Command;

fn demo(args: &[&str]) -> (i32, String) {
    // Each run its own sandbox folder: first runs would race on making the keys.
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_facekiosk-cli"))
        .args(["demo", "--data-dir"])
        .arg(dir.path())
        .args(args)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap() + &String::from_utf8(out.stderr).unwrap();
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn the_default_patient_is_verified_and_only_the_masked_identity_is_printed() {
    let (code, out) = demo(&[]);
    assert_eq!(code, 0, "{out}");
    // The screens that wait for the patient; `preparing` passes in microseconds on a warm
    // kiosk and may be gone before it is printed.
    for screen in ["consent", "faceScan", "waitingConfirmation"] {
        assert!(out.contains(screen), "{screen} missing in\n{out}");
    }
    let last = out.lines().last().unwrap();
    assert!(last.contains("success: 张* 1101**********0036"), "{out}");
    assert!(
        !out.contains("张三") && !out.contains("110105198806120036"),
        "{out}"
    );
}

#[test]
fn a_registered_patient_is_welcomed_back() {
    let (code, out) = demo(&["--persona", "registered"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.lines().last().unwrap().contains("welcome back"),
        "{out}"
    );
    assert!(!out.contains("waitingConfirmation"), "{out}");
}

#[test]
fn declining_on_wechat_ends_on_the_refusal() {
    let (code, out) = demo(&["--decline-on-wechat"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.lines().last().unwrap().contains("CancelledAtWechat"),
        "{out}"
    );
}

#[test]
fn a_persona_who_refuses_is_told_as_refusing() {
    let (code, out) = demo(&["--persona", "declines"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("the patient declines on WeChat's screen"),
        "{out}"
    );
    assert!(
        out.lines().last().unwrap().contains("CancelledAtWechat"),
        "{out}"
    );
}

#[test]
fn an_unknown_persona_is_named() {
    let (code, out) = demo(&["--persona", "nobody"]);
    assert_eq!(code, 2);
    assert!(out.contains("no persona \"nobody\""), "{out}");
}
