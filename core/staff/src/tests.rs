//! The accounts file and the staff entry, end to end over real files.

use std::time::{Duration, Instant, UNIX_EPOCH};

use super::*;

fn files(dir: &tempfile::TempDir) -> StaffFiles {
    StaffFiles::beside(&dir.path().join("kiosk.toml"))
}

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_800_000_000 + secs)
}

fn pin(s: &str) -> Secret {
    Secret::new(s)
}

#[test]
fn a_pin_round_trips_through_the_file_which_holds_no_pin() {
    let dir = tempfile::tempdir().unwrap();
    let files = files(&dir);
    let mut accounts = Accounts::load(&files.accounts()).unwrap();
    accounts
        .add("ana", Role::Staff, &pin("480193"), at(0))
        .unwrap();
    accounts
        .add("bo", Role::Technician, &pin("902741"), at(1))
        .unwrap();

    let reloaded = Accounts::load(&files.accounts()).unwrap();
    assert_eq!(
        reloaded.verify(Some("ana"), &pin("480193")).unwrap().name,
        "ana"
    );
    assert!(reloaded.verify(Some("ana"), &pin("902741")).is_none());
    assert!(reloaded.verify(Some("nobody"), &pin("480193")).is_none());
    assert_eq!(reloaded.verify(None, &pin("902741")).unwrap().name, "bo");
    assert_eq!(
        reloaded.get("bo").unwrap().created_at,
        "2027-01-15T08:00:01Z"
    );

    let text = std::fs::read_to_string(files.accounts()).unwrap();
    assert!(text.contains("$argon2id$v=19$m=19456,t=2,p=1$"), "{text}");
    assert!(
        !text.contains("480193") && !text.contains("902741"),
        "{text}"
    );
}

#[test]
fn reset_remove_and_their_refusals() {
    let dir = tempfile::tempdir().unwrap();
    let mut accounts = Accounts::load(&files(&dir).accounts()).unwrap();
    accounts
        .add("bo", Role::Technician, &pin("902741"), at(0))
        .unwrap();
    accounts
        .add("ana", Role::Staff, &pin("480193"), at(0))
        .unwrap();

    let dup = accounts.add("ana", Role::Staff, &pin("551203"), at(0));
    assert!(
        matches!(dup, Err(StaffError::DuplicateAccount(_))),
        "{dup:?}"
    );
    // A PIN typed without a name must identify one account.
    let taken = accounts.add("cy", Role::Staff, &pin("480193"), at(0));
    assert!(matches!(taken, Err(StaffError::PinInUse)), "{taken:?}");
    let weak = accounts.reset_pin("ana", &pin("123456"));
    assert!(matches!(weak, Err(StaffError::InvalidPin(_))), "{weak:?}");

    accounts.reset_pin("ana", &pin("551203")).unwrap();
    let reloaded = Accounts::load(&files(&dir).accounts()).unwrap();
    assert!(reloaded.verify(Some("ana"), &pin("480193")).is_none());
    assert!(reloaded.verify(Some("ana"), &pin("551203")).is_some());

    let last = accounts.remove("bo");
    assert!(
        matches!(last, Err(StaffError::LastTechnician(_))),
        "{last:?}"
    );
    accounts.remove("ana").unwrap();
    let unknown = accounts.remove("ana");
    assert!(
        matches!(unknown, Err(StaffError::UnknownAccount(_))),
        "{unknown:?}"
    );
    let names: Vec<_> = Accounts::load(&files(&dir).accounts())
        .unwrap()
        .list()
        .iter()
        .map(|a| a.name.clone())
        .collect();
    assert_eq!(names, ["bo"]);
}

#[cfg(unix)]
#[test]
fn every_file_is_owner_only_and_a_loose_accounts_file_is_refused_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let files = files(&dir);
    let mut accounts = Accounts::load(&files.accounts()).unwrap();
    accounts
        .add("ana", Role::Staff, &pin("480193"), at(0))
        .unwrap();
    let _ = files.enter(Some("ana"), &pin("000001"), at(0), Instant::now());
    files
        .enter(Some("ana"), &pin("480193"), at(1), Instant::now())
        .unwrap();
    OutOfService::new(&files.suspension())
        .suspend(
            Message::new("暂停", "Closed").unwrap(),
            "ana",
            &AuditTrail::new(&files.audit()),
            at(2),
        )
        .unwrap();
    for path in [
        files.accounts(),
        files.lockout(),
        files.audit(),
        files.suspension(),
    ] {
        assert_eq!(
            crate::files::tests::mode(&path),
            0o600,
            "{}",
            path.display()
        );
    }

    crate::files::tests::loosen(&files.accounts());
    let err = Accounts::load(&files.accounts()).unwrap_err().to_string();
    assert!(
        err.contains("staff.json") && err.contains("chmod 600"),
        "{err}"
    );
}

#[test]
fn the_entry_locks_after_wrong_pins_audits_each_try_and_reopens_with_the_right_pin() {
    let dir = tempfile::tempdir().unwrap();
    let files = files(&dir);
    Accounts::load(&files.accounts())
        .unwrap()
        .add("ana", Role::Staff, &pin("480193"), at(0))
        .unwrap();
    let now = Instant::now();
    for _ in 0..2 {
        let wrong = files.enter(Some("ana"), &pin("000001"), at(0), now);
        assert!(matches!(wrong, Err(StaffError::WrongPin)), "{wrong:?}");
    }
    // The third starts the lock, and says so.
    let third = files.enter(Some("ana"), &pin("000001"), at(0), now);
    assert!(
        matches!(third, Err(StaffError::Locked { remaining_secs: 30 })),
        "{third:?}"
    );
    // Locked: even the right PIN is not checked.
    let locked = files.enter(Some("ana"), &pin("480193"), at(10), now);
    assert!(
        matches!(locked, Err(StaffError::Locked { remaining_secs: 20 })),
        "{locked:?}"
    );
    let session = files.enter(None, &pin("480193"), at(30), now).unwrap();
    assert_eq!((session.account(), session.role()), ("ana", Role::Staff));
    assert_eq!(Lockout::load(&files.lockout()).unwrap().failures(), 0);

    let trail = AuditTrail::new(&files.audit());
    let actions: Vec<Action> = trail
        .read()
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    let refused = |locked| Action::EntryRefused { locked };
    assert_eq!(
        actions,
        [
            refused(false),
            refused(false),
            refused(false),
            refused(true),
            Action::EntryGranted
        ]
    );
    assert_eq!(trail.verify().unwrap(), Ok(5));
    let text = std::fs::read_to_string(files.audit()).unwrap();
    assert!(
        !text.contains("480193") && !text.contains("000001"),
        "{text}"
    );
}

#[test]
fn errors_and_debug_never_show_a_pin() {
    let dir = tempfile::tempdir().unwrap();
    let files = files(&dir);
    let mut accounts = Accounts::load(&files.accounts()).unwrap();
    accounts
        .add("ana", Role::Staff, &pin("480193"), at(0))
        .unwrap();
    let err = accounts
        .add("bo", Role::Staff, &pin("480193"), at(0))
        .unwrap_err();
    let wrong = files
        .enter(Some("ana"), &pin("739182"), at(0), Instant::now())
        .unwrap_err();
    for shown in [
        err.to_string(),
        format!("{err:?}"),
        wrong.to_string(),
        format!("{wrong:?}"),
        format!("{accounts:?}"),
    ] {
        assert!(
            !shown.contains("480193") && !shown.contains("739182"),
            "{shown}"
        );
    }
}

#[test]
fn the_files_sit_beside_the_configuration() {
    let files = StaffFiles::beside(Path::new("/etc/facekiosk/kiosk.toml"));
    assert_eq!(files.accounts(), Path::new("/etc/facekiosk/staff.json"));
    assert_eq!(
        StaffFiles::beside(Path::new("kiosk.toml")).audit(),
        Path::new("./staff-audit.jsonl")
    );
}
