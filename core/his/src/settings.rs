//! `[his]`: which hospital system the kiosk hands verified patients to, and how it is reached.
//! The configuration file (`facekiosk-config`) builds these and checks every field; tests and
//! the demo may build them by hand.

use std::path::PathBuf;
use std::time::Duration;

/// Everything `[his]` says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HisSettings {
    pub adapter: AdapterSettings,
    /// How many of the patient number's last characters the screens show; `None`: all of it
    /// (the default: the patient copies it at the window).
    pub patient_number_visible: Option<usize>,
    pub connection: Connection,
}

impl HisSettings {
    /// No hospital system: the kiosk's own registry.
    pub fn local() -> HisSettings {
        HisSettings {
            adapter: AdapterSettings::Local,
            patient_number_visible: None,
            connection: Connection::default(),
        }
    }

    /// The adapter's name as `[his] adapter` spells it.
    pub fn adapter_name(&self) -> &'static str {
        match self.adapter {
            AdapterSettings::Local => "local",
            AdapterSettings::Fhir(_) => "fhir",
            AdapterSettings::Wst846(_) => "wst846",
            AdapterSettings::Http(_) => "http",
        }
    }
}

impl Default for HisSettings {
    fn default() -> Self {
        HisSettings::local()
    }
}

/// `[his] adapter` and its own fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdapterSettings {
    Local,
    Fhir(FhirSettings),
    // Boxed: by far the largest, and settings are read once.
    Wst846(Box<Wst846Settings>),
    Http(VendorSettings),
}

/// How every adapter reaches its system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    /// `connect_timeout_ms`.
    pub connect_timeout: Duration,
    /// `request_timeout_ms`: one request; the session's `hand_over_timeout_secs` bounds all.
    pub request_timeout: Duration,
    /// `retries`: more tries of a call that is safe to repeat (a query), after a connection
    /// failure, a timeout or a 502/503/504.
    pub retries: u32,
    pub auth: Auth,
    /// `ca_file`: a PEM bundle of the CA that signs the hospital's server certificate, when it
    /// is not one the system trusts.
    pub ca_file: Option<PathBuf>,
}

impl Default for Connection {
    fn default() -> Self {
        Connection {
            connect_timeout: Duration::from_secs(3),
            request_timeout: Duration::from_secs(8),
            retries: 1,
            auth: Auth::None,
            ca_file: None,
        }
    }
}

/// How the kiosk proves itself to the hospital's system. Secrets only from files that only
/// their owner may read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    None,
    /// `bearer_token_file`: `Authorization: Bearer <the file's one line>`.
    Bearer {
        token_file: PathBuf,
    },
    /// `client_certificate` and `client_key` (PEM): mutual TLS.
    ClientCertificate {
        certificate: PathBuf,
        key: PathBuf,
    },
}

/// `adapter = "fhir"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FhirSettings {
    /// `base_url`: the FHIR server's base (`.../fhir`), no trailing slash.
    pub base_url: String,
    /// `identifier_system`: the system of the ID number's identifier.
    pub identifier_system: String,
    /// `patient_number_system`: the identifier system of the hospital's patient number on the
    /// returned Patient; `None`: the resource id is the number.
    pub patient_number_system: Option<String>,
}

/// The OID of a resident ID number in the hospital platform's standard (and the FHIR
/// adapter's default identifier system, as `urn:oid:`).
pub const RESIDENT_ID_OID: &str = "2.16.156.10011.1.3";

impl FhirSettings {
    pub const DEFAULT_IDENTIFIER_SYSTEM: &str = "urn:oid:2.16.156.10011.1.3";
}

/// SOAP 1.1 or 1.2: both are found in hospitals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SoapVersion {
    V1_1,
    V1_2,
}

/// `adapter = "wst846"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wst846Settings {
    /// `url`: the platform's web service endpoint.
    pub url: String,
    pub soap_version: SoapVersion,
    /// `sender_id`: this kiosk's device id in the message header.
    pub sender_id: String,
    /// `receiver_id`: the platform's device id in the message header.
    pub receiver_id: String,
    /// `organization_code`: the hospital's 18-character organisation code.
    pub organization_code: String,
    pub organization_name: String,
    /// `register`: whether the kiosk registers a patient the platform does not know.
    pub register: bool,
    /// `patient_number_prefix`: what the patient numbers this kiosk mints start with (its
    /// namespace, agreed with the hospital), e.g. `ZZJ01-`.
    pub patient_number_prefix: String,
    pub oids: Wst846Oids,
    /// What the kiosk sends for the coded facts it does not collect, as agreed with the
    /// hospital (the registration's schema demands a code for each); HL7's `nullFlavor="UNK"`
    /// for those not agreed.
    pub agreed: AgreedCodes,
    /// `birth_date_required`: the platform refuses a registration without a date of birth,
    /// so a patient whose document gives none (a passport) is not sent: the window registers
    /// them. Otherwise the birth date is sent as `nullFlavor="UNK"`.
    pub birth_date_required: bool,
}

/// A code and its display name, as the platform's code table has them (`"90 其他"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreedCode {
    pub code: String,
    pub name: String,
}

/// `agreed_ethnic_group`, `agreed_occupation`, `agreed_relationship`,
/// `agreed_insurance_type`: each sent for every patient, whatever is true of them, so a
/// hospital agrees them only where its platform refuses "not known".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AgreedCodes {
    pub ethnic_group: Option<AgreedCode>,
    pub occupation: Option<AgreedCode>,
    pub relationship: Option<AgreedCode>,
    pub insurance_type: Option<AgreedCode>,
}

/// The OIDs of the messages, the standard's (2020 evaluation dialect) by default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wst846Oids {
    /// `message_id_root`: the message id.
    pub message_id: String,
    /// `interaction_id_root`.
    pub interaction_id: String,
    /// `device_id_root`: the sender's and receiver's ids.
    pub device_id: String,
    /// `patient_id_root`: the hospital's patient number (本地患者ID).
    pub patient_id: String,
    /// `id_number_root`: the ID document's number.
    pub id_number: String,
    /// `organization_id_root`: the organisation code.
    pub organization_id: String,
    /// `author_id_root`: the registering person (the kiosk, as the author).
    pub author_id: String,
}

impl Default for Wst846Oids {
    fn default() -> Self {
        Wst846Oids {
            message_id: "2.16.156.10011.2.5.1.1".into(),
            interaction_id: "2.16.156.10011.2.5.1.2".into(),
            device_id: "2.16.156.10011.2.5.1.3".into(),
            patient_id: "2.16.156.10011.2.5.1.4".into(),
            id_number: RESIDENT_ID_OID.into(),
            organization_id: "2.16.156.10011.1.5".into(),
            author_id: "2.16.156.10011.1.4".into(),
        }
    }
}

/// `adapter = "http"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendorSettings {
    /// `url`: the one endpoint.
    pub url: String,
    /// `profile`: the site profile file (how our fields become theirs).
    pub profile: PathBuf,
}
