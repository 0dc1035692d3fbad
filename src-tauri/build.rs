use tauri_build::{AppManifest, Attributes};

include!("src/commands/list.rs");

macro_rules! command_names {
    ($($module:ident :: $command:ident),* $(,)?) => {
        &[$(stringify!($command)),*]
    };
}

fn main() {
    // Declaring the commands makes each one need an `allow-<command>` permission: without
    // this, every app command is open to any window.
    let commands: &[&str] = for_each_command!(command_names);
    let attributes = Attributes::new().app_manifest(AppManifest::new().commands(commands));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri-build: {error:#}");
    }
}
