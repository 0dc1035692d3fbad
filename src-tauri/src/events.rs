//! Every event the app emits, with its payload, in one place ([`crate::forward`] emits them).
//! [`EVENTS`] lists them for the screens' generated bindings (`ui/src/bindings/ipc.ts`).

use facekiosk_session::SessionView;
use facekiosk_terminal::LinkStatus;
use facekiosk_terminal::status::LinkState;
use serde::Serialize;
use ts_rs::TS;

/// An event as the screens' bindings describe it.
#[derive(Debug, Clone, Copy)]
pub struct EventSpec {
    /// The name of the constant in this module (`SESSION_VIEW`).
    pub id: &'static str,
    /// The event's name (`session://view`).
    pub name: &'static str,
    /// Its payload's TypeScript type (ts-rs).
    pub payload: fn() -> String,
}

/// Declares each event once: its constant, its name and its payload type.
macro_rules! events {
    ($($(#[$doc:meta])* $id:ident = $name:literal: $payload:ty;)*) => {
        $($(#[$doc])* pub const $id: &str = $name;)*

        /// Every event, in the order declared.
        pub const EVENTS: &[EventSpec] = &[$(EventSpec {
            id: stringify!($id),
            name: $id,
            payload: <$payload as TS>::name,
        }),*];
    };
}

events! {
    /// Payload [`SessionView`]: every time anything on it changes.
    SESSION_VIEW = "session://view": SessionView;
    /// Payload [`TerminalStatus`]: every time the link to the face terminal changes.
    TERMINAL_STATUS = "terminal://status": TerminalStatus;
}

/// The face terminal's link, for the status line and the technician's screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct TerminalStatus {
    pub state: LinkState,
    /// What a technician reads: serials, versions, reasons. Never patient data (the link
    /// carries none).
    pub detail: Option<String>,
}

impl From<&LinkStatus> for TerminalStatus {
    fn from(status: &LinkStatus) -> Self {
        TerminalStatus {
            state: status.state(),
            detail: Some(status.to_string()),
        }
    }
}
