//! A start that hangs: the commands answer KIOSK_START_FAILED once the wait is over, instead
//! of leaving the screens on "loading" forever; a start that finishes late is used all the same.

#![cfg(unix)]

use std::io::Write;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use facekiosk_app::mode::{DemoLaunch, Launch};
use facekiosk_app::state::AppState;
use serde_json::json;

use crate::support::{invoke, shared_keys_dir, start_state};

#[test]
fn a_hanging_start_answers_start_failed_then_a_late_one_is_used() {
    let dir = tempfile::tempdir().expect("temp dir");
    // The demo reads its settings file first: a FIFO no one writes to holds the start there.
    let fifo = dir.path().join("settings.toml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let launch = Launch::Demo(DemoLaunch {
        data_dir: dir.path().join("demo"),
        listen: None,
        keys_dir: Some(shared_keys_dir()),
        settings: Some(fifo.clone()),
    });
    let limit = Duration::from_millis(300);
    let kiosk = start_state(AppState::new(launch, Instant::now()).with_start_timeout(limit));

    let asked = Instant::now();
    let window = kiosk.window.clone();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || tx.send(invoke(&window, "app_info", json!({}))));
    let answer = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("app_info answers: the wait for the start is bounded");
    let error = answer.expect_err("no kiosk");
    assert_eq!(error["code"], "KIOSK_START_FAILED", "{error}");
    assert!(asked.elapsed() >= limit / 2, "{:?}", asked.elapsed());
    // Counted from the start, not per call: past it, every command answers at once.
    let asked = Instant::now();
    let error = kiosk
        .invoke("session_view", json!({}))
        .expect_err("no kiosk");
    assert_eq!(error["code"], "KIOSK_START_FAILED", "{error}");
    assert!(asked.elapsed() < limit, "{:?}", asked.elapsed());

    // Not UTF-8: the settings cannot be read, and the start ends, late, as misconfigured.
    let mut writer = std::fs::OpenOptions::new()
        .write(true)
        .open(&fifo)
        .expect("open the FIFO");
    writer.write_all(&[0xff, 0xfe]).expect("write");
    drop(writer);
    let deadline = Instant::now() + Duration::from_secs(30);
    let info = loop {
        match kiosk.invoke("app_info", json!({})) {
            Ok(info) => break info,
            Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            Err(error) => panic!("still {error}"),
        }
    };
    assert_eq!(info["mode"], "misconfigured");
    let problem = info["problems"][0].as_str().expect("a problem");
    assert!(
        problem.ends_with("cannot be read (invalid data)"),
        "{problem}"
    );
}
