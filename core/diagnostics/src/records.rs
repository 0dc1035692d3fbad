//! `records`: the patient records' database opens read-only, passes SQLite's integrity check,
//! and how big it is and how many links and receipts it holds (counts only: nothing in a row
//! is read).

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use crate::Check;

const ID: &str = "records";

/// The tables as `facekiosk_session::records` makes them.
const LINKS: &str = "SELECT COUNT(*) FROM patient_link";
const RECEIPTS: &str = "SELECT COUNT(*) FROM consent_receipt";

pub fn check(path: &Path) -> Check {
    let size = match std::fs::metadata(path) {
        Ok(m) => m.len(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Check::warn(
                ID,
                format!("{} does not exist yet", path.display()),
                "start the kiosk once: it creates the records (expected on a new kiosk)",
            );
        }
        Err(e) => {
            return Check::fail(
                ID,
                format!("cannot read {}: {e}", path.display()),
                "give the kiosk's user access to the records' folder",
            );
        }
    };
    match inspect(path) {
        Ok((integrity, links, receipts)) if integrity == "ok" => Check::ok(
            ID,
            format!(
                "{}: integrity ok, {} KiB, {links} patient link(s), {receipts} consent receipt(s)",
                path.display(),
                size.div_ceil(1024)
            ),
        ),
        Ok((integrity, ..)) => Check::fail(
            ID,
            format!(
                "{}: SQLite's integrity check reports: {}",
                path.display(),
                integrity.lines().next().unwrap_or("")
            ),
            "stop the kiosk and restore the records from the last backup",
        ),
        Err(e) => Check::fail(
            ID,
            format!("{}: cannot be read as the records: {e}", path.display()),
            "stop the kiosk and restore the records from the last backup",
        ),
    }
}

fn inspect(path: &Path) -> rusqlite::Result<(String, u64, u64)> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    let links: u64 = conn.query_row(LINKS, [], |r| r.get(0))?;
    let receipts: u64 = conn.query_row(RECEIPTS, [], |r| r.get(0))?;
    Ok((integrity, links, receipts))
}
