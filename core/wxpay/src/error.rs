//! Everything that can go wrong talking to WeChat, each with a stable `code` the kiosk and
//! its staff screens branch on. No variant carries personal data or key material: fields are
//! named, values are not.

use thiserror::Error;

use super::v2::{SignError, XmlError};
use super::v3::VerifyError;
use crate::crypto::{DecryptError, KeyError};
use facekiosk_pii::identity::Invalid;

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
    #[error("the answer of {} exceeds {cap} bytes, far more than WeChat sends; refused", .endpoint.as_str())]
    TooLarge { endpoint: Endpoint, cap: usize },
    #[error("{} answered HTTP {status}, a redirect: WeChat does not redirect, check the proxy and the endpoint setting", .endpoint.as_str())]
    Redirected { endpoint: Endpoint, status: u16 },
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
    /// The terminal's `face_sid` goes into a signed URL path; its value is never quoted.
    #[error("the terminal's `face_sid` {0}; not sent to WeChat")]
    BadFaceSid(&'static str),
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

/// What kind of failure a [`WxpayError`] is: the one classification of WeChat's errors. Its
/// [`code`](WechatErrorKind::code) is what the screens, logs and support calls name (the
/// session's failure codes derive from the kind), and whether trying the same call again can
/// help is decided here and nowhere else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WechatErrorKind {
    /// WeChat cannot be reached (DNS, connection, TLS, the proxy).
    Unreachable,
    /// WeChat did not answer in time.
    Timeout,
    /// HTTP 401: WeChat did not take our signature (merchant key, serial number).
    AuthRejected,
    /// HTTP 429: too many calls.
    RateLimited,
    /// HTTP 5xx.
    ServerError,
    /// Any other HTTP error: WeChat rejected the request as sent.
    RequestRejected,
    /// This kiosk's clock is too far off WeChat's.
    ClockSkew,
    /// WeChat's response failed its signature check (APIv3 or APIv2).
    ResponseUnverified,
    /// WeChat's response is not what the protocol says (XML, JSON, fields).
    ResponseMalformed,
    /// Our own request cannot be written.
    RequestUnsendable,
    /// APIv2's `return_code` is not SUCCESS.
    Refused,
    /// The real-name fields did not decrypt into a valid identity.
    IdentityUndecryptable,
    /// The keys, certificates or the HTTP client cannot be set up.
    KeySetup,
}

impl WechatErrorKind {
    /// Every kind, in declaration order.
    pub const ALL: [WechatErrorKind; 13] = [
        Self::Unreachable,
        Self::Timeout,
        Self::AuthRejected,
        Self::RateLimited,
        Self::ServerError,
        Self::RequestRejected,
        Self::ClockSkew,
        Self::ResponseUnverified,
        Self::ResponseMalformed,
        Self::RequestUnsendable,
        Self::Refused,
        Self::IdentityUndecryptable,
        Self::KeySetup,
    ];

    /// A stable code for screens, logs and support calls.
    pub fn code(self) -> &'static str {
        match self {
            Self::Unreachable => "WECHAT_UNREACHABLE",
            Self::Timeout => "WECHAT_TIMEOUT",
            Self::AuthRejected => "WECHAT_AUTH_REJECTED",
            Self::RateLimited => "WECHAT_RATE_LIMITED",
            Self::ServerError => "WECHAT_SERVER_ERROR",
            Self::RequestRejected => "WECHAT_REQUEST_REJECTED",
            Self::ClockSkew => "CLOCK_SKEW",
            Self::ResponseUnverified => "WECHAT_RESPONSE_UNVERIFIED",
            Self::ResponseMalformed => "WECHAT_RESPONSE_MALFORMED",
            Self::RequestUnsendable => "REQUEST_UNSENDABLE",
            Self::Refused => "WECHAT_REFUSED",
            Self::IdentityUndecryptable => "IDENTITY_UNDECRYPTABLE",
            Self::KeySetup => "KEY_SETUP",
        }
    }

    /// Whether trying the same call again later may succeed (the session offers a retry).
    pub fn is_retryable(self) -> bool {
        matches!(
            self,
            Self::Unreachable | Self::Timeout | Self::RateLimited | Self::ServerError
        )
    }
}

impl std::fmt::Display for WechatErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl WxpayError {
    /// What kind of failure this is; exhaustive, so a new variant is classified here by the
    /// compiler rather than falling into a default.
    pub fn kind(&self) -> WechatErrorKind {
        use WechatErrorKind as K;
        match self {
            Self::Unreachable { .. } => K::Unreachable,
            Self::Timeout { .. } => K::Timeout,
            Self::Api { status: 401, .. } => K::AuthRejected,
            Self::Api { status: 429, .. } => K::RateLimited,
            Self::Api {
                status: 500..=599, ..
            } => K::ServerError,
            Self::Api { .. } => K::RequestRejected,
            Self::ClockSkew { .. } => K::ClockSkew,
            Self::Unverified(_) | Self::V2Sign(_) => K::ResponseUnverified,
            Self::Xml(_)
            | Self::BadBody(_)
            | Self::MissingField(_)
            | Self::BadField { .. }
            | Self::TooLarge { .. }
            | Self::Redirected { .. } => K::ResponseMalformed,
            Self::Unsendable(_) | Self::BadFaceSid(_) => K::RequestUnsendable,
            Self::V2Return { .. } => K::Refused,
            Self::Decrypt { .. } | Self::Implausible { .. } => K::IdentityUndecryptable,
            Self::Key(_) | Self::Setup(_) => K::KeySetup,
        }
    }

    /// The kind's code (`WECHAT_SERVER_ERROR`): for screens, logs and support calls.
    pub fn code(&self) -> &'static str {
        self.kind().code()
    }

    /// Whether trying the same call again later may succeed (see
    /// [`WechatErrorKind::is_retryable`]).
    pub fn is_retryable(&self) -> bool {
        self.kind().is_retryable()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn each_kind_has_its_own_code() {
        let codes: BTreeSet<&str> = WechatErrorKind::ALL.iter().map(|k| k.code()).collect();
        assert_eq!(codes.len(), WechatErrorKind::ALL.len(), "{codes:?}");
    }

    #[test]
    fn errors_are_classified_by_what_went_wrong() {
        use WechatErrorKind as K;
        let api = |status| WxpayError::Api {
            endpoint: Endpoint::Facemch,
            status,
            code: "X".into(),
            message: "x".into(),
            request_id: None,
            hint: None,
        };
        let cases = [
            (
                WxpayError::Unreachable {
                    endpoint: Endpoint::Authinfo,
                    reason: "refused".into(),
                },
                K::Unreachable,
            ),
            (
                WxpayError::Timeout {
                    endpoint: Endpoint::Facemch,
                },
                K::Timeout,
            ),
            (api(401), K::AuthRejected),
            (api(429), K::RateLimited),
            (api(500), K::ServerError),
            (api(599), K::ServerError),
            (api(400), K::RequestRejected),
            (api(404), K::RequestRejected),
            (WxpayError::ClockSkew { offset_secs: 400 }, K::ClockSkew),
            (WxpayError::MissingField("face_sid"), K::ResponseMalformed),
            (
                WxpayError::BadField {
                    field: "openid",
                    reason: "empty".into(),
                },
                K::ResponseMalformed,
            ),
            (WxpayError::BadBody("not JSON".into()), K::ResponseMalformed),
            (
                WxpayError::V2Return {
                    return_code: "FAIL".into(),
                    return_msg: "x".into(),
                },
                K::Refused,
            ),
            (WxpayError::Setup("no key".into()), K::KeySetup),
            (
                WxpayError::Unverified(VerifyError::Replayed),
                K::ResponseUnverified,
            ),
            (
                WxpayError::TooLarge {
                    endpoint: Endpoint::Facemch,
                    cap: 65536,
                },
                K::ResponseMalformed,
            ),
            (
                WxpayError::Redirected {
                    endpoint: Endpoint::Authinfo,
                    status: 302,
                },
                K::ResponseMalformed,
            ),
            (WxpayError::BadFaceSid("is empty"), K::RequestUnsendable),
        ];
        for (error, kind) in cases {
            assert_eq!(error.kind(), kind, "{error}");
            assert_eq!(error.code(), kind.code());
        }
        // Only what a second try can change is retried: the network and WeChat's load.
        let retryable: Vec<_> = WechatErrorKind::ALL
            .into_iter()
            .filter(|k| k.is_retryable())
            .collect();
        assert_eq!(
            retryable,
            [K::Unreachable, K::Timeout, K::RateLimited, K::ServerError]
        );
        assert!(api(503).is_retryable() && !api(400).is_retryable());
    }
}
