//! The terminal client against the real bridge server (`facekiosk_bridge::Bridge`) on
//! 127.0.0.1:0 over a scripted SDK, and against misbehaving raw servers: the documented
//! sequence, the SDK rules, timeouts, the hello, the heartbeat, notifications.

mod terminal_support;

use std::time::{Duration, Instant};

use facekiosk_bridge::protocol::{ErrorCode, Event, Method, Params};
use facekiosk_pii::Secret;
use facekiosk_terminal::{
    AuthRequest, BridgeClient, BridgeTerminal, CallTimeouts, ConnectError, ErrCode,
    FaceCodeRequest, FaceTerminal, InitOptions, LinkDown, LinkStatus, Outcome, PerformMode,
    ReturnCode, TerminalError, TerminalOptions, TimeoutBy, UnderageState,
};
use facekiosk_testkit::SdkMethod;
use facekiosk_testkit::sdk::{self as scripted_sdk, Act, code, fail, success};
use terminal_support::raw_bridge::{self, Misbehaviour};
use terminal_support::{connect, fast_client, fast_terminal, start_bridge, start_bridge_with};

fn face_request() -> FaceCodeRequest {
    let mut r = FaceCodeRequest::new(
        "wx2421b1c4370ec43b",
        "10000100",
        "1001",
        Secret::new("AUTHINFO-1"),
    );
    r.screen_index = Some("0".into());
    r
}

async fn terminal_over(
    addr: std::net::SocketAddr,
    options: TerminalOptions,
) -> BridgeTerminal<BridgeClient> {
    BridgeTerminal::new(connect(addr).await, options)
}

#[tokio::test]
async fn the_documented_sequence_init_rawdata_face_code_auth() {
    let t = start_bridge().await;
    let options = TerminalOptions {
        init: InitOptions {
            perform_mode: Some(PerformMode::Low),
            ..InitOptions::default()
        },
        ..fast_terminal()
    };
    let terminal = terminal_over(t.addr, options).await;
    let hello = terminal.transport().hello();
    assert_eq!(hello.device.serial, "FAKE123");
    assert_eq!(hello.face_app.as_deref(), Some("2.20.0"));

    let init = terminal.init().await.unwrap();
    assert_eq!(init.outcome, Outcome::Success(()));
    assert_eq!(init.attempts, 1);
    // Init once: the second init does not reach the SDK.
    let again = terminal.init().await.unwrap();
    assert!(again.outcome.is_success());
    assert_eq!(again.attempts, 0);

    let rawdata = terminal.rawdata().await.unwrap().outcome.success().unwrap();
    assert_eq!(rawdata.expose(), scripted_sdk::RAWDATA);

    let face = terminal.face_code(&face_request()).await.unwrap();
    assert_eq!(face.return_code, ReturnCode::Success);
    let code = face.outcome.success().unwrap();
    assert_eq!(code.face_sid.reveal(), scripted_sdk::FACE_SID);
    assert_eq!(code.openid.reveal(), scripted_sdk::OPENID);
    assert_eq!(
        code.sub_openid.as_ref().unwrap().reveal(),
        scripted_sdk::SUB_OPENID
    );
    assert_eq!(code.underage_state, Some(UnderageState::Adult));
    assert_eq!(code.telephone_used, Some(0));

    let authorise = AuthRequest::authorise(Secret::new("AUTHINFO-1"), code.face_sid.clone());
    assert!(
        terminal
            .auth(&authorise)
            .await
            .unwrap()
            .outcome
            .is_success()
    );
    t.sdk.then(
        SdkMethod::GetWxpayAuth,
        Act::Reply(code_with("USER_CANCEL")),
    );
    let refused = terminal.auth(&authorise).await.unwrap();
    assert_eq!(refused.outcome, Outcome::UserCancel);
    let quit = AuthRequest::quit(Secret::new("AUTHINFO-1"), code.face_sid.clone());
    assert!(terminal.auth(&quit).await.unwrap().outcome.is_success());

    assert_eq!(
        t.sdk.methods(),
        [
            SdkMethod::InitWxpayface,
            SdkMethod::GetWxpayfaceRawdata,
            SdkMethod::GetWxpayfaceCode,
            SdkMethod::GetWxpayAuth,
            SdkMethod::GetWxpayAuth,
            SdkMethod::GetWxpayAuth,
        ]
    );
    assert_eq!(
        t.sdk.params_of(SdkMethod::InitWxpayface)[0]["perform_mode"],
        "LOW_PERFORM"
    );
    let face_params = &t.sdk.params_of(SdkMethod::GetWxpayfaceCode)[0];
    assert_eq!(face_params["face_authtype"], "FACE_AUTH");
    assert_eq!(face_params["authinfo"], "AUTHINFO-1");
    assert_eq!(face_params["appid"], "wx2421b1c4370ec43b");
    assert_eq!(face_params["store_id"], "1001");
    let auths = t.sdk.params_of(SdkMethod::GetWxpayAuth);
    let quits: Vec<&str> = auths.iter().map(|p| p["quit_face_auth"].as_str()).collect();
    assert_eq!(quits, ["0", "0", "1"]);
    assert!(
        auths
            .iter()
            .all(|p| p["face_sid"] == scripted_sdk::FACE_SID)
    );
}

fn code_with(return_code: &str) -> facekiosk_bridge::protocol::SdkResult {
    code(return_code)
}

#[tokio::test]
async fn a_call_before_init_initialises_first() {
    let t = start_bridge().await;
    let terminal = terminal_over(t.addr, fast_terminal()).await;
    assert!(terminal.rawdata().await.unwrap().outcome.is_success());
    assert!(terminal.init().await.unwrap().attempts == 0);
    assert_eq!(
        t.sdk.methods(),
        [SdkMethod::InitWxpayface, SdkMethod::GetWxpayfaceRawdata]
    );
}

#[tokio::test]
async fn every_return_code_reaches_the_session_typed() {
    let t = start_bridge().await;
    let terminal = terminal_over(t.addr, fast_terminal()).await;
    let cases = [
        ("USER_CANCEL", Outcome::UserCancel),
        ("SCAN_PAYMENT", Outcome::ScanPayment),
        ("FACEPAY_NOT_AUTH", Outcome::FacepayNotAuth),
        (
            "ACTION_ON_USER_QUERY_CANCEL",
            Outcome::ActionOnUserQueryCancel,
        ),
        ("ERROR", Outcome::Error),
        ("PARAM_ERROR", Outcome::ParamError),
        ("SYSTEMERROR", Outcome::SystemError),
        ("FAIL", Outcome::Fail),
        ("SOMETHING_NEW", Outcome::Unknown),
    ];
    for (return_code, expected) in cases {
        t.sdk
            .then(SdkMethod::GetWxpayfaceCode, Act::Reply(code(return_code)));
        let reply = terminal.face_code(&face_request()).await.unwrap();
        assert_eq!(reply.outcome.map(|_| ()), expected, "{return_code}");
        assert_eq!(reply.return_code.as_str(), return_code);
        assert_eq!(reply.return_msg, "msg");
        assert_eq!(reply.raw.expose()["return_code"], return_code);
    }
}

#[tokio::test]
async fn initialising_271378621_is_retried_after_a_pause() {
    let t = start_bridge().await;
    let options = TerminalOptions {
        rules: facekiosk_terminal::SdkRules {
            initialising_retry_delay: Duration::from_millis(300),
            initialising_max_retries: 3,
            ..Default::default()
        },
        ..fast_terminal()
    };
    let terminal = terminal_over(t.addr, options).await;
    terminal.init().await.unwrap();
    let initialising = fail(271_378_621, "刷脸服务初始化中");
    t.sdk
        .then(
            SdkMethod::GetWxpayfaceRawdata,
            Act::Reply(initialising.clone()),
        )
        .then(
            SdkMethod::GetWxpayfaceRawdata,
            Act::Reply(initialising.clone()),
        );
    let started = Instant::now();
    let reply = terminal.rawdata().await.unwrap();
    assert!(reply.outcome.is_success());
    assert_eq!(reply.attempts, 3);
    assert!(
        started.elapsed() >= Duration::from_millis(600),
        "{:?}",
        started.elapsed()
    );

    // Bounded: 1 call + 3 retries, then the outcome says so.
    for _ in 0..10 {
        t.sdk.then(
            SdkMethod::GetWxpayfaceRawdata,
            Act::Reply(initialising.clone()),
        );
    }
    let before = t.sdk.count(SdkMethod::GetWxpayfaceRawdata);
    let reply = terminal.rawdata().await.unwrap();
    assert_eq!(reply.outcome.map(|_| ()), Outcome::Initialising);
    assert_eq!(reply.err_code, Some(ErrCode::Initialising));
    assert_eq!(reply.attempts, 4);
    assert_eq!(t.sdk.count(SdkMethod::GetWxpayfaceRawdata) - before, 4);
}

#[tokio::test]
async fn not_initialised_271378620_reinitialises_then_retries_once() {
    let t = start_bridge().await;
    let terminal = terminal_over(t.addr, fast_terminal()).await;
    terminal.init().await.unwrap();
    t.sdk.then(
        SdkMethod::GetWxpayfaceCode,
        Act::Reply(fail(271_378_620, "刷脸服务未初始化")),
    );
    let reply = terminal.face_code(&face_request()).await.unwrap();
    assert!(reply.outcome.is_success());
    assert_eq!(reply.attempts, 2);
    assert_eq!(
        t.sdk.methods(),
        [
            SdkMethod::InitWxpayface,
            SdkMethod::GetWxpayfaceCode,
            SdkMethod::InitWxpayface,
            SdkMethod::GetWxpayfaceCode,
        ]
    );

    // Once only: a second 620 after the re-init is the answer.
    for _ in 0..2 {
        t.sdk.then(
            SdkMethod::GetWxpayfaceCode,
            Act::Reply(fail(271_378_620, "刷脸服务未初始化")),
        );
    }
    let reply = terminal.face_code(&face_request()).await.unwrap();
    assert_eq!(reply.outcome.map(|_| ()), Outcome::NotInitialised);
    assert_eq!(t.sdk.count(SdkMethod::InitWxpayface), 3);
    assert_eq!(t.sdk.count(SdkMethod::GetWxpayfaceCode), 4);
}

#[tokio::test]
async fn face_app_installing_271378622_is_a_typed_outcome_without_retry() {
    let t = start_bridge().await;
    let terminal = terminal_over(t.addr, fast_terminal()).await;
    t.sdk.then(
        SdkMethod::InitWxpayface,
        Act::Reply(fail(271_378_622, "刷脸安装中")),
    );
    // The automatic init fails: the rawdata call answers the init's outcome.
    let reply = terminal.rawdata().await.unwrap();
    assert_eq!(reply.outcome.map(|_| ()), Outcome::FaceAppInstalling);
    assert_eq!(reply.return_msg, "刷脸安装中");
    assert_eq!(t.sdk.methods(), [SdkMethod::InitWxpayface]);
    // Not initialised: the next call tries init again.
    t.sdk.then(
        SdkMethod::GetWxpayfaceRawdata,
        Act::Reply(fail(271_378_622, "刷脸安装中")),
    );
    let reply = terminal.rawdata().await.unwrap();
    assert_eq!(reply.outcome.map(|_| ()), Outcome::FaceAppInstalling);
    assert_eq!(
        t.sdk.methods(),
        [
            SdkMethod::InitWxpayface,
            SdkMethod::InitWxpayface,
            SdkMethod::GetWxpayfaceRawdata
        ]
    );
}

#[tokio::test]
async fn a_silent_sdk_ends_in_the_bridges_timeout() {
    let t = start_bridge().await;
    let options = TerminalOptions {
        timeouts: CallTimeouts {
            face_code: Duration::from_millis(400),
            ..CallTimeouts::default()
        },
        stop_after_cut_off: false,
        ..fast_terminal()
    };
    let terminal = terminal_over(t.addr, options).await;
    terminal.init().await.unwrap();
    t.sdk.then(SdkMethod::GetWxpayfaceCode, Act::Never);
    let started = Instant::now();
    let err = terminal.face_code(&face_request()).await.unwrap_err();
    assert_eq!(
        err,
        TerminalError::Timeout {
            method: Method::GetWxpayfaceCode,
            after_ms: 400,
            by: TimeoutBy::Bridge
        }
    );
    assert!(started.elapsed() < Duration::from_millis(1500));
    assert!(
        err.to_string()
            .contains("no answer from the face SDK within 400 ms"),
        "{err}"
    );
}

#[tokio::test]
async fn a_bridge_that_never_answers_ends_in_our_own_timeout() {
    let addr = raw_bridge::start(Misbehaviour::NeverAnswers).await;
    let client = connect(addr).await;
    let started = Instant::now();
    let err = client
        .call(
            Method::GetWxpayfaceRawdata,
            Params::new(),
            Duration::from_millis(300),
        )
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(
        err,
        TerminalError::Timeout {
            method: Method::GetWxpayfaceRawdata,
            after_ms: 300,
            by: TimeoutBy::Kiosk
        }
    );
    // timeout_ms + the 300 ms grace of the fast options.
    assert!(
        elapsed >= Duration::from_millis(600) && elapsed < Duration::from_millis(1500),
        "{elapsed:?}"
    );
    assert!(
        err.to_string().contains("the kiosk timed the call out"),
        "{err}"
    );
    // The pongs keep coming: the link is still alive.
    assert!(client.is_alive());
}

#[tokio::test]
async fn a_cut_off_face_call_is_followed_by_a_stop_before_the_next_call() {
    let t = start_bridge().await;
    let options = TerminalOptions {
        timeouts: CallTimeouts {
            face_code: Duration::from_millis(300),
            ..CallTimeouts::default()
        },
        ..fast_terminal()
    };
    let terminal = terminal_over(t.addr, options).await;
    t.sdk.then(SdkMethod::GetWxpayfaceCode, Act::Never);
    assert!(terminal.face_code(&face_request()).await.is_err());
    assert!(terminal.rawdata().await.unwrap().outcome.is_success());
    assert_eq!(
        t.sdk.methods(),
        [
            SdkMethod::InitWxpayface,
            SdkMethod::GetWxpayfaceCode,
            SdkMethod::StopWxpayface,
            SdkMethod::GetWxpayfaceRawdata,
        ]
    );
}

#[tokio::test]
async fn responses_are_matched_by_id_when_they_come_out_of_order() {
    let t = start_bridge().await;
    let terminal = std::sync::Arc::new(terminal_over(t.addr, fast_terminal()).await);
    terminal.init().await.unwrap();
    t.sdk.then(
        SdkMethod::GetWxpayfaceCode,
        Act::Later(
            Duration::from_millis(1500),
            scripted_sdk::face_code_success(),
        ),
    );
    let face = {
        let terminal = terminal.clone();
        tokio::spawn(async move {
            terminal
                .face_code(&face_request())
                .await
                .map(|r| r.outcome.is_success())
        })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    // stop bypasses both our one-call-at-a-time rule and the bridge's queue: it overtakes.
    let stop_started = Instant::now();
    assert!(terminal.stop().await.unwrap().outcome.is_success());
    assert!(stop_started.elapsed() < Duration::from_millis(1000));
    assert!(!face.is_finished());
    assert_eq!(
        t.sdk.methods(),
        [
            SdkMethod::InitWxpayface,
            SdkMethod::GetWxpayfaceCode,
            SdkMethod::StopWxpayface
        ]
    );
    assert!(face.await.unwrap().unwrap());
}

#[tokio::test]
async fn one_sdk_call_at_a_time_from_the_client_side_too() {
    // A bridge with no queue answers BUSY to a second concurrent call: none may come.
    let t = start_bridge_with(|c| c.queue_capacity = 0).await;
    let terminal = std::sync::Arc::new(terminal_over(t.addr, fast_terminal()).await);
    t.sdk.default_for(
        SdkMethod::GetWxpayfaceRawdata,
        Act::Later(
            Duration::from_millis(100),
            scripted_sdk::map(serde_json::json!({"return_code": "SUCCESS", "rawdata": "r"})),
        ),
    );
    let calls: Vec<_> = (0..4)
        .map(|_| {
            let terminal = terminal.clone();
            tokio::spawn(async move { terminal.rawdata().await })
        })
        .collect();
    for call in calls {
        assert!(call.await.unwrap().unwrap().outcome.is_success());
    }
    assert_eq!(t.sdk.count(SdkMethod::InitWxpayface), 1);
    assert_eq!(t.sdk.count(SdkMethod::GetWxpayfaceRawdata), 4);
}

#[tokio::test]
async fn a_version_mismatch_is_refused_with_a_clear_message() {
    let addr = raw_bridge::start(Misbehaviour::Hello(3)).await;
    let err = BridgeClient::connect_tcp(addr, &fast_client())
        .await
        .unwrap_err();
    assert!(matches!(err, ConnectError::VersionMismatch(_)), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("the bridge app on the terminal speaks v3, this kiosk speaks v2"),
        "{text}"
    );
    assert!(text.contains("install the bridge app"), "{text}");
}

#[tokio::test]
async fn no_hello_within_the_wait_means_no_bridge() {
    let addr = raw_bridge::start(Misbehaviour::NoHello).await;
    let started = Instant::now();
    let err = BridgeClient::connect_tcp(addr, &fast_client())
        .await
        .unwrap_err();
    assert!(
        matches!(err, ConnectError::NoHello { waited_ms: 1000 }),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(err.to_string().contains("is the bridge app running?"));
}

#[tokio::test]
async fn a_bridge_that_stops_answering_pings_is_declared_dead() {
    // Pairs, then reads and ignores everything, pings included.
    let addr = raw_bridge::start(Misbehaviour::Silent).await;
    let client = connect(addr).await;
    let call = {
        let client = client.clone();
        tokio::spawn(async move {
            client
                .call(
                    Method::GetWxpayfaceCode,
                    Params::new(),
                    Duration::from_secs(30),
                )
                .await
        })
    };
    let started = Instant::now();
    let reason = tokio::time::timeout(Duration::from_secs(3), client.closed())
        .await
        .unwrap();
    assert_eq!(reason, LinkDown::Heartbeat { missed: 3 });
    // 3 pings 100 ms apart, and the 4th tick finds them unanswered.
    assert!(
        started.elapsed() < Duration::from_millis(1000),
        "{:?}",
        started.elapsed()
    );
    let err = call.await.unwrap().unwrap_err();
    assert!(
        matches!(
            &err,
            TerminalError::LinkLost {
                reason: LinkDown::Heartbeat { .. },
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("did not answer 3 heartbeats"),
        "{err}"
    );
    assert!(matches!(
        *client.status().borrow(),
        LinkStatus::NoBridge { .. }
    ));
}

#[tokio::test]
async fn pings_keep_an_idle_connection_open() {
    let t = start_bridge_with(|c| c.idle_timeout = Duration::from_millis(400)).await;
    let client = connect(t.addr).await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert!(client.is_alive(), "{:?}", client.down_reason());
    let result = client
        .call(Method::GetVersion, Params::new(), Duration::from_secs(2))
        .await
        .unwrap();
    assert_eq!(result["aar"], "2.32.105.2032105");
}

#[tokio::test]
async fn notifications_are_surfaced() {
    let t = start_bridge().await;
    let terminal = terminal_over(t.addr, fast_terminal()).await;
    let mut events = terminal.events();
    // The bridge sends notifications once it has our hello: a call makes sure it has.
    terminal.init().await.unwrap();
    let notifier = t.sdk.notifier();
    notifier.notify(Event::FaceServiceDisconnected);
    notifier.notify(Event::FaceServiceReconnected);
    notifier.notify(Event::SdkReinitialised);
    let mut got = Vec::new();
    for _ in 0..3 {
        got.push(
            tokio::time::timeout(Duration::from_secs(2), events.recv())
                .await
                .unwrap()
                .unwrap(),
        );
    }
    assert_eq!(
        got,
        [
            Event::FaceServiceDisconnected,
            Event::FaceServiceReconnected,
            Event::SdkReinitialised
        ]
    );
}

#[tokio::test]
async fn a_bridge_shutting_down_ends_the_call_in_flight_clearly() {
    let t = start_bridge().await;
    let terminal = std::sync::Arc::new(terminal_over(t.addr, fast_terminal()).await);
    terminal.init().await.unwrap();
    t.sdk.then(SdkMethod::GetWxpayfaceCode, Act::Never);
    let face = {
        let terminal = terminal.clone();
        tokio::spawn(async move { terminal.face_code(&face_request()).await.map(|_| ()) })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    t.bridge.shutdown();
    let err = face.await.unwrap().unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(1));
    match &err {
        TerminalError::Bridge {
            code: ErrorCode::ShuttingDown,
            ..
        } => {}
        TerminalError::LinkLost { .. } => {}
        other => panic!("unexpected {other:?}"),
    }
    let reason = tokio::time::timeout(Duration::from_secs(2), terminal.transport().closed())
        .await
        .unwrap();
    assert!(
        matches!(reason, LinkDown::Closed(_) | LinkDown::Eof),
        "{reason:?}"
    );
    // The next call fails at once, naming the link.
    let err = terminal.rawdata().await.unwrap_err();
    assert!(matches!(err, TerminalError::LinkLost { .. }), "{err:?}");
}

#[tokio::test]
async fn the_stop_call_answers_typed() {
    let t = start_bridge().await;
    let terminal = terminal_over(t.addr, fast_terminal()).await;
    t.sdk.then(SdkMethod::StopWxpayface, Act::Reply(success()));
    let reply = terminal.stop().await.unwrap();
    assert!(reply.outcome.is_success());
    // stop needs no init.
    assert_eq!(t.sdk.methods(), [SdkMethod::StopWxpayface]);
}

#[tokio::test]
async fn an_init_made_before_the_link_is_up_counts_for_the_connection_it_used() {
    // Nothing listens yet where the terminal will be: the link keeps trying meanwhile.
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let terminal = std::sync::Arc::new(BridgeTerminal::spawn(
        facekiosk_terminal::TerminalTarget::Direct(addr),
        terminal_support::fast_link(),
        fast_terminal(),
    ));
    let first = tokio::spawn({
        let terminal = terminal.clone();
        async move { terminal.init().await }
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let sdk = terminal_support::start_bridge_on(addr, "LATE1").await.sdk;

    assert!(first.await.unwrap().unwrap().outcome.is_success());
    assert!(terminal.rawdata().await.unwrap().outcome.is_success());
    assert_eq!(
        sdk.count(SdkMethod::InitWxpayface),
        1,
        "the init counted for the connection it went over"
    );
}
