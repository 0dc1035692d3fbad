//! The out-of-service message for patients, in Chinese and English.

use serde::{Deserialize, Serialize};

use crate::StaffError;

/// Characters per language: what the out-of-service screen shows in large type.
pub const MAX_MESSAGE_CHARS: usize = 200;

/// The patients' message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    zh_cn: String,
    en: String,
}

impl Message {
    /// Each language 1 to [`MAX_MESSAGE_CHARS`] characters, no control characters other than
    /// line breaks.
    pub fn new(zh_cn: &str, en: &str) -> Result<Self, StaffError> {
        check_text("zh_cn", zh_cn)?;
        check_text("en", en)?;
        Ok(Self {
            zh_cn: zh_cn.to_string(),
            en: en.to_string(),
        })
    }

    pub fn zh_cn(&self) -> &str {
        &self.zh_cn
    }

    pub fn en(&self) -> &str {
        &self.en
    }
}

fn check_text(field: &'static str, text: &str) -> Result<(), StaffError> {
    let invalid = |reason| StaffError::InvalidMessage { field, reason };
    let len = text.chars().count();
    if text.trim().is_empty() {
        return Err(invalid("must not be empty"));
    }
    if len > MAX_MESSAGE_CHARS {
        return Err(invalid("must be at most 200 characters"));
    }
    if text.chars().any(|c| c.is_control() && c != '\n') {
        return Err(invalid("must not hold control characters"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_rules_name_the_language() {
        let long = "x".repeat(MAX_MESSAGE_CHARS + 1);
        for (zh, en, field) in [
            ("", "Closed", "zh_cn"),
            ("暂停", "  ", "en"),
            ("暂停", &long, "en"),
            ("暂\u{1b}停", "Closed", "zh_cn"),
        ] {
            let err = Message::new(zh, en).unwrap_err().to_string();
            assert!(err.contains(field), "{err}");
        }
        Message::new(&"停".repeat(MAX_MESSAGE_CHARS), "Closed\ntoday").unwrap();
    }
}
