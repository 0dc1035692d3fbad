//! Accept loops: TCP (tests, the simulated terminal) and, on Linux and Android, the abstract
//! unix socket `@facekiosk-bridge` with a peer-uid check.

use std::io;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tracing::{info, warn};

use super::connection::serve;
use super::{Bridge, stopped};

/// Pause after a failed accept (e.g. out of file descriptors) before trying again.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// After shutdown, how long the accept loops wait for their connections to say SHUTTING_DOWN
/// and close.
const DRAIN: Duration = Duration::from_secs(2);

/// The connections an accept loop started.
#[derive(Debug, Default)]
pub(crate) struct Connections(JoinSet<()>);

impl Connections {
    pub(crate) fn spawn(&mut self, task: impl Future<Output = ()> + Send + 'static) {
        while self.0.try_join_next().is_some() {}
        self.0.spawn(task);
    }

    /// Waits (up to [`DRAIN`]) for every connection to close.
    pub(crate) async fn drain(mut self) {
        let all = async { while self.0.join_next().await.is_some() {} };
        let _ = tokio::time::timeout(DRAIN, all).await;
    }
}

impl Bridge {
    /// Serves every connection accepted on `listener` until [`Bridge::shutdown`]; then returns
    /// once its connections have closed (at most a couple of seconds later).
    pub async fn serve_tcp(&self, listener: TcpListener) -> io::Result<()> {
        let mut shutdown = self.shared().shutdown.subscribe();
        let mut connections = Connections::default();
        if let Ok(addr) = listener.local_addr() {
            info!(%addr, "bridge listening on tcp");
        }
        loop {
            tokio::select! {
                () = stopped(&mut shutdown) => break,
                accepted = listener.accept() => match accepted {
                    Ok((stream, addr)) => {
                        let _ = stream.set_nodelay(true);
                        connections.spawn(serve(self.shared().clone(), stream, addr.to_string()));
                    }
                    Err(e) => {
                        warn!(error = %e, "accept failed");
                        tokio::time::sleep(ACCEPT_BACKOFF).await;
                    }
                },
            }
        }
        drop(listener);
        connections.drain().await;
        Ok(())
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
mod unix {
    use std::io;
    use std::os::unix::net::{SocketAddr, UnixListener as StdUnixListener};

    #[cfg(target_os = "android")]
    use std::os::android::net::SocketAddrExt;
    #[cfg(target_os = "linux")]
    use std::os::linux::net::SocketAddrExt;

    use tokio::net::UnixListener;
    use tracing::{info, warn};

    use super::super::connection::serve;
    use super::super::peer_cred::PeerPolicy;
    use super::super::{Bridge, stopped};
    use super::{ACCEPT_BACKOFF, Connections};

    /// Binds the abstract unix socket `@name` (no file, no permissions: hence the peer check
    /// in [`Bridge::serve_unix`]).
    pub fn bind_abstract(name: &str) -> io::Result<UnixListener> {
        let addr = SocketAddr::from_abstract_name(name.as_bytes())?;
        let listener = StdUnixListener::bind_addr(&addr)?;
        listener.set_nonblocking(true)?;
        UnixListener::from_std(listener)
    }

    impl Bridge {
        /// Serves every connection accepted on `listener` whose peer uid `policy` allows, until
        /// [`Bridge::shutdown`] (then returns as [`Bridge::serve_tcp`] does). Other peers are
        /// closed without a word.
        pub async fn serve_unix(
            &self,
            listener: UnixListener,
            policy: PeerPolicy,
        ) -> io::Result<()> {
            let mut shutdown = self.shared().shutdown.subscribe();
            let mut connections = Connections::default();
            info!(uids = ?policy.allowed_uids(), "bridge listening on a unix socket");
            loop {
                tokio::select! {
                    () = stopped(&mut shutdown) => break,
                    accepted = listener.accept() => match accepted {
                        Ok((stream, _)) => {
                            let uid = match stream.peer_cred() {
                                Ok(cred) => cred.uid(),
                                Err(e) => {
                                    warn!(error = %e, "cannot read the peer's credentials");
                                    continue;
                                }
                            };
                            if !policy.allows(uid) {
                                warn!(uid, "connection refused: peer uid not allowed");
                                continue;
                            }
                            let peer = format!("uid {uid}");
                            connections.spawn(serve(self.shared().clone(), stream, peer));
                        }
                        Err(e) => {
                            warn!(error = %e, "accept failed");
                            tokio::time::sleep(ACCEPT_BACKOFF).await;
                        }
                    },
                }
            }
            drop(listener);
            connections.drain().await;
            Ok(())
        }
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
pub use unix::bind_abstract;
