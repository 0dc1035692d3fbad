//! `cargo xtask apk`: the bridge APK for the face terminal, built without Gradle, Google's SDK
//! or the NDK, from Debian's Android tools, a few Debian 11 packages fetched into target/, and
//! the Rust bridge cross-compiled for `aarch64-linux-android` (issue 13).
//!
//! The steps, each in its own file: [`fetch`] (dx, android-23.jar, arm64 libunwind), [`native`]
//! (the bridge `.so`, linked against stubs made from [`imports`]), [`aar`] (Tencent's AAR or
//! the stand-in), [`java`] (javac and dx), [`package`] (manifest, aapt2, the unsigned APK),
//! [`sign`] (zipalign, apksigner) and [`check`] (what the test run verifies).

mod aar;
mod check;
mod fetch;
mod imports;
mod java;
mod native;
mod package;
mod sign;

use crate::runner::{Ctx, header, run_tee};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

/// The app's package name (build.gradle's namespace).
pub const PACKAGE: &str = "com.facekiosk.bridge";
/// The Android target and ABI built.
pub const RUST_TARGET: &str = "aarch64-linux-android";
pub const ABI: &str = "arm64-v8a";
pub const MIN_SDK: u32 = 24;
pub const TARGET_SDK: u32 = 29;

/// What `cargo xtask apk` was asked for.
#[derive(Debug, Default)]
pub struct Args {
    pub aar: Option<PathBuf>,
    pub keystore: Option<sign::Keystore>,
}

impl Args {
    pub fn parse(args: &[String]) -> Result<Args, String> {
        let mut parsed = Args::default();
        let (mut keystore, mut pass) = (None, None);
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let mut value = |name: &str| {
                it.next()
                    .map(PathBuf::from)
                    .ok_or_else(|| format!("{name}: needs a path"))
            };
            match arg.as_str() {
                "--aar" => parsed.aar = Some(value("--aar")?),
                "--keystore" => keystore = Some(value("--keystore")?),
                "--keystore-pass-file" => pass = Some(value("--keystore-pass-file")?),
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        parsed.keystore = match (keystore, pass) {
            (Some(path), Some(pass_file)) => Some(sign::Keystore { path, pass_file }),
            (None, None) => None,
            _ => return Err("--keystore and --keystore-pass-file go together".into()),
        };
        Ok(parsed)
    }
}

/// Where everything goes: target/apk/ (the APK, the debug key), its tools/ and work/.
#[derive(Debug)]
pub struct Dirs {
    pub out: PathBuf,
    pub tools: PathBuf,
    pub work: PathBuf,
}

impl Dirs {
    fn new(ctx: &Ctx) -> Dirs {
        let out = ctx.root.join("target/apk");
        Dirs {
            tools: out.join("tools"),
            work: out.join("work"),
            out,
        }
    }
}

pub fn run(ctx: &Ctx, args: &[String]) -> ExitCode {
    let built = Args::parse(args).and_then(|args| build(ctx, &args));
    match built {
        Ok(apk) => {
            println!("built {}", apk.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Builds target/apk/facekiosk-bridge.apk and returns its path.
pub fn build(ctx: &Ctx, args: &Args) -> Result<PathBuf, String> {
    let dirs = Dirs::new(ctx);
    if dirs.work.exists() {
        std::fs::remove_dir_all(&dirs.work).map_err(|e| io_err(&dirs.work, &e))?;
    }
    mkdir(&dirs.work)?;
    header("apk: tools");
    let tools = fetch::tools(ctx, &dirs.tools)?;
    header("apk: the bridge .so (cargo, aarch64-linux-android, --release)");
    let so = native::build(ctx, &tools, &dirs.work)?;
    header("apk: the AAR");
    let aar = aar::prepare(ctx, args.aar.as_deref(), &tools, &dirs.work)?;
    header("apk: resources, Java, dex");
    let signing = sign::Signing::of(args.keystore.as_ref());
    let base = package::link(ctx, &tools, &aar, signing.label(), &dirs.work)?;
    let dex = java::dex(ctx, &tools, &aar, &base.r_java, &dirs.work)?;
    let unsigned = package::assemble(ctx, &base.apk, &dex, &so, &dirs.work)?;
    header("apk: align and sign");
    let apk = dirs.out.join("facekiosk-bridge.apk");
    sign::align_and_sign(ctx, &unsigned, &signing, &dirs, &apk)?;
    if aar.standin {
        println!(
            "    NOT FOR DEVICES: built with the stand-in AAR (the host-test double of \
             com.tencent.wxpayface); pass --aar with Tencent's AAR for a terminal"
        );
    }
    if args.keystore.is_none() {
        println!(
            "    signed with the debug key {}",
            dirs.out.join("debug.keystore").display()
        );
    }
    Ok(apk)
}

/// The check inside `cargo xtask test`: build the APK (stand-in AAR, debug key) and verify it.
pub fn test_step(ctx: &Ctx) -> Result<String, String> {
    let started = Instant::now();
    let apk = build(ctx, &Args::default())?;
    header("apk: checks");
    let checked = check::all(ctx, &apk, &Dirs::new(ctx).work)?;
    Ok(format!(
        "{checked}; built and checked in {} s",
        started.elapsed().as_secs()
    ))
}

/// Runs `cmd` (echoed, output streamed); on failure the error names `what` and ends with the
/// last lines it printed.
pub fn run_step(what: &str, cmd: &mut Command) -> Result<String, String> {
    println!("    + {}", shown(cmd));
    let captured = run_tee(cmd).map_err(|e| format!("{what}: could not start: {e}"))?;
    if captured.status.success() {
        return Ok(captured.output);
    }
    let lines: Vec<&str> = captured.output.lines().collect();
    let tail = lines[lines.len().saturating_sub(15)..].join("\n");
    Err(format!("{what} failed ({}):\n{tail}", captured.status))
}

/// Like [`run_step`], quietly: only the output is returned (for tools that are read, not shown).
pub fn output_of(what: &str, cmd: &mut Command) -> Result<String, String> {
    let out = cmd
        .output()
        .map_err(|e| format!("{what}: could not start: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    if out.status.success() {
        Ok(text)
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        Err(format!("{what} failed ({}): {}", out.status, err.trim()))
    }
}

fn shown(cmd: &Command) -> String {
    let mut words = vec![cmd.get_program().to_string_lossy().into_owned()];
    words.extend(cmd.get_args().map(|a| a.to_string_lossy().into_owned()));
    words.join(" ")
}

pub fn mkdir(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| io_err(dir, &e))
}

pub fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| io_err(path, &e))
}

pub fn io_err(path: &Path, e: &std::io::Error) -> String {
    format!("{}: {e}", path.display())
}

/// Every file under `dir` whose name ends with `suffix`, sorted.
pub fn files_under(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.to_string_lossy().ends_with(suffix) {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(words: &[&str]) -> Result<Args, String> {
        Args::parse(&words.iter().map(|w| w.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn a_keystore_needs_its_password_file() {
        assert!(args(&["--keystore", "k.jks"]).is_err());
        assert!(args(&["--keystore-pass-file", "p"]).is_err());
        let both = args(&["--keystore", "k.jks", "--keystore-pass-file", "p"]).unwrap();
        assert!(both.keystore.is_some() && both.aar.is_none());
    }

    #[test]
    fn unknown_or_incomplete_arguments_are_refused() {
        assert!(args(&["--aar"]).is_err());
        assert!(args(&["--password", "x"]).is_err());
        assert_eq!(args(&["--aar", "a.aar"]).unwrap().aar, Some("a.aar".into()));
    }
}
