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
    backend.kiosk()?.send(intent).await?;
    Ok(())
}
