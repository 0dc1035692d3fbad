//! facekiosk-app: the kiosk's Tauri shell. A thin adapter: the window, the commands (a few
//! lines each, calling the kiosk that facekiosk-session runs), the events, the capabilities.
//! Everything worth a test of its own is in the core crates (docs/architecture.md).
//!
//! [`configure`] and [`on_run_event`] are the whole app on any Tauri runtime: [`run`] gives
//! them the real one, the tests give them the mock runtime.

pub mod commands;
pub mod error;
pub mod events;
pub mod forward;
pub mod instance;
mod logging;
pub mod mode;
pub mod navigation;
pub mod startup;
pub mod state;

use std::time::Instant;

use tauri::webview::PageLoadEvent;
use tauri::{Manager, RunEvent, Runtime, WindowEvent};

use instance::{InstanceLock, LockError};
use mode::Launch;
use state::AppState;

/// `1` lets the window close and the app exit; otherwise the patient cannot close the kiosk.
///
/// Honoured in release builds too, on purpose. Only whoever launches the process sets its
/// environment (the kiosk session's autostart, a technician's shell), never the patient at the
/// touchscreen, and whoever launches it can stop it anyway: the variable gives nothing away.
/// Two of its users run the release binary: a technician closing the shipped kiosk from the
/// window manager during maintenance, and scripts/measure_startup.py; tests and `cargo xtask
/// demo` use it on debug builds.
pub const ALLOW_CLOSE_ENV: &str = "FACEKIOSK_ALLOW_CLOSE";
/// `1` keeps WebKit's compositing; the default turns it off (see [`run`]).
pub const WEBKIT_COMPOSITING_ENV: &str = "FACEKIOSK_WEBKIT_COMPOSITING";
/// The exit status of a launch that finds a kiosk already running.
pub const EXIT_ALREADY_RUNNING: i32 = 3;

/// Whether the window may close and the app exit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClosePolicy {
    /// The kiosk: close requests on the window and exit requests are refused (the window is
    /// also made not closable, minimizable or maximizable: tauri.conf.json).
    Refuse,
    /// `FACEKIOSK_ALLOW_CLOSE=1`: closes and exits as any app.
    Allow,
}

impl ClosePolicy {
    pub fn from_env() -> ClosePolicy {
        if std::env::var_os(ALLOW_CLOSE_ENV).is_some_and(|v| v == "1") {
            ClosePolicy::Allow
        } else {
            ClosePolicy::Refuse
        }
    }

    pub fn allows_close(self) -> bool {
        self == ClosePolicy::Allow
    }
}

/// The context from tauri.conf.json, capabilities/ and the embedded UI.
pub fn context<R: Runtime>() -> tauri::Context<R> {
    tauri::generate_context!()
}

/// The app: its state, commands, events and navigation guard; run it with [`on_run_event`].
pub fn configure<R: Runtime>(
    builder: tauri::Builder<R>,
    state: AppState,
    policy: ClosePolicy,
) -> tauri::Builder<R> {
    builder
        .plugin(navigation::guard())
        .manage(state)
        .manage(policy)
        .invoke_handler(commands::handler())
        .on_page_load(|webview, payload| {
            // Milestones of the cold start (scripts/measure_startup.py splits it by them).
            let ms = webview.state::<AppState>().started().elapsed().as_millis();
            match payload.event() {
                PageLoadEvent::Started => tracing::info!("page load started at {ms} ms"),
                PageLoadEvent::Finished => tracing::info!("page loaded at {ms} ms"),
            }
        })
        .setup(move |app| {
            if policy.allows_close()
                && let Some(window) = app.get_webview_window("main")
            {
                // tauri.conf.json makes it not closable, for the kiosk; the window manager's
                // close is the way out here.
                if let Err(error) = window.set_closable(true) {
                    tracing::warn!("the window stays not closable: {error}");
                }
            }
            app.state::<AppState>().start();
            forward::forward(app.handle().clone());
            Ok(())
        })
}

/// The run loop's events: under [`ClosePolicy::Refuse`], a window's close request is refused
/// (the window manager's close, Alt+F4), and so is a request to exit, whether the last window
/// went away or an exit was asked for (`AppHandle::exit`). Here rather than in a window event
/// handler: every runtime, the mock one of the tests included, sends the close request here.
pub fn on_run_event<R: Runtime>(app: &tauri::AppHandle<R>, event: RunEvent) {
    if app.state::<ClosePolicy>().allows_close() {
        return;
    }
    match event {
        RunEvent::WindowEvent {
            label,
            event: WindowEvent::CloseRequested { api, .. },
            ..
        } => {
            tracing::info!(window = label, "close request refused (kiosk)");
            api.prevent_close();
        }
        RunEvent::ExitRequested { api, code, .. } => {
            tracing::info!(?code, "exit request refused (kiosk)");
            api.prevent_exit();
        }
        _ => {}
    }
}

pub fn run(started: Instant) {
    webkit_environment();
    logging::init();
    let launch = Launch::from_env();
    let policy = ClosePolicy::from_env();
    // Registered first, so a second launch hands over before anything else starts. On Linux it
    // needs a D-Bus session bus; without one it does nothing, and the instance lock below
    // stops a second launch instead.
    let builder =
        tauri::Builder::default().plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            tracing::info!("second launch: focusing the kiosk window");
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.set_focus();
            }
        }));
    let state = AppState::new(launch, started);
    let app = match configure(builder, state, policy).build(context()) {
        Ok(app) => app,
        Err(error) => {
            tracing::error!("the kiosk window cannot be created: {error}");
            std::process::exit(1);
        }
    };
    tracing::info!("app built at {} ms", started.elapsed().as_millis());
    // Built, not yet run: no window yet, and the kiosk (the demo's data dir, the terminal)
    // starts only in the setup, which `run` calls.
    if let Some(lock) = lock_instance(&app) {
        app.manage(lock);
    }
    app.run(on_run_event);
}

/// The instance lock, in the app's data directory. A kiosk already running ends this process;
/// a lock that cannot be made at all (no home, a read-only disk) is logged and the kiosk runs
/// without it, as with the plugin alone: better a kiosk than a black screen.
fn lock_instance<R: Runtime>(app: &tauri::App<R>) -> Option<InstanceLock> {
    let dir = match app.path().app_data_dir() {
        Ok(dir) => dir,
        Err(error) => {
            tracing::error!("no data directory for the instance lock, running without: {error}");
            return None;
        }
    };
    match InstanceLock::acquire(&dir.join(instance::LOCK_FILE)) {
        Ok(lock) => Some(lock),
        Err(error @ LockError::Held { .. }) => {
            tracing::error!("{error}");
            std::process::exit(EXIT_ALREADY_RUNNING);
        }
        Err(error) => {
            tracing::error!("running without the instance lock: {error}");
            None
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
