//! The support bundle of a kiosk after a patient's session and a staff member's visit holds
//! none of the run's personal data or secrets: the patient's name, ID number, phone, openid
//! and face_sid, the APIv2 key, the merchant's private key, the staff PIN.

use std::time::Duration;

use facekiosk_console::settings::Edit;
use facekiosk_console::{Console, Entry, Now};
use facekiosk_pii::Secret;
use facekiosk_sandbox::PatientAction;
use facekiosk_sandbox::demo::{Demo, DemoOptions};
use facekiosk_session::{Intent, Kiosk, Screen};

async fn on(kiosk: &Kiosk, screen: &str) {
    let mut rx = kiosk.subscribe();
    tokio::time::timeout(Duration::from_secs(15), async {
        while rx.borrow_and_update().screen.name() != screen {
            rx.changed().await.unwrap();
        }
    })
    .await
    .unwrap_or_else(|_| panic!("never on {screen}"));
}

async fn waits_for(demo: &Demo, action: PatientAction) {
    for _ in 0..500 {
        if demo.terminal().sdk.waiting_for() == Some(action) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the terminal never waited for {action:?}");
}

/// `persona` registers: consent, face, confirmation, success.
async fn register(demo: &Demo, kiosk: &Kiosk, persona: &str) {
    kiosk.send(Intent::Start).await.unwrap();
    on(kiosk, "consent").await;
    let Screen::Consent { consent } = kiosk.view().screen else {
        unreachable!()
    };
    kiosk
        .send(Intent::Agree {
            consent_sha256: consent.sha256,
        })
        .await
        .unwrap();
    waits_for(demo, PatientAction::Face).await;
    demo.present_face(persona).await.unwrap();
    waits_for(demo, PatientAction::Confirmation).await;
    demo.wechat_screen(true).await.unwrap();
    on(kiosk, "success").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_bundle_of_a_run_holds_none_of_its_personal_data_or_secrets() {
    let logs = facekiosk_testkit::logs::capture();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("demo");
    // Texts that tell the patient their phone number is fetched too, so that the technician
    // may ask for it below.
    let consent = dir.path().join("consent");
    std::fs::create_dir_all(&consent).unwrap();
    let texts = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../assets/consent/2026-12-02/hospital"
    );
    for lang in ["zh-CN", "en"] {
        let text = std::fs::read_to_string(format!("{texts}/{lang}.toml")).unwrap();
        let text = text
            .replace(
                "fetches = [\"name\", \"credential\"]",
                "fetches = [\"name\", \"credential\", \"phone\"]",
            )
            .replace("\"birth_date\"]", "\"birth_date\", \"phone\"]");
        std::fs::write(consent.join(format!("{lang}.toml")), text).unwrap();
    }
    let demo = Demo::start(DemoOptions::new(&data)).await.unwrap();

    // A technician has the phone number fetched too; the kiosk is rebuilt from the file.
    let console = Console::new(&Demo::config_path(&data));
    let pin = facekiosk_sandbox::staff::TECHNICIAN.1;
    assert!(matches!(
        console.enter(&Secret::new(pin), Now::real()).unwrap(),
        Entry::Granted(_)
    ));
    let edit = |key: &str, value: &str| Edit {
        key: key.into(),
        value: value.into(),
    };
    let edits = [
        edit("facemch.info_type", "ASK_REAL_NAME_TEL"),
        edit("kiosk.consent_dir", &consent.display().to_string()),
    ];
    console.save(&edits, Now::real()).unwrap();
    demo.kiosk().shutdown().await;
    let kiosk = demo.rebuild_kiosk().unwrap();
    register(&demo, &kiosk, "with-phone").await;
    // The run's logs, where the kiosk keeps them.
    let log_dir = dir.path().join("log");
    std::fs::create_dir_all(&log_dir).unwrap();
    std::fs::write(log_dir.join("facekiosk.log"), logs.contents()).unwrap();

    let direct = demo.terminal().addr;
    let out = console
        .bundle(
            &dir.path().join("usb"),
            Some(&log_dir),
            move |s| s.terminal.direct = Some(direct),
            "facekiosk test",
            Now::real(),
        )
        .await
        .unwrap();

    let world = demo.sandbox().world();
    let persona = world.persona("with-phone").unwrap();
    let material = &world.material;
    let pem = std::fs::read_to_string(material.merchant.key_path()).unwrap();
    let key_body: String = pem.lines().nth(1).unwrap().to_owned();
    let mut canaries = vec![
        persona.name.clone(),
        persona.credential_id.clone(),
        persona.phone.clone().expect("the persona has a phone"),
        persona.openid(facekiosk_sandbox::material::ids::MERCHANT_APPID),
        std::fs::read_to_string(material.merchant.apiv2_key_path())
            .unwrap()
            .trim()
            .to_owned(),
        key_body,
        pin.to_owned(),
    ];
    let face_sids = world.face_sids();
    assert!(!face_sids.is_empty(), "the run made no face session");
    canaries.extend(face_sids);

    let mut files = 0;
    for entry in walk(&out) {
        let text = String::from_utf8_lossy(&std::fs::read(&entry).unwrap()).into_owned();
        files += 1;
        for canary in &canaries {
            assert!(
                !text.contains(canary.as_str()),
                "{} holds a canary (#{})",
                entry.display(),
                canaries.iter().position(|c| c == canary).unwrap()
            );
        }
    }
    // Report, configuration, versions, audit trail, one log.
    assert_eq!(files, 5, "{:?}", walk(&out));
    let audit = std::fs::read_to_string(out.join("staff-audit.jsonl")).unwrap();
    assert!(audit.contains("entry_granted"), "{audit}");
    kiosk.shutdown().await;
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
