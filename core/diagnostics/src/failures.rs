//! `failures`: the kiosk's last failed sessions, with their codes and how long ago, from the
//! consent receipts (`failed:CODE[:DETAIL]`): what a technician asks first ("what did the
//! screen say, and when?"). A warning when most of the recent sessions failed.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use crate::Check;

const ID: &str = "failures";
/// How many recent sessions are looked at, and how many failures are listed.
const RECENT: u32 = 10;
const LISTED: usize = 5;

pub fn check(records: &Path, now_unix: i64) -> Check {
    if !records.exists() {
        return Check::ok(ID, "no sessions yet");
    }
    let recent = match recent(records) {
        Ok(recent) => recent,
        // The `records` check says what is wrong with the file.
        Err(e) => {
            return Check::warn(
                ID,
                format!("the records cannot be read: {e}"),
                "see the records check",
            );
        }
    };
    let failed: Vec<&(i64, String)> = recent
        .iter()
        .filter(|(_, outcome)| outcome.starts_with("failed:"))
        .collect();
    if failed.is_empty() {
        return Check::ok(
            ID,
            format!("none of the last {} session(s) failed", recent.len()),
        );
    }
    let listed: Vec<String> = failed
        .iter()
        .take(LISTED)
        .map(|(at, outcome)| {
            let code = outcome.trim_start_matches("failed:").replacen(':', " (", 1);
            let code = if code.contains(" (") {
                format!("{code})")
            } else {
                code
            };
            format!("{code} {}", ago(now_unix - at))
        })
        .collect();
    let detail = format!(
        "{} of the last {} session(s) failed: {}",
        failed.len(),
        recent.len(),
        listed.join("; ")
    );
    if failed.len() * 2 > recent.len() {
        Check::warn(
            ID,
            detail,
            "most recent sessions failed: read each code in the README's failure table and run the checks above",
        )
    } else {
        Check::ok(ID, detail)
    }
}

fn recent(path: &Path) -> rusqlite::Result<Vec<(i64, String)>> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    let mut stmt = conn.prepare(
        "SELECT shown_at, outcome FROM consent_receipt WHERE outcome != 'pending' \
         ORDER BY shown_at DESC, rowid DESC LIMIT ?1",
    )?;
    let rows = stmt.query_map([RECENT], |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect()
}

fn ago(secs: i64) -> String {
    match secs.max(0) {
        s if s < 120 => format!("{s} s ago"),
        s if s < 7200 => format!("{} min ago", s / 60),
        s if s < 172_800 => format!("{} h ago", s / 3600),
        s => format!("{} days ago", s / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(outcomes: &[(i64, &str)]) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("records.sqlite");
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE consent_receipt (shown_at INTEGER, outcome TEXT)")
            .unwrap();
        for (at, outcome) in outcomes {
            conn.execute(
                "INSERT INTO consent_receipt (shown_at, outcome) VALUES (?1, ?2)",
                rusqlite::params![at, outcome],
            )
            .unwrap();
        }
        (dir, path)
    }

    #[test]
    fn the_last_failures_are_listed_with_their_codes_and_ages_newest_first() {
        let (_dir, path) = records(&[
            (1_000, "verified"),
            (2_000, "failed:HAND_OVER_FAILED:TIMEOUT"),
            (2_900, "failed:TERMINAL_UNAVAILABLE"),
            (2_950, "welcome_back"),
            (2_990, "pending"),
        ]);
        let check = check(&path, 3_000);
        assert_eq!(check.status, crate::Status::Ok);
        assert_eq!(
            check.detail,
            "2 of the last 4 session(s) failed: TERMINAL_UNAVAILABLE 100 s ago; \
             HAND_OVER_FAILED (TIMEOUT) 16 min ago"
        );
    }

    #[test]
    fn mostly_failing_sessions_are_a_warning_and_none_is_ok() {
        let (_dir, path) = records(&[
            (1, "failed:CLOCK_SKEW"),
            (2, "failed:CLOCK_SKEW"),
            (3, "verified"),
        ]);
        assert_eq!(check(&path, 10).status, crate::Status::Warn);
        let (_dir, path) = records(&[(1, "verified")]);
        let ok = check(&path, 10);
        assert_eq!(
            (ok.status, ok.detail.as_str()),
            (crate::Status::Ok, "none of the last 1 session(s) failed")
        );
    }
}
