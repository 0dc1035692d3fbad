//! The kiosk cannot be closed: under `ClosePolicy::Refuse` a close request on the window leaves
//! it open, and a request to exit is refused. Driven through the mock runtime's own event loop
//! (`App::run`), which sends `CloseRequested` and `ExitRequested` where the real one does and
//! honours their prevention the same way; `ClosePolicy::Allow` is the control.
//!
//! (`AppHandle::exit` is not available on the mock runtime; it arrives as the same
//! `ExitRequested`, which `on_run_event` refuses whatever asked for it.)

use std::sync::mpsc;
use std::time::{Duration, Instant};

use facekiosk_app::state::AppState;
use facekiosk_app::{ClosePolicy, configure, context, on_run_event};
use tauri::test::{MockRuntime, mock_builder};
use tauri::{AppHandle, Manager, RunEvent, WebviewUrl, WebviewWindowBuilder, WindowEvent};

use crate::support::misconfigured;

/// The mock's event loop ticks once a second.
const PATIENCE: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// The window was asked to close; on the tick after the request, it is destroyed.
    Closing,
    /// The window was destroyed: the app has none left and is asked to exit.
    Destroying,
    /// The test is done: the app may exit, so that its thread ends.
    Ending,
}

/// Asks the main window to close, then destroys it (the mock then asks the app to exit, as
/// the real runtime does when the last window goes), and says what the event loop did.
fn close_then_destroy(policy: ClosePolicy) -> Vec<&'static str> {
    let (tx, rx) = mpsc::channel();
    // Its own thread: the mock's `run` returns only once the app exits.
    std::thread::spawn(move || {
        let state = AppState::new(misconfigured(), Instant::now());
        let app = configure(mock_builder(), state, policy)
            .build(context())
            .expect("the app builds on the mock runtime");
        let mut step = Step::Closing;
        let mut close_requested = false;
        let mut exit_requested = false;
        app.run(move |app, event| {
            let note = |what| {
                let _ = tx.send(what);
            };
            match &event {
                RunEvent::Ready => {
                    main_window(app).close().expect("close");
                    note("close asked");
                }
                RunEvent::WindowEvent {
                    event: WindowEvent::CloseRequested { .. },
                    ..
                } => {
                    close_requested = true;
                    note("close requested");
                }
                RunEvent::ExitRequested { .. } => {
                    exit_requested = true;
                    note("exit requested");
                }
                RunEvent::Exit => note("exit"),
                RunEvent::MainEventsCleared => match step {
                    Step::Closing if close_requested => {
                        // Destroying a window the mock still has makes it ask the app to exit.
                        main_window(app).destroy().expect("destroy");
                        note("main destroyed");
                        step = Step::Destroying;
                    }
                    Step::Destroying if exit_requested => {
                        note("running after the exit request");
                        step = Step::Ending;
                        let last = WebviewWindowBuilder::new(app, "last", WebviewUrl::default())
                            .build()
                            .expect("a window");
                        last.destroy().expect("destroy");
                    }
                    _ => {}
                },
                _ => {}
            }
            if step != Step::Ending {
                on_run_event(app, event);
            }
        });
    });
    let deadline = Instant::now() + PATIENCE;
    let mut seen = Vec::new();
    while let Ok(what) = rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
        seen.push(what);
        if what == "exit" {
            break;
        }
    }
    seen
}

fn main_window(app: &AppHandle<MockRuntime>) -> tauri::WebviewWindow<MockRuntime> {
    app.get_webview_window("main")
        .expect("tauri.conf.json creates the main window")
}

#[test]
fn the_kiosk_refuses_to_close_its_window_and_to_exit() {
    assert_eq!(
        close_then_destroy(ClosePolicy::Refuse),
        [
            "close asked",
            "close requested",
            // Not followed by an exit request: the window stayed open (the only one).
            "main destroyed",
            // Only a window the mock still had makes it ask: proof it was open.
            "exit requested",
            // Refused: the loop goes on.
            "running after the exit request",
            // The test's own way out, past on_run_event.
            "exit requested",
            "exit",
        ]
    );
}

#[test]
fn allow_closes_and_exits() {
    assert_eq!(
        close_then_destroy(ClosePolicy::Allow),
        ["close asked", "close requested", "exit requested", "exit"]
    );
}
