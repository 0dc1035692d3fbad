//! Why a session failed: one code per cause, for the staff (the screen shows plain words and
//! the code), and whether trying again can help. Built from the typed errors of the terminal,
//! WeChat and the records; never from their messages, so nothing personal can leak into it.

use serde::Serialize;

use facekiosk_terminal::{Outcome, TerminalError};
use facekiosk_wxpay::WxpayError;
use facekiosk_wxpay::error::WechatErrorKind;

use crate::code::written_code;

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
    /// The hospital's system could not be reached in time, or the kiosk's records failed:
    /// trying again can help. The detail is the hand-over's code (`HIS_TIMEOUT`...).
    HandOverFailed,
    /// The hospital's system answered and did not register the patient (refused, two records
    /// of one ID number, not allowed to register, an answer that cannot be read): the window
    /// can. The detail is the hand-over's code (`HIS_REFUSED`...).
    HandOverRefused,
    /// WeChat's verified answer names another person than the terminal reported: something
    /// other than the paired bridge answered for the terminal. Nothing was linked or shown.
    IdentityMismatch,
    /// A bug in the kiosk ended the session; the kiosk is back for the next patient.
    InternalError,
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

    /// A WeChat failure: by its kind, the one classification of WeChat's errors.
    pub fn of_wxpay(error: &WxpayError) -> FailureCode {
        FailureCode::of_wechat(error.kind())
    }

    /// One code per kind of WeChat failure, written as the kind's own code; exhaustive, so a
    /// new kind is placed here by the compiler rather than falling into a default.
    pub fn of_wechat(kind: WechatErrorKind) -> FailureCode {
        use WechatErrorKind as K;
        match kind {
            K::Unreachable => FailureCode::WechatUnreachable,
            K::Timeout => FailureCode::WechatTimeout,
            K::AuthRejected => FailureCode::WechatAuthRejected,
            K::RateLimited => FailureCode::WechatRateLimited,
            K::ServerError => FailureCode::WechatServerError,
            K::RequestRejected => FailureCode::WechatRequestRejected,
            K::ClockSkew => FailureCode::ClockSkew,
            K::ResponseUnverified => FailureCode::WechatResponseUnverified,
            K::ResponseMalformed => FailureCode::WechatResponseMalformed,
            K::RequestUnsendable => FailureCode::RequestUnsendable,
            K::Refused => FailureCode::WechatRefused,
            K::IdentityUndecryptable => FailureCode::IdentityUndecryptable,
            K::KeySetup => FailureCode::KeySetup,
        }
    }
}

/// A failure as the screen shows it: the code, and for some codes a measurement the
/// technician needs (the clock's offset), never anything personal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub code: FailureCode,
    pub detail: Option<String>,
}

impl Failure {
    /// The kiosk's clock is `offset_secs` behind WeChat's (negative: ahead), as measured.
    pub fn clock_skew(offset_secs: i64) -> Failure {
        Failure {
            code: FailureCode::ClockSkew,
            detail: Some(format!("WeChat's clock minus ours: {offset_secs:+} s")),
        }
    }
}

impl From<FailureCode> for Failure {
    fn from(code: FailureCode) -> Failure {
        Failure { code, detail: None }
    }
}

/// Which patient action a terminal call waits for, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatientStep {
    None,
    FaceScan,
    Confirmation,
}

written_code!(FailureCode);

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
    fn a_code_is_written_as_serde_writes_it() {
        for code in [FailureCode::TerminalLost, FailureCode::ClockSkew] {
            let json = serde_json::to_value(code).unwrap();
            assert_eq!(json.as_str(), Some(code.as_str()));
            assert_eq!(code.to_string(), code.as_str());
        }
        assert_eq!(FailureCode::HandOverFailed, "HAND_OVER_FAILED");
    }

    #[test]
    fn every_kind_of_wechat_failure_keeps_its_code_and_its_retry() {
        // The kind's code is what the wxpay crate logs; the screen shows the same one, and
        // offers "try again" exactly when a second call can go differently.
        for kind in WechatErrorKind::ALL {
            let code = FailureCode::of_wechat(kind);
            assert_eq!(code.as_str(), kind.code(), "{kind:?}");
            assert_eq!(code.retry(), kind.is_retryable(), "{kind:?}");
        }
    }

    #[test]
    fn every_wechat_failure_keeps_its_code() {
        // A WeChat failure shown as KEY_SETUP would send staff to the keys for a network
        // problem: the screen's code is the error's own.
        use facekiosk_wxpay::Endpoint;
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
            by: facekiosk_terminal::TimeoutBy::Bridge,
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
