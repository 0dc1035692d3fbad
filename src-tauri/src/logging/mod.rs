//! Logs to stderr (the journal, under systemd; nowhere for the Windows release, a GUI
//! program) and to size-rotated files in the log folder ([`file`]: `/var/log/facekiosk`,
//! `%ProgramData%\facekiosk\logs`), and a panic hook that never prints the panic's message:
//! a message may have been formatted from personal data, and this process handles names and
//! ID numbers.
//!
//! Our crates log at what `RUST_LOG` asks (default `info`); every other crate at `warn` at
//! most, whatever `RUST_LOG` says: reqwest's and hyper's debug lines carry request URLs, and
//! the facemch URL carries the patient's face_sid. Crates that log through the `log` facade
//! are bridged into the same filter.

mod file;

use std::io::IsTerminal;
use std::path::PathBuf;

use tracing::{Level, Metadata};
use tracing_subscriber::filter::{EnvFilter, FilterFn, filter_fn};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::prelude::*;
use tracing_subscriber::registry::LookupSpan;

/// The prefix every crate of ours has (`facekiosk_session`, `facekiosk_app`, ...).
const OURS: &str = "facekiosk";

/// The log folder (the diagnostics' bundle reads the same one): none for a developer's run or
/// a test (stderr only).
fn log_dir() -> Option<PathBuf> {
    facekiosk_diagnostics::bundle::log_dir()
}

pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let ansi = std::io::stderr().is_terminal();
    let file = log_dir().and_then(|dir| match file::RotatingFile::open(&dir) {
        Ok(file) => Some(file),
        Err(e) => {
            // No subscriber yet: say it where a technician starting the app sees it.
            eprintln!("facekiosk: cannot write logs to {}: {e}", dir.display());
            None
        }
    });
    // Err only when a subscriber is already set (a second call): keep that one.
    let _ = subscriber(filter, std::io::stderr, ansi)
        .with(file.map(|f| {
            tracing_subscriber::fmt::layer()
                .with_writer(f)
                .with_ansi(false)
        }))
        .try_init();
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_else(|| "unknown".into());
        let thread = std::thread::current();
        tracing::error!(
            location,
            thread = thread.name().unwrap_or("unnamed"),
            "panic (message withheld: it may contain personal data)"
        );
    }));
}

/// The kiosk's subscriber, writing to `writer`.
fn subscriber<W>(
    filter: EnvFilter,
    writer: W,
    ansi: bool,
) -> impl tracing::Subscriber + for<'l> LookupSpan<'l> + Send + Sync + 'static
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    tracing_subscriber::registry()
        .with(third_parties_at_warn())
        .with(filter)
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(writer)
                // Scripts parse the log ("ui ready in N ms"): colour codes only for a person.
                .with_ansi(ansi),
        )
}

fn third_parties_at_warn() -> FilterFn<impl Fn(&Metadata<'_>) -> bool> {
    filter_fn(|meta| meta.target().starts_with(OURS) || *meta.level() <= Level::WARN)
}

/// What the tests log, kept to read back.
#[cfg(test)]
#[derive(Clone, Default)]
pub(crate) struct Buffer(pub std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

#[cfg(test)]
impl Buffer {
    pub fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

#[cfg(test)]
impl std::io::Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_crates_log_at_warn_at_most_even_when_rust_log_asks_for_more() {
        let out = Buffer::default();
        let sink = out.clone();
        let everything = EnvFilter::new("trace");
        let subscriber = subscriber(everything, move || sink.clone(), false);
        tracing::subscriber::with_default(subscriber, || {
            tracing::debug!(target: "reqwest::connect", "GET /v3/facemch/users/SID-A");
            tracing::info!(target: "hyper_util::client", "SID-B");
            tracing::warn!(target: "rustls::conn", "a warning of theirs");
            tracing::debug!(target: "facekiosk_session::flow", "a debug line of ours");
        });
        let logged = out.text();
        assert!(
            !logged.contains("SID-A") && !logged.contains("SID-B"),
            "{logged}"
        );
        assert!(logged.contains("a warning of theirs"), "{logged}");
        assert!(logged.contains("a debug line of ours"), "{logged}");
    }
}
