//! Hand-written bridge servers that misbehave in ways the real one never does: a wrong protocol
//! version, no hello, no pongs, no answers, a proof made without the pairing key.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use facekiosk_bridge::protocol::{
    ClientHello, ClientMessage, DeviceInfo, FrameDecoder, Hello, PROTO_VERSION, Paired, PairingKey,
    Pong, Proof, ServerMessage, encode_frame, verify_client_hello,
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
    /// Pairs properly and answers pings, but never answers a request.
    NeverAnswers,
    /// Pairs properly, then reads and ignores everything, pings included.
    Silent,
    /// Whatever else answers on the bridge's socket: it does not hold the pairing key, answers
    /// every client hello `paired` with a proof it made up, and counts the frames it receives
    /// after the client hello (a kiosk must send it none).
    Impostor,
}

/// Frames received after the client hello, over all connections (for [`Misbehaviour::Impostor`]).
#[derive(Debug, Clone, Default)]
pub struct Received(Arc<AtomicUsize>, Arc<AtomicUsize>);

impl Received {
    pub fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }

    /// Connections the server has seen end (the client closed them).
    pub fn ended(&self) -> usize {
        self.1.load(Ordering::SeqCst)
    }
}

pub async fn start(misbehaviour: Misbehaviour) -> SocketAddr {
    start_counting(misbehaviour).await.0
}

pub async fn start_counting(misbehaviour: Misbehaviour) -> (SocketAddr, Received) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let received = Received::default();
    let counter = received.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let counter = counter.clone();
            tokio::spawn(async move {
                serve(stream, misbehaviour, counter.clone()).await;
                counter.1.fetch_add(1, Ordering::SeqCst);
            });
        }
    });
    (addr, received)
}

fn pair(misbehaviour: Misbehaviour, sent: &Hello, client: &ClientHello) -> Option<Paired> {
    match misbehaviour {
        Misbehaviour::NeverAnswers | Misbehaviour::Silent => {
            verify_client_hello(&super::pairing_key(), sent, client).ok()
        }
        // Replaying the kiosk's own proof is the best an impostor can do without the key.
        Misbehaviour::Impostor => Some(Paired {
            proof: Proof(client.proof.0),
        }),
        _ => None,
    }
}

/// A key no kiosk of the tests holds.
pub fn stranger_key() -> PairingKey {
    PairingKey::from_bytes([0x5e; 32])
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

async fn serve(mut stream: TcpStream, misbehaviour: Misbehaviour, received: Received) {
    let proto = match misbehaviour {
        Misbehaviour::NoHello => 0,
        Misbehaviour::Hello(proto) => proto,
        Misbehaviour::NeverAnswers | Misbehaviour::Silent | Misbehaviour::Impostor => PROTO_VERSION,
    };
    let sent = hello(proto);
    if misbehaviour != Misbehaviour::NoHello {
        let frame = encode_frame(&ServerMessage::Hello(sent.clone())).unwrap();
        if stream.write_all(&frame).await.is_err() {
            return;
        }
    }
    let mut hello_seen = false;
    let mut decoder = FrameDecoder::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => decoder.push(&buf[..n]),
        }
        while let Ok(Some(frame)) = decoder.next_frame() {
            let kind = frame
                .get("type")
                .and_then(|t| t.as_str())
                .map(str::to_owned);
            if !hello_seen && kind.as_deref() == Some("hello") {
                hello_seen = true;
                let Ok(ClientMessage::Hello(client)) =
                    serde_json::from_value::<ClientMessage>(frame.clone().into())
                else {
                    return;
                };
                if let Some(paired) = pair(misbehaviour, &sent, &client) {
                    let frame = encode_frame(&ServerMessage::Paired(paired)).unwrap();
                    if stream.write_all(&frame).await.is_err() {
                        return;
                    }
                }
                continue;
            }
            if hello_seen {
                received.0.fetch_add(1, Ordering::SeqCst);
            }
            let is_ping = kind.as_deref() == Some("ping");
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
