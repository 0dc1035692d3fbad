//! The kiosk's patient records (SQLite): what it keeps at rest, and nothing more.
//!
//! - The openid -> patient link, so a returning patient is recognised: the openid is stored
//!   only as HMAC-SHA256 under a key of this installation (a file next to the database, owner
//!   read/write only), so the table alone cannot be joined with WeChat's ids. Its times are
//!   days, not seconds, so a link cannot be matched to a receipt by its time.
//! - The references this kiosk minted and then forgot (as HMACs too), so that a reference once
//!   shown to one patient is never handed to another.
//! - One consent receipt per session: which text (version, language, SHA-256), when, what the
//!   patient decided and how the session ended. No personal data.
//!
//! Each write is one statement or one transaction: a crash leaves a receipt `pending`, never a
//! half-written row. The calls are short and local, so they run on the caller's thread.
//!
//! The files belong on the kiosk's own disk: SQLite's locking is not reliable over SMB or NFS.
//! Kiosks do not share records; the hospital's system is the shared record of patients, and
//! these links are each kiosk's cache for welcome-back.

use std::fmt;
use std::path::Path;
use std::sync::Mutex;

use hmac::{Hmac, KeyInit, Mac};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::Serialize;
use sha2::Sha256;
use zeroize::Zeroizing;

use super::view::ConsentDocument;
use facekiosk_pii::identity::WechatId;

mod files;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS patient_link (
    openid_mac   BLOB PRIMARY KEY,
    patient_ref  TEXT NOT NULL,
    linked_at    INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS patient_link_ref ON patient_link (patient_ref);
CREATE TABLE IF NOT EXISTS retired_ref (
    ref_mac BLOB PRIMARY KEY
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
    #[error(
        "patient records {records}: the link key {key} is missing, and the {links} patient \
         links in the records cannot be read without it; restore {key} from a backup, or move \
         {records} (with its -wal and -shm files) aside to start over with empty records"
    )]
    KeyMissing {
        records: String,
        key: String,
        links: u64,
    },
    /// The openid already has a link to another reference: the first one stays, since it may
    /// already be on the patient's screen or paper.
    #[error(
        "patient records {path}: this WeChat user is already linked to another patient \
         reference; the first one is kept"
    )]
    AlreadyLinked { path: String },
    #[error("patient records: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

/// The patient records.
pub struct Records {
    conn: Mutex<Connection>,
    key: Zeroizing<[u8; 32]>,
    /// The database's path, for error messages (`:memory:` in memory).
    name: String,
}

impl fmt::Debug for Records {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Records").finish_non_exhaustive()
    }
}

impl Records {
    /// Opens (or creates) the records at `path`, with the link key beside it in `<path>.key`
    /// (`records.sqlite.key`). A first start makes the key; a missing key when there are
    /// links stops here, rather than orphan every link under a new one.
    pub fn open(path: &Path) -> Result<Records, RecordsError> {
        let name = path.display().to_string();
        let open_err = |problem: String| RecordsError::Open {
            path: name.clone(),
            problem,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| open_err(e.to_string()))?;
        }
        files::create_database(path).map_err(|e| open_err(e.to_string()))?;
        let conn = Connection::open(path).map_err(|e| open_err(e.to_string()))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // Another process on this disk (a technician's sqlite3, a backup) may hold the lock
        // for a moment: wait for it rather than fail.
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        prepare(&conn)?;
        let key_path = files::key_path(path);
        let key = match files::load_key(&key_path).map_err(open_err)? {
            Some(key) => key,
            None => {
                let links: u64 =
                    conn.query_row("SELECT COUNT(*) FROM patient_link", [], |r| r.get(0))?;
                if links > 0 {
                    return Err(RecordsError::KeyMissing {
                        records: name,
                        key: key_path.display().to_string(),
                        links,
                    });
                }
                files::create_key(&key_path).map_err(open_err)?
            }
        };
        Ok(Records {
            conn: Mutex::new(conn),
            key,
            name,
        })
    }

    /// Records that live as long as this value (tests, benchmarks, the demo).
    pub fn in_memory() -> Result<Records, RecordsError> {
        let conn = Connection::open_in_memory()?;
        prepare(&conn)?;
        Ok(Records {
            conn: Mutex::new(conn),
            key: files::random_key(),
            name: ":memory:".into(),
        })
    }

    /// The statements every session runs are taken with `prepare_cached`: compiled once per
    /// connection, where compiling them at each call was about a tenth of a session's CPU
    /// time (perf, `cargo xtask bench --compare`'s session).
    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn mac(&self, openid: &WechatId) -> Vec<u8> {
        self.mac_of(openid.reveal().as_bytes())
    }

    /// A retired reference is kept only as this, so a forgotten patient's reference is not
    /// left on disk. The prefix keeps it apart from any openid's MAC.
    fn ref_mac(&self, patient: &str) -> Vec<u8> {
        self.mac_of(format!("patient_ref\0{patient}").as_bytes())
    }

    fn mac_of(&self, bytes: &[u8]) -> Vec<u8> {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&*self.key)
            .expect("HMAC takes any key length");
        mac.update(bytes);
        mac.finalize().into_bytes().to_vec()
    }

    /// The patient linked to `openid`, if any. Only reads: a returning patient leaves no
    /// trace of their visit here (their consent receipt has no link to them).
    pub fn find_patient(&self, openid: &WechatId) -> Result<Option<PatientRef>, RecordsError> {
        Ok(linked_ref(&self.conn(), &self.mac(openid))?.map(PatientRef))
    }

    /// Links `openid` to `patient` (the hospital system's reference). Linking it again to the
    /// same reference is harmless; to another one is refused (`AlreadyLinked`) and the first
    /// link kept, since that reference may already have been shown to the patient.
    pub fn link_patient(
        &self,
        openid: &WechatId,
        patient: &PatientRef,
    ) -> Result<(), RecordsError> {
        let mac = self.mac(openid);
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        match linked_ref(&tx, &mac)? {
            Some(existing) if existing == patient.as_str() => return Ok(()),
            Some(_) => {
                return Err(RecordsError::AlreadyLinked {
                    path: self.name.clone(),
                });
            }
            None => insert_link(&tx, &mac, patient.as_str())?,
        }
        tx.commit()?;
        Ok(())
    }

    /// The kiosk's own registration: the reference already linked to `openid`, or a newly
    /// minted one, linked in the same transaction. A minted reference is one no patient of
    /// these records has or had (linked now, or forgotten since).
    pub fn register_patient(&self, openid: &WechatId) -> Result<PatientRef, RecordsError> {
        self.register_with(openid, PatientRef::generate)
    }

    fn register_with(
        &self,
        openid: &WechatId,
        mut mint: impl FnMut() -> PatientRef,
    ) -> Result<PatientRef, RecordsError> {
        let mac = self.mac(openid);
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if let Some(existing) = linked_ref(&tx, &mac)? {
            return Ok(PatientRef(existing));
        }
        let patient = loop {
            let candidate = mint();
            let taken: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM patient_link WHERE patient_ref = ?1)
                     OR EXISTS (SELECT 1 FROM retired_ref WHERE ref_mac = ?2)",
                params![candidate.as_str(), self.ref_mac(candidate.as_str())],
                |r| r.get(0),
            )?;
            if !taken {
                break candidate;
            }
        };
        insert_link(&tx, &mac, patient.as_str())?;
        tx.commit()?;
        Ok(patient)
    }

    /// Removes the link of `openid` (the patient asked to be forgotten); whether there was one.
    /// Gone from the disk too: overwritten in the database (secure_delete) and the log
    /// folded in and emptied. Its reference is retired (as an HMAC), never minted again.
    pub fn forget_patient(&self, openid: &WechatId) -> Result<bool, RecordsError> {
        let mac = self.mac(openid);
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let Some(patient) = linked_ref(&tx, &mac)? else {
            return Ok(false);
        };
        tx.execute(
            "INSERT OR IGNORE INTO retired_ref (ref_mac) VALUES (?1)",
            params![self.ref_mac(&patient)],
        )?;
        tx.execute(
            "DELETE FROM patient_link WHERE openid_mac = ?1",
            params![mac],
        )?;
        tx.commit()?;
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(true)
    }

    /// Removes every link to `patient`, the number shown on the patient's screen (the
    /// erasure the consent text promises, asked for at the window, where staff have the
    /// number and not the openid); how many links there were. Gone from the disk as with
    /// [`Records::forget_patient`], and the reference retired.
    pub fn forget_reference(&self, patient: &PatientRef) -> Result<u64, RecordsError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let removed = tx.execute(
            "DELETE FROM patient_link WHERE patient_ref = ?1",
            params![patient.as_str()],
        )?;
        if removed > 0 {
            tx.execute(
                "INSERT OR IGNORE INTO retired_ref (ref_mac) VALUES (?1)",
                params![self.ref_mac(patient.as_str())],
            )?;
        }
        tx.commit()?;
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(removed as u64)
    }

    /// How many patients are linked.
    pub fn patient_count(&self) -> Result<u64, RecordsError> {
        Ok(self
            .conn()
            .query_row("SELECT COUNT(*) FROM patient_link", [], |r| r.get(0))?)
    }

    /// Writes a new receipt (the consent screen was shown).
    pub fn open_receipt(&self, r: &ConsentReceipt) -> Result<(), RecordsError> {
        self.conn()
            .prepare_cached(
                "INSERT INTO consent_receipt (session_id, consent_version, consent_language,
               consent_sha256, shown_at, decided_at, decision, outcome)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                r.session_id,
                r.consent_version,
                r.consent_language,
                r.consent_sha256,
                r.shown_at,
                r.decided_at,
                decision_name(r.decision),
                r.outcome
            ])?;
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
        self.conn()
            .prepare_cached(
                "UPDATE consent_receipt SET decision = ?2, decided_at = ?3, consent_version = ?4,
               consent_language = ?5, consent_sha256 = ?6
             WHERE session_id = ?1 AND decision = 'pending'",
            )?
            .execute(params![
                session_id,
                decision_name(decision),
                now(),
                shown.version,
                shown.language.tag(),
                shown.sha256
            ])?;
        Ok(())
    }

    /// Records how the session ended.
    pub fn finish(&self, session_id: &str, outcome: &str) -> Result<(), RecordsError> {
        self.conn()
            .prepare_cached("UPDATE consent_receipt SET outcome = ?2 WHERE session_id = ?1")?
            .execute(params![session_id, outcome])?;
        Ok(())
    }

    /// Every receipt, oldest first.
    pub fn receipts(&self) -> Result<Vec<ConsentReceipt>, RecordsError> {
        self.receipts_between(i64::MIN, i64::MAX)
    }

    /// The receipts shown from `from` (included) to `to` (excluded), unix seconds, oldest
    /// first: what staff export for a date range.
    pub fn receipts_between(
        &self,
        from: i64,
        to: i64,
    ) -> Result<Vec<ConsentReceipt>, RecordsError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT session_id, consent_version, consent_language, consent_sha256, shown_at,
                    decided_at, decision, outcome
             FROM consent_receipt WHERE shown_at >= ?1 AND shown_at < ?2
             ORDER BY shown_at, rowid",
        )?;
        let rows = stmt.query_map(params![from, to], |row| {
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

    /// Deletes the receipts shown before `cutoff` (unix seconds), the retention the hospital
    /// set; how many. A receipt still `pending` (its session running) is kept whatever its
    /// age.
    pub fn purge_receipts_before(&self, cutoff: i64) -> Result<u64, RecordsError> {
        let conn = self.conn();
        let purged = conn.execute(
            "DELETE FROM consent_receipt WHERE shown_at < ?1 AND outcome != 'pending'",
            params![cutoff],
        )?;
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(purged as u64)
    }
}

fn prepare(conn: &Connection) -> Result<(), RecordsError> {
    // A forgotten patient's link is overwritten on disk, not left in a free page.
    conn.pragma_update(None, "secure_delete", "ON")?;
    conn.execute_batch(SCHEMA)?;
    Ok(())
}

fn linked_ref(conn: &Connection, openid_mac: &[u8]) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT patient_ref FROM patient_link WHERE openid_mac = ?1")?
        .query_row(params![openid_mac], |row| row.get(0))
        .optional()
}

/// `last_seen_at` is written once, with the link: the column stays for the files of earlier
/// versions, which require it, but a visit is no longer noted (a read does not write).
fn insert_link(conn: &Connection, openid_mac: &[u8], patient: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO patient_link (openid_mac, patient_ref, linked_at, last_seen_at)
         VALUES (?1, ?2, ?3, ?3)",
    )?
    .execute(params![openid_mac, patient, today()])?;
    Ok(())
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

#[cfg(test)]
mod tests;
