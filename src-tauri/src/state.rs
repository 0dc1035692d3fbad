//! The managed state: what started (demo, production, or nothing), and the app's facts.
//!
//! The kiosk starts in the background while the webview starts: the demo's sandbox and the
//! production wiring take a while, and the window should not wait for them. Commands wait for
//! the start instead (`AppState::backend`), for a bounded time.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use facekiosk_console::{Console, SuspensionView};
use facekiosk_diagnostics::link_log::LinkLog;
#[cfg(feature = "demo")]
use facekiosk_sandbox::demo::{Demo, DemoOptions};
use facekiosk_session::{Kiosk, Parts};
use serde::Serialize;
use tokio::sync::watch;
use ts_rs::TS;

use crate::error::AppError;
#[cfg(feature = "demo")]
use crate::mode::DemoLaunch;
use crate::mode::Launch;

/// What the screens know about this kiosk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    #[ts(inline)]
    pub mode: AppMode,
    pub version: String,
    pub store_name: Option<String>,
    /// Misconfigured: `section.field: rule`, one per problem, never a value.
    pub problems: Vec<String>,
    /// The face terminal's link as of this call (later changes arrive as events).
    pub terminal: Option<crate::events::TerminalStatus>,
    /// Out of service (set in the staff mode): the patients' screen shows this message.
    pub suspension: Option<SuspensionView>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum AppMode {
    Demo,
    Production,
    Misconfigured,
}

/// A persona of the demo's picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DemoPersona {
    pub id: String,
    pub label: String,
}

/// The kiosk once started.
#[derive(Debug)]
pub struct Backend {
    pub info: AppInfo,
    engine: Engine,
}

#[derive(Debug)]
enum Engine {
    /// The demo, and its kiosk once the staff mode rebuilt it (else the demo's first one).
    #[cfg(feature = "demo")]
    Demo {
        demo: Arc<Demo>,
        rebuilt: Option<Kiosk>,
    },
    Production(Kiosk),
    Misconfigured,
}

impl Backend {
    pub fn kiosk(&self) -> Result<&Kiosk, AppError> {
        match &self.engine {
            #[cfg(feature = "demo")]
            Engine::Demo { demo, rebuilt } => Ok(rebuilt.as_ref().unwrap_or(demo.kiosk())),
            Engine::Production(kiosk) => Ok(kiosk),
            Engine::Misconfigured => Err(AppError::misconfigured()),
        }
    }

    /// The settings as this kiosk runs them, for the diagnostics: the demo's kiosk reaches
    /// its simulated terminal directly and keeps its records elsewhere than its file says; a
    /// production kiosk runs as its file says.
    pub fn as_running(&self) -> impl FnOnce(&mut facekiosk_session::Settings) + use<> {
        #[cfg(feature = "demo")]
        let parts = match &self.engine {
            Engine::Demo { demo, .. } => {
                Some((demo.terminal().addr, demo.records_path().to_path_buf()))
            }
            _ => None,
        };
        #[cfg(not(feature = "demo"))]
        let parts: Option<(std::net::SocketAddr, PathBuf)> = None;
        move |settings| {
            if let Some((terminal, records)) = parts {
                settings.terminal.direct = Some(terminal);
                settings.kiosk.records = records;
            }
        }
    }

    #[cfg(feature = "demo")]
    pub fn demo(&self) -> Result<&Demo, AppError> {
        match &self.engine {
            Engine::Demo { demo, .. } => Ok(demo),
            _ => Err(AppError::not_demo()),
        }
    }

    fn misconfigured(problems: Vec<String>) -> Backend {
        Backend {
            info: info(AppMode::Misconfigured, None, problems),
            engine: Engine::Misconfigured,
        }
    }

    async fn start(launch: Launch) -> Backend {
        match launch {
            #[cfg(feature = "demo")]
            Launch::Demo(demo) => start_demo(demo).await,
            Launch::Production { config, path } => {
                let store_name = config.wxpay.store.store_name.clone();
                match facekiosk_session::start(*config, Parts::default()) {
                    Ok(kiosk) => Backend {
                        info: info(AppMode::Production, Some(store_name), Vec::new()),
                        engine: Engine::Production(kiosk),
                    },
                    Err(error) => {
                        tracing::error!(
                            code = error.code().as_str(),
                            config = %path.display(),
                            "the kiosk cannot start: {error}"
                        );
                        Backend::misconfigured(vec![error.to_string()])
                    }
                }
            }
            Launch::Misconfigured { path, problems } => {
                tracing::error!(
                    config = %path.display(),
                    "the configuration does not load:\n  {}",
                    problems.join("\n  ")
                );
                Backend::misconfigured(problems)
            }
        }
    }
}

#[cfg(feature = "demo")]
async fn start_demo(launch: DemoLaunch) -> Backend {
    let mut options = DemoOptions::new(&launch.data_dir);
    options.listen = launch.listen;
    options.keys_dir = launch.keys_dir.clone();
    if let Some(path) = &launch.settings {
        match facekiosk_config::load_demo_sections(path) {
            Ok(sections) => {
                options.kiosk = Some(sections.kiosk);
                options.terminal = Some(sections.terminal);
                options.his = sections.his;
            }
            Err(error) => return Backend::misconfigured(crate::mode::problems(&error, path)),
        }
    }
    match Demo::start(options).await {
        Ok(demo) => {
            tracing::info!(sandbox = demo.sandbox_url(), "demo mode");
            Backend {
                info: info(
                    AppMode::Demo,
                    Some(facekiosk_sandbox::material::ids::STORE_NAME.to_owned()),
                    Vec::new(),
                ),
                engine: Engine::Demo {
                    demo: Arc::new(demo),
                    rebuilt: None,
                },
            }
        }
        // The demo's own files (keys, records) are the only things that can be wrong here.
        Err(error) => {
            tracing::error!("the demo cannot start: {error:#}");
            let dir = launch.data_dir.display();
            Backend::misconfigured(vec![format!("demo ({dir}): {error}")])
        }
    }
}

fn info(mode: AppMode, store_name: Option<String>, problems: Vec<String>) -> AppInfo {
    AppInfo {
        mode,
        version: env!("CARGO_PKG_VERSION").to_owned(),
        store_name,
        problems,
        terminal: None,
        suspension: None,
    }
}

impl Backend {
    /// Ends this kiosk's session task (and its hold on the terminal) before another one is
    /// built from the same file.
    async fn shut_down(&self) {
        if let Ok(kiosk) = self.kiosk() {
            kiosk.shutdown().await;
        }
    }

    /// A kiosk built again from the configuration file at `path`, as it is now.
    async fn rebuild(&self, path: &Path) -> Backend {
        self.shut_down().await;
        match &self.engine {
            #[cfg(feature = "demo")]
            Engine::Demo { demo, .. } => match demo.rebuild_kiosk() {
                Ok(kiosk) => {
                    let store_name = demo_store_name(path);
                    Backend {
                        info: info(AppMode::Demo, store_name, Vec::new()),
                        engine: Engine::Demo {
                            demo: demo.clone(),
                            rebuilt: Some(kiosk),
                        },
                    }
                }
                Err(error) => {
                    tracing::error!("the demo's kiosk cannot start again: {error:#}");
                    Backend::misconfigured(vec![format!("{}: {error}", path.display())])
                }
            },
            _ => Backend::start(Launch::from_file(path.to_path_buf())).await,
        }
    }
}

#[cfg(feature = "demo")]
fn demo_store_name(path: &Path) -> Option<String> {
    facekiosk_config::load(path)
        .ok()
        .map(|settings| settings.wxpay.store.store_name)
}

/// Where the kiosk's start is: the screens' commands wait for `Started`.
#[derive(Debug, Clone)]
pub enum Ready {
    Starting,
    Started(Arc<Backend>),
    /// The starting task panicked (the hook logged where).
    Crashed,
}

impl Ready {
    pub fn backend(&self) -> Option<&Arc<Backend>> {
        match self {
            Ready::Started(backend) => Some(backend),
            _ => None,
        }
    }
}

/// Says `Crashed` if dropped before it is defused: a start that panics unwinds through it.
struct CrashGuard(Option<watch::Sender<Ready>>);

impl Drop for CrashGuard {
    fn drop(&mut self) {
        if let Some(tx) = self.0.take() {
            tx.send_replace(Ready::Crashed);
        }
    }
}

/// How long a command waits for the kiosk's start before it answers `KIOSK_START_FAILED`,
/// counted from the start. A start takes seconds at most (the demo's first one, which
/// generates its keys, included); past this it hangs, and the screens say so instead of
/// showing "loading" forever.
pub const START_TIMEOUT: Duration = Duration::from_secs(60);

/// Tauri's managed state.
#[derive(Debug)]
pub struct AppState {
    backend: watch::Receiver<Ready>,
    /// Sends the started kiosk, and each one the staff mode's changes rebuild.
    replace: watch::Sender<Ready>,
    /// What to start, until the app's setup starts it.
    pending: Mutex<Option<Launch>>,
    /// The configuration file the kiosk runs from (the demo's own, in its data dir).
    config: PathBuf,
    console: Arc<Console>,
    /// One rebuild at a time.
    rebuilding: tokio::sync::Mutex<()>,
    /// How the link to the terminal changed (the diagnostics' `terminal.link_events`).
    links: Mutex<LinkLog>,
    start_timeout: Duration,
    /// Set by `start`: when waiting for it ends.
    deadline: OnceLock<Instant>,
    started: Instant,
    ui_ready: AtomicBool,
}

impl AppState {
    /// `started` is when the process started.
    pub fn new(launch: Launch, started: Instant) -> AppState {
        let (replace, backend) = watch::channel(Ready::Starting);
        let config = launch.config_path();
        AppState {
            backend,
            replace,
            pending: Mutex::new(Some(launch)),
            console: Arc::new(Console::new(&config)),
            config,
            rebuilding: tokio::sync::Mutex::new(()),
            links: Mutex::new(LinkLog::default()),
            start_timeout: START_TIMEOUT,
            deadline: OnceLock::new(),
            started,
            ui_ready: AtomicBool::new(false),
        }
    }

    /// Another limit than [`START_TIMEOUT`] (tests).
    pub fn with_start_timeout(mut self, limit: Duration) -> AppState {
        self.start_timeout = limit;
        self
    }

    /// Starts the kiosk on Tauri's async runtime (once). Called from the app's setup, after
    /// the single-instance guards: a second launch exits before it touches the data dir.
    pub fn start(&self) {
        let pending = self
            .pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(launch) = pending {
            let mut guard = CrashGuard(Some(self.replace.clone()));
            let deadline = *self
                .deadline
                .get_or_init(|| Instant::now() + self.start_timeout);
            let started = self.started;
            tauri::async_runtime::spawn(async move {
                let ready = Backend::start(launch).await;
                tracing::info!("kiosk started at {} ms", started.elapsed().as_millis());
                if Instant::now() > deadline {
                    tracing::warn!(
                        "the kiosk started after its time limit: commands until now answered KIOSK_START_FAILED"
                    );
                }
                if let Some(tx) = guard.0.take() {
                    tx.send_replace(Ready::Started(Arc::new(ready)));
                }
            });
        }
    }

    /// The kiosk, once started (at once after that). `KIOSK_START_FAILED` when the start
    /// crashed, or has not finished [`START_TIMEOUT`] after it began.
    pub async fn backend(&self) -> Result<Arc<Backend>, AppError> {
        let deadline = self
            .deadline
            .get()
            .copied()
            .unwrap_or_else(|| Instant::now() + self.start_timeout);
        match tokio::time::timeout_at(deadline.into(), self.started_backend()).await {
            Ok(Some(backend)) => Ok(backend),
            // The starting task is gone without a result: it panicked (the hook logged where).
            Ok(None) => Err(AppError::start_failed(
                "the kiosk's start failed unexpectedly (see the log)",
            )),
            Err(_) => {
                let secs = self.start_timeout.as_secs_f32();
                tracing::error!("the kiosk has not started after {secs} s");
                Err(AppError::start_failed(format!(
                    "the kiosk has not started after {secs} s (see the log)"
                )))
            }
        }
    }

    /// The kiosk once started, however long that takes; `None` if the start crashed. For
    /// background work; commands use [`AppState::backend`].
    pub async fn started_backend(&self) -> Option<Arc<Backend>> {
        let mut rx = self.backend.clone();
        let ready = rx.wait_for(|r| !matches!(r, Ready::Starting)).await.ok()?;
        ready.backend().cloned()
    }

    /// A state of the terminal's link, as it happens.
    pub fn record_link(&self, state: facekiosk_terminal::status::LinkState) {
        let mut links = self.links.lock().unwrap_or_else(|e| e.into_inner());
        links.record(std::time::SystemTime::now(), state);
    }

    /// The link's changes of the last hour, as a check.
    pub fn link_check(&self) -> facekiosk_diagnostics::Check {
        let links = self.links.lock().unwrap_or_else(|e| e.into_inner());
        links.check(std::time::SystemTime::now())
    }

    /// The staff mode.
    pub fn console(&self) -> &Arc<Console> {
        &self.console
    }

    /// Builds the kiosk again from its configuration file (the staff mode saved a change):
    /// the running one is shut down first, and the screens follow the new one. A file that no
    /// longer starts a kiosk gives the "not set up" screen with its problems, as at a start.
    pub async fn rebuild(&self) -> Result<(), AppError> {
        let _one = self.rebuilding.lock().await;
        let old = self.backend().await?;
        let new = old.rebuild(&self.config).await;
        tracing::info!(mode = ?new.info.mode, "the kiosk was rebuilt from its configuration");
        self.replace.send_replace(Ready::Started(Arc::new(new)));
        Ok(())
    }

    /// The kiosk as it is now and each one that replaces it, for background work.
    pub fn backends(&self) -> watch::Receiver<Ready> {
        self.backend.clone()
    }

    /// When the process started.
    pub fn started(&self) -> Instant {
        self.started
    }

    /// The wall clock at the process's start, in milliseconds since the Unix epoch: the
    /// screens' clock is the wall clock ([`crate::startup`]).
    pub fn started_unix_ms(&self) -> f64 {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        now.saturating_sub(self.started.elapsed()).as_secs_f64() * 1000.0
    }

    /// True the first time only: the UI painted once; later calls are reloads.
    pub fn first_ui_ready(&self) -> bool {
        !self.ui_ready.swap(true, Ordering::SeqCst)
    }
}
