//! The audit trail: every staff action, appended with its time and account name to an
//! owner-only JSON-lines file (`staff-audit.jsonl`). Staff can read and export it; nothing
//! here edits or removes a line.
//!
//! Each line carries `hash` = SHA-256 of the previous line's hash and this entry's JSON, so a
//! line edited by hand breaks the chain from there on and [`AuditTrail::verify`] names it.
//! The chain is unkeyed: it shows edits, not a rewrite of the whole file or a cut tail.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use facekiosk_pii::secret_file;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::StaffError;
use crate::files::{corrupt, io_error, read_private};
use crate::message::Message;

/// The hash the first line chains to.
const GENESIS: &str = "";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Action {
    EntryGranted,
    /// A wrong PIN, or a try while the entry was locked.
    EntryRefused {
        locked: bool,
    },
    SettingChanged(SettingChange),
    Suspended {
        message: Message,
    },
    Resumed,
    /// Which patient is not recorded: the trail holds no personal data.
    PatientForgotten,
    /// Dates as the staff chose them (`YYYY-MM-DD`).
    ReceiptsExported {
        from: String,
        to: String,
    },
    BundleWritten,
    AuditExported,
    AccountAdded {
        name: String,
        role: crate::Role,
    },
    PinReset {
        name: String,
    },
    AccountRemoved {
        name: String,
    },
}

/// One setting changed. Built only through [`SettingChange::new`], which keeps the values of
/// secret fields out of the trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingChange {
    field: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    old: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    new: Option<String>,
}

impl SettingChange {
    /// `secret`: the field holds a key, password or PIN; only the fact that it changed is
    /// recorded.
    pub fn new(field: &str, old: &str, new: &str, secret: bool) -> Self {
        let value = |v: &str| (!secret).then(|| v.to_string());
        Self {
            field: field.to_string(),
            old: value(old),
            new: value(new),
        }
    }

    pub fn field(&self) -> &str {
        &self.field
    }

    /// `(old, new)`, or `None` for a secret field.
    pub fn values(&self) -> Option<(&str, &str)> {
        Some((self.old.as_deref()?, self.new.as_deref()?))
    }
}

/// One line of the trail, as read back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// RFC 3339, UTC.
    pub at: String,
    pub account: String,
    pub action: Action,
}

#[derive(Serialize, Deserialize)]
struct Line {
    #[serde(flatten)]
    entry: Entry,
    hash: String,
}

/// Where the chain first breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("audit trail line {line}: {reason}")]
pub struct Broken {
    /// 1-based.
    pub line: usize,
    pub reason: &'static str,
}

#[derive(Debug)]
pub struct AuditTrail {
    path: PathBuf,
}

impl AuditTrail {
    pub fn new(path: &Path) -> Self {
        Self {
            path: path.to_path_buf(),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one entry. The previous hash is read from the file each time, so the kiosk and
    /// the technician's tool can both write to the same trail.
    pub fn append(
        &self,
        at: SystemTime,
        account: &str,
        action: Action,
    ) -> Result<Entry, StaffError> {
        let text = read_private(&self.path)?.unwrap_or_default();
        let previous = match text.lines().rev().find(|l| !l.trim().is_empty()) {
            None => GENESIS.to_string(),
            Some(last) => {
                let line: Line = serde_json::from_str(last)
                    .map_err(|e| corrupt(&self.path, text.lines().count(), &e))?;
                line.hash
            }
        };
        let entry = Entry {
            at: crate::time::rfc3339(at),
            account: account.to_string(),
            action,
        };
        let line = Line {
            hash: chain(&previous, &entry),
            entry,
        };
        let mut json = serde_json::to_string(&line).expect("audit line serializes");
        json.push('\n');
        let mut file = open_append(&self.path)?;
        // One write of the whole line: appends from two processes never interleave within it.
        file.write_all(json.as_bytes())
            .and_then(|()| file.sync_data())
            .map_err(|e| io_error(&self.path, e))?;
        Ok(line.entry)
    }

    /// Every entry, oldest first. A line that is not an entry is an error naming its number.
    pub fn read(&self) -> Result<Vec<Entry>, StaffError> {
        Ok(self.lines()?.into_iter().map(|l| l.entry).collect())
    }

    /// The number of entries when the chain holds, else the first line that breaks it.
    pub fn verify(&self) -> Result<Result<usize, Broken>, StaffError> {
        let text = read_private(&self.path)?.unwrap_or_default();
        let mut previous = GENESIS.to_string();
        let mut count = 0;
        for (index, raw) in text.lines().enumerate() {
            if raw.trim().is_empty() {
                continue;
            }
            let line = index + 1;
            let Ok(parsed) = serde_json::from_str::<Line>(raw) else {
                return Ok(Err(Broken {
                    line,
                    reason: "not an audit entry",
                }));
            };
            if chain(&previous, &parsed.entry) != parsed.hash {
                return Ok(Err(Broken {
                    line,
                    reason: "hash does not match: edited, inserted or a line before it removed",
                }));
            }
            previous = parsed.hash;
            count += 1;
        }
        Ok(Ok(count))
    }

    /// Copies the trail, byte for byte (hashes included, so the copy can be verified), to a
    /// new owner-only file `to`.
    pub fn export(&self, to: &Path) -> Result<usize, StaffError> {
        let text = read_private(&self.path)?.unwrap_or_default();
        let mut file = secret_file::create(to).map_err(|e| io_error(to, e))?;
        file.write_all(text.as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|e| io_error(to, e))?;
        Ok(text.lines().filter(|l| !l.trim().is_empty()).count())
    }

    fn lines(&self) -> Result<Vec<Line>, StaffError> {
        let text = read_private(&self.path)?.unwrap_or_default();
        text.lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| serde_json::from_str(l).map_err(|e| corrupt(&self.path, i + 1, &e)))
            .collect()
    }
}

fn chain(previous: &str, entry: &Entry) -> String {
    let json = serde_json::to_vec(entry).expect("audit entry serializes");
    let mut hasher = Sha256::new();
    hasher.update(previous.as_bytes());
    hasher.update(b"\n");
    hasher.update(&json);
    hex::encode(hasher.finalize())
}

fn open_append(path: &Path) -> Result<std::fs::File, StaffError> {
    // Windows has no mode to give below: a new trail gets a secret's owner-only DACL, and
    // being new and empty, writing it from the start is appending.
    #[cfg(windows)]
    match secret_file::create(path) {
        Ok(file) => return Ok(file),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(io_error(path, e)),
    }
    let mut options = OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path).map_err(|e| io_error(path, e))
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_800_000_000 + secs)
    }

    fn trail(dir: &tempfile::TempDir) -> AuditTrail {
        AuditTrail::new(&dir.path().join("staff-audit.jsonl"))
    }

    #[test]
    fn entries_read_back_in_order_and_the_chain_verifies() {
        let dir = tempfile::tempdir().unwrap();
        let trail = trail(&dir);
        trail.append(at(0), "ana", Action::EntryGranted).unwrap();
        trail
            .append(
                at(1),
                "ana",
                Action::SettingChanged(SettingChange::new("kiosk.language", "zh-CN", "en", false)),
            )
            .unwrap();
        trail.append(at(2), "ana", Action::Resumed).unwrap();
        let entries = trail.read().unwrap();
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[0].at, "2027-01-15T08:00:00Z");
        let Action::SettingChanged(change) = &entries[1].action else {
            panic!("{entries:?}")
        };
        assert_eq!(change.values(), Some(("zh-CN", "en")));
        assert_eq!(trail.verify().unwrap(), Ok(3));
    }

    #[test]
    fn a_hand_edited_line_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let trail = trail(&dir);
        for account in ["ana", "bo", "cy"] {
            trail.append(at(0), account, Action::EntryGranted).unwrap();
        }
        let text = std::fs::read_to_string(trail.path()).unwrap();
        std::fs::write(trail.path(), text.replacen("\"bo\"", "\"zz\"", 1)).unwrap();
        let broken = trail.verify().unwrap().unwrap_err();
        assert_eq!(broken.line, 2);

        // A removed line breaks the chain at the line after it.
        let lines: Vec<&str> = text.lines().collect();
        std::fs::write(trail.path(), format!("{}\n{}\n", lines[0], lines[2])).unwrap();
        assert_eq!(trail.verify().unwrap().unwrap_err().line, 2);
    }

    #[test]
    fn a_secret_field_records_that_it_changed_never_its_values() {
        let dir = tempfile::tempdir().unwrap();
        let trail = trail(&dir);
        let change = SettingChange::new(
            "wxpay.apiv2_key",
            "oldkey0123456789",
            "newkey9876543210",
            true,
        );
        assert_eq!(change.values(), None);
        trail
            .append(at(0), "bo", Action::SettingChanged(change))
            .unwrap();
        let text = std::fs::read_to_string(trail.path()).unwrap();
        assert!(text.contains("wxpay.apiv2_key"), "{text}");
        assert!(
            !text.contains("oldkey") && !text.contains("newkey"),
            "{text}"
        );
    }

    #[test]
    fn the_export_is_a_new_owner_only_copy_that_verifies() {
        let dir = tempfile::tempdir().unwrap();
        let trail = trail(&dir);
        trail.append(at(0), "ana", Action::EntryGranted).unwrap();
        trail.append(at(1), "ana", Action::AuditExported).unwrap();
        let to = dir.path().join("export.jsonl");
        assert_eq!(trail.export(&to).unwrap(), 2);
        assert_eq!(AuditTrail::new(&to).verify().unwrap(), Ok(2));
        assert!(
            trail.export(&to).is_err(),
            "an existing file is not overwritten"
        );
        #[cfg(unix)]
        {
            assert_eq!(crate::files::tests::mode(trail.path()), 0o600);
            assert_eq!(crate::files::tests::mode(&to), 0o600);
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_trail_others_can_read_is_refused_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let trail = trail(&dir);
        trail.append(at(0), "ana", Action::EntryGranted).unwrap();
        crate::files::tests::loosen(trail.path());
        let err = trail.append(at(1), "ana", Action::Resumed).unwrap_err();
        assert!(err.to_string().contains("staff-audit.jsonl"), "{err}");
    }
}
