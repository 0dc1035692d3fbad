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

/// PUTs, POSTs a raw body (not necessarily JSON).
async fn raw(
    sb: &facekiosk_sandbox::SandboxHandle,
    method: Method,
    path: &str,
    body: String,
) -> (u16, Value) {
    let r = http()
        .request(method, format!("{}{}", sb.base_url, path))
        .header("Content-Type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (
        status,
        serde_json::from_str(&r.text().await.unwrap()).unwrap_or(Value::Null),
    )
}

/// The sandbox still serves both its admin API and a real facemch query.
async fn still_answers(sb: &facekiosk_sandbox::SandboxHandle) {
    let (status, info) = call(sb, Method::GET, "/sandbox/info", None).await;
    assert_eq!(status, 200, "{info}");
    let s = sb.authorized_session("zhang-san").unwrap();
    impatient(sb).query_user(&s.face_sid).await.unwrap();
}

#[tokio::test]
async fn numbers_out_of_range_are_refused_by_field_and_range_and_the_sandbox_answers_after() {
    let sb = start().await;
    let skew = "skew_secs must be an integer in -315360000..=315360000";
    for n in [
        "9223372036854775807",
        "-9223372036854775808",
        "18446744073709551615",
        "-315360001",
        "315360001",
        "1e30",
        "-1e30",
        "0.5",
    ] {
        assert_eq!(
            raw(
                &sb,
                Method::PUT,
                "/sandbox/clock",
                format!(r#"{{"skew_secs": {n}}}"#)
            )
            .await,
            (400, json!({"error": skew})),
            "skew_secs {n}"
        );
        assert_eq!(
            call(&sb, Method::GET, "/sandbox/clock", None).await.1["skew_secs"],
            0
        );
    }
    // The bounds themselves are taken, and every response's Date can still be written.
    for n in [315_360_000, -315_360_000] {
        let (status, v) = call(
            &sb,
            Method::PUT,
            "/sandbox/clock",
            Some(json!({"skew_secs": n})),
        )
        .await;
        assert_eq!((status, &v["skew_secs"]), (200, &json!(n)));
        assert_eq!(call(&sb, Method::GET, "/sandbox/info", None).await.0, 200);
    }
    call(
        &sb,
        Method::PUT,
        "/sandbox/clock",
        Some(json!({"skew_secs": 0})),
    )
    .await;

    for (field, values, range) in [
        (
            "ms",
            &["18446744073709551615", "600001", "-1", "1e20"][..],
            "0..=600000",
        ),
        (
            "status",
            &["70000", "200", "-503", "503.5"][..],
            "400..=599",
        ),
        (
            "err_code",
            &["9223372036854775808", "-9223372036854775809", "1e19"][..],
            "-9223372036854775808..=9223372036854775807",
        ),
        ("times", &["0", "-1", "4294967296"][..], "1..=4294967295"),
    ] {
        let kind = match field {
            "ms" => r#""target": "facemch", "kind": "latency""#,
            "status" => r#""target": "facemch", "kind": "status""#,
            "err_code" => r#""target": "getWxpayfaceCode", "kind": "err_code""#,
            _ => r#""target": "facemch", "kind": "reset""#,
        };
        for n in values {
            assert_eq!(
                raw(
                    &sb,
                    Method::POST,
                    "/sandbox/faults",
                    format!(r#"{{{kind}, "{field}": {n}}}"#)
                )
                .await,
                (
                    400,
                    json!({"error": format!("{field} must be an integer in {range}")})
                ),
                "{field} {n}"
            );
        }
    }
    // Any i64 is an err_code the face app may answer.
    let rule = json!({"target": "getWxpayfaceCode", "kind": "err_code", "err_code": i64::MIN, "times": u32::MAX});
    assert_eq!(
        call(&sb, Method::POST, "/sandbox/faults", Some(rule.clone())).await,
        (201, rule)
    );
    call(&sb, Method::DELETE, "/sandbox/faults", None).await;
    assert_eq!(
        call(&sb, Method::GET, "/sandbox/faults", None).await,
        (200, json!([])),
        "nothing out of range was kept"
    );

    for n in ["18446744073709551615", "-1", "315360001", "1e9"] {
        assert_eq!(
            raw(
                &sb,
                Method::POST,
                "/sandbox/sessions",
                format!(r#"{{"persona": "zhang-san", "ttl_secs": {n}}}"#)
            )
            .await,
            (
                400,
                json!({"error": "ttl_secs must be an integer in 0..=315360000"})
            ),
            "ttl_secs {n}"
        );
    }
    // The Rust API is held to the same bounds, so the Date of every answer can be written.
    sb.set_clock_skew(i64::MAX);
    assert_eq!(
        call(&sb, Method::GET, "/sandbox/clock", None).await.1["skew_secs"],
        315_360_000
    );
    sb.set_clock_skew(i64::MIN);
    assert_eq!(
        call(&sb, Method::GET, "/sandbox/clock", None).await.1["skew_secs"],
        -315_360_000
    );
    sb.set_clock_skew(0);
    still_answers(&sb).await;
}

#[tokio::test]
async fn malformed_huge_and_mistyped_bodies_get_an_error_and_the_sandbox_answers_after() {
    let sb = start().await;
    let routes = [
        (Method::PUT, "/sandbox/clock"),
        (Method::POST, "/sandbox/faults"),
        (Method::POST, "/sandbox/sessions"),
        (Method::PUT, "/sandbox/face-app/persona"),
        (Method::PUT, "/sandbox/face-app/installing"),
        (Method::POST, "/sandbox/face-app/present"),
        (Method::POST, "/sandbox/face-app/wechat-screen"),
    ];
    for (method, path) in &routes {
        for body in [
            String::new(),
            "{".into(),
            r#"{"skew_secs": "#.into(),
            "1e99999".into(),
            "[".repeat(100_000),
            "\u{0}".into(),
        ] {
            let (status, v) = raw(&sb, method.clone(), path, body).await;
            assert_eq!(status, 400, "{path}: {v}");
            assert!(
                v["error"].as_str().unwrap().starts_with("body: not JSON"),
                "{path}: {v}"
            );
        }
        // Larger than axum's 2 MiB limit.
        let huge = format!(r#"{{"persona": "{}"}}"#, "x".repeat(3 << 20));
        assert_eq!(raw(&sb, method.clone(), path, huge).await.0, 413, "{path}");
        // Every number where a string or a flag belongs: refused by the field's name.
        let (status, v) = raw(
            &sb,
            method.clone(),
            path,
            r#"{"persona": 1, "installing": 2, "confirm": 3, "target": 4, "skew_secs": "5"}"#
                .into(),
        )
        .await;
        // 422, or 400 where serde cannot tell a type from a syntax error (the flattened fault).
        assert!(matches!(status, 400 | 422), "{path}: {status} {v}");
        let error = v["error"].as_str().unwrap();
        assert!(
            ["persona", "installing", "confirm", "target", "skew_secs"]
                .iter()
                .any(|f| error.contains(f)),
            "{path}: the error names no field: {error}"
        );
    }
    let (_, v) = raw(
        &sb,
        Method::PUT,
        "/sandbox/clock",
        r#"{"skew_secs": "5"}"#.into(),
    )
    .await;
    assert!(v["error"].as_str().unwrap().contains("skew_secs"), "{v}");
    still_answers(&sb).await;
}
