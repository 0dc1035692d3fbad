//! One client connection: hello first, then frames in, responses, pongs and notifications out.
//!
//! Error handling: a frame with bad UTF-8 or JSON, or a message that does not parse, gets an
//! error frame and the connection goes on (until `max_bad_frames` bad frames in a row; only
//! the 1st, 2nd, 4th... are logged, and the total when the connection closes); an oversized
//! frame, a protocol version mismatch, a first message that is not a valid hello, a pairing
//! proof that does not verify (KIOSK_UNPAIRED), idleness and shutdown get an error frame and a
//! close.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use facekiosk_bridge_protocol::{
    BadFrames, ClientMessage, DecodeError, EncodeError, ErrorCode, ErrorMessage, FrameDecoder,
    Hello, JsonObject, Notification, Pong, Request, Response, ServerMessage, check_client_hello,
    encode_frame, parse_client_message, verify_client_hello,
};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadHalf, WriteHalf};
use tokio::sync::{broadcast, mpsc};
use tokio::time::{Instant, sleep_until, timeout};
use tracing::{debug, info, warn};

use super::queue::{Call, SubmitError};
use super::{Shared, stopped};

/// Why a connection ended (for the log).
type Close = &'static str;

/// How long a closing connection keeps reading (and discarding) so that the peer receives the
/// last error frame before the socket closes (closing with unread input would send a reset).
const LINGER: Duration = Duration::from_millis(500);
const LINGER_MAX_BYTES: usize = 4 << 20;

/// Serves one accepted stream until it closes. Never panics on peer input.
pub(crate) async fn serve<S>(shared: Arc<Shared>, stream: S, peer: String)
where
    S: AsyncRead + AsyncWrite + Send + 'static,
{
    let conn = shared.connection_id();
    info!(conn, %peer, "connection accepted");
    let (mut reader, writer) = tokio::io::split(stream);
    let (reply_tx, reply_rx) = mpsc::unbounded_channel();
    let shared_max_bad_frames = shared.config.max_bad_frames;
    let mut connection = Connection {
        write_timeout: shared.config.idle_timeout,
        shared,
        conn,
        writer,
        sent_hello: None,
        hello_received: false,
        bad_frames: BadFrames::new(shared_max_bad_frames),
        in_flight: HashSet::new(),
        reply_tx,
    };
    let reason = connection.run(&mut reader, reply_rx).await;
    let bad_frames = connection.bad_frames.total();
    info!(conn, reason, bad_frames, "connection closed");
    let Connection { mut writer, .. } = connection;
    let _ = timeout(LINGER, writer.shutdown()).await;
    linger(&mut reader).await;
}

async fn linger<R: AsyncRead>(reader: &mut ReadHalf<R>) {
    let deadline = Instant::now() + LINGER;
    let mut buf = [0u8; 8192];
    let mut total = 0;
    while total < LINGER_MAX_BYTES {
        match tokio::time::timeout_at(deadline, reader.read(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => total += n,
            _ => break,
        }
    }
}

struct Connection<S> {
    shared: Arc<Shared>,
    conn: u64,
    writer: WriteHalf<S>,
    write_timeout: Duration,
    /// The hello this connection sent: its nonce is what the client's proof must cover.
    sent_hello: Option<Hello>,
    hello_received: bool,
    bad_frames: BadFrames,
    in_flight: HashSet<u64>,
    reply_tx: mpsc::UnboundedSender<Response>,
}

impl<S: AsyncRead + AsyncWrite> Connection<S> {
    async fn run(
        &mut self,
        reader: &mut ReadHalf<S>,
        mut replies: mpsc::UnboundedReceiver<Response>,
    ) -> Close {
        let mut shutdown = self.shared.shutdown.subscribe();
        if *shutdown.borrow_and_update() {
            return self
                .refuse(ErrorCode::ShuttingDown, "the bridge is shutting down")
                .await;
        }
        let version = self.shared.version().await;
        let hello = Hello::new(
            self.shared.config.bridge_version.clone(),
            version.aar,
            version.face_app,
            self.shared.config.device.clone(),
        );
        self.sent_hello = Some(hello.clone());
        if let Err(close) = self.send(ServerMessage::Hello(hello)).await {
            return close;
        }
        let mut notifications = self.shared.notifier.subscribe();
        let idle = self.shared.config.idle_timeout;
        let mut idle_deadline = Instant::now() + idle;
        let mut decoder = FrameDecoder::new();
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            let step = tokio::select! {
                biased;
                () = stopped(&mut shutdown) => {
                    return self.refuse(ErrorCode::ShuttingDown, "the bridge is shutting down").await;
                }
                Some(response) = replies.recv() => {
                    self.in_flight.remove(&response.id);
                    self.send(ServerMessage::Response(response)).await
                }
                event = notifications.recv(), if self.hello_received => match event {
                    Ok(event) => self.send(ServerMessage::Notification(Notification { event })).await,
                    Err(broadcast::error::RecvError::Lagged(n)) => {
                        warn!(conn = self.conn, missed = n, "client missed notifications");
                        Ok(())
                    }
                    Err(broadcast::error::RecvError::Closed) => Ok(()),
                },
                read = reader.read(&mut buf) => match read {
                    Ok(0) => Err("closed by the client"),
                    Ok(n) => {
                        idle_deadline = Instant::now() + idle;
                        decoder.push(&buf[..n]);
                        self.drain(&mut decoder).await
                    }
                    Err(e) => {
                        debug!(conn = self.conn, kind = ?e.kind(), "read failed");
                        Err("read failed")
                    }
                },
                () = sleep_until(idle_deadline) => {
                    let msg = format!("nothing received for {} ms", idle.as_millis());
                    return self.refuse(ErrorCode::IdleTimeout, msg).await;
                }
            };
            if let Err(close) = step {
                return close;
            }
        }
    }

    /// Sends a connection-level error, then closes.
    async fn refuse(&mut self, code: ErrorCode, message: impl Into<String>) -> Close {
        let _ = self
            .send(ServerMessage::Error(ErrorMessage::new(code, message)))
            .await;
        match code {
            ErrorCode::ShuttingDown => "shutting down",
            ErrorCode::IdleTimeout => "idle",
            ErrorCode::VersionMismatch => "version mismatch",
            ErrorCode::KioskUnpaired => "kiosk not paired",
            ErrorCode::BadFrame => "bad frame",
            _ => "protocol error",
        }
    }

    async fn drain(&mut self, decoder: &mut FrameDecoder) -> Result<(), Close> {
        loop {
            match decoder.next_frame() {
                Ok(None) => return Ok(()),
                Ok(Some(frame)) => self.on_frame(frame).await?,
                Err(e) if e.is_fatal() => {
                    warn!(conn = self.conn, error = %e, "fatal bad frame");
                    return Err(self.refuse(ErrorCode::BadFrame, e.to_string()).await);
                }
                Err(e) => {
                    let verdict = self.bad_frames.record();
                    if verdict.log {
                        warn!(conn = self.conn, error = %e, total = verdict.total, "bad frame");
                    }
                    if verdict.close {
                        let msg = format!(
                            "{} bad frames in a row; closing the connection",
                            self.shared.config.max_bad_frames
                        );
                        return Err(self.refuse(ErrorCode::BadFrame, msg).await);
                    }
                    self.send_error(ErrorCode::BadFrame, bad_frame_message(&e))
                        .await?;
                }
            }
        }
    }

    async fn on_frame(&mut self, frame: JsonObject) -> Result<(), Close> {
        let message = match parse_client_message(frame) {
            Ok(message) => message,
            Err(rejection) => {
                let verdict = self.bad_frames.record();
                if verdict.log {
                    let (id, code, total) = (rejection.id, rejection.code, verdict.total);
                    warn!(conn = self.conn, id, %code, total, "message rejected");
                }
                if rejection.code == ErrorCode::VersionMismatch || !self.hello_received {
                    return Err(self.refuse(rejection.code, rejection.message).await);
                }
                if verdict.close {
                    let msg = format!(
                        "{} bad messages in a row; closing the connection",
                        self.shared.config.max_bad_frames
                    );
                    return Err(self.refuse(ErrorCode::BadRequest, msg).await);
                }
                return self.send(rejection.to_message()).await;
            }
        };
        self.bad_frames.good();
        match message {
            ClientMessage::Hello(hello) => {
                if self.hello_received {
                    return self
                        .send_error(ErrorCode::BadRequest, "hello already received")
                        .await;
                }
                if let Err(mismatch) = check_client_hello(&hello) {
                    return Err(self
                        .refuse(ErrorCode::VersionMismatch, mismatch.to_string())
                        .await);
                }
                let client: String = hello.client.chars().take(64).collect();
                let verified = self
                    .sent_hello
                    .as_ref()
                    .map(|sent| verify_client_hello(&self.shared.config.pairing, sent, &hello));
                let Some(Ok(paired)) = verified else {
                    warn!(
                        conn = self.conn,
                        client = %client.escape_debug(),
                        "client refused: its pairing proof does not verify"
                    );
                    let msg = "the kiosk's pairing proof does not verify: this bridge holds \
                               another pairing key than the kiosk (pair the bridge with the \
                               kiosk's key: facekiosk-cli pair-terminal on the kiosk PC), or \
                               the hello is a replay";
                    return Err(self.refuse(ErrorCode::KioskUnpaired, msg).await);
                };
                self.hello_received = true;
                info!(conn = self.conn, client = %client.escape_debug(), "hello, paired");
                self.send(ServerMessage::Paired(paired)).await
            }
            _ if !self.hello_received => {
                let msg = "the first message must be the client's hello";
                Err(self.refuse(ErrorCode::BadRequest, msg).await)
            }
            ClientMessage::Ping(ping) => {
                self.send(ServerMessage::Pong(Pong { seq: ping.seq })).await
            }
            ClientMessage::Request(request) => self.on_request(request).await,
        }
    }

    async fn on_request(&mut self, request: Request) -> Result<(), Close> {
        let Request {
            id,
            method,
            params,
            timeout_ms,
        } = request;
        let refuse = |code, message: String| {
            info!(conn = self.conn, id, %method, outcome = %code, "sdk call refused");
            ServerMessage::Response(Response::error(id, code, message))
        };
        if self.in_flight.contains(&id) {
            let msg = format!("request id {id} is already in flight on this connection");
            return self.send(refuse(ErrorCode::BadRequest, msg)).await;
        }
        if self.in_flight.len() >= self.shared.config.max_in_flight_per_connection {
            let msg = format!(
                "{} requests are already in flight on this connection",
                self.in_flight.len()
            );
            return self.send(refuse(ErrorCode::Busy, msg)).await;
        }
        let call = Call {
            conn: self.conn,
            id,
            method,
            params,
            received: Instant::now(),
            timeout: Duration::from_millis(timeout_ms),
        };
        match self.shared.queue.submit(call) {
            Ok(ticket) => {
                self.in_flight.insert(id);
                tokio::spawn(ticket.deliver(self.reply_tx.clone()));
                Ok(())
            }
            Err(SubmitError::Busy) => {
                let msg = format!("another SDK call is in flight and {method} cannot be queued");
                self.send(refuse(ErrorCode::Busy, msg)).await
            }
            Err(SubmitError::ShuttingDown) => {
                let msg = "the bridge is shutting down".to_string();
                self.send(refuse(ErrorCode::ShuttingDown, msg)).await
            }
        }
    }

    async fn send_error(
        &mut self,
        code: ErrorCode,
        message: impl Into<String>,
    ) -> Result<(), Close> {
        self.send(ServerMessage::Error(ErrorMessage::new(code, message)))
            .await
    }

    async fn send(&mut self, message: ServerMessage) -> Result<(), Close> {
        let frame = match encode_frame(&message) {
            Ok(frame) => frame,
            Err(e) => {
                let ServerMessage::Response(response) = &message else {
                    warn!(conn = self.conn, "cannot encode a server message");
                    return Err("encode failed");
                };
                let reason = match e {
                    EncodeError::Oversized { .. } => "the SDK result exceeds the frame maximum",
                    _ => "the SDK result cannot be encoded",
                };
                warn!(
                    conn = self.conn,
                    id = response.id,
                    reason,
                    "response replaced"
                );
                let replacement = Response::error(response.id, ErrorCode::Internal, reason);
                encode_frame(&ServerMessage::Response(replacement)).map_err(|_| "encode failed")?
            }
        };
        match timeout(self.write_timeout, self.writer.write_all(&frame)).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err("write failed"),
            Err(_) => Err("write stalled: the client does not read"),
        }
    }
}

fn bad_frame_message(e: &DecodeError) -> String {
    format!("{e}; the frame was skipped")
}
