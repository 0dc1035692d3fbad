//! The three things Debian 12 lacks for an APK: a dexer (`dalvik-exchange`, dx), a platform jar
//! (`libandroid-23-java`, android-23.jar) — both Debian 11 packages — and libunwind for arm64
//! (`libunwind-14-dev:arm64`, Debian 12, but for an architecture this machine does not run).
//! They are fetched with `apt-get download` through a private apt configuration under
//! target/apk/tools/apt (nothing installed, the system's sources and state untouched), unpacked
//! with `dpkg-deb -x` into target/apk/tools/root, and reused by later runs.

use super::{mkdir, output_of, run_step, write};
use crate::runner::Ctx;
use std::path::{Path, PathBuf};

/// Debian's archive key ring; it holds the bullseye (11) keys as well as bookworm's (12).
const KEYRING: &str = "/usr/share/keyrings/debian-archive-keyring.gpg";
const PACKAGES: [&str; 3] = [
    "dalvik-exchange",
    "libandroid-23-java",
    "libunwind-14-dev:arm64",
];

/// Paths inside the unpacked packages.
#[derive(Debug)]
pub struct Tools {
    pub android_jar: PathBuf,
    pub dx_jar: PathBuf,
    pub libunwind: PathBuf,
}

impl Tools {
    fn under(root: &Path) -> Tools {
        Tools {
            android_jar: root.join("usr/share/java/com.android.android-23.jar"),
            dx_jar: root.join("usr/share/java/com.android.dx-10.0.0.jar"),
            libunwind: root.join("usr/lib/llvm-14/lib/libunwind.a"),
        }
    }

    fn all_there(&self) -> bool {
        [&self.android_jar, &self.dx_jar, &self.libunwind]
            .iter()
            .all(|p| p.is_file())
    }
}

/// The tools, fetched on the first run.
pub fn tools(ctx: &Ctx, dir: &Path) -> Result<Tools, String> {
    let root = dir.join("root");
    let tools = Tools::under(&root);
    if tools.all_there() {
        println!(
            "    reusing {} (dx, android-23.jar, arm64 libunwind.a; delete it to fetch again)",
            root.display()
        );
        return Ok(tools);
    }
    let apt = dir.join("apt");
    let debs = dir.join("debs");
    for d in [
        apt.join("state/lists/partial"),
        apt.join("cache/archives/partial"),
        debs.clone(),
        root.clone(),
    ] {
        mkdir(&d)?;
    }
    // Debian 11 is end-of-life but still served by deb.debian.org; bookworm only for arm64.
    let sources = format!(
        "deb [arch=amd64 signed-by={KEYRING}] http://deb.debian.org/debian bullseye main\n\
         deb [arch=arm64 signed-by={KEYRING}] http://deb.debian.org/debian bookworm main\n"
    );
    write(&apt.join("sources.list"), &sources)?;
    write(&apt.join("status"), "")?;
    let options = apt_options(&apt);
    let with = |args: &[&str]| {
        let mut all: Vec<&str> = options.iter().map(String::as_str).collect();
        all.extend(args);
        ctx.cmd("apt-get", &all)
    };
    println!("    fetching {} (Debian's archive)", PACKAGES.join(", "));
    run_step(
        "apt-get update (private configuration)",
        &mut with(&["update"]),
    )?;
    let mut download = with(&["download"]);
    download.args(PACKAGES).current_dir(&debs);
    run_step("apt-get download", &mut download)?;
    for deb in super::files_under(&debs, ".deb") {
        let (deb_s, root_s) = (deb.to_string_lossy(), root.to_string_lossy());
        output_of(
            "dpkg-deb -x",
            &mut ctx.cmd("dpkg-deb", &["-x", &deb_s, &root_s]),
        )?;
        println!(
            "    fetched {} -> unpacked in {}",
            deb.display(),
            root.display()
        );
    }
    if tools.all_there() {
        Ok(tools)
    } else {
        Err(format!(
            "the fetched packages lack what is needed ({}, {}, {})",
            tools.android_jar.display(),
            tools.dx_jar.display(),
            tools.libunwind.display()
        ))
    }
}

/// `-o` options that point apt at its own files only.
fn apt_options(apt: &Path) -> Vec<String> {
    let p = |rel: &str| apt.join(rel).to_string_lossy().into_owned();
    [
        format!("Dir::Etc::sourcelist={}", p("sources.list")),
        "Dir::Etc::sourceparts=-".into(),
        format!("Dir::State={}", p("state")),
        format!("Dir::State::status={}", p("status")),
        format!("Dir::Cache={}", p("cache")),
        "APT::Architectures::=amd64".into(),
        "APT::Architectures::=arm64".into(),
        // Only the package lists: no translations, no AppStream metadata.
        "Acquire::Languages=none".into(),
        "Acquire::IndexTargets::deb::DEP-11::DefaultEnabled=false".into(),
        "Acquire::IndexTargets::deb::DEP-11-icons::DefaultEnabled=false".into(),
        "Acquire::IndexTargets::deb::DEP-11-icons-small::DefaultEnabled=false".into(),
        "Acquire::IndexTargets::deb::DEP-11-icons-hidpi::DefaultEnabled=false".into(),
        "Acquire::IndexTargets::deb::CNF::DefaultEnabled=false".into(),
        // The _apt user cannot write into a build tree owned by whoever runs the build.
        "APT::Sandbox::User=root".into(),
        "Debug::NoLocking=1".into(),
    ]
    .into_iter()
    .flat_map(|o| ["-o".to_string(), o])
    .collect()
}
