//! `facekiosk-sandbox terminal --listen ADDR` as a separate process, and the kiosk's own
//! clients (terminal and WeChat) completing the documented sequence against it: init,
//! rawdata, authinfo, face code, auth "0" then the facemch query for a new patient, and
//! auth "1" for a returning one.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};

use facekiosk_terminal::{
    AuthRequest, BridgeTerminal, FaceCodeRequest, FaceTerminal, Outcome, TerminalOptions,
    TerminalTarget,
};
use facekiosk_wxpay::WxpayClient;

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the binary in `cwd` with a relative data dir (`sandbox`), and reads its banner up to
/// `ready`: (admin base URL, terminal address).
fn start(cwd: &std::path::Path) -> (Running, String, SocketAddr) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_facekiosk-sandbox"))
        .args([
            "terminal",
            "--listen",
            "127.0.0.1:0",
            "--data-dir",
            "sandbox",
        ])
        .current_dir(cwd)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let running = Running(child);
    let (mut base, mut terminal) = (None, None);
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        if let Some(url) = line.strip_prefix("facekiosk-sandbox listening on ") {
            base = Some(url.trim().to_owned());
        }
        if let Some(rest) = line.trim().strip_prefix("simulated terminal:") {
            terminal = rest.split_whitespace().next().map(|a| a.parse().unwrap());
        }
        if line == "ready" {
            break;
        }
    }
    (
        running,
        base.expect("listening line"),
        terminal.expect("terminal line"),
    )
}

async fn pick(base: &str, persona: &str) {
    let r = reqwest::Client::new()
        .put(format!("{base}/sandbox/face-app/persona"))
        .header("content-type", "application/json")
        .body(serde_json::json!({ "persona": persona }).to_string())
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
}

#[tokio::test]
async fn the_kiosk_completes_the_documented_sequence_against_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let (_sandbox, base, addr) = start(dir.path());
    // The config it wrote works from anywhere (its key paths are absolute) and names the
    // simulated terminal.
    let config = facekiosk_config::load(&dir.path().join("sandbox/kiosk.toml")).unwrap();
    assert_eq!(config.terminal.direct, Some(addr));
    let (appid, mch_id, store) = (
        config.wxpay.merchant.appid.clone(),
        config.wxpay.merchant.mch_id.clone(),
        config.wxpay.store.store_id.clone(),
    );
    let wechat = WxpayClient::from_settings(config.wxpay.clone()).unwrap();
    // Paired with the key the sandbox wrote beside its kiosk.toml, as a kiosk would be.
    let terminal = BridgeTerminal::spawn(
        TerminalTarget::Direct(addr),
        config.terminal.link_options(),
        TerminalOptions::default(),
    );

    assert!(terminal.init().await.unwrap().outcome.is_success());
    let Outcome::Success(rawdata) = terminal.rawdata().await.unwrap().outcome else {
        panic!("no rawdata")
    };
    let authinfo = wechat
        .get_authinfo(rawdata.expose())
        .await
        .unwrap()
        .authinfo;
    let request = FaceCodeRequest::new(&appid, &mch_id, &store, authinfo.clone());

    // A new patient: confirms on WeChat's screen, then the real name is fetched.
    pick(&base, "zhang-san").await;
    let Outcome::Success(code) = terminal.face_code(&request).await.unwrap().outcome else {
        panic!("face code failed")
    };
    let auth = AuthRequest::authorise(authinfo.clone(), code.face_sid.clone());
    assert!(terminal.auth(&auth).await.unwrap().outcome.is_success());
    let identity = wechat.query_user(code.face_sid.reveal()).await.unwrap();
    assert_eq!(
        identity.openid.as_ref().unwrap().reveal(),
        code.openid.reveal()
    );
    assert!(identity.real_name.is_some());

    // A returning patient: the kiosk closes the auth with "1"; nothing is fetched.
    pick(&base, "registered").await;
    let Outcome::Success(code) = terminal.face_code(&request).await.unwrap().outcome else {
        panic!("face code failed")
    };
    let quit = AuthRequest::quit(authinfo, code.face_sid.clone());
    assert!(terminal.auth(&quit).await.unwrap().outcome.is_success());
    let e = wechat.query_user(code.face_sid.reveal()).await.unwrap_err();
    assert_eq!(
        e.code(),
        "WECHAT_REQUEST_REJECTED",
        "an unconfirmed face_sid reveals nothing"
    );
}
