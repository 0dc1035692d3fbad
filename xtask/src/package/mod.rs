//! `cargo xtask package [--check]`: what a hospital installs. The kiosk for Linux (a `.deb`,
//! release build without the demo) and for Windows (cross-built with mingw-w64, an NSIS
//! installer); `--check` then verifies each package the way a technician would use it.
//! The bridge APK for the terminal is `cargo xtask apk`.

pub mod linux;
pub mod windows;

use crate::runner::{self, Ctx};
use std::process::ExitCode;

pub fn run(ctx: &Ctx, args: &[String]) -> ExitCode {
    let check = match args {
        [] => false,
        [flag] if flag == "--check" => true,
        _ => {
            eprintln!("error: usage: cargo xtask package [--check]");
            return ExitCode::FAILURE;
        }
    };
    let mut failed = Vec::new();
    runner::header("package: the kiosk for Linux (.deb)");
    match linux::package(ctx).and_then(|deb| {
        if check {
            linux::check(ctx, &deb)
        } else {
            Ok(deb.display().to_string())
        }
    }) {
        Ok(note) => println!("    linux: {note}"),
        Err(why) => failed.push(format!("linux: {why}")),
    }
    runner::header("package: the kiosk for Windows (x86_64-pc-windows-gnu, NSIS installer)");
    match windows::package(ctx).and_then(|setup| {
        if check {
            windows::check(ctx, &setup)
        } else {
            Ok(setup.display().to_string())
        }
    }) {
        Ok(note) => println!("    windows: {note}"),
        Err(why) => failed.push(format!("windows: {why}")),
    }
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        for why in &failed {
            eprintln!("error: {why}");
        }
        ExitCode::FAILURE
    }
}
