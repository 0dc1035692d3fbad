//! The cold start's milestones seen from the screens: the UI marks the moments of its own start
//! (its script running, its listeners in place, the kiosk's first answers, the first screen in
//! the DOM, the paint) and hands them over with `ui_ready`; they are logged on the app's clock
//! beside the app's own ("page loaded at N ms"), which scripts/measure_startup.py reads to split
//! a cold start.

use serde::Deserialize;
use ts_rs::TS;

/// One moment of the screens' start.
#[derive(Debug, Clone, PartialEq, Deserialize, TS)]
pub struct UiMark {
    /// What happened: a few lower-case words (`script started`, `first screen`).
    pub name: String,
    /// When, in milliseconds since the Unix epoch (`performance.timeOrigin +
    /// performance.now()`: the web view's clock, which is the wall clock).
    pub at: f64,
}

/// More marks than this is not the UI's start: the rest are ignored.
const MAX_MARKS: usize = 16;

/// Logs each mark as `ui NAME at N ms`, N counted from the app's start (`start_unix_ms`, the
/// wall clock when the process started). A mark that is not a few lower-case words, or not a
/// time after the start, is skipped with a warning: the log is parsed, and this arrives over IPC.
pub fn log_marks(marks: &[UiMark], start_unix_ms: f64) {
    for mark in marks.iter().take(MAX_MARKS) {
        let name_ok = !mark.name.is_empty()
            && mark.name.len() <= 40
            && mark
                .name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == ' ');
        let ms = mark.at - start_unix_ms;
        if !name_ok || !ms.is_finite() || !(0.0..3_600_000.0).contains(&ms) {
            tracing::warn!("a startup mark of the screens is not one (skipped)");
            continue;
        }
        tracing::info!("ui {} at {} ms", mark.name, ms.round() as u64);
    }
    if marks.len() > MAX_MARKS {
        tracing::warn!(
            "{} startup marks of the screens ignored",
            marks.len() - MAX_MARKS
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logging::Buffer;

    fn logged(marks: &[UiMark], start: f64) -> String {
        let out = Buffer::default();
        let sink = out.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || sink.clone())
            .with_ansi(false)
            .finish();
        tracing::subscriber::with_default(subscriber, || log_marks(marks, start));
        out.text()
    }

    fn mark(name: &str, at: f64) -> UiMark {
        UiMark {
            name: name.into(),
            at,
        }
    }

    #[test]
    fn marks_are_logged_on_the_app_s_clock_as_the_startup_script_reads_them() {
        let start = 1_800_000_000_000.0;
        let log = logged(
            &[
                mark("script started", start + 412.4),
                mark("first screen", start + 530.6),
            ],
            start,
        );
        assert!(log.contains("ui script started at 412 ms"), "{log}");
        assert!(log.contains("ui first screen at 531 ms"), "{log}");
    }

    #[test]
    fn what_is_not_a_mark_is_skipped_and_never_echoed() {
        let start = 1_800_000_000_000.0;
        let log = logged(
            &[
                mark("Name: 张三\nui forged at 1 ms", start + 10.0),
                mark("before the start", start - 5.0),
                mark("not a time", f64::NAN),
                mark("ok", start + 20.0),
            ],
            start,
        );
        assert!(!log.contains("张三") && !log.contains("forged"), "{log}");
        assert_eq!(log.matches("skipped").count(), 3, "{log}");
        assert!(log.contains("ui ok at 20 ms"), "{log}");
    }
}
