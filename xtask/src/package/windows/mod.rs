//! The Windows package: the app and `facekiosk-cli` cross-built here for
//! `x86_64-pc-windows-gnu` with Debian's mingw-w64, and an NSIS installer from
//! `packaging/windows/facekiosk.nsi` (written by hand: the Tauri bundler's NSIS path downloads
//! a plugin and fails offline). Checked under Debian's Wine 8: the CLI's vectors and `doctor`
//! in every test run, the release build and a silent install in `package --check`. The
//! WebView2 window itself only runs on real Windows.

mod cli_check;
mod installer;
mod wine;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::runner::{self, Ctx};
use crate::setup::WINDOWS_TARGET;

/// Windows builds keep a target dir of their own: cargo locks its target dir for a whole
/// build, and a long cross-build must not hold up the host builds running beside it.
const TARGET_DIR: &str = "target/windows";

fn target_dir(ctx: &Ctx) -> PathBuf {
    ctx.root.join(TARGET_DIR)
}

/// cargo for the Windows target, with mingw-w64's linker and C compilers set here rather
/// than in a committed `.cargo/config`, which would reach every developer's build.
fn cargo(ctx: &Ctx, args: &[&str]) -> Command {
    let mut cmd = ctx.cargo(args);
    cmd.env("CARGO_TARGET_DIR", target_dir(ctx))
        .env(
            "CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER",
            "x86_64-w64-mingw32-gcc-posix",
        )
        .env("CC_x86_64_pc_windows_gnu", "x86_64-w64-mingw32-gcc-posix")
        .env("CXX_x86_64_pc_windows_gnu", "x86_64-w64-mingw32-g++-posix")
        .env("AR_x86_64_pc_windows_gnu", "x86_64-w64-mingw32-ar")
        // aws-lc-sys assembles its Windows code with NASM, which set-up does not install: use
        // the objects its crate ships, assembled by AWS.
        .env("AWS_LC_SYS_PREBUILT_NASM", "1");
    cmd
}

/// Builds `packages` for Windows; answers the folder of the `.exe`s.
fn build(ctx: &Ctx, release: bool, packages: &[&str]) -> Result<PathBuf, String> {
    let mut args = vec!["build", "--target", WINDOWS_TARGET];
    if release {
        args.push("--release");
    }
    for package in packages {
        args.extend(["-p", package]);
    }
    run(&mut cargo(ctx, &args), "cargo build (Windows)")?;
    let profile = if release { "release" } else { "debug" };
    Ok(target_dir(ctx).join(WINDOWS_TARGET).join(profile))
}

/// Runs `cmd` to success, its output streamed; the reason otherwise.
fn run(cmd: &mut Command, what: &str) -> Result<String, String> {
    let out = runner::run_tee(cmd).map_err(|e| format!("{what}: cannot start: {e}"))?;
    if out.status.success() {
        Ok(out.output)
    } else {
        Err(format!("{what} failed ({})", out.status))
    }
}

/// The workspace's version (`[workspace.package] version`), which names the installer.
fn version(ctx: &Ctx) -> Result<String, String> {
    let manifest = std::fs::read_to_string(ctx.root.join("Cargo.toml"))
        .map_err(|e| format!("Cargo.toml: {e}"))?;
    manifest
        .split("[workspace.package]")
        .nth(1)
        .and_then(|section| {
            section
                .lines()
                .find_map(|l| l.trim().strip_prefix("version = \""))
        })
        .and_then(|rest| rest.split('"').next())
        .map(str::to_owned)
        .ok_or_else(|| "Cargo.toml: no [workspace.package] version".into())
}

/// Builds the release app and CLI and the installer; answers the installer's path.
pub fn package(ctx: &Ctx) -> Result<PathBuf, String> {
    let started = Instant::now();
    let bin = build(ctx, true, &["facekiosk-app", "facekiosk-cli"])?;
    let setup = installer::build(ctx, &bin, &version(ctx)?)?;
    println!(
        "    windows: built in {} s: {}",
        started.elapsed().as_secs(),
        setup.display()
    );
    Ok(setup)
}

/// The release CLI runs under Wine, and the installer installs and uninstalls silently there.
pub fn check(ctx: &Ctx, setup: &Path) -> Result<String, String> {
    let started = Instant::now();
    let bin = target_dir(ctx).join(WINDOWS_TARGET).join("release");
    let wine = wine::Wine::ready(ctx)?;
    let version = version(ctx)?;
    cli_check::version(
        &wine,
        &bin.join("facekiosk-cli.exe"),
        "facekiosk-cli",
        &version,
    )?;
    let installed = installer::check(&wine, setup, &version);
    wine.stop();
    Ok(format!("{}; {} s", installed?, started.elapsed().as_secs()))
}

/// The test run's check: the debug CLI cross-built, then under Wine the official APIv2
/// signature example, the decryption of a fixture vector and `doctor`.
pub fn test_step(ctx: &Ctx) -> Result<String, String> {
    let started = Instant::now();
    let bin = build(ctx, false, &["facekiosk-cli"])?;
    let built = started.elapsed().as_secs();
    let wine = wine::Wine::ready(ctx)?;
    let checked = cli_check::run(ctx, &wine, &bin.join("facekiosk-cli.exe"));
    wine.stop();
    Ok(format!(
        "{} (build {built} s, all {} s)",
        checked?,
        started.elapsed().as_secs()
    ))
}
