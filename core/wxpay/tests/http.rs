//! The client's HTTP behaviour over real loopback sockets against a scripted server: retries,
//! timeouts, clock skew, error mapping, and no personal data or secret in any log line.
//! (The faithful WeChat backends are the sandbox's; its crate tests the whole protocol.)

mod http_support;

use std::sync::atomic::Ordering;
use std::time::Duration;

use facekiosk_wxpay::{WxpayClient, WxpayError};
use http_support::{Reply, Script, TestServer, client, settings_for};

const FACE_SID: &str = "bbaf113f-4171-4332-9c79-dace6d35a917";

#[tokio::test]
async fn happy_path() {
    let server = TestServer::start(Script::default()).await;
    let client = client(&server, 2);
    let auth = client.get_authinfo("raw").await.unwrap();
    assert_eq!(
        (auth.authinfo.expose(), auth.expires_in),
        (http_support::AUTHINFO, 3600)
    );
    let identity = client.query_user(FACE_SID).await.unwrap();
    assert!(identity.real_name.is_some() && identity.openid.is_some());
    assert_eq!(
        (
            server.authinfo_hits.load(Ordering::SeqCst),
            server.facemch_hits.load(Ordering::SeqCst)
        ),
        (1, 1)
    );
}

#[tokio::test]
async fn retries_5xx_and_honours_retry_after() {
    let server = TestServer::start(Script {
        facemch: vec![Reply::Status(503, Some("0")), Reply::Status(502, None)],
        ..Script::default()
    })
    .await;
    client(&server, 2).query_user(FACE_SID).await.unwrap();
    assert_eq!(server.facemch_hits.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn gives_up_after_the_retry_budget() {
    let server = TestServer::start(Script {
        facemch: vec![Reply::Status(500, None); 5],
        ..Script::default()
    })
    .await;
    let err = client(&server, 1).query_user(FACE_SID).await.unwrap_err();
    assert_eq!(err.code(), "WECHAT_SERVER_ERROR", "{err}");
    assert!(err.is_retryable());
    assert_eq!(server.facemch_hits.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_long_retry_after_is_not_waited_out() {
    let server = TestServer::start(Script {
        facemch: vec![Reply::Status(429, Some("120"))],
        ..Script::default()
    })
    .await;
    let err = client(&server, 2).query_user(FACE_SID).await.unwrap_err();
    assert_eq!(err.code(), "WECHAT_RATE_LIMITED");
    assert_eq!(server.facemch_hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn client_errors_are_not_retried_and_keep_wechat_words() {
    let server = TestServer::start(Script {
        facemch: vec![Reply::Json(
            400,
            r#"{"code":"INVALID_REQUEST","message":"UnionID为空"}"#,
        )],
        ..Script::default()
    })
    .await;
    let err = client(&server, 2).query_user(FACE_SID).await.unwrap_err();
    let WxpayError::Api {
        status,
        code,
        message,
        request_id,
        ..
    } = &err
    else {
        panic!("{err}")
    };
    assert_eq!(
        (*status, code.as_str(), message.as_str()),
        (400, "INVALID_REQUEST", "UnionID为空")
    );
    assert!(request_id.as_deref().unwrap().starts_with("REQ-"));
    assert!(err.to_string().contains("Request-ID REQ-"), "{err}");
    assert_eq!(server.facemch_hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn the_face_sid_never_reaches_an_error_message() {
    let body = format!(r#"{{"code":"INVALID_REQUEST","message":"face_sid {FACE_SID} 不存在"}}"#);
    let server = TestServer::start(Script {
        facemch: vec![Reply::OwnedJson(400, body)],
        ..Script::default()
    })
    .await;
    let err = client(&server, 0).query_user(FACE_SID).await.unwrap_err();
    assert!(!err.to_string().contains(FACE_SID), "{err}");
    assert!(!format!("{err:?}").contains(FACE_SID), "{err:?}");
}

#[tokio::test]
async fn sign_error_names_the_line_wechat_saw_differently() {
    let server = TestServer::start(Script {
        facemch: vec![Reply::SignErrorWithUrl("/v3/facemch/users/other")],
        ..Script::default()
    })
    .await;
    let err = client(&server, 0).query_user(FACE_SID).await.unwrap_err();
    assert_eq!(err.code(), "WECHAT_AUTH_REJECTED");
    assert!(err.to_string().contains("different URL line"), "{err}");
}

#[tokio::test]
async fn unreachable_and_timeout() {
    let dead = TestServer::dead_address().await;
    let err = client(&dead, 1).get_authinfo("raw").await.unwrap_err();
    assert_eq!(err.code(), "WECHAT_UNREACHABLE", "{err}");
    assert!(err.to_string().contains("refused"), "{err}");

    let server = TestServer::start(Script {
        facemch: vec![Reply::Hang; 3],
        ..Script::default()
    })
    .await;
    let err = client(&server, 2).query_user(FACE_SID).await.unwrap_err();
    assert_eq!(err.code(), "WECHAT_TIMEOUT", "{err}");
    assert!(!err.to_string().contains(FACE_SID));
    assert_eq!(server.facemch_hits.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn a_facemch_query_that_timed_out_is_tried_again() {
    let server = TestServer::start(Script {
        facemch: vec![Reply::Hang],
        ..Script::default()
    })
    .await;
    let identity = client(&server, 2).query_user(FACE_SID).await.unwrap();
    assert!(identity.real_name.is_some());
    assert_eq!(server.facemch_hits.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_facemch_query_cut_off_by_a_reset_is_tried_again() {
    let server = TestServer::start(Script::default()).await;
    let resetting = http_support::ResetOnce::start(server.addr).await;
    let client = http_support::client_at(&resetting.addr, 2);
    let identity = client.query_user(FACE_SID).await.unwrap();
    assert!(identity.real_name.is_some());
    assert_eq!(resetting.resets.load(Ordering::SeqCst), 1);
    assert_eq!(server.facemch_hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn facemch_retries_end_at_the_deadline() {
    let server = TestServer::start(Script {
        facemch: vec![Reply::Hang; 5],
        ..Script::default()
    })
    .await;
    // Request timeout 1 s, deadline 1.2 s: no time for a second attempt.
    let dir = tempfile::tempdir().unwrap();
    let mut settings = settings_for(dir.path(), &format!("http://{}", server.addr), 5);
    settings.timeouts.facemch_deadline = Duration::from_millis(1200);
    let client = WxpayClient::from_settings(settings).unwrap();
    let err = client.query_user(FACE_SID).await.unwrap_err();
    assert_eq!(err.code(), "WECHAT_TIMEOUT", "{err}");
    assert_eq!(server.facemch_hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn authinfo_timeouts_keep_their_policy() {
    let server = TestServer::start(Script {
        authinfo: vec![Reply::Hang],
        ..Script::default()
    })
    .await;
    let err = client(&server, 2).get_authinfo("raw").await.unwrap_err();
    assert_eq!(err.code(), "WECHAT_TIMEOUT", "{err}");
    assert_eq!(server.authinfo_hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_skewed_clock_is_reported_as_such() {
    let server = TestServer::start(Script {
        clock_ahead: Duration::from_secs(7 * 60),
        facemch: vec![Reply::Json(
            401,
            r#"{"code":"SIGN_ERROR","message":"Http头Authorization中的timestamp与发起请求的时间不得超过5分钟"}"#,
        )],
        ..Script::default()
    })
    .await;
    let client = client(&server, 0);
    let err = client.query_user(FACE_SID).await.unwrap_err();
    let WxpayError::ClockSkew { offset_secs } = err else {
        panic!("{err}")
    };
    assert!((419..=421).contains(&offset_secs), "{offset_secs}");
    assert!(client.clock().is_rejectable());
    // The offset is measured again from every answer, so a fixed clock is noticed at once:
    // nothing is refused on the strength of an old measurement.
    let err = client.query_user(FACE_SID).await.unwrap_err();
    assert_eq!(err.code(), "CLOCK_SKEW");
    assert_eq!(server.facemch_hits.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn the_warm_up_measures_the_clock_and_clock_check_warns_before_the_scan() {
    let server = TestServer::start(Script {
        clock_ahead: Duration::from_secs(250),
        ..Script::default()
    })
    .await;
    let client = client(&server, 0);
    assert!(client.clock_check().is_ok(), "nothing measured yet");
    // The warm-up's authinfo call succeeds (WeChat still takes a 250 s offset)...
    client.get_authinfo("raw").await.unwrap();
    // ...but the offset is near enough to WeChat's 300 s to refuse a face scan now.
    let err = client.clock_check().unwrap_err();
    let WxpayError::ClockSkew { offset_secs } = err else {
        panic!("{err}")
    };
    assert!((249..=251).contains(&offset_secs), "{offset_secs}");
}

#[tokio::test]
async fn error_answers_measure_the_clock_too() {
    let server = TestServer::start(Script {
        clock_ahead: Duration::from_secs(400),
        facemch: vec![Reply::Status(500, None)],
        ..Script::default()
    })
    .await;
    let client = client(&server, 0);
    client.query_user(FACE_SID).await.unwrap_err();
    assert_eq!(client.clock_check().unwrap_err().code(), "CLOCK_SKEW");
}

#[tokio::test]
async fn a_verified_wechatpay_timestamp_measures_the_clock() {
    // The Date header says we are on time; WeChat's signed timestamp says 200 s behind.
    let server = TestServer::start(Script {
        sign_offset: -200,
        ..Script::default()
    })
    .await;
    let client = client(&server, 0);
    client.query_user(FACE_SID).await.unwrap();
    let offset = client.clock().offset_secs().unwrap();
    assert!((-201..=-199).contains(&offset), "{offset}");
}

#[tokio::test]
async fn a_response_signed_in_the_past_is_clock_skew_too() {
    let server = TestServer::start(Script {
        sign_offset: -600,
        ..Script::default()
    })
    .await;
    let err = client(&server, 0).query_user(FACE_SID).await.unwrap_err();
    assert!(
        matches!(
            err,
            WxpayError::ClockSkew {
                offset_secs: -601..=-599
            }
        ),
        "{err}"
    );
}

#[tokio::test]
async fn unsigned_or_badly_signed_success_is_not_trusted() {
    for (reply, want) in [
        (Reply::Unsigned, "is not signed"),
        (Reply::BadSignature, "does not verify"),
        (Reply::UnknownSerial, "we know: PUB_KEY_ID_"),
    ] {
        let server = TestServer::start(Script {
            facemch: vec![reply],
            ..Script::default()
        })
        .await;
        let err = client(&server, 0).query_user(FACE_SID).await.unwrap_err();
        assert_eq!(err.code(), "WECHAT_RESPONSE_UNVERIFIED", "{err}");
        assert!(err.to_string().contains(want), "{err}");
    }
}

#[tokio::test]
async fn authinfo_errors_inside_http_200() {
    let server = TestServer::start(Script {
        authinfo: vec![Reply::Xml(
            "<xml><return_code><![CDATA[PARAM_ERROR]]></return_code>\n<return_msg><![CDATA[签名错误]]></return_msg>\n</xml>",
        )],
        ..Script::default()
    })
    .await;
    let err = client(&server, 2).get_authinfo("raw").await.unwrap_err();
    let WxpayError::V2Return {
        return_code,
        return_msg,
    } = &err
    else {
        panic!("{err}")
    };
    assert_eq!(
        (return_code.as_str(), return_msg.as_str()),
        ("PARAM_ERROR", "签名错误")
    );
    assert_eq!(err.code(), "WECHAT_REFUSED");
}

#[tokio::test]
async fn authinfo_with_a_forged_signature_is_refused() {
    let server = TestServer::start(Script {
        authinfo: vec![Reply::ForgedXml],
        ..Script::default()
    })
    .await;
    let err = client(&server, 0).get_authinfo("raw").await.unwrap_err();
    assert_eq!(err.code(), "WECHAT_RESPONSE_UNVERIFIED", "{err}");
}

#[tokio::test]
async fn four_byte_characters_are_refused_before_sending() {
    let server = TestServer::start(Script::default()).await;
    let err = client(&server, 0).get_authinfo("raw😀").await.unwrap_err();
    assert_eq!(err.code(), "REQUEST_UNSENDABLE");
    assert!(err.to_string().contains("`rawdata`"), "{err}");
    assert_eq!(server.authinfo_hits.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn every_endpoint_goes_through_the_configured_proxy_with_its_credentials() {
    let server = TestServer::start(Script::default()).await;
    let proxy = http_support::TestProxy::start().await;
    let client = http_support::client_via_proxy(&server, &proxy);
    client.get_authinfo("raw").await.unwrap();
    client.query_user(FACE_SID).await.unwrap();
    let heads = proxy.heads.lock().unwrap().clone();
    let all = heads.join("\n");
    let origin = format!("http://{}", server.addr);
    assert!(
        all.contains(&format!("POST {origin}/face/get_wxpayface_authinfo")),
        "{all}"
    );
    // Basic base64("kiosk:pr0xy-secret")
    assert!(
        all.to_ascii_lowercase()
            .contains("proxy-authorization: basic a2lvc2s6chiwehktc2vjcmv0"),
        "{all}"
    );
    // Both calls were relayed (one kept-alive connection may carry both).
    assert_eq!(
        (
            server.authinfo_hits.load(Ordering::SeqCst),
            server.facemch_hits.load(Ordering::SeqCst)
        ),
        (1, 1)
    );
}

#[tokio::test]
async fn a_non_200_from_payapp_says_where_it_likely_came_from() {
    let server = TestServer::start(Script {
        authinfo: vec![Reply::Status(502, None)],
        ..Script::default()
    })
    .await;
    let err = client(&server, 0).get_authinfo("raw").await.unwrap_err();
    assert_eq!(err.code(), "WECHAT_SERVER_ERROR");
    assert!(
        err.to_string().contains("outside its XML protocol"),
        "{err}"
    );
}
