use tauri::State;

use crate::error::AppError;
use crate::events::TerminalStatus;
use crate::startup::{self, UiMark};
use crate::state::{AppInfo, AppState};

#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> Result<AppInfo, AppError> {
    let backend = state.backend().await?;
    let mut info = backend.info.clone();
    info.suspension = match state.console().suspension() {
        Ok(suspension) => suspension,
        Err(error) => {
            tracing::error!("the out-of-service state cannot be read: {error}");
            None
        }
    };
    // The status event may have been sent before the screens listened: the current one here.
    info.terminal = backend
        .kiosk()
        .ok()
        .map(|kiosk| TerminalStatus::from(&*kiosk.terminal_status().borrow()));
    Ok(info)
}

/// The UI calls this after its first paint: the startup measurement (scripts parse the log
/// line; `FACEKIOSK_READY_FILE` gets the number alone), with the moments of the UI's own start
/// (`marks`, logged on the app's clock). Never refused (async, as every command is, hence the
/// `Result`).
#[tauri::command]
pub async fn ui_ready(marks: Vec<UiMark>, state: State<'_, AppState>) -> Result<(), AppError> {
    let ms = state.started().elapsed().as_millis();
    if !state.first_ui_ready() {
        tracing::debug!("ui ready again (a reload) after {ms} ms");
        return Ok(());
    }
    startup::log_marks(&marks, state.started_unix_ms());
    tracing::info!("ui ready in {ms} ms");
    if let Some(path) = std::env::var_os("FACEKIOSK_READY_FILE")
        && let Err(error) = std::fs::write(&path, format!("{ms}\n"))
    {
        tracing::warn!("cannot write FACEKIOSK_READY_FILE: {error}");
    }
    Ok(())
}
