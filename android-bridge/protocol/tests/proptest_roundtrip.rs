//! Property tests: every message survives encode → decode; the decoder never panics and gives
//! the same frames however the input is split.

use facekiosk_bridge_protocol::{
    ClientHello, ClientMessage, DeviceInfo, ErrorBody, ErrorCode, ErrorMessage, Event,
    FrameDecoder, Hello, JsonObject, MAX_FRAME, Method, Nonce, Notification, Paired, Params, Ping,
    Pong, Proof, Request, Response, SdkResult, ServerMessage, encode_frame, parse_client_message,
};
use proptest::prelude::*;
use serde_json::Value;

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z_]{0,12}",
        any::<String>(),
        Just("刷脸服务初始化中".to_string()),
    ]
}

fn params() -> impl Strategy<Value = Params> {
    prop::collection::btree_map(text(), text(), 0..6)
}

fn result_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        text().prop_map(Value::from),
        any::<i32>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
        Just(Value::Null),
    ]
}

fn sdk_result() -> impl Strategy<Value = SdkResult> {
    prop::collection::btree_map(text(), result_value(), 0..6)
        .prop_map(|m| m.into_iter().collect::<SdkResult>())
}

fn method() -> impl Strategy<Value = Method> {
    prop::sample::select(Method::ALL.to_vec())
}

fn error_code() -> impl Strategy<Value = ErrorCode> {
    prop::sample::select(vec![
        ErrorCode::Timeout,
        ErrorCode::Busy,
        ErrorCode::SdkException,
        ErrorCode::BadRequest,
        ErrorCode::BadFrame,
        ErrorCode::VersionMismatch,
        ErrorCode::KioskUnpaired,
        ErrorCode::UnknownMethod,
        ErrorCode::ShuttingDown,
        ErrorCode::IdleTimeout,
        ErrorCode::Internal,
        ErrorCode::Unknown,
    ])
}

fn error_body() -> impl Strategy<Value = ErrorBody> {
    (error_code(), text()).prop_map(|(code, message)| ErrorBody { code, message })
}

fn server_message() -> impl Strategy<Value = ServerMessage> {
    prop_oneof![
        (
            any::<u32>(),
            text(),
            text(),
            prop::option::of(text()),
            text(),
            text(),
            any::<u32>(),
            (any::<u32>(), any::<[u8; 32]>())
        )
            .prop_map(
                |(proto, bridge, aar, face_app, serial, model, sdk_int, (max_frame, nonce))| {
                    ServerMessage::Hello(Hello {
                        proto,
                        bridge,
                        aar,
                        face_app,
                        device: DeviceInfo {
                            serial,
                            model,
                            sdk_int,
                        },
                        max_frame,
                        nonce: Nonce(nonce),
                    })
                }
            ),
        (any::<u64>(), sdk_result())
            .prop_map(|(id, r)| ServerMessage::Response(Response::ok(id, r))),
        (any::<u64>(), error_body()).prop_map(|(id, e)| ServerMessage::Response(Response {
            id,
            outcome: Err(e)
        })),
        prop::sample::select(vec![
            Event::FaceServiceDisconnected,
            Event::FaceServiceReconnected,
            Event::SdkReinitialised,
            Event::Unknown,
        ])
        .prop_map(|event| ServerMessage::Notification(Notification { event })),
        any::<u64>().prop_map(|seq| ServerMessage::Pong(Pong { seq })),
        error_body().prop_map(|error| ServerMessage::Error(ErrorMessage { error })),
        any::<[u8; 32]>().prop_map(|p| ServerMessage::Paired(Paired { proof: Proof(p) })),
    ]
}

/// Client messages that a v2 server accepts.
fn valid_client_message() -> impl Strategy<Value = ClientMessage> {
    prop_oneof![
        (text(), any::<[u8; 32]>(), any::<[u8; 32]>()).prop_map(|(c, n, p)| {
            ClientMessage::Hello(ClientHello::new(c, Nonce(n), Proof(p)))
        }),
        (
            any::<u64>(),
            method(),
            params(),
            1..=facekiosk_bridge_protocol::MAX_TIMEOUT_MS
        )
            .prop_map(|(id, method, params, timeout_ms)| {
                let params = if method.takes_params() {
                    params
                } else {
                    Params::new()
                };
                ClientMessage::Request(Request::new(id, method, params, timeout_ms))
            }),
        any::<u64>().prop_map(|seq| ClientMessage::Ping(Ping { seq })),
    ]
}

fn decode_all(bytes: &[u8], chunk: usize) -> Vec<Result<JsonObject, String>> {
    let mut dec = FrameDecoder::new();
    let mut out = Vec::new();
    for piece in bytes.chunks(chunk.max(1)) {
        dec.push(piece);
        loop {
            match dec.next_frame() {
                Ok(Some(f)) => out.push(Ok(f)),
                Ok(None) => break,
                Err(e) => {
                    out.push(Err(e.to_string()));
                    if e.is_fatal() {
                        return out;
                    }
                }
            }
        }
    }
    out
}

proptest! {
    #[test]
    fn server_messages_round_trip(msgs in prop::collection::vec(server_message(), 1..5)) {
        let mut wire = Vec::new();
        for m in &msgs {
            wire.extend(encode_frame(m).unwrap());
        }
        let frames = decode_all(&wire, wire.len());
        prop_assert_eq!(frames.len(), msgs.len());
        for (frame, m) in frames.into_iter().zip(&msgs) {
            let back = ServerMessage::from_object(frame.unwrap()).unwrap();
            prop_assert_eq!(&back, m);
        }
    }

    #[test]
    fn client_messages_round_trip_through_the_strict_parser(m in valid_client_message()) {
        let wire = encode_frame(&m).unwrap();
        let mut frames = decode_all(&wire, 7);
        prop_assert_eq!(frames.len(), 1);
        let back = parse_client_message(frames.remove(0).unwrap()).unwrap();
        prop_assert_eq!(back, m);
    }

    #[test]
    fn split_feeds_give_the_same_frames(
        msgs in prop::collection::vec(server_message(), 1..4),
        garbage in prop::collection::vec(any::<u8>(), 0..64),
        chunk in 1usize..17,
    ) {
        let mut wire = Vec::new();
        for m in &msgs {
            wire.extend(encode_frame(m).unwrap());
        }
        // A well-framed but garbled body, then the tail of arbitrary bytes.
        wire.extend((garbage.len() as u32).to_be_bytes());
        wire.extend(&garbage);
        wire.extend(&garbage);
        let whole = decode_all(&wire, wire.len());
        prop_assert_eq!(&decode_all(&wire, 1), &whole);
        prop_assert_eq!(&decode_all(&wire, chunk), &whole);
    }

    #[test]
    fn decoder_never_panics_on_arbitrary_bytes(
        bytes in prop::collection::vec(any::<u8>(), 0..2048),
        chunk in 1usize..64,
    ) {
        let frames = decode_all(&bytes, chunk);
        // Whatever decoded must also pass through the strict parser without panicking.
        for f in frames.into_iter().flatten() {
            let _ = parse_client_message(f.clone());
            let _ = ServerMessage::from_object(f);
        }
    }

    #[test]
    fn small_lengths_with_arbitrary_bodies_never_panic(
        body in prop::collection::vec(any::<u8>(), 0..256),
    ) {
        let mut wire = (body.len() as u32).to_be_bytes().to_vec();
        wire.extend(&body);
        let frames = decode_all(&wire, 3);
        prop_assert_eq!(frames.len(), 1);
    }

    #[test]
    fn oversized_lengths_are_refused_before_the_body(len in (MAX_FRAME as u32 + 1)..=u32::MAX) {
        let frames = decode_all(&len.to_be_bytes(), 1);
        prop_assert_eq!(frames.len(), 1);
        prop_assert!(frames[0].is_err());
    }
}
