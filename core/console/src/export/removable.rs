//! The removable drives staff can export to: on Linux the USB sticks the desktop mounts
//! (`/media/<user>/<label>`, `/run/media/<user>/<label>`), on Windows the drive letters
//! Windows calls removable (USB sticks, SD cards) that hold a medium.

use std::path::PathBuf;

#[cfg(not(windows))]
pub(super) fn drives() -> Vec<PathBuf> {
    use std::path::Path;
    let mut found = Vec::new();
    for root in ["/media", "/run/media"] {
        for user in dirs_in(Path::new(root)) {
            found.extend(dirs_in(&user));
        }
    }
    found
}

// Two kernel32 calls with no pointers kept; each unsafe block says why it holds.
#[cfg(windows)]
#[allow(unsafe_code)]
pub(super) fn drives() -> Vec<PathBuf> {
    use windows_sys::Win32::Storage::FileSystem::{GetDriveTypeW, GetLogicalDrives};
    use windows_sys::Win32::System::WindowsProgramming::DRIVE_REMOVABLE;
    // SAFETY: no arguments; answers a bit per drive letter in use.
    let letters = unsafe { GetLogicalDrives() };
    (0..26u8)
        .filter(|i| letters & (1 << i) != 0)
        .map(|i| format!("{}:\\", char::from(b'A' + i)))
        .filter(|root| {
            let wide: Vec<u16> = root.encode_utf16().chain(Some(0)).collect();
            // SAFETY: a NUL-terminated root path such as `E:\`.
            let kind = unsafe { GetDriveTypeW(wide.as_ptr()) };
            kind == DRIVE_REMOVABLE
        })
        .map(PathBuf::from)
        // A card reader with no card is a removable drive too, but not a folder.
        .filter(|root| root.is_dir())
        .collect()
}

/// The folders in `dir`, sorted; none when it cannot be read (no such mount point).
#[cfg(not(windows))]
fn dirs_in(dir: &std::path::Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}
