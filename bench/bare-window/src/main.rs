//! A Tauri window showing a static page, built as the kiosk is (release, the same tauri and
//! features, the same window settings and CSP): what any Tauri app costs on this machine, the
//! yardstick of the kiosk's cold start and idle memory in `cargo xtask bench --compare`.
//!
//! Like the kiosk, it writes the milliseconds from its start to the page's first paint to
//! `$FACEKIOSK_READY_FILE` (scripts/measure_startup.py waits for that file).

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

struct Started {
    at: Instant,
    reported: AtomicBool,
}

#[tauri::command]
fn ui_ready(started: tauri::State<'_, Started>) {
    if started.reported.swap(true, Ordering::SeqCst) {
        return;
    }
    let ms = started.at.elapsed().as_millis();
    if let Some(path) = std::env::var_os("FACEKIOSK_READY_FILE")
        && let Err(error) = std::fs::write(&path, format!("{ms}\n"))
    {
        eprintln!("bare-window: cannot write FACEKIOSK_READY_FILE: {error}");
    }
}

fn main() -> std::process::ExitCode {
    // First thing, as in the kiosk's main: the start counts from as close to exec as Rust sees.
    let at = Instant::now();
    let run = tauri::Builder::default()
        .manage(Started {
            at,
            reported: AtomicBool::new(false),
        })
        .invoke_handler(tauri::generate_handler![ui_ready])
        // The kiosk's cold-start milestones, in the kiosk's words, so that
        // scripts/measure_startup.py splits both starts the same way.
        .on_page_load(move |_, payload| {
            let ms = at.elapsed().as_millis();
            match payload.event() {
                tauri::webview::PageLoadEvent::Started => eprintln!("page load started at {ms} ms"),
                tauri::webview::PageLoadEvent::Finished => eprintln!("page loaded at {ms} ms"),
            }
        })
        .run(tauri::generate_context!());
    match run {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("bare-window: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
