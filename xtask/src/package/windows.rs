//! The Windows package. (Being built: see issue 13.)

use crate::runner::Ctx;
use std::path::PathBuf;

/// Builds the Windows binaries and the NSIS installer and answers its path.
pub fn package(_ctx: &Ctx) -> Result<PathBuf, String> {
    Err("not built yet".into())
}

/// Checks the installer and the binaries (Wine); answers a one-line summary.
pub fn check(_ctx: &Ctx, _setup: &std::path::Path) -> Result<String, String> {
    Err("not built yet".into())
}

/// The check inside `cargo xtask test` (within its time budget).
pub fn test_step(_ctx: &Ctx) -> Result<String, String> {
    Err("not built yet".into())
}
