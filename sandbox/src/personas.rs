//! The simulated patients. Every one is fictitious; the resident ID numbers carry correct
//! GB 11643 check digits so that the kiosk's validation is exercised, not bypassed.
//!
//! The set is written to `personas.json` in the data directory on first start and read back
//! from there afterwards, so a tester may add or edit personas.

use std::fmt;
use std::path::Path;

use anyhow::{Context, Result, anyhow};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use facekiosk_pii::identity::validate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What the persona does in front of the face terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Behaviour {
    /// Looks into the camera and confirms on WeChat's screen.
    #[default]
    Confirms,
    /// Is recognised, then refuses on WeChat's screen: `getWxpayAuth` answers USER_CANCEL.
    DeclinesAtWechat,
    /// Cancels the face scan itself: `getWxpayfaceCode` answers USER_CANCEL.
    CancelsFaceScan,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Persona {
    /// A stable, non-personal handle: what tests, the admin API and the picker use.
    pub id: String,
    /// What the demo's persona picker shows next to the name.
    pub label: String,
    pub name: String,
    /// 1 resident ID, 2 passport, ... (the facemch `credential_type`).
    pub credential_type: i64,
    pub credential_id: String,
    #[serde(default)]
    pub phone: Option<String>,
    /// Whether WeChat knows a union id for this user (ASK_UNIONID answers "UnionID为空" if not).
    #[serde(default = "yes")]
    pub has_union_id: bool,
    #[serde(default)]
    pub minor: bool,
    #[serde(default)]
    pub behaviour: Behaviour,
    /// Already registered at the hospital: the demo seeds its records with this persona's
    /// openid so the kiosk takes the "welcome back" path.
    #[serde(default)]
    pub registered: bool,
}

fn yes() -> bool {
    true
}

/// Only the handle: names and numbers stay out of logs even though they are fictitious.
impl fmt::Debug for Persona {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Persona")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

fn digest28(prefix: &str, parts: &[&str]) -> String {
    let mut h = Sha256::new();
    h.update(b"facekiosk-sandbox");
    for p in parts {
        h.update(b"|");
        h.update(p.as_bytes());
    }
    let tail = URL_SAFE_NO_PAD.encode(h.finalize());
    let mut out = prefix.to_owned();
    out.push_str(&tail[..28 - prefix.len()]);
    out
}

impl Persona {
    /// The openid of this persona under `appid`: 28 characters, stable across runs (so the
    /// demo's records and the tests can know it in advance), different for each appid.
    pub fn openid(&self, appid: &str) -> String {
        digest28("o", &["openid", appid, &self.id])
    }

    /// The union id, the same under every appid.
    pub fn union_id(&self) -> Option<String> {
        self.has_union_id
            .then(|| digest28("o6_bm", &["unionid", &self.id]))
    }

    /// `underage_state` of `getWxpayfaceCode`: 1 adult, 2 minor.
    pub fn underage_state(&self) -> i64 {
        if self.minor { 2 } else { 1 }
    }

    /// Checks the persona as the kiosk will: a plausible name, a credential valid for its type.
    pub fn check(&self) -> Result<()> {
        let bad = |what: &str, e: validate::Invalid| anyhow!("persona {}: {what} {e}", self.id);
        validate::name(&self.name).map_err(|e| bad("name", e))?;
        if self.credential_type == 1 {
            validate::resident_id(&self.credential_id).map_err(|e| bad("credential_id", e))?;
        } else {
            validate::other_credential(&self.credential_id).map_err(|e| bad("credential_id", e))?;
        }
        if let Some(phone) = &self.phone {
            validate::phone(phone).map_err(|e| bad("phone", e))?;
        }
        if self.id.is_empty()
            || !self
                .id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err(anyhow!(
                "persona id {:?} must be letters, digits and -",
                self.id
            ));
        }
        Ok(())
    }
}

/// The id of the persona used when none is chosen.
pub const DEFAULT_PERSONA: &str = "zhang-san";

fn persona(
    id: &str,
    label: &str,
    name: &str,
    credential_type: i64,
    credential_id: &str,
) -> Persona {
    Persona {
        id: id.into(),
        label: label.into(),
        name: name.into(),
        credential_type,
        credential_id: credential_id.into(),
        phone: None,
        has_union_id: true,
        minor: false,
        behaviour: Behaviour::Confirms,
        registered: false,
    }
}

/// The built-in set.
pub fn fixture() -> Vec<Persona> {
    vec![
        persona(
            DEFAULT_PERSONA,
            "adult, resident ID, confirms",
            "张三",
            1,
            "110105198806120036",
        ),
        persona(
            "rare-char",
            "name with a character outside the BMP (U+20BB7)",
            "𠮷雅婷",
            1,
            "320106199203040029",
        ),
        persona(
            "uyghur-name",
            "minority name with a middle dot",
            "阿卜杜·买买提",
            1,
            "650102198502151518",
        ),
        Persona {
            has_union_id: false,
            ..persona(
                "passport",
                "foreign national, passport (credential_type 2), no union id",
                "JOHN SMITH",
                2,
                "GB5527104",
            )
        },
        Persona {
            minor: true,
            ..persona(
                "minor",
                "minor (born 2015)",
                "李小雨",
                1,
                "440306201507080028",
            )
        },
        Persona {
            phone: Some("13912345678".into()),
            ..persona(
                "with-phone",
                "adult with a phone number (ASK_REAL_NAME_TEL)",
                "王芳",
                1,
                "310115197909230049",
            )
        },
        Persona {
            behaviour: Behaviour::DeclinesAtWechat,
            ..persona(
                "declines",
                "refuses on WeChat's confirmation screen",
                "赵敏",
                1,
                "510107199301110061",
            )
        },
        Persona {
            behaviour: Behaviour::CancelsFaceScan,
            ..persona(
                "cancels",
                "cancels the face scan",
                "孙伟",
                1,
                "330106198705050013",
            )
        },
        Persona {
            registered: true,
            ..persona(
                "registered",
                "already registered at this hospital",
                "周杰",
                1,
                "21020219901230003X",
            )
        },
    ]
}

/// Reads `path`, or writes the fixture there first if it does not exist.
pub fn load_or_create(path: &Path) -> Result<Vec<Persona>> {
    if !path.exists() {
        let text = serde_json::to_string_pretty(&fixture())?;
        std::fs::write(path, text + "\n")
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let personas: Vec<Persona> = serde_json::from_str(&text).map_err(|e| {
        anyhow!(
            "{}: not a personas file (line {})",
            path.display(),
            e.line()
        )
    })?;
    let mut seen = std::collections::BTreeSet::new();
    for p in &personas {
        p.check()?;
        if !seen.insert(p.id.clone()) {
            return Err(anyhow!(
                "{}: persona {} appears twice",
                path.display(),
                p.id
            ));
        }
    }
    if personas.is_empty() {
        return Err(anyhow!("{}: no persona", path.display()));
    }
    Ok(personas)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fixture_is_valid_and_covers_every_case() {
        let all = fixture();
        for p in &all {
            p.check().unwrap();
        }
        assert!(
            all.iter()
                .any(|p| p.name.chars().any(|c| c.len_utf8() == 4))
        );
        assert!(all.iter().any(|p| p.name.contains('·')));
        assert!(all.iter().any(|p| p.credential_type == 2));
        assert!(all.iter().any(|p| p.minor));
        assert!(all.iter().any(|p| p.phone.is_some()));
        assert!(
            all.iter()
                .any(|p| p.behaviour == Behaviour::DeclinesAtWechat)
        );
        assert!(
            all.iter()
                .any(|p| p.behaviour == Behaviour::CancelsFaceScan)
        );
        assert!(all.iter().any(|p| p.registered));
        assert!(all.iter().any(|p| p.credential_id.ends_with('X')));
    }

    #[test]
    fn openids_are_stable_per_appid_and_debug_hides_the_person() {
        let p = &fixture()[0];
        assert_eq!(p.openid("wxa"), p.openid("wxa"));
        assert_ne!(p.openid("wxa"), p.openid("wxb"));
        assert_eq!(p.openid("wxa").len(), 28);
        assert_eq!(p.union_id().unwrap().len(), 28);
        let dump = format!("{p:?}");
        assert!(!dump.contains("张三") && !dump.contains("1101051988"));
    }
}
