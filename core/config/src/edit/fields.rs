//! The settings staff may change at the kiosk. Key material, passwords, tokens and the paths
//! to such files are left out on purpose: they are a technician's, with the files at hand.

/// Who may change a field (the staff crate maps roles to these).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldGroup {
    Kiosk,
    Merchant,
    Terminal,
    Hospital,
}

impl FieldGroup {
    /// The group's name in lower case, as the screens and the staff crate spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Kiosk => "kiosk",
            Self::Merchant => "merchant",
            Self::Terminal => "terminal",
            Self::Hospital => "hospital",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// Written as a TOML string.
    Text,
    /// Written as a TOML integer.
    Integer,
    /// Written as a TOML float.
    Number,
    /// One of these words; written as a string, except [`BOOLEAN`], written as true or false
    /// (the reader takes a TOML boolean there, and a switch is a choice of two on a screen).
    Choice(&'static [&'static str]),
}

/// The choice of a switch.
pub const BOOLEAN: &[&str] = &["true", "false"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    /// Its dotted name in the file, `section.field`.
    pub key: &'static str,
    pub group: FieldGroup,
    pub kind: FieldKind,
}

const fn f(key: &'static str, group: FieldGroup, kind: FieldKind) -> FieldSpec {
    FieldSpec { key, group, kind }
}

use FieldGroup::{Hospital, Kiosk, Merchant, Terminal};
use FieldKind::{Choice, Integer, Number, Text};

/// Every field staff may edit, in the order the settings screen shows them.
pub const FIELDS: &[FieldSpec] = &[
    f("merchant.appid", Merchant, Text),
    f("merchant.mch_id", Merchant, Text),
    f("merchant.sub_appid", Merchant, Text),
    f("merchant.sub_mch_id", Merchant, Text),
    f("store.store_id", Merchant, Text),
    f("store.store_name", Merchant, Text),
    f("device.device_id", Merchant, Text),
    // What InfoType::parse accepts.
    f(
        "facemch.info_type",
        Merchant,
        Choice(&["ASK_REAL_NAME", "ASK_UNIONID", "ASK_REAL_NAME_TEL"]),
    ),
    f("kiosk.language", Kiosk, Choice(&["zh-CN", "en"])),
    f("kiosk.elder_mode", Kiosk, Choice(BOOLEAN)),
    f("kiosk.idle_timeout_secs", Kiosk, Integer),
    f("kiosk.warning_secs", Kiosk, Integer),
    f("kiosk.result_timeout_secs", Kiosk, Integer),
    f("kiosk.hand_over_timeout_secs", Kiosk, Integer),
    f("kiosk.receipt_retention_days", Kiosk, Integer),
    f("kiosk.elder_time_factor", Kiosk, Number),
    f("kiosk.consent_dir", Kiosk, Text),
    f("terminal.serial", Terminal, Text),
    f("terminal.face_scan_timeout_secs", Terminal, Integer),
    f("terminal.confirm_timeout_secs", Terminal, Integer),
    f("terminal.call_timeout_secs", Terminal, Integer),
    // The face app's init options; its proxy password is a file, never typed at the kiosk.
    f(
        "terminal.face_app.perform_mode",
        Terminal,
        Choice(&["normal", "low"]),
    ),
    f("terminal.face_app.screen_index", Terminal, Integer),
    f("terminal.face_app.overlay_option", Terminal, Integer),
    f("terminal.face_app.proxy_host", Terminal, Text),
    f("terminal.face_app.proxy_port", Terminal, Integer),
    f(
        "terminal.face_app.proxy_type",
        Terminal,
        Choice(&["http_tunnel", "socks5", "http"]),
    ),
    f("terminal.face_app.proxy_tcp_port", Terminal, Integer),
    f("terminal.face_app.proxy_user", Terminal, Text),
    f("his.base_url", Hospital, Text),
    f("his.url", Hospital, Text),
    f("his.identifier_system", Hospital, Text),
    f("his.patient_number_system", Hospital, Text),
    f("his.soap_version", Hospital, Choice(&["1.1", "1.2"])),
    f("his.sender_id", Hospital, Text),
    f("his.receiver_id", Hospital, Text),
    f("his.organization_code", Hospital, Text),
    f("his.organization_name", Hospital, Text),
    f("his.register", Hospital, Choice(BOOLEAN)),
    f("his.patient_number_prefix", Hospital, Text),
    f("his.birth_date_required", Hospital, Choice(BOOLEAN)),
    f("his.agreed_ethnic_group", Hospital, Text),
    f("his.agreed_occupation", Hospital, Text),
    f("his.agreed_relationship", Hospital, Text),
    f("his.agreed_insurance_type", Hospital, Text),
    f("his.message_id_root", Hospital, Text),
    f("his.interaction_id_root", Hospital, Text),
    f("his.device_id_root", Hospital, Text),
    f("his.patient_id_root", Hospital, Text),
    f("his.id_number_root", Hospital, Text),
    f("his.organization_id_root", Hospital, Text),
    f("his.author_id_root", Hospital, Text),
    f("his.patient_number_visible", Hospital, Integer),
    f("his.connect_timeout_ms", Hospital, Integer),
    f("his.request_timeout_ms", Hospital, Integer),
    f("his.retries", Hospital, Integer),
];

pub fn field(key: &str) -> Option<&'static FieldSpec> {
    FIELDS.iter().find(|f| f.key == key)
}

/// The `[his]` fields only one adapter reads (his.rs); the others every adapter reads. A
/// field of another adapter is an error in the file, so the screen shows only the file's own.
const ADAPTER_FIELDS: &[(&str, &[&str])] = &[
    (
        "fhir",
        &[
            "his.base_url",
            "his.identifier_system",
            "his.patient_number_system",
        ],
    ),
    ("http", &["his.url"]),
    (
        "wst846",
        &[
            "his.url",
            "his.soap_version",
            "his.sender_id",
            "his.receiver_id",
            "his.organization_code",
            "his.organization_name",
            "his.register",
            "his.patient_number_prefix",
            "his.birth_date_required",
            "his.agreed_ethnic_group",
            "his.agreed_occupation",
            "his.agreed_relationship",
            "his.agreed_insurance_type",
            "his.message_id_root",
            "his.interaction_id_root",
            "his.device_id_root",
            "his.patient_id_root",
            "his.id_number_root",
            "his.organization_id_root",
            "his.author_id_root",
        ],
    ),
];

/// Whether a file whose `his.adapter` is `adapter` reads `key`.
pub(super) fn read_by(key: &str, adapter: &str) -> bool {
    let own = |keys: &[&str]| keys.contains(&key);
    ADAPTER_FIELDS.iter().all(|(_, keys)| !own(keys))
        || ADAPTER_FIELDS
            .iter()
            .any(|(a, keys)| *a == adapter && own(keys))
}
