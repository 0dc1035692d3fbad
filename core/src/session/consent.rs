//! The consent texts: one version, one file per language, each shown exactly as written and
//! identified by its SHA-256, which the consent receipt records.

use std::fmt;
use std::path::Path;

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::view::{ConsentDocument, ConsentSection, Language};

/// The built-in texts (`assets/consent/<version>/`).
const BUILTIN: [(Language, &str); 2] = [
    (
        Language::ZhCn,
        include_str!("../../../assets/consent/2026-11-24/zh-CN.toml"),
    ),
    (
        Language::En,
        include_str!("../../../assets/consent/2026-11-24/en.toml"),
    ),
];

/// The consent text of every language, all of one version.
#[derive(Debug, Clone)]
pub struct ConsentLibrary {
    documents: Vec<ConsentDocument>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConsentError {
    #[error("consent text {file}: {problem}")]
    Invalid { file: String, problem: String },
    #[error("consent texts: {0}")]
    Inconsistent(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConsentFile {
    version: String,
    title: String,
    section: Vec<ConsentSection>,
}

impl ConsentLibrary {
    /// The texts that ship with the kiosk.
    pub fn builtin() -> ConsentLibrary {
        let docs = BUILTIN
            .iter()
            .map(|(language, text)| parse(*language, text, &format!("{}.toml", language.tag())))
            .collect::<Result<Vec<_>, _>>();
        // The built-in texts are checked by this crate's tests; failing here is a build defect.
        ConsentLibrary::new(docs.expect("built-in consent texts parse"))
            .expect("built-in consent texts agree")
    }

    /// The hospital's own texts: `<dir>/zh-CN.toml` and `<dir>/en.toml`.
    pub fn load(dir: &Path) -> Result<ConsentLibrary, ConsentError> {
        let mut docs = Vec::new();
        for language in Language::ALL {
            let file = dir.join(format!("{}.toml", language.tag()));
            let name = file.display().to_string();
            let text = std::fs::read_to_string(&file).map_err(|e| ConsentError::Invalid {
                file: name.clone(),
                problem: e.to_string(),
            })?;
            docs.push(parse(language, &text, &name)?);
        }
        ConsentLibrary::new(docs)
    }

    fn new(documents: Vec<ConsentDocument>) -> Result<ConsentLibrary, ConsentError> {
        let versions: Vec<&str> = documents.iter().map(|d| d.version.as_str()).collect();
        if versions.windows(2).any(|w| w[0] != w[1]) {
            return Err(ConsentError::Inconsistent(format!(
                "every language must have the same version, found {}",
                versions.join(", ")
            )));
        }
        Ok(ConsentLibrary { documents })
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
}

impl fmt::Display for ConsentLibrary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "consent {}", self.version())
    }
}

/// Reads one consent text (`file` names it in errors).
pub fn parse(language: Language, text: &str, file: &str) -> Result<ConsentDocument, ConsentError> {
    let invalid = |problem: String| ConsentError::Invalid {
        file: file.to_owned(),
        problem,
    };
    let parsed: ConsentFile = toml::from_str(text).map_err(|e| invalid(e.message().to_owned()))?;
    if parsed.version.trim().is_empty() || parsed.title.trim().is_empty() {
        return Err(invalid("version and title must not be empty".into()));
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
    Ok(ConsentDocument {
        version: parsed.version,
        language,
        sha256: hex::encode(Sha256::digest(text.as_bytes())),
        title: parsed.title,
        sections: parsed.section,
    })
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
        assert_ne!(a.sha256, b.sha256);
    }

    #[test]
    fn hospital_texts_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("zh-CN.toml"), BUILTIN[0].1).unwrap();
        let err = ConsentLibrary::load(dir.path()).unwrap_err();
        assert!(err.to_string().contains("en.toml"), "{err}");
        std::fs::write(
            dir.path().join("en.toml"),
            BUILTIN[1].1.replace("2026-11-24", "2027-01-01"),
        )
        .unwrap();
        let err = ConsentLibrary::load(dir.path()).unwrap_err();
        assert!(err.to_string().contains("same version"), "{err}");
        std::fs::write(
            dir.path().join("en.toml"),
            "version = \"2026-11-24\"\ntitle = \"t\"\n",
        )
        .unwrap();
        let err = ConsentLibrary::load(dir.path()).unwrap_err();
        assert!(err.to_string().contains("section"), "{err}");
    }
}
