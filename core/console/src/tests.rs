//! The staff mode over real files: entry, roles, inactivity, out of service, forgetting a
//! patient, the audit trail.

use std::time::{Duration, Instant, UNIX_EPOCH};

use facekiosk_pii::Secret;
use facekiosk_staff::{Accounts, Role};

use super::*;

mod settings;

pub(crate) const STAFF_PIN: &str = "480193";
pub(crate) const TECH_PIN: &str = "902741";

pub(crate) struct Fixture {
    pub(crate) dir: tempfile::TempDir,
    pub(crate) console: Console,
    t0: Instant,
}

impl Fixture {
    pub(crate) fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("kiosk.toml");
        let console = Console::new(&config);
        let mut accounts = Accounts::load(&console.files().accounts()).unwrap();
        let wall = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        accounts
            .add("ana", Role::Staff, &Secret::new(STAFF_PIN), wall)
            .unwrap();
        accounts
            .add("bo", Role::Technician, &Secret::new(TECH_PIN), wall)
            .unwrap();
        Fixture {
            dir,
            console,
            t0: Instant::now(),
        }
    }

    pub(crate) fn at(&self, secs: u64) -> Now {
        Now {
            wall: UNIX_EPOCH + Duration::from_secs(1_800_000_000 + secs),
            mono: self.t0 + Duration::from_secs(secs),
        }
    }

    pub(crate) fn enter(&self, pin: &str, secs: u64) -> Entry {
        self.console
            .enter(&Secret::new(pin), self.at(secs))
            .unwrap()
    }

    pub(crate) fn kinds(&self, secs: u64) -> Vec<String> {
        let lines = self.console.audit_trail(self.at(secs)).unwrap();
        lines.into_iter().rev().map(|l| l.kind).collect()
    }
}

#[test]
fn a_right_pin_opens_the_staff_mode_for_its_account_and_a_wrong_one_does_not() {
    let f = Fixture::new();
    assert_eq!(f.enter("111112", 0), Entry::Refused);
    assert_eq!(f.console.current(f.at(0)), None);
    assert!(matches!(
        f.console.resume(f.at(0)),
        Err(ConsoleError::NotEntered)
    ));
    let Entry::Granted(view) = f.enter(STAFF_PIN, 1) else {
        panic!("the staff PIN is refused")
    };
    assert_eq!(view.account, "ana");
    assert_eq!(view.role, Role::Staff);
    assert_eq!(f.kinds(2), ["entry_refused", "entry_granted"]);
}

#[test]
fn wrong_pins_lock_the_entry_and_then_even_a_right_pin_waits() {
    let f = Fixture::new();
    let mut locked = None;
    for i in 0..10 {
        match f.enter("111112", i) {
            Entry::Refused => {}
            Entry::Locked { remaining_secs } => {
                locked = Some(remaining_secs);
                break;
            }
            Entry::Granted(_) => panic!("a wrong PIN opened the staff mode"),
        }
    }
    let remaining = locked.expect("ten wrong PINs never locked the entry");
    assert!(remaining > 0);
    assert!(matches!(f.enter(STAFF_PIN, 10), Entry::Locked { .. }));
    assert!(matches!(
        f.enter(STAFF_PIN, 10 + remaining + 1),
        Entry::Granted(_)
    ));
}

#[test]
fn the_staff_mode_closes_after_a_minute_without_a_touch_and_each_action_is_a_touch() {
    let f = Fixture::new();
    f.enter(STAFF_PIN, 0);
    f.console
        .suspend("暂停服务", "Out of service", f.at(50))
        .unwrap();
    // 50 s after the suspend, 100 s after the entry: still open.
    assert!(f.console.resume(f.at(100)).unwrap());
    f.console.touch(f.at(150)).unwrap();
    assert!(f.console.current(f.at(209)).is_some());
    assert_eq!(f.console.current(f.at(211)), None);
    assert!(matches!(
        f.console.suspend("暂停", "Paused", f.at(211)),
        Err(ConsoleError::NotEntered)
    ));
}

#[test]
fn leaving_closes_the_staff_mode() {
    let f = Fixture::new();
    f.enter(TECH_PIN, 0);
    f.console.leave();
    assert_eq!(f.console.current(f.at(1)), None);
    assert!(matches!(
        f.console.touch(f.at(1)),
        Err(ConsoleError::NotEntered)
    ));
}

#[test]
fn out_of_service_survives_a_new_console_and_is_audited() {
    let f = Fixture::new();
    f.enter(STAFF_PIN, 0);
    let view = f
        .console
        .suspend("设备维护中", "Under maintenance", f.at(1))
        .unwrap();
    assert_eq!(view.by, "ana");
    // A restart: a new console over the same files.
    let again = Console::new(f.console.config_path());
    let kept = again
        .suspension()
        .unwrap()
        .expect("the suspension was lost");
    assert_eq!(
        (kept.zh_cn.as_str(), kept.en.as_str()),
        ("设备维护中", "Under maintenance")
    );
    assert!(f.console.resume(f.at(2)).unwrap());
    assert_eq!(again.suspension().unwrap(), None);
    assert!(!f.console.resume(f.at(3)).unwrap());
    assert_eq!(f.kinds(4), ["entry_granted", "suspended", "resumed"]);
}

#[test]
fn an_empty_out_of_service_message_is_refused_by_language() {
    let f = Fixture::new();
    f.enter(STAFF_PIN, 0);
    let err = f
        .console
        .suspend("", "Closed", f.at(1))
        .unwrap_err()
        .to_string();
    assert!(err.contains("zh_cn"), "{err}");
    assert_eq!(f.console.suspension().unwrap(), None);
}

#[test]
fn only_a_technician_runs_the_diagnostics() {
    let f = Fixture::new();
    f.enter(STAFF_PIN, 0);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let refused = runtime.block_on(f.console.diagnostics(|_| {}, f.at(1)));
    assert!(matches!(
        refused,
        Err(ConsoleError::Forbidden { role: "staff", .. })
    ));
    f.console.leave();
    f.enter(TECH_PIN, 2);
    // No configuration file in the fixture: the report says so, as its one check.
    let report = runtime
        .block_on(f.console.diagnostics(|_| {}, f.at(3)))
        .unwrap();
    assert_eq!(report.checks.len(), 1);
    assert_eq!(report.checks[0].id, "config");
}

#[test]
fn forgetting_a_patient_removes_their_link_and_is_audited_without_the_number() {
    let f = Fixture::new();
    let records = facekiosk_session::Records::open(&f.dir.path().join("records.sqlite")).unwrap();
    let openid = facekiosk_pii::WechatId::new("o-canary-openid");
    let number = records.register_patient(&openid).unwrap();
    f.enter(STAFF_PIN, 0);
    assert!(matches!(
        f.console.forget(&records, "  ", f.at(1)),
        Err(ConsoleError::Invalid(_))
    ));
    assert_eq!(
        f.console
            .forget(&records, number.as_str(), f.at(2))
            .unwrap(),
        1
    );
    assert_eq!(records.find_patient(&openid).unwrap(), None);
    assert_eq!(
        f.console
            .forget(&records, number.as_str(), f.at(3))
            .unwrap(),
        0
    );
    let trail = std::fs::read_to_string(f.console.files().audit()).unwrap();
    assert!(
        !trail.contains(number.as_str()),
        "the audit trail holds the patient's number"
    );
    assert_eq!(
        f.kinds(4),
        ["entry_granted", "patient_forgotten", "patient_forgotten"]
    );
}

#[test]
fn receipts_export_by_the_screens_dates_as_csv_and_bad_dates_are_named() {
    const CHINA: i32 = 8 * 60;
    let f = Fixture::new();
    let records = facekiosk_session::Records::open(&f.dir.path().join("records.sqlite")).unwrap();
    // 2026-12-01T23:30Z is 07:30 on 2 December in China: that day's.
    let receipt = |id: &str, shown_at: i64| facekiosk_session::ConsentReceipt {
        session_id: id.into(),
        consent_version: "2026-12-02".into(),
        consent_language: "zh-CN".into(),
        consent_sha256: "ab".repeat(32),
        shown_at,
        decided_at: Some(shown_at + 5),
        decision: facekiosk_session::Decision::Agreed,
        outcome: "verified".into(),
    };
    records
        .open_receipt(&receipt("s-1", 1_796_167_800))
        .unwrap();
    // Nine hours earlier is 22:30 on 1 December in China: not in the range.
    records
        .open_receipt(&receipt("s-0", 1_796_167_800 - 9 * 3600))
        .unwrap();
    let out = f.dir.path().join("usb");
    std::fs::create_dir_all(&out).unwrap();
    f.enter(STAFF_PIN, 0);
    let export = f
        .console
        .export_receipts(&records, "2026-12-02", "2026-12-02", CHINA, &out, f.at(1))
        .unwrap();
    assert_eq!(export.count, 1);
    let csv = std::fs::read_to_string(&export.path).unwrap();
    assert!(csv.starts_with("session_id,consent_version,"), "{csv}");
    assert!(
        csv.contains("s-1,2026-12-02,zh-CN,") && !csv.contains("s-0"),
        "{csv}"
    );
    assert!(csv.contains(",agreed,verified"), "{csv}");
    // The same range again does not overwrite the first file.
    assert!(
        f.console
            .export_receipts(&records, "2026-12-02", "2026-12-02", CHINA, &out, f.at(2))
            .is_err()
    );
    let Err(ConsoleError::Invalid(problems)) =
        f.console
            .export_receipts(&records, "2026-02-30", "yesterday", CHINA, &out, f.at(3))
    else {
        panic!("impossible dates were taken")
    };
    let fields: Vec<_> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, ["from", "to"]);
    assert!(f.kinds(4).contains(&"receipts_exported".to_owned()));
}
