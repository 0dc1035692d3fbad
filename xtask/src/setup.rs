//! Machine set-up for `cargo xtask test`: Debian packages, JAVA_HOME, the python venv and
//! the Android rust target. Idempotent, and quick when everything is already in place.

use crate::runner::{Ctx, which};
use std::fmt;
use std::fs;
use std::path::Path;

/// A Debian package the tests need.
#[derive(Debug)]
pub struct AptPackage {
    /// Name to `apt-get install`.
    pub package: &'static str,
    /// What proves it is already installed.
    pub proof: Proof,
    /// Why the tests need it.
    pub why: &'static str,
}

#[derive(Debug)]
pub enum Proof {
    /// An executable on PATH.
    Binary(&'static str),
    /// An absolute path that exists.
    #[allow(dead_code, reason = "no table entry needs a file proof today")]
    File(&'static str),
}

impl Proof {
    fn holds(&self) -> bool {
        match self {
            Proof::Binary(name) => which(name).is_some(),
            Proof::File(path) => Path::new(path).exists(),
        }
    }
}

impl fmt::Display for Proof {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Proof::Binary(name) => write!(f, "no `{name}` on PATH"),
            Proof::File(path) => write!(f, "no {path}"),
        }
    }
}

/// Every Debian package the tests need: the one place to add more.
pub const APT_PACKAGES: &[AptPackage] = &[
    AptPackage {
        package: "adb",
        proof: Proof::Binary("adb"),
        why: "the bridge tests drive the real adb CLI against a fake adb server",
    },
    AptPackage {
        package: "openjdk-17-jdk-headless",
        proof: Proof::Binary("javac"),
        why: "javac, and JAVA_HOME (found from it) for the Java side of the Android bridge",
    },
];

/// The Rust target of the terminal's bridge library (checked, not linked, by `cargo xtask test`).
pub const ANDROID_TARGET: &str = "aarch64-linux-android";

pub const VENV: &str = "target/py-venv";
const REQUIREMENTS: &str = "tests/python/requirements.txt";
/// Inside the venv: hash of the requirements file last installed.
const STAMP: &str = "requirements.hash";

/// Runs every part of the set-up (a failing part does not stop the others).
/// `Err` carries a one-line reason per failed part.
pub fn run(ctx: &mut Ctx) -> Result<(), String> {
    let errors: Vec<String> = [apt_packages(ctx), java_home(ctx), python_venv(ctx)]
        .into_iter()
        .filter_map(Result::err)
        .collect();
    android_target(ctx);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("; "))
    }
}

fn apt_packages(ctx: &Ctx) -> Result<(), String> {
    let missing: Vec<&AptPackage> = APT_PACKAGES.iter().filter(|p| !p.proof.holds()).collect();
    if missing.is_empty() {
        return Ok(());
    }
    for p in &missing {
        println!(
            "    missing Debian package {} ({}): {}",
            p.package, p.proof, p.why
        );
    }
    let names: Vec<&str> = missing.iter().map(|p| p.package).collect();
    if !is_root() {
        let install = format!(
            "sudo apt-get install -y --no-install-recommends {}",
            names.join(" ")
        );
        println!("    not root; install them with:\n        {install}");
        return Err(format!("missing Debian packages; run: {install}"));
    }
    apt_get(ctx, &["update"])?;
    let mut args = vec!["install", "-y", "--no-install-recommends"];
    args.extend(&names);
    apt_get(ctx, &args)?;
    match missing.iter().find(|p| !p.proof.holds()) {
        Some(p) => Err(format!(
            "installed {} but there is still {}",
            p.package, p.proof
        )),
        None => Ok(()),
    }
}

fn apt_get(ctx: &Ctx, args: &[&str]) -> Result<(), String> {
    let shown = format!("apt-get {}", args.join(" "));
    println!("    + {shown}");
    let status = ctx
        .cmd("apt-get", args)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .status();
    match status {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(format!("`{shown}` failed ({s})")),
        Err(e) => Err(format!("could not run `{shown}`: {e}")),
    }
}

/// Root is the owner of our own /proc entry (std-only, no libc).
fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// When JAVA_HOME is unset, derives it from javac (`readlink -f $(which javac)`,
/// two levels up) and exports it to every later child process.
fn java_home(ctx: &mut Ctx) -> Result<(), String> {
    if std::env::var_os("JAVA_HOME").is_some_and(|v| !v.is_empty()) {
        return Ok(());
    }
    let javac = which("javac").ok_or("no javac on PATH, so JAVA_HOME is unknown")?;
    let real = fs::canonicalize(&javac).map_err(|e| format!("{}: {e}", javac.display()))?;
    let home = real
        .parent()
        .and_then(Path::parent)
        .ok_or_else(|| format!("cannot derive JAVA_HOME from {}", real.display()))?;
    println!("    JAVA_HOME={}", home.display());
    ctx.export("JAVA_HOME", home);
    Ok(())
}

/// Whether rustup lists `target` as installed (false without rustup).
pub fn has_rust_target(ctx: &Ctx, target: &str) -> bool {
    ctx.cmd("rustup", &["target", "list", "--installed"])
        .output()
        .is_ok_and(|out| {
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .any(|l| l.trim() == target)
        })
}

/// Adds the Android target with rustup when rustup exists and the target is missing. Never an
/// error: without it the android step is skipped.
fn android_target(ctx: &Ctx) {
    if which("rustup").is_none() || has_rust_target(ctx, ANDROID_TARGET) {
        return;
    }
    println!("    + rustup target add {ANDROID_TARGET}");
    let added = ctx
        .cmd("rustup", &["target", "add", ANDROID_TARGET])
        .status()
        .is_ok_and(|s| s.success());
    if !added {
        println!("    (could not add {ANDROID_TARGET}; the android step will be skipped)");
    }
}

/// Creates the venv at target/py-venv if missing (or broken) and installs
/// tests/python/requirements.txt when that file changed since the last install.
fn python_venv(ctx: &Ctx) -> Result<(), String> {
    let venv = ctx.root.join(VENV);
    let python = venv.join("bin/python");
    // A venv whose pip is missing is broken too (an interrupted `python3 -m venv` leaves one).
    let works = ctx
        .cmd(&python, &["-m", "pip", "--version"])
        .stdout(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !works {
        if venv.exists() {
            println!("    {VENV} is broken; recreating it");
            fs::remove_dir_all(&venv).map_err(|e| format!("removing {VENV}: {e}"))?;
        }
        println!("    + python3 -m venv {VENV}");
        let status = ctx.cmd("python3", &["-m", "venv", VENV]).status();
        if !status.is_ok_and(|s| s.success()) {
            return Err(format!(
                "`python3 -m venv {VENV}` failed (is python3 with venv installed?)"
            ));
        }
    }

    let Ok(requirements) = fs::read(ctx.root.join(REQUIREMENTS)) else {
        return Ok(()); // no python requirements (yet)
    };
    let hash = format!("{:016x}\n", fnv1a(&requirements));
    let stamp = venv.join(STAMP);
    if fs::read_to_string(&stamp).is_ok_and(|old| old == hash) {
        return Ok(());
    }
    println!("    + pip install -r {REQUIREMENTS}");
    let pip = [
        "-m",
        "pip",
        "install",
        "-q",
        "--disable-pip-version-check",
        "-r",
        REQUIREMENTS,
    ];
    if !ctx.cmd(&python, &pip).status().is_ok_and(|s| s.success()) {
        return Err(format!("`pip install -r {REQUIREMENTS}` failed"));
    }
    fs::write(&stamp, hash).map_err(|e| format!("writing {}: {e}", stamp.display()))
}

/// 64-bit FNV-1a: a stable content hash for the requirements stamp.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_known_values() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn apt_table_is_well_formed() {
        for p in APT_PACKAGES {
            assert!(!p.package.is_empty() && !p.why.is_empty());
            if let Proof::File(path) = p.proof {
                assert!(path.starts_with('/'), "{path} must be absolute");
            }
        }
    }
}
