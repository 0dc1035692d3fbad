//! The one release sandbox every client of the run talks to: `facekiosk-sandbox serve` with a
//! simulated terminal, on loopback, in a fresh data folder (its keys made anew).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};

use crate::runner::Ctx;

const DATA_DIR: &str = "target/tmp/bench-compare-sandbox";

pub struct Sandbox {
    child: Child,
    pub base_url: String,
    pub kiosk_config: PathBuf,
}

fn free_port() -> Result<u16, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(listener.local_addr().map_err(|e| e.to_string())?.port())
}

impl Sandbox {
    pub fn start(ctx: &Ctx, binary: &Path) -> Result<Sandbox, String> {
        let dir = ctx.root.join(DATA_DIR);
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(|e| format!("removing {DATA_DIR}: {e}"))?;
        }
        let terminal = format!("127.0.0.1:{}", free_port()?);
        let mut child = ctx
            .cmd(
                binary,
                &["serve", "--listen", "127.0.0.1:0", "--terminal", &terminal],
            )
            .arg("--data-dir")
            .arg(&dir)
            // Its request log would cost it time on every call of the run.
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("starting {}: {e}", binary.display()))?;
        let mut lines = BufReader::new(child.stdout.take().expect("piped")).lines();
        let (mut base_url, mut kiosk_config) = (None, None);
        for line in lines.by_ref() {
            let line = line.map_err(|e| format!("the sandbox's output: {e}"))?;
            if let Some(url) = line.strip_prefix("facekiosk-sandbox listening on ") {
                base_url = Some(url.trim().to_owned());
            } else if let Some(path) = line.trim().strip_prefix("kiosk config:") {
                kiosk_config = Some(PathBuf::from(path.trim()));
            } else if line.trim() == "ready" {
                break;
            }
        }
        // Nothing more is printed, but the pipe stays drained.
        std::thread::spawn(move || lines.for_each(drop));
        let mut sandbox = Sandbox {
            child,
            base_url: String::new(),
            kiosk_config: PathBuf::new(),
        };
        match (base_url, kiosk_config) {
            (Some(url), Some(config)) => {
                sandbox.base_url = url;
                sandbox.kiosk_config = config;
                Ok(sandbox)
            }
            _ => {
                sandbox.stop();
                Err("the sandbox did not say where it listens and where its kiosk.toml is".into())
            }
        }
    }

    pub fn pid(&self) -> String {
        self.child.id().to_string()
    }

    pub fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
