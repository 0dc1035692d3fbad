//! The USB cable of the simulated terminal: a relay in front of its bridge that can be pulled
//! and plugged back in. Unplugged, every relayed connection is cut and new ones are accepted
//! and closed at once, which is what the kiosk sees through an adb forward whose device left.

use std::net::SocketAddr;

use anyhow::{Context, Result};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Pulls and plugs the cable; cheap to clone (the admin API holds one per terminal).
#[derive(Debug, Clone)]
pub struct CableControl(watch::Sender<bool>);

impl CableControl {
    pub fn unplug(&self) {
        self.0.send_replace(false);
    }

    pub fn replug(&self) {
        self.0.send_replace(true);
    }

    pub fn is_plugged(&self) -> bool {
        *self.0.borrow()
    }
}

/// A relay from `addr` to the bridge; stops when dropped.
#[derive(Debug)]
pub struct Cable {
    pub addr: SocketAddr,
    control: CableControl,
    task: JoinHandle<()>,
}

impl Cable {
    /// Listens on `listen` and relays every connection to `bridge` while plugged.
    pub async fn start(listen: SocketAddr, bridge: SocketAddr) -> Result<Cable> {
        let listener = TcpListener::bind(listen)
            .await
            .with_context(|| format!("cannot listen on {listen}"))?;
        let addr = listener.local_addr()?;
        let (tx, _) = watch::channel(true);
        let control = CableControl(tx);
        let plugged = control.0.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    continue;
                };
                if !*plugged.borrow() {
                    drop(client);
                    continue;
                }
                tokio::spawn(relay(client, bridge, plugged.subscribe()));
            }
        });
        Ok(Cable {
            addr,
            control,
            task,
        })
    }

    pub fn control(&self) -> CableControl {
        self.control.clone()
    }
}

impl Drop for Cable {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn relay(mut client: TcpStream, bridge: SocketAddr, mut plugged: watch::Receiver<bool>) {
    let Ok(mut server) = TcpStream::connect(bridge).await else {
        return;
    };
    tokio::select! {
        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
        _ = plugged.wait_for(|p| !*p) => {}
    }
}
