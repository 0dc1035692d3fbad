//! The limits of what the client takes over HTTP: bodies of bounded size, no redirects, and
//! HTTPS for every endpoint off this machine.

mod http_support;

use std::net::SocketAddr;
use std::sync::atomic::Ordering;

use facekiosk_wxpay::WxpayClient;
use facekiosk_wxpay::http::MAX_BODY_BYTES;
use http_support::{Reply, Script, TestServer, client, client_at, settings_for};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const FACE_SID: &str = "bbaf113f-4171-4332-9c79-dace6d35a917";

/// A server that answers every request with a body that never ends (until the client hangs
/// up).
async fn endless_server() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = format!("2000\r\n{}\r\n", "x".repeat(0x2000));
                while socket.write_all(chunk.as_bytes()).await.is_ok() {}
            });
        }
    });
    addr
}

#[tokio::test]
async fn an_endless_body_ends_with_the_cap_error() {
    let client = client_at(&endless_server().await, 0);
    // Without a cap the client would read until its request timeout: WECHAT_TIMEOUT, after
    // holding everything read so far.
    for err in [
        client.query_user(FACE_SID).await.unwrap_err(),
        client.get_authinfo("raw").await.unwrap_err(),
    ] {
        assert_eq!(err.code(), "WECHAT_RESPONSE_MALFORMED", "{err}");
        let text = err.to_string();
        assert!(text.contains(&MAX_BODY_BYTES.to_string()), "{text}");
        assert!(
            text.contains("facemch") || text.contains("authinfo"),
            "{text}"
        );
    }
}

#[tokio::test]
async fn a_redirect_is_not_followed() {
    let elsewhere = TestServer::start(Script::default()).await;
    let to = |path: &str| format!("http://{}{path}", elsewhere.addr);
    let server = TestServer::start(Script {
        facemch: vec![Reply::Redirect(to(&format!(
            "/v3/facemch/users/{FACE_SID}?info_type=ASK_REAL_NAME&appid=wxd930ea5d5a258f4f"
        )))],
        authinfo: vec![Reply::Redirect(to("/face/get_wxpayface_authinfo"))],
        ..Script::default()
    })
    .await;
    let client = client(&server, 2);
    for err in [
        client.query_user(FACE_SID).await.unwrap_err(),
        client.get_authinfo("raw").await.unwrap_err(),
    ] {
        assert!(err.to_string().contains("does not redirect"), "{err}");
        assert!(err.to_string().contains("302"), "{err}");
        assert!(!err.is_retryable());
    }
    assert_eq!(
        (
            elsewhere.facemch_hits.load(Ordering::SeqCst),
            elsewhere.authinfo_hits.load(Ordering::SeqCst)
        ),
        (0, 0)
    );
    assert_eq!(server.facemch_hits.load(Ordering::SeqCst), 1);
}

#[test]
fn endpoints_off_this_machine_must_be_https() {
    let dir = tempfile::tempdir().unwrap();
    let base = settings_for(dir.path(), "https://api.mch.weixin.qq.com", 0);
    assert!(WxpayClient::from_settings(base.clone()).is_ok());
    for loopback in [
        "http://127.0.0.1:8080",
        "http://127.3.4.5",
        "http://[::1]:9",
        "http://localhost:1",
    ] {
        let mut s = base.clone();
        s.endpoints.payapp = loopback.into();
        s.endpoints.api_mch = loopback.into();
        assert!(WxpayClient::from_settings(s).is_ok(), "{loopback}");
    }
    for (setting, value) in [
        ("endpoints.payapp", "http://payapp.weixin.qq.com"),
        ("endpoints.api_mch", "http://api.mch.weixin.qq.com"),
        ("endpoints.api_mch", "http://10.0.0.1"),
        ("endpoints.payapp", "http://localhost.example.com"),
        ("endpoints.payapp", "ftp://payapp.weixin.qq.com"),
        ("endpoints.api_mch", "not a url"),
        ("endpoints.api_mch", "https://api.mch.weixin.qq.com/?x=1"),
    ] {
        let mut s = base.clone();
        match setting {
            "endpoints.payapp" => s.endpoints.payapp = value.into(),
            _ => s.endpoints.api_mch = value.into(),
        }
        let err = WxpayClient::from_settings(s).unwrap_err();
        assert_eq!(err.code(), "KEY_SETUP", "{value}");
        assert!(err.to_string().contains(setting), "{value}: {err}");
    }
}
