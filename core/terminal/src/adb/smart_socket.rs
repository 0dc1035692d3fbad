//! The adb server's smart-socket wire format.
//!
//! A request is 4 ASCII hex digits giving the length of the service string, then the string.
//! The server answers `OKAY` or `FAIL` followed by a *protocol string* (4 hex digits of length,
//! then the bytes). One connection carries one host service, except transport switches
//! (`host:transport:S`, `host:tport:serial:S`), after which the next request goes on the same
//! socket, and `host:track-devices`, which stays open.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::AdbError;

/// How long one exchange with the adb server may take.
pub const OP_TIMEOUT: Duration = Duration::from_secs(5);

/// The largest protocol string we accept (a device list of a few hundred devices).
const MAX_STRING: usize = 0xffff;

/// One connection to the adb server.
#[derive(Debug)]
pub struct SmartSocket {
    stream: TcpStream,
}

/// Encodes a request: hex4 length, then the service.
pub fn encode_request(service: &str) -> Result<Vec<u8>, AdbError> {
    if service.len() > MAX_STRING {
        return Err(AdbError::Protocol(format!(
            "service string of {} bytes is too long",
            service.len()
        )));
    }
    let mut out = format!("{:04x}", service.len()).into_bytes();
    out.extend_from_slice(service.as_bytes());
    Ok(out)
}

/// Parses 4 ASCII hex digits.
pub fn parse_hex4(bytes: [u8; 4]) -> Result<usize, AdbError> {
    std::str::from_utf8(&bytes)
        .ok()
        .and_then(|s| usize::from_str_radix(s, 16).ok())
        .ok_or_else(|| {
            AdbError::Protocol(format!(
                "bad length prefix {:?}",
                bytes.escape_ascii().to_string()
            ))
        })
}

impl SmartSocket {
    /// Connects to the adb server.
    pub async fn connect(addr: SocketAddr) -> Result<SmartSocket, AdbError> {
        let stream = tokio::time::timeout(OP_TIMEOUT, TcpStream::connect(addr))
            .await
            .map_err(|_| AdbError::Timeout("connect".into()))?
            .map_err(|source| AdbError::Connect { addr, source })?;
        let _ = stream.set_nodelay(true);
        Ok(SmartSocket { stream })
    }

    /// Sends `service` and reads `OKAY` (or the `FAIL` message as an error).
    pub async fn request(&mut self, service: &str) -> Result<(), AdbError> {
        let bytes = encode_request(service)?;
        with_timeout(service, self.stream.write_all(&bytes)).await?;
        self.read_status(service).await
    }

    /// Reads `OKAY`, or `FAIL` + message as [`AdbError::Fail`].
    pub async fn read_status(&mut self, service: &str) -> Result<(), AdbError> {
        let mut status = [0u8; 4];
        with_timeout(service, self.stream.read_exact(&mut status)).await?;
        match &status {
            b"OKAY" => Ok(()),
            b"FAIL" => {
                let message = self.read_string_for(service).await?;
                Err(AdbError::Fail {
                    service: service.to_string(),
                    message,
                })
            }
            other => Err(AdbError::Protocol(format!(
                "expected OKAY or FAIL, got {:?}",
                other.escape_ascii().to_string()
            ))),
        }
    }

    /// Reads a protocol string (hex4 length + bytes).
    pub async fn read_string(&mut self) -> Result<String, AdbError> {
        self.read_string_for("a reply").await
    }

    async fn read_string_for(&mut self, service: &str) -> Result<String, AdbError> {
        let mut len = [0u8; 4];
        with_timeout(service, self.stream.read_exact(&mut len)).await?;
        let mut body = vec![0u8; parse_hex4(len)?];
        with_timeout(service, self.stream.read_exact(&mut body)).await?;
        Ok(String::from_utf8_lossy(&body).into_owned())
    }

    /// Reads a protocol string with no time limit (a `track-devices` update); `None` on EOF.
    pub async fn next_string(&mut self) -> Result<Option<String>, AdbError> {
        let mut len = [0u8; 4];
        match self.stream.read_exact(&mut len).await {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
            Err(e) => return Err(e.into()),
        }
        let mut body = vec![0u8; parse_hex4(len)?];
        with_timeout("track-devices", self.stream.read_exact(&mut body)).await?;
        Ok(Some(String::from_utf8_lossy(&body).into_owned()))
    }

    /// Reads exactly `n` bytes (the 8-byte transport id after `host:tport:`).
    pub async fn read_exact(&mut self, n: usize) -> Result<Vec<u8>, AdbError> {
        self.read_exact_within(n, OP_TIMEOUT).await
    }

    /// Reads exactly `n` bytes within `limit` (the device's answer to a whole pushed file).
    pub async fn read_exact_within(
        &mut self,
        n: usize,
        limit: Duration,
    ) -> Result<Vec<u8>, AdbError> {
        let mut buf = vec![0u8; n];
        match tokio::time::timeout(limit, self.stream.read_exact(&mut buf)).await {
            Ok(Ok(_)) => Ok(buf),
            Ok(Err(e)) => Err(e.into()),
            Err(_) => Err(AdbError::Timeout("a reply".into())),
        }
    }
}

impl SmartSocket {
    /// Writes raw bytes (a service's stream after its `OKAY`).
    pub async fn write_raw(&mut self, bytes: &[u8]) -> Result<(), AdbError> {
        with_timeout("a write", self.stream.write_all(bytes)).await
    }

    /// Reads the service's stream until the device closes it, keeping at most `cap` bytes
    /// (the rest is drained); the whole read takes at most `limit`.
    pub async fn read_to_end(
        &mut self,
        cap: usize,
        limit: Duration,
        service: &str,
    ) -> Result<Vec<u8>, AdbError> {
        let mut out = Vec::new();
        let read = async {
            let mut buf = [0u8; 8192];
            loop {
                let n = self.stream.read(&mut buf).await?;
                if n == 0 {
                    return Ok::<_, std::io::Error>(());
                }
                let room = cap.saturating_sub(out.len());
                out.extend_from_slice(&buf[..n.min(room)]);
            }
        };
        match tokio::time::timeout(limit, read).await {
            Ok(Ok(())) => Ok(out),
            Ok(Err(e)) => Err(e.into()),
            Err(_) => Err(AdbError::Timeout(service.to_string())),
        }
    }
}

async fn with_timeout<T>(
    service: &str,
    op: impl Future<Output = std::io::Result<T>>,
) -> Result<T, AdbError> {
    match tokio::time::timeout(OP_TIMEOUT, op).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(e.into()),
        Err(_) => Err(AdbError::Timeout(service.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_hex4_prefixed() {
        assert_eq!(encode_request("host:version").unwrap(), b"000chost:version");
        assert_eq!(
            encode_request("host-serial:FAKE123:forward:tcp:27183;localabstract:wxbridge").unwrap(),
            b"003chost-serial:FAKE123:forward:tcp:27183;localabstract:wxbridge".to_vec()
        );
        assert_eq!(parse_hex4(*b"0029").unwrap(), 41);
        assert!(parse_hex4(*b"zz00").is_err());
    }
}
