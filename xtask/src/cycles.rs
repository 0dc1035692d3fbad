//! `cargo xtask cycles`: dependency cycles among the workspace crates, and among the sibling
//! modules inside each crate. A cycle ties its members together for good: none can be
//! understood, tested or moved without the others, and the cycle only ever grows. Each one is
//! printed with one file:line per edge, so that whoever breaks it knows where to start.

mod crates;
mod modules;
mod scan;
mod sizes;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt;
use std::path::Path;

/// A directed graph over named nodes (crates, or module paths like `session::engine`), with
/// where each edge comes from: the first place found, which is enough to go and look.
#[derive(Debug, Default)]
pub struct Graph {
    edges: BTreeMap<String, BTreeMap<String, String>>,
}

/// One strongly connected component, as a closed walk through all its nodes.
#[derive(Debug)]
pub struct Cycle {
    /// `workspace` for crates, else the crate the modules are in.
    pub scope: String,
    pub walk: Vec<String>,
    /// Where each edge of the walk comes from, in order.
    pub evidence: Vec<String>,
}

#[derive(Debug)]
pub struct Findings {
    pub crates: usize,
    pub modules: usize,
    pub cycles: Vec<Cycle>,
    /// Lines of Rust per crate, largest first.
    pub sizes: Vec<(String, usize)>,
    /// The crates holding more than [`sizes::MAX_SHARE`] percent of them.
    pub too_large: Vec<String>,
}

impl Graph {
    pub fn add(&mut self, from: String, to: String, evidence: String) {
        let targets = self.edges.entry(from).or_default();
        targets.entry(to).or_insert(evidence);
    }

    fn next(&self, node: &str) -> impl Iterator<Item = &str> {
        self.edges
            .get(node)
            .into_iter()
            .flat_map(|t| t.keys().map(String::as_str))
    }

    /// Every node reachable from `from` through one edge or more.
    fn reach(&self, from: &str) -> BTreeSet<&str> {
        let mut seen = BTreeSet::new();
        let mut todo: Vec<&str> = self.next(from).collect();
        while let Some(node) = todo.pop() {
            if seen.insert(node) {
                todo.extend(self.next(node));
            }
        }
        seen
    }

    /// The strongly connected components of more than one node, from what each node reaches:
    /// quadratic, which is nothing next to reading the sources, and simpler than Tarjan's.
    pub fn cycles(&self, scope: &str) -> Vec<Cycle> {
        let reach: BTreeMap<&str, BTreeSet<&str>> = self
            .edges
            .keys()
            .map(|n| (n.as_str(), self.reach(n)))
            .collect();
        let mut placed = BTreeSet::new();
        let mut cycles = Vec::new();
        for (&node, reached) in &reach {
            if placed.contains(node) || !reached.contains(node) {
                continue;
            }
            let component: BTreeSet<&str> = reached
                .iter()
                .copied()
                .filter(|other| reach.get(other).is_some_and(|r| r.contains(node)))
                .collect();
            placed.extend(component.iter().copied());
            let walk = self.walk(&component);
            // Each names its file and its target, so an edge the walk takes twice is named once.
            let mut evidence: Vec<String> = Vec::new();
            for pair in walk.windows(2) {
                let why = &self.edges[pair[0]][pair[1]];
                if !evidence.contains(why) {
                    evidence.push(why.clone());
                }
            }
            let walk = walk.into_iter().map(String::from).collect();
            cycles.push(Cycle {
                scope: scope.to_string(),
                walk,
                evidence,
            });
        }
        cycles
    }

    /// A closed walk from the component's first node through all of it: each step goes to the
    /// nearest node not seen yet, the last one back to the start.
    fn walk<'a>(&'a self, component: &BTreeSet<&'a str>) -> Vec<&'a str> {
        let start = *component.first().expect("a component has a node");
        let mut walk = vec![start];
        let mut seen = BTreeSet::from([start]);
        loop {
            let here = *walk.last().expect("the walk has a start");
            let done = seen.len() == component.len();
            let path = self.shortest(here, component, |n| {
                if done { n == start } else { !seen.contains(n) }
            });
            walk.extend(&path[1..]);
            seen.extend(path);
            if done {
                return walk;
            }
        }
    }

    /// The shortest path (breadth first) from `from` to a node meeting `goal`, inside
    /// `component`, where one always exists.
    fn shortest<'a>(
        &'a self,
        from: &'a str,
        component: &BTreeSet<&str>,
        goal: impl Fn(&str) -> bool,
    ) -> Vec<&'a str> {
        let mut came_from = BTreeMap::from([(from, from)]);
        let mut todo = VecDeque::from([from]);
        while let Some(node) = todo.pop_front() {
            for next in self.next(node).filter(|n| component.contains(n)) {
                if came_from.contains_key(next) {
                    continue;
                }
                came_from.insert(next, node);
                if goal(next) {
                    let mut path = vec![next];
                    while path[path.len() - 1] != from {
                        path.push(came_from[path[path.len() - 1]]);
                    }
                    path.reverse();
                    return path;
                }
                todo.push_back(next);
            }
        }
        unreachable!("every node of a strongly connected component reaches every other")
    }
}

impl fmt::Display for Cycle {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let (walk, evidence) = (self.walk.join(" -> "), self.evidence.join("; "));
        write!(f, "{}: {walk} ({evidence})", self.scope)
    }
}

impl Findings {
    pub fn summary(&self) -> String {
        let found = match self.cycles.len() {
            0 => "no cycles".to_string(),
            1 => "1 cycle".to_string(),
            n => format!("{n} cycles"),
        };
        let mut summary = format!(
            "{} crates, {} modules checked: {found}",
            self.crates, self.modules
        );
        if !self.too_large.is_empty() {
            summary.push_str(&format!(
                "; over {}% of the Rust code: {}",
                sizes::MAX_SHARE,
                self.too_large.join(", ")
            ));
        }
        summary
    }

    /// No cycle, and no crate too large.
    pub fn is_clean(&self) -> bool {
        self.cycles.is_empty() && self.too_large.is_empty()
    }
}

/// Checks the workspace at `root`: its crates, then the modules of each.
pub fn check(root: &Path) -> Result<Findings, String> {
    let members = crates::members(root)?;
    let mut cycles = crates::graph(&members).cycles("workspace");
    let mut modules = 0;
    for member in &members {
        let src = root.join(&member.dir).join("src");
        let (graph, count) =
            modules::graph(&src).map_err(|e| format!("reading {}: {e}", src.display()))?;
        modules += count;
        cycles.extend(graph.cycles(&member.name));
    }
    let sizes = sizes::lines(root, &members);
    Ok(Findings {
        crates: members.len(),
        modules,
        cycles,
        too_large: sizes::too_large(&sizes),
        sizes,
    })
}

/// [`check`], printing each cycle and the summary.
pub fn run(root: &Path) -> Result<Findings, String> {
    let findings = check(root)?;
    for cycle in &findings.cycles {
        println!("    cycle {cycle}");
    }
    let total: usize = findings.sizes.iter().map(|(_, n)| n).sum();
    for (name, lines) in &findings.sizes {
        println!(
            "    {name:<26} {lines:>6} lines of Rust  {:>2}%",
            lines * 100 / total.max(1)
        );
    }
    println!("    {}", findings.summary());
    Ok(findings)
}
