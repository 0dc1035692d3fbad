//! `cargo xtask test`: set-up, then every check and test suite, then a summary.
//! A failing step never stops the later ones; the exit code reflects them all.

use crate::runner::{self, Ctx};
use crate::setup;
use crate::summary::{self, Counts};
use std::fs;
use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::Instant;

const ANDROID_TARGET: &str = "aarch64-linux-android";
const PY_TESTS: &str = "tests/python";

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
    report.step("setup", "apt packages, JAVA_HOME, python venv", || {
        setup::run(ctx).map_or_else(Outcome::failed, |()| Outcome::ok())
    });
    let ctx = &*ctx;
    report.step("fmt", "cargo fmt --all -- --check", || {
        check(
            ctx.cargo(&["fmt", "--all", "--", "--check"]),
            "formatting differs; run `cargo fmt --all`",
        )
    });
    report.step(
        "clippy",
        "cargo clippy --workspace --all-targets -- -D warnings",
        || {
            let args = [
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ];
            check(ctx.cargo(&args), "fix the clippy findings above")
        },
    );
    report.step(
        "test",
        "cargo test --workspace --all-targets --no-fail-fast",
        || {
            let args = ["test", "--workspace", "--all-targets", "--no-fail-fast"];
            suite(
                ctx.cargo(&args).env("RUST_BACKTRACE", "1"),
                summary::parse_cargo_test,
                &[0],
            )
        },
    );
    report.step(
        "doctest",
        "cargo test --workspace --doc --no-fail-fast",
        || {
            let args = ["test", "--workspace", "--doc", "--no-fail-fast"];
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
    report.step(
        "android",
        &format!("cargo check -p facekiosk-bridge --target {ANDROID_TARGET}"),
        || android(ctx),
    );
    report.finish()
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
    // Exit code 5 means "no tests collected", which is not a failure.
    suite(
        &mut ctx.cmd(python, &["-m", "pytest", "-q", PY_TESTS]),
        summary::parse_pytest,
        &[0, 5],
    )
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
    let installed = ctx
        .cmd("rustup", &["target", "list", "--installed"])
        .output();
    let has_target = installed.is_ok_and(|out| {
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .any(|l| l.trim() == ANDROID_TARGET)
    });
    if !has_target {
        return Outcome::skipped(format!("rust target {ANDROID_TARGET} is not installed"));
    }
    let args = [
        "check",
        "-p",
        "facekiosk-bridge",
        "--target",
        ANDROID_TARGET,
    ];
    match ctx.cargo(&args).status() {
        Ok(s) if s.success() => Outcome::ok(),
        Ok(s) => Outcome::failed_one(format!("cargo check for {ANDROID_TARGET}: {s}")),
        Err(e) => Outcome::failed_one(format!("could not start: {e}")),
    }
}
