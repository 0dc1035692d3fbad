//! The kiosk's session state machine (`facekiosk_session`) driven through every path
//! against the in-process sandbox: the real WeChat client over loopback HTTP, the real bridge
//! protocol to the simulated terminal, the real records. Each test asserts the screen the
//! patient ends on, what the records kept, and that nothing personal is left behind.

mod common;

use common::session::*;

use std::sync::Arc;
use std::time::Duration;

use facekiosk_bridge::protocol::Method;
use facekiosk_sandbox::demo::{Demo, DemoOptions};
use facekiosk_sandbox::{FaultKind, FaultRule, PatientAction, Target};
use facekiosk_session::{
    Decision, FailureCode, HandOver, HandOverError, Intent, Language, PatientRef, RefusalReason,
    Screen, SessionView, VerifiedPatient,
};
use facekiosk_terminal::BoxFuture;

#[tokio::test(flavor = "multi_thread")]
async fn a_new_patient_is_verified_with_one_call_to_wechat_and_nothing_is_left() {
    let d = demo().await;
    let views = record_views(d.kiosk());
    let before = d.sandbox().hits(Target::Facemch) + d.sandbox().hits(Target::Authinfo);
    scan(&d, "zhang-san").await;
    confirm(&d, true).await;
    let v = on(d.kiosk(), "success").await;
    let Screen::Success {
        masked_name,
        masked_credential,
        patient_ref,
        ..
    } = &v.screen
    else {
        unreachable!()
    };
    assert_eq!(masked_name, "张*");
    assert!(masked_credential.starts_with("1101") && masked_credential.contains('*'));
    // The sandbox hospital's number, as it answered it.
    let hospital = d
        .sandbox()
        .hospital()
        .registry
        .lock()
        .unwrap()
        .find("110105198806120036")
        .iter()
        .map(|p| p.number.clone())
        .collect::<Vec<_>>();
    assert_eq!(hospital, std::slice::from_ref(patient_ref));
    let after = d.sandbox().hits(Target::Facemch) + d.sandbox().hits(Target::Authinfo);
    assert_eq!(after - before, 1, "a warm session makes one call to WeChat");

    d.kiosk().send(Intent::Done).await.unwrap();
    on(d.kiosk(), "idle").await;
    let receipts = d.kiosk().records().receipts().unwrap();
    assert_eq!(receipts.len(), 1);
    assert_eq!(receipts[0].decision, Decision::Agreed);
    assert_eq!(receipts[0].outcome, "verified");
    assert_eq!(
        d.kiosk().records().patient_count().unwrap(),
        2,
        "the seeded one and her"
    );
    assert_nothing_personal(&d, &views.lock().unwrap());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_returning_patient_is_welcomed_back_without_a_query() {
    let d = demo().await;
    // zhang-san once, then again: the second time she is known.
    scan(&d, "zhang-san").await;
    confirm(&d, true).await;
    let first = on(d.kiosk(), "success").await;
    d.kiosk().send(Intent::Done).await.unwrap();
    on(d.kiosk(), "idle").await;
    let queries = d.sandbox().hits(Target::Facemch);
    scan(&d, "zhang-san").await;
    let v = on(d.kiosk(), "welcomeBack").await;
    let (Screen::Success { patient_ref: a, .. }, Screen::WelcomeBack { patient_ref: b }) =
        (&first.screen, &v.screen)
    else {
        unreachable!()
    };
    assert_eq!(a, b, "the same patient reference");
    assert_eq!(
        d.sandbox().hits(Target::Facemch),
        queries,
        "nothing fetched"
    );
    // WeChat's flow is closed with quit_face_auth "1" (while the welcome shows).
    let quit = || {
        d.terminal().sdk.received().iter().any(|(m, p)| {
            m.as_str() == "getWxpayAuth" && p.get("quit_face_auth").map(String::as_str) == Some("1")
        })
    };
    for _ in 0..500 {
        if quit() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(quit(), "getWxpayAuth with quit_face_auth 1 was sent");
}

#[tokio::test(flavor = "multi_thread")]
async fn done_on_the_welcome_back_is_taken_while_wechat_s_flow_closes() {
    let d = demo().await;
    // Closing WeChat's flow takes a while on this terminal.
    d.sandbox()
        .set_fault(FaultRule::new(
            Target::GetWxpayAuth,
            FaultKind::Latency { ms: 1_500 },
        ))
        .unwrap();
    scan(&d, "registered").await;
    let v = on(d.kiosk(), "welcomeBack").await;
    assert!(v.countdown.is_none(), "still closing WeChat's flow");
    d.kiosk().send(Intent::Done).await.unwrap();
    on(d.kiosk(), "idle").await;
    assert!(
        d.terminal().sdk.received().iter().any(|(m, p)| {
            m.as_str() == "getWxpayAuth" && p.get("quit_face_auth").map(String::as_str) == Some("1")
        }),
        "WeChat's flow was closed before the kiosk went back to idle"
    );
}

/// A hospital system that never answers.
struct SilentHospital;

impl HandOver for SilentHospital {
    fn hand_over<'a>(
        &'a self,
        _: VerifiedPatient<'a>,
    ) -> BoxFuture<'a, Result<PatientRef, HandOverError>> {
        Box::pin(std::future::pending())
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hospital_system_that_does_not_answer_fails_the_session_in_time() {
    let d = demo_with(|o| {
        if let Some(kiosk) = o.kiosk.as_mut() {
            kiosk.hand_over_timeout = Duration::from_secs(2);
        }
        o.hand_over = Some(Arc::new(SilentHospital));
    })
    .await;
    let linked = d.kiosk().records().patient_count().unwrap();
    scan(&d, "zhang-san").await;
    confirm(&d, true).await;
    let v = on(d.kiosk(), "failed").await;
    assert_eq!(failed_with(&v), (FailureCode::HandOverFailed, true));
    assert_eq!(
        d.kiosk().records().patient_count().unwrap(),
        linked,
        "not linked: the hospital never registered the patient"
    );
    assert_nothing_personal(&d, &[v]);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_terminal_is_initialised_once_for_start_up_and_a_session() {
    let d = demo().await;
    scan(&d, "zhang-san").await;
    confirm(&d, true).await;
    on(d.kiosk(), "success").await;
    let inits = d.terminal().sdk.count(Method::InitWxpayface);
    assert_eq!(inits, 1, "initWxpayface once, on the one connection");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_registered_persona_of_the_demo_is_known() {
    let d = demo().await;
    scan(&d, "registered").await;
    on(d.kiosk(), "welcomeBack").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn declining_our_consent_fetches_nothing_and_shows_the_alternatives() {
    let d = demo().await;
    let calls = d.terminal().sdk.received().len();
    d.kiosk().send(Intent::Start).await.unwrap();
    on(d.kiosk(), "consent").await;
    d.kiosk().send(Intent::Decline).await.unwrap();
    let v = on(d.kiosk(), "refusal").await;
    assert_eq!(
        v.screen,
        Screen::Refusal {
            reason: RefusalReason::DeclinedConsent
        }
    );
    assert_eq!(
        d.terminal().sdk.received().len(),
        calls,
        "the terminal was not touched"
    );
    // No second ask: agreeing is not possible from the refusal screen.
    let err = d
        .kiosk()
        .send(Intent::Agree {
            consent_sha256: "x".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), "INTENT_NOT_NOW");
    // The result screen returns to idle by itself.
    on(d.kiosk(), "idle").await;
    let r = &d.kiosk().records().receipts().unwrap()[0];
    assert_eq!(
        (r.decision, r.outcome.as_str()),
        (Decision::Declined, "refused")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn declining_on_wechats_screen_is_a_refusal() {
    let d = demo().await;
    scan(&d, "zhang-san").await;
    confirm(&d, false).await;
    let v = on(d.kiosk(), "refusal").await;
    assert_eq!(
        v.screen,
        Screen::Refusal {
            reason: RefusalReason::CancelledAtWechat
        }
    );
    // The persona who always declines does the same.
    d.kiosk().send(Intent::Done).await.unwrap();
    on(d.kiosk(), "idle").await;
    scan(&d, "declines").await;
    confirm(&d, true).await;
    let v = on(d.kiosk(), "refusal").await;
    assert_eq!(
        v.screen,
        Screen::Refusal {
            reason: RefusalReason::CancelledAtWechat
        }
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn cancelling_the_face_scan_on_the_terminal_is_a_refusal() {
    let d = demo().await;
    scan(&d, "cancels").await;
    let v = on(d.kiosk(), "refusal").await;
    assert_eq!(
        v.screen,
        Screen::Refusal {
            reason: RefusalReason::CancelledFaceScan
        }
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn cancel_on_our_screen_closes_the_face_ui_and_returns_to_idle() {
    let d = demo().await;
    agree(d.kiosk()).await;
    on(d.kiosk(), "faceScan").await;
    terminal_waits(&d, PatientAction::Face).await;
    d.kiosk().send(Intent::Cancel).await.unwrap();
    on(d.kiosk(), "idle").await;
    let stopped = d.terminal().sdk.count(Method::StopWxpayface) > 0;
    assert!(stopped, "stopWxpayface closes the face UI on the terminal");
    assert_eq!(d.terminal().sdk.waiting_for(), None);
    let r = &d.kiosk().records().receipts().unwrap()[0];
    assert_eq!(
        (r.decision, r.outcome.as_str()),
        (Decision::Agreed, "cancelled")
    );
    // The next patient goes through normally.
    scan(&d, "zhang-san").await;
    confirm(&d, true).await;
    on(d.kiosk(), "success").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_terminal_unplugged_mid_session_fails_with_a_code_and_a_retry_works_after_replug() {
    let d = demo().await;
    agree(d.kiosk()).await;
    on(d.kiosk(), "faceScan").await;
    terminal_waits(&d, PatientAction::Face).await;
    let cable = d.terminal().cable.control();
    cable.unplug();
    let v = on(d.kiosk(), "failed").await;
    assert_eq!(failed_with(&v), (FailureCode::TerminalLost, true));
    cable.replug();
    d.kiosk().send(Intent::Retry).await.unwrap();
    on(d.kiosk(), "faceScan").await;
    // The first scan is still open on the terminal until the kiosk's stopWxpayface closes it;
    // the face goes to the second one.
    let scans = |d: &Demo| d.terminal().sdk.count(Method::GetWxpayfaceCode);
    for _ in 0..500 {
        if scans(&d) == 2 && d.terminal().sdk.waiting_for() == Some(PatientAction::Face) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    d.present_face("zhang-san").await.unwrap();
    confirm(&d, true).await;
    on(d.kiosk(), "success").await;
}

/// How far the patient gets before the fault strikes.
#[derive(PartialEq)]
enum Patient {
    /// Nothing to do: the face scan itself fails.
    Waits,
    /// Shows a face; the confirmation fails.
    Scans,
    /// Shows a face and confirms; the query fails.
    Confirms,
}

/// A fault on `target`, then a session: the failure screen and its code.
async fn session_with_fault(target: Target, kind: FaultKind, patient: Patient) -> SessionView {
    let d = demo().await;
    d.sandbox().set_fault(FaultRule::new(target, kind)).unwrap();
    agree(d.kiosk()).await;
    if patient != Patient::Waits {
        on(d.kiosk(), "faceScan").await;
        terminal_waits(&d, PatientAction::Face).await;
        d.present_face("zhang-san").await.unwrap();
    }
    if patient == Patient::Confirms {
        confirm(&d, true).await;
    }
    let v = on(d.kiosk(), "failed").await;
    // Whatever the fault, the session goes back to idle and holds nothing.
    on(d.kiosk(), "idle").await;
    v
}

#[tokio::test(flavor = "multi_thread")]
async fn each_wechat_fault_ends_on_the_failure_screen_with_its_code() {
    let status = |status| FaultKind::Status {
        status,
        retry_after: None,
    };
    let cases = [
        (status(500), FailureCode::WechatServerError, true),
        (status(429), FailureCode::WechatRateLimited, true),
        (FaultKind::Reset, FailureCode::WechatUnreachable, true),
        (FaultKind::Hang, FailureCode::WechatTimeout, true),
        (
            FaultKind::BadSignature,
            FailureCode::WechatResponseUnverified,
            false,
        ),
        (
            FaultKind::MissingSignature,
            FailureCode::WechatResponseUnverified,
            false,
        ),
        (
            FaultKind::GarbageCiphertext,
            FailureCode::IdentityUndecryptable,
            false,
        ),
        (
            FaultKind::WrongPadding,
            FailureCode::IdentityUndecryptable,
            false,
        ),
        (
            FaultKind::ExpiredFaceSid,
            FailureCode::WechatRequestRejected,
            false,
        ),
    ];
    for (kind, code, retry) in cases {
        let name = kind.name();
        let v = session_with_fault(Target::Facemch, kind, Patient::Confirms).await;
        assert_eq!(failed_with(&v), (code, retry), "facemch {name}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wechat_refusal_shows_staff_its_request_id() {
    let kind = FaultKind::ExpiredFaceSid;
    let v = session_with_fault(Target::Facemch, kind, Patient::Confirms).await;
    let Screen::Failed { detail, .. } = &v.screen else {
        unreachable!()
    };
    let detail = detail.as_deref().unwrap_or_default();
    assert!(detail.starts_with("Request-ID "), "{detail:?}");
    assert!(detail.len() > "Request-ID ".len(), "{detail:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn each_face_app_fault_ends_on_the_failure_screen_with_its_code() {
    let rc = |code: &str| FaultKind::ReturnCode {
        return_code: code.into(),
    };
    let cases = [
        (rc("SYSTEMERROR"), FailureCode::FaceSdkError),
        (rc("FACEPAY_NOT_AUTH"), FailureCode::FaceAuthNotPermitted),
        (
            FaultKind::ErrCode {
                err_code: 271378622,
            },
            FailureCode::FaceAppUpdating,
        ),
        (FaultKind::Hang, FailureCode::FaceScanTimeout),
    ];
    for (kind, code) in cases {
        let name = kind.name();
        let v = session_with_fault(Target::GetWxpayfaceCode, kind, Patient::Waits).await;
        assert_eq!(failed_with(&v).0, code, "getWxpayfaceCode {name}");
    }
    let v = session_with_fault(Target::GetWxpayAuth, FaultKind::Hang, Patient::Scans).await;
    assert_eq!(failed_with(&v).0, FailureCode::ConfirmationTimeout);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cold_authinfo_that_payapp_refuses_fails_before_the_face_scan() {
    let dir = tempfile::tempdir().unwrap();
    let mut options = DemoOptions::new(dir.path());
    fast(&mut options);
    options.keys_dir = Some(common::keys_dir());
    // From the start: the kiosk's warm-up at start-up meets the fault too.
    options.sandbox = Some(facekiosk_sandbox::Options {
        faults: vec![FaultRule::new(
            Target::Authinfo,
            FaultKind::Status {
                status: 503,
                retry_after: None,
            },
        )],
        ..facekiosk_sandbox::Options::default()
    });
    let d = Demo::start(options).await.unwrap();
    agree(d.kiosk()).await;
    let v = on(d.kiosk(), "failed").await;
    assert_eq!(failed_with(&v), (FailureCode::WechatServerError, true));
    // Retry once WeChat is back.
    d.sandbox().clear_faults();
    d.kiosk().send(Intent::Retry).await.unwrap();
    on(d.kiosk(), "faceScan").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_idle_countdown_warns_can_be_extended_and_ends_the_session() {
    let d = demo().await;
    d.kiosk().send(Intent::Start).await.unwrap();
    on(d.kiosk(), "consent").await;
    let mut rx = d.kiosk().subscribe();
    let warned = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            if rx.borrow_and_update().countdown.is_some_and(|c| c.warning) {
                return;
            }
            rx.changed().await.unwrap();
        }
    })
    .await;
    assert!(warned.is_ok(), "the warning shows before the end");
    d.kiosk().send(Intent::Extend).await.unwrap();
    let c = d.kiosk().view().countdown.unwrap();
    assert!(!c.warning && c.seconds_left >= 3, "{c:?}");
    assert_eq!(d.kiosk().view().screen.name(), "consent");
    // Left alone, it ends: back to idle, the receipt says so.
    on(d.kiosk(), "idle").await;
    let r = &d.kiosk().records().receipts().unwrap()[0];
    assert_eq!(
        (r.decision, r.outcome.as_str()),
        (Decision::TimedOut, "timed_out")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn elder_mode_gives_more_time_and_resets_for_the_next_patient() {
    let d = demo().await;
    d.kiosk()
        .send(Intent::SetElder { elder: true })
        .await
        .unwrap();
    d.kiosk().send(Intent::Start).await.unwrap();
    let v = on(d.kiosk(), "consent").await;
    assert!(v.elder);
    assert!(
        v.countdown.unwrap().seconds_left > 4,
        "twice the 4 s idle timeout"
    );
    d.kiosk().send(Intent::Cancel).await.unwrap();
    let v = on(d.kiosk(), "idle").await;
    assert!(!v.elder, "the next patient starts in the normal mode");
}

#[tokio::test(flavor = "multi_thread")]
async fn elder_mode_gives_more_time_to_look_into_the_camera() {
    let d = demo().await;
    d.kiosk()
        .send(Intent::SetElder { elder: true })
        .await
        .unwrap();
    agree(d.kiosk()).await;
    on(d.kiosk(), "faceScan").await;
    terminal_waits(&d, PatientAction::Face).await;
    // Past the 5 s face-scan timeout: twice that in elder mode, so still waiting.
    tokio::time::sleep(Duration::from_millis(6_500)).await;
    assert_eq!(d.kiosk().view().screen, Screen::FaceScan);
    d.present_face("zhang-san").await.unwrap();
    confirm(&d, true).await;
    on(d.kiosk(), "success").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_language_switches_the_consent_text_and_a_stale_agree_is_refused() {
    let d = demo().await;
    d.kiosk().send(Intent::Start).await.unwrap();
    let zh = on(d.kiosk(), "consent").await;
    d.kiosk()
        .send(Intent::SetLanguage {
            language: Language::En,
        })
        .await
        .unwrap();
    let en = d.kiosk().view();
    let (Screen::Consent { consent: zh_doc }, Screen::Consent { consent: en_doc }) =
        (&zh.screen, &en.screen)
    else {
        unreachable!()
    };
    assert_eq!(en.language, Language::En);
    assert_eq!(en_doc.language, Language::En);
    assert_ne!(zh_doc.sha256, en_doc.sha256);
    // Agreeing to the text no longer on screen is refused.
    let err = d
        .kiosk()
        .send(Intent::Agree {
            consent_sha256: zh_doc.sha256.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), "CONSENT_STALE");
    d.kiosk()
        .send(Intent::Agree {
            consent_sha256: en_doc.sha256.clone(),
        })
        .await
        .unwrap();
    on(d.kiosk(), "faceScan").await;
    d.kiosk().send(Intent::Cancel).await.unwrap();
    on(d.kiosk(), "idle").await;
    let r = &d.kiosk().records().receipts().unwrap()[0];
    assert_eq!(r.consent_language, "en");
    assert_eq!(r.consent_sha256, en_doc.sha256);
}

#[tokio::test(flavor = "multi_thread")]
async fn intents_out_of_place_are_refused_by_name() {
    let d = demo().await;
    let err = d.kiosk().send(Intent::Retry).await.unwrap_err();
    assert_eq!(err.code(), "INTENT_NOT_NOW");
    assert_eq!(
        err.to_string(),
        "`retry` is not possible on the idle screen"
    );
    assert_eq!(d.kiosk().view().screen, Screen::Idle);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_terminal_reporting_another_persons_openid_registers_nobody() {
    let d = demo().await;
    let views = record_views(d.kiosk());
    let linked = d.kiosk().records().patient_count().unwrap();
    // Something answering for the terminal reports someone else's openid beside the
    // patient's face_sid; WeChat's verified answer names the patient.
    d.sandbox()
        .set_fault(FaultRule::new(Target::GetWxpayfaceCode, FaultKind::ForeignOpenid).times(1))
        .unwrap();
    scan(&d, "zhang-san").await;
    confirm(&d, true).await;
    let v = on(d.kiosk(), "failed").await;
    assert_eq!(failed_with(&v), (FailureCode::IdentityMismatch, false));
    let Screen::Failed { detail, .. } = &v.screen else {
        unreachable!()
    };
    assert_eq!(detail.as_deref(), Some("openid differs"));
    assert_eq!(
        d.kiosk().records().patient_count().unwrap(),
        linked,
        "nobody was linked, under either openid"
    );
    d.kiosk().send(Intent::Done).await.unwrap();
    on(d.kiosk(), "idle").await;
    let receipts = d.kiosk().records().receipts().unwrap();
    assert_eq!(
        receipts[0].outcome,
        "failed:IDENTITY_MISMATCH:openid differs"
    );
    // The same patient, honestly reported, is a new patient: asked to confirm again.
    scan(&d, "zhang-san").await;
    confirm(&d, true).await;
    on(d.kiosk(), "success").await;
    assert_nothing_personal(&d, &views.lock().unwrap());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_skewed_clock_is_caught_before_the_face_scan_with_the_offset_for_the_technician() {
    // WeChat's clock runs 400 s ahead of the kiosk's: the warm-up's answer measured it.
    let d = demo_with(|o| {
        o.sandbox = Some(facekiosk_sandbox::options::Options {
            clock_skew_secs: 400,
            ..Default::default()
        });
    })
    .await;
    agree(d.kiosk()).await;
    let v = on(d.kiosk(), "failed").await;
    assert_eq!(failed_with(&v), (FailureCode::ClockSkew, false));
    let Screen::Failed { detail, .. } = &v.screen else {
        unreachable!()
    };
    let detail = detail.as_deref().unwrap_or_default();
    assert!(
        detail.contains("+400 s") || detail.contains("+399 s") || detail.contains("+401 s"),
        "the measured offset for the technician: {detail}"
    );
    assert_eq!(
        d.terminal().sdk.count(Method::GetWxpayfaceCode),
        0,
        "the patient was never asked to look into the camera"
    );
    d.kiosk().send(Intent::Done).await.unwrap();
    on(d.kiosk(), "idle").await;
    // The clock is put right: the next patient is served, although the kiosk's authinfo was
    // warm (the bad reading is taken again before anyone is turned away).
    d.sandbox().set_clock_skew(0);
    d.kiosk().warm_up().await.unwrap();
    scan(&d, "zhang-san").await;
    confirm(&d, true).await;
    on(d.kiosk(), "success").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_confirmed_patient_whose_query_failed_is_not_sent_back_to_the_face_scan() {
    let d = demo().await;
    // WeChat's api.mch is down for as long as the kiosk's retries last.
    d.sandbox()
        .set_fault(FaultRule::new(
            Target::Facemch,
            FaultKind::Status {
                status: 503,
                retry_after: None,
            },
        ))
        .unwrap();
    scan(&d, "zhang-san").await;
    confirm(&d, true).await;
    let v = on(d.kiosk(), "failed").await;
    assert_eq!(failed_with(&v), (FailureCode::WechatServerError, true));
    d.sandbox().clear_faults();
    let queries = d.sandbox().hits(Target::Facemch);
    d.kiosk().send(Intent::Retry).await.unwrap();
    on(d.kiosk(), "success").await;
    assert_eq!(
        d.sandbox().hits(Target::Facemch),
        queries + 1,
        "the same face_sid queried once more"
    );
    let sdk = &d.terminal().sdk;
    assert_eq!(sdk.count(Method::GetWxpayfaceCode), 1, "one face scan");
    assert_eq!(sdk.count(Method::GetWxpayAuth), 1, "one confirmation");
}

/// A hospital system adapter with a bug.
struct BuggyHospital;

impl HandOver for BuggyHospital {
    fn hand_over<'a>(
        &'a self,
        _: VerifiedPatient<'a>,
    ) -> BoxFuture<'a, Result<PatientRef, HandOverError>> {
        Box::pin(async { panic!("a bug in the hand-over") })
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bug_ends_the_session_on_a_defined_screen_and_the_kiosk_serves_the_next_patient() {
    let d = demo_with(|o| o.hand_over = Some(Arc::new(BuggyHospital))).await;
    scan(&d, "zhang-san").await;
    confirm(&d, true).await;
    let v = on(d.kiosk(), "failed").await;
    assert_eq!(failed_with(&v), (FailureCode::InternalError, false));
    d.kiosk().send(Intent::Done).await.unwrap();
    on(d.kiosk(), "idle").await;
    let receipts = d.kiosk().records().receipts().unwrap();
    assert_eq!(receipts[0].outcome, "failed:INTERNAL_ERROR");
    // The next patient is served: the session task lives on.
    agree(d.kiosk()).await;
    on(d.kiosk(), "faceScan").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn receipts_past_the_hospitals_retention_are_purged_after_a_session() {
    let d = demo_with(|o| {
        if let Some(kiosk) = o.kiosk.as_mut() {
            kiosk.receipt_retention_days = Some(7);
        }
    })
    .await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let old = |id: &str, days: i64| facekiosk_session::ConsentReceipt {
        session_id: id.into(),
        consent_version: "2026-11-25".into(),
        consent_language: "zh-CN".into(),
        consent_sha256: "ab".repeat(32),
        shown_at: now - days * 86_400,
        decided_at: None,
        decision: Decision::Declined,
        outcome: "refused".into(),
    };
    let records = d.kiosk().records();
    records.open_receipt(&old("eight-days", 8)).unwrap();
    records.open_receipt(&old("six-days", 6)).unwrap();
    d.kiosk().send(Intent::Start).await.unwrap();
    on(d.kiosk(), "consent").await;
    d.kiosk().send(Intent::Decline).await.unwrap();
    on(d.kiosk(), "refusal").await;
    d.kiosk().send(Intent::Done).await.unwrap();
    on(d.kiosk(), "idle").await;
    let left: Vec<String> = records
        .receipts()
        .unwrap()
        .into_iter()
        .map(|r| r.session_id)
        .collect();
    assert_eq!(left.len(), 2, "{left:?}");
    assert!(left.contains(&"six-days".to_owned()), "{left:?}");
    assert!(!left.contains(&"eight-days".to_owned()), "{left:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_kiosk_set_to_elder_mode_starts_each_session_in_it() {
    let d = demo_with(|o| {
        if let Some(kiosk) = o.kiosk.as_mut() {
            kiosk.elder_mode = true;
        }
    })
    .await;
    assert!(d.kiosk().view().elder);
    d.kiosk()
        .send(Intent::SetElder { elder: false })
        .await
        .unwrap();
    d.kiosk().send(Intent::Start).await.unwrap();
    let consent = on(d.kiosk(), "consent").await;
    assert!(
        !consent.elder,
        "the patient's own choice holds for their session"
    );
    d.kiosk().send(Intent::Cancel).await.unwrap();
    let idle = on(d.kiosk(), "idle").await;
    assert!(idle.elder, "the next patient starts in elder mode again");
}
