//! Test support for the terminal client: the real bridge server over the scripted SDK
//! (`facekiosk_testkit::ScriptedSdk`, with its canary answers), misbehaving raw servers, a fake
//! adb server, and helpers.

#![allow(dead_code)]

pub mod fake_adb;
pub mod raw_bridge;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use facekiosk_bridge::protocol::DeviceInfo;
use facekiosk_bridge::{Bridge, ServerConfig};
use facekiosk_terminal::{
    BridgeClient, ClientOptions, LinkOptions, LinkStatus, Pairing, SdkRules, TerminalOptions,
};
use tokio::sync::watch;

pub use facekiosk_testkit::ScriptedSdk;
pub use facekiosk_testkit::sdk::pairing_key;

/// Where the tests say this kiosk's pairing key comes from.
pub const KEY_FILE: &str = "/etc/facekiosk/test-pairing.key";

/// The longest any test waits for something that should happen.
pub const WAIT: Duration = Duration::from_secs(10);

/// A real bridge server over a scripted SDK, on 127.0.0.1:0.
pub struct TestBridge {
    pub bridge: Bridge,
    pub sdk: ScriptedSdk,
    pub addr: SocketAddr,
}

pub async fn start_bridge() -> TestBridge {
    start_bridge_with(|_| {}).await
}

pub async fn start_bridge_with(configure: impl FnOnce(&mut ServerConfig)) -> TestBridge {
    let mut config = device_config("FAKE123");
    configure(&mut config);
    serve(config, SocketAddr::from(([127, 0, 0, 1], 0))).await
}

/// A bridge that appears at `addr`, where a kiosk already looks for one (a terminal that
/// comes late, or comes back restarted), as the device `serial`.
pub async fn start_bridge_on(addr: SocketAddr, serial: &str) -> TestBridge {
    serve(device_config(serial), addr).await
}

fn device_config(serial: &str) -> ServerConfig {
    ServerConfig::new(
        DeviceInfo {
            serial: serial.into(),
            model: "FakeTerminal".into(),
            sdk_int: 28,
        },
        pairing_key(),
    )
}

async fn serve(config: ServerConfig, addr: SocketAddr) -> TestBridge {
    let sdk = ScriptedSdk::with_canaries();
    let bridge = Bridge::new(Arc::new(sdk.clone()), config).unwrap();
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = bridge.clone();
    tokio::spawn(async move { server.serve_tcp(listener).await });
    TestBridge { bridge, sdk, addr }
}

/// Client options with a fast heartbeat and short waits.
pub fn fast_client() -> ClientOptions {
    ClientOptions {
        hello_timeout: Duration::from_millis(1000),
        ping_interval: Duration::from_millis(100),
        missed_pongs: 3,
        timeout_grace: Duration::from_millis(300),
        pairing: Some(Pairing::new(pairing_key(), KEY_FILE)),
        ..ClientOptions::default()
    }
}

pub fn fast_link() -> LinkOptions {
    LinkOptions {
        client: fast_client(),
        retry_min: Duration::from_millis(50),
        retry_max: Duration::from_millis(500),
        connect_grace: Duration::from_secs(3),
    }
}

/// Terminal options with a short 271378621 pause.
pub fn fast_terminal() -> TerminalOptions {
    TerminalOptions {
        rules: SdkRules {
            initialising_retry_delay: Duration::from_millis(100),
            ..SdkRules::default()
        },
        ..TerminalOptions::default()
    }
}

pub async fn connect(addr: SocketAddr) -> BridgeClient {
    BridgeClient::connect_tcp(addr, &fast_client())
        .await
        .unwrap()
}

/// Waits until the status satisfies `pred` (fails the test after [`WAIT`]).
pub async fn wait_status(
    status: &mut watch::Receiver<LinkStatus>,
    what: &str,
    pred: impl FnMut(&LinkStatus) -> bool,
) -> LinkStatus {
    let found = match tokio::time::timeout(WAIT, status.wait_for(pred)).await {
        Ok(Ok(s)) => Some(s.clone()),
        _ => None,
    };
    found.unwrap_or_else(|| panic!("status never became {what}; it is {}", *status.borrow()))
}

/// Whether something listens on 127.0.0.1:5037 (a real adb server).
pub fn adb_default_port_in_use() -> bool {
    std::net::TcpStream::connect_timeout(
        &SocketAddr::from(([127, 0, 0, 1], 5037)),
        Duration::from_millis(200),
    )
    .is_ok()
}
