//! The disk a test run fills: what the build needs, what the machine has, and the build
//! settings that keep CI's share small.

use crate::runner::Ctx;
use std::path::Path;

/// What a `cargo xtask test` from a fresh clone leaves in target/ and fuzz/target/ (8.7 GiB
/// measured on the CI machine, see the README's set-up section), with room to spare.
const NEEDED_GIB: u64 = 12;

/// CI builds everything once: incremental caches would only take disk (they were 11 GiB of one
/// developer's 32 GiB target/debug). A developer's own CARGO_INCREMENTAL wins.
pub fn ci_build_settings(ctx: &mut Ctx) {
    if std::env::var_os("CI").is_some() && std::env::var_os("CARGO_INCREMENTAL").is_none() {
        println!("    CARGO_INCREMENTAL=0 (CI: one build, no incremental cache)");
        ctx.export("CARGO_INCREMENTAL", "0");
    }
}

/// Warns, before half an hour of building, when the disk under `dir` has less free space than
/// a run needs: a full disk otherwise shows up as a linker's "IO failure" deep in the run.
/// Never an error: a warm target directory needs far less.
pub fn check_free_space(dir: &Path) {
    let Some(free) = free_gib(dir) else {
        return;
    };
    if free < NEEDED_GIB {
        println!(
            "    warning: {free} GiB free under {}; a run from a fresh clone needs about \
             {NEEDED_GIB} GiB. Free space first (e.g. `cargo clean` in old clones).",
            dir.display()
        );
    } else {
        println!("    disk: {free} GiB free under {}", dir.display());
    }
}

/// Free GiB on the file system holding `dir`, from POSIX `df -Pk` (std has no statvfs).
fn free_gib(dir: &Path) -> Option<u64> {
    let out = std::process::Command::new("df")
        .arg("-Pk")
        .arg(dir)
        .output()
        .ok()?;
    parse_df_free_kib(&String::from_utf8_lossy(&out.stdout)).map(|kib| kib / (1024 * 1024))
}

/// The "Available" column (KiB) of `df -Pk`'s one data line.
fn parse_df_free_kib(text: &str) -> Option<u64> {
    text.lines().nth(1)?.split_whitespace().nth(3)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn df_s_available_column_is_read_in_kib() {
        let text = "Filesystem     1024-blocks     Used Available Capacity Mounted on\n\
                    /dev/vda         264091588 40894412  55708928      43% /\n";
        assert_eq!(parse_df_free_kib(text), Some(55_708_928));
    }

    #[test]
    fn unreadable_df_output_is_no_answer() {
        assert_eq!(parse_df_free_kib(""), None);
        assert_eq!(parse_df_free_kib("header only\n"), None);
        assert_eq!(parse_df_free_kib("h\n/dev/vda 1 2 lots 4% /\n"), None);
    }
}
