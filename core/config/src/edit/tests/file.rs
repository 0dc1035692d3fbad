//! Reading and writing the file: what is on disk, what a syntax error says, what Debug shows.

use super::*;

#[test]
fn an_untouched_file_reads_back_byte_for_byte_and_validates() {
    let (_dir, file) = kiosk_dir();
    let draft = Draft::open(&file).unwrap();
    assert_eq!(draft.text(), KIOSK);
    crate::load(&file).unwrap();
    assert_eq!(
        draft.value("kiosk.idle_timeout_secs").as_deref(),
        Some("60")
    );
    assert_eq!(
        draft.value("kiosk.elder_time_factor").as_deref(),
        Some("1.5")
    );
    assert_eq!(draft.value("kiosk.warning_secs"), None);
}

#[test]
fn values_never_show_in_debug_output() {
    let (_dir, file) = kiosk_dir();
    let mut draft = Draft::open(&file).unwrap();
    let changes = draft
        .apply(&edits(&[("store.store_name", "门诊二楼")]))
        .unwrap();
    let shown = format!("{draft:?} {changes:?}");
    assert!(
        !shown.contains("门诊") && !shown.contains("hunter2"),
        "{shown}"
    );
}

#[cfg(unix)]
#[test]
fn save_replaces_the_file_whole_and_keeps_its_mode() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let (dir, file) = kiosk_dir();
    let before = std::fs::metadata(&file).unwrap();
    let mut draft = Draft::open(&file).unwrap();
    draft.apply(&edits(&[("kiosk.language", "en")])).unwrap();
    draft.save().unwrap();
    let after = std::fs::metadata(&file).unwrap();
    // A new file renamed over the old one, never the old one rewritten where a power cut
    // could leave it half written.
    assert_ne!(before.ino(), after.ino());
    assert_eq!(after.permissions().mode() & 0o7777, 0o600);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), draft.text());
    let mut names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert_eq!(names, ["kiosk.toml", "pairing.key"]);
    // Saving again (nothing changed on disk since but our own save) is fine.
    draft.save().unwrap();
}

#[test]
fn save_refuses_to_overwrite_a_file_changed_since_it_was_opened() {
    let (_dir, file) = kiosk_dir();
    let mut draft = Draft::open(&file).unwrap();
    draft.apply(&edits(&[("kiosk.language", "en")])).unwrap();
    let theirs = KIOSK.replace("\"T1\"", "\"T2\"");
    std::fs::write(&file, &theirs).unwrap();
    draft.save().unwrap_err();
    assert_eq!(std::fs::read_to_string(&file).unwrap(), theirs);
}

#[test]
fn a_syntax_error_names_the_line_not_its_text() {
    let (_dir, file) = kiosk_dir();
    std::fs::write(&file, KIOSK.replace("\"hunter2-secret\"", "hunter2-secret")).unwrap();
    let e = Draft::open(&file).unwrap_err();
    assert!(matches!(e, ConfigError::Syntax(_)));
    let message = e.to_string();
    let line = KIOSK.lines().position(|l| l.contains("hunter2")).unwrap() + 1;
    assert!(
        !message.contains("hunter2") && message.contains(&format!("(line {line})")),
        "{message}"
    );
}
