//! `cargo xtask soak`: the sandbox's soak runner (`sandbox/examples/soak/`), built with
//! optimisations so that the numbers are the kiosk's and not the debug build's.

use std::process::ExitCode;

use crate::runner::{self, Ctx};

/// The runner's arguments, checked here so that a typo fails before a release build.
#[derive(Debug, PartialEq, Eq)]
pub struct SoakArgs(Vec<String>);

impl SoakArgs {
    pub fn parse(args: &[String]) -> Result<SoakArgs, String> {
        let whole = |what: &str, v: Option<&String>| match v.map(|v| v.parse::<u64>()) {
            Some(Ok(_)) => Ok(()),
            _ => Err(format!("{what} needs a whole number")),
        };
        let mut i = 0;
        let mut sessions = false;
        while i < args.len() {
            match args[i].as_str() {
                flag @ ("--seed" | "--lanes") => {
                    whole(flag, args.get(i + 1))?;
                    i += 1;
                }
                n if !sessions && n.parse::<u64>().is_ok_and(|n| n > 0) => sessions = true,
                other => return Err(format!("unexpected argument {other}")),
            }
            i += 1;
        }
        Ok(SoakArgs(args.to_vec()))
    }
}

pub fn run(ctx: &Ctx, args: &SoakArgs) -> ExitCode {
    runner::header("soak: patient sessions under random faults (release build)");
    let mut cmd = ctx.cargo(&[
        "run",
        "--release",
        "-p",
        "facekiosk-sandbox",
        "--example",
        "soak",
        "--",
    ]);
    runner::exit_code(cmd.args(&args.0).status())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<SoakArgs, String> {
        SoakArgs::parse(&args.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn sessions_seed_and_lanes_are_passed_on_and_typos_refused() {
        assert!(parse(&[]).is_ok());
        assert!(parse(&["200", "--seed", "7", "--lanes", "4"]).is_ok());
        assert!(parse(&["--seed", "7", "200"]).is_ok());
        assert_eq!(
            parse(&["--seed"]).unwrap_err(),
            "--seed needs a whole number"
        );
        assert_eq!(
            parse(&["--lanes", "x"]).unwrap_err(),
            "--lanes needs a whole number"
        );
        assert_eq!(parse(&["0"]).unwrap_err(), "unexpected argument 0");
        assert_eq!(
            parse(&["200", "300"]).unwrap_err(),
            "unexpected argument 300"
        );
        assert_eq!(parse(&["--sed"]).unwrap_err(), "unexpected argument --sed");
    }
}
