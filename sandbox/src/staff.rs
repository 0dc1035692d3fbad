//! The demo's staff accounts, so that whoever tries the demo can try the staff mode too. A
//! hospital's kiosk has none until a technician makes one with `facekiosk-cli staff add` on
//! the machine; these exist only in the demo's own data dir, made when it has none.

use std::path::Path;
use std::time::SystemTime;

use facekiosk_pii::Secret;
use facekiosk_staff::{Accounts, Role, StaffError, StaffFiles};

/// The demo's hospital staff account and its PIN (the README's demo section names both).
pub const STAFF: (&str, &str) = ("demo-staff", "246810");
/// The demo's technician account and its PIN.
pub const TECHNICIAN: (&str, &str) = ("demo-technician", "135790");

/// Makes the two demo accounts beside the demo's configuration, unless accounts exist there.
pub fn seed_accounts(config: &Path) -> Result<(), StaffError> {
    let files = StaffFiles::beside(config);
    let mut accounts = Accounts::load(&files.accounts())?;
    if !accounts.is_empty() {
        return Ok(());
    }
    let now = SystemTime::now();
    accounts.add(STAFF.0, Role::Staff, &Secret::new(STAFF.1), now)?;
    accounts.add(
        TECHNICIAN.0,
        Role::Technician,
        &Secret::new(TECHNICIAN.1),
        now,
    )
}
