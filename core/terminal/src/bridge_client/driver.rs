//! The task that owns one bridge connection: writes requests and pings, reads responses, pongs,
//! notifications and connection errors, and ends the link on EOF, a fatal frame, a connection
//! error from the bridge, too many missed pongs, or [`MAX_BAD_FRAMES`] bad frames in a row (of
//! which only the 1st, 2nd, 4th... are logged, so a garbling peer cannot flood the log).

use std::collections::HashMap;
use std::time::Duration;

use facekiosk_bridge_protocol::{
    BadFrames, ClientMessage, ErrorBody, ErrorCode, Event, FrameDecoder, Ping, Request, SdkResult,
    ServerMessage, encode_frame,
};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadHalf, WriteHalf};
use tokio::sync::{broadcast, mpsc, oneshot, watch};
use tokio::time::{Instant, MissedTickBehavior, interval_at};
use tracing::{debug, info, warn};
use zeroize::Zeroize;

use super::ClientOptions;
use crate::error::LinkDown;

/// Bad frames in a row after which the link is dropped (the supervisor then reconnects).
pub(super) const MAX_BAD_FRAMES: u32 = 8;

/// Where a response goes.
pub(super) type ReplyTx = oneshot::Sender<Result<SdkResult, ErrorBody>>;

/// What the handles ask the driver to do.
#[derive(Debug)]
pub(super) enum Outgoing {
    /// Send a request and route its response.
    Request(Request, ReplyTx),
    /// The caller stopped waiting: drop the route (a late response is then ignored).
    Forget(u64),
    /// Close the link.
    Close(LinkDown),
}

pub(super) struct Driver<S> {
    reader: ReadHalf<S>,
    writer: WriteHalf<S>,
    decoder: FrameDecoder,
    outgoing: mpsc::UnboundedReceiver<Outgoing>,
    down: watch::Sender<Option<LinkDown>>,
    events: broadcast::Sender<Event>,
    pending: HashMap<u64, ReplyTx>,
    ping_interval: Duration,
    missed_pongs: u32,
    write_timeout: Duration,
    unanswered_pings: u32,
    next_seq: u64,
    bad_frames: BadFrames,
}

impl<S: AsyncRead + AsyncWrite> Driver<S> {
    pub(super) fn new(
        reader: ReadHalf<S>,
        writer: WriteHalf<S>,
        decoder: FrameDecoder,
        outgoing: mpsc::UnboundedReceiver<Outgoing>,
        down: watch::Sender<Option<LinkDown>>,
        events: broadcast::Sender<Event>,
        options: &ClientOptions,
    ) -> Self {
        Driver {
            reader,
            writer,
            decoder,
            outgoing,
            down,
            events,
            pending: HashMap::new(),
            ping_interval: options.ping_interval,
            missed_pongs: options.missed_pongs.max(1),
            write_timeout: options.write_timeout,
            unanswered_pings: 0,
            next_seq: 1,
            bad_frames: BadFrames::new(MAX_BAD_FRAMES),
        }
    }

    /// Runs until the link dies; then fails every pending call and returns the reason.
    pub(super) async fn run(mut self) -> LinkDown {
        let reason = self.serve().await;
        let bad_frames = self.bad_frames.total();
        info!(%reason, pending = self.pending.len(), bad_frames, "bridge connection down");
        // The reason first, then the routes: a caller whose route is dropped reads the reason.
        self.down.send_replace(Some(reason.clone()));
        self.pending.clear();
        let _ = tokio::time::timeout(Duration::from_millis(200), self.writer.shutdown()).await;
        reason
    }

    async fn serve(&mut self) -> LinkDown {
        // Frames that arrived with the hello.
        if let Err(reason) = self.drain() {
            return reason;
        }
        let mut ping = interval_at(Instant::now() + self.ping_interval, self.ping_interval);
        ping.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            let step = tokio::select! {
                biased;
                command = self.outgoing.recv() => match command {
                    Some(Outgoing::Request(request, reply)) => self.send_request(request, reply).await,
                    Some(Outgoing::Forget(id)) => {
                        self.pending.remove(&id);
                        Ok(())
                    }
                    Some(Outgoing::Close(reason)) => Err(reason),
                    None => Err(LinkDown::ClosedByKiosk),
                },
                read = self.reader.read(&mut buf) => match read {
                    Ok(0) => Err(LinkDown::Eof),
                    Ok(n) => {
                        self.decoder.push(&buf[..n]);
                        self.drain()
                    }
                    Err(e) if matches!(
                        e.kind(),
                        std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::BrokenPipe
                    ) => Err(LinkDown::Eof),
                    Err(e) => Err(LinkDown::Io(e.kind())),
                },
                _ = ping.tick() => self.ping().await,
            };
            if let Err(reason) = step {
                return reason;
            }
        }
    }

    async fn send_request(&mut self, request: Request, reply: ReplyTx) -> Result<(), LinkDown> {
        let id = request.id;
        let message = ClientMessage::Request(request);
        let encoded = encode_frame(&message);
        // The params hold authinfo and face_sid: wipe them once encoded.
        if let ClientMessage::Request(mut request) = message {
            request.params.values_mut().for_each(|v| v.zeroize());
        }
        let mut frame = match encoded {
            Ok(frame) => frame,
            Err(e) => {
                let body = ErrorBody::new(ErrorCode::BadRequest, e.to_string());
                let _ = reply.send(Err(body));
                return Ok(());
            }
        };
        if self.pending.insert(id, reply).is_some() {
            warn!(id, "request id reused while in flight");
        }
        let written = self.write(&frame).await;
        frame.zeroize();
        written
    }

    async fn ping(&mut self) -> Result<(), LinkDown> {
        if self.unanswered_pings >= self.missed_pongs {
            return Err(LinkDown::Heartbeat {
                missed: self.unanswered_pings,
            });
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        self.unanswered_pings += 1;
        let frame = encode_frame(&ClientMessage::Ping(Ping { seq }))
            .map_err(|e| LinkDown::BadFrame(e.to_string()))?;
        self.write(&frame).await
    }

    async fn write(&mut self, frame: &[u8]) -> Result<(), LinkDown> {
        match tokio::time::timeout(self.write_timeout, self.writer.write_all(frame)).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(match e.kind() {
                std::io::ErrorKind::BrokenPipe | std::io::ErrorKind::ConnectionReset => {
                    LinkDown::Eof
                }
                kind => LinkDown::Io(kind),
            }),
            Err(_) => Err(LinkDown::Io(std::io::ErrorKind::TimedOut)),
        }
    }

    /// Handles every complete frame received so far.
    fn drain(&mut self) -> Result<(), LinkDown> {
        loop {
            let frame = match self.decoder.next_frame() {
                Ok(Some(frame)) => frame,
                Ok(None) => return Ok(()),
                Err(e) if e.is_fatal() => return Err(LinkDown::BadFrame(e.to_string())),
                Err(e) => {
                    self.bad_frame(&e)?;
                    continue;
                }
            };
            let message = match ServerMessage::from_object(frame) {
                Ok(message) => message,
                Err(e) => {
                    self.bad_frame(&e)?;
                    continue;
                }
            };
            self.bad_frames.good();
            self.on_message(message)?;
        }
    }

    fn bad_frame(&mut self, e: &dyn std::fmt::Display) -> Result<(), LinkDown> {
        let verdict = self.bad_frames.record();
        if verdict.log {
            warn!(error = %e, total = verdict.total, "skipped a bad frame from the bridge");
        }
        if verdict.close {
            return Err(LinkDown::BadFrame(format!(
                "{MAX_BAD_FRAMES} bad frames in a row"
            )));
        }
        Ok(())
    }

    fn on_message(&mut self, message: ServerMessage) -> Result<(), LinkDown> {
        match message {
            ServerMessage::Response(response) => match self.pending.remove(&response.id) {
                Some(reply) => {
                    let _ = reply.send(response.outcome);
                }
                None => debug!(id = response.id, "late or unknown response dropped"),
            },
            ServerMessage::Pong(_) => self.unanswered_pings = 0,
            ServerMessage::Notification(n) => {
                info!(event = ?n.event, "bridge notification");
                let _ = self.events.send(n.event);
            }
            ServerMessage::Error(e) => {
                warn!(code = %e.error.code, message = %e.error.message, "bridge error");
                // These come right before the bridge closes the connection.
                if matches!(
                    e.error.code,
                    ErrorCode::IdleTimeout | ErrorCode::ShuttingDown | ErrorCode::VersionMismatch
                ) {
                    return Err(LinkDown::Closed(e.error));
                }
            }
            ServerMessage::Hello(_) | ServerMessage::Paired(_) => {
                warn!("a second hello from the bridge ignored")
            }
        }
        Ok(())
    }
}
