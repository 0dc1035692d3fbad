//! Out of service: staff take the kiosk out of service with a message for patients, in
//! Chinese and English, and put it back. Kept in an owner-only file (`suspended.json`) so it
//! survives a restart; both changes go to the audit trail.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use crate::StaffError;
use crate::audit::{Action, AuditTrail};
use crate::files::{corrupt, io_error, read_private, write_atomic};
use crate::message::Message;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suspension {
    pub message: Message,
    /// RFC 3339, UTC.
    pub since: String,
    pub by: String,
}

#[derive(Debug)]
pub struct OutOfService {
    path: PathBuf,
}

impl OutOfService {
    pub fn new(path: &Path) -> Self {
        Self {
            path: path.to_path_buf(),
        }
    }

    /// The suspension in force, if any. The kiosk reads it at start, so a restart keeps it.
    pub fn current(&self) -> Result<Option<Suspension>, StaffError> {
        match read_private(&self.path)? {
            None => Ok(None),
            Some(text) => serde_json::from_str(&text)
                .map(Some)
                .map_err(|e| corrupt(&self.path, e.line(), &e)),
        }
    }

    /// Takes the kiosk out of service (or changes the message of a suspension in force).
    pub fn suspend(
        &self,
        message: Message,
        account: &str,
        audit: &AuditTrail,
        now: SystemTime,
    ) -> Result<Suspension, StaffError> {
        let suspension = Suspension {
            message: message.clone(),
            since: crate::time::rfc3339(now),
            by: account.to_string(),
        };
        let json = serde_json::to_vec_pretty(&suspension).expect("suspension serializes");
        write_atomic(&self.path, &json)?;
        audit.append(now, account, Action::Suspended { message })?;
        tracing::info!(account, "kiosk suspended");
        Ok(suspension)
    }

    /// Puts the kiosk back in service. `false` (and nothing audited) when it was not out of
    /// service.
    pub fn resume(
        &self,
        account: &str,
        audit: &AuditTrail,
        now: SystemTime,
    ) -> Result<bool, StaffError> {
        if self.current()?.is_none() {
            return Ok(false);
        }
        std::fs::remove_file(&self.path).map_err(|e| io_error(&self.path, e))?;
        audit.append(now, account, Action::Resumed)?;
        tracing::info!(account, "kiosk resumed");
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_800_000_000 + secs)
    }

    #[test]
    fn a_suspension_survives_a_reload_and_both_changes_are_audited() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("suspended.json");
        let audit = AuditTrail::new(&dir.path().join("staff-audit.jsonl"));
        let message = Message::new(
            "暂停服务，请到人工窗口",
            "Out of service, please go to the desk",
        )
        .unwrap();
        OutOfService::new(&path)
            .suspend(message.clone(), "ana", &audit, at(0))
            .unwrap();

        // A new instance stands for the kiosk after a restart.
        let current = OutOfService::new(&path).current().unwrap().unwrap();
        assert_eq!(current.message, message);
        assert_eq!(current.by, "ana");
        #[cfg(unix)]
        assert_eq!(crate::files::tests::mode(&path), 0o600);

        assert!(
            OutOfService::new(&path)
                .resume("bo", &audit, at(5))
                .unwrap()
        );
        assert_eq!(OutOfService::new(&path).current().unwrap(), None);
        assert!(
            !OutOfService::new(&path)
                .resume("bo", &audit, at(6))
                .unwrap()
        );

        let actions: Vec<(String, Action)> = audit
            .read()
            .unwrap()
            .into_iter()
            .map(|e| (e.account, e.action))
            .collect();
        assert_eq!(
            actions,
            [
                ("ana".to_string(), Action::Suspended { message }),
                ("bo".to_string(), Action::Resumed)
            ]
        );
    }
}
