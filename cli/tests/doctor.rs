//! `facekiosk-cli doctor` as the real binary against a sandbox world and its simulated
//! terminal: exit status, the table, the JSON, the bundle, and no secret in what it writes;
//! an unplugged terminal, a skewed clock and a key others can read each fail, by name.

use std::path::Path;
use std::process::Command;

use facekiosk_sandbox::{FaceAppOptions, Sandbox, StartOptions};

fn doctor(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_facekiosk-cli"))
        .arg("doctor")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
    )
}

async fn run_doctor(args: Vec<String>) -> (i32, String) {
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        doctor(&args)
    })
    .await
    .unwrap()
}

fn arg(p: &Path) -> String {
    p.display().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_passes_a_healthy_world_and_fails_an_unplugged_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let keys = Path::new(env!("CARGO_TARGET_TMPDIR")).join("doctor-keys");
    let sandbox = Sandbox::start(StartOptions::new(dir.path().join("world")).keys_dir(&keys))
        .await
        .unwrap();
    let terminal = sandbox
        .start_terminal(FaceAppOptions::default())
        .await
        .unwrap();
    let config = sandbox.paths.kiosk_config.clone();
    facekiosk_sandbox::kiosk::add_terminal(&config, terminal.addr).unwrap();
    let bundles = dir.path().join("bundles");

    let (code, stdout) = run_doctor(vec![
        "--config".into(),
        arg(&config),
        "--json".into(),
        "--bundle".into(),
        arg(&bundles),
    ])
    .await;
    assert_eq!(code, 0, "{stdout}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let bridge = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "terminal.bridge")
        .unwrap();
    assert_eq!(bridge["status"], "ok");

    // The bundle: one folder with the three files, and no secret in any of them.
    let folder = std::fs::read_dir(&bundles)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let mut written = String::new();
    for name in ["report.json", "config.redacted.toml", "versions.txt"] {
        written += &std::fs::read_to_string(folder.join(name)).unwrap();
    }
    assert!(written.contains("<redacted>"));
    let m = sandbox.material();
    let apiv2 = std::fs::read_to_string(m.merchant.apiv2_key_path()).unwrap();
    let mut forbidden = vec![
        apiv2.trim().to_owned(),
        arg(&m.merchant.apiv2_key_path()),
        arg(&m.merchant.key_path()),
        arg(&m.pairing_key_path()),
    ];
    for p in facekiosk_sandbox::personas::fixture() {
        forbidden.push(p.name);
        forbidden.push(p.credential_id);
    }
    let report_json = std::fs::read_to_string(folder.join("report.json")).unwrap();
    for secret in &forbidden {
        // The report may name a key file (a failing check must); the redacted configuration
        // and the versions may not.
        let elsewhere = written.replace(&report_json, "");
        assert!(
            !elsewhere.contains(secret.as_str()),
            "a secret in the bundle"
        );
    }
    assert!(!written.contains(apiv2.trim()));

    terminal.cable.control().unplug();
    let (code, stdout) = run_doctor(vec!["--config".into(), arg(&config)]).await;
    assert_eq!(code, 1, "{stdout}");
    let line = stdout
        .lines()
        .find(|l| l.starts_with("terminal.bridge"))
        .unwrap();
    assert!(line.contains("FAIL"), "{stdout}");
    assert!(
        stdout.contains("-> check that the terminal is powered"),
        "{stdout}"
    );
    terminal.cable.control().replug();

    // WeChat's clock ten minutes away: a fail, with the number.
    sandbox.set_clock_skew(600);
    let (code, stdout) = run_doctor(vec!["--config".into(), arg(&config)]).await;
    sandbox.set_clock_skew(0);
    assert_eq!(code, 1, "{stdout}");
    let line = stdout.lines().find(|l| l.starts_with("clock")).unwrap();
    assert!(line.contains("FAIL") && line.contains("600"), "{line}");

    // The merchant's private key readable by everyone: a fail naming the file.
    let key = m.merchant.key_path();
    set_mode(&key, 0o644);
    let (code, stdout) = run_doctor(vec!["--config".into(), arg(&config)]).await;
    set_mode(&key, 0o600);
    assert_eq!(code, 1, "{stdout}");
    let line = stdout
        .lines()
        .find(|l| l.starts_with("keys.merchant_private_key"))
        .unwrap();
    assert!(line.contains("FAIL") && line.contains(&arg(&key)), "{line}");
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn doctor_lists_every_problem_of_a_broken_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("kiosk.toml");
    std::fs::write(&config, "[merchant]\nappid = \"\"\n").unwrap();
    let (code, stdout) = doctor(&["--config", &arg(&config), "--json"]);
    assert_eq!(code, 1, "{stdout}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let checks = report["checks"].as_array().unwrap();
    assert_eq!(checks.len(), 1);
    assert_eq!(checks[0]["id"], "config");
    assert_eq!(checks[0]["status"], "fail");
    let detail = checks[0]["detail"].as_str().unwrap();
    assert!(detail.contains("merchant.mch_id"), "{detail}");
    assert!(detail.contains("store"), "{detail}");
}
