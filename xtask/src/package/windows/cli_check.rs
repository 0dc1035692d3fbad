//! `facekiosk-cli.exe` under Wine, compared with what the Linux build is tested against:
//! WeChat's official APIv2 signature example and a decryption vector from
//! `core/wxpay/tests/fixtures/vectors.json`, and `doctor` on an installed kiosk's default
//! path and on a configuration whose failures are known in advance.

use std::path::{Path, PathBuf};

use super::target_dir;
use super::wine::{Ran, Wine};
use crate::runner::Ctx;

const FIXTURES: &str = "core/wxpay/tests/fixtures";

/// Every check, in order; a one-line summary.
pub fn run(ctx: &Ctx, wine: &Wine, exe: &Path) -> Result<String, String> {
    let vectors = std::fs::read_to_string(ctx.root.join(FIXTURES).join("vectors.json"))
        .map_err(|e| format!("vectors.json: {e}"))?;
    let dir = fresh_dir(ctx)?;
    sign_v2(wine, exe, &dir, &vectors)?;
    decrypt(ctx, wine, exe, &dir, &vectors)?;
    doctor_default(wine, exe)?;
    doctor(ctx, wine, exe, &dir)?;
    Ok(
        "under Wine: sign v2 (the official example), decrypt (a vector), doctor \
        (the default path, 13 checks as expected)"
            .into(),
    )
}

/// `--version` prints the program's name and the workspace's version.
pub fn version(wine: &Wine, exe: &Path, name: &str, version: &str) -> Result<(), String> {
    let ran = wine.run(exe, &["--version"])?;
    expect(&ran, 0, &format!("{name} {version}\n"), "--version")
}

fn fresh_dir(ctx: &Ctx) -> Result<PathBuf, String> {
    let dir = target_dir(ctx).join("wine-check");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(dir)
}

/// The first `v2` vector, the example of WeChat's 安全规范 page.
fn sign_v2(wine: &Wine, exe: &Path, dir: &Path, vectors: &str) -> Result<(), String> {
    let case = after(vectors, "\"v2\": [")?;
    let params = case
        .split_once("\"params\": {")
        .and_then(|(_, rest)| rest.split_once('}'))
        .ok_or("vectors.json: v2[0].params")?
        .0;
    let mut args = vec!["sign".to_owned(), "v2".into(), "--key-file".into()];
    let key = dir.join("apiv2.key");
    write_private(&key, field(case, "key")?.as_bytes())?;
    args.push(Wine::windows_path(&key));
    args.extend(["--sign-type".into(), field(case, "sign_type")?]);
    for line in params.lines().filter(|l| l.contains(':')) {
        let name = field_name(line).ok_or("vectors.json: v2[0].params")?;
        args.push(format!("{name}={}", field(line, &name)?));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let want = format!(
        "{}\n{}\n",
        field(case, "string_to_sign")?,
        field(case, "sign")?
    );
    expect(&wine.run(exe, &args)?, 0, &want, "sign v2")
}

/// The first `decrypt` vector (PKCS#1 v1.5, a made-up name), revealed.
fn decrypt(ctx: &Ctx, wine: &Wine, exe: &Path, dir: &Path, vectors: &str) -> Result<(), String> {
    let case = after(vectors, "\"decrypt\": [")?;
    let key = dir.join("merchant_key.pem");
    let pem = std::fs::read(ctx.root.join(FIXTURES).join("merchant_key.pem"))
        .map_err(|e| format!("merchant_key.pem: {e}"))?;
    write_private(&key, &pem)?;
    let ran = wine.run(
        exe,
        &[
            "decrypt",
            "--reveal",
            "--private-key",
            &Wine::windows_path(&key),
            "--padding",
            &field(case, "padding")?,
            &field(case, "ciphertext")?,
        ],
    )?;
    expect(
        &ran,
        0,
        &format!("{}\n", field(case, "plaintext")?),
        "decrypt",
    )
}

/// With no `--config`, doctor looks where the installer puts it, in `%ProgramData%`.
fn doctor_default(wine: &Wine, exe: &Path) -> Result<(), String> {
    let ran = wine.run(exe, &["doctor"])?;
    let path = r"C:\ProgramData\facekiosk\kiosk.toml";
    if ran.code == 1 && ran.stdout.starts_with("config") && ran.stdout.contains(path) {
        Ok(())
    } else {
        Err(format!(
            "doctor without --config: want exit 1 and config FAIL naming {path}; got {}:\n{}{}",
            ran.code, ran.stdout, ran.stderr
        ))
    }
}

/// The statuses doctor must give the configuration [`doctor`] writes, in its order.
const DOCTOR_WANT: [(&str, &str); 13] = [
    ("config", "ok"),
    // Written world-readable on purpose: Wine answers Everyone for it.
    ("keys.apiv2_key", "FAIL"),
    ("keys.merchant_private_key", "ok"),
    ("keys.merchant_certificate", "ok"),
    ("keys.wechatpay_public_key", "ok"),
    // The endpoints and the adb server are a closed port on loopback.
    ("clock", "FAIL"),
    ("endpoint.payapp", "FAIL"),
    ("endpoint.api_mch", "FAIL"),
    ("terminal.adb", "FAIL"),
    ("records", "WARN"),
    ("failures", "ok"),
    // core/diagnostics measures free space with statvfs, on Unix only.
    ("disk", "WARN"),
    ("his", "ok"),
];

/// A complete configuration with one exposed key and nothing listening: every check runs.
fn doctor(ctx: &Ctx, wine: &Wine, exe: &Path, dir: &Path) -> Result<(), String> {
    let fixtures = ctx.root.join(FIXTURES);
    for name in ["merchant_cert.pem", "wechatpay_pub_key.pem"] {
        std::fs::copy(fixtures.join(name), dir.join(name)).map_err(|e| format!("{name}: {e}"))?;
    }
    // apiv2.key (0600) is sign_v2's; this one is left readable by all.
    std::fs::write(
        dir.join("apiv2-open.key"),
        "192006250b4c09247ec02edce69f6a2d",
    )
    .map_err(|e| format!("apiv2-open.key: {e}"))?;
    write_private(&dir.join("pairing.key"), "5a".repeat(32).as_bytes())?;
    let config = dir.join("kiosk.toml");
    std::fs::write(&config, DOCTOR_CONFIG).map_err(|e| format!("kiosk.toml: {e}"))?;
    let ran = wine.run(exe, &["doctor", "--config", &Wine::windows_path(&config)])?;
    let got: Vec<(&str, &str)> = ran
        .stdout
        .lines()
        .filter(|l| !l.starts_with(' '))
        .filter_map(|l| {
            let mut words = l.split_whitespace();
            Some((words.next()?, words.next()?))
        })
        .filter(|(id, _)| !id.chars().next().is_some_and(|c| c.is_ascii_digit()))
        .collect();
    if ran.code == 1 && got == DOCTOR_WANT && ran.stdout.contains("apiv2-open.key") {
        Ok(())
    } else {
        Err(format!(
            "doctor: want exit 1 and {DOCTOR_WANT:?} (the exposed key named); got {}:\n{}{}",
            ran.code, ran.stdout, ran.stderr
        ))
    }
}

const DOCTOR_CONFIG: &str = r#"[merchant]
appid = "wxd930ea5d5a258f4f"
mch_id = "1900000109"
[store]
store_id = "S1"
store_name = "门诊"
[device]
device_id = "D1"
[endpoints]
payapp = "https://127.0.0.1:9"
api_mch = "https://127.0.0.1:9"
[keys]
apiv2_key_file = "apiv2-open.key"
merchant_private_key = "merchant_key.pem"
merchant_certificate = "merchant_cert.pem"
wechatpay_public_key = "wechatpay_pub_key.pem"
wechatpay_public_key_id = "PUB_KEY_ID_0119000001092025112400000000000001"
[terminal]
serial = "TERMINAL-1"
pairing_key_file = "pairing.key"
adb_port = 9
"#;

/// A file only its owner may read: Wine derives the DACL it answers from the Unix mode.
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, bytes)
        .and_then(|()| std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)))
        .map_err(|e| format!("{}: {e}", path.display()))
}

fn expect(ran: &Ran, code: i32, stdout: &str, what: &str) -> Result<(), String> {
    if ran.code == code && ran.stdout == stdout {
        Ok(())
    } else {
        Err(format!(
            "{what} under Wine: want exit {code} and {stdout:?}; got {} and {:?} ({})",
            ran.code,
            ran.stdout,
            ran.stderr.trim()
        ))
    }
}

/// The text after `marker` (the start of a vector list).
fn after<'a>(text: &'a str, marker: &str) -> Result<&'a str, String> {
    text.split_once(marker)
        .map(|(_, rest)| rest)
        .ok_or_else(|| format!("vectors.json: no {marker}"))
}

/// The first `"name": "value"` in `text`. The vectors' strings have no escapes; one with a
/// backslash is refused rather than misread.
fn field(text: &str, name: &str) -> Result<String, String> {
    let value = text
        .split_once(&format!("\"{name}\": \""))
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(value, _)| value)
        .ok_or_else(|| format!("vectors.json: no {name}"))?;
    if value.contains('\\') {
        return Err(format!(
            "vectors.json: {name} has an escape this reader does not read"
        ));
    }
    Ok(value.to_owned())
}

/// The name of a `"name": ...` line.
fn field_name(line: &str) -> Option<String> {
    line.trim()
        .strip_prefix('"')?
        .split_once('"')
        .map(|(n, _)| n.to_owned())
}
