//! The staff mode's commands: each checks who is in (the console does) and calls it. A saved
//! setting rebuilds the kiosk from its file.

use facekiosk_console::settings::{ChangeView, Edit, FieldView, Preview};
use facekiosk_console::{
    AuditLine, Entry, ExportView, KeyFileView, Now, StaffView, SuspensionView,
};
use facekiosk_diagnostics::Report;
use facekiosk_pii::Secret;
use facekiosk_session::Screen;
use tauri::State;

use crate::error::{AppError, AppErrorCode};
use crate::state::AppState;

/// The PIN pad's OK. Refused while a patient's session is past the idle screen: staff wait
/// for the patient (or for the session's own timeout).
#[tauri::command]
pub async fn staff_enter(pin: String, state: State<'_, AppState>) -> Result<Entry, AppError> {
    let pin = Secret::new(pin);
    if let Ok(backend) = state.backend().await
        && let Ok(kiosk) = backend.kiosk()
        && kiosk.view().screen != Screen::Idle
    {
        return Err(AppError::patient_session());
    }
    // Argon2id takes a while per account: off the async threads that serve the screens.
    let console = state.console().clone();
    let entry = tokio::task::spawn_blocking(move || console.enter(&pin, Now::real()))
        .await
        .map_err(|_| {
            AppError::new(
                AppErrorCode::StaffActionFailed,
                "the PIN check crashed (see the log)",
            )
        })?;
    Ok(entry?)
}

/// Who is in, if the staff mode is open.
#[tauri::command]
pub async fn staff_status(state: State<'_, AppState>) -> Result<Option<StaffView>, AppError> {
    Ok(state.console().current(Now::real()))
}

/// A touch on the staff screens: the staff mode stays open another minute.
#[tauri::command]
pub async fn staff_touch(state: State<'_, AppState>) -> Result<(), AppError> {
    Ok(state.console().touch(Now::real())?)
}

#[tauri::command]
pub async fn staff_leave(state: State<'_, AppState>) -> Result<(), AppError> {
    state.console().leave();
    Ok(())
}

#[tauri::command]
pub async fn staff_settings(state: State<'_, AppState>) -> Result<Vec<FieldView>, AppError> {
    Ok(state.console().settings(Now::real())?)
}

/// What saving these edits would change, and every problem they have, without saving.
#[tauri::command]
pub async fn staff_preview(
    edits: Vec<Edit>,
    state: State<'_, AppState>,
) -> Result<Preview, AppError> {
    Ok(state.console().preview(&edits, Now::real())?)
}

/// Saves the edits into the configuration file and rebuilds the kiosk from it.
#[tauri::command]
pub async fn staff_save(
    edits: Vec<Edit>,
    state: State<'_, AppState>,
) -> Result<Vec<ChangeView>, AppError> {
    let changes = state.console().save(&edits, Now::real())?;
    if !changes.is_empty() {
        state.rebuild().await?;
    }
    Ok(changes)
}

#[tauri::command]
pub async fn staff_suspend(
    zh_cn: String,
    en: String,
    state: State<'_, AppState>,
) -> Result<SuspensionView, AppError> {
    Ok(state.console().suspend(&zh_cn, &en, Now::real())?)
}

#[tauri::command]
pub async fn staff_resume(state: State<'_, AppState>) -> Result<bool, AppError> {
    Ok(state.console().resume(Now::real())?)
}

/// Forgets the patient with this number (as their screen showed it); how many links went.
#[tauri::command]
pub async fn staff_forget(number: String, state: State<'_, AppState>) -> Result<u32, AppError> {
    let backend = state.backend().await?;
    let records = backend.kiosk()?.records();
    let removed = state.console().forget(records, &number, Now::real())?;
    // A number is linked to a patient or two (a second WeChat account), never billions.
    Ok(u32::try_from(removed).unwrap_or(u32::MAX))
}

/// The audit trail, newest first.
#[tauri::command]
pub async fn staff_audit(state: State<'_, AppState>) -> Result<Vec<AuditLine>, AppError> {
    Ok(state.console().audit_trail(Now::real())?)
}

/// The technician's diagnostics, over the file and the parts the running kiosk uses.
#[tauri::command]
pub async fn staff_diagnostics(state: State<'_, AppState>) -> Result<Report, AppError> {
    let adjust = as_running(&state).await;
    let mut report = state.console().diagnostics(adjust, Now::real()).await?;
    // What only the running kiosk knows, after the terminal's own checks.
    let at = report
        .checks
        .iter()
        .rposition(|c| c.id.starts_with("terminal."))
        .map_or(report.checks.len(), |i| i + 1);
    report.checks.insert(at, state.link_check());
    Ok(report)
}

/// Where a bundle or an export can go: mounted USB sticks, then the kiosk's own folder.
#[tauri::command]
pub async fn staff_bundle_targets(state: State<'_, AppState>) -> Result<Vec<String>, AppError> {
    let targets = state.console().targets(Now::real())?;
    Ok(targets.iter().map(|d| d.display().to_string()).collect())
}

/// Writes the support bundle into `dir` (one of [`staff_bundle_targets`]); its folder.
#[tauri::command]
pub async fn staff_bundle(dir: String, state: State<'_, AppState>) -> Result<String, AppError> {
    let adjust = as_running(&state).await;
    let logs = facekiosk_diagnostics::bundle::log_dir();
    let program = format!("facekiosk {}", env!("CARGO_PKG_VERSION"));
    let written = state
        .console()
        .bundle(
            std::path::Path::new(&dir),
            logs.as_deref(),
            adjust,
            &program,
            Now::real(),
        )
        .await?;
    Ok(written.display().to_string())
}

/// The diagnostics check the parts where the running kiosk reaches them.
async fn as_running(state: &AppState) -> impl FnOnce(&mut facekiosk_session::Settings) + use<> {
    let backend = state.backend().await.ok();
    let adjust = backend.as_ref().map(|b| b.as_running());
    move |settings: &mut facekiosk_session::Settings| {
        if let Some(adjust) = adjust {
            adjust(settings);
        }
    }
}

/// The consent receipts of a date range (`YYYY-MM-DD`, both included, dates at
/// `utc_offset_minutes` from UTC: the screen's time zone) as a CSV file in `dir`.
#[tauri::command]
pub async fn staff_export_receipts(
    from: String,
    to: String,
    utc_offset_minutes: i32,
    dir: String,
    state: State<'_, AppState>,
) -> Result<ExportView, AppError> {
    let backend = state.backend().await?;
    let records = backend.kiosk()?.records();
    let dir = std::path::Path::new(&dir);
    Ok(state.console().export_receipts(
        records,
        &from,
        &to,
        utc_offset_minutes,
        dir,
        Now::real(),
    )?)
}

/// The audit trail, copied into `dir`.
#[tauri::command]
pub async fn staff_export_audit(
    dir: String,
    state: State<'_, AppState>,
) -> Result<ExportView, AppError> {
    let dir = std::path::Path::new(&dir);
    Ok(state.console().export_audit_to(dir, Now::real())?)
}

/// The key and secret files the configuration names, with their state (never their content).
#[tauri::command]
pub async fn staff_key_files(state: State<'_, AppState>) -> Result<Vec<KeyFileView>, AppError> {
    Ok(state.console().key_files(Now::real())?)
}
