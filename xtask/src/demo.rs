//! `cargo xtask demo [--persona NAME] [--decline-on-wechat] [--list]`: the kiosk in demo mode,
//! in a window when there is a display, else the same session headless through
//! `facekiosk-cli demo`, which gets the flags as given.

use crate::runner::target_dir;
use crate::runner::{self, Ctx};
use crate::setup;
use std::process::ExitCode;

/// The flags of `cargo xtask demo`: those of `facekiosk-cli demo` it passes on.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DemoArgs {
    /// `--persona NAME`: who looks into the camera (headless).
    pub persona: Option<String>,
    /// `--decline-on-wechat`: decline on WeChat's screen instead of confirming (headless).
    pub decline_on_wechat: bool,
    /// `--list`: list the personas and exit (display or not).
    pub list: bool,
}

impl DemoArgs {
    /// Reads the flags after `demo`, in any order, each at most once.
    pub fn parse(args: &[String]) -> Result<DemoArgs, String> {
        let mut out = DemoArgs::default();
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--persona" if out.persona.is_none() => match args.next() {
                    Some(name) if !name.starts_with("--") => out.persona = Some(name.clone()),
                    _ => return Err("--persona needs a NAME (see --list)".into()),
                },
                "--decline-on-wechat" if !out.decline_on_wechat => out.decline_on_wechat = true,
                "--list" if !out.list => out.list = true,
                "--persona" | "--decline-on-wechat" | "--list" => {
                    return Err(format!("{arg} is given twice"));
                }
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        Ok(out)
    }

    /// The arguments of `facekiosk-cli demo` for these flags.
    fn cli_args(&self) -> Vec<&str> {
        let mut args = Vec::new();
        if let Some(persona) = &self.persona {
            args.extend(["--persona", persona.as_str()]);
        }
        if self.decline_on_wechat {
            args.push("--decline-on-wechat");
        }
        if self.list {
            args.push("--list");
        }
        args
    }
}

/// `cargo run -q -p facekiosk-cli --features demo -- demo ARGS`: the headless session (or the
/// persona list).
fn headless(ctx: &Ctx, args: &DemoArgs) -> ExitCode {
    let mut cargo = vec![
        "run",
        "-q",
        "-p",
        "facekiosk-cli",
        "--features",
        "demo",
        "--",
        "demo",
    ];
    cargo.extend(args.cli_args());
    runner::exit_code(ctx.cargo(&cargo).status())
}

pub fn run(ctx: &Ctx, args: &DemoArgs) -> ExitCode {
    if args.list {
        return headless(ctx, args);
    }
    let display = ["DISPLAY", "WAYLAND_DISPLAY"]
        .into_iter()
        .any(|key| std::env::var_os(key).is_some_and(|v| !v.is_empty()));
    if !display {
        println!(
            "No display (DISPLAY and WAYLAND_DISPLAY are unset): running the same demo session \
             headless with `facekiosk-cli demo`."
        );
        return headless(ctx, args);
    }

    runner::header("demo: set-up (apt packages to build the app, Node.js, the UI's node_modules)");
    if let Err(why) = setup::for_demo(ctx) {
        eprintln!("error: {why}");
        return ExitCode::FAILURE;
    }
    if let Err(why) = setup::build_ui_if_stale(ctx) {
        eprintln!("error: {why}");
        return ExitCode::FAILURE;
    }
    runner::header("demo: cargo build -p facekiosk-app --features demo");
    match ctx
        .cargo(&["build", "-p", "facekiosk-app", "--features", "demo"])
        .status()
    {
        Ok(s) if s.success() => {}
        other => return runner::exit_code(other),
    }
    if args.persona.is_some() || args.decline_on_wechat {
        println!(
            "    (--persona and --decline-on-wechat apply to the headless demo; in the window, \
             pick a persona and answer WeChat's screen on screen)"
        );
    }
    let app = target_dir(ctx).join("debug/facekiosk");
    runner::header(&format!("demo: {} --demo", app.display()));
    runner::exit_code(
        ctx.cmd(&app, &["--demo"])
            .env("FACEKIOSK_ALLOW_CLOSE", "1")
            .status(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<DemoArgs, String> {
        DemoArgs::parse(&args.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>())
    }

    #[test]
    fn flags_in_any_order_reach_the_cli() {
        assert_eq!(parse(&[]).unwrap().cli_args(), Vec::<&str>::new());
        let a = parse(&["--decline-on-wechat", "--persona", "minor"]).unwrap();
        assert_eq!(a.cli_args(), ["--persona", "minor", "--decline-on-wechat"]);
        let a = parse(&["--list"]).unwrap();
        assert!(a.list && a.persona.is_none() && !a.decline_on_wechat);
        assert_eq!(a.cli_args(), ["--list"]);
    }

    #[test]
    fn bad_flags_are_refused() {
        assert!(parse(&["--persona"]).is_err());
        assert!(parse(&["--persona", "--list"]).is_err());
        assert!(parse(&["--persona", "a", "--persona", "b"]).is_err());
        assert!(parse(&["--list", "--list"]).is_err());
        assert!(parse(&["zhang-san"]).is_err());
        assert!(parse(&["--decline"]).is_err());
    }
}
