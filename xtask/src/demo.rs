//! `cargo xtask demo [--persona NAME]`: the kiosk in demo mode, in a window when there is a
//! display, else the same session headless through `facekiosk-cli demo`.

use crate::runner::{self, Ctx};
use crate::setup;
use crate::test::target_dir;
use std::process::ExitCode;

pub fn run(ctx: &Ctx, persona: Option<&str>) -> ExitCode {
    let display = ["DISPLAY", "WAYLAND_DISPLAY"]
        .into_iter()
        .any(|key| std::env::var_os(key).is_some_and(|v| !v.is_empty()));
    if !display {
        println!(
            "No display (DISPLAY and WAYLAND_DISPLAY are unset): running the same demo session \
             headless with `facekiosk-cli demo`."
        );
        let mut args = vec!["run", "-q", "-p", "facekiosk-cli", "--", "demo"];
        if let Some(persona) = persona {
            args.extend(["--persona", persona]);
        }
        return runner::exit_code(ctx.cargo(&args).status());
    }

    runner::header("demo: set-up (apt packages to build the app, the UI's node_modules)");
    if let Err(why) = setup::for_demo(ctx) {
        eprintln!("error: {why}");
        return ExitCode::FAILURE;
    }
    if setup::ui_dist_stale(&ctx.root) {
        runner::header("demo: npm run build (ui/ -> ui/dist)");
        let built = ctx
            .cmd("npm", &["run", "build"])
            .current_dir(ctx.root.join(setup::UI_DIR))
            .status()
            .is_ok_and(|s| s.success());
        if !built {
            eprintln!("error: the UI does not build; see the output above");
            return ExitCode::FAILURE;
        }
    }
    runner::header("demo: cargo build -p facekiosk-app");
    match ctx.cargo(&["build", "-p", "facekiosk-app"]).status() {
        Ok(s) if s.success() => {}
        other => return runner::exit_code(other),
    }
    if persona.is_some() {
        println!("    (--persona applies to the headless demo; in the window, pick one on screen)");
    }
    let app = target_dir(ctx).join("debug/facekiosk");
    runner::header(&format!("demo: {} --demo", app.display()));
    runner::exit_code(
        ctx.cmd(&app, &["--demo"])
            .env("FACEKIOSK_ALLOW_CLOSE", "1")
            .status(),
    )
}
