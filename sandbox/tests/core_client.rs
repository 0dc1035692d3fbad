//! The kiosk's own WeChat client (`facekiosk_wxpay::WxpayClient`, built from the kiosk.toml the
//! sandbox writes) against the sandbox over real loopback HTTP: authinfo with both sign types,
//! facemch for every info_type, both key modes, service-provider mode, and every fault mapped
//! to the typed error the kiosk branches on.

mod common;

use std::time::{Duration, Instant};

use common::*;
use facekiosk_pii::Identity;
use facekiosk_pii::identity::CredentialType;
use facekiosk_sandbox::material::ids;
use facekiosk_sandbox::world::SessionRequest;
use facekiosk_sandbox::{FaultKind, FaultRule, FieldPadding, KeyMode, Options, Target};
use facekiosk_wxpay::client::Credentials;
use facekiosk_wxpay::v2::SignType;
use facekiosk_wxpay::v3::MerchantSigner;
use facekiosk_wxpay::{InfoType, WxpayClient, WxpayError};

fn real_name(identity: &Identity) -> (String, CredentialType, String) {
    let info = identity.real_name.as_ref().expect("real_name_info");
    (
        info.name.reveal().to_owned(),
        info.credential_type,
        info.credential_number.reveal().to_owned(),
    )
}

fn api_message(e: &WxpayError) -> (u16, String, String) {
    match e {
        WxpayError::Api {
            status,
            code,
            message,
            ..
        } => (*status, code.clone(), message.clone()),
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn authinfo_with_both_sign_types() {
    let sb = start().await;
    for sign_type in [SignType::Md5, SignType::HmacSha256] {
        let client = client_with(&sb, false, |c| c.wxpay.keys.apiv2_sign_type = sign_type);
        let auth = client
            .get_authinfo("RAWDATA-FROM-A-TERMINAL")
            .await
            .unwrap();
        assert_eq!(auth.expires_in, 3600);
        let grant = sb.world().grant_of(auth.authinfo.expose()).unwrap();
        assert_eq!(grant.scope.device_id, ids::DEVICE_ID);
        assert_eq!(grant.scope.store_id, ids::STORE_ID);
        assert_eq!(grant.scope.appid, ids::MERCHANT_APPID);
        assert_eq!(grant.scope.mch_id, ids::MERCHANT_MCH_ID);
        assert_eq!(grant.scope.sub_mch_id, None);
    }
    assert_eq!(sb.hits(Target::Authinfo), 2);
}

#[tokio::test]
async fn authinfo_lifetime_is_configurable() {
    let sb = start_with(Options {
        authinfo_expires_in: 120,
        ..Options::default()
    })
    .await;
    let auth = client(&sb).get_authinfo("raw").await.unwrap();
    assert_eq!(auth.expires_in, 120);
    let grant = sb.world().grant_of(auth.authinfo.expose()).unwrap();
    assert!((grant.expires_at - now() - 120).abs() <= 2);
}

#[tokio::test]
async fn authinfo_expired_fault_mints_a_dead_token() {
    let sb = start().await;
    sb.set_fault(FaultRule::new(Target::Authinfo, FaultKind::ExpiredAuthinfo).times(1))
        .unwrap();
    let auth = client(&sb).get_authinfo("raw").await.unwrap();
    assert!(
        sb.world()
            .grant_of(auth.authinfo.expose())
            .unwrap()
            .expires_at
            < now()
    );
}

#[tokio::test]
async fn facemch_every_info_type() {
    let sb = start().await;
    let client = client(&sb);

    let s = sb.authorized_session("zhang-san").unwrap();
    let id = client
        .query_user_as(&s.face_sid, InfoType::AskRealName)
        .await
        .unwrap();
    assert_eq!(
        real_name(&id),
        (
            "张三".into(),
            CredentialType::ResidentId,
            "110105198806120036".into()
        )
    );
    assert_eq!(id.openid.as_ref().unwrap().reveal(), s.openid);
    assert!(id.phone.is_none() && id.union_id.is_none());

    let id = client
        .query_user_as(&s.face_sid, InfoType::AskUnionid)
        .await
        .unwrap();
    let persona = sb.world().persona("zhang-san").unwrap();
    assert_eq!(
        id.union_id.as_ref().unwrap().reveal(),
        persona.union_id().unwrap()
    );
    assert!(id.real_name.is_none());

    let s = sb.authorized_session("with-phone").unwrap();
    let id = client
        .query_user_as(&s.face_sid, InfoType::AskRealNameTel)
        .await
        .unwrap();
    assert_eq!(real_name(&id).0, "王芳");
    assert_eq!(id.phone.as_ref().unwrap().reveal(), "13912345678");
    assert_eq!(sb.hits(Target::Facemch), 3);
}

#[tokio::test]
async fn every_persona_decrypts_and_validates_in_core() {
    let sb = start().await;
    let client = client(&sb);
    for p in sb.world().personas() {
        let s = sb.authorized_session(&p.id).unwrap();
        let id = client.query_user(&s.face_sid).await.unwrap();
        let (name, kind, number) = real_name(&id);
        assert_eq!(name, p.name, "{}", p.id);
        assert_eq!(kind.code(), p.credential_type, "{}", p.id);
        assert_eq!(number, p.credential_id, "{}", p.id);
    }
}

#[tokio::test]
async fn both_face_sid_shapes_are_accepted() {
    let sb = start().await;
    let client = client(&sb);
    for shape in [
        facekiosk_sandbox::SidShape::Uuid,
        facekiosk_sandbox::SidShape::UuidRt1,
    ] {
        let s = sb
            .world()
            .create_session(SessionRequest {
                persona: "zhang-san".into(),
                authorized: true,
                shape: Some(shape),
                ..SessionRequest::default()
            })
            .unwrap();
        assert_eq!(
            s.face_sid.ends_with("_rt1"),
            shape == facekiosk_sandbox::SidShape::UuidRt1
        );
        client.query_user(&s.face_sid).await.unwrap();
    }
}

#[tokio::test]
async fn platform_certificate_mode() {
    let sb = start_with(Options {
        key_mode: KeyMode::PlatformCertificate,
        ..Options::default()
    })
    .await;
    let config = config(&sb, false);
    assert!(config.wxpay.keys.wechatpay_public_key.is_none());
    assert_eq!(config.wxpay.keys.platform_certificates.len(), 1);
    let s = sb.authorized_session("zhang-san").unwrap();
    let client = WxpayClient::from_settings(config.wxpay).unwrap();
    let id = client.query_user(&s.face_sid).await.unwrap();
    assert_eq!(real_name(&id).0, "张三");
}

#[tokio::test]
async fn both_modes_honour_the_requested_serial() {
    let sb = start_with(Options {
        key_mode: KeyMode::Both,
        ..Options::default()
    })
    .await;
    let s = sb.authorized_session("zhang-san").unwrap();
    // A kiosk holding both asks for (and gets) the public key.
    client(&sb).query_user(&s.face_sid).await.unwrap();
    // A kiosk holding only the platform certificate asks for it, and gets it.
    let platform_only = client_with(&sb, false, |c| {
        c.wxpay.keys.wechatpay_public_key = None;
        c.wxpay.keys.wechatpay_public_key_id = None;
    });
    platform_only.query_user(&s.face_sid).await.unwrap();
    // And one holding only the public key gets that.
    let public_only = client_with(&sb, false, |c| c.wxpay.keys.platform_certificates.clear());
    public_only.query_user(&s.face_sid).await.unwrap();
}

#[tokio::test]
async fn a_kiosk_without_the_signing_key_refuses_the_answer() {
    let sb = start().await;
    let s = sb.authorized_session("zhang-san").unwrap();
    // Public-key mode, but the kiosk trusts only the platform certificate.
    let wrong = client_with(&sb, false, |c| {
        c.wxpay.keys.wechatpay_public_key = None;
        c.wxpay.keys.wechatpay_public_key_id = None;
        c.wxpay.keys.platform_certificates = vec![sb.material().platform_cert_path()];
    });
    let e = wrong.query_user(&s.face_sid).await.unwrap_err();
    assert_eq!(e.code(), "WECHAT_RESPONSE_UNVERIFIED", "{e}");
}

#[tokio::test]
async fn oaep_by_configuration() {
    let sb = start_with(Options {
        padding: FieldPadding::Oaep,
        ..Options::default()
    })
    .await;
    let config = config(&sb, false);
    assert_eq!(
        config.wxpay.facemch.padding,
        facekiosk_wxpay::crypto::Padding::OaepSha1
    );
    let s = sb.authorized_session("rare-char").unwrap();
    let id = WxpayClient::from_settings(config.wxpay)
        .unwrap()
        .query_user(&s.face_sid)
        .await
        .unwrap();
    assert_eq!(real_name(&id).0, "𠮷雅婷");
}

#[tokio::test]
async fn service_provider_mode() {
    let sb = start().await;
    let config = config(&sb, true);
    assert!(config.wxpay.is_service_provider());
    let client = WxpayClient::from_settings(config.wxpay).unwrap();
    let auth = client.get_authinfo("raw").await.unwrap();
    let grant = sb.world().grant_of(auth.authinfo.expose()).unwrap();
    assert_eq!(grant.scope.mch_id, ids::SP_MCH_ID);
    assert_eq!(grant.scope.sub_mch_id.as_deref(), Some(ids::SUB_MCH_ID));
    assert_eq!(grant.scope.sub_appid.as_deref(), Some(ids::SUB_APPID));

    let s = sb
        .world()
        .create_session(SessionRequest {
            persona: "uyghur-name".into(),
            sub_mch_id: Some(ids::SUB_MCH_ID.into()),
            sub_appid: Some(ids::SUB_APPID.into()),
            authorized: true,
            ..SessionRequest::default()
        })
        .unwrap();
    let id = client.query_user(&s.face_sid).await.unwrap();
    assert_eq!(real_name(&id).0, "阿卜杜·买买提");
    assert_eq!(id.openid.as_ref().unwrap().reveal(), s.openid);
    assert_eq!(
        id.sub_openid.as_ref().unwrap().reveal(),
        s.sub_openid.as_deref().unwrap()
    );
    // The fields were encrypted to the sub-merchant: the service provider's key cannot read them.
    let mut config = common::config(&sb, true);
    config.wxpay.keys.sub_merchant_private_key = None;
    let e = WxpayClient::from_settings(config.wxpay)
        .unwrap()
        .query_user(&s.face_sid)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "IDENTITY_UNDECRYPTABLE", "{e}");
}

// ---- faults ----

#[tokio::test]
async fn fault_5xx_once_is_retried() {
    let sb = start().await;
    let s = sb.authorized_session("zhang-san").unwrap();
    sb.set_fault(
        FaultRule::new(
            Target::Facemch,
            FaultKind::Status {
                status: 503,
                retry_after: Some("0".into()),
            },
        )
        .times(1),
    )
    .unwrap();
    client(&sb).query_user(&s.face_sid).await.unwrap();
    assert_eq!(sb.hits(Target::Facemch), 2);
}

#[tokio::test]
async fn fault_5xx_persisting_is_a_server_error() {
    let sb = start().await;
    let s = sb.authorized_session("zhang-san").unwrap();
    sb.set_fault(FaultRule::new(
        Target::Facemch,
        FaultKind::Status {
            status: 500,
            retry_after: None,
        },
    ))
    .unwrap();
    let client = client_with(&sb, false, |c| c.wxpay.timeouts.retries = 1);
    let e = client.query_user(&s.face_sid).await.unwrap_err();
    assert_eq!(e.code(), "WECHAT_SERVER_ERROR", "{e}");
    assert_eq!(
        api_message(&e),
        (500, "SYSTEM_ERROR".into(), "系统错误".into())
    );
    assert!(e.is_retryable());
    assert_eq!(sb.hits(Target::Facemch), 2);

    sb.set_fault(FaultRule::new(
        Target::Authinfo,
        FaultKind::Status {
            status: 502,
            retry_after: None,
        },
    ))
    .unwrap();
    let e = client.get_authinfo("raw").await.unwrap_err();
    assert_eq!(e.code(), "WECHAT_SERVER_ERROR", "{e}");
}

#[tokio::test]
async fn fault_429_with_a_long_retry_after_is_not_waited_out() {
    let sb = start().await;
    let s = sb.authorized_session("zhang-san").unwrap();
    sb.set_fault(FaultRule::new(
        Target::Facemch,
        FaultKind::Status {
            status: 429,
            retry_after: Some("120".into()),
        },
    ))
    .unwrap();
    let e = client(&sb).query_user(&s.face_sid).await.unwrap_err();
    assert_eq!(e.code(), "WECHAT_RATE_LIMITED", "{e}");
    assert_eq!(sb.hits(Target::Facemch), 1);
}

#[tokio::test]
async fn fault_connection_reset() {
    let sb = start().await;
    let s = sb.authorized_session("zhang-san").unwrap();
    sb.set_fault(FaultRule::new(Target::Facemch, FaultKind::Reset))
        .unwrap();
    let e = impatient(&sb).query_user(&s.face_sid).await.unwrap_err();
    assert_eq!(e.code(), "WECHAT_UNREACHABLE", "{e}");
    assert!(!e.to_string().contains(&s.face_sid));

    sb.set_fault(FaultRule::new(Target::Authinfo, FaultKind::Reset))
        .unwrap();
    let e = impatient(&sb).get_authinfo("raw").await.unwrap_err();
    assert_eq!(e.code(), "WECHAT_UNREACHABLE", "{e}");

    // Once only: the client's retry gets through.
    sb.clear_faults();
    sb.set_fault(FaultRule::new(Target::Facemch, FaultKind::Reset).times(1))
        .unwrap();
    client(&sb).query_user(&s.face_sid).await.unwrap();
}

#[tokio::test]
async fn fault_no_answer_times_out() {
    let sb = start().await;
    let s = sb.authorized_session("zhang-san").unwrap();
    sb.set_fault(FaultRule::new(Target::Facemch, FaultKind::Hang))
        .unwrap();
    let e = impatient(&sb).query_user(&s.face_sid).await.unwrap_err();
    assert_eq!(e.code(), "WECHAT_TIMEOUT", "{e}");
    sb.set_fault(FaultRule::new(Target::Authinfo, FaultKind::Hang))
        .unwrap();
    let e = impatient(&sb).get_authinfo("raw").await.unwrap_err();
    assert_eq!(e.code(), "WECHAT_TIMEOUT", "{e}");
}

#[tokio::test]
async fn fault_latency_delays_and_can_exceed_the_timeout() {
    let sb = start().await;
    let s = sb.authorized_session("zhang-san").unwrap();
    sb.set_fault(FaultRule::new(Target::Facemch, FaultKind::Latency { ms: 300 }).times(1))
        .unwrap();
    let t0 = Instant::now();
    impatient(&sb).query_user(&s.face_sid).await.unwrap();
    assert!(t0.elapsed() >= Duration::from_millis(300));
    sb.set_fault(FaultRule::new(Target::Facemch, FaultKind::Latency { ms: 3000 }).times(1))
        .unwrap();
    let e = impatient(&sb).query_user(&s.face_sid).await.unwrap_err();
    assert_eq!(e.code(), "WECHAT_TIMEOUT", "{e}");
}

#[tokio::test]
async fn fault_bad_or_missing_signature_is_refused() {
    let sb = start().await;
    let s = sb.authorized_session("zhang-san").unwrap();
    let client = impatient(&sb);
    for kind in [FaultKind::BadSignature, FaultKind::MissingSignature] {
        sb.set_fault(FaultRule::new(Target::Facemch, kind.clone()).times(1))
            .unwrap();
        let e = client.query_user(&s.face_sid).await.unwrap_err();
        assert_eq!(e.code(), "WECHAT_RESPONSE_UNVERIFIED", "{kind:?}: {e}");
        assert!(matches!(e, WxpayError::Unverified(_)), "{e:?}");

        sb.set_fault(FaultRule::new(Target::Authinfo, kind.clone()).times(1))
            .unwrap();
        let e = client.get_authinfo("raw").await.unwrap_err();
        assert_eq!(e.code(), "WECHAT_RESPONSE_UNVERIFIED", "{kind:?}: {e}");
        assert!(matches!(e, WxpayError::V2Sign(_)), "{e:?}");
    }
    // Platform-certificate mode too.
    let sb = start_with(Options {
        key_mode: KeyMode::PlatformCertificate,
        ..Options::default()
    })
    .await;
    let s = sb.authorized_session("zhang-san").unwrap();
    sb.set_fault(FaultRule::new(Target::Facemch, FaultKind::BadSignature))
        .unwrap();
    let e = impatient(&sb).query_user(&s.face_sid).await.unwrap_err();
    assert_eq!(e.code(), "WECHAT_RESPONSE_UNVERIFIED", "{e}");
}

#[tokio::test]
async fn fault_clock_skew_both_ways() {
    for skew in [400, -400] {
        let sb = start().await;
        let s = sb.authorized_session("zhang-san").unwrap();
        sb.set_clock_skew(skew);
        let client = impatient(&sb);
        let e = client.query_user(&s.face_sid).await.unwrap_err();
        assert_eq!(e.code(), "CLOCK_SKEW", "{skew}: {e}");
        match e {
            WxpayError::ClockSkew { offset_secs } => {
                assert!((offset_secs - skew).abs() <= 2, "{offset_secs} vs {skew}")
            }
            other => panic!("{other:?}"),
        }
        // Still skewed: the next query is sent, and measured and reported again.
        let e = client.query_user(&s.face_sid).await.unwrap_err();
        assert_eq!(e.code(), "CLOCK_SKEW");
        assert_eq!(sb.hits(Target::Facemch), 2);
    }
}

#[tokio::test]
async fn fault_clock_skew_within_the_limit_is_tolerated() {
    let sb = start().await;
    let s = sb.authorized_session("zhang-san").unwrap();
    sb.set_clock_skew(200);
    let client = impatient(&sb);
    client.query_user(&s.face_sid).await.unwrap();
    assert!((client.clock().offset_secs().unwrap() - 200).abs() <= 2);
}

#[tokio::test]
async fn fault_garbage_ciphertext_and_wrong_padding() {
    let sb = start().await;
    let s = sb.authorized_session("zhang-san").unwrap();
    let client = impatient(&sb);
    for kind in [FaultKind::GarbageCiphertext, FaultKind::WrongPadding] {
        sb.set_fault(FaultRule::new(Target::Facemch, kind.clone()).times(1))
            .unwrap();
        let e = client.query_user(&s.face_sid).await.unwrap_err();
        assert_eq!(e.code(), "IDENTITY_UNDECRYPTABLE", "{kind:?}: {e}");
        let text = e.to_string();
        assert!(!text.contains("张三") && !text.contains("110105"), "{text}");
    }
    // The same query without the fault is fine.
    client.query_user(&s.face_sid).await.unwrap();
}

#[tokio::test]
async fn fault_expired_face_sid() {
    let sb = start().await;
    let s = sb.authorized_session("zhang-san").unwrap();
    let client = impatient(&sb);
    sb.set_fault(FaultRule::new(Target::Facemch, FaultKind::ExpiredFaceSid).times(1))
        .unwrap();
    let e = client.query_user(&s.face_sid).await.unwrap_err();
    assert_eq!(e.code(), "WECHAT_REQUEST_REJECTED", "{e}");
    assert_eq!(
        api_message(&e),
        (400, "INVALID_REQUEST".into(), "face_sid已过期".into())
    );
    client.query_user(&s.face_sid).await.unwrap();
    sb.world().expire_session(&s.face_sid).unwrap();
    let e = client.query_user(&s.face_sid).await.unwrap_err();
    assert_eq!(api_message(&e).2, "face_sid已过期");
}

#[tokio::test]
async fn refusals_keep_wechats_words() {
    let sb = start().await;
    let client = impatient(&sb);
    let cases = [
        ("passport", InfoType::AskUnionid, true, "UnionID为空"),
        ("zhang-san", InfoType::AskRealNameTel, true, "手机号为空"),
        ("zhang-san", InfoType::AskRealName, false, "用户未授权"),
    ];
    for (persona, info_type, authorized, message) in cases {
        let s = sb
            .world()
            .create_session(SessionRequest {
                persona: persona.into(),
                authorized,
                ..SessionRequest::default()
            })
            .unwrap();
        let e = client
            .query_user_as(&s.face_sid, info_type)
            .await
            .unwrap_err();
        assert_eq!(e.code(), "WECHAT_REQUEST_REJECTED", "{e}");
        assert_eq!(
            api_message(&e),
            (400, "INVALID_REQUEST".into(), message.into())
        );
        assert!(!e.to_string().contains(&s.face_sid));
    }
    let e = client
        .query_user("bbaf113f-4171-4332-9c79-dace6d35a917")
        .await
        .unwrap_err();
    assert_eq!(api_message(&e).2, "face_sid无效");
}

#[tokio::test]
async fn a_wrong_apiv2_key_is_refused_as_wechat_does() {
    let sb = start().await;
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("apiv2.key");
    std::fs::write(&key, "0123456789abcdef0123456789abcdef").unwrap();
    // The client refuses key files others can read.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let client = client_with(&sb, false, |c| c.wxpay.keys.apiv2_key_file = key);
    let e = client.get_authinfo("raw").await.unwrap_err();
    assert_eq!(e.code(), "WECHAT_REFUSED", "{e}");
    match e {
        WxpayError::V2Return {
            return_code,
            return_msg,
        } => assert_eq!(
            (return_code.as_str(), return_msg.as_str()),
            ("PARAM_ERROR", "签名错误")
        ),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_wrong_merchant_key_gets_the_sign_error_detail() {
    let sb = start().await;
    let s = sb.authorized_session("zhang-san").unwrap();
    let config = config(&sb, false);
    let mut credentials = Credentials::load(&config.wxpay).unwrap();
    let m = &sb.material().merchant;
    credentials.signer = MerchantSigner::new(&m.mch_id, &m.serial, other_key());
    let client = WxpayClient::new(config.wxpay, credentials).unwrap();
    let e = client.query_user(&s.face_sid).await.unwrap_err();
    assert_eq!(e.code(), "WECHAT_AUTH_REJECTED", "{e}");
    assert_eq!(
        api_message(&e),
        (401, "SIGN_ERROR".into(), "签名错误，请检查后再试".into())
    );
    match &e {
        WxpayError::Api { hint, .. } => assert_eq!(
            hint.as_deref(),
            Some("the signed message matches: check the private key and merchant serial")
        ),
        _ => unreachable!(),
    }
    assert!(!e.to_string().contains(&s.face_sid));
}

#[tokio::test]
async fn a_wrong_merchant_serial_is_refused() {
    let sb = start().await;
    let s = sb.authorized_session("zhang-san").unwrap();
    let config = config(&sb, false);
    let mut credentials = Credentials::load(&config.wxpay).unwrap();
    let m = &sb.material().merchant;
    credentials.signer = MerchantSigner::new(&m.mch_id, "00AA", m.key.clone());
    let client = WxpayClient::new(config.wxpay, credentials).unwrap();
    let e = client.query_user(&s.face_sid).await.unwrap_err();
    assert_eq!(e.code(), "WECHAT_AUTH_REJECTED", "{e}");
    assert_eq!(
        api_message(&e),
        (
            401,
            "SIGN_ERROR".into(),
            "商户证书序列号有误。请使用签名私钥匹配的证书序列号".into()
        )
    );
}

/// Once a response has shown a skew, the next query after the clock is fixed must go through:
/// the offset is measured again from every answer, never latched.
#[tokio::test]
async fn clock_skew_recovers_once_the_clock_is_fixed() {
    let sb = start().await;
    let s = sb.authorized_session("zhang-san").unwrap();
    let client = impatient(&sb);
    sb.set_clock_skew(400);
    let e = client.query_user(&s.face_sid).await.unwrap_err();
    assert_eq!(e.code(), "CLOCK_SKEW");
    sb.set_clock_skew(0);
    let after = client.query_user(&s.face_sid).await;
    assert!(
        after.is_ok(),
        "still {:?} after the clock was fixed; facemch hits: {}",
        after.err().map(|e| e.code()),
        sb.hits(Target::Facemch)
    );
}
