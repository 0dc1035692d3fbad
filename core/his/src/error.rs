//! Why a hand-off failed. Every message names the system, a field or a code: never a value the
//! hospital's system sent back, which may well echo the patient's name or ID number.

use serde::Serialize;

/// A hand-off failure, for the log and for the staff member the patient shows the code to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HisError {
    /// No connection (refused, reset, DNS, TLS).
    #[error("{system}: cannot reach it ({detail})")]
    Unreachable {
        system: &'static str,
        detail: String,
    },
    /// No answer within `[his] request_timeout_ms`.
    #[error("{system}: no answer within {ms} ms")]
    Timeout { system: &'static str, ms: u64 },
    /// An HTTP status that is neither an answer nor a refusal (5xx, 401, 404...).
    #[error("{system}: HTTP status {status}")]
    Status { system: &'static str, status: u16 },
    /// The system answered, and said no (an AE acknowledgement, an OperationOutcome, the
    /// profile's failure code). `code` is the system's own code, reduced to what is safe to
    /// show (letters, digits, `-_.`, at most 32).
    #[error("{system} refused the patient (its code: {code})")]
    Refused { system: &'static str, code: String },
    /// The answer cannot be read: `field` says where, `problem` what is wrong with it.
    #[error("{system}: the answer's {field} {problem}")]
    Malformed {
        system: &'static str,
        field: String,
        problem: String,
    },
    /// More than one patient has this ID document: staff must merge them first.
    #[error("{system}: {count} patients have this ID document; the hospital must merge them")]
    Ambiguous { system: &'static str, count: usize },
    /// Not found, and this kiosk is not allowed to register (`register = false`).
    #[error(
        "{system}: the patient is not registered, and this kiosk may not register patients \
         ([his] register = false)"
    )]
    NotRegistered { system: &'static str },
    /// The adapter's settings, profile or secrets cannot be used: names the field or file.
    #[error("[his] {0}")]
    Setup(String),
    /// The verified identity lacks what this adapter must send (`what`).
    #[error("{system}: cannot send the patient: {what}")]
    Unsendable { system: &'static str, what: String },
}

impl HisError {
    pub fn code(&self) -> HisErrorCode {
        match self {
            HisError::Unreachable { .. } => HisErrorCode::HisUnreachable,
            HisError::Timeout { .. } => HisErrorCode::HisTimeout,
            HisError::Status { .. } => HisErrorCode::HisServerError,
            HisError::Refused { .. } => HisErrorCode::HisRefused,
            HisError::Malformed { .. } => HisErrorCode::HisAnswerInvalid,
            HisError::Ambiguous { .. } => HisErrorCode::HisDuplicatePatients,
            HisError::NotRegistered { .. } => HisErrorCode::HisNotRegistered,
            HisError::Setup(_) => HisErrorCode::HisSetup,
            HisError::Unsendable { .. } => HisErrorCode::HisUnsendable,
        }
    }

    /// Whether trying the same call again may end otherwise (the system was down or slow).
    pub fn is_transient(&self) -> bool {
        matches!(
            self.code(),
            HisErrorCode::HisUnreachable | HisErrorCode::HisTimeout | HisErrorCode::HisServerError
        )
    }

    /// A `Malformed` for `field`.
    pub fn malformed(
        system: &'static str,
        field: impl Into<String>,
        problem: impl Into<String>,
    ) -> HisError {
        HisError::Malformed {
            system,
            field: field.into(),
            problem: problem.into(),
        }
    }

    /// A `Refused` carrying the system's `code`, reduced to what is safe to show.
    pub fn refused(system: &'static str, code: &str) -> HisError {
        HisError::Refused {
            system,
            code: safe_code(code),
        }
    }
}

/// A code from outside, safe for a screen and a log: letters, digits and `-_.`, at most 32; a
/// code with anything else in it (a name, a sentence) is not shown at all.
pub fn safe_code(code: &str) -> String {
    let code = code.trim();
    let ok = !code.is_empty()
        && code.len() <= 32
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    if ok {
        code.to_owned()
    } else {
        "(not shown)".to_owned()
    }
}

/// The code of a failed hand-off, shown to staff on the failure screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum HisErrorCode {
    HisUnreachable,
    HisTimeout,
    HisServerError,
    HisRefused,
    HisAnswerInvalid,
    HisDuplicatePatients,
    HisNotRegistered,
    HisSetup,
    HisUnsendable,
}

impl HisErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            HisErrorCode::HisUnreachable => "HIS_UNREACHABLE",
            HisErrorCode::HisTimeout => "HIS_TIMEOUT",
            HisErrorCode::HisServerError => "HIS_SERVER_ERROR",
            HisErrorCode::HisRefused => "HIS_REFUSED",
            HisErrorCode::HisAnswerInvalid => "HIS_ANSWER_INVALID",
            HisErrorCode::HisDuplicatePatients => "HIS_DUPLICATE_PATIENTS",
            HisErrorCode::HisNotRegistered => "HIS_NOT_REGISTERED",
            HisErrorCode::HisSetup => "HIS_SETUP",
            HisErrorCode::HisUnsendable => "HIS_UNSENDABLE",
        }
    }
}

impl std::fmt::Display for HisErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_written_as_serde_writes_them() {
        for code in [
            HisErrorCode::HisUnreachable,
            HisErrorCode::HisDuplicatePatients,
            HisErrorCode::HisUnsendable,
        ] {
            assert_eq!(
                serde_json::to_value(code).unwrap(),
                serde_json::json!(code.as_str())
            );
        }
    }

    #[test]
    fn a_code_from_outside_is_shown_only_when_it_is_a_code() {
        assert_eq!(safe_code(" E042 "), "E042");
        assert_eq!(safe_code("duplicate.patient-1"), "duplicate.patient-1");
        for sentence in [
            "张三 已存在",
            "id 110105194912310020 exists",
            "",
            &"A".repeat(33),
        ] {
            assert_eq!(safe_code(sentence), "(not shown)", "{sentence}");
        }
    }
}
