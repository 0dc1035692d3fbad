//! Strict decoding of what a client sends, with the error code and request id the server
//! answers with. Field names are quoted in the messages, values never are.

use serde_json::Value;

use crate::MAX_TIMEOUT_MS;
use crate::frame::{JsonObject, json_kind};
use crate::hello::check_client_proto;
use crate::message::{ClientMessage, ErrorCode, ErrorMessage, Method, Response, ServerMessage};
use crate::pairing::decode_hex32;

/// Why a client frame was refused, and how to answer it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// The request's id when it could be read: the answer is then a [`Response`] with that id,
    /// otherwise a connection-level [`ErrorMessage`].
    pub id: Option<u64>,
    /// BAD_REQUEST, UNKNOWN_METHOD or VERSION_MISMATCH.
    pub code: ErrorCode,
    /// For people; quotes field names, never values.
    pub message: String,
}

impl Rejection {
    fn new(id: Option<u64>, code: ErrorCode, message: impl Into<String>) -> Self {
        Rejection {
            id,
            code,
            message: message.into(),
        }
    }

    /// The frame the server sends back.
    pub fn to_message(&self) -> ServerMessage {
        match self.id {
            Some(id) => ServerMessage::Response(Response::error(id, self.code, &self.message)),
            None => ServerMessage::Error(ErrorMessage::new(self.code, &self.message)),
        }
    }
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for Rejection {}

/// At most this many characters of a client-chosen name are echoed in a message.
const ECHO_MAX: usize = 40;

fn echo(name: &str) -> String {
    let mut out: String = name
        .chars()
        .take(ECHO_MAX)
        .filter(|c| !c.is_control())
        .collect();
    if name.chars().count() > ECHO_MAX {
        out.push('…');
    }
    out
}

/// Decodes one client frame (a JSON object from [`crate::FrameDecoder`]).
///
/// - no or unknown `"type"` → BAD_REQUEST without id;
/// - a hello whose `proto` is not [`crate::PROTO_VERSION`] → VERSION_MISMATCH (checked before
///   the other fields); a hello without a `nonce` or `proof` of 64 hex digits → BAD_REQUEST
///   (whether the proof verifies is the connection's business: it knows the key and its nonce);
/// - a request without an unsigned integer `id` → BAD_REQUEST without id; with an id: an unknown
///   `method` → UNKNOWN_METHOD, a missing or mistyped field, a non-string param value, params
///   for a method without params, or `timeout_ms` outside 1 ..= [`MAX_TIMEOUT_MS`] →
///   BAD_REQUEST.
///
/// Unknown extra fields are ignored (a v1 peer may add optional fields).
pub fn parse_client_message(object: JsonObject) -> Result<ClientMessage, Rejection> {
    let kind = match object.get("type") {
        Some(Value::String(s)) => s.clone(),
        Some(other) => {
            let found = json_kind(other);
            return Err(Rejection::new(
                None,
                ErrorCode::BadRequest,
                format!("field `type` must be a string, found a {found}"),
            ));
        }
        None => {
            return Err(Rejection::new(
                None,
                ErrorCode::BadRequest,
                "missing field `type`",
            ));
        }
    };
    match kind.as_str() {
        "hello" => parse_hello(object),
        "request" => parse_request(object),
        "ping" => decode(None, object),
        other => Err(Rejection::new(
            None,
            ErrorCode::BadRequest,
            format!("unknown message type `{}`", echo(other)),
        )),
    }
}

fn decode(id: Option<u64>, object: JsonObject) -> Result<ClientMessage, Rejection> {
    serde_json::from_value(Value::Object(object)).map_err(|e| {
        let message = crate::message::redact_quoted(&e.to_string());
        Rejection::new(id, ErrorCode::BadRequest, message)
    })
}

fn parse_hello(object: JsonObject) -> Result<ClientMessage, Rejection> {
    let Some(proto) = object.get("proto").and_then(Value::as_u64) else {
        return Err(Rejection::new(
            None,
            ErrorCode::BadRequest,
            "hello needs an unsigned integer `proto`",
        ));
    };
    check_client_proto(proto)
        .map_err(|e| Rejection::new(None, ErrorCode::VersionMismatch, e.to_string()))?;
    for field in ["nonce", "proof"] {
        match object.get(field) {
            Some(Value::String(s)) if decode_hex32(s).is_some() => {}
            Some(_) => {
                return Err(Rejection::new(
                    None,
                    ErrorCode::BadRequest,
                    format!("hello field `{field}` must be 64 hex digits"),
                ));
            }
            None => {
                return Err(Rejection::new(
                    None,
                    ErrorCode::BadRequest,
                    format!("hello needs `{field}` (protocol v2 pairing)"),
                ));
            }
        }
    }
    decode(None, object)
}

fn parse_request(object: JsonObject) -> Result<ClientMessage, Rejection> {
    let Some(id) = object.get("id").and_then(Value::as_u64) else {
        return Err(Rejection::new(
            None,
            ErrorCode::BadRequest,
            "request needs an unsigned integer `id`",
        ));
    };
    let bad = |message: String| Err(Rejection::new(Some(id), ErrorCode::BadRequest, message));
    let method = match object.get("method") {
        Some(Value::String(name)) => match Method::from_name(name) {
            Some(m) => m,
            None => {
                return Err(Rejection::new(
                    Some(id),
                    ErrorCode::UnknownMethod,
                    format!("unknown method `{}`", echo(name)),
                ));
            }
        },
        Some(other) => {
            return bad(format!(
                "`method` must be a string, found a {}",
                json_kind(other)
            ));
        }
        None => return bad("missing field `method`".into()),
    };
    match object.get("params") {
        None | Some(Value::Null) => {}
        Some(Value::Object(params)) => {
            if let Some((key, value)) = params.iter().find(|(_, v)| !v.is_string()) {
                let found = json_kind(value);
                return bad(format!(
                    "param `{}` must be a string, found a {found} (SDK maps hold strings)",
                    echo(key)
                ));
            }
            if !params.is_empty() && !method.takes_params() {
                return bad(format!("{method} takes no params"));
            }
        }
        Some(other) => {
            return bad(format!(
                "`params` must be an object, found a {}",
                json_kind(other)
            ));
        }
    }
    let mut object = object;
    if object.get("params") == Some(&Value::Null) {
        object.remove("params");
    }
    match object.get("timeout_ms").and_then(Value::as_u64) {
        Some(t) if (1..=MAX_TIMEOUT_MS).contains(&t) => {}
        Some(_) => return bad(format!("`timeout_ms` must be within 1..={MAX_TIMEOUT_MS}")),
        None => return bad("request needs an unsigned integer `timeout_ms`".into()),
    }
    decode(Some(id), object)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{ClientHello, Params, Ping, Request};
    use crate::pairing::{Nonce, Proof};
    use serde_json::json;

    fn parse(v: Value) -> Result<ClientMessage, Rejection> {
        match v {
            Value::Object(o) => parse_client_message(o),
            _ => unreachable!(),
        }
    }

    fn rejected(v: Value) -> (Option<u64>, ErrorCode, String) {
        let r = parse(v).unwrap_err();
        (r.id, r.code, r.message)
    }

    #[test]
    fn accepts_the_three_client_messages() {
        assert_eq!(
            parse(
                json!({"type": "hello", "proto": 2, "client": "k", "extra": true,
                         "nonce": "01".repeat(32), "proof": "02".repeat(32)})
            ),
            Ok(ClientMessage::Hello(ClientHello::new(
                "k",
                Nonce([1; 32]),
                Proof([2; 32])
            )))
        );
        assert_eq!(
            parse(json!({"type": "ping", "seq": 4})),
            Ok(ClientMessage::Ping(Ping { seq: 4 }))
        );
        let req = parse(
            json!({"type": "request", "id": 3, "method": "getWxpayfaceCode",
                               "params": {"face_authtype": "FACE_AUTH"}, "timeout_ms": 60000}),
        );
        let params = Params::from([("face_authtype".into(), "FACE_AUTH".into())]);
        assert_eq!(
            req,
            Ok(ClientMessage::Request(Request::new(
                3,
                Method::GetWxpayfaceCode,
                params,
                60000
            )))
        );
        let no_params = parse(
            json!({"type": "request", "id": 4, "method": "getWxpayfaceRawdata",
                                     "params": null, "timeout_ms": 1}),
        );
        assert!(no_params.is_ok());
    }

    #[test]
    fn unknown_method_keeps_the_id() {
        let (id, code, msg) = rejected(json!({"type": "request", "id": 9,
                                              "method": "releaseWxpayface", "timeout_ms": 5}));
        assert_eq!((id, code), (Some(9), ErrorCode::UnknownMethod));
        assert!(msg.contains("releaseWxpayface"));
    }

    #[test]
    fn bad_requests_keep_the_id_when_it_is_readable() {
        let cases = [
            json!({"type": "request", "id": 1, "timeout_ms": 5}),
            json!({"type": "request", "id": 1, "method": 3, "timeout_ms": 5}),
            json!({"type": "request", "id": 1, "method": "getWxpayAuth", "params": {"port": 8080},
                   "timeout_ms": 5}),
            json!({"type": "request", "id": 1, "method": "getWxpayAuth", "params": [], "timeout_ms": 5}),
            json!({"type": "request", "id": 1, "method": "getWxpayAuth"}),
            json!({"type": "request", "id": 1, "method": "getWxpayAuth", "timeout_ms": 0}),
            json!({"type": "request", "id": 1, "method": "getWxpayAuth", "timeout_ms": 600_001}),
            json!({"type": "request", "id": 1, "method": "getVersion", "params": {"a": "b"},
                   "timeout_ms": 5}),
        ];
        for case in cases {
            let (id, code, _) = rejected(case.clone());
            assert_eq!((id, code), (Some(1), ErrorCode::BadRequest), "{case}");
        }
        let (id, code, _) = rejected(json!({"type": "request", "id": -1, "method": "getVersion"}));
        assert_eq!((id, code), (None, ErrorCode::BadRequest));
    }

    #[test]
    fn type_problems_are_bad_requests_without_id() {
        for case in [
            json!({}),
            json!({"type": 1}),
            json!({"type": "pong", "seq": 1}),
            json!({"type": "ping"}),
            json!({"type": "hello", "client": "k"}),
            json!({"type": "hello", "proto": 2, "client": "k", "nonce": "01".repeat(32)}),
            json!({"type": "hello", "proto": 2, "client": "k", "nonce": "01".repeat(31),
                   "proof": "02".repeat(32)}),
            json!({"type": "hello", "proto": 2, "client": "k", "nonce": 1,
                   "proof": "02".repeat(32)}),
        ] {
            let (id, code, _) = rejected(case.clone());
            assert_eq!((id, code), (None, ErrorCode::BadRequest), "{case}");
        }
    }

    #[test]
    fn version_is_checked_before_the_shape_of_the_hello() {
        let (id, code, msg) = rejected(json!({"type": "hello", "proto": 1, "client": "k"}));
        assert_eq!((id, code), (None, ErrorCode::VersionMismatch));
        assert!(
            msg.contains("the kiosk speaks v1, this bridge speaks v2"),
            "{msg}"
        );
    }

    #[test]
    fn messages_never_quote_values() {
        let cases = [
            json!({"type": "request", "id": 1, "method": "getWxpayAuth",
                   "params": {"openid": ["oSECRET"]}, "timeout_ms": 5}),
            json!({"type": "ping", "seq": "oSECRET"}),
            json!({"type": "hello", "proto": 2, "client": {"x": "oSECRET"},
                   "nonce": "01".repeat(32), "proof": "02".repeat(32)}),
            json!({"type": "hello", "proto": 2, "client": "k", "nonce": "oSECRET",
                   "proof": "02".repeat(32)}),
        ];
        for case in cases {
            let (_, _, msg) = rejected(case);
            assert!(!msg.contains("SECRET"), "{msg}");
        }
    }

    #[test]
    fn rejection_becomes_a_response_or_an_error_frame() {
        let with_id = Rejection::new(Some(2), ErrorCode::UnknownMethod, "m");
        assert!(matches!(with_id.to_message(), ServerMessage::Response(r) if r.id == 2));
        let without = Rejection::new(None, ErrorCode::BadRequest, "m");
        assert!(matches!(without.to_message(), ServerMessage::Error(_)));
    }
}
