//! Shared by the bridge benchmarks: a real [`Bridge`] on 127.0.0.1:0 over the scripted SDK
//! answering at once, and a blocking client speaking the real framing (`write_frame` /
//! `read_frame` over a `TcpStream`, as the kiosk does through the adb forward).

use std::io::BufReader;
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;

use facekiosk_bridge::protocol::{
    ClientMessage, DeviceInfo, MAX_FRAME, Method, Params, Ping, Request, SdkResult, ServerMessage,
    check_paired, client_hello, read_frame, write_frame,
};
use facekiosk_bridge::testing::{Act, ScriptedSdk, pairing_key};
use facekiosk_bridge::{Bridge, SdkMethod, ServerConfig};
use serde_json::Value;

/// The scripted SDK (`facekiosk_bridge::testing`) answering every call synchronously, on the
/// server's SDK thread, like a warm face app would (minus the face app): the bench measures the
/// bridge, not the SDK. `getWxpayfaceRawdata` answers an opaque base64-like blob of about 1.5 KB,
/// as the SDK's rawdata is.
pub fn instant_sdk() -> ScriptedSdk {
    let mut rawdata = SdkResult::new();
    rawdata.insert("return_code".into(), "SUCCESS".into());
    rawdata.insert("return_msg".into(), "".into());
    rawdata.insert("rawdata".into(), Value::String("Q".repeat(1536)));
    let sdk = ScriptedSdk::new();
    sdk.default_for(SdkMethod::GetWxpayfaceRawdata, Act::Reply(rawdata));
    sdk
}

/// The bridge server, running on its own tokio runtime (two workers, as in the Android app)
/// until dropped.
pub struct Server {
    pub addr: SocketAddr,
    bridge: Bridge,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Server {
    pub fn start() -> Server {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("tokio runtime");
        let (bridge, addr) = runtime.block_on(async {
            let device = DeviceInfo {
                serial: "BENCH-1".into(),
                model: "loopback".into(),
                sdk_int: 28,
            };
            let bridge = Bridge::new(
                Arc::new(instant_sdk()),
                ServerConfig::new(device, pairing_key()),
            )
            .expect("bridge");
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind 127.0.0.1:0");
            let addr = listener.local_addr().expect("local addr");
            let server = bridge.clone();
            tokio::spawn(async move { server.serve_tcp(listener).await });
            (bridge, addr)
        });
        Server {
            addr,
            bridge,
            runtime: Some(runtime),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.bridge.shutdown();
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_timeout(std::time::Duration::from_secs(1));
        }
    }
}

/// A kiosk-side client: connected, hello checked and answered.
pub struct Client {
    writer: TcpStream,
    reader: BufReader<TcpStream>,
    next_id: u64,
}

impl Client {
    pub fn connect(addr: SocketAddr) -> Client {
        let stream = TcpStream::connect(addr).expect("connect");
        stream.set_nodelay(true).expect("nodelay");
        let mut client = Client {
            writer: stream.try_clone().expect("clone"),
            reader: BufReader::new(stream),
            next_id: 1,
        };
        let hello = match client.recv() {
            ServerMessage::Hello(hello) => {
                facekiosk_bridge::protocol::check_hello(&hello).expect("v2 hello");
                hello
            }
            other => panic!("expected the hello, got {other:?}"),
        };
        let (answer, transcript) = client_hello(&pairing_key(), "facekiosk-bench/1", &hello);
        write_frame(&mut client.writer, &ClientMessage::Hello(answer)).expect("send hello");
        match client.recv() {
            ServerMessage::Paired(paired) => {
                check_paired(&pairing_key(), &transcript, &paired).expect("the bridge's proof")
            }
            other => panic!("expected paired, got {other:?}"),
        }
        client
    }

    fn recv(&mut self) -> ServerMessage {
        let frame = read_frame(&mut self.reader, MAX_FRAME)
            .expect("read frame")
            .expect("server closed");
        ServerMessage::from_object(frame).expect("server message")
    }

    /// One `getWxpayfaceRawdata` round trip; returns the rawdata's length.
    pub fn rawdata(&mut self) -> usize {
        let id = self.next_id;
        self.next_id += 1;
        let request = Request::new(id, Method::GetWxpayfaceRawdata, Params::new(), 5_000);
        write_frame(&mut self.writer, &ClientMessage::Request(request)).expect("send request");
        match self.recv() {
            ServerMessage::Response(response) if response.id == id => {
                let result = response.outcome.expect("a result, not an error");
                result["rawdata"].as_str().map_or(0, str::len)
            }
            other => panic!("expected response {id}, got {other:?}"),
        }
    }

    /// One ping/pong round trip.
    pub fn ping(&mut self) {
        let seq = self.next_id;
        self.next_id += 1;
        write_frame(&mut self.writer, &ClientMessage::Ping(Ping { seq })).expect("send ping");
        match self.recv() {
            ServerMessage::Pong(pong) if pong.seq == seq => {}
            other => panic!("expected pong {seq}, got {other:?}"),
        }
    }
}
