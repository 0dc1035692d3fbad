//! `disk`: free space where the records live. Read from `df` (POSIX output): the workspace
//! forbids the unsafe `statvfs` call, and `df` is on every Linux kiosk.

use std::path::Path;

use crate::Check;

const ID: &str = "disk";
const GIB: u64 = 1024 * 1024 * 1024;

pub async fn check(records: &Path) -> Check {
    let dir = records
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !cfg!(unix) {
        return Check::warn(
            ID,
            "free space not measured on this system",
            "check the free space of the records' drive by hand",
        );
    }
    let out = tokio::process::Command::new("df")
        .arg("-Pk")
        .arg(dir)
        .output()
        .await;
    let free = out
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| available_kib(&String::from_utf8_lossy(&o.stdout)));
    match free {
        None => Check::warn(
            ID,
            format!("free space of {} could not be read (df)", dir.display()),
            "check the free space by hand (df -h)",
        ),
        Some(kib) => verdict(dir, kib.saturating_mul(1024)),
    }
}

fn verdict(dir: &Path, bytes: u64) -> Check {
    let detail = format!(
        "{:.1} GiB free where the records are ({})",
        bytes as f64 / GIB as f64,
        dir.display()
    );
    if bytes < GIB {
        Check::warn(
            ID,
            detail,
            "free space on this drive: the records and the log need room",
        )
    } else {
        Check::ok(ID, detail)
    }
}

/// The "Available" column of `df -P`'s second line.
fn available_kib(text: &str) -> Option<u64> {
    text.lines().nth(1)?.split_whitespace().nth(3)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Status;

    #[test]
    fn reads_df_and_warns_under_a_gibibyte() {
        let df = "Filesystem 1024-blocks Used Available Capacity Mounted on\n\
                  /dev/sda1 100000000 50000000 524288 99% /\n";
        assert_eq!(available_kib(df), Some(524_288));
        assert_eq!(available_kib("garbage"), None);
        assert_eq!(
            verdict(Path::new("/"), 512 * 1024 * 1024).status,
            Status::Warn
        );
        assert_eq!(verdict(Path::new("/"), 2 * GIB).status, Status::Ok);
    }
}
