//! Log capture for the privacy tests: one global `tracing` subscriber per test binary that
//! writes every log line, at every level (TRACE), the closing of every span and the `log`
//! records of dependencies, without colours, into one shared buffer.
//!
//! ```
//! let logs = facekiosk_testkit::logs::capture();
//! tracing::trace!(route = "/v3/facemch/users/{face_sid}", "request");
//! assert!(logs.contents().contains("route=\"/v3/facemch/users/{face_sid}\""));
//! ```

use std::io;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::FmtSpan;

/// The captured log lines: a handle on the shared buffer. Cheap to clone; it is the
/// [`MakeWriter`] of the subscriber [`capture`] installs.
#[derive(Debug, Clone, Default)]
pub struct Logs(Arc<Mutex<Vec<u8>>>);

impl Logs {
    fn buffer(&self) -> MutexGuard<'_, Vec<u8>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Everything captured so far (every test of the binary writes here).
    pub fn contents(&self) -> String {
        String::from_utf8_lossy(&self.buffer()).into_owned()
    }
}

/// Appends each line to the shared buffer.
#[derive(Debug)]
pub struct LogWriter(Logs);

impl io::Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.buffer().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Logs {
    type Writer = LogWriter;

    fn make_writer(&'a self) -> LogWriter {
        LogWriter(self.clone())
    }
}

/// Installs the capturing subscriber as the global default, the first time it is called in the
/// test binary, and returns the buffer; later calls (from other tests of the binary) return
/// the same buffer.
///
/// # Panics
///
/// If something else already installed a global subscriber or `log` logger: the capture would
/// miss lines.
pub fn capture() -> Logs {
    static LOGS: OnceLock<Logs> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = Logs::default();
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_span_events(FmtSpan::CLOSE)
            .with_writer(logs.clone())
            .try_init()
            .expect("the log capture is the only global subscriber of the test binary");
        logs
    })
    .clone()
}
