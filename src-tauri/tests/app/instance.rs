//! The instance lock: a second kiosk cannot take it while the first holds it, and says why.

use facekiosk_app::instance::{InstanceLock, LOCK_FILE, LockError};

#[test]
fn a_second_lock_on_the_same_file_is_refused_with_the_holder() {
    let dir = tempfile::tempdir().expect("temp dir");
    // The directory is made if missing, as the app's data directory is on a fresh machine.
    let path = dir.path().join("cn.facekiosk.kiosk").join(LOCK_FILE);
    let first = InstanceLock::acquire(&path).expect("the first lock");
    assert_eq!(first.path(), path);

    // flock-style locks belong to an open file, not a process: a second open here stands for
    // a second kiosk.
    let second = InstanceLock::acquire(&path).expect_err("a second lock");
    let LockError::Held { pid, .. } = &second else {
        panic!("not refused as held: {second:?}");
    };
    assert_eq!(*pid, Some(std::process::id()));
    let message = second.to_string();
    assert!(
        message.starts_with(&format!(
            "another facekiosk is already running (pid {})",
            std::process::id()
        )),
        "{message}"
    );
    assert!(message.contains(&path.display().to_string()), "{message}");

    // Held for the holder's life only: once it is gone, the next kiosk gets it.
    drop(first);
    let again = InstanceLock::acquire(&path).expect("the lock, once released");
    drop(again);
}

#[test]
fn a_lock_that_cannot_be_made_is_an_io_error_not_a_running_kiosk() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("a-file");
    std::fs::write(&file, "").expect("write");
    // Its "directory" is a file: nothing can be made under it.
    let error = InstanceLock::acquire(&file.join(LOCK_FILE)).expect_err("no lock");
    assert!(matches!(error, LockError::Io { .. }), "{error:?}");
}
