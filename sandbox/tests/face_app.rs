//! The simulated face terminal behind the real bridge server, driven by the kiosk's own
//! terminal client (`facekiosk_terminal::BridgeTerminal`) over loopback, with the core
//! WeChat client against the sandbox's backends: the whole patient flow, and the face app's
//! failures as the kiosk sees them.

mod common;

use std::time::Duration;

use common::*;
use facekiosk_bridge::protocol::{Event, Method};
use facekiosk_pii::Secret;
use facekiosk_sandbox::material::ids;
use facekiosk_sandbox::{FaceAppOptions, FaultKind, FaultRule, SimTerminal, Target};
use facekiosk_terminal::{
    AuthRequest, BridgeTerminal, CallTimeouts, FaceCode, FaceCodeRequest, FaceTerminal,
    LinkOptions, Outcome, TerminalLink, TerminalOptions, TerminalTarget, UnderageState,
};

fn options(serial: &str) -> FaceAppOptions {
    FaceAppOptions {
        serial: serial.into(),
        reconnect_timeout: Duration::from_millis(400),
        ..FaceAppOptions::default()
    }
}

fn kiosk(terminal: &SimTerminal, timeouts: CallTimeouts) -> BridgeTerminal<TerminalLink> {
    BridgeTerminal::spawn(
        TerminalTarget::Direct(terminal.addr),
        LinkOptions {
            client: facekiosk_terminal::ClientOptions {
                pairing: Some(terminal.pairing.clone()),
                ..Default::default()
            },
            ..LinkOptions::default()
        },
        TerminalOptions {
            timeouts,
            ..TerminalOptions::default()
        },
    )
}

fn quick() -> CallTimeouts {
    CallTimeouts {
        init: Duration::from_secs(5),
        rawdata: Duration::from_secs(5),
        face_code: Duration::from_secs(5),
        authorise: Duration::from_secs(5),
        quit: Duration::from_secs(5),
        stop: Duration::from_secs(5),
    }
}

fn request(authinfo: &Secret) -> FaceCodeRequest {
    FaceCodeRequest::new(
        ids::MERCHANT_APPID,
        ids::MERCHANT_MCH_ID,
        ids::STORE_ID,
        authinfo.clone(),
    )
}

async fn authinfo_for(
    sb: &facekiosk_sandbox::SandboxHandle,
    kiosk: &BridgeTerminal<TerminalLink>,
) -> Secret {
    let raw = kiosk.rawdata().await.unwrap();
    let Outcome::Success(rawdata) = raw.outcome else {
        panic!("rawdata: {:?}", raw.outcome.name())
    };
    client(sb)
        .get_authinfo(rawdata.expose())
        .await
        .unwrap()
        .authinfo
}

async fn face_code(kiosk: &BridgeTerminal<TerminalLink>, authinfo: &Secret) -> FaceCode {
    let reply = kiosk.face_code(&request(authinfo)).await.unwrap();
    match reply.outcome {
        Outcome::Success(code) => code,
        other => panic!("face code: {} {}", other.name(), reply.return_msg),
    }
}

#[tokio::test]
async fn the_whole_patient_flow() {
    let sb = start().await;
    let terminal = sb.start_terminal(options("SIM-FLOW")).await.unwrap();
    let kiosk = kiosk(&terminal, quick());
    let wechat = client(&sb);
    let authinfo = authinfo_for(&sb, &kiosk).await;
    sb.world().set_current_persona("with-phone").unwrap();
    let code = face_code(&kiosk, &authinfo).await;
    let persona = sb.world().persona("with-phone").unwrap();
    assert_eq!(code.openid.reveal(), persona.openid(ids::MERCHANT_APPID));
    assert_eq!(code.underage_state, Some(UnderageState::Adult));
    assert_eq!(code.telephone_used, Some(1));
    // Not yet confirmed on WeChat's screen.
    let e = wechat.query_user(code.face_sid.reveal()).await.unwrap_err();
    assert_eq!(e.code(), "WECHAT_REQUEST_REJECTED");
    let reply = kiosk
        .auth(&AuthRequest::authorise(
            authinfo.clone(),
            code.face_sid.clone(),
        ))
        .await
        .unwrap();
    assert!(reply.outcome.is_success(), "{}", reply.return_msg);
    let id = wechat.query_user(code.face_sid.reveal()).await.unwrap();
    let info = id.real_name.unwrap();
    assert_eq!(info.name.reveal(), "王芳");
    assert_eq!(info.credential_number.reveal(), "310115197909230049");
    let stop = kiosk.stop().await.unwrap();
    assert!(stop.outcome.is_success());
    // The AAR put aar_version in every map the face app got.
    let received = terminal.sdk.received();
    assert!(received.len() >= 5, "{}", received.len());
    for (method, params) in &received {
        assert_eq!(
            params.get("aar_version").map(String::as_str),
            Some("2.32.105.2032105"),
            "{method}"
        );
    }
    // One WeChat round trip per warm session: a second patient needs no new authinfo.
    sb.world().set_current_persona("minor").unwrap();
    let code = face_code(&kiosk, &authinfo).await;
    assert_eq!(code.underage_state, Some(UnderageState::Minor));
    assert_eq!(sb.hits(Target::Authinfo), 1);
}

#[tokio::test]
async fn a_welcome_back_closes_the_auth_without_authorizing() {
    let sb = start().await;
    let terminal = sb.start_terminal(options("SIM-BACK")).await.unwrap();
    let kiosk = kiosk(&terminal, quick());
    let authinfo = authinfo_for(&sb, &kiosk).await;
    sb.world().set_current_persona("registered").unwrap();
    let code = face_code(&kiosk, &authinfo).await;
    let reply = kiosk
        .auth(&AuthRequest::quit(authinfo.clone(), code.face_sid.clone()))
        .await
        .unwrap();
    assert!(reply.outcome.is_success());
    assert!(
        !sb.world()
            .session(code.face_sid.reveal())
            .unwrap()
            .authorized
    );
}

#[tokio::test]
async fn patients_who_cancel_or_decline() {
    let sb = start().await;
    let terminal = sb.start_terminal(options("SIM-CANCEL")).await.unwrap();
    let kiosk = kiosk(&terminal, quick());
    let authinfo = authinfo_for(&sb, &kiosk).await;

    sb.world().set_current_persona("cancels").unwrap();
    let reply = kiosk.face_code(&request(&authinfo)).await.unwrap();
    assert_eq!(reply.outcome, Outcome::UserCancel);

    sb.world().set_current_persona("declines").unwrap();
    let code = face_code(&kiosk, &authinfo).await;
    let reply = kiosk
        .auth(&AuthRequest::authorise(
            authinfo.clone(),
            code.face_sid.clone(),
        ))
        .await
        .unwrap();
    assert_eq!(reply.outcome, Outcome::UserCancel);
    assert_eq!(reply.return_msg, "用户退出实名认证");
    let e = client(&sb)
        .query_user(code.face_sid.reveal())
        .await
        .unwrap_err();
    assert_eq!(e.code(), "WECHAT_REQUEST_REJECTED");
}

#[tokio::test]
async fn the_authinfo_is_bound_to_its_scope_device_and_lifetime() {
    let sb = start().await;
    let a = sb.start_terminal(options("SIM-A")).await.unwrap();
    let b = sb.start_terminal(options("SIM-B")).await.unwrap();
    let kiosk_a = kiosk(&a, quick());
    let kiosk_b = kiosk(&b, quick());
    let authinfo = authinfo_for(&sb, &kiosk_a).await;
    kiosk_b.init().await.unwrap();

    let refusal = |reply: facekiosk_terminal::Reply<FaceCode>| {
        assert_eq!(reply.outcome, Outcome::ParamError);
        reply.return_msg
    };
    let on_b = kiosk_b.face_code(&request(&authinfo)).await.unwrap();
    assert_eq!(refusal(on_b), "authinfo与设备不匹配");
    let mut other_store = request(&authinfo);
    other_store.store_id = "HOSP-001-F2".into();
    assert_eq!(
        refusal(kiosk_a.face_code(&other_store).await.unwrap()),
        "authinfo与参数不匹配"
    );
    let forged = request(&Secret::new("not-an-authinfo"));
    assert_eq!(
        refusal(kiosk_a.face_code(&forged).await.unwrap()),
        "authinfo无效"
    );
    sb.set_fault(FaultRule::new(Target::GetWxpayfaceCode, FaultKind::ExpiredAuthinfo).times(1))
        .unwrap();
    assert_eq!(
        refusal(kiosk_a.face_code(&request(&authinfo)).await.unwrap()),
        "authinfo已过期"
    );
    face_code(&kiosk_a, &authinfo).await;
    sb.world().expire_authinfos();
    assert_eq!(
        refusal(kiosk_a.face_code(&request(&authinfo)).await.unwrap()),
        "authinfo已过期"
    );
}

#[tokio::test]
async fn face_sids_come_in_both_shapes() {
    let sb = start().await;
    let terminal = sb.start_terminal(options("SIM-SHAPES")).await.unwrap();
    let kiosk = kiosk(&terminal, quick());
    let authinfo = authinfo_for(&sb, &kiosk).await;
    let one = face_code(&kiosk, &authinfo).await;
    let two = face_code(&kiosk, &authinfo).await;
    let rt1 = [&one, &two]
        .iter()
        .filter(|c| c.face_sid.reveal().ends_with("_rt1"))
        .count();
    assert_eq!(rt1, 1);
    for c in [one, two] {
        assert_eq!(c.face_sid.reveal().split('_').next().unwrap().len(), 36);
    }
}

#[tokio::test]
async fn sdk_err_codes_and_the_rules_that_answer_them() {
    let sb = start().await;
    let terminal = sb.start_terminal(options("SIM-ERR")).await.unwrap();
    let kiosk = kiosk(&terminal, quick());
    let authinfo = authinfo_for(&sb, &kiosk).await;

    // 271378621 (initialising): the kiosk retries after a pause.
    sb.set_fault(
        FaultRule::new(
            Target::GetWxpayfaceCode,
            FaultKind::ErrCode {
                err_code: 271_378_621,
            },
        )
        .times(1),
    )
    .unwrap();
    let reply = kiosk.face_code(&request(&authinfo)).await.unwrap();
    assert!(reply.outcome.is_success());
    assert_eq!(reply.attempts, 2);

    // 271378620 (not initialised): the kiosk initialises again, then retries.
    let before = terminal.sdk.count(Method::InitWxpayface);
    sb.set_fault(
        FaultRule::new(
            Target::GetWxpayfaceRawdata,
            FaultKind::ErrCode {
                err_code: 271_378_620,
            },
        )
        .times(1),
    )
    .unwrap();
    let reply = kiosk.rawdata().await.unwrap();
    assert!(reply.outcome.is_success());
    assert_eq!(terminal.sdk.count(Method::InitWxpayface), before + 1);

    // 271378622 (installing) reaches the session as such.
    sb.set_fault(
        FaultRule::new(
            Target::GetWxpayfaceCode,
            FaultKind::ErrCode {
                err_code: 271_378_622,
            },
        )
        .times(1),
    )
    .unwrap();
    let reply = kiosk.face_code(&request(&authinfo)).await.unwrap();
    assert_eq!(reply.outcome, Outcome::FaceAppInstalling);
    assert_eq!(reply.return_msg, "刷脸安装中");

    sb.set_fault(
        FaultRule::new(
            Target::GetWxpayfaceCode,
            FaultKind::ReturnCode {
                return_code: "SYSTEMERROR".into(),
            },
        )
        .times(1),
    )
    .unwrap();
    let reply = kiosk.face_code(&request(&authinfo)).await.unwrap();
    assert_eq!(reply.outcome, Outcome::SystemError);
}

#[tokio::test]
async fn silence_and_latency_from_the_face_app() {
    let sb = start().await;
    let terminal = sb.start_terminal(options("SIM-SILENT")).await.unwrap();
    let mut timeouts = quick();
    timeouts.face_code = Duration::from_millis(800);
    let kiosk = kiosk(&terminal, timeouts);
    let authinfo = authinfo_for(&sb, &kiosk).await;
    sb.set_fault(FaultRule::new(Target::GetWxpayfaceCode, FaultKind::Hang).times(1))
        .unwrap();
    let e = kiosk.face_code(&request(&authinfo)).await.unwrap_err();
    assert!(
        matches!(e, facekiosk_terminal::TerminalError::Timeout { .. }),
        "{e}"
    );
    assert_eq!(terminal.sdk.held(), 1);
    sb.set_fault(FaultRule::new(Target::GetWxpayfaceCode, FaultKind::Latency { ms: 200 }).times(1))
        .unwrap();
    face_code(&kiosk, &authinfo).await;
}

#[tokio::test]
async fn the_face_app_restarts_and_the_kiosk_carries_on() {
    let sb = start().await;
    let terminal = sb.start_terminal(options("SIM-RESTART")).await.unwrap();
    let kiosk = kiosk(&terminal, quick());
    let authinfo = authinfo_for(&sb, &kiosk).await;
    let mut events = kiosk.events();

    // Gone, and back 150 ms later: the parked call runs on a face app that restarted
    // uninitialised (271378620), so the kiosk initialises again and retries.
    terminal.sdk.disconnect();
    let sdk = terminal.sdk.clone();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(150));
        sdk.reconnect();
    });
    let reply = kiosk.face_code(&request(&authinfo)).await.unwrap();
    assert!(reply.outcome.is_success(), "{}", reply.return_msg);
    let mut seen = vec![];
    while let Ok(Ok(e)) = tokio::time::timeout(Duration::from_millis(200), events.recv()).await {
        seen.push(e);
    }
    assert!(seen.contains(&Event::FaceServiceDisconnected), "{seen:?}");
    assert!(seen.contains(&Event::FaceServiceReconnected), "{seen:?}");

    // Gone for longer than the AAR's timer: it answers 271378621 itself; the kiosk's
    // bounded retries run out while the face app stays away.
    terminal.sdk.disconnect();
    let reply = kiosk.face_code(&request(&authinfo)).await.unwrap();
    assert_eq!(reply.outcome, Outcome::Initialising);
    assert_eq!(reply.return_msg, "刷脸服务初始化中");
    terminal.sdk.reconnect();
    face_code(&kiosk, &authinfo).await;

    // Being installed.
    terminal.sdk.set_installing(true);
    let reply = kiosk.rawdata().await.unwrap();
    assert_eq!(reply.outcome, Outcome::FaceAppInstalling);
    terminal.sdk.set_installing(false);
    assert!(kiosk.rawdata().await.unwrap().outcome.is_success());
}

#[tokio::test]
async fn the_admin_api_drives_the_face_app() {
    let sb = start().await;
    let put = |path: &str, body: &str| {
        http()
            .put(format!("{}{path}", sb.base_url))
            .header("Content-Type", "application/json")
            .body(body.to_owned())
            .send()
    };
    let post = |path: &str| http().post(format!("{}{path}", sb.base_url)).send();
    let r = post("/sandbox/face-app/disconnect").await.unwrap();
    assert_eq!(r.status().as_u16(), 404);
    assert_eq!(
        r.text().await.unwrap(),
        r#"{"error":"no simulated terminal runs on this sandbox"}"#
    );
    let terminal = sb.start_terminal(options("SIM-ADMIN")).await.unwrap();
    let kiosk = kiosk(&terminal, quick());
    let r = put("/sandbox/face-app/installing", r#"{"installing":true}"#)
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let reply = kiosk.rawdata().await.unwrap();
    assert_eq!(reply.outcome, Outcome::FaceAppInstalling);
    put("/sandbox/face-app/installing", r#"{"installing":false}"#)
        .await
        .unwrap();
    assert!(kiosk.rawdata().await.unwrap().outcome.is_success());
    let r = post("/sandbox/face-app/disconnect").await.unwrap();
    assert_eq!(
        r.text().await.unwrap(),
        r#"{"service":"reconnecting","terminals":1}"#
    );
    let reply = kiosk.rawdata().await.unwrap();
    assert_eq!(reply.outcome, Outcome::Initialising);
    post("/sandbox/face-app/reconnect").await.unwrap();
    assert!(kiosk.rawdata().await.unwrap().outcome.is_success());
    assert!(sb.hits(Target::GetWxpayfaceRawdata) >= 3);
}
