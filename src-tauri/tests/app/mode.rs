//! Which kiosk starts, from the command line, the environment and the default path.

use std::path::Path;

#[cfg(feature = "demo")]
use facekiosk_app::mode::DemoLaunch;
use facekiosk_app::mode::{Args, Launch};

const VALID: &str = include_str!("valid-kiosk.toml");

fn args(list: &[&str]) -> Args {
    use clap::Parser;
    Args::try_parse_from(std::iter::once("facekiosk").chain(list.iter().copied()))
        .expect("valid arguments")
}

#[test]
fn a_fresh_machine_is_not_set_up_and_names_the_file_it_looked_for() {
    let launch =
        Launch::resolve(args(&[]), None, Path::new("/nonexistent/kiosk.toml")).expect("no --demo");
    let Launch::Misconfigured { path, problems } = launch else {
        panic!("{launch:?}")
    };
    assert_eq!(path, Path::new("/nonexistent/kiosk.toml"));
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with("/nonexistent/kiosk.toml: no configuration yet"),
        "{problems:?}"
    );
}

#[cfg(not(feature = "demo"))]
#[test]
fn demo_is_refused_by_a_build_without_it() {
    let refused = Launch::resolve(args(&["--demo"]), None, Path::new("/nonexistent"));
    let error = refused.expect_err("no demo in this build");
    assert!(error.to_string().contains("`demo` feature"), "{error}");
}

#[cfg(feature = "demo")]
#[test]
fn demo_wins_over_a_configuration_and_takes_its_options() {
    let launch = Launch::resolve(
        args(&[
            "--demo",
            "--config",
            "/etc/x.toml",
            "--data-dir",
            "/tmp/d",
            "--sandbox-listen",
            "127.0.0.1:7777",
        ]),
        Some("/etc/y.toml".into()),
        Path::new("/etc/z.toml"),
    )
    .expect("a demo build");
    let Launch::Demo(demo) = launch else {
        panic!("{launch:?}")
    };
    assert_eq!(
        demo,
        DemoLaunch {
            data_dir: "/tmp/d".into(),
            listen: Some("127.0.0.1:7777".parse().unwrap()),
            keys_dir: None,
            // With --demo, the file is the demo's [kiosk]/[terminal] settings.
            settings: Some("/etc/x.toml".into()),
        }
    );
}

#[test]
fn the_flag_wins_over_the_environment_which_wins_over_the_default() {
    let dir = tempfile::tempdir().expect("temp dir");
    let valid = dir.path().join("valid.toml");
    std::fs::write(&valid, VALID).expect("write");
    crate::support::write_pairing_key(dir.path());
    let broken = dir.path().join("broken.toml");
    std::fs::write(&broken, "[merchant]\n").expect("write");
    let v = valid.to_str().unwrap();
    let b = broken.to_str().unwrap();

    let flag = Launch::resolve(args(&["--config", v]), Some(b.into()), &broken).expect("no --demo");
    assert!(matches!(flag, Launch::Production { .. }), "{flag:?}");
    let env = Launch::resolve(args(&[]), Some(v.into()), &broken).expect("no --demo");
    assert!(matches!(env, Launch::Production { .. }), "{env:?}");
    let default = Launch::resolve(args(&[]), None, &valid).expect("no --demo");
    let Launch::Production { config, path } = default else {
        panic!("{default:?}")
    };
    assert_eq!(path, valid);
    assert_eq!(config.wxpay.store.store_name, "Test Hospital");
    let broken_env = Launch::resolve(args(&[]), Some(b.into()), &valid).expect("no --demo");
    assert!(
        matches!(broken_env, Launch::Misconfigured { .. }),
        "{broken_env:?}"
    );
}

#[test]
fn toml_that_does_not_parse_is_one_problem_naming_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("kiosk.toml");
    std::fs::write(&path, "[merchant\nsecret = \"hunter2\"\n").expect("write");
    let launch = Launch::resolve(args(&["--config", path.to_str().unwrap()]), None, &path)
        .expect("no --demo");
    let Launch::Misconfigured { problems, .. } = launch else {
        panic!("{launch:?}")
    };
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with(&format!("{}: ", path.display())),
        "{problems:?}"
    );
    assert!(!problems[0].contains("hunter2"), "{problems:?}");
}
