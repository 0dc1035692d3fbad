use facekiosk_console::Now;
use facekiosk_session::{Intent, SessionView};
use tauri::State;

use crate::error::AppError;
use crate::state::AppState;

/// The current view; the following ones arrive as `session://view` events.
#[tauri::command]
pub async fn session_view(state: State<'_, AppState>) -> Result<SessionView, AppError> {
    Ok(state.backend().await?.kiosk()?.view())
}

#[tauri::command]
pub async fn session_intent(intent: Intent, state: State<'_, AppState>) -> Result<(), AppError> {
    let backend = state.backend().await?;
    if intent == Intent::Start {
        // Out of service, or staff at the kiosk: no patient session begins. A suspension file
        // that cannot be read counts as out of service: better the message than a session
        // staff meant to stop.
        if !matches!(state.console().suspension(), Ok(None)) {
            return Err(AppError::suspended());
        }
        if state.console().current(Now::real()).is_some() {
            return Err(AppError::staff_mode_open());
        }
    }
    backend.kiosk()?.send(intent).await?;
    Ok(())
}
