//! A scripted loopback server for the HTTP tests: each endpoint replies from a queue, then
//! with a correct, signed answer made with the fixture keys.

// Shared by several test binaries, each using a part of it.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use facekiosk_pii::Secret;
use facekiosk_wxpay::InfoType;
use facekiosk_wxpay::WxpayClient;
use facekiosk_wxpay::crypto::Padding;
use facekiosk_wxpay::crypto::PrivateKey;
use facekiosk_wxpay::settings::{
    Endpoints, Facemch, Keys, Merchant, Proxy, Store, Timeouts, WxpaySettings,
};
use facekiosk_wxpay::v2::SignType;
use facekiosk_wxpay::v2::{sign, xml};
use facekiosk_wxpay::v3::sign::response_message;

pub const APIV2_KEY: &str = "K3yForTheHttpTestsOnly0123456789";
pub const AUTHINFO: &str = "AUTHINFO-TOKEN-CANARY-91c2";
const PUB_KEY_ID: &str = "PUB_KEY_ID_0119000001092025112400000000000001";

#[derive(Clone, Debug)]
pub enum Reply {
    Status(u16, Option<&'static str>),
    Json(u16, &'static str),
    OwnedJson(u16, String),
    SignErrorWithUrl(&'static str),
    Hang,
    Unsigned,
    BadSignature,
    UnknownSerial,
    Xml(&'static str),
    ForgedXml,
    /// The correct, signed answer (what an empty queue gives), to script what follows it.
    Ok,
    /// payapp's correct answer, but signed with MD5 whatever the request's sign_type.
    Md5Signed,
    /// The previous successful answer of the endpoint again, byte for byte (a replay).
    Replay,
    /// A 302 to this location.
    Redirect(String),
}

#[derive(Clone, Debug, Default)]
pub struct Script {
    pub authinfo: Vec<Reply>,
    pub facemch: Vec<Reply>,
    /// How far the server's `Date` header runs ahead of real time.
    pub clock_ahead: Duration,
    /// Seconds added to the `Wechatpay-Timestamp` of signed responses.
    pub sign_offset: i64,
}

struct Shared {
    authinfo: Mutex<VecDeque<Reply>>,
    facemch: Mutex<VecDeque<Reply>>,
    clock_ahead: Duration,
    sign_offset: i64,
    authinfo_hits: Arc<AtomicUsize>,
    facemch_hits: Arc<AtomicUsize>,
    requests: AtomicUsize,
    last_authinfo: Mutex<Option<String>>,
    last_facemch: Mutex<Option<(HeaderMap, String)>>,
}

#[derive(Debug)]
pub struct TestServer {
    pub addr: SocketAddr,
    pub authinfo_hits: Arc<AtomicUsize>,
    pub facemch_hits: Arc<AtomicUsize>,
}

pub use facekiosk_testkit::fixtures::path as fixture;

fn facemch_body() -> String {
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("vectors.json")).unwrap()).unwrap();
    v["v3_verify"][0]["body"].as_str().unwrap().to_owned()
}

impl TestServer {
    pub async fn start(script: Script) -> Self {
        let authinfo_hits = Arc::new(AtomicUsize::new(0));
        let facemch_hits = Arc::new(AtomicUsize::new(0));
        let shared = Arc::new(Shared {
            authinfo: Mutex::new(script.authinfo.into()),
            facemch: Mutex::new(script.facemch.into()),
            clock_ahead: script.clock_ahead,
            sign_offset: script.sign_offset,
            authinfo_hits: authinfo_hits.clone(),
            facemch_hits: facemch_hits.clone(),
            requests: AtomicUsize::new(0),
            last_authinfo: Mutex::default(),
            last_facemch: Mutex::default(),
        });
        let app = Router::new()
            .route("/face/get_wxpayface_authinfo", post(authinfo))
            .route("/v3/facemch/users/{sid}", get(facemch))
            .with_state(shared);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self {
            addr,
            authinfo_hits,
            facemch_hits,
        }
    }

    /// An address nothing listens on.
    pub async fn dead_address() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        Self {
            addr,
            authinfo_hits: Arc::default(),
            facemch_hits: Arc::default(),
        }
    }
}

fn next(queue: &Mutex<VecDeque<Reply>>) -> Option<Reply> {
    queue.lock().unwrap().pop_front()
}

fn now_secs(shared: &Shared) -> i64 {
    (SystemTime::now() + shared.clock_ahead)
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn base_headers(shared: &Shared) -> HeaderMap {
    let mut h = HeaderMap::new();
    let date = httpdate::fmt_http_date(SystemTime::now() + shared.clock_ahead);
    h.insert("Date", HeaderValue::from_str(&date).unwrap());
    let n = shared.requests.fetch_add(1, Ordering::SeqCst);
    h.insert(
        "Request-ID",
        HeaderValue::from_str(&format!("REQ-{n:04}")).unwrap(),
    );
    h
}

async fn authinfo(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    shared.authinfo_hits.fetch_add(1, Ordering::SeqCst);
    let headers = base_headers(&shared);
    let key = Secret::new(APIV2_KEY);
    let request = xml::parse(&body).expect("the client sends valid XML");
    let sign_type = request
        .get("sign_type")
        .and_then(|t| SignType::parse(t))
        .expect("the client names its sign type");
    sign::verify(&request, &key, sign_type).expect("the client signs correctly");
    let reply = match next(&shared.authinfo) {
        Some(Reply::Xml(x)) => x.to_owned(),
        Some(Reply::Replay) => shared
            .last_authinfo
            .lock()
            .unwrap()
            .clone()
            .expect("an answer to replay"),
        Some(Reply::Ok) | None => signed_authinfo(&shared, &request, &key, sign_type),
        Some(Reply::Md5Signed) => signed_authinfo(&shared, &request, &key, SignType::Md5),
        Some(other) => return common(other, headers).await,
    };
    (StatusCode::OK, headers, reply).into_response()
}

fn signed_authinfo(
    shared: &Shared,
    request: &sign::Fields,
    key: &Secret,
    sign_type: SignType,
) -> String {
    let mut f = sign::Fields::new();
    for (k, v) in [
        ("return_code", "SUCCESS"),
        ("return_msg", "OK"),
        ("authinfo", AUTHINFO),
        ("expires_in", "3600"),
    ] {
        f.insert(k.into(), v.into());
    }
    // A fresh nonce per answer, as WeChat's: the client remembers them against replays.
    let n = shared.requests.load(Ordering::SeqCst);
    f.insert("nonce_str".into(), format!("n0nce{n}"));
    f.insert("appid".into(), request["appid"].clone());
    f.insert("mch_id".into(), request["mch_id"].clone());
    let s = sign::sign(&f, key, sign_type);
    f.insert("sign".into(), s);
    let x = xml::write(&f).unwrap();
    *shared.last_authinfo.lock().unwrap() = Some(x.clone());
    x
}

async fn facemch(State(shared): State<Arc<Shared>>) -> Response {
    shared.facemch_hits.fetch_add(1, Ordering::SeqCst);
    let mut headers = base_headers(&shared);
    let reply = next(&shared.facemch);
    if let Some(Reply::Replay) = reply {
        let (headers, body) = shared
            .last_facemch
            .lock()
            .unwrap()
            .clone()
            .expect("an answer to replay");
        return (StatusCode::OK, headers, body).into_response();
    }
    let body = facemch_body();
    let (serial, key_file, sign_body) = match &reply {
        None | Some(Reply::Ok) | Some(Reply::Unsigned) => {
            (PUB_KEY_ID, "wechatpay_key.pem", body.clone())
        }
        Some(Reply::BadSignature) => (PUB_KEY_ID, "other_key.pem", body.clone()),
        Some(Reply::UnknownSerial) => ("00AA", "wechatpay_key.pem", body.clone()),
        Some(other) => return common(other.clone(), headers).await,
    };
    if !matches!(reply, Some(Reply::Unsigned)) {
        let key = PrivateKey::from_file(&fixture(key_file)).unwrap();
        let ts = (now_secs(&shared) + shared.sign_offset).to_string();
        let nonce = format!("resp-nonce-{}", shared.requests.load(Ordering::SeqCst));
        let signature = key.sign_sha256(&response_message(&ts, &nonce, sign_body.as_bytes()));
        for (k, v) in [
            ("Wechatpay-Timestamp", ts.as_str()),
            ("Wechatpay-Nonce", nonce.as_str()),
            ("Wechatpay-Signature", signature.as_str()),
            ("Wechatpay-Serial", serial),
        ] {
            headers.insert(k, HeaderValue::from_str(v).unwrap());
        }
    }
    *shared.last_facemch.lock().unwrap() = Some((headers.clone(), body.clone()));
    (StatusCode::OK, headers, body).into_response()
}

async fn common(reply: Reply, mut headers: HeaderMap) -> Response {
    let json = |status: u16, body: String, headers: HeaderMap| {
        (StatusCode::from_u16(status).unwrap(), headers, body).into_response()
    };
    match reply {
        Reply::Status(status, retry_after) => {
            if let Some(r) = retry_after {
                headers.insert("Retry-After", HeaderValue::from_static(r));
            }
            json(
                status,
                r#"{"code":"SYSTEM_ERROR","message":"系统繁忙"}"#.into(),
                headers,
            )
        }
        Reply::Json(status, body) => json(status, body.into(), headers),
        Reply::OwnedJson(status, body) => json(status, body, headers),
        Reply::SignErrorWithUrl(url) => {
            let body = serde_json::json!({
                "code": "SIGN_ERROR",
                "message": "签名错误，请检查后再试",
                "detail": {"sign_information": {"method": "GET", "url": url,
                    "truncated_sign_message": format!("GET\n{url}\n1\n")}}
            });
            json(401, body.to_string(), headers)
        }
        Reply::Hang => {
            tokio::time::sleep(Duration::from_secs(30)).await;
            json(200, "{}".into(), headers)
        }
        Reply::ForgedXml => {
            let x = format!(
                "<xml><return_code>SUCCESS</return_code><authinfo>{AUTHINFO}</authinfo><expires_in>3600</expires_in><sign>{}</sign></xml>",
                "0".repeat(64)
            );
            (StatusCode::OK, headers, x).into_response()
        }
        Reply::Xml(x) => (StatusCode::OK, headers, x).into_response(),
        Reply::Redirect(location) => {
            headers.insert("Location", HeaderValue::from_str(&location).unwrap());
            (StatusCode::FOUND, headers, "").into_response()
        }
        Reply::Unsigned
        | Reply::BadSignature
        | Reply::UnknownSerial
        | Reply::Replay
        | Reply::Ok
        | Reply::Md5Signed => unreachable!(),
    }
}

pub fn client(server: &TestServer, retries: u32) -> WxpayClient {
    client_with(server, retries, None)
}

/// Settings for a client of `base` (an origin such as `http://127.0.0.1:PORT`), with its key
/// files in `dir`, owner-only as the client demands.
pub fn settings_for(dir: &std::path::Path, base: &str, retries: u32) -> WxpaySettings {
    let secret = |name: &str, text: &[u8]| {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        owner_only(&path);
        path
    };
    let apiv2_key_file = secret("apiv2.key", APIV2_KEY.as_bytes());
    let merchant_private_key = secret(
        "merchant_key.pem",
        &std::fs::read(fixture("merchant_key.pem")).unwrap(),
    );
    WxpaySettings {
        merchant: Merchant {
            appid: "wxd930ea5d5a258f4f".into(),
            mch_id: "1900000109".into(),
            sub_appid: None,
            sub_mch_id: None,
        },
        store: Store {
            store_id: "HOSP-001".into(),
            store_name: "测试医院 门诊一楼".into(),
        },
        device_id: "KIOSK-07".into(),
        facemch: Facemch {
            info_type: InfoType::AskRealName,
            padding: Padding::Pkcs1v15,
        },
        endpoints: Endpoints {
            payapp: base.to_owned(),
            api_mch: base.to_owned(),
        },
        keys: Keys {
            apiv2_key_file,
            apiv2_sign_type: SignType::HmacSha256,
            merchant_private_key,
            merchant_certificate: fixture("merchant_cert.pem"),
            merchant_serial: None,
            wechatpay_public_key: Some(fixture("wechatpay_pub_key.pem")),
            wechatpay_public_key_id: Some(PUB_KEY_ID.into()),
            platform_certificates: Vec::new(),
            sub_merchant_serial: None,
            sub_merchant_private_key: None,
        },
        proxy: None,
        timeouts: Timeouts {
            connect: Duration::from_millis(500),
            request: Duration::from_millis(1000),
            retries,
            ..Timeouts::default()
        },
    }
}

/// Git keeps no permissions but the executable bit: a checkout's key fixtures are 0644.
pub fn owner_only(path: &std::path::Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// `client` going through the HTTP proxy `proxy`, with its credentials.
pub fn client_via_proxy(server: &TestServer, proxy: &TestProxy) -> WxpayClient {
    let proxy = Proxy {
        url: format!("http://{}", proxy.addr),
        username: Some("kiosk".into()),
        password: Some(Secret::new("pr0xy-secret")),
    };
    client_with(server, 0, Some(proxy))
}

fn client_with(server: &TestServer, retries: u32, proxy: Option<Proxy>) -> WxpayClient {
    client_with_addr(&server.addr, retries, proxy)
}

/// A client of whatever listens on `addr`.
pub fn client_at(addr: &SocketAddr, retries: u32) -> WxpayClient {
    client_with_addr(addr, retries, None)
}

fn client_with_addr(addr: &SocketAddr, retries: u32, proxy: Option<Proxy>) -> WxpayClient {
    let dir = tempfile::tempdir().unwrap();
    let settings = WxpaySettings {
        proxy,
        ..settings_for(dir.path(), &format!("http://{addr}"), retries)
    };
    WxpayClient::from_settings(settings).unwrap()
}

/// Relays connections to `origin`, except the first, which it resets (TCP RST) once the
/// request head has arrived: a connection cut under a request already sent.
#[derive(Debug)]
pub struct ResetOnce {
    pub addr: SocketAddr,
    pub resets: Arc<AtomicUsize>,
}

impl ResetOnce {
    pub async fn start(origin: SocketAddr) -> Self {
        use tokio::io::AsyncReadExt;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let resets = Arc::new(AtomicUsize::new(0));
        let counted = resets.clone();
        tokio::spawn(async move {
            let mut first = true;
            while let Ok((mut client, _)) = listener.accept().await {
                if std::mem::take(&mut first) {
                    let mut head = Vec::new();
                    let mut buf = [0u8; 1024];
                    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                        match client.read(&mut buf).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => head.extend_from_slice(&buf[..n]),
                        }
                    }
                    client.set_zero_linger().unwrap();
                    drop(client);
                    counted.fetch_add(1, Ordering::SeqCst);
                    continue;
                }
                tokio::spawn(async move {
                    let mut origin = tokio::net::TcpStream::connect(origin).await.unwrap();
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut origin).await;
                });
            }
        });
        Self { addr, resets }
    }
}

/// Every log line, at every level (span closes included), in one buffer: the global subscriber
/// of the test binary, installed by the first call (`facekiosk_testkit::logs`).
#[allow(unused_imports)] // not every test binary captures its logs
pub use facekiosk_testkit::logs::capture as capture_logs;

/// A minimal HTTP forward proxy: records the first request head it relays, then splices the
/// connection to the origin the absolute-form request names.
#[derive(Debug)]
pub struct TestProxy {
    pub addr: SocketAddr,
    pub heads: Arc<Mutex<Vec<String>>>,
}

impl TestProxy {
    pub async fn start() -> Self {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let heads = Arc::new(Mutex::new(Vec::new()));
        let recorded = heads.clone();
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let recorded = recorded.clone();
                tokio::spawn(async move {
                    let mut head = Vec::new();
                    let mut byte = [0u8; 1];
                    while !head.ends_with(b"\r\n\r\n") {
                        if client.read_exact(&mut byte).await.is_err() {
                            return;
                        }
                        head.push(byte[0]);
                    }
                    let text = String::from_utf8_lossy(&head).into_owned();
                    let target = text
                        .split_whitespace()
                        .nth(1)
                        .and_then(|uri| uri.strip_prefix("http://"))
                        .and_then(|rest| rest.split('/').next())
                        .unwrap_or_default()
                        .to_owned();
                    recorded.lock().unwrap().push(text);
                    let Ok(mut origin) = tokio::net::TcpStream::connect(target).await else {
                        return;
                    };
                    origin.write_all(&head).await.unwrap();
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut origin).await;
                });
            }
        });
        Self { addr, heads }
    }
}
