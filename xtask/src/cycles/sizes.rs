//! How the Rust code is shared among the crates: a crate that holds much more than a quarter of
//! it is several concepts in one folder, which the crate split is there to prevent.

use std::fs;
use std::path::Path;

use super::crates::Member;

/// The largest share of the workspace's Rust lines one crate may hold, in percent ("about a
/// quarter", with room).
pub const MAX_SHARE: usize = 30;

/// Lines of Rust in each member (its src, tests, benches and build script; not `target/`),
/// largest first.
pub fn lines(root: &Path, members: &[Member]) -> Vec<(String, usize)> {
    let mut sizes: Vec<(String, usize)> = members
        .iter()
        .map(|m| {
            (
                m.name.clone(),
                rust_lines(&root.join(&m.dir), members, root),
            )
        })
        .collect();
    sizes.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    sizes
}

/// The crates over [`MAX_SHARE`], as `name (N%)`.
pub fn too_large(sizes: &[(String, usize)]) -> Vec<String> {
    let total: usize = sizes.iter().map(|(_, n)| n).sum();
    sizes
        .iter()
        .filter(|(_, n)| total > 0 && n * 100 > MAX_SHARE * total)
        .map(|(name, n)| format!("{name} ({}%)", n * 100 / total))
        .collect()
}

/// Lines of `.rs` files under `dir`, leaving out `target/` and the folders of other members
/// nested inside it (`android-bridge/` holds three crates).
fn rust_lines(dir: &Path, members: &[Member], root: &Path) -> usize {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    let mut total = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() {
            let nested = members.iter().any(|m| root.join(&m.dir) == path);
            if name != "target" && name != "node_modules" && !nested {
                total += rust_lines(&path, members, root);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            total += fs::read_to_string(&path).map_or(0, |s| s.lines().count());
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sized(list: &[(&str, usize)]) -> Vec<(String, usize)> {
        list.iter().map(|(n, l)| ((*n).to_owned(), *l)).collect()
    }

    #[test]
    fn a_crate_over_the_share_is_named_with_its_share() {
        let sizes = sized(&[("core", 4000), ("cli", 3000), ("app", 3000)]);
        assert_eq!(too_large(&sizes), ["core (40%)"]);
        let sizes = sized(&[("a", 30), ("b", 25), ("c", 25), ("d", 20)]);
        assert!(
            too_large(&sizes).is_empty(),
            "30% is the limit, not over it"
        );
        assert!(too_large(&[]).is_empty());
    }
}
