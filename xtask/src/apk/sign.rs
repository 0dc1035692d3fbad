//! zipalign, then apksigner: with the hospital's release keystore (path and a password file;
//! the password never appears on a command line or in the output), or with a debug key made
//! once into target/apk/debug.keystore, and the APK then says so in its metadata.

use super::{Dirs, MIN_SDK, output_of, run_step, write};
use crate::runner::Ctx;
use std::path::{Path, PathBuf};

/// A release keystore: its path and a file whose first line is its password.
#[derive(Debug)]
pub struct Keystore {
    pub path: PathBuf,
    pub pass_file: PathBuf,
}

#[derive(Debug)]
pub enum Signing<'a> {
    Release(&'a Keystore),
    Debug,
}

impl<'a> Signing<'a> {
    pub fn of(keystore: Option<&'a Keystore>) -> Signing<'a> {
        keystore.map_or(Signing::Debug, Signing::Release)
    }

    /// The APK's `facekiosk.signing` meta-data.
    pub fn label(&self) -> &'static str {
        match self {
            Signing::Release(_) => "release keystore",
            Signing::Debug => "debug key: not for release",
        }
    }
}

/// The Android SDK's well-known debug password (not a secret; Gradle's debug keystore uses it).
const DEBUG_PASS: &str = "android";

pub fn align_and_sign(
    ctx: &Ctx,
    unsigned: &Path,
    signing: &Signing<'_>,
    dirs: &Dirs,
    apk: &Path,
) -> Result<(), String> {
    let aligned = dirs.work.join("aligned.apk");
    let mut align = ctx.cmd("zipalign", &["-p", "-f", "4"]);
    run_step("zipalign", align.arg(unsigned).arg(&aligned))?;
    let (keystore, pass_file) = match signing {
        Signing::Release(ks) => {
            for (what, path) in [
                ("--keystore", &ks.path),
                ("--keystore-pass-file", &ks.pass_file),
            ] {
                if !path.is_file() {
                    return Err(format!("{what}: {} is not a file", path.display()));
                }
            }
            (ks.path.clone(), ks.pass_file.clone())
        }
        Signing::Debug => debug_key(ctx, &dirs.out)?,
    };
    let mut sign = ctx.cmd("apksigner", &["sign", "--ks"]);
    sign.arg(&keystore)
        .arg("--ks-pass")
        .arg(format!("file:{}", pass_file.display()))
        .args(["--min-sdk-version", &MIN_SDK.to_string()])
        .args(["--v4-signing-enabled", "false", "--out"])
        .arg(apk)
        .arg(&aligned);
    run_step("apksigner sign", &mut sign)?;
    Ok(())
}

/// target/apk/debug.keystore (and its password file), generated with keytool on first use.
fn debug_key(ctx: &Ctx, out: &Path) -> Result<(PathBuf, PathBuf), String> {
    let keystore = out.join("debug.keystore");
    let pass_file = out.join("debug.keystore.pass");
    write(&pass_file, DEBUG_PASS)?;
    if keystore.is_file() {
        return Ok((keystore, pass_file));
    }
    let pass = format!("{}", pass_file.display());
    let mut keytool = ctx.cmd(
        "keytool",
        &[
            "-genkeypair",
            "-storetype",
            "PKCS12",
            "-alias",
            "androiddebugkey",
            "-keyalg",
            "RSA",
            "-keysize",
            "2048",
            "-validity",
            "10000",
            "-dname",
            "CN=facekiosk debug,O=facekiosk,C=CN",
            "-storepass:file",
            &pass,
            "-keypass:file",
            &pass,
            "-keystore",
        ],
    );
    keytool.arg(&keystore);
    if let Err(e) = output_of("keytool (the debug key)", &mut keytool) {
        // A half-written keystore would be taken as the debug key by the next run.
        let _ = std::fs::remove_file(&keystore);
        return Err(e);
    }
    println!("    generated the debug key {}", keystore.display());
    Ok((keystore, pass_file))
}
