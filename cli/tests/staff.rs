//! `facekiosk-cli staff`, run as the real binary: accounts made, listed, reset and removed in
//! the configuration's folder, each change in the audit trail, no PIN anywhere in clear.

mod common;

use std::path::{Path, PathBuf};

use facekiosk_pii::Secret;
use facekiosk_staff::{Accounts, Action, AuditTrail, Role, StaffFiles};

use common::{Run, cli_with_stdin};

fn config(dir: &tempfile::TempDir) -> PathBuf {
    let path = dir.path().join("kiosk.toml");
    std::fs::write(&path, "# the kiosk's configuration\n").unwrap();
    path
}

fn staff(verb: &str, config: &Path, rest: &[&str], stdin: &str) -> Run {
    let config = config.display().to_string();
    let mut args = vec!["staff", verb, "--config", config.as_str()];
    args.extend_from_slice(rest);
    cli_with_stdin(&args, stdin)
}

#[test]
fn add_list_reset_remove_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(&dir);
    let files = StaffFiles::beside(&config);

    let tech = staff(
        "add",
        &config,
        &["--name", "bo", "--role", "technician", "--pin-stdin"],
        "902741\n",
    );
    assert_eq!(tech.code, 0, "{}", tech.stderr);
    assert_eq!(tech.last_line(), "added bo (technician)");
    let ana = staff(
        "add",
        &config,
        &["--name", "ana", "--pin-stdin"],
        "480193\n",
    );
    assert_eq!(ana.code, 0, "{}", ana.stderr);
    assert_eq!(ana.last_line(), "added ana (staff)");

    let list = staff("list", &config, &[], "");
    assert_eq!(list.code, 0, "{}", list.stderr);
    let rows: Vec<Vec<&str>> = list
        .stdout
        .lines()
        .filter(|l| l.contains('\t'))
        .map(|l| l.split('\t').collect())
        .collect();
    assert_eq!(rows.len(), 2, "{}", list.stdout);
    assert_eq!(rows[0][..2], ["bo", "technician"]);
    assert_eq!(rows[1][..2], ["ana", "staff"]);
    assert!(!list.stdout.contains("argon2"), "{}", list.stdout);
    assert_eq!(list.last_line(), "2 account(s)");

    let reset = staff(
        "reset",
        &config,
        &["--name", "ana", "--pin-stdin"],
        "551203\n",
    );
    assert_eq!(reset.code, 0, "{}", reset.stderr);
    let accounts = Accounts::load(&files.accounts()).unwrap();
    assert!(
        accounts
            .verify(Some("ana"), &Secret::new("551203"))
            .is_some()
    );
    assert!(
        accounts
            .verify(Some("ana"), &Secret::new("480193"))
            .is_none()
    );

    let last = staff("remove", &config, &["--name", "bo"], "");
    assert_eq!(last.code, 2);
    assert!(last.stderr.contains("last technician"), "{}", last.stderr);
    let removed = staff("remove", &config, &["--name", "ana"], "");
    assert_eq!(removed.code, 0, "{}", removed.stderr);
    assert_eq!(removed.last_line(), "removed ana");

    let trail = AuditTrail::new(&files.audit());
    assert_eq!(trail.verify().unwrap(), Ok(4));
    let entries = trail.read().unwrap();
    assert!(entries.iter().all(|e| e.account == "cli"), "{entries:?}");
    let actions: Vec<Action> = entries.into_iter().map(|e| e.action).collect();
    assert_eq!(
        actions,
        [
            Action::AccountAdded {
                name: "bo".into(),
                role: Role::Technician
            },
            Action::AccountAdded {
                name: "ana".into(),
                role: Role::Staff
            },
            Action::PinReset { name: "ana".into() },
            Action::AccountRemoved { name: "ana".into() },
        ]
    );

    for path in [files.accounts(), files.audit()] {
        let text = std::fs::read_to_string(&path).unwrap();
        for pin in ["902741", "480193", "551203"] {
            assert!(!text.contains(pin), "{} holds a PIN", path.display());
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{}", path.display());
        }
    }
}

#[test]
fn bad_input_is_refused_naming_what_was_wrong_and_never_echoing_the_pin() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(&dir);

    let weak = staff(
        "add",
        &config,
        &["--name", "ana", "--pin-stdin"],
        "123456\n",
    );
    assert_eq!(weak.code, 2);
    assert!(weak.stderr.contains("straight run"), "{}", weak.stderr);
    assert!(!weak.stderr.contains("123456"), "{}", weak.stderr);

    let name = staff(
        "add",
        &config,
        &["--name", "a b", "--pin-stdin"],
        "480193\n",
    );
    assert_eq!(name.code, 2);
    assert!(name.stderr.contains("account name"), "{}", name.stderr);

    let unknown = staff(
        "reset",
        &config,
        &["--name", "zed", "--pin-stdin"],
        "480193\n",
    );
    assert_eq!(unknown.code, 2);
    assert!(unknown.stderr.contains("zed"), "{}", unknown.stderr);

    let missing = dir.path().join("nowhere.toml");
    let no_config = staff("list", &missing, &[], "");
    assert_eq!(no_config.code, 2);
    assert!(
        no_config.stderr.contains("nowhere.toml"),
        "{}",
        no_config.stderr
    );

    // Asked twice (standard input is no terminal here): two different PINs change nothing.
    let differ = staff("add", &config, &["--name", "ana"], "480193\n551203\n");
    assert_eq!(differ.code, 2);
    assert!(differ.stderr.contains("differ"), "{}", differ.stderr);
    assert!(!StaffFiles::beside(&config).accounts().exists());
    let same = staff("add", &config, &["--name", "ana"], "480193\n480193\n");
    assert_eq!(same.code, 0, "{}", same.stderr);
}

#[cfg(unix)]
#[test]
fn an_accounts_file_others_can_read_is_refused_naming_it() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let config = config(&dir);
    let added = staff(
        "add",
        &config,
        &["--name", "ana", "--pin-stdin"],
        "480193\n",
    );
    assert_eq!(added.code, 0, "{}", added.stderr);
    let accounts = StaffFiles::beside(&config).accounts();
    std::fs::set_permissions(&accounts, std::fs::Permissions::from_mode(0o644)).unwrap();
    let list = staff("list", &config, &[], "");
    assert_eq!(list.code, 2);
    assert!(list.stderr.contains("staff.json"), "{}", list.stderr);
}
