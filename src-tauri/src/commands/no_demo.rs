//! The demo's commands in a build without the demo (the packages a hospital installs). They
//! stay registered, so that the screens' one capability holds in every build, and answer
//! NOT_DEMO_MODE, as they do in a production kiosk of a demo build.

use tauri::State;

use crate::error::AppError;
use crate::state::{AppState, DemoPersona};

#[allow(unused_variables)]
#[tauri::command]
pub async fn demo_personas(state: State<'_, AppState>) -> Result<Vec<DemoPersona>, AppError> {
    Err(AppError::not_demo())
}

// The arguments keep the names the screens send (Tauri matches them by name), so a call is
// refused as NOT_DEMO_MODE rather than as a malformed call.
#[allow(unused_variables)]
#[tauri::command]
pub async fn demo_present_face(
    persona: String,
    state: State<'_, AppState>,
) -> Result<(), AppError> {
    Err(AppError::not_demo())
}

#[allow(unused_variables)]
#[tauri::command]
pub async fn demo_wechat_screen(confirm: bool, state: State<'_, AppState>) -> Result<(), AppError> {
    Err(AppError::not_demo())
}
