//! Building the `.deb`: cargo builds the two binaries without the demo, the Tauri CLI bundles
//! them (`tauri bundle`, which builds nothing itself).

use crate::runner::Ctx;
use crate::runner::target_dir;
use crate::setup;
use std::fs;
use std::path::PathBuf;

/// The bundle's configuration, merged over src-tauri/tauri.conf.json.
pub const CONFIG: &str = "packaging/linux/tauri.deb.json";
/// The Tauri CLI that `npm ci` installs in ui/.
const TAURI_CLI: &str = "ui/node_modules/.bin/tauri";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    Debug,
    Release,
}

impl Profile {
    fn dir(self) -> &'static str {
        match self {
            Profile::Debug => "debug",
            Profile::Release => "release",
        }
    }
}

/// `cargo build [--release] -p facekiosk-app -p facekiosk-cli`: no features, so no demo.
pub fn build(ctx: &Ctx, profile: Profile) -> Result<(), String> {
    setup::ui_deps(ctx)?;
    setup::build_ui_if_stale(ctx)?;
    let mut args = vec!["build", "-p", "facekiosk-app", "-p", "facekiosk-cli"];
    if profile == Profile::Release {
        args.push("--release");
    }
    let shown = format!("cargo {}", args.join(" "));
    println!("    + {shown}");
    match ctx.cargo(&args).status() {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(format!("{shown}: {s}")),
        Err(e) => Err(format!("could not start cargo: {e}")),
    }
}

/// `tauri bundle -b deb` of what [`build`] made; the `.deb`'s path.
pub fn deb(ctx: &Ctx, profile: Profile) -> Result<PathBuf, String> {
    let cli = ctx.root.join(TAURI_CLI);
    if !cli.is_file() {
        return Err(format!(
            "no {TAURI_CLI}: run `cargo xtask setup` (npm ci in ui/ installs @tauri-apps/cli)"
        ));
    }
    let out_dir = target_dir(ctx).join(profile.dir()).join("bundle/deb");
    // An older version's package must not be taken for this one.
    if out_dir.is_dir() {
        fs::remove_dir_all(&out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;
    }
    // facekiosk-cli is another crate's binary, at a path that depends on the profile: named
    // here rather than in the committed configuration.
    let cli_binary = target_dir(ctx).join(profile.dir()).join("facekiosk-cli");
    let overlay = format!(
        r#"{{"bundle":{{"linux":{{"deb":{{"files":{{"/usr/bin/facekiosk-cli":"{}"}}}}}}}}}}"#,
        json_escape(&cli_binary.to_string_lossy())
    );
    // --no-binary-patching: patching writes into target/*/facekiosk, a hard link to cargo's
    // own artifact, which would then no longer be what cargo built.
    let mut args = vec!["bundle", "-b", "deb", "--ci", "--no-binary-patching"];
    if profile == Profile::Debug {
        args.push("--debug");
    }
    args.extend(["--config", CONFIG, "--config", &overlay]);
    println!("    + {TAURI_CLI} {}", args.join(" "));
    match ctx.cmd(&cli, &args).status() {
        Ok(s) if s.success() => {}
        Ok(s) => return Err(format!("tauri bundle -b deb: {s}")),
        Err(e) => return Err(format!("could not start {TAURI_CLI}: {e}")),
    }
    let mut debs: Vec<PathBuf> = fs::read_dir(&out_dir)
        .map_err(|e| format!("{}: {e}", out_dir.display()))?
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "deb"))
        .collect();
    match debs.len() {
        1 => Ok(debs.remove(0)),
        n => Err(format!(
            "{n} .deb files in {}, expected 1",
            out_dir.display()
        )),
    }
}

fn json_escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}
