//! The abstract unix socket listener and its peer-uid check (Linux hosts; the same code paths
//! compile for Android).
#![cfg(any(target_os = "linux", target_os = "android"))]

mod common;

use std::sync::Arc;

use common::{Client, ScriptedSdk, device, pairing_key};
use facekiosk_bridge::protocol::{Method, Params};
use facekiosk_bridge::{Bridge, PeerPolicy, ServerConfig, bind_abstract};
use tokio::net::UnixStream;

#[cfg(target_os = "android")]
use std::os::android::net::SocketAddrExt;
#[cfg(target_os = "linux")]
use std::os::linux::net::SocketAddrExt;

fn unique_name(tag: &str) -> String {
    format!("facekiosk-bridge-test-{tag}-{}", std::process::id())
}

async fn connect(name: &str) -> UnixStream {
    let addr = std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes()).unwrap();
    let std = std::os::unix::net::UnixStream::connect_addr(&addr).unwrap();
    std.set_nonblocking(true).unwrap();
    UnixStream::from_std(std).unwrap()
}

async fn serve(name: &str, policy: PeerPolicy) -> Bridge {
    let bridge = Bridge::new(
        Arc::new(ScriptedSdk::new()),
        ServerConfig::new(device(), pairing_key()),
    )
    .unwrap();
    let listener = bind_abstract(name).unwrap();
    let server = bridge.clone();
    tokio::spawn(async move { server.serve_unix(listener, policy).await.unwrap() });
    bridge
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn own_uid_is_served_over_the_abstract_socket() {
    let name = unique_name("ok");
    let bridge = serve(&name, PeerPolicy::for_this_process()).await;
    let mut c = Client::over(connect(&name).await);
    let hello = c.handshake().await;
    assert_eq!(hello.device, device());
    c.request(1, Method::GetWxpayfaceRawdata, Params::new(), 2000)
        .await;
    assert!(c.recv_response().await.outcome.is_ok());
    bridge.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_uid_not_on_the_list_is_closed_without_a_hello() {
    let name = unique_name("refused");
    let own = facekiosk_bridge::server::peer_cred::own_uid().unwrap();
    // Root and shell only; this test process is neither (or, as root, is refused by leaving
    // root out of the list too).
    let allowed = [0u32, 2000].into_iter().filter(|uid| *uid != own);
    let bridge = serve(&name, PeerPolicy::only(allowed)).await;
    let mut c = Client::over(connect(&name).await);
    c.expect_eof().await;
    bridge.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_name_cannot_be_bound_twice() {
    let name = unique_name("twice");
    let _first = bind_abstract(&name).unwrap();
    let err = bind_abstract(&name).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::AddrInUse);
}
