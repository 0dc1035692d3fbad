//! The `.deb` as a technician meets it: `dpkg -i` (its dependencies must already be here: no
//! apt), the folders and user its scripts make, `systemd-analyze verify` on the kiosk
//! session's unit, `facekiosk-cli` from the package, the example configuration, the app on its
//! "not set up" screen ([`super::smoke`]), then `dpkg --purge` and nothing of ours left. The
//! purge runs whatever failed before it; a package an interrupted run left installed is purged
//! first.

use super::smoke;
use super::system::{self, PACKAGE, USER, User};
use crate::runner::Ctx;
use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The kiosk session's unit, as installed.
pub const UNIT: &str = "/usr/lib/systemd/system/facekiosk-kiosk.service";
/// The folders the postinst makes, owned by the kiosk's user, mode 0700 (staff mode writes the
/// configuration and the staff files beside it; the data dir holds the instance lock).
pub const FOLDERS: [&str; 3] = ["/etc/facekiosk", "/var/lib/facekiosk", "/var/log/facekiosk"];
const EXAMPLE: &str = "/etc/facekiosk/kiosk.toml.example";

pub fn check(ctx: &Ctx, deb: &Path) -> Result<String, String> {
    if !system::is_root() {
        return Err("the check installs the .deb with dpkg: run it as root".into());
    }
    let started = Instant::now();
    let version = system::output(
        ctx.cmd("dpkg-deb", &["-f", &deb.to_string_lossy(), "Version"]),
        "dpkg-deb -f",
    )?
    .trim()
    .to_string();
    if system::known_to_dpkg(ctx) {
        println!("    {PACKAGE} is installed (an earlier run that stopped?): purging it first");
        system::dpkg(ctx, &["--purge", PACKAGE])?;
    }
    // A failed install (a dependency missing: the check fetches none) is purged as well.
    let installed =
        system::dpkg(ctx, &["-i", &deb.to_string_lossy()]).and_then(|_| installed_paths(ctx));
    let verified = installed.clone().and_then(|_| verify(ctx, &version));
    let purged = system::dpkg(ctx, &["--purge", PACKAGE])
        .and_then(|_| verify_purged(ctx, installed.as_deref().unwrap_or_default()));
    let size = deb.metadata().map(|m| m.len() >> 20).unwrap_or(0);
    match (verified, purged) {
        (Ok(notes), Ok(())) => Ok(format!(
            "{} ({size} MiB): installed, {}, purged clean in {:.0} s",
            deb.file_name().unwrap_or_default().to_string_lossy(),
            notes.join(", "),
            started.elapsed().as_secs_f64()
        )),
        (Err(why), Ok(())) => Err(why),
        (Ok(_), Err(why)) => Err(why),
        (Err(first), Err(then)) => Err(format!("{first}; then {then}")),
    }
}

/// What was checked, a few words each.
fn verify(ctx: &Ctx, version: &str) -> Result<Vec<String>, String> {
    let user = system::user(ctx, USER).ok_or(format!("the postinst made no user {USER}"))?;
    folders(&user)?;
    let unit = system::output(
        ctx.cmd("systemd-analyze", &["verify", UNIT]),
        "systemd-analyze verify",
    )?;
    if unit.contains("facekiosk") {
        return Err(format!(
            "systemd-analyze verify {UNIT}: {}",
            system::tail(&unit)
        ));
    }
    let cli = system::output(
        ctx.cmd("/usr/bin/facekiosk-cli", &["--version"]),
        "facekiosk-cli --version",
    )?;
    if cli.trim() != format!("facekiosk-cli {version}") {
        return Err(format!(
            "facekiosk-cli --version says {:?}, the package is {version}",
            cli.trim()
        ));
    }
    no_demo(ctx, &user)?;
    example_loads(ctx, &user)?;
    let app = smoke::not_set_up(ctx, &user)?;
    Ok(vec![
        format!("{USER} user and its 0700 folders"),
        "unit verified".into(),
        format!("facekiosk-cli {version}"),
        "no demo in either binary".into(),
        "the example configuration loads".into(),
        app,
    ])
}

/// The package holds the production build: both binaries refuse the demo (exit status 2). As
/// the kiosk's user: the app run as root would make its log file root's.
fn no_demo(ctx: &Ctx, user: &User) -> Result<(), String> {
    for (program, args) in [
        ("/usr/bin/facekiosk", ["--demo"]),
        ("/usr/bin/facekiosk-cli", ["demo"]),
    ] {
        let out = smoke::as_user(ctx, user, program, &args)
            .output()
            .map_err(|e| format!("{program}: {e}"))?;
        let said = String::from_utf8_lossy(&out.stderr).into_owned();
        if out.status.code() != Some(2) || !said.contains("built without the") {
            return Err(format!(
                "{program} {}: {}, not refused as a build without the demo: {}",
                args[0],
                out.status,
                system::tail(&said)
            ));
        }
    }
    Ok(())
}

/// The postinst's folders: the kiosk's user owns them, nobody else may enter.
fn folders(user: &User) -> Result<(), String> {
    for folder in FOLDERS {
        let meta = fs::metadata(folder).map_err(|e| format!("{folder}: {e}"))?;
        let mode = meta.permissions().mode() & 0o7777;
        if !meta.is_dir() || meta.uid() != user.uid || mode != 0o700 {
            return Err(format!(
                "{folder}: expected a folder of {USER} with mode 0700, found uid {} mode {mode:o}",
                meta.uid()
            ));
        }
    }
    Ok(())
}

/// The installed example, copied beside a pairing key (the one file the configuration itself
/// must find), passes `facekiosk-cli doctor`'s `config` check as the kiosk's user.
fn example_loads(ctx: &Ctx, user: &User) -> Result<(), String> {
    let dir = smoke::scratch_dir(user)?;
    let config = dir.join("kiosk.toml");
    let key = dir.join("pairing.key");
    let written = fs::copy(EXAMPLE, &config)
        .and_then(|_| fs::write(&key, format!("{}\n", "5a".repeat(32))))
        .and_then(|()| fs::set_permissions(&key, fs::Permissions::from_mode(0o600)))
        .and_then(|()| std::os::unix::fs::chown(&config, Some(user.uid), Some(user.gid)))
        .and_then(|()| std::os::unix::fs::chown(&key, Some(user.uid), Some(user.gid)));
    let result = written
        .map_err(|e| format!("copying {EXAMPLE}: {e}"))
        .and_then(|()| {
            let config = config.to_string_lossy();
            let mut cmd = smoke::as_user(
                ctx,
                user,
                "/usr/bin/facekiosk-cli",
                &["doctor", "--config", &config],
            );
            // Doctor fails (exit 1) on the keys and the network it cannot have here.
            let out = cmd
                .output()
                .map_err(|e| format!("facekiosk-cli doctor: {e}"))?;
            let text = String::from_utf8_lossy(&out.stdout).into_owned();
            let line = text
                .lines()
                .find(|l| l.starts_with("config "))
                .unwrap_or("");
            if line.split_whitespace().nth(1) == Some("ok") {
                Ok(())
            } else {
                Err(format!("{EXAMPLE} does not load: {line:?}"))
            }
        });
    let _ = fs::remove_dir_all(&dir);
    result
}

/// The package's own paths (dpkg -L), each with whether it was a folder.
fn installed_paths(ctx: &Ctx) -> Result<Vec<(PathBuf, bool)>, String> {
    let listing = system::output(ctx.cmd("dpkg-query", &["-L", PACKAGE]), "dpkg-query -L")?;
    Ok(listing
        .lines()
        .filter(|l| l.starts_with('/'))
        .map(|l| (PathBuf::from(l), Path::new(l).is_dir()))
        .collect())
}

/// After the purge: none of the package's files, none of its folders (those named for it; the
/// others, /usr/bin and the like, are the system's), none of what its scripts made, no user.
fn verify_purged(ctx: &Ctx, installed: &[(PathBuf, bool)]) -> Result<(), String> {
    let ours = |path: &Path, is_dir: bool| !is_dir || path.to_string_lossy().contains("facekiosk");
    let mut left: Vec<String> = installed
        .iter()
        .filter(|(path, is_dir)| ours(path, *is_dir))
        .map(|(path, _)| path.as_path())
        .chain(FOLDERS.iter().map(Path::new))
        .filter(|path| path.symlink_metadata().is_ok())
        .map(|path| path.display().to_string())
        .collect();
    if system::user(ctx, USER).is_some() {
        left.push(format!("user {USER}"));
    }
    if system::group_exists(ctx, USER) {
        left.push(format!("group {USER}"));
    }
    if left.is_empty() {
        Ok(())
    } else {
        Err(format!("dpkg --purge left {}", left.join(", ")))
    }
}
