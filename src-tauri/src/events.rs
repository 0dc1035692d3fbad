//! Every event the app emits, with its payload, in one place; and the task that turns core's
//! watches into events.

use facekiosk_core::session::SessionView;
use facekiosk_core::terminal::LinkStatus;
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, Runtime};
use tokio::sync::watch;
use ts_rs::TS;

use crate::state::AppState;

/// Payload [`facekiosk_core::session::SessionView`]: every time anything on it changes.
pub const SESSION_VIEW: &str = "session://view";
/// Payload [`TerminalStatus`]: every time the link to the face terminal changes.
pub const TERMINAL_STATUS: &str = "terminal://status";

/// The face terminal's link, for the status line and the technician's screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct TerminalStatus {
    /// `starting`, `connected`, `waitingForDevice`, `unauthorized`, `deviceNotReady`,
    /// `severalDevices`, `noBridge`, `incompatibleBridge`, `adbUnavailable` or `stopped`.
    pub state: String,
    /// What a technician reads: serials, versions, reasons. Never patient data (the link
    /// carries none).
    pub detail: Option<String>,
}

impl From<&LinkStatus> for TerminalStatus {
    fn from(status: &LinkStatus) -> Self {
        let state = match status {
            LinkStatus::Starting => "starting",
            LinkStatus::Connected(_) => "connected",
            LinkStatus::WaitingForDevice { .. } => "waitingForDevice",
            LinkStatus::Unauthorized { .. } => "unauthorized",
            LinkStatus::DeviceNotReady { .. } => "deviceNotReady",
            LinkStatus::SeveralDevices { .. } => "severalDevices",
            LinkStatus::NoBridge { .. } => "noBridge",
            LinkStatus::IncompatibleBridge { .. } => "incompatibleBridge",
            LinkStatus::AdbUnavailable { .. } => "adbUnavailable",
            LinkStatus::Stopped => "stopped",
        };
        TerminalStatus {
            state: state.to_owned(),
            detail: Some(status.to_string()),
        }
    }
}

/// Emits the kiosk's views and the terminal's status to the screens as they change, once the
/// kiosk has started, however late (nothing to forward when it did not). Each event's current
/// value goes out at once, whether or not a screen listens yet: `app_info` and `session_view`
/// answer with the current ones.
pub fn forward<R: Runtime>(app: AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        let Some(backend) = app.state::<AppState>().started_backend().await else {
            return;
        };
        let Ok(kiosk) = backend.kiosk() else { return };
        let views = kiosk.subscribe();
        let status = kiosk.terminal_status();
        let views = pump(app.clone(), views, SESSION_VIEW, SessionView::clone);
        let status = pump(app, status, TERMINAL_STATUS, |s| TerminalStatus::from(s));
        tokio::join!(views, status);
    });
}

/// One event per value the watch holds, the current one first: a screen that listened before
/// the kiosk started still gets it.
async fn pump<R: Runtime, T, P: Serialize + Clone>(
    app: AppHandle<R>,
    mut rx: watch::Receiver<T>,
    event: &'static str,
    payload: fn(&T) -> P,
) {
    loop {
        let next = payload(&rx.borrow_and_update());
        if let Err(error) = app.emit(event, next) {
            tracing::warn!(event, "cannot emit: {error}");
        }
        if rx.changed().await.is_err() {
            return;
        }
    }
}
