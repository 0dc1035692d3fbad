//! The Linux package: a `.deb` made by the Tauri CLI (npm's `@tauri-apps/cli`, a dev dependency
//! of ui/) from the app and `facekiosk-cli` built without the demo. What goes in besides the
//! binaries is packaging/linux/tauri.deb.json, merged over src-tauri/tauri.conf.json only for the
//! bundle (so a plain `cargo build` is unaffected): the consent texts, the example
//! configuration, the kiosk session's unit and PAM stack, and the maintainer scripts that make
//! the `facekiosk` user and its folders. The check installs it here, runs it as a technician
//! would, and purges it (docs/install-linux.md says what a technician does with it).

mod bundle;
mod install;
mod smoke;
mod system;

use crate::runner::Ctx;
use bundle::Profile;
use std::path::{Path, PathBuf};

/// Builds the release `.deb` and answers its path.
pub fn package(ctx: &Ctx) -> Result<PathBuf, String> {
    bundle::build(ctx, Profile::Release)?;
    bundle::deb(ctx, Profile::Release)
}

/// Installs, starts and purges `deb` on this machine; answers a one-line summary.
pub fn check(ctx: &Ctx, deb: &Path) -> Result<String, String> {
    install::check(ctx, deb)
}

/// The check inside `cargo xtask test`: the debug build without the demo (the e2e step built it
/// already, so this only links it back into target/debug), bundled and checked as the release
/// one is.
pub fn test_step(ctx: &Ctx) -> Result<String, String> {
    bundle::build(ctx, Profile::Debug)?;
    let deb = bundle::deb(ctx, Profile::Debug)?;
    install::check(ctx, &deb)
}
