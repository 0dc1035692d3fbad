//! Running child processes: in the repo root, with the extra environment set-up
//! found (JAVA_HOME), and optionally streaming their output live while capturing it.

use std::ffi::{OsStr, OsString};
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::Duration;

/// How long to keep reading a child's output after it exited. A background
/// process it started (an adb server, say) may hold the pipe open forever.
const DRAIN_GRACE: Duration = Duration::from_secs(5);

/// Where and how child processes run.
#[derive(Debug)]
pub struct Ctx {
    /// The workspace root (parent of the xtask crate).
    pub root: PathBuf,
    /// The cargo that runs us (`$CARGO`), so children use the same toolchain.
    cargo: OsString,
    /// Extra environment for every child, e.g. a detected JAVA_HOME.
    env: Vec<(OsString, OsString)>,
}

impl Ctx {
    pub fn new() -> Ctx {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("xtask lives inside the workspace")
            .to_path_buf();
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        Ctx {
            root,
            cargo,
            env: Vec::new(),
        }
    }

    /// Exports `key=value` to every child started from now on.
    pub fn export(&mut self, key: &str, value: impl Into<OsString>) {
        self.env.push((key.into(), value.into()));
    }

    /// A command run in the repo root with no stdin (CI has none) and our extra env.
    pub fn cmd(&self, program: impl AsRef<OsStr>, args: &[&str]) -> Command {
        let mut cmd = Command::new(program);
        cmd.args(args).current_dir(&self.root).stdin(Stdio::null());
        cmd.envs(self.env.iter().map(|(k, v)| (k, v)));
        cmd
    }

    pub fn cargo(&self, args: &[&str]) -> Command {
        self.cmd(&self.cargo, args)
    }
}

/// Prints the `==> step` line that precedes every step.
pub fn header(text: &str) {
    println!("==> {text}");
    let _ = io::stdout().flush();
}

/// A finished child: how it ended and everything it printed (stdout, then stderr).
#[derive(Debug)]
pub struct Captured {
    pub status: ExitStatus,
    pub output: String,
}

/// Runs `cmd`, streaming its stdout/stderr to ours live while capturing both.
pub fn run_tee(cmd: &mut Command) -> io::Result<Captured> {
    if io::stdout().is_terminal() {
        // Piped children turn colour off; keep it for humans (parsers strip it).
        for (key, value) in [("CARGO_TERM_COLOR", "always"), ("PY_COLORS", "1")] {
            if std::env::var_os(key).is_none() {
                cmd.env(key, value);
            }
        }
    }
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn()?;
    let (done_tx, done_rx) = mpsc::channel();
    let out = tee(
        child.stdout.take().expect("piped"),
        io::stdout(),
        done_tx.clone(),
    );
    let err = tee(child.stderr.take().expect("piped"), io::stderr(), done_tx);
    let status = child.wait()?;
    for _ in 0..2 {
        if done_rx.recv_timeout(DRAIN_GRACE).is_err() {
            eprintln!("    (a background process still holds the output open; not waiting)");
            break;
        }
    }
    let mut output = take_text(&out);
    output.push_str(&take_text(&err));
    Ok(Captured { status, output })
}

/// Copies `from` to `to` on a thread as chunks arrive, keeping a copy.
fn tee(
    mut from: impl Read + Send + 'static,
    mut to: impl Write + Send + 'static,
    done: mpsc::Sender<()>,
) -> Arc<Mutex<Vec<u8>>> {
    let kept = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&kept);
    thread::spawn(move || {
        let mut buf = [0u8; 8192];
        loop {
            match from.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    let _ = to.write_all(&buf[..n]).and_then(|()| to.flush());
                    sink.lock()
                        .expect("tee buffer")
                        .extend_from_slice(&buf[..n]);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
        let _ = done.send(());
    });
    kept
}

fn take_text(buf: &Mutex<Vec<u8>>) -> String {
    String::from_utf8_lossy(&buf.lock().expect("tee buffer")).into_owned()
}

/// Turns a child's exit status into ours (for pass-through commands like bench).
pub fn exit_code(status: io::Result<ExitStatus>) -> ExitCode {
    match status {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(s) => ExitCode::from(s.code().map_or(1, |c| u8::try_from(c).unwrap_or(1))),
        Err(e) => {
            eprintln!("error: could not start cargo: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Finds `name` on PATH, like `which`.
pub fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| {
            use std::os::unix::fs::PermissionsExt;
            candidate
                .metadata()
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

/// The virtual X server of the E2E tests (`xvfb-run -s`): the kiosk's 1280x800 screen, and no
/// reset when the last client leaves: the fixtures' `xprop -root` probes connect and leave, and
/// the window manager started next failed with "can't open display" while the server reset
/// (seen on a loaded machine).
pub const XVFB_SCREEN: &str = "-screen 0 1280x800x24 -noreset";

/// The target directory cargo builds into (`$CARGO_TARGET_DIR`, else target/).
pub fn target_dir(ctx: &Ctx) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => ctx.root.join(dir),
        _ => ctx.root.join("target"),
    }
}
