//! Staff mode's settings editor: staff at the kiosk change fields of its configuration file.
//! The file is edited in place (toml_edit), so its comments, order and formatting survive, and
//! every change is checked by [`crate::parse`], exactly as the kiosk checks the file when it
//! starts: a file the editor saves is a file the kiosk loads.

mod fields;
mod save;
#[cfg(test)]
mod tests;

use std::fmt;
use std::path::{Path, PathBuf};

use toml_edit::{DocumentMut, Item, Table, TableLike, Value};

use crate::{ConfigError, Problem};
pub use fields::{BOOLEAN, FIELDS, FieldGroup, FieldKind, FieldSpec, field};

/// One field's value as text, as the file has it (None: not in the file, the default applies).
#[derive(Clone, PartialEq, Eq)]
pub struct Change {
    pub key: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

impl fmt::Debug for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Change")
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

/// The fields that name a key, certificate or secret file ([`Draft::key_files`]).
pub const KEY_FILES: &[&str] = &[
    "keys.apiv2_key_file",
    "keys.merchant_private_key",
    "keys.merchant_certificate",
    "keys.wechatpay_public_key",
    "keys.platform_certificates",
    "keys.sub_merchant_private_key",
    "terminal.pairing_key_file",
    "terminal.face_app.proxy_password_file",
    "his.bearer_token_file",
    "his.client_certificate",
    "his.client_key",
    "his.ca_file",
];

/// The configuration file being edited.
pub struct Draft {
    path: PathBuf,
    doc: DocumentMut,
    /// The file as read: `save` refuses to overwrite what someone else wrote since.
    read: String,
}

impl fmt::Debug for Draft {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Draft")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl Draft {
    /// Reads the file. It need not be valid yet (staff may be here to fix it), only TOML.
    pub fn open(path: &Path) -> Result<Draft, ConfigError> {
        let read = crate::read(path)?;
        // The loader's own message, which never quotes the line.
        crate::table(&read)?;
        let doc = read.parse::<DocumentMut>().map_err(|e| {
            let at = e.span().map_or(0, |s| crate::line_of(&read, s.start));
            ConfigError::Syntax(format!("{} (line {at})", e.message()))
        })?;
        Ok(Draft {
            path: path.to_owned(),
            doc,
            read,
        })
    }

    /// The current value of a field staff may change, as text; None for any other key.
    pub fn value(&self, key: &str) -> Option<String> {
        field(key)?;
        value_in(&self.doc, key)
    }

    /// The files the configuration names for keys, certificates and other secrets, each with
    /// where it resolves (relative paths are relative to the file's folder): the settings
    /// screen shows their state, never their content, and staff never type them.
    pub fn key_files(&self) -> Vec<(&'static str, PathBuf)> {
        let base = crate::folder_of(&self.path);
        let mut files = Vec::new();
        for key in KEY_FILES {
            let Some(item) = lookup(&self.doc, key) else {
                continue;
            };
            // `platform_certificates` is a list of files.
            let named: Vec<&str> = match item.as_array() {
                Some(list) => list.iter().filter_map(|v| v.as_str()).collect(),
                None => item.as_str().into_iter().collect(),
            };
            files.extend(
                named
                    .into_iter()
                    .filter(|n| !n.is_empty())
                    .map(|n| (*key, base.join(n))),
            );
        }
        files
    }

    /// The fields the settings screen shows for this file: of `[his]`, only those its
    /// adapter reads.
    pub fn shown(&self) -> Vec<&'static FieldSpec> {
        let adapter = lookup(&self.doc, "his.adapter")
            .and_then(Item::as_str)
            .filter(|a| !a.is_empty())
            .unwrap_or("local");
        FIELDS
            .iter()
            .filter(|f| fields::read_by(f.key, adapter))
            .collect()
    }

    /// Applies the edits (key, new text; an empty text removes the key so the default
    /// applies), then validates the whole resulting file with [`crate::parse`]. Ok: the
    /// changes that differ from before, in [`FIELDS`] order. Err: every problem at once, the
    /// edits' own and every one `parse` finds in the result; the draft is then unchanged.
    pub fn apply(&mut self, edits: &[(String, String)]) -> Result<Vec<Change>, Vec<Problem>> {
        let mut problems = Vec::new();
        let mut doc = self.doc.clone();
        let mut edited: Vec<&str> = Vec::new();
        for (key, text) in edits {
            let outcome = if edited.contains(&key.as_str()) {
                Err("is given more than once".to_owned())
            } else if let Some(spec) = field(key) {
                edited.push(spec.key);
                typed(spec.kind, text).and_then(|v| write(&mut doc, spec.key, v))
            } else {
                Err("is not a setting staff can change".to_owned())
            };
            if let Err(rule) = outcome {
                problems.push(Problem {
                    field: key.clone(),
                    rule,
                });
            }
        }
        match crate::parse(&doc.to_string(), crate::folder_of(&self.path)) {
            Ok(_) => {}
            Err(ConfigError::Invalid(found)) => problems.extend(found),
            Err(other) => problems.push(Problem {
                field: "configuration".into(),
                rule: other.to_string(),
            }),
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let changes = FIELDS
            .iter()
            .filter(|f| edited.contains(&f.key))
            .filter_map(|f| {
                let (old, new) = (value_in(&self.doc, f.key), value_in(&doc, f.key));
                (old != new).then(|| Change {
                    key: f.key.to_owned(),
                    old,
                    new,
                })
            })
            .collect();
        self.doc = doc;
        Ok(changes)
    }

    /// Writes the file atomically, keeping its permission bits; what was not changed is kept
    /// byte for byte. Refused if the file changed on disk since it was opened.
    pub fn save(&self) -> std::io::Result<()> {
        let text = self.text();
        let on_disk = std::fs::read_to_string(&self.path)?;
        if on_disk != self.read && on_disk != text {
            return Err(std::io::Error::other(
                "the configuration file was changed by someone else since it was opened: open it again",
            ));
        }
        save::replace(&self.path, text.as_bytes())
    }

    pub fn text(&self) -> String {
        self.doc.to_string()
    }
}

fn lookup<'d>(doc: &'d DocumentMut, key: &str) -> Option<&'d Item> {
    key.split('.')
        .try_fold(doc.as_item(), |item, part| item.get(part))
}

/// A value as staff read it: strings without quotes, numbers plainly. An empty string is how
/// the file says "the default", so it reads as absent.
fn value_in(doc: &DocumentMut, key: &str) -> Option<String> {
    Some(match lookup(doc, key)?.as_value()? {
        Value::String(s) if s.value().is_empty() => return None,
        Value::String(s) => s.value().clone(),
        Value::Integer(i) => i.value().to_string(),
        Value::Float(f) => f.value().to_string(),
        Value::Boolean(b) => b.value().to_string(),
        other => {
            let mut bare = other.clone();
            bare.decor_mut().clear();
            bare.to_string()
        }
    })
}

/// The TOML value staff's text stands for; None (an empty text): remove the field.
fn typed(kind: FieldKind, text: &str) -> Result<Option<Value>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    let word = text.trim();
    let value = match kind {
        FieldKind::Text => Value::from(text),
        FieldKind::Integer => Value::from(
            word.parse::<i64>()
                .map_err(|_| "must be a whole number".to_owned())?,
        ),
        FieldKind::Number => Value::from(
            word.parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .ok_or_else(|| "must be a number".to_owned())?,
        ),
        FieldKind::Choice(words) if !words.contains(&word) => {
            return Err(format!("must be one of: {}", words.join(", ")));
        }
        FieldKind::Choice(words) if words == BOOLEAN => Value::from(word == "true"),
        FieldKind::Choice(_) => Value::from(word),
    };
    Ok(Some(value))
}

/// Sets or removes one field, leaving the rest of the document as it was. A value equal to
/// the file's is left alone, with its formatting; a replaced one keeps its comment.
fn write(doc: &mut DocumentMut, key: &str, new: Option<Value>) -> Result<(), String> {
    let (path, last) = key.rsplit_once('.').unwrap_or(("", key));
    let Some(table) = table_at(doc, path, new.is_some())? else {
        return Ok(());
    };
    match (new, table.get_mut(last)) {
        (None, _) => {
            table.remove(last);
        }
        (Some(new), Some(Item::Value(old))) => {
            if !same(old, &new) {
                let decor = old.decor().clone();
                *old = new;
                *old.decor_mut() = decor;
            }
        }
        (Some(new), Some(item)) => *item = Item::Value(new),
        (Some(new), None) => {
            table.insert(last, Item::Value(new));
        }
    }
    Ok(())
}

/// The table at a dotted path; `create`: made where missing, at the end of the document.
fn table_at<'d>(
    doc: &'d mut DocumentMut,
    path: &str,
    create: bool,
) -> Result<Option<&'d mut dyn TableLike>, String> {
    let mut table: &mut dyn TableLike = doc.as_table_mut();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let item = if create {
            table.entry(part).or_insert_with(|| {
                let mut new = Table::new();
                // After every table the file has, whatever order they were read in.
                new.set_position(Some(isize::MAX));
                Item::Table(new)
            })
        } else {
            match table.get_mut(part) {
                Some(item) => item,
                None => return Ok(None),
            }
        };
        table = item
            .as_table_like_mut()
            .ok_or_else(|| format!("cannot be written: [{part}] is not a table"))?;
    }
    Ok(Some(table))
}

fn same(old: &Value, new: &Value) -> bool {
    match (old, new) {
        (Value::String(a), Value::String(b)) => a.value() == b.value(),
        (Value::Integer(a), Value::Integer(b)) => a.value() == b.value(),
        (Value::Float(a), Value::Float(b)) => a.value() == b.value(),
        (Value::Boolean(a), Value::Boolean(b)) => a.value() == b.value(),
        _ => false,
    }
}
