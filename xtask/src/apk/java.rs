//! The app's Java to classes.dex: javac (Java 8 class files, which dx reads) against
//! android-23.jar with the compile-only overlay of API 26 calls first on the boot class path,
//! then dx over the app's classes, the generated R classes and the AAR's jars.

use super::aar::Aar;
use super::fetch::Tools;
use super::{MIN_SDK, files_under, mkdir, run_step};
use crate::runner::Ctx;
use std::path::{Path, PathBuf};
use std::process::Command;

const APP_JAVA: &str = "android-bridge/app/src/main/java";
const OVERLAY: &str = "android-bridge/app/compile-overlay";

/// javac for Java 8 class files with `boot` as the platform, writing into `out`.
pub fn javac(ctx: &Ctx, boot: &str, out: &Path) -> Command {
    let mut cmd = ctx.cmd(
        "javac",
        &[
            "-source",
            "8",
            "-target",
            "8",
            "-encoding",
            "UTF-8",
            "-nowarn",
            "-Xlint:-options",
        ],
    );
    cmd.args(["-bootclasspath", boot, "-d"]).arg(out);
    cmd
}

/// Compiles the app (with the R sources in `r_java`) and dexes it with the AAR's jars.
pub fn dex(
    ctx: &Ctx,
    tools: &Tools,
    aar: &Aar,
    r_java: &Path,
    work: &Path,
) -> Result<PathBuf, String> {
    let jar = tools.android_jar.to_string_lossy();
    let overlay = work.join("overlay-classes");
    mkdir(&overlay)?;
    let overlay_sources = files_under(&ctx.root.join(OVERLAY), ".java");
    run_step(
        "javac (compile-only overlay)",
        javac(ctx, &jar, &overlay).args(&overlay_sources),
    )?;

    let classes = work.join("classes");
    mkdir(&classes)?;
    let boot = format!("{}:{jar}", overlay.display());
    let classpath = std::env::join_paths(&aar.jars).map_err(|e| format!("AAR jars: {e}"))?;
    let mut sources = files_under(&ctx.root.join(APP_JAVA), ".java");
    sources.extend(files_under(r_java, ".java"));
    let mut app = javac(ctx, &boot, &classes);
    app.arg("-classpath").arg(classpath).args(&sources);
    run_step("javac (the app)", &mut app)?;

    let dex = work.join("dex");
    mkdir(&dex)?;
    let out = dex.join("classes.dex");
    let mut dx = ctx.cmd("java", &["-jar"]);
    dx.arg(&tools.dx_jar)
        .args(["--dex", &format!("--min-sdk-version={MIN_SDK}")])
        .arg(format!("--output={}", out.display()))
        .arg(&classes)
        .args(&aar.jars);
    run_step("dx", &mut dx)?;
    Ok(out)
}
