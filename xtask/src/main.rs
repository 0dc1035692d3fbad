//! Project automation for the facekiosk workspace, run as `cargo xtask <command>`.
//!
//! Std-only on purpose so that it builds in seconds on a fresh machine.

mod apk;
mod bench;
mod cycles;
mod demo;
mod disk;
mod fuzz;
mod nodemo;
mod package;
mod runner;
mod setup;
mod soak;
mod summary;
mod test;

use std::process::ExitCode;

const HELP: &str = "\
Usage: cargo xtask <command> [args]

Commands:
  test          Set up this machine (apt packages, JAVA_HOME, python venv, tauri-driver,
                Node.js and the UI's node_modules, the Android rust target), build the UI,
                then run fmt, the cycles check, clippy, cargo tests, doc tests, the
                host-JVM JNI test, python tests, the UI tests (vitest), the end-to-end
                tests (the real app under Xvfb through tauri-driver; screenshots to
                docs/screens/), the Android check and every fuzz target for 15 s
                (installing cargo-fuzz if missing). Ends with a line per step (ok,
                FAILED or skipped, and its time), then `N passed, M failed[, K skipped]`;
                exits non-zero if a step or a test failed.
  cycles        Check for dependency cycles among the workspace crates (normal, dev and
                build dependencies) and among sibling modules inside each crate (what
                crate::, super:: and self:: paths name, test code aside). Prints each
                cycle with a file:line per edge, then the lines of Rust of each crate;
                exits non-zero on a cycle or a crate holding over 30% of the Rust code.
  setup         Only the set-up part of `test` (idempotent; prints the command for
                anything it cannot install).
  fuzz [SECS]   Run every fuzz target (fuzz/) for SECS seconds each (default 60),
                installing cargo-fuzz if missing. Crashes land in fuzz/artifacts/.
  bench [ARGS]  Run `cargo bench --workspace [ARGS]` (ARGS are passed through).
  bench --compare [--quick]
                Build (release) and measure, in one sitting, the kiosk against its peers
                and floors: the facemch query against the Python SDK wechatpayv3 (one
                release sandbox, alternating batches), a new patient's session (the
                kiosk's CPU time) against its crypto floor and `openssl speed rsa2048`,
                cold start and idle PSS against a bare Tauri window (bench/bare-window),
                the bridge round trip. Prints one table with the ratios and writes it to
                target/bench-compare.md. --quick: few samples, to try the chain.
  demo [--persona NAME] [--decline-on-wechat] [--list]
                Run the kiosk in demo mode (an in-process sandbox, a persona picker in
                place of a face). With a display (DISPLAY or WAYLAND_DISPLAY): builds the
                UI and the app and opens it (closable: FACEKIOSK_ALLOW_CLOSE=1; the
                persona is picked and WeChat's screen answered on screen, so the flags
                are ignored, with a note). Without one: runs the same session headless
                with `facekiosk-cli demo`, passing the flags on (--persona NAME: who looks
                into the camera, default zhang-san; --decline-on-wechat: decline on
                WeChat's screen). --list lists the personas, display or not.
  soak [SESSIONS] [--seed N] [--lanes N]
                Run SESSIONS (default 10000) whole patient sessions against the
                in-process sandbox, each under a fault drawn at random (seeded; the seed
                is printed, --seed N replays it) from everything the sandbox injects,
                on N kiosks side by side (default 16). Built --release. Prints sessions
                per outcome, the slowest time from a fault to its result screen, panics
                and memory after warm-up and at the end; exits non-zero on a panic or a
                session stuck over 120 s.
  package [--check]
                Build what a hospital installs: the kiosk's .deb (release, no demo) and
                the Windows binaries with their NSIS installer (cross-built with
                mingw-w64). --check then installs the .deb on this machine, starts it
                under Xvfb and purges it, and runs the Windows CLI under Wine.
  apk [--aar PATH] [--keystore PATH --keystore-pass-file PATH]
                Build the terminal's bridge APK (target/apk/facekiosk-bridge.apk) without
                Gradle, Google's SDK or the NDK. Without --aar: a stand-in AAR made from
                the host-test double, and the APK is marked not for devices.
  help          Show this help (also -h, --help).
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut ctx = runner::Ctx::new();
    match args.first().map(String::as_str) {
        Some("test") if args.len() == 1 => test::run(&mut ctx),
        Some("setup") if args.len() == 1 => {
            runner::header("setup: everything `cargo xtask test` needs on this machine");
            match setup::run(&mut ctx) {
                Ok(()) => ExitCode::SUCCESS,
                Err(why) => {
                    eprintln!("error: {why}");
                    ExitCode::FAILURE
                }
            }
        }
        Some("cycles") if args.len() == 1 => {
            runner::header("cycles: dependency cycles among crates and among sibling modules");
            match cycles::run(&ctx.root) {
                Ok(found) if found.is_clean() => ExitCode::SUCCESS,
                Ok(_) => ExitCode::FAILURE,
                Err(why) => {
                    eprintln!("error: {why}");
                    ExitCode::FAILURE
                }
            }
        }
        Some("bench") if args.get(1).is_some_and(|a| a == "--compare") => {
            bench::run(&ctx, &args[2..])
        }
        Some("bench") => runner::exit_code(
            ctx.cargo(&["bench", "--workspace"])
                .args(&args[1..])
                .status(),
        ),
        Some("fuzz") if args.len() <= 2 => {
            let seconds = match args.get(1).map(|s| s.parse::<u64>()) {
                None => 60,
                Some(Ok(n)) if n > 0 => n,
                Some(_) => {
                    eprintln!("error: SECS must be a whole number of seconds > 0\n");
                    eprint!("{HELP}");
                    return ExitCode::from(2);
                }
            };
            runner::header(&format!("fuzz: every target for {seconds} s"));
            match fuzz::command(&ctx, seconds) {
                Ok(counts) => {
                    println!("{counts}");
                    if counts.failed > 0 {
                        ExitCode::FAILURE
                    } else {
                        ExitCode::SUCCESS
                    }
                }
                Err(fuzz::Unavailable::Offline(why) | fuzz::Unavailable::Broken(why)) => {
                    eprintln!("error: {why}");
                    ExitCode::FAILURE
                }
            }
        }
        Some("demo") => match demo::DemoArgs::parse(&args[1..]) {
            Ok(demo_args) => demo::run(&ctx, &demo_args),
            Err(why) => {
                eprintln!(
                    "error: {why}; usage: cargo xtask demo [--persona NAME] \
                     [--decline-on-wechat] [--list]\n"
                );
                eprint!("{HELP}");
                ExitCode::from(2)
            }
        },
        Some("soak") => match soak::SoakArgs::parse(&args[1..]) {
            Ok(soak_args) => soak::run(&ctx, &soak_args),
            Err(why) => {
                eprintln!(
                    "error: {why}; usage: cargo xtask soak [SESSIONS] [--seed N] [--lanes N]\n"
                );
                eprint!("{HELP}");
                ExitCode::from(2)
            }
        },
        Some("package") => package::run(&ctx, &args[1..]),
        Some("apk") => apk::run(&ctx, &args[1..]),
        Some("help" | "-h" | "--help") => {
            print!("{HELP}");
            ExitCode::SUCCESS
        }
        Some("test") if matches!(args[1].as_str(), "-h" | "--help") => {
            print!("{HELP}");
            ExitCode::SUCCESS
        }
        other => {
            match other {
                None => eprintln!("error: no command given\n"),
                Some(_) => eprintln!("error: unknown command or arguments: {}\n", args.join(" ")),
            }
            eprint!("{HELP}");
            ExitCode::from(2)
        }
    }
}
