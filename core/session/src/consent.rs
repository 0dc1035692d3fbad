//! The consent texts: one version, one file per language, each shown exactly as written and
//! identified by its SHA-256, which the consent receipt records. Each names what WeChat Pay
//! hands over (`fetches`), and the kiosk fetches exactly that; and what the kiosk sends the
//! hospital's registration system (`sends`), and the `[his]` adapter sends nothing else (an
//! empty `sends`: nothing leaves the kiosk, for the local registry only).

use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::view::{ConsentDocument, ConsentSection, Language};
use crate::code::written_code;
use facekiosk_his::Sent;
use facekiosk_wxpay::InfoType;

/// The built-in texts for a kiosk that hands patients to the hospital's system
/// (`assets/consent/<version>/`; older versions stay there for the receipts that name them).
const BUILTIN_HOSPITAL: [(Language, &str); 2] = [
    (
        Language::ZhCn,
        include_str!("../../../assets/consent/2026-12-02/hospital/zh-CN.toml"),
    ),
    (
        Language::En,
        include_str!("../../../assets/consent/2026-12-02/hospital/en.toml"),
    ),
];

/// The built-in texts for a kiosk with the local registry: nothing leaves it.
const BUILTIN_KIOSK_ONLY: [(Language, &str); 2] = [
    (
        Language::ZhCn,
        include_str!("../../../assets/consent/2026-12-02/kiosk-only/zh-CN.toml"),
    ),
    (
        Language::En,
        include_str!("../../../assets/consent/2026-12-02/kiosk-only/en.toml"),
    ),
];

/// Where a verified patient goes, for the check of what the texts say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Destination<'a> {
    /// The kiosk's own registry (`[his] adapter = "local"`): nothing leaves the kiosk.
    KioskOnly,
    /// The hospital's system through `adapter`, which sends `sends` (of what is fetched).
    Hospital {
        adapter: &'static str,
        sends: &'a [Sent],
    },
}

/// One kind of personal data the patient's consent covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fetched {
    Name,
    /// The ID document's type and number.
    Credential,
    Phone,
}

impl Fetched {
    pub fn as_str(self) -> &'static str {
        match self {
            Fetched::Name => "name",
            Fetched::Credential => "credential",
            Fetched::Phone => "phone",
        }
    }

    /// What the facemch query hands over for `info_type`, in order.
    pub fn by(info_type: InfoType) -> &'static [Fetched] {
        match info_type {
            InfoType::AskRealName => &[Fetched::Name, Fetched::Credential],
            InfoType::AskRealNameTel => &[Fetched::Name, Fetched::Credential, Fetched::Phone],
            // Not personal data the texts could name: the kiosk refuses this type anyway.
            InfoType::AskUnionid => &[],
        }
    }
}

fn listed(fetches: &[Fetched]) -> String {
    let names: Vec<&str> = fetches.iter().map(|f| f.as_str()).collect();
    format!("[{}]", names.join(", "))
}

fn listed_sends(sends: &[Sent]) -> String {
    let names: Vec<&str> = sends.iter().map(|f| f.as_str()).collect();
    format!("[{}]", names.join(", "))
}

/// What an adapter that can send `sends` actually sends when `fetched` is what WeChat hands
/// over: a phone number only when it is fetched; sex and date of birth come with the credential.
fn sent_of(sends: &[Sent], fetched: &[Fetched]) -> Vec<Sent> {
    let mut sent: Vec<Sent> = sends
        .iter()
        .copied()
        .filter(|s| match s {
            Sent::Phone => fetched.contains(&Fetched::Phone),
            Sent::Name => fetched.contains(&Fetched::Name),
            Sent::Credential | Sent::Sex | Sent::BirthDate => {
                fetched.contains(&Fetched::Credential)
            }
        })
        .collect();
    sent.sort_unstable();
    sent.dedup();
    sent
}

/// The consent text of every language, all of one version, naming the same data.
#[derive(Debug, Clone)]
pub struct ConsentLibrary {
    documents: Vec<ConsentDocument>,
    /// Sorted, without repeats.
    fetches: Vec<Fetched>,
    /// Sorted, without repeats.
    sends: Vec<Sent>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConsentError {
    #[error("consent text {file}: {problem}")]
    Invalid { file: String, problem: String },
    #[error("consent texts: {0}")]
    Inconsistent(String),
    #[error(
        "facemch.info_type {info_type} fetches {fetched}, but the consent texts (version {version}) name {named} in `fetches`: the patient must be told exactly what is fetched; change facemch.info_type, or set kiosk.consent_dir to texts that say it"
    )]
    NotWhatIsFetched {
        info_type: &'static str,
        version: String,
        fetched: String,
        named: String,
    },
    #[error(
        "[his] adapter {adapter} sends the hospital's system {sent}, but the consent texts (version {version}) name {named} in `sends`: the patient must be told what goes where; set kiosk.consent_dir to texts that say it, or send less"
    )]
    NotWhatIsSent {
        adapter: &'static str,
        version: String,
        sent: String,
        named: String,
    },
    #[error(
        "the consent texts (version {version}) tell the patient their details go to the hospital's system ({named} in `sends`), but [his] adapter is local: nothing leaves the kiosk; use texts with `sends = []` (the built-in ones do), or configure the hospital's adapter"
    )]
    SendsNowhere { version: String, named: String },
}

impl ConsentError {
    /// The code staff see on the screen that says why the kiosk did not start.
    pub fn code(&self) -> ConsentErrorCode {
        match self {
            ConsentError::Invalid { .. } | ConsentError::Inconsistent(_) => {
                ConsentErrorCode::ConsentTextInvalid
            }
            ConsentError::NotWhatIsFetched { .. }
            | ConsentError::NotWhatIsSent { .. }
            | ConsentError::SendsNowhere { .. } => ConsentErrorCode::ConsentMismatch,
        }
    }
}

/// Why the consent texts keep the kiosk from starting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ConsentErrorCode {
    /// A text does not read, or the languages disagree (version, `fetches`).
    ConsentTextInvalid,
    /// `facemch.info_type` fetches something else than the texts name, or the `[his]` adapter
    /// sends something they do not name.
    ConsentMismatch,
}

written_code!(ConsentErrorCode);

/// One parsed consent file.
#[derive(Debug, Clone)]
pub struct ConsentText {
    pub document: ConsentDocument,
    /// Sorted, without repeats.
    pub fetches: Vec<Fetched>,
    /// Sorted, without repeats.
    pub sends: Vec<Sent>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConsentFile {
    version: String,
    fetches: Vec<Fetched>,
    sends: Option<Vec<Sent>>,
    title: String,
    section: Vec<ConsentSection>,
}

impl ConsentLibrary {
    /// The texts a kiosk shows: the hospital's from `consent_dir`, else the built-in ones for
    /// `destination`; refused unless they name exactly what `info_type` fetches, and every
    /// thing the adapter sends of it (nothing, for the local registry).
    pub fn for_kiosk(
        consent_dir: Option<&Path>,
        info_type: InfoType,
        destination: Destination<'_>,
    ) -> Result<ConsentLibrary, ConsentError> {
        let library = match consent_dir {
            Some(dir) => ConsentLibrary::load(dir)?,
            None => ConsentLibrary::builtin(destination),
        };
        let fetched = Fetched::by(info_type);
        if library.fetches != fetched {
            return Err(ConsentError::NotWhatIsFetched {
                info_type: info_type.as_str(),
                version: library.version().to_owned(),
                fetched: listed(fetched),
                named: listed(&library.fetches),
            });
        }
        match destination {
            Destination::KioskOnly if !library.sends.is_empty() => {
                return Err(ConsentError::SendsNowhere {
                    version: library.version().to_owned(),
                    named: listed_sends(&library.sends),
                });
            }
            Destination::KioskOnly => {}
            Destination::Hospital { adapter, sends } => {
                let sent = sent_of(sends, fetched);
                // Texts that say nothing leaves the kiosk are untrue of any adapter; texts
                // that name less than is sent are untrue of this one.
                if library.sends.is_empty() || sent.iter().any(|s| !library.sends.contains(s)) {
                    return Err(ConsentError::NotWhatIsSent {
                        adapter,
                        version: library.version().to_owned(),
                        sent: listed_sends(&sent),
                        named: listed_sends(&library.sends),
                    });
                }
            }
        }
        Ok(library)
    }

    /// The texts that ship with the kiosk, for where its patients go.
    pub fn builtin(destination: Destination<'_>) -> ConsentLibrary {
        let builtin = match destination {
            Destination::KioskOnly => &BUILTIN_KIOSK_ONLY,
            Destination::Hospital { .. } => &BUILTIN_HOSPITAL,
        };
        let texts = builtin
            .iter()
            .map(|(language, text)| parse(*language, text, &format!("{}.toml", language.tag())))
            .collect::<Result<Vec<_>, _>>();
        // The built-in texts are checked by this crate's tests; failing here is a build defect.
        ConsentLibrary::new(texts.expect("built-in consent texts parse"))
            .expect("built-in consent texts agree")
    }

    /// The hospital's own texts: `<dir>/zh-CN.toml` and `<dir>/en.toml`.
    pub fn load(dir: &Path) -> Result<ConsentLibrary, ConsentError> {
        let mut texts = Vec::new();
        for language in Language::ALL {
            let file = dir.join(format!("{}.toml", language.tag()));
            let name = file.display().to_string();
            let text = std::fs::read_to_string(&file).map_err(|e| ConsentError::Invalid {
                file: name.clone(),
                problem: e.to_string(),
            })?;
            texts.push(parse(language, &text, &name)?);
        }
        ConsentLibrary::new(texts)
    }

    fn new(texts: Vec<ConsentText>) -> Result<ConsentLibrary, ConsentError> {
        let versions: Vec<&str> = texts.iter().map(|t| t.document.version.as_str()).collect();
        if versions.windows(2).any(|w| w[0] != w[1]) {
            return Err(ConsentError::Inconsistent(format!(
                "every language must have the same version, found {}",
                versions.join(", ")
            )));
        }
        if texts.windows(2).any(|w| w[0].sends != w[1].sends) {
            let each: Vec<String> = texts
                .iter()
                .map(|t| format!("{} {}", t.document.language.tag(), listed_sends(&t.sends)))
                .collect();
            return Err(ConsentError::Inconsistent(format!(
                "every language must name the same `sends`, found {}",
                each.join(", ")
            )));
        }
        if texts.windows(2).any(|w| w[0].fetches != w[1].fetches) {
            let each: Vec<String> = texts
                .iter()
                .map(|t| format!("{} {}", t.document.language.tag(), listed(&t.fetches)))
                .collect();
            return Err(ConsentError::Inconsistent(format!(
                "every language must name the same `fetches`, found {}",
                each.join(", ")
            )));
        }
        let fetches = texts.first().map(|t| t.fetches.clone()).unwrap_or_default();
        let sends = texts.first().map(|t| t.sends.clone()).unwrap_or_default();
        let documents = texts.into_iter().map(|t| t.document).collect();
        Ok(ConsentLibrary {
            documents,
            fetches,
            sends,
        })
    }

    /// The text in `language`.
    pub fn document(&self, language: Language) -> &ConsentDocument {
        self.documents
            .iter()
            .find(|d| d.language == language)
            .unwrap_or(&self.documents[0])
    }

    pub fn version(&self) -> &str {
        &self.documents[0].version
    }

    /// What the texts say WeChat Pay hands over.
    pub fn fetches(&self) -> &[Fetched] {
        &self.fetches
    }

    /// What the texts say goes to the hospital's system (nothing: empty).
    pub fn sends(&self) -> &[Sent] {
        &self.sends
    }
}

impl fmt::Display for ConsentLibrary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "consent {}", self.version())
    }
}

/// Reads one consent text (`file` names it in errors).
pub fn parse(language: Language, text: &str, file: &str) -> Result<ConsentText, ConsentError> {
    let invalid = |problem: String| ConsentError::Invalid {
        file: file.to_owned(),
        problem,
    };
    let parsed: ConsentFile = toml::from_str(text).map_err(|e| invalid(e.message().to_owned()))?;
    if parsed.version.trim().is_empty() || parsed.title.trim().is_empty() {
        return Err(invalid("version and title must not be empty".into()));
    }
    if parsed.fetches.is_empty() {
        return Err(invalid(
            "fetches must name what WeChat Pay hands over (name, credential, phone)".into(),
        ));
    }
    if parsed.section.is_empty() {
        return Err(invalid("needs at least one [[section]]".into()));
    }
    if let Some(i) = parsed
        .section
        .iter()
        .position(|s| s.heading.trim().is_empty() || s.body.trim().is_empty())
    {
        return Err(invalid(format!(
            "section {} has an empty heading or body",
            i + 1
        )));
    }
    let Some(mut sends) = parsed.sends else {
        return Err(invalid(
            "sends must name what the kiosk sends the hospital's system (name, credential, sex, \
             birth_date, phone), or be [] when nothing leaves the kiosk"
                .into(),
        ));
    };
    if let Some(s) = sends.iter().find(|s| {
        matches!(s, Sent::Name | Sent::Credential | Sent::Phone)
            && !parsed.fetches.iter().any(|f| f.as_str() == s.as_str())
    }) {
        return Err(invalid(format!(
            "sends names {}, which fetches does not: the kiosk cannot send what it does not receive",
            s.as_str()
        )));
    }
    sends.sort_unstable();
    sends.dedup();
    let mut fetches = parsed.fetches;
    fetches.sort_unstable();
    fetches.dedup();
    let document = ConsentDocument {
        version: parsed.version,
        language,
        sha256: hex::encode(Sha256::digest(text.as_bytes())),
        title: parsed.title,
        sections: parsed.section,
    };
    Ok(ConsentText {
        document,
        fetches,
        sends,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUILTIN: [(Language, &str); 2] = BUILTIN_HOSPITAL;
    const FHIR_SENDS: &[Sent] = &[
        Sent::Name,
        Sent::Credential,
        Sent::Sex,
        Sent::BirthDate,
        Sent::Phone,
    ];

    fn fhir() -> Destination<'static> {
        Destination::Hospital {
            adapter: "fhir",
            sends: FHIR_SENDS,
        }
    }

    #[test]
    fn builtin_texts_say_what_the_law_asks_in_both_languages() {
        for destination in [Destination::KioskOnly, fhir()] {
            let lib = ConsentLibrary::builtin(destination);
            for language in Language::ALL {
                let doc = lib.document(language);
                assert_eq!(doc.language, language);
                assert_eq!(doc.sha256.len(), 64);
                // What is fetched, where it goes, why, how long, and the alternative.
                assert!(doc.sections.len() >= 5, "{language:?}");
            }
            assert_ne!(
                lib.document(Language::ZhCn).sha256,
                lib.document(Language::En).sha256
            );
        }
        // Each kind of kiosk has its own words, and a receipt tells them apart.
        assert_ne!(
            ConsentLibrary::builtin(Destination::KioskOnly).version(),
            ConsentLibrary::builtin(fhir()).version()
        );
    }

    #[test]
    fn a_changed_text_has_another_hash() {
        let a = parse(Language::En, BUILTIN[1].1, "en").unwrap();
        let edited = BUILTIN[1].1.replacen("Why", "Why we ask", 1);
        let b = parse(Language::En, &edited, "en").unwrap();
        assert_ne!(a.document.sha256, b.document.sha256);
    }

    /// A hospital's texts in `dir`: the built-in ones with `edit` applied to each.
    fn hospital_texts(dir: &Path, edit: impl Fn(&str) -> String) {
        for (language, text) in BUILTIN {
            let file = dir.join(format!("{}.toml", language.tag()));
            std::fs::write(file, edit(text)).unwrap();
        }
    }

    const WITH_PHONE: &str = r#"fetches = ["name", "credential", "phone"]"#;
    const BUILTIN_FETCHES: &str = r#"fetches = ["name", "credential"]"#;
    const BUILTIN_SENDS: &str = r#"sends = ["name", "credential", "sex", "birth_date"]"#;

    #[test]
    fn hospital_texts_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("zh-CN.toml"), BUILTIN[0].1).unwrap();
        let err = ConsentLibrary::load(dir.path()).unwrap_err();
        assert!(err.to_string().contains("en.toml"), "{err}");
        std::fs::write(
            dir.path().join("en.toml"),
            BUILTIN[1].1.replace("2026-12-02", "2027-01-01"),
        )
        .unwrap();
        let err = ConsentLibrary::load(dir.path()).unwrap_err();
        assert!(err.to_string().contains("same version"), "{err}");
        std::fs::write(
            dir.path().join("en.toml"),
            "version = \"2026-12-02\"\nfetches = [\"name\"]\nsends = []\ntitle = \"t\"\n",
        )
        .unwrap();
        let err = ConsentLibrary::load(dir.path()).unwrap_err();
        assert!(err.to_string().contains("section"), "{err}");
    }

    #[test]
    fn fetches_is_required_and_names_only_what_wechat_hands_over() {
        let cases = [
            (BUILTIN[1].1.replace(BUILTIN_FETCHES, ""), "fetches"),
            (
                BUILTIN[1].1.replace(BUILTIN_FETCHES, "fetches = []"),
                "fetches",
            ),
            (
                BUILTIN[1]
                    .1
                    .replace(BUILTIN_FETCHES, r#"fetches = ["name", "address"]"#),
                "address",
            ),
        ];
        for (text, named) in cases {
            let err = parse(Language::En, &text, "en.toml").unwrap_err();
            assert_eq!(err.code(), "CONSENT_TEXT_INVALID");
            let message = err.to_string();
            assert!(
                message.contains("en.toml") && message.contains(named),
                "{message}"
            );
        }
        let repeated = BUILTIN[1].1.replace(
            BUILTIN_FETCHES,
            r#"fetches = ["credential", "name", "credential"]"#,
        );
        let text = parse(Language::En, &repeated, "en.toml").unwrap();
        assert_eq!(text.fetches, [Fetched::Name, Fetched::Credential]);
    }

    #[test]
    fn sends_is_required_and_names_only_what_the_kiosk_has() {
        let cases = [
            // Texts of the earlier versions said nothing of it.
            (BUILTIN[1].1.replace(BUILTIN_SENDS, ""), "sends must name"),
            (
                BUILTIN[1]
                    .1
                    .replace(BUILTIN_SENDS, r#"sends = ["name", "address"]"#),
                "address",
            ),
            // A phone number the kiosk does not fetch cannot be sent.
            (
                BUILTIN[1]
                    .1
                    .replace(BUILTIN_SENDS, r#"sends = ["name", "phone"]"#),
                "sends names phone, which fetches does not",
            ),
        ];
        for (text, named) in cases {
            let err = parse(Language::En, &text, "en.toml").unwrap_err();
            assert_eq!(err.code(), "CONSENT_TEXT_INVALID");
            let message = err.to_string();
            assert!(
                message.contains("en.toml") && message.contains(named),
                "{named:?} not in {message}"
            );
        }
    }

    #[test]
    fn the_built_in_texts_cover_exactly_the_real_name() {
        let lib = ConsentLibrary::for_kiosk(None, InfoType::AskRealName, fhir()).unwrap();
        assert_eq!(lib.fetches(), [Fetched::Name, Fetched::Credential]);

        // They say nothing of a phone number: a kiosk asking for one does not start.
        let err = ConsentLibrary::for_kiosk(None, InfoType::AskRealNameTel, fhir()).unwrap_err();
        assert_eq!(err.code(), "CONSENT_MISMATCH");
        let message = err.to_string();
        for part in [
            "facemch.info_type ASK_REAL_NAME_TEL",
            "[name, credential, phone]",
            "name [name, credential]",
            "version 2026-12-02",
            "kiosk.consent_dir",
        ] {
            assert!(message.contains(part), "{part:?} not in {message}");
        }
    }

    #[test]
    fn the_built_in_texts_are_true_of_where_the_patient_goes() {
        let local =
            ConsentLibrary::for_kiosk(None, InfoType::AskRealName, Destination::KioskOnly).unwrap();
        assert!(local.sends().is_empty());
        let hospital = ConsentLibrary::for_kiosk(None, InfoType::AskRealName, fhir()).unwrap();
        assert_eq!(
            hospital.sends(),
            [Sent::Name, Sent::Credential, Sent::Sex, Sent::BirthDate]
        );
    }

    #[test]
    fn texts_that_name_less_than_the_adapter_sends_keep_the_kiosk_closed() {
        let dir = tempfile::tempdir().unwrap();
        hospital_texts(dir.path(), |t| {
            t.replace(BUILTIN_SENDS, r#"sends = ["name", "credential"]"#)
        });
        let err =
            ConsentLibrary::for_kiosk(Some(dir.path()), InfoType::AskRealName, fhir()).unwrap_err();
        assert_eq!(err.code(), "CONSENT_MISMATCH");
        let message = err.to_string();
        for part in [
            "[his] adapter fhir",
            "sends the hospital's system [name, credential, sex, birth_date]",
            "name [name, credential] in `sends`",
        ] {
            assert!(message.contains(part), "{part:?} not in {message}");
        }
        // An adapter that sends only what they name starts.
        let vendor = Destination::Hospital {
            adapter: "http",
            sends: &[Sent::Name, Sent::Credential, Sent::Phone],
        };
        ConsentLibrary::for_kiosk(Some(dir.path()), InfoType::AskRealName, vendor).unwrap();
    }

    #[test]
    fn texts_and_adapter_must_agree_whether_anything_leaves_the_kiosk() {
        // Hospital texts on a kiosk with the local registry: untrue.
        let dir = tempfile::tempdir().unwrap();
        hospital_texts(dir.path(), str::to_owned);
        let err = ConsentLibrary::for_kiosk(
            Some(dir.path()),
            InfoType::AskRealName,
            Destination::KioskOnly,
        )
        .unwrap_err();
        assert_eq!(err.code(), "CONSENT_MISMATCH");
        assert!(err.to_string().contains("adapter is local"), "{err}");
        // "Nothing leaves the kiosk" on a kiosk that hands patients to the hospital: untrue.
        let dir = tempfile::tempdir().unwrap();
        hospital_texts(dir.path(), |t| t.replace(BUILTIN_SENDS, "sends = []"));
        let err =
            ConsentLibrary::for_kiosk(Some(dir.path()), InfoType::AskRealName, fhir()).unwrap_err();
        assert_eq!(err.code(), "CONSENT_MISMATCH");
        assert!(err.to_string().contains("name [] in `sends`"), "{err}");
    }

    #[test]
    fn hospital_texts_naming_the_phone_go_with_asking_for_it_and_only_then() {
        let dir = tempfile::tempdir().unwrap();
        hospital_texts(dir.path(), |t| {
            t.replace(BUILTIN_FETCHES, WITH_PHONE).replace(
                BUILTIN_SENDS,
                r#"sends = ["name", "credential", "sex", "birth_date", "phone"]"#,
            )
        });
        let lib =
            ConsentLibrary::for_kiosk(Some(dir.path()), InfoType::AskRealNameTel, fhir()).unwrap();
        assert_eq!(lib.fetches(), Fetched::by(InfoType::AskRealNameTel));
        // Telling patients their phone number is fetched when it is not is no consent either.
        let err =
            ConsentLibrary::for_kiosk(Some(dir.path()), InfoType::AskRealName, fhir()).unwrap_err();
        assert_eq!(err.code(), "CONSENT_MISMATCH");
    }

    #[test]
    fn every_language_names_the_same_data() {
        let dir = tempfile::tempdir().unwrap();
        hospital_texts(dir.path(), |t| {
            if t.contains("Separate consent") {
                t.replace(BUILTIN_FETCHES, WITH_PHONE)
            } else {
                t.to_owned()
            }
        });
        let err = ConsentLibrary::load(dir.path()).unwrap_err();
        assert_eq!(err.code(), "CONSENT_TEXT_INVALID");
        let message = err.to_string();
        assert!(
            message.contains("same `fetches`")
                && message.contains("en [name, credential, phone]")
                && message.contains("zh-CN [name, credential]"),
            "{message}"
        );
        let dir = tempfile::tempdir().unwrap();
        hospital_texts(dir.path(), |t| {
            if t.contains("Separate consent") {
                t.replace(BUILTIN_SENDS, r#"sends = ["name", "credential"]"#)
            } else {
                t.to_owned()
            }
        });
        let err = ConsentLibrary::load(dir.path()).unwrap_err();
        assert!(err.to_string().contains("same `sends`"), "{err}");
    }
}
