//! The bridge app's Service: started with the pairing key (given on the device shell's
//! standard input), and reached through a forward to read its hello.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};
use facekiosk_terminal::adb::AdbDevice;
use facekiosk_terminal::{BridgeClient, ClientOptions, ConnectError, Pairing};
use zeroize::Zeroizing;

use super::{BRIDGE_PACKAGE, Target};

/// The Service, exported only to holders of DUMP (the adb shell).
const SERVICE: &str = "com.facekiosk.bridge/.BridgeService";

/// The bridge's socket on the device (`facekiosk_bridge_protocol::SOCKET_NAME`).
const REMOTE: &str = "localabstract:facekiosk-bridge";

/// What the bridge said in its hello.
#[derive(Debug, Clone)]
pub struct Hello {
    pub proto: u32,
    pub bridge: String,
    pub aar: String,
    pub face_app: Option<String>,
}

/// Starts the Service, handing it the pairing key (`am start-foreground-service` from Android 8,
/// `am startservice` before). The key travels on the shell's standard input and is blanked from
/// anything `am` prints before it is shown.
pub async fn start(device: &AdbDevice, pairing: &Pairing, sdk: u32) -> anyhow::Result<()> {
    let serial = device.serial();
    if !serial
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "._:-".contains(c))
    {
        bail!("the serial {serial:?} cannot be passed to the bridge app safely");
    }
    let verb = if sdk >= 26 {
        "start-foreground-service"
    } else {
        "startservice"
    };
    let key = pairing.key.to_hex();
    let script = Zeroizing::new(format!(
        "am {verb} -n {SERVICE} --es serial {serial} --es pairing_key {}\nexit\n",
        key.as_str()
    ));
    let out = device
        .shell_stdin(&script, Duration::from_secs(20))
        .await
        .context("starting the bridge Service")?;
    let out = out.replace(key.as_str(), "…");
    if let Some(error) = out.lines().map(str::trim).find(|l| l.starts_with("Error")) {
        bail!("`am {verb}` did not start the bridge Service: {error}");
    }
    Ok(())
}

/// A forward from a free local port to the bridge's socket: made with the adb program when
/// there is one, as the kiosk's link does, else over the adb server's protocol.
pub async fn forward(target: &Target, device: &AdbDevice) -> anyhow::Result<u16> {
    if let Some(cli) = target.cli() {
        match cli.forward_any_port(device.serial(), REMOTE).await {
            Ok(port) => return Ok(port),
            Err(facekiosk_terminal::adb::AdbError::Spawn { .. }) if target.adb.is_none() => {}
            Err(e) => return Err(anyhow!("cannot forward to the bridge: {e}")),
        }
    }
    device
        .host()
        .forward_any_port(device.serial(), REMOTE)
        .await
        .context("cannot forward to the bridge")
}

/// Removes the forward [`forward`] made.
pub async fn unforward(device: &AdbDevice, port: u16) {
    let _ = device
        .host()
        .kill_forward(device.serial(), &format!("tcp:{port}"))
        .await;
}

/// The bridge's hello through the forward at `port`, retried until `wait` has passed (the
/// Service needs a moment to load its library and listen). A bridge that is not paired with
/// this kiosk, or speaks another protocol, fails at once.
pub async fn hello(port: u16, pairing: &Pairing, wait: Duration) -> anyhow::Result<Hello> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let options = ClientOptions {
        hello_timeout: Duration::from_secs(2),
        pairing: Some(pairing.clone()),
        client_name: "facekiosk-cli terminal".into(),
        ..ClientOptions::default()
    };
    let deadline = Instant::now() + wait;
    loop {
        match BridgeClient::connect_tcp(addr, &options).await {
            Ok(client) => {
                let h = client.hello();
                return Ok(Hello {
                    proto: h.proto,
                    bridge: h.bridge.clone(),
                    aar: h.aar.clone(),
                    face_app: h.face_app.clone(),
                });
            }
            Err(e @ (ConnectError::BridgeUnpaired { .. } | ConnectError::VersionMismatch(_))) => {
                return Err(e.into());
            }
            Err(e) if Instant::now() >= deadline => bail!(
                "the bridge Service of {BRIDGE_PACKAGE} did not answer within {} s ({e}); see \
                 its log with `adb logcat -s facekiosk-bridge`",
                wait.as_secs()
            ),
            Err(_) => tokio::time::sleep(Duration::from_millis(300)).await,
        }
    }
}
