use tauri_build::{AppManifest, Attributes};

include!("src/commands/list.rs");

fn main() {
    // tauri-build names the files it reads; this one it does not, and a build script that
    // names any file is rerun only when one of those changes.
    println!("cargo:rerun-if-changed=src/commands/list.rs");
    // Declaring the commands makes each one need an `allow-<command>` permission: without
    // this, every app command is open to any window.
    let commands: &[&str] = for_each_command!(command_names);
    let attributes = Attributes::new().app_manifest(AppManifest::new().commands(commands));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri-build: {error:#}");
    }
}
