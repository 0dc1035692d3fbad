//! The manifest and resources (aapt2), then the unsigned APK with classes.dex and the `.so`.
//!
//! The committed manifest stays Gradle's (no `package=`: AGP 8 refuses it; `tools:` attributes
//! for its manifest merger). The copy built here gets the package, loses the `tools:` parts,
//! drops `<queries>`, and gains the `<meta-data>` that tell a technician what is inside: the
//! AAR's version and SHA-256, whether it may go on a device, and how it was signed.

use super::aar::{Aar, R_PACKAGE};
use super::fetch::Tools;
use super::{ABI, MIN_SDK, PACKAGE, TARGET_SDK, io_err, mkdir, run_step, write};
use crate::runner::Ctx;
use std::path::{Path, PathBuf};

const MANIFEST: &str = "android-bridge/app/src/main/AndroidManifest.xml";
pub const SO_NAME: &str = "libfacekiosk_bridge.so";

/// aapt2's output: the APK with manifest and resources, and the R sources for javac.
#[derive(Debug)]
pub struct Base {
    pub apk: PathBuf,
    pub r_java: PathBuf,
}

pub fn link(
    ctx: &Ctx,
    tools: &Tools,
    aar: &Aar,
    signing: &str,
    work: &Path,
) -> Result<Base, String> {
    let committed = ctx.root.join(MANIFEST);
    let text = std::fs::read_to_string(&committed).map_err(|e| io_err(&committed, &e))?;
    let manifest = work.join("AndroidManifest.xml");
    write(&manifest, &build_manifest(&text, &meta_data(aar, signing))?)?;
    let r_java = work.join("r-java");
    mkdir(&r_java)?;
    let apk = work.join("base.apk");
    let mut link = ctx.cmd("aapt2", &["link", "-o"]);
    link.arg(&apk)
        .arg("-I")
        .arg(&tools.android_jar)
        .arg("--manifest")
        .arg(&manifest);
    link.args(["--min-sdk-version", &MIN_SDK.to_string()]);
    link.args(["--target-sdk-version", &TARGET_SDK.to_string()]);
    link.args([
        "--version-code",
        "1",
        "--version-name",
        env!("CARGO_PKG_VERSION"),
    ]);
    link.args([
        "--auto-add-overlay",
        "--extra-packages",
        R_PACKAGE,
        "--java",
    ])
    .arg(&r_java);
    if let Some(res) = &aar.res {
        let flat = work.join("aar-res.zip");
        let mut compile = ctx.cmd("aapt2", &["compile", "--dir"]);
        compile.arg(res).arg("-o").arg(&flat);
        run_step("aapt2 compile (the AAR's resources)", &mut compile)?;
        link.arg("-R").arg(&flat);
    }
    run_step("aapt2 link", &mut link)?;
    Ok(Base { apk, r_java })
}

fn meta_data(aar: &Aar, signing: &str) -> Vec<(&'static str, String)> {
    let devices = if aar.standin {
        "no: built with the stand-in AAR (the host-test double), not Tencent's"
    } else {
        "yes"
    };
    vec![
        ("facekiosk.aar.version", aar.version.clone()),
        ("facekiosk.aar.sha256", aar.sha256.clone()),
        ("facekiosk.for_devices", devices.into()),
        ("facekiosk.signing", signing.into()),
    ]
}

/// The committed manifest as aapt2 wants it, with `meta` as `<meta-data>` of the application.
fn build_manifest(committed: &str, meta: &[(&str, String)]) -> Result<String, String> {
    let mut text = committed.replacen(
        "<manifest ",
        &format!("<manifest package=\"{PACKAGE}\" "),
        1,
    );
    text = drop_attribute(&text, "xmlns:tools");
    text = drop_attribute(&text, "tools:replace");
    // aapt2 2.19 does not know <queries> (API 30); package visibility starts at target SDK 30,
    // so at 29 the face app is visible without it.
    if let (Some(start), Some(end)) = (text.find("<queries>"), text.find("</queries>")) {
        text.replace_range(start..end + "</queries>".len(), "");
    }
    let entries: String = meta
        .iter()
        .map(|(name, value)| {
            format!(
                "        <meta-data android:name=\"{name}\" android:value=\"{}\" />\n",
                xml_escape(value)
            )
        })
        .collect();
    let end = text
        .rfind("    </application>")
        .ok_or_else(|| format!("{MANIFEST}: no </application>"))?;
    text.insert_str(end, &entries);
    Ok(text)
}

/// Removes every `name="..."` attribute.
fn drop_attribute(text: &str, name: &str) -> String {
    let mut out = text.to_string();
    let needle = format!(" {name}=\"");
    while let Some(start) = out.find(&needle) {
        let value = start + needle.len();
        let Some(len) = out[value..].find('"') else {
            break;
        };
        out.replace_range(start..value + len + 1, "");
    }
    out
}

fn xml_escape(value: &str) -> String {
    value
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
}

/// base.apk plus classes.dex and lib/<abi>/libfacekiosk_bridge.so, unaligned and unsigned.
pub fn assemble(
    ctx: &Ctx,
    base: &Path,
    dex: &Path,
    so: &Path,
    work: &Path,
) -> Result<PathBuf, String> {
    let stage = work.join("stage");
    let lib = stage.join("lib").join(ABI);
    mkdir(&lib)?;
    std::fs::copy(dex, stage.join("classes.dex")).map_err(|e| io_err(dex, &e))?;
    std::fs::copy(so, lib.join(SO_NAME)).map_err(|e| io_err(so, &e))?;
    let unsigned = work.join("unsigned.apk");
    std::fs::copy(base, &unsigned).map_err(|e| io_err(base, &e))?;
    let mut add = ctx.cmd("aapt", &["add"]);
    add.arg(&unsigned)
        .args(["classes.dex", &format!("lib/{ABI}/{SO_NAME}")]);
    run_step("aapt add (dex and .so)", add.current_dir(&stage))?;
    Ok(unsigned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_manifest_has_the_package_and_meta_data_and_no_tools() {
        let committed = std::fs::read_to_string(Ctx::new().root.join(MANIFEST)).unwrap();
        let meta = [("facekiosk.aar.version", "2.32.105 \"x\"".to_string())];
        let built = build_manifest(&committed, &meta).unwrap();
        assert!(built.contains(&format!("<manifest package=\"{PACKAGE}\" ")));
        assert!(!built.contains("tools:"), "{built}");
        assert!(!built.contains("queries>"), "{built}");
        assert!(built.contains(
            r#"android:name="facekiosk.aar.version" android:value="2.32.105 &quot;x&quot;""#
        ));
        assert!(built.find("<meta-data").unwrap() < built.find("</application>").unwrap());
    }

    #[test]
    fn the_committed_manifest_keeps_to_what_aapt2_accepts() {
        let committed = std::fs::read_to_string(Ctx::new().root.join(MANIFEST)).unwrap();
        // aapt2 2.19 rejects specialUse (API 34); AGP 8 rejects package= in the source manifest.
        assert!(!committed.contains("android:foregroundServiceType"));
        assert!(!committed.contains("package="));
        assert!(committed.contains(".BridgeService"));
    }
}
