//! What the staff screens are shown: plain data, serialized as they read it.

use facekiosk_staff::{Action, Role, StaffSession, Suspension};
use serde::Serialize;

/// Who is in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StaffView {
    pub account: String,
    pub role: Role,
}

impl StaffView {
    pub(crate) fn of(session: &StaffSession) -> StaffView {
        StaffView {
            account: session.account().to_owned(),
            role: session.role(),
        }
    }
}

/// The kiosk is out of service: the message for patients, since when, set by whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SuspensionView {
    pub zh_cn: String,
    pub en: String,
    /// RFC 3339, UTC.
    pub since: String,
    pub by: String,
}

impl From<Suspension> for SuspensionView {
    fn from(s: Suspension) -> Self {
        SuspensionView {
            zh_cn: s.message.zh_cn().to_owned(),
            en: s.message.en().to_owned(),
            since: s.since,
            by: s.by,
        }
    }
}

/// One line of the audit trail: when, who, what (`kind`, the trail's own name for it) and
/// the particulars (a setting's old and new value, a message, dates).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AuditLine {
    pub at: String,
    pub account: String,
    pub kind: String,
    pub detail: Option<String>,
}

impl From<facekiosk_staff::Entry> for AuditLine {
    fn from(e: facekiosk_staff::Entry) -> Self {
        let (kind, detail) = describe(&e.action);
        AuditLine {
            at: e.at,
            account: e.account,
            kind: kind.to_owned(),
            detail,
        }
    }
}

fn describe(action: &Action) -> (&'static str, Option<String>) {
    match action {
        Action::EntryGranted => ("entry_granted", None),
        Action::EntryRefused { locked } => {
            ("entry_refused", locked.then(|| "while locked".to_owned()))
        }
        Action::SettingChanged(change) => (
            "setting_changed",
            Some(match change.values() {
                Some((old, new)) => format!("{}: {old} → {new}", change.field()),
                None => format!("{} (secret, value not recorded)", change.field()),
            }),
        ),
        Action::Suspended { message } => ("suspended", Some(message.en().to_owned())),
        Action::Resumed => ("resumed", None),
        Action::PatientForgotten => ("patient_forgotten", None),
        Action::ReceiptsExported { from, to } => {
            ("receipts_exported", Some(format!("{from} – {to}")))
        }
        Action::BundleWritten => ("bundle_written", None),
        Action::AuditExported => ("audit_exported", None),
        Action::AccountAdded { name, role } => {
            ("account_added", Some(format!("{name} ({})", role.as_str())))
        }
        Action::PinReset { name } => ("pin_reset", Some(name.clone())),
        Action::AccountRemoved { name } => ("account_removed", Some(name.clone())),
    }
}
