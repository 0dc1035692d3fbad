//! Hand-written bridge servers that misbehave in ways the real one never does: a wrong protocol
//! version, no hello, no pongs, no answers.

use std::net::SocketAddr;

use facekiosk_bridge::protocol::{
    DeviceInfo, FrameDecoder, Hello, Pong, ServerMessage, encode_frame,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// How the raw server behaves on every connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Misbehaviour {
    /// Accepts and never says anything.
    NoHello,
    /// Sends a hello with this protocol version, then reads and ignores everything.
    Hello(u32),
    /// Sends a v1 hello and answers pings, but never answers a request.
    NeverAnswers,
}

pub async fn start(misbehaviour: Misbehaviour) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(serve(stream, misbehaviour));
        }
    });
    addr
}

pub fn hello(proto: u32) -> Hello {
    let mut hello = Hello::new(
        "9.9.9",
        "2.32.105.2032105",
        Some("2.20.0".into()),
        DeviceInfo {
            serial: "RAW-1".into(),
            model: "raw".into(),
            sdk_int: 28,
        },
    );
    hello.proto = proto;
    hello
}

async fn serve(mut stream: TcpStream, misbehaviour: Misbehaviour) {
    let proto = match misbehaviour {
        Misbehaviour::NoHello => 0,
        Misbehaviour::Hello(proto) => proto,
        Misbehaviour::NeverAnswers => 1,
    };
    if misbehaviour != Misbehaviour::NoHello {
        let frame = encode_frame(&ServerMessage::Hello(hello(proto))).unwrap();
        if stream.write_all(&frame).await.is_err() {
            return;
        }
    }
    let mut decoder = FrameDecoder::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => decoder.push(&buf[..n]),
        }
        while let Ok(Some(frame)) = decoder.next_frame() {
            let is_ping = frame.get("type").and_then(|t| t.as_str()) == Some("ping");
            if misbehaviour == Misbehaviour::NeverAnswers && is_ping {
                let seq = frame.get("seq").and_then(|s| s.as_u64()).unwrap_or(0);
                let pong = encode_frame(&ServerMessage::Pong(Pong { seq })).unwrap();
                if stream.write_all(&pong).await.is_err() {
                    return;
                }
            }
        }
    }
}
