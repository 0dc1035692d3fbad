//! Reads Rust source just well enough to find the module paths it names through `crate::`,
//! `super::` and `self::`. Not a parser: comments and literals are blanked out first so that
//! prose and strings never count, then the tokens are walked with a stack of braces so that
//! inline `mod x { .. }` blocks resolve `super::` the way rustc does.

/// One path as written, e.g. `super::flow::Engine`, or one leaf of a use group
/// (`crate::{a::X, b::Y}` gives `crate::a::X` and `crate::b::Y`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathRef {
    /// The inline modules (`mod x { .. }`) the path is written in, inside the file's module.
    pub inline: Vec<String>,
    pub segments: Vec<String>,
    /// The line of the path's last segment: in a multi-line use group, the leaf's own line.
    pub line: usize,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Scan {
    /// Paths outside `#[cfg(test)]` items.
    pub paths: Vec<PathRef>,
    /// Inline modules, relative to the file's module, so that paths into them resolve.
    pub inline_mods: Vec<Vec<String>>,
    /// Out-of-line modules declared under `#[cfg(test)]` (`mod helpers;`), relative to the
    /// file's module: their files may reach anywhere, like test code.
    pub test_mods: Vec<Vec<String>>,
}

pub fn scan(source: &str) -> Scan {
    let clean = blank(source);
    let toks = tokens(&clean);
    let text = |k: usize| toks.get(k).map_or("", |t| t.text);
    let mut scan = Scan::default();
    // One entry per open brace: the inline module it opens, if it opens one.
    let mut braces: Vec<Option<String>> = Vec::new();
    let inline = |braces: &[Option<String>]| braces.iter().flatten().cloned().collect::<Vec<_>>();
    let mut i = 0;
    while i < toks.len() {
        let prev = if i > 0 { text(i - 1) } else { "" };
        let prev2 = if i > 1 { text(i - 2) } else { "" };
        match text(i) {
            "#" if is_cfg_test(&toks, i) => {
                let (end, test_mod) = skip_item(&toks, i);
                if let Some(name) = test_mod {
                    let mut path = inline(&braces);
                    path.push(name.to_string());
                    scan.test_mods.push(path);
                }
                i = end;
            }
            "mod" if is_ident(text(i + 1)) && text(i + 2) == "{" => {
                braces.push(Some(text(i + 1).to_string()));
                scan.inline_mods.push(inline(&braces));
                i += 3;
            }
            "{" => {
                braces.push(None);
                i += 1;
            }
            "}" => {
                braces.pop();
                i += 1;
            }
            // `$crate::` is a macro's own crate; `pub(in crate::a)` is visibility, not use.
            "crate" | "super" | "self"
                if text(i + 1) == "::"
                    && !matches!(prev, "::" | "$")
                    && !(prev == "in" && prev2 == "(") =>
            {
                let mut found = Vec::new();
                i = parse_tree(&toks, i, Vec::new(), &mut found);
                for (segments, line) in found {
                    let inline = inline(&braces);
                    scan.paths.push(PathRef {
                        inline,
                        segments,
                        line,
                    });
                }
            }
            _ => i += 1,
        }
    }
    scan
}

#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    text: &'a str,
    line: usize,
}

fn is_ident(text: &str) -> bool {
    text.starts_with(|c: char| c == '_' || c.is_alphabetic())
}

/// Identifiers (and numbers), `::`, and every other character as a token of its own.
fn tokens(clean: &str) -> Vec<Token<'_>> {
    let mut toks = Vec::new();
    let mut line = 1;
    let mut chars = clean.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c == '\n' {
            line += 1;
            continue;
        }
        if c.is_whitespace() {
            continue;
        }
        let mut end = start + c.len_utf8();
        let word = |c: char| c == '_' || c.is_alphanumeric();
        if word(c) {
            while let Some(&(j, d)) = chars.peek().filter(|&&(_, d)| word(d)) {
                end = j + d.len_utf8();
                chars.next();
            }
        } else if c == ':' && chars.peek().is_some_and(|&(_, d)| d == ':') {
            chars.next();
            end += 1;
        }
        toks.push(Token {
            text: &clean[start..end],
            line,
        });
    }
    toks
}

/// `#[cfg(test)]` at `i`.
fn is_cfg_test(toks: &[Token], i: usize) -> bool {
    let want = ["#", "[", "cfg", "(", "test", ")", "]"];
    toks.len() >= i + want.len()
        && toks[i..i + want.len()]
            .iter()
            .zip(want)
            .all(|(t, w)| t.text == w)
}

/// Skips the attributes at `i` and the item they are on: up to its `;` or its closing brace.
/// Returns where the next item starts and, for `mod name;`, the name.
fn skip_item<'a>(toks: &[Token<'a>], mut i: usize) -> (usize, Option<&'a str>) {
    let text = |k: usize| toks.get(k).map_or("", |t| t.text);
    while text(i) == "#" && text(i + 1) == "[" {
        i = skip_balanced(toks, i + 1);
    }
    let mut j = i;
    if text(j) == "pub" {
        j += 1;
        if text(j) == "(" {
            j = skip_balanced(toks, j);
        }
    }
    let test_mod = (text(j) == "mod" && text(j + 2) == ";").then(|| toks[j + 1].text);
    let mut depth = 0usize;
    while let Some(t) = toks.get(i) {
        match t.text {
            "(" | "[" | "{" => depth += 1,
            // An item that is the last thing in its block ends at that block's brace.
            ")" | "]" | "}" if depth == 0 => return (i, test_mod),
            ")" | "]" => depth -= 1,
            "}" => {
                depth -= 1;
                if depth == 0 {
                    return (i + 1, test_mod);
                }
            }
            ";" if depth == 0 => return (i + 1, test_mod),
            _ => {}
        }
        i += 1;
    }
    (i, test_mod)
}

/// The index after the bracket group that opens at `i`.
fn skip_balanced(toks: &[Token], mut i: usize) -> usize {
    let mut depth = 0usize;
    while let Some(t) = toks.get(i) {
        i += 1;
        match t.text {
            "(" | "[" | "{" => depth += 1,
            ")" | "]" | "}" => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    break;
                }
            }
            _ => {}
        }
    }
    i
}

/// Parses the path or use tree at `i` (`a::b`, `a::{b, c::{d, e}}`, `a::*`, `a::b as c`) after
/// `prefix`, pushing every full path it names with its line. Returns the index after it.
fn parse_tree(
    toks: &[Token],
    mut i: usize,
    mut path: Vec<String>,
    out: &mut Vec<(Vec<String>, usize)>,
) -> usize {
    let text = |k: usize| toks.get(k).map_or("", |t| t.text);
    let mut line = toks.get(i).map_or(0, |t| t.line);
    loop {
        match text(i) {
            "{" => {
                i += 1;
                loop {
                    match text(i) {
                        "}" => return i + 1,
                        "" => return i,
                        "," => i += 1,
                        _ => {
                            let before = i;
                            i = parse_tree(toks, i, path.clone(), out);
                            if i == before {
                                i += 1;
                            }
                        }
                    }
                }
            }
            "*" => {
                out.push((path, line));
                return i + 1;
            }
            segment if is_ident(segment) => {
                // `a::{self, b}` names `a` itself.
                if segment != "self" || path.is_empty() {
                    path.push(segment.to_string());
                }
                line = toks[i].line;
                i += 1;
                // `::<T>` is a turbofish: the path ends before it.
                if text(i) == "::" && text(i + 1) != "<" {
                    i += 1;
                    continue;
                }
                if text(i) == "as" {
                    i += 2;
                }
                out.push((path, line));
                return i;
            }
            _ => {
                if !path.is_empty() {
                    out.push((path, line));
                }
                return i;
            }
        }
    }
}

/// `source` with comments, string and char literals blanked to spaces, newlines kept so that
/// lines still count.
fn blank(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    while i < chars.len() {
        let at = |k: usize| chars.get(k).copied().unwrap_or(' ');
        let starts_token = |k: usize| k == 0 || !(at(k - 1) == '_' || at(k - 1).is_alphanumeric());
        let end = match (at(i), at(i + 1)) {
            ('/', '/') => Some(
                (i..chars.len())
                    .find(|&k| chars[k] == '\n')
                    .unwrap_or(chars.len()),
            ),
            ('/', '*') => Some(block_comment_end(&chars, i)),
            ('"', _) => Some(string_end(&chars, i + 1)),
            // r"..", r#".."#, and with a b or c prefix; `r#type` is a raw identifier.
            ('r', _)
                if starts_token(i) || (matches!(at(i - 1), 'b' | 'c') && starts_token(i - 1)) =>
            {
                raw_string_end(&chars, i)
            }
            // '"' and '\'' are chars; 'a without a closing quote is a lifetime.
            ('\'', '\\') => (i + 3..chars.len())
                .find(|&k| chars[k] == '\'')
                .map(|k| k + 1),
            ('\'', _) if at(i + 2) == '\'' => Some(i + 3),
            _ => None,
        };
        let Some(end) = end else {
            out.push(chars[i]);
            i += 1;
            continue;
        };
        out.extend(
            chars[i..end]
                .iter()
                .map(|&c| if c == '\n' { c } else { ' ' }),
        );
        i = end;
    }
    out
}

fn block_comment_end(chars: &[char], mut i: usize) -> usize {
    // Block comments nest in Rust.
    let mut depth = 0;
    while i + 1 < chars.len() {
        match (chars[i], chars[i + 1]) {
            ('/', '*') => depth += 1,
            ('*', '/') => depth -= 1,
            _ => {
                i += 1;
                continue;
            }
        }
        i += 2;
        if depth == 0 {
            return i;
        }
    }
    chars.len()
}

/// The index after the closing quote of a string whose contents start at `i`.
fn string_end(chars: &[char], mut i: usize) -> usize {
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            '"' => return i + 1,
            _ => i += 1,
        }
    }
    chars.len()
}

/// For `r#"..."#` at `i` (the `r`): the index after its closing `"#`.
fn raw_string_end(chars: &[char], i: usize) -> Option<usize> {
    let hashes = chars[i + 1..].iter().take_while(|&&c| c == '#').count();
    let open = i + 1 + hashes;
    if chars.get(open) != Some(&'"') {
        return None;
    }
    let close: Vec<char> = std::iter::once('"')
        .chain(std::iter::repeat_n('#', hashes))
        .collect();
    (open + 1..chars.len())
        .find(|&k| chars[k..].starts_with(&close))
        .map(|k| k + close.len())
        .or(Some(chars.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(source: &str) -> Vec<(String, usize)> {
        let scan = scan(source);
        let paths = scan.paths.into_iter();
        paths.map(|p| (p.segments.join("::"), p.line)).collect()
    }

    #[test]
    fn comments_strings_and_chars_name_nothing() {
        let source = r####"
// crate::a
/* crate::b /* nested crate::c */ crate::d */
const S: &str = "crate::e \" crate::f";
const R: &str = r#"crate::g " crate::h"#;
const B: &[u8] = br##"crate::i"##;
const Q: char = '"'; const E: char = '\''; fn f<'a>(x: &'a str) { crate::real::it(x) }
"####;
        assert_eq!(paths(source), [("crate::real::it".to_string(), 7)]);
    }

    #[test]
    fn use_groups_expand_to_each_leaf_on_its_own_line() {
        let source =
            "use crate::{\n    a::X,\n    b::{self, Y as Why, z::*},\n};\nuse super::super::c;";
        let want = [
            ("crate::a::X", 2),
            ("crate::b", 3),
            ("crate::b::Y", 3),
            ("crate::b::z", 3),
            ("super::super::c", 5),
        ];
        let want: Vec<_> = want.iter().map(|&(p, l)| (p.to_string(), l)).collect();
        assert_eq!(paths(source), want);
    }

    #[test]
    fn test_items_visibility_and_macro_paths_are_skipped() {
        let source = "pub(in crate::x) fn f() { let v = crate::w::f::<u8>(); }
#[cfg(test)]
#[allow(unused)]
mod tests { use crate::t; }
#[cfg(test)]
pub(crate) mod helpers;
macro_rules! m { () => { $crate::y::z() } }
mod inner { fn g() { self::h(); super::k(); } }";
        let scan = scan(source);
        let found: Vec<_> = scan
            .paths
            .iter()
            .map(|p| (p.inline.join("::"), p.segments.join("::")))
            .collect();
        let want = [
            ("", "crate::w::f"),
            ("inner", "self::h"),
            ("inner", "super::k"),
        ];
        let want: Vec<_> = want
            .iter()
            .map(|&(m, p)| (m.to_string(), p.to_string()))
            .collect();
        assert_eq!(found, want);
        assert_eq!(scan.test_mods, [vec!["helpers".to_string()]]);
        assert_eq!(scan.inline_mods, [vec!["inner".to_string()]]);
    }
}
