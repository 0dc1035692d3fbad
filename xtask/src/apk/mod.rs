//! `cargo xtask apk`: the bridge APK for the face terminal. (Being built: see issue 13.)

use crate::runner::Ctx;
use std::process::ExitCode;

pub fn run(_ctx: &Ctx, _args: &[String]) -> ExitCode {
    eprintln!("error: not built yet");
    ExitCode::FAILURE
}

/// The check inside `cargo xtask test`: build the APK (stand-in AAR, debug key) and verify it.
pub fn test_step(_ctx: &Ctx) -> Result<String, String> {
    Err("not built yet".into())
}
