use super::*;

fn receipt(id: &str) -> ConsentReceipt {
    ConsentReceipt {
        session_id: id.into(),
        consent_version: "2026-11-24".into(),
        consent_language: "zh-CN".into(),
        consent_sha256: "ab".repeat(32),
        shown_at: 1_700_000_000,
        decided_at: None,
        decision: Decision::Pending,
        outcome: "pending".into(),
    }
}

#[test]
fn a_returning_patient_is_found_and_a_stranger_is_not() {
    let records = Records::in_memory().unwrap();
    let known = WechatId::new("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o");
    let patient = PatientRef::generate();
    records.link_patient(&known, &patient).unwrap();
    assert_eq!(records.find_patient(&known).unwrap(), Some(patient));
    let stranger = WechatId::new("oUpF8uMuAJO_M2pxb1Q9zNjWeS6p");
    assert_eq!(records.find_patient(&stranger).unwrap(), None);
    // Forgotten on request: a stranger again.
    assert!(records.forget_patient(&known).unwrap());
    assert_eq!(records.find_patient(&known).unwrap(), None);
    assert!(!records.forget_patient(&known).unwrap());
}

#[test]
fn the_openid_is_never_stored() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("records.sqlite");
    let openid = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o";
    {
        let records = Records::open(&path).unwrap();
        records
            .link_patient(&WechatId::new(openid), &PatientRef::generate())
            .unwrap();
    }
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        bytes.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    let needle = openid.as_bytes();
    assert!(!bytes.windows(needle.len()).any(|w| w == needle));
}

#[test]
fn the_link_survives_a_restart_and_needs_its_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("records.sqlite");
    let openid = WechatId::new("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o");
    let patient = PatientRef::generate();
    Records::open(&path)
        .unwrap()
        .link_patient(&openid, &patient)
        .unwrap();
    assert_eq!(
        Records::open(&path).unwrap().find_patient(&openid).unwrap(),
        Some(patient)
    );
    // With another key the table is useless to whoever copied it.
    let other = hex::encode([7u8; 32]);
    std::fs::write(key_of(&path), other).unwrap();
    assert_eq!(
        Records::open(&path).unwrap().find_patient(&openid).unwrap(),
        None
    );
}

#[cfg(unix)]
#[test]
fn the_key_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("records.sqlite");
    Records::open(&path).unwrap();
    let mode = std::fs::metadata(key_of(&path))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn a_broken_key_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("records.sqlite");
    std::fs::write(key_of(&path), "not hex").unwrap();
    let err = Records::open(&path).unwrap_err().to_string();
    assert!(
        err.contains("records.sqlite.key") && err.contains("64 hex digits"),
        "{err}"
    );
}

#[test]
fn a_receipt_records_the_decision_once_and_the_outcome() {
    let records = Records::in_memory().unwrap();
    records.open_receipt(&receipt("s1")).unwrap();
    let en = crate::ConsentLibrary::builtin(crate::Destination::KioskOnly)
        .document(crate::Language::En)
        .clone();
    records.decide("s1", Decision::Agreed, &en).unwrap();
    // A late timeout does not rewrite what the patient chose.
    records.decide("s1", Decision::TimedOut, &en).unwrap();
    records.finish("s1", "verified").unwrap();
    let all = records.receipts().unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].decision, Decision::Agreed);
    assert!(all[0].decided_at.is_some());
    assert_eq!(all[0].outcome, "verified");
    // The text agreed to (the patient switched to English) is the one recorded.
    assert_eq!(all[0].consent_sha256, en.sha256);
    assert_eq!(all[0].consent_language, "en");
}

#[test]
fn patient_refs_are_distinct_and_readable() {
    let a = PatientRef::generate();
    let b = PatientRef::generate();
    assert_ne!(a, b);
    assert_eq!(a.as_str().len(), 11);
    assert!(a.as_str().starts_with('P'));
    assert!(!a.as_str()[1..].contains(['I', 'L', 'O', 'U']));
}

fn key_of(records: &std::path::Path) -> std::path::PathBuf {
    records.with_file_name("records.sqlite.key")
}

#[cfg(unix)]
#[test]
fn a_key_file_others_can_read_is_refused_by_name() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("records.sqlite");
    Records::open(&path).unwrap();
    std::fs::set_permissions(key_of(&path), std::fs::Permissions::from_mode(0o644)).unwrap();
    let err = Records::open(&path).unwrap_err().to_string();
    assert!(
        err.contains("records.sqlite.key") && err.contains("chmod 600"),
        "{err}"
    );
}

#[test]
fn a_forgotten_patient_is_gone_from_the_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("records.sqlite");
    let records = Records::open(&path).unwrap();
    let openid = WechatId::new("o-forget-me");
    let patient = PatientRef::new("P-FORGET-ME-0001");
    records.link_patient(&openid, &patient).unwrap();
    assert!(records.forget_patient(&openid).unwrap());
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(
            !bytes
                .windows(patient.as_str().len())
                .any(|w| w == patient.as_str().as_bytes()),
            "the forgotten link is still on disk"
        );
    }
}

#[test]
fn link_times_are_days() {
    let records = Records::in_memory().unwrap();
    records
        .link_patient(&WechatId::new("o-day"), &PatientRef::generate())
        .unwrap();
    let (linked, seen): (i64, i64) = records
        .conn()
        .query_row(
            "SELECT linked_at, last_seen_at FROM patient_link",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((linked % 86_400, seen % 86_400), (0, 0));
}

#[test]
fn an_unknown_decision_in_the_file_is_an_error_not_pending() {
    let records = Records::in_memory().unwrap();
    records.open_receipt(&receipt("s1")).unwrap();
    records
        .conn()
        .execute("UPDATE consent_receipt SET decision = 'maybe'", [])
        .unwrap();
    let err = records.receipts().unwrap_err().to_string();
    assert!(err.contains("consent_receipt.decision"), "{err}");
}

#[test]
fn a_missing_key_with_links_stops_the_kiosk_by_name_and_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("records.sqlite");
    let patient = PatientRef::new("P-MISSING-KEY-01");
    Records::open(&path)
        .unwrap()
        .link_patient(&WechatId::new("o-missing-key"), &patient)
        .unwrap();
    std::fs::remove_file(key_of(&path)).unwrap();
    let err = Records::open(&path).unwrap_err().to_string();
    assert!(err.contains("records.sqlite.key"), "{err}");
    assert!(err.contains("cannot be read without it"), "{err}");
    assert!(
        err.contains("from a backup") && err.contains("aside to start over"),
        "{err}"
    );
    assert!(!err.contains("o-missing-key") && !err.contains(patient.as_str()));
    // No new key was made in its place: restoring the old one still works.
    assert!(!key_of(&path).exists());
}

#[test]
fn a_first_start_makes_a_key_even_with_receipts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("records.sqlite");
    Records::open(&path)
        .unwrap()
        .open_receipt(&receipt("s1"))
        .unwrap();
    std::fs::remove_file(key_of(&path)).unwrap();
    Records::open(&path).unwrap();
    assert_eq!(
        std::fs::read_to_string(key_of(&path)).unwrap().trim().len(),
        64
    );
}

fn temp_key_of(records: &std::path::Path) -> std::path::PathBuf {
    records.with_file_name("records.sqlite.key.tmp")
}

#[cfg(unix)]
fn mode_of(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn a_key_half_written_by_a_crashed_first_start_is_not_taken_for_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("records.sqlite");
    // What a first start that died mid-write leaves.
    std::fs::write(temp_key_of(&path), "0123456789abcdef").unwrap();
    let records = Records::open(&path).unwrap();
    assert!(!temp_key_of(&path).exists());
    let key = std::fs::read_to_string(key_of(&path)).unwrap();
    assert!(!key.starts_with("0123456789abcdef"));
    assert_eq!(key.trim().len(), 64);
    #[cfg(unix)]
    assert_eq!(mode_of(&key_of(&path)), 0o600);
    drop(records);
}

#[test]
fn a_leftover_temporary_key_leaves_the_real_key_and_its_links_intact() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("records.sqlite");
    let openid = WechatId::new("o-leftover");
    let patient = Records::open(&path)
        .unwrap()
        .register_patient(&openid)
        .unwrap();
    let key = std::fs::read(key_of(&path)).unwrap();
    std::fs::write(temp_key_of(&path), "ab").unwrap();
    let records = Records::open(&path).unwrap();
    assert_eq!(records.find_patient(&openid).unwrap(), Some(patient));
    assert_eq!(std::fs::read(key_of(&path)).unwrap(), key);
    assert!(!temp_key_of(&path).exists());
}

#[test]
fn a_key_write_that_fails_halfway_leaves_no_key_file() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("records.sqlite.key");
    let err = files::write_atomically(&key, b"0123456789abcdef", |f, bytes| {
        use std::io::Write;
        f.write_all(&bytes[..4])?;
        Err(std::io::Error::other("disk pulled"))
    })
    .unwrap_err();
    assert!(err.contains("records.sqlite.key.tmp"), "{err}");
    assert!(!key.exists(), "a truncated key is in place");
    // The next start makes a whole key.
    Records::open(&dir.path().join("records.sqlite")).unwrap();
    assert_eq!(std::fs::read_to_string(&key).unwrap().trim().len(), 64);
}

#[cfg(unix)]
#[test]
fn the_database_and_its_side_files_are_private() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("records.sqlite");
    let records = Records::open(&path).unwrap();
    records
        .register_patient(&WechatId::new("o-private"))
        .unwrap();
    // While the records are open, WAL mode keeps both side files.
    let side = |suffix: &str| dir.path().join(format!("records.sqlite{suffix}"));
    for file in [path.clone(), side("-wal"), side("-shm")] {
        assert!(file.exists(), "{}", file.display());
        assert_eq!(mode_of(&file), 0o600, "{}", file.display());
    }
}

#[test]
fn a_link_is_never_moved_to_another_reference() {
    let records = Records::in_memory().unwrap();
    let openid = WechatId::new("o-shown-once");
    let shown = PatientRef::new("P-SHOWN-0001");
    records.link_patient(&openid, &shown).unwrap();
    // The same link again (the session links after the local registry did) is fine.
    records.link_patient(&openid, &shown).unwrap();
    let err = records
        .link_patient(&openid, &PatientRef::new("P-OTHER-0002"))
        .unwrap_err();
    assert!(matches!(err, RecordsError::AlreadyLinked { .. }), "{err}");
    let text = err.to_string();
    assert!(text.contains(":memory:") && text.contains("first one is kept"));
    assert!(
        !text.contains("o-shown-once") && !text.contains("P-"),
        "{text}"
    );
    assert_eq!(records.find_patient(&openid).unwrap(), Some(shown.clone()));
    // A registration of a linked patient answers their reference, minting none.
    assert_eq!(records.register_patient(&openid).unwrap(), shown);
}

#[test]
fn a_minted_reference_is_never_handed_to_a_second_patient() {
    let records = Records::in_memory().unwrap();
    let first = WechatId::new("o-first");
    let taken = PatientRef::new("PAAAAAAAAAA");
    let forgotten = PatientRef::new("PBBBBBBBBBB");
    let fresh = PatientRef::new("PCCCCCCCCCC");
    let mut mints = vec![taken.clone()].into_iter();
    assert_eq!(
        records
            .register_with(&first, || mints.next().unwrap())
            .unwrap(),
        taken
    );
    let gone = WechatId::new("o-gone");
    let mut mints = vec![forgotten.clone()].into_iter();
    records
        .register_with(&gone, || mints.next().unwrap())
        .unwrap();
    assert!(records.forget_patient(&gone).unwrap());
    // The generator hands out a reference in use, then a forgotten one's: both passed over.
    let second = WechatId::new("o-second");
    let mut mints = vec![taken.clone(), forgotten, fresh.clone()].into_iter();
    assert_eq!(
        records
            .register_with(&second, || mints.next().unwrap())
            .unwrap(),
        fresh
    );
    assert_eq!(records.find_patient(&first).unwrap(), Some(taken));
}

#[test]
fn looking_a_patient_up_writes_nothing() {
    let records = Records::in_memory().unwrap();
    let openid = WechatId::new("o-read-only");
    let patient = records.register_patient(&openid).unwrap();
    records
        .conn()
        .pragma_update(None, "query_only", "ON")
        .unwrap();
    assert_eq!(records.find_patient(&openid).unwrap(), Some(patient));
}

#[test]
fn staff_forget_a_patient_by_the_number_on_their_screen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("records.sqlite");
    let records = Records::open(&path).unwrap();
    let openid = WechatId::new("o-window-erasure");
    let number = PatientRef::new("2026000042");
    records.link_patient(&openid, &number).unwrap();
    records
        .link_patient(
            &WechatId::new("o-someone-else"),
            &PatientRef::new("2026000043"),
        )
        .unwrap();
    assert_eq!(records.forget_reference(&number).unwrap(), 1);
    // Not welcomed back any more; the other patient is.
    assert_eq!(records.find_patient(&openid).unwrap(), None);
    assert_eq!(records.patient_count().unwrap(), 1);
    assert_eq!(records.forget_reference(&number).unwrap(), 0);
    // Gone from the files too.
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(
            !bytes.windows(10).any(|w| w == b"2026000042"),
            "the forgotten number is still on disk"
        );
    }
}

#[test]
fn receipts_are_exported_by_date_range_and_purged_after_retention() {
    let records = Records::in_memory().unwrap();
    for (id, shown_at, outcome) in [
        ("old", 1_000, "verified"),
        ("old-running", 1_500, "pending"),
        ("mid", 2_000, "refused"),
        ("new", 3_000, "verified"),
    ] {
        let mut r = receipt(id);
        r.shown_at = shown_at;
        records.open_receipt(&r).unwrap();
        if outcome != "pending" {
            records.finish(id, outcome).unwrap();
        }
    }
    let ids = |rs: Vec<ConsentReceipt>| rs.into_iter().map(|r| r.session_id).collect::<Vec<_>>();
    assert_eq!(
        ids(records.receipts_between(1_500, 3_000).unwrap()),
        ["old-running", "mid"]
    );
    assert_eq!(records.purge_receipts_before(2_500).unwrap(), 2);
    // A receipt whose session still runs is kept whatever its age.
    assert_eq!(ids(records.receipts().unwrap()), ["old-running", "new"]);
}
