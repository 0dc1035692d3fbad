//! What staff take away on a USB stick: the consent receipts of a date range (CSV) and the
//! audit trail. Neither holds personal data: a receipt names a random session id, the text
//! shown and what was decided, never who.

use std::io::Write;
use std::path::{Path, PathBuf};

use facekiosk_config::Problem;
use facekiosk_staff::{Action, Permission};
use serde::Serialize;

use crate::{Console, ConsoleError, Now};

mod removable;

/// The farthest time zones from UTC (UTC-12 to UTC+14), in minutes.
const MAX_OFFSET_MINUTES: i32 = 14 * 60;

/// A file written for staff, and how many records it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ExportView {
    pub path: String,
    pub count: u32,
}

impl Console {
    /// The receipts shown from `from` to `to` (both `YYYY-MM-DD`, both included, as dates
    /// `utc_offset_minutes` from UTC: the time zone of the screen staff read them on, so a
    /// receipt of 07:00 in the morning belongs to that morning) as
    /// `consent-receipts-<from>-<to>.csv` in `dir`. Audited with the dates.
    pub fn export_receipts(
        &self,
        records: &facekiosk_session::Records,
        from: &str,
        to: &str,
        utc_offset_minutes: i32,
        dir: &Path,
        now: Now,
    ) -> Result<ExportView, ConsoleError> {
        let account = self
            .authorize(Permission::ExportReceipts, "export consent receipts", now)?
            .account;
        let (start, end) = range(from, to, utc_offset_minutes)?;
        let receipts = records
            .receipts_between(start, end)
            .map_err(|e| ConsoleError::Records(e.to_string()))?;
        let path = dir.join(format!("consent-receipts-{from}-{to}.csv"));
        let mut csv = String::from(
            "session_id,consent_version,consent_language,consent_sha256,shown_at,decided_at,decision,outcome\n",
        );
        for r in &receipts {
            let decision = serde_json::to_value(r.decision)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            let cells = [
                r.session_id.clone(),
                r.consent_version.clone(),
                r.consent_language.clone(),
                r.consent_sha256.clone(),
                r.shown_at.to_string(),
                r.decided_at.map(|t| t.to_string()).unwrap_or_default(),
                decision,
                r.outcome.clone(),
            ];
            let row: Vec<String> = cells.iter().map(|c| cell(c)).collect();
            csv.push_str(&row.join(","));
            csv.push('\n');
        }
        write_new(&path, csv.as_bytes())?;
        self.audit().append(
            now.wall,
            &account,
            Action::ReceiptsExported {
                from: from.to_owned(),
                to: to.to_owned(),
            },
        )?;
        Ok(ExportView {
            path: path.display().to_string(),
            count: receipts.len() as u32,
        })
    }

    /// Where staff can write a file: each removable drive ([`removable`]: a USB stick under
    /// `/media` or `/run/media`, a removable drive letter on Windows), then the kiosk's own
    /// folder (beside its configuration).
    pub fn targets(&self, now: Now) -> Result<Vec<PathBuf>, ConsoleError> {
        self.touch(now)?;
        let mut targets = removable::drives();
        if let Some(dir) = self.config_path().parent() {
            targets.push(dir.to_path_buf());
        }
        Ok(targets)
    }

    /// The audit trail as `staff-audit-<unix time>.jsonl` in `dir`; audited.
    pub fn export_audit_to(&self, dir: &Path, now: Now) -> Result<ExportView, ConsoleError> {
        let account = self
            .authorize(Permission::ReadAudit, "export the audit trail", now)?
            .account;
        let secs = facekiosk_staff::time::unix_seconds(now.wall);
        let path = dir.join(format!("staff-audit-{secs}.jsonl"));
        let count = self.audit().export(&path)?;
        self.audit()
            .append(now.wall, &account, Action::AuditExported)?;
        Ok(ExportView {
            path: path.display().to_string(),
            count: count as u32,
        })
    }
}

/// Unix seconds from the start of `from` to the end of `to`, local dates at `offset` minutes
/// from UTC.
fn range(from: &str, to: &str, offset: i32) -> Result<(i64, i64), ConsoleError> {
    if !(-MAX_OFFSET_MINUTES..=MAX_OFFSET_MINUTES).contains(&offset) {
        return Err(ConsoleError::Invalid(vec![Problem {
            field: "utc_offset_minutes".to_owned(),
            rule: "must be from -840 to 840".to_owned(),
        }]));
    }
    let day = |field: &str, text: &str| {
        facekiosk_staff::time::parse_date(text).ok_or_else(|| Problem {
            field: field.to_owned(),
            rule: "must be a date as YYYY-MM-DD".to_owned(),
        })
    };
    let (start, end) = match (day("from", from), day("to", to)) {
        (Ok(start), Ok(end)) if start <= end => (start, end),
        (Ok(_), Ok(_)) => {
            return Err(ConsoleError::Invalid(vec![Problem {
                field: "to".to_owned(),
                rule: "must not be before from".to_owned(),
            }]));
        }
        (a, b) => {
            let problems = [a.err(), b.err()].into_iter().flatten().collect();
            return Err(ConsoleError::Invalid(problems));
        }
    };
    let secs = |days: u64| days as i64 * 86_400 - i64::from(offset) * 60;
    Ok((secs(start), secs(end + 1)))
}

/// A CSV cell: quoted when it holds a separator, a quote or a line break.
fn cell(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

/// A new file (never over another): an export does not silently replace an earlier one.
fn write_new(path: &Path, bytes: &[u8]) -> Result<(), ConsoleError> {
    let failed = |e: std::io::Error| ConsoleError::Config {
        path: PathBuf::from(path),
        detail: format!("cannot be written: {e}"),
    };
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(failed)?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(failed)
}
