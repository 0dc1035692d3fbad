//! The handshake rules: the server sends [`Hello`] first (with a fresh nonce), the client answers
//! [`ClientHello`] (its own nonce and its pairing proof), the server checks the proof and answers
//! [`Paired`] (its own proof), which the client checks before it sends anything else. Each end
//! refuses a peer whose `proto` differs from [`PROTO_VERSION`] with a message that says which
//! side to update, and a peer whose proof does not verify (see [`crate::pairing`]).

use std::fmt;

use crate::PROTO_VERSION;
use crate::frame::JsonObject;
use crate::message::{ClientHello, ErrorBody, Hello, MalformedMessage, Paired, ServerMessage};
use crate::pairing::{BadProof, Nonce, PairingKey, Role, Transcript};

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

/// Client side: the hello answering the server's `hello`, and the transcript to check the
/// server's [`Paired`] against ([`check_paired`]).
pub fn client_hello(
    key: &PairingKey,
    client: impl Into<String>,
    hello: &Hello,
) -> (ClientHello, Transcript) {
    let transcript = Transcript {
        proto: PROTO_VERSION,
        server_nonce: hello.nonce,
        client_nonce: Nonce::random(),
        serial: hello.device.serial.clone(),
    };
    let proof = key.prove(Role::Kiosk, &transcript);
    (
        ClientHello::new(client, transcript.client_nonce, proof),
        transcript,
    )
}

/// Server side: checks the client's proof against the hello this connection sent, and gives the
/// server's own proof to answer with.
pub fn verify_client_hello(
    key: &PairingKey,
    sent: &Hello,
    hello: &ClientHello,
) -> Result<Paired, BadProof> {
    let transcript = Transcript {
        proto: PROTO_VERSION,
        server_nonce: sent.nonce,
        client_nonce: hello.nonce,
        serial: sent.device.serial.clone(),
    };
    key.verify(Role::Kiosk, &transcript, &hello.proof)?;
    Ok(Paired {
        proof: key.prove(Role::Bridge, &transcript),
    })
}

/// Client side: checks the server's proof, before anything else is sent.
pub fn check_paired(
    key: &PairingKey,
    transcript: &Transcript,
    paired: &Paired,
) -> Result<(), BadProof> {
    key.verify(Role::Bridge, transcript, &paired.proof)
}

/// Client side: decodes the server's answer to the client hello: `paired`, or the error the
/// bridge refused the kiosk with (KIOSK_UNPAIRED, VERSION_MISMATCH...).
pub fn parse_paired(object: JsonObject) -> Result<Paired, HelloError> {
    match ServerMessage::from_object(object) {
        Ok(ServerMessage::Paired(paired)) => Ok(paired),
        Ok(ServerMessage::Error(e)) => Err(HelloError::Refused(e.error)),
        Ok(_) => Err(HelloError::NotHello),
        Err(e) => Err(HelloError::Malformed(e)),
    }
}

/// Why the server's first frame is not an acceptable hello.
#[derive(Debug, Clone, PartialEq)]
pub enum HelloError {
    /// The bridge speaks another protocol version.
    VersionMismatch(VersionMismatch),
    /// The bridge sent an error instead (e.g. it is shutting down).
    Refused(ErrorBody),
    /// The first frame is some other message (or, after the client hello, not `paired`).
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
    use crate::pairing::Proof;
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
        let hello = ClientHello::new("k", Nonce([1; 32]), Proof([2; 32]));
        assert_eq!(check_client_hello(&hello), Ok(()));
    }

    #[test]
    fn mismatch_is_refused_with_a_message_naming_what_to_update() {
        let mut h = hello();
        h.proto = 3;
        let err = check_hello(&h).unwrap_err();
        assert_eq!(
            err,
            VersionMismatch {
                peer: Peer::Bridge,
                ours: 2,
                theirs: 3
            }
        );
        assert!(
            err.to_string()
                .contains("bridge app on the terminal speaks v3"),
            "{err}"
        );
        let mut old = ClientHello::new("k", Nonce([1; 32]), Proof([2; 32]));
        old.proto = 1;
        let err = check_client_hello(&old).unwrap_err();
        assert!(
            err.to_string()
                .contains("the kiosk speaks v1, this bridge speaks v2"),
            "{err}"
        );
    }

    #[test]
    fn parse_hello_checks_the_version_before_the_shape() {
        let v3 = obj(json!({"type": "hello", "proto": 3, "something": "else"}));
        assert!(matches!(
            parse_hello(v3),
            Err(HelloError::VersionMismatch(_))
        ));
        let sent = hello();
        let good = obj(serde_json::to_value(ServerMessage::Hello(sent.clone())).unwrap());
        assert_eq!(parse_hello(good), Ok(sent));
        let refused = obj(json!({"type": "error",
                                 "error": {"code": "SHUTTING_DOWN", "message": "bye"}}));
        assert!(matches!(parse_hello(refused), Err(HelloError::Refused(_))));
        assert_eq!(
            parse_hello(obj(json!({"type": "pong", "seq": 1}))),
            Err(HelloError::NotHello)
        );
        let bad = obj(json!({"type": "hello", "proto": 2}));
        assert!(matches!(parse_hello(bad), Err(HelloError::Malformed(_))));
        let mut no_nonce = obj(serde_json::to_value(ServerMessage::Hello(hello())).unwrap());
        no_nonce.remove("nonce");
        assert!(matches!(
            parse_hello(no_nonce),
            Err(HelloError::Malformed(_))
        ));
    }

    #[test]
    fn both_sides_prove_the_same_key_and_each_proof_holds_for_one_connection() {
        let key = PairingKey::from_bytes([9; 32]);
        let sent = hello();
        let (client, transcript) = client_hello(&key, "k", &sent);
        let paired = verify_client_hello(&key, &sent, &client).unwrap();
        assert_eq!(check_paired(&key, &transcript, &paired), Ok(()));

        let stranger = PairingKey::from_bytes([1; 32]);
        assert_eq!(
            verify_client_hello(&stranger, &sent, &client),
            Err(BadProof)
        );
        assert_eq!(check_paired(&stranger, &transcript, &paired), Err(BadProof));

        // The same client hello on a later connection, whose hello has a fresh nonce.
        let later = hello();
        assert_ne!(later.nonce, sent.nonce);
        assert_eq!(verify_client_hello(&key, &later, &client), Err(BadProof));
        // The kiosk's proof is not a bridge proof.
        let reflected = Paired {
            proof: client.proof,
        };
        assert_eq!(check_paired(&key, &transcript, &reflected), Err(BadProof));
    }

    #[test]
    fn parse_paired_tells_a_refusal_from_a_proof() {
        let refused = obj(json!({"type": "error",
                                 "error": {"code": "KIOSK_UNPAIRED", "message": "pair"}}));
        assert!(matches!(
            parse_paired(refused),
            Err(HelloError::Refused(ErrorBody {
                code: crate::ErrorCode::KioskUnpaired,
                ..
            }))
        ));
        let good = obj(json!({"type": "paired", "proof": "ab".repeat(32)}));
        assert_eq!(
            parse_paired(good),
            Ok(Paired {
                proof: Proof([0xab; 32])
            })
        );
        let bad = obj(json!({"type": "paired", "proof": "SECRET"}));
        let err = parse_paired(bad).unwrap_err().to_string();
        assert!(!err.contains("SECRET"), "{err}");
        assert_eq!(
            parse_paired(obj(json!({"type": "pong", "seq": 1}))),
            Err(HelloError::NotHello)
        );
    }
}
