//! The technician commands, run as the real binary against the independent test vectors.

mod common;

use std::path::PathBuf;

use serde_json::Value;

use common::{cli, cli_with_stdin};
use facekiosk_testkit::fixtures::{path as fixture, vectors};

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

/// `text` in a file of `dir`, for `--key-file`.
fn key_file(dir: &tempfile::TempDir, text: &str) -> String {
    let path = dir.path().join("apiv2.key");
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn sign_v2_reproduces_every_vector() {
    let dir = tempfile::tempdir().unwrap();
    for case in vectors()["v2"].as_array().unwrap() {
        // A trailing newline, as an editor leaves it, is not part of the key.
        let key_file = key_file(&dir, &format!("{}\n", s(&case["key"])));
        let fields: Vec<String> = case["params"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| format!("{k}={}", s(v)))
            .collect();
        let mut args = vec![
            "sign",
            "v2",
            "--key-file",
            &key_file,
            "--sign-type",
            s(&case["sign_type"]),
        ];
        args.extend(fields.iter().map(String::as_str));
        let run = cli(&args);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_eq!(run.last_line(), s(&case["sign"]));
        assert!(run.stdout.starts_with(s(&case["string_to_sign"])));
        assert!(
            !run.stdout.contains(s(&case["key"])),
            "the key is never printed"
        );
        // The same from standard input.
        args[3] = "-";
        let run = cli_with_stdin(&args, s(&case["key"]));
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_eq!(run.last_line(), s(&case["sign"]));
    }
}

#[test]
fn sign_v2_takes_no_key_on_the_command_line() {
    let run = cli(&["sign", "v2", "--key", "192006250b4c", "appid=wx"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stderr.contains("--key-file"), "{}", run.stderr);
    assert!(!run.stderr.contains("192006250b4c"), "{}", run.stderr);
}

#[test]
fn sign_v2_warns_of_what_wechat_refuses_and_signs_it_anyway() {
    let dir = tempfile::tempdir().unwrap();
    let key = key_file(&dir, "192006250b4c09247ec02edce69f6a2d");
    let run = cli(&[
        "sign",
        "v2",
        "--key-file",
        &key,
        "appid=wx",
        "store_name=门诊😀楼",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("`store_name`"), "{}", run.stderr);
    assert!(run.stderr.contains("4-byte"), "{}", run.stderr);
    assert!(!run.stderr.contains("`appid`"), "{}", run.stderr);
    assert!(!run.stderr.contains("门诊"), "the value is not echoed");
    assert_eq!(run.last_line().len(), 32, "{}", run.stdout);
    assert!(run.stdout.contains("store_name=门诊😀楼"));
}

#[test]
fn sign_v3_prints_the_authorization_header() {
    let v = vectors();
    let key = fixture("merchant_key.pem");
    for case in v["v3_sign"].as_array().unwrap() {
        let run = cli(&[
            "sign",
            "v3",
            "--private-key",
            key.to_str().unwrap(),
            "--mchid",
            s(&v["mchid"]),
            "--serial",
            s(&v["merchant_serial"]),
            "--method",
            s(&case["method"]),
            "--url",
            s(&case["url"]),
            "--timestamp",
            s(&case["timestamp"]),
            "--nonce",
            s(&case["nonce"]),
            "--body",
            s(&case["body"]),
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_eq!(run.last_line(), s(&case["authorization"]));
    }
}

#[test]
fn verify_v3_says_valid_or_invalid() {
    let v = vectors();
    let dir = tempfile::tempdir().unwrap();
    for (i, case) in v["v3_verify"].as_array().unwrap().iter().enumerate() {
        let key = if s(&case["serial"]).starts_with("PUB_KEY_ID_") {
            fixture("wechatpay_pub_key.pem")
        } else {
            fixture("platform_cert.pem")
        };
        // Through a file, so the raw bytes (CRLF, no trailing newline) are exact.
        let body = dir.path().join(format!("body{i}"));
        std::fs::write(&body, s(&case["body"])).unwrap();
        let run = cli(&[
            "verify",
            "v3",
            "--public-key",
            key.to_str().unwrap(),
            "--timestamp",
            s(&case["timestamp"]),
            "--nonce",
            s(&case["nonce"]),
            "--signature",
            s(&case["signature"]),
            "--body-file",
            body.to_str().unwrap(),
        ]);
        let valid = case["valid"].as_bool().unwrap();
        // The unknown-serial vector carries a good signature by a key we name here anyway.
        if s(&case["serial"]).starts_with("0000") {
            continue;
        }
        assert_eq!(
            run.last_line(),
            if valid { "valid" } else { "invalid" },
            "{}",
            case["why"]
        );
        assert_eq!(run.code, if valid { 0 } else { 1 });
    }
}

#[test]
fn decrypt_masks_unless_asked_to_reveal() {
    let v = vectors();
    let key = fixture("merchant_key.pem");
    for case in v["decrypt"].as_array().unwrap() {
        let (padding, plain) = (s(&case["padding"]), s(&case["plaintext"]));
        let args = [
            "decrypt",
            "--private-key",
            key.to_str().unwrap(),
            "--padding",
            padding,
            s(&case["ciphertext"]),
        ];
        let run = cli(&args);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_ne!(run.last_line(), plain, "clear text without --reveal");
        assert!(run.last_line().contains('*'));
        let mut reveal = args.to_vec();
        reveal.insert(1, "--reveal");
        assert_eq!(cli(&reveal).last_line(), plain);
    }
    let run = cli(&[
        "decrypt",
        "--private-key",
        key.to_str().unwrap(),
        "bm90IGEgY2lwaGVydGV4dA==",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("is 16 bytes, not the 256 bytes"),
        "{}",
        run.stderr
    );
}

fn write_config(dir: &std::path::Path, cert: &str, key_mode: u32) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let key = dir.join("apiclient_key.pem");
    std::fs::copy(fixture("merchant_key.pem"), &key).unwrap();
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(key_mode)).unwrap();
    let apiv2 = dir.join("apiv2.key");
    std::fs::write(&apiv2, "192006250b4c09247ec02edce69f6a2d").unwrap();
    std::fs::set_permissions(&apiv2, std::fs::Permissions::from_mode(0o600)).unwrap();
    let pairing = dir.join("pairing.key");
    std::fs::write(&pairing, "5a".repeat(32)).unwrap();
    std::fs::set_permissions(&pairing, std::fs::Permissions::from_mode(0o600)).unwrap();
    let config = dir.join("kiosk.toml");
    std::fs::write(
        &config,
        format!(
            r#"[merchant]
appid = "wxd930ea5d5a258f4f"
mch_id = "1900000109"
[store]
store_id = "S1"
store_name = "门诊"
[device]
device_id = "D1"
[keys]
apiv2_key_file = "apiv2.key"
merchant_private_key = "apiclient_key.pem"
merchant_certificate = "{cert}"
wechatpay_public_key = "{pk}"
wechatpay_public_key_id = "PUB_KEY_ID_0119000001092025112400000000000001"
platform_certificates = ["{platform}"]
[terminal]
serial = "TERMINAL-1"
pairing_key_file = "pairing.key"
"#,
            cert = fixture(cert).display(),
            pk = fixture("wechatpay_pub_key.pem").display(),
            platform = fixture("platform_cert.pem").display(),
        ),
    )
    .unwrap();
    config
}

#[test]
fn keys_check_passes_a_good_setup() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), "merchant_cert.pem", 0o600);
    let run = cli(&["keys", "check", "--config", config.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("merchant private key matches the merchant certificate")
    );
    assert!(
        run.stdout
            .contains("3A6F1C52D8E94B07A1C3E5F7092B4D6F8E0A1C2B")
    );
    assert!(run.last_line().starts_with("keys ok"), "{}", run.stdout);
}

#[test]
fn keys_check_flags_expiry_and_open_permissions() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), "expired_cert.pem", 0o644);
    let run = cli(&["keys", "check", "--config", config.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains("expired (01 Jan 2019 .. 01 Jan 2020)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("is readable by others (mode 644)"),
        "{}",
        run.stdout
    );
    assert_eq!(run.last_line(), "2 problems");
    assert!(
        !run.stdout.contains("192006250b4c"),
        "the APIv2 key is never printed"
    );
}

#[test]
fn bad_input_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let key = key_file(&dir, "k");
    let run = cli(&["sign", "v2", "--key-file", &key, "appid"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("field `appid` is not of the form name=value"),
        "{}",
        run.stderr
    );
    let run = cli(&["keys", "check", "--config", "/nonexistent/kiosk.toml"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("cannot read the configuration /nonexistent/kiosk.toml"),
        "{}",
        run.stderr
    );
    let run = cli(&[
        "sign",
        "v3",
        "--private-key",
        "/etc/hostname",
        "--mchid",
        "1",
        "--serial",
        "A",
        "--method",
        "GET",
        "--url",
        "/",
        "--timestamp",
        "1",
        "--nonce",
        "n",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("is not a PEM PRIVATE KEY"),
        "{}",
        run.stderr
    );
}
