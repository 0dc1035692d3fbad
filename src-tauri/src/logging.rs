//! Logs to stderr, and a panic hook that never prints the panic's message: a message may
//! have been formatted from personal data, and this process handles names and ID numbers.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// `RUST_LOG` filters as usual; the default is `info`.
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // Err only when a subscriber is already set (a second call): keep that one.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Scripts parse the log ("ui ready in N ms"): colour codes only for a person.
        .with_ansi(std::io::stderr().is_terminal())
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
