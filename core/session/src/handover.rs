//! The hand-over of a verified identity to whoever registers the patient: the hospital's
//! system through a `[his]` adapter ([`HospitalSystem`]), or the kiosk's own records when the
//! kiosk has none yet ([`LocalRegistry`]).

use std::sync::Arc;

use facekiosk_his::{HisErrorCode, HisPatient, Hospital};
use facekiosk_pii::identity::{Identity, WechatId};
use facekiosk_terminal::BoxFuture;

use serde::Serialize;

use super::records::{PatientRef, Records};
use crate::code::code_str;

/// A patient WeChat verified, for the moment of the hand-over. Borrowed: the session owns the
/// identity and wipes it as soon as the hand-over returns.
#[derive(Debug, Clone, Copy)]
pub struct VerifiedPatient<'a> {
    pub identity: &'a Identity,
    /// The openid the face scan returned (the link key for a returning patient).
    pub openid: &'a WechatId,
}

/// Why a hand-over failed, as a code for the log and the staff. Never free text: a hospital
/// system's error message may well echo the patient's name or ID number back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum HandOverError {
    /// The hand-over took longer than `[kiosk] hand_over_timeout_secs`.
    Timeout,
    /// The kiosk's own records could not be written.
    Records,
    /// The hospital's system failed or refused: written as its own code (`HIS_REFUSED`).
    #[serde(untagged)]
    Hospital(HisErrorCode),
}

impl HandOverError {
    /// The code as it is written (`TIMEOUT`, `HIS_REFUSED`).
    pub fn code(self) -> &'static str {
        match self {
            HandOverError::Hospital(code) => code.as_str(),
            other => code_str(&other),
        }
    }

    /// Whether handing the same patient over again may end otherwise: the system was down or
    /// slow, or the kiosk's records failed. A refusal, two records of one ID number or an
    /// answer that cannot be read are the window's to sort out.
    pub fn is_transient(self) -> bool {
        match self {
            HandOverError::Timeout | HandOverError::Records => true,
            HandOverError::Hospital(code) => matches!(
                code,
                HisErrorCode::HisUnreachable
                    | HisErrorCode::HisTimeout
                    | HisErrorCode::HisServerError
            ),
        }
    }
}

impl std::fmt::Display for HandOverError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "hand-over failed: {}", self.code())
    }
}

impl std::error::Error for HandOverError {}

/// Registers a verified patient and answers their reference. The session stops waiting after
/// `[kiosk] hand_over_timeout_secs` and drops the future (so does a cancel): an adapter must
/// take the same patient twice without harm.
pub trait HandOver: Send + Sync {
    fn hand_over<'a>(
        &'a self,
        patient: VerifiedPatient<'a>,
    ) -> BoxFuture<'a, Result<PatientRef, HandOverError>>;
}

/// The embedded default: the patient is registered as a reference linked to their openid in
/// the kiosk's records, and nothing else of the identity is stored.
#[derive(Debug, Clone)]
pub struct LocalRegistry {
    records: Arc<Records>,
}

impl LocalRegistry {
    pub fn new(records: Arc<Records>) -> LocalRegistry {
        LocalRegistry { records }
    }
}

impl HandOver for LocalRegistry {
    fn hand_over<'a>(
        &'a self,
        patient: VerifiedPatient<'a>,
    ) -> BoxFuture<'a, Result<PatientRef, HandOverError>> {
        Box::pin(async move {
            // The link is the registration, looked up and minted in one transaction: a
            // reference shown on the success screen is always one the records can find, a
            // patient linked since the session looked keeps theirs, and a reference is never
            // minted twice.
            self.records.register_patient(patient.openid).map_err(|e| {
                tracing::error!(error = %e, "cannot register the patient in the records");
                HandOverError::Records
            })
        })
    }
}

/// The hospital's own system, through the `[his]` adapter: the patient is found by their ID
/// document or registered there, and the hospital's patient number is their reference (the
/// session links it to the openid for welcome back).
#[derive(Debug, Clone)]
pub struct HospitalSystem {
    hospital: Arc<dyn Hospital>,
}

impl HospitalSystem {
    pub fn new(hospital: Arc<dyn Hospital>) -> HospitalSystem {
        HospitalSystem { hospital }
    }
}

impl HandOver for HospitalSystem {
    fn hand_over<'a>(
        &'a self,
        patient: VerifiedPatient<'a>,
    ) -> BoxFuture<'a, Result<PatientRef, HandOverError>> {
        Box::pin(async move {
            let sent = HisPatient::from_identity(patient.identity)
                .map_err(|e| HandOverError::Hospital(e.code()))?;
            match self.hospital.find_or_register(&sent).await {
                Ok(number) => Ok(PatientRef::new(number.into_string())),
                Err(e) => {
                    // The adapter's errors name fields and codes, never a value.
                    tracing::error!(error = %e, "the hospital's system did not register the patient");
                    Err(HandOverError::Hospital(e.code()))
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_hand_over_says_only_its_code() {
        assert_eq!(HandOverError::Timeout.code(), "TIMEOUT");
        assert_eq!(HandOverError::Records.code(), "RECORDS");
        assert_eq!(
            HandOverError::Timeout.to_string(),
            "hand-over failed: TIMEOUT"
        );
        let refused = HandOverError::Hospital(HisErrorCode::HisRefused);
        assert_eq!(refused.code(), "HIS_REFUSED");
        assert_eq!(
            serde_json::to_value(refused).unwrap(),
            serde_json::json!("HIS_REFUSED")
        );
    }

    #[test]
    fn only_a_system_that_was_down_or_slow_is_worth_a_second_try() {
        use HisErrorCode::*;
        for code in [HisUnreachable, HisTimeout, HisServerError] {
            assert!(HandOverError::Hospital(code).is_transient(), "{code}");
        }
        for code in [
            HisRefused,
            HisAnswerInvalid,
            HisDuplicatePatients,
            HisNotRegistered,
            HisSetup,
            HisUnsendable,
        ] {
            assert!(!HandOverError::Hospital(code).is_transient(), "{code}");
        }
    }
}
