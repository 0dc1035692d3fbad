//! The terminal client's adb side against a fake adb server (tests/terminal_support/fake_adb.rs)
//! whose forwards are real TCP listeners proxying to the real bridge server: the smart-socket
//! client, the real `adb` CLI pointed at the fake with `-P PORT`, and the `TerminalLink`
//! supervisor through unplug and replug.
//!
//! Nothing here talks to a real adb server: every adb address is the fake's, the CLI gets `-P`
//! and `ANDROID_ADB_SERVER_PORT`, and `start_server` is off. A test checks that no adb server
//! appeared on 5037.

mod terminal_support;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use facekiosk_bridge::protocol::{Method, SOCKET_NAME};
use facekiosk_pii::Secret;
use facekiosk_terminal::adb::{AdbCli, AdbError, AdbHost, DeviceState};
use facekiosk_terminal::link::{AdbProgram, AdbTarget};
use facekiosk_terminal::{
    BridgeClient, BridgeTerminal, CallTimeouts, FaceCodeRequest, FaceTerminal, LinkDown,
    LinkOptions, LinkStatus, TerminalError, TerminalLink, TerminalOptions, TerminalTarget,
    Transport,
};
use facekiosk_testkit::SdkMethod;
use facekiosk_testkit::sdk::Act;
use terminal_support::fake_adb::FakeAdb;
use terminal_support::{
    adb_default_port_in_use, fast_client, fast_link, fast_terminal, start_bridge, wait_status,
};

const SERIAL: &str = "FAKE123";

fn remote() -> String {
    format!("localabstract:{SOCKET_NAME}")
}

/// The real `adb` program (Debian's `adb` package; `cargo xtask test` installs it).
fn adb_program() -> PathBuf {
    let probe = AdbCli::find(SocketAddr::from(([127, 0, 0, 1], 1)));
    probe
        .map(|cli| cli.program().to_path_buf())
        .expect("the adb program is needed: apt-get install -y adb")
}

fn adb_target(fake: &FakeAdb, program: AdbProgram) -> TerminalTarget {
    TerminalTarget::Adb(AdbTarget {
        server: fake.addr,
        serial: None,
        program,
        remote: remote(),
        start_server: false,
    })
}

fn face_request() -> FaceCodeRequest {
    FaceCodeRequest::new("wx1", "1900", "store", Secret::new("AUTHINFO"))
}

#[tokio::test]
async fn the_smart_socket_client_speaks_the_adb_host_protocol() {
    let fake = FakeAdb::start().await;
    let t = start_bridge().await;
    let host = AdbHost::new(fake.addr);
    assert_eq!(host.version().await.unwrap(), 41);
    assert!(host.devices().await.unwrap().is_empty());

    fake.plug(SERIAL, "device", Some(t.addr));
    let devices = host.devices().await.unwrap();
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0].serial, SERIAL);
    assert_eq!(devices[0].state, DeviceState::Device);
    assert_eq!(devices[0].detail("model"), Some("FakeTerminal"));

    let port = host.forward_any_port(SERIAL, &remote()).await.unwrap();
    let forwards = host.list_forward().await.unwrap();
    assert_eq!(forwards.len(), 1);
    assert_eq!(forwards[0].serial, SERIAL);
    assert_eq!(forwards[0].local, format!("tcp:{port}"));
    assert_eq!(forwards[0].remote, remote());

    // A real forwarded TCP stream: the bridge's hello comes through it.
    let client =
        BridgeClient::connect_tcp(SocketAddr::from(([127, 0, 0, 1], port)), &fast_client())
            .await
            .unwrap();
    assert_eq!(client.hello().device.serial, SERIAL);

    host.kill_forward(SERIAL, &format!("tcp:{port}"))
        .await
        .unwrap();
    assert!(host.list_forward().await.unwrap().is_empty());
    let err = host
        .kill_forward(SERIAL, &format!("tcp:{port}"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AdbError::Fail { message, .. } if message.contains("not found")),
        "{err}"
    );
    let err = host.forward_any_port("NOPE", &remote()).await.unwrap_err();
    assert!(err.to_string().contains("device 'NOPE' not found"), "{err}");
    assert!(
        fake.requests()
            .contains(&format!("host-serial:{SERIAL}:forward:tcp:0;{}", remote()))
    );
}

#[tokio::test]
async fn track_devices_reports_every_change() {
    let fake = FakeAdb::start().await;
    let mut tracker = AdbHost::new(fake.addr).track_devices().await.unwrap();
    let next = async |tracker: &mut facekiosk_terminal::adb::DeviceTracker| {
        tokio::time::timeout(Duration::from_secs(2), tracker.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap()
    };
    assert!(next(&mut tracker).await.is_empty());
    fake.plug(SERIAL, "unauthorized", None);
    let list = next(&mut tracker).await;
    assert_eq!(list[0].state, DeviceState::Unauthorized);
    fake.plug(SERIAL, "device", None);
    assert_eq!(next(&mut tracker).await[0].state, DeviceState::Device);
    fake.unplug(SERIAL);
    assert!(next(&mut tracker).await.is_empty());
}

#[tokio::test]
async fn the_real_adb_cli_pointed_at_the_fake_sets_up_the_forward() {
    let real_adb_before = adb_default_port_in_use();
    let fake = FakeAdb::start().await;
    let t = start_bridge().await;
    fake.plug(SERIAL, "device", Some(t.addr));

    // `adb -P PORT devices -l` lists the fake's device.
    let out = tokio::process::Command::new(adb_program())
        .args(["-P", &fake.addr.port().to_string(), "devices", "-l"])
        .env_remove("ADB_SERVER_SOCKET")
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(SERIAL) && stdout.contains("model:FakeTerminal"),
        "{stdout}"
    );

    let cli = AdbCli::new(adb_program(), fake.addr);
    let port = cli.forward_any_port(SERIAL, &remote()).await.unwrap();
    let client =
        BridgeClient::connect_tcp(SocketAddr::from(([127, 0, 0, 1], port)), &fast_client())
            .await
            .unwrap();
    assert_eq!(client.hello().device.model, "FakeTerminal");
    let requests = fake.requests();
    assert!(
        requests.contains(&"host:version".to_string()),
        "{requests:?}"
    );
    assert!(
        requests
            .iter()
            .any(|r| r.ends_with(&format!("forward:tcp:0;{}", remote()))),
        "{requests:?}"
    );
    assert_eq!(fake.forwards().len(), 1);

    let err = cli.forward_any_port("NOPE", &remote()).await.unwrap_err();
    assert!(err.to_string().contains("device 'NOPE' not found"), "{err}");
    if !real_adb_before {
        assert!(!adb_default_port_in_use(), "an adb server appeared on 5037");
    }
}

#[tokio::test]
async fn the_link_survives_unplug_and_replug_without_a_restart() {
    let real_adb_before = adb_default_port_in_use();
    let fake = FakeAdb::start().await;
    let t = start_bridge().await;
    let link = TerminalLink::spawn(
        adb_target(&fake, AdbProgram::Path(adb_program())),
        LinkOptions {
            connect_grace: Duration::from_millis(300),
            ..fast_link()
        },
    );
    let mut status = link.status();
    wait_status(&mut status, "waiting", |s| {
        matches!(s, LinkStatus::WaitingForDevice { serial: None })
    })
    .await;
    fake.plug(SERIAL, "unauthorized", Some(t.addr));
    let s = wait_status(&mut status, "unauthorized", |s| {
        matches!(s, LinkStatus::Unauthorized { .. })
    })
    .await;
    assert!(
        s.to_string().contains("accept the USB debugging prompt"),
        "{s}"
    );
    fake.plug(SERIAL, "device", Some(t.addr));
    let connected = wait_status(&mut status, "connected", LinkStatus::is_connected).await;
    let LinkStatus::Connected(info) = &connected else {
        unreachable!()
    };
    assert_eq!(info.serial.as_deref(), Some(SERIAL));
    let first_port = info.addr.port();
    assert_eq!(
        fake.forwards(),
        [(SERIAL.to_string(), format!("tcp:{first_port}"), remote())]
    );

    let options = TerminalOptions {
        timeouts: CallTimeouts {
            face_code: Duration::from_secs(2),
            ..CallTimeouts::default()
        },
        ..fast_terminal()
    };
    let terminal = Arc::new(BridgeTerminal::new(link.clone(), options));
    assert!(terminal.init().await.unwrap().outcome.is_success());
    assert!(terminal.rawdata().await.unwrap().outcome.is_success());
    let generation = terminal.transport().generation();

    // Unplug while the patient is in front of the camera.
    t.sdk.then(SdkMethod::GetWxpayfaceCode, Act::Never);
    let face = {
        let terminal = terminal.clone();
        tokio::spawn(async move { terminal.face_code(&face_request()).await.map(|_| ()) })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    let unplugged = Instant::now();
    fake.unplug(SERIAL);
    let err = face.await.unwrap().unwrap_err();
    let took = unplugged.elapsed();
    assert!(
        took < Duration::from_secs(1),
        "the call ended {took:?} after the unplug"
    );
    assert!(
        matches!(
            &err,
            TerminalError::LinkLost {
                method: Method::GetWxpayfaceCode,
                reason: LinkDown::Eof | LinkDown::DeviceGone
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("link to the face terminal was lost"),
        "{err}"
    );
    wait_status(&mut status, "waiting again", |s| {
        matches!(s, LinkStatus::WaitingForDevice { .. })
    })
    .await;
    assert!(fake.forwards().is_empty());

    // While it is gone, calls fail at once with the reason.
    let err = terminal.rawdata().await.unwrap_err();
    assert!(
        matches!(&err, TerminalError::NotConnected { .. }),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("waiting for the face terminal"),
        "{err}"
    );

    // Replug: the same link, the same terminal object, a new forward and connection.
    fake.plug(SERIAL, "device", Some(t.addr));
    let connected = wait_status(&mut status, "connected again", LinkStatus::is_connected).await;
    let LinkStatus::Connected(info) = &connected else {
        unreachable!()
    };
    assert_ne!(info.addr.port(), first_port);
    assert!(terminal.transport().generation() > generation);
    let calls_before = t.sdk.methods().len();
    let reply = terminal.rawdata().await.unwrap();
    assert!(reply.outcome.is_success());
    // The interrupted face UI is closed, the SDK initialised again for the new connection.
    assert_eq!(
        t.sdk.methods()[calls_before..],
        [
            SdkMethod::StopWxpayface,
            SdkMethod::InitWxpayface,
            SdkMethod::GetWxpayfaceRawdata
        ]
    );
    // Both forwards were made by the adb program (it switches transport with `host:tport:`).
    let requests = fake.requests();
    let cli_forwards = requests
        .windows(2)
        .filter(|w| {
            w[0] == format!("host:tport:serial:{SERIAL}")
                && w[1] == format!("host:forward:tcp:0;{}", remote())
        })
        .count();
    assert_eq!(cli_forwards, 2, "{requests:?}");
    if !real_adb_before {
        assert!(!adb_default_port_in_use(), "an adb server appeared on 5037");
    }
}

#[tokio::test]
async fn without_an_adb_program_the_forward_goes_over_the_smart_socket() {
    let fake = FakeAdb::start().await;
    let t = start_bridge().await;
    fake.plug(SERIAL, "device", Some(t.addr));
    let link = TerminalLink::spawn(
        adb_target(&fake, AdbProgram::Path("/nonexistent/adb".into())),
        fast_link(),
    );
    let mut status = link.status();
    wait_status(&mut status, "connected", LinkStatus::is_connected).await;
    assert!(
        fake.requests()
            .contains(&format!("host-serial:{SERIAL}:forward:tcp:0;{}", remote()))
    );
    let terminal = BridgeTerminal::new(link, fast_terminal());
    assert!(terminal.rawdata().await.unwrap().outcome.is_success());
}

#[tokio::test]
async fn a_terminal_without_a_running_bridge_app_is_reported_then_recovered() {
    let fake = FakeAdb::start().await;
    // The forward works, but nothing listens behind it on the device.
    fake.plug(SERIAL, "device", None);
    let link = TerminalLink::spawn(adb_target(&fake, AdbProgram::None), fast_link());
    let mut status = link.status();
    let s = wait_status(&mut status, "no bridge", |s| {
        matches!(s, LinkStatus::NoBridge { .. })
    })
    .await;
    assert!(s.to_string().contains("is the bridge app running?"), "{s}");

    // The bridge app starts: the link finds it by itself.
    let t = start_bridge().await;
    fake.plug(SERIAL, "device", Some(t.addr));
    wait_status(&mut status, "connected", LinkStatus::is_connected).await;
}

#[tokio::test]
async fn no_adb_server_is_reported() {
    // A port nothing listens on.
    let addr = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let link = TerminalLink::spawn(
        TerminalTarget::Adb(AdbTarget {
            server: addr,
            serial: Some(SERIAL.into()),
            program: AdbProgram::None,
            remote: remote(),
            start_server: false,
        }),
        fast_link(),
    );
    let mut status = link.status();
    let s = wait_status(&mut status, "adb unavailable", |s| {
        matches!(s, LinkStatus::AdbUnavailable { .. })
    })
    .await;
    assert!(s.to_string().contains("cannot reach the adb server"), "{s}");
}

#[tokio::test]
async fn a_direct_link_reconnects_when_the_bridge_comes_back() {
    let t = start_bridge().await;
    let addr = t.addr;
    let terminal =
        BridgeTerminal::spawn(TerminalTarget::Direct(addr), fast_link(), fast_terminal());
    let mut status = terminal.status();
    wait_status(&mut status, "connected", LinkStatus::is_connected).await;
    assert!(terminal.rawdata().await.unwrap().outcome.is_success());

    t.bridge.shutdown();
    wait_status(&mut status, "no bridge", |s| {
        matches!(s, LinkStatus::NoBridge { .. })
    })
    .await;

    // A new bridge on the same address (the simulated terminal restarted).
    let bridge2 = terminal_support::start_bridge_on(addr, "SIM-2").await.sdk;
    let s = wait_status(&mut status, "connected again", LinkStatus::is_connected).await;
    assert!(s.to_string().contains("SIM-2"), "{s}");
    assert!(terminal.rawdata().await.unwrap().outcome.is_success());
    assert_eq!(
        bridge2.methods(),
        [SdkMethod::InitWxpayface, SdkMethod::GetWxpayfaceRawdata]
    );
}

#[tokio::test]
async fn the_link_tracks_devices_again_after_losing_the_adb_server_connection() {
    let fake = FakeAdb::start().await;
    let t = start_bridge().await;
    fake.plug(SERIAL, "device", Some(t.addr));
    let link = TerminalLink::spawn(adb_target(&fake, AdbProgram::None), fast_link());
    let mut status = link.status();
    wait_status(&mut status, "connected", LinkStatus::is_connected).await;
    let client = link.client().unwrap();

    fake.drop_trackers();
    let tracks = || {
        fake.requests()
            .iter()
            .filter(|r| *r == "host:track-devices")
            .count()
    };
    let t0 = Instant::now();
    while tracks() < 2 {
        assert!(
            t0.elapsed() < Duration::from_secs(5),
            "the link never tracked again"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The bridge connection was not touched...
    assert!(client.is_alive());
    assert!(status.borrow().is_connected());
    // ...and the new tracking still sees the unplug.
    fake.unplug(SERIAL);
    wait_status(&mut status, "waiting", |s| {
        matches!(s, LinkStatus::WaitingForDevice { .. })
    })
    .await;
}
