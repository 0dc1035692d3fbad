//! Files that hold a secret (private keys, the APIv2 key, the pairing key, the records' link
//! key): made readable by their owner only from their first byte, and refused when anyone else
//! may read them. One rule, kept here, for every such file the kiosk, its tools and the sandbox
//! write or read.
//!
//! On Unix "anyone else" is the group and other permission bits; on Windows, the groups every
//! local account is in (Everyone, Users, Authenticated Users) in the file's DACL, or no DACL.

// The Win32 security API is C: its calls are unsafe, each with its reason beside it.
#[cfg(windows)]
#[allow(unsafe_code)]
mod windows;

use std::fmt;
use std::fs::File;
use std::io;
use std::path::Path;

/// Why a secret's file is refused: who else may read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exposure {
    /// Unix: the permission bits, which let the group or others read.
    Mode(u32),
    /// Windows: the file has no access list, which lets everyone do everything.
    NoDacl,
    /// Windows: its access list lets this group read (`Everyone`, `Users`,
    /// `Authenticated Users`).
    Group(&'static str),
}

impl fmt::Display for Exposure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Exposure::Mode(mode) => write!(f, "mode {mode:03o}"),
            Exposure::NoDacl => f.write_str("it has no access list, so everyone may read it"),
            Exposure::Group(group) => write!(f, "{group} may read it"),
        }
    }
}

impl Exposure {
    /// The command that makes `path` its owner's only.
    pub fn fix(&self, path: &Path) -> String {
        match self {
            Exposure::Mode(_) => format!("chmod 600 {}", path.display()),
            // SIDs, not names: the group names are translated on a Chinese Windows.
            Exposure::NoDacl | Exposure::Group(_) => format!(
                "icacls \"{}\" /inheritance:r /grant:r \"%USERNAME%:F\" *S-1-5-18:F \
                 *S-1-5-32-544:F /remove:g *S-1-1-0 *S-1-5-32-545 *S-1-5-11",
                path.display()
            ),
        }
    }
}

/// Creates `path` for writing a secret: new (a file someone put there first, with looser
/// permissions or as a link elsewhere, is refused rather than reused) and readable by its
/// owner only from the start (0600; on Windows a protected DACL for the owner, SYSTEM and
/// Administrators): changing it after writing would leave a moment in which others can read it.
pub fn create(path: &Path) -> io::Result<File> {
    #[cfg(windows)]
    {
        windows::create(path)
    }
    #[cfg(not(windows))]
    {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        options.open(path)
    }
}

/// Who else may read `path`, when anyone but its owner (and, on Windows, the administrators)
/// may.
pub fn exposed(path: &Path) -> io::Result<Option<Exposure>> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)?.permissions().mode() & 0o777;
        Ok((mode & 0o077 != 0).then_some(Exposure::Mode(mode)))
    }
    #[cfg(windows)]
    {
        Ok(windows::exposed_to(path)?.map(|reader| match reader {
            windows::Reader::NoDacl => Exposure::NoDacl,
            windows::Reader::Group(group) => Exposure::Group(group),
        }))
    }
    #[cfg(not(any(unix, windows)))]
    {
        std::fs::metadata(path).map(|_| None)
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::io::Write;
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn a_new_secret_file_is_owner_only_and_never_an_existing_file() {
        let dir = tempfile_dir();
        let path = dir.join("key");
        create(&path).unwrap().write_all(b"k").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(exposed(&path).unwrap(), None);
        assert_eq!(
            create(&path).unwrap_err().kind(),
            io::ErrorKind::AlreadyExists
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn group_or_other_read_is_exposed() {
        let dir = tempfile_dir();
        let path = dir.join("key");
        std::fs::write(&path, "k").unwrap();
        for (mode, expected) in [
            (0o600, None),
            (0o400, None),
            (0o640, Some(Exposure::Mode(0o640))),
            (0o604, Some(Exposure::Mode(0o604))),
        ] {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
            assert_eq!(exposed(&path).unwrap(), expected, "{mode:o}");
        }
        // What callers tell the technician: who may read it, and the command that fixes it.
        let exposure = exposed(&path).unwrap().unwrap();
        assert_eq!(exposure.to_string(), "mode 604");
        assert_eq!(exposure.fix(&path), format!("chmod 600 {}", path.display()));
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// A fresh directory of this test's own (the crate has no dev-dependencies).
    fn tempfile_dir() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "facekiosk-pii-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
