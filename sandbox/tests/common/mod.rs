//! Shared by the sandbox's integration tests: a sandbox on loopback with key material shared
//! across runs, the core client built from the kiosk.toml it wrote, and a raw APIv3 signer.

#![allow(dead_code)]

pub mod his;
pub mod session;

use std::path::PathBuf;

use facekiosk_sandbox::{Options, Sandbox, SandboxHandle, StartOptions};
use facekiosk_session::Settings;
use facekiosk_wxpay::WxpayClient;
use facekiosk_wxpay::crypto::PrivateKey;
use facekiosk_wxpay::v3::MerchantSigner;

/// The key material, made once and reused by every test and every run.
pub fn keys_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("sandbox-keys")
}

pub struct Running {
    pub sandbox: SandboxHandle,
    pub dir: tempfile::TempDir,
}

impl std::ops::Deref for Running {
    type Target = SandboxHandle;
    fn deref(&self) -> &SandboxHandle {
        &self.sandbox
    }
}

pub async fn start_with(options: Options) -> Running {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = Sandbox::start(
        StartOptions::new(dir.path())
            .keys_dir(keys_dir())
            .options(options),
    )
    .await
    .unwrap();
    Running { sandbox, dir }
}

pub async fn start() -> Running {
    start_with(Options::default()).await
}

/// The kiosk's configuration as the sandbox wrote it (direct merchant, or service provider).
pub fn config(sb: &SandboxHandle, sp: bool) -> Settings {
    let path = if sp {
        &sb.paths.kiosk_config_sp
    } else {
        &sb.paths.kiosk_config
    };
    facekiosk_config::load(path).unwrap()
}

/// The core client from the sandbox's kiosk.toml, after `tweak`.
pub fn client_with(sb: &SandboxHandle, sp: bool, tweak: impl FnOnce(&mut Settings)) -> WxpayClient {
    let mut c = config(sb, sp);
    tweak(&mut c);
    WxpayClient::from_settings(c.wxpay).unwrap()
}

pub fn client(sb: &SandboxHandle) -> WxpayClient {
    client_with(sb, false, |_| {})
}

/// A client that neither retries nor waits long.
pub fn impatient(sb: &SandboxHandle) -> WxpayClient {
    client_with(sb, false, |c| {
        c.wxpay.timeouts.retries = 0;
        c.wxpay.timeouts.request = std::time::Duration::from_millis(1500);
    })
}

pub fn now() -> i64 {
    facekiosk_wxpay::unix_now()
}

/// The direct merchant's signer.
pub fn merchant_signer(sb: &SandboxHandle) -> MerchantSigner {
    let m = &sb.material().merchant;
    MerchantSigner::new(&m.mch_id, &m.serial, m.key.clone())
}

pub fn sp_signer(sb: &SandboxHandle) -> MerchantSigner {
    let m = &sb.material().service_provider;
    MerchantSigner::new(&m.mch_id, &m.serial, m.key.clone())
}

pub fn other_key() -> PrivateKey {
    PrivateKey::from_pem(
        "other",
        &std::fs::read_to_string(keys_dir().join("sub_merchant/apiclient_key.pem")).unwrap(),
    )
    .unwrap()
}

/// What an APIv3 GET answered.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    /// Asserts an APIv3 error: status, code and message exactly.
    pub fn assert_error(&self, status: u16, code: &str, message: &str) {
        assert_eq!(self.status, status, "{}", self.body);
        let v = self.json();
        assert_eq!(v["code"], code, "{}", self.body);
        assert_eq!(v["message"], message, "{}", self.body);
        assert!(
            self.header("Wechatpay-Signature").is_none(),
            "errors are unsigned"
        );
        assert!(
            self.header("Request-ID").is_some(),
            "errors carry a Request-ID"
        );
    }
}

pub fn http() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

/// GET `path_and_query` with an Authorization header made by `signer` at `ts`.
pub async fn signed_get(
    sb: &SandboxHandle,
    signer: &MerchantSigner,
    path_and_query: &str,
    ts: i64,
) -> Answer {
    let auth = signer.authorization("GET", path_and_query, ts, "NONCE0123456789", "");
    raw_get(sb, path_and_query, Some(&auth.to_string()), &[]).await
}

pub async fn raw_get(
    sb: &SandboxHandle,
    path_and_query: &str,
    authorization: Option<&str>,
    extra: &[(&str, &str)],
) -> Answer {
    let mut req = http()
        .get(format!("{}{}", sb.base_url, path_and_query))
        .header("Accept", "application/json");
    if let Some(a) = authorization {
        req = req.header("Authorization", a);
    }
    for (k, v) in extra {
        req = req.header(*k, *v);
    }
    let r = req.send().await.unwrap();
    Answer {
        status: r.status().as_u16(),
        headers: r.headers().clone(),
        body: r.text().await.unwrap(),
    }
}

pub fn facemch_path(face_sid: &str, query: &str) -> String {
    format!("/v3/facemch/users/{face_sid}?{query}")
}
