//! What the WeChat Pay client needs to know: who the merchant is, which store and device this
//! is, where WeChat is, which keys to use, how to reach the internet. Built by whoever holds
//! the configuration (the kiosk's file, a test, a hospital-side service); nothing here knows
//! of a kiosk.

use std::path::PathBuf;
use std::time::Duration;

use facekiosk_pii::Secret;

use crate::InfoType;
use crate::crypto::Padding;
use crate::v2::SignType;

/// The WeChat Pay client's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WxpaySettings {
    pub merchant: Merchant,
    pub store: Store,
    pub device_id: String,
    pub facemch: Facemch,
    pub endpoints: Endpoints,
    pub keys: Keys,
    pub proxy: Option<Proxy>,
    pub timeouts: Timeouts,
}

impl WxpaySettings {
    /// True in service-provider mode.
    pub fn is_service_provider(&self) -> bool {
        self.merchant.sub_mch_id.is_some()
    }
}

pub const DEFAULT_PAYAPP: &str = "https://payapp.weixin.qq.com";
pub const DEFAULT_API_MCH: &str = "https://api.mch.weixin.qq.com";

/// The merchant (or, with `sub_*`, the service provider and its sub-merchant).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merchant {
    pub appid: String,
    pub mch_id: String,
    pub sub_appid: Option<String>,
    pub sub_mch_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Store {
    pub store_id: String,
    pub store_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facemch {
    pub info_type: InfoType,
    pub padding: Padding,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    pub payapp: String,
    pub api_mch: String,
}

/// Paths of key files (relative paths are relative to the configuration file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keys {
    pub apiv2_key_file: PathBuf,
    pub apiv2_sign_type: SignType,
    pub merchant_private_key: PathBuf,
    pub merchant_certificate: PathBuf,
    /// When set, must match the certificate's serial.
    pub merchant_serial: Option<String>,
    pub wechatpay_public_key: Option<PathBuf>,
    pub wechatpay_public_key_id: Option<String>,
    pub platform_certificates: Vec<PathBuf>,
    /// Service-provider mode: the sub-merchant's certificate serial (`sub_serial_no`), which
    /// tells WeChat whom to encrypt the real name to.
    pub sub_merchant_serial: Option<String>,
    /// Service-provider mode: the sub-merchant's private key that decrypts the fields.
    pub sub_merchant_private_key: Option<PathBuf>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proxy {
    pub url: String,
    pub username: Option<String>,
    pub password: Option<Secret>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    pub connect: Duration,
    pub request: Duration,
    /// Further attempts after the first, for connection errors, 429 and 5xx.
    pub retries: u32,
    /// How long the facemch query may take, retries included: the patient has confirmed on
    /// WeChat's screen and waits; timeouts and resets are retried too, until then.
    pub facemch_deadline: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(3),
            request: Duration::from_secs(10),
            retries: 2,
            facemch_deadline: Duration::from_secs(15),
        }
    }
}
