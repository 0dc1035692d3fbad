//! Wire protocol v2 of the facekiosk bridge: the contract between the kiosk (the client, in
//! `facekiosk-terminal`) and the bridge server inside the Android app (`facekiosk-bridge`).
//!
//! The full specification is in `android-bridge/README.md`; in short:
//!
//! - a frame is a `u32` big-endian length followed by that many bytes of UTF-8 JSON holding one
//!   object; the length counts the JSON body only and is at most [`MAX_FRAME`] (1 MiB);
//! - every object has a `"type"`; the server speaks first with [`Hello`] (a fresh nonce), the
//!   client answers with [`ClientHello`] (its nonce and its pairing proof), the server answers
//!   [`Paired`] (its own proof) or refuses with KIOSK_UNPAIRED, and the client checks that proof
//!   before it sends anything else; both refuse a different [`PROTO_VERSION`] ([`check_hello`]).
//!   The proofs are HMAC-SHA256 under the [`PairingKey`] both sides were provisioned with
//!   ([`pairing`]); the key itself never crosses the wire;
//! - the client sends [`Request`]s (`id`, [`Method`], string-valued `params`, `timeout_ms`) and
//!   [`Ping`]s; the server answers each request with one [`Response`] carrying either the SDK's
//!   callback Map verbatim or an [`ErrorBody`], answers pings with [`Pong`], pushes
//!   [`Notification`]s and reports connection-level problems with [`ErrorMessage`].
//!
//! Framing lives in [`frame`] ([`FrameDecoder`], [`encode_frame`], blocking helpers), the message
//! types in [`message`], the hello rules in [`hello`], the pairing proofs in [`pairing`] and the
//! strict parsing of what a client sends in [`parse`].

pub mod frame;
pub mod hello;
pub mod message;
pub mod pairing;
pub mod parse;

pub use frame::{
    BadFrameVerdict, BadFrames, DecodeError, EncodeError, FrameDecoder, JsonObject, ReadFrameError,
    decode_body, encode_frame, read_frame, write_frame,
};
pub use hello::{
    HelloError, Peer, VersionMismatch, check_client_hello, check_hello, check_paired, client_hello,
    parse_hello, parse_paired, verify_client_hello,
};
pub use message::{
    ClientHello, ClientMessage, DeviceInfo, ErrorBody, ErrorCode, ErrorMessage, Event, Hello,
    MalformedMessage, Method, Notification, Paired, Params, Ping, Pong, Request, Response,
    SdkResult, ServerMessage, UnknownMethod,
};
pub use pairing::{BadProof, KeyFormatError, Nonce, PairingKey, Proof, Role, Transcript};
pub use parse::{Rejection, parse_client_message};

/// The protocol version this crate speaks. Both ends refuse a peer with another version.
pub const PROTO_VERSION: u32 = 2;

/// The largest JSON body a frame may carry, in bytes (1 MiB). The 4-byte length prefix is not
/// counted.
pub const MAX_FRAME: usize = 1_048_576;

/// The abstract unix socket name the bridge listens on inside the Android app
/// (`localabstract:facekiosk-bridge` for `adb forward`).
pub const SOCKET_NAME: &str = "facekiosk-bridge";

/// The server drops a connection from which it has received nothing for this long (ms).
/// Clients ping every [`PING_INTERVAL_MS`].
pub const IDLE_TIMEOUT_MS: u64 = 10_000;

/// How often a client is expected to ping (ms).
pub const PING_INTERVAL_MS: u64 = 2_000;

/// The largest `timeout_ms` a request may carry (10 minutes).
pub const MAX_TIMEOUT_MS: u64 = 600_000;
