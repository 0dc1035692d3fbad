//! What an SDK call answered, typed: the callback Map's `return_code` and `err_code` mapped to
//! [`Outcome`] variants, the call's own payload parsed ([`FaceCode`], rawdata), and the Map
//! itself kept for diagnostics in a [`RawResult`] that never prints its values.

use std::fmt;

use facekiosk_bridge_protocol::{Method, SdkResult};
use serde_json::Value;
use zeroize::Zeroize;

use super::error::TerminalError;
use facekiosk_pii::FaceSid;
use facekiosk_pii::identity::WechatId;

/// `err_code` 271378620: the SDK is not initialised (init, then retry).
pub const ERR_NOT_INITIALISED: i64 = 271_378_620;
/// `err_code` 271378621: the SDK is still connecting to the face app (retry after ~500 ms).
pub const ERR_INITIALISING: i64 = 271_378_621;
/// `err_code` 271378622: the face app is being installed (or updated).
pub const ERR_FACE_APP_INSTALLING: i64 = 271_378_622;

/// The `return_code` of an SDK callback Map: the documented values, the SDK's constants and the
/// AAR's own `FAIL`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ReturnCode {
    /// `SUCCESS`.
    Success,
    /// `USER_CANCEL`: the patient left the face UI or refused on WeChat's screen.
    UserCancel,
    /// `SCAN_PAYMENT`: the patient chose to pay by scanning a code instead.
    ScanPayment,
    /// `FACEPAY_NOT_AUTH`: the merchant or device lacks the face permission.
    FacepayNotAuth,
    /// `ACTION_ON_USER_QUERY_CANCEL`: the patient cancelled the query.
    ActionOnUserQueryCancel,
    /// `ERROR`.
    Error,
    /// `PARAM_ERROR`.
    ParamError,
    /// `SYSTEMERROR`.
    SystemError,
    /// `FAIL`, synthesised by the AAR (with an `err_code`).
    Fail,
    /// No `return_code` in the Map (or not a string).
    Missing,
    /// A code this version does not know, sanitised (ASCII letters, digits, `_`; 64 at most).
    Other(String),
}

impl ReturnCode {
    /// Reads `return_code` from a callback Map.
    pub fn of(result: &SdkResult) -> ReturnCode {
        match result.get("return_code").and_then(Value::as_str) {
            None => ReturnCode::Missing,
            Some(code) => ReturnCode::parse(code),
        }
    }

    /// The code for this wire value.
    pub fn parse(code: &str) -> ReturnCode {
        match code {
            "SUCCESS" => ReturnCode::Success,
            "USER_CANCEL" => ReturnCode::UserCancel,
            "SCAN_PAYMENT" => ReturnCode::ScanPayment,
            "FACEPAY_NOT_AUTH" => ReturnCode::FacepayNotAuth,
            "ACTION_ON_USER_QUERY_CANCEL" => ReturnCode::ActionOnUserQueryCancel,
            "ERROR" => ReturnCode::Error,
            "PARAM_ERROR" => ReturnCode::ParamError,
            "SYSTEMERROR" => ReturnCode::SystemError,
            "FAIL" => ReturnCode::Fail,
            other => ReturnCode::Other(
                other
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .take(64)
                    .collect(),
            ),
        }
    }

    /// The wire value.
    pub fn as_str(&self) -> &str {
        match self {
            ReturnCode::Success => "SUCCESS",
            ReturnCode::UserCancel => "USER_CANCEL",
            ReturnCode::ScanPayment => "SCAN_PAYMENT",
            ReturnCode::FacepayNotAuth => "FACEPAY_NOT_AUTH",
            ReturnCode::ActionOnUserQueryCancel => "ACTION_ON_USER_QUERY_CANCEL",
            ReturnCode::Error => "ERROR",
            ReturnCode::ParamError => "PARAM_ERROR",
            ReturnCode::SystemError => "SYSTEMERROR",
            ReturnCode::Fail => "FAIL",
            ReturnCode::Missing => "",
            ReturnCode::Other(code) => code,
        }
    }
}

impl fmt::Display for ReturnCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReturnCode::Missing => f.write_str("(no return_code)"),
            other => f.write_str(other.as_str()),
        }
    }
}

/// The secondary `err_code` (an `Integer` in the Java Map; a numeric string is accepted too).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrCode {
    /// 271378620: not initialised.
    NotInitialised,
    /// 271378621: initialising (the SDK is still connecting to the face app).
    Initialising,
    /// 271378622: the face app is being installed.
    FaceAppInstalling,
    /// Any other value.
    Other(i64),
}

impl ErrCode {
    /// Reads `err_code` from a callback Map; `None` when absent or not a number.
    pub fn of(result: &SdkResult) -> Option<ErrCode> {
        let value = match result.get("err_code")? {
            Value::Number(n) => n.as_i64()?,
            Value::String(s) => s.trim().parse().ok()?,
            _ => return None,
        };
        Some(ErrCode::from_i64(value))
    }

    /// The code for this value.
    pub fn from_i64(value: i64) -> ErrCode {
        match value {
            ERR_NOT_INITIALISED => ErrCode::NotInitialised,
            ERR_INITIALISING => ErrCode::Initialising,
            ERR_FACE_APP_INSTALLING => ErrCode::FaceAppInstalling,
            other => ErrCode::Other(other),
        }
    }

    /// The numeric value.
    pub fn value(self) -> i64 {
        match self {
            ErrCode::NotInitialised => ERR_NOT_INITIALISED,
            ErrCode::Initialising => ERR_INITIALISING,
            ErrCode::FaceAppInstalling => ERR_FACE_APP_INSTALLING,
            ErrCode::Other(v) => v,
        }
    }
}

impl fmt::Display for ErrCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.value())
    }
}

/// How an SDK call ended, as the session branches on it. `T` is what a successful call returns.
///
/// An `err_code` of 271378620/621/622 decides the variant whatever the `return_code` (the AAR
/// sends them with `FAIL`); they reach the caller only once the SDK rules gave up (bounded
/// retries for 621, one re-init for 620, none for 622).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome<T> {
    /// `SUCCESS`, with the call's payload.
    Success(T),
    /// `USER_CANCEL`.
    UserCancel,
    /// `ACTION_ON_USER_QUERY_CANCEL`.
    ActionOnUserQueryCancel,
    /// `SCAN_PAYMENT`.
    ScanPayment,
    /// `FACEPAY_NOT_AUTH`.
    FacepayNotAuth,
    /// `err_code` 271378622: the face app is being installed or updated; try again later.
    FaceAppInstalling,
    /// `err_code` 271378620, still after a re-init and a retry.
    NotInitialised,
    /// `err_code` 271378621, still after the bounded retries.
    Initialising,
    /// `ERROR`.
    Error,
    /// `PARAM_ERROR`.
    ParamError,
    /// `SYSTEMERROR`.
    SystemError,
    /// `FAIL` with no `err_code` or another one (see [`Reply::err_code`]).
    Fail,
    /// A `return_code` this version does not know, or none (see [`Reply::return_code`]).
    Unknown,
}

impl<T> Outcome<T> {
    /// Whether the call succeeded.
    pub fn is_success(&self) -> bool {
        matches!(self, Outcome::Success(_))
    }

    /// The payload of a success.
    pub fn success(self) -> Option<T> {
        match self {
            Outcome::Success(t) => Some(t),
            _ => None,
        }
    }

    /// Maps the payload of a success.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Outcome<U> {
        match self {
            Outcome::Success(t) => Outcome::Success(f(t)),
            Outcome::UserCancel => Outcome::UserCancel,
            Outcome::ActionOnUserQueryCancel => Outcome::ActionOnUserQueryCancel,
            Outcome::ScanPayment => Outcome::ScanPayment,
            Outcome::FacepayNotAuth => Outcome::FacepayNotAuth,
            Outcome::FaceAppInstalling => Outcome::FaceAppInstalling,
            Outcome::NotInitialised => Outcome::NotInitialised,
            Outcome::Initialising => Outcome::Initialising,
            Outcome::Error => Outcome::Error,
            Outcome::ParamError => Outcome::ParamError,
            Outcome::SystemError => Outcome::SystemError,
            Outcome::Fail => Outcome::Fail,
            Outcome::Unknown => Outcome::Unknown,
        }
    }

    /// A short name of the variant, for logs and diagnostics.
    pub fn name(&self) -> &'static str {
        match self {
            Outcome::Success(_) => "success",
            Outcome::UserCancel => "user_cancel",
            Outcome::ActionOnUserQueryCancel => "action_on_user_query_cancel",
            Outcome::ScanPayment => "scan_payment",
            Outcome::FacepayNotAuth => "facepay_not_auth",
            Outcome::FaceAppInstalling => "face_app_installing",
            Outcome::NotInitialised => "not_initialised",
            Outcome::Initialising => "initialising",
            Outcome::Error => "error",
            Outcome::ParamError => "param_error",
            Outcome::SystemError => "system_error",
            Outcome::Fail => "fail",
            Outcome::Unknown => "unknown",
        }
    }
}

/// Classifies a callback Map, without its payload.
pub fn classify(return_code: &ReturnCode, err_code: Option<ErrCode>) -> Outcome<()> {
    if *return_code == ReturnCode::Success {
        return Outcome::Success(());
    }
    match err_code {
        Some(ErrCode::FaceAppInstalling) => return Outcome::FaceAppInstalling,
        Some(ErrCode::NotInitialised) => return Outcome::NotInitialised,
        Some(ErrCode::Initialising) => return Outcome::Initialising,
        _ => {}
    }
    match return_code {
        ReturnCode::Success => Outcome::Success(()),
        ReturnCode::UserCancel => Outcome::UserCancel,
        ReturnCode::ActionOnUserQueryCancel => Outcome::ActionOnUserQueryCancel,
        ReturnCode::ScanPayment => Outcome::ScanPayment,
        ReturnCode::FacepayNotAuth => Outcome::FacepayNotAuth,
        ReturnCode::Error => Outcome::Error,
        ReturnCode::ParamError => Outcome::ParamError,
        ReturnCode::SystemError => Outcome::SystemError,
        ReturnCode::Fail => Outcome::Fail,
        ReturnCode::Missing | ReturnCode::Other(_) => Outcome::Unknown,
    }
}

/// The typed answer to one SDK call, with what it was made of.
#[derive(Debug)]
pub struct Reply<T> {
    /// What to branch on.
    pub outcome: Outcome<T>,
    /// The Map's `return_code`.
    pub return_code: ReturnCode,
    /// The Map's `err_code`, if any.
    pub err_code: Option<ErrCode>,
    /// The Map's `return_msg` (the SDK's message for people, e.g. `刷脸服务初始化中`), at most
    /// 128 characters.
    pub return_msg: String,
    /// How many SDK calls this took (retries after 271378621 and the retry after a re-init
    /// included); 0 when nothing was called (an init already done).
    pub attempts: u32,
    /// The callback Map itself, for diagnostics; its `Debug` shows keys, never values.
    pub raw: RawResult,
}

impl<T> Reply<T> {
    /// Types a callback Map: classifies it and, on `SUCCESS`, parses the payload with `parse`
    /// (which names the field it misses).
    pub(crate) fn from_result(
        method: Method,
        result: SdkResult,
        attempts: u32,
        parse: impl FnOnce(&SdkResult) -> Result<T, &'static str>,
    ) -> Result<Reply<T>, TerminalError> {
        let return_code = ReturnCode::of(&result);
        let err_code = ErrCode::of(&result);
        let return_msg = result
            .get("return_msg")
            .and_then(Value::as_str)
            .map(|m| m.chars().take(128).collect())
            .unwrap_or_default();
        let outcome = match classify(&return_code, err_code) {
            Outcome::Success(()) => Outcome::Success(
                parse(&result).map_err(|field| TerminalError::MalformedResult { method, field })?,
            ),
            other => other.map(|()| unreachable!("not a success")),
        };
        Ok(Reply {
            outcome,
            return_code,
            err_code,
            return_msg,
            attempts,
            raw: RawResult::new(result),
        })
    }

    /// The same reply with another payload type; only for replies that are not a success.
    pub(crate) fn failure_as<U>(self) -> Reply<U> {
        Reply {
            outcome: match self.outcome {
                Outcome::Success(_) => Outcome::Error,
                other => other.map(|_| unreachable!("not a success")),
            },
            return_code: self.return_code,
            err_code: self.err_code,
            return_msg: self.return_msg,
            attempts: self.attempts,
            raw: self.raw,
        }
    }
}

/// An SDK callback Map kept for diagnostics. `Debug` shows its keys and the values of
/// `return_code` and `err_code` only: the Map carries openid, face_sid, rawdata... Its strings
/// are wiped on drop.
#[derive(Clone, Default, PartialEq)]
pub struct RawResult(SdkResult);

impl RawResult {
    /// Wraps a Map.
    pub fn new(result: SdkResult) -> RawResult {
        RawResult(result)
    }

    /// The Map with its values. Every call site is a place a reviewer should look at.
    pub fn expose(&self) -> &SdkResult {
        &self.0
    }

    /// The Map's keys.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }
}

impl fmt::Debug for RawResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (key, value) in &self.0 {
            match (key.as_str(), value) {
                ("return_code", Value::String(code)) => {
                    map.entry(key, &ReturnCode::parse(code).as_str())
                }
                ("err_code", Value::Number(n)) => map.entry(key, n),
                _ => map.entry(key, &format_args!("…")),
            };
        }
        map.finish()
    }
}

impl Drop for RawResult {
    fn drop(&mut self) {
        wipe(&mut self.0);
    }
}

/// Zeroizes every string (keys excepted) of a JSON object, recursively.
pub(crate) fn wipe(object: &mut SdkResult) {
    for value in object.values_mut() {
        wipe_value(value);
    }
}

fn wipe_value(value: &mut Value) {
    match value {
        Value::String(s) => s.zeroize(),
        Value::Array(items) => items.iter_mut().for_each(wipe_value),
        Value::Object(object) => wipe(object),
        _ => {}
    }
}

/// `underage_state` of a face-code result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnderageState {
    /// 0: unknown, or the permission is not granted.
    Unknown,
    /// 1: an adult.
    Adult,
    /// 2: a minor.
    Minor,
    /// Another value.
    Other(i64),
}

impl UnderageState {
    fn from_i64(v: i64) -> UnderageState {
        match v {
            0 => UnderageState::Unknown,
            1 => UnderageState::Adult,
            2 => UnderageState::Minor,
            other => UnderageState::Other(other),
        }
    }
}

/// What `getWxpayfaceCode` with `FACE_AUTH` returns on success. Everything here is personal
/// data: `Debug` masks the ids and hides the rest.
#[derive(Clone, PartialEq, Eq)]
pub struct FaceCode {
    /// The query ticket for facemch and `getWxpayAuth`.
    pub face_sid: FaceSid,
    /// The patient's openid under the merchant's appid.
    pub openid: WechatId,
    /// The openid under the sub-merchant's appid (service-provider mode).
    pub sub_openid: Option<WechatId>,
    /// `underage_state`, when the merchant has that permission.
    pub underage_state: Option<UnderageState>,
    /// `telephone_used` (its wire type is unconfirmed: a String or an Integer is accepted).
    pub telephone_used: Option<i64>,
}

impl FaceCode {
    pub(crate) fn parse(result: &SdkResult) -> Result<FaceCode, &'static str> {
        let text = |key: &str| {
            result
                .get(key)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let face_sid = text("face_sid").ok_or("face_sid")?;
        let openid = text("openid").ok_or("openid")?;
        Ok(FaceCode {
            face_sid: FaceSid::new(face_sid),
            openid: WechatId::new(openid),
            sub_openid: text("sub_openid").map(WechatId::new),
            underage_state: integer(result.get("underage_state")).map(UnderageState::from_i64),
            telephone_used: integer(result.get("telephone_used")),
        })
    }
}

/// A String or an Integer holding an integer.
fn integer(value: Option<&Value>) -> Option<i64> {
    match value? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

impl fmt::Debug for FaceCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FaceCode")
            .field("face_sid", &self.face_sid)
            .field("openid", &self.openid)
            .field("sub_openid", &self.sub_openid)
            .field("underage_state", &self.underage_state.map(|_| "…"))
            .field("telephone_used", &self.telephone_used.map(|_| "…"))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> SdkResult {
        match v {
            Value::Object(o) => o,
            _ => unreachable!(),
        }
    }

    fn outcome(v: Value) -> Outcome<()> {
        let m = map(v);
        classify(&ReturnCode::of(&m), ErrCode::of(&m))
    }

    #[test]
    fn every_documented_code_has_its_variant() {
        let cases = [
            ("SUCCESS", Outcome::Success(())),
            ("USER_CANCEL", Outcome::UserCancel),
            ("SCAN_PAYMENT", Outcome::ScanPayment),
            ("FACEPAY_NOT_AUTH", Outcome::FacepayNotAuth),
            (
                "ACTION_ON_USER_QUERY_CANCEL",
                Outcome::ActionOnUserQueryCancel,
            ),
            ("ERROR", Outcome::Error),
            ("PARAM_ERROR", Outcome::ParamError),
            ("SYSTEMERROR", Outcome::SystemError),
            ("FAIL", Outcome::Fail),
            ("WHATEVER_NEW", Outcome::Unknown),
        ];
        for (code, expected) in cases {
            assert_eq!(outcome(json!({"return_code": code})), expected, "{code}");
            assert_eq!(ReturnCode::parse(code).as_str(), code);
        }
        assert_eq!(outcome(json!({})), Outcome::Unknown);
        assert_eq!(
            ReturnCode::of(&map(json!({"return_code": 3}))),
            ReturnCode::Missing
        );
    }

    #[test]
    fn err_codes_decide_whatever_the_return_code_and_accept_strings() {
        let cases = [
            (json!(271_378_620), Outcome::NotInitialised),
            (json!("271378621"), Outcome::Initialising),
            (json!(271_378_622), Outcome::FaceAppInstalling),
            (json!(5), Outcome::Fail),
            (json!("x"), Outcome::Fail),
        ];
        for (err, expected) in cases {
            let m =
                json!({"return_code": "FAIL", "return_msg": "刷脸服务初始化中", "err_code": err});
            assert_eq!(outcome(m), expected);
        }
        assert_eq!(
            outcome(json!({"return_code": "ERROR", "err_code": 271_378_622})),
            Outcome::FaceAppInstalling
        );
        assert_eq!(
            outcome(json!({"return_code": "SUCCESS", "err_code": 271_378_620})),
            Outcome::Success(())
        );
        assert_eq!(
            ErrCode::of(&map(json!({"err_code": 7}))),
            Some(ErrCode::Other(7))
        );
    }

    #[test]
    fn unknown_codes_are_sanitised() {
        let code = ReturnCode::parse("oABC-123 \"x\"");
        assert_eq!(code, ReturnCode::Other("oABC123x".into()));
    }

    #[test]
    fn face_code_tolerates_strings_or_integers_and_names_missing_fields() {
        let m = map(
            json!({"return_code": "SUCCESS", "face_sid": "sid-1", "openid": "o-1",
                           "sub_openid": "", "underage_state": "2", "telephone_used": 1}),
        );
        let code = FaceCode::parse(&m).unwrap();
        assert_eq!(code.face_sid.reveal(), "sid-1");
        assert_eq!(code.openid.reveal(), "o-1");
        assert_eq!(code.sub_openid, None);
        assert_eq!(code.underage_state, Some(UnderageState::Minor));
        assert_eq!(code.telephone_used, Some(1));
        let m = map(json!({"return_code": "SUCCESS", "openid": "o"}));
        assert_eq!(FaceCode::parse(&m), Err("face_sid"));
        let m = map(json!({"return_code": "SUCCESS", "face_sid": "s"}));
        assert_eq!(FaceCode::parse(&m), Err("openid"));
    }

    #[test]
    fn debug_shows_no_values() {
        let m = map(
            json!({"return_code": "SUCCESS", "err_code": 0, "face_sid": "SID-CANARY-9",
                           "openid": "oOPENID-CANARY", "underage_state": 2}),
        );
        let reply = Reply::from_result(Method::GetWxpayfaceCode, m, 1, FaceCode::parse).unwrap();
        let dbg = format!("{reply:?}");
        for canary in ["SID-CANARY-9", "oOPENID-CANARY", "Minor"] {
            assert!(!dbg.contains(canary), "{dbg}");
        }
        assert!(dbg.contains("face_sid") && dbg.contains("SUCCESS"), "{dbg}");
    }

    #[test]
    fn a_success_without_its_payload_is_an_error() {
        let m = map(json!({"return_code": "SUCCESS"}));
        let err = Reply::from_result(Method::GetWxpayfaceCode, m, 1, FaceCode::parse).unwrap_err();
        assert!(err.to_string().contains("face_sid"), "{err}");
    }
}
