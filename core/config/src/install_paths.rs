//! Where an installed kiosk keeps its things, per OS: what the packages create and what the
//! app, the CLI and the diagnostics fall back to when no path is given. Linux follows the FHS
//! (`/etc`, `/var/lib`, `/var/log`); Windows keeps all three under `%ProgramData%\facekiosk`,
//! the one folder the installer locks down to SYSTEM, Administrators and the kiosk's account.

use std::path::PathBuf;

/// The installed kiosk's folders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstallPaths {
    /// The configuration file (`kiosk.toml`).
    pub config: PathBuf,
    /// Records, staff data, consent receipts.
    pub data: PathBuf,
    /// The rotating log files.
    pub logs: PathBuf,
}

impl InstallPaths {
    /// This OS's folders.
    pub fn here() -> InstallPaths {
        #[cfg(windows)]
        {
            InstallPaths::windows(program_data())
        }
        #[cfg(not(windows))]
        {
            InstallPaths::unix()
        }
    }

    /// The Debian-family package's layout.
    pub fn unix() -> InstallPaths {
        InstallPaths {
            config: PathBuf::from("/etc/facekiosk/kiosk.toml"),
            data: PathBuf::from("/var/lib/facekiosk"),
            logs: PathBuf::from("/var/log/facekiosk"),
        }
    }

    /// The Windows installer's layout under `program_data` (`C:\ProgramData`).
    pub fn windows(program_data: PathBuf) -> InstallPaths {
        let root = program_data.join("facekiosk");
        InstallPaths {
            config: root.join("kiosk.toml"),
            data: root.join("data"),
            logs: root.join("logs"),
        }
    }
}

/// `%ProgramData%`; Windows always sets it, but a service started with a stripped
/// environment may not have it, and the folder has been `C:\ProgramData` since Vista.
#[cfg(windows)]
fn program_data() -> PathBuf {
    std::env::var_os("ProgramData")
        .filter(|v| !v.is_empty())
        .map_or_else(|| PathBuf::from(r"C:\ProgramData"), PathBuf::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linux_keeps_the_fhs_layout_the_package_installs() {
        let p = InstallPaths::unix();
        assert_eq!(p.config, PathBuf::from("/etc/facekiosk/kiosk.toml"));
        assert_eq!(p.data, PathBuf::from("/var/lib/facekiosk"));
        assert_eq!(p.logs, PathBuf::from("/var/log/facekiosk"));
    }

    #[test]
    fn windows_keeps_everything_in_one_folder_under_program_data() {
        let p = InstallPaths::windows(PathBuf::from("D:/PD"));
        let root = PathBuf::from("D:/PD").join("facekiosk");
        assert_eq!(p.config, root.join("kiosk.toml"));
        assert_eq!(p.data, root.join("data"));
        assert_eq!(p.logs, root.join("logs"));
    }

    #[cfg(not(windows))]
    #[test]
    fn here_is_the_unix_layout_off_windows() {
        assert_eq!(InstallPaths::here(), InstallPaths::unix());
    }
}
