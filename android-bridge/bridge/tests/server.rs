//! The bridge server over real TCP sockets on 127.0.0.1, driven by the scripted SDK.

mod common;

use std::time::{Duration, Instant};

use common::{Act, Client, map, pairing_key, params, start, start_with, success};
use facekiosk_bridge::SdkMethod;
use facekiosk_bridge::protocol::{
    ClientMessage, ErrorCode, Event, MAX_FRAME, Method, PROTO_VERSION, PairingKey, Params, Request,
    ServerMessage, check_hello, client_hello,
};
use serde_json::json;

const MS: Duration = Duration::from_millis(1);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hello_comes_first_and_pings_are_answered() {
    let h = start().await;
    let (mut c, hello) = Client::connect(h.addr).await;
    assert_eq!(hello.proto, PROTO_VERSION);
    assert_eq!(check_hello(&hello), Ok(()));
    assert_eq!(hello.aar, "2.32.105.2032105");
    assert_eq!(hello.face_app.as_deref(), Some("2.20.0"));
    assert_eq!(hello.device, common::device());
    assert_eq!(hello.max_frame as usize, MAX_FRAME);
    assert_eq!(hello.bridge, env!("CARGO_PKG_VERSION"));
    c.ping(1).await;
    c.ping(u64::MAX).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn synchronous_callback_is_returned_verbatim() {
    let h = start().await;
    let (mut c, _) = Client::connect(h.addr).await;
    c.request(
        1,
        Method::InitWxpayface,
        params(&[("ip", "10.0.0.1"), ("port", "8080")]),
        5000,
    )
    .await;
    let r = c.recv_response().await;
    assert_eq!((r.id, r.outcome), (1, Ok(success())));
    let calls = h.sdk.calls();
    assert_eq!(calls[0].method, SdkMethod::InitWxpayface);
    assert_eq!(
        calls[0].params,
        params(&[("ip", "10.0.0.1"), ("port", "8080")])
    );
    assert_eq!(
        calls[0].thread, "facekiosk-sdk",
        "calls come from the one SDK thread"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn asynchronous_callback_from_another_thread() {
    let h = start().await;
    let result = map(json!({"return_code": "SUCCESS", "return_msg": "",
                            "rawdata": "RAW".repeat(600)}));
    h.sdk.then(
        SdkMethod::GetWxpayfaceRawdata,
        Act::Later(50 * MS, result.clone()),
    );
    let (mut c, _) = Client::connect(h.addr).await;
    let t0 = Instant::now();
    c.request(7, Method::GetWxpayfaceRawdata, Params::new(), 5000)
        .await;
    c.ping(1).await; // the connection is not blocked while the call is in flight
    let r = c.recv_response().await;
    assert!(t0.elapsed() >= 50 * MS);
    assert_eq!((r.id, r.outcome), (7, Ok(result)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn integer_err_code_stays_a_number() {
    let h = start().await;
    let result = map(
        json!({"return_code": "FAIL", "return_msg": "刷脸服务初始化中",
                            "err_code": 271_378_621}),
    );
    h.sdk
        .then(SdkMethod::GetWxpayfaceCode, Act::Later(MS, result));
    let (mut c, _) = Client::connect(h.addr).await;
    c.request(
        2,
        Method::GetWxpayfaceCode,
        params(&[("face_authtype", "FACE_AUTH")]),
        5000,
    )
    .await;
    let raw = c.recv_object().await.unwrap();
    assert_eq!(raw["result"]["err_code"], json!(271_378_621));
    assert!(raw["result"]["err_code"].is_u64());
    assert_eq!(raw["result"]["return_code"], json!("FAIL"));
    assert_eq!(raw["result"]["return_msg"], json!("刷脸服务初始化中"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_sdk_times_out_and_the_queue_moves_on() {
    let h = start().await;
    h.sdk.then(SdkMethod::GetWxpayfaceCode, Act::Never);
    let (mut c, _) = Client::connect(h.addr).await;
    let t0 = Instant::now();
    c.request(1, Method::GetWxpayfaceCode, Params::new(), 200)
        .await;
    c.request(2, Method::GetWxpayfaceRawdata, Params::new(), 5000)
        .await;
    // Responses may come in either order (each request is answered by its own task).
    let mut responses = [c.recv_response().await, c.recv_response().await];
    let elapsed = t0.elapsed();
    responses.sort_by_key(|r| r.id);
    let [first, second] = responses;
    assert_eq!(first.id, 1);
    let err = first.outcome.unwrap_err();
    assert_eq!(err.code, ErrorCode::Timeout);
    assert!(err.message.contains("no callback"), "{}", err.message);
    assert!(elapsed >= 200 * MS && elapsed < 2000 * MS, "{elapsed:?}");
    assert_eq!((second.id, second.outcome), (2, Ok(success())));
    // The late callback for the timed-out call is dropped: nothing reaches the client.
    assert_eq!(h.sdk.answer_held(success()), 1);
    c.expect_silence(100 * MS).await;
    c.ping(3).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeout_counts_time_spent_in_the_queue() {
    let h = start().await;
    h.sdk.then(SdkMethod::GetWxpayfaceCode, Act::Never);
    let (mut c, _) = Client::connect(h.addr).await;
    c.request(1, Method::GetWxpayfaceCode, Params::new(), 1000)
        .await;
    let t0 = Instant::now();
    c.request(2, Method::GetWxpayAuth, Params::new(), 100).await;
    let r = c.recv_response().await;
    assert_eq!(r.id, 2);
    assert!(
        t0.elapsed() < 800 * MS,
        "answered at its own deadline, not after call 1"
    );
    let err = r.outcome.unwrap_err();
    assert_eq!(err.code, ErrorCode::Timeout);
    assert!(err.message.contains("queued"), "{}", err.message);
    assert_eq!(
        c.recv_response().await.outcome.unwrap_err().code,
        ErrorCode::Timeout
    );
    // Call 2 was never started.
    assert!(
        h.sdk
            .calls()
            .iter()
            .all(|c| c.method != SdkMethod::GetWxpayAuth)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_from_two_clients_run_one_at_a_time() {
    let h = start_with(|c| c.queue_capacity = 8).await;
    h.sdk
        .default_for(SdkMethod::GetWxpayfaceCode, Act::Later(30 * MS, success()));
    let (mut a, _) = Client::connect(h.addr).await;
    let (mut b, _) = Client::connect(h.addr).await;
    for id in 1..=3 {
        a.request(id, Method::GetWxpayfaceCode, Params::new(), 5000)
            .await;
        b.request(100 + id, Method::GetWxpayfaceCode, Params::new(), 5000)
            .await;
    }
    let mut ids = Vec::new();
    for _ in 0..3 {
        let r = a.recv_response().await;
        assert!(r.outcome.is_ok());
        ids.push(r.id);
        let r = b.recv_response().await;
        assert!(r.outcome.is_ok());
        ids.push(r.id);
    }
    ids.sort();
    assert_eq!(ids, [1, 2, 3, 101, 102, 103]);
    assert_eq!(h.sdk.calls().len(), 6);
    assert_eq!(h.sdk.max_outstanding(), 1, "never two SDK calls at once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_queue_is_busy_and_stop_bypasses_it() {
    let h = start_with(|c| c.queue_capacity = 1).await;
    h.sdk.then(SdkMethod::GetWxpayfaceCode, Act::Never);
    let (mut a, _) = Client::connect(h.addr).await;
    let (mut b, _) = Client::connect(h.addr).await;
    a.request(1, Method::GetWxpayfaceCode, Params::new(), 3000)
        .await; // in flight
    common::wait_until(|| h.sdk.calls().len() == 1).await; // call 1 left the queue
    b.request(2, Method::GetWxpayAuth, Params::new(), 3000)
        .await; // waits
    b.ping(0).await;
    b.request(3, Method::GetWxpayfaceRawdata, Params::new(), 3000)
        .await; // no room
    let r = b.recv_response().await;
    assert_eq!(r.id, 3);
    assert_eq!(r.outcome.unwrap_err().code, ErrorCode::Busy);
    // stopWxpayface and getVersion do not wait for the call in flight.
    b.request(
        4,
        Method::StopWxpayface,
        params(&[("out_trade_no", "T1")]),
        3000,
    )
    .await;
    let r = b.recv_response().await;
    assert_eq!((r.id, r.outcome), (4, Ok(success())));
    a.request(5, Method::GetVersion, Params::new(), 3000).await;
    let r = a.recv_response().await;
    assert_eq!(r.id, 5);
    assert_eq!(
        r.outcome.unwrap(),
        map(json!({"aar": "2.32.105.2032105", "face_app": "2.20.0"}))
    );
    // The SDK finally answers call 1; call 2 then runs.
    h.sdk
        .answer_held(map(json!({"return_code": "USER_CANCEL", "return_msg": ""})));
    let r = a.recv_response().await;
    assert_eq!(r.id, 1);
    assert_eq!(r.outcome.unwrap()["return_code"], "USER_CANCEL");
    let r = b.recv_response().await;
    assert_eq!((r.id, r.outcome), (2, Ok(success())));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_connection_limit_and_duplicate_ids() {
    let h = start_with(|c| c.max_in_flight_per_connection = 2).await;
    h.sdk
        .default_for(SdkMethod::GetWxpayfaceCode, Act::Later(200 * MS, success()));
    let (mut c, _) = Client::connect(h.addr).await;
    c.request(1, Method::GetWxpayfaceCode, Params::new(), 3000)
        .await;
    c.request(1, Method::GetWxpayfaceCode, Params::new(), 3000)
        .await;
    let r = c.recv_response().await;
    assert_eq!(
        (r.id, r.outcome.unwrap_err().code),
        (1, ErrorCode::BadRequest)
    );
    c.request(2, Method::GetWxpayfaceCode, Params::new(), 3000)
        .await;
    c.request(3, Method::GetWxpayfaceCode, Params::new(), 3000)
        .await;
    let r = c.recv_response().await;
    assert_eq!((r.id, r.outcome.unwrap_err().code), (3, ErrorCode::Busy));
    assert_eq!(c.recv_response().await.id, 1);
    assert_eq!(c.recv_response().await.id, 2);
    // Once answered, an id may be used again.
    c.request(1, Method::GetWxpayAuth, Params::new(), 3000)
        .await;
    assert!(c.recv_response().await.outcome.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_disconnecting_mid_call_does_not_hurt_the_server() {
    let h = start().await;
    h.sdk
        .then(SdkMethod::GetWxpayfaceCode, Act::Later(150 * MS, success()));
    let (mut a, _) = Client::connect(h.addr).await;
    a.request(1, Method::GetWxpayfaceCode, Params::new(), 5000)
        .await;
    a.request(2, Method::GetWxpayAuth, Params::new(), 5000)
        .await; // queued behind call 1
    a.ping(0).await;
    drop(a);
    let (mut b, _) = Client::connect(h.addr).await;
    b.request(1, Method::GetWxpayfaceRawdata, Params::new(), 5000)
        .await;
    let r = b.recv_response().await;
    assert_eq!((r.id, r.outcome), (1, Ok(success())));
    assert_eq!(
        h.sdk.methods(),
        [SdkMethod::GetWxpayfaceCode, SdkMethod::GetWxpayfaceRawdata],
        "the gone client's queued call was skipped"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_frame_gets_bad_frame_then_close() {
    let h = start().await;
    let (mut c, _) = Client::connect(h.addr).await;
    let mut bytes = ((MAX_FRAME + 1) as u32).to_be_bytes().to_vec();
    bytes.extend(vec![b'x'; 64 * 1024]);
    c.send_bytes(&bytes).await;
    match c.recv().await {
        ServerMessage::Error(e) => {
            assert_eq!(e.error.code, ErrorCode::BadFrame);
            assert!(e.error.message.contains("1048577"), "{}", e.error.message);
        }
        other => panic!("expected an error, got {other:?}"),
    }
    c.expect_eof().await;
    let (mut again, _) = Client::connect(h.addr).await;
    again.ping(1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_json_and_bad_utf8_get_bad_frame_and_the_connection_goes_on() {
    let h = start().await;
    let (mut c, _) = Client::connect(h.addr).await;
    for body in [&b"{\"type\":"[..], b"\xff\xfe", b"[]", b""] {
        let mut bytes = (body.len() as u32).to_be_bytes().to_vec();
        bytes.extend_from_slice(body);
        c.send_bytes(&bytes).await;
        match c.recv().await {
            ServerMessage::Error(e) => assert_eq!(e.error.code, ErrorCode::BadFrame),
            other => panic!("expected an error, got {other:?}"),
        }
    }
    c.ping(1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_method_and_bad_requests_are_answered_by_id() {
    let h = start().await;
    let (mut c, _) = Client::connect(h.addr).await;
    let frame = |v: serde_json::Value| {
        let bytes = serde_json::to_vec(&v).unwrap();
        let mut out = (bytes.len() as u32).to_be_bytes().to_vec();
        out.extend(bytes);
        out
    };
    c.send_bytes(&frame(
        json!({"type": "request", "id": 5, "method": "releaseWxpayface",
                               "params": {}, "timeout_ms": 1000}),
    ))
    .await;
    let r = c.recv_response().await;
    assert_eq!(
        (r.id, r.outcome.unwrap_err().code),
        (5, ErrorCode::UnknownMethod)
    );
    c.send_bytes(&frame(
        json!({"type": "request", "id": 6, "method": "initWxpayface",
                               "params": {"port": 8080}, "timeout_ms": 1000}),
    ))
    .await;
    let r = c.recv_response().await;
    assert_eq!(
        (r.id, r.outcome.unwrap_err().code),
        (6, ErrorCode::BadRequest)
    );
    c.send_bytes(&frame(json!({"type": "launchMissiles"})))
        .await;
    match c.recv().await {
        ServerMessage::Error(e) => assert_eq!(e.error.code, ErrorCode::BadRequest),
        other => panic!("expected an error, got {other:?}"),
    }
    assert!(h.sdk.calls().is_empty());
    c.ping(1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn version_mismatch_is_refused_with_a_clear_message() {
    let h = start().await;
    let mut c = Client::raw(h.addr).await;
    let ServerMessage::Hello(_) = c.recv().await else {
        panic!("no hello")
    };
    c.send(&ClientMessage::Hello(
        facekiosk_bridge::protocol::ClientHello {
            proto: 3,
            client: "future-kiosk".into(),
            nonce: facekiosk_bridge::protocol::Nonce([0; 32]),
            proof: facekiosk_bridge::protocol::Proof([0; 32]),
        },
    ))
    .await;
    match c.recv().await {
        ServerMessage::Error(e) => {
            assert_eq!(e.error.code, ErrorCode::VersionMismatch);
            assert!(
                e.error
                    .message
                    .contains("the kiosk speaks v3, this bridge speaks v2")
            );
        }
        other => panic!("expected an error, got {other:?}"),
    }
    c.expect_eof().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_before_the_hello_are_refused() {
    let h = start().await;
    let mut c = Client::raw(h.addr).await;
    let ServerMessage::Hello(_) = c.recv().await else {
        panic!("no hello")
    };
    c.send(&ClientMessage::Request(Request::new(
        1,
        Method::InitWxpayface,
        Params::new(),
        100,
    )))
    .await;
    match c.recv().await {
        ServerMessage::Error(e) => assert_eq!(e.error.code, ErrorCode::BadRequest),
        other => panic!("expected an error, got {other:?}"),
    }
    c.expect_eof().await;
    assert!(h.sdk.calls().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notifications_reach_every_client() {
    let h = start().await;
    let (mut a, _) = Client::connect(h.addr).await;
    let (mut b, _) = Client::connect(h.addr).await;
    a.ping(1).await; // both hellos processed
    b.ping(1).await;
    let sent = h.sdk.notifier().notify(Event::FaceServiceDisconnected);
    assert_eq!(sent, 2);
    h.bridge.notifier().notify(Event::FaceServiceReconnected);
    for c in [&mut a, &mut b] {
        for expected in [
            Event::FaceServiceDisconnected,
            Event::FaceServiceReconnected,
        ] {
            match c.recv().await {
                ServerMessage::Notification(n) => assert_eq!(n.event, expected),
                other => panic!("expected a notification, got {other:?}"),
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_connections_are_dropped_and_pings_keep_them() {
    let h = start_with(|c| c.idle_timeout = 500 * MS).await;
    let (mut idle, _) = Client::connect(h.addr).await;
    let (mut alive, _) = Client::connect(h.addr).await;
    for seq in 0..16 {
        alive.ping(seq).await;
        tokio::time::sleep(50 * MS).await;
    }
    match idle.recv().await {
        ServerMessage::Error(e) => assert_eq!(e.error.code, ErrorCode::IdleTimeout),
        other => panic!("expected an error, got {other:?}"),
    }
    idle.expect_eof().await;
    alive.ping(99).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sdk_failures_become_sdk_exception_and_the_server_survives() {
    let h = start().await;
    h.sdk.then(
        SdkMethod::GetWxpayAuth,
        Act::Throw("java.lang.IllegalStateException"),
    );
    h.sdk.then(SdkMethod::GetWxpayAuth, Act::DropCallback);
    h.sdk.then(SdkMethod::GetWxpayAuth, Act::Panic);
    let (mut c, _) = Client::connect(h.addr).await;
    for id in 1..=3 {
        c.request(id, Method::GetWxpayAuth, Params::new(), 2000)
            .await;
        let r = c.recv_response().await;
        assert_eq!(
            (r.id, r.outcome.unwrap_err().code),
            (id, ErrorCode::SdkException)
        );
    }
    c.request(4, Method::GetWxpayAuth, Params::new(), 2000)
        .await;
    assert_eq!(c.recv_response().await.outcome, Ok(success()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_tells_clients_and_answers_pending_calls() {
    let h = start().await;
    h.sdk.then(SdkMethod::GetWxpayfaceCode, Act::Never);
    let (mut c, _) = Client::connect(h.addr).await;
    c.request(1, Method::GetWxpayfaceCode, Params::new(), 5000)
        .await;
    c.ping(0).await;
    h.bridge.shutdown();
    assert!(h.bridge.is_shut_down());
    let mut codes = Vec::new();
    while let Some(frame) = c.recv_object().await {
        match ServerMessage::from_object(frame).unwrap() {
            ServerMessage::Response(r) => codes.push(r.outcome.unwrap_err().code),
            ServerMessage::Error(e) => codes.push(e.error.code),
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(codes.last(), Some(&ErrorCode::ShuttingDown));
    assert!(codes.iter().all(|c| *c == ErrorCode::ShuttingDown));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn responses_are_correlated_when_answers_come_out_of_order() {
    let h = start().await;
    // stopWxpayface answers quicker than the code call it overtakes.
    h.sdk
        .then(SdkMethod::GetWxpayfaceCode, Act::Later(150 * MS, success()));
    h.sdk.then(
        SdkMethod::StopWxpayface,
        Act::Later(
            10 * MS,
            map(json!({"return_code": "SUCCESS", "stopped": 1})),
        ),
    );
    let (mut c, _) = Client::connect(h.addr).await;
    c.request(10, Method::GetWxpayfaceCode, Params::new(), 3000)
        .await;
    c.request(11, Method::StopWxpayface, Params::new(), 3000)
        .await;
    let first = c.recv_response().await;
    let second = c.recv_response().await;
    assert_eq!((first.id, second.id), (11, 10));
    assert_eq!(first.outcome.unwrap()["stopped"], 1);
}

/// Reads the hello and answers it with a hello paired under `key`.
async fn hello_with_key(c: &mut Client, key: &PairingKey) -> ClientMessage {
    let ServerMessage::Hello(hello) = c.recv().await else {
        panic!("no hello")
    };
    let (answer, _) = client_hello(key, "some-kiosk/1", &hello);
    let answer = ClientMessage::Hello(answer);
    c.send(&answer).await;
    answer
}

async fn expect_unpaired_then_close(c: &mut Client) {
    match c.recv().await {
        ServerMessage::Error(e) => {
            assert_eq!(e.error.code, ErrorCode::KioskUnpaired);
            assert!(
                e.error
                    .message
                    .contains("pair the bridge with the kiosk's key"),
                "{}",
                e.error.message
            );
        }
        other => panic!("expected KIOSK_UNPAIRED, got {other:?}"),
    }
    c.expect_eof().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kiosk_with_another_key_is_refused_and_served_nothing() {
    let h = start().await;
    let mut c = Client::raw(h.addr).await;
    hello_with_key(&mut c, &PairingKey::from_bytes([0x5e; 32])).await;
    // Sent right behind the hello, before the refusal arrives: it must never reach the SDK.
    c.request(1, Method::GetWxpayfaceRawdata, Params::new(), 1000)
        .await;
    expect_unpaired_then_close(&mut c).await;
    assert!(h.sdk.calls().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_hello_replayed_from_an_earlier_connection_is_refused() {
    let h = start().await;
    let mut first = Client::raw(h.addr).await;
    let recorded = hello_with_key(&mut first, &pairing_key()).await;
    assert!(matches!(first.recv().await, ServerMessage::Paired(_)));

    let mut replay = Client::raw(h.addr).await;
    let ServerMessage::Hello(_) = replay.recv().await else {
        panic!("no hello")
    };
    replay.send(&recorded).await;
    replay
        .request(1, Method::GetWxpayfaceRawdata, Params::new(), 1000)
        .await;
    expect_unpaired_then_close(&mut replay).await;
    assert!(h.sdk.calls().is_empty());
    // The genuine connection is untouched.
    first.ping(1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_of_bad_frames_closes_the_connection() {
    let h = start_with(|c| c.max_bad_frames = 3).await;
    let (mut c, _) = Client::connect(h.addr).await;
    let garbage = [0u8, 0, 0, 2, b'{', b'{'];
    // Bad frames with good ones between do not add up to a run.
    for seq in 0..5 {
        c.send_bytes(&garbage).await;
        assert!(matches!(c.recv().await, ServerMessage::Error(_)));
        c.ping(seq).await;
    }
    for _ in 0..2 {
        c.send_bytes(&garbage).await;
        assert!(matches!(c.recv().await, ServerMessage::Error(_)));
    }
    c.send_bytes(&garbage).await;
    match c.recv().await {
        ServerMessage::Error(e) => {
            assert_eq!(e.error.code, ErrorCode::BadFrame);
            assert!(
                e.error.message.contains("3 bad frames in a row"),
                "{}",
                e.error.message
            );
        }
        other => panic!("expected an error, got {other:?}"),
    }
    c.expect_eof().await;
}
