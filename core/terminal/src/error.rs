//! Why a terminal call has no SDK answer. None of these texts ever holds params or results.

use std::fmt;
use std::io;

use facekiosk_bridge_protocol::{ErrorBody, ErrorCode, HelloError, Method, VersionMismatch};

use super::status::LinkStatus;

/// A terminal call that ended without an SDK callback Map.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TerminalError {
    /// There is no working link to the terminal right now (the status says why).
    #[error("the face terminal is not connected: {status}")]
    NotConnected {
        /// What the link was doing.
        status: Box<LinkStatus>,
    },
    /// The link died while the call was in flight (unplug, the bridge app stopped, heartbeat).
    #[error("{method}: the link to the face terminal was lost during the call ({reason})")]
    LinkLost {
        /// The call.
        method: Method,
        /// How the link ended.
        reason: LinkDown,
    },
    /// Nobody answered in time.
    #[error("{method}: no answer from the face SDK within {after_ms} ms ({by})")]
    Timeout {
        /// The call.
        method: Method,
        /// The call's timeout.
        after_ms: u64,
        /// Which side gave up.
        by: TimeoutBy,
    },
    /// The bridge's call queue was full.
    #[error("{method}: the bridge is busy with other SDK calls ({message})")]
    Busy {
        /// The call.
        method: Method,
        /// The bridge's message.
        message: String,
    },
    /// The bridge refused or failed the call (SDK_EXCEPTION, BAD_REQUEST, INTERNAL...).
    #[error("{method}: the bridge answered {code}: {message}")]
    Bridge {
        /// The call.
        method: Method,
        /// The bridge's code.
        code: ErrorCode,
        /// The bridge's message (never holds params or results).
        message: String,
    },
    /// The SDK said `SUCCESS` but left out a field the call must return.
    #[error("{method}: the SDK answered SUCCESS without `{field}`")]
    MalformedResult {
        /// The call.
        method: Method,
        /// The missing field.
        field: &'static str,
    },
    /// The link was shut down by its owner.
    #[error("the face terminal link is shut down")]
    Shutdown,
}

impl TerminalError {
    /// The error the bridge's answer means.
    pub(crate) fn from_bridge(method: Method, timeout_ms: u64, body: ErrorBody) -> TerminalError {
        match body.code {
            ErrorCode::Timeout => TerminalError::Timeout {
                method,
                after_ms: timeout_ms,
                by: TimeoutBy::Bridge,
            },
            ErrorCode::Busy => TerminalError::Busy {
                method,
                message: body.message,
            },
            code => TerminalError::Bridge {
                method,
                code,
                message: body.message,
            },
        }
    }

    /// Whether the call may have reached the SDK and left its UI open on the terminal.
    pub fn may_have_reached_the_sdk(&self) -> bool {
        matches!(
            self,
            TerminalError::LinkLost { .. }
                | TerminalError::Timeout { .. }
                | TerminalError::Bridge {
                    code: ErrorCode::SdkException | ErrorCode::Internal | ErrorCode::Unknown,
                    ..
                }
        )
    }
}

/// Which side ended a call that got no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutBy {
    /// The bridge answered TIMEOUT: the SDK never called back.
    Bridge,
    /// The kiosk gave up: not even the bridge answered.
    Kiosk,
}

impl fmt::Display for TimeoutBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeoutBy::Bridge => "the SDK never called back; the bridge timed the call out",
            TimeoutBy::Kiosk => "the bridge did not answer; the kiosk timed the call out",
        })
    }
}

/// How a bridge connection ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkDown {
    /// The stream ended (an unplug drops the adb forward; the bridge app stopped).
    Eof,
    /// The stream failed.
    Io(io::ErrorKind),
    /// This many pings in a row got no pong.
    Heartbeat {
        /// Unanswered pings.
        missed: u32,
    },
    /// The bridge closed the connection with an error (IDLE_TIMEOUT, SHUTTING_DOWN...).
    Closed(ErrorBody),
    /// The bridge sent a frame that cannot be decoded safely.
    BadFrame(String),
    /// The device left adb (unplugged, or no longer in state `device`).
    DeviceGone,
    /// Closed on our side.
    ClosedByKiosk,
}

impl fmt::Display for LinkDown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkDown::Eof => f.write_str("the bridge connection ended"),
            LinkDown::Io(kind) => write!(f, "the bridge connection failed: {kind}"),
            LinkDown::Heartbeat { missed } => {
                write!(f, "the bridge did not answer {missed} heartbeats in a row")
            }
            LinkDown::Closed(body) => write!(f, "the bridge closed the connection: {body}"),
            LinkDown::BadFrame(e) => write!(f, "the bridge sent a bad frame: {e}"),
            LinkDown::DeviceGone => f.write_str("the terminal left adb (unplugged?)"),
            LinkDown::ClosedByKiosk => f.write_str("closed by the kiosk"),
        }
    }
}

/// Why a connection to the bridge could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// The TCP connect failed.
    #[error("cannot connect to the bridge at {addr}: {source}")]
    Connect {
        /// Where.
        addr: std::net::SocketAddr,
        /// Why.
        source: io::Error,
    },
    /// Connected, but no hello came (an adb forward accepts even when nothing listens behind
    /// it: the bridge app is probably not running).
    #[error("no hello from the bridge within {waited_ms} ms (is the bridge app running?)")]
    NoHello {
        /// How long we waited.
        waited_ms: u64,
    },
    /// The stream ended before the hello.
    #[error("the connection closed before the bridge's hello (is the bridge app running?)")]
    ClosedBeforeHello,
    /// The bridge speaks another protocol version.
    #[error("{0}")]
    VersionMismatch(VersionMismatch),
    /// The first frame is not an acceptable hello.
    #[error("{0}")]
    BadHello(HelloError),
    /// The bridge and this kiosk do not share the pairing key (BRIDGE_UNPAIRED): nothing was
    /// sent to the bridge beyond the hello.
    #[error(
        "BRIDGE_UNPAIRED: the bridge on the terminal is not paired with this kiosk ({why}); pair \
         the bridge with the kiosk's key in {key_file} (`facekiosk-cli pair-terminal --key-file \
         {key_file} --serial <the terminal's serial>`)"
    )]
    BridgeUnpaired {
        /// What failed.
        why: Unpaired,
        /// Where this kiosk's key is (the file, never the key).
        key_file: String,
    },
    /// Reading or writing the handshake failed.
    #[error("the handshake with the bridge failed: {0}")]
    Io(io::Error),
}

/// Why the bridge and this kiosk are not paired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unpaired {
    /// This kiosk has no pairing key configured.
    NoKey,
    /// The bridge refused this kiosk's proof (KIOSK_UNPAIRED): it holds another key, or none.
    RefusedByBridge,
    /// The bridge's proof does not verify: whatever answers is not the bridge paired with this
    /// kiosk.
    BadBridgeProof,
}

impl fmt::Display for Unpaired {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Unpaired::NoKey => "this kiosk has no pairing key configured",
            Unpaired::RefusedByBridge => "the bridge refused this kiosk's pairing proof",
            Unpaired::BadBridgeProof => "the bridge's pairing proof does not verify",
        })
    }
}
