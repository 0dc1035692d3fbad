//! Replacing the configuration file so that the kiosk, whenever it starts or loses power, finds
//! either the old file or the new one whole: never half of one.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};

/// Writes `bytes` to a new file beside `path` with `path`'s permission bits, flushes it to
/// disk, then renames it over `path`.
pub(super) fn replace(path: &Path, bytes: &[u8]) -> io::Result<()> {
    // A link (a deployment may link the file into /etc) stays a link: its target is replaced.
    let path = fs::canonicalize(path)?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let permissions = fs::metadata(&path)?.permissions();
    let tmp = dir.join(temporary_name(&path));
    let written = (|| {
        let mut file = create_private(&tmp)?;
        file.write_all(bytes)?;
        file.set_permissions(permissions)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, &path)?;
        sync_dir(dir)
    })();
    if written.is_err() {
        // Nothing to do if it is gone already; the original file is untouched either way.
        let _ = fs::remove_file(&tmp);
    }
    written
}

fn temporary_name(path: &Path) -> String {
    static COUNT: AtomicU32 = AtomicU32::new(0);
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let n = COUNT.fetch_add(1, Ordering::Relaxed);
    format!(".{name}.{}-{n}.tmp", std::process::id())
}

/// Readable by the owner alone until the original's bits are copied: the file may hold what
/// others must not read. (On Windows, where there are no bits to copy, it stays so: an
/// owner-only DACL.)
fn create_private(path: &Path) -> io::Result<File> {
    facekiosk_pii::secret_file::create(path)
}

/// The rename itself is durable only once the folder is flushed (POSIX); Windows has no
/// equivalent to call.
fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}
