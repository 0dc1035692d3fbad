//! What the test run verifies of a built APK, with the tools a device's installer trusts most:
//! its signature (apksigner), its alignment (zipalign), its manifest as Android reads it
//! (aapt2), its native library (readelf, against the API 24 import list) and its code (dexdump).

use super::package::SO_NAME;
use super::{ABI, MIN_SDK, PACKAGE, TARGET_SDK, imports, mkdir, output_of};
use crate::runner::Ctx;
use std::path::Path;

/// The classes the APK must hold: the bridge's glue, the SDK's entry point, and the R class the
/// AAR's classes read (proof that its resources were linked).
const CLASSES: [&str; 7] = [
    "Lcom/facekiosk/bridge/BridgeService;",
    "Lcom/facekiosk/bridge/BootReceiver;",
    "Lcom/facekiosk/bridge/BridgeNative;",
    "Lcom/facekiosk/bridge/Dispatcher;",
    "Lcom/facekiosk/bridge/NativeCallback;",
    "Lcom/tencent/wxpayface/WxPayFace;",
    "Lcom/tencent/mmfacepay/R;",
];

/// Runs every check; Ok is a one-line summary, Err names each check that failed.
pub fn all(ctx: &Ctx, apk: &Path, work: &Path) -> Result<String, String> {
    let apk_s = apk.to_string_lossy();
    let mut failed = Vec::new();
    let mut note = |what: &str, result: Result<(), String>| {
        if let Err(e) = result {
            println!("    FAILED {what}: {e}");
            failed.push(format!("{what}: {e}"));
        } else {
            println!("    ok {what}");
        }
    };
    let verify = ["verify", "--min-sdk-version", &MIN_SDK.to_string(), &apk_s];
    note(
        "apksigner verify",
        output_of("apksigner", &mut ctx.cmd("apksigner", &verify)).map(drop),
    );
    let align = ["-c", "-p", "4", &apk_s];
    note(
        "zipalign -c -p 4",
        output_of("zipalign", &mut ctx.cmd("zipalign", &align)).map(drop),
    );
    let badging = output_of(
        "aapt2 dump badging",
        &mut ctx.cmd("aapt2", &["dump", "badging", &apk_s]),
    );
    note(
        "aapt2 dump badging",
        badging.and_then(|b| missing("badging", &b, &badging_wants())),
    );
    let tree = ["dump", "xmltree", "--file", "AndroidManifest.xml", &apk_s];
    let manifest = output_of("aapt2 dump xmltree", &mut ctx.cmd("aapt2", &tree));
    note(
        "the manifest's Service and metadata",
        manifest.and_then(|m| missing("manifest", &m, &manifest_wants())),
    );

    let unpacked = work.join("check");
    let extracted = mkdir(&unpacked).and_then(|()| {
        let mut jar = ctx.cmd(
            "jar",
            &["xf", &apk_s, "classes.dex", &format!("lib/{ABI}/{SO_NAME}")],
        );
        output_of("jar xf (the APK)", jar.current_dir(&unpacked)).map(drop)
    });
    let so = unpacked.join(format!("lib/{ABI}/{SO_NAME}"));
    note(
        &format!("readelf lib/{ABI}/{SO_NAME}"),
        extracted
            .clone()
            .and_then(|()| imports::check_so(ctx, &so, &imports::load(&ctx.root)?)),
    );
    let dex = unpacked.join("classes.dex").to_string_lossy().into_owned();
    let dump = extracted.and_then(|()| output_of("dexdump", &mut ctx.cmd("dexdump", &[&dex])));
    let wanted: Vec<String> = CLASSES
        .iter()
        .map(|c| format!("Class descriptor  : '{c}'"))
        .collect();
    let dex_ok = dump.and_then(|d| {
        missing("classes.dex", &d, &wanted)?;
        // The compile-only overlay must never ship: the platform's own classes must run.
        if d.contains("Class descriptor  : 'Landroid/") {
            return Err("classes.dex holds android.* classes (the compile overlay?)".into());
        }
        Ok(())
    });
    note("dexdump classes.dex", dex_ok);
    if failed.is_empty() {
        Ok(format!(
            "{PACKAGE}: signed, aligned, API {MIN_SDK}-{TARGET_SDK}, {ABI} .so needs only \
             bionic at API {MIN_SDK}, {} classes found",
            CLASSES.len()
        ))
    } else {
        Err(failed.join("; "))
    }
}

fn badging_wants() -> Vec<String> {
    vec![
        format!("package: name='{PACKAGE}'"),
        format!("sdkVersion:'{MIN_SDK}'"),
        format!("targetSdkVersion:'{TARGET_SDK}'"),
        format!("native-code: '{ABI}'"),
        "uses-permission: name='android.permission.FOREGROUND_SERVICE'".into(),
        "uses-permission: name='android.permission.RECEIVE_BOOT_COMPLETED'".into(),
    ]
}

fn manifest_wants() -> Vec<String> {
    [
        ".BridgeService",
        "android.permission.DUMP",
        ".BootReceiver",
        "facekiosk.aar.version",
        "facekiosk.aar.sha256",
        "facekiosk.for_devices",
        "facekiosk.signing",
    ]
    .map(|s| format!("\"{s}\""))
    .to_vec()
}

/// Err naming what `text` lacks of `wanted`.
fn missing(what: &str, text: &str, wanted: &[String]) -> Result<(), String> {
    let absent: Vec<&str> = wanted
        .iter()
        .filter(|w| !text.contains(w.as_str()))
        .map(String::as_str)
        .collect();
    if absent.is_empty() {
        Ok(())
    } else {
        Err(format!("{what} lacks {}", absent.join(", ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_missing_is_named() {
        let wanted = badging_wants();
        let text = "package: name='com.facekiosk.bridge' versionCode='1'\nsdkVersion:'24'\n";
        let err = missing("badging", text, &wanted).unwrap_err();
        assert!(
            err.contains("targetSdkVersion:'29'") && err.contains("native-code"),
            "{err}"
        );
        assert!(!err.contains("sdkVersion:'24',"), "{err}");
        assert!(missing("badging", &wanted.join("\n"), &wanted).is_ok());
    }
}
