//! `terminal.adb`, `terminal.serial`, `terminal.bridge`: the adb server answers and sees the
//! configured terminal, and its bridge says hello, accepts this kiosk's pairing proof and
//! answers a call. A terminal reached directly (the simulated one) skips adb.

use std::net::SocketAddr;
use std::time::Instant;

use facekiosk_bridge_protocol::{Method, Params};
use facekiosk_terminal::adb::{AdbHost, DeviceState};
use facekiosk_terminal::link::AdbTarget;
use facekiosk_terminal::{
    BridgeClient, ClientOptions, ConnectError, TerminalSettings, TerminalTarget,
};

use crate::{Check, Options};

const PLUG_IN: &str = "check that the terminal is powered and its USB cable plugged in (try \
                       another port or cable) and that the bridge app runs on it, then run \
                       doctor again";

pub async fn check(settings: &TerminalSettings, options: &Options) -> Vec<Check> {
    match settings.target() {
        TerminalTarget::Direct(addr) => {
            let skipped = format!("skipped: the terminal's bridge is reached directly at {addr}");
            vec![
                Check::ok("terminal.adb", skipped.clone()),
                Check::ok("terminal.serial", skipped),
                bridge(addr, settings, options).await,
            ]
        }
        TerminalTarget::Adb(target) => adb(&target, settings, options).await,
    }
}

async fn adb(target: &AdbTarget, settings: &TerminalSettings, options: &Options) -> Vec<Check> {
    let host = AdbHost::new(target.server);
    let started = Instant::now();
    let version = tokio::time::timeout(options.timeout, host.version()).await;
    let version = match version {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => return vec![adb_down(target.server, &e.to_string())],
        Err(_) => return vec![adb_down(target.server, "no answer")],
    };
    let devices = match tokio::time::timeout(options.timeout, host.devices()).await {
        Ok(Ok(d)) => d,
        Ok(Err(e)) => return vec![adb_down(target.server, &e.to_string())],
        Err(_) => return vec![adb_down(target.server, "no answer")],
    };
    let mut checks = vec![Check::ok(
        "terminal.adb",
        format!(
            "the adb server at {} answers (version {version}, {} ms); {} device(s) attached",
            target.server,
            started.elapsed().as_millis(),
            devices.len()
        ),
    )];
    let ready: Vec<_> = devices
        .iter()
        .filter(|d| d.state == DeviceState::Device)
        .collect();
    let serial = match &target.serial {
        Some(s) => s.clone(),
        None if ready.len() == 1 => ready[0].serial.clone(),
        None => {
            checks.push(Check::fail(
                "terminal.serial",
                format!(
                    "no [terminal] serial configured and {} ready device(s) attached",
                    ready.len()
                ),
                "set [terminal] serial to the terminal's serial (adb devices)",
            ));
            return checks;
        }
    };
    match devices.iter().find(|d| d.serial == serial) {
        None => {
            checks.push(Check::fail(
                "terminal.serial",
                format!("the terminal {serial} is not attached"),
                PLUG_IN,
            ));
            return checks;
        }
        Some(d) if d.state != DeviceState::Device => {
            checks.push(Check::fail(
                "terminal.serial",
                format!("the terminal {serial} is attached but {}", d.state.as_str()),
                "unauthorized: accept the USB debugging prompt on the terminal; offline: \
                 replug it",
            ));
            return checks;
        }
        Some(_) => checks.push(Check::ok(
            "terminal.serial",
            format!("the terminal {serial} is attached and ready"),
        )),
    }
    let forward = tokio::time::timeout(
        options.timeout,
        host.forward_any_port(&serial, &target.remote),
    )
    .await;
    match forward {
        Ok(Ok(port)) => {
            let addr = SocketAddr::from(([127, 0, 0, 1], port));
            checks.push(bridge(addr, settings, options).await);
            // Ours only: the kiosk's link keeps its own forward. A failure here leaves one
            // stale port, which adb drops with the device.
            let local = format!("tcp:{port}");
            let _ = tokio::time::timeout(options.timeout, host.kill_forward(&serial, &local)).await;
        }
        Ok(Err(e)) => checks.push(Check::fail(
            "terminal.bridge",
            format!("adb cannot forward to the bridge on {serial}: {e}"),
            PLUG_IN,
        )),
        Err(_) => checks.push(Check::fail(
            "terminal.bridge",
            format!("adb did not forward to the bridge on {serial} in time"),
            PLUG_IN,
        )),
    }
    checks
}

fn adb_down(server: SocketAddr, why: &str) -> Check {
    Check::fail(
        "terminal.adb",
        format!("the adb server at {server} does not answer: {why}"),
        "start it (`adb start-server`) or install the Android platform tools",
    )
}

async fn bridge(addr: SocketAddr, settings: &TerminalSettings, options: &Options) -> Check {
    const ID: &str = "terminal.bridge";
    let client_options = ClientOptions {
        hello_timeout: options.timeout,
        pairing: settings.pairing.clone(),
        ..ClientOptions::default()
    };
    let started = Instant::now();
    let client = match BridgeClient::connect_tcp(addr, &client_options).await {
        Ok(c) => c,
        Err(e @ ConnectError::BridgeUnpaired { .. }) => {
            return Check::fail(
                ID,
                format!("BRIDGE_UNPAIRED: {e}"),
                "pair the terminal: facekiosk-cli pair-terminal",
            );
        }
        Err(e) => {
            return Check::fail(ID, format!("no bridge at {addr}: {e}"), PLUG_IN);
        }
    };
    let connect_ms = started.elapsed().as_millis();
    let hello = client.hello().clone();
    let started = Instant::now();
    let round_trip = client
        .call(Method::GetVersion, Params::new(), options.timeout)
        .await;
    drop(client);
    let rt_ms = started.elapsed().as_millis();
    let about = format!(
        "bridge {} (protocol {}), face SDK {}, WeChat face app {}, model {}; paired; \
         handshake {connect_ms} ms",
        hello.bridge,
        hello.proto,
        hello.aar,
        hello.face_app.as_deref().unwrap_or("not installed"),
        hello.device.model
    );
    match round_trip {
        Ok(_) if hello.face_app.is_none() => Check::warn(
            ID,
            format!("{about}, round trip {rt_ms} ms"),
            "install WeChat's face app (com.tencent.wxpayface) on the terminal",
        ),
        Ok(_) => Check::ok(ID, format!("{about}, round trip {rt_ms} ms")),
        Err(e) => Check::fail(
            ID,
            format!("{about}, but a call got no answer: {e}"),
            PLUG_IN,
        ),
    }
}
