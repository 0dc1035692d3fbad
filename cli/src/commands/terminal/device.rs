//! Finding the terminal among the devices adb lists, with an error that says what to do.

use anyhow::{anyhow, bail};
use facekiosk_terminal::adb::{AdbDevice, AdbError, Device, DeviceState};

use super::Target;

/// The one terminal `target` names (or the only device attached), ready for adb.
pub async fn choose(target: &Target) -> anyhow::Result<AdbDevice> {
    let host = target.host();
    let devices = match host.devices().await {
        Ok(d) => d,
        // The kiosk PC starts its adb server on demand; start it when it is the default one.
        Err(AdbError::Connect { .. }) if target.adb_server.is_none() => {
            let cli = target.cli().ok_or_else(|| {
                anyhow!(
                    "no adb server at {} and no adb program to start one: install adb",
                    host.addr()
                )
            })?;
            cli.start_server().await?;
            host.devices().await?
        }
        Err(e) => bail!("{e}: is the adb server running (`adb start-server`)?"),
    };
    let serials = || {
        devices
            .iter()
            .map(|d| d.serial.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let device: &Device = match (&target.serial, devices.as_slice()) {
        (_, []) => bail!(
            "no device attached to adb: plug the terminal in by USB and turn on USB debugging \
             (Settings > Developer options)"
        ),
        (Some(s), _) => devices.iter().find(|d| &d.serial == s).ok_or_else(|| {
            anyhow!(
                "no device with serial {s} is attached (attached: {})",
                serials()
            )
        })?,
        (None, [only]) => only,
        (None, many) => bail!(
            "{} devices are attached ({}): name the terminal with --serial",
            many.len(),
            serials()
        ),
    };
    let serial = &device.serial;
    match &device.state {
        DeviceState::Device => Ok(AdbDevice::new(host, serial.clone())),
        DeviceState::Unauthorized | DeviceState::Authorizing => bail!(
            "the terminal {serial} has not accepted this PC's adb key: on the terminal, accept \
             \"Allow USB debugging?\" (tick \"Always allow from this computer\"), then run this \
             again"
        ),
        DeviceState::NoPermissions => bail!(
            "adb may not open the terminal {serial} (no permissions): on Linux add the udev \
             rule for it (Debian's android-sdk-platform-tools-common) and replug"
        ),
        other => bail!("the terminal {serial} is {other}, not ready for adb: replug it"),
    }
}
