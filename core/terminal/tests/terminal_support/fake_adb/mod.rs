//! A fake adb server for the tests, speaking the smart-socket protocol as a real adb 29..37
//! server does (docs/architecture.md, "The terminal link"): `host:version`, `host:devices(-l)`,
//! `host:track-devices` (pushing every change), features, transport switches (`host:transport:`,
//! `host:tport:`) and `host-serial:` prefixes, `forward` (a real local TCP listener proxying each
//! connection to the bridge that stands in for `localabstract:facekiosk-bridge`), `killforward`,
//! `killforward-all`, `list-forward`. `unplug` drops the device's forwards and their streams and
//! tells the trackers, as adb does when a transport goes away.
//!
//! Behind a transport switch it is a device ([`system`], [`services`]): `shell:` commands (`pm`,
//! `am`, `dumpsys`, `getprop`, `rm`), `shell:sh` reading commands from standard input, and the
//! sync protocol's `STAT` and `SEND` into a fake file system. The device lists no features, so
//! the real `adb` CLI takes its legacy paths (push then `pm install`, `shell:`), which every
//! adbd serves; given `cmd` ([`System::features`]), adb streams the APK instead
//! (`exec:cmd package 'install' -S SIZE`), which it serves too. A terminal plugged with [`FakeAdb::plug_bare`] has no bridge app until one is
//! installed and its Service started.

mod forward;
mod services;
pub mod system;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::AbortHandle;

use forward::{forward, track};
pub use system::System;

#[derive(Debug, Clone)]
struct FakeDevice {
    serial: String,
    state: String,
    /// Where `localabstract:facekiosk-bridge` leads (None: nothing listens on the device).
    bridge: Option<SocketAddr>,
    transport_id: u64,
    /// What is installed and running on it; kept across state changes of the same serial.
    system: Arc<Mutex<System>>,
}

#[derive(Debug)]
struct FakeForward {
    serial: String,
    local: String,
    remote: String,
    listener: AbortHandle,
    streams: Arc<Mutex<Vec<AbortHandle>>>,
}

impl FakeForward {
    fn close(&self) {
        self.listener.abort();
        for s in self.streams.lock().unwrap().drain(..) {
            s.abort();
        }
    }
}

#[derive(Debug, Default)]
struct State {
    devices: Vec<FakeDevice>,
    forwards: Vec<FakeForward>,
    requests: Vec<String>,
    next_transport: u64,
}

#[derive(Debug)]
struct Shared {
    state: Mutex<State>,
    changes: watch::Sender<u64>,
    /// Bumped to close every `track-devices` connection (as an adb server restart would).
    kicks: watch::Sender<u64>,
}

/// The fake server. Dropping it does not stop it: it lives as long as the test's runtime.
#[derive(Debug, Clone)]
pub struct FakeAdb {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
}

impl FakeAdb {
    pub async fn start() -> FakeAdb {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            changes: watch::channel(0).0,
            kicks: watch::channel(0).0,
        });
        let s = shared.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(s.clone(), stream));
            }
        });
        FakeAdb { addr, shared }
    }

    /// Attaches a device (or changes its state), whose bridge app is installed and running at
    /// `bridge`.
    pub fn plug(&self, serial: &str, state: &str, bridge: Option<SocketAddr>) {
        self.attach(serial, state, bridge, System::with_bridge_running);
    }

    /// Attaches a terminal as it leaves the factory (or changes its state): no bridge app; once
    /// one is installed and its Service started, the bridge at `bridge` answers the forward.
    pub fn plug_bare(&self, serial: &str, state: &str, bridge: Option<SocketAddr>) {
        self.attach(serial, state, bridge, System::fresh);
    }

    /// The device's system, to look at or change (`refuse_install`, `props`).
    pub fn system(&self, serial: &str) -> Arc<Mutex<System>> {
        let st = self.shared.state.lock().unwrap();
        let device = st.devices.iter().find(|d| d.serial == serial);
        device.expect("no such fake device").system.clone()
    }

    fn attach(
        &self,
        serial: &str,
        state: &str,
        bridge: Option<SocketAddr>,
        system: fn() -> System,
    ) {
        {
            let mut st = self.shared.state.lock().unwrap();
            st.next_transport += 1;
            let transport_id = st.next_transport;
            let old = st.devices.iter().find(|d| d.serial == serial);
            let system = old.map_or_else(|| Arc::new(Mutex::new(system())), |d| d.system.clone());
            st.devices.retain(|d| d.serial != serial);
            st.devices.push(FakeDevice {
                serial: serial.into(),
                state: state.into(),
                bridge,
                transport_id,
                system,
            });
            if state != "device" {
                drop_forwards(&mut st, serial);
            }
        }
        self.changed();
    }

    /// Detaches a device: its forwards and their streams go, trackers are told.
    pub fn unplug(&self, serial: &str) {
        {
            let mut st = self.shared.state.lock().unwrap();
            st.devices.retain(|d| d.serial != serial);
            drop_forwards(&mut st, serial);
        }
        self.changed();
    }

    /// Closes every `track-devices` connection.
    pub fn drop_trackers(&self) {
        self.shared.kicks.send_modify(|n| *n += 1);
    }

    /// Every service requested so far.
    pub fn requests(&self) -> Vec<String> {
        self.shared.state.lock().unwrap().requests.clone()
    }

    /// `(serial, local, remote)` of every forward.
    pub fn forwards(&self) -> Vec<(String, String, String)> {
        let st = self.shared.state.lock().unwrap();
        st.forwards
            .iter()
            .map(|f| (f.serial.clone(), f.local.clone(), f.remote.clone()))
            .collect()
    }

    fn changed(&self) {
        self.shared.changes.send_modify(|n| *n += 1);
    }
}

fn drop_forwards(st: &mut State, serial: &str) {
    st.forwards.retain(|f| {
        if f.serial == serial {
            f.close();
            false
        } else {
            true
        }
    });
}

fn device_list(shared: &Shared, long: bool) -> String {
    let st = shared.state.lock().unwrap();
    st.devices
        .iter()
        .map(|d| {
            if long {
                format!(
                    "{:<22} {} usb:1-1 product:fakep model:FakeTerminal device:faked transport_id:{}\n",
                    d.serial, d.state, d.transport_id
                )
            } else {
                format!("{}\t{}\n", d.serial, d.state)
            }
        })
        .collect()
}

/// A transport to a device in another state than `device` is refused, as adb does.
fn usable(d: FakeDevice) -> Result<FakeDevice, String> {
    match d.state.as_str() {
        "device" => Ok(d),
        "unauthorized" => Err(
            "device unauthorized.\nThis adb server's $ADB_VENDOR_KEYS is not \
                               set\nTry 'adb kill-server' if that seems wrong.\nOtherwise check \
                               for a confirmation dialog on your device."
                .into(),
        ),
        other => Err(format!("device {other}")),
    }
}

fn okay_string(s: &str) -> Vec<u8> {
    let mut out = b"OKAY".to_vec();
    out.extend(format!("{:04x}", s.len()).bytes());
    out.extend(s.bytes());
    out
}

fn fail(message: &str) -> Vec<u8> {
    let mut out = b"FAIL".to_vec();
    out.extend(format!("{:04x}", message.len()).bytes());
    out.extend(message.bytes());
    out
}

async fn read_request(stream: &mut TcpStream) -> Option<String> {
    let mut len = [0u8; 4];
    stream.read_exact(&mut len).await.ok()?;
    let len = usize::from_str_radix(std::str::from_utf8(&len).ok()?, 16).ok()?;
    let mut body = vec![0u8; len];
    stream.read_exact(&mut body).await.ok()?;
    String::from_utf8(body).ok()
}

/// Serves one connection: one host service, or a transport switch followed by one more.
async fn serve(shared: Arc<Shared>, mut stream: TcpStream) {
    let mut transport: Option<String> = None;
    while let Some(service) = read_request(&mut stream).await {
        shared.state.lock().unwrap().requests.push(service.clone());
        // `host-serial:S:cmd` is `host:cmd` on the transport of S.
        let (serial, command) = match service.strip_prefix("host-serial:") {
            Some(rest) => match rest.split_once(':') {
                Some((s, cmd)) => (Some(s.to_string()), format!("host:{cmd}")),
                None => (None, service.clone()),
            },
            None => (transport.clone(), service.clone()),
        };
        let device = |serial: &Option<String>| -> Result<FakeDevice, String> {
            let st = shared.state.lock().unwrap();
            match serial {
                Some(s) => st
                    .devices
                    .iter()
                    .find(|d| &d.serial == s)
                    .cloned()
                    .ok_or(format!("device '{s}' not found")),
                None => match st.devices.as_slice() {
                    [d] => Ok(d.clone()),
                    [] => Err("no devices/emulators found".into()),
                    _ => Err("more than one device/emulator".into()),
                },
            }
        };
        let reply: Vec<u8> = match command.as_str() {
            "host:version" => okay_string("0029"),
            "host:devices" => okay_string(&device_list(&shared, false)),
            "host:devices-l" => okay_string(&device_list(&shared, true)),
            "host:track-devices" => return track(shared, stream).await,
            "host:host-features" => okay_string("shell_v2,cmd,stat_v2,ls_v2"),
            "host:features" => match device(&serial) {
                Ok(d) => okay_string(&d.system.lock().unwrap().features),
                Err(e) => fail(&e),
            },
            "host:list-forward" => {
                let st = shared.state.lock().unwrap();
                let lines: String = st
                    .forwards
                    .iter()
                    .map(|f| format!("{} {} {}\n", f.serial, f.local, f.remote))
                    .collect();
                okay_string(&lines)
            }
            "host:killforward-all" => {
                let mut st = shared.state.lock().unwrap();
                st.forwards.drain(..).for_each(|f| f.close());
                b"OKAYOKAY".to_vec()
            }
            cmd if cmd.starts_with("host:transport:") || cmd.starts_with("host:tport:") => {
                let wanted = cmd
                    .strip_prefix("host:transport:")
                    .or_else(|| cmd.strip_prefix("host:tport:serial:"))
                    .map(str::to_string);
                match device(&wanted).and_then(usable) {
                    Ok(d) => {
                        transport = Some(d.serial.clone());
                        let mut out = b"OKAY".to_vec();
                        if cmd.starts_with("host:tport:") {
                            out.extend(d.transport_id.to_le_bytes());
                        }
                        if stream.write_all(&out).await.is_err() {
                            return;
                        }
                        continue;
                    }
                    Err(e) => fail(&e),
                }
            }
            "host:transport-any" => match device(&None).and_then(usable) {
                Ok(d) => {
                    transport = Some(d.serial);
                    if stream.write_all(b"OKAY").await.is_err() {
                        return;
                    }
                    continue;
                }
                Err(e) => fail(&e),
            },
            cmd if cmd.starts_with("host:forward:") => {
                let spec = cmd.trim_start_matches("host:forward:");
                let spec = spec.strip_prefix("norebind:").unwrap_or(spec);
                match (device(&serial), spec.split_once(';')) {
                    (Err(e), _) => fail(&e),
                    (Ok(d), _) if d.state != "device" => {
                        fail(&format!("device '{}' not found", d.serial))
                    }
                    (Ok(_), None) => fail("malformed forward spec"),
                    (Ok(d), Some((local, remote))) => {
                        match forward(&shared, &d.serial, local, remote).await {
                            Ok(port) if local == "tcp:0" => {
                                let mut out = b"OKAY".to_vec();
                                out.extend(okay_string(&port.to_string()));
                                out
                            }
                            Ok(_) => b"OKAYOKAY".to_vec(),
                            Err(e) => {
                                let mut out = b"OKAY".to_vec();
                                out.extend(fail(&e));
                                out
                            }
                        }
                    }
                }
            }
            cmd if cmd.starts_with("host:killforward:") => {
                let local = cmd.trim_start_matches("host:killforward:");
                let mut st = shared.state.lock().unwrap();
                let before = st.forwards.len();
                st.forwards.retain(|f| {
                    if f.local == local {
                        f.close();
                        false
                    } else {
                        true
                    }
                });
                if st.forwards.len() < before {
                    b"OKAYOKAY".to_vec()
                } else {
                    let mut out = b"OKAY".to_vec();
                    out.extend(fail(&format!("listener '{local}' not found")));
                    out
                }
            }
            cmd if cmd.starts_with("shell:") || cmd.starts_with("exec:") || cmd == "sync:" => {
                let Ok(d) = device(&transport) else {
                    return;
                };
                if stream.write_all(b"OKAY").await.is_err() {
                    return;
                }
                return services::serve(d.system, stream, cmd).await;
            }
            _ => fail("unknown host service"),
        };
        let _ = stream.write_all(&reply).await;
        return;
    }
}
