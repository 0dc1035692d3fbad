//! The sync protocol (`sync:` on a device's transport), the part that pushes a file: requests
//! are a 4-byte id and a little-endian u32 (a length, or a time for `DONE`), then that many
//! bytes. `SEND` carries `PATH,MODE` (mode in decimal, file type bits included), `DATA` chunks of
//! at most 64 KiB follow, `DONE` carries the modification time; the device answers `OKAY` (length
//! 0) or `FAIL` with a message. `QUIT` ends the session.

use super::AdbError;
use super::device::AdbDevice;

/// The largest `DATA` chunk adbd accepts.
pub const SYNC_DATA_MAX: usize = 64 * 1024;

/// How long the device may take to answer `DONE`.
const DONE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// A regular file, readable by all (what `adb push` gives an APK).
pub const MODE_APK: u32 = 0o100644;

fn packet(id: &[u8; 4], len: u32) -> [u8; 8] {
    let mut out = [0u8; 8];
    out[..4].copy_from_slice(id);
    out[4..].copy_from_slice(&len.to_le_bytes());
    out
}

fn len32(n: usize) -> Result<u32, AdbError> {
    u32::try_from(n).map_err(|_| AdbError::Protocol(format!("{n} bytes do not fit a sync packet")))
}

impl AdbDevice {
    /// Pushes `data` to `remote` on the device with `mode` (e.g. [`MODE_APK`]).
    pub async fn push(&self, data: &[u8], remote: &str, mode: u32) -> Result<(), AdbError> {
        let what = format!("push to {remote}");
        let mut socket = self.open("sync:").await?;
        let spec = format!("{remote},{mode}");
        let mut header = packet(b"SEND", len32(spec.len())?).to_vec();
        header.extend_from_slice(spec.as_bytes());
        socket.write_raw(&header).await?;
        for chunk in data.chunks(SYNC_DATA_MAX) {
            socket
                .write_raw(&packet(b"DATA", len32(chunk.len())?))
                .await?;
            socket.write_raw(chunk).await?;
        }
        let mtime = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as u32)
            .unwrap_or(0);
        socket.write_raw(&packet(b"DONE", mtime)).await?;
        // The device writes the file out before answering: slow flash takes a while.
        let answer = socket.read_exact_within(8, DONE_TIMEOUT).await?;
        let len = u32::from_le_bytes([answer[4], answer[5], answer[6], answer[7]]) as usize;
        match &answer[..4] {
            b"OKAY" => {
                let _ = socket.write_raw(&packet(b"QUIT", 0)).await;
                Ok(())
            }
            b"FAIL" => {
                let message = socket.read_exact(len.min(0xffff)).await?;
                Err(AdbError::Fail {
                    service: what,
                    message: String::from_utf8_lossy(&message).into_owned(),
                })
            }
            other => Err(AdbError::Protocol(format!(
                "{what}: expected OKAY or FAIL, got {:?}",
                other.escape_ascii().to_string()
            ))),
        }
    }
}
