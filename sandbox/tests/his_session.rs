//! The whole session handing patients to the sandbox's hospital through each `[his]` adapter,
//! over real HTTP: a new patient ends on success with the hospital's own number; a patient
//! the hospital already knows is found, not registered twice; each hospital fault ends on its
//! screen, with its code for staff and in the consent receipt, and nothing personal anywhere.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use common::session::*;
use facekiosk_his::settings::SoapVersion;
use facekiosk_sandbox::demo::Demo;
use facekiosk_sandbox::hospital::registry::NewPatient;
use facekiosk_sandbox::hospital::{HisFault, HisFaultKind};
use facekiosk_sandbox::kiosk::SandboxAdapter;
use facekiosk_session::{FailureCode, Intent, Screen};

fn profile(site: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../assets/his-profiles/{site}.toml"))
}

fn adapters() -> Vec<SandboxAdapter> {
    vec![
        SandboxAdapter::Fhir,
        SandboxAdapter::Wst846 {
            soap: SoapVersion::V1_1,
        },
        SandboxAdapter::Wst846 {
            soap: SoapVersion::V1_2,
        },
        SandboxAdapter::Vendor {
            site: "tianrui".into(),
            profile: profile("tianrui"),
        },
        SandboxAdapter::Vendor {
            site: "zzj".into(),
            profile: profile("zzj"),
        },
    ]
}

async fn kiosk_on(adapter: &SandboxAdapter) -> Running {
    let adapter = adapter.clone();
    demo_with(move |o| {
        o.hospital = adapter;
        if let Some(kiosk) = o.kiosk.as_mut() {
            kiosk.hand_over_timeout = Duration::from_secs(3);
        }
    })
    .await
}

/// The hospital's numbers for this ID number.
fn hospital_numbers(d: &Demo, id_number: &str) -> Vec<String> {
    let registry = d.sandbox().hospital().registry.lock().unwrap();
    registry
        .find(id_number)
        .iter()
        .map(|p| p.number.clone())
        .collect()
}

fn id_number(d: &Demo, persona: &str) -> String {
    d.sandbox().world().persona(persona).unwrap().credential_id
}

/// One patient from the consent to the end of the hand-over: the screen they end on.
async fn register(d: &Demo, persona: &str) -> Screen {
    scan(d, persona).await;
    confirm(d, true).await;
    let mut rx = d.kiosk().subscribe();
    loop {
        let screen = rx.borrow_and_update().screen.clone();
        if matches!(screen, Screen::Success { .. } | Screen::Failed { .. }) {
            return screen;
        }
        tokio::time::timeout(Duration::from_secs(15), rx.changed())
            .await
            .expect("the session ended")
            .unwrap();
    }
}

async fn done(d: &Demo) {
    d.kiosk().send(Intent::Done).await.unwrap();
    on(d.kiosk(), "idle").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn each_adapter_registers_a_new_patient_under_the_hospitals_number_once() {
    for adapter in adapters() {
        let d = kiosk_on(&adapter).await;
        let views = record_views(d.kiosk());
        for persona in ["rare-char", "uyghur-name", "passport"] {
            let screen = register(&d, persona).await;
            let Screen::Success { patient_ref, .. } = &screen else {
                panic!("{adapter:?} {persona}: {screen:?}")
            };
            assert_eq!(
                hospital_numbers(&d, &id_number(&d, persona)),
                std::slice::from_ref(patient_ref),
                "{adapter:?} {persona}: the number on screen is the hospital's, registered once"
            );
            done(&d).await;
        }
        // The names reached the hospital's records intact.
        let registry = d
            .sandbox()
            .hospital()
            .registry
            .lock()
            .unwrap()
            .all()
            .to_vec();
        for name in ["𠮷雅婷", "阿卜杜·买买提", "JOHN SMITH"] {
            assert!(
                registry.iter().any(|p| p.name == name),
                "{adapter:?}: {name} not in the hospital's records as sent"
            );
        }
        let receipts = d.kiosk().records().receipts().unwrap();
        assert!(
            receipts.iter().all(|r| r.outcome == "verified"),
            "{receipts:?}"
        );
        assert_nothing_personal_of(&d, &views.lock().unwrap(), "rare-char");
        d.demo.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_patient_the_hospital_knows_is_found_and_welcomed_back_under_that_number() {
    for adapter in adapters() {
        let d = kiosk_on(&adapter).await;
        let persona = d.sandbox().world().persona("zhang-san").unwrap();
        // Registered at the window last year; new to this kiosk.
        let known = d.sandbox().hospital().registry.lock().unwrap().add(
            NewPatient {
                number: Some("0000420001".into()),
                name: persona.name.clone(),
                credential_type: "01".into(),
                credential_number: persona.credential_id.clone(),
                sex: Some("1".into()),
                birth_date: Some("1988-06-12".into()),
                phone: None,
            },
            "window",
        );
        let screen = register(&d, "zhang-san").await;
        assert!(
            matches!(&screen, Screen::Success { patient_ref, .. } if *patient_ref == known.number),
            "{adapter:?}: {screen:?}"
        );
        assert_eq!(
            hospital_numbers(&d, &persona.credential_id),
            std::slice::from_ref(&known.number),
            "{adapter:?}: found, not registered again"
        );
        done(&d).await;
        // Next time the kiosk knows her: the same number, nothing fetched or sent.
        scan(&d, "zhang-san").await;
        let v = on(d.kiosk(), "welcomeBack").await;
        assert!(
            matches!(&v.screen, Screen::WelcomeBack { patient_ref } if *patient_ref == known.number),
            "{adapter:?}: {:?}",
            v.screen
        );
        d.demo.stop().await;
    }
}

/// What each hospital fault ends on: the code, the hand-over's code for staff, and whether
/// "try again" is offered.
fn faults() -> Vec<(HisFaultKind, FailureCode, &'static str, bool)> {
    use FailureCode::{HandOverFailed, HandOverRefused};
    vec![
        (HisFaultKind::Down, HandOverFailed, "HIS_UNREACHABLE", true),
        (
            HisFaultKind::Slow { latency_ms: 5_000 },
            HandOverFailed,
            "TIMEOUT",
            true,
        ),
        (
            HisFaultKind::Status { status: 503 },
            HandOverFailed,
            "HIS_SERVER_ERROR",
            true,
        ),
        (HisFaultKind::Refuse, HandOverRefused, "HIS_REFUSED", false),
        (
            HisFaultKind::Duplicate,
            HandOverRefused,
            "HIS_DUPLICATE_PATIENTS",
            false,
        ),
        (
            HisFaultKind::Malformed,
            HandOverRefused,
            "HIS_ANSWER_INVALID",
            false,
        ),
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn each_hospital_fault_ends_on_its_screen_with_nothing_personal_left() {
    for adapter in adapters() {
        let d = kiosk_on(&adapter).await;
        let views = record_views(d.kiosk());
        for (kind, code, detail, retry) in faults() {
            let hospital = d.sandbox().hospital();
            hospital.reset();
            hospital.add_fault(HisFault {
                endpoint: None,
                kind: kind.clone(),
                times: None,
            });
            let screen = register(&d, "zhang-san").await;
            let Screen::Failed {
                code: shown,
                retry: offered,
                detail: shown_detail,
            } = &screen
            else {
                panic!("{adapter:?} {kind:?}: {screen:?}")
            };
            assert_eq!(
                (*shown, *offered, shown_detail.as_deref()),
                (code, retry, Some(detail)),
                "{adapter:?} {kind:?}"
            );
            hospital.clear_faults();
            done(&d).await;
            let receipts = d.kiosk().records().receipts().unwrap();
            assert_eq!(
                receipts.last().unwrap().outcome,
                format!("failed:{}:{detail}", code.as_str()),
                "{adapter:?} {kind:?}: the receipt records the outcome"
            );
        }
        // Nothing was linked: she is a new patient to this kiosk still.
        let openid = d
            .sandbox()
            .world()
            .persona("zhang-san")
            .unwrap()
            .openid(facekiosk_sandbox::material::ids::MERCHANT_APPID);
        assert!(
            d.kiosk()
                .records()
                .find_patient(&facekiosk_pii::WechatId::new(openid))
                .unwrap()
                .is_none(),
            "{adapter:?}"
        );
        assert_nothing_personal(&d, &views.lock().unwrap());
        d.demo.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn try_again_after_the_hospital_was_down_registers_the_patient_once() {
    for adapter in adapters() {
        let d = kiosk_on(&adapter).await;
        d.sandbox().hospital().add_fault(HisFault {
            endpoint: None,
            kind: HisFaultKind::Down,
            times: None,
        });
        let screen = register(&d, "zhang-san").await;
        assert!(
            matches!(screen, Screen::Failed { retry: true, .. }),
            "{adapter:?}: {screen:?}"
        );
        d.sandbox().hospital().clear_faults();
        // The patient already confirmed: the retry queries WeChat and hands over again,
        // without another face scan.
        d.kiosk().send(Intent::Retry).await.unwrap();
        let v = on(d.kiosk(), "success").await;
        let Screen::Success { patient_ref, .. } = &v.screen else {
            unreachable!()
        };
        assert_eq!(
            hospital_numbers(&d, &id_number(&d, "zhang-san")),
            std::slice::from_ref(patient_ref),
            "{adapter:?}"
        );
        d.demo.stop().await;
    }
}
