//! Reading and writing the staff files: owner-only (mode 0600) from their first byte, refused
//! when anyone else may read them, replaced atomically so a crash mid-write leaves the old file.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use facekiosk_pii::secret_file;

use crate::StaffError;

/// The file's text, or `None` when it does not exist yet. A file others may read is refused:
/// a PIN hash or the audit trail readable by any local user would invite offline guessing or
/// editing.
pub(crate) fn read_private(path: &Path) -> Result<Option<String>, StaffError> {
    match secret_file::exposed(path) {
        Ok(Some(exposure)) => {
            return Err(StaffError::Exposed {
                path: path.to_path_buf(),
                exposure,
            });
        }
        Ok(None) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_error(path, e)),
    }
    fs::read_to_string(path)
        .map(Some)
        .map_err(|e| io_error(path, e))
}

/// Replaces `path` with `bytes`: a temporary file created 0600 beside it, synced, renamed
/// over. Readers see the old or the new content, never half of it.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), StaffError> {
    let tmp = temp_path(path);
    // A temporary file left by a crash is ours and stale; `create` refuses existing files.
    match fs::remove_file(&tmp) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(io_error(&tmp, e)),
    }
    let mut file = secret_file::create(&tmp).map_err(|e| io_error(&tmp, e))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| io_error(&tmp, e))?;
    drop(file);
    fs::rename(&tmp, path).map_err(|e| io_error(path, e))
}

fn temp_path(path: &Path) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".tmp");
    path.with_file_name(name)
}

pub(crate) fn io_error(path: &Path, source: io::Error) -> StaffError {
    StaffError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A parse error without the offending text: serde_json quotes values it could not read, and
/// these files hold PIN hashes and setting values.
pub(crate) fn corrupt(path: &Path, line: usize, e: &serde_json::Error) -> StaffError {
    StaffError::Corrupt {
        path: path.to_path_buf(),
        line,
        detail: format!("{:?} error at column {}", e.classify(), e.column()),
    }
}

#[cfg(all(test, unix))]
pub(crate) mod tests {
    use std::os::unix::fs::PermissionsExt;
    use std::path::Path;

    pub(crate) fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    pub(crate) fn loosen(path: &Path) {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644)).unwrap();
    }

    #[test]
    fn an_atomic_write_is_owner_only_and_replaces_a_stale_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.json");
        std::fs::write(dir.path().join("f.json.tmp"), "stale").unwrap();
        super::write_atomic(&path, b"one").unwrap();
        super::write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "two");
        assert_eq!(mode(&path), 0o600);
        assert!(!dir.path().join("f.json.tmp").exists());
    }

    #[test]
    fn a_file_others_can_read_is_refused_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.json");
        super::write_atomic(&path, b"x").unwrap();
        loosen(&path);
        let err = super::read_private(&path).unwrap_err().to_string();
        assert!(err.contains(&path.display().to_string()), "{err}");
        assert!(err.contains("644"), "{err}");
    }
}
