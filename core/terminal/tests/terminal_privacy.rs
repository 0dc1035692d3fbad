//! No personal data from the terminal in a log line or a `Debug` dump: a whole session's worth of
//! terminal calls (through the adb link, the real bridge server and the SDK double) with canary
//! openid, sub_openid, face_sid, rawdata, authinfo and proxy password, failures included, then
//! every log line (ours, the bridge's, at TRACE) and every `Debug` of what the calls returned is
//! searched for them. Its own test binary: the log subscriber is global.

mod terminal_support;

use std::time::Duration;

use facekiosk_bridge::protocol::SOCKET_NAME;
use facekiosk_pii::Secret;
use facekiosk_terminal::link::{AdbProgram, AdbTarget};
use facekiosk_terminal::{
    AuthRequest, BridgeTerminal, CallTimeouts, FaceCodeRequest, FaceProxy, FaceTerminal,
    InitOptions, LinkStatus, ProxyKind, TerminalLink, TerminalOptions, TerminalTarget,
};
use facekiosk_testkit::SdkMethod;
use facekiosk_testkit::logs;
use facekiosk_testkit::sdk::{self as scripted_sdk, Act, fail};
use terminal_support::fake_adb::FakeAdb;
use terminal_support::{fast_link, fast_terminal, start_bridge, wait_status};

const AUTHINFO: &str = "AUTHINFO-CANARY-77aa";
const PROXY_PASSWORD: &str = "PROXYPW-CANARY-31";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_openid_face_sid_rawdata_or_authinfo_in_logs_or_debug() {
    let logs = logs::capture();
    let fake = FakeAdb::start().await;
    let t = start_bridge().await;
    fake.plug("FAKE123", "device", Some(t.addr));
    let link = TerminalLink::spawn(
        TerminalTarget::Adb(AdbTarget {
            server: fake.addr,
            serial: None,
            program: AdbProgram::None,
            remote: format!("localabstract:{SOCKET_NAME}"),
            start_server: false,
        }),
        fast_link(),
    );
    wait_status(&mut link.status(), "connected", LinkStatus::is_connected).await;
    let options = TerminalOptions {
        init: InitOptions {
            proxy: Some(FaceProxy {
                host: "10.1.2.3".into(),
                port: 3128,
                user: Some("kiosk".into()),
                password: Some(Secret::new(PROXY_PASSWORD)),
                kind: Some(ProxyKind::Http),
                tcp_port: None,
            }),
            perform_mode: None,
        },
        timeouts: CallTimeouts {
            authorise: Duration::from_millis(300),
            ..CallTimeouts::default()
        },
        ..fast_terminal()
    };
    let terminal = BridgeTerminal::new(link.clone(), options);
    let mut shown = Vec::new();

    shown.push(format!("{:?}", terminal.init().await));
    let rawdata = terminal.rawdata().await;
    shown.push(format!("{rawdata:?}"));
    let mut request = FaceCodeRequest::new("wx1", "1900", "store-1", Secret::new(AUTHINFO));
    request.sub_appid = Some("wx2".into());
    shown.push(format!("{request:?}"));
    t.sdk.then(
        SdkMethod::GetWxpayfaceCode,
        Act::Reply(fail(271_378_620, "刷脸服务未初始化")),
    );
    let face = terminal.face_code(&request).await.unwrap();
    shown.push(format!("{face:?}"));
    shown.push(format!("{:?}", face.raw));
    let code = face.outcome.success().unwrap();
    shown.push(format!("{code:?}"));
    shown.push(format!("{} {}", code.face_sid, code.openid));
    let authorise = AuthRequest::authorise(Secret::new(AUTHINFO), code.face_sid.clone());
    shown.push(format!("{authorise:?}"));
    shown.push(format!("{:?}", terminal.auth(&authorise).await));
    // A call that times out: its error names the method, nothing else.
    t.sdk.then(SdkMethod::GetWxpayAuth, Act::Never);
    let err = terminal.auth(&authorise).await.unwrap_err();
    shown.push(format!("{err:?} {err}"));
    let quit = AuthRequest::quit(Secret::new(AUTHINFO), code.face_sid.clone());
    shown.push(format!("{:?}", terminal.auth(&quit).await));
    shown.push(format!("{:?}", *terminal.status().borrow()));
    shown.push(format!("{terminal:?}"));
    // An unplug mid-call.
    t.sdk.then(SdkMethod::GetWxpayfaceCode, Act::Never);
    let call = terminal.face_code(&request);
    let unplug = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        fake.unplug("FAKE123");
    };
    let (result, ()) = tokio::join!(call, unplug);
    shown.push(format!("{result:?}"));
    drop(terminal);
    link.shutdown();
    tokio::time::sleep(Duration::from_millis(200)).await;

    let logs = logs.contents();
    // The calls were logged.
    assert!(logs.contains("getWxpayfaceCode"), "{logs}");
    assert!(logs.contains("outcome=\"success\""), "{logs}");
    for canary in [
        scripted_sdk::OPENID,
        scripted_sdk::SUB_OPENID,
        scripted_sdk::FACE_SID,
        scripted_sdk::RAWDATA,
        AUTHINFO,
        PROXY_PASSWORD,
    ] {
        assert!(
            !logs.contains(canary),
            "{canary} leaked into the logs:\n{logs}"
        );
        for s in &shown {
            assert!(
                !s.contains(canary),
                "{canary} leaked into a Debug or Display: {s}"
            );
        }
    }
    // The values did reach the SDK.
    let face_params = t.sdk.params_of(SdkMethod::GetWxpayfaceCode);
    assert_eq!(face_params[0]["authinfo"], AUTHINFO);
    assert_eq!(
        t.sdk.params_of(SdkMethod::InitWxpayface)[0]["passwd"],
        PROXY_PASSWORD
    );
    assert_eq!(
        t.sdk.params_of(SdkMethod::GetWxpayAuth)[0]["face_sid"],
        scripted_sdk::FACE_SID
    );
}
