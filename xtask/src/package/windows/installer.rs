//! The NSIS installer: the release binaries, `WebView2Loader.dll` (the WebView2 SDK's loader,
//! which the app loads at start and Windows does not ship), the icon, the consent texts and a
//! Windows version of the example configuration, staged in `target/windows/stage` and packed
//! by `makensis` from `packaging/windows/facekiosk.nsi`.

use std::path::{Path, PathBuf};

use super::wine::Wine;
use super::{run, target_dir};
use crate::runner::{self, Ctx};

const SCRIPT: &str = "packaging/windows/facekiosk.nsi";
/// The example configuration, written for Linux; [`windows_example`] adapts it.
const EXAMPLE: &str = "packaging/linux/kiosk.toml.example";

/// Stages the files and runs makensis; answers `target/windows/facekiosk-setup-<v>.exe`.
pub fn build(ctx: &Ctx, bin: &Path, version: &str) -> Result<PathBuf, String> {
    let makensis = runner::which("makensis").ok_or("no makensis (apt-get install nsis)")?;
    let stage = target_dir(ctx).join("stage");
    let _ = std::fs::remove_dir_all(&stage);
    std::fs::create_dir_all(&stage).map_err(|e| format!("{}: {e}", stage.display()))?;
    for exe in ["facekiosk.exe", "facekiosk-cli.exe"] {
        copy(&bin.join(exe), &stage.join(exe))?;
        // The symbols are a third of each .exe and serve no kiosk.
        run(
            ctx.cmd("x86_64-w64-mingw32-strip", &[])
                .arg(stage.join(exe)),
            "x86_64-w64-mingw32-strip",
        )?;
        self_contained(ctx, &stage.join(exe))?;
    }
    copy(&webview2_loader(bin)?, &stage.join("WebView2Loader.dll"))?;
    copy(
        &ctx.root.join("src-tauri/icons/icon.ico"),
        &stage.join("icon.ico"),
    )?;
    copy_tree(&ctx.root.join("assets/consent"), &stage.join("consent"))?;
    let example =
        std::fs::read_to_string(ctx.root.join(EXAMPLE)).map_err(|e| format!("{EXAMPLE}: {e}"))?;
    std::fs::write(stage.join("kiosk.toml.example"), windows_example(&example))
        .map_err(|e| format!("kiosk.toml.example: {e}"))?;
    let setup = target_dir(ctx).join(format!("facekiosk-setup-{version}.exe"));
    let define = |name: &str, value: &str| format!("-D{name}={value}");
    run(
        ctx.cmd(&makensis, &["-V2", "-INPUTCHARSET", "UTF8"])
            .arg(define("VERSION", version))
            .arg(define("STAGE", &stage.display().to_string()))
            .arg(define("OUTFILE", &setup.display().to_string()))
            .arg(ctx.root.join(SCRIPT)),
        "makensis",
    )?;
    Ok(setup)
}

/// Refuses an `.exe` that needs a DLL of mingw-w64's (`libgcc_s_seh-1.dll`,
/// `libwinpthread-1.dll`, `libstdc++-6.dll`): Windows has none, and the installer ships only
/// `WebView2Loader.dll` beside the programs.
fn self_contained(ctx: &Ctx, exe: &Path) -> Result<(), String> {
    let out = ctx
        .cmd("x86_64-w64-mingw32-objdump", &["-p"])
        .arg(exe)
        .output()
        .map_err(|e| format!("x86_64-w64-mingw32-objdump: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mingw: Vec<&str> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("DLL Name: "))
        .filter(|dll| dll.to_ascii_lowercase().starts_with("lib"))
        .collect();
    if !out.status.success() || !mingw.is_empty() {
        return Err(format!(
            "{} needs {mingw:?} ({})",
            exe.display(),
            out.status
        ));
    }
    Ok(())
}

/// The loader the `webview2-com-sys` build script copied out of its crate for this build.
fn webview2_loader(bin: &Path) -> Result<PathBuf, String> {
    let build = bin.join("build");
    let found = std::fs::read_dir(&build)
        .map_err(|e| format!("{}: {e}", build.display()))?
        .filter_map(Result::ok)
        .filter(|d| {
            d.file_name()
                .to_string_lossy()
                .starts_with("webview2-com-sys-")
        })
        .map(|d| d.path().join("out/x64/WebView2Loader.dll"))
        .filter(|p| p.is_file())
        .max_by_key(|p| p.metadata().and_then(|m| m.modified()).ok());
    found.ok_or_else(|| format!("no WebView2Loader.dll under {}", build.display()))
}

/// The Linux example with Windows paths and a Windows preamble: the fields are the same.
fn windows_example(linux: &str) -> String {
    let body: String = linux
        .lines()
        .skip_while(|l| l.starts_with('#'))
        .map(|l| {
            // TOML basic strings take forward slashes on Windows, which avoids escaping.
            l.replace("/var/lib/facekiosk", "C:/ProgramData/facekiosk/data")
                .replace("/etc/facekiosk", "C:/ProgramData/facekiosk")
                .replace("/usr/share/facekiosk", "C:/Program Files/facekiosk")
                .replace("/usr/bin/adb", "C:/platform-tools/adb.exe")
                .replace("mode 600", "owner-only ACL")
                + "\r\n"
        })
        .collect();
    format!("{WINDOWS_PREAMBLE}{body}").replace("\r\n\r\n\r\n", "\r\n\r\n")
}

const WINDOWS_PREAMBLE: &str = "\
# facekiosk: the kiosk's configuration, an example, installed as\r
# C:\\ProgramData\\facekiosk\\kiosk.toml.example; the kiosk reads kiosk.toml beside it (copy\r
# this file there and fill it in). Until that file exists the kiosk opens on its \"not set up\"\r
# screen. The installer lets only SYSTEM, the Administrators and the kiosk's account read this\r
# folder; key files put here keep that (a key Users or Everyone may read is refused).\r
#\r
#   copy kiosk.toml.example kiosk.toml\r
#   \"C:\\Program Files\\facekiosk\\facekiosk-cli.exe\" doctor\r
#\r
# Relative paths are relative to this folder. Write paths with forward slashes\r
# (C:/ProgramData/facekiosk/data) or doubled backslashes. Every invalid field is reported at\r
# once as `section.field: rule`. The values below are placeholders: WeChat's documentation\r
# merchant, not a hospital's.\r
\r
";

fn copy(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::copy(from, to)
        .map(drop)
        .map_err(|e| format!("copy {} to {}: {e}", from.display(), to.display()))
}

fn copy_tree(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    let entries = std::fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))?;
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            copy_tree(&path, &to.join(entry.file_name()))?;
        } else {
            copy(&path, &to.join(entry.file_name()))?;
        }
    }
    Ok(())
}

/// What must land where the installer puts it, relative to `C:\`.
const INSTALLED: [&str; 6] = [
    "Program Files/facekiosk/facekiosk.exe",
    "Program Files/facekiosk/facekiosk-cli.exe",
    "Program Files/facekiosk/WebView2Loader.dll",
    "Program Files/facekiosk/uninstall.exe",
    "ProgramData/facekiosk/kiosk.toml.example",
    "ProgramData/facekiosk/logs",
];

/// `setup /S` under Wine: the files land, the installed CLI runs, and `uninstall /S` removes
/// the program but keeps the kiosk's data. Answers what was verified.
pub fn check(wine: &Wine, setup: &Path, version: &str) -> Result<String, String> {
    let c = wine.drive_c();
    let installed = wine.run(setup, &["/S", "/ACCOUNT=kiosk"])?;
    if installed.code != 0 {
        return Err(format!("setup /S under Wine: exit {}", installed.code));
    }
    let missing: Vec<&str> = INSTALLED
        .into_iter()
        .filter(|p| !c.join(p).exists())
        .collect();
    if !missing.is_empty() {
        return Err(format!("setup /S under Wine: missing {missing:?}"));
    }
    let cli = c.join("Program Files/facekiosk/facekiosk-cli.exe");
    super::cli_check::version(wine, &cli, "facekiosk-cli", version)?;
    // The app loads (its DLLs, WebView2Loader.dll beside it, resolve) and has no demo; its
    // window needs the WebView2 Runtime, which Wine lacks.
    let app = c.join("Program Files/facekiosk/facekiosk.exe");
    super::cli_check::version(wine, &app, "facekiosk", version)?;
    let demo = wine.run(&app, &["--demo"])?;
    if demo.code != 2 || !demo.stderr.contains("has no demo") {
        return Err(format!(
            "facekiosk.exe --demo under Wine: want exit 2, \"has no demo\"; got {}: {}",
            demo.code, demo.stderr
        ));
    }
    // The uninstaller copies itself to %TEMP% and returns at once: wait for the copy.
    let uninstall = c.join("Program Files/facekiosk/uninstall.exe");
    let removed = wine.run(&uninstall, &["/S"])?;
    if removed.code != 0 {
        return Err(format!("uninstall /S under Wine: exit {}", removed.code));
    }
    wine.wait();
    let left: Vec<&str> = INSTALLED[..3]
        .iter()
        .copied()
        .filter(|p| c.join(p).exists())
        .collect();
    if !left.is_empty() {
        return Err(format!("uninstall /S under Wine: left {left:?}"));
    }
    if !c.join(INSTALLED[4]).exists() {
        return Err(
            "uninstall /S under Wine: removed the kiosk's data (kept unless /PURGE)".into(),
        );
    }
    Ok(format!(
        "{} under Wine: setup /S installed {} files and folders, facekiosk-cli --version and \
         facekiosk --version ran from Program Files (the app refuses --demo), uninstall /S removed the program and kept %ProgramData%\\facekiosk",
        setup.display(),
        INSTALLED.len()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_windows_example_names_windows_paths_only() {
        let linux = "# linux header\n# more\n\n[kiosk]\nrecords = \"/var/lib/facekiosk/r.sqlite\"\n\
                     # keys in /etc/facekiosk, mode 600\n";
        let windows = windows_example(linux);
        assert!(windows.starts_with("# facekiosk: the kiosk's configuration, an example"));
        assert!(windows.contains("records = \"C:/ProgramData/facekiosk/data/r.sqlite\"\r\n"));
        assert!(windows.contains("# keys in C:/ProgramData/facekiosk, owner-only ACL\r\n"));
        assert!(!windows.contains("linux header"));
        assert!(!windows.contains("/var/") && !windows.contains("/etc/"));
    }
}
