//! Every error path of the sandbox's backends, with raw requests: exact status, code and
//! message (and for payapp, the exact XML WeChat sends).

mod common;

use common::*;
use facekiosk_pii::secret::Secret;
use facekiosk_sandbox::material::ids;
use facekiosk_sandbox::world::SessionRequest;
use facekiosk_sandbox::{FaultKind, FaultRule, KeyMode, Options, SandboxHandle, Target};
use facekiosk_wxpay::v2::sign::{self, Fields, SignType};
use facekiosk_wxpay::v2::xml;
use facekiosk_wxpay::v3::Authorization;
use facekiosk_wxpay::v3::sign::request_message;

// ---- payapp ----

fn authinfo_fields(sb: &SandboxHandle) -> Fields {
    let mut f = Fields::new();
    for (k, v) in [
        ("store_id", ids::STORE_ID),
        ("store_name", ids::STORE_NAME),
        ("device_id", ids::DEVICE_ID),
        ("rawdata", "RAW"),
        ("appid", ids::MERCHANT_APPID),
        ("mch_id", ids::MERCHANT_MCH_ID),
        ("version", "1"),
        ("sign_type", "MD5"),
        ("nonce_str", "5K8264ILTKCH16CQ2502SI8ZNMTM67VS"),
    ] {
        f.insert(k.into(), v.into());
    }
    f.insert("now".into(), now().to_string());
    let _ = sb;
    f
}

fn signed_xml(fields: &Fields, key: &Secret) -> String {
    let t = fields
        .get("sign_type")
        .and_then(|t| SignType::parse(t))
        .unwrap_or_default();
    let mut f = fields.clone();
    f.insert("sign".into(), sign::sign(fields, key, t));
    xml::write(&f).unwrap()
}

async fn post_authinfo(sb: &SandboxHandle, body: String) -> (u16, String) {
    let r = http()
        .post(format!("{}/face/get_wxpayface_authinfo", sb.base_url))
        .header("Content-Type", "text/xml")
        .body(body)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

fn expect_xml_error(answer: (u16, String), return_msg: &str) {
    assert_eq!(answer.0, 200, "payapp reports errors in HTTP 200");
    assert_eq!(
        answer.1,
        format!(
            "<xml><return_code><![CDATA[PARAM_ERROR]]></return_code>\n<return_msg><![CDATA[{return_msg}]]></return_msg>\n</xml>"
        )
    );
}

fn merchant_key(sb: &SandboxHandle) -> Secret {
    sb.material().merchant.apiv2_key.clone()
}

#[tokio::test]
async fn payapp_accepts_a_good_request_in_either_xml_form() {
    let sb = start().await;
    let fields = authinfo_fields(&sb);
    let (status, body) = post_authinfo(&sb, signed_xml(&fields, &merchant_key(&sb))).await;
    assert_eq!(status, 200);
    let out = xml::parse(body.as_bytes()).unwrap();
    assert_eq!(out["return_code"], "SUCCESS");
    assert_eq!(
        sign::verify(&out, &merchant_key(&sb), SignType::Md5),
        Ok(())
    );
    assert!(
        body.contains("<authinfo><![CDATA["),
        "CDATA like WeChat: {body}"
    );
    // CDATA in the request is fine too.
    let mut f = fields.clone();
    f.insert(
        "sign".into(),
        sign::sign(&fields, &merchant_key(&sb), SignType::Md5),
    );
    let cdata: String = std::iter::once("<xml>".to_owned())
        .chain(f.iter().map(|(k, v)| format!("<{k}><![CDATA[{v}]]></{k}>")))
        .chain(std::iter::once("</xml>".to_owned()))
        .collect();
    let (_, body) = post_authinfo(&sb, cdata).await;
    assert_eq!(
        xml::parse(body.as_bytes()).unwrap()["return_code"],
        "SUCCESS"
    );
    // No sign_type means MD5.
    let mut f = fields.clone();
    f.remove("sign_type");
    let (_, body) = post_authinfo(&sb, signed_xml(&f, &merchant_key(&sb))).await;
    assert_eq!(
        xml::parse(body.as_bytes()).unwrap()["return_code"],
        "SUCCESS"
    );
}

#[tokio::test]
async fn payapp_refuses_what_is_not_xml() {
    let sb = start().await;
    for body in [
        "",
        "store_id=1&mch_id=1900000109",
        "{\"mch_id\":\"1900000109\"}",
        "<xml><a>1</b></xml>",
        "<xml></xml>",
        "<!DOCTYPE x [<!ENTITY e \"x\">]><xml><a>&e;</a></xml>",
    ] {
        expect_xml_error(post_authinfo(&sb, body.into()).await, "请求报文格式错误");
    }
}

#[tokio::test]
async fn payapp_signature_errors() {
    let sb = start().await;
    let fields = authinfo_fields(&sb);
    let wrong = Secret::new("0123456789abcdef0123456789abcdef");
    expect_xml_error(
        post_authinfo(&sb, signed_xml(&fields, &wrong)).await,
        "签名错误",
    );
    // Signed with one type, labelled as the other.
    let mut f = fields.clone();
    f.insert(
        "sign".into(),
        sign::sign(&fields, &merchant_key(&sb), SignType::HmacSha256),
    );
    expect_xml_error(
        post_authinfo(&sb, xml::write(&f).unwrap()).await,
        "签名错误",
    );
    // A field changed after signing.
    let mut body = signed_xml(&fields, &merchant_key(&sb));
    body = body.replace(ids::DEVICE_ID, "KIOSK-OTHER");
    expect_xml_error(post_authinfo(&sb, body).await, "签名错误");
    // No sign at all.
    expect_xml_error(
        post_authinfo(&sb, xml::write(&fields).unwrap()).await,
        "缺少参数sign",
    );
    let mut f = fields.clone();
    f.insert("sign_type".into(), "SHA1".into());
    f.insert("sign".into(), "A".repeat(32));
    expect_xml_error(
        post_authinfo(&sb, xml::write(&f).unwrap()).await,
        "sign_type参数错误",
    );
}

#[tokio::test]
async fn payapp_field_errors() {
    let sb = start().await;
    let key = merchant_key(&sb);
    let base = authinfo_fields(&sb);
    for name in [
        "store_id",
        "store_name",
        "device_id",
        "rawdata",
        "appid",
        "now",
        "version",
        "nonce_str",
    ] {
        let mut f = base.clone();
        f.remove(name);
        expect_xml_error(
            post_authinfo(&sb, signed_xml(&f, &key)).await,
            &format!("缺少参数{name}"),
        );
    }
    let mut f = base.clone();
    f.remove("mch_id");
    f.insert("sign".into(), "A".repeat(32));
    expect_xml_error(
        post_authinfo(&sb, xml::write(&f).unwrap()).await,
        "缺少参数mch_id",
    );
    let mut f = base.clone();
    f.insert("mch_id".into(), "1999999999".into());
    expect_xml_error(
        post_authinfo(&sb, signed_xml(&f, &key)).await,
        "mch_id参数错误",
    );
    for (name, len) in [
        ("store_id", 33),
        ("store_name", 129),
        ("device_id", 33),
        ("rawdata", 2049),
        ("nonce_str", 33),
    ] {
        let mut f = base.clone();
        f.insert(name.into(), "a".repeat(len));
        expect_xml_error(
            post_authinfo(&sb, signed_xml(&f, &key)).await,
            &format!("{name}参数长度有误"),
        );
    }
    let mut f = base.clone();
    f.insert("version".into(), "2".into());
    expect_xml_error(
        post_authinfo(&sb, signed_xml(&f, &key)).await,
        "version参数错误",
    );
    let mut f = base.clone();
    f.insert("now".into(), "soon".into());
    expect_xml_error(
        post_authinfo(&sb, signed_xml(&f, &key)).await,
        "now参数错误",
    );
    let mut f = base.clone();
    f.insert("appid".into(), ids::SP_APPID.into());
    expect_xml_error(
        post_authinfo(&sb, signed_xml(&f, &key)).await,
        "appid和mch_id不匹配",
    );
    let mut f = base.clone();
    f.insert("sub_mch_id".into(), ids::SUB_MCH_ID.into());
    expect_xml_error(
        post_authinfo(&sb, signed_xml(&f, &key)).await,
        "sub_mch_id与mch_id不匹配",
    );
}

#[tokio::test]
async fn payapp_service_provider_errors() {
    let sb = start().await;
    let key = sb.material().service_provider.apiv2_key.clone();
    let mut base = authinfo_fields(&sb);
    base.insert("mch_id".into(), ids::SP_MCH_ID.into());
    base.insert("appid".into(), ids::SP_APPID.into());
    expect_xml_error(
        post_authinfo(&sb, signed_xml(&base, &key)).await,
        "缺少参数sub_mch_id",
    );
    let mut f = base.clone();
    f.insert("sub_mch_id".into(), ids::MERCHANT_MCH_ID.into());
    expect_xml_error(
        post_authinfo(&sb, signed_xml(&f, &key)).await,
        "sub_mch_id与mch_id不匹配",
    );
    let mut f = base.clone();
    f.insert("sub_mch_id".into(), ids::SUB_MCH_ID.into());
    f.insert("sub_appid".into(), ids::MERCHANT_APPID.into());
    expect_xml_error(
        post_authinfo(&sb, signed_xml(&f, &key)).await,
        "sub_appid和sub_mch_id不匹配",
    );
    // Signed with the sub-merchant's key instead of the service provider's.
    let mut f = base.clone();
    f.insert("sub_mch_id".into(), ids::SUB_MCH_ID.into());
    expect_xml_error(
        post_authinfo(&sb, signed_xml(&f, &sb.material().sub_merchant.apiv2_key)).await,
        "签名错误",
    );
    let (_, body) = post_authinfo(&sb, signed_xml(&f, &key)).await;
    let out = xml::parse(body.as_bytes()).unwrap();
    assert_eq!(out["return_code"], "SUCCESS");
    assert_eq!(out["sub_mch_id"], ids::SUB_MCH_ID);
    sign::verify(&out, &key, SignType::default()).unwrap();
}

#[tokio::test]
async fn payapp_now_tolerance_when_configured() {
    let sb = start_with(Options {
        authinfo_now_tolerance_secs: Some(600),
        ..Options::default()
    })
    .await;
    let key = merchant_key(&sb);
    let mut f = authinfo_fields(&sb);
    f.insert("now".into(), (now() - 3600).to_string());
    expect_xml_error(
        post_authinfo(&sb, signed_xml(&f, &key)).await,
        "now参数错误",
    );
    f.insert("now".into(), (now() - 60).to_string());
    let (_, body) = post_authinfo(&sb, signed_xml(&f, &key)).await;
    assert!(body.contains("SUCCESS"));
}

#[tokio::test]
async fn payapp_injected_status_is_an_html_page_with_retry_after() {
    let sb = start().await;
    sb.set_fault(
        FaultRule::new(
            Target::Authinfo,
            FaultKind::Status {
                status: 503,
                retry_after: Some("2".into()),
            },
        )
        .times(1),
    )
    .unwrap();
    let r = http()
        .post(format!("{}/face/get_wxpayface_authinfo", sb.base_url))
        .body("<xml/>")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 503);
    assert_eq!(r.headers()["Retry-After"], "2");
    assert!(r.text().await.unwrap().contains("503 Service Unavailable"));
}

// ---- api.mch: authentication ----

fn sid_query() -> &'static str {
    "info_type=ASK_REAL_NAME&appid=wxd930ea5d5a258f4f"
}

async fn authorized_sid(sb: &SandboxHandle) -> String {
    sb.authorized_session("zhang-san").unwrap().face_sid
}

#[tokio::test]
async fn facemch_authorization_malformed() {
    let sb = start().await;
    let sid = authorized_sid(&sb).await;
    let path = facemch_path(&sid, sid_query());
    let good = merchant_signer(&sb).authorization("GET", &path, now(), "N", "");
    let good_text = good.to_string();
    let cases: Vec<Option<String>> = vec![
        None,
        Some(String::new()),
        Some("Bearer abc".into()),
        Some(good_text.replacen("WECHATPAY2-SHA256-RSA2048", "WECHATPAY2-SHA256-RSA", 1)),
        Some(good_text.replace(",serial_no=", ",serial=")),
        Some(good_text.replace("mchid=\"", "mchid=")),
        Some(format!("{good_text},mchid=\"1\"")),
        Some(good_text.replace(
            &format!("timestamp=\"{}\"", good.timestamp),
            &format!("timestamp=\"{}000\"", good.timestamp),
        )),
    ];
    for auth in cases {
        raw_get(&sb, &path, auth.as_deref(), &[])
            .await
            .assert_error(401, "SIGN_ERROR", "Authorization不合法");
    }
}

#[tokio::test]
async fn facemch_authorization_in_any_field_order() {
    let sb = start().await;
    let sid = authorized_sid(&sb).await;
    let path = facemch_path(&sid, sid_query());
    let a = merchant_signer(&sb).authorization("GET", &path, now(), "N1", "");
    // wechatpay-go's order, with spaces after the commas.
    let go = format!(
        "WECHATPAY2-SHA256-RSA2048 mchid=\"{}\", nonce_str=\"{}\", timestamp=\"{}\", serial_no=\"{}\", signature=\"{}\"",
        a.mchid, a.nonce_str, a.timestamp, a.serial_no, a.signature
    );
    let answer = raw_get(&sb, &path, Some(&go), &[]).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    // A lowercase serial_no is the same certificate.
    let lower = Authorization {
        serial_no: a.serial_no.to_lowercase(),
        ..a
    };
    let answer = raw_get(&sb, &path, Some(&lower.to_string()), &[]).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}

#[tokio::test]
async fn facemch_timestamp_five_minutes() {
    let sb = start().await;
    let sid = authorized_sid(&sb).await;
    let path = facemch_path(&sid, sid_query());
    let signer = merchant_signer(&sb);
    for offset in [-300, 300, -3600, 86_400] {
        signed_get(&sb, &signer, &path, now() + offset)
            .await
            .assert_error(
                401,
                "SIGN_ERROR",
                "Http头Authorization中的timestamp与发起请求的时间不得超过5分钟",
            );
    }
    for offset in [-290, 290] {
        assert_eq!(
            signed_get(&sb, &signer, &path, now() + offset).await.status,
            200
        );
    }
    // The sandbox's own clock decides: skewed, it rejects a correct kiosk clock.
    sb.set_clock_skew(-600);
    signed_get(&sb, &signer, &path, now()).await.assert_error(
        401,
        "SIGN_ERROR",
        "Http头Authorization中的timestamp与发起请求的时间不得超过5分钟",
    );
    assert_eq!(
        signed_get(&sb, &signer, &path, now() - 600).await.status,
        200
    );
}

#[tokio::test]
async fn facemch_unknown_merchant_or_serial() {
    let sb = start().await;
    let sid = authorized_sid(&sb).await;
    let path = facemch_path(&sid, sid_query());
    let m = &sb.material().merchant;
    let message = "商户证书序列号有误。请使用签名私钥匹配的证书序列号";
    let wrong_serial = facekiosk_wxpay::v3::MerchantSigner::new(&m.mch_id, "00AA", m.key.clone());
    signed_get(&sb, &wrong_serial, &path, now())
        .await
        .assert_error(401, "SIGN_ERROR", message);
    // The service provider's serial under the merchant's mchid.
    let crossed = facekiosk_wxpay::v3::MerchantSigner::new(
        &m.mch_id,
        &sb.material().service_provider.serial,
        sb.material().service_provider.key.clone(),
    );
    signed_get(&sb, &crossed, &path, now())
        .await
        .assert_error(401, "SIGN_ERROR", message);
    let unknown = facekiosk_wxpay::v3::MerchantSigner::new("1999999999", &m.serial, m.key.clone());
    signed_get(&sb, &unknown, &path, now())
        .await
        .assert_error(401, "SIGN_ERROR", message);
}

#[tokio::test]
async fn facemch_signature_mismatch_has_wechats_detail_block() {
    let sb = start().await;
    let sid = authorized_sid(&sb).await;
    let path = facemch_path(&sid, sid_query());
    let m = &sb.material().merchant;
    let ts = now();
    let forged = facekiosk_wxpay::v3::MerchantSigner::new(&m.mch_id, &m.serial, other_key())
        .authorization("GET", &path, ts, "NONCE-1", "");
    let answer = raw_get(&sb, &path, Some(&forged.to_string()), &[]).await;
    answer.assert_error(401, "SIGN_ERROR", "签名错误，请检查后再试");
    let message = request_message("GET", &path, ts, "NONCE-1", "");
    assert_eq!(
        answer.json()["detail"],
        serde_json::json!({
            "detail": {"issue": "sign not match"},
            "field": "signature",
            "location": "authorization",
            "sign_information": {
                "method": "GET",
                "sign_message_length": message.len(),
                "truncated_sign_message": message,
                "url": path,
            }
        })
    );
    // Signed over another URL than the one requested: the echo shows the sandbox's view.
    let other = merchant_signer(&sb).authorization(
        "GET",
        &facemch_path(&sid, "info_type=ASK_UNIONID&appid=wxd930ea5d5a258f4f"),
        ts,
        "NONCE-2",
        "",
    );
    let answer = raw_get(&sb, &path, Some(&other.to_string()), &[]).await;
    answer.assert_error(401, "SIGN_ERROR", "签名错误，请检查后再试");
    assert_eq!(
        answer.json()["detail"]["sign_information"]["truncated_sign_message"],
        request_message("GET", &path, ts, "NONCE-2", "")
    );
}

// ---- api.mch: the query ----

async fn get_as_merchant(sb: &SandboxHandle, sid: &str, query: &str) -> Answer {
    signed_get(sb, &merchant_signer(sb), &facemch_path(sid, query), now()).await
}

async fn get_as_sp(sb: &SandboxHandle, sid: &str, query: &str) -> Answer {
    signed_get(sb, &sp_signer(sb), &facemch_path(sid, query), now()).await
}

#[tokio::test]
async fn facemch_query_errors() {
    let sb = start().await;
    let sid = authorized_sid(&sb).await;
    for query in [
        "appid=wxd930ea5d5a258f4f",
        "info_type=&appid=wxd930ea5d5a258f4f",
        "info_type=ASK_UNION_ID&appid=wxd930ea5d5a258f4f",
        "info_type=ask_real_name&appid=wxd930ea5d5a258f4f",
        "info_type=ASK_PHONE&appid=wxd930ea5d5a258f4f",
    ] {
        get_as_merchant(&sb, &sid, query).await.assert_error(
            400,
            "PARAM_ERROR",
            "info_type值无定义",
        );
    }
    for query in ["info_type=ASK_REAL_NAME", "info_type=ASK_REAL_NAME&appid="] {
        get_as_merchant(&sb, &sid, query)
            .await
            .assert_error(400, "PARAM_ERROR", "缺少参数appid");
    }
    get_as_merchant(
        &sb,
        &sid,
        "info_type=ASK_REAL_NAME&appid=wx8888888888888888",
    )
    .await
    .assert_error(400, "PARAM_ERROR", "appid和mch_id不匹配");
    get_as_merchant(
        &sb,
        &sid,
        "info_type=ASK_REAL_NAME&appid=wxd930ea5d5a258f4f&sub_mchid=1900000201",
    )
    .await
    .assert_error(400, "INVALID_REQUEST", "sub_mchid不合法");
    // The session was made under the first appid; the merchant's second appid does not see it.
    get_as_merchant(
        &sb,
        &sid,
        "info_type=ASK_REAL_NAME&appid=wx2421b1c4370ec43b",
    )
    .await
    .assert_error(400, "INVALID_REQUEST", "face_sid无效");
}

#[tokio::test]
async fn facemch_service_provider_rules() {
    let sb = start().await;
    let sid = sb
        .world()
        .create_session(SessionRequest {
            persona: "zhang-san".into(),
            sub_mch_id: Some(ids::SUB_MCH_ID.into()),
            authorized: true,
            ..SessionRequest::default()
        })
        .unwrap()
        .face_sid;
    let sub_serial = sb.material().sub_merchant.serial.clone();
    let base = "info_type=ASK_REAL_NAME&appid=wx8888888888888888";
    get_as_sp(&sb, &sid, base)
        .await
        .assert_error(400, "INVALID_REQUEST", "sub_mchid不合法");
    get_as_sp(
        &sb,
        &sid,
        &format!("{base}&sub_mchid=1900000109&sub_serial_no={sub_serial}"),
    )
    .await
    .assert_error(400, "INVALID_REQUEST", "sub_mchid不合法");
    get_as_sp(&sb, &sid, &format!("{base}&sub_mchid=1900000201"))
        .await
        .assert_error(
            400,
            "PARAM_ERROR",
            "服务商模式下请求实名信息必须传入sub_serial_no",
        );
    get_as_sp(
        &sb,
        &sid,
        &format!("{base}&sub_mchid=1900000201&sub_serial_no=00AA"),
    )
    .await
    .assert_error(400, "PARAM_ERROR", "sub_serial_no不合法");
    // The service provider's own serial is not the sub-merchant's.
    let sp_serial = sb.material().service_provider.serial.clone();
    get_as_sp(
        &sb,
        &sid,
        &format!("{base}&sub_mchid=1900000201&sub_serial_no={sp_serial}"),
    )
    .await
    .assert_error(400, "PARAM_ERROR", "sub_serial_no不合法");
    get_as_sp(
        &sb,
        &sid,
        &format!(
            "{base}&sub_mchid=1900000201&sub_appid=wxd930ea5d5a258f4f&sub_serial_no={sub_serial}"
        ),
    )
    .await
    .assert_error(400, "PARAM_ERROR", "sub_appid和sub_mchid不匹配");
    // ASK_UNIONID needs no sub_serial_no.
    let ok = get_as_sp(
        &sb,
        &sid,
        "info_type=ASK_UNIONID&appid=wx8888888888888888&sub_mchid=1900000201",
    )
    .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    let ok = get_as_sp(
        &sb,
        &sid,
        &format!("{base}&sub_mchid=1900000201&sub_serial_no={sub_serial}"),
    )
    .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert!(ok.json()["real_name_info"]["encrypted_real_name"].is_string());
    assert!(ok.json().get("sub_openid").is_none());
}

#[tokio::test]
async fn facemch_face_sid_errors() {
    let sb = start().await;
    let q = sid_query();
    get_as_merchant(&sb, "bbaf113f-4171-4332-9c79-dace6d35a917", q)
        .await
        .assert_error(400, "INVALID_REQUEST", "face_sid无效");
    let s = sb.create_session("zhang-san").unwrap();
    get_as_merchant(&sb, &s.face_sid, q)
        .await
        .assert_error(400, "INVALID_REQUEST", "用户未授权");
    assert!(sb.authorize(&s.face_sid));
    assert_eq!(get_as_merchant(&sb, &s.face_sid, q).await.status, 200);
    sb.world().expire_session(&s.face_sid).unwrap();
    get_as_merchant(&sb, &s.face_sid, q).await.assert_error(
        400,
        "INVALID_REQUEST",
        "face_sid已过期",
    );
    // A short-lived session runs out by itself.
    let short = sb
        .world()
        .create_session(SessionRequest {
            persona: "zhang-san".into(),
            authorized: true,
            ttl_secs: Some(1),
            ..SessionRequest::default()
        })
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    get_as_merchant(&sb, &short.face_sid, q).await.assert_error(
        400,
        "INVALID_REQUEST",
        "face_sid已过期",
    );
    // Another merchant's face_sid is unknown to this one.
    let sp_sid = sb
        .world()
        .create_session(SessionRequest {
            persona: "zhang-san".into(),
            sub_mch_id: Some(ids::SUB_MCH_ID.into()),
            authorized: true,
            ..SessionRequest::default()
        })
        .unwrap()
        .face_sid;
    get_as_merchant(&sb, &sp_sid, q)
        .await
        .assert_error(400, "INVALID_REQUEST", "face_sid无效");
}

#[tokio::test]
async fn facemch_empty_union_id_and_phone() {
    let sb = start().await;
    let sid = sb.authorized_session("passport").unwrap().face_sid;
    get_as_merchant(&sb, &sid, "info_type=ASK_UNIONID&appid=wxd930ea5d5a258f4f")
        .await
        .assert_error(400, "INVALID_REQUEST", "UnionID为空");
    get_as_merchant(
        &sb,
        &sid,
        "info_type=ASK_REAL_NAME_TEL&appid=wxd930ea5d5a258f4f",
    )
    .await
    .assert_error(400, "INVALID_REQUEST", "手机号为空");
}

#[tokio::test]
async fn facemch_success_shape_and_headers() {
    let sb = start().await;
    let sid = sb.authorized_session("with-phone").unwrap().face_sid;
    let a = get_as_merchant(
        &sb,
        &sid,
        "info_type=ASK_REAL_NAME_TEL&appid=wxd930ea5d5a258f4f",
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let v = a.json();
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["encrypted_phone_number", "openid", "real_name_info"]);
    assert_eq!(v["real_name_info"]["credential_type"], 1);
    let key = &sb.material().merchant.key;
    let plain = key
        .decrypt_b64(
            facekiosk_wxpay::crypto::Padding::Pkcs1v15,
            v["real_name_info"]["encrypted_real_name"].as_str().unwrap(),
        )
        .unwrap();
    assert_eq!(std::str::from_utf8(&plain).unwrap(), "王芳");
    assert_eq!(
        a.header("Content-Type"),
        Some("application/json; charset=utf-8")
    );
    assert_eq!(
        a.header("Wechatpay-Signature-Type"),
        Some("WECHATPAY2-SHA256-RSA2048")
    );
    assert_eq!(
        a.header("Wechatpay-Serial"),
        Some(sb.material().public_key_id.as_str())
    );
    for h in [
        "Wechatpay-Timestamp",
        "Wechatpay-Nonce",
        "Wechatpay-Signature",
        "Request-ID",
        "Date",
    ] {
        assert!(a.header(h).is_some(), "{h}");
    }
    let headers = facekiosk_wxpay::v3::SignedHeaders::read(|n| a.header(n)).unwrap();
    let mut verifier = facekiosk_wxpay::v3::Verifier::new();
    verifier.add_public_key(
        &sb.material().public_key_id,
        sb.material().wechatpay_key.public_key(),
    );
    verifier.verify(&headers, a.body.as_bytes(), now()).unwrap();
}

#[tokio::test]
async fn apimch_injected_statuses_have_wechat_bodies() {
    let sb = start().await;
    let sid = authorized_sid(&sb).await;
    for (status, code, message) in [
        (500, "SYSTEM_ERROR", "系统错误"),
        (503, "SYSTEM_ERROR", "系统错误"),
        (429, "FREQUENCY_LIMITED", "请求频率超限，请降低频率后重试"),
    ] {
        sb.set_fault(
            FaultRule::new(
                Target::Facemch,
                FaultKind::Status {
                    status,
                    retry_after: Some("1".into()),
                },
            )
            .times(1),
        )
        .unwrap();
        let a = get_as_merchant(&sb, &sid, sid_query()).await;
        a.assert_error(status, code, message);
        assert_eq!(a.header("Retry-After"), Some("1"));
    }
}

#[tokio::test]
async fn date_header_follows_the_sandbox_clock() {
    let sb = start().await;
    sb.set_clock_skew(3600);
    let a = raw_get(&sb, "/v3/certificates", None, &[]).await;
    let date = httpdate::parse_http_date(a.header("Date").unwrap()).unwrap();
    let ahead = date
        .duration_since(std::time::SystemTime::now())
        .unwrap()
        .as_secs();
    assert!((3590..=3600).contains(&ahead), "{ahead}");
}

#[tokio::test]
async fn a_reset_fault_drops_the_connection() {
    let sb = start().await;
    sb.set_fault(FaultRule::new(Target::Certificates, FaultKind::Reset).times(1))
        .unwrap();
    let e = http()
        .get(format!("{}/v3/certificates", sb.base_url))
        .send()
        .await
        .unwrap_err();
    assert!(!e.is_timeout(), "{e}");
    // The next request is answered.
    assert_eq!(
        raw_get(&sb, "/v3/certificates", None, &[]).await.status,
        401
    );
}

// ---- certificates ----

#[tokio::test]
async fn certificates_in_public_key_mode() {
    let sb = start().await;
    let a = signed_get(&sb, &merchant_signer(&sb), "/v3/certificates", now()).await;
    a.assert_error(404, "NOT_FOUND", "证书不存在");
    raw_get(&sb, "/v3/certificates", None, &[])
        .await
        .assert_error(401, "SIGN_ERROR", "Authorization不合法");
}

#[tokio::test]
async fn certificates_in_platform_mode_decrypt_with_the_apiv3_key() {
    use aes_gcm::aead::{Aead, KeyInit, Payload};
    use base64::Engine;
    let sb = start_with(Options {
        key_mode: KeyMode::PlatformCertificate,
        ..Options::default()
    })
    .await;
    let a = signed_get(&sb, &merchant_signer(&sb), "/v3/certificates", now()).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(
        a.header("Wechatpay-Serial"),
        Some(sb.material().platform_serial.as_str())
    );
    let v = a.json();
    let item = &v["data"][0];
    assert_eq!(item["serial_no"], sb.material().platform_serial.as_str());
    let enc = &item["encrypt_certificate"];
    assert_eq!(enc["algorithm"], "AEAD_AES_256_GCM");
    assert_eq!(enc["associated_data"], "certificate");
    let nonce = enc["nonce"].as_str().unwrap();
    assert_eq!(nonce.len(), 12);
    assert!(item["effective_time"].as_str().unwrap().ends_with("+08:00"));
    let key = sb.material().merchant.apiv3_key.expose().to_owned();
    let cipher = aes_gcm::Aes256Gcm::new_from_slice(key.as_bytes()).unwrap();
    let ct = base64::engine::general_purpose::STANDARD
        .decode(enc["ciphertext"].as_str().unwrap())
        .unwrap();
    let pem = cipher
        .decrypt(
            &aes_gcm::Nonce::try_from(nonce.as_bytes()).unwrap(),
            Payload {
                msg: &ct,
                aad: b"certificate",
            },
        )
        .unwrap();
    let cert =
        facekiosk_wxpay::crypto::Certificate::from_pem("x", std::str::from_utf8(&pem).unwrap())
            .unwrap();
    assert_eq!(cert.serial, sb.material().platform_serial);
    // The answer is signed with that certificate.
    let headers = facekiosk_wxpay::v3::SignedHeaders::read(|n| a.header(n)).unwrap();
    let mut verifier = facekiosk_wxpay::v3::Verifier::new();
    verifier.add_certificate(&cert);
    verifier.verify(&headers, a.body.as_bytes(), now()).unwrap();
}
