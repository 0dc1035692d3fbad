//! Test harness: a bridge over the scripted SDK ([`ScriptedSdk`], `facekiosk_bridge::testing`)
//! on 127.0.0.1:0, and a small async client.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use facekiosk_bridge::protocol::{
    ClientMessage, DeviceInfo, FrameDecoder, Hello, JsonObject, Method, Params, Ping, Request,
    Response, ServerMessage, check_paired, client_hello, encode_frame,
};
use facekiosk_bridge::{Bridge, ServerConfig};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

#[allow(unused_imports)]
pub use facekiosk_bridge::testing::{Act, ScriptedSdk, map, pairing_key, success};

/// How long a test waits for any one frame.
pub const WAIT: Duration = Duration::from_secs(5);

pub fn device() -> DeviceInfo {
    DeviceInfo {
        serial: "TEST-1".into(),
        model: "fake terminal".into(),
        sdk_int: 28,
    }
}

pub struct Harness {
    pub bridge: Bridge,
    pub sdk: ScriptedSdk,
    pub addr: SocketAddr,
}

pub async fn start() -> Harness {
    start_with(|_| {}).await
}

pub async fn start_with(configure: impl FnOnce(&mut ServerConfig)) -> Harness {
    let mut config = ServerConfig::new(device(), pairing_key());
    configure(&mut config);
    let sdk = ScriptedSdk::new();
    let bridge = Bridge::new(Arc::new(sdk.clone()), config).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = bridge.clone();
    tokio::spawn(async move { server.serve_tcp(listener).await.unwrap() });
    Harness { bridge, sdk, addr }
}

/// A raw protocol client over any stream.
pub struct Client<S = TcpStream> {
    pub stream: S,
    decoder: FrameDecoder,
}

impl Client<TcpStream> {
    /// Connects without any handshake.
    pub async fn raw(addr: SocketAddr) -> Self {
        Client::over(TcpStream::connect(addr).await.unwrap())
    }

    /// Connects, reads the hello, answers it.
    pub async fn connect(addr: SocketAddr) -> (Self, Hello) {
        let mut client = Self::raw(addr).await;
        let hello = client.handshake().await;
        (client, hello)
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> Client<S> {
    pub fn over(stream: S) -> Self {
        Client {
            stream,
            decoder: FrameDecoder::new(),
        }
    }

    /// Reads the hello, answers it paired with [`pairing_key`], checks the bridge's proof.
    pub async fn handshake(&mut self) -> Hello {
        let ServerMessage::Hello(hello) = self.recv().await else {
            panic!("no hello")
        };
        let (answer, transcript) = client_hello(&pairing_key(), "test-client/1", &hello);
        self.send(&ClientMessage::Hello(answer)).await;
        let ServerMessage::Paired(paired) = self.recv().await else {
            panic!("not paired")
        };
        assert_eq!(check_paired(&pairing_key(), &transcript, &paired), Ok(()));
        hello
    }

    pub async fn send(&mut self, message: &ClientMessage) {
        self.send_bytes(&encode_frame(message).unwrap()).await;
    }

    pub async fn send_bytes(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).await.unwrap();
    }

    pub async fn request(&mut self, id: u64, method: Method, params: Params, timeout_ms: u64) {
        self.send(&ClientMessage::Request(Request::new(
            id, method, params, timeout_ms,
        )))
        .await;
    }

    /// The next frame as JSON; `None` on EOF.
    pub async fn recv_object(&mut self) -> Option<JsonObject> {
        tokio::time::timeout(WAIT, async {
            let mut buf = [0u8; 8192];
            loop {
                if let Some(frame) = self.decoder.next_frame().unwrap() {
                    return Some(frame);
                }
                match self.stream.read(&mut buf).await {
                    Ok(0) => return None,
                    Ok(n) => self.decoder.push(&buf[..n]),
                    Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return None,
                    Err(e) => panic!("read: {e}"),
                }
            }
        })
        .await
        .expect("no frame within the wait")
    }

    pub async fn recv(&mut self) -> ServerMessage {
        let frame = self.recv_object().await.expect("connection closed");
        ServerMessage::from_object(frame).unwrap()
    }

    pub async fn recv_response(&mut self) -> Response {
        match self.recv().await {
            ServerMessage::Response(r) => r,
            other => panic!("expected a response, got {other:?}"),
        }
    }

    /// Asserts the server closes the connection (after any frames already sent).
    pub async fn expect_eof(&mut self) {
        assert!(
            self.recv_object().await.is_none(),
            "expected the server to close"
        );
    }

    pub async fn ping(&mut self, seq: u64) {
        self.send(&ClientMessage::Ping(Ping { seq })).await;
        match self.recv().await {
            ServerMessage::Pong(p) => assert_eq!(p.seq, seq),
            other => panic!("expected a pong, got {other:?}"),
        }
    }

    /// Asserts nothing arrives for `d`.
    pub async fn expect_silence(&mut self, d: Duration) {
        let mut buf = [0u8; 1];
        if self.decoder.buffered() == 0 {
            let r = tokio::time::timeout(d, self.stream.read(&mut buf)).await;
            assert!(r.is_err(), "unexpected data or close: {r:?}");
        } else {
            panic!("unexpected buffered data");
        }
    }
}

pub fn params(pairs: &[(&str, &str)]) -> Params {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Polls `cond` until it holds (or fails the test after [`WAIT`]).
pub async fn wait_until(cond: impl Fn() -> bool) {
    let t0 = std::time::Instant::now();
    while !cond() {
        assert!(t0.elapsed() < WAIT, "condition not reached");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}
