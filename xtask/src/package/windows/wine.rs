//! Debian's Wine 8 (`wine64`, installed off PATH at /usr/lib/wine) in a prefix of our own
//! under `target/windows/wineprefix`, with no display: the checks run console programs and a
//! silent installer only.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::target_dir;
use crate::runner::{self, Ctx};

/// Where Debian's `wine64` package puts Wine (it adds no `wine64` to PATH).
const WINE_DIR: &str = "/usr/lib/wine";

/// A console program's run: exit code, stdout, stderr.
#[derive(Debug)]
pub struct Ran {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

#[derive(Debug)]
pub struct Wine {
    wine: PathBuf,
    server: PathBuf,
    prefix: PathBuf,
}

impl Wine {
    /// The prefix, made on first use (`wineboot`, ~20 s) and given the stand-in
    /// `bcryptprimitives.dll` (see packaging/windows/wine/).
    pub fn ready(ctx: &Ctx) -> Result<Wine, String> {
        let dir = Path::new(WINE_DIR);
        let wine = Some(dir.join("wine64"))
            .filter(|p| p.is_file())
            .or_else(|| runner::which("wine64"))
            .or_else(|| runner::which("wine"))
            .ok_or("no wine64 (apt-get install wine64; cargo xtask setup installs it)")?;
        let server = [dir.join("wineserver"), dir.join("wineserver64")]
            .into_iter()
            .find(|p| p.is_file())
            .or_else(|| runner::which("wineserver"))
            .ok_or("no wineserver beside wine64")?;
        let prefix = target_dir(ctx).join("wineprefix");
        std::fs::create_dir_all(&prefix).map_err(|e| format!("{}: {e}", prefix.display()))?;
        let wine = Wine {
            wine,
            server,
            prefix,
        };
        if !wine.prefix.join("system.reg").is_file() {
            let booted = wine.run(Path::new("wineboot"), &["--init"])?;
            if booted.code != 0 {
                return Err(format!(
                    "wineboot failed ({}): {}",
                    booted.code, booted.stderr
                ));
            }
        }
        wine.add_bcryptprimitives(ctx)?;
        Ok(wine)
    }

    /// Wine 8 lacks `bcryptprimitives.dll`, which Rust's std (1.78 and later) loads for
    /// randomness; Windows 10 and later have it. A stand-in built from our source goes into
    /// the prefix only, never into the package.
    fn add_bcryptprimitives(&self, ctx: &Ctx) -> Result<(), String> {
        let dll = self.drive_c().join("windows/system32/bcryptprimitives.dll");
        if dll.is_file() {
            return Ok(());
        }
        let source = ctx.root.join("packaging/windows/wine");
        let status = ctx
            .cmd("x86_64-w64-mingw32-gcc-posix", &["-shared", "-O2", "-o"])
            .arg(&dll)
            .arg(source.join("bcryptprimitives.c"))
            .arg(source.join("bcryptprimitives.def"))
            .arg("-ladvapi32")
            .status()
            .map_err(|e| format!("x86_64-w64-mingw32-gcc-posix: {e}"))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!(
                "building the stand-in bcryptprimitives.dll failed ({status})"
            ))
        }
    }

    fn env<'c>(&self, cmd: &'c mut Command) -> &'c mut Command {
        cmd.env("WINEPREFIX", &self.prefix)
            .env("WINEDEBUG", "-all")
            // No window may open: the checks must behave the same on a headless CI runner.
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
    }

    /// `program` (a Windows path, or a Unix path Wine maps to Z:) run to its end.
    pub fn run(&self, program: &Path, args: &[&str]) -> Result<Ran, String> {
        let out = self
            .env(Command::new(&self.wine).arg(program).args(args))
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("wine64 {}: {e}", program.display()))?;
        Ok(Ran {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        })
    }

    /// The prefix's `C:`.
    pub fn drive_c(&self) -> PathBuf {
        self.prefix.join("drive_c")
    }

    /// `path` as a Windows program sees it (Wine maps `/` to `Z:\`).
    pub fn windows_path(path: &Path) -> String {
        format!("Z:{}", path.display()).replace('/', "\\")
    }

    /// Waits until every program running in the prefix has ended (and the server, which
    /// lingers a few seconds after the last one).
    pub fn wait(&self) {
        self.server("-w");
    }

    /// Ends the prefix's server and every Wine process in it.
    pub fn stop(&self) {
        self.server("-k");
    }

    fn server(&self, flag: &str) {
        let _ = self
            .env(&mut Command::new(&self.server))
            .arg(flag)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}
