//! The kiosk's patient records (SQLite): what it keeps at rest, and nothing more.
//!
//! - The openid -> patient link, so a returning patient is recognised: the openid is stored
//!   only as HMAC-SHA256 under a key of this installation (a file next to the database, owner
//!   read/write only), so the table alone cannot be joined with WeChat's ids. Its times are
//!   days, not seconds, so a link cannot be matched to a receipt by its time.
//! - One consent receipt per session: which text (version, language, SHA-256), when, what the
//!   patient decided and how the session ended. No personal data.
//!
//! Each write is one statement or one transaction: a crash leaves a receipt `pending`, never a
//! half-written row. The calls are short and local, so they run on the caller's thread.

use std::fmt;
use std::path::Path;
use std::sync::Mutex;

use hmac::{Hmac, KeyInit, Mac};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use sha2::Sha256;
use zeroize::Zeroizing;

use super::view::ConsentDocument;
use facekiosk_pii::identity::WechatId;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS patient_link (
    openid_mac   BLOB PRIMARY KEY,
    patient_ref  TEXT NOT NULL,
    linked_at    INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS consent_receipt (
    session_id       TEXT PRIMARY KEY,
    consent_version  TEXT NOT NULL,
    consent_language TEXT NOT NULL,
    consent_sha256   TEXT NOT NULL,
    shown_at         INTEGER NOT NULL,
    decided_at       INTEGER,
    decision         TEXT NOT NULL,
    outcome          TEXT NOT NULL
);
";

/// The patient's reference in the hospital's records (not personal data by itself: a random
/// code, shown to the patient to take to the counter).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct PatientRef(String);

impl PatientRef {
    /// A new random reference: `P` and ten characters of Crockford base32.
    pub fn generate() -> PatientRef {
        const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        let mut bytes = [0u8; 10];
        rand::fill(&mut bytes[..]);
        // 32 symbols: five bits of each byte, uniformly.
        let tail: String = bytes
            .iter()
            .map(|b| ALPHABET[usize::from(b & 31)] as char)
            .collect();
        PatientRef(format!("P{tail}"))
    }

    /// A reference the hospital system chose.
    pub fn new(value: impl Into<String>) -> PatientRef {
        PatientRef(value.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PatientRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What the patient decided on the consent screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Shown, nothing decided yet.
    Pending,
    Agreed,
    Declined,
    /// Nobody answered before the idle countdown ended.
    TimedOut,
    /// The patient pressed cancel.
    Cancelled,
}

/// One session's consent receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsentReceipt {
    pub session_id: String,
    pub consent_version: String,
    pub consent_language: String,
    pub consent_sha256: String,
    pub shown_at: i64,
    pub decided_at: Option<i64>,
    pub decision: Decision,
    /// How the session ended: `verified`, `welcome_back`, `refused`, `cancelled`, `timed_out`,
    /// `failed:CODE`, or `pending` while it runs.
    pub outcome: String,
}

#[derive(Debug, thiserror::Error)]
pub enum RecordsError {
    #[error("patient records {path}: {problem}")]
    Open { path: String, problem: String },
    #[error("patient records: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

/// The patient records.
pub struct Records {
    conn: Mutex<Connection>,
    key: Zeroizing<[u8; 32]>,
}

impl fmt::Debug for Records {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Records").finish_non_exhaustive()
    }
}

impl Records {
    /// Opens (or creates) the records at `path`, with the link key beside it in `<path>.key`
    /// (`records.sqlite.key`).
    pub fn open(path: &Path) -> Result<Records, RecordsError> {
        let open_err = |problem: String| RecordsError::Open {
            path: path.display().to_string(),
            problem,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| open_err(e.to_string()))?;
        }
        let mut key_path = path.as_os_str().to_owned();
        key_path.push(".key");
        let key = load_or_create_key(Path::new(&key_path)).map_err(open_err)?;
        let conn = Connection::open(path).map_err(|e| open_err(e.to_string()))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // Kiosks may share the records: wait for another's write rather than fail at once.
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        Records::with(conn, key)
    }

    /// Records that live as long as this value (tests, benchmarks, the demo).
    pub fn in_memory() -> Result<Records, RecordsError> {
        Records::with(Connection::open_in_memory()?, random_key())
    }

    fn with(conn: Connection, key: Zeroizing<[u8; 32]>) -> Result<Records, RecordsError> {
        // A forgotten patient's link is overwritten on disk, not left in a free page.
        conn.pragma_update(None, "secure_delete", "ON")?;
        conn.execute_batch(SCHEMA)?;
        Ok(Records {
            conn: Mutex::new(conn),
            key,
        })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn mac(&self, openid: &WechatId) -> Vec<u8> {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&*self.key)
            .expect("HMAC takes any key length");
        mac.update(openid.reveal().as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    /// The patient linked to `openid`, if any (and notes that they came back).
    pub fn find_patient(&self, openid: &WechatId) -> Result<Option<PatientRef>, RecordsError> {
        let mac = self.mac(openid);
        let conn = self.conn();
        let found: Option<String> = conn
            .query_row(
                "SELECT patient_ref FROM patient_link WHERE openid_mac = ?1",
                params![mac],
                |row| row.get(0),
            )
            .optional()?;
        if found.is_some() {
            conn.execute(
                "UPDATE patient_link SET last_seen_at = ?2 WHERE openid_mac = ?1",
                params![mac, today()],
            )?;
        }
        Ok(found.map(PatientRef))
    }

    /// Links `openid` to `patient` (replacing an earlier link of the same openid).
    pub fn link_patient(
        &self,
        openid: &WechatId,
        patient: &PatientRef,
    ) -> Result<(), RecordsError> {
        let t = today();
        self.conn().execute(
            "INSERT INTO patient_link (openid_mac, patient_ref, linked_at, last_seen_at)
             VALUES (?1, ?2, ?3, ?3)
             ON CONFLICT(openid_mac) DO UPDATE SET patient_ref = ?2, last_seen_at = ?3",
            params![self.mac(openid), patient.as_str(), t],
        )?;
        Ok(())
    }

    /// Removes the link of `openid` (the patient asked to be forgotten); whether there was one.
    /// Gone from the disk too: overwritten in the database (secure_delete) and the log
    /// folded in and emptied.
    pub fn forget_patient(&self, openid: &WechatId) -> Result<bool, RecordsError> {
        let conn = self.conn();
        let n = conn.execute(
            "DELETE FROM patient_link WHERE openid_mac = ?1",
            params![self.mac(openid)],
        )?;
        if n > 0 {
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        }
        Ok(n > 0)
    }

    /// How many patients are linked.
    pub fn patient_count(&self) -> Result<u64, RecordsError> {
        Ok(self
            .conn()
            .query_row("SELECT COUNT(*) FROM patient_link", [], |r| r.get(0))?)
    }

    /// Writes a new receipt (the consent screen was shown).
    pub fn open_receipt(&self, r: &ConsentReceipt) -> Result<(), RecordsError> {
        self.conn().execute(
            "INSERT INTO consent_receipt (session_id, consent_version, consent_language,
               consent_sha256, shown_at, decided_at, decision, outcome)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                r.session_id,
                r.consent_version,
                r.consent_language,
                r.consent_sha256,
                r.shown_at,
                r.decided_at,
                decision_name(r.decision),
                r.outcome
            ],
        )?;
        Ok(())
    }

    /// Records the patient's decision on the text `shown` (the language may have changed
    /// since the screen opened), once: a later call does not overwrite it.
    pub fn decide(
        &self,
        session_id: &str,
        decision: Decision,
        shown: &ConsentDocument,
    ) -> Result<(), RecordsError> {
        self.conn().execute(
            "UPDATE consent_receipt SET decision = ?2, decided_at = ?3, consent_version = ?4,
               consent_language = ?5, consent_sha256 = ?6
             WHERE session_id = ?1 AND decision = 'pending'",
            params![
                session_id,
                decision_name(decision),
                now(),
                shown.version,
                shown.language.tag(),
                shown.sha256
            ],
        )?;
        Ok(())
    }

    /// Records how the session ended.
    pub fn finish(&self, session_id: &str, outcome: &str) -> Result<(), RecordsError> {
        self.conn().execute(
            "UPDATE consent_receipt SET outcome = ?2 WHERE session_id = ?1",
            params![session_id, outcome],
        )?;
        Ok(())
    }

    /// Every receipt, oldest first.
    pub fn receipts(&self) -> Result<Vec<ConsentReceipt>, RecordsError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT session_id, consent_version, consent_language, consent_sha256, shown_at,
                    decided_at, decision, outcome
             FROM consent_receipt ORDER BY shown_at, rowid",
        )?;
        let rows = stmt.query_map([], |row| {
            let decision: String = row.get(6)?;
            Ok(ConsentReceipt {
                session_id: row.get(0)?,
                consent_version: row.get(1)?,
                consent_language: row.get(2)?,
                consent_sha256: row.get(3)?,
                shown_at: row.get(4)?,
                decided_at: row.get(5)?,
                decision: parse_decision(&decision).ok_or_else(|| {
                    rusqlite::Error::FromSqlConversionFailure(
                        6,
                        rusqlite::types::Type::Text,
                        format!("consent_receipt.decision: unknown value {decision:?}").into(),
                    )
                })?,
                outcome: row.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

fn decision_name(d: Decision) -> &'static str {
    match d {
        Decision::Pending => "pending",
        Decision::Agreed => "agreed",
        Decision::Declined => "declined",
        Decision::TimedOut => "timed_out",
        Decision::Cancelled => "cancelled",
    }
}

fn parse_decision(s: &str) -> Option<Decision> {
    Some(match s {
        "pending" => Decision::Pending,
        "agreed" => Decision::Agreed,
        "declined" => Decision::Declined,
        "timed_out" => Decision::TimedOut,
        "cancelled" => Decision::Cancelled,
        _ => return None,
    })
}

fn now() -> i64 {
    facekiosk_wxpay::unix_now()
}

/// Today's start (UTC), for the link's times.
fn today() -> i64 {
    let t = now();
    t - t.rem_euclid(86_400)
}

fn random_key() -> Zeroizing<[u8; 32]> {
    let mut key = Zeroizing::new([0u8; 32]);
    rand::fill(&mut key[..]);
    key
}

/// The link key: 32 random bytes (hex) in a file only the kiosk's user may read.
fn load_or_create_key(path: &Path) -> Result<Zeroizing<[u8; 32]>, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let text = Zeroizing::new(text);
            let mut key = Zeroizing::new([0u8; 32]);
            hex::decode_to_slice(text.trim(), &mut key[..])
                .map_err(|_| format!("{}: the link key must be 64 hex digits", path.display()))?;
            check_private(path)?;
            Ok(key)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = random_key();
            write_private(path, &Zeroizing::new(hex::encode(&key[..])))
                .map_err(|e| format!("{}: {e}", path.display()))?;
            Ok(key)
        }
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(text.as_bytes())?;
    // Losing the key loses every link: it is on disk before the first link is written.
    f.sync_all()
}

/// A key others can read would let them join the links with WeChat's openids.
#[cfg(unix)]
fn check_private(path: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)
        .map_err(|e| format!("{}: {e}", path.display()))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(format!(
            "{}: the link key is readable by other users (mode {:o}); `chmod 600` it",
            path.display(),
            mode & 0o777
        ));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_: &Path) -> Result<(), String> {
    Ok(())
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()
}

#[cfg(test)]
mod tests;
