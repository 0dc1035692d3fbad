//! The app's commands: each a few lines calling the kiosk (docs/ipc.md is the contract).

pub mod app;
pub mod demo;
pub mod session;

use tauri::Runtime;
use tauri::ipc::Invoke;

include!("list.rs");

macro_rules! command_handler {
    ($($module:ident :: $command:ident),* $(,)?) => {
        tauri::generate_handler![$($module::$command),*]
    };
}

/// The name of every command `handler` registers (and `build.rs` declares).
pub const COMMANDS: &[&str] = for_each_command!(command_names);

/// The invoke handler with every command.
pub fn handler<R: Runtime>() -> impl Fn(Invoke<R>) -> bool + Send + Sync + 'static {
    for_each_command!(command_handler)
}
