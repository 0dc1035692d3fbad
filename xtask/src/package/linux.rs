//! The Linux package. (Being built: see issue 13.)

use crate::runner::Ctx;
use std::path::PathBuf;

/// Builds the release `.deb` and answers its path.
pub fn package(_ctx: &Ctx) -> Result<PathBuf, String> {
    Err("not built yet".into())
}

/// Installs, starts and purges `deb` on this machine; answers a one-line summary.
pub fn check(_ctx: &Ctx, _deb: &std::path::Path) -> Result<String, String> {
    Err("not built yet".into())
}

/// The check inside `cargo xtask test` (within its time budget).
pub fn test_step(_ctx: &Ctx) -> Result<String, String> {
    Err("not built yet".into())
}
