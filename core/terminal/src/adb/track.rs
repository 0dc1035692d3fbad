//! `host:track-devices`: the server sends the device list at once, then again after every
//! change, on a connection that stays open.

use super::smart_socket::SmartSocket;
use super::{AdbError, Device, parse_devices};

/// The open `track-devices` connection.
#[derive(Debug)]
pub struct DeviceTracker {
    socket: SmartSocket,
}

impl DeviceTracker {
    pub(super) fn new(socket: SmartSocket) -> DeviceTracker {
        DeviceTracker { socket }
    }

    /// The next device list (the first call gives the current one). `Ok(None)` when the adb
    /// server closed the connection (it stopped).
    pub async fn next(&mut self) -> Result<Option<Vec<Device>>, AdbError> {
        Ok(self
            .socket
            .next_string()
            .await?
            .map(|text| parse_devices(&text)))
    }
}
