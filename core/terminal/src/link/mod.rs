//! [`TerminalLink`]: the supervisor that owns the current bridge connection, so that the kiosk
//! never restarts for the terminal's sake.
//!
//! - [`TerminalTarget::Direct`]: a bridge on a TCP address (the simulated terminal): connect,
//!   and connect again whenever the connection dies.
//! - [`TerminalTarget::Adb`]: a terminal on USB (`adb_supervisor`): watch
//!   `host:track-devices`; when the terminal is in state `device`, forward
//!   `tcp:0 -> localabstract:facekiosk-bridge` (with the `adb` program, or over the smart socket
//!   when there is none), connect and check the hello; when it leaves (unplug) or the bridge
//!   connection ends, close, and do it all again when it is back.
//!
//! The status ([`LinkStatus`]) is published as it changes; calls wait briefly for a link
//! ([`LinkOptions::connect_grace`]) and otherwise fail at once with
//! [`TerminalError::NotConnected`].

mod adb_supervisor;
mod backoff;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use facekiosk_bridge_protocol::{Event, Method, Params, SOCKET_NAME, SdkResult};
use tokio::sync::{broadcast, watch};
use tracing::info;

use super::bridge_client::{BridgeClient, ClientOptions};
use super::error::{ConnectError, LinkDown, TerminalError};
use super::status::{BridgeInfo, LinkStatus};
use super::{BoxFuture, Transport};
use backoff::Backoff;

/// Where the terminal is.
#[derive(Debug, Clone)]
pub enum TerminalTarget {
    /// A bridge listening on TCP: the simulated terminal, or a forward set up by hand.
    Direct(SocketAddr),
    /// A terminal on USB, through the adb server.
    Adb(AdbTarget),
}

/// A terminal reached through adb.
#[derive(Debug, Clone)]
pub struct AdbTarget {
    /// The adb server (127.0.0.1:5037).
    pub server: SocketAddr,
    /// The terminal's serial; without one, the only attached device is used.
    pub serial: Option<String>,
    /// Which `adb` program sets up the forward.
    pub program: AdbProgram,
    /// The device end of the forward (`localabstract:facekiosk-bridge`).
    pub remote: String,
    /// Whether to run `adb start-server` when no adb server answers (yes; the server is
    /// started on `server`'s port).
    pub start_server: bool,
}

impl AdbTarget {
    /// The adb server on 127.0.0.1:5037, any single device, the `adb` found on `PATH`.
    pub fn new() -> AdbTarget {
        AdbTarget {
            server: SocketAddr::from(([127, 0, 0, 1], super::adb::DEFAULT_PORT)),
            serial: None,
            program: AdbProgram::Auto,
            remote: format!("localabstract:{SOCKET_NAME}"),
            start_server: true,
        }
    }
}

impl Default for AdbTarget {
    fn default() -> Self {
        Self::new()
    }
}

/// Which `adb` program to use for the forward.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdbProgram {
    /// `ADB` from the environment, else `adb` on `PATH`, else the smart socket.
    Auto,
    /// This program.
    Path(PathBuf),
    /// No program: set the forward up over the smart socket.
    None,
}

/// How the link behaves.
#[derive(Debug, Clone)]
pub struct LinkOptions {
    /// The bridge client's options (hello wait, heartbeat, grace).
    pub client: ClientOptions,
    /// The first pause before connecting again after a failure (250 ms); doubled up to
    /// `retry_max`.
    pub retry_min: Duration,
    /// The longest pause between attempts (5 s).
    pub retry_max: Duration,
    /// How long a call waits for a link being (re)established before failing with
    /// `NotConnected` (2 s).
    pub connect_grace: Duration,
}

impl Default for LinkOptions {
    fn default() -> Self {
        LinkOptions {
            client: ClientOptions::default(),
            retry_min: Duration::from_millis(250),
            retry_max: Duration::from_secs(5),
            connect_grace: Duration::from_secs(2),
        }
    }
}

/// The supervised link to the terminal. Cheap to clone; the supervisor stops when the last
/// clone is dropped or on [`TerminalLink::shutdown`].
#[derive(Debug, Clone)]
pub struct TerminalLink {
    inner: Arc<Inner>,
    _guard: Arc<StopOnDrop>,
}

/// The current connection, with its generation.
type Current = Option<(u64, BridgeClient)>;

#[derive(Debug)]
struct Inner {
    status: watch::Sender<LinkStatus>,
    current: watch::Sender<Current>,
    events: broadcast::Sender<Event>,
    shutdown: watch::Sender<bool>,
    generation: AtomicU64,
    options: LinkOptions,
}

#[derive(Debug)]
struct StopOnDrop(watch::Sender<bool>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.send_replace(true);
    }
}

impl TerminalLink {
    /// Starts the supervisor (within a tokio runtime).
    pub fn spawn(target: TerminalTarget, options: LinkOptions) -> TerminalLink {
        let (shutdown, _) = watch::channel(false);
        let inner = Arc::new(Inner {
            status: watch::channel(LinkStatus::Starting).0,
            current: watch::channel(None).0,
            events: broadcast::channel(32).0,
            shutdown: shutdown.clone(),
            generation: AtomicU64::new(0),
            options,
        });
        let task_inner = inner.clone();
        tokio::spawn(async move {
            match target {
                TerminalTarget::Direct(addr) => run_direct(&task_inner, addr).await,
                TerminalTarget::Adb(target) => {
                    adb_supervisor::run(&task_inner, target).await;
                }
            }
            task_inner.unpublish();
            task_inner.set_status(LinkStatus::Stopped);
        });
        TerminalLink {
            inner,
            _guard: Arc::new(StopOnDrop(shutdown)),
        }
    }

    /// The status, updated as it changes.
    pub fn status(&self) -> watch::Receiver<LinkStatus> {
        self.inner.status.subscribe()
    }

    /// Notifications from whichever bridge is connected.
    pub fn events(&self) -> broadcast::Receiver<Event> {
        self.inner.events.subscribe()
    }

    /// The current connection, if one is up.
    pub fn client(&self) -> Option<BridgeClient> {
        self.inner
            .current
            .borrow()
            .as_ref()
            .filter(|(_, c)| c.is_alive())
            .map(|(_, c)| c.clone())
    }

    /// Waits until a connection is up (for at most `wait`).
    pub async fn connected(&self, wait: Duration) -> Option<BridgeClient> {
        let mut current = self.inner.current.subscribe();
        let ready = tokio::time::timeout(
            wait,
            current.wait_for(|c| c.as_ref().is_some_and(|(_, c)| c.is_alive())),
        )
        .await;
        match ready {
            Ok(Ok(c)) => c.as_ref().map(|(_, c)| c.clone()),
            _ => None,
        }
    }

    /// Stops the supervisor and closes the connection.
    pub fn shutdown(&self) {
        self.inner.shutdown.send_replace(true);
    }

    async fn call_inner(
        &self,
        method: Method,
        params: Params,
        timeout: Duration,
    ) -> Result<SdkResult, TerminalError> {
        if *self.inner.shutdown.borrow() {
            return Err(TerminalError::Shutdown);
        }
        let Some(client) = self.connected(self.inner.options.connect_grace).await else {
            return Err(TerminalError::NotConnected {
                status: Box::new(self.inner.status.borrow().clone()),
            });
        };
        client.call(method, params, timeout).await
    }
}

impl Transport for TerminalLink {
    fn call(
        &self,
        method: Method,
        params: Params,
        timeout: Duration,
    ) -> BoxFuture<'_, Result<SdkResult, TerminalError>> {
        Box::pin(self.call_inner(method, params, timeout))
    }

    fn generation(&self) -> u64 {
        self.inner.generation.load(Ordering::Relaxed)
    }

    fn status(&self) -> watch::Receiver<LinkStatus> {
        TerminalLink::status(self)
    }

    fn events(&self) -> broadcast::Receiver<Event> {
        TerminalLink::events(self)
    }
}

impl Inner {
    fn set_status(&self, status: LinkStatus) {
        self.status.send_if_modified(|current| {
            if *current == status {
                return false;
            }
            info!(%status, "terminal link");
            *current = status;
            true
        });
    }

    /// Makes `client` the current connection.
    fn publish(&self, client: BridgeClient, serial: Option<String>) {
        let generation = self.generation.fetch_add(1, Ordering::Relaxed) + 1;
        let info = BridgeInfo {
            serial,
            addr: client
                .addr()
                .unwrap_or_else(|| SocketAddr::from(([0, 0, 0, 0], 0))),
            hello: client.hello().clone(),
        };
        // Relay the bridge's notifications until that connection ends.
        let mut events = client.events();
        let relay = self.events.clone();
        tokio::spawn(async move {
            loop {
                match events.recv().await {
                    Ok(event) => {
                        let _ = relay.send(event);
                    }
                    Err(broadcast::error::RecvError::Lagged(_)) => {}
                    Err(broadcast::error::RecvError::Closed) => break,
                }
            }
        });
        self.current.send_replace(Some((generation, client)));
        self.set_status(LinkStatus::Connected(info));
    }

    /// Forgets the current connection (closing it if still open).
    fn unpublish(&self) {
        if let Some((_, client)) = self.current.send_replace(None) {
            client.close(LinkDown::ClosedByKiosk);
        }
    }

    fn stopping(&self) -> bool {
        *self.shutdown.borrow()
    }
}

/// Resolves once the link is being shut down.
async fn stopped(shutdown: &mut watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stop| *stop).await;
}

/// The status a failed connect means.
fn connect_failure(serial: Option<String>, e: &ConnectError) -> LinkStatus {
    match e {
        ConnectError::VersionMismatch(v) => LinkStatus::IncompatibleBridge {
            serial,
            reason: v.to_string(),
        },
        ConnectError::BridgeUnpaired { .. } => LinkStatus::BridgeUnpaired {
            serial,
            reason: e.to_string(),
        },
        other => LinkStatus::NoBridge {
            serial,
            reason: other.to_string(),
        },
    }
}

async fn run_direct(inner: &Inner, addr: SocketAddr) {
    let mut shutdown = inner.shutdown.subscribe();
    let mut backoff = Backoff::new(inner.options.retry_min, inner.options.retry_max);
    while !inner.stopping() {
        let connect = BridgeClient::connect_tcp(addr, &inner.options.client);
        let connected = tokio::select! {
            () = stopped(&mut shutdown) => return,
            connected = connect => connected,
        };
        match connected {
            Ok(client) => {
                backoff.reset();
                inner.publish(client.clone(), None);
                let reason = tokio::select! {
                    () = stopped(&mut shutdown) => return,
                    reason = client.closed() => reason,
                };
                inner.unpublish();
                inner.set_status(LinkStatus::NoBridge {
                    serial: None,
                    reason: reason.to_string(),
                });
            }
            Err(e) => inner.set_status(connect_failure(None, &e)),
        }
        tokio::select! {
            () = stopped(&mut shutdown) => return,
            () = tokio::time::sleep(backoff.next_pause()) => {}
        }
    }
}
