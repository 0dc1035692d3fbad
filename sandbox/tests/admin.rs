//! The admin API over HTTP, as an outside client (the pytest, a technician) uses it; and the
//! sandbox's logs, which must name routes, never face_sids, openids or personal data.

mod common;

use common::*;
use facekiosk_sandbox::Target;
use facekiosk_testkit::logs;
use facekiosk_wxpay::InfoType;
use serde_json::{Value, json};

async fn call(
    sb: &facekiosk_sandbox::SandboxHandle,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = http().request(method, format!("{}{}", sb.base_url, path));
    if let Some(b) = body {
        req = req
            .header("Content-Type", "application/json")
            .body(b.to_string());
    }
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

use reqwest::Method;

#[tokio::test]
async fn sessions_authorize_and_the_kiosk_reads_them() {
    let sb = start().await;
    let (status, s) = call(
        &sb,
        Method::POST,
        "/sandbox/sessions",
        Some(json!({"persona": "minor"})),
    )
    .await;
    assert_eq!(status, 201, "{s}");
    let sid = s["face_sid"].as_str().unwrap().to_owned();
    assert_eq!(s["persona"], "minor");
    assert_eq!(s["underage_state"], 2);
    assert_eq!(s["openid"].as_str().unwrap().len(), 28);
    let client = impatient(&sb);
    let e = client.query_user(&sid).await.unwrap_err();
    assert_eq!(e.code(), "WECHAT_REQUEST_REJECTED");
    let (status, v) = call(
        &sb,
        Method::POST,
        &format!("/sandbox/sessions/{sid}/authorize"),
        None,
    )
    .await;
    assert_eq!((status, v), (200, json!({"authorized": true})));
    let id = client.query_user(&sid).await.unwrap();
    assert_eq!(id.openid.unwrap().reveal(), s["openid"]);
    let (status, v) = call(&sb, Method::GET, &format!("/sandbox/sessions/{sid}"), None).await;
    assert_eq!(status, 200);
    assert_eq!(v["authorized"], true);
    let (status, _) = call(
        &sb,
        Method::POST,
        &format!("/sandbox/sessions/{sid}/expire"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let (status, v) = call(
        &sb,
        Method::POST,
        &format!("/sandbox/sessions/{sid}/authorize"),
        None,
    )
    .await;
    assert_eq!(
        (status, v),
        (409, json!({"error": "the face_sid has expired"}))
    );
}

#[tokio::test]
async fn session_options_and_errors() {
    let sb = start().await;
    let (status, v) = call(
        &sb,
        Method::POST,
        "/sandbox/sessions",
        Some(
            json!({"persona": "zhang-san", "shape": "uuid_rt1", "authorized": true,
                    "sub_mch_id": "1900000201", "sub_appid": "wx1234567890abcdef"}),
        ),
    )
    .await;
    assert_eq!(status, 201, "{v}");
    assert!(v["face_sid"].as_str().unwrap().ends_with("_rt1"));
    assert_eq!(v["sub_openid"].as_str().unwrap().len(), 28);
    for (body, error) in [
        (json!({"persona": "nobody"}), "no persona nobody"),
        (
            json!({"persona": "zhang-san", "appid": "wx8888888888888888"}),
            "appid wx8888888888888888 is not bound to merchant 1900000109",
        ),
        (
            json!({"persona": "zhang-san", "mch_id": "1900000109", "sub_mch_id": "1900000201"}),
            "1900000201 is not a sub-merchant of 1900000109",
        ),
        (
            json!({"persona": "zhang-san", "sub_appid": "wx1234567890abcdef"}),
            "sub_appid needs sub_mch_id",
        ),
    ] {
        assert_eq!(
            call(&sb, Method::POST, "/sandbox/sessions", Some(body)).await,
            (400, json!({"error": error}))
        );
    }
    let (status, _) = call(
        &sb,
        Method::POST,
        "/sandbox/sessions",
        Some(json!({"persona": "zhang-san", "colour": "red"})),
    )
    .await;
    assert_eq!(status, 422);
    for path in [
        "/sandbox/sessions/nope/authorize",
        "/sandbox/sessions/nope/expire",
        "/sandbox/sessions/nope",
    ] {
        let method = if path.ends_with("nope") {
            Method::GET
        } else {
            Method::POST
        };
        assert_eq!(
            call(&sb, method, path, None).await,
            (404, json!({"error": "no such face_sid"}))
        );
    }
}

#[tokio::test]
async fn faults_clock_stats_and_reset() {
    let sb = start().await;
    let rule = json!({"target": "facemch", "kind": "status", "status": 503, "retry_after": "0", "times": 2});
    assert_eq!(
        call(&sb, Method::POST, "/sandbox/faults", Some(rule.clone())).await,
        (201, rule.clone())
    );
    assert_eq!(
        call(&sb, Method::GET, "/sandbox/faults", None).await,
        (200, json!([rule]))
    );
    assert_eq!(
        call(
            &sb,
            Method::POST,
            "/sandbox/faults",
            Some(json!({"target": "authinfo", "kind": "wrong_padding"}))
        )
        .await,
        (
            400,
            json!({"error": "fault wrong_padding does not apply to authinfo"})
        )
    );
    let (status, _) = call(
        &sb,
        Method::POST,
        "/sandbox/faults",
        Some(json!({"target": "nowhere", "kind": "reset"})),
    )
    .await;
    assert_eq!(status, 422);
    let s = sb.authorized_session("zhang-san").unwrap();
    client(&sb).query_user(&s.face_sid).await.unwrap();
    let (_, stats) = call(&sb, Method::GET, "/sandbox/stats", None).await;
    assert_eq!(stats["facemch"], 3);
    assert_eq!(stats["authinfo"], 0);
    assert_eq!(
        call(&sb, Method::GET, "/sandbox/faults", None).await,
        (200, json!([]))
    );

    call(
        &sb,
        Method::POST,
        "/sandbox/faults",
        Some(json!({"target": "facemch", "kind": "reset"})),
    )
    .await;
    let (status, _) = call(&sb, Method::DELETE, "/sandbox/faults/facemch", None).await;
    assert_eq!(status, 204);
    assert_eq!(
        call(&sb, Method::DELETE, "/sandbox/faults/nowhere", None).await,
        (404, json!({"error": "no fault target nowhere"}))
    );
    call(
        &sb,
        Method::POST,
        "/sandbox/faults",
        Some(json!({"target": "getWxpayfaceCode", "kind": "hang"})),
    )
    .await;
    let (status, _) = call(&sb, Method::DELETE, "/sandbox/faults", None).await;
    assert_eq!(status, 204);
    assert_eq!(
        call(&sb, Method::GET, "/sandbox/faults", None).await.1,
        json!([])
    );

    let (status, v) = call(
        &sb,
        Method::PUT,
        "/sandbox/clock",
        Some(json!({"skew_secs": -400})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(v["skew_secs"], -400);
    assert!((v["now"].as_i64().unwrap() - (now() - 400)).abs() <= 2);
    let e = impatient(&sb).query_user(&s.face_sid).await.unwrap_err();
    assert_eq!(e.code(), "CLOCK_SKEW");

    let (status, _) = call(&sb, Method::POST, "/sandbox/reset", None).await;
    assert_eq!(status, 204);
    assert_eq!(
        call(&sb, Method::GET, "/sandbox/clock", None).await.1["skew_secs"],
        0
    );
    assert_eq!(
        call(&sb, Method::GET, "/sandbox/stats", None).await.1["facemch"],
        0
    );
    // Sessions are gone after a reset.
    let e = impatient(&sb).query_user(&s.face_sid).await.unwrap_err();
    assert_eq!(e.code(), "WECHAT_REQUEST_REJECTED");
}

#[tokio::test]
async fn personas_info_face_app_persona_and_authinfo_expiry() {
    let sb = start().await;
    let (status, personas) = call(&sb, Method::GET, "/sandbox/personas", None).await;
    assert_eq!(status, 200);
    let list = personas.as_array().unwrap();
    assert_eq!(list.len(), 9);
    let zhang = list.iter().find(|p| p["id"] == "zhang-san").unwrap();
    assert_eq!(zhang["name"], "张三");
    assert_eq!(zhang["credential_id"], "110105198806120036");
    assert_eq!(
        zhang["openid"],
        sb.world()
            .persona("zhang-san")
            .unwrap()
            .openid("wxd930ea5d5a258f4f")
    );
    let passport = list.iter().find(|p| p["id"] == "passport").unwrap();
    assert_eq!(passport["union_id"], Value::Null);

    let (status, info) = call(&sb, Method::GET, "/sandbox/info", None).await;
    assert_eq!(status, 200);
    assert_eq!(info["merchant"]["mch_id"], "1900000109");
    assert_eq!(info["merchant"]["serial"], sb.material().merchant.serial);
    assert_eq!(
        info["wechatpay"]["public_key_id"],
        sb.material().public_key_id
    );
    assert_eq!(info["key_mode"], "public_key");
    assert!(
        !info.to_string().contains("BEGIN"),
        "no key material in info"
    );

    assert_eq!(
        call(&sb, Method::GET, "/sandbox/face-app/persona", None).await,
        (200, json!({"persona": "zhang-san"}))
    );
    assert_eq!(
        call(
            &sb,
            Method::PUT,
            "/sandbox/face-app/persona",
            Some(json!({"persona": "declines"}))
        )
        .await,
        (200, json!({"persona": "declines"}))
    );
    assert_eq!(sb.world().current_persona(), "declines");
    assert_eq!(
        call(
            &sb,
            Method::PUT,
            "/sandbox/face-app/persona",
            Some(json!({"persona": "x"}))
        )
        .await,
        (404, json!({"error": "no persona x"}))
    );

    let auth = client(&sb).get_authinfo("raw").await.unwrap();
    assert!(
        sb.world()
            .grant_of(auth.authinfo.expose())
            .unwrap()
            .expires_at
            > now()
    );
    let (status, _) = call(&sb, Method::POST, "/sandbox/authinfo/expire", None).await;
    assert_eq!(status, 200);
    assert!(
        sb.world()
            .grant_of(auth.authinfo.expose())
            .unwrap()
            .expires_at
            <= now()
    );
}

#[tokio::test]
async fn logs_name_routes_never_personal_data() {
    let logs = logs::capture();
    let sb = start().await;
    let client = client(&sb);
    client.get_authinfo("raw").await.unwrap();
    let mut canaries = vec![];
    for persona in ["rare-char", "with-phone", "passport"] {
        let s = sb.authorized_session(persona).unwrap();
        let info_type = if persona == "with-phone" {
            InfoType::AskRealNameTel
        } else {
            InfoType::AskRealName
        };
        client.query_user_as(&s.face_sid, info_type).await.unwrap();
        let p = sb.world().persona(persona).unwrap();
        canaries.extend([
            s.face_sid.clone(),
            s.openid.clone(),
            p.name,
            p.credential_id,
        ]);
        canaries.extend(p.phone);
    }
    let s = sb.create_session("zhang-san").unwrap();
    call(
        &sb,
        Method::POST,
        &format!("/sandbox/sessions/{}/authorize", s.face_sid),
        None,
    )
    .await;
    canaries.push(s.face_sid.clone());
    let text = logs.contents();
    assert!(
        text.contains("route=/v3/facemch/users/{face_sid}"),
        "route templates are logged: {text}"
    );
    assert!(text.contains("route=/sandbox/sessions/{face_sid}/authorize"));
    assert!(text.contains("status=200"));
    for c in canaries {
        assert!(!text.contains(&c), "{c} leaked into the logs");
    }
    assert_eq!(sb.hits(Target::Facemch), 3);
}
