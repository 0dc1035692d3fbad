//! Named staff and technician accounts, each with its own PIN, stored as Argon2id PHC strings
//! in an owner-only file (`staff.json` beside the configuration).

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use facekiosk_pii::Secret;
use serde::{Deserialize, Serialize};

use crate::files::{corrupt, read_private, write_atomic};
use crate::{Role, StaffError};

/// OWASP's Argon2id minimum (19 MiB, 2 passes, 1 lane): a stolen file costs a guesser that
/// much per try, and a kiosk PC verifies a PIN in a fraction of a second.
const MEMORY_KIB: u32 = 19_456;
const PASSES: u32 = 2;
const LANES: u32 = 1;

/// The name the technician's tool writes into the audit trail; no account may take it.
pub const CLI_ACCOUNT: &str = "cli";

/// One account as stored. The PIN itself is never kept, only its hash.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub name: String,
    pub role: Role,
    pin_hash: String,
    /// RFC 3339, UTC.
    pub created_at: String,
}

impl std::fmt::Debug for Account {
    // The hash stays out of logs too: it is what an offline guesser needs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Account")
            .field("name", &self.name)
            .field("role", &self.role)
            .field("created_at", &self.created_at)
            .finish_non_exhaustive()
    }
}

#[derive(Default, Serialize, Deserialize)]
struct AccountsFile {
    accounts: Vec<Account>,
}

/// The accounts file, loaded. Every change is written back at once (atomically, 0600).
#[derive(Debug)]
pub struct Accounts {
    path: PathBuf,
    accounts: Vec<Account>,
}

impl Accounts {
    /// Loads `path`; a missing file is an empty list (no account made yet).
    pub fn load(path: &Path) -> Result<Self, StaffError> {
        let accounts = match read_private(path)? {
            None => Vec::new(),
            Some(text) => {
                let file: AccountsFile =
                    serde_json::from_str(&text).map_err(|e| corrupt(path, e.line(), &e))?;
                file.accounts
            }
        };
        Ok(Self {
            path: path.to_path_buf(),
            accounts,
        })
    }

    pub fn list(&self) -> &[Account] {
        &self.accounts
    }

    pub fn is_empty(&self) -> bool {
        self.accounts.is_empty()
    }

    pub fn get(&self, name: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.name == name)
    }

    /// Adds an account. Its PIN must follow [`check_pin`] and differ from every other
    /// account's, so that a PIN typed without a name identifies exactly one account.
    pub fn add(
        &mut self,
        name: &str,
        role: Role,
        pin: &Secret,
        now: SystemTime,
    ) -> Result<(), StaffError> {
        check_name(name)?;
        if self.get(name).is_some() {
            return Err(StaffError::DuplicateAccount(name.to_string()));
        }
        check_pin(pin)?;
        self.refuse_pin_in_use(None, pin)?;
        self.accounts.push(Account {
            name: name.to_string(),
            role,
            pin_hash: hash_pin(pin)?,
            created_at: crate::time::rfc3339(now),
        });
        self.save()
    }

    pub fn reset_pin(&mut self, name: &str, pin: &Secret) -> Result<(), StaffError> {
        let index = self.index(name)?;
        check_pin(pin)?;
        self.refuse_pin_in_use(Some(name), pin)?;
        self.accounts[index].pin_hash = hash_pin(pin)?;
        self.save()
    }

    /// Removes an account. The last technician account is kept: without it nobody could
    /// change the merchant settings at the kiosk. Add another technician first, or delete the
    /// file to start over.
    pub fn remove(&mut self, name: &str) -> Result<(), StaffError> {
        let index = self.index(name)?;
        let technicians = self
            .accounts
            .iter()
            .filter(|a| a.role == Role::Technician)
            .count();
        if self.accounts[index].role == Role::Technician && technicians == 1 {
            return Err(StaffError::LastTechnician(name.to_string()));
        }
        self.accounts.remove(index);
        self.save()
    }

    /// The account `pin` opens: the named one only, or, without a name, whichever has it.
    /// `None` for a wrong PIN and for an unknown name alike, so the answer tells a guesser
    /// nothing about which names exist.
    pub fn verify(&self, name: Option<&str>, pin: &Secret) -> Option<&Account> {
        match name {
            Some(name) => self.get(name).filter(|a| pin_matches(&a.pin_hash, pin)),
            None => self.accounts.iter().find(|a| pin_matches(&a.pin_hash, pin)),
        }
    }

    fn index(&self, name: &str) -> Result<usize, StaffError> {
        self.accounts
            .iter()
            .position(|a| a.name == name)
            .ok_or_else(|| StaffError::UnknownAccount(name.to_string()))
    }

    fn refuse_pin_in_use(&self, except: Option<&str>, pin: &Secret) -> Result<(), StaffError> {
        let taken = self
            .accounts
            .iter()
            .filter(|a| Some(a.name.as_str()) != except)
            .any(|a| pin_matches(&a.pin_hash, pin));
        if taken {
            return Err(StaffError::PinInUse);
        }
        Ok(())
    }

    fn save(&self) -> Result<(), StaffError> {
        let file = AccountsFile {
            accounts: self.accounts.clone(),
        };
        let json = serde_json::to_vec_pretty(&file).expect("accounts serialize");
        write_atomic(&self.path, &json)
    }
}

fn argon2() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None).expect("constant Argon2 params");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn hash_pin(pin: &Secret) -> Result<String, StaffError> {
    argon2()
        .hash_password(pin.expose().as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| StaffError::Hash(e.to_string()))
}

fn pin_matches(hash: &str, pin: &Secret) -> bool {
    argon2()
        .verify_password(pin.expose().as_bytes(), hash)
        .is_ok()
}

/// 1 to 32 letters, digits, `-`, `_` or `.` (letters of any script: staff names may be
/// Chinese); `cli` is the technician's tool's own name in the audit trail.
pub fn check_name(name: &str) -> Result<(), StaffError> {
    let invalid = |reason: &'static str| StaffError::InvalidName {
        name: name.to_string(),
        reason,
    };
    let len = name.chars().count();
    if len == 0 || len > 32 {
        return Err(invalid("must be 1 to 32 characters"));
    }
    if !name
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(invalid("may hold only letters, digits, '-', '_' and '.'"));
    }
    if name == CLI_ACCOUNT {
        return Err(invalid("is reserved for the technician's tool"));
    }
    Ok(())
}

/// 6 to 12 digits, not all the same digit, not a straight run up or down (123456, 987654).
/// The error says which rule failed, never the digits.
pub fn check_pin(pin: &Secret) -> Result<(), StaffError> {
    let digits: Vec<u8> = pin.expose().bytes().collect();
    if !(6..=12).contains(&digits.len()) {
        return Err(StaffError::InvalidPin("must be 6 to 12 digits"));
    }
    if !digits.iter().all(u8::is_ascii_digit) {
        return Err(StaffError::InvalidPin("must hold digits only"));
    }
    let steps: Vec<i16> = digits
        .windows(2)
        .map(|w| i16::from(w[1]) - i16::from(w[0]))
        .collect();
    if steps.iter().all(|&s| s == 0) {
        return Err(StaffError::InvalidPin("must not be one digit repeated"));
    }
    if steps.iter().all(|&s| s == 1) || steps.iter().all(|&s| s == -1) {
        return Err(StaffError::InvalidPin("must not be a straight run"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pin(s: &str) -> Secret {
        Secret::new(s)
    }

    #[test]
    fn pin_rules() {
        for ok in ["480193", "135792468024", "112233"] {
            check_pin(&pin(ok)).unwrap();
        }
        for (bad, rule) in [
            ("48019", "6 to 12"),
            ("4801934801934", "6 to 12"),
            ("48019a", "digits only"),
            ("４８０１９３", "6 to 12"),
            ("777777", "repeated"),
            ("123456", "straight run"),
            ("987654", "straight run"),
            ("", "6 to 12"),
        ] {
            let err = check_pin(&pin(bad)).unwrap_err().to_string();
            assert!(err.contains(rule), "{bad}: {err}");
            if !bad.is_empty() {
                assert!(!err.contains(bad), "the PIN leaked: {err}");
            }
        }
    }

    #[test]
    fn name_rules() {
        for ok in ["li.wei", "tech-1", "张三", "a"] {
            check_name(ok).unwrap();
        }
        for bad in ["", "a b", "x/y", "cli", &"n".repeat(33), "tab\t"] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn debug_of_an_account_has_no_hash() {
        let dir = tempfile::tempdir().unwrap();
        let mut accounts = Accounts::load(&dir.path().join("staff.json")).unwrap();
        accounts
            .add("ana", Role::Staff, &pin("480193"), SystemTime::now())
            .unwrap();
        let debug = format!("{accounts:?}");
        assert!(!debug.contains("argon2"), "{debug}");
        assert!(debug.contains("ana"), "{debug}");
    }
}
