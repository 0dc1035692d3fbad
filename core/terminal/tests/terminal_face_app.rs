//! `[terminal.face_app]` reaches the face app: the settings' init Map and screen, through
//! [`TerminalSettings::options`] (what the kiosk's wiring gives its terminal), arrive at the
//! scripted SDK behind the real bridge server under the SDK's own keys.

mod terminal_support;

use facekiosk_pii::Secret;
use facekiosk_terminal::{
    BridgeClient, BridgeTerminal, FaceAppSettings, FaceCodeRequest, FaceProxy, FaceScreen,
    FaceTerminal, InitOptions, PerformMode, ProxyKind, ScreenIndex, TerminalSettings,
};
use facekiosk_testkit::SdkMethod;
use terminal_support::{connect, start_bridge};

const PASSWORD: &str = "PW-CANARY-4417";

fn settings() -> TerminalSettings {
    TerminalSettings {
        face_app: FaceAppSettings {
            init: InitOptions {
                proxy: Some(FaceProxy {
                    host: "10.0.0.5".into(),
                    port: 3128,
                    user: Some("kiosk".into()),
                    password: Some(Secret::new(PASSWORD)),
                    kind: Some(ProxyKind::HttpTunnel),
                    tcp_port: None,
                }),
                perform_mode: Some(PerformMode::Normal),
            },
            screen: FaceScreen {
                screen_index: Some(ScreenIndex::Presentation),
                overlay_option: Some(false),
            },
        },
        ..TerminalSettings::default()
    }
}

/// A face scan through `terminal` that the scripted SDK answers with success.
async fn scan(terminal: &BridgeTerminal<BridgeClient>, request: &FaceCodeRequest) {
    let reply = terminal.face_code(request).await.unwrap();
    assert!(reply.outcome.is_success());
}

fn request() -> FaceCodeRequest {
    FaceCodeRequest::new(
        "wx2421b1c4370ec43b",
        "10000100",
        "1001",
        Secret::new("AUTH"),
    )
}

#[tokio::test]
async fn the_face_app_settings_reach_the_sdk_under_its_keys() {
    let t = start_bridge().await;
    let settings = settings();
    let terminal = BridgeTerminal::new(connect(t.addr).await, settings.options());
    assert!(terminal.init().await.unwrap().outcome.is_success());
    scan(&terminal, &request()).await;

    let init = &t.sdk.params_of(SdkMethod::InitWxpayface)[0];
    let sent: Vec<(&str, &str)> = init.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(
        sent,
        [
            ("ip", "10.0.0.5"),
            ("passwd", PASSWORD),
            ("perform_mode", "NORMAL_PRFORM"),
            ("port", "3128"),
            ("proxy_type", "1"),
            ("user", "kiosk"),
        ]
    );
    let face = &t.sdk.params_of(SdkMethod::GetWxpayfaceCode)[0];
    assert_eq!(face["screen_index"], "3");
    assert_eq!(face["overlay_option"], "0");

    let shown = format!("{settings:?} {:?}", settings.options());
    assert!(!shown.contains(PASSWORD), "{shown}");
}

#[tokio::test]
async fn a_request_that_names_its_screen_keeps_it_and_defaults_send_nothing_extra() {
    let t = start_bridge().await;
    let terminal = BridgeTerminal::new(connect(t.addr).await, settings().options());
    let mut own = request();
    own.screen_index = Some("1".into());
    scan(&terminal, &own).await;
    let face = &t.sdk.params_of(SdkMethod::GetWxpayfaceCode)[0];
    assert_eq!(face["screen_index"], "1");
    assert_eq!(face["overlay_option"], "0");

    let t = start_bridge().await;
    let plain = TerminalSettings::default().options();
    let terminal = BridgeTerminal::new(connect(t.addr).await, plain);
    scan(&terminal, &request()).await;
    assert!(t.sdk.params_of(SdkMethod::InitWxpayface)[0].is_empty());
    let face = &t.sdk.params_of(SdkMethod::GetWxpayfaceCode)[0];
    assert!(!face.contains_key("screen_index") && !face.contains_key("overlay_option"));
}
