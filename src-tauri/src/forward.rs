//! The task that turns the kiosk's watches (its session view, its terminal link) into the
//! events the screens listen to.

use facekiosk_session::SessionView;
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, Runtime};
use tokio::sync::watch;

use crate::events::{SESSION_VIEW, TERMINAL_STATUS, TerminalStatus};
use crate::state::AppState;

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
