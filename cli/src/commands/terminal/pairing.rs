//! The kiosk's pairing key file (made once, owner-only from its first byte) and handing its key
//! to the bridge app already on the terminal: shared by `terminal install` and `pair-terminal`.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, anyhow, bail};
use facekiosk_terminal::{Pairing, PairingKey};

use super::{BRIDGE_PACKAGE, Target, device, report, service};

/// Reads the key file, made first (and said so) when it does not exist.
pub fn load_or_make(key_file: &Path) -> anyhow::Result<Pairing> {
    if !key_file.exists() {
        make_key_file(key_file)?;
        println!("made the pairing key file {}", key_file.display());
    }
    Pairing::load(key_file).map_err(|e| anyhow!("{} {e}", key_file.display()))
}

/// Owner-only from the first byte, and never over an existing file.
fn make_key_file(path: &Path) -> anyhow::Result<()> {
    let mut file = facekiosk_pii::secret_file::create(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    let hex = PairingKey::generate().to_hex();
    file.write_all(format!("{}\n", hex.as_str()).as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// (Re)starts the bridge Service on the terminal `target` names with `pairing`'s key; the
/// terminal's serial.
pub async fn send(target: &Target, pairing: &Pairing) -> anyhow::Result<String> {
    let device = device::choose(target).await?;
    let serial = device.serial().to_string();
    let facts = report::facts(&device).await?;
    if facts.bridge_app.is_none() {
        bail!(
            "the bridge app ({BRIDGE_PACKAGE}) is not installed on {serial}: install it with \
             `facekiosk-cli terminal install`"
        );
    }
    service::start(&device, pairing, facts.sdk).await?;
    Ok(serial)
}
