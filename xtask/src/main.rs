//! Project automation for the facekiosk workspace, run as `cargo xtask <command>`.
//!
//! Std-only on purpose so that it builds in seconds on a fresh machine.

mod runner;
mod setup;
mod summary;
mod test;

use std::process::ExitCode;

const HELP: &str = "\
Usage: cargo xtask <command> [args]

Commands:
  test          Set up this machine (apt packages, JAVA_HOME, python venv), then run
                fmt, clippy, cargo tests, doc tests, python tests and the Android check.
                Ends with one line `N passed, M failed[, K skipped]`; exits non-zero if
                anything failed.
  bench [ARGS]  Run `cargo bench --workspace [ARGS]` (ARGS are passed through).
  demo          Run the demo (arrives with the kiosk app).
  help          Show this help (also -h, --help).
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut ctx = runner::Ctx::new();
    match args.first().map(String::as_str) {
        Some("test") if args.len() == 1 => test::run(&mut ctx),
        Some("bench") => runner::exit_code(
            ctx.cargo(&["bench", "--workspace"])
                .args(&args[1..])
                .status(),
        ),
        Some("demo") => {
            println!("The demo arrives with the kiosk app; it is not available yet.");
            ExitCode::from(2)
        }
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
