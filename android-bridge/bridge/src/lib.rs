//! The facekiosk bridge server: serves the WeChat face SDK to the kiosk over the bridge protocol
//! (`facekiosk-bridge-protocol`, specified in `android-bridge/README.md`).
//!
//! It runs inside the Android bridge app, where [`FaceSdk`] is implemented over JNI, and on a
//! host, for tests and for the sandbox's simulated terminal, over a simulated face app.
//!
//! ```no_run
//! # use std::sync::Arc;
//! # use facekiosk_bridge::{Bridge, FaceSdk, ServerConfig};
//! # use facekiosk_bridge_protocol::{DeviceInfo, PairingKey};
//! # async fn run(sdk: Arc<dyn FaceSdk>, key: PairingKey) -> std::io::Result<()> {
//! let device = DeviceInfo { serial: "SIM-1".into(), model: "simulated".into(), sdk_int: 0 };
//! // `key`: the pairing key this bridge shares with its kiosk.
//! let bridge = Bridge::new(sdk, ServerConfig::new(device, key))?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! bridge.serve_tcp(listener).await // until bridge.shutdown()
//! # }
//! ```
//!
//! What the server guarantees (see [`server`]): the hello first; no request served to a client
//! whose pairing proof does not verify (KIOSK_UNPAIRED, then a close); SDK calls one at a time across
//! all connections, in a bounded queue (BUSY when full), with `stopWxpayface` and `getVersion`
//! bypassing it; every request answered exactly once within its `timeout_ms` (TIMEOUT when the
//! SDK stays silent; a late callback is dropped); notifications to every client; an error frame
//! for bad input, and a close when the stream cannot be trusted; idle connections dropped.
//! Logs carry method, id, elapsed time and outcome code, never params or results.
//!
//! On Android every `tracing` event also goes to logcat, tag `facekiosk-bridge` ([`logcat`]),
//! from the moment the app loads the library.
//!
//! The cargo feature `test-support` adds [`testing`]: the scripted [`FaceSdk`] double the
//! workspace's tests use (through `facekiosk-testkit` outside this crate).

pub mod events;
#[cfg(feature = "jni")]
pub mod jni_sdk;
pub mod logcat;
pub mod sdk;
pub mod server;
#[cfg(feature = "test-support")]
pub mod testing;

pub use events::Notifier;
pub use facekiosk_bridge_protocol as protocol;
pub use sdk::{CallOutcome, FaceSdk, NotAnSdkCall, SdkCallback, SdkMethod, SdkVersion};
pub use server::{Bridge, ServerConfig};

#[cfg(any(target_os = "linux", target_os = "android"))]
pub use server::{listener::bind_abstract, peer_cred::PeerPolicy};
