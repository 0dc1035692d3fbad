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

    /// A terminal call that got no SDK answer. `step` tells a patient who did not act in time
    /// apart from a terminal that did not answer.
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

    /// One code per kind of WeChat failure; exhaustive, so a new kind of error is placed here
    /// by the compiler rather than falling into a default.
    pub fn of_wxpay(error: &WxpayError) -> FailureCode {
        match error {
            WxpayError::Unreachable { .. } => FailureCode::WechatUnreachable,
            WxpayError::Timeout { .. } => FailureCode::WechatTimeout,
            WxpayError::Api { status: 401, .. } => FailureCode::WechatAuthRejected,
            WxpayError::Api { status: 429, .. } => FailureCode::WechatRateLimited,
            WxpayError::Api {
                status: 500..=599, ..
            } => FailureCode::WechatServerError,
            WxpayError::Api { .. } => FailureCode::WechatRequestRejected,
            WxpayError::ClockSkew { .. } => FailureCode::ClockSkew,
            WxpayError::Unverified(_) | WxpayError::V2Sign(_) => {
                FailureCode::WechatResponseUnverified
            }
            WxpayError::Xml(_)
            | WxpayError::BadBody(_)
            | WxpayError::MissingField(_)
            | WxpayError::BadField { .. } => FailureCode::WechatResponseMalformed,
            WxpayError::Unsendable(_) => FailureCode::RequestUnsendable,
            WxpayError::V2Return { .. } => FailureCode::WechatRefused,
            WxpayError::Decrypt { .. } | WxpayError::Implausible { .. } => {
                FailureCode::IdentityUndecryptable
            }
            WxpayError::Key(_) | WxpayError::Setup(_) => FailureCode::KeySetup,
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
    fn every_wechat_failure_keeps_its_code() {
        // A WeChat failure shown as KEY_SETUP would send staff to the keys for a network
        // problem: the screen's code is the error's own.
        use crate::wxpay::Endpoint;
        let api = |status| WxpayError::Api {
            endpoint: Endpoint::Facemch,
            status,
            code: "X".into(),
            message: "x".into(),
            request_id: None,
            hint: None,
        };
        for e in [
            WxpayError::Unreachable {
                endpoint: Endpoint::Authinfo,
                reason: "refused".into(),
            },
            WxpayError::Timeout {
                endpoint: Endpoint::Facemch,
            },
            api(401),
            api(429),
            api(503),
            api(400),
            WxpayError::ClockSkew { offset_secs: 400 },
            WxpayError::MissingField("face_sid"),
            WxpayError::BadField {
                field: "openid",
                reason: "empty".into(),
            },
            WxpayError::BadBody("not JSON".into()),
            WxpayError::V2Return {
                return_code: "FAIL".into(),
                return_msg: "x".into(),
            },
            WxpayError::Setup("no key".into()),
        ] {
            assert_eq!(FailureCode::of_wxpay(&e).as_str(), e.code(), "{e}");
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
