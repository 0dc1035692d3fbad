//! The whole app on Tauri's mock runtime, with the real context (tauri.conf.json, the
//! capability, the ACL that build.rs declared), driven through IPC as the UI drives it.

// Much of this drives the demo, which a build without the `demo` feature does not have.
#![cfg_attr(not(feature = "demo"), allow(dead_code, unused_imports))]

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

#[cfg(feature = "demo")]
use facekiosk_app::mode::DemoLaunch;
use facekiosk_app::mode::Launch;
use facekiosk_app::state::AppState;
use facekiosk_app::{ClosePolicy, configure, context, events};
use serde_json::{Value, json};
use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder};
use tauri::webview::InvokeRequest;
use tauri::{App, Listener, Manager, WebviewWindow, WebviewWindowBuilder};
use tempfile::TempDir;

/// How long a step of the demo may take (generous: 2 shared cores, debug build).
const PATIENCE: Duration = Duration::from_secs(30);

pub struct TestKiosk {
    pub app: App<MockRuntime>,
    pub window: WebviewWindow<MockRuntime>,
    views: mpsc::Receiver<Value>,
    statuses: mpsc::Receiver<Value>,
    _dir: Option<TempDir>,
}

/// The demo: the real sandbox and simulated terminal in-process.
#[cfg(feature = "demo")]
pub fn demo() -> TestKiosk {
    let dir = tempfile::tempdir().expect("temp dir");
    let launch = Launch::Demo(DemoLaunch {
        data_dir: dir.path().join("demo"),
        listen: None,
        keys_dir: Some(shared_keys_dir()),
        settings: None,
    });
    let mut kiosk = start(launch);
    kiosk._dir = Some(dir);
    kiosk
}

/// A kiosk whose configuration does not load: no sandbox to start, for tests of the shell.
pub fn misconfigured() -> Launch {
    Launch::Misconfigured {
        path: "/nonexistent".into(),
        problems: vec!["merchant.appid: is required".into()],
    }
}

/// Key generation takes seconds: made once for all tests (the sandbox makes the directory
/// atomically, so parallel tests may race for it).
#[cfg(feature = "demo")]
pub fn shared_keys_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("facekiosk-app-sandbox-keys")
}

pub fn start(launch: Launch) -> TestKiosk {
    start_state(AppState::new(launch, Instant::now()))
}

/// The app with this state; closes and exits allowed (close.rs tests the kiosk's refusal).
pub fn start_state(state: AppState) -> TestKiosk {
    let mut app = configure(mock_builder(), state, ClosePolicy::Allow)
        .build(context())
        .expect("the app builds on the mock runtime");
    let views = listen(&app, events::SESSION_VIEW);
    let statuses = listen(&app, events::TERMINAL_STATUS);
    // One iteration runs the app's setup as `run` would: the windows of tauri.conf.json, then
    // our setup hook (the event forwarding). Deprecated only as a loop, which this is not.
    #[allow(deprecated)]
    app.run_iteration(|_, _| {});
    let window = app
        .get_webview_window("main")
        .expect("tauri.conf.json creates the main window");
    TestKiosk {
        views,
        statuses,
        app,
        window,
        _dir: None,
    }
}

/// Every payload of `event`, listened to before the app's setup starts forwarding.
fn listen(app: &App<MockRuntime>, event: &str) -> mpsc::Receiver<Value> {
    let (tx, rx) = mpsc::channel();
    app.listen_any(event, move |e| {
        let _ = tx.send(serde_json::from_str(e.payload()).expect("a JSON payload"));
    });
    rx
}

impl TestKiosk {
    /// A command from the main window, as `invoke(cmd, args)` in the UI.
    pub fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        invoke(&self.window, cmd, args)
    }

    /// A second window, which the capability does not cover.
    pub fn other_window(&self) -> WebviewWindow<MockRuntime> {
        WebviewWindowBuilder::new(&self.app, "other", Default::default())
            .build()
            .expect("a second window")
    }

    /// A demo button, pressed again while the terminal is not yet waiting for it: the
    /// screen changes as the SDK call leaves, a moment before the simulated terminal gets it.
    pub fn demo_action(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let answer = self.invoke(cmd, args.clone());
            let not_yet = matches!(&answer, Err(e) if e["message"].as_str().is_some_and(|m| m.contains("not waiting")));
            if !not_yet || Instant::now() > deadline {
                return answer;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn intent(&self, intent: Value) -> Result<Value, Value> {
        self.invoke("session_intent", json!({ "intent": intent }))
    }

    /// Waits for a `terminal://status` event that satisfies `wanted`.
    pub fn wait_for_status(&self, wanted: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let Ok(status) = self.statuses.recv_timeout(left) else {
                panic!("no such terminal status within {PATIENCE:?}");
            };
            if wanted(&status) {
                return status;
            }
        }
    }

    /// Waits for a `session://view` event whose screen is `name`; the views before it are
    /// returned too, for checks on everything the UI was sent.
    pub fn wait_for_screen(&self, name: &str) -> (Value, Vec<Value>) {
        let deadline = Instant::now() + PATIENCE;
        let mut seen = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let Ok(view) = self.views.recv_timeout(left) else {
                let names: Vec<&Value> =
                    seen.iter().map(|v: &Value| &v["screen"]["name"]).collect();
                panic!("no {name} screen within {PATIENCE:?}; saw {names:?}");
            };
            if view["screen"]["name"] == name {
                return (view, seen);
            }
            seen.push(view);
        }
    }
}

pub fn invoke(window: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: tauri::ipc::CallbackFn(0),
        error: tauri::ipc::CallbackFn(1),
        // The origin the real window has on Linux; http://tauri.localhost is remote there.
        url: "tauri://localhost".parse().expect("url"),
        body: tauri::ipc::InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(window, request).map(|body| body.deserialize().expect("a JSON answer"))
}

/// The pairing key file `valid-kiosk.toml` names, written owner-only into `dir` (the kiosk
/// refuses a key others may read).
pub fn write_pairing_key(dir: &std::path::Path) {
    let path = dir.join("pairing.key");
    std::fs::write(&path, "5a".repeat(32)).expect("write the pairing key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
            .expect("chmod the pairing key");
    }
}
