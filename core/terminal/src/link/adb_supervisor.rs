//! The adb side of the link: watch the devices, forward, connect, and start again after an
//! unplug.

use std::net::SocketAddr;

use tokio::time::{Instant, sleep_until};
use tracing::{info, warn};

use super::backoff::Backoff;
use super::{AdbProgram, AdbTarget, Inner, connect_failure, stopped};
use crate::adb::{AdbCli, AdbError, AdbHost, Device, DeviceState, DeviceTracker};
use crate::bridge_client::BridgeClient;
use crate::error::{ConnectError, LinkDown};
use crate::status::LinkStatus;

/// Which device to use, given the list.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Choice {
    /// This serial, in state `device`.
    Ready(String),
    /// Nothing usable; the status says why.
    NotReady(LinkStatus),
}

fn choose(devices: &[Device], wanted: Option<&str>) -> Choice {
    let device = match wanted {
        Some(serial) => devices.iter().find(|d| d.serial == serial),
        None => {
            let ready: Vec<&Device> = devices
                .iter()
                .filter(|d| d.state == DeviceState::Device)
                .collect();
            match (devices.len(), ready.len()) {
                (1, _) => devices.first(),
                (_, 1) => ready.first().copied(),
                (0, _) => None,
                _ => {
                    return Choice::NotReady(LinkStatus::SeveralDevices {
                        serials: devices.iter().map(|d| d.serial.clone()).collect(),
                    });
                }
            }
        }
    };
    let Some(device) = device else {
        return Choice::NotReady(LinkStatus::WaitingForDevice {
            serial: wanted.map(str::to_owned),
        });
    };
    let serial = device.serial.clone();
    match &device.state {
        DeviceState::Device => Choice::Ready(serial),
        DeviceState::Unauthorized | DeviceState::Authorizing => {
            Choice::NotReady(LinkStatus::Unauthorized { serial })
        }
        other => Choice::NotReady(LinkStatus::DeviceNotReady {
            serial,
            state: other.to_string(),
        }),
    }
}

struct Supervisor<'a> {
    inner: &'a Inner,
    target: AdbTarget,
    host: AdbHost,
    cli: Option<AdbCli>,
    backoff: Backoff,
    /// The devices as last tracked.
    devices: Vec<Device>,
    /// The connection, and the serial it is to.
    client: Option<(String, BridgeClient)>,
    /// Our forward: serial and local port.
    forward: Option<(String, u16)>,
    /// When to try connecting again (`None`: as soon as a device is ready).
    retry_at: Option<Instant>,
}

pub(super) async fn run(inner: &Inner, target: AdbTarget) {
    let cli = match &target.program {
        AdbProgram::Auto => AdbCli::find(target.server),
        AdbProgram::Path(p) => Some(AdbCli::new(p.clone(), target.server)),
        AdbProgram::None => None,
    };
    match &cli {
        Some(cli) => info!(program = %cli.program().display(), server = %target.server, "adb"),
        None => info!(server = %target.server, "no adb program: forwarding over the smart socket"),
    }
    let mut supervisor = Supervisor {
        inner,
        host: AdbHost::new(target.server),
        target,
        cli,
        backoff: Backoff::new(inner.options.retry_min, inner.options.retry_max),
        devices: Vec::new(),
        client: None,
        forward: None,
        retry_at: None,
    };
    supervisor.run().await;
    if let Some((_, client)) = supervisor.client.take() {
        client.close(LinkDown::ClosedByKiosk);
    }
}

impl Supervisor<'_> {
    async fn run(&mut self) {
        let mut shutdown = self.inner.shutdown.subscribe();
        let mut tried_start_server = false;
        let mut adb_backoff =
            Backoff::new(self.inner.options.retry_min, self.inner.options.retry_max);
        while !self.inner.stopping() {
            let tracked = tokio::select! {
                () = stopped(&mut shutdown) => return,
                tracked = self.host.track_devices() => tracked,
            };
            match tracked {
                Ok(tracker) => {
                    tried_start_server = false;
                    adb_backoff.reset();
                    if self.follow(tracker).await {
                        return;
                    }
                }
                Err(e) => {
                    if let (AdbError::Connect { .. }, Some(cli), true, false) =
                        (&e, &self.cli, self.target.start_server, tried_start_server)
                    {
                        tried_start_server = true;
                        info!("no adb server answers: starting one");
                        match cli.start_server().await {
                            Ok(()) => continue,
                            Err(e) => warn!(error = %e, "adb start-server failed"),
                        }
                    }
                    self.drop_dead_client();
                    if self.client.is_none() {
                        self.inner.set_status(LinkStatus::AdbUnavailable {
                            reason: e.to_string(),
                        });
                    }
                }
            }
            tokio::select! {
                () = stopped(&mut shutdown) => return,
                () = tokio::time::sleep(adb_backoff.next_pause()) => {}
            }
        }
    }

    /// Follows one `track-devices` connection. Returns `true` when the link is shutting down,
    /// `false` when the adb server went away.
    async fn follow(&mut self, mut tracker: DeviceTracker) -> bool {
        let mut shutdown = self.inner.shutdown.subscribe();
        loop {
            self.reconcile().await;
            let closed = {
                let client = self.client.as_ref().map(|(_, c)| c.clone());
                async move {
                    match client {
                        Some(c) => c.closed().await,
                        None => std::future::pending().await,
                    }
                }
            };
            let retry_at = self.retry_at.filter(|_| self.client.is_none());
            tokio::select! {
                biased;
                () = stopped(&mut shutdown) => return true,
                update = tracker.next() => match update {
                    Ok(Some(devices)) => self.on_devices(devices),
                    Ok(None) | Err(_) => {
                        let reason = match update {
                            Err(e) => e.to_string(),
                            _ => "the adb server closed the device tracking".to_string(),
                        };
                        warn!(%reason, "lost the adb server");
                        self.drop_dead_client();
                        if self.client.is_none() {
                            self.inner.set_status(LinkStatus::AdbUnavailable { reason });
                        }
                        return false;
                    }
                },
                reason = closed => self.on_closed(reason),
                () = sleep_until(retry_at.unwrap_or_else(Instant::now)), if retry_at.is_some() => {}
            }
        }
    }

    fn on_devices(&mut self, devices: Vec<Device>) {
        let was = choose(&self.devices, self.target.serial.as_deref());
        let now = choose(&devices, self.target.serial.as_deref());
        self.devices = devices;
        if was == now {
            return;
        }
        if let Some((serial, client)) = &self.client
            && now != Choice::Ready(serial.clone())
        {
            info!(%serial, "the terminal left adb: closing its connection");
            client.close(LinkDown::DeviceGone);
            self.inner.unpublish();
            self.client = None;
        }
        if !matches!(now, Choice::Ready(_)) {
            // adb drops the forwards of a device that goes away.
            self.forward = None;
        }
        // A device that (re)appears is tried at once.
        self.backoff.reset();
        self.retry_at = None;
    }

    /// Forgets a connection that died while nobody watched it (between two trackings).
    fn drop_dead_client(&mut self) {
        if self.client.as_ref().is_some_and(|(_, c)| !c.is_alive()) {
            self.client = None;
            self.forward = None;
            self.inner.unpublish();
        }
    }

    fn on_closed(&mut self, reason: LinkDown) {
        let serial = self.client.take().map(|(serial, _)| serial);
        self.inner.unpublish();
        info!(%reason, "the bridge connection ended");
        self.inner.set_status(LinkStatus::NoBridge {
            serial,
            reason: reason.to_string(),
        });
        self.retry_at = Some(Instant::now() + self.backoff.next_pause());
    }

    /// Connects if a device is ready and it is time; otherwise publishes why not.
    async fn reconcile(&mut self) {
        if self.client.is_some() {
            return;
        }
        let serial = match choose(&self.devices, self.target.serial.as_deref()) {
            Choice::Ready(serial) => serial,
            Choice::NotReady(status) => {
                self.inner.set_status(status);
                return;
            }
        };
        if self.retry_at.is_some_and(|at| at > Instant::now()) {
            return;
        }
        match self.attempt(&serial).await {
            Ok(client) => {
                self.backoff.reset();
                self.retry_at = None;
                self.inner.publish(client.clone(), Some(serial.clone()));
                self.client = Some((serial, client));
            }
            Err(status) => {
                self.inner.set_status(status);
                self.retry_at = Some(Instant::now() + self.backoff.next_pause());
            }
        }
    }

    /// Forwards (unless our forward for this serial is still there), connects, checks the
    /// hello.
    async fn attempt(&mut self, serial: &str) -> Result<BridgeClient, LinkStatus> {
        let port = match &self.forward {
            Some((s, port)) if s == serial => *port,
            _ => {
                let port = self.make_forward(serial).await?;
                self.forward = Some((serial.to_owned(), port));
                port
            }
        };
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        match BridgeClient::connect_tcp(addr, &self.inner.options.client).await {
            Ok(client) => Ok(client),
            Err(e) => {
                if matches!(e, ConnectError::Connect { .. }) {
                    // Nothing listens on our port any more: the forward is gone.
                    self.forward = None;
                } else if matches!(
                    e,
                    ConnectError::VersionMismatch(_) | ConnectError::BridgeUnpaired { .. }
                ) {
                    warn!(error = %e, "incompatible or unpaired bridge");
                }
                Err(connect_failure(Some(serial.to_owned()), &e))
            }
        }
    }

    async fn make_forward(&mut self, serial: &str) -> Result<u16, LinkStatus> {
        let remote = self.target.remote.clone();
        if let Some(cli) = &self.cli {
            match cli.forward_any_port(serial, &remote).await {
                Ok(port) => {
                    info!(%serial, port, "forwarded with the adb program");
                    return Ok(port);
                }
                Err(AdbError::Spawn { program, source }) => {
                    warn!(%program, error = %source, "cannot run adb: using the smart socket");
                    self.cli = None;
                }
                Err(e) => return Err(forward_failure(serial, &e)),
            }
        }
        match self.host.forward_any_port(serial, &remote).await {
            Ok(port) => {
                info!(%serial, port, "forwarded over the smart socket");
                Ok(port)
            }
            Err(e) => Err(forward_failure(serial, &e)),
        }
    }
}

fn forward_failure(serial: &str, e: &AdbError) -> LinkStatus {
    match e {
        AdbError::Connect { .. } => LinkStatus::AdbUnavailable {
            reason: e.to_string(),
        },
        _ => LinkStatus::NoBridge {
            serial: Some(serial.to_owned()),
            reason: format!("cannot forward to the bridge: {e}"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dev(serial: &str, state: &str) -> Device {
        Device {
            serial: serial.into(),
            state: DeviceState::parse(state),
            details: Vec::new(),
        }
    }

    #[test]
    fn choosing_a_device() {
        assert_eq!(
            choose(&[], None),
            Choice::NotReady(LinkStatus::WaitingForDevice { serial: None })
        );
        assert_eq!(
            choose(&[dev("A", "device")], None),
            Choice::Ready("A".into())
        );
        assert_eq!(
            choose(&[dev("A", "unauthorized")], None),
            Choice::NotReady(LinkStatus::Unauthorized { serial: "A".into() })
        );
        assert_eq!(
            choose(&[dev("A", "offline"), dev("B", "device")], None),
            Choice::Ready("B".into())
        );
        assert!(matches!(
            choose(&[dev("A", "device"), dev("B", "device")], None),
            Choice::NotReady(LinkStatus::SeveralDevices { .. })
        ));
        assert_eq!(
            choose(&[dev("A", "device"), dev("B", "device")], Some("B")),
            Choice::Ready("B".into())
        );
        assert_eq!(
            choose(&[dev("A", "device")], Some("B")),
            Choice::NotReady(LinkStatus::WaitingForDevice {
                serial: Some("B".into())
            })
        );
        assert_eq!(
            choose(&[dev("B", "recovery")], Some("B")),
            Choice::NotReady(LinkStatus::DeviceNotReady {
                serial: "B".into(),
                state: "recovery".into()
            })
        );
    }
}
