//! The WeChat face AAR: Tencent's (`--aar PATH`), or a stand-in built from the host-test double
//! of `com.tencent.wxpayface` with a few resources, so that CI goes through the same path.
//!
//! An AAR may bring classes and resources, nothing else: one that declares components or
//! permissions, or carries native code, is refused (they would run inside the bridge app, with
//! its rights, unreviewed). Its SHA-256 is compared with the list of known ones.

use super::fetch::Tools;
use super::{io_err, mkdir, output_of, run_step};
use crate::runner::Ctx;
use std::path::{Path, PathBuf};

/// The SHA-256s of Tencent AARs checked by hand: `sha256 version`, one a line.
const KNOWN: &str = "android-bridge/app/known-aars.txt";
const STANDIN: &str = "android-bridge/host-test/standin-aar";
const FAKESDK: &str = "android-bridge/host-test/fakesdk";
/// The package whose R the AAR's classes read.
pub const R_PACKAGE: &str = "com.tencent.mmfacepay";

/// An AAR taken apart.
#[derive(Debug)]
pub struct Aar {
    /// classes.jar and any libs/*.jar.
    pub jars: Vec<PathBuf>,
    /// Its res/ folder, if it has resources.
    pub res: Option<PathBuf>,
    pub version: String,
    pub sha256: String,
    pub standin: bool,
}

pub fn prepare(ctx: &Ctx, given: Option<&Path>, tools: &Tools, work: &Path) -> Result<Aar, String> {
    let (path, standin) = match given {
        Some(path) => (path.to_path_buf(), false),
        None => (build_standin(ctx, tools, work)?, true),
    };
    let unpacked = work.join("aar");
    mkdir(&unpacked)?;
    let path = std::fs::canonicalize(&path).map_err(|e| io_err(&path, &e))?;
    let path_s = path.to_string_lossy();
    let listing = output_of("jar tf (the AAR)", &mut ctx.cmd("jar", &["tf", &path_s]))?;
    if let Some(native) = listing
        .lines()
        .find(|l| l.starts_with("jni/") && l.ends_with(".so"))
    {
        return Err(format!(
            "{}: carries native code ({native}); refused",
            path.display()
        ));
    }
    let mut extract = ctx.cmd("jar", &["xf", &path_s]);
    output_of("jar xf (the AAR)", extract.current_dir(&unpacked))?;
    let manifest_path = unpacked.join("AndroidManifest.xml");
    let manifest =
        std::fs::read_to_string(&manifest_path).map_err(|e| io_err(&manifest_path, &e))?;
    if let Some(what) = declares(&manifest) {
        return Err(format!(
            "{}: its manifest declares {what}; refused",
            path.display()
        ));
    }
    let sha256 = sha256(ctx, &path)?;
    let known = known_version(
        &std::fs::read_to_string(ctx.root.join(KNOWN)).unwrap_or_default(),
        &sha256,
    );
    let version = if standin {
        "stand-in".to_string()
    } else {
        known
            .clone()
            .or_else(|| version_from_name(&path))
            .unwrap_or_else(|| "unknown".into())
    };
    println!(
        "    AAR {} version {version} sha256 {sha256}",
        path.display()
    );
    if !standin && known.is_none() {
        println!(
            "    WARNING: this AAR's SHA-256 is not in {KNOWN}: check that it is Tencent's \
             (from WeChat Pay's face-pay SDK download) before the APK goes on a terminal"
        );
    }
    let mut jars = vec![unpacked.join("classes.jar")];
    jars.extend(super::files_under(&unpacked.join("libs"), ".jar"));
    let res = unpacked.join("res");
    let res = (!super::files_under(&res, "").is_empty()).then_some(res);
    Ok(Aar {
        jars,
        res,
        version,
        sha256,
        standin,
    })
}

/// The first component or permission a library manifest declares, if any.
fn declares(manifest: &str) -> Option<&'static str> {
    const TAGS: [(&str, &str); 6] = [
        ("<activity", "an activity"),
        ("<service", "a service"),
        ("<receiver", "a receiver"),
        ("<provider", "a content provider"),
        ("<uses-permission", "a permission it uses"),
        ("<permission", "a permission"),
    ];
    TAGS.iter()
        .find(|(tag, _)| manifest.contains(tag))
        .map(|(_, what)| *what)
}

fn known_version(list: &str, sha256: &str) -> Option<String> {
    list.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .find_map(|l| {
            let mut words = l.split_whitespace();
            (words.next()? == sha256).then(|| words.next().unwrap_or("unknown").to_string())
        })
}

/// `wxfacepay-release-2.32.105.aar` -> 2.32.105.
fn version_from_name(path: &Path) -> Option<String> {
    let stem = path.file_stem()?.to_str()?;
    let version = stem.rsplit(['-', '_']).next()?;
    (version.contains('.') && version.chars().all(|c| c.is_ascii_digit() || c == '.'))
        .then(|| version.to_string())
}

pub fn sha256(ctx: &Ctx, path: &Path) -> Result<String, String> {
    let out = output_of(
        "sha256sum",
        &mut ctx.cmd("sha256sum", &[&path.to_string_lossy()]),
    )?;
    out.split_whitespace()
        .next()
        .map(str::to_string)
        .ok_or_else(|| "sha256sum printed nothing".into())
}

/// The stand-in: the fakesdk classes (compiled against android-23.jar) with the manifest and
/// resources of host-test/standin-aar, zipped as an AAR.
fn build_standin(ctx: &Ctx, tools: &Tools, work: &Path) -> Result<PathBuf, String> {
    let dir = work.join("standin");
    let classes = dir.join("classes");
    mkdir(&classes)?;
    let sources = super::files_under(&ctx.root.join(FAKESDK), ".java");
    // The double uses Java 8's Map.putIfAbsent, which android-23.jar's java.util lacks: the
    // JDK's Java 8 API is its platform here, android-23.jar only its classpath.
    let mut javac = ctx.cmd(
        "javac",
        &["--release", "8", "-encoding", "UTF-8", "-nowarn", "-d"],
    );
    javac
        .arg(&classes)
        .arg("-classpath")
        .arg(&tools.android_jar);
    run_step("javac (the stand-in AAR)", javac.args(&sources))?;
    let content = dir.join("aar");
    mkdir(&content)?;
    let jar = content.join("classes.jar");
    let mut pack = ctx.cmd("jar", &["--create", "--no-manifest", "--file"]);
    pack.arg(&jar).arg("-C").arg(&classes).arg(".");
    output_of("jar (stand-in classes.jar)", &mut pack)?;
    let from = ctx.root.join(STANDIN);
    let mut copy = ctx.cmd("cp", &["-R"]);
    copy.arg(from.join("AndroidManifest.xml"))
        .arg(from.join("res"))
        .arg(&content);
    output_of("cp (stand-in resources)", &mut copy)?;
    let aar = dir.join("facekiosk-standin.aar");
    let mut pack = ctx.cmd("jar", &["--create", "--no-manifest", "--file"]);
    pack.arg(&aar).arg("-C").arg(&content).arg(".");
    output_of("jar (stand-in AAR)", &mut pack)?;
    println!(
        "    no --aar: built the stand-in {} (NOT FOR DEVICES)",
        aar.display()
    );
    Ok(aar)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_with_components_or_permissions_is_refused() {
        let clean = concat!(
            r#"<manifest package="com.tencent.mmfacepay">"#,
            r#"<application android:allowBackup="true"/></manifest>"#
        );
        assert_eq!(declares(clean), None);
        for tag in [
            "<service android:name=\"x\"/>",
            "<uses-permission android:name=\"android.permission.CAMERA\"/>",
            "<provider/>",
        ] {
            let manifest = clean.replace("<application", &format!("{tag}<application"));
            assert!(declares(&manifest).is_some(), "{tag}");
        }
    }

    #[test]
    fn known_sha256s_give_their_version() {
        let list = "# sha256 version\nabc 2.32.105\n";
        assert_eq!(known_version(list, "abc").as_deref(), Some("2.32.105"));
        assert_eq!(known_version(list, "abd"), None);
        assert_eq!(known_version(list, "#"), None);
    }

    #[test]
    fn a_version_is_read_from_the_file_name_when_unknown() {
        let v = |name: &str| version_from_name(Path::new(name));
        assert_eq!(
            v("/x/wxfacepay-release-2.32.105.aar").as_deref(),
            Some("2.32.105")
        );
        assert_eq!(v("face.aar"), None);
    }

    #[test]
    fn the_standin_declares_nothing() {
        let root = Ctx::new().root;
        let manifest =
            std::fs::read_to_string(root.join(STANDIN).join("AndroidManifest.xml")).unwrap();
        assert_eq!(declares(&manifest), None);
        assert!(manifest.contains(R_PACKAGE));
    }
}
