//! Why a session failed: one code per cause, for the staff (the screen shows plain words and
//! the code), and whether trying again can help. Built from the typed errors of the terminal,
//! WeChat and the records; never from their messages, so nothing personal can leak into it.

use serde::Serialize;

use crate::terminal::{Outcome, TerminalError};
use crate::wxpay::WxpayError;

/// The code the failure screen shows for staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FailureCode {
    /// No working link to the face terminal (unplugged, bridge app not running).
    TerminalNotConnected,
    /// The link died during a call (unplugged mid-session).
    TerminalLost,
    /// The terminal did not answer in time.
    TerminalTimeout,
    /// The bridge refused or failed the call.
    TerminalError,
    /// The patient did not look into the camera in time.
    FaceScanTimeout,
    /// The patient did not answer WeChat's confirmation screen in time.
    ConfirmationTimeout,
    /// The WeChat face app is being installed or updated.
    FaceAppUpdating,
    /// The face SDK is not ready (still initialising after retries).
    FaceSdkNotReady,
    /// The face SDK answered an error.
    FaceSdkError,
    /// This merchant is not allowed to use face real-name (`FACEPAY_NOT_AUTH`).
    FaceAuthNotPermitted,
    WechatUnreachable,
    WechatTimeout,
    WechatServerError,
    WechatRateLimited,
    WechatAuthRejected,
    WechatRequestRejected,
    WechatRefused,
    WechatResponseUnverified,
    WechatResponseMalformed,
    /// The kiosk's clock is off by more than WeChat accepts.
    ClockSkew,
    /// The keys or certificates cannot be used.
    KeySetup,
    RequestUnsendable,
    /// The real-name fields did not decrypt to a valid identity.
    IdentityUndecryptable,
    /// WeChat answered without the real name the kiosk asked for.
    IdentityIncomplete,
    /// The patient records could not be read or written.
    RecordsUnavailable,
    /// The hospital system did not take the verified identity.
    HandOverFailed,
}

impl FailureCode {
    /// Whether "try again" is offered: only where a second attempt can go differently.
    pub fn retry(self) -> bool {
        use FailureCode::*;
        matches!(
            self,
            TerminalNotConnected
                | TerminalLost
                | TerminalTimeout
                | TerminalError
                | FaceScanTimeout
                | ConfirmationTimeout
                | FaceAppUpdating
                | FaceSdkNotReady
                | FaceSdkError
                | WechatUnreachable
                | WechatTimeout
                | WechatServerError
                | WechatRateLimited
                | RecordsUnavailable
                | HandOverFailed
        )
    }

    /// The code as it is written (`TERMINAL_LOST`).
    pub fn as_str(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    /// A terminal call that got no SDK answer. `waiting_for_patient` tells a patient who did
    /// not act in time apart from a terminal that did not answer.
    pub fn of_terminal(error: &TerminalError, step: PatientStep) -> FailureCode {
        match error {
            TerminalError::NotConnected { .. } | TerminalError::Shutdown => {
                FailureCode::TerminalNotConnected
            }
            TerminalError::LinkLost { .. } => FailureCode::TerminalLost,
            TerminalError::Timeout { .. } => match step {
                PatientStep::FaceScan => FailureCode::FaceScanTimeout,
                PatientStep::Confirmation => FailureCode::ConfirmationTimeout,
                PatientStep::None => FailureCode::TerminalTimeout,
            },
            TerminalError::Busy { .. }
            | TerminalError::Bridge { .. }
            | TerminalError::MalformedResult { .. } => FailureCode::TerminalError,
        }
    }

    /// An SDK answer other than success and the patient's cancel.
    pub fn of_outcome<T>(outcome: &Outcome<T>) -> FailureCode {
        match outcome {
            Outcome::FaceAppInstalling => FailureCode::FaceAppUpdating,
            Outcome::NotInitialised | Outcome::Initialising => FailureCode::FaceSdkNotReady,
            Outcome::FacepayNotAuth => FailureCode::FaceAuthNotPermitted,
            _ => FailureCode::FaceSdkError,
        }
    }

    pub fn of_wxpay(error: &WxpayError) -> FailureCode {
        Self::of_wxpay_code(error.code())
    }

    fn of_wxpay_code(code: &str) -> FailureCode {
        match code {
            "WECHAT_UNREACHABLE" => FailureCode::WechatUnreachable,
            "WECHAT_TIMEOUT" => FailureCode::WechatTimeout,
            "WECHAT_AUTH_REJECTED" => FailureCode::WechatAuthRejected,
            "WECHAT_RATE_LIMITED" => FailureCode::WechatRateLimited,
            "WECHAT_SERVER_ERROR" => FailureCode::WechatServerError,
            "WECHAT_REQUEST_REJECTED" => FailureCode::WechatRequestRejected,
            "CLOCK_SKEW" => FailureCode::ClockSkew,
            "WECHAT_RESPONSE_UNVERIFIED" => FailureCode::WechatResponseUnverified,
            "WECHAT_RESPONSE_MALFORMED" => FailureCode::WechatResponseMalformed,
            "REQUEST_UNSENDABLE" => FailureCode::RequestUnsendable,
            "WECHAT_REFUSED" => FailureCode::WechatRefused,
            "IDENTITY_UNDECRYPTABLE" => FailureCode::IdentityUndecryptable,
            _ => FailureCode::KeySetup,
        }
    }
}

/// Which patient action a terminal call waits for, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatientStep {
    None,
    FaceScan,
    Confirmation,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_written_as_staff_read_them() {
        assert_eq!(FailureCode::TerminalLost.as_str(), "TERMINAL_LOST");
        assert_eq!(
            FailureCode::WechatServerError.as_str(),
            "WECHAT_SERVER_ERROR"
        );
    }

    #[test]
    fn every_wxpay_code_keeps_its_name() {
        // A WeChat code falling into KEY_SETUP by accident would send staff to the keys for a
        // network problem.
        for code in [
            "WECHAT_UNREACHABLE",
            "WECHAT_TIMEOUT",
            "WECHAT_AUTH_REJECTED",
            "WECHAT_RATE_LIMITED",
            "WECHAT_SERVER_ERROR",
            "WECHAT_REQUEST_REJECTED",
            "CLOCK_SKEW",
            "WECHAT_RESPONSE_UNVERIFIED",
            "WECHAT_RESPONSE_MALFORMED",
            "REQUEST_UNSENDABLE",
            "WECHAT_REFUSED",
            "IDENTITY_UNDECRYPTABLE",
            "KEY_SETUP",
        ] {
            assert_eq!(FailureCode::of_wxpay_code(code).as_str(), code);
        }
    }

    #[test]
    fn a_patient_who_did_not_act_is_not_a_broken_terminal() {
        let timeout = TerminalError::Timeout {
            method: facekiosk_bridge_protocol::Method::GetWxpayfaceCode,
            after_ms: 1,
            by: crate::terminal::TimeoutBy::Bridge,
        };
        assert_eq!(
            FailureCode::of_terminal(&timeout, PatientStep::FaceScan),
            FailureCode::FaceScanTimeout
        );
        assert_eq!(
            FailureCode::of_terminal(&timeout, PatientStep::None),
            FailureCode::TerminalTimeout
        );
        assert!(FailureCode::FaceScanTimeout.retry());
        assert!(!FailureCode::ClockSkew.retry());
    }
}
