//! The site profile: how one hospital's vendor interface names our fields, codes sex and ID
//! documents, and says yes, no and "not known". A TOML file (`[his] profile`), read like the
//! configuration: every problem at once, each as `key: rule`, never a value.
//!
//! See `assets/his-profiles/` for two commented examples. The keys:
//!
//! - `format`: `"json"` or `"xml"`. Paths are keys joined by dots in JSON (`data.accountNo`),
//!   element names joined by `/` from the root in XML (`Response/PatInfo/HOSPATID`).
//! - `[trade]`: `field` (a path) or `header` (an HTTP header) for the trade code; `create`;
//!   `query` (optional); `create_is_idempotent` (the site answers a repeated create with the
//!   same patient: a create may then be sent again). A profile needs `query` or
//!   `create_is_idempotent = true`, or a retry could register the patient twice.
//! - `[fields]`: `name` and `credential_number` (required), `credential_type`, `sex`,
//!   `birth_date`, `phone` -> their paths. A create sends every mapped field the patient has;
//!   a query only the ID document (`credential_type`, `credential_number`).
//! - `[constants]`: their path = a fixed value (hospital id, terminal id), in every request.
//! - `[formats] birth_date`: `"yyyyMMdd"` or `"yyyy-MM-dd"` (required with `fields.birth_date`).
//! - `[codes.sex]`: `male`, `female`, `unknown` -> their codes (required with `fields.sex`).
//! - `[codes.credential_type]`: the standard's codes (`"01"` resident ID, `"03"` passport...)
//!   -> theirs (required with `fields.credential_type`); an unlisted document is not sent.
//! - `[answer]`: `code` (path of the result code), `success`, `not_found` (required with a
//!   query), `ambiguous` (more than one patient; optional), `number` (path of the patient
//!   number; found more than once: more than one patient), `error_code` (path of the code a
//!   refusal is reported with; default `code`).
//!
//! Codes and constants are strings or whole numbers (a whole number is sent as a JSON number);
//! result codes may also be true/false.

use std::collections::BTreeMap;
use std::fmt;

use crate::demographics::Sex;
use crate::patient::Sent;

mod read;

pub use read::parse;

/// Named in every error of this adapter.
pub const SYSTEM: &str = "vendor HIS";

/// One broken rule of the profile: its key and the rule, never the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub key: String,
    pub rule: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.key, self.rule)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
}

/// A place in their message: keys of nested JSON objects (`data.accountNo`), or elements from
/// the root down (`Response/PatInfo/HOSPATID`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TheirPath {
    pub segments: Vec<String>,
    /// As the profile spells it, for errors.
    pub text: String,
}

impl TheirPath {
    fn parse(format: Format, text: &str) -> Result<TheirPath, &'static str> {
        let (separator, rule) = match format {
            Format::Json => ('.', "must be keys joined by dots, e.g. data.accountNo"),
            Format::Xml => (
                '/',
                "must be element names joined by '/', from the root, e.g. Response/PatInfo/HOSPATID",
            ),
        };
        let segments: Vec<String> = text.split(separator).map(str::to_owned).collect();
        let ok = !text.is_empty()
            && segments.len() <= 16
            && segments.iter().all(|s| match format {
                Format::Json => !s.is_empty() && !s.chars().any(char::is_control),
                Format::Xml => xml_name(s),
            });
        if !ok {
            return Err(rule);
        }
        if format == Format::Xml && segments.len() < 2 {
            return Err("must name the root element and at least one element inside it");
        }
        Ok(TheirPath {
            segments,
            text: text.to_owned(),
        })
    }

    /// Whether writing both would collide (the same place, or one inside the other's value).
    fn overlaps(&self, other: &TheirPath) -> bool {
        let n = self.segments.len().min(other.segments.len());
        self.segments[..n] == other.segments[..n]
    }
}

/// An XML element name we can write and match (no namespace prefixes: vendor payloads have
/// none).
fn xml_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// A value the profile fixes (a code, a constant): text, or a number in JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scalar {
    pub text: String,
    /// Written as a JSON number (the profile gave an integer).
    pub number: bool,
}

/// Where the trade (function) code goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TradePlace {
    /// A field of the payload.
    Field(TheirPath),
    /// An HTTP header.
    Header(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trades {
    pub place: TradePlace,
    /// Finds a patient by their ID document; `None`: the site has no query, and answers its
    /// create idempotently.
    pub query: Option<String>,
    pub create: String,
    /// The site answers a second create of the same patient with the first one's number: a
    /// create may then be sent again after a timeout.
    pub create_is_idempotent: bool,
}

/// Our fields, as the profile may map them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Ours {
    Name,
    CredentialType,
    CredentialNumber,
    Sex,
    BirthDate,
    Phone,
}

impl Ours {
    const ALL: [Ours; 6] = [
        Ours::Name,
        Ours::CredentialType,
        Ours::CredentialNumber,
        Ours::Sex,
        Ours::BirthDate,
        Ours::Phone,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Ours::Name => "name",
            Ours::CredentialType => "credential_type",
            Ours::CredentialNumber => "credential_number",
            Ours::Sex => "sex",
            Ours::BirthDate => "birth_date",
            Ours::Phone => "phone",
        }
    }

    fn sent(self) -> Sent {
        match self {
            Ours::Name => Sent::Name,
            Ours::CredentialType | Ours::CredentialNumber => Sent::Credential,
            Ours::Sex => Sent::Sex,
            Ours::BirthDate => Sent::BirthDate,
            Ours::Phone => Sent::Phone,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateFormat {
    /// `yyyyMMdd`
    Compact,
    /// `yyyy-MM-dd`
    Iso,
}

/// What their answers look like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerRules {
    /// Their result code.
    pub code: TheirPath,
    pub success: Vec<String>,
    /// A query's "no such patient".
    pub not_found: Vec<String>,
    /// "More than one patient has this ID document".
    pub ambiguous: Vec<String>,
    /// The patient number in a success answer. Found more than once: more than one patient.
    pub number: TheirPath,
    /// The code a refusal is reported with (their error code when it is not the result code).
    pub error_code: TheirPath,
}

/// A valid site profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub format: Format,
    pub trades: Trades,
    /// Our fields, in [`Ours`] order, and where each goes.
    pub fields: BTreeMap<Ours, TheirPath>,
    pub constants: Vec<(TheirPath, Scalar)>,
    pub birth_date: Option<DateFormat>,
    /// Their codes for unknown, male, female.
    pub sex_codes: Option<SexCodes>,
    /// The standard's credential type code (01, 03...) to theirs.
    pub credential_codes: BTreeMap<String, Scalar>,
    pub answer: AnswerRules,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SexCodes {
    pub male: Scalar,
    pub female: Scalar,
    pub unknown: Scalar,
}

impl SexCodes {
    pub fn of(&self, sex: Sex) -> &Scalar {
        match sex {
            Sex::Male => &self.male,
            Sex::Female => &self.female,
            Sex::Unknown => &self.unknown,
        }
    }
}

impl Profile {
    /// What the requests carry: exactly the fields the profile maps.
    pub fn sends(&self) -> Vec<Sent> {
        let mut sent: Vec<Sent> = self.fields.keys().map(|o| o.sent()).collect();
        sent.sort();
        sent.dedup();
        sent
    }
}
