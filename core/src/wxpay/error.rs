//! Everything that can go wrong talking to WeChat, each with a stable `code` the kiosk and
//! its staff screens branch on. No variant carries personal data or key material: fields are
//! named, values are not.

use thiserror::Error;

use super::v2::{SignError, XmlError};
use super::v3::VerifyError;
use crate::crypto::{DecryptError, KeyError};
use crate::identity::Invalid;

/// Which WeChat call failed, for messages and logs (never the URL: it holds the face_sid).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    Authinfo,
    Facemch,
}

impl Endpoint {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Authinfo => "payapp get_wxpayface_authinfo",
            Self::Facemch => "api.mch facemch users",
        }
    }
}

#[derive(Debug, Error)]
pub enum WxpayError {
    #[error("cannot reach WeChat ({}): {reason}", .endpoint.as_str())]
    Unreachable { endpoint: Endpoint, reason: String },
    #[error("WeChat did not answer in time ({})", .endpoint.as_str())]
    Timeout { endpoint: Endpoint },
    #[error("WeChat answered HTTP {status} {code}: {message}{}{}", .request_id.as_ref().map(|r| format!(" (Request-ID {r})")).unwrap_or_default(), .hint.as_ref().map(|h| format!("; {h}")).unwrap_or_default())]
    Api {
        endpoint: Endpoint,
        status: u16,
        code: String,
        message: String,
        request_id: Option<String>,
        hint: Option<String>,
    },
    #[error(
        "this kiosk's clock is {offset_secs} s off WeChat's; WeChat rejects signatures more than 300 s off: set the clock (NTP)"
    )]
    ClockSkew { offset_secs: i64 },
    #[error("WeChat's response is not trusted: {0}")]
    Unverified(#[from] VerifyError),
    #[error("WeChat's XML response: {0}")]
    Xml(XmlError),
    #[error("the request cannot be sent: {0}")]
    Unsendable(XmlError),
    #[error("WeChat's response signature: {0}")]
    V2Sign(SignError),
    #[error("WeChat refused: {return_code} {return_msg}")]
    V2Return {
        return_code: String,
        return_msg: String,
    },
    #[error("WeChat's response lacks `{0}`")]
    MissingField(&'static str),
    #[error("WeChat's response field `{field}` {reason}")]
    BadField { field: &'static str, reason: String },
    #[error("WeChat's response is not the JSON we expect: {0}")]
    BadBody(String),
    #[error("`{field}` {error}; check the merchant private key and keys.padding")]
    Decrypt {
        field: &'static str,
        error: DecryptError,
    },
    #[error("`{field}` decrypted to something that {error}: wrong key or padding?")]
    Implausible { field: &'static str, error: Invalid },
    #[error("key setup: {0}")]
    Key(#[from] KeyError),
    #[error("key setup: {0}")]
    Setup(String),
}

impl WxpayError {
    /// A stable code for screens, logs and support calls.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unreachable { .. } => "WECHAT_UNREACHABLE",
            Self::Timeout { .. } => "WECHAT_TIMEOUT",
            Self::Api { status: 401, .. } => "WECHAT_AUTH_REJECTED",
            Self::Api { status: 429, .. } => "WECHAT_RATE_LIMITED",
            Self::Api {
                status: 500..=599, ..
            } => "WECHAT_SERVER_ERROR",
            Self::Api { .. } => "WECHAT_REQUEST_REJECTED",
            Self::ClockSkew { .. } => "CLOCK_SKEW",
            Self::Unverified(_) => "WECHAT_RESPONSE_UNVERIFIED",
            Self::Xml(_) | Self::BadBody(_) | Self::MissingField(_) | Self::BadField { .. } => {
                "WECHAT_RESPONSE_MALFORMED"
            }
            Self::Unsendable(_) => "REQUEST_UNSENDABLE",
            Self::V2Sign(_) => "WECHAT_RESPONSE_UNVERIFIED",
            Self::V2Return { .. } => "WECHAT_REFUSED",
            Self::Decrypt { .. } | Self::Implausible { .. } => "IDENTITY_UNDECRYPTABLE",
            Self::Key(_) | Self::Setup(_) => "KEY_SETUP",
        }
    }

    /// Whether trying the same call again later may succeed (the session offers a retry).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Self::Unreachable { .. }
                | Self::Timeout { .. }
                | Self::Api {
                    status: 429 | 500..=599,
                    ..
                }
        )
    }
}
