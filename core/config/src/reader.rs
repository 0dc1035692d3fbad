//! Walks the TOML tree field by field, collecting every problem instead of stopping at the
//! first, so staff fix a configuration in one pass.

use std::fmt;

use toml::{Table, Value};

/// One invalid field: its dotted name and the rule it broke. Never the value: it may be a
/// secret, and the staff member has the file in front of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: String,
    pub rule: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.rule)
    }
}

#[derive(Debug, Default)]
pub(crate) struct Problems(pub Vec<Problem>);

impl Problems {
    pub fn add(&mut self, field: impl Into<String>, rule: impl Into<String>) {
        self.0.push(Problem {
            field: field.into(),
            rule: rule.into(),
        });
    }
}

/// One `[section]` of the file, with the fields it may contain.
pub(crate) struct Section<'a> {
    pub name: &'static str,
    table: Option<&'a Table>,
}

impl<'a> Section<'a> {
    /// Reads `[name]`, reporting a non-table value and fields not in `allowed`.
    pub fn new(
        root: &'a Table,
        name: &'static str,
        allowed: &[&str],
        problems: &mut Problems,
    ) -> Self {
        let table = match root.get(name) {
            None => None,
            Some(Value::Table(t)) => Some(t),
            Some(_) => {
                problems.add(name, "must be a [section]");
                None
            }
        };
        for key in table.into_iter().flat_map(|t| t.keys()) {
            if !allowed.contains(&key.as_str()) {
                problems.add(
                    format!("{name}.{key}"),
                    format!("is not a known field (known: {})", allowed.join(", ")),
                );
            }
        }
        Self { name, table }
    }

    pub fn is_present(&self) -> bool {
        self.table.is_some()
    }

    fn path(&self, key: &str) -> String {
        format!("{}.{key}", self.name)
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        self.table?.get(key)
    }

    /// A string; an empty string counts as absent.
    pub fn string(&self, key: &str, problems: &mut Problems) -> Option<String> {
        match self.get(key)? {
            Value::String(s) if s.is_empty() => None,
            Value::String(s) => Some(s.clone()),
            _ => {
                problems.add(self.path(key), "must be a string (in quotes)");
                None
            }
        }
    }

    pub fn required_string(&self, key: &str, problems: &mut Problems) -> Option<String> {
        let value = self.string(key, problems);
        if value.is_none() && !matches!(self.get(key), Some(v) if !v.is_str()) {
            problems.add(self.path(key), "is required");
        }
        value
    }

    pub fn integer(
        &self,
        key: &str,
        range: std::ops::RangeInclusive<i64>,
        problems: &mut Problems,
    ) -> Option<i64> {
        match self.get(key)? {
            Value::Integer(i) if range.contains(i) => Some(*i),
            Value::Integer(_) => {
                problems.add(
                    self.path(key),
                    format!("must be between {} and {}", range.start(), range.end()),
                );
                None
            }
            _ => {
                problems.add(self.path(key), "must be a whole number");
                None
            }
        }
    }

    pub fn boolean(&self, key: &str, problems: &mut Problems) -> Option<bool> {
        match self.get(key)? {
            Value::Boolean(b) => Some(*b),
            _ => {
                problems.add(self.path(key), "must be true or false");
                None
            }
        }
    }

    /// Whether `key` is in the section at all.
    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn string_list(&self, key: &str, problems: &mut Problems) -> Vec<String> {
        match self.get(key) {
            None => vec![],
            Some(Value::Array(items)) if items.iter().all(Value::is_str) => items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            Some(_) => {
                problems.add(self.path(key), "must be a list of strings");
                vec![]
            }
        }
    }

    /// Applies `rule` to a present value, recording its complaint under this field.
    pub fn check(
        &self,
        key: &str,
        value: Option<String>,
        problems: &mut Problems,
        rule: impl FnOnce(&str) -> Result<(), String>,
    ) -> Option<String> {
        let value = value?;
        match rule(&value) {
            Ok(()) => Some(value),
            Err(why) => {
                problems.add(self.path(key), why);
                None
            }
        }
    }
}
