//! A staff session: who is signed in, what their role allows, and the inactivity timeout
//! (60 s) after which the staff mode leaves itself. Times are passed in (`now`) so the kiosk
//! drives it from its own clock and the tests need no sleeping.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// The staff mode leaves itself after this long without a touch.
pub const INACTIVITY: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Staff,
    Technician,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Staff => "staff",
            Role::Technician => "technician",
        }
    }

    /// The crate documentation's table, as code.
    pub fn may(self, permission: Permission) -> bool {
        match permission {
            Permission::Suspend
            | Permission::ChangeKioskSettings
            | Permission::ChangeMerchantSettings
            | Permission::ForgetPatient
            | Permission::ExportReceipts
            | Permission::ReadAudit => true,
            Permission::ChangeTerminalSettings | Permission::Diagnostics => {
                self == Role::Technician
            }
        }
    }
}

/// What a staff session may do; [`Role::may`] says who.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Take the kiosk out of service and put it back.
    Suspend,
    /// Consent texts, timeouts, language.
    ChangeKioskSettings,
    /// The merchant, store and device ids: who this kiosk is to WeChat.
    ChangeMerchantSettings,
    /// The face terminal and the hospital hand-off: how the kiosk reaches its parts.
    ChangeTerminalSettings,
    /// Terminal link, SDK and WeChat checks, the log, the support bundle.
    Diagnostics,
    ForgetPatient,
    ExportReceipts,
    /// Read and export the audit trail.
    ReadAudit,
}

#[derive(Debug)]
pub struct StaffSession {
    account: String,
    role: Role,
    last_touch: Instant,
}

impl StaffSession {
    pub fn start(account: &str, role: Role, now: Instant) -> Self {
        Self {
            account: account.to_string(),
            role,
            last_touch: now,
        }
    }

    pub fn account(&self) -> &str {
        &self.account
    }

    pub fn role(&self) -> Role {
        self.role
    }

    /// Any action of the signed-in person keeps the session open.
    pub fn touch(&mut self, now: Instant) {
        self.last_touch = self.last_touch.max(now);
    }

    pub fn expired(&self, now: Instant) -> bool {
        now.saturating_duration_since(self.last_touch) >= INACTIVITY
    }

    /// `true` when the session is open and its role allows `permission`: the one check every
    /// staff command makes.
    pub fn may(&self, permission: Permission, now: Instant) -> bool {
        !self.expired(now) && self.role.may(permission)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_ends_after_a_minute_without_a_touch() {
        let t0 = Instant::now();
        let mut session = StaffSession::start("ana", Role::Staff, t0);
        assert!(!session.expired(t0 + Duration::from_secs(59)));
        session.touch(t0 + Duration::from_secs(59));
        assert!(!session.expired(t0 + Duration::from_secs(118)));
        assert!(session.expired(t0 + Duration::from_secs(119)));
        assert!(!session.may(Permission::Suspend, t0 + Duration::from_secs(119)));
        assert_eq!(session.account(), "ana");
    }

    #[test]
    fn an_earlier_touch_does_not_shorten_the_session() {
        let t0 = Instant::now();
        let mut session = StaffSession::start("ana", Role::Staff, t0 + Duration::from_secs(30));
        session.touch(t0);
        assert!(!session.expired(t0 + Duration::from_secs(89)));
    }

    #[test]
    fn only_a_technician_sees_diagnostics_and_changes_how_the_parts_are_reached() {
        let t0 = Instant::now();
        let staff = StaffSession::start("ana", Role::Staff, t0);
        let tech = StaffSession::start("bo", Role::Technician, t0);
        for p in [Permission::Diagnostics, Permission::ChangeTerminalSettings] {
            assert!(!staff.may(p, t0), "{p:?}");
            assert!(tech.may(p, t0), "{p:?}");
        }
        for p in [
            Permission::Suspend,
            Permission::ChangeKioskSettings,
            Permission::ChangeMerchantSettings,
            Permission::ForgetPatient,
            Permission::ExportReceipts,
            Permission::ReadAudit,
        ] {
            assert!(staff.may(p, t0) && tech.may(p, t0), "{p:?}");
        }
    }
}
