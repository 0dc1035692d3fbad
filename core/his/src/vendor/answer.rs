//! The site's answer read as its profile says: the result code decides (success, not found,
//! more than one patient, or a refusal with their code); a success carries the patient number.
//! Never a value from the answer in an error: only the profile's paths and the rule broken.

use quick_xml::Reader;
use quick_xml::events::Event;
use serde_json::Value;
use zeroize::Zeroizing;

use super::profile::{Format, Profile, SYSTEM, TheirPath};
use super::request::Trade;
use crate::error::HisError;
use crate::patient::PatientNumber;

/// What a readable answer says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Number(PatientNumber),
    /// A query's "no such patient".
    NotFound,
}

/// The deepest XML nesting read: vendor answers are a few levels deep.
const MAX_DEPTH: usize = 32;
/// The most elements with text read from one XML answer.
const MAX_LEAVES: usize = 4096;

/// Reads the body of a 2xx answer to `trade`. Pure: any bytes give an outcome or an error,
/// never a panic.
pub fn read_answer(profile: &Profile, trade: Trade, body: &[u8]) -> Result<Outcome, HisError> {
    let doc = match profile.format {
        Format::Json => Doc::Json(serde_json::from_slice(body).map_err(|e| {
            HisError::malformed(
                SYSTEM,
                "body",
                format!("is not JSON (line {}, column {})", e.line(), e.column()),
            )
        })?),
        Format::Xml => Doc::Xml(read_xml(body)?),
    };
    let rules = &profile.answer;
    let code = one(&doc, &rules.code)?;
    let is = |list: &[String]| list.iter().any(|c| c.as_str() == code.as_str());
    if is(&rules.success) {
        let numbers = doc.values(&rules.number, Kind::Number)?;
        return match numbers.as_slice() {
            [] => Err(HisError::malformed(
                SYSTEM,
                rules.number.text.clone(),
                "is missing from a success answer",
            )),
            [number] => PatientNumber::parse(number)
                .map(Outcome::Number)
                .map_err(|problem| HisError::malformed(SYSTEM, rules.number.text.clone(), problem)),
            more => Err(HisError::Ambiguous {
                system: SYSTEM,
                count: more.len(),
            }),
        };
    }
    if trade == Trade::Query && is(&rules.not_found) {
        return Ok(Outcome::NotFound);
    }
    if is(&rules.ambiguous) {
        let count = doc
            .values(&rules.number, Kind::Number)
            .map_or(0, |n| n.len());
        return Err(HisError::Ambiguous {
            system: SYSTEM,
            count: count.max(2),
        });
    }
    let theirs = if rules.error_code == rules.code {
        code
    } else {
        doc.values(&rules.error_code, Kind::Code)?
            .into_iter()
            .next()
            .unwrap_or_else(|| Zeroizing::new(code.to_string()))
    };
    Err(HisError::refused(SYSTEM, &theirs))
}

/// The one value at `at`.
fn one(doc: &Doc, at: &TheirPath) -> Result<Zeroizing<String>, HisError> {
    let mut values = doc.values(at, Kind::Code)?;
    match values.len() {
        1 => Ok(values.remove(0)),
        0 => Err(HisError::malformed(SYSTEM, at.text.clone(), "is missing")),
        n => Err(HisError::malformed(
            SYSTEM,
            at.text.clone(),
            format!("appears {n} times"),
        )),
    }
}

enum Doc {
    Json(Value),
    Xml(Leaves),
}

/// Each text-holding element of an XML document: its path from the root, its text.
type Leaves = Vec<(Vec<String>, Zeroizing<String>)>;

impl Drop for Doc {
    fn drop(&mut self) {
        if let Doc::Json(value) = self {
            wipe(value);
        }
    }
}

/// The answer may echo the patient: its strings are wiped before they are freed.
fn wipe(value: &mut Value) {
    match value {
        Value::String(s) => zeroize::Zeroize::zeroize(s),
        Value::Array(items) => items.iter_mut().for_each(wipe),
        Value::Object(map) => map.values_mut().for_each(wipe),
        _ => {}
    }
}

/// What a JSON value is read as: a code may be true/false, a patient number may not.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Code,
    Number,
}

impl Doc {
    /// Every value at `at` (a JSON path crossing an array takes each item).
    fn values(&self, at: &TheirPath, kind: Kind) -> Result<Vec<Zeroizing<String>>, HisError> {
        match self {
            Doc::Json(value) => {
                let mut found = Vec::new();
                json_values(value, &at.segments, &mut found);
                found
                    .into_iter()
                    .filter(|v| !v.is_null())
                    .map(|v| match v {
                        Value::String(s) => Ok(Zeroizing::new(s.clone())),
                        Value::Number(n) => Ok(Zeroizing::new(n.to_string())),
                        Value::Bool(b) if kind == Kind::Code => Ok(Zeroizing::new(b.to_string())),
                        _ => Err(HisError::malformed(
                            SYSTEM,
                            at.text.clone(),
                            match kind {
                                Kind::Code => "is neither text, a number nor true/false",
                                Kind::Number => "is neither text nor a number",
                            },
                        )),
                    })
                    .collect()
            }
            Doc::Xml(leaves) => Ok(leaves
                .iter()
                .filter(|(path, _)| path == &at.segments)
                .map(|(_, text)| Zeroizing::new(text.to_string()))
                .collect()),
        }
    }
}

fn json_values<'v>(value: &'v Value, path: &[String], found: &mut Vec<&'v Value>) {
    match (value, path.split_first()) {
        (Value::Array(items), _) => items.iter().for_each(|i| json_values(i, path, found)),
        (_, None) => found.push(value),
        (Value::Object(map), Some((key, rest))) => {
            if let Some(v) = map.get(key) {
                json_values(v, rest, found);
            }
        }
        _ => {}
    }
}

/// The text-holding elements of an XML answer. Refuses a DOCTYPE (no entity of theirs is ever
/// expanded), a second root, and nesting or size beyond what a patient record needs.
fn read_xml(body: &[u8]) -> Result<Leaves, HisError> {
    let bad = |problem: String| HisError::malformed(SYSTEM, "body", problem);
    let text = std::str::from_utf8(body).map_err(|_| bad("is not UTF-8".into()))?;
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<(String, Zeroizing<String>, bool)> = Vec::new();
    let mut leaves = Vec::new();
    let mut rooted = false;
    loop {
        let event = reader.read_event().map_err(|_| {
            bad(format!(
                "is not well-formed XML (at byte {})",
                reader.error_position()
            ))
        })?;
        match event {
            Event::Eof => break,
            Event::DocType(_) => return Err(bad("has a DOCTYPE; refused".into())),
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
            Event::Start(_) | Event::Empty(_) if stack.is_empty() && rooted => {
                return Err(bad("has more than one root element".into()));
            }
            Event::Start(e) => {
                if stack.len() == MAX_DEPTH {
                    return Err(bad(format!("nests deeper than {MAX_DEPTH} elements")));
                }
                if let Some(parent) = stack.last_mut() {
                    parent.2 = true;
                }
                rooted = true;
                stack.push((
                    e.name().as_ref().to_owned(),
                    Zeroizing::new(String::new()),
                    false,
                ));
            }
            Event::Empty(e) => {
                if let Some(parent) = stack.last_mut() {
                    parent.2 = true;
                }
                rooted = true;
                let mut path: Vec<String> = stack.iter().map(|(n, _, _)| n.clone()).collect();
                path.push(e.name().as_ref().to_owned());
                leaves.push((path, Zeroizing::new(String::new())));
            }
            Event::End(_) => {
                let path: Vec<String> = stack.iter().map(|(n, _, _)| n.clone()).collect();
                let Some((_, text, has_children)) = stack.pop() else {
                    return Err(bad("closes an element it never opened".into()));
                };
                if !has_children {
                    leaves.push((path, text));
                }
            }
            Event::Text(t) => match stack.last_mut() {
                Some((_, text, _)) => text.push_str(&t.xml10_content()),
                None if t.xml10_content().trim().is_empty() => {}
                None => return Err(bad("has text outside the root element".into())),
            },
            Event::CData(c) => match stack.last_mut() {
                Some((_, text, _)) => text.push_str(&c.xml10_content()),
                None => return Err(bad("has text outside the root element".into())),
            },
            Event::GeneralRef(r) => {
                let Some((_, text, _)) = stack.last_mut() else {
                    return Err(bad("has text outside the root element".into()));
                };
                let c = if r.is_char_ref() {
                    r.resolve_char_ref().ok().flatten()
                } else {
                    match r.xml10_content().as_ref() {
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "amp" => Some('&'),
                        "apos" => Some('\''),
                        "quot" => Some('"'),
                        _ => None,
                    }
                };
                text.push(c.ok_or_else(|| bad("uses an entity XML does not define".into()))?);
            }
        }
        if leaves.len() > MAX_LEAVES {
            return Err(bad(format!("has more than {MAX_LEAVES} elements")));
        }
    }
    if !stack.is_empty() {
        return Err(bad("ends inside an element".into()));
    }
    if !rooted {
        return Err(bad("has no root element".into()));
    }
    // Text around child elements is layout, not a value.
    for (_, text) in &mut leaves {
        let trimmed = text.trim();
        if trimmed.len() != text.len() {
            *text = Zeroizing::new(trimmed.to_owned());
        }
    }
    Ok(leaves)
}

/// The text-holding elements of `body`, for the request tests.
#[cfg(test)]
pub(super) fn tests_leaves(body: &[u8]) -> Vec<(Vec<String>, String)> {
    read_xml(body)
        .expect("our XML reads")
        .into_iter()
        .map(|(path, text)| (path, text.to_string()))
        .collect()
}
