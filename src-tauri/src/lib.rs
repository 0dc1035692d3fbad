//! facekiosk-app: the kiosk's Tauri shell. A thin adapter: the window, the commands (a few
//! lines each, calling facekiosk-core), the events, the capabilities. Everything worth a test
//! of its own is in core.
//!
//! [`configure`] is the whole app on any Tauri runtime: [`run`] gives it the real one, the
//! tests give it the mock runtime.

pub mod commands;
pub mod error;
pub mod events;
mod logging;
pub mod mode;
pub mod state;

use std::time::Instant;

use tauri::{Manager, RunEvent, Runtime, WindowEvent};

use mode::Launch;
use state::AppState;

/// Lets the window close and the app exit (tests, the technician); otherwise the patient
/// cannot close the kiosk.
pub const ALLOW_CLOSE_ENV: &str = "FACEKIOSK_ALLOW_CLOSE";
/// `1` keeps WebKit's compositing; the default turns it off (see [`run`]).
pub const WEBKIT_COMPOSITING_ENV: &str = "FACEKIOSK_WEBKIT_COMPOSITING";

/// How the shell behaves, apart from what it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shell {
    pub allow_close: bool,
}

impl Shell {
    pub fn from_env() -> Shell {
        Shell {
            allow_close: std::env::var_os(ALLOW_CLOSE_ENV).is_some_and(|v| v == "1"),
        }
    }
}

/// The context from tauri.conf.json, capabilities/ and the embedded UI.
pub fn context<R: Runtime>() -> tauri::Context<R> {
    tauri::generate_context!()
}

/// The app: its state, commands, events and window behaviour.
pub fn configure<R: Runtime>(
    builder: tauri::Builder<R>,
    state: AppState,
    shell: Shell,
) -> tauri::Builder<R> {
    builder
        .manage(state)
        .manage(shell)
        .invoke_handler(commands::handler())
        .on_window_event(move |window, event| {
            if let WindowEvent::CloseRequested { api, .. } = event
                && !shell.allow_close
            {
                tracing::info!(window = window.label(), "close request refused (kiosk)");
                api.prevent_close();
            }
        })
        .setup(|app| {
            app.state::<AppState>().start();
            events::forward(app.handle().clone());
            Ok(())
        })
}

/// Whether the app may exit now (the last window closed, or an exit was asked for).
pub fn on_run_event<R: Runtime>(app: &tauri::AppHandle<R>, event: RunEvent) {
    if let RunEvent::ExitRequested { api, .. } = event
        && !app.state::<Shell>().allow_close
    {
        tracing::info!("exit request refused (kiosk)");
        api.prevent_exit();
    }
}

pub fn run(started: Instant) {
    webkit_environment();
    logging::init();
    let launch = Launch::from_env();
    let shell = Shell::from_env();
    // Registered first, so a second launch hands over before anything else starts. On Linux it
    // needs a D-Bus session bus; without one a second instance runs.
    let builder =
        tauri::Builder::default().plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            tracing::info!("second launch: focusing the kiosk window");
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.set_focus();
            }
        }));
    let state = AppState::new(launch, started);
    let app = configure(builder, state, shell).build(context());
    match app {
        Ok(app) => app.run(on_run_event),
        Err(error) => {
            tracing::error!("the kiosk window cannot be created: {error}");
            std::process::exit(1);
        }
    }
}

/// Accelerated compositing off unless asked for: measured here, idle PSS 281 -> 208 MB and a
/// faster first paint, and it avoids the blank windows of the DMA-BUF renderer on some GPUs.
#[allow(unsafe_code)]
fn webkit_environment() {
    let keep = std::env::var_os(WEBKIT_COMPOSITING_ENV).is_some_and(|v| v == "1");
    if !keep && std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        // SAFETY: called first thing in `run`, from `main`, before this process starts any
        // other thread; nothing reads the environment concurrently.
        unsafe { std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1") };
    }
}
