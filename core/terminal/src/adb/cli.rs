//! The `adb` program, pointed at our adb server with `-P PORT` (and `-H HOST` when not local):
//! `adb -s SERIAL forward tcp:0 localabstract:NAME` prints the port it chose.
//!
//! Which program: the one configured, else the `ADB` environment variable (as scrcpy does),
//! else `adb` on `PATH`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::process::Command;

use super::AdbError;

/// How long one adb command may take.
const CLI_TIMEOUT: Duration = Duration::from_secs(10);

/// The `adb` program, talking to the adb server at one address.
#[derive(Debug, Clone)]
pub struct AdbCli {
    program: PathBuf,
    server: SocketAddr,
}

impl AdbCli {
    /// `program`, talking to the server at `server`.
    pub fn new(program: impl Into<PathBuf>, server: SocketAddr) -> AdbCli {
        AdbCli {
            program: program.into(),
            server,
        }
    }

    /// The program named by `ADB`, else `adb` found on `PATH`; `None` if there is none.
    pub fn find(server: SocketAddr) -> Option<AdbCli> {
        if let Some(adb) = std::env::var_os("ADB").filter(|v| !v.is_empty()) {
            return Some(AdbCli::new(adb, server));
        }
        find_on_path().map(|program| AdbCli::new(program, server))
    }

    /// The program.
    pub fn program(&self) -> &Path {
        &self.program
    }

    fn command(&self) -> Command {
        let mut cmd = Command::new(&self.program);
        let port = self.server.port().to_string();
        if !self.server.ip().is_loopback() {
            cmd.arg("-H").arg(self.server.ip().to_string());
        }
        cmd.arg("-P")
            .arg(&port)
            // -P wins over these, but a stray ADB_SERVER_SOCKET could point elsewhere.
            .env_remove("ADB_SERVER_SOCKET")
            .env("ANDROID_ADB_SERVER_PORT", &port)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        cmd
    }

    async fn run(&self, what: &str, args: &[&str]) -> Result<String, AdbError> {
        let mut cmd = self.command();
        cmd.args(args);
        let output = tokio::time::timeout(CLI_TIMEOUT, cmd.output())
            .await
            .map_err(|_| AdbError::Cli(format!("`adb {what}` did not finish within 10 s")))?
            .map_err(|source| AdbError::Spawn {
                program: self.program.display().to_string(),
                source,
            })?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let stderr: String = stderr.trim().chars().take(300).collect();
            return Err(AdbError::Cli(format!(
                "`adb {what}` failed ({}): {stderr}",
                output.status
            )));
        }
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    }

    /// `adb -s SERIAL forward tcp:0 REMOTE`: the local port adb chose.
    pub async fn forward_any_port(&self, serial: &str, remote: &str) -> Result<u16, AdbError> {
        let out = self
            .run("forward", &["-s", serial, "forward", "tcp:0", remote])
            .await?;
        out.lines()
            .find_map(|line| line.trim().parse().ok())
            .ok_or_else(|| {
                AdbError::Cli(format!("`adb forward` printed no port: {:?}", out.trim()))
            })
    }

    /// `adb start-server`: starts the server on our port if none answers there.
    pub async fn start_server(&self) -> Result<(), AdbError> {
        self.run("start-server", &["start-server"]).await.map(drop)
    }
}

fn find_on_path() -> Option<PathBuf> {
    let names: &[&str] = if cfg!(windows) {
        &["adb.exe", "adb"]
    } else {
        &["adb"]
    };
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|candidate| candidate.is_file())
}
