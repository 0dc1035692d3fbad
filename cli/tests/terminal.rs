//! `facekiosk-cli terminal install | status | uninstall` as the real binary, against the fake adb
//! server behaving like a factory-fresh terminal (core/terminal/tests/terminal_support/fake_adb)
//! whose bridge socket leads to the sandbox's simulated terminal (the real bridge server): it
//! answers only once the app is installed and its Service started. The forward is made by the
//! real `adb` program pointed at the fake. Failures name what failed; the pairing key is in no
//! output and no request to adb.

mod common;
#[allow(dead_code)] // the cli tests use a part of the terminal crate's fake
#[path = "../../core/terminal/tests/terminal_support/fake_adb/mod.rs"]
mod fake_adb;

use std::path::{Path, PathBuf};

#[cfg(unix)]
use std::os::unix::fs::PermissionsExt;

use common::{Run, cli};
use facekiosk_sandbox::{FaceAppOptions, Sandbox, SandboxHandle, SimTerminal, StartOptions};
use fake_adb::FakeAdb;

const SERIAL: &str = "FAKE123";
const APK: &[u8] = b"PK\x03\x04;package=com.facekiosk.bridge;version=0.1.0;";

fn adb_program() -> String {
    let path = std::env::var_os("PATH").unwrap();
    std::env::split_paths(&path)
        .map(|d| d.join("adb"))
        .find(|p| p.is_file())
        .expect("the adb program is needed: apt-get install -y adb")
        .display()
        .to_string()
}

fn write_apk(dir: &Path) -> String {
    let apk = dir.join("facekiosk-bridge.apk");
    std::fs::write(&apk, APK).unwrap();
    apk.display().to_string()
}

/// `terminal ARGS --adb-server FAKE --adb ADB`, off the test's runtime.
async fn terminal(fake: &FakeAdb, args: &[&str]) -> Run {
    let mut all = vec!["terminal"];
    all.extend(args);
    against(fake, &all).await
}

/// `ARGS --adb-server FAKE --adb ADB`, off the test's runtime.
async fn against(fake: &FakeAdb, args: &[&str]) -> Run {
    let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    all.extend([
        "--adb-server".into(),
        fake.addr.to_string(),
        "--adb".into(),
        adb_program(),
    ]);
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = all.iter().map(String::as_str).collect();
        cli(&args)
    })
    .await
    .unwrap()
}

/// A kiosk.toml in `dir` whose `[terminal]` section is `terminal`, the rest unfinished (no
/// merchant, no keys): what a technician finds on a kiosk being installed.
fn write_config(dir: &Path, terminal: &str) -> String {
    let config = dir.join("kiosk.toml");
    std::fs::write(&config, format!("[merchant]\n[terminal]\n{terminal}")).unwrap();
    config.display().to_string()
}

/// The sandbox's simulated terminal (the real bridge server), paired with the sandbox's key.
async fn simulated_terminal(dir: &Path) -> (SandboxHandle, SimTerminal) {
    let keys = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("terminal-keys");
    let sandbox = Sandbox::start(StartOptions::new(dir.join("world")).keys_dir(&keys))
        .await
        .unwrap();
    let sim = sandbox
        .start_terminal(FaceAppOptions::default())
        .await
        .unwrap();
    (sandbox, sim)
}

/// A well-formed key file that is not the simulated terminal's.
fn other_key(dir: &Path) -> String {
    let other = dir.join("other.key");
    std::fs::write(&other, format!("{}\n", "ab".repeat(32))).unwrap();
    set_owner_only(&other);
    other.display().to_string()
}

/// `status` said the bridge is not paired with this kiosk, by name.
fn says_unpaired(run: &Run) {
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.last_line().contains("BRIDGE_UNPAIRED"),
        "{}",
        run.stdout
    );
}

/// Exit status 2 and `what` in the error.
fn fails_with(run: &Run, what: &str) {
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains(what),
        "{what:?} missing: {}",
        run.stderr
    );
}

fn set_owner_only(path: &Path) {
    #[cfg(unix)]
    {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
}

fn key_hex(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap().trim().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn install_prints_the_versions_then_status_then_uninstall() {
    let dir = tempfile::tempdir().unwrap();
    let (sandbox, sim) = simulated_terminal(dir.path()).await;
    let key_file = sandbox.world().material.pairing_key_path();
    let key = key_file.display().to_string();
    let fake = FakeAdb::start().await;
    fake.plug_bare(SERIAL, "device", Some(sim.addr));
    let apk = write_apk(dir.path());

    let run = terminal(&fake, &["status", "--key-file", &key]).await;
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("not installed"), "{}", run.stdout);

    let run = terminal(&fake, &["install", "--apk", &apk, "--key-file", &key]).await;
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    for line in [
        "terminal FAKE123: FakeTerminal, Android 9 (API 28)",
        "bridge app: com.facekiosk.bridge 0.1.0",
        "bridge: ",
        "face SDK (AAR): ",
        "face app (com.tencent.wxpayface): ",
        "pairing: ok",
    ] {
        assert!(
            run.stdout.contains(line),
            "{line:?} missing:\n{}",
            run.stdout
        );
    }
    assert!(run.last_line().contains("terminal.serial = \"FAKE123\""));
    let hex = key_hex(&key_file);
    let system = fake.system(SERIAL);
    assert_eq!(
        system.lock().unwrap().pairing_key.as_deref(),
        Some(hex.as_str())
    );
    assert!(
        system
            .lock()
            .unwrap()
            .idle_whitelist
            .iter()
            .any(|p| p == "com.facekiosk.bridge")
    );
    assert!(!run.stdout.contains(&hex) && !run.stderr.contains(&hex));
    assert!(fake.requests().iter().all(|r| !r.contains(&hex)));
    // The forward made to read the hello is gone again.
    assert!(fake.forwards().is_empty(), "{:?}", fake.forwards());

    let run = terminal(&fake, &["status", "--key-file", &key]).await;
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("face SDK (AAR): "), "{}", run.stdout);
    assert!(run.last_line().starts_with("ready"), "{}", run.stdout);

    // A kiosk whose key is not the bridge's is told so, by name.
    let other = other_key(dir.path());
    let run = terminal(&fake, &["status", "--key-file", &other]).await;
    says_unpaired(&run);

    let run = terminal(&fake, &["uninstall", "--key-file", &key]).await;
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("nothing of ours remains"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("is kept"), "{}", run.stdout);
    assert!(key_file.exists());
    assert!(
        !system
            .lock()
            .unwrap()
            .packages
            .contains_key("com.facekiosk.bridge")
    );
    let run = terminal(&fake, &["status", "--key-file", &key]).await;
    assert_eq!(run.code, 1, "{}", run.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_name_what_failed() {
    let dir = tempfile::tempdir().unwrap();
    let apk = write_apk(dir.path());
    let key_path = dir.path().join("pairing.key");
    let key = key_path.display().to_string();
    let fake = FakeAdb::start().await;
    let install = [
        "install",
        "--apk",
        apk.as_str(),
        "--key-file",
        key.as_str(),
        "--wait",
        "1",
    ];

    let run = cli(&["terminal", "uninstall", "--adb-server", "127.0.0.1:1"]);
    fails_with(&run, "cannot reach the adb server at 127.0.0.1:1");

    let run = terminal(&fake, &install).await;
    fails_with(&run, "no device attached to adb");
    // The key file was made on the way, owner-only, and never shown.
    let hex = key_hex(&key_path);
    assert!(!run.stdout.contains(&hex) && !run.stderr.contains(&hex));
    #[cfg(unix)]
    {
        let mode = std::fs::metadata(&key_path).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "the key file is readable by others");
    }

    fake.plug_bare("LOCKED", "unauthorized", None);
    let run = terminal(&fake, &install).await;
    fails_with(&run, "has not accepted this PC's adb key");

    fake.plug_bare(SERIAL, "device", None);
    let run = terminal(&fake, &install).await;
    fails_with(
        &run,
        "2 devices are attached (LOCKED, FAKE123): name the terminal with --serial",
    );
    let mut with_serial = install.to_vec();
    with_serial.extend(["--serial", "NOPE"]);
    let run = terminal(&fake, &with_serial).await;
    fails_with(
        &run,
        "no device with serial NOPE is attached (attached: LOCKED, FAKE123)",
    );
    with_serial.truncate(install.len());
    with_serial.extend(["--serial", SERIAL]);

    fake.system(SERIAL).lock().unwrap().refuse_install =
        Some("INSTALL_FAILED_UPDATE_INCOMPATIBLE: signatures do not match".into());
    let run = terminal(&fake, &with_serial).await;
    fails_with(
        &run,
        "`pm install` on the device failed: INSTALL_FAILED_UPDATE_INCOMPATIBLE",
    );

    // Installed and started (on Android 7, whose `am` has no start-foreground-service), but
    // nothing answers on the bridge's socket.
    let system = fake.system(SERIAL);
    system.lock().unwrap().refuse_install = None;
    system
        .lock()
        .unwrap()
        .props
        .insert("ro.build.version.sdk".into(), "25".into());
    let run = terminal(&fake, &with_serial).await;
    fails_with(&run, "did not answer within 1 s");
    assert!(system.lock().unwrap().service_running);
    assert!(!run.stderr.contains(&hex) && !run.stdout.contains(&hex));

    let bad = dir.path().join("bad.apk");
    std::fs::write(&bad, b"not a zip").unwrap();
    let bad = bad.display().to_string();
    let run = terminal(&fake, &["install", "--apk", &bad, "--key-file", &key]).await;
    fails_with(&run, "is not an APK");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn install_and_status_take_the_serial_and_key_file_from_kiosk_toml() {
    let dir = tempfile::tempdir().unwrap();
    let (sandbox, sim) = simulated_terminal(dir.path()).await;
    // The kiosk's key beside its configuration, named relatively as an installed kiosk does.
    let etc = dir.path().join("etc");
    std::fs::create_dir(&etc).unwrap();
    let key_file = etc.join("pairing.key");
    std::fs::copy(sandbox.world().material.pairing_key_path(), &key_file).unwrap();
    set_owner_only(&key_file);
    let config = write_config(
        &etc,
        &format!("serial = \"{SERIAL}\"\npairing_key_file = \"pairing.key\"\n"),
    );
    let fake = FakeAdb::start().await;
    // Another device beside the terminal: only the configured serial tells them apart.
    fake.plug_bare("OTHER", "device", None);
    fake.plug_bare(SERIAL, "device", Some(sim.addr));
    let apk = write_apk(dir.path());

    let run = terminal(&fake, &["install", "--apk", &apk, "--config", &config]).await;
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let from = format!(
        "from {config}: terminal.serial = \"{SERIAL}\", terminal.pairing_key_file = \"{}\"",
        key_file.display()
    );
    assert!(
        run.stdout.contains(&from),
        "{from:?} missing:\n{}",
        run.stdout
    );
    assert!(run.stdout.contains("pairing: ok"), "{}", run.stdout);
    assert!(
        run.last_line()
            .starts_with("installed and running on FAKE123"),
        "{}",
        run.stdout
    );
    let hex = key_hex(&key_file);
    assert_eq!(
        fake.system(SERIAL).lock().unwrap().pairing_key.as_deref(),
        Some(hex.as_str())
    );
    assert!(!fake.system("OTHER").lock().unwrap().service_running);
    assert!(!run.stdout.contains(&hex) && !run.stderr.contains(&hex));

    let run = terminal(&fake, &["status", "--config", &config]).await;
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.last_line().starts_with("ready"), "{}", run.stdout);

    // A flag wins over the file: another key is not this bridge's.
    let other = other_key(dir.path());
    let run = terminal(
        &fake,
        &["status", "--config", &config, "--key-file", &other],
    )
    .await;
    says_unpaired(&run);
    assert!(
        run.stdout
            .contains(&format!("from {config}: terminal.serial = \"{SERIAL}\"\n")),
        "{}",
        run.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_key_file_or_configuration_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let apk = write_apk(dir.path());
    let fake = FakeAdb::start().await;
    let config = write_config(dir.path(), &format!("serial = \"{SERIAL}\"\n"));

    for command in [vec!["install", "--apk", &apk], vec!["status"]] {
        let mut args = command.clone();
        args.extend(["--config", &config]);
        let run = terminal(&fake, &args).await;
        fails_with(
            &run,
            &format!(
                "no pairing key file: give --key-file or set terminal.pairing_key_file in \
                 {config}"
            ),
        );
    }

    let nowhere = dir.path().join("nowhere.toml").display().to_string();
    let run = terminal(&fake, &["install", "--apk", &apk, "--config", &nowhere]).await;
    fails_with(&run, &format!("cannot read the configuration {nowhere}"));

    let broken = dir.path().join("broken.toml");
    std::fs::write(&broken, "[terminal\nserial = \"X\"\n").unwrap();
    let broken = broken.display().to_string();
    let run = terminal(&fake, &["status", "--config", &broken]).await;
    fails_with(
        &run,
        &format!("{broken}: the configuration is not valid TOML"),
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pair_terminal_restarts_the_bridge_with_an_owner_only_key_never_shown() {
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("pairing.key");
    let key = key_file.display().to_string();
    let fake = FakeAdb::start().await;
    let args = ["pair-terminal", "--key-file", &key, "--serial", SERIAL];

    // A terminal without the bridge app: told to install it; the key file is made all the same.
    fake.plug_bare("BARE", "device", None);
    let bare = ["pair-terminal", "--key-file", &key, "--serial", "BARE"];
    let run = against(&fake, &bare).await;
    fails_with(
        &run,
        "the bridge app (com.facekiosk.bridge) is not installed on BARE",
    );
    assert!(key_file.exists());

    fake.plug(SERIAL, "device", None);
    let run = against(&fake, &args).await;
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let hex = key_hex(&key_file);
    assert_eq!(hex.len(), 64);
    #[cfg(unix)]
    {
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let system = fake.system(SERIAL);
    assert_eq!(
        system.lock().unwrap().pairing_key.as_deref(),
        Some(hex.as_str())
    );
    assert!(system.lock().unwrap().service_running);
    assert!(!run.stdout.contains(&hex) && !run.stderr.contains(&hex));
    assert!(fake.requests().iter().all(|r| !r.contains(&hex)));

    // Again: the same key, not a new one.
    system.lock().unwrap().pairing_key = None;
    let again = against(&fake, &args).await;
    assert_eq!(again.code, 0, "{}{}", again.stdout, again.stderr);
    assert_eq!(key_hex(&key_file), hex);
    assert_eq!(
        system.lock().unwrap().pairing_key.as_deref(),
        Some(hex.as_str())
    );

    // A key file others may read is refused, naming the file.
    #[cfg(unix)]
    {
        std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o644)).unwrap();
        let exposed = against(&fake, &args).await;
        assert_ne!(exposed.code, 0);
        assert!(exposed.stderr.contains(&key), "{}", exposed.stderr);
        assert!(!exposed.stderr.contains(&hex));
    }
}
