//! What the terminal runs, as the technician reads it: the device and Android, the installed
//! bridge app, and what its hello says (bridge, face SDK, face app).

use facekiosk_terminal::adb::AdbDevice;

use super::service::Hello;
use super::{BRIDGE_PACKAGE, FACE_APP_PACKAGE};

/// What adb tells about the terminal without the bridge.
#[derive(Debug, Clone)]
pub struct Facts {
    pub model: String,
    pub release: String,
    pub sdk: u32,
    /// The bridge app's installed `versionName`; `None` when not installed.
    pub bridge_app: Option<String>,
    /// The face app's, from the package manager.
    pub face_app: Option<String>,
}

pub async fn facts(device: &AdbDevice) -> anyhow::Result<Facts> {
    let sdk = device.getprop("ro.build.version.sdk").await?;
    Ok(Facts {
        model: device.getprop("ro.product.model").await?,
        release: device.getprop("ro.build.version.release").await?,
        // An unreadable level is taken as Android 8+, whose `am` every terminal of ours has.
        sdk: sdk.parse().unwrap_or(26),
        bridge_app: device.version_name(BRIDGE_PACKAGE).await?,
        face_app: device.version_name(FACE_APP_PACKAGE).await?,
    })
}

pub fn print_device(serial: &str, facts: &Facts) {
    println!(
        "terminal {serial}: {}, Android {} (API {})",
        or_unknown(&facts.model),
        or_unknown(&facts.release),
        facts.sdk
    );
    match &facts.bridge_app {
        Some(v) => println!("bridge app: {BRIDGE_PACKAGE} {v}"),
        None => println!("bridge app: {BRIDGE_PACKAGE} not installed"),
    }
}

pub fn print_hello(hello: &Hello) {
    println!("bridge: {} (protocol {})", hello.bridge, hello.proto);
    println!("face SDK (AAR): {}", hello.aar);
    println!(
        "face app ({FACE_APP_PACKAGE}): {}",
        hello.face_app.as_deref().unwrap_or("not installed")
    );
}

/// The face app as the package manager knows it, when the bridge cannot tell.
pub fn print_face_app(facts: &Facts) {
    println!(
        "face app ({FACE_APP_PACKAGE}): {}",
        facts.face_app.as_deref().unwrap_or("not installed")
    );
}

fn or_unknown(s: &str) -> &str {
    if s.is_empty() { "unknown" } else { s }
}
