//! The one place a [`SessionView`] is made: the screen, the patient's preferences and the
//! countdown, published whole on a `watch` channel whenever one of them changes.

use std::sync::Mutex;

use tokio::sync::watch;

use super::view::{Countdown, Language, Screen, SessionView};

/// The patient's choices for this session; back to the kiosk's defaults for the next one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prefs {
    pub language: Language,
    pub elder: bool,
}

#[derive(Debug)]
pub(super) struct Publisher {
    tx: watch::Sender<SessionView>,
    view: Mutex<SessionView>,
}

impl Publisher {
    pub(super) fn new(prefs: Prefs) -> (Publisher, watch::Receiver<SessionView>) {
        let view = SessionView {
            seq: 0,
            language: prefs.language,
            elder: prefs.elder,
            screen: Screen::Idle,
            countdown: None,
        };
        let (tx, rx) = watch::channel(view.clone());
        (
            Publisher {
                tx,
                view: Mutex::new(view),
            },
            rx,
        )
    }

    fn update(&self, change: impl FnOnce(&mut SessionView)) {
        let mut view = self.view.lock().unwrap_or_else(|p| p.into_inner());
        let before = view.clone();
        change(&mut view);
        if *view != before {
            view.seq += 1;
            if view.screen.name() != before.screen.name() {
                tracing::info!(
                    from = before.screen.name(),
                    to = view.screen.name(),
                    "screen"
                );
            }
            self.tx.send_replace(view.clone());
        }
    }

    pub(super) fn show(&self, screen: Screen, countdown: Option<Countdown>) {
        self.update(|v| {
            v.screen = screen;
            v.countdown = countdown;
        });
    }

    pub(super) fn countdown(&self, countdown: Option<Countdown>) {
        self.update(|v| v.countdown = countdown);
    }

    pub(super) fn set_prefs(&self, prefs: Prefs) {
        self.update(|v| {
            v.language = prefs.language;
            v.elder = prefs.elder;
        });
    }

    pub(super) fn prefs(&self) -> Prefs {
        let v = self.view.lock().unwrap_or_else(|p| p.into_inner());
        Prefs {
            language: v.language,
            elder: v.elder,
        }
    }

    pub(super) fn current_screen(&self) -> Screen {
        self.view
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .screen
            .clone()
    }

    pub(super) fn screen_name(&self) -> &'static str {
        self.view
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .screen
            .name()
    }
}
