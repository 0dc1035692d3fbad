//! Files that hold a secret (private keys, the APIv2 key, the pairing key, the records' link
//! key): made readable by their owner only from their first byte, and refused when anyone else
//! may read them. One rule, kept here, for every such file the kiosk, its tools and the sandbox
//! write or read.
//!
//! On Unix "anyone else" is the group and other permission bits. Elsewhere nothing is checked
//! yet: the Windows ACL check comes with the Windows package.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::Path;

/// Creates `path` for writing a secret: new (a file someone put there first, with looser
/// permissions or as a link elsewhere, is refused rather than reused) and mode 0600 from the
/// start (a chmod after writing would leave a moment in which others can read it).
pub fn create(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// The permission bits of `path` when they let anyone but its owner read it, else `None`.
pub fn exposed_mode(path: &Path) -> io::Result<Option<u32>> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)?.permissions().mode() & 0o777;
        Ok((mode & 0o077 != 0).then_some(mode))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(None)
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
        assert_eq!(exposed_mode(&path).unwrap(), None);
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
        for (mode, exposed) in [
            (0o600, None),
            (0o400, None),
            (0o640, Some(0o640)),
            (0o604, Some(0o604)),
        ] {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
            assert_eq!(exposed_mode(&path).unwrap(), exposed, "{mode:o}");
        }
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
