//! Machine set-up for `cargo xtask test` and `cargo xtask demo`: Debian packages, JAVA_HOME,
//! the python venv (with the E2E requirements), tauri-driver, Node.js, the UI's node_modules and
//! its build, and the Android rust target. Idempotent, and quick when everything is already in place;
//! what cannot be installed is reported with the exact command to run.

use crate::disk;
use crate::runner::{Ctx, which};
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// A Debian package the tests need.
#[derive(Debug)]
pub struct AptPackage {
    /// Name to `apt-get install`.
    pub package: &'static str,
    /// What proves it is already installed.
    pub proof: Proof,
    /// Why the tests need it.
    pub why: &'static str,
    /// Who needs it: `cargo xtask demo` installs only [`Need::App`].
    pub need: Need,
}

/// Who needs a package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// The Rust and JVM tests (`cargo xtask test`).
    Tests,
    /// Building and running the kiosk app (src-tauri): the tests, the E2E and the demo.
    App,
    /// The end-to-end tests: a virtual display, a window manager, the WebDriver chain.
    E2e,
    /// The packages a hospital installs (`cargo xtask package`, `cargo xtask apk`) and their
    /// checks in the test run.
    Packaging,
}

#[derive(Debug)]
pub enum Proof {
    /// An executable on PATH.
    Binary(&'static str),
    /// An absolute path that exists.
    File(&'static str),
    /// `python3 -c "import MODULE"` succeeds (the python3 on PATH, the one the venv is made with).
    PythonModule(&'static str),
}

impl Proof {
    fn holds(&self) -> bool {
        match self {
            Proof::Binary(name) => which(name).is_some(),
            Proof::File(path) => Path::new(path).exists(),
            Proof::PythonModule(module) => std::process::Command::new("python3")
                .args(["-c", &format!("import {module}")])
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status()
                .is_ok_and(|s| s.success()),
        }
    }
}

impl fmt::Display for Proof {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Proof::Binary(name) => write!(f, "no `{name}` on PATH"),
            Proof::File(path) => write!(f, "no {path}"),
            Proof::PythonModule(module) => write!(f, "python3 cannot import {module}"),
        }
    }
}

/// Every Debian package the tests need: the one place to add more.
pub const APT_PACKAGES: &[AptPackage] = &[
    AptPackage {
        package: "adb",
        proof: Proof::Binary("adb"),
        why: "the bridge tests drive the real adb CLI against a fake adb server",
        need: Need::Tests,
    },
    // Debian's python3 has no venv support (ensurepip) without it; it pulls python3 in too.
    AptPackage {
        package: "python3-venv",
        proof: Proof::PythonModule("ensurepip"),
        why: "`python3 -m venv` for target/py-venv (the Python suites and the E2E tests)",
        need: Need::Tests,
    },
    AptPackage {
        package: "openjdk-17-jdk-headless",
        proof: Proof::Binary("javac"),
        why: "javac, and JAVA_HOME (found from it) for the Java side of the Android bridge",
        need: Need::Tests,
    },
    // Building the Tauri app (WebKitGTK 4.1 and its -dev packages, as src-tauri/README.md says); the -dev packages are needed at build
    // time even by the mock-runtime tests of src-tauri.
    AptPackage {
        package: "build-essential",
        proof: Proof::File("/usr/share/build-essential/list"),
        why: "a C toolchain for the -sys crates of the app",
        need: Need::App,
    },
    AptPackage {
        package: "pkg-config",
        proof: Proof::Binary("pkg-config"),
        why: "the -sys crates find GTK and WebKitGTK through it",
        need: Need::App,
    },
    AptPackage {
        package: "libwebkit2gtk-4.1-dev",
        proof: Proof::File("/usr/include/webkitgtk-4.1/webkit2/webkit2.h"),
        why: "WebKitGTK and GTK 3, the app's webview",
        need: Need::App,
    },
    AptPackage {
        package: "libssl-dev",
        proof: Proof::File("/usr/include/openssl/ssl.h"),
        why: "OpenSSL headers for the Tauri build",
        need: Need::App,
    },
    AptPackage {
        package: "libxdo-dev",
        proof: Proof::File("/usr/include/xdo.h"),
        why: "libxdo, which Tauri's menu crate links",
        need: Need::App,
    },
    AptPackage {
        package: "libayatana-appindicator3-dev",
        proof: Proof::File(
            "/usr/include/libayatana-appindicator3-0.1/libayatana-appindicator/app-indicator.h",
        ),
        why: "the tray library Tauri loads on Linux",
        need: Need::App,
    },
    AptPackage {
        package: "librsvg2-dev",
        proof: Proof::File("/usr/include/librsvg-2.0/librsvg/rsvg.h"),
        why: "SVG icons in the Tauri build",
        need: Need::App,
    },
    // The end-to-end tests: the real binary under Xvfb, driven through WebDriver (§3, §4).
    AptPackage {
        package: "xvfb",
        proof: Proof::Binary("xvfb-run"),
        why: "the virtual display the E2E tests and the startup measurement run on",
        need: Need::E2e,
    },
    AptPackage {
        package: "xauth",
        proof: Proof::Binary("xauth"),
        why: "xvfb-run's X authority",
        need: Need::E2e,
    },
    AptPackage {
        package: "webkit2gtk-driver",
        proof: Proof::Binary("WebKitWebDriver"),
        why: "the native WebDriver that tauri-driver starts",
        need: Need::E2e,
    },
    AptPackage {
        package: "matchbox-window-manager",
        proof: Proof::Binary("matchbox-window-manager"),
        why: "a window manager, without which Xvfb ignores fullscreen (window stays 800x600)",
        need: Need::E2e,
    },
    AptPackage {
        package: "dbus",
        proof: Proof::Binary("dbus-run-session"),
        why: "a D-Bus session bus for the app (single-instance) under test",
        need: Need::E2e,
    },
    AptPackage {
        package: "dbus-x11",
        proof: Proof::Binary("dbus-launch"),
        why: "D-Bus autolaunch for X11 sessions",
        need: Need::E2e,
    },
    AptPackage {
        package: "at-spi2-core",
        proof: Proof::File("/usr/libexec/at-spi-bus-launcher"),
        why: "the accessibility bus GTK looks for (no AT-SPI warnings or stalls)",
        need: Need::E2e,
    },
    AptPackage {
        package: "fonts-wqy-microhei",
        proof: Proof::File("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
        why: "Chinese glyphs in the screenshots (5 MB, against 91 MB for fonts-noto-cjk)",
        need: Need::E2e,
    },
    AptPackage {
        package: "x11-utils",
        proof: Proof::Binary("xwininfo"),
        why: "xwininfo/xprop: window geometry checks",
        need: Need::E2e,
    },
    AptPackage {
        package: "x11-apps",
        proof: Proof::Binary("xwd"),
        why: "xwd: the E2E screenshots (WebDriver's hang with WebKit compositing off)",
        need: Need::E2e,
    },
    AptPackage {
        package: "xdotool",
        proof: Proof::Binary("xdotool"),
        why: "window geometry and input under Xvfb",
        need: Need::E2e,
    },
    // The packages (issue 13): the kiosk for Windows, the bridge APK, the Linux kiosk session.
    AptPackage {
        package: "gcc-mingw-w64-x86-64-posix",
        proof: Proof::Binary("x86_64-w64-mingw32-gcc-posix"),
        why: "the linker and C compiler of the Windows build (x86_64-pc-windows-gnu)",
        need: Need::Packaging,
    },
    AptPackage {
        package: "g++-mingw-w64-x86-64-posix",
        proof: Proof::Binary("x86_64-w64-mingw32-g++-posix"),
        why: "C++ for the Windows build's -sys crates (WebView2 loader)",
        need: Need::Packaging,
    },
    AptPackage {
        package: "nasm",
        proof: Proof::Binary("nasm"),
        why: "aws-lc-sys assembles AWS-LC's Windows .asm files with it (the Windows build)",
        need: Need::Packaging,
    },
    AptPackage {
        package: "systemd",
        proof: Proof::Binary("systemd-analyze"),
        why: "systemd-analyze verify on the .deb's kiosk unit",
        need: Need::Packaging,
    },
    AptPackage {
        package: "nsis",
        proof: Proof::Binary("makensis"),
        why: "the Windows installer (packaging/windows/facekiosk.nsi)",
        need: Need::Packaging,
    },
    AptPackage {
        package: "wine64",
        proof: Proof::File("/usr/lib/wine/wine64"),
        why: "runs facekiosk-cli.exe in the Windows check (/usr/lib/wine/wine64: Debian puts it off PATH)",
        need: Need::Packaging,
    },
    AptPackage {
        package: "cage",
        proof: Proof::Binary("cage"),
        why: "the Wayland kiosk compositor the .deb's session runs the kiosk in (unit check)",
        need: Need::Packaging,
    },
    AptPackage {
        package: "aapt",
        proof: Proof::Binary("aapt2"),
        why: "compiles and links the bridge APK's resources, and dumps its badging",
        need: Need::Packaging,
    },
    AptPackage {
        package: "android-framework-res",
        proof: Proof::File("/usr/share/android-framework-res/framework-res.apk"),
        why: "the platform's resources the bridge APK links against",
        need: Need::Packaging,
    },
    AptPackage {
        package: "zipalign",
        proof: Proof::Binary("zipalign"),
        why: "aligns the bridge APK",
        need: Need::Packaging,
    },
    AptPackage {
        package: "apksigner",
        proof: Proof::Binary("apksigner"),
        why: "signs and verifies the bridge APK",
        need: Need::Packaging,
    },
    AptPackage {
        package: "dexdump",
        proof: Proof::Binary("dexdump"),
        why: "checks the bridge's classes are in classes.dex",
        need: Need::Packaging,
    },
    AptPackage {
        package: "clang-14",
        proof: Proof::Binary("clang-14"),
        why: "links the bridge's Rust library for Android (aarch64-linux-android24)",
        need: Need::Packaging,
    },
    AptPackage {
        package: "lld-14",
        proof: Proof::Binary("ld.lld-14"),
        why: "the linker clang uses for the Android library",
        need: Need::Packaging,
    },
];

/// The Rust target of the terminal's bridge library (checked, not linked, by `cargo xtask test`).
pub const ANDROID_TARGET: &str = "aarch64-linux-android";
/// The Rust target of the Windows kiosk (mingw-w64; MSVC needs Microsoft's downloads).
pub const WINDOWS_TARGET: &str = "x86_64-pc-windows-gnu";

pub const VENV: &str = "target/py-venv";
/// Requirements installed into the one venv, each with its own stamp (inside the venv: the hash
/// of the file last installed).
const REQUIREMENTS: &[(&str, &str)] = &[
    ("tests/python/requirements.txt", "requirements.hash"),
    ("tests/e2e/requirements.txt", "e2e-requirements.hash"),
];

/// The UI (Vite): `npm ci` here, `npm run build` writes [`UI_DIST`], which src-tauri embeds at
/// compile time.
pub const UI_DIR: &str = "ui";
pub const UI_DIST: &str = "ui/dist";
/// Inside node_modules: hash of the package-lock.json last installed.
const NPM_STAMP: &str = "node_modules/.facekiosk-lock.hash";

pub const TAURI_DRIVER_INSTALL: &str = "cargo install tauri-driver --locked";

/// Runs every part of the set-up `cargo xtask test` needs (a failing part does not stop the
/// others). `Err` carries a one-line reason per failed part.
pub fn run(ctx: &mut Ctx) -> Result<(), String> {
    disk::ci_build_settings(ctx);
    disk::check_free_space(&ctx.root);
    let errors: Vec<String> = [
        apt_packages(ctx, &[Need::Tests, Need::App, Need::E2e, Need::Packaging]),
        java_home(ctx),
        python_venv(ctx),
        tauri_driver(ctx).map(drop),
        ui_deps(ctx),
        validators_deps(ctx),
    ]
    .into_iter()
    .filter_map(Result::err)
    .collect();
    android_target(ctx);
    joined(errors)
}

/// The set-up `cargo xtask demo` needs: what builds the app, and the UI's node_modules.
pub fn for_demo(ctx: &Ctx) -> Result<(), String> {
    let errors: Vec<String> = [apt_packages(ctx, &[Need::App]), ui_deps(ctx)]
        .into_iter()
        .filter_map(Result::err)
        .collect();
    joined(errors)
}

fn joined(errors: Vec<String>) -> Result<(), String> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("; "))
    }
}

fn apt_packages(ctx: &Ctx, needs: &[Need]) -> Result<(), String> {
    let missing: Vec<&AptPackage> = APT_PACKAGES
        .iter()
        .filter(|p| needs.contains(&p.need) && !p.proof.holds())
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    for p in &missing {
        println!(
            "    missing Debian package {} ({}): {}",
            p.package, p.proof, p.why
        );
    }
    let names: Vec<&str> = missing.iter().map(|p| p.package).collect();
    let install = format!(
        "sudo apt-get update && sudo apt-get install -y --no-install-recommends {}",
        names.join(" ")
    );
    if !is_root() {
        println!("    not root; install them with:\n        {install}");
        return Err(format!("missing Debian packages; run: {install}"));
    }
    let mut args = vec!["install", "-y", "--no-install-recommends"];
    args.extend(&names);
    if let Err(e) = apt_get(ctx, &["update"]).and_then(|()| apt_get(ctx, &args)) {
        println!("    could not install them; the command is:\n        {install}");
        return Err(e);
    }
    match missing.iter().find(|p| !p.proof.holds()) {
        Some(p) => Err(format!(
            "installed {} but there is still {}",
            p.package, p.proof
        )),
        None => Ok(()),
    }
}

fn apt_get(ctx: &Ctx, args: &[&str]) -> Result<(), String> {
    let shown = format!("apt-get {}", args.join(" "));
    println!("    + {shown}");
    let status = ctx
        .cmd("apt-get", args)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .status();
    match status {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(format!("`{shown}` failed ({s})")),
        Err(e) => Err(format!("could not run `{shown}`: {e}")),
    }
}

/// Where tauri-driver is: on PATH, or in cargo's bin directory (where `cargo install` puts it).
pub fn find_tauri_driver() -> Option<PathBuf> {
    which("tauri-driver").or_else(|| {
        let cargo_home = std::env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))?;
        let path = cargo_home.join("bin/tauri-driver");
        path.is_file().then_some(path)
    })
}

/// Installs tauri-driver (the WebDriver proxy in front of WebKitWebDriver) when it is missing.
pub fn tauri_driver(ctx: &Ctx) -> Result<PathBuf, String> {
    if let Some(path) = find_tauri_driver() {
        return Ok(path);
    }
    println!("    + {TAURI_DRIVER_INSTALL}");
    let installed = ctx
        .cargo(&["install", "tauri-driver", "--locked"])
        .status()
        .is_ok_and(|s| s.success());
    match find_tauri_driver() {
        Some(path) if installed => Ok(path),
        _ => {
            println!(
                "    could not install tauri-driver; the command is:\n        {TAURI_DRIVER_INSTALL}"
            );
            Err(format!("no tauri-driver; run: {TAURI_DRIVER_INSTALL}"))
        }
    }
}

/// The independent validators' npm packages (the FHIR validator), for the Python suite.
pub const VALIDATORS_DIR: &str = "tests/validators";

/// `npm ci` in ui/ when node_modules is missing or package-lock.json changed since the last
/// install (a hash stamp inside node_modules). Nothing to do before ui/ exists.
pub fn ui_deps(ctx: &Ctx) -> Result<(), String> {
    npm_deps(ctx, UI_DIR)
}

/// The same for the validators the Python suite runs.
pub fn validators_deps(ctx: &Ctx) -> Result<(), String> {
    npm_deps(ctx, VALIDATORS_DIR)
}

fn npm_deps(ctx: &Ctx, dir: &str) -> Result<(), String> {
    let folder = ctx.root.join(dir);
    if !folder.join("package.json").is_file() {
        return Ok(());
    }
    node(ctx)?;
    // Without a lockfile `npm ci` refuses; `npm install` then stands in, keyed on package.json.
    let (lock, args): (&str, &[&str]) = if folder.join("package-lock.json").is_file() {
        ("package-lock.json", &["ci", "--no-audit", "--no-fund"])
    } else {
        ("package.json", &["install", "--no-audit", "--no-fund"])
    };
    let bytes = fs::read(folder.join(lock)).map_err(|e| format!("reading {dir}/{lock}: {e}"))?;
    let hash = format!("{:016x}\n", fnv1a(&bytes));
    let stamp = folder.join(NPM_STAMP);
    if folder.join("node_modules").is_dir()
        && fs::read_to_string(&stamp).is_ok_and(|old| old == hash)
    {
        return Ok(());
    }
    let shown = format!("(cd {dir} && npm {})", args.join(" "));
    println!("    + {shown}");
    let ok = ctx
        .cmd("npm", args)
        .current_dir(&folder)
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        println!("    `npm` failed; the command is:\n        {shown}");
        return Err(format!("`{shown}` failed"));
    }
    fs::write(&stamp, hash).map_err(|e| format!("writing {}: {e}", stamp.display()))
}

/// The Node.js versions ui/'s tools accept (the `engines` of their package.json in
/// ui/node_modules): vite 8 and rolldown `^20.19.0 || >=22.12.0`, jsdom 29
/// `^20.19.0 || ^22.13.0 || >=24.0.0`, vitest 4 `^20.0.0 || ^22.0.0 || >=24.0.0`.
pub const NODE_REQUIREMENT: &str = "Node.js 20.19 or later 20.x, 22.13 or later 22.x, or 24+";

/// Whether Node.js `major.minor` satisfies [`NODE_REQUIREMENT`].
pub fn node_supported((major, minor): (u32, u32)) -> bool {
    match major {
        20 => minor >= 19,
        22 => minor >= 13,
        major => major >= 24,
    }
}

/// `major.minor` at the start of a version: `v20.20.2`, `18.20.4+dfsg-1~deb12u3`, `1:22.1.0`.
fn major_minor(version: &str) -> Option<(u32, u32)> {
    let v = version.trim();
    let v = v.strip_prefix('v').unwrap_or(v);
    let v = v.split_once(':').map_or(v, |(_epoch, rest)| rest);
    let mut parts = v.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor: String = parts
        .next()?
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    Some((major, minor.parse().ok()?))
}

/// The version `node --version` reports, if there is a node.
fn node_version(ctx: &Ctx) -> Option<(u32, u32)> {
    let out = ctx.cmd("node", &["--version"]).output().ok()?;
    out.status
        .success()
        .then(|| major_minor(&String::from_utf8_lossy(&out.stdout)))
        .flatten()
}

/// What `apt-cache policy PACKAGE` says: the installed version and the candidate.
#[derive(Debug, Default, PartialEq, Eq)]
struct AptPolicy {
    installed: Option<String>,
    candidate: Option<String>,
}

fn apt_policy(ctx: &Ctx, package: &str) -> AptPolicy {
    ctx.cmd("apt-cache", &["policy", package])
        .output()
        .map(|out| parse_apt_policy(&String::from_utf8_lossy(&out.stdout)))
        .unwrap_or_default()
}

fn parse_apt_policy(text: &str) -> AptPolicy {
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.trim().strip_prefix(name))
            .map(str::trim)
            .filter(|v| !v.is_empty() && *v != "(none)")
            .map(str::to_owned)
    };
    AptPolicy {
        installed: field("Installed:"),
        candidate: field("Candidate:"),
    }
}

/// Makes sure a Node.js the UI's tools accept, and npm, are on PATH. Installs apt's `nodejs`
/// (with `npm`) when its candidate is new enough; Debian 12's 18.x is not, and then the
/// NodeSource commands for Node.js 22 are printed rather than run (they add an apt repository,
/// which is the machine owner's call).
fn node(ctx: &Ctx) -> Result<(), String> {
    let have = node_version(ctx);
    let npm = which("npm").is_some();
    let problem = match have {
        Some(v) if node_supported(v) && npm => return Ok(()),
        Some(v) if node_supported(v) => format!(
            "Node.js {}.{} has no `npm` on PATH: install the npm that goes with it \
             (NodeSource's and nodejs.org's builds include it)",
            v.0, v.1
        ),
        Some(v) => format!(
            "Node.js {}.{} is on PATH, but ui/ needs {NODE_REQUIREMENT}",
            v.0, v.1
        ),
        None => format!("no `node` on PATH; ui/ needs {NODE_REQUIREMENT}, with npm"),
    };
    println!("    {problem}");
    if have.is_some_and(node_supported) {
        return Err(problem);
    }
    let sudo = if is_root() { "" } else { "sudo " };
    let policy = apt_policy(ctx, "nodejs");
    let candidate = policy.candidate.as_deref().and_then(major_minor);
    if let (Some(v), Some(version)) = (candidate.filter(|v| node_supported(*v)), &policy.candidate)
    {
        if policy.installed.as_ref() == Some(version) {
            // apt's nodejs is in place and new enough: the `node` on PATH is another one.
            let fix = format!(
                "the nodejs package {version} is installed (/usr/bin/node): put it first on PATH"
            );
            println!("    {fix}");
            return Err(format!("{problem}; {fix}"));
        }
        // NodeSource's nodejs carries npm (and conflicts with Debian's npm package).
        let packages: &[&str] = if version.contains("nodesource") {
            &["nodejs"]
        } else {
            &["nodejs", "npm"]
        };
        let install = format!("{sudo}apt-get install -y {}", packages.join(" "));
        if !is_root() {
            println!(
                "    apt's nodejs {}.{} will do; install it with:\n        {install}",
                v.0, v.1
            );
            return Err(format!("{problem}; run: {install}"));
        }
        let mut args = vec!["install", "-y", "--no-install-recommends"];
        args.extend(packages);
        apt_get(ctx, &["update"]).and_then(|()| apt_get(ctx, &args))?;
        return match node_version(ctx) {
            Some(v) if node_supported(v) && which("npm").is_some() => Ok(()),
            _ => Err(format!(
                "installed {}, but still: {problem}",
                packages.join(" ")
            )),
        };
    }
    let get_curl = if which("curl").is_none() {
        format!("{sudo}apt-get install -y ca-certificates curl && ")
    } else {
        String::new()
    };
    let install = format!(
        "{get_curl}curl -fsSL https://deb.nodesource.com/setup_22.x | {sudo}{}bash - && \
         {sudo}apt-get install -y nodejs",
        if is_root() { "" } else { "-E " }
    );
    match candidate {
        Some(v) => println!(
            "    apt's nodejs is {}.{} (Debian 12's is 18.x): too old. Node.js 22 from \
             NodeSource (npm included):\n        {install}",
            v.0, v.1
        ),
        None => println!(
            "    Install Node.js 22 (https://nodejs.org/en/download); on Debian or Ubuntu, from \
             NodeSource (npm included):\n        {install}"
        ),
    }
    Err(format!("{problem}; run: {install}"))
}

/// `npm run build` in ui/ when [`ui_dist_stale`]; the app embeds ui/dist when it is compiled.
pub fn build_ui_if_stale(ctx: &Ctx) -> Result<(), String> {
    if !ui_dist_stale(&ctx.root) {
        return Ok(());
    }
    println!("    + (cd ui && npm run build)");
    let built = ctx
        .cmd("npm", &["run", "build"])
        .current_dir(ctx.root.join(UI_DIR))
        .status()
        .is_ok_and(|s| s.success());
    if built {
        Ok(())
    } else {
        Err("the UI does not build (npm run build in ui/; see the output above)".into())
    }
}

/// Whether ui/dist is older than anything in ui/ it is built from (everything but
/// node_modules, dist and dot files), or missing.
pub fn ui_dist_stale(root: &Path) -> bool {
    let ui = root.join(UI_DIR);
    let Some(built) = mtime(&root.join(UI_DIST).join("index.html")) else {
        return true;
    };
    newest_source(&ui).is_some_and(|newest| newest > built)
}

fn mtime(path: &Path) -> Option<SystemTime> {
    fs::metadata(path).and_then(|m| m.modified()).ok()
}

fn newest_source(dir: &Path) -> Option<SystemTime> {
    let mut newest = None;
    for entry in fs::read_dir(dir).ok()?.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') || name == "node_modules" || name == "dist" {
            continue;
        }
        let path = entry.path();
        let t = if path.is_dir() {
            newest_source(&path)
        } else {
            mtime(&path)
        };
        newest = newest.max(t);
    }
    newest
}

/// Root is the owner of our own /proc entry (std-only, no libc).
fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// When JAVA_HOME is unset, derives it from javac (`readlink -f $(which javac)`,
/// two levels up) and exports it to every later child process.
fn java_home(ctx: &mut Ctx) -> Result<(), String> {
    if std::env::var_os("JAVA_HOME").is_some_and(|v| !v.is_empty()) {
        return Ok(());
    }
    let javac = which("javac").ok_or("no javac on PATH, so JAVA_HOME is unknown")?;
    let real = fs::canonicalize(&javac).map_err(|e| format!("{}: {e}", javac.display()))?;
    let home = real
        .parent()
        .and_then(Path::parent)
        .ok_or_else(|| format!("cannot derive JAVA_HOME from {}", real.display()))?;
    println!("    JAVA_HOME={}", home.display());
    ctx.export("JAVA_HOME", home);
    Ok(())
}

/// Whether rustup lists `target` as installed (false without rustup).
pub fn has_rust_target(ctx: &Ctx, target: &str) -> bool {
    ctx.cmd("rustup", &["target", "list", "--installed"])
        .output()
        .is_ok_and(|out| {
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .any(|l| l.trim() == target)
        })
}

/// Adds the Android target with rustup when rustup exists and the target is missing. Never an
/// error: without it the android step is skipped.
/// The Rust targets of the cross builds: the terminal's bridge library and the Windows kiosk.
fn android_target(ctx: &Ctx) {
    for target in [ANDROID_TARGET, WINDOWS_TARGET] {
        if which("rustup").is_none() || has_rust_target(ctx, target) {
            continue;
        }
        println!("    + rustup target add {target}");
        let added = ctx
            .cmd("rustup", &["target", "add", target])
            .status()
            .is_ok_and(|s| s.success());
        if !added {
            println!("    (could not add {target}; the steps that build for it will fail)");
        }
    }
}

/// Creates the venv at target/py-venv if missing (or broken) and installs each of
/// [`REQUIREMENTS`] when that file changed since its last install.
fn python_venv(ctx: &Ctx) -> Result<(), String> {
    let venv = ctx.root.join(VENV);
    let python = venv.join("bin/python");
    // A venv whose pip is missing is broken too (an interrupted `python3 -m venv` leaves one).
    let works = ctx
        .cmd(&python, &["-m", "pip", "--version"])
        .stdout(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !works {
        if venv.exists() {
            println!("    {VENV} is broken; recreating it");
            fs::remove_dir_all(&venv).map_err(|e| format!("removing {VENV}: {e}"))?;
        }
        println!("    + python3 -m venv {VENV}");
        let status = ctx.cmd("python3", &["-m", "venv", VENV]).status();
        if !status.is_ok_and(|s| s.success()) {
            return Err(format!(
                "`python3 -m venv {VENV}` failed (is python3 with venv installed? on Debian: \
                 apt-get install python3-venv)"
            ));
        }
    }

    for (file, stamp) in REQUIREMENTS {
        install_requirements(ctx, &python, file, &venv.join(stamp))?;
    }
    Ok(())
}

/// `pip install -r file` when the file changed since the hash in `stamp` was written.
fn install_requirements(ctx: &Ctx, python: &Path, file: &str, stamp: &Path) -> Result<(), String> {
    let Ok(requirements) = fs::read(ctx.root.join(file)) else {
        return Ok(()); // no such requirements (yet)
    };
    let hash = format!("{:016x}\n", fnv1a(&requirements));
    if fs::read_to_string(stamp).is_ok_and(|old| old == hash) {
        return Ok(());
    }
    println!("    + pip install -r {file}");
    let pip = [
        "-m",
        "pip",
        "install",
        "-q",
        "--disable-pip-version-check",
        "-r",
        file,
    ];
    if !ctx.cmd(python, &pip).status().is_ok_and(|s| s.success()) {
        let shown = format!("{VENV}/bin/python -m pip install -r {file}");
        println!("    pip failed; the command is:\n        {shown}");
        return Err(format!("`pip install -r {file}` failed"));
    }
    fs::write(stamp, hash).map_err(|e| format!("writing {}: {e}", stamp.display()))
}

/// 64-bit FNV-1a: a stable content hash for the requirements stamp.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_known_values() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn node_versions_the_ui_accepts() {
        assert_eq!(major_minor("v20.20.2\n"), Some((20, 20)));
        assert_eq!(major_minor("18.20.4+dfsg-1~deb12u3"), Some((18, 20)));
        assert_eq!(major_minor("20.19.2+dfsg-1"), Some((20, 19)));
        assert_eq!(major_minor("1:22.13.0-1nodesource1"), Some((22, 13)));
        assert_eq!(major_minor("(none)"), None);
        for ok in [(20, 19), (20, 20), (22, 13), (24, 0), (25, 2)] {
            assert!(node_supported(ok), "{ok:?}");
        }
        for old in [(18, 20), (20, 18), (21, 7), (22, 12), (23, 11), (12, 22)] {
            assert!(!node_supported(old), "{old:?}");
        }
    }

    #[test]
    fn apt_policy_lines() {
        let bookworm = "nodejs:\n  Installed: (none)\n  Candidate: 18.20.4+dfsg-1~deb12u3\n  \
                        Version table:\n     18.20.4+dfsg-1~deb12u3 500\n";
        let p = parse_apt_policy(bookworm);
        assert_eq!(p.installed, None);
        assert_eq!(p.candidate.as_deref(), Some("18.20.4+dfsg-1~deb12u3"));
        let p = parse_apt_policy(
            "nodejs:\n  Installed: 20.20.2-1nodesource1\n  Candidate: 20.20.2-1nodesource1\n",
        );
        assert_eq!(p.installed, p.candidate);
        assert_eq!(parse_apt_policy(""), AptPolicy::default());
    }

    #[test]
    fn apt_table_is_well_formed() {
        for p in APT_PACKAGES {
            assert!(!p.package.is_empty() && !p.why.is_empty());
            if let Proof::File(path) = p.proof {
                assert!(path.starts_with('/'), "{path} must be absolute");
            }
        }
    }
}
