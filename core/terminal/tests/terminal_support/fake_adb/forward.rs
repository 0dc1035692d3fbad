//! The fake server's long-lived services: `host:track-devices` and the forwards' listeners.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::AbortHandle;

use super::{FakeForward, Shared, device_list, okay_string};

/// `host:track-devices`: the list now, then on every change, until the client goes.
pub async fn track(shared: Arc<Shared>, mut stream: TcpStream) {
    let mut changes = shared.changes.subscribe();
    changes.mark_unchanged();
    let mut kicks = shared.kicks.subscribe();
    kicks.mark_unchanged();
    let first = okay_string(&device_list(&shared, false));
    if stream.write_all(&first).await.is_err() {
        return;
    }
    let mut buf = [0u8; 64];
    loop {
        tokio::select! {
            _ = kicks.changed() => return,
            changed = changes.changed() => {
                if changed.is_err() {
                    return;
                }
                let list = device_list(&shared, false);
                let update = format!("{:04x}{list}", list.len());
                if stream.write_all(update.as_bytes()).await.is_err() {
                    return;
                }
            }
            read = stream.read(&mut buf) => {
                if matches!(read, Ok(0) | Err(_)) {
                    return;
                }
            }
        }
    }
}

/// Installs a forward: a real listener on 127.0.0.1 whose connections are proxied to the
/// device's bridge (accepted and closed at once when nothing listens there, as adb does).
pub async fn forward(
    shared: &Arc<Shared>,
    serial: &str,
    local: &str,
    remote: &str,
) -> Result<u16, String> {
    let port: u16 = local
        .strip_prefix("tcp:")
        .and_then(|p| p.parse().ok())
        .ok_or_else(|| format!("cannot bind listener: unsupported local '{local}'"))?;
    let listener = TcpListener::bind(("127.0.0.1", port))
        .await
        .map_err(|e| format!("cannot bind listener: {e}"))?;
    let port = listener.local_addr().unwrap().port();
    let streams: Arc<Mutex<Vec<AbortHandle>>> = Arc::default();
    let task_streams = streams.clone();
    let task_shared = shared.clone();
    let task_serial = serial.to_string();
    let listener_task = tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let bridge = {
                let st = task_shared.state.lock().unwrap();
                st.devices
                    .iter()
                    .find(|d| d.serial == task_serial)
                    .and_then(|d| d.bridge.filter(|_| d.system.lock().unwrap().serving()))
            };
            let proxy = tokio::spawn(async move {
                let Some(bridge) = bridge else { return };
                let Ok(mut upstream) = TcpStream::connect(bridge).await else {
                    return;
                };
                let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
            });
            task_streams.lock().unwrap().push(proxy.abort_handle());
        }
    });
    let local = format!("tcp:{port}");
    let mut st = shared.state.lock().unwrap();
    if let Some(old) = st.forwards.iter().position(|f| f.local == local) {
        st.forwards.remove(old).close();
    }
    st.forwards.push(FakeForward {
        serial: serial.to_string(),
        local,
        remote: remote.to_string(),
        listener: listener_task.abort_handle(),
        streams,
    });
    Ok(port)
}
