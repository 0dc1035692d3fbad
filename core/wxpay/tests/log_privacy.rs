//! Every WeChat call is logged (endpoint, status, request id, elapsed) and no log line, at any
//! level, from us or our dependencies, carries personal data or a secret. Its own test binary:
//! the subscriber is global, so every thread's log lines are captured.

mod http_support;

use http_support::{Script, TestServer, capture_logs, client};

const FACE_SID: &str = "bbaf113f-4171-4332-9c79-dace6d35a917";

#[tokio::test]
async fn happy_path_logs_the_call_but_nothing_personal_or_secret() {
    let server = TestServer::start(Script::default()).await;
    let logs = capture_logs();
    let client = client(&server, 2);
    let auth = client.get_authinfo("RAWDATA-CANARY-7f3a").await.unwrap();
    assert_eq!(auth.expires_in, 3600);
    let identity = client.query_user(FACE_SID).await.unwrap();
    let info = identity.real_name.as_ref().unwrap();
    let (name, id) = (
        info.name.reveal().to_owned(),
        info.credential_number.reveal().to_owned(),
    );
    let openid = identity.openid.as_ref().unwrap().reveal().to_owned();
    drop(identity);

    let logs = logs.contents();
    assert!(logs.contains("payapp get_wxpayface_authinfo"), "{logs}");
    assert!(logs.contains("api.mch facemch users"), "{logs}");
    assert!(logs.contains("status=200"), "{logs}");
    assert!(logs.contains("request_id=\"REQ-"), "{logs}");
    assert!(logs.contains("elapsed_ms="), "{logs}");
    // reqwest logs through the `log` facade: its lines are captured too, so the checks below
    // cover them.
    assert!(logs.contains("starting new connection"), "{logs}");
    for canary in [
        name.as_str(),
        id.as_str(),
        openid.as_str(),
        FACE_SID,
        "RAWDATA-CANARY-7f3a",
        http_support::APIV2_KEY,
        http_support::AUTHINFO,
        "PRIVATE KEY",
    ] {
        assert!(
            !logs.contains(canary),
            "{canary} leaked into the logs:\n{logs}"
        );
    }
}
