//! The handshake rules: the server sends [`Hello`] first, the client answers [`ClientHello`],
//! and each end refuses a peer whose `proto` differs from [`PROTO_VERSION`] with a message that
//! says which side to update.

use std::fmt;

use crate::PROTO_VERSION;
use crate::frame::JsonObject;
use crate::message::{ClientHello, ErrorBody, Hello, MalformedMessage, ServerMessage};

/// Which program the version check is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Peer {
    /// The bridge app on the terminal (checked by the kiosk).
    Bridge,
    /// The kiosk (checked by the bridge).
    Kiosk,
}

/// The peer speaks another protocol version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VersionMismatch {
    /// Whose version is foreign.
    pub peer: Peer,
    /// Our version.
    pub ours: u32,
    /// Theirs, as received.
    pub theirs: u64,
}

impl fmt::Display for VersionMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let VersionMismatch { peer, ours, theirs } = self;
        match peer {
            Peer::Bridge => write!(
                f,
                "protocol version mismatch: the bridge app on the terminal speaks v{theirs}, this \
                 kiosk speaks v{ours}; install the bridge app that comes with this kiosk version"
            ),
            Peer::Kiosk => write!(
                f,
                "protocol version mismatch: the kiosk speaks v{theirs}, this bridge speaks \
                 v{ours}; install the bridge app that comes with the kiosk version"
            ),
        }
    }
}

impl std::error::Error for VersionMismatch {}

fn check(peer: Peer, theirs: u64) -> Result<(), VersionMismatch> {
    if theirs == u64::from(PROTO_VERSION) {
        Ok(())
    } else {
        Err(VersionMismatch {
            peer,
            ours: PROTO_VERSION,
            theirs,
        })
    }
}

/// Client side: accepts the server's hello only if it speaks [`PROTO_VERSION`].
pub fn check_hello(hello: &Hello) -> Result<(), VersionMismatch> {
    check(Peer::Bridge, hello.proto.into())
}

/// Server side: accepts the client's hello only if it speaks [`PROTO_VERSION`].
pub fn check_client_hello(hello: &ClientHello) -> Result<(), VersionMismatch> {
    check(Peer::Kiosk, hello.proto.into())
}

/// Server side, before the hello is decoded: checks the `proto` of a client frame, so that a
/// future hello whose other fields changed is still reported as a version mismatch.
pub(crate) fn check_client_proto(theirs: u64) -> Result<(), VersionMismatch> {
    check(Peer::Kiosk, theirs)
}

/// Why the server's first frame is not an acceptable hello.
#[derive(Debug, Clone, PartialEq)]
pub enum HelloError {
    /// The bridge speaks another protocol version.
    VersionMismatch(VersionMismatch),
    /// The bridge sent an error instead (e.g. it is shutting down).
    Refused(ErrorBody),
    /// The first frame is some other message.
    NotHello,
    /// A hello, but malformed.
    Malformed(MalformedMessage),
}

impl fmt::Display for HelloError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HelloError::VersionMismatch(e) => e.fmt(f),
            HelloError::Refused(e) => write!(f, "the bridge refused the connection: {e}"),
            HelloError::NotHello => f.write_str("the bridge's first frame is not a hello"),
            HelloError::Malformed(e) => write!(f, "the bridge's hello is malformed: {}", e.0),
        }
    }
}

impl std::error::Error for HelloError {}

/// Client side: decodes the server's first frame as a hello and checks its version (the version
/// is checked before the other fields, whose shape a future version may change).
pub fn parse_hello(object: JsonObject) -> Result<Hello, HelloError> {
    match object.get("type").and_then(|t| t.as_str()) {
        Some("hello") => {}
        Some("error") => {
            return match ServerMessage::from_object(object) {
                Ok(ServerMessage::Error(e)) => Err(HelloError::Refused(e.error)),
                Ok(_) => Err(HelloError::NotHello),
                Err(e) => Err(HelloError::Malformed(e)),
            };
        }
        _ => return Err(HelloError::NotHello),
    }
    if let Some(proto) = object.get("proto").and_then(|p| p.as_u64()) {
        check(Peer::Bridge, proto).map_err(HelloError::VersionMismatch)?;
    }
    match ServerMessage::from_object(object) {
        Ok(ServerMessage::Hello(hello)) => Ok(hello),
        Ok(_) => Err(HelloError::NotHello),
        Err(e) => Err(HelloError::Malformed(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::DeviceInfo;
    use serde_json::json;

    fn obj(v: serde_json::Value) -> JsonObject {
        match v {
            serde_json::Value::Object(o) => o,
            _ => unreachable!(),
        }
    }

    fn hello() -> Hello {
        Hello::new(
            "0.1.0",
            "2.32.105.2032105",
            None,
            DeviceInfo {
                serial: "S".into(),
                model: "M".into(),
                sdk_int: 25,
            },
        )
    }

    #[test]
    fn same_version_is_accepted_on_both_ends() {
        assert_eq!(check_hello(&hello()), Ok(()));
        assert_eq!(check_client_hello(&ClientHello::new("k")), Ok(()));
    }

    #[test]
    fn mismatch_is_refused_with_a_message_naming_what_to_update() {
        let mut h = hello();
        h.proto = 2;
        let err = check_hello(&h).unwrap_err();
        assert_eq!(
            err,
            VersionMismatch {
                peer: Peer::Bridge,
                ours: 1,
                theirs: 2
            }
        );
        assert!(
            err.to_string()
                .contains("bridge app on the terminal speaks v2"),
            "{err}"
        );
        let err = check_client_hello(&ClientHello {
            proto: 0,
            client: "k".into(),
        })
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("the kiosk speaks v0, this bridge speaks v1"),
            "{err}"
        );
    }

    #[test]
    fn parse_hello_checks_the_version_before_the_shape() {
        let v2 = obj(json!({"type": "hello", "proto": 2, "something": "else"}));
        assert!(matches!(
            parse_hello(v2),
            Err(HelloError::VersionMismatch(_))
        ));
        let good = obj(serde_json::to_value(ServerMessage::Hello(hello())).unwrap());
        assert_eq!(parse_hello(good), Ok(hello()));
        let refused = obj(json!({"type": "error",
                                 "error": {"code": "SHUTTING_DOWN", "message": "bye"}}));
        assert!(matches!(parse_hello(refused), Err(HelloError::Refused(_))));
        assert_eq!(
            parse_hello(obj(json!({"type": "pong", "seq": 1}))),
            Err(HelloError::NotHello)
        );
        let bad = obj(json!({"type": "hello", "proto": 1}));
        assert!(matches!(parse_hello(bad), Err(HelloError::Malformed(_))));
    }
}
