//! The session tests' kiosk: the demo (sandbox, simulated terminal, the real session) with
//! fast timeouts, the patient's moves, and the privacy check every test ends with.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use facekiosk_sandbox::PatientAction;
use facekiosk_sandbox::demo::{Demo, DemoOptions};
use facekiosk_session::{FailureCode, Intent, Kiosk, KioskSettings, Screen, SessionView};
use facekiosk_terminal::TerminalSettings;
use facekiosk_testkit::Logs;
use facekiosk_wxpay::settings::Timeouts;

/// Fast timeouts: every wait in these tests ends in seconds.
pub fn fast(options: &mut DemoOptions) {
    let secs = Duration::from_secs;
    options.kiosk = Some(KioskSettings {
        idle_timeout: secs(4),
        warning: secs(2),
        result_timeout: secs(3),
        ..KioskSettings::with_records(&options.data_dir)
    });
    options.terminal = Some(TerminalSettings {
        face_scan_timeout: secs(5),
        confirm_timeout: secs(5),
        call_timeout: secs(5),
        ..TerminalSettings::default()
    });
    options.wechat_timeouts = Some(Timeouts {
        request: Duration::from_millis(1500),
        retries: 1,
        ..Timeouts::default()
    });
}

/// Everything every test logs (at every level), for the privacy check.
pub fn logs() -> Logs {
    facekiosk_testkit::logs::capture()
}

pub struct Running {
    pub demo: Demo,
    pub dir: tempfile::TempDir,
}

impl std::ops::Deref for Running {
    type Target = Demo;
    fn deref(&self) -> &Demo {
        &self.demo
    }
}

pub async fn demo() -> Running {
    demo_with(|_| {}).await
}

pub async fn demo_with(change: impl FnOnce(&mut DemoOptions)) -> Running {
    logs();
    let dir = tempfile::tempdir().unwrap();
    let mut options = DemoOptions::new(dir.path());
    fast(&mut options);
    options.keys_dir = Some(super::keys_dir());
    change(&mut options);
    let demo = Demo::start(options).await.unwrap();
    // Warm: SDK initialised and an authinfo cached, as before any real patient.
    demo.kiosk().warm_up().await.unwrap();
    Running { demo, dir }
}

/// Waits (up to 15 s) for a view on `screen`.
pub async fn on(kiosk: &Kiosk, screen: &str) -> SessionView {
    let mut rx = kiosk.subscribe();
    let found = tokio::time::timeout(Duration::from_secs(15), async {
        loop {
            let v = rx.borrow_and_update().clone();
            if v.screen.name() == screen {
                return v;
            }
            rx.changed().await.unwrap();
        }
    })
    .await;
    found.unwrap_or_else(|_| panic!("never reached {screen}; on {:?}", kiosk.view().screen))
}

/// Waits until the simulated terminal waits for the patient.
pub async fn terminal_waits(demo: &Demo, action: PatientAction) {
    for _ in 0..300 {
        if demo.terminal().sdk.waiting_for() == Some(action) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the terminal never waited for {action:?}");
}

pub async fn agree(kiosk: &Kiosk) {
    kiosk.send(Intent::Start).await.unwrap();
    let v = on(kiosk, "consent").await;
    let Screen::Consent { consent } = v.screen else {
        unreachable!()
    };
    kiosk
        .send(Intent::Agree {
            consent_sha256: consent.sha256,
        })
        .await
        .unwrap();
}

/// Consent, then `persona` in front of the camera.
pub async fn scan(d: &Demo, persona: &str) {
    agree(d.kiosk()).await;
    on(d.kiosk(), "faceScan").await;
    terminal_waits(d, PatientAction::Face).await;
    d.present_face(persona).await.unwrap();
}

pub async fn confirm(d: &Demo, yes: bool) {
    on(d.kiosk(), "waitingConfirmation").await;
    terminal_waits(d, PatientAction::Confirmation).await;
    d.wechat_screen(yes).await.unwrap();
}

pub fn failed_with(v: &SessionView) -> (FailureCode, bool) {
    match v.screen {
        Screen::Failed { code, retry, .. } => (code, retry),
        ref other => panic!("expected failed, got {other:?}"),
    }
}

/// What must never be left anywhere after a session: zhang-san's name, ID number, openid.
pub fn assert_nothing_personal(d: &Running, views: &[SessionView]) {
    assert_nothing_personal_of(d, views, "zhang-san");
}

/// What must never be left anywhere after `persona`'s session: their name, ID number, openid.
pub fn assert_nothing_personal_of(d: &Running, views: &[SessionView], persona: &str) {
    let persona = d.sandbox().world().persona(persona).unwrap();
    let openid = persona.openid(facekiosk_sandbox::material::ids::MERCHANT_APPID);
    let secrets = [persona.name.as_str(), &persona.credential_id, &openid];
    let mut haystack = serde_json::to_string(views).unwrap();
    haystack.push_str(&format!("{:?}", d.kiosk().records().receipts().unwrap()));
    for entry in std::fs::read_dir(d.dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if path
            .extension()
            .is_some_and(|e| e == "sqlite" || e == "sqlite-wal")
        {
            haystack.push_str(&String::from_utf8_lossy(&std::fs::read(path).unwrap()));
        }
    }
    for s in secrets {
        assert!(
            !haystack.contains(s),
            "found personal data in views or records"
        );
    }
    let logged = logs().contents();
    assert!(logged.contains("screen"), "the session logs its screens");
    for s in secrets {
        assert!(!logged.contains(s), "found personal data in the logs");
    }
}

/// Every view the kiosk publishes, collected in the background.
pub fn record_views(kiosk: &Kiosk) -> Arc<Mutex<Vec<SessionView>>> {
    let views = Arc::new(Mutex::new(Vec::new()));
    let mut rx = kiosk.subscribe();
    let sink = views.clone();
    tokio::spawn(async move {
        while rx.changed().await.is_ok() {
            sink.lock().unwrap().push(rx.borrow_and_update().clone());
        }
    });
    views
}
