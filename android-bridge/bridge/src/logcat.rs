//! The bridge's `tracing` events in Android's log (logcat), tag `facekiosk-bridge`.
//!
//! On a terminal the app has no stdout a technician can read: `adb logcat -s facekiosk-bridge`
//! is where the Service's Java lines already go, and this puts the Rust side beside them. A
//! small [`Subscriber`] rather than `tracing-subscriber`'s fmt: the events are one line each,
//! spans add nothing here, and the `.so` stays free of a regex engine.
//!
//! What goes out is exactly what the bridge's `tracing` calls record (method, id, elapsed time,
//! outcome code, errors): never params or results, so no personal data.

use std::fmt::{self, Write as _};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

/// The logcat tag of every line, the same as the Java side's (`BridgeService.TAG`).
pub const TAG: &str = "facekiosk-bridge";

/// Android's log keeps at most about 4 KiB per entry; longer text is cut here, not by liblog.
pub const MAX_LINE: usize = 4000;

/// Levels below this are dropped before formatting (debug is for host runs).
const MAX_LEVEL: Level = Level::INFO;

/// Android's priorities (`android/log.h`).
fn priority(level: Level) -> i32 {
    match level {
        Level::TRACE => 2, // ANDROID_LOG_VERBOSE
        Level::DEBUG => 3,
        Level::INFO => 4,
        Level::WARN => 5,
        Level::ERROR => 6,
    }
}

/// One event as one line: the message, then ` field=value` for the other fields, cut to
/// [`MAX_LINE`] bytes at a character boundary.
pub fn format_event(event: &Event<'_>) -> String {
    let mut line = LineVisitor::default();
    event.record(&mut line);
    let mut text = line.message;
    text.push_str(&line.fields);
    if text.len() > MAX_LINE {
        let mut cut = MAX_LINE;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
    }
    text
}

#[derive(Default)]
struct LineVisitor {
    message: String,
    fields: String,
}

impl Visit for LineVisitor {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.record_debug(field, &format_args!("{value}"));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            let _ = write!(self.fields, " {}={value:?}", field.name());
        }
    }
}

/// Writes every enabled event to logcat; spans are accepted and ignored.
#[derive(Debug, Default)]
pub struct Logcat;

impl Subscriber for Logcat {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        *metadata.level() <= MAX_LEVEL
    }

    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::from_level(MAX_LEVEL))
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        write_line(priority(*event.metadata().level()), &format_event(event));
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

/// Makes [`Logcat`] the process's `tracing` subscriber, unless one is set already.
pub fn install() {
    let _ = tracing::subscriber::set_global_default(Logcat);
}

#[cfg(target_os = "android")]
mod android {
    // The one foreign call of this module (liblog's writer) and the load-time hook below.
    #![allow(unsafe_code)]

    use std::ffi::{CString, c_char, c_int};

    #[link(name = "log")]
    unsafe extern "C" {
        fn __android_log_write(prio: c_int, tag: *const c_char, text: *const c_char) -> c_int;
    }

    pub(super) fn write_line(priority: i32, text: &str) {
        let tag = CString::new(super::TAG).unwrap_or_default();
        let text = CString::new(text.replace('\0', " ")).unwrap_or_default();
        // SAFETY: both pointers are NUL-terminated strings that outlive the call.
        unsafe { __android_log_write(priority, tag.as_ptr(), text.as_ptr()) };
    }

    /// Runs when the app's `System.loadLibrary` maps the `.so`, before `JNI_OnLoad`, so that
    /// even the registration's failures reach logcat.
    extern "C" fn at_load() {
        super::install();
    }

    // SAFETY: `.init_array` holds plain `extern "C" fn()` pointers the loader calls once.
    #[used]
    #[unsafe(link_section = ".init_array")]
    static AT_LOAD: extern "C" fn() = at_load;
}

#[cfg(target_os = "android")]
use android::write_line;

/// Off Android there is no logcat; the subscriber is still built and tested on the host.
#[cfg(not(target_os = "android"))]
fn write_line(_priority: i32, _text: &str) {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// Captures the formatted lines, as `Logcat::event` would hand them to liblog.
    struct Capture(Arc<Mutex<Vec<String>>>);

    impl Subscriber for Capture {
        fn enabled(&self, m: &Metadata<'_>) -> bool {
            Logcat.enabled(m)
        }
        fn new_span(&self, _: &Attributes<'_>) -> Id {
            Id::from_u64(1)
        }
        fn record(&self, _: &Id, _: &Record<'_>) {}
        fn record_follows_from(&self, _: &Id, _: &Id) {}
        fn event(&self, event: &Event<'_>) {
            self.0.lock().unwrap().push(format_event(event));
        }
        fn enter(&self, _: &Id) {}
        fn exit(&self, _: &Id) {}
    }

    fn lines(f: impl FnOnce()) -> Vec<String> {
        let kept = Arc::new(Mutex::new(Vec::new()));
        tracing::subscriber::with_default(Capture(Arc::clone(&kept)), f);
        kept.lock().unwrap().clone()
    }

    #[test]
    fn an_event_is_its_message_then_its_fields() {
        let got = lines(|| tracing::warn!(method = "getWxpayfaceCode", id = 7, "call timed out"));
        assert_eq!(got, ["call timed out method=getWxpayfaceCode id=7"]);
    }

    #[test]
    fn debug_lines_stay_off_logcat() {
        assert!(lines(|| tracing::debug!("chatty")).is_empty());
        assert_eq!(lines(|| tracing::info!("kept")).len(), 1);
    }

    #[test]
    fn a_long_line_is_cut_at_a_character_boundary() {
        let long = "脸".repeat(2000);
        let got = lines(|| tracing::info!("{long}"));
        assert!(got[0].len() <= MAX_LINE && got[0].len() > MAX_LINE - 4);
        assert!(got[0].chars().all(|c| c == '脸'));
    }

    #[test]
    fn levels_map_to_android_priorities() {
        assert_eq!(priority(Level::INFO), 4);
        assert_eq!(priority(Level::WARN), 5);
        assert_eq!(priority(Level::ERROR), 6);
    }
}
