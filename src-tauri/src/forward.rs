//! The task that turns the kiosk's watches (its session view, its terminal link) into the
//! events the screens listen to, following each kiosk the staff mode's changes build.

use facekiosk_session::SessionView;
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, Runtime};
use tokio::sync::watch;

use crate::events::{SESSION_VIEW, TERMINAL_STATUS, TerminalStatus};
use crate::state::AppState;

/// Emits the kiosk's views and the terminal's status to the screens as they change, once the
/// kiosk has started, however late (nothing to forward when it did not). Each event's current
/// value goes out at once, whether or not a screen listens yet: `app_info` and `session_view`
/// answer with the current ones. When the kiosk is rebuilt, the new one's values follow.
pub fn forward<R: Runtime>(app: AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        let mut backends = app.state::<AppState>().backends();
        loop {
            let backend = backends.borrow_and_update().backend().cloned();
            if let Some(kiosk) = backend.as_ref().and_then(|b| b.kiosk().ok()) {
                let views = pump(
                    app.clone(),
                    kiosk.subscribe(),
                    SESSION_VIEW,
                    SessionView::clone,
                );
                let status = pump(app.clone(), kiosk.terminal_status(), TERMINAL_STATUS, |s| {
                    TerminalStatus::from(s)
                });
                let links = record_links(app.clone(), kiosk.terminal_status());
                tokio::select! {
                    // The watches closed: this kiosk is gone; wait for the next.
                    _ = async { tokio::join!(views, status, links) } => {
                        if backends.changed().await.is_err() { return }
                    }
                    changed = backends.changed() => if changed.is_err() { return },
                }
            } else if backends.changed().await.is_err() {
                return;
            }
        }
    });
}

/// Each state of the link into the app's link log (the staff mode's diagnostics read it).
async fn record_links<R: Runtime>(
    app: AppHandle<R>,
    mut rx: watch::Receiver<facekiosk_terminal::LinkStatus>,
) {
    loop {
        let state = rx.borrow_and_update().state();
        app.state::<AppState>().record_link(state);
        if rx.changed().await.is_err() {
            return;
        }
    }
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
