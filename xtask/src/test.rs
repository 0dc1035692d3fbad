//! `cargo xtask test`: set-up, then every check and test suite, then a summary.
//! A failing step never stops the later ones; the exit code reflects them all.

use crate::apk;
use crate::cycles;
use crate::fuzz;
use crate::nodemo;
use crate::package;
use crate::runner::{self, Ctx, XVFB_SCREEN, target_dir};
use crate::setup::{self, ANDROID_TARGET};
use crate::summary::{self, Counts};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

const PY_TESTS: &str = "tests/python";
const E2E_TESTS: &str = "tests/e2e";
/// How long `cargo xtask test` runs each fuzz target (`cargo xtask fuzz` runs longer).
const FUZZ_SECONDS: u64 = 15;
/// The demo, on for clippy and the tests (which drive the kiosk through it). Every cargo
/// command of the run that builds the workspace passes the same features, so each crate is
/// built once and the binaries the later steps run (the sandbox for pytest, the app for the
/// end-to-end tests) are the ones this build made.
const DEMO_FEATURES: &str = "facekiosk-app/demo,facekiosk-cli/demo";
/// The workspace build of the test step, every target; `--no-run` of it is a no-op once the
/// step has run, and brings back its binaries.
const TEST_BUILD: [&str; 5] = [
    "test",
    "--workspace",
    "--all-targets",
    "--features",
    DEMO_FEATURES,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Ok,
    Failed,
    Skipped,
}

/// What one step did: its verdict, the tests it counted and a short note.
#[derive(Debug)]
struct Outcome {
    status: Status,
    counts: Counts,
    note: String,
}

impl Outcome {
    fn ok() -> Outcome {
        Outcome {
            status: Status::Ok,
            counts: Counts::default(),
            note: String::new(),
        }
    }
    fn skipped(note: impl Into<String>) -> Outcome {
        Outcome {
            status: Status::Skipped,
            note: note.into(),
            ..Outcome::ok()
        }
    }
    /// A failed check (setup, fmt, clippy): adds nothing to the test counts.
    fn failed(note: impl Into<String>) -> Outcome {
        Outcome {
            status: Status::Failed,
            note: note.into(),
            ..Outcome::ok()
        }
    }
    /// A failed step that stands for a test: counts as 1 failed.
    fn failed_one(note: impl Into<String>) -> Outcome {
        let counts = Counts {
            failed: 1,
            ..Counts::default()
        };
        Outcome {
            counts,
            ..Outcome::failed(note)
        }
    }
}

#[derive(Debug, Default)]
struct Report {
    steps: Vec<(&'static str, Outcome, f64)>,
    totals: Counts,
}

impl Report {
    fn step(&mut self, name: &'static str, what: &str, run: impl FnOnce() -> Outcome) {
        runner::header(&format!("{name}: {what}"));
        let start = Instant::now();
        let outcome = run();
        if outcome.status == Status::Failed {
            println!("    {name} FAILED: {}", outcome.note);
        }
        self.totals += outcome.counts;
        self.steps
            .push((name, outcome, start.elapsed().as_secs_f64()));
    }

    /// One line per step, then the final `N passed, M failed[, K skipped]` line.
    fn finish(self) -> ExitCode {
        runner::header("summary");
        for (name, outcome, secs) in &self.steps {
            let status = match outcome.status {
                Status::Ok => "ok",
                Status::Failed => "FAILED",
                Status::Skipped => "skipped",
            };
            let line = format!("    {name:<8} {status:<7} {secs:>6.1}s  {}", outcome.note);
            println!("{}", line.trim_end());
        }
        println!("{}", self.totals);
        let step_failed = self
            .steps
            .iter()
            .any(|(_, o, _)| o.status == Status::Failed);
        if step_failed || self.totals.failed > 0 {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        }
    }
}

pub fn run(ctx: &mut Ctx) -> ExitCode {
    let mut report = Report::default();
    report.step(
        "setup",
        "apt packages, JAVA_HOME, python venv, tauri-driver, npm ci, android target",
        || setup::run(ctx).map_or_else(Outcome::failed, |()| Outcome::ok()),
    );
    let ctx = &*ctx;
    // src-tauri embeds ui/dist at compile time: it must exist before clippy and the tests.
    report.step("uibuild", "npm run build (ui/ -> ui/dist)", || {
        ui_build(ctx)
    });
    report.step("fmt", "cargo fmt --all -- --check", || {
        check(
            ctx.cargo(&["fmt", "--all", "--", "--check"]),
            "formatting differs; run `cargo fmt --all`",
        )
    });
    report.step(
        "cycles",
        "dependency cycles among crates and among sibling modules (cargo xtask cycles)",
        || cycles_step(ctx),
    );
    report.step(
        "clippy",
        &format!(
            "cargo clippy --workspace --all-targets --features {DEMO_FEATURES} -- -D warnings, \
             then the app and the CLI without the demo"
        ),
        || clippy(ctx),
    );
    report.step(
        "test",
        &format!("cargo test --workspace --all-targets --features {DEMO_FEATURES} --no-fail-fast"),
        || {
            let mut args = TEST_BUILD.to_vec();
            args.push("--no-fail-fast");
            suite(
                ctx.cargo(&args).env("RUST_BACKTRACE", "1"),
                summary::parse_cargo_test,
                &[0],
            )
        },
    );
    report.step(
        "doctest",
        &format!("cargo test --workspace --doc --features {DEMO_FEATURES} --no-fail-fast"),
        || {
            let args = [
                "test",
                "--workspace",
                "--doc",
                "--features",
                DEMO_FEATURES,
                "--no-fail-fast",
            ];
            suite(
                ctx.cargo(&args).env("RUST_BACKTRACE", "1"),
                summary::parse_cargo_test,
                &[0],
            )
        },
    );
    report.step(
        "jni",
        "cargo test -p facekiosk-bridge --features jni-host-test --test jni_host (host JVM)",
        || {
            let args = [
                "test",
                "-p",
                "facekiosk-bridge",
                "--features",
                "jni-host-test",
                "--test",
                "jni_host",
                "--no-fail-fast",
            ];
            suite(
                ctx.cargo(&args).env("RUST_BACKTRACE", "1"),
                summary::parse_cargo_test,
                &[0],
            )
        },
    );
    report.step("pytest", &format!("python -m pytest -q {PY_TESTS}"), || {
        pytest(ctx)
    });
    report.step("ui", "npm test (vitest, in ui/)", || ui_test(ctx));
    report.step(
        "nodemo",
        "the production app and CLI link no sandbox (cargo tree, with and without the demo)",
        || one_check(nodemo::check(ctx)),
    );
    report.step(
        "e2e",
        &format!(
            "the app built without the demo (production) and with it (the test build), then \
             pytest {E2E_TESTS} under dbus-run-session + xvfb-run + matchbox, through \
             tauri-driver"
        ),
        || e2e(ctx),
    );
    report.step(
        "deb",
        "the kiosk's .deb from the production build: dpkg -i, systemd-analyze verify, start \
         on the \"not set up\" screen under Xvfb, facekiosk-cli --version, dpkg --purge",
        || one_check(package::linux::test_step(ctx)),
    );
    report.step(
        "windows",
        "facekiosk-cli.exe cross-built (x86_64-pc-windows-gnu) and run under Wine",
        || one_check(package::windows::test_step(ctx)),
    );
    report.step(
        "android",
        &format!("cargo check -p facekiosk-bridge [--features jni] --target {ANDROID_TARGET}"),
        || android(ctx),
    );
    report.step(
        "apk",
        "cargo xtask apk (stand-in AAR, debug key), then apksigner, zipalign, aapt2, readelf",
        || one_check(apk::test_step(ctx)),
    );
    report.step(
        "fuzz",
        &format!("cargo fuzz run <each target> -- -max_total_time={FUZZ_SECONDS}"),
        || fuzz_step(ctx),
    );
    report.finish()
}

/// A step that stands for one test: passed with its note, or failed with why.
fn one_check(result: Result<String, String>) -> Outcome {
    result.map_or_else(Outcome::failed_one, |note| Outcome {
        note,
        counts: Counts {
            passed: 1,
            ..Counts::default()
        },
        ..Outcome::ok()
    })
}

/// Clippy on the test step's build (the demo on), then on the code a build without the demo
/// compiles instead (the app's and the CLI's `not(feature = "demo")` paths).
fn clippy(ctx: &Ctx) -> Outcome {
    let lints = ["--", "-D", "warnings"];
    let mut with_demo = vec!["clippy", "--workspace", "--all-targets", "--features"];
    with_demo.push(DEMO_FEATURES);
    with_demo.extend(lints);
    let mut production = vec![
        "clippy",
        "-p",
        "facekiosk-app",
        "-p",
        "facekiosk-cli",
        "--all-targets",
    ];
    production.extend(lints);
    for args in [with_demo, production] {
        println!("    + cargo {}", args.join(" "));
        let outcome = check(ctx.cargo(&args), "fix the clippy findings above");
        if outcome.status == Status::Failed {
            return outcome;
        }
    }
    Outcome::ok()
}

/// Fails on any cycle; the cycles are printed above the summary, which has no room for them.
fn cycles_step(ctx: &Ctx) -> Outcome {
    match cycles::run(&ctx.root) {
        Ok(found) if found.is_clean() => Outcome {
            note: found.summary(),
            ..Outcome::ok()
        },
        Ok(found) => Outcome::failed(format!("{}; each is printed above", found.summary())),
        Err(why) => Outcome::failed(why),
    }
}

/// A pass/fail check with output straight to the terminal.
fn check(mut cmd: Command, hint: &str) -> Outcome {
    match cmd.status() {
        Ok(s) if s.success() => Outcome::ok(),
        Ok(_) => Outcome::failed(hint),
        Err(e) => Outcome::failed(format!("could not start: {e}")),
    }
}

/// Runs a test suite (streamed and captured) and counts its results. A run that
/// fails without reporting a failed test (compile error, crash) counts as 1 failed.
fn suite(cmd: &mut Command, parse: fn(&str) -> Option<Counts>, ok_codes: &[i32]) -> Outcome {
    let run = match runner::run_tee(cmd) {
        Ok(run) => run,
        Err(e) => return Outcome::failed_one(format!("could not start: {e}")),
    };
    let counts = parse(&run.output).unwrap_or_default();
    let exited_ok = run.status.code().is_some_and(|c| ok_codes.contains(&c));
    if !exited_ok && counts.failed == 0 {
        let mut note = format!(
            "{} without a failed test (compile error or crash?); counted as 1 failed",
            run.status
        );
        if run.output.contains("No module named pytest") {
            note.push_str("; add pytest to tests/python/requirements.txt");
        }
        return Outcome {
            counts: Counts {
                failed: 1,
                ..counts
            },
            ..Outcome::failed(note)
        };
    }
    let status = if counts.failed > 0 {
        Status::Failed
    } else {
        Status::Ok
    };
    Outcome {
        status,
        counts,
        note: counts.to_string(),
    }
}

fn pytest(ctx: &Ctx) -> Outcome {
    if !has_python_tests(&ctx.root.join(PY_TESTS)) {
        return Outcome::skipped(format!("no {PY_TESTS}/test_*.py"));
    }
    let python = ctx.root.join(setup::VENV).join("bin/python");
    let mut cmd = ctx.cmd(python, &["-m", "pytest", "-q", PY_TESTS]);
    // The sandbox the test step built; without it the tests would `cargo run` it, which
    // resolves features for the sandbox alone and builds much of the workspace again.
    match test_binary(ctx, "facekiosk-sandbox") {
        Ok(sandbox) => {
            cmd.env("FACEKIOSK_SANDBOX_BIN", sandbox);
        }
        Err(why) => return Outcome::failed_one(why),
    }
    // The CLI with the demo, for the hand-off validators (it plays the patient).
    match test_binary(ctx, "facekiosk-cli") {
        Ok(cli) => {
            cmd.env("FACEKIOSK_CLI_BIN", cli);
        }
        Err(why) => return Outcome::failed_one(why),
    }
    // Exit code 5 means "no tests collected", which is not a failure.
    suite(&mut cmd, summary::parse_pytest, &[0, 5])
}

/// `npm run build` in ui/ unless ui/dist is newer than every source of it (a rebuild would
/// make cargo recompile the app for nothing).
fn ui_build(ctx: &Ctx) -> Outcome {
    if !ctx.root.join(setup::UI_DIR).join("package.json").is_file() {
        return Outcome::skipped("no ui/package.json");
    }
    if !setup::ui_dist_stale(&ctx.root) {
        return Outcome {
            note: "ui/dist is up to date".into(),
            ..Outcome::ok()
        };
    }
    let mut cmd = ctx.cmd("npm", &["run", "build"]);
    cmd.current_dir(ctx.root.join(setup::UI_DIR));
    check(cmd, "the UI does not build; see the output above")
}

fn ui_test(ctx: &Ctx) -> Outcome {
    if !ctx.root.join(setup::UI_DIR).join("package.json").is_file() {
        return Outcome::skipped("no ui/package.json");
    }
    suite(
        ctx.cmd("npm", &["test"])
            .current_dir(ctx.root.join(setup::UI_DIR)),
        summary::parse_vitest,
        &[0],
    )
}

/// A binary of the test step's build (the build is a no-op when the step ran; otherwise this
/// makes it, without running a test).
fn test_binary(ctx: &Ctx, name: &str) -> Result<PathBuf, String> {
    let mut args = TEST_BUILD.to_vec();
    args.push("--no-run");
    println!("    + cargo {}", args.join(" "));
    match ctx.cargo(&args).status() {
        Ok(s) if s.success() => {}
        Ok(s) => return Err(format!("cargo {}: {s}", args.join(" "))),
        Err(e) => return Err(format!("could not start cargo: {e}")),
    }
    let binary = target_dir(ctx).join("debug").join(name);
    if binary.is_file() {
        Ok(binary)
    } else {
        Err(format!("the test build made no {}", binary.display()))
    }
}

/// The kiosk app end to end: the real debug binary in a real WebKit window on Xvfb, driven by
/// pytest + selenium through tauri-driver (which tests/e2e/conftest.py starts, with the window
/// manager, as direct children it kills by PID).
fn e2e(ctx: &Ctx) -> Outcome {
    if !ctx.root.join("src-tauri/Cargo.toml").is_file() {
        return Outcome::skipped("no src-tauri/ yet");
    }
    if !has_python_tests(&ctx.root.join(E2E_TESTS)) {
        return Outcome::skipped(format!("no {E2E_TESTS}/test_*.py"));
    }
    // The production app first: cargo puts it where the test build's app goes, so it is kept
    // aside before the test build brings its own back.
    println!("    + cargo build -p facekiosk-app");
    match ctx.cargo(&["build", "-p", "facekiosk-app"]).status() {
        Ok(s) if s.success() => {}
        Ok(s) => return Outcome::failed_one(format!("cargo build -p facekiosk-app: {s}")),
        Err(e) => return Outcome::failed_one(format!("could not start cargo: {e}")),
    }
    let production = target_dir(ctx).join("e2e/facekiosk-production");
    let copied = fs::create_dir_all(target_dir(ctx).join("e2e"))
        .and_then(|()| fs::copy(target_dir(ctx).join("debug/facekiosk"), &production));
    if let Err(e) = copied {
        return Outcome::failed_one(format!("cannot keep the production app aside: {e}"));
    }
    let app = match test_binary(ctx, "facekiosk") {
        Ok(app) => app,
        Err(why) => return Outcome::failed_one(why),
    };
    let Some(driver) = setup::find_tauri_driver() else {
        return Outcome::failed_one(format!(
            "no tauri-driver; run: {}",
            setup::TAURI_DRIVER_INSTALL
        ));
    };
    let missing: Vec<&str> = [
        "dbus-run-session",
        "xvfb-run",
        "matchbox-window-manager",
        "WebKitWebDriver",
    ]
    .into_iter()
    .filter(|b| runner::which(b).is_none())
    .collect();
    if !missing.is_empty() {
        return Outcome::failed_one(format!(
            "missing {} (the setup step installs them)",
            missing.join(", ")
        ));
    }
    let python = ctx.root.join(setup::VENV).join("bin/python");
    let python = python.to_string_lossy();
    let mut cmd = ctx.cmd(
        "dbus-run-session",
        &[
            "--",
            "xvfb-run",
            "-a",
            "-s",
            XVFB_SCREEN,
            &python,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            E2E_TESTS,
        ],
    );
    cmd.env("FACEKIOSK_APP", &app)
        .env("FACEKIOSK_PRODUCTION_APP", &production)
        .env("TAURI_DRIVER", &driver)
        .env("RUST_BACKTRACE", "1");
    suite(&mut cmd, summary::parse_pytest, &[0])
}

fn has_python_tests(dir: &Path) -> bool {
    let Ok(entries) = fs::read_dir(dir) else {
        return false;
    };
    entries.flatten().any(|entry| {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            !name.starts_with('.') && name != "__pycache__" && has_python_tests(&path)
        } else {
            name.starts_with("test_") && name.ends_with(".py")
        }
    })
}

fn android(ctx: &Ctx) -> Outcome {
    if !setup::has_rust_target(ctx, ANDROID_TARGET) {
        return Outcome::skipped(format!("rust target {ANDROID_TARGET} is not installed"));
    }
    let mut problems = Vec::new();
    for features in [None, Some("jni")] {
        let mut args = vec![
            "check",
            "-p",
            "facekiosk-bridge",
            "--target",
            ANDROID_TARGET,
        ];
        if let Some(features) = features {
            args.extend(["--features", features]);
        }
        let shown = args.join(" ");
        println!("    + cargo {shown}");
        match ctx.cargo(&args).status() {
            Ok(s) if s.success() => {}
            Ok(s) => problems.push(format!("cargo {shown}: {s}")),
            Err(e) => problems.push(format!("could not start cargo: {e}")),
        }
    }
    if problems.is_empty() {
        Outcome::ok()
    } else {
        Outcome::failed_one(problems.join("; "))
    }
}

/// Every fuzz target for [`FUZZ_SECONDS`], one test each (passed: no crash). Skipped when
/// cargo-fuzz is missing and cannot be installed for want of a network.
fn fuzz_step(ctx: &Ctx) -> Outcome {
    let targets = fuzz::targets(&ctx.root);
    if targets.is_empty() {
        return Outcome::skipped(format!("no {}/fuzz_targets/*.rs", fuzz::DIR));
    }
    let built = fuzz::ensure_cargo_fuzz(ctx).and_then(|()| fuzz::build(ctx));
    match built {
        Ok(()) => {}
        Err(fuzz::Unavailable::Offline(why)) => return Outcome::skipped(why),
        Err(fuzz::Unavailable::Broken(why)) => return Outcome::failed_one(why),
    }
    let runs = fuzz::run_all(ctx, &targets, FUZZ_SECONDS);
    let counts = fuzz::counts(&runs);
    let note = format!(
        "{} targets x {FUZZ_SECONDS} s, {} runs: {counts}",
        runs.len(),
        runs.iter().filter_map(|r| r.runs).sum::<u64>()
    );
    Outcome {
        status: if counts.failed > 0 {
            Status::Failed
        } else {
            Status::Ok
        },
        counts,
        note,
    }
}
