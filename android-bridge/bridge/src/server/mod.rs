//! The bridge server.
//!
//! - [`Bridge::new`] starts the SDK thread and the call dispatcher; [`Bridge::serve_tcp`] and
//!   (Linux/Android) [`Bridge::serve_unix`] accept connections; [`Bridge::shutdown`] stops
//!   everything, telling connected clients SHUTTING_DOWN.
//! - Each connection ([`connection`]) sends the hello, requires the client's hello first and
//!   its pairing proof to verify under [`ServerConfig::pairing`] (KIOSK_UNPAIRED and a close
//!   otherwise), answers with its own proof, then answers pings, submits requests and writes
//!   their responses and the notifications.
//! - SDK calls go through one bounded queue ([`queue`]) and run one at a time on the SDK thread
//!   ([`sdk_thread`]); `stopWxpayface` and `getVersion` skip the queue.
//! - Every request gets exactly one response within its `timeout_ms`, counted from receipt.

pub mod connection;
pub mod listener;
#[cfg(any(target_os = "linux", target_os = "android"))]
pub mod peer_cred;
pub mod queue;
pub mod sdk_thread;

use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use facekiosk_bridge_protocol::{
    DeviceInfo, IDLE_TIMEOUT_MS, Method, PairingKey, Params, SdkResult,
};
use tokio::sync::watch;

use crate::events::Notifier;
use crate::sdk::{CallOutcome, FaceSdk, SdkCallback, SdkVersion};
use queue::CallQueue;
use sdk_thread::SdkThread;

/// Server settings.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Reported in the hello as `bridge`; defaults to this crate's version.
    pub bridge_version: String,
    /// Reported in the hello as `device`.
    pub device: DeviceInfo,
    /// The secret shared with the kiosk this bridge serves: a client must prove it knows it
    /// before its first request is read. `Debug` does not show it.
    pub pairing: PairingKey,
    /// How many SDK calls may wait behind the one in flight before BUSY (default 4).
    pub queue_capacity: usize,
    /// How many unanswered requests one connection may have before BUSY (default 16).
    pub max_in_flight_per_connection: usize,
    /// A connection from which nothing arrives for this long is dropped (default 10 s).
    pub idle_timeout: Duration,
    /// After this many bad frames in a row (each answered BAD_FRAME) the connection is closed:
    /// a peer that sends only garbage gets neither our attention nor our log (default 8).
    pub max_bad_frames: u32,
}

impl ServerConfig {
    /// The defaults, for this device, paired with the kiosk that holds `pairing`.
    pub fn new(device: DeviceInfo, pairing: PairingKey) -> Self {
        ServerConfig {
            bridge_version: env!("CARGO_PKG_VERSION").to_string(),
            device,
            pairing,
            queue_capacity: 4,
            max_in_flight_per_connection: 16,
            idle_timeout: Duration::from_millis(IDLE_TIMEOUT_MS),
            max_bad_frames: 8,
        }
    }
}

/// A running bridge server. Cheap to clone; all clones drive the same server.
#[derive(Clone, Debug)]
pub struct Bridge {
    shared: Arc<Shared>,
}

#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) config: ServerConfig,
    pub(crate) sdk_thread: SdkThread,
    pub(crate) queue: CallQueue,
    pub(crate) notifier: Notifier,
    pub(crate) shutdown: watch::Sender<bool>,
    next_connection: AtomicU64,
    last_version: Mutex<SdkVersion>,
}

/// How long the hello waits for the SDK's version before using the last one known.
const VERSION_WAIT: Duration = Duration::from_secs(2);

impl Bridge {
    /// Starts the SDK thread and the dispatcher, and gives `sdk` the [`Notifier`].
    /// Must be called within a tokio runtime.
    pub fn new(sdk: Arc<dyn FaceSdk>, config: ServerConfig) -> io::Result<Bridge> {
        let notifier = Notifier::new();
        sdk.set_notifier(notifier.clone());
        let sdk_thread = SdkThread::spawn(sdk)?;
        let (shutdown, _) = watch::channel(false);
        let queue = CallQueue::start(
            config.queue_capacity,
            sdk_thread.clone(),
            shutdown.subscribe(),
        );
        let shared = Shared {
            config,
            sdk_thread,
            queue,
            notifier,
            shutdown,
            next_connection: AtomicU64::new(1),
            last_version: Mutex::new(SdkVersion {
                aar: "unknown".into(),
                face_app: None,
            }),
        };
        Ok(Bridge {
            shared: Arc::new(shared),
        })
    }

    /// Where to push SDK-side events; also handed to the SDK by [`FaceSdk::set_notifier`].
    pub fn notifier(&self) -> Notifier {
        self.shared.notifier.clone()
    }

    /// Stops accepting, answers queued calls SHUTTING_DOWN, and closes every connection after
    /// an `error{SHUTTING_DOWN}` frame. Idempotent.
    pub fn shutdown(&self) {
        self.shared.shutdown.send_replace(true);
    }

    /// Whether [`Bridge::shutdown`] was called.
    pub fn is_shut_down(&self) -> bool {
        *self.shared.shutdown.borrow()
    }

    pub(crate) fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }
}

impl Shared {
    pub(crate) fn connection_id(&self) -> u64 {
        self.next_connection.fetch_add(1, Ordering::Relaxed)
    }

    /// The SDK's versions, asked on the SDK thread; the last known ones if it does not answer
    /// within [`VERSION_WAIT`].
    pub(crate) async fn version(&self) -> SdkVersion {
        let (callback, rx) = SdkCallback::channel(Method::GetVersion, 0);
        let asked = self
            .sdk_thread
            .invoke(Method::GetVersion, Params::new(), callback)
            .is_ok();
        if asked
            && let Ok(Ok(CallOutcome::Answered(result))) =
                tokio::time::timeout(VERSION_WAIT, rx).await
            && let Some(version) = version_from_result(&result)
        {
            *self.last_version.lock().unwrap_or_else(|e| e.into_inner()) = version.clone();
            return version;
        }
        self.last_version
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// Resolves once the server is shut down (or gone).
pub(crate) async fn stopped(shutdown: &mut watch::Receiver<bool>) {
    // The guard returned by wait_for must not live across an await: drop it here.
    let _ = shutdown.wait_for(|stop| *stop).await;
}

fn version_from_result(result: &SdkResult) -> Option<SdkVersion> {
    let aar = result.get("aar")?.as_str()?.to_string();
    let face_app = result
        .get("face_app")
        .and_then(|v| v.as_str())
        .map(str::to_string);
    Some(SdkVersion { aar, face_app })
}
