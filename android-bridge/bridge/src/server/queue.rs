//! The call queue: SDK calls from every connection run one at a time, in arrival order; at most
//! `capacity` wait behind the one in flight (then BUSY). Cancel-type calls run at once.
//!
//! Each request is answered exactly once, within its deadline (receipt + `timeout_ms`): by the
//! dispatcher with the SDK's answer, TIMEOUT or SHUTTING_DOWN, or by its waiter with TIMEOUT
//! while it is still queued (the dispatcher then skips it). A call whose client has gone is
//! skipped if still queued; if already running, it runs to its callback or deadline (the SDK is
//! busy either way) and its answer is dropped.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use facekiosk_bridge_protocol::{ErrorCode, Method, Params, Response};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::{Instant, sleep_until, timeout_at};
use tracing::{debug, info, warn};

use super::sdk_thread::SdkThread;
use super::stopped;
use crate::sdk::{CallOutcome, SdkCallback};

/// One SDK call, as received.
#[derive(Debug)]
pub struct Call {
    /// The connection, for logs.
    pub conn: u64,
    /// The request id.
    pub id: u64,
    /// The call.
    pub method: Method,
    /// Its params (never logged).
    pub params: Params,
    /// When the request arrived.
    pub received: Instant,
    /// `timeout_ms` of the request.
    pub timeout: Duration,
}

struct Job {
    call: Call,
    started: Arc<AtomicBool>,
    done: oneshot::Sender<Response>,
}

/// Why a call was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubmitError {
    /// The queue is full.
    Busy,
    /// The server is shutting down.
    ShuttingDown,
}

/// A submitted call; [`Ticket::deliver`] waits for its response.
#[derive(Debug)]
pub struct Ticket {
    conn: u64,
    id: u64,
    method: Method,
    received: Instant,
    timeout: Duration,
    started: Arc<AtomicBool>,
    done: oneshot::Receiver<Response>,
}

/// The queue's sending side; the dispatcher task ends on shutdown or when every handle is gone.
#[derive(Debug, Clone)]
pub struct CallQueue {
    tx: mpsc::Sender<Job>,
    sdk_thread: SdkThread,
}

impl CallQueue {
    /// Starts the dispatcher (a tokio task) with room for `capacity` (at least 1) waiting calls.
    pub fn start(capacity: usize, sdk_thread: SdkThread, shutdown: watch::Receiver<bool>) -> Self {
        let (tx, rx) = mpsc::channel(capacity.max(1));
        tokio::spawn(dispatch(rx, sdk_thread.clone(), shutdown));
        CallQueue { tx, sdk_thread }
    }

    /// Queues `call`, or, for a method that bypasses the queue, starts it at once.
    pub fn submit(&self, call: Call) -> Result<Ticket, SubmitError> {
        let bypass = call.method.bypasses_queue();
        let (job, ticket) = job(call, bypass);
        if bypass {
            let sdk_thread = self.sdk_thread.clone();
            tokio::spawn(async move {
                let Job { call, done, .. } = job;
                let _ = done.send(run_call(&sdk_thread, call).await);
            });
            return Ok(ticket);
        }
        match self.tx.try_send(job) {
            Ok(()) => Ok(ticket),
            Err(mpsc::error::TrySendError::Full(_)) => Err(SubmitError::Busy),
            Err(mpsc::error::TrySendError::Closed(_)) => Err(SubmitError::ShuttingDown),
        }
    }
}

fn job(call: Call, started: bool) -> (Job, Ticket) {
    let started = Arc::new(AtomicBool::new(started));
    let (done_tx, done_rx) = oneshot::channel();
    let ticket = Ticket {
        conn: call.conn,
        id: call.id,
        method: call.method,
        received: call.received,
        timeout: call.timeout,
        started: started.clone(),
        done: done_rx,
    };
    (
        Job {
            call,
            started,
            done: done_tx,
        },
        ticket,
    )
}

impl Ticket {
    /// Waits for the response and sends it to `reply`; gives up silently if `reply` closes
    /// (the client has gone; a still-queued call is then skipped). Past the deadline, a call
    /// that has not started is answered TIMEOUT here; a started one is answered by the
    /// dispatcher, which times it out at the same deadline.
    pub async fn deliver(self, reply: mpsc::UnboundedSender<Response>) {
        let Ticket {
            conn,
            id,
            method,
            received,
            timeout,
            started,
            mut done,
        } = self;
        let deadline = received + timeout;
        let first = tokio::select! {
            r = &mut done => Some(r),
            () = sleep_until(deadline) => None,
            () = reply.closed() => return,
        };
        let response = match first {
            Some(Ok(r)) => r,
            Some(Err(_)) => lost(id),
            None if started.load(Ordering::Acquire) => tokio::select! {
                r = done => r.unwrap_or_else(|_| lost(id)),
                () = reply.closed() => return,
            },
            None => {
                drop(done);
                info!(conn, id, %method, elapsed_ms = millis(received.elapsed()),
                      outcome = "TIMEOUT", queued = true, "sdk call");
                Response::error(
                    id,
                    ErrorCode::Timeout,
                    format!(
                        "{method} was still queued behind another SDK call after {} ms",
                        timeout.as_millis()
                    ),
                )
            }
        };
        let _ = reply.send(response);
    }
}

fn lost(id: u64) -> Response {
    Response::error(id, ErrorCode::Internal, "the call was lost by the bridge")
}

fn millis(d: Duration) -> u64 {
    d.as_millis().try_into().unwrap_or(u64::MAX)
}

async fn dispatch(
    mut rx: mpsc::Receiver<Job>,
    sdk_thread: SdkThread,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        let job = tokio::select! {
            biased;
            () = stopped(&mut shutdown) => break,
            job = rx.recv() => match job {
                Some(job) => job,
                None => return,
            },
        };
        let Job {
            call,
            started,
            done,
        } = job;
        if done.is_closed() {
            debug!(conn = call.conn, id = call.id, method = %call.method,
                   "queued call skipped: its client has gone or it timed out");
            continue;
        }
        started.store(true, Ordering::Release);
        let id = call.id;
        tokio::select! {
            response = run_call(&sdk_thread, call) => {
                let _ = done.send(response);
            }
            () = stopped(&mut shutdown) => {
                let _ = done.send(shutting_down(id));
                break;
            }
        }
    }
    rx.close();
    while let Ok(job) = rx.try_recv() {
        let _ = job.done.send(shutting_down(job.call.id));
    }
}

fn shutting_down(id: u64) -> Response {
    Response::error(id, ErrorCode::ShuttingDown, "the bridge is shutting down")
}

/// Makes one SDK call and waits for its callback until the call's deadline.
pub(crate) async fn run_call(sdk_thread: &SdkThread, call: Call) -> Response {
    let Call {
        conn,
        id,
        method,
        params,
        received,
        timeout,
    } = call;
    let deadline = received + timeout;
    let (response, outcome) = if Instant::now() >= deadline {
        let msg = format!("{method} was still queued after {} ms", timeout.as_millis());
        (Response::error(id, ErrorCode::Timeout, msg), "TIMEOUT")
    } else {
        let (callback, rx) = SdkCallback::channel(method, id);
        if sdk_thread.invoke(method, params, callback).is_err() {
            warn!(conn, id, %method, "the SDK thread is gone");
            (lost(id), "INTERNAL")
        } else {
            match timeout_at(deadline, rx).await {
                Ok(Ok(CallOutcome::Answered(result))) => (Response::ok(id, result), "ok"),
                Ok(Ok(CallOutcome::Failed(message))) => {
                    let msg = format!("{method} failed in the SDK binding: {message}");
                    (
                        Response::error(id, ErrorCode::SdkException, msg),
                        "SDK_EXCEPTION",
                    )
                }
                Ok(Ok(CallOutcome::Dropped) | Err(_)) => {
                    let msg = format!("{method}: the SDK binding dropped the call unanswered");
                    (
                        Response::error(id, ErrorCode::SdkException, msg),
                        "SDK_EXCEPTION",
                    )
                }
                Err(_) => {
                    let msg = format!(
                        "{method}: no callback from the SDK within {} ms",
                        timeout.as_millis()
                    );
                    (Response::error(id, ErrorCode::Timeout, msg), "TIMEOUT")
                }
            }
        }
    };
    info!(conn, id, %method, elapsed_ms = millis(received.elapsed()), outcome, "sdk call");
    response
}
