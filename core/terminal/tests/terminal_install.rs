//! What `facekiosk-cli terminal install` builds on, against the fake adb server behaving like a
//! terminal (tests/terminal_support/fake_adb/): the sync protocol's push, `pm install` and its
//! refusals, `pm uninstall`, the Service started with the pairing key on the shell's standard
//! input, and the real bridge answering the hello behind the forward only after that start. The
//! real `adb` CLI (Debian's) installs, lists and uninstalls against the same fake, which shows the
//! fake answers what a real client sends.

mod terminal_support;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use facekiosk_bridge::protocol::SOCKET_NAME;
use facekiosk_terminal::adb::{AdbCli, AdbDevice, AdbError, AdbHost};
use facekiosk_terminal::{BridgeClient, ConnectError};
use terminal_support::fake_adb::FakeAdb;
use terminal_support::fake_adb::system::BRIDGE_PACKAGE;
use terminal_support::{fast_client, pairing_key, start_bridge};

const SERIAL: &str = "FAKE123";

/// Stands in for the bridge APK: a zip's magic, then what the fake's `pm` reads.
const APK: &[u8] = b"PK\x03\x04;package=com.facekiosk.bridge;version=0.1.0;";

fn adb_program() -> PathBuf {
    AdbCli::find(SocketAddr::from(([127, 0, 0, 1], 1)))
        .map(|cli| cli.program().to_path_buf())
        .expect("the adb program is needed: apt-get install -y adb")
}

fn reason(e: AdbError) -> String {
    match e {
        AdbError::Refused { reason, .. } => reason,
        other => panic!("not a refusal: {other}"),
    }
}

async fn hello_at(port: u16) -> Result<BridgeClient, ConnectError> {
    BridgeClient::connect_tcp(SocketAddr::from(([127, 0, 0, 1], port)), &fast_client()).await
}

#[tokio::test]
async fn install_then_start_with_the_key_on_stdin_then_the_bridge_answers() {
    let fake = FakeAdb::start().await;
    let t = start_bridge().await;
    fake.plug_bare(SERIAL, "device", Some(t.addr));
    let host = AdbHost::new(fake.addr);
    let device = AdbDevice::new(host, SERIAL);

    assert_eq!(device.version_name(BRIDGE_PACKAGE).await.unwrap(), None);
    // Nothing answers behind the forward before the app runs.
    let port = host
        .forward_any_port(SERIAL, &format!("localabstract:{SOCKET_NAME}"))
        .await
        .unwrap();
    assert!(hello_at(port).await.is_err());

    device.install_apk(APK).await.unwrap();
    assert_eq!(
        device
            .version_name(BRIDGE_PACKAGE)
            .await
            .unwrap()
            .as_deref(),
        Some("0.1.0")
    );
    let system = fake.system(SERIAL);
    assert!(
        system.lock().unwrap().files.is_empty(),
        "the staged APK stays"
    );
    device.allow_while_idle(BRIDGE_PACKAGE).await.unwrap();
    assert_eq!(
        device.getprop("ro.build.version.release").await.unwrap(),
        "9"
    );

    let key = pairing_key().to_hex();
    let script = format!(
        "am start-foreground-service -n {BRIDGE_PACKAGE}/.BridgeService --es pairing_key {}\nexit\n",
        key.as_str()
    );
    let out = device
        .shell_stdin(&script, Duration::from_secs(5))
        .await
        .unwrap();
    assert!(out.contains("Starting service"), "{out}");
    assert_eq!(
        system.lock().unwrap().pairing_key.as_deref(),
        Some(key.as_str())
    );
    // The key went on standard input: no request to the adb server holds it.
    assert!(
        fake.requests().iter().all(|r| !r.contains(key.as_str())),
        "the key is in a service string"
    );
    let client = hello_at(port).await.unwrap();
    assert_eq!(client.hello().device.model, "FakeTerminal");

    device.uninstall(BRIDGE_PACKAGE).await.unwrap();
    assert!(!device.is_installed(BRIDGE_PACKAGE).await.unwrap());
    let e = device.uninstall(BRIDGE_PACKAGE).await.unwrap_err();
    assert_eq!(reason(e), "DELETE_FAILED_INTERNAL_ERROR");
}

#[tokio::test]
async fn pm_refusals_come_back_with_their_reason() {
    let fake = FakeAdb::start().await;
    fake.plug_bare(SERIAL, "device", None);
    let device = AdbDevice::new(AdbHost::new(fake.addr), SERIAL);

    let e = device.install_apk(b"not a zip").await.unwrap_err();
    assert!(
        reason(e).starts_with("INSTALL_PARSE_FAILED_NOT_APK"),
        "not an APK"
    );
    fake.system(SERIAL).lock().unwrap().refuse_install = Some(
        "INSTALL_FAILED_UPDATE_INCOMPATIBLE: signatures do not match the installed one".into(),
    );
    let e = device.install_apk(APK).await.unwrap_err();
    assert!(
        e.to_string()
            .contains("`pm install` on the device failed: INSTALL_FAILED_UPDATE_INCOMPATIBLE"),
        "{e}"
    );
    assert!(fake.system(SERIAL).lock().unwrap().files.is_empty());

    let e = device
        .push(b"x", "/system/app/x.apk", 0o100644)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("Permission denied"), "{e}");

    let e = device
        .grant(BRIDGE_PACKAGE, "android.permission.CAMERA")
        .await;
    assert!(
        reason(e.unwrap_err()).contains("Unknown package"),
        "grant on a missing package"
    );

    fake.plug_bare("LOCKED", "unauthorized", None);
    let locked = AdbDevice::new(AdbHost::new(fake.addr), "LOCKED");
    let e = locked.shell("getprop ro.product.model").await.unwrap_err();
    assert!(e.to_string().contains("device unauthorized"), "{e}");
}

async fn adb(fake: &FakeAdb, args: &[&str]) -> (bool, String) {
    let out = tokio::process::Command::new(adb_program())
        .args(["-P", &fake.addr.port().to_string(), "-s", SERIAL])
        .args(args)
        .env_remove("ADB_SERVER_SOCKET")
        .output()
        .await
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[tokio::test]
async fn the_real_adb_cli_installs_lists_and_uninstalls_on_the_fake() {
    let fake = FakeAdb::start().await;
    fake.plug_bare(SERIAL, "device", None);
    let dir = std::env::temp_dir().join(format!("facekiosk-install-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let apk = dir.join("facekiosk-bridge.apk");
    std::fs::write(&apk, APK).unwrap();
    let apk = apk.display().to_string();

    let (ok, out) = adb(&fake, &["install", &apk]).await;
    assert!(
        ok && out.contains("Success"),
        "{out}\n{:?}",
        fake.requests()
    );
    let (ok, out) = adb(&fake, &["shell", "pm", "list", "packages", "facekiosk"]).await;
    assert!(ok && out.contains("package:com.facekiosk.bridge"), "{out}");
    let (_, out) = adb(&fake, &["shell", "getprop", "ro.build.version.release"]).await;
    assert_eq!(out.trim(), "9");

    std::fs::write(dir.join("bad.apk"), b"not a zip").unwrap();
    let bad = dir.join("bad.apk").display().to_string();
    // The legacy shell carries no exit status, so adb 29 exits 0 here as with a real device
    // without shell_v2: pm's text is the only answer, which is why our client reads it.
    let (_, out) = adb(&fake, &["install", &bad]).await;
    assert!(out.contains("INSTALL_PARSE_FAILED_NOT_APK"), "{out}");

    let (ok, out) = adb(&fake, &["uninstall", BRIDGE_PACKAGE]).await;
    assert!(ok && out.contains("Success"), "{out}");
    let (_, out) = adb(&fake, &["uninstall", BRIDGE_PACKAGE]).await;
    assert!(out.contains("DELETE_FAILED_INTERNAL_ERROR"), "{out}");
    // Debian's adb 29 takes the legacy path: push through sync, then `pm install`.
    let requests = fake.requests();
    assert!(requests.iter().any(|r| r == "sync:"), "{requests:?}");
    assert!(
        requests.iter().any(|r| r.starts_with("shell:pm 'install'")),
        "{requests:?}"
    );
    let files = fake
        .system(SERIAL)
        .lock()
        .unwrap()
        .files
        .keys()
        .cloned()
        .collect::<Vec<_>>();
    assert!(files.is_empty(), "{files:?} {requests:?}");

    // A device offering `cmd` (Android 7+) gets the APK streamed to `cmd package install`.
    fake.system(SERIAL).lock().unwrap().features = "cmd".into();
    let (ok, out) = adb(&fake, &["install", &apk]).await;
    assert!(
        ok && out.contains("Success"),
        "{out}\n{:?}",
        fake.requests()
    );
    let streamed = format!("exec:cmd package 'install' -S {}", APK.len());
    assert!(fake.requests().contains(&streamed), "{:?}", fake.requests());
    let (_, out) = adb(&fake, &["install", &bad]).await;
    assert!(out.contains("INSTALL_PARSE_FAILED_NOT_APK"), "{out}");
    let (_, out) = adb(&fake, &["uninstall", BRIDGE_PACKAGE]).await;
    assert!(out.contains("Success"), "{out}\n{:?}", fake.requests());
    assert!(
        !fake
            .system(SERIAL)
            .lock()
            .unwrap()
            .packages
            .contains_key(BRIDGE_PACKAGE)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
