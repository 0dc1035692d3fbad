//! The app's commands: each a few lines calling the kiosk (docs/ipc.md is the contract).

pub mod app;
#[cfg(feature = "demo")]
pub mod demo;
#[cfg(not(feature = "demo"))]
#[path = "no_demo.rs"]
pub mod demo;
pub mod session;
pub mod staff;

use facekiosk_console::settings::{ChangeView, Edit, FieldView, Preview};
use facekiosk_console::{AuditLine, Entry, ExportView, KeyFileView, StaffView, SuspensionView};
use facekiosk_diagnostics::Report;
use facekiosk_session::{Intent, SessionView};
use tauri::ipc::Invoke;
use tauri::{Runtime, State};
use ts_rs::TS;

use crate::error::AppError;
use crate::startup::UiMark;
use crate::state::{AppInfo, AppState, DemoPersona};

include!("list.rs");

macro_rules! command_handler {
    ($($module:ident :: $command:ident ($($arg:ident : $ty:ty),*) -> $answer:ty),* $(,)?) => {
        tauri::generate_handler![$($module::$command),*]
    };
}

/// The name of every command `handler` registers (and `build.rs` declares).
pub const COMMANDS: &[&str] = for_each_command!(command_names);

/// The invoke handler with every command.
pub fn handler<R: Runtime>() -> impl Fn(Invoke<R>) -> bool + Send + Sync + 'static {
    for_each_command!(command_handler)
}

/// A Rust type's name in TypeScript (`<T as ts_rs::TS>::name`).
pub type TsName = fn() -> String;

/// A command as the screens' generated bindings describe it.
#[derive(Debug, Clone, Copy)]
pub struct CommandSpec {
    pub name: &'static str,
    /// Its arguments: each one's name in Rust (the screens send it camelCased, as Tauri
    /// expects) and its type.
    pub args: &'static [(&'static str, TsName)],
    /// What it answers; a refusal is an [`AppError`].
    pub answer: TsName,
}

macro_rules! command_specs {
    ($($module:ident :: $command:ident ($($arg:ident : $ty:ty),*) -> $answer:ty),* $(,)?) => {
        &[$(CommandSpec {
            name: stringify!($command),
            args: &[$((stringify!($arg), <$ty as TS>::name)),*],
            answer: <$answer as TS>::name,
        }),*]
    };
}

/// Every command, with its arguments and its answer (`list.rs`).
pub const COMMAND_SPECS: &[CommandSpec] = for_each_command!(command_specs);

/// Each entry of `list.rs` again as a function with the entry's signature that calls the
/// command: an entry that says other arguments or another answer than its command's does not
/// compile, so the screens' bindings cannot drift from the commands.
macro_rules! signatures_as_listed {
    ($($module:ident :: $command:ident ($($arg:ident : $ty:ty),*) -> $answer:ty),* $(,)?) => {
        #[allow(dead_code)]
        mod as_listed {
            use super::*;
            $(
                pub async fn $command(
                    $($arg: $ty,)*
                    state: State<'_, AppState>,
                ) -> Result<$answer, AppError> {
                    super::$module::$command($($arg,)* state).await
                }
            )*
        }
    };
}

for_each_command!(signatures_as_listed);
