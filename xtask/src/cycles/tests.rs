//! Small synthetic workspaces, each asserting exactly the cycles reported: what proves the
//! check can fail, and fails for the right reason.

use super::{Findings, check};
use std::fs;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A workspace written under the system temp dir, removed when dropped.
struct Workspace {
    root: PathBuf,
}

impl Workspace {
    fn new(files: &[(&str, &str)]) -> Workspace {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let root = std::env::temp_dir().join(format!("xtask-cycles-{}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let workspace = Workspace { root };
        for (path, text) in files {
            workspace.write(path, text);
        }
        workspace
    }

    /// A workspace of one crate, `m`, with these files under m/src/.
    fn one_crate(sources: &[(&str, &str)]) -> Workspace {
        let workspace = Workspace::new(&[
            ("Cargo.toml", "[workspace]\nmembers = [\"m\"]\n"),
            ("m/Cargo.toml", "[package]\nname = \"m\"\n"),
        ]);
        for (path, text) in sources {
            workspace.write(&format!("m/src/{path}"), text);
        }
        workspace
    }

    fn write(&self, path: &str, text: &str) {
        let path = self.root.join(path);
        fs::create_dir_all(path.parent().expect("a file has a parent")).expect("create dirs");
        fs::write(path, text).expect("write file");
    }

    fn findings(&self) -> Findings {
        check(&self.root).expect("check runs")
    }

    fn cycles(&self) -> Vec<String> {
        self.findings()
            .cycles
            .iter()
            .map(ToString::to_string)
            .collect()
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.root);
    }
}

#[test]
fn module_cycle_through_super_and_crate_paths() {
    let workspace = Workspace::one_crate(&[
        ("lib.rs", "mod a;\nmod b;\n"),
        ("a.rs", "use super::b::Y;\npub struct X;\n"),
        (
            "b.rs",
            "pub struct Y;\npub fn f() -> crate::a::X {\n    crate::a::X\n}\n",
        ),
    ]);
    assert_eq!(
        workspace.cycles(),
        ["m: a -> b -> a (a.rs:1 uses super::b; b.rs:2 uses crate::a)"]
    );
    let findings = workspace.findings();
    assert_eq!((findings.crates, findings.modules), (1, 3));
}

#[test]
fn crate_cycle_closed_by_a_dev_dependency() {
    let workspace = Workspace::new(&[
        (
            "Cargo.toml",
            "[workspace]\nmembers = [\n    \"a\", # the app\n    \"b\",\n    \"c\",\n]\n\n\
             [workspace.dependencies]\na = { path = \"a\" }\nb = { path = \"b\" }\n",
        ),
        (
            "a/Cargo.toml",
            "[package]\nname = \"a\"\ndescription = \"\"\"not a table:\n[dependencies]\nc = 1\"\"\"\n\n\
             [dependencies.serde]\nversion = \"1\"\nfeatures = [\n    \"derive\",\n]\n\n\
             [dependencies]\nb.workspace = true\n\n[build-dependencies]\ncc = \"1\"\n",
        ),
        (
            "b/Cargo.toml",
            "[package]\nname = \"b\"\n\n\
             [target.'cfg(unix)'.dependencies]\nthe-c = { path = \"../c\", package = \"c\" }\n",
        ),
        (
            "c/Cargo.toml",
            "[package]\nname = \"c\"\n\n[dev-dependencies]\na = { workspace = true }\n",
        ),
    ]);
    assert_eq!(
        workspace.cycles(),
        [
            "workspace: a -> b -> c -> a (a/Cargo.toml:14 [dependencies] b; \
          b/Cargo.toml:5 [target.'cfg(unix)'.dependencies] c; c/Cargo.toml:5 [dev-dependencies] a)"
        ]
    );
}

#[test]
fn comments_and_strings_make_no_edge() {
    let a = r###"//! Unlike crate::b, this module ...
/* crate::b::Y /* nested: crate::b */ */
/// See [`crate::b`].
pub const DOC: &str = "crate::b::Y \" crate::b";
pub const RAW: &str = r#"use crate::b; "quoted" crate::b"#;
pub const QUOTE: char = '"';
pub fn f<'a>(s: &'a str) -> &'a str { s }
"###;
    let workspace = Workspace::one_crate(&[
        ("lib.rs", "mod a;\nmod b;\n"),
        ("a.rs", a),
        ("b.rs", "pub struct Y;\npub fn g() { crate::a::f(\"\"); }\n"),
    ]);
    assert_eq!(workspace.cycles(), Vec::<String>::new());
    // The same file naming crate::b in code does make the edge.
    workspace.write("m/src/a.rs", &format!("{a}pub use crate::b::Y;\n"));
    assert_eq!(
        workspace.cycles(),
        ["m: a -> b -> a (a.rs:8 uses crate::b; b.rs:2 uses crate::a)"]
    );
}

#[test]
fn test_code_makes_no_edge() {
    let a = "pub fn f() {}\n\
             #[cfg(test)]\nmod tests;\n\
             #[cfg(test)]\n#[allow(unused)]\nmod more_tests {\n    use crate::b::Y;\n}\n\
             #[cfg(test)]\npub(crate) mod helpers;\n";
    let workspace = Workspace::one_crate(&[
        ("lib.rs", "mod a;\nmod b;\n"),
        ("a.rs", a),
        ("a/tests.rs", "use crate::b::Y;\n"),
        ("a/helpers.rs", "use crate::b::Y;\n"),
        ("b.rs", "pub struct Y;\npub fn g() { crate::a::f(); }\n"),
        ("b/tests/fixtures.rs", "use crate::a;\n"),
    ]);
    assert_eq!(workspace.cycles(), Vec::<String>::new());
}

#[test]
fn multi_line_use_group() {
    let workspace = Workspace::one_crate(&[
        ("lib.rs", "mod a;\nmod b;\nmod c;\n"),
        (
            "a.rs",
            "pub struct X;\npub fn f() {\n    crate::c::g();\n}\n",
        ),
        ("b.rs", "pub struct Y;\npub struct Z;\nuse super::c::g;\n"),
        (
            "c.rs",
            "use crate::{\n    a::X,\n    b::{Y, Z},\n};\npub fn g() {}\n",
        ),
    ]);
    assert_eq!(
        workspace.cycles(),
        [
            "m: a -> c -> b -> c -> a (a.rs:3 uses crate::c; c.rs:3 uses crate::b; \
          b.rs:3 uses super::c; c.rs:2 uses crate::a)"
        ]
    );
}

#[test]
fn nested_cycle_at_depth_two() {
    let workspace = Workspace::one_crate(&[
        ("lib.rs", "pub mod outer;\npub mod other;\n"),
        // The parent naming its children, and the children naming the parent's own items
        // (Deps), is containment: no edge.
        (
            "outer.rs",
            "mod x;\nmod y;\npub struct Deps;\npub use x::run;\n",
        ),
        (
            "outer/x.rs",
            "use super::Deps;\nuse super::y::Y;\npub fn run(_: Deps) {}\n",
        ),
        (
            "outer/y/mod.rs",
            "pub struct Y;\nmod inner {\n    pub fn f() {\n        \
             super::super::x::run(crate::outer::Deps);\n    }\n}\n",
        ),
        ("other.rs", "use crate::outer::Deps;\n"),
    ]);
    assert_eq!(
        workspace.cycles(),
        [
            "m: outer::x -> outer::y -> outer::x (outer/x.rs:2 uses super::y; \
          outer/y/mod.rs:4 uses super::super::x)"
        ]
    );
    // The root, outer, outer::x, outer::y, outer::y::inner and other.
    assert_eq!(workspace.findings().modules, 6);
}
