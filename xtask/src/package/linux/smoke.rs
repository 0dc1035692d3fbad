//! The installed kiosk started as the kiosk session starts it (its user, its home, a private
//! session bus, no configuration), on a virtual screen: it must come up on the "not set up"
//! screen and hold the single-instance lock. The proof, without WebDriver: the app's own log
//! file in /var/log/facekiosk says the configuration at /etc/facekiosk/kiosk.toml is missing
//! (the launch that renders the "not set up" screen) and then "ui ready" (the UI painted its
//! first screen, which for that launch is the "not set up" screen: tests/e2e/test_production.py
//! checks the screen itself), a visible X window named facekiosk exists, and a second start
//! exits with the app's "already running" status.

use super::system::{self, User};
use crate::runner::Ctx;
use crate::runner::XVFB_SCREEN;
use std::ffi::OsStr;
use std::fs;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

const APP: &str = "/usr/bin/facekiosk";
const LOG: &str = "/var/log/facekiosk/facekiosk.log";
/// The app's exit status when another kiosk holds the lock (src-tauri/src/lib.rs).
const EXIT_ALREADY_RUNNING: i32 = 3;
/// A debug build on a busy machine starts in seconds; this is far beyond.
const START_LIMIT: Duration = Duration::from_secs(90);

/// A fresh folder in /tmp that the kiosk's user owns (its X authority, its copies).
pub fn scratch_dir(user: &User) -> Result<PathBuf, String> {
    let dir = std::env::temp_dir().join(format!("facekiosk-deb-check.{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir(&dir)
        .and_then(|()| std::os::unix::fs::chown(&dir, Some(user.uid), Some(user.gid)))
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(dir)
}

/// `program args` as the kiosk's user, with the bare environment a systemd service has.
pub fn as_user(ctx: &Ctx, user: &User, program: impl AsRef<OsStr>, args: &[&str]) -> Command {
    let mut cmd = ctx.cmd(program, args);
    cmd.env_clear()
        .env("PATH", "/usr/local/bin:/usr/bin:/bin")
        .env("HOME", &user.home)
        .env("LANG", "C.UTF-8")
        .current_dir("/")
        .uid(user.uid)
        .gid(user.gid);
    cmd
}

/// Starts the installed app with no configuration; what it showed, a few words.
pub fn not_set_up(ctx: &Ctx, user: &User) -> Result<String, String> {
    let dir = scratch_dir(user)?;
    let result = run(ctx, user, &dir);
    let _ = fs::remove_dir_all(&dir);
    result
}

fn run(ctx: &Ctx, user: &User, dir: &Path) -> Result<String, String> {
    let auth = dir.join("Xauthority").to_string_lossy().into_owned();
    let out = dir.join("app.out");
    let mut cmd = as_user(
        ctx,
        user,
        "dbus-run-session",
        &["--", "xvfb-run", "-a", "-f", &auth, "-s", XVFB_SCREEN, APP],
    );
    // Only what this start writes counts (a log left from before must not answer for it).
    let offset = fs::metadata(LOG).map_or(0, |m| m.len());
    let started = Instant::now();
    println!(
        "    + (as {}) dbus-run-session -- xvfb-run {APP}",
        system::USER
    );
    let mut first = Group::spawn(&mut cmd, &out)?;
    let ready = wait_ready(&mut first, started, offset, &out)?;
    let log = log_since(offset);
    if !(log.contains("no configuration yet") && log.contains("/etc/facekiosk/kiosk.toml")) {
        return Err(format!(
            "{LOG} does not say that /etc/facekiosk/kiosk.toml is missing: {}",
            system::tail(&log)
        ));
    }
    let display = display(ctx, &auth)?;
    let mut search = ctx.cmd(
        "xdotool",
        &["search", "--onlyvisible", "--name", "^facekiosk$"],
    );
    with_display(&mut search, &display, &auth);
    let window = system::output(search, "xdotool search (no visible facekiosk window)")?;
    let window = window.lines().next().unwrap_or("").trim().to_string();
    let mut second = as_user(ctx, user, "dbus-run-session", &["--", APP]);
    with_display(&mut second, &display, &auth);
    let mut second = Group::spawn(&mut second, &dir.join("second.out"))?;
    let status = second.wait(START_LIMIT)?;
    drop(first);
    if status != Some(EXIT_ALREADY_RUNNING) {
        return Err(format!(
            "a second facekiosk ended with {status:?}, not {EXIT_ALREADY_RUNNING} (already \
             running): the single-instance lock did not hold"
        ));
    }
    Ok(format!(
        "\"not set up\" screen painted in {ready:.1} s (window {window}), a second start refused"
    ))
}

/// Waits for the first screen ("ui ready" in the app's log file); seconds since the start.
fn wait_ready(app: &mut Group, started: Instant, offset: u64, out: &Path) -> Result<f64, String> {
    loop {
        if log_since(offset).contains("ui ready in") {
            return Ok(started.elapsed().as_secs_f64());
        }
        let printed = || fs::read_to_string(out).unwrap_or_default();
        if app.exited() {
            return Err(format!(
                "{APP} ended before its first screen: {}",
                system::tail(&printed())
            ));
        }
        if started.elapsed() > START_LIMIT {
            return Err(format!(
                "no \"ui ready\" in {LOG} after {} s: {}",
                START_LIMIT.as_secs(),
                system::tail(&printed())
            ));
        }
        thread::sleep(Duration::from_millis(250));
    }
}

/// The app's log file from `offset` on (empty while there is none).
fn log_since(offset: u64) -> String {
    let bytes = fs::read(LOG).unwrap_or_default();
    let from = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(bytes.len());
    String::from_utf8_lossy(&bytes[from..]).into_owned()
}

/// The display xvfb-run picked, from the authority file it wrote (`host/unix:99  MIT-...`).
fn display(ctx: &Ctx, auth: &str) -> Result<String, String> {
    let list = system::output(ctx.cmd("xauth", &["-f", auth, "list"]), "xauth list")?;
    list.split_whitespace()
        .next()
        .and_then(|entry| entry.rsplit_once(':'))
        .map(|(_, number)| format!(":{number}"))
        .ok_or(format!("no display in {auth}"))
}

fn with_display<'c>(cmd: &'c mut Command, display: &str, auth: &str) -> &'c mut Command {
    cmd.env("DISPLAY", display).env("XAUTHORITY", auth)
}

/// A child in its own process group, which is ended (TERM, then KILL) when dropped, and waited
/// for until the whole group is gone (the app, Xvfb, the session bus: the purge cannot delete a
/// user that still runs something). Signalled only while the group exists: its id cannot have
/// gone to another process then.
struct Group {
    child: Child,
    reaped: bool,
}

impl Group {
    fn spawn(cmd: &mut Command, out: &Path) -> Result<Group, String> {
        let log = fs::File::create(out).map_err(|e| format!("{}: {e}", out.display()))?;
        let err = log.try_clone().map_err(|e| e.to_string())?;
        let child = cmd
            .process_group(0)
            .stdout(Stdio::from(log))
            .stderr(Stdio::from(err))
            .spawn()
            .map_err(|e| format!("could not start {:?}: {e}", cmd.get_program()))?;
        Ok(Group {
            child,
            reaped: false,
        })
    }

    fn exited(&mut self) -> bool {
        self.poll().is_some()
    }

    fn poll(&mut self) -> Option<Option<i32>> {
        let status = self.child.try_wait().ok().flatten()?;
        self.reaped = true;
        Some(status.code())
    }

    /// Waits for the child to end by itself; its exit code.
    fn wait(&mut self, limit: Duration) -> Result<Option<i32>, String> {
        let started = Instant::now();
        while started.elapsed() < limit {
            if let Some(code) = self.poll() {
                return Ok(code);
            }
            thread::sleep(Duration::from_millis(100));
        }
        Err(format!("still running after {} s", limit.as_secs()))
    }

    /// `kill SIGNAL -- -PGID`; whether it reached the group.
    fn kill(&self, signal: &str) -> bool {
        let group = format!("-{}", self.child.id());
        Command::new("kill")
            .args([signal, "--", &group])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    /// Whether any process of the group is left (an unreaped leader counts).
    fn alive(&self) -> bool {
        !self.reaped || self.kill("-0")
    }

    /// Polls until the group is gone; whether it went within `limit`.
    fn gone_within(&mut self, limit: Duration) -> bool {
        let started = Instant::now();
        loop {
            let _ = self.poll();
            if !self.alive() {
                return true;
            }
            if started.elapsed() > limit {
                return false;
            }
            thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        if self.alive() {
            self.kill("-TERM");
        }
        if !self.gone_within(Duration::from_secs(5)) && self.alive() {
            self.kill("-KILL");
            self.gone_within(Duration::from_secs(5));
        }
    }
}
