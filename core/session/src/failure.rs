//! Why a session failed: one code per cause, for the staff (the screen shows plain words and
//! the code), and whether trying again can help. Built from the typed errors of the terminal,
//! WeChat and the records; never from their messages, so nothing personal can leak into it.

use serde::Serialize;

use facekiosk_terminal::{Outcome, TerminalError};
use facekiosk_wxpay::WxpayError;
use facekiosk_wxpay::error::WechatErrorKind;

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

/// Which patient action a terminal call waits for, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatientStep {
    None,
    FaceScan,
    Confirmation,
}

/// The name serde writes for a code (a unit variant, possibly inside an untagged one):
/// `TERMINAL_LOST` for [`FailureCode::TerminalLost`], without allocating. Each code is thus
/// spelled once, by its enum's serde attributes, for the screens (JSON), the TypeScript
/// bindings (ts-rs reads the same attributes) and the logs alike. `""` for a value that is not
/// a code (a struct, a number): no code enum has one.
pub fn code_str<T: Serialize + ?Sized>(code: &T) -> &'static str {
    code.serialize(VariantName).unwrap_or("")
}

/// `as_str` (the code as written), `Display` and `== "CODE"` for a code enum (`Serialize`,
/// unit variants and untagged newtypes of code enums).
macro_rules! written_code {
    ($($code:ty),* $(,)?) => {$(
        impl $code {
            /// The code as it is written (its serde name, e.g. `TERMINAL_LOST`).
            pub fn as_str(self) -> &'static str {
                $crate::failure::code_str(&self)
            }
        }

        impl ::std::fmt::Display for $code {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        /// Compares with the code as written (`code == "TERMINAL_LOST"`).
        impl PartialEq<&str> for $code {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }
    )*};
}
pub(crate) use written_code;

written_code!(FailureCode);

/// A serializer that takes a unit variant's name and refuses everything else.
struct VariantName;

#[derive(Debug)]
struct NotACode;

impl std::fmt::Display for NotACode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not a code")
    }
}

impl std::error::Error for NotACode {}

impl serde::ser::Error for NotACode {
    fn custom<M: std::fmt::Display>(_: M) -> Self {
        NotACode
    }
}

macro_rules! not_a_code {
    ($($method:ident($($arg:ty),*);)*) => {$(
        fn $method(self, $(_: $arg),*) -> Result<&'static str, NotACode> {
            Err(NotACode)
        }
    )*};
}

impl serde::Serializer for VariantName {
    type Ok = &'static str;
    type Error = NotACode;
    type SerializeSeq = serde::ser::Impossible<&'static str, NotACode>;
    type SerializeTuple = serde::ser::Impossible<&'static str, NotACode>;
    type SerializeTupleStruct = serde::ser::Impossible<&'static str, NotACode>;
    type SerializeTupleVariant = serde::ser::Impossible<&'static str, NotACode>;
    type SerializeMap = serde::ser::Impossible<&'static str, NotACode>;
    type SerializeStruct = serde::ser::Impossible<&'static str, NotACode>;
    type SerializeStructVariant = serde::ser::Impossible<&'static str, NotACode>;

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<&'static str, NotACode> {
        Ok(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<&'static str, NotACode> {
        value.serialize(self)
    }

    not_a_code! {
        serialize_bool(bool);
        serialize_i8(i8);
        serialize_i16(i16);
        serialize_i32(i32);
        serialize_i64(i64);
        serialize_u8(u8);
        serialize_u16(u16);
        serialize_u32(u32);
        serialize_u64(u64);
        serialize_f32(f32);
        serialize_f64(f64);
        serialize_char(char);
        serialize_str(&str);
        serialize_bytes(&[u8]);
        serialize_none();
        serialize_unit();
        serialize_unit_struct(&'static str);
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<&'static str, NotACode> {
        Err(NotACode)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<&'static str, NotACode> {
        Err(NotACode)
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, NotACode> {
        Err(NotACode)
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, NotACode> {
        Err(NotACode)
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, NotACode> {
        Err(NotACode)
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, NotACode> {
        Err(NotACode)
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, NotACode> {
        Err(NotACode)
    }

    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, NotACode> {
        Err(NotACode)
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, NotACode> {
        Err(NotACode)
    }
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
    fn a_code_is_written_as_serde_writes_it() {
        for code in [FailureCode::TerminalLost, FailureCode::ClockSkew] {
            let json = serde_json::to_value(code).unwrap();
            assert_eq!(json.as_str(), Some(code.as_str()));
            assert_eq!(code.to_string(), code.as_str());
        }
        assert_eq!(FailureCode::HandOverFailed, "HAND_OVER_FAILED");
        // Not a code: nothing, rather than a made-up string.
        assert_eq!(code_str(&3), "");
        assert_eq!(code_str("TERMINAL_LOST"), "");
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
