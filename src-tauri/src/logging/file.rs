//! The log file: `facekiosk.log` in the log folder, rotated by size (`facekiosk.log.1` is the
//! newest old one), so a kiosk that runs for months keeps a bounded amount of log and the
//! technician's bundle has the recent history. Created owner-only: the lines are redacted,
//! but they still say when which patient screen was shown.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tracing_subscriber::fmt::MakeWriter;

/// A file grows to this before it is rotated.
pub const MAX_BYTES: u64 = 10 * 1024 * 1024;
/// Old files kept beside the current one (so at most 6 × 10 MiB).
pub const KEPT: usize = 5;
pub const NAME: &str = "facekiosk.log";

#[derive(Debug)]
struct State {
    dir: PathBuf,
    file: File,
    size: u64,
    max_bytes: u64,
    /// Rotation waits for the end of a line: a writer may hand one line over in pieces.
    at_line_start: bool,
}

/// A size-rotated log file, shared by every writer the subscriber makes.
#[derive(Debug, Clone)]
pub struct RotatingFile(Arc<Mutex<State>>);

impl RotatingFile {
    pub fn open(dir: &Path) -> io::Result<RotatingFile> {
        RotatingFile::with_limit(dir, MAX_BYTES)
    }

    fn with_limit(dir: &Path, max_bytes: u64) -> io::Result<RotatingFile> {
        std::fs::create_dir_all(dir)?;
        #[cfg(unix)]
        refuse_foreign(dir)?;
        let file = open_append(&dir.join(NAME))?;
        let size = file.metadata()?.len();
        Ok(RotatingFile(Arc::new(Mutex::new(State {
            dir: dir.to_owned(),
            file,
            size,
            max_bytes,
            at_line_start: true,
        }))))
    }
}

/// A log folder that belongs to another user is left alone: a technician who starts the kiosk
/// as root would otherwise create (or rotate into) root-owned files there, which the kiosk's
/// own user then cannot write, and its logs would stop going to the files.
#[cfg(unix)]
fn refuse_foreign(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let owner = std::fs::metadata(dir)?.uid();
    let me = rustix::process::geteuid().as_raw();
    if owner == me {
        return Ok(());
    }
    Err(io::Error::new(
        io::ErrorKind::PermissionDenied,
        format!(
            "the folder belongs to user {owner} and this process runs as user {me}; \
             logging to stderr only (start the kiosk as the folder's owner)"
        ),
    ))
}

fn open_append(path: &Path) -> io::Result<File> {
    // Windows has no mode to give below: a new log gets the owner-only DACL of a secret's
    // file (the administrators keep reading it for the bundle), and being new, writing it
    // from the start is appending.
    #[cfg(windows)]
    match facekiosk_pii::secret_file::create(path) {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        created => return created,
    }
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

impl State {
    fn rotate(&mut self) -> io::Result<()> {
        let path = |n: usize| match n {
            0 => self.dir.join(NAME),
            n => self.dir.join(format!("{NAME}.{n}")),
        };
        // The oldest goes; each other moves one up.
        let _ = std::fs::remove_file(path(KEPT));
        for n in (0..KEPT).rev() {
            if path(n).exists() {
                std::fs::rename(path(n), path(n + 1))?;
            }
        }
        self.file = open_append(&path(0))?;
        self.size = 0;
        Ok(())
    }

    fn write_line(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.at_line_start && self.size > 0 && self.size + buf.len() as u64 > self.max_bytes {
            self.rotate()?;
        }
        self.file.write_all(buf)?;
        self.size += buf.len() as u64;
        if let Some(last) = buf.last() {
            self.at_line_start = *last == b'\n';
        }
        Ok(buf.len())
    }
}

/// One event's writer: the subscriber formats an event into it, then drops it.
#[derive(Debug)]
pub struct Line<'a>(&'a RotatingFile);

impl Write for Line<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        // A poisoned lock means a write panicked: logging goes on with the state as it is.
        let mut state = self.0.0.lock().unwrap_or_else(|e| e.into_inner());
        state.write_line(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        let mut state = self.0.0.lock().unwrap_or_else(|e| e.into_inner());
        state.file.flush()
    }
}

impl<'a> MakeWriter<'a> for RotatingFile {
    type Writer = Line<'a>;

    fn make_writer(&'a self) -> Line<'a> {
        Line(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(dir: &Path, name: &str) -> usize {
        std::fs::read_to_string(dir.join(name))
            .map(|t| t.lines().count())
            .unwrap_or(0)
    }

    #[test]
    fn the_file_is_rotated_by_size_and_keeps_a_bounded_history() {
        let dir = tempfile::tempdir().unwrap();
        let log = RotatingFile::with_limit(dir.path(), 100).unwrap();
        // 40 lines of 23 bytes, one write each as the subscriber writes an event: 4 fit a
        // file, so 10 files' worth.
        for i in 0..40 {
            let line = format!("line {i:04} of the log!!\n");
            log.make_writer().write_all(line.as_bytes()).unwrap();
        }
        assert_eq!(lines(dir.path(), NAME), 4);
        for n in 1..=KEPT {
            assert_eq!(lines(dir.path(), &format!("{NAME}.{n}")), 4, "{NAME}.{n}");
        }
        assert!(!dir.path().join(format!("{NAME}.{}", KEPT + 1)).exists());
        // The newest old file holds the lines just before the current ones.
        let newest_old = std::fs::read_to_string(dir.path().join(format!("{NAME}.1"))).unwrap();
        assert!(newest_old.starts_with("line 0032"), "{newest_old}");
    }

    #[test]
    fn a_line_handed_over_in_pieces_is_never_split_between_files() {
        let dir = tempfile::tempdir().unwrap();
        let log = RotatingFile::with_limit(dir.path(), 50).unwrap();
        for i in 0..20 {
            // `write!` hands the line over in several writes.
            writeln!(log.make_writer(), "line {i:04} of the log!!").unwrap();
        }
        for name in [NAME.to_owned(), format!("{NAME}.1"), format!("{NAME}.2")] {
            let text = std::fs::read_to_string(dir.path().join(&name)).unwrap();
            assert!(
                text.lines()
                    .all(|l| l.starts_with("line ") && l.ends_with("!!")),
                "{name}: {text}"
            );
        }
    }

    #[test]
    fn a_restart_appends_to_the_same_file() {
        let dir = tempfile::tempdir().unwrap();
        writeln!(
            RotatingFile::open(dir.path()).unwrap().make_writer(),
            "before"
        )
        .unwrap();
        writeln!(
            RotatingFile::open(dir.path()).unwrap().make_writer(),
            "after"
        )
        .unwrap();
        let text = std::fs::read_to_string(dir.path().join(NAME)).unwrap();
        assert_eq!(text, "before\nafter\n");
    }

    /// Needs root (CI runs as root): only root can give a folder away.
    #[cfg(unix)]
    #[test]
    fn a_log_folder_of_another_user_gets_no_file_of_ours() {
        use std::os::unix::fs::MetadataExt;
        if !rustix::process::geteuid().is_root() {
            eprintln!("skipped: not root, cannot give a folder to another user");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::chown(dir.path(), Some(65534), None).unwrap();
        let error = RotatingFile::open(dir.path()).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::PermissionDenied);
        assert!(error.to_string().contains("user 65534"), "{error}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        // Its owner's folder again: the file is made.
        std::os::unix::fs::chown(dir.path(), Some(0), None).unwrap();
        RotatingFile::open(dir.path()).unwrap();
        assert_eq!(std::fs::metadata(dir.path().join(NAME)).unwrap().uid(), 0);
    }

    #[cfg(unix)]
    #[test]
    fn log_files_are_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        writeln!(RotatingFile::open(dir.path()).unwrap().make_writer(), "x").unwrap();
        let mode = std::fs::metadata(dir.path().join(NAME))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0);
    }
}
