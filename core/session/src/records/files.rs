//! The records' files on disk: private to the kiosk's user from the moment they exist, and the
//! link key never seen half-written.

use std::fs::File;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use facekiosk_pii::secret_file;
use zeroize::Zeroizing;

/// The link key's file: `<records>.key` (`records.sqlite.key`).
pub(super) fn key_path(records: &Path) -> PathBuf {
    with_suffix(records, ".key")
}

/// Where a new key is written before it is renamed into place.
pub(super) fn key_temp_path(key: &Path) -> PathBuf {
    with_suffix(key, ".tmp")
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

pub(super) fn random_key() -> Zeroizing<[u8; 32]> {
    let mut key = Zeroizing::new([0u8; 32]);
    rand::fill(&mut key[..]);
    key
}

/// The link key at `path`, or `None` when there is no key file. A temporary file left by a
/// start that crashed while writing a key is removed: it may be incomplete, and it was never
/// the key any link was written under.
pub(super) fn load_key(path: &Path) -> Result<Option<Zeroizing<[u8; 32]>>, String> {
    let temp = key_temp_path(path);
    match std::fs::remove_file(&temp) {
        Ok(()) => tracing::warn!(
            file = %temp.display(),
            "removed a link key left half-written by an earlier start"
        ),
        Err(e) if e.kind() == ErrorKind::NotFound => {}
        Err(e) => return Err(format!("{}: {e}", temp.display())),
    }
    let text = match std::fs::read_to_string(path) {
        Ok(text) => Zeroizing::new(text),
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    let mut key = Zeroizing::new([0u8; 32]);
    hex::decode_to_slice(text.trim(), &mut key[..])
        .map_err(|_| format!("{}: the link key must be 64 hex digits", path.display()))?;
    check_private(path)?;
    Ok(Some(key))
}

/// Writes a new link key to `path`: whole or not at all, even if the kiosk dies meanwhile.
pub(super) fn create_key(path: &Path) -> Result<Zeroizing<[u8; 32]>, String> {
    let key = random_key();
    let text = Zeroizing::new(hex::encode(&key[..]));
    write_atomically(path, text.as_bytes(), |f, bytes| f.write_all(bytes))?;
    Ok(key)
}

/// Temporary file in the same directory (so the rename cannot cross file systems), synced,
/// renamed over `path`, then the directory synced so the rename itself survives a power cut.
/// `write` fills the temporary file (a seam for the tests to fail it halfway).
pub(super) fn write_atomically(
    path: &Path,
    bytes: &[u8],
    write: impl FnOnce(&mut File, &[u8]) -> std::io::Result<()>,
) -> Result<(), String> {
    let temp = key_temp_path(path);
    match std::fs::remove_file(&temp) {
        Ok(()) => {}
        Err(e) if e.kind() == ErrorKind::NotFound => {}
        Err(e) => return Err(named(&temp)(e)),
    }
    let mut f = secret_file::create(&temp).map_err(named(&temp))?;
    let written = write(&mut f, bytes).and_then(|()| f.sync_all());
    drop(f);
    if let Err(e) = written {
        // Best effort: the next start removes it anyway.
        let _ = std::fs::remove_file(&temp);
        return Err(named(&temp)(e));
    }
    std::fs::rename(&temp, path).map_err(named(path))?;
    sync_dir(path).map_err(named(path))
}

/// An I/O error, with the file it happened to.
fn named(path: &Path) -> impl Fn(std::io::Error) -> String + '_ {
    move |e| format!("{}: {e}", path.display())
}

/// Creates `path` for the records' database, owner read/write only, before SQLite opens it:
/// SQLite would create it with the process's umask (often world-readable), and gives its
/// `-wal` and `-shm` files the database's own mode. An existing file is left as it is.
pub(super) fn create_database(path: &Path) -> std::io::Result<()> {
    match secret_file::create(path) {
        Ok(f) => f.sync_all(),
        Err(e) if e.kind() == ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(unix)]
fn sync_dir(path: &Path) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    File::open(dir)?.sync_all()
}

// Windows cannot open a directory as a file; NTFS journals the rename itself.
#[cfg(not(unix))]
fn sync_dir(_: &Path) -> std::io::Result<()> {
    Ok(())
}

/// A key others can read would let them join the links with WeChat's openids.
fn check_private(path: &Path) -> Result<(), String> {
    match secret_file::exposed(path).map_err(named(path))? {
        None => Ok(()),
        Some(exposure) => Err(format!(
            "{}: the link key is readable by other users ({exposure}); run `{}`",
            path.display(),
            exposure.fix(path)
        )),
    }
}
