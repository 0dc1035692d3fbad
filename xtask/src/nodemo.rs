//! The demo is a build feature: the app and the CLI a hospital installs (built without it)
//! must not link the sandbox. `cargo tree` of each says what a build links; the same tree with
//! `--features demo` must show the sandbox, or this check could not tell the difference.

use crate::runner::Ctx;

/// The packages a hospital installs, which have the `demo` feature.
const INSTALLED: [&str; 2] = ["facekiosk-app", "facekiosk-cli"];
const SANDBOX: &str = "facekiosk-sandbox";

/// `Ok(note)` when no production build links the sandbox; `Err` names the one that does.
pub fn check(ctx: &Ctx) -> Result<String, String> {
    for package in INSTALLED {
        if links_sandbox(ctx, package, false)? {
            return Err(format!(
                "{package} built without the demo links {SANDBOX} (see `cargo tree -p {package} -i {SANDBOX}`)"
            ));
        }
        if !links_sandbox(ctx, package, true)? {
            return Err(format!(
                "{package} with --features demo shows no {SANDBOX}: this check would see nothing"
            ));
        }
    }
    Ok(format!(
        "{} link no {SANDBOX} without the demo",
        INSTALLED.join(" and ")
    ))
}

fn links_sandbox(ctx: &Ctx, package: &str, demo: bool) -> Result<bool, String> {
    let mut args = vec![
        "tree",
        "-p",
        package,
        "-e",
        "normal,build",
        "--prefix",
        "none",
        "-f",
        "{p}",
    ];
    if demo {
        args.extend(["--features", "demo"]);
    }
    let shown = format!("cargo {}", args.join(" "));
    println!("    + {shown}");
    let output = ctx
        .cargo(&args)
        .output()
        .map_err(|e| format!("could not start cargo: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "{shown}: {}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .any(|line| line.split_whitespace().next() == Some(SANDBOX)))
}
