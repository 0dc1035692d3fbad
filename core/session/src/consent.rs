//! The consent texts: one version, one file per language, each shown exactly as written and
//! identified by its SHA-256, which the consent receipt records. Each names what WeChat Pay
//! hands the hospital (`fetches`), and the kiosk fetches exactly that.

use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::view::{ConsentDocument, ConsentSection, Language};
use crate::code::written_code;
use facekiosk_wxpay::InfoType;

/// The built-in texts (`assets/consent/<version>/`; older versions stay there for the receipts
/// that name them).
const BUILTIN: [(Language, &str); 2] = [
    (
        Language::ZhCn,
        include_str!("../../../assets/consent/2026-11-25/zh-CN.toml"),
    ),
    (
        Language::En,
        include_str!("../../../assets/consent/2026-11-25/en.toml"),
    ),
];

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

/// The consent text of every language, all of one version, naming the same data.
#[derive(Debug, Clone)]
pub struct ConsentLibrary {
    documents: Vec<ConsentDocument>,
    /// Sorted, without repeats.
    fetches: Vec<Fetched>,
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
}

impl ConsentError {
    /// The code staff see on the screen that says why the kiosk did not start.
    pub fn code(&self) -> ConsentErrorCode {
        match self {
            ConsentError::Invalid { .. } | ConsentError::Inconsistent(_) => {
                ConsentErrorCode::ConsentTextInvalid
            }
            ConsentError::NotWhatIsFetched { .. } => ConsentErrorCode::ConsentMismatch,
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
    /// `facemch.info_type` fetches something else than the texts name.
    ConsentMismatch,
}

written_code!(ConsentErrorCode);

/// One parsed consent file.
#[derive(Debug, Clone)]
pub struct ConsentText {
    pub document: ConsentDocument,
    /// Sorted, without repeats.
    pub fetches: Vec<Fetched>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConsentFile {
    version: String,
    fetches: Vec<Fetched>,
    title: String,
    section: Vec<ConsentSection>,
}

impl ConsentLibrary {
    /// The texts a kiosk shows: the hospital's from `consent_dir`, else the built-in ones;
    /// refused unless they name exactly what `info_type` fetches.
    pub fn for_kiosk(
        consent_dir: Option<&Path>,
        info_type: InfoType,
    ) -> Result<ConsentLibrary, ConsentError> {
        let library = match consent_dir {
            Some(dir) => ConsentLibrary::load(dir)?,
            None => ConsentLibrary::builtin(),
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
        Ok(library)
    }

    /// The texts that ship with the kiosk.
    pub fn builtin() -> ConsentLibrary {
        let texts = BUILTIN
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
        let documents = texts.into_iter().map(|t| t.document).collect();
        Ok(ConsentLibrary { documents, fetches })
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

    /// What the texts say WeChat Pay hands the hospital.
    pub fn fetches(&self) -> &[Fetched] {
        &self.fetches
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
    Ok(ConsentText { document, fetches })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_texts_say_what_the_law_asks_in_both_languages() {
        let lib = ConsentLibrary::builtin();
        for language in Language::ALL {
            let doc = lib.document(language);
            assert_eq!(doc.language, language);
            assert_eq!(doc.sha256.len(), 64);
            // What is fetched, why, how long, who receives it, and the alternative.
            assert!(doc.sections.len() >= 4, "{language:?}");
        }
        assert_ne!(
            lib.document(Language::ZhCn).sha256,
            lib.document(Language::En).sha256
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

    #[test]
    fn hospital_texts_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("zh-CN.toml"), BUILTIN[0].1).unwrap();
        let err = ConsentLibrary::load(dir.path()).unwrap_err();
        assert!(err.to_string().contains("en.toml"), "{err}");
        std::fs::write(
            dir.path().join("en.toml"),
            BUILTIN[1].1.replace("2026-11-25", "2027-01-01"),
        )
        .unwrap();
        let err = ConsentLibrary::load(dir.path()).unwrap_err();
        assert!(err.to_string().contains("same version"), "{err}");
        std::fs::write(
            dir.path().join("en.toml"),
            "version = \"2026-11-25\"\nfetches = [\"name\"]\ntitle = \"t\"\n",
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
    fn the_built_in_texts_cover_exactly_the_real_name() {
        let lib = ConsentLibrary::for_kiosk(None, InfoType::AskRealName).unwrap();
        assert_eq!(lib.fetches(), [Fetched::Name, Fetched::Credential]);

        // They say nothing of a phone number: a kiosk asking for one does not start.
        let err = ConsentLibrary::for_kiosk(None, InfoType::AskRealNameTel).unwrap_err();
        assert_eq!(err.code(), "CONSENT_MISMATCH");
        let message = err.to_string();
        for part in [
            "facemch.info_type ASK_REAL_NAME_TEL",
            "[name, credential, phone]",
            "name [name, credential]",
            "version 2026-11-25",
            "kiosk.consent_dir",
        ] {
            assert!(message.contains(part), "{part:?} not in {message}");
        }
    }

    #[test]
    fn hospital_texts_naming_the_phone_go_with_asking_for_it_and_only_then() {
        let dir = tempfile::tempdir().unwrap();
        hospital_texts(dir.path(), |t| t.replace(BUILTIN_FETCHES, WITH_PHONE));
        let lib = ConsentLibrary::for_kiosk(Some(dir.path()), InfoType::AskRealNameTel).unwrap();
        assert_eq!(lib.fetches(), Fetched::by(InfoType::AskRealNameTel));
        // Telling patients their phone number is fetched when it is not is no consent either.
        let err = ConsentLibrary::for_kiosk(Some(dir.path()), InfoType::AskRealName).unwrap_err();
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
    }
}
