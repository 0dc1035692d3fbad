//! The front door of both hosts (payapp and api.mch): a TCP listener whose connections a
//! fault can reset, and the faults that strike a request before its handler answers (latency,
//! an error status with the body each host answers it with, a reset, a hang). The handlers
//! ([`crate::payapp`], [`crate::apimch`]) start with [`begin`]; [`crate::server`] serves them
//! on a [`ResetListener`].

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::connect_info::Connected;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::serve::{IncomingStream, Listener};
use serde_json::{Value, json};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

use crate::faults::{Active, FaultKind, Target};
use crate::world::World;

/// A TCP listener whose connections a handler can reset.
#[derive(Debug)]
pub struct ResetListener(TcpListener);

impl ResetListener {
    pub fn new(listener: TcpListener) -> Self {
        ResetListener(listener)
    }
}

/// An accepted connection. Once reset, every read or write fails and the socket is closed with
/// `SO_LINGER` 0, so the peer sees a TCP reset rather than an orderly close.
#[derive(Debug)]
pub struct Conn {
    inner: TcpStream,
    kill: Arc<AtomicBool>,
}

/// What a handler holds to reset its own connection.
#[derive(Debug, Clone, Default)]
pub struct ConnHandle(Arc<AtomicBool>);

impl ConnHandle {
    pub fn reset(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

impl Listener for ResetListener {
    type Io = Conn;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Conn, SocketAddr) {
        loop {
            match self.0.accept().await {
                Ok((inner, addr)) => {
                    let _ = inner.set_nodelay(true);
                    let conn = Conn {
                        inner,
                        kill: Arc::default(),
                    };
                    return (conn, addr);
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }
}

impl Connected<IncomingStream<'_, ResetListener>> for ConnHandle {
    fn connect_info(stream: IncomingStream<'_, ResetListener>) -> Self {
        ConnHandle(stream.io().kill.clone())
    }
}

impl Conn {
    fn killed(&self) -> bool {
        if self.kill.load(Ordering::SeqCst) {
            let _ = self.inner.set_zero_linger();
            true
        } else {
            false
        }
    }
}

fn reset_error() -> io::Error {
    io::Error::new(io::ErrorKind::ConnectionReset, "reset by a sandbox fault")
}

impl AsyncRead for Conn {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.killed() {
            return Poll::Ready(Err(reset_error()));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for Conn {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.killed() {
            return Poll::Ready(Err(reset_error()));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.killed() {
            return Poll::Ready(Err(reset_error()));
        }
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.killed() {
            return Poll::Ready(Err(reset_error()));
        }
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Applies the faults of one request that happen before any answer: latency, then an error
/// status, a reset or a hang. Returns the remaining faults, or the response to send instead.
pub(crate) async fn begin(
    world: &World,
    target: Target,
    conn: &ConnHandle,
) -> Result<Active, Response> {
    let active = world.begin(target);
    let ms = active.latency_ms();
    if ms > 0 {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    match active.terminal() {
        Some(FaultKind::Status {
            status,
            retry_after,
        }) => Err(system_error(target, *status, retry_after.as_deref())),
        Some(FaultKind::Reset) => {
            conn.reset();
            Err(StatusCode::INTERNAL_SERVER_ERROR.into_response())
        }
        Some(FaultKind::Hang) => {
            world.stopped().await;
            Err(StatusCode::SERVICE_UNAVAILABLE.into_response())
        }
        _ => Ok(active),
    }
}

/// An injected error status, with the body each host answers it with.
fn system_error(target: Target, status: u16, retry_after: Option<&str>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = if target == Target::Authinfo {
        // payapp's front end answers errors of its own with an HTML page.
        let reason = status.canonical_reason().unwrap_or("Error");
        let html = format!(
            "<html>\r\n<head><title>{} {reason}</title></head>\r\n<body>\r\n<center><h1>{} {reason}</h1></center>\r\n</body>\r\n</html>\r\n",
            status.as_u16(),
            status.as_u16()
        );
        (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            html,
        )
            .into_response()
    } else {
        let (code, message) = match status.as_u16() {
            429 => ("FREQUENCY_LIMITED", "请求频率超限，请降低频率后重试"),
            500..=599 => ("SYSTEM_ERROR", "系统错误"),
            _ => ("INVALID_REQUEST", "请求无效"),
        };
        v3_error(status, code, message)
    };
    if let Some(value) = retry_after.and_then(|v| HeaderValue::from_str(v).ok()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// An APIv3 error body, unsigned, as api.mch answers it.
pub fn v3_error(status: StatusCode, code: &str, message: &str) -> Response {
    v3_error_with(status, json!({"code": code, "message": message}))
}

/// An APIv3 error answer with the body `body`.
pub(crate) fn v3_error_with(status: StatusCode, body: Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body.to_string(),
    )
        .into_response()
}
