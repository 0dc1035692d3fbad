//! The bridge protocol client: one connection to the bridge server (over TCP to a direct
//! address, or to the port an adb forward opened), as specified in `android-bridge/README.md`.
//!
//! [`BridgeClient::connect`] waits for the server-first hello (3 s by default) and checks its
//! version, answers with the client hello carrying this kiosk's pairing proof
//! ([`ClientOptions::pairing`]), waits for the bridge's `paired` and checks the bridge's proof
//! before anything else is sent (a bridge that refuses the proof, or whose own proof does not
//! verify, is [`ConnectError::BridgeUnpaired`]), then starts a driver task that owns the stream: it
//! correlates responses with requests by id (they may arrive in any order), pings every 2 s and
//! declares the link dead after 3 unanswered pings or on EOF, and surfaces notifications.
//! [`BridgeClient::call`] sends `timeout_ms` to the bridge and keeps its own deadline too, a
//! little later, for a bridge that never answers at all.

mod driver;
mod pairing;

pub use crate::error::Unpaired;
pub use pairing::{KeyFileError, Pairing};

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use facekiosk_bridge_protocol::{
    ClientMessage, ErrorCode, Event, FrameDecoder, Hello, HelloError, JsonObject, MAX_TIMEOUT_MS,
    Method, PING_INTERVAL_MS, Params, Request, SdkResult, check_paired, client_hello, encode_frame,
    parse_hello, parse_paired,
};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadHalf};
use tokio::net::TcpStream;
use tokio::sync::{broadcast, mpsc, oneshot, watch};
use tracing::{debug, info};

use super::error::{ConnectError, LinkDown, TerminalError, TimeoutBy};
use super::status::{BridgeInfo, LinkStatus};
use driver::{Driver, Outgoing};

/// How the client behaves; the defaults are the protocol's.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// How long to wait for the server's hello after connecting (3 s).
    pub hello_timeout: Duration,
    /// How often to ping (2 s, the protocol's `PING_INTERVAL_MS`).
    pub ping_interval: Duration,
    /// How many pings in a row may go unanswered before the link is declared dead (3).
    pub missed_pongs: u32,
    /// How much longer than a call's `timeout_ms` we wait for the bridge's own answer before
    /// giving up on our side (2 s): the bridge's TIMEOUT is the more precise answer.
    pub timeout_grace: Duration,
    /// The longest a frame may take to write (5 s).
    pub write_timeout: Duration,
    /// Sent in the client hello.
    pub client_name: String,
    /// The key this kiosk shares with its bridge; without one no bridge is accepted.
    pub pairing: Option<Pairing>,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            hello_timeout: Duration::from_secs(3),
            ping_interval: Duration::from_millis(PING_INTERVAL_MS),
            missed_pongs: 3,
            timeout_grace: Duration::from_secs(2),
            write_timeout: Duration::from_secs(5),
            client_name: concat!("facekiosk/", env!("CARGO_PKG_VERSION")).to_string(),
            pairing: None,
        }
    }
}

/// One live connection to a bridge. Cheap to clone; the connection closes when the last clone is
/// dropped, on [`BridgeClient::close`], or when the link dies.
#[derive(Debug, Clone)]
pub struct BridgeClient {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    hello: Hello,
    addr: Option<SocketAddr>,
    outgoing: mpsc::UnboundedSender<Outgoing>,
    next_id: AtomicU64,
    down: watch::Receiver<Option<LinkDown>>,
    status: watch::Sender<LinkStatus>,
    events: broadcast::Sender<Event>,
    timeout_grace: Duration,
}

/// The next whole frame of the handshake, within the hello timeout.
async fn next_frame<S: AsyncRead>(
    reader: &mut ReadHalf<S>,
    decoder: &mut FrameDecoder,
    options: &ClientOptions,
) -> Result<JsonObject, ConnectError> {
    tokio::time::timeout(options.hello_timeout, async {
        let mut buf = [0u8; 4096];
        loop {
            match decoder.next_frame() {
                Ok(Some(frame)) => return Ok(frame),
                Ok(None) => {}
                Err(e) => {
                    return Err(ConnectError::BadHello(HelloError::Malformed(
                        facekiosk_bridge_protocol::MalformedMessage(e.to_string()),
                    )));
                }
            }
            match reader.read(&mut buf).await {
                Ok(0) => return Err(ConnectError::ClosedBeforeHello),
                Ok(n) => decoder.push(&buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {
                    return Err(ConnectError::ClosedBeforeHello);
                }
                Err(e) => return Err(ConnectError::Io(e)),
            }
        }
    })
    .await
    .map_err(|_| ConnectError::NoHello {
        waited_ms: options.hello_timeout.as_millis() as u64,
    })?
}

impl BridgeClient {
    /// Connects over TCP (the simulated terminal, or an adb-forwarded port) and does the
    /// handshake.
    pub async fn connect_tcp(
        addr: SocketAddr,
        options: &ClientOptions,
    ) -> Result<BridgeClient, ConnectError> {
        let stream = tokio::time::timeout(options.hello_timeout, TcpStream::connect(addr))
            .await
            .map_err(|_| ConnectError::Connect {
                addr,
                source: std::io::ErrorKind::TimedOut.into(),
            })?
            .map_err(|source| ConnectError::Connect { addr, source })?;
        let _ = stream.set_nodelay(true);
        Self::handshake(stream, Some(addr), options).await
    }

    /// Does the handshake over any stream.
    pub async fn connect<S>(
        stream: S,
        options: &ClientOptions,
    ) -> Result<BridgeClient, ConnectError>
    where
        S: AsyncRead + AsyncWrite + Send + 'static,
    {
        Self::handshake(stream, None, options).await
    }

    async fn handshake<S>(
        stream: S,
        addr: Option<SocketAddr>,
        options: &ClientOptions,
    ) -> Result<BridgeClient, ConnectError>
    where
        S: AsyncRead + AsyncWrite + Send + 'static,
    {
        let (mut reader, mut writer) = tokio::io::split(stream);
        let mut decoder = FrameDecoder::new();
        let first = next_frame(&mut reader, &mut decoder, options).await?;
        let hello = parse_hello(first).map_err(|e| match e {
            HelloError::VersionMismatch(v) => ConnectError::VersionMismatch(v),
            other => ConnectError::BadHello(other),
        })?;
        let Some(pairing) = &options.pairing else {
            return Err(ConnectError::BridgeUnpaired {
                why: Unpaired::NoKey,
                key_file: "terminal.pairing_key_file (not set)".into(),
            });
        };
        let unpaired = |why| ConnectError::BridgeUnpaired {
            why,
            key_file: pairing.source.clone(),
        };
        let (answer, transcript) = client_hello(&pairing.key, options.client_name.clone(), &hello);
        let frame =
            encode_frame(&ClientMessage::Hello(answer)).map_err(|e| ConnectError::Io(e.into()))?;
        tokio::time::timeout(options.write_timeout, writer.write_all(&frame))
            .await
            .map_err(|_| ConnectError::Io(std::io::ErrorKind::TimedOut.into()))?
            .map_err(ConnectError::Io)?;
        // Nothing else is sent before the bridge has proven it holds our key: whatever answers
        // on the socket without it gets no request, so no patient data.
        let answer = next_frame(&mut reader, &mut decoder, options).await?;
        match parse_paired(answer) {
            Ok(paired) => check_paired(&pairing.key, &transcript, &paired)
                .map_err(|_| unpaired(Unpaired::BadBridgeProof))?,
            Err(HelloError::Refused(body)) if body.code == ErrorCode::KioskUnpaired => {
                return Err(unpaired(Unpaired::RefusedByBridge));
            }
            Err(HelloError::Refused(body)) if body.code == ErrorCode::VersionMismatch => {
                return Err(ConnectError::BadHello(HelloError::Refused(body)));
            }
            Err(e) => return Err(ConnectError::BadHello(e)),
        }
        info!(
            bridge = %hello.bridge,
            aar = %hello.aar,
            model = %hello.device.model,
            "connected to the bridge"
        );

        let (outgoing, outgoing_rx) = mpsc::unbounded_channel();
        let (down_tx, down) = watch::channel(None);
        let (events, _) = broadcast::channel(32);
        let info = BridgeInfo {
            serial: None,
            addr: addr.unwrap_or_else(|| SocketAddr::from(([0, 0, 0, 0], 0))),
            hello: hello.clone(),
        };
        let (status, _) = watch::channel(LinkStatus::Connected(info));
        let shared = Arc::new(Shared {
            hello,
            addr,
            outgoing,
            next_id: AtomicU64::new(1),
            down,
            status,
            events,
            timeout_grace: options.timeout_grace,
        });
        let driver = Driver::new(
            reader,
            writer,
            decoder,
            outgoing_rx,
            down_tx,
            shared.events.clone(),
            options,
        );
        let weak = Arc::downgrade(&shared);
        tokio::spawn(async move {
            let reason = driver.run().await;
            if let Some(shared) = weak.upgrade() {
                shared.status.send_replace(LinkStatus::NoBridge {
                    serial: None,
                    reason: reason.to_string(),
                });
            }
        });
        Ok(BridgeClient { shared })
    }

    /// The server's hello.
    pub fn hello(&self) -> &Hello {
        &self.shared.hello
    }

    /// The address connected to, for a TCP connection.
    pub fn addr(&self) -> Option<SocketAddr> {
        self.shared.addr
    }

    /// Notifications from the bridge (face service gone, back, SDK re-initialised).
    pub fn events(&self) -> broadcast::Receiver<Event> {
        self.shared.events.subscribe()
    }

    /// `Connected` until the link dies, then `NoBridge` with the reason.
    pub fn status(&self) -> watch::Receiver<LinkStatus> {
        self.shared.status.subscribe()
    }

    /// Why the link is down, or `None` while it is alive.
    pub fn down_reason(&self) -> Option<LinkDown> {
        self.shared.down.borrow().clone()
    }

    /// Whether the link is alive.
    pub fn is_alive(&self) -> bool {
        self.shared.down.borrow().is_none()
    }

    /// Resolves when the link is dead, with the reason.
    pub async fn closed(&self) -> LinkDown {
        let mut down = self.shared.down.clone();
        match down.wait_for(Option::is_some).await {
            Ok(reason) => reason.clone().unwrap_or(LinkDown::ClosedByKiosk),
            Err(_) => LinkDown::ClosedByKiosk,
        }
    }

    /// Closes the connection: calls in flight end with `LinkLost` and `reason`.
    pub fn close(&self, reason: LinkDown) {
        let _ = self.shared.outgoing.send(Outgoing::Close(reason));
    }

    /// Makes one call and waits for its answer: the SDK's callback Map verbatim (a `FAIL`
    /// return_code is a result), or why there is none. `timeout` is sent as `timeout_ms`
    /// (clamped to the protocol's 1 ..= 600000) and bounds our own wait too, plus a grace.
    pub async fn call(
        &self,
        method: Method,
        params: Params,
        timeout: Duration,
    ) -> Result<SdkResult, TerminalError> {
        let timeout_ms = (timeout.as_millis() as u64).clamp(1, MAX_TIMEOUT_MS);
        let id = self.shared.next_id.fetch_add(1, Ordering::Relaxed);
        let (reply_tx, reply_rx) = oneshot::channel();
        let request = Request::new(id, method, params, timeout_ms);
        let started = tokio::time::Instant::now();
        if self
            .shared
            .outgoing
            .send(Outgoing::Request(request, reply_tx))
            .is_err()
        {
            return Err(self.lost(method));
        }
        let deadline = Duration::from_millis(timeout_ms) + self.shared.timeout_grace;
        let result = match tokio::time::timeout(deadline, reply_rx).await {
            Ok(Ok(Ok(result))) => Ok(result),
            Ok(Ok(Err(body))) => Err(TerminalError::from_bridge(method, timeout_ms, body)),
            Ok(Err(_)) => Err(self.lost(method)),
            Err(_) => {
                let _ = self.shared.outgoing.send(Outgoing::Forget(id));
                Err(TerminalError::Timeout {
                    method,
                    after_ms: timeout_ms,
                    by: TimeoutBy::Kiosk,
                })
            }
        };
        debug!(
            id,
            %method,
            elapsed_ms = started.elapsed().as_millis() as u64,
            ok = result.is_ok(),
            "bridge call"
        );
        result
    }

    fn lost(&self, method: Method) -> TerminalError {
        TerminalError::LinkLost {
            method,
            reason: self.down_reason().unwrap_or(LinkDown::ClosedByKiosk),
        }
    }
}
