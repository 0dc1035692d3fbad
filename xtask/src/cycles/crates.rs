//! Crate level: the workspace members and which of them each one depends on, read from the
//! Cargo.toml files with just enough TOML for them (xtask stays std-only). Normal, dev and build
//! dependencies all count: a dev-dependency that closes a cycle builds the crate twice.

use super::Graph;
use std::fs;
use std::path::Path;

#[derive(Debug)]
pub struct Member {
    pub name: String,
    /// The member's directory, relative to the workspace root, as the root Cargo.toml says.
    pub dir: String,
    deps: Vec<Dep>,
}

#[derive(Debug)]
struct Dep {
    /// The package depended on (its `package = ".."` if renamed).
    name: String,
    /// The table it is in, as written: `dependencies`, `target.'cfg(unix)'.dev-dependencies`.
    table: String,
    line: usize,
}

const DEP_TABLES: [&str; 5] = [
    "dependencies",
    "dev-dependencies",
    "build-dependencies",
    "dev_dependencies",
    "build_dependencies",
];

/// The members of the workspace whose root Cargo.toml is in `root`.
pub fn members(root: &Path) -> Result<Vec<Member>, String> {
    let read = |rel: &str| {
        let path = root.join(rel);
        fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))
    };
    let mut dirs = Vec::new();
    let mut table = Vec::new();
    for (_, statement) in statements(&read("Cargo.toml")?) {
        match statement {
            Statement::Table(name, _) => table = name,
            Statement::Key(key, value) if table == ["workspace"] && key == ["members"] => {
                dirs = strings(&value);
            }
            Statement::Key(..) => {}
        }
    }
    dirs.into_iter()
        .map(|dir| {
            let manifest = format!("{dir}/Cargo.toml");
            member(dir, &read(&manifest)?).ok_or(format!("{manifest} has no [package] name"))
        })
        .collect()
}

/// The dependency graph among `members`, with the Cargo.toml line of each edge.
pub fn graph(members: &[Member]) -> Graph {
    let mut graph = Graph::default();
    for member in members {
        for dep in &member.deps {
            if dep.name != member.name && members.iter().any(|m| m.name == dep.name) {
                let evidence = format!(
                    "{}/Cargo.toml:{} [{}] {}",
                    member.dir, dep.line, dep.table, dep.name
                );
                graph.add(member.name.clone(), dep.name.clone(), evidence);
            }
        }
    }
    graph
}

/// What the statements under the current `[table]` are.
enum Table {
    Package,
    /// A list of dependencies, with its header as written.
    Deps(String),
    /// One dependency (`[dependencies.foo]`), already pushed: `package = ".."` renames it.
    OneDep,
    Other,
}

fn member(dir: String, manifest: &str) -> Option<Member> {
    let mut name = None;
    let mut deps: Vec<Dep> = Vec::new();
    let mut table = Table::Other;
    for (line, statement) in statements(manifest) {
        match statement {
            Statement::Table(header, text) => {
                let kind = match header.first() {
                    Some(t) if t == "target" => header.get(2..).unwrap_or_default(),
                    _ => &header[..],
                };
                let is_deps = |t: &String| DEP_TABLES.contains(&t.as_str());
                table = match kind {
                    _ if header == ["package"] => Table::Package,
                    [t] if is_deps(t) => Table::Deps(text),
                    [t, dep] if is_deps(t) => {
                        let name = dep.clone();
                        deps.push(Dep {
                            name,
                            table: text,
                            line,
                        });
                        Table::OneDep
                    }
                    _ => Table::Other,
                };
            }
            Statement::Key(key, value) => match &table {
                Table::Package if key == ["name"] => name = strings(&value).pop(),
                Table::Deps(text) => {
                    let name = inline_package(&value).unwrap_or_else(|| key[0].clone());
                    deps.push(Dep {
                        name,
                        table: text.clone(),
                        line,
                    });
                }
                Table::OneDep if key == ["package"] => {
                    if let (Some(dep), Some(package)) = (deps.last_mut(), strings(&value).pop()) {
                        dep.name = package;
                    }
                }
                _ => {}
            },
        }
    }
    Some(Member {
        name: name?,
        dir,
        deps,
    })
}

/// `package = ".."` in an inline table: the name of a renamed dependency.
fn inline_package(value: &str) -> Option<String> {
    let inner = value.trim().strip_prefix('{')?.strip_suffix('}')?;
    inner.split(',').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key.trim() == "package")
            .then(|| strings(value).pop())
            .flatten()
    })
}

#[derive(Debug)]
enum Statement {
    /// `[a.'b'.c]` (or `[[a]]`): its dotted parts, and its text as written (`a.'b'.c`).
    Table(Vec<String>, String),
    /// `a.b = value`: the dotted key and the value's text.
    Key(Vec<String>, String),
}

/// The statements of a TOML file with the line each starts on. Comments are dropped; a value
/// spanning lines (an array, a multi-line string) is one statement.
fn statements(text: &str) -> Vec<(usize, Statement)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let (mut current, mut start, mut line) = (String::new(), 1, 1);
    let mut depth = 0i32;
    let mut quote: Option<&str> = None;
    let mut i = 0;
    while i < chars.len() {
        let rest = &chars[i..];
        let starts = |s: &str| rest.iter().take(s.len()).copied().eq(s.chars());
        let taken = match quote {
            Some(q) if starts(q) => {
                quote = None;
                q.len()
            }
            Some(q) if q.starts_with('"') && rest[0] == '\\' => 2,
            Some(_) => 1,
            None => match rest[0] {
                '#' => {
                    i += rest.iter().take_while(|&&c| c != '\n').count();
                    continue;
                }
                '\n' if depth <= 0 => {
                    out.extend(statement(current.trim()).map(|s| (start, s)));
                    current.clear();
                    line += 1;
                    start = line;
                    i += 1;
                    continue;
                }
                '[' | '{' => {
                    depth += 1;
                    1
                }
                ']' | '}' => {
                    depth -= 1;
                    1
                }
                _ => match ["\"\"\"", "'''", "\"", "'"].into_iter().find(|q| starts(q)) {
                    Some(q) => {
                        quote = Some(q);
                        q.len()
                    }
                    None => 1,
                },
            },
        };
        let taken = taken.min(rest.len());
        line += rest[..taken].iter().filter(|&&c| c == '\n').count();
        current.extend(&rest[..taken]);
        i += taken;
    }
    out.extend(statement(current.trim()).map(|s| (start, s)));
    out
}

fn statement(text: &str) -> Option<Statement> {
    if text.starts_with('[') {
        let header = text.trim_start_matches('[').trim_end_matches(']').trim();
        return Some(Statement::Table(dotted(header), header.to_string()));
    }
    let (key, value) = text.split_once('=')?;
    Some(Statement::Key(dotted(key), value.trim().to_string()))
}

/// `target.'cfg(unix)'.dependencies` as `target`, `cfg(unix)`, `dependencies`.
fn dotted(key: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut quote = None;
    for c in key.trim().chars() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '.') => parts.push(String::new()),
            (None, c) if c.is_whitespace() => {}
            _ => parts.last_mut().expect("never empty").push(c),
        }
    }
    parts
}

/// The quoted strings in a value: `["core", "cli"]` gives `core`, `cli`.
fn strings(value: &str) -> Vec<String> {
    let mut out: Vec<String> = value
        .split('"')
        .skip(1)
        .step_by(2)
        .map(String::from)
        .collect();
    if out.is_empty() {
        out = value
            .split('\'')
            .skip(1)
            .step_by(2)
            .map(String::from)
            .collect();
    }
    out
}
