//! Pairing (protocol v2): the kiosk sends nothing but its hello to whatever answers on the
//! bridge socket until that peer has proven it holds the kiosk's pairing key, and the real
//! bridge serves no kiosk that cannot prove it holds the bridge's. The key never reaches a log
//! line, an error or a `Debug` dump. Its own test binary: the log subscriber is global.

mod terminal_support;

use facekiosk_bridge::protocol::PairingKey;
use facekiosk_terminal::{
    BridgeClient, BridgeTerminal, ConnectError, FaceTerminal, LinkState, LinkStatus, Pairing,
    TerminalError, TerminalSettings, TerminalTarget, Unpaired,
};
use facekiosk_testkit::logs;
use terminal_support::raw_bridge::{self, Misbehaviour, stranger_key};
use terminal_support::{
    KEY_FILE, WAIT, fast_client, fast_link, fast_terminal, pairing_key, start_bridge,
    start_bridge_with, wait_status,
};

/// Every way the key could be written out.
fn renderings(key: &PairingKey) -> Vec<String> {
    use base64::Engine;
    let hex = key.to_hex().to_string();
    let bytes = hex::decode(&hex).unwrap();
    vec![
        hex.clone(),
        hex.to_uppercase(),
        base64::engine::general_purpose::STANDARD.encode(&bytes),
        format!("{bytes:?}"),
    ]
}

fn assert_no_key(text: &str, what: &str) {
    for key in [pairing_key(), stranger_key()] {
        for rendering in renderings(&key) {
            assert!(
                !text.contains(&rendering),
                "{what} shows a pairing key: {text}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bridge_with_another_key_is_refused_as_unpaired_and_gets_no_request() {
    let logs = logs::capture();
    let t = start_bridge_with(|c| c.pairing = stranger_key()).await;

    let err = BridgeClient::connect_tcp(t.addr, &fast_client())
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            ConnectError::BridgeUnpaired { why: Unpaired::RefusedByBridge, key_file }
                if key_file == KEY_FILE
        ),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(text.contains("BRIDGE_UNPAIRED"), "{text}");
    assert!(
        text.contains("pair the bridge with the kiosk's key in"),
        "{text}"
    );
    assert!(text.contains(KEY_FILE), "{text}");

    // Through the link a session uses: the status says unpaired, and a call never reaches
    // the SDK behind the unpaired bridge.
    let terminal =
        BridgeTerminal::spawn(TerminalTarget::Direct(t.addr), fast_link(), fast_terminal());
    let mut status = terminal.status();
    let unpaired = wait_status(&mut status, "bridge unpaired", |s| {
        matches!(s, LinkStatus::BridgeUnpaired { .. })
    })
    .await;
    assert_eq!(unpaired.state(), LinkState::BridgeUnpaired);
    assert!(unpaired.to_string().contains(KEY_FILE), "{unpaired}");
    let call = terminal.rawdata().await.unwrap_err();
    assert!(
        matches!(call, TerminalError::NotConnected { .. }),
        "{call:?}"
    );
    assert!(
        t.sdk.calls().is_empty(),
        "the unpaired bridge's SDK was called"
    );

    assert_no_key(&text, "the error");
    assert_no_key(&format!("{err:?}"), "the error's Debug");
    assert_no_key(&unpaired.to_string(), "the link status");
    assert_no_key(&logs.contents(), "the log");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_impostor_without_the_key_gets_nothing_after_the_hello() {
    let logs = logs::capture();
    let (addr, received) = raw_bridge::start_counting(Misbehaviour::Impostor).await;

    let err = BridgeClient::connect_tcp(addr, &fast_client())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            ConnectError::BridgeUnpaired {
                why: Unpaired::BadBridgeProof,
                ..
            }
        ),
        "{err:?}"
    );
    // The kiosk has closed its side; once the impostor sees that, it has read all it will get.
    let t0 = std::time::Instant::now();
    while received.ended() < 1 {
        assert!(
            t0.elapsed() < WAIT,
            "the kiosk did not close the connection"
        );
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    assert_eq!(
        received.count(),
        0,
        "a frame went to the impostor after the hello"
    );
    assert_no_key(&logs.contents(), "the log");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kiosk_without_a_key_accepts_no_bridge() {
    let t = start_bridge().await;
    let options = facekiosk_terminal::ClientOptions {
        pairing: None,
        ..fast_client()
    };
    let err = BridgeClient::connect_tcp(t.addr, &options)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            ConnectError::BridgeUnpaired {
                why: Unpaired::NoKey,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("terminal.pairing_key_file"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_paired_kiosk_is_served_and_settings_carry_the_key_without_showing_it() {
    let t = start_bridge().await;
    let client = BridgeClient::connect_tcp(t.addr, &fast_client())
        .await
        .unwrap();
    assert!(client.is_alive());

    let settings = TerminalSettings {
        pairing: Some(Pairing::new(pairing_key(), KEY_FILE)),
        ..TerminalSettings::default()
    };
    assert_eq!(settings.link_options().client.pairing, settings.pairing);
    assert_no_key(&format!("{settings:?}"), "the settings' Debug");
    assert_no_key(
        &format!("{:?}", settings.link_options()),
        "the link options' Debug",
    );
    assert_no_key(&format!("{:?}", t.bridge), "the bridge's Debug");
}
