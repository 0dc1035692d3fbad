//! Module level: inside one crate, which sibling module names which. Only siblings (children of
//! one parent) make edges, each standing for its whole subtree: a parent contains its children,
//! so a child naming its parent's own items, or a parent naming its children, is no edge.

use super::Graph;
use super::scan::{self, Scan};
use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::Path;

/// One source file: its path under src/ (with `/`), its module path and what it names.
struct File {
    rel: String,
    module: Vec<String>,
    scan: Scan,
}

/// The sibling graph of the crate whose sources are in `src`, and how many modules it has.
pub fn graph(src: &Path) -> io::Result<(Graph, usize)> {
    let mut rels = Vec::new();
    if src.is_dir() {
        source_files(src, "", &mut rels)?;
    }
    rels.sort();
    let mut files = Vec::new();
    for rel in rels {
        let scan = scan::scan(&fs::read_to_string(src.join(&rel))?);
        let module = module_of(&rel);
        files.push(File { rel, module, scan });
    }
    let in_module = |file: &File, sub: &[String]| [file.module.as_slice(), sub].concat();
    let test_mods: Vec<Vec<String>> = files
        .iter()
        .flat_map(|f| f.scan.test_mods.iter().map(|m| in_module(f, m)))
        .collect();
    files.retain(|f| !test_mods.iter().any(|t| f.module.starts_with(t)));
    let known: BTreeSet<Vec<String>> = files
        .iter()
        .flat_map(|f| {
            std::iter::once(f.module.clone())
                .chain(f.scan.inline_mods.iter().map(|m| in_module(f, m)))
        })
        .collect();

    let mut graph = Graph::default();
    for file in &files {
        for path in &file.scan.paths {
            let here = in_module(file, &path.inline);
            let Some((target, used)) = resolve(&here, &path.segments, &known) else {
                continue;
            };
            let common = here.iter().zip(&target).take_while(|(a, b)| a == b).count();
            if common == here.len() || common == target.len() {
                continue; // into its own subtree, or to an ancestor's own items
            }
            let evidence = format!(
                "{}:{} uses {}",
                file.rel,
                path.line,
                path.segments[..used].join("::")
            );
            graph.add(
                here[..=common].join("::"),
                target[..=common].join("::"),
                evidence,
            );
        }
    }
    Ok((graph, known.len()))
}

/// Every .rs file under `dir`, as paths relative to src/, except test code (tests.rs, tests/),
/// which may reach anywhere, and src/bin/, whose files are crate roots of their own.
fn source_files(dir: &Path, rel: &str, out: &mut Vec<String>) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = format!("{rel}{name}");
        if entry.file_type()?.is_dir() {
            if name != "tests" && path != "bin" {
                source_files(&entry.path(), &format!("{path}/"), out)?;
            }
        } else if name.ends_with(".rs") && name != "tests.rs" {
            out.push(path);
        }
    }
    Ok(())
}

/// `session/engine.rs` and `session/engine/mod.rs` are `session::engine`; lib.rs and main.rs
/// are the crate root.
fn module_of(rel: &str) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .trim_end_matches(".rs")
        .split('/')
        .map(String::from)
        .collect();
    let last = parts.pop().unwrap_or_default();
    let is_root = parts.is_empty() && (last == "lib" || last == "main");
    if last != "mod" && !is_root {
        parts.push(last);
    }
    parts
}

/// The module a path written in `here` names, and how many of its segments lead there: the
/// longest prefix that is a known module (`crate::wxpay::nonce` names `wxpay`, 2 segments).
fn resolve(
    here: &[String],
    segments: &[String],
    known: &BTreeSet<Vec<String>>,
) -> Option<(Vec<String>, usize)> {
    let mut used = 0;
    let mut module = if segments.first()? == "crate" {
        used = 1;
        Vec::new()
    } else {
        here.to_vec()
    };
    while let Some(segment) = segments.get(used) {
        match segment.as_str() {
            "self" => {}
            "super" => {
                module.pop()?;
            }
            _ => break,
        }
        used += 1;
    }
    while let Some(segment) = segments.get(used) {
        module.push(segment.clone());
        if !known.contains(&module) {
            module.pop();
            break;
        }
        used += 1;
    }
    Some((module, used))
}
