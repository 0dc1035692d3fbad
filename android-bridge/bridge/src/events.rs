//! SDK-side events pushed to every connected client as notifications.

use facekiosk_bridge_protocol::Event;
use tokio::sync::broadcast;
use tracing::info;

/// How many notifications a slow client may fall behind before it misses some.
const BACKLOG: usize = 32;

/// Pushes [`Event`]s to every client that has completed the hello. Cheap to clone, usable from
/// any thread (a JNI callback included); never blocks.
#[derive(Debug, Clone)]
pub struct Notifier {
    tx: broadcast::Sender<Event>,
}

impl Default for Notifier {
    fn default() -> Self {
        Self::new()
    }
}

impl Notifier {
    /// A notifier with no subscribers yet.
    pub fn new() -> Self {
        Notifier {
            tx: broadcast::channel(BACKLOG).0,
        }
    }

    /// Sends `event` to every connected client; returns how many connections it was queued for.
    pub fn notify(&self, event: Event) -> usize {
        let n = self.tx.send(event).unwrap_or(0);
        info!(?event, connections = n, "notification");
        n
    }

    pub(crate) fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.tx.subscribe()
    }
}
