//! Packages on the device through `pm`, `am` and `dumpsys`, read from what they print (the
//! legacy shell carries no exit status): `pm install` prints `Success` or
//! `Failure [INSTALL_FAILED_...: why]`, `pm uninstall` likewise with `DELETE_FAILED_...`, and `am`
//! prints `Error: ...` when it starts nothing.

use std::time::Duration;

use super::AdbError;
use super::device::AdbDevice;
use super::sync::MODE_APK;

/// Where the APK is pushed before `pm install` (the one place the shell user may write that
/// `pm` may read on Android 7 to 14); removed afterwards.
pub const STAGING_PATH: &str = "/data/local/tmp/facekiosk-install.apk";

/// `pm install` verifies and optimises the APK: slow terminals take tens of seconds.
const INSTALL_TIMEOUT: Duration = Duration::from_secs(180);

impl AdbDevice {
    /// Pushes the APK and installs it with `pm install -r -g` (replacing an installed one, all
    /// runtime permissions its manifest requests granted), then removes the pushed copy.
    pub async fn install_apk(&self, apk: &[u8]) -> Result<(), AdbError> {
        self.push(apk, STAGING_PATH, MODE_APK).await?;
        let out = self
            .shell_within(&format!("pm install -r -g {STAGING_PATH}"), INSTALL_TIMEOUT)
            .await;
        // Whatever pm said, the staged copy goes.
        let _ = self.shell(&format!("rm -f {STAGING_PATH}")).await;
        expect_success("pm install", &out?)
    }

    /// `pm uninstall PACKAGE`.
    pub async fn uninstall(&self, package: &str) -> Result<(), AdbError> {
        let out = self.shell(&format!("pm uninstall {package}")).await?;
        expect_success("pm uninstall", &out)
    }

    /// Whether `package` is installed (`pm list packages PACKAGE` filters by substring).
    pub async fn is_installed(&self, package: &str) -> Result<bool, AdbError> {
        let out = self.shell(&format!("pm list packages {package}")).await?;
        Ok(out
            .lines()
            .any(|l| l.trim().strip_prefix("package:") == Some(package)))
    }

    /// The installed `versionName` of `package` (`dumpsys package`); `None` when not installed.
    pub async fn version_name(&self, package: &str) -> Result<Option<String>, AdbError> {
        if !self.is_installed(package).await? {
            return Ok(None);
        }
        let out = self.shell(&format!("dumpsys package {package}")).await?;
        Ok(out.lines().find_map(|l| {
            l.trim()
                .strip_prefix("versionName=")
                .map(|v| v.trim().to_string())
        }))
    }

    /// `pm grant PACKAGE PERMISSION` (a runtime permission the manifest requests).
    pub async fn grant(&self, package: &str, permission: &str) -> Result<(), AdbError> {
        let out = self
            .shell(&format!("pm grant {package} {permission}"))
            .await?;
        // Silent on success; an exception's text otherwise.
        match out.lines().map(str::trim).find(|l| !l.is_empty()) {
            None => Ok(()),
            Some(_) => Err(refused("pm grant", &out)),
        }
    }

    /// `dumpsys deviceidle whitelist +PACKAGE`: Doze and app standby leave it running.
    pub async fn allow_while_idle(&self, package: &str) -> Result<(), AdbError> {
        let out = self
            .shell(&format!("dumpsys deviceidle whitelist +{package}"))
            .await?;
        if out.contains(&format!("Added: {package}")) {
            Ok(())
        } else {
            Err(refused("dumpsys deviceidle whitelist", &out))
        }
    }
}

/// `Success` somewhere in `out`, else the refusal with pm's reason.
pub fn expect_success(what: &str, out: &str) -> Result<(), AdbError> {
    if out.lines().any(|l| l.trim() == "Success") {
        Ok(())
    } else {
        Err(refused(what, out))
    }
}

/// The refusal of `what`, with the device's reason: the `Failure [...]` text, else the first
/// `Error:` or exception line, else the first line printed.
pub fn refused(what: &str, out: &str) -> AdbError {
    let lines = || out.lines().map(str::trim).filter(|l| !l.is_empty());
    let reason = lines()
        .find_map(|l| {
            l.strip_prefix("Failure [")
                .map(|r| r.trim_end_matches(']').to_string())
        })
        .or_else(|| {
            lines()
                .find(|l| l.starts_with("Error") || l.contains("Exception:"))
                .map(str::to_string)
        })
        .or_else(|| lines().next().map(str::to_string))
        .unwrap_or_else(|| "it printed nothing".into());
    let reason: String = reason.chars().take(300).collect();
    AdbError::Refused {
        what: what.to_string(),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(e: AdbError) -> String {
        match e {
            AdbError::Refused { reason, .. } => reason,
            other => panic!("not a refusal: {other}"),
        }
    }

    #[test]
    fn pm_answers_are_read_for_their_reason() {
        assert!(expect_success("pm install", "Performing Streamed Install\nSuccess\n").is_ok());
        let e = expect_success(
            "pm install",
            "Failure [INSTALL_FAILED_UPDATE_INCOMPATIBLE: signatures do not match]\n",
        )
        .unwrap_err();
        assert_eq!(
            reason(e),
            "INSTALL_FAILED_UPDATE_INCOMPATIBLE: signatures do not match"
        );
        let e = expect_success(
            "pm install",
            "Error: Unable to open file: /x.apk\nConsider using a file under /data/local/tmp/\n",
        )
        .unwrap_err();
        assert_eq!(reason(e), "Error: Unable to open file: /x.apk");
        let e = expect_success("pm uninstall", "").unwrap_err();
        assert!(e.to_string().contains("pm uninstall"), "{e}");
    }
}
