//! The bits of the system the check touches: commands whose output it reads, dpkg, the
//! kiosk's user.

use crate::runner::Ctx;
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

/// The package's name, and its system user's.
pub const PACKAGE: &str = "facekiosk";
pub const USER: &str = "facekiosk";

/// A system user: its ids and home.
#[derive(Debug, Clone)]
pub struct User {
    pub uid: u32,
    pub gid: u32,
    pub home: String,
}

/// `cmd`'s output (stdout then stderr) when it succeeds; its status and output otherwise.
pub fn output(mut cmd: Command, what: &str) -> Result<String, String> {
    let out = cmd
        .output()
        .map_err(|e| format!("{what}: could not start: {e}"))?;
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    if out.status.success() {
        Ok(text)
    } else {
        Err(format!("{what}: {}: {}", out.status, tail(&text)))
    }
}

/// The last lines of a command's output, for an error message.
pub fn tail(text: &str) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(8)..].join(" | ")
}

/// Runs dpkg, waiting up to a minute for another dpkg or apt (another helper's install) to let
/// go of its lock.
pub fn dpkg(ctx: &Ctx, args: &[&str]) -> Result<String, String> {
    let shown = format!("dpkg {}", args.join(" "));
    println!("    + {shown}");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        match output(ctx.cmd("dpkg", args), &shown) {
            Err(why) if why.contains("lock") && Instant::now() < deadline => {
                thread::sleep(Duration::from_secs(2));
            }
            result => return result,
        }
    }
}

/// Whether dpkg knows the package in any state but "not installed" (a crashed earlier check
/// may have left it installed, or removed with its configuration).
pub fn known_to_dpkg(ctx: &Ctx) -> bool {
    ctx.cmd("dpkg-query", &["-W", "-f", "${db:Status-Status}", PACKAGE])
        .output()
        .is_ok_and(|out| {
            out.status.success() && String::from_utf8_lossy(&out.stdout).trim() != "not-installed"
        })
}

/// The user `name` from the passwd database, if it exists.
pub fn user(ctx: &Ctx, name: &str) -> Option<User> {
    let out = ctx.cmd("getent", &["passwd", name]).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let line = String::from_utf8_lossy(&out.stdout).into_owned();
    let fields: Vec<&str> = line.trim().split(':').collect();
    Some(User {
        uid: fields.get(2)?.parse().ok()?,
        gid: fields.get(3)?.parse().ok()?,
        home: (*fields.get(5)?).to_string(),
    })
}

/// Whether the group `name` exists.
pub fn group_exists(ctx: &Ctx, name: &str) -> bool {
    ctx.cmd("getent", &["group", name])
        .output()
        .is_ok_and(|out| out.status.success())
}

/// Whether this process runs as root (dpkg -i needs it).
pub fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status").is_ok_and(|status| {
        status
            .lines()
            .find(|l| l.starts_with("Uid:"))
            .and_then(|l| l.split_whitespace().nth(2))
            == Some("0")
    })
}
