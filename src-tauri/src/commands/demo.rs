//! The demo's stand-ins for the patient at the face terminal: a persona picker for the face,
//! buttons for WeChat's confirmation screen. Refused outside the demo.

use tauri::State;

use crate::error::AppError;
use crate::state::{AppState, DemoPersona};

#[tauri::command]
pub async fn demo_personas(state: State<'_, AppState>) -> Result<Vec<DemoPersona>, AppError> {
    let backend = state.backend().await?;
    let personas = backend.demo()?.personas().into_iter();
    Ok(personas
        .map(|p| DemoPersona {
            id: p.id,
            label: p.label,
        })
        .collect())
}

#[tauri::command]
pub async fn demo_present_face(
    persona: String,
    state: State<'_, AppState>,
) -> Result<(), AppError> {
    let backend = state.backend().await?;
    let demo = backend.demo()?;
    demo.present_face(&persona)
        .await
        .map_err(AppError::demo_action)
}

#[tauri::command]
pub async fn demo_wechat_screen(confirm: bool, state: State<'_, AppState>) -> Result<(), AppError> {
    let backend = state.backend().await?;
    let demo = backend.demo()?;
    demo.wechat_screen(confirm)
        .await
        .map_err(AppError::demo_action)
}
