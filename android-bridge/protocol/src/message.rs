//! The messages of protocol v2. Every frame holds one JSON object whose `"type"` names the
//! message; the server sends [`ServerMessage`]s, the client [`ClientMessage`]s.
//!
//! `Debug` of the types that carry SDK data ([`Request`], [`Response`]) shows only the keys of
//! their maps, never the values: they hold openid, face_sid, authinfo and the like.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::frame::JsonObject;
use crate::pairing::{Nonce, Proof};
use crate::{MAX_FRAME, PROTO_VERSION};

/// Parameters of an SDK call: the Java `Map` the SDK receives, whose values are all strings.
pub type Params = BTreeMap<String, String>;

/// The SDK's callback `Map`, verbatim: strings stay strings, `Integer`s stay numbers.
pub type SdkResult = JsonObject;

/// Everything the server (the bridge) sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMessage {
    /// The first frame of every connection.
    Hello(Hello),
    /// The bridge accepted the client's pairing proof and proves its own; the client sends
    /// nothing else before it has checked this.
    Paired(Paired),
    /// The answer to one [`Request`].
    Response(Response),
    /// An event from the SDK side, sent to every connected client.
    Notification(Notification),
    /// The answer to a [`Ping`].
    Pong(Pong),
    /// A problem with the connection rather than with one request (no id).
    Error(ErrorMessage),
}

impl ServerMessage {
    /// Decodes a frame received from the server. Errors never quote string values.
    pub fn from_object(object: JsonObject) -> Result<Self, MalformedMessage> {
        serde_json::from_value(serde_json::Value::Object(object)).map_err(MalformedMessage::from)
    }
}

/// Everything the client (the kiosk) sends. The server decodes these with
/// [`crate::parse_client_message`], which gives precise error codes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMessage {
    /// The client's answer to the server's hello; must be its first frame.
    Hello(ClientHello),
    /// An SDK call.
    Request(Request),
    /// Heartbeat.
    Ping(Ping),
}

/// A message that does not match its type's shape. The text quotes field and variant names but
/// never string values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MalformedMessage(pub String);

impl From<serde_json::Error> for MalformedMessage {
    fn from(e: serde_json::Error) -> Self {
        MalformedMessage(redact_quoted(&e.to_string()))
    }
}

impl fmt::Display for MalformedMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "malformed message: {}", self.0)
    }
}

impl std::error::Error for MalformedMessage {}

/// Replaces the content of every `"..."` in a serde error text with `…`: serde quotes string
/// values there (field and variant names use backticks and are kept).
pub(crate) fn redact_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut inside = false;
    for c in text.chars() {
        if c == '"' {
            if !inside {
                out.push_str("\"…\"");
            }
            inside = !inside;
        } else if !inside {
            out.push(c);
        }
    }
    out
}

/// The server's first frame. An adb forward accepts a connection even with nothing behind it, so
/// this frame is also the proof that the bridge is alive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hello {
    /// The server's protocol version ([`PROTO_VERSION`]).
    pub proto: u32,
    /// The bridge's own version, `x.y.z`.
    pub bridge: String,
    /// The face SDK (AAR) version, e.g. `2.32.105.2032105`.
    pub aar: String,
    /// `versionName` of the WeChat face app `com.tencent.wxpayface`; `null` if not installed.
    #[serde(default)]
    pub face_app: Option<String>,
    /// The terminal.
    pub device: DeviceInfo,
    /// The largest frame body the server accepts and sends.
    pub max_frame: u32,
    /// Fresh for this connection: the client's pairing proof covers it, so the proof cannot be
    /// replayed on another connection.
    pub nonce: Nonce,
}

/// The server's answer to a client hello whose pairing proof verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paired {
    /// The bridge's proof ([`crate::Role::Bridge`]) over the same transcript.
    pub proof: Proof,
}

/// Facts about the terminal, from Android's `Build`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceInfo {
    /// `Build.getSerial()` or the adb serial (may be empty when the app may not read it).
    pub serial: String,
    /// `Build.MODEL`.
    pub model: String,
    /// `Build.VERSION.SDK_INT` (0 when not on Android).
    pub sdk_int: u32,
}

/// The client's hello.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientHello {
    /// The client's protocol version ([`PROTO_VERSION`]).
    pub proto: u32,
    /// Free text naming the client and its version, e.g. `facekiosk/0.1.0`.
    pub client: String,
    /// The client's fresh nonce: the bridge's proof covers it.
    pub nonce: Nonce,
    /// The client's proof ([`crate::Role::Kiosk`]) over both nonces, the version and the
    /// device serial of the server's hello.
    pub proof: Proof,
}

impl ClientHello {
    /// A hello for this crate's protocol version.
    pub fn new(client: impl Into<String>, nonce: Nonce, proof: Proof) -> Self {
        ClientHello {
            proto: PROTO_VERSION,
            client: client.into(),
            nonce,
            proof,
        }
    }
}

impl Hello {
    /// A hello for this crate's protocol version and the standard frame maximum.
    pub fn new(
        bridge: impl Into<String>,
        aar: impl Into<String>,
        face_app: Option<String>,
        device: DeviceInfo,
    ) -> Self {
        Hello {
            proto: PROTO_VERSION,
            bridge: bridge.into(),
            aar: aar.into(),
            face_app,
            device,
            max_frame: MAX_FRAME as u32,
            nonce: Nonce::random(),
        }
    }
}

/// The SDK calls a client can make, named on the wire exactly as the SDK's Java methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Method {
    /// `WxPayFace.initWxpayface(Context, Map, cb)`: params are the proxy / perform_mode map
    /// (empty params: the overload without a map).
    #[serde(rename = "initWxpayface")]
    InitWxpayface,
    /// `WxPayFace.getWxpayfaceRawdata(cb)`: no params.
    #[serde(rename = "getWxpayfaceRawdata")]
    GetWxpayfaceRawdata,
    /// `WxPayFace.getWxpayfaceCode(Map, cb)`.
    #[serde(rename = "getWxpayfaceCode")]
    GetWxpayfaceCode,
    /// `WxPayFace.getWxpayAuth(Map, cb)`.
    #[serde(rename = "getWxpayAuth")]
    GetWxpayAuth,
    /// `WxPayFace.stopWxpayface(Map, cb)`: bypasses the call queue.
    #[serde(rename = "stopWxpayface")]
    StopWxpayface,
    /// Not an SDK call: `{"aar": String, "face_app": String | null}`, answered at once; no params.
    #[serde(rename = "getVersion")]
    GetVersion,
}

impl Method {
    /// Every method.
    pub const ALL: [Method; 6] = [
        Method::InitWxpayface,
        Method::GetWxpayfaceRawdata,
        Method::GetWxpayfaceCode,
        Method::GetWxpayAuth,
        Method::StopWxpayface,
        Method::GetVersion,
    ];

    /// The wire (and Java) name.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::InitWxpayface => "initWxpayface",
            Method::GetWxpayfaceRawdata => "getWxpayfaceRawdata",
            Method::GetWxpayfaceCode => "getWxpayfaceCode",
            Method::GetWxpayAuth => "getWxpayAuth",
            Method::StopWxpayface => "stopWxpayface",
            Method::GetVersion => "getVersion",
        }
    }

    /// The method with this wire name.
    pub fn from_name(name: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.as_str() == name)
    }

    /// Whether the server runs it at once instead of queueing it behind the call in flight
    /// (cancel-type calls and queries that do not go to the face service).
    pub fn bypasses_queue(self) -> bool {
        matches!(self, Method::StopWxpayface | Method::GetVersion)
    }

    /// Whether the method accepts params (the others require an empty or absent `params`).
    pub fn takes_params(self) -> bool {
        !matches!(self, Method::GetWxpayfaceRawdata | Method::GetVersion)
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Method {
    type Err = UnknownMethod;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Method::from_name(s).ok_or(UnknownMethod)
    }
}

/// A method name that is not one of [`Method::ALL`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownMethod;

impl fmt::Display for UnknownMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("unknown method")
    }
}

impl std::error::Error for UnknownMethod {}

/// One SDK call.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// Chosen by the client, unique among its requests still unanswered on this connection.
    pub id: u64,
    /// The call.
    pub method: Method,
    /// The SDK's request Map (all values strings); may be omitted when empty.
    #[serde(default)]
    pub params: Params,
    /// The longest the client waits for the answer, counted from the server's receipt of the
    /// request (queueing included), 1 ..= [`crate::MAX_TIMEOUT_MS`].
    pub timeout_ms: u64,
}

impl Request {
    /// A request.
    pub fn new(id: u64, method: Method, params: Params, timeout_ms: u64) -> Self {
        Request {
            id,
            method,
            params,
            timeout_ms,
        }
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("id", &self.id)
            .field("method", &self.method)
            .field("params", &KeysOnly(self.params.keys()))
            .field("timeout_ms", &self.timeout_ms)
            .finish()
    }
}

/// Debug helper: the keys of a map, with values elided.
struct KeysOnly<I>(I);

impl<I: Iterator<Item = K> + Clone, K: fmt::Debug> fmt::Debug for KeysOnly<I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for k in self.0.clone() {
            map.entry(&k, &format_args!("…"));
        }
        map.finish()
    }
}

/// The answer to one request: `{"id", "result"}` or `{"id", "error"}` on the wire.
#[derive(Clone, PartialEq)]
pub struct Response {
    /// The request's id.
    pub id: u64,
    /// The SDK's callback Map, or why there is none.
    pub outcome: Result<SdkResult, ErrorBody>,
}

impl Response {
    /// A result.
    pub fn ok(id: u64, result: SdkResult) -> Self {
        Response {
            id,
            outcome: Ok(result),
        }
    }

    /// An error.
    pub fn error(id: u64, code: ErrorCode, message: impl Into<String>) -> Self {
        Response {
            id,
            outcome: Err(ErrorBody::new(code, message)),
        }
    }
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Response");
        s.field("id", &self.id);
        match &self.outcome {
            Ok(result) => s.field("result", &KeysOnly(result.keys())),
            Err(error) => s.field("error", error),
        };
        s.finish()
    }
}

#[derive(Serialize)]
struct ResponseOut<'a> {
    id: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    result: Option<&'a SdkResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a ErrorBody>,
}

#[derive(Deserialize)]
struct ResponseIn {
    id: u64,
    #[serde(default)]
    result: Option<SdkResult>,
    #[serde(default)]
    error: Option<ErrorBody>,
}

impl Serialize for Response {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (result, error) = match &self.outcome {
            Ok(r) => (Some(r), None),
            Err(e) => (None, Some(e)),
        };
        ResponseOut {
            id: self.id,
            result,
            error,
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Response {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = ResponseIn::deserialize(deserializer)?;
        let outcome = match (raw.result, raw.error) {
            (Some(r), None) => Ok(r),
            (None, Some(e)) => Err(e),
            (Some(_), Some(_)) => {
                return Err(serde::de::Error::custom(
                    "response has both `result` and `error`",
                ));
            }
            (None, None) => {
                return Err(serde::de::Error::custom(
                    "response has neither `result` nor `error`",
                ));
            }
        };
        Ok(Response {
            id: raw.id,
            outcome,
        })
    }
}

/// Why a request has no result, or what is wrong with the connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// What to branch on.
    pub code: ErrorCode,
    /// For people; never holds SDK params or results.
    pub message: String,
}

impl ErrorBody {
    /// An error body.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ErrorBody {
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for ErrorBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

/// Error codes, `SCREAMING_SNAKE_CASE` on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    /// The SDK did not call back within the request's `timeout_ms` (queueing included).
    Timeout,
    /// The call queue is full, or the connection has too many unanswered requests.
    Busy,
    /// The SDK binding failed to make the call (a Java exception, a dropped callback).
    SdkException,
    /// The request is malformed (missing or mistyped field, non-string param, bad timeout,
    /// duplicate id, a request before the hello...).
    BadRequest,
    /// The frame is malformed (oversized: the server then closes; bad UTF-8 or JSON: it goes on).
    BadFrame,
    /// The peer speaks another protocol version; the server then closes.
    VersionMismatch,
    /// The client's pairing proof does not verify (the kiosk holds another pairing key than
    /// this bridge, or replays an old hello); the server then closes.
    KioskUnpaired,
    /// The method is not one of [`Method::ALL`].
    UnknownMethod,
    /// The server is stopping; it then closes.
    ShuttingDown,
    /// Nothing was received for longer than the idle timeout; the server then closes.
    IdleTimeout,
    /// A bug or resource failure in the bridge.
    Internal,
    /// A code this version does not know (sent by a newer peer).
    #[serde(other)]
    Unknown,
}

impl ErrorCode {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Timeout => "TIMEOUT",
            ErrorCode::Busy => "BUSY",
            ErrorCode::SdkException => "SDK_EXCEPTION",
            ErrorCode::BadRequest => "BAD_REQUEST",
            ErrorCode::BadFrame => "BAD_FRAME",
            ErrorCode::VersionMismatch => "VERSION_MISMATCH",
            ErrorCode::KioskUnpaired => "KIOSK_UNPAIRED",
            ErrorCode::UnknownMethod => "UNKNOWN_METHOD",
            ErrorCode::ShuttingDown => "SHUTTING_DOWN",
            ErrorCode::IdleTimeout => "IDLE_TIMEOUT",
            ErrorCode::Internal => "INTERNAL",
            ErrorCode::Unknown => "UNKNOWN",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A connection-level error (`{"type":"error","error":{code,message}}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorMessage {
    /// What went wrong.
    pub error: ErrorBody,
}

impl ErrorMessage {
    /// An error message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ErrorMessage {
            error: ErrorBody::new(code, message),
        }
    }
}

/// An event from the SDK side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    /// What happened.
    pub event: Event,
}

/// Events, `snake_case` on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// The SDK lost its binding to the face app's service (e.g. the face app is updating).
    FaceServiceDisconnected,
    /// The binding is back.
    FaceServiceReconnected,
    /// The bridge initialised the SDK again on its own (after the face app came back).
    SdkReinitialised,
    /// An event this version does not know (sent by a newer bridge): ignore it.
    #[serde(other)]
    Unknown,
}

/// Heartbeat from the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ping {
    /// Echoed in the [`Pong`].
    pub seq: u64,
}

/// Answer to a [`Ping`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pong {
    /// The ping's `seq`.
    pub seq: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn wire<T: Serialize>(m: &T) -> serde_json::Value {
        serde_json::to_value(m).unwrap()
    }

    #[test]
    fn server_messages_have_the_documented_shape() {
        let hello = ServerMessage::Hello(Hello::new(
            "0.1.0",
            "2.32.105.2032105",
            Some("2.20.0".into()),
            DeviceInfo {
                serial: "S1".into(),
                model: "M".into(),
                sdk_int: 28,
            },
        ));
        let ServerMessage::Hello(h) = &hello else {
            unreachable!()
        };
        let nonce = hex::encode(h.nonce.0);
        assert_eq!(
            wire(&hello),
            json!({"type": "hello", "proto": 2, "bridge": "0.1.0", "aar": "2.32.105.2032105",
                   "face_app": "2.20.0", "device": {"serial": "S1", "model": "M", "sdk_int": 28},
                   "max_frame": 1_048_576, "nonce": nonce})
        );
        assert_eq!(
            wire(&ServerMessage::Paired(Paired {
                proof: Proof([0xcd; 32])
            })),
            json!({"type": "paired", "proof": "cd".repeat(32)})
        );
        let mut result = SdkResult::new();
        result.insert("return_code".into(), json!("FAIL"));
        result.insert("err_code".into(), json!(271_378_620));
        assert_eq!(
            wire(&ServerMessage::Response(Response::ok(7, result))),
            json!({"type": "response", "id": 7,
                   "result": {"return_code": "FAIL", "err_code": 271_378_620}})
        );
        assert_eq!(
            wire(&ServerMessage::Response(Response::error(
                8,
                ErrorCode::Timeout,
                "late"
            ))),
            json!({"type": "response", "id": 8, "error": {"code": "TIMEOUT", "message": "late"}})
        );
        assert_eq!(
            wire(&ServerMessage::Notification(Notification {
                event: Event::SdkReinitialised
            })),
            json!({"type": "notification", "event": "sdk_reinitialised"})
        );
        assert_eq!(
            wire(&ServerMessage::Error(ErrorMessage::new(
                ErrorCode::BadFrame,
                "x"
            ))),
            json!({"type": "error", "error": {"code": "BAD_FRAME", "message": "x"}})
        );
        assert_eq!(
            wire(&ServerMessage::Pong(Pong { seq: 3 })),
            json!({"type": "pong", "seq": 3})
        );
    }

    #[test]
    fn client_messages_have_the_documented_shape() {
        let params = Params::from([("quit_face_auth".to_string(), "1".to_string())]);
        assert_eq!(
            wire(&ClientMessage::Request(Request::new(
                1,
                Method::GetWxpayAuth,
                params,
                5000
            ))),
            json!({"type": "request", "id": 1, "method": "getWxpayAuth",
                   "params": {"quit_face_auth": "1"}, "timeout_ms": 5000})
        );
        assert_eq!(
            wire(&ClientMessage::Hello(ClientHello::new(
                "facekiosk/0.1.0",
                Nonce([0x11; 32]),
                Proof([0x22; 32])
            ))),
            json!({"type": "hello", "proto": 2, "client": "facekiosk/0.1.0",
                   "nonce": "11".repeat(32), "proof": "22".repeat(32)})
        );
        assert_eq!(
            wire(&ClientMessage::Ping(Ping { seq: 9 })),
            json!({"type": "ping", "seq": 9})
        );
    }

    #[test]
    fn method_names_match_the_sdk() {
        for m in Method::ALL {
            assert_eq!(wire(&m), json!(m.as_str()));
            assert_eq!(m.as_str().parse::<Method>(), Ok(m));
        }
        assert!(Method::StopWxpayface.bypasses_queue());
        assert!(!Method::GetWxpayfaceCode.bypasses_queue());
        assert_eq!("releaseWxpayface".parse::<Method>(), Err(UnknownMethod));
    }

    #[test]
    fn unknown_codes_and_events_from_a_newer_peer_decode() {
        let v: ErrorCode = serde_json::from_value(json!("RATE_LIMITED")).unwrap();
        assert_eq!(v, ErrorCode::Unknown);
        let e: Event = serde_json::from_value(json!("camera_unplugged")).unwrap();
        assert_eq!(e, Event::Unknown);
    }

    #[test]
    fn response_needs_exactly_one_of_result_and_error() {
        let both = json!({"type": "response", "id": 1, "result": {},
                          "error": {"code": "BUSY", "message": ""}});
        let neither = json!({"type": "response", "id": 1});
        for v in [both, neither] {
            let serde_json::Value::Object(o) = v else {
                unreachable!()
            };
            assert!(ServerMessage::from_object(o).is_err());
        }
    }

    #[test]
    fn debug_and_errors_do_not_show_values() {
        let params = Params::from([("authinfo".to_string(), "SECRET-AUTH".to_string())]);
        let req = Request::new(1, Method::GetWxpayfaceCode, params, 1);
        let dbg = format!("{req:?}");
        assert!(dbg.contains("authinfo") && !dbg.contains("SECRET"), "{dbg}");
        let mut result = SdkResult::new();
        result.insert("openid".into(), json!("oSECRET"));
        let dbg = format!("{:?}", ServerMessage::Response(Response::ok(1, result)));
        assert!(dbg.contains("openid") && !dbg.contains("SECRET"), "{dbg}");
        let bad = json!({"type": "response", "id": "oSECRET", "result": {}});
        let serde_json::Value::Object(o) = bad else {
            unreachable!()
        };
        let err = ServerMessage::from_object(o).unwrap_err().to_string();
        assert!(!err.contains("SECRET"), "{err}");
    }

    #[test]
    fn redaction_keeps_structure() {
        assert_eq!(
            redact_quoted(r#"invalid type: string "abc", expected u64"#),
            r#"invalid type: string "…", expected u64"#
        );
        assert_eq!(redact_quoted("missing field `id`"), "missing field `id`");
    }

    /// Found by the `bridge_messages` fuzz target: serde_json's default float parsing is not
    /// correctly rounded, so an SDK `Double` could come back one ULP off after a trip over the
    /// wire. The protocol crate enables `float_roundtrip`; results stay verbatim.
    #[test]
    fn a_double_in_a_result_survives_the_wire_bit_for_bit() {
        let body =
            br#"{"type":"response","id":4,"result":{"return_code":271378555555555555555621}}"#;
        let message = ServerMessage::from_object(crate::decode_body(body).unwrap()).unwrap();
        let frame = crate::encode_frame(&message).unwrap();
        let again = ServerMessage::from_object(crate::decode_body(&frame[4..]).unwrap()).unwrap();
        assert_eq!(again, message);
        for x in [0.1, 1.0 / 3.0, 2.713_785_555_555_555_4e20, f64::MAX, 5e-324] {
            let text = serde_json::to_string(&x).unwrap();
            assert_eq!(
                serde_json::from_str::<f64>(&text).unwrap().to_bits(),
                x.to_bits(),
                "{text}"
            );
        }
    }
}
